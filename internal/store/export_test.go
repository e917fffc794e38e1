package store

import (
	"testing"

	"safetynet/internal/civil"
)

// RawQueryRow runs a query as-is on the reader pool (tests only).
func RawQueryRow(db *DB, q string, args ...any) interface{ Scan(...any) error } {
	return db.r.QueryRow(q, args...)
}

// RawExec runs statements directly, bypassing the store (tests that play
// an attacker with database access).
func RawExec(t *testing.T, db *DB, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if err := RawExecErr(db, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// RawExecErr runs one statement directly and returns its error.
func RawExecErr(db *DB, q string) error {
	_, err := db.w.Exec(q)
	return err
}

// Today is the store's current civil day (tests).
func (db *DB) Today() civil.Date { return db.today() }
