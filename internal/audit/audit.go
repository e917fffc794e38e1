// Package audit is SafetyNet's tamper-evident audit trail: who changed or
// looked at what, when, from where, with the values before and after.
//
// Entries form a hash chain. Each entry's Hash is SM3 over its own fields and
// the previous entry's hash, and entries are numbered 1, 2, 3… without gaps.
// A verifier that walks the chain (Verifier) therefore notices a row that
// was edited (its hash no longer matches), deleted (a gap in the numbers, or
// a prev_hash that no longer matches) or inserted out of order.
//
// Deleting the newest rows leaves a shorter chain that is still consistent,
// so the chain alone cannot show it. The store therefore also keeps a head
// record (seq and hash of the newest entry), updated in the same transaction
// as every Append; the verify command compares what the walk ends on with it
// (Verifier.CheckHead). A chain without a secret key is evidence against
// edits by people who cannot rewrite the whole table and its head; to guard
// against an administrator with full database access too, the head should
// be exported regularly to somewhere they cannot change (a printed or signed
// report, another system's log).
//
// This package is pure logic. The SQL store lives in internal/store and
// implements Store; domain stores append their entries in the same
// transaction as the change they record, with the actor taken from the
// request's context (WithActor, ActorFrom).
//
// Before and After must never carry clear-text ID numbers, phones or bank
// accounts: audit rows are read by auditors who may not be entitled to see
// them. Callers record the sealed or masked forms (package pii).
package audit

import (
	"context"
	"encoding/json"
	"time"
)

// Actor is who performed an action, taken from the request's session.
type Actor struct {
	UserID     int64
	Username   string
	Role       string
	ClientAddr string // the client's IP address
	RequestID  string // the id in the server log and shown on error pages
}

type actorKey struct{}

// WithActor returns a context carrying a, for the stores to record.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or Actor{Username: "system"} for work
// not started by a user (batch jobs, migrations, the command line).
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Username: "system"}
}

// Entry is one audit record.
type Entry struct {
	// Seq numbers entries 1, 2, 3… with no gaps. It is assigned by Seal as
	// the previous entry's Seq+1 while the store holds the chain lock, not
	// by a database sequence: sequences skip numbers on rollback, and a gap
	// must mean a deleted row.
	Seq int64 `json:"seq"`
	// At is when the action happened, in UTC, truncated to microseconds:
	// the precision both SQLite text timestamps and PostgreSQL timestamptz
	// keep, so a value read back hashes as it was written.
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id"`
	Username   string    `json:"username"`
	Role       string    `json:"role"`
	ClientAddr string    `json:"client_addr"`
	RequestID  string    `json:"request_id"`
	// Entity is the kind of thing acted on: "household", "person", "user"…
	Entity   string `json:"entity"`
	EntityID string `json:"entity_id"`
	// Region is the region code of the thing acted on, so an auditor sees
	// only entries in their jurisdiction (a code prefix).
	Region string `json:"region"`
	// Action is what was done: "create", "update", "delete", "login",
	// "view_unmasked"…
	Action string `json:"action"`
	// Before and After are JSON, usually only the fields that changed
	// (Diff). The store keeps them as TEXT, not JSONB: JSONB reorders keys
	// and rewrites numbers, which would change the hash; ComputeHash
	// compacts them, so only insignificant whitespace may differ.
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// NewEntry returns an entry for an action on an entity, stamped with the
// actor in ctx and the current time. The store's Append seals it.
func NewEntry(ctx context.Context, entity, entityID, region, action string) *Entry {
	a := ActorFrom(ctx)
	return &Entry{
		At:         Now(),
		UserID:     a.UserID,
		Username:   a.Username,
		Role:       a.Role,
		ClientAddr: a.ClientAddr,
		RequestID:  a.RequestID,
		Entity:     entity,
		EntityID:   entityID,
		Region:     region,
		Action:     action,
	}
}

// Now returns the current time as entries store it: UTC, microseconds.
func Now() time.Time { return normalizeTime(time.Now()) }

func normalizeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Filter selects entries for List. Zero fields do not filter.
type Filter struct {
	// Region is a jurisdiction: entries whose Region starts with it. The
	// caller sets it from the viewer's jurisdiction, never from user input
	// alone.
	Region   string
	Entity   string
	EntityID string
	UserID   int64
	// BeforeSeq pages backwards: only entries with Seq < BeforeSeq.
	BeforeSeq int64
	// Limit is the page size (store default 50, at most 500).
	Limit int
}

// Store keeps the audit trail. The SQL implementation is in internal/store.
type Store interface {
	// Append adds e to the chain inside the transaction the caller already
	// has open for the change being recorded (the store finds it through
	// ctx), so the change and its audit entry commit or roll back together.
	// The store takes the chain lock (the head row, SELECT … FOR UPDATE on
	// PostgreSQL; SQLite has a single writer), reads the newest entry,
	// calls e.Seal(prev), inserts e and updates the head record to
	// (e.Seq, e.Hash). On return e carries its Seq and Hash.
	// Errors: Internal only (a failed write).
	Append(ctx context.Context, e *Entry) error

	// Scan calls fn for every entry with Seq >= fromSeq in Seq order,
	// reading in bounded chunks, and stops at fn's first error, which it
	// returns. Used by the verify command and exports.
	// Errors: fn's, or Internal.
	Scan(ctx context.Context, fromSeq int64, fn func(*Entry) error) error

	// List returns entries matching f, newest (highest Seq) first.
	// Errors: Invalid (a bad filter), Internal.
	List(ctx context.Context, f Filter) ([]Entry, error)
}

// HeadReader is implemented by a Store that keeps the head record.
// Head returns the seq and hash of the newest entry as the head record
// holds them ((0, "") for an empty trail), for Verifier.CheckHead.
// Errors: Internal.
type HeadReader interface {
	Head(ctx context.Context) (seq int64, hash string, err error)
}
