package providertest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/binary"
	"math/big"
	"slices"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

func testKeypair(t *testing.T, ctx context.Context, e Env) {
	pub := authorizedKey(t)
	imp, err := e.Provider.Create(ctx, providers.CreateRequest{
		Owner:   providers.Owner{Fleet: e.Fleet, Address: "keypair/pt-imported"},
		Keypair: &providers.KeypairCreate{Name: "pt-imported", PublicKey: pub},
	})
	if err != nil {
		t.Fatalf("import keypair: %v", err)
	}
	if imp.PrivateKey != "" {
		t.Errorf("import returned a private key")
	}
	gen, err := e.Provider.Create(ctx, providers.CreateRequest{
		Owner:   providers.Owner{Fleet: e.Fleet, Address: "keypair/pt-generated"},
		Keypair: &providers.KeypairCreate{Name: "pt-generated"},
	})
	if err != nil {
		t.Fatalf("generate keypair: %v", err)
	}
	if gen.PrivateKey == "" {
		t.Errorf("generated keypair came without its private key")
	}
	inv := inventory(t, ctx, e, false)
	for _, name := range []string{"pt-imported", "pt-generated"} {
		if !slices.ContainsFunc(inv.Keypairs, func(k providers.Keypair) bool { return k.Name == name }) {
			t.Errorf("inventory lacks keypair %s: %+v", name, inv.Keypairs)
		}
		if _, err := e.Provider.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindKeypair, ID: name, Address: addrs.Keypair(name).String()}); err != nil {
			t.Fatalf("delete keypair %s: %v", name, err)
		}
		_, err := e.Provider.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindKeypair, ID: name, Address: addrs.Keypair(name).String()})
		wantErr(t, "delete keypair twice", err, providers.ErrNotFound)
	}
}

// authorizedKey returns a fresh RSA public key in authorized_keys form.
func authorizedKey(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	putString := func(s []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	putMPInt := func(n *big.Int) {
		raw := n.Bytes()
		if len(raw) > 0 && raw[0]&0x80 != 0 { // keep it positive
			raw = append([]byte{0}, raw...)
		}
		putString(raw)
	}
	putString([]byte("ssh-rsa"))
	putMPInt(big.NewInt(int64(k.E)))
	putMPInt(k.N)
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(b) + " providertest"
}
