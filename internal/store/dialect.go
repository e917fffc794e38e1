package store

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// rebind turns '?' placeholders into $1, $2, … for PostgreSQL. Queries in
// this package never contain a literal '?' inside a string.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// isUniqueViolation reports whether err is a unique-constraint failure, and
// returns the constraint (PostgreSQL) or the message naming the columns
// (SQLite), so callers can tell which one.
func isUniqueViolation(err error) (string, bool) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return pg.ConstraintName, true
	}
	var sq *sqlite.Error
	if errors.As(err, &sq) && (sq.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sq.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return sq.Error(), true
	}
	return "", false
}

// isRetryable reports whether a transaction failed only because of
// concurrency and can be run again: a serialization failure or deadlock on
// PostgreSQL, a busy database on SQLite.
func isRetryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var sq *sqlite.Error
	if errors.As(err, &sq) {
		c := sq.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// errRetry asks transact to run a transaction again: it lost a race that
// a second attempt will see (a sequence number taken meanwhile).
var errRetry = errors.New("store: lost a race, retry")

// namePrefix returns the range [lo, hi) of names starting with prefix.
// U+10FFFF sorts after every character in UTF-8 byte order.
func namePrefix(prefix string) (lo, hi string) {
	return prefix, prefix + "\U0010FFFF"
}

// nameColumn is persons.name compared byte-wise, so that a prefix is a
// contiguous range: SQLite compares bytes already; PostgreSQL needs the C
// collation (its index persons_name is built with it).
func (db *DB) nameColumn() string {
	if db.dialect == Postgres {
		return `p.name COLLATE "C"`
	}
	return "p.name"
}

// prefixRange returns the half-open range [lo, hi) of codes starting with
// prefix, so a region filter uses an index on both engines (LIKE 'p%' does
// not on SQLite's default case-insensitive LIKE). Region codes are digits,
// and ':' sorts right after '9'.
func prefixRange(prefix string) (lo, hi string) {
	return prefix, prefix + ":"
}
