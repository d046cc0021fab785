package state_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/state"
)

// terminate ends a server session from outside, as a dropped connection or
// a restarted server would, and waits until it is gone.
func terminate(t *testing.T, admin *pgx.Conn, pid uint32) {
	t.Helper()
	ctx := context.Background()
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, int32(pid)); err != nil {
		t.Fatalf("terminate session %d: %v", pid, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var alive bool
		if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, int32(pid)).Scan(&alive); err != nil {
			t.Fatal(err)
		}
		if !alive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("session %d still alive 10s after pg_terminate_backend", pid)
		}
	}
}

func resource(addr addrs.Address) state.Resource {
	return state.Resource{Address: addr, Kind: addrs.KindServer, Provider: "sim", ID: addr.String()}
}

// A connection dropped inside Write's transaction leaves the last committed
// serial; the same write then succeeds on a new connection.
func TestPostgresConnectionDroppedMidWrite(t *testing.T) {
	p := newPostgres(t, uniqueFleet(t))
	admin := adminConn(t)
	ctx := context.Background()
	s, err := p.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Put(resource(addrs.Server("committed")))
	if err := p.Write(ctx, s); err != nil {
		t.Fatal(err)
	}
	p.SetBeforeCommit(func(pid uint32) { terminate(t, admin, pid) })
	s.Put(resource(addrs.Server("dropped")))
	if err := p.Write(ctx, s); err == nil {
		t.Fatal("write whose connection dropped before the commit: got success")
	}
	p.SetBeforeCommit(nil)
	if s.Serial != 1 {
		t.Errorf("failed write moved the caller's serial to %d, want 1", s.Serial)
	}
	got, err := p.Read(ctx)
	if err != nil {
		t.Fatalf("read after the dropped connection: %v", err)
	}
	if got.Serial != 1 || got.Lookup(addrs.Server("committed")) == nil || got.Lookup(addrs.Server("dropped")) != nil {
		t.Fatalf("after the dropped write: got serial %d %v, want serial 1 with only the committed resource", got.Serial, got.Resources)
	}
	if err := p.Write(ctx, s); err != nil || s.Serial != 2 {
		t.Fatalf("retried write: got serial %d, %v, want serial 2", s.Serial, err)
	}
}

// A lock whose session dies is lost: the holder's next write fails with
// ErrLockLost, the lock reads stale, and another runner takes it at once.
func TestPostgresLockSessionDropped(t *testing.T) {
	fleet := uniqueFleet(t)
	p := newPostgres(t, fleet)
	admin := adminConn(t)
	ctx := context.Background()
	id, err := p.Lock(ctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatal(err)
	}
	var pid int32
	if err := admin.QueryRow(ctx, `SELECT pid FROM fleet_locks WHERE fleet = $1`, fleet).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	terminate(t, admin, uint32(pid))
	s, err := p.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(ctx, s); !errors.Is(err, state.ErrLockLost) {
		t.Errorf("write after the lock's session died: got %v, want ErrLockLost", err)
	}
	if info, err := p.Holder(ctx); err != nil || info == nil || !info.Stale || info.ID != id {
		t.Errorf("holder after the lock's session died: got %+v, %v, want lock %s marked stale", info, err, id)
	}
	other := newPostgres(t, fleet)
	lctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	next, err := other.Lock(lctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatalf("another runner's lock: %v", err)
	}
	if err := p.Unlock(ctx, id); !errors.Is(err, state.ErrLockLost) {
		t.Errorf("unlock of the lost lock: got %v, want ErrLockLost", err)
	}
	if info, err := other.Holder(ctx); err != nil || info == nil || info.ID != next || info.Stale {
		t.Errorf("holder after the old holder's unlock: got %+v, %v, want the new lock %s, live", info, err, next)
	}
	if err := other.Unlock(ctx, next); err != nil {
		t.Fatal(err)
	}
}

// Fleets have keys of their own: one fleet's lock does not block another's,
// even from another process.
func TestPostgresFleetsIndependent(t *testing.T) {
	a := newPostgres(t, uniqueFleet(t))
	other := uniqueFleet(t) + "-other"
	newPostgres(t, other) // cleans up the other fleet's rows
	ctx := context.Background()
	id, err := a.Lock(ctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Unlock(ctx, id)
	out, err := helperCmd(t, "lock", "postgres:"+other, helperTimeout+"=2s").CombinedOutput()
	if err != nil || string(out) != "locked\n" {
		t.Errorf("another fleet's lock from another process: got %q, %v, want it taken", out, err)
	}
	if state.AdvisoryKey("web") == state.AdvisoryKey("web2") {
		t.Error("two fleets share an advisory key")
	}
	// Runners of different builds must agree on the key.
	if got, want := state.AdvisoryKey("web"), int64(6968342279723604994); got != want {
		t.Errorf("advisory key of web: got %d, want %d", got, want)
	}
}

func TestPostgresDSNNeverShown(t *testing.T) {
	const password = "Sup3rS3cretPw"
	tests := map[string]string{
		"unparsable url":   "postgres://fleet:" + password + "@127.0.0.1:notaport/db",
		"refused url":      "postgres://fleet:" + password + "@127.0.0.1:1/db?connect_timeout=2",
		"refused keywords": "host=127.0.0.1 port=1 user=fleet password=" + password + " dbname=db connect_timeout=2",
	}
	if dsn := os.Getenv(pgEnv); strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s does not parse: %v", pgEnv, err)
		}
		u.User = url.UserPassword(u.User.Username(), password)
		tests["wrong password"] = u.String()
	} else if dsn != "" {
		tests["wrong password"] = dsn + " password=" + password // the last setting wins
	}
	for name, dsn := range tests {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := state.NewPostgres(ctx, dsn, "web")
			if err == nil {
				t.Fatal("got a connection, want an error")
			}
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), dsn) {
				t.Errorf("error shows the connection string or its password: %v", err)
			}
			t.Log(err)
		})
	}
	err := state.Scrub(errors.New("dial postgres://u:pw1234@db/x failed; password pw1234"), "postgres://u:pw1234@db/x", "pw1234")
	if got, want := err.Error(), "dial [redacted] failed; password [redacted]"; got != want {
		t.Errorf("scrub: got %q, want %q", got, want)
	}
}

// Many runners meeting a fresh database create the schema once; a second
// run is a no-op; a schema newer than this build is refused.
func TestPostgresMigrations(t *testing.T) {
	admin := adminConn(t)
	ctx := context.Background()
	schema := "mig_" + strings.ToLower(uniqueFleet(t)[len("testpostgresmigrations-"):])
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) })
	conns := make([]*pgx.Conn, 4)
	for i := range conns {
		conns[i] = adminConn(t)
		if _, err := conns[i].Exec(ctx, `SET search_path TO `+schema); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(conns))
	for i, conn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = state.Migrate(ctx, conn)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("runner %d: %v", i, err)
		}
	}
	if err := state.Migrate(ctx, conns[0]); err != nil {
		t.Errorf("second migration: %v", err)
	}
	var versions []int32
	if err := admin.QueryRow(ctx, `SELECT array_agg(version ORDER BY version) FROM `+schema+`.fleet_state_schema`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if len(versions) != 1 || versions[0] != 1 {
		t.Errorf("schema versions: got %v, want [1]", versions)
	}
	if _, err := admin.Exec(ctx, `INSERT INTO `+schema+`.fleet_state_schema (version) VALUES (99)`); err != nil {
		t.Fatal(err)
	}
	err := state.Migrate(ctx, conns[1])
	if err == nil || !strings.Contains(err.Error(), "the database schema is version 99, newer than this fleet knows (1)") {
		t.Errorf("newer schema: got %v, want a refusal", err)
	}
}

// A write without the lock while another runner holds it is refused, naming
// that runner; the same write goes through once the lock is free.
func TestPostgresWriteWhileLockedElsewhere(t *testing.T) {
	fleet := uniqueFleet(t)
	holder, writer := newPostgres(t, fleet), newPostgres(t, fleet)
	ctx := context.Background()
	id, err := holder.Lock(ctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := writer.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = writer.Write(ctx, s)
	var le *state.LockError
	if !errors.As(err, &le) || le.Info == nil || le.Info.ID != id {
		t.Fatalf("write while another runner holds the lock: got %v, want a *LockError naming lock %s", err, id)
	}
	if err := holder.Unlock(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := writer.Write(ctx, s); err != nil || s.Serial != 1 {
		t.Fatalf("write once the lock is free: got serial %d, %v", s.Serial, err)
	}
}
