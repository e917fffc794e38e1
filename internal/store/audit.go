package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"safetynet/internal/audit"
)

// auditLockKey is the PostgreSQL advisory lock that serialises appends to
// the chain: each row needs the hash of the one before.
const auditLockKey = 0x5afe7e1

// audit appends one record to the chain inside t, with the actor from ctx.
// before and after are values already masked of personal data (or nil).
func (t *Tx) audit(ctx context.Context, entity string, entityID int64, regionCode, action string, before, after any) error {
	e, err := newAuditEntry(entity, entityID, regionCode, action, before, after)
	if err != nil {
		return err
	}
	return t.appendAudit(ctx, e)
}

// newAuditEntry builds an unsealed record; an update keeps only what
// changed (audit.Diff).
func newAuditEntry(entity string, entityID int64, regionCode, action string, before, after any) (*audit.Entry, error) {
	var b, a json.RawMessage
	var err error
	if before != nil && after != nil {
		b, a, err = audit.Diff(before, after)
	} else {
		if before != nil {
			b, err = json.Marshal(before)
		}
		if err == nil && after != nil {
			a, err = json.Marshal(after)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	id := ""
	if entityID != 0 {
		id = strconv.FormatInt(entityID, 10)
	}
	return &audit.Entry{Entity: entity, EntityID: id, Region: regionCode, Action: action, Before: b, After: a}, nil
}

// appendAudit seals e after the chain's head and writes it.
func (t *Tx) appendAudit(ctx context.Context, e *audit.Entry) error {
	if err := t.sealAudit(ctx, e); err != nil {
		return err
	}
	rs := auditRows()
	rs.add(auditRow(e)...)
	return t.insertRows(ctx, rs)
}

// sealAudit fills in the actor and time and chains e to the head, taking
// the chain's lock on first use in the transaction. The head record itself
// is written at commit (writeAuditHead).
func (t *Tx) sealAudit(ctx context.Context, e *audit.Entry) error {
	act := audit.ActorFrom(ctx)
	e.UserID, e.Username, e.Role, e.ClientAddr, e.RequestID = act.UserID, act.Username, act.Role, act.ClientAddr, act.RequestID
	e.At = t.db.now().UTC().Truncate(1000)
	if t.head == nil {
		// The lock is held to the end of the transaction, so the head read
		// here stays the head until this transaction commits.
		if t.db.dialect == Postgres {
			if _, err := t.exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(auditLockKey)); err != nil {
				return fmt.Errorf("audit lock: %w", err)
			}
		}
		t.head = &auditHead{}
		switch err := t.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&t.head.seq, &t.head.hash); err {
		case nil, sql.ErrNoRows:
		default:
			return fmt.Errorf("audit head: %w", err)
		}
	}
	var prev *audit.Entry
	if t.head.seq > 0 {
		prev = &audit.Entry{Seq: t.head.seq, Hash: t.head.hash}
	}
	e.Seal(prev)
	t.head.seq, t.head.hash, t.head.dirty = e.Seq, e.Hash, true
	return nil
}

func auditRows() *rowSet {
	return &rowSet{table: "audit_log", cols: []string{"seq", "at", "user_id", "username", "role", "client_addr", "request_id",
		"entity", "entity_id", "region", "action", "before_data", "after_data", "prev_hash", "hash"}}
}

func auditRow(e *audit.Entry) []any {
	return []any{e.Seq, e.At, e.UserID, e.Username, e.Role, e.ClientAddr, e.RequestID,
		e.Entity, e.EntityID, e.Region, e.Action, string(e.Before), string(e.After), e.PrevHash, e.Hash}
}

// auditHead is the chain's head as a transaction sees it.
type auditHead struct {
	seq   int64
	hash  string
	dirty bool
}

// writeAuditHead stores the head record if the transaction appended to the
// chain; called just before commit, in the same transaction.
func (t *Tx) writeAuditHead(ctx context.Context) error {
	if t.head == nil || !t.head.dirty {
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, t.head.seq, t.head.hash)
	return err
}

// Audit appends a record that goes with no other change (a sign-in, an
// unmasked view, an export), in its own transaction.
func (db *DB) Audit(ctx context.Context, entity string, entityID int64, regionCode, action string, detail any) error {
	return db.transact(ctx, func(t *Tx) error {
		return t.audit(ctx, entity, entityID, regionCode, action, nil, detail)
	})
}

const auditColumns = `seq, at, user_id, username, role, client_addr, request_id, entity, entity_id, region, action, before_data, after_data, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*audit.Entry, error) {
	var e audit.Entry
	var at timestamp
	var before, after string
	err := sc.Scan(&e.Seq, &at, &e.UserID, &e.Username, &e.Role, &e.ClientAddr, &e.RequestID,
		&e.Entity, &e.EntityID, &e.Region, &e.Action, &before, &after, &e.PrevHash, &e.Hash)
	if err != nil {
		return nil, err
	}
	e.At = at.Time
	if before != "" {
		e.Before = json.RawMessage(before)
	}
	if after != "" {
		e.After = json.RawMessage(after)
	}
	return &e, nil
}

// Scan calls fn for every audit record from seq fromSeq on, in order,
// reading in chunks so the whole trail never sits in memory.
func (db *DB) Scan(ctx context.Context, fromSeq int64, fn func(*audit.Entry) error) error {
	const chunk = 5000
	next := fromSeq
	for {
		rows, err := db.query(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?", next, chunk)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return err
			}
			n++
			next = e.Seq + 1
			if err := fn(e); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < chunk {
			return ctx.Err()
		}
	}
}

// AuditHead returns the head record kept beside the chain.
func (db *DB) AuditHead(ctx context.Context) (seq int64, hash string, err error) {
	err = db.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&seq, &hash)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	return seq, hash, err
}

// List returns audit records matching f, newest first.
func (db *DB) List(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	q := "SELECT " + auditColumns + " FROM audit_log WHERE 1=1"
	var args []any
	if f.Region != "" {
		lo, hi := prefixRange(f.Region)
		q += " AND region >= ? AND region < ?"
		args = append(args, lo, hi)
	}
	if f.Entity != "" {
		q += " AND entity = ?"
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		q += " AND entity_id = ?"
		args = append(args, f.EntityID)
	}
	if f.UserID != 0 {
		q += " AND user_id = ?"
		args = append(args, f.UserID)
	}
	if f.BeforeSeq > 0 {
		q += " AND seq < ?"
		args = append(args, f.BeforeSeq)
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit(f.Limit, 100, 1000))
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

func limit(n, def, max int) int {
	switch {
	case n <= 0:
		return def
	case n > max:
		return max
	}
	return n
}

// VerifyAudit walks the whole chain and compares its end with the head
// record. It returns the number of rows verified, and an *audit.Broken
// naming the first broken row if there is one.
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	var v audit.Verifier
	err := db.Scan(ctx, 1, func(e *audit.Entry) error { return v.Next(e) })
	if err != nil {
		return v.Count(), err
	}
	seq, hash, err := db.AuditHead(ctx)
	if err != nil {
		return v.Count(), err
	}
	return v.Count(), v.CheckHead(seq, hash)
}
