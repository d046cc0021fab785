package discover

import (
	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/state"
)

// Resources are the state entries the groups record: each server and each
// of its volumes at its address, with the attributes as the cloud reported
// them. Keypairs are not recorded: a keypair the state does not record is
// one fleet uses and never deletes, which is what a taken-over key is.
func Resources(groups []Group) []state.Resource {
	var out []state.Resource
	for _, g := range groups {
		for _, m := range g.Members {
			srv := m.Server
			out = append(out, state.Resource{Address: m.Address, Kind: addrs.KindServer, Provider: g.Provider, ID: srv.ID, Server: &srv})
			for _, v := range m.Volumes {
				vol := v.Volume
				out = append(out, state.Resource{Address: m.Address.VolumeOf(v.Name), Kind: addrs.KindVolume, Provider: g.Provider, ID: vol.ID, Volume: &vol})
			}
		}
	}
	return out
}
