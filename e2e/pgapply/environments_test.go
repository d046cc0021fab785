package pgapply

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/state"
)

// TestStateKeyPerEnvironment applies one fleet file as dev and as prod with
// state: { backend: postgres, key: ...-${var.env} }: each environment's
// state is its own row (and lock), belongs to its own fleet name, and each
// converges to No changes.
func TestStateKeyPerEnvironment(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "envs", simcore.Behaviour{})
	keys := map[string]string{"dev": w.fleet + "-state-dev", "prod": w.fleet + "-state-prod"}
	t.Cleanup(func() { w.dropKeys(keys["dev"], keys["prod"]) })
	file := strings.Replace(string(w.fleetFile(1, pgState+"  key: "+w.fleet+"-state-${var.env}\n")),
		"name: "+w.fleet+"\n", "name: "+w.fleet+"-${var.env}\nvariables:\n  env: {}\n  count: { type: number, default: 1 }\n", 1)
	file = strings.Replace(file, "count: 1\n", "count: ${var.count}\n", 1)
	dir := w.machine("ci", []byte(file))
	for name, text := range map[string]string{"dev.yaml": "env: dev\n", "prod.yaml": "env: prod\ncount: 2\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, env := range []string{"prod", "dev"} {
		if r := w.start(dir, nil, "apply", "--auto-approve", "--var-file", env+".yaml").wait(2 * time.Minute); r.code != 0 {
			t.Fatalf("apply %s: %s", env, w.scrub(r.String()))
		}
	}
	want := map[string]int{"dev": 1, "prod": 2}
	for env, key := range keys {
		r := w.start(dir, nil, "plan", "--detailed-exitcode", "--var-file", env+".yaml").wait(2 * time.Minute)
		if r.code != 0 || !strings.Contains(r.stdout, "No changes") || !strings.Contains(r.stdout, "state key "+key+" (postgres)") {
			t.Fatalf("plan %s: %s", env, w.scrub(r.String()))
		}
		st := w.storedAt(key, w.fleet+"-"+env)
		if st.Fleet != w.fleet+"-"+env || len(st.Resources) != want[env] {
			t.Errorf("state %s: fleet %q with %d resources, want %s-%s with %d", key, st.Fleet, len(st.Resources), w.fleet, env, want[env])
		}
	}
}

// storedAt reads the state kept under key for the named fleet.
func (w *world) storedAt(key, fleet string) *state.State {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := state.NewPostgresKey(ctx, testDSN(w.t), key, fleet)
	if err != nil {
		w.t.Fatalf("open the postgres state: %v", err)
	}
	defer b.Close()
	st, err := b.Read(ctx)
	if err != nil {
		w.t.Fatalf("read the postgres state: %v", err)
	}
	return st
}

// dropKeys removes the state and lock rows of other keys than the fleet's.
func (w *world) dropKeys(keys ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := w.admin(ctx)
	defer conn.Close(context.Background())
	for _, k := range keys {
		for _, q := range []string{`DELETE FROM fleet_states WHERE fleet = $1`, `DELETE FROM fleet_locks WHERE fleet = $1`} {
			if _, err := conn.Exec(ctx, q, k); err != nil {
				w.t.Errorf("clean up %s: %v", k, w.scrub(fmt.Sprint(err)))
			}
		}
	}
}
