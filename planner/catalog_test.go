package planner

import (
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// catalogWorld is an empty cloud whose catalogs also list images with the
// root disk they need and subnets with their CIDRs, as both providers'
// inventories report them.
func catalogWorld() map[string]providers.InventoryResponse {
	inv := withCatalog(emptyInventory())
	ncp := inv["ncp"]
	ncp.Catalog.Images = []providers.ImageInfo{
		{ID: "104630229", Name: "ubuntu-24.04-base", MinDisk: 10},
		{ID: "2265", Name: "two-volumes"}, // a member image of several volumes: size unknown
		{ID: ncpImage, Name: "Ubuntu Server 20.04 (64-bit)", MinDisk: 50},
	}
	ncp.Catalog.Subnets = []providers.SubnetInfo{{ID: "36", Network: "75", CIDR: "10.0.0.0/17"}, {ID: "37", Network: "75", CIDR: "10.0.128.0/17"}}
	inv["ncp"] = ncp
	nhn := inv["nhn"]
	nhn.Catalog.Images = []providers.ImageInfo{
		{ID: "4a1ef9c5-47ff-463d-bffb-e78d82703e47", Name: "Windows", MinDisk: 50},
		{ID: nhnImage, Name: "Ubuntu", MinDisk: 20},
	}
	nhn.Catalog.Subnets = []providers.SubnetInfo{{ID: nhnSubnet, Network: "net-1", CIDR: "10.0.0.0/8"}}
	inv["nhn"] = nhn
	return inv
}

// TestCatalogChecks: the root volume defaults to the image's size and a
// smaller one fails; a fixed IP must lie in its subnet, which must exist.
// One check serves both clouds, fed by each provider's catalog.
func TestCatalogChecks(t *testing.T) {
	tests := map[string]struct {
		ncp      bool // the NCP web server, else the NHN db
		edit     func(*spec.Server)
		wantErr  string // "" : the plan builds
		wantRoot int    // the created server's root volume size; 0: none sent
	}{
		"ncp default from the image product": {ncp: true, wantRoot: 50},
		"ncp default from a server image":    {ncp: true, edit: func(s *spec.Server) { s.Image = "104630229" }, wantRoot: 10},
		"ncp image of unknown size":          {ncp: true, edit: func(s *spec.Server) { s.Image = "2265" }},
		"ncp larger size kept":               {ncp: true, edit: func(s *spec.Server) { s.RootVolume = &spec.RootVolume{Size: 100} }, wantRoot: 100},
		"ncp type only, size defaulted": {ncp: true, edit: func(s *spec.Server) { s.RootVolume = &spec.RootVolume{Type: "HDD"} },
			wantRoot: 50},
		"ncp smaller size": {ncp: true, edit: func(s *spec.Server) { s.RootVolume = &spec.RootVolume{Size: 30} },
			wantErr: `servers.web.root_volume.size: image "Ubuntu Server 20.04 (64-bit)" needs a root volume of at least 50 GB, got 30`},
		"ncp ip inside": {ncp: true, edit: func(s *spec.Server) { s.Network.IP = "10.0.0.10" }, wantRoot: 50},
		"ncp ip in the other subnet": {ncp: true, edit: func(s *spec.Server) { s.Network.IP = "10.0.128.10" },
			wantErr: "servers.web.network.ip: 10.0.128.10 is outside the subnet (10.0.0.0/17)"},
		"ncp unknown subnet": {ncp: true, edit: func(s *spec.Server) { s.Network.Subnet = "99" },
			wantErr: `provider "ncp" has no subnet with that number`},
		"nhn declared size kept": {wantRoot: 50},
		"nhn default above nhn's own": {edit: func(s *spec.Server) { s.Image, s.RootVolume = "4a1ef9c5-47ff-463d-bffb-e78d82703e47", nil },
			wantRoot: 50},
		"nhn smaller size": {edit: func(s *spec.Server) { s.Image = "4a1ef9c5-47ff-463d-bffb-e78d82703e47"; s.RootVolume.Size = 30 },
			wantErr: `servers.db.root_volume.size: image "Windows" needs a root volume of at least 50 GB, got 30`},
		"nhn ip inside": {edit: func(s *spec.Server) { s.Network.IP = "10.1.2.3" }, wantRoot: 50},
		"nhn ip outside": {edit: func(s *spec.Server) { s.Network.IP = "192.168.1.5" },
			wantErr: "servers.db.network.ip: 192.168.1.5 is outside the subnet (10.0.0.0/8)"},
		"nhn unknown subnet": {edit: func(s *spec.Server) { s.Network.Subnet = "00000000-0000-4000-8000-000000000000" },
			wantErr: `provider "nhn" has no subnet with that id`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mk, group := nhnServer, "db"
			if tc.ncp {
				mk, group = ncpServer, "web"
			}
			g, srvs := groupOf(group, 1, nil, mk, tc.edit)
			p, diags := Build(Input{Fleet: fleetOf(g, srvs), Inventory: catalogWorld()})
			if tc.wantErr != "" {
				if !p.Failed {
					t.Error("plan not Failed")
				}
				wantError(t, diags, tc.wantErr)
				return
			}
			if diags.HasErrors() {
				t.Fatalf("unexpected errors: %s", renderDiags(diags))
			}
			var create *Action
			for i := range p.Actions {
				if a := &p.Actions[i]; a.Type == Create && a.Address == addrs.Server(group) {
					create = a
				}
			}
			if create == nil {
				t.Fatal("no create of the server")
			}
			got := 0
			if rv := create.NewServer().RootVolume; rv != nil {
				got = rv.Size
			}
			if got != tc.wantRoot {
				t.Errorf("root volume size %d, want %d", got, tc.wantRoot)
			}
			if want := create.Declared["root_volume.size"]; tc.wantRoot != 0 && want == "" {
				t.Error("the state would not record the root volume size")
			}
		})
	}
}

// TestCatalogChecksFleetImage: a server booting from an image the fleet
// made (image/NAME) is checked against that image's size, found by the
// cloud id the state records.
func TestCatalogChecksFleetImage(t *testing.T) {
	tests := map[string]struct {
		root     *spec.RootVolume
		wantErr  string
		wantRoot int
	}{
		"default from the image": {wantRoot: 60},
		"smaller size": {root: &spec.RootVolume{Size: 50},
			wantErr: `servers.app.root_volume.size: image "golden" needs a root volume of at least 60 GB, got 50`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			wg, web := groupOf("web", 1, nil, ncpServer, nil)
			golden := &spec.Image{Name: "golden", From: "web"}
			st, inv := world(fleetOf(wg, web, golden))
			ag, app := groupOf("app", 1, nil, ncpServer, func(s *spec.Server) { s.Image, s.RootVolume = "image/golden", tc.root })
			inv = withCatalog(inv)
			ncp := inv["ncp"]
			ncp.Catalog.Images = []providers.ImageInfo{{ID: "img-golden", Name: "golden", MinDisk: 60}}
			inv["ncp"] = ncp
			p, diags := Build(Input{Fleet: fleetOf(wg, web, ag, app, golden), State: st, Inventory: inv})
			if tc.wantErr != "" {
				wantError(t, diags, tc.wantErr)
				return
			}
			if diags.HasErrors() {
				t.Fatalf("unexpected errors: %s", renderDiags(diags))
			}
			for _, a := range p.Actions {
				if a.Type == Create && a.Address == addrs.Server("app") {
					if a.NewServer().RootVolume == nil || a.NewServer().RootVolume.Size != tc.wantRoot {
						t.Errorf("root volume %+v, want size %d", a.NewServer().RootVolume, tc.wantRoot)
					}
					return
				}
			}
			t.Fatal("no create of server/app")
		})
	}
}
