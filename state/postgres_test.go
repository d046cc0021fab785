package state_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fleet-iac/fleet/state"
	"github.com/fleet-iac/fleet/state/statetest"
)

// pgEnv names the server the PostgreSQL tests use (.ci/postgres.sh starts
// one and prints it). Without it they skip, saying so.
const pgEnv = "FLEET_TEST_PG_DSN"

func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(pgEnv)
	if dsn == "" {
		t.Skip(pgEnv + " is not set: start a throwaway PostgreSQL with `pgenv=$(bash .ci/postgres.sh) && eval \"$pgenv\"`")
	}
	return dsn
}

// uniqueFleet names a fleet no other test or run uses.
func uniqueFleet(t *testing.T) string {
	name := regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(t.Name()), "-")
	return fmt.Sprintf("%s-%x", name, rand.Text()[:8])
}

// newPostgres opens a backend on a fleet of its own, removed afterwards.
func newPostgres(t *testing.T, fleet string) *state.Postgres {
	t.Helper()
	dsn := pgDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := state.NewPostgres(ctx, dsn, fleet)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() {
		p.Close()
		admin := adminConn(t)
		for _, table := range []string{"fleet_states", "fleet_locks"} {
			if _, err := admin.Exec(context.Background(), "DELETE FROM "+table+" WHERE fleet = $1", fleet); err != nil {
				t.Errorf("clean up %s: %v", table, err)
			}
		}
	})
	return p
}

// adminConn is a session of the test's own, outside any backend.
func adminConn(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgDSN(t))
	if err != nil {
		t.Fatalf("admin connection: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestPostgresContract(t *testing.T) {
	pgDSN(t)
	statetest.Run(t, func(t *testing.T) state.Backend { return newPostgres(t, uniqueFleet(t)) })
}

func TestPostgresProcesses(t *testing.T) {
	pgDSN(t)
	tests := map[string]func(t *testing.T, b state.Backend, spec string){
		"second process refused": testSecondProcessRefused,
		"second process waits":   testSecondProcessWaits,
		"killed holder":          testKilledHolder,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			fleet := uniqueFleet(t)
			fn(t, newPostgres(t, fleet), "postgres:"+fleet)
		})
	}
}

func TestPostgresCrash(t *testing.T) {
	fleet := uniqueFleet(t)
	testCrashSafety(t, newPostgres(t, fleet), "postgres:"+fleet)
}
