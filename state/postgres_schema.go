package state

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// migrations are the schema's steps; migrations[i] takes it to version i+1.
// Append only: a runner of an older build refuses a newer schema instead of
// guessing.
var migrations = []string{
	`CREATE TABLE fleet_states (
		fleet      text PRIMARY KEY,
		lineage    text NOT NULL,
		serial     bigint NOT NULL CHECK (serial > 0),
		document   jsonb NOT NULL,
		updated_at timestamptz NOT NULL
	);
	CREATE TABLE fleet_locks (
		fleet      text PRIMARY KEY,
		id         text NOT NULL,
		pid        integer NOT NULL, -- backend pid of the session holding the advisory lock
		info       jsonb NOT NULL,
		created_at timestamptz NOT NULL
	);`,
}

// migrationLock serializes first use by many runners at once. It is the
// two-key form of advisory lock, a key space apart from the fleets' bigint
// keys, and lasts only the migrating transaction.
const migrationLock = `SELECT pg_advisory_xact_lock(1718379877, 1)` // 1718379877 is "flee" in ASCII

// migrate brings the schema to the newest version; it is idempotent, and
// safe when several runners start at once.
func migrate(ctx context.Context, conn *pgx.Conn) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, migrationLock); err != nil {
			return fmt.Errorf("lock the schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS fleet_state_schema (
			version    integer PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return fmt.Errorf("create the schema table: %w", err)
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM fleet_state_schema`).Scan(&version); err != nil {
			return fmt.Errorf("read the schema version: %w", err)
		}
		if version > len(migrations) {
			return fmt.Errorf("the database schema is version %d, newer than this fleet knows (%d): upgrade fleet", version, len(migrations))
		}
		for v := version + 1; v <= len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("migrate the schema to version %d: %w", v, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO fleet_state_schema (version) VALUES ($1)`, v); err != nil {
				return fmt.Errorf("record schema version %d: %w", v, err)
			}
		}
		return nil
	})
}
