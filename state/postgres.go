package state

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Postgres keeps the state of one fleet in PostgreSQL, so runners on many
// hosts share it: a row per fleet in fleet_states, written in transactions
// that check the serial they read, and a session-level advisory lock keyed by
// the fleet with the holder described in fleet_locks.
//
// The connection string is never shown: errors are scrubbed of it and of
// its password. The lock needs a real session: connect directly or through
// a pooler in session mode, never transaction mode.
type Postgres struct {
	fleet   string // the row's key: the fleet's name, or state.key
	owner   string // the fleet the document belongs to
	key     int64  // the fleet's advisory lock key
	cfg     *pgx.ConnConfig
	secrets []string

	mu   sync.Mutex // guards conn: a pgx.Conn serves one caller at a time
	conn *pgx.Conn  // reads and writes; reopened when it breaks

	lockMu sync.Mutex
	locks  map[string]*pgx.Conn // lock id → the session holding the advisory lock

	// beforeCommit, when set by a test, runs inside Write's transaction just
	// before the commit, with the session's backend pid.
	beforeCommit func(pid uint32)
}

var _ Backend = (*Postgres)(nil)

// NewPostgres connects to the database at dsn, creates or migrates fleet's
// tables, and returns the backend of the named fleet.
func NewPostgres(ctx context.Context, dsn, fleet string) (*Postgres, error) {
	return NewPostgresKey(ctx, dsn, fleet, fleet)
}

// NewPostgresKey is NewPostgres for a state kept under its own key, such
// as one per environment (state.key: shop-${var.env}): the key names the
// row and the lock, the document still belongs to the named fleet.
func NewPostgresKey(ctx context.Context, dsn, key, fleet string) (*Postgres, error) {
	p, err := newPostgres(ctx, dsn, key)
	if err != nil {
		return nil, err
	}
	p.owner = fleet
	return p, nil
}

func newPostgres(ctx context.Context, dsn, fleet string) (*Postgres, error) {
	if fleet == "" {
		return nil, errors.New("postgres state: the fleet has no name to key its state by")
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message quotes the string, password masked only best effort.
		return nil, errors.New("postgres state: the connection string does not parse (it is not shown because it may hold a password)")
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "fleet"
	}
	p := &Postgres{
		fleet:   fleet,
		owner:   fleet,
		key:     advisoryKey(fleet),
		cfg:     cfg,
		secrets: []string{dsn, cfg.Password, url.QueryEscape(cfg.Password), url.PathEscape(cfg.Password)},
		locks:   map[string]*pgx.Conn{},
	}
	conn, err := p.connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, conn); err != nil {
		conn.Close(context.Background())
		return nil, p.scrub(fmt.Errorf("postgres state: %w", err))
	}
	p.conn = conn
	return p, nil
}

// Close ends the backend's sessions; a lock still held is released with them.
func (p *Postgres) Close() {
	p.lockMu.Lock()
	for id, conn := range p.locks {
		conn.Close(context.Background())
		delete(p.locks, id)
	}
	p.lockMu.Unlock()
	p.mu.Lock()
	if p.conn != nil {
		p.conn.Close(context.Background())
		p.conn = nil
	}
	p.mu.Unlock()
}

// where names the store in lock info and errors, without the DSN.
func (p *Postgres) where() string { return "postgres:" + p.fleet }

// advisoryKey is the fleet's own lock key, so fleets never block each other.
// The hash is stable across versions: runners of different builds must agree.
func advisoryKey(fleet string) int64 {
	sum := sha256.Sum256([]byte("fleet state lock\x00" + fleet))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

func (p *Postgres) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		return nil, p.scrub(fmt.Errorf("postgres state: connect: %w", err))
	}
	return conn, nil
}

// dataConn returns the read/write session, reconnecting when the last one
// broke. The caller holds p.mu.
func (p *Postgres) dataConn(ctx context.Context) (*pgx.Conn, error) {
	if p.conn != nil && !p.conn.IsClosed() {
		return p.conn, nil
	}
	conn, err := p.connect(ctx)
	if err != nil {
		return nil, err
	}
	p.conn = conn
	return conn, nil
}

// scrubbedError hides the DSN and password in a message while keeping the
// chain for errors.Is and errors.As.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func (p *Postgres) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range p.secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

// Read returns the fleet's stored state, or an empty one.
func (p *Postgres) Read(ctx context.Context) (*State, error) {
	s, err := p.read(ctx)
	return s, p.scrub(err)
}

func (p *Postgres) read(ctx context.Context) (*State, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	conn, err := p.dataConn(ctx)
	if err != nil {
		return nil, err
	}
	var (
		lineage string
		serial  int64
		doc     string
	)
	err = conn.QueryRow(ctx, `SELECT lineage, serial, document::text FROM fleet_states WHERE fleet = $1`, p.fleet).
		Scan(&lineage, &serial, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return &State{Version: FormatVersion, Fleet: p.owner, Resources: []Resource{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", p.where(), err)
	}
	s, err := decode([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", p.where(), err)
	}
	// The columns are what writes are checked against.
	s.Lineage, s.Serial = lineage, uint64(serial)
	return s, nil
}

// Write stores s as the next serial (see Backend) in one transaction whose
// UPDATE only matches the serial s was read at, so a concurrent writer is
// refused with ErrSerialConflict instead of overwritten. The transaction
// also checks the lock (see checkLock): ErrLockLost when this backend's lock
// was lost, a *LockError when another run holds it.
func (p *Postgres) Write(ctx context.Context, s *State) error {
	err := p.write(ctx, s)
	if err != nil {
		return p.scrub(fmt.Errorf("write state %s: %w", p.where(), err))
	}
	return nil
}

func (p *Postgres) write(ctx context.Context, s *State) error {
	if s.Fleet != "" && s.Fleet != p.owner {
		return fmt.Errorf("the state belongs to fleet %q", s.Fleet)
	}
	next, doc, err := nextWrite(s)
	if err != nil {
		return err
	}
	lineage := next.Lineage
	p.mu.Lock()
	defer p.mu.Unlock()
	conn, err := p.dataConn(ctx)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if err := p.checkLock(ctx, tx); err != nil {
			return err
		}
		var query string
		if s.Serial == 0 {
			query = `INSERT INTO fleet_states (fleet, lineage, serial, document, updated_at)
				VALUES ($1, $2, $3, $4::jsonb, now()) ON CONFLICT (fleet) DO NOTHING`
		} else {
			query = `UPDATE fleet_states SET serial = $3, document = $4::jsonb, updated_at = now()
				WHERE fleet = $1 AND lineage = $2 AND serial = $5`
		}
		args := []any{p.fleet, lineage, int64(next.Serial), string(doc)}
		if s.Serial != 0 {
			args = append(args, int64(s.Serial))
		}
		tag, err := tx.Exec(ctx, query, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return explainConflict(ctx, tx, p.fleet, s.Serial, lineage)
		}
		if p.beforeCommit != nil {
			p.beforeCommit(conn.PgConn().PID())
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.Version, s.Serial, s.Lineage = FormatVersion, next.Serial, lineage
	return nil
}

// explainConflict says why a write matched no row: another serial was
// written meanwhile, or the stored state has another lineage.
func explainConflict(ctx context.Context, tx pgx.Tx, fleet string, serial uint64, lineage string) error {
	var (
		storedLineage string
		stored        int64
	)
	err := tx.QueryRow(ctx, `SELECT lineage, serial FROM fleet_states WHERE fleet = $1`, fleet).Scan(&storedLineage, &stored)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if uint64(stored) != serial {
		return fmt.Errorf("stored serial is %d, the state was read at %d: %w", stored, serial, ErrSerialConflict)
	}
	return fmt.Errorf("lineage %s does not match the stored lineage %s: this is another state", lineage, storedLineage)
}
