package planner

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// Existing is a declared resource found in the cloud that this fleet did
// not create: the plan uses it and never deletes it. Keypairs (NHN
// keypairs, NCP login keys) carry no owner tag on either cloud, so the
// state is the only record of which ones fleet created; one the state does
// not hold may be another fleet's or a person's.
type Existing struct {
	Address  addrs.Address `json:"address"`
	Kind     addrs.Kind    `json:"kind"`
	Provider string        `json:"provider"`
	CloudID  string        `json:"cloud_id"`
}

// Line is how people read it: "uses existing keypair/k".
func (e Existing) Line() string { return "uses existing " + e.Address.String() }

// useExistingKeypairs handles the keypairs of one provider that no state
// entry matched. A declared one is used as it is (Plan.Existing): neither
// created nor, since the state does not hold it, ever deleted. The one
// exception is a keypair this fleet's own create left unrecorded (a pending
// create intent in the state): that one is fleet's, and is adopted.
func (b *builder) useExistingKeypairs(provider string, inv providers.InventoryResponse, x *inventoryIndex) {
	declared := map[string]*spec.Keypair{}
	if b.in.Destroy {
		return // nothing is used any more, and what the state lacks is not deleted
	}
	for _, k := range b.fleet.Keypairs {
		if k.Provider == provider || k.Provider == "" {
			declared[k.Name] = k
		}
	}
	for i := range inv.Keypairs {
		k := &inv.Keypairs[i]
		addr := addrs.Keypair(k.Name)
		if x.used[cloudKey{kind: addrs.KindKeypair, id: k.Name}] || declared[k.Name] == nil {
			continue
		}
		if in, ok := b.intents[addr]; ok && in.Action == ActionID(Create, addr, RoleDeclared, "") {
			c := &current{Address: addr, Kind: addrs.KindKeypair, Provider: provider, ID: k.Name, Keypair: k, Adopted: true,
				Declared: b.createdDeclared(addr)}
			b.cur[addr] = c
			b.base[addr] = []string{b.add(&Action{
				Type: Adopt, Kind: addrs.KindKeypair, Address: addr, Provider: provider, CloudID: k.Name,
				Adopted:  &AdoptedResource{Keypair: k},
				Declared: c.Declared,
				Reason:   "created by an interrupted apply of this fleet",
			})}
			continue
		}
		b.existing[addr] = true
		b.plan.Existing = append(b.plan.Existing, Existing{Address: addr, Kind: addrs.KindKeypair, Provider: provider, CloudID: k.Name})
		b.checkExistingKey(declared[k.Name], k)
	}
}

// checkExistingKey fails the plan when a keypair used as it exists holds
// another public key than the file declares: the servers would boot with
// a key nobody meant, and fleet can change neither the keypair (not its
// own) nor the key a server booted with. A fingerprint in a form fleet
// does not know is not judged.
func (b *builder) checkExistingKey(d *spec.Keypair, found *providers.Keypair) {
	want := fingerprints(d.PublicKey)
	fp := found.Fingerprint
	known := strings.HasPrefix(fp, "SHA256:") || (len(fp) == 47 && strings.Count(fp, ":") == 15)
	if len(want) == 0 || !known || slices.Contains(want, fp) {
		return
	}
	b.fail(spec.Diagnostic{Severity: spec.SeverityError, Address: d.Address().String(),
		Summary: fmt.Sprintf("keypairs.%s.public_key_file: keypair %s already exists in the cloud with another public key (%s)", d.Name, d.Name, fp),
		Detail: "This fleet did not create it, so it uses it as it is and never changes it; its servers would boot with that key, not this file's. " +
			"Point public_key_file at the key it holds, or declare this key under a keypair name not taken.",
		Range: rangeOrNil(d.FieldRange("public_key_file"))})
}

// fingerprints returns the forms the clouds show an OpenSSH public key's
// fingerprint in: MD5 as colon-separated hex ("eb:8d:…") and OpenSSH's
// "SHA256:<base64>"; nil when the key cannot be read.
func fingerprints(pub string) []string {
	f := strings.Fields(pub)
	if len(f) < 2 {
		return nil
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return nil
	}
	m := md5.Sum(blob)
	hexes := make([]string, len(m))
	for i, c := range m {
		hexes[i] = fmt.Sprintf("%02x", c)
	}
	s := sha256.Sum256(blob)
	return []string{strings.Join(hexes, ":"), "SHA256:" + base64.RawStdEncoding.EncodeToString(s[:])}
}
