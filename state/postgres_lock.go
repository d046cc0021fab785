package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fleet-iac/fleet/backoff"
)

// lockIOTimeout bounds each round trip Lock makes, apart from the caller's
// context, which bounds only the wait for a held lock.
const lockIOTimeout = 30 * time.Second

// heldBy is the SQL condition on pg_locks matching a session that holds the
// fleet's advisory lock: a bigint key shows as its high half in classid, its
// low half in objid, and objsubid 1.
const heldBy = `k.locktype = 'advisory' AND k.granted AND k.objsubid = 1
	AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND k.classid = $2 AND k.objid = $3`

func (p *Postgres) keyHalves() (hi, lo uint32) {
	return uint32(uint64(p.key) >> 32), uint32(p.key)
}

// Lock takes the fleet's advisory lock on a session of its own, retrying
// with backoff until ctx ends, and records the holder in fleet_locks.
// PostgreSQL drops the lock when that session ends for any reason, so a
// crashed or disconnected run never keeps the fleet locked.
func (p *Postgres) Lock(ctx context.Context, info LockInfo) (string, error) {
	id, err := p.lock(ctx, info)
	return id, p.scrub(err)
}

func (p *Postgres) lock(ctx context.Context, info LockInfo) (string, error) {
	info = complete(info, p.where())
	// ctx bounds the waiting only: each round trip gets a context of its
	// own, so a zero --lock-timeout still makes one attempt and takes a free
	// lock.
	io := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), lockIOTimeout)
	}
	cctx, cancel := io()
	conn, err := p.connect(cctx)
	cancel()
	if err != nil {
		return "", err
	}
	b := backoff.Backoff{Policy: backoff.Locks}
	for {
		var ok bool
		qctx, cancel := io()
		err := conn.QueryRow(qctx, `SELECT pg_try_advisory_lock($1)`, p.key).Scan(&ok)
		cancel()
		if err != nil {
			conn.Close(context.Background())
			return "", fmt.Errorf("lock %s: %w", p.where(), err)
		}
		if ok {
			break
		}
		if err := b.Wait(ctx, 0); err != nil {
			conn.Close(context.Background())
			hctx, cancel := io()
			defer cancel()
			holder, _, _ := p.holder(hctx)
			return "", &LockError{Info: holder, Err: err}
		}
	}
	doc, err := json.Marshal(&info)
	if err == nil {
		ictx, cancel := io()
		_, err = conn.Exec(ictx, `INSERT INTO fleet_locks (fleet, id, pid, info, created_at)
			VALUES ($1, $2, pg_backend_pid(), $3::jsonb, now())
			ON CONFLICT (fleet) DO UPDATE SET id = EXCLUDED.id, pid = EXCLUDED.pid,
				info = EXCLUDED.info, created_at = EXCLUDED.created_at`,
			p.fleet, info.ID, string(doc))
		cancel()
	}
	if err != nil {
		conn.Close(context.Background()) // releases the advisory lock
		return "", fmt.Errorf("record lock info %s: %w", p.where(), err)
	}
	p.lockMu.Lock()
	p.locks[info.ID] = conn
	p.lockMu.Unlock()
	return info.ID, nil
}

// checkLock keeps a write from racing a lock. While this backend holds
// locks, one of their sessions must still hold the advisory lock, else the
// write fails with ErrLockLost (the session died, or fleet unlock --force
// terminated it). While it holds none, no other session may hold it: a
// write without the lock must not slip under another run's.
func (p *Postgres) checkLock(ctx context.Context, tx pgx.Tx) error {
	p.lockMu.Lock()
	pids := make([]int32, 0, len(p.locks))
	for _, conn := range p.locks {
		pids = append(pids, int32(conn.PgConn().PID()))
	}
	p.lockMu.Unlock()
	hi, lo := p.keyHalves()
	if len(pids) == 0 {
		var doc *string
		err := tx.QueryRow(ctx, `SELECT l.info::text FROM pg_locks k LEFT JOIN fleet_locks l ON l.fleet = $1
			WHERE `+heldBy+` LIMIT 1`, p.fleet, hi, lo).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("check the state lock: %w", err)
		}
		info := unknownHolder(p.where())
		if doc != nil && json.Unmarshal([]byte(*doc), info) != nil {
			info = unknownHolder(p.where())
		}
		return &LockError{Info: info, Err: errors.New("a write needs the state lock that another run holds")}
	}
	var held bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks k WHERE `+heldBy+` AND k.pid = ANY($1))`, pids, hi, lo).Scan(&held)
	if err != nil {
		return fmt.Errorf("check the state lock: %w", err)
	}
	if !held {
		return ErrLockLost
	}
	return nil
}

// Unlock releases the lock id that this backend holds; it refuses any other
// id, and reports ErrLockLost when the lock's session had already ended.
func (p *Postgres) Unlock(ctx context.Context, id string) error {
	return p.scrub(p.unlock(ctx, id))
}

func (p *Postgres) unlock(ctx context.Context, id string) error {
	p.lockMu.Lock()
	conn, ok := p.locks[id]
	delete(p.locks, id)
	p.lockMu.Unlock()
	if !ok {
		return fmt.Errorf("unlock %s: lock %q is not held by this process", p.where(), id)
	}
	defer conn.Close(context.Background())
	// The row goes first, in the holding session: a moment with a held lock
	// and no row reads as an unknown holder, never as a stale one.
	var released bool
	_, err := conn.Exec(ctx, `DELETE FROM fleet_locks WHERE fleet = $1 AND id = $2`, p.fleet, id)
	if err == nil {
		err = conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1)`, p.key).Scan(&released)
	}
	if err == nil && released {
		return nil
	}
	// The session is gone, and its lock with it; clear its row if a new
	// holder has not replaced it.
	p.mu.Lock()
	if dc, derr := p.dataConn(ctx); derr == nil {
		dc.Exec(ctx, `DELETE FROM fleet_locks WHERE fleet = $1 AND id = $2`, p.fleet, id)
	}
	p.mu.Unlock()
	return fmt.Errorf("unlock %s: %w", p.where(), ErrLockLost)
}

// Holder reads the lock's row without taking the lock; nil when free. The
// info is Stale when no session holds the advisory lock any more, or another
// session than the one that wrote the row does.
func (p *Postgres) Holder(ctx context.Context) (*LockInfo, error) {
	info, _, err := p.holder(ctx)
	return info, p.scrub(err)
}

// holder also returns the backend pid of the session holding the lock (0
// when none).
func (p *Postgres) holder(ctx context.Context) (*LockInfo, int32, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	conn, err := p.dataConn(ctx)
	if err != nil {
		return nil, 0, err
	}
	hi, lo := p.keyHalves()
	var (
		doc               *string
		rowPID, holderPID *int32
	)
	err = conn.QueryRow(ctx, `SELECT l.info::text, l.pid, (SELECT k.pid FROM pg_locks k WHERE `+heldBy+` LIMIT 1)
		FROM (VALUES (1)) AS one (x) LEFT JOIN fleet_locks l ON l.fleet = $1`, p.fleet, hi, lo).
		Scan(&doc, &rowPID, &holderPID)
	if err != nil {
		return nil, 0, fmt.Errorf("read lock %s: %w", p.where(), err)
	}
	var session int32
	if holderPID != nil {
		session = *holderPID
	}
	if doc == nil {
		if session == 0 {
			return nil, 0, nil
		}
		return unknownHolder(p.where()), session, nil
	}
	var info LockInfo
	if err := json.Unmarshal([]byte(*doc), &info); err != nil {
		return nil, 0, fmt.Errorf("read lock %s: %w", p.where(), err)
	}
	info.Stale = session == 0 || rowPID == nil || *rowPID != session
	return &info, session, nil
}

// ForceUnlock removes the lock whatever holds it (fleet unlock). A stale
// lock is only a row. A live holder's session is terminated with
// pg_terminate_backend (which needs the same role as that session, or
// pg_signal_backend): that is the one way to free a session-level lock held
// by another session, and the case it is for is a runner whose host died
// while the server still keeps its connection open. The old holder then gets
// ErrLockLost at its next write. fleet unlock asks for --force before doing
// this to a lock that does not look stale; PostgreSQL-backed Terraform
// refuses outright.
func (p *Postgres) ForceUnlock(ctx context.Context) error {
	return p.scrub(p.forceUnlock(ctx))
}

func (p *Postgres) forceUnlock(ctx context.Context) error {
	info, session, err := p.holder(ctx)
	if err != nil || info == nil {
		return err
	}
	if session != 0 {
		if err := p.terminate(ctx, session); err != nil {
			return fmt.Errorf("force unlock %s: %w", p.where(), err)
		}
	}
	if info.ID == "" {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	conn, err := p.dataConn(ctx)
	if err == nil {
		_, err = conn.Exec(ctx, `DELETE FROM fleet_locks WHERE fleet = $1 AND id = $2`, p.fleet, info.ID)
	}
	if err != nil {
		return fmt.Errorf("force unlock %s: %w", p.where(), err)
	}
	return nil
}

// terminate ends the session with backend pid and waits until its lock is
// gone: PostgreSQL signals the session and it exits a moment later.
func (p *Postgres) terminate(ctx context.Context, pid int32) error {
	hi, lo := p.keyHalves()
	b := backoff.Backoff{Policy: backoff.Locks}
	for sent := false; ; {
		var held bool
		p.mu.Lock()
		conn, err := p.dataConn(ctx)
		if err == nil && !sent {
			err = conn.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&sent)
			if err == nil && !sent {
				err = fmt.Errorf("session %d could not be terminated", pid)
			}
		}
		if err == nil {
			err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks k WHERE `+heldBy+` AND k.pid = $1)`, pid, hi, lo).Scan(&held)
		}
		p.mu.Unlock()
		if err != nil {
			return fmt.Errorf("terminate the holding session: %w", err)
		}
		if !held {
			return nil
		}
		if err := b.Wait(ctx, 0); err != nil {
			return fmt.Errorf("wait for the holding session to end: %w", err)
		}
	}
}
