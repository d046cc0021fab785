package planner

import (
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

// lookupWorld is catalogWorld with releases of one NHN image name, an
// undated NCP name listed twice and an inactive NHN image.
func lookupWorld() map[string]providers.InventoryResponse {
	inv := catalogWorld()
	nhn := inv["nhn"]
	nhn.Catalog.Images = append(nhn.Catalog.Images,
		providers.ImageInfo{ID: "aaaa0001", Name: "Ubuntu Server 22.04 LTS", MinDisk: 20, Created: "2024-03-01T00:00:00Z"},
		providers.ImageInfo{ID: "bbbb0002", Name: "Ubuntu Server 22.04 LTS", MinDisk: 20, Created: "2024-06-20T00:00:00Z"},
		providers.ImageInfo{ID: "cccc0003", Name: "Ubuntu Server 22.04 LTS", MinDisk: 20, Created: "2024-09-01T00:00:00Z", Inactive: true},
		providers.ImageInfo{ID: "dddd0004", Name: "Rocky Linux 9", MinDisk: 20, Created: "2024-06-20T00:00:00Z"},
	)
	inv["nhn"] = nhn
	ncp := inv["ncp"]
	ncp.Catalog.Images = append(ncp.Catalog.Images,
		providers.ImageInfo{ID: "SW.VSVR.DUP.1", Name: "twice", MinDisk: 50},
		providers.ImageInfo{ID: "SW.VSVR.DUP.2", Name: "twice", MinDisk: 50},
	)
	inv["ncp"] = ncp
	return inv
}

// TestImageLookup: a name resolves to the newest active image of that name
// (or the only one), shown in the plan; nothing or several is an error at
// the image's line with the candidates; a name that resolves to a new
// release replaces the servers made from the old one, and says so.
func TestImageLookup(t *testing.T) {
	byName := func(name string, mostRecent bool) func(*spec.Server) {
		return func(s *spec.Server) {
			s.Image, s.ImageLookup = "", &spec.ImageLookup{Name: name, MostRecent: mostRecent}
		}
	}
	tests := map[string]struct {
		ncp     bool
		edit    func(*spec.Server)
		wantID  string
		wantErr string
	}{
		"nhn newest active release": {edit: byName("Ubuntu Server 22.04 LTS", true), wantID: "bbbb0002"},
		"nhn only one of the name":  {edit: byName("Rocky Linux 9", false), wantID: "dddd0004"},
		"nhn several, most_recent false": {edit: byName("Ubuntu Server 22.04 LTS", false),
			wantErr: `servers.db.image: 2 images are named "Ubuntu Server 22.04 LTS" Candidates: bbbb0002 (created 2024-06-20T00:00:00Z), aaaa0001 (created 2024-03-01T00:00:00Z); most_recent: false requires exactly one`},
		"nhn none, a close name": {edit: byName("Rocky Linux 8", true),
			wantErr: `servers.db.image: no image named "Rocky Linux 8" provider "nhn" has no active image named "Rocky Linux 8"; did you mean "Rocky Linux 9"?`},
		"ncp product by name": {ncp: true, edit: byName("Ubuntu Server 20.04 (64-bit)", true), wantID: ncpImage},
		"ncp undated twins": {ncp: true, edit: byName("twice", true),
			wantErr: `servers.web.image: 2 images are named "twice" Candidates: SW.VSVR.DUP.1, SW.VSVR.DUP.2; none of them is the newest`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mk, group := nhnServer, "db"
			if tc.ncp {
				mk, group = ncpServer, "web"
			}
			g, srvs := groupOf(group, 2, nil, mk, tc.edit)
			p, diags := Build(Input{Fleet: fleetOf(g, srvs), Inventory: lookupWorld()})
			if tc.wantErr != "" {
				if !p.Failed {
					t.Error("plan not Failed")
				}
				wantError(t, diags, tc.wantErr)
				if n := strings.Count(renderDiags(diags), "servers."+group+".image"); n != 1 {
					t.Errorf("%d image diagnostics for the group, want 1:\n%s", n, renderDiags(diags))
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(renderDiags(diags))
			}
			want := []Lookup{{Group: group, Field: "image", Name: srvs[0].ImageLookup.Name, ID: tc.wantID}}
			if len(p.Lookups) != 1 || p.Lookups[0].Line() != want[0].Line() {
				t.Errorf("lookups = %+v, want %+v", p.Lookups, want)
			}
			for _, a := range p.Actions {
				if a.Kind == addrs.KindServer && (a.NewServer() == nil || a.NewServer().Image != tc.wantID) {
					t.Errorf("%s creates from %+v, want image %s", a.ID, a.NewServer(), tc.wantID)
				}
			}
		})
	}
}

// TestImageLookupNewRelease: servers made from the release a name used to
// resolve to are replaced by the new one, and the plan says why.
func TestImageLookupNewRelease(t *testing.T) {
	edit := func(s *spec.Server) { s.Image = "aaaa0001" }
	g, srvs := groupOf("db", 2, nil, nhnServer, edit)
	st, inv := world(fleetOf(g, srvs))
	for name, r := range lookupWorld() {
		cur := inv[name]
		cur.Catalog = r.Catalog
		inv[name] = cur
	}
	for _, s := range srvs {
		s.Image, s.ImageLookup = "", &spec.ImageLookup{Name: "Ubuntu Server 22.04 LTS", MostRecent: true}
	}
	p, out := buildText(t, Input{Fleet: fleetOf(g, srvs), State: st, Inventory: inv})
	for _, want := range []string{
		"Looked up by name\n  ~ db  image: Ubuntu Server 22.04 LTS → bbbb0002 (resolved to aaaa0001 before: a new release)\n",
		"Plan: 2 to attach, 2 to detach, 2 to replace.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	var md strings.Builder
	if err := RenderMarkdown(&md, p); err != nil {
		t.Fatal(err)
	}
	if want := "#### Looked up by name\n\n- `db  image: Ubuntu Server 22.04 LTS → bbbb0002 (resolved to aaaa0001 before: a new release)`\n"; !strings.Contains(md.String(), want) {
		t.Errorf("markdown lacks %q:\n%s", want, md.String())
	}
	if n := strings.Count(out, "replace            image: aaaa0001 → bbbb0002 (forces replacement)"); n != 2 {
		t.Errorf("%d servers replaced for the new release, want 2:\n%s", n, out)
	}
}

// namesWorld is catalogWorld with the names of VPCs, subnets and ACGs, as
// a refresh with CatalogNames lists them: two NHN subnets share a name in
// different networks, and two NCP VPCs each have an ACG named "web".
func namesWorld() map[string]providers.InventoryResponse {
	inv := catalogWorld()
	ncp := inv["ncp"]
	ncp.Catalog.Networks = []providers.NamedInfo{{ID: "75", Name: "prod-vpc"}, {ID: "80", Name: "dev-vpc"}}
	ncp.Catalog.Subnets = []providers.SubnetInfo{{ID: "36", Network: "75", CIDR: "10.0.0.0/17", Name: "web-subnet"},
		{ID: "37", Network: "75", CIDR: "10.0.128.0/17", Name: "db-subnet"}, {ID: "38", Network: "80", CIDR: "10.1.0.0/17", Name: "web-subnet"}}
	ncp.Catalog.SecurityGroups = []providers.NamedInfo{{ID: "43", Name: "web", Network: "75"}, {ID: "83", Name: "web", Network: "80"}}
	inv["ncp"] = ncp
	nhn := inv["nhn"]
	nhn.Catalog.Networks = []providers.NamedInfo{{ID: "net-1", Name: "prod"}, {ID: "net-2", Name: "dev"}}
	nhn.Catalog.Subnets = []providers.SubnetInfo{{ID: nhnSubnet, Network: "net-1", CIDR: "10.0.0.0/8", Name: "app"},
		{ID: "0bddacee-a387-43fd-a385-0fab48c5c160", Network: "net-2", CIDR: "172.16.0.0/12", Name: "app"}}
	inv["nhn"] = nhn
	return inv
}

// TestNetworkLookup: VPCs, subnets and NCP ACGs written as names resolve
// inside the server's VPC; ids stay ids; none or several is an error at
// the field's line listing the candidates.
func TestNetworkLookup(t *testing.T) {
	net := func(vpc, subnet string, acgs ...string) func(*spec.Server) {
		return func(s *spec.Server) { s.Network = spec.Network{VPC: vpc, Subnet: subnet, SecurityGroups: acgs} }
	}
	tests := map[string]struct {
		ncp     bool
		edit    func(*spec.Server)
		want    spec.Network
		lookups []string
		wantErr string
	}{
		"ncp all by name": {ncp: true, edit: net("prod-vpc", "web-subnet", "web"), want: spec.Network{VPC: "75", Subnet: "36", SecurityGroups: []string{"43"}},
			lookups: []string{"web  network.security_groups: web → 43", "web  network.subnet: web-subnet → 36", "web  network.vpc: prod-vpc → 75"}},
		"ncp ids stay ids": {ncp: true, edit: net("80", "38", "83"), want: spec.Network{VPC: "80", Subnet: "38", SecurityGroups: []string{"83"}}},
		"ncp name in the other vpc": {ncp: true, edit: net("dev-vpc", "web-subnet", "web"), want: spec.Network{VPC: "80", Subnet: "38", SecurityGroups: []string{"83"}},
			lookups: []string{"web  network.security_groups: web → 83", "web  network.subnet: web-subnet → 38", "web  network.vpc: dev-vpc → 80"}},
		"ncp unknown vpc": {ncp: true, edit: net("prod", "web-subnet"),
			wantErr: `servers.web.network.vpc: no VPC named "prod" provider "ncp" has no VPC named "prod"; its names are "dev-vpc", "prod-vpc".`},
		"nhn subnet by name without vpc": {edit: net("", "app"),
			wantErr: `servers.db.network.subnet: 2 subnets are named "app" Candidates: 0bddacee-a387-43fd-a385-0fab48c5c160, ` + nhnSubnet + `. Name it by its id instead, or give the VPC it is in.`},
		"nhn subnet by name in its vpc": {edit: net("prod", "app"), want: spec.Network{VPC: "net-1", Subnet: nhnSubnet},
			lookups: []string{"db  network.subnet: app → " + nhnSubnet, "db  network.vpc: prod → net-1"}},
		"nhn security groups are names already": {edit: net("", nhnSubnet, "default"), want: spec.Network{Subnet: nhnSubnet, SecurityGroups: []string{"default"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mk, group := nhnServer, "db"
			if tc.ncp {
				mk, group = ncpServer, "web"
			}
			g, srvs := groupOf(group, 2, nil, mk, tc.edit)
			p, diags := Build(Input{Fleet: fleetOf(g, srvs), Inventory: namesWorld()})
			if tc.wantErr != "" {
				wantError(t, diags, tc.wantErr)
				return
			}
			if diags.HasErrors() {
				t.Fatal(renderDiags(diags))
			}
			var lines []string
			for _, l := range p.Lookups {
				lines = append(lines, l.Line())
			}
			if strings.Join(lines, "\n") != strings.Join(tc.lookups, "\n") {
				t.Errorf("lookups:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tc.lookups, "\n"))
			}
			for _, s := range srvs {
				if got := s.Network; got.VPC != tc.want.VPC || got.Subnet != tc.want.Subnet || strings.Join(got.SecurityGroups, ",") != strings.Join(tc.want.SecurityGroups, ",") {
					t.Errorf("%s network = %+v, want %+v", s.Name, got, tc.want)
				}
			}
		})
	}
}

// TestImageLookupNewReleaseNCP: an NCP server made from a server image
// reports the product code every release shares, the image number an
// alias; the plan says which number the name resolved to before.
func TestImageLookupNewReleaseNCP(t *testing.T) {
	g, srvs := groupOf("web", 2, nil, ncpServer, nil)
	st, inv := world(fleetOf(g, srvs))
	ncp := inv["ncp"]
	ncp.Catalog = lookupWorld()["ncp"].Catalog
	ncp.Catalog.Images = append(ncp.Catalog.Images,
		providers.ImageInfo{ID: "16187005", Name: "ubuntu-20.04", MinDisk: 50, Created: "2024-01-02T00:00:00Z"},
		providers.ImageInfo{ID: "20000007", Name: "ubuntu-20.04", MinDisk: 50, Created: "2026-12-07T00:00:00Z"},
	)
	for i := range ncp.Servers {
		ncp.Servers[i].ImageAliases = []string{"16187005"}
	}
	inv["ncp"] = ncp
	for _, s := range srvs {
		s.Image, s.ImageLookup = "", &spec.ImageLookup{Name: "ubuntu-20.04", MostRecent: true}
	}
	_, out := buildText(t, Input{Fleet: fleetOf(g, srvs), State: st, Inventory: inv})
	if want := "  ~ web  image: ubuntu-20.04 → 20000007 (resolved to 16187005 before: a new release)\n"; !strings.Contains(out, want) {
		t.Errorf("plan lacks %q:\n%s", want, out)
	}
	if n := strings.Count(out, "replace            image: "+ncpImage+" → 20000007 (forces replacement)"); n != 2 {
		t.Errorf("%d servers replaced for the new release, want 2:\n%s", n, out)
	}
}

// buildText builds a plan that must have no errors and renders it as text.
func buildText(t *testing.T, in Input) (*Plan, string) {
	t.Helper()
	p, diags := Build(in)
	if diags.HasErrors() {
		t.Fatal(renderDiags(diags))
	}
	var b strings.Builder
	if err := RenderText(&b, p, style.Style{}); err != nil {
		t.Fatal(err)
	}
	return p, b.String()
}
