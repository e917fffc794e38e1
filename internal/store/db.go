// Package store is the SQL implementation of the domain packages' storage
// interfaces, for SQLite (embedded, the default) and PostgreSQL.
//
// SQL is written once wherever the two dialects agree (they agree on
// almost everything used here: ON CONFLICT, RETURNING, partial indexes); the
// differences live in dialect.go. Queries are written with '?' placeholders
// and rebound to $n for PostgreSQL. Both dialects have their own embedded
// migrations, and one conformance suite (store_test.go) runs every test
// against both.
//
// SQLite uses one writer connection and a pool of readers, so writers never
// meet SQLITE_BUSY and readers never wait for writers (WAL).
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"safetynet/internal/pii"
)

// Dialect is the SQL engine behind a DB.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is an open store.
type DB struct {
	dialect Dialect
	w       *sql.DB // the one writer (SQLite) or the pool (PostgreSQL)
	r       *sql.DB // readers; the same pool as w on PostgreSQL
	keys    *pii.Keys
	now     func() time.Time
	path    string // the SQLite file
}

// Open opens the store named by dsn: a postgres:// or postgresql:// URL, or
// a SQLite file path (optionally prefixed with "sqlite:"). It does not
// migrate; see Migrate and CheckSchema.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{now: func() time.Time { return time.Now().UTC() }}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.dialect = Postgres
		// pgx prepares and caches statements; after five runs PostgreSQL
		// may switch one to a generic plan made when a table was small,
		// and keep it as an import grows the table (a 500-key lookup went
		// from milliseconds to seconds). Planning these queries each time
		// costs far less than a stale plan.
		if u, err := url.Parse(dsn); err == nil {
			q := u.Query()
			if q.Get("plan_cache_mode") == "" {
				q.Set("plan_cache_mode", "force_custom_plan")
				u.RawQuery = q.Encode()
				dsn = u.String()
			}
		}
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		p.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
		p.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.w, db.r = p, p
	} else {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			path = "safetynet.db"
		}
		db.path = path
		// Pragmas in this order: busy_timeout first so that the WAL switch
		// itself waits for a lock rather than failing.
		q := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)", "cache_size(-32000)", "temp_store(MEMORY)"} {
			q.Add("_pragma", p)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		w, err := sql.Open("sqlite", "file:"+abs+"?"+q.Encode()+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", "file:"+abs+"?"+q.Encode()+"&_pragma=query_only(1)")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(2 * runtime.GOMAXPROCS(0))
		db.w, db.r = w, r
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s store: %w", db.dialect, err)
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Dialect returns the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Path returns the SQLite file ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// SetKeys gives the store the keys that encrypt personal data. Without keys
// the store refuses to write or read personal data.
func (db *DB) SetKeys(k *pii.Keys) { db.keys = k }

// SetClock replaces the clock (tests).
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Ping checks the store answers (readiness).
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// Stats returns the writer pool's statistics (metrics).
func (db *DB) Stats() sql.DBStats { return db.w.Stats() }
