// Package storetest opens fresh, migrated stores for tests: a SQLite file in
// a temporary directory, and, when SAFETYNET_TEST_POSTGRES names a server,
// a PostgreSQL schema of its own that is dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"safetynet/internal/pii"
	"safetynet/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL test server's URL.
const EnvPostgres = "SAFETYNET_TEST_POSTGRES"

var (
	keysOnce sync.Once
	keys     *pii.Keys
)

// Keys returns one set of keys shared by a test binary.
func Keys(t testing.TB) *pii.Keys {
	keysOnce.Do(func() {
		var err error
		if keys, err = pii.GenerateKeys(pii.SM4GCM); err != nil {
			t.Fatal(err)
		}
	})
	return keys
}

// Each runs fn against a fresh SQLite store and, if configured, a fresh
// PostgreSQL store, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated store in a temporary file.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "test.db"))
}

// Fresh opens a migrated store of the dialect ("sqlite" or "postgres")
// whose life is not bound to one test: benchmarks share it across
// sub-benchmarks. cleanup closes and removes it.
func Fresh(dialect string) (db *store.DB, cleanup func(), err error) {
	ctx := context.Background()
	dsn, drop := "", func() {}
	switch dialect {
	case "sqlite":
		dir, err := os.MkdirTemp("", "safetynet-bench-")
		if err != nil {
			return nil, nil, err
		}
		dsn, drop = filepath.Join(dir, "bench.db"), func() { os.RemoveAll(dir) }
	case "postgres":
		base := os.Getenv(EnvPostgres)
		if base == "" {
			return nil, nil, fmt.Errorf("set %s", EnvPostgres)
		}
		schema, err := createSchema(base)
		if err != nil {
			return nil, nil, err
		}
		dsn, drop = withSchema(base, schema), func() { dropSchema(base, schema) }
	}
	db, err = store.Open(ctx, dsn)
	if err != nil {
		drop()
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		drop()
		return nil, nil, err
	}
	k, err := pii.GenerateKeys(pii.SM4GCM)
	if err != nil {
		return nil, nil, err
	}
	db.SetKeys(k)
	return db, func() { db.Close(); drop() }, nil
}

func createSchema(base string) (string, error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	return schema, err
}

func dropSchema(base, schema string) {
	if a, err := sql.Open("pgx", base); err == nil {
		a.Exec("DROP SCHEMA " + schema + " CASCADE")
		a.Close()
	}
}

func withSchema(base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres returns a migrated store in a new schema of the server named by
// SAFETYNET_TEST_POSTGRES, or skips the test when it is unset.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip("PostgreSQL part skipped: set " + EnvPostgres + "=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run it")
	}
	schema, err := createSchema(base)
	if err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { dropSchema(base, schema) })
	return open(t, withSchema(base, schema))
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.SetKeys(Keys(t))
	return db
}
