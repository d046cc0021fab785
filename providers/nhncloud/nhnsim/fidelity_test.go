package nhnsim

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
)

// The fidelity tests pin what other clients found against the simulator
// (issue 20), each driven through gophercloud, the library
// terraform-provider-openstack is built on.

// The OpenStack provider's flavor data source reads os-extra_specs on every
// refresh; Nova serves the list and a single key.
func TestFlavorExtraSpecs(t *testing.T) {
	ctx := context.Background()
	g := newGC(t, newHarness(t, Options{TokenTTL: time.Hour}))
	id := flavorID("m2.c2m4")

	specs, err := flavors.ListExtraSpecs(ctx, g.compute, id).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"flavor_type": "performance"}, specs); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	f, err := flavors.Get(ctx, g.compute, id).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(specs, f.ExtraSpecs); diff != "" {
		t.Errorf("the flavor's extra_specs differ from os-extra_specs (-list +flavor):\n%s", diff)
	}

	cases := []struct {
		name, flavor, key string
		want              map[string]string
		code              int
	}{
		{"a key the flavor has", id, "flavor_type", map[string]string{"flavor_type": "performance"}, 200},
		{"a key it has not", id, "hw:cpu_policy", nil, 404},
		{"an unknown flavor", "no-such-flavor", "flavor_type", nil, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := flavors.GetExtraSpec(ctx, g.compute, tc.flavor, tc.key).Extract()
			if tc.code != 200 {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := flavors.ListExtraSpecs(ctx, g.compute, "no-such-flavor").Extract(); err == nil {
		t.Error("extra specs of an unknown flavor: no error")
	} else {
		wantCode(t, err, 404)
	}
}

// Nova stores a public key as sent; a trimmed key reads back different from
// what the client sent, which makes Terraform replace the keypair every run.
func TestKeypairStoredByteForByte(t *testing.T) {
	ctx := context.Background()
	g := newGC(t, newHarness(t, Options{TokenTTL: time.Hour}))
	gen, err := keypairs.Create(ctx, g.compute, keypairs.CreateOpts{Name: "gen"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, key string }{
		{"trailing newline", gen.PublicKey + "\n"},
		{"trailing CRLF and spaces", gen.PublicKey + "  \r\n"},
		{"no comment", gen.PublicKey[:len(gen.PublicKey)-len(" Generated-by-Nova")]},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := "k" + string(rune('a'+i))
			created, err := keypairs.Create(ctx, g.compute, keypairs.CreateOpts{Name: name, PublicKey: tc.key}).Extract()
			if err != nil {
				t.Fatal(err)
			}
			got, err := keypairs.Get(ctx, g.compute, name, nil).Extract()
			if err != nil {
				t.Fatal(err)
			}
			pages, err := keypairs.List(g.compute, nil).AllPages(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all, err := keypairs.ExtractKeyPairs(pages)
			if err != nil {
				t.Fatal(err)
			}
			listed := ""
			for _, k := range all {
				if k.Name == name {
					listed = k.PublicKey
				}
			}
			for what, k := range map[string]string{"create": created.PublicKey, "get": got.PublicKey, "list": listed} {
				if k != tc.key {
					t.Errorf("%s answered %q, want the key as sent %q", what, k, tc.key)
				}
			}
			if got.Fingerprint != gen.Fingerprint {
				t.Errorf("fingerprint %s, want %s: whitespace around the key is not part of it", got.Fingerprint, gen.Fingerprint)
			}
		})
	}
}
