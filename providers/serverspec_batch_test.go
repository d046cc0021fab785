package providers

import (
	"reflect"
	"slices"
	"testing"

	"github.com/fleet-iac/fleet/spec"
)

// batchTestServer sets every field, so that changing any one of them in
// TestSameBatchComparesEveryField is a real difference.
func batchTestServer() *ServerSpec {
	return &ServerSpec{
		Name: "web-1", Group: "web", Index: 1, Image: "img", Type: "s2", Zone: "KR-1",
		Network: ServerNetwork{VPC: "vpc", Subnet: "sub", SecurityGroups: []string{"a"}, IP: "10.0.0.1", Interfaces: []string{"nic"}},
		Key:     "k", Power: spec.PowerRunning, Protect: true, RootVolume: &RootVolumeSpec{Size: 50, Type: "SSD", Encrypted: true},
		Volumes: []VolumeSpec{{Name: "data", Size: 10, Type: "SSD"}}, UserData: "#!/bin/sh", Metadata: map[string]string{"role": "web"},
		PublicIP: true, PublicNetwork: "ext", InitScript: "1", PlacementGroup: "2", Billing: "hourly", Description: "d",
		Partitions: []PartitionSpec{{MountPoint: "/data", Size: 10}}, BatchCreate: true,
	}
}

// Every field of ServerSpec is either one batch members may differ in
// (BatchPerMember) or one SameBatch compares: changing it must change the
// answer accordingly. A field added without that decision fails here.
func TestSameBatchComparesEveryField(t *testing.T) {
	typ := reflect.TypeFor[ServerSpec]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			a, b := batchTestServer(), batchTestServer()
			if !a.SameBatch(b) {
				t.Fatal("two copies of one server are not alike")
			}
			v := reflect.ValueOf(b).Elem().Field(i)
			if v.IsZero() {
				t.Fatalf("batchTestServer leaves %s unset: set it, so that changing it is a difference", f.Name)
			}
			v.SetZero()
			perMember := slices.Contains(BatchPerMember, f.Name)
			if got := a.SameBatch(b); got != perMember {
				t.Errorf("SameBatch with %s changed = %v; want %v (list it in BatchPerMember, or compare it in SameBatch)", f.Name, got, perMember)
			}
		})
	}
}

func TestSameBatchNested(t *testing.T) {
	tests := map[string]func(*ServerSpec){
		"subnet":           func(s *ServerSpec) { s.Network.Subnet = "other" },
		"fixed ip":         func(s *ServerSpec) { s.Network.IP = "10.0.0.2" },
		"security groups":  func(s *ServerSpec) { s.Network.SecurityGroups = []string{"b"} },
		"interfaces":       func(s *ServerSpec) { s.Network.Interfaces = []string{"nic2"} },
		"root volume size": func(s *ServerSpec) { s.RootVolume = &RootVolumeSpec{Size: 60, Type: "SSD", Encrypted: true} },
		"volume size":      func(s *ServerSpec) { s.Volumes = []VolumeSpec{{Name: "data", Size: 20, Type: "SSD"}} },
		"metadata value":   func(s *ServerSpec) { s.Metadata = map[string]string{"role": "db"} },
		"partition size":   func(s *ServerSpec) { s.Partitions = []PartitionSpec{{MountPoint: "/data", Size: 20}} },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			a, b := batchTestServer(), batchTestServer()
			change(b)
			if a.SameBatch(b) {
				t.Error("alike after a change one call cannot make for both")
			}
		})
	}
}
