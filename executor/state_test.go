package executor

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// everyKindOfAction is a plan with one action of each type, on a state
// holding servers a, b, d and volume d/old.
func everyKindOfAction(t *testing.T, b *memBackend) (*planner.Plan, *state.State) {
	st := existing(t, b, map[string]string{"a": "11", "b": "12", "d": "14"})
	st.Put(state.Resource{Address: addrs.Volume("d", "old"), Kind: addrs.KindVolume, Provider: "p", ID: "v14",
		Volume: &providers.Volume{ID: "v14", ServerID: "14"}})
	if err := b.Write(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	protect := true
	update := serverAction(planner.Update, "a", "start server/a")
	update.Update = &planner.UpdateParams{Protect: &protect, SecGroups: []string{"web", "base"}}
	rename := serverAction(planner.Rename, "b", "unshelve server/b")
	rename.Rename = &planner.RenameParams{NewName: "c", NewAddress: addrs.Server("c")}
	detach := planner.Action{ID: "detach volume/d/old", Type: planner.Detach, Kind: addrs.KindVolume, Address: addrs.Volume("d", "old"), Provider: "p", Attachment: &planner.AttachParams{ServerAddr: addrs.Server("d")}}
	delVol := planner.Action{ID: "delete volume/d/old", Type: planner.Delete, Kind: addrs.KindVolume, Address: addrs.Volume("d", "old"), Provider: "p", DependsOn: []string{"detach volume/d/old"}}
	image := planner.Action{ID: "image image/golden", Type: planner.MakeImg, Kind: addrs.KindImage, Address: addrs.Image("golden"), Provider: "p",
		MakeImage: &planner.ImageParams{ServerAddr: addrs.Server("a"), Image: &spec.Image{Name: "golden", From: "a"}}, DependsOn: []string{"update server/a"}}
	fromImage := createServer("n", "image image/golden")
	fromImage.Create.Server.Image = "image/golden"
	fromImage.Create.Server.Power = spec.PowerStopped
	keypair := planner.Action{ID: "create keypair/k", Type: planner.Create, Kind: addrs.KindKeypair, Address: addrs.Keypair("k"), Provider: "p",
		Create: &planner.CreateParams{Keypair: &spec.Keypair{Name: "k", PublicKey: "ssh-ed25519 AAAA"}}}
	adopt := planner.Action{ID: "adopt server/e", Type: planner.Adopt, Kind: addrs.KindServer, Address: addrs.Server("e"), Provider: "p",
		Adopted: &planner.AdoptedResource{Server: &providers.Server{ID: "15", Name: "e", Owner: providers.Owner{Fleet: "shop", Address: "server/e"}}}}
	p := newPlan(
		createServer("v"),
		createVolume("v", "data", "create server/v"),
		attachVolume("v", "data", "create server/v", "create volume/v/data"),
		serverAction(planner.Stop, "a"),
		serverAction(planner.Resize, "a", "stop server/a"),
		serverAction(planner.Start, "a", "resize server/a"),
		update,
		serverAction(planner.Shelve, "b"),
		serverAction(planner.Unshelve, "b", "shelve server/b"),
		rename,
		detach, delVol,
		serverAction(planner.Delete, "d", "detach volume/d/old"),
		image, fromImage, keypair, adopt,
	)
	p.StateSerial, p.StateLineage = st.Serial, st.Lineage
	return p, st
}

func TestIntentIsStoredBeforeEveryCall(t *testing.T) {
	b := &memBackend{}
	p, st := everyKindOfAction(t, b)
	var mu sync.Mutex
	var problems []string
	prov := &fakeProvider{}
	prov.before = func(op, addr string) {
		// The intent for this very call is in the stored document.
		found := false
		for _, in := range b.stored(t).Intents {
			found = found || in.Address.String() == addr && in.Op == op
		}
		if !found {
			mu.Lock()
			problems = append(problems, op+" "+addr)
			mu.Unlock()
		}
	}
	prov.DeleteF = func(ctx context.Context, req providers.DeleteRequest) (providers.DeleteResponse, error) {
		if req.Kind == addrs.KindVolume {
			return providers.DeleteResponse{}, fmt.Errorf("volume %s: %w", req.ID, providers.ErrNotFound)
		}
		return providers.DeleteResponse{}, nil
	}
	prov.WaitF = func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
		// A resource being waited on is already recorded under its id.
		if r := b.stored(t).Lookup(addrs.MustParse(req.Address)); req.Target != providers.TargetGone && (r == nil || r.ID != req.ID) {
			mu.Lock()
			problems = append(problems, fmt.Sprintf("waiting on %s %s before it was stored", req.Address, req.ID))
			mu.Unlock()
		}
		return providers.WaitResponse{}, nil
	}
	rec := &recorder{}
	res, err := Apply(context.Background(), Options{Plan: p, Providers: map[string]providers.Provider{"p": prov}, Backend: b, State: st, Observer: rec})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
	}
	if len(problems) > 0 {
		t.Errorf("no intent stored before: %q", problems)
	}
	wantCalls := []string{
		"create keypair/k",
		"create server/n",
		"create server/v",
		"create volume/v/data",
		"delete server/d 14",
		"delete volume/d/old v14",
		"update server/a power running",
		"update server/a power stopped",
		"update server/a protect true",
		"update server/a resize s4",
		"update server/a security-groups [web base]",
		"update server/b power running",
		"update server/b power shelved",
		"update server/b rename server/c",
		"update server/n power stopped",
		"update volume/d/old detach 14",
		"update volume/v/data attach id-server/v",
		"create image/golden",
	}
	var got []string
	for _, c := range prov.calls() {
		if !strings.HasPrefix(c, "wait ") {
			got = append(got, c)
		}
	}
	if diff := cmp.Diff(sortedCopy(wantCalls), sortedCopy(got)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if got, want := res.Tally.String(), "Apply complete: 4 created, 1 adopted, 1 renamed, 1 resized, 1 started, 1 stopped, 1 shelved, 1 unshelved, 1 attached, 1 detached, 1 updated, 1 imaged, 2 deleted."; got != want {
		t.Errorf("tally\n got %q\nwant %q", got, want)
	}

	// Every write grows the serial by one under the same lineage, and
	// each StateSaved event names a stored serial.
	hist := b.history(t)
	for i, s := range hist {
		if s.Serial != uint64(i+1) || s.Lineage != "lineage-1" {
			t.Errorf("write %d stored serial %d lineage %q", i, s.Serial, s.Lineage)
		}
	}
	saved := rec.of(StateSaved)
	if len(saved) == 0 || saved[len(saved)-1].Serial != hist[len(hist)-1].Serial || st.Serial != hist[len(hist)-1].Serial {
		t.Errorf("last StateSaved %v, in-memory serial %d, stored %d", saved, st.Serial, hist[len(hist)-1].Serial)
	}

	final := b.stored(t)
	got = nil
	for _, r := range final.Resources {
		got = append(got, r.Address.String()+"="+r.ID)
	}
	want := []string{"image/golden=id-image/golden", "keypair/k=id-keypair/k", "server/a=11", "server/c=12", "server/e=15", "server/n=id-server/n", "server/v=id-server/v", "volume/v/data=id-volume/v/data"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("final state (-want +got):\n%s", diff)
	}
	if len(final.Intents) != 0 {
		t.Errorf("intents left: %+v", final.Intents)
	}
	a := final.Lookup(addrs.Server("a")).Server
	if a.Type != "s4" || !a.Protect || !cmp.Equal(a.SecurityGroups, []string{"base", "web"}) || a.Power != spec.PowerRunning {
		t.Errorf("server/a recorded as %+v", a)
	}
	if c := final.Lookup(addrs.Server("c")).Server; c.Name != "c" || c.Owner.Address != "server/c" {
		t.Errorf("renamed server recorded as %+v", c)
	}
	if v := final.Lookup(addrs.Volume("v", "data")).Volume; v.ServerID != "id-server/v" || v.Name != "v-data" {
		t.Errorf("volume recorded as %+v", v)
	}
}

func TestReplaceKeepsTheNewServerAtTheAddress(t *testing.T) {
	b := &memBackend{}
	st := existing(t, b, map[string]string{"web-1": "old-1"})
	create := createServer("web-1")
	create.ID, create.Replace = "create server/web-1 (replacement)", true
	del := serverAction(planner.Delete, "web-1", create.ID)
	del.ID, del.Replace, del.CloudID = "delete server/web-1 (replaced)", true, "old-1"
	prov := &fakeProvider{}
	r := applyWith(t, context.Background(), newPlan(create, del), prov, b, st, 10)
	if r.err != nil || !r.res.Tally.OK() {
		t.Fatalf("apply: %v %s", r.err, r.res.Tally)
	}
	if got := prov.calls(); !cmp.Equal(got, []string{"create server/web-1", "wait server/web-1 running", "delete server/web-1 old-1", "wait server/web-1 gone"}) {
		t.Errorf("calls %q", got)
	}
	// In between, the new server held the address and the old one was
	// still known by the plan's cloud id; at the end only the new one is.
	hist := b.history(t)
	for _, s := range hist[1:] {
		if r := s.Lookup(addrs.Server("web-1")); r == nil {
			t.Errorf("serial %d lost server/web-1", s.Serial)
		}
	}
	if r := b.stored(t).Lookup(addrs.Server("web-1")); r == nil || r.ID != "id-server/web-1" {
		t.Errorf("server/web-1 stored as %v, want the replacement", r)
	}
}

func TestCreateResolvesTheDeclaredImage(t *testing.T) {
	b := &memBackend{}
	st := &state.State{}
	image := planner.Action{ID: "image image/golden", Type: planner.MakeImg, Kind: addrs.KindImage, Address: addrs.Image("golden"), Provider: "p",
		MakeImage: &planner.ImageParams{ServerAddr: addrs.Server("base"), Image: &spec.Image{Name: "golden", From: "base"}}, DependsOn: []string{"create server/base"}}
	web := createServer("web", "image image/golden")
	web.Create.Server.Image = "image/golden"
	var mu sync.Mutex
	got := map[string]string{}
	prov := &fakeProvider{CreateF: func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case req.Server != nil:
			got[req.Owner.Address] = "image id " + req.Server.ImageID
		case req.Image != nil:
			got[req.Owner.Address] = "from " + req.Image.ServerID
		}
		return providers.CreateResponse{ID: "id-" + req.Owner.Address}, nil
	}}
	r := applyWith(t, context.Background(), newPlan(createServer("base"), image, web), prov, b, st, 10)
	if r.err != nil || !r.res.Tally.OK() {
		t.Fatalf("apply: %v %s", r.err, r.res.Tally)
	}
	want := map[string]string{"server/base": "image id ", "image/golden": "from id-server/base", "server/web": "image id id-image/golden"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("create requests (-want +got):\n%s", diff)
	}
}
