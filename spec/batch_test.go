package spec

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// batchTestServer sets every field, so that changing any one of them in
// TestSameBatchComparesEveryField is a real difference.
func batchTestServer() *Server {
	return &Server{
		Name: "web-1", Group: "web", Index: 1, Provider: "ncp", Image: "img", ImageLookup: &ImageLookup{Name: "ubuntu", MostRecent: true},
		Type: "s2", Zone: "KR-1",
		Network: Network{VPC: "vpc", Subnet: "sub", SecurityGroups: []string{"a"}, IP: "10.0.0.1", Interfaces: []string{"nic"}},
		Key:     "k", Power: PowerRunning, Protect: true, RootVolume: &RootVolume{Size: 50, Type: "SSD", Encrypted: true},
		Volumes: []Volume{{Name: "data", Size: 10, Type: "SSD"}}, UserData: "#!/bin/sh", Metadata: map[string]string{"role": "web"},
		PublicIP: true, PublicNetwork: "ext", InitScript: "1", PlacementGroup: "2", Billing: "hourly", Description: "d",
		Partitions:  []Partition{{MountPoint: "/data", Size: 10}},
		Rollout:     &Rollout{MaxUnavailable: 1, Check: &Check{Command: "true", Timeout: time.Minute, Interval: time.Second}},
		BatchCreate: true, Ignore: []string{"metadata"}, Range: Range{Filename: "fleet.yaml"},
		Fields: map[string]Range{"type": {Filename: "fleet.yaml"}}, SensitiveUserData: true,
	}
}

// Every field of Server is either one batch members may differ in
// (BatchPerMember) or one SameBatch compares: changing it must change the
// answer accordingly. A field added to Server without a decision fails here.
func TestSameBatchComparesEveryField(t *testing.T) {
	typ := reflect.TypeFor[Server]()
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
	tests := map[string]func(*Server){
		"security groups":  func(s *Server) { s.Network.SecurityGroups = []string{"b"} },
		"root volume size": func(s *Server) { s.RootVolume = &RootVolume{Size: 60, Type: "SSD", Encrypted: true} },
		"volume size":      func(s *Server) { s.Volumes = []Volume{{Name: "data", Size: 20, Type: "SSD"}} },
		"metadata value":   func(s *Server) { s.Metadata = map[string]string{"role": "db"} },
		"check command":    func(s *Server) { s.Rollout = &Rollout{MaxUnavailable: 1, Check: &Check{Command: "false"}} },
		"image lookup":     func(s *Server) { s.ImageLookup = &ImageLookup{Name: "rocky", MostRecent: true} },
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
