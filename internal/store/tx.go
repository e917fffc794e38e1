package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Tx is a transaction with the store's rebinding.
type Tx struct {
	db *DB
	tx *sql.Tx
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.db.rebind(q), args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.db.rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.db.rebind(q), args...)
}

// insertID runs an INSERT … RETURNING id and returns the id.
func (t *Tx) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// transact runs fn in a write transaction, committing if fn returns nil and
// rolling back on an error or a panic. A transaction that failed only
// because of concurrency (serialization failure, deadlock, busy) is run
// again, up to five times, so fn must have no effects outside tx.
func (db *DB) transact(ctx context.Context, fn func(tx *Tx) error) (err error) {
	for attempt := 0; ; attempt++ {
		err = db.transactOnce(ctx, fn)
		if err == nil || !isRetryable(err) || attempt == 4 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
		}
	}
}

func (db *DB) transactOnce(ctx context.Context, fn func(tx *Tx) error) (err error) {
	opts := &sql.TxOptions{}
	if db.dialect == Postgres {
		// Repeatable read gives each transaction one snapshot; conflicting
		// writers fail with 40001 and are retried above. Lost updates are
		// prevented by the version columns in any case.
		opts.Isolation = sql.LevelRepeatableRead
	}
	stx, err := db.w.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{db: db, tx: stx}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return stx.Commit()
}

// read runs queries on the reader pool.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.r.QueryContext(ctx, db.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.rebind(q), args...)
}

// querier is what read helpers need: the reader pool (*DB) or a
// transaction (*Tx), so the same code reads inside and outside one.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}
