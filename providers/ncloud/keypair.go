package ncloud

import (
	"context"
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// createKeypair imports a public key, or lets NCP generate one and returns
// its private key, which NCP shows only this once. Login keys have no
// description, so no owner tag: see Inventory.
func (p *Provider) createKeypair(ctx context.Context, o providers.Owner, k *providers.KeypairCreate) (providers.CreateResponse, error) {
	if k.PublicKey != "" {
		// An import that failed ambiguously is adopted when the key is
		// there: the name is unique and the public key is the caller's.
		f := newForm().set("keyName", k.Name).set("publicKey", k.PublicKey)
		_, err := createOnce(ctx, p, o, "importLoginKey", f, func(*loginKeyList) string { return k.Name }, func() (string, error) {
			found, err := p.keyExists(ctx, k.Name)
			if !found {
				return "", err
			}
			return k.Name, err
		})
		return providers.CreateResponse{ID: k.Name}, err
	}
	// Not retried after a 5xx: a key created then would have lost its
	// private key, and a second create would fail on the name anyway.
	var out createdLoginKey
	if err := p.c.callOnce(ctx, "createLoginKey", newForm().set("keyName", k.Name), &out); err != nil {
		return providers.CreateResponse{}, withAddress(err, o.Address)
	}
	if out.PrivateKey == "" {
		return providers.CreateResponse{}, fmt.Errorf("ncloud: %s: createLoginKey answered without a private key", o.Address)
	}
	return providers.CreateResponse{ID: k.Name, PrivateKey: out.PrivateKey}, nil
}

func (p *Provider) deleteKeypair(ctx context.Context, name, addr string) error {
	found, err := p.keyExists(ctx, name)
	if err != nil {
		return withAddress(err, addr)
	}
	if !found {
		return notFound(addrs.KindKeypair, name, addr)
	}
	return withAddress(p.c.call(ctx, "deleteLoginKeys", newForm().list("keyNameList", []string{name}), nil), addr)
}

func (p *Provider) keyExists(ctx context.Context, name string) (bool, error) {
	keys, err := p.c.loginKeys(ctx, filters(func(f *form) { f.set("keyName", name) }))
	if err != nil {
		return false, err
	}
	for _, k := range keys {
		if k.KeyName == name {
			return true, nil
		}
	}
	return false, nil
}
