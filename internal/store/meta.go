package store

import (
	"context"
	"database/sql"
	"errors"
	"os"

	"safetynet/internal/apperr"
	"safetynet/internal/pii"
	"safetynet/internal/region"
)

// CheckKeys makes sure personal data is never written under two keys, and
// never read without one: the first key used is recorded by its id; later
// starts must present the same key. A store that holds personal data
// refuses to serve without a key.
// Errors: Unavailable.
func (db *DB) CheckKeys(ctx context.Context, k *pii.Keys) error {
	var recorded string
	err := db.queryRow(ctx, "SELECT value FROM meta WHERE key = 'key_id'").Scan(&recorded)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if k == nil {
		var n int
		if err := db.queryRow(ctx, "SELECT COUNT(*) FROM persons").Scan(&n); err != nil {
			return err
		}
		if n > 0 || recorded != "" {
			return apperr.Errorf(apperr.Unavailable, "this store holds encrypted personal data: set SAFETYNET_KEY_FILE to its key file")
		}
		return nil
	}
	if recorded == "" {
		return db.transact(ctx, func(t *Tx) error {
			_, err := t.exec(ctx, "INSERT INTO meta (key, value) VALUES ('key_id', ?) ON CONFLICT (key) DO NOTHING", k.ID())
			return err
		})
	}
	if recorded != k.ID() {
		return apperr.Errorf(apperr.Unavailable, "the key file (key id %s) is not the key this store was written with (key id %s)", k.ID(), recorded)
	}
	return nil
}

// SaveRegions stores imported regions (villages) so they are loaded into
// the division table at every start; rows already stored are updated.
func (db *DB) SaveRegions(ctx context.Context, rs []region.Region) (int, error) {
	n := 0
	err := db.transact(ctx, func(t *Tx) error {
		for _, r := range rs {
			if _, err := t.exec(ctx, `INSERT INTO regions (code, name, level, parent) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name`, r.Code, r.Name, int(r.Level), r.Parent); err != nil {
				return err
			}
			n++
		}
		return t.audit(ctx, "region", 0, "", "import", nil, map[string]any{"rows": n})
	})
	return n, err
}

// Regions returns the stored (imported) regions in code order.
func (db *DB) Regions(ctx context.Context) ([]region.Region, error) {
	rows, err := db.query(ctx, "SELECT code, name, level, parent FROM regions ORDER BY code")
	return collect(rows, err, func(sc scanner) (region.Region, error) {
		var r region.Region
		err := sc.Scan(&r.Code, &r.Name, &r.Level, &r.Parent)
		return r, err
	})
}

// Backup writes a consistent copy of a SQLite store to path while it is in
// use (VACUUM INTO reads one snapshot). PostgreSQL stores are backed up
// with pg_dump. Errors: Invalid (PostgreSQL, or the file exists).
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return apperr.Errorf(apperr.Invalid, "back up a PostgreSQL store with pg_dump (see docs/operations.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return apperr.Errorf(apperr.Invalid, "%s exists: choose a new file name", path)
	}
	_, err := db.w.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// Meta returns a stored setting ("" if unset).
func (db *DB) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := db.queryRow(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta stores a setting.
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	return db.transact(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
		return err
	})
}

// RefreshStatistics implements registry.Store. On SQLite the analysis
// reads at most 1,000 rows of each index, so it takes milliseconds at any
// size.
func (db *DB) RefreshStatistics(ctx context.Context) error {
	q := "ANALYZE households, persons, members, incomes, assets"
	if db.dialect == SQLite {
		q = "PRAGMA analysis_limit = 1000; ANALYZE"
	}
	_, err := db.w.ExecContext(ctx, q)
	return err
}
