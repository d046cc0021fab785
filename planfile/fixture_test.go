package planfile

import (
	"fmt"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// secretUserData is the user data of the fixture's new server: it must
// never reach a saved plan.
const secretUserData = "#!/bin/sh\necho db-password=hunter2-s3cret > /etc/app.env\n"

// fixture is a plan with one action of most kinds, every saved-form type
// set: the golden file shows the whole format.
func fixture() *planner.Plan {
	protect := true
	web := &spec.Server{
		Name: "web-1", Group: "web", Index: 1, Provider: "ncp", Image: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		Type: "s2-g2-s50", Zone: "KR-1",
		Network: spec.Network{VPC: "75", Subnet: "36", SecurityGroups: []string{"43"}, IP: "10.0.1.11"},
		Key:     "deploy", Power: spec.PowerRunning, Protect: true,
		RootVolume: &spec.RootVolume{Size: 50, Type: "SSD", Encrypted: true},
		Volumes:    []spec.Volume{{Name: "data", Size: 100, Type: "SSD"}},
		UserData:   secretUserData, SensitiveUserData: true,
		Metadata:   map[string]string{"role": "web"},
		Partitions: []spec.Partition{{MountPoint: "/data", Size: 60}},
		Rollout:    &spec.Rollout{MaxUnavailable: 25, Percent: true, Check: &spec.Check{Command: "curl -fsS http://$FLEET_PRIVATE_IP/", Timeout: 5 * time.Minute, Interval: 10 * time.Second}},
		Ignore:     []string{"metadata.build"},
		Range:      spec.Range{Filename: "fleet.yaml", Start: spec.Pos{Line: 7, Column: 3}},
		Fields:     map[string]spec.Range{"type": {Filename: "fleet.yaml", Start: spec.Pos{Line: 10, Column: 11}}},
	}
	return &planner.Plan{
		FormatVersion: planner.FormatVersion, FleetVersion: "test", Fleet: "shop",
		StateLineage: "5f0c3a52-8d1e-4c1b-9a57-3f8e2b6d4c10", StateSerial: 7,
		SpecDigest:           "sha256:1111111111111111111111111111111111111111111111111111111111111111",
		InventoryFingerprint: "sha256:2222222222222222222222222222222222222222222222222222222222222222",
		Refreshed:            true,
		FleetFiles:           []string{"/work/shop/fleet.yaml"},
		VarFiles:             []string{"/work/shop/env/prod.yaml"},
		Environment: &planner.Environment{VarFiles: []string{"env/prod.yaml"}, State: "fleet.lock", StateBackend: "local",
			VariablesDigest: "sha256:3333333333333333333333333333333333333333333333333333333333333333",
			Variables:       []planner.EnvVariable{{Name: "db_password", Value: spec.SensitiveText, Source: "env/prod.yaml", Sensitive: true}}},
		Actions: []planner.Action{
			{ID: "wait server/api-1", Type: planner.Wait, Kind: addrs.KindServer, Address: addrs.Server("api-1"), Provider: "ncp", CloudID: "1001",
				Reason: "still building (INIT), started by an earlier apply"},
			{ID: "create keypair/deploy", Type: planner.Create, Kind: addrs.KindKeypair, Address: addrs.Keypair("deploy"), Provider: "ncp",
				Create:   &planner.CreateParams{Keypair: &spec.Keypair{Name: "deploy", Provider: "ncp", PublicKeyFile: "deploy.pub", PublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetFleetFleet ops@example", Range: spec.Range{Filename: "fleet.yaml"}}},
				Declared: map[string]string{"public_key": "abcd"}},
			{ID: "create server/web-1", Type: planner.Create, Kind: addrs.KindServer, Address: addrs.Server("web-1"), Provider: "ncp",
				Create: &planner.CreateParams{Server: providers.NewServerSpec(web)}, Declared: map[string]string{"user_data": planner.UserDataDigest(secretUserData)},
				Group: "web", Batch: 1, DependsOn: []string{"create keypair/deploy"}},
			{ID: "create volume/web-1/data", Type: planner.Create, Kind: addrs.KindVolume, Address: addrs.Volume("web-1", "data"), Provider: "ncp",
				Create: &planner.CreateParams{Volume: &spec.Volume{Name: "data", Size: 100, Type: "SSD"}, ServerAddr: addrs.Server("web-1")}, DependsOn: []string{"create server/web-1"}},
			{ID: "check server/web-1", Type: planner.Check, Kind: addrs.KindServer, Address: addrs.Server("web-1"), Provider: "ncp",
				Check: &planner.CheckSpec{Command: "curl -fsS http://$FLEET_PRIVATE_IP/", Timeout: "5m0s", Interval: "10s"},
				Group: "web", Batch: 1, DependsOn: []string{"create server/web-1"}},
			{ID: "resize server/api-1", Type: planner.Resize, Kind: addrs.KindServer, Address: addrs.Server("api-1"), Provider: "ncp", CloudID: "1001",
				Resize: &planner.ResizeParams{NewType: "s4-g2-s50"}, Changes: []planner.FieldChange{{Path: "type", From: "s2-g2-s50", To: "s4-g2-s50"}},
				DependsOn: []string{"wait server/api-1"}},
			{ID: "update server/api-1", Type: planner.Update, Kind: addrs.KindServer, Address: addrs.Server("api-1"), Provider: "ncp", CloudID: "1001",
				Update:    &planner.UpdateParams{Protect: &protect, SecGroups: []string{"43", "44"}, Metadata: map[string]string{"role": "api"}},
				Changes:   []planner.FieldChange{{Path: "network.security_groups", From: "43", To: "43, 44"}},
				DependsOn: []string{"resize server/api-1"}},
			{ID: "image image/golden", Type: planner.MakeImg, Kind: addrs.KindImage, Address: addrs.Image("golden"), Provider: "ncp",
				MakeImage: &planner.ImageParams{Image: &spec.Image{Name: "golden", From: "api-1", Range: spec.Range{Filename: "fleet.yaml"}}, ServerAddr: addrs.Server("api-1")},
				DependsOn: []string{"update server/api-1"}},
			{ID: "rename server/old-1", Type: planner.Rename, Kind: addrs.KindServer, Address: addrs.Server("old-1"), Provider: "ncp", CloudID: "1002",
				Rename: &planner.RenameParams{NewName: "batch-1", NewAddress: addrs.Server("batch-1")}},
			{ID: "delete server/gone-1", Type: planner.Delete, Kind: addrs.KindServer, Address: addrs.Server("gone-1"), Provider: "ncp", CloudID: "1003",
				Reason: "not in the fleet file"},
			{ID: "adopt volume/api-1/logs", Type: planner.Adopt, Kind: addrs.KindVolume, Address: addrs.Volume("api-1", "logs"), Provider: "ncp", CloudID: "2001",
				Adopted: &planner.AdoptedResource{Volume: &providers.Volume{ID: "2001", Name: "api-1-logs", Owner: providers.Owner{Fleet: "shop", Address: "volume/api-1/logs"},
					Size: 10, Status: "INIT", Busy: true}},
				Reason: "owned by this fleet but missing from the state"},
			{ID: "wait volume/api-1/logs", Type: planner.Wait, Kind: addrs.KindVolume, Address: addrs.Volume("api-1", "logs"), Provider: "ncp", CloudID: "2001",
				Reason: "still being created (INIT)", DependsOn: []string{"adopt volume/api-1/logs"}},
			{ID: "adopt server/ghost-1", Type: planner.Adopt, Kind: addrs.KindServer, Address: addrs.Server("ghost-1"), Provider: "ncp", CloudID: "1004",
				Adopted: &planner.AdoptedResource{Server: &providers.Server{ID: "1004", Name: "ghost-1", Owner: providers.Owner{Fleet: "shop", Address: "server/ghost-1"},
					Image: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", Type: "s2-g2-s50", Power: spec.PowerRunning, Status: "RUN"}},
				Reason: "owned by this fleet but missing from the state"},
			{ID: "create server/db-[1-2]", Type: planner.Create, Kind: addrs.KindServer, Address: addrs.Server("db-[1-2]"), Provider: "ncp", Group: "db",
				Create: &planner.CreateParams{Members: []planner.BatchMember{
					{Address: addrs.Server("db-1"), Server: providers.NewServerSpec(dbMember(1)), Declared: map[string]string{"user_data": planner.UserDataDigest(secretUserData)}},
					{Address: addrs.Server("db-2"), Server: providers.NewServerSpec(dbMember(2)), Declared: map[string]string{"user_data": planner.UserDataDigest(secretUserData)}},
				}},
				DependsOn: []string{"create keypair/deploy"}},
			{ID: "rename server/db-2", Type: planner.Rename, Kind: addrs.KindServer, Address: addrs.Server("db-2"), Provider: "ncp",
				Rename: &planner.RenameParams{NewName: "db-2", NewAddress: addrs.Server("db-2")}, Group: "db", Changes: []planner.FieldChange{{Path: "name", From: "db-002", To: "db-2"}},
				Reason: "named by the batch create", DependsOn: []string{"create server/db-[1-2]"}},
		},
		Drift:    []planner.Drift{{Address: addrs.Server("api-1"), Kind: "changed", Changes: []planner.FieldChange{{Path: "metadata.role", From: "api", To: "x"}}}},
		Rollouts: []planner.Rollout{{Group: "web", MaxUnavailable: 1, Batches: 1, Servers: 1}},
		Lookups:  []planner.Lookup{{Group: "web", Field: "image", Name: "ubuntu-20.04", ID: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050"}},
		Summary:  planner.Summary{Create: 5, Resize: 1, Update: 1, Rename: 2, Delete: 1, Image: 1, Adopt: 2, Wait: 2, Check: 1, Drift: 1},
	}
}

// dbMember is member k of a batch create: its user data holds the secret
// too.
func dbMember(k int) *spec.Server {
	return &spec.Server{Name: fmt.Sprintf("db-%d", k), Group: "db", Index: k, Provider: "ncp", Image: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		Type: "s2-g2-s50", Network: spec.Network{VPC: "75", Subnet: "36"}, Power: spec.PowerRunning, BatchCreate: true,
		UserData: secretUserData, SensitiveUserData: true, Range: spec.Range{Filename: "fleet.yaml", Start: spec.Pos{Line: 20, Column: 3}}}
}

// fixtureOptions are the plan command's options of the fixture.
var fixtureOptions = Options{Targets: []string{"server/web-1", "server/api-1"}, Replace: []string{"server/db-1"}, SkipChecks: false, Refresh: true}
