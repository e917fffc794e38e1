package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"safetynet/internal/apperr"
)

//go:embed migrations
var migrations embed.FS

func (db *DB) provider() (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if db.dialect == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.w, sub)
}

// Migrate applies every pending migration and returns the version reached.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// SchemaVersion returns the store's schema version and the version this
// binary expects.
func (db *DB) SchemaVersion(ctx context.Context) (have, want int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	if len(sources) > 0 {
		want = sources[len(sources)-1].Version
	}
	have, err = p.GetDBVersion(ctx)
	return have, want, err
}

// CheckSchema returns an Unavailable error when the store's schema is
// behind this binary (run `safetynet migrate`) or ahead of it (an older
// binary on a newer store).
func (db *DB) CheckSchema(ctx context.Context) error {
	have, want, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case have < want:
		return apperr.Errorf(apperr.Unavailable, "the store's schema is at version %d, this binary needs %d: run `safetynet migrate` first", have, want)
	case have > want:
		return apperr.Errorf(apperr.Unavailable, "the store's schema is at version %d, newer than this binary's %d: upgrade the binary", have, want)
	}
	// The top version alone can hide a migration skipped below it (one
	// added out of order): goose reports those as an error here.
	p, err := db.provider()
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return apperr.Errorf(apperr.Unavailable, "the store's schema lacks a migration below its version %d (%v): restore the store from a backup taken before it was migrated, or migrate a copy with every migration", have, err)
	}
	if pending {
		return apperr.Errorf(apperr.Unavailable, "the store's schema has migrations pending: run `safetynet migrate` first")
	}
	return nil
}
