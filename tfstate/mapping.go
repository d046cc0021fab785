package tfstate

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Clouds, as fleet's provider types name them.
const (
	NCloud   = "ncloud"
	NHNCloud = "nhncloud"
)

// Ref is one mapped instance: where Terraform keeps it and the cloud id.
type Ref struct {
	Addr     string // the Terraform address
	Cloud    string // NCloud or NHNCloud
	ID       string // server / volume id; keypair name
	ServerID string // volumes and public IPs: the server they belong to
}

// Unmapped is an instance fleet does not take, and why.
type Unmapped struct {
	Addr   string
	Reason string
}

// Mapping is what a state hands over. Volumes and public IPs belong to the
// servers they are attached to; the command checks every id against the
// cloud, which may have changed since Terraform last saw it.
type Mapping struct {
	Servers   []Ref
	Volumes   []Ref // ServerID from the volume or an attachment resource
	Keypairs  []Ref // used by key:, not recorded in fleet's state
	PublicIPs []Ref // NCP public IPs of servers: public_ip: true
	Attaches  []Ref // openstack_compute_volume_attach_v2: ID is the volume
	Unmapped  []Unmapped
}

// attrs is the subset of the providers' schemas fleet reads: the names
// come from the published resource documentation of
// terraform-provider-ncloud (server, block_storage, login_key, public_ip)
// and terraform-provider-openstack (compute_instance_v2,
// blockstorage_volume_v2/v3, compute_volume_attach_v2, compute_keypair_v2,
// networking_floatingip_v2).
type attrs struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	KeyName          string `json:"key_name"`           // ncloud_login_key
	ServerInstanceNo string `json:"server_instance_no"` // ncloud_block_storage, ncloud_public_ip
	InstanceID       string `json:"instance_id"`        // openstack_compute_volume_attach_v2
	VolumeID         string `json:"volume_id"`          // openstack_compute_volume_attach_v2
	Attachment       []struct {
		InstanceID string `json:"instance_id"`
	} `json:"attachment"` // openstack_blockstorage_volume_v2/v3
	Address string `json:"address"` // openstack_networking_floatingip_v2
}

// Map sorts the state's managed instances into what fleet takes and what
// it leaves, each list sorted by address.
func Map(st *State) Mapping {
	var m Mapping
	for _, r := range st.Resources {
		if r.Mode == "data" {
			continue // data sources are reads, not resources anyone owns
		}
		for _, in := range r.Instances {
			addr := r.Address(in)
			var a attrs
			if err := json.Unmarshal(in.Attributes, &a); err != nil {
				m.Unmapped = append(m.Unmapped, Unmapped{addr, fmt.Sprintf("its attributes do not read as %s's: %v", r.Type, err)})
				continue
			}
			m.add(r.Type, addr, a)
		}
	}
	m.attachVolumes()
	for _, l := range [][]Ref{m.Servers, m.Volumes, m.Keypairs, m.PublicIPs, m.Attaches} {
		sort.Slice(l, func(i, j int) bool { return l[i].Addr < l[j].Addr })
	}
	sort.Slice(m.Unmapped, func(i, j int) bool { return m.Unmapped[i].Addr < m.Unmapped[j].Addr })
	return m
}

func (m *Mapping) add(typ, addr string, a attrs) {
	switch typ {
	case "ncloud_server":
		m.Servers = append(m.Servers, Ref{Addr: addr, Cloud: NCloud, ID: a.ID})
	case "openstack_compute_instance_v2":
		m.Servers = append(m.Servers, Ref{Addr: addr, Cloud: NHNCloud, ID: a.ID})
	case "ncloud_block_storage":
		m.Volumes = append(m.Volumes, Ref{Addr: addr, Cloud: NCloud, ID: a.ID, ServerID: a.ServerInstanceNo})
	case "openstack_blockstorage_volume_v2", "openstack_blockstorage_volume_v3":
		ref := Ref{Addr: addr, Cloud: NHNCloud, ID: a.ID}
		if len(a.Attachment) > 0 {
			ref.ServerID = a.Attachment[0].InstanceID
		}
		m.Volumes = append(m.Volumes, ref)
	case "openstack_compute_volume_attach_v2":
		m.Attaches = append(m.Attaches, Ref{Addr: addr, Cloud: NHNCloud, ID: a.VolumeID, ServerID: a.InstanceID})
	case "ncloud_login_key":
		m.Keypairs = append(m.Keypairs, Ref{Addr: addr, Cloud: NCloud, ID: a.KeyName})
	case "openstack_compute_keypair_v2":
		m.Keypairs = append(m.Keypairs, Ref{Addr: addr, Cloud: NHNCloud, ID: a.Name})
	case "ncloud_public_ip":
		if a.ServerInstanceNo == "" {
			m.Unmapped = append(m.Unmapped, Unmapped{addr, "a public IP assigned to no server: fleet models public IPs only as a server's public_ip"})
			return
		}
		m.PublicIPs = append(m.PublicIPs, Ref{Addr: addr, Cloud: NCloud, ID: a.ID, ServerID: a.ServerInstanceNo})
	case "openstack_networking_floatingip_v2":
		m.Unmapped = append(m.Unmapped, Unmapped{addr, "fleet does not model NHN floating IPs yet: leave it in Terraform, where it stays associated"})
	default:
		m.Unmapped = append(m.Unmapped, Unmapped{addr, "fleet does not manage " + typ})
	}
}

// attachVolumes gives volumes the server an attachment resource names.
func (m *Mapping) attachVolumes() {
	server := map[string]string{}
	for _, at := range m.Attaches {
		server[at.ID] = at.ServerID
	}
	for i := range m.Volumes {
		if m.Volumes[i].ServerID == "" {
			m.Volumes[i].ServerID = server[m.Volumes[i].ID]
		}
	}
}

// Drop moves a mapped instance to Unmapped (the cloud disagrees).
func (m *Mapping) Drop(addr, reason string) {
	m.Unmapped = append(m.Unmapped, Unmapped{addr, reason})
	sort.Slice(m.Unmapped, func(i, j int) bool { return m.Unmapped[i].Addr < m.Unmapped[j].Addr })
}

// RemoveCommands are the commands that make Terraform (and OpenTofu)
// forget what fleet took over, so neither tool touches it again.
func RemoveCommands(addrs []string) []string {
	if len(addrs) == 0 {
		return nil
	}
	sorted := append([]string(nil), addrs...)
	sort.Strings(sorted)
	args := ""
	for _, a := range sorted {
		args += " " + quoteShell(a)
	}
	return []string{"terraform state rm" + args, "tofu state rm" + args}
}

// Belonging hands over the NCP public IPs and volume attachments of the
// taken servers (by id) and the keypairs they use (by name), and moves the
// others to Unmapped. A keypair stays in the cloud: fleet uses a keypair
// its state does not record and never deletes it.
func (m *Mapping) Belonging(taken, keys map[string]bool) []string {
	var out []string
	for _, p := range m.PublicIPs {
		if taken[p.ServerID] {
			out = append(out, p.Addr)
		} else {
			m.Drop(p.Addr, "assigned to no server fleet takes over")
		}
	}
	for _, a := range m.Attaches {
		if taken[a.ServerID] {
			out = append(out, a.Addr)
		} else {
			m.Drop(a.Addr, "attaches a volume to no server fleet takes over")
		}
	}
	for _, k := range m.Keypairs {
		if keys[k.Cloud+"/"+k.ID] {
			out = append(out, k.Addr)
		} else {
			m.Drop(k.Addr, "used by no server fleet takes over")
		}
	}
	return out
}
