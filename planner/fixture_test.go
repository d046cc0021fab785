package planner

import (
	"fmt"
	"sort"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// Fixtures: fleets are built in Go, and "world" makes the state and the
// inventory of a cloud that matches a fleet exactly, so that each scenario
// is a small, visible change from there.

const (
	ncpImage  = "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050"
	nhnImage  = "9956f822-29c9-4f81-9410-0c392d9c8c24"
	nhnSubnet = "b83863ff-0355-4c73-8c10-0bdf66a69aab"
)

// ncpServer is a web server on NCP as the design's example declares it.
func ncpServer(group string, index int) *spec.Server {
	return &spec.Server{
		Name: instanceName(group, index), Group: group, Index: index, Provider: "ncp",
		Image: ncpImage, Type: "s2-g2-s50", Zone: "KR-1",
		Network: spec.Network{VPC: "75", Subnet: "36", SecurityGroups: []string{"43"}},
		Key:     "prod-key", Power: spec.PowerRunning,
		Volumes: []spec.Volume{{Name: "data", Size: 100, Type: "SSD"}},
	}
}

// nhnServer is a database server on NHN.
func nhnServer(group string, index int) *spec.Server {
	return &spec.Server{
		Name: instanceName(group, index), Group: group, Index: index, Provider: "nhn",
		Image: nhnImage, Type: "m2.c4m8", Zone: "kr-pub-a",
		Network: spec.Network{Subnet: nhnSubnet, SecurityGroups: []string{"default"}},
		Key:     "access-key", Power: spec.PowerRunning,
		RootVolume: &spec.RootVolume{Size: 50, Type: "General SSD"},
		Volumes:    []spec.Volume{{Name: "pgdata", Size: 500, Type: "General SSD"}},
	}
}

func instanceName(group string, index int) string {
	if index == 0 {
		return group
	}
	return fmt.Sprintf("%s-%d", group, index)
}

// groupOf expands count instances of a group with mk, applying edit to each.
func groupOf(name string, count int, rollout *spec.Rollout, mk func(string, int) *spec.Server, edit func(*spec.Server)) (*spec.ServerGroup, []*spec.Server) {
	g := &spec.ServerGroup{Name: name, Count: count, Counted: count != 1 || rollout != nil, Rollout: rollout}
	var out []*spec.Server
	for i := 1; i <= count; i++ {
		idx := i
		if !g.Counted {
			idx = 0
		}
		s := mk(name, idx)
		s.Rollout = rollout
		if edit != nil {
			edit(s)
		}
		out = append(out, s)
	}
	return g, out
}

// fleetOf assembles a fleet named shop with the ncp and nhn providers.
func fleetOf(parts ...any) *spec.Fleet {
	f := &spec.Fleet{
		Version: 1, Name: "shop",
		Providers: map[string]*spec.Provider{
			"ncp": {Name: "ncp", Type: spec.ProviderNCloud, Region: "KR"},
			"nhn": {Name: "nhn", Type: spec.ProviderNHNCloud, Region: "KR1"},
		},
		Files:  []string{"fleet.yaml"},
		Digest: "sha256:fleet-v1",
	}
	for _, p := range parts {
		switch v := p.(type) {
		case *spec.ServerGroup:
			f.Groups = append(f.Groups, v)
		case []*spec.Server:
			f.Servers = append(f.Servers, v...)
		case *spec.Keypair:
			f.Keypairs = append(f.Keypairs, v)
		case *spec.Image:
			f.Images = append(f.Images, v)
		case spec.Moved:
			f.Moved = append(f.Moved, v)
		default:
			panic(fmt.Sprintf("fleetOf: %T", p))
		}
	}
	sort.Slice(f.Groups, func(i, j int) bool { return f.Groups[i].Name < f.Groups[j].Name })
	sort.Slice(f.Servers, func(i, j int) bool { return f.Servers[i].Name < f.Servers[j].Name })
	return f
}

// webAndDB is the design's example: three NCP web servers, one NHN db, a
// keypair.
func webAndDB(webEdit, dbEdit func(*spec.Server)) *spec.Fleet {
	wg, web := groupOf("web", 3, nil, ncpServer, webEdit)
	dg, db := groupOf("db", 1, nil, nhnServer, dbEdit)
	return fleetOf(wg, web, dg, db, &spec.Keypair{Name: "access-key", Provider: "nhn", PublicKey: "ssh-ed25519 AAAA test"})
}

// world returns the state and inventory of a cloud where f was applied.
func world(f *spec.Fleet) (*state.State, map[string]providers.InventoryResponse) {
	inv := map[string]providers.InventoryResponse{}
	for name := range f.Providers {
		inv[name] = providers.InventoryResponse{}
	}
	for _, s := range f.Servers {
		r := inv[s.Provider]
		srv := providers.Server{
			ID: "id-" + s.Name, Name: s.Name, Owner: providers.Owner{Fleet: f.Name, Address: s.Address().String()},
			Image: s.Image, Type: s.Type, Zone: s.Zone, VPC: s.Network.VPC, Subnet: s.Network.Subnet,
			SecurityGroups: append([]string(nil), s.Network.SecurityGroups...), Key: s.Key,
			Power: desiredPower(s), Status: "RUN",
		}
		if f.Providers[s.Provider].Type == spec.ProviderNCloud {
			srv.Protect = s.Protect
		}
		if s.RootVolume != nil {
			srv.RootVolume = &providers.RootVolume{Size: s.RootVolume.Size, Type: s.RootVolume.Type}
		}
		if len(s.Metadata) > 0 {
			srv.Metadata = copyMap(s.Metadata)
		}
		if len(s.Image) > 6 && s.Image[:6] == "image/" {
			srv.Image = "img-" + s.Image[6:]
		}
		for _, v := range s.Volumes {
			vol := providers.Volume{ID: "vol-" + s.Name + "-" + v.Name, Name: s.Name + "-" + v.Name,
				Owner: providers.Owner{Fleet: f.Name, Address: addrs.Volume(s.Name, v.Name).String()},
				Size:  v.Size, Type: v.Type, Zone: s.Zone, ServerID: srv.ID, Status: "ATTAC"}
			srv.Attached = append(srv.Attached, vol.ID)
			r.Volumes = append(r.Volumes, vol)
		}
		r.Servers = append(r.Servers, srv)
		inv[s.Provider] = r
	}
	for _, k := range f.Keypairs {
		r := inv[k.Provider]
		r.Keypairs = append(r.Keypairs, providers.Keypair{Name: k.Name, Owner: providers.Owner{Fleet: f.Name, Address: k.Address().String()}, Fingerprint: "fp-" + k.Name})
		inv[k.Provider] = r
	}
	for _, im := range f.Images {
		src := f.Server(im.From)
		r := inv[src.Provider]
		r.Images = append(r.Images, providers.Image{ID: "img-" + im.Name, Name: im.Name, Owner: providers.Owner{Fleet: f.Name, Address: im.Address().String()},
			SourceServerID: "id-" + im.From, Status: "CREAT", Ready: true})
		inv[src.Provider] = r
	}
	st := &state.State{Version: state.FormatVersion, Lineage: "6a1c1d8e-lineage", Serial: 7, Fleet: f.Name}
	add := func(r state.Resource) { st.Resources = append(st.Resources, r) }
	for _, name := range sortedKeys(inv) {
		r := inv[name]
		sort.Slice(r.Servers, func(i, j int) bool { return r.Servers[i].Owner.Address < r.Servers[j].Owner.Address })
		sort.Slice(r.Volumes, func(i, j int) bool { return r.Volumes[i].Owner.Address < r.Volumes[j].Owner.Address })
		for i := range r.Servers {
			s := cloneServer(r.Servers[i])
			add(state.Resource{Address: addrs.MustParse(s.Owner.Address), Kind: addrs.KindServer, Provider: name, ID: s.ID, Server: &s})
		}
		for i := range r.Volumes {
			v := r.Volumes[i]
			add(state.Resource{Address: addrs.MustParse(v.Owner.Address), Kind: addrs.KindVolume, Provider: name, ID: v.ID, Volume: &v})
		}
		for i := range r.Keypairs {
			k := r.Keypairs[i]
			add(state.Resource{Address: addrs.MustParse(k.Owner.Address), Kind: addrs.KindKeypair, Provider: name, ID: k.Name, Keypair: &k})
		}
		for i := range r.Images {
			im := r.Images[i]
			add(state.Resource{Address: addrs.MustParse(im.Owner.Address), Kind: addrs.KindImage, Provider: name, ID: im.ID, Image: &im})
		}
		inv[name] = r
	}
	sort.Slice(st.Resources, func(i, j int) bool { return st.Resources[i].Address.Less(st.Resources[j].Address) })
	return st, inv
}

// cloneServer copies a server deeply enough that editing the inventory
// never edits the state.
func cloneServer(s providers.Server) providers.Server {
	s.SecurityGroups = append([]string(nil), s.SecurityGroups...)
	s.Attached = append([]string(nil), s.Attached...)
	if s.RootVolume != nil {
		rv := *s.RootVolume
		s.RootVolume = &rv
	}
	if s.Metadata != nil {
		s.Metadata = copyMap(s.Metadata)
	}
	return s
}

// invServer returns the inventory record of a server, for editing.
func invServer(inv map[string]providers.InventoryResponse, provider, name string) *providers.Server {
	r := inv[provider]
	for i := range r.Servers {
		if r.Servers[i].Name == name {
			return &r.Servers[i]
		}
	}
	panic("no server " + name)
}

// invVolume returns the inventory record of a volume, for editing.
func invVolume(inv map[string]providers.InventoryResponse, provider, addr string) *providers.Volume {
	r := inv[provider]
	for i := range r.Volumes {
		if r.Volumes[i].Owner.Address == addr {
			return &r.Volumes[i]
		}
	}
	panic("no volume " + addr)
}

// withCatalog adds catalogs to both providers' inventory.
func withCatalog(inv map[string]providers.InventoryResponse) map[string]providers.InventoryResponse {
	ncp := inv["ncp"]
	ncp.Catalog = &providers.Catalog{
		Types: []providers.TypeInfo{
			{Name: "c2-g2-s50", ID: "SVR.VSVR.HICPU.C002.M004.NET.SSD.B050.G002", Family: "HICPU", DiskType: "SSD", CPUs: 2, MemoryMB: 4096},
			{Name: "s2-g2-s50", ID: "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002", Family: "STAND", DiskType: "SSD", CPUs: 2, MemoryMB: 8192},
			{Name: "s4-g2-s50", ID: "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002", Family: "STAND", DiskType: "SSD", CPUs: 4, MemoryMB: 16384},
		},
		Zones: []string{"KR-1", "KR-2"},
	}
	inv["ncp"] = ncp
	nhn := inv["nhn"]
	nhn.Catalog = &providers.Catalog{
		Types: []providers.TypeInfo{
			{Name: "m2.c4m8", ID: "flv-m2c4m8", Family: "m2", CPUs: 4, MemoryMB: 8192},
			{Name: "m2.c8m16", ID: "flv-m2c8m16", Family: "m2", CPUs: 8, MemoryMB: 16384},
			{Name: "u2.c2m4", ID: "flv-u2c2m4", Family: "u2", CPUs: 2, MemoryMB: 4096},
		},
		Zones: []string{"kr-pub-a", "kr-pub-b"},
	}
	inv["nhn"] = nhn
	return inv
}
