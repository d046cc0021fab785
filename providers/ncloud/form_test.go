package ncloud

import (
	"testing"

	"github.com/fleet-iac/fleet/providers"
)

func TestFormLists(t *testing.T) {
	f := newForm().set("vpcNo", "75").set("empty", "").setBool("b", false).setInt("n", 0).list("serverInstanceNoList", []string{"1", "2"})
	nic := item("networkInterfaceList", 0)
	f.setInt(nic+".networkInterfaceOrder", 0).list(nic+".accessControlGroupNoList", []string{"43", "44"})
	want := "b=false&n=0&networkInterfaceList.1.accessControlGroupNoList.1=43&networkInterfaceList.1.accessControlGroupNoList.2=44&networkInterfaceList.1.networkInterfaceOrder=0&serverInstanceNoList.1=1&serverInstanceNoList.2=2&vpcNo=75"
	if got := f.encode(); got != want {
		t.Errorf("encode =\n%s\nwant\n%s", got, want)
	}
}

func TestOwnerTag(t *testing.T) {
	o := providers.Owner{Fleet: "shop", Address: "server/web-1"}
	tests := map[string]struct {
		desc     string
		wantUser string
		want     providers.Owner
		wantOK   bool
	}{
		"tag only":            {tagDescription("", o), "", o, true},
		"after user text":     {tagDescription("front end", o), "front end", o, true},
		"user text with tag":  {"see fleet:docs " + tagDescription("x", o), "see fleet:docs x", o, true},
		"untagged":            {"hand made", "hand made", providers.Owner{}, false},
		"tag inside a word":   {"nofleet:shop server/web-1", "nofleet:shop server/web-1", providers.Owner{}, false},
		"tag without address": {"fleet:shop", "fleet:shop", providers.Owner{}, false},
		"empty":               {"", "", providers.Owner{}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			user, got, ok := parseTag(tc.desc)
			if user != tc.wantUser || got != tc.want || ok != tc.wantOK {
				t.Errorf("parseTag(%q) = %q, %+v, %v; want %q, %+v, %v", tc.desc, user, got, ok, tc.wantUser, tc.want, tc.wantOK)
			}
		})
	}
}

func TestServerOwnerFollowsRename(t *testing.T) {
	s := serverInstance{ServerName: "api-1", ServerDescription: "fleet:shop server/web-3"}
	if _, o, ok := serverOwner(s); !ok || o != (providers.Owner{Fleet: "shop", Address: "server/api-1"}) {
		t.Errorf("renamed server owner = %+v, %v", o, ok)
	}
}
