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
	// stmts caches prepared statements for the transaction's life on
	// SQLite, whose driver otherwise prepares every statement anew; batch
	// writes run the same dozen statements thousands of times.
	stmts map[string]*sql.Stmt
	conn  *sql.Conn
	// head is the audit chain's head as of this transaction's last append,
	// so a batch reads it once; written back before commit.
	head *auditHead
}

func (t *Tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if t.db.dialect == SQLite {
		st, err := t.stmt(ctx, q)
		if err != nil {
			return nil, err
		}
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.db.rebind(q), args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t.db.dialect == SQLite {
		st, err := t.stmt(ctx, q)
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.db.rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if t.db.dialect == SQLite {
		if st, err := t.stmt(ctx, q); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
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
	// The transaction runs on a connection of its own so that bulk loads
	// can reach the driver's COPY on that same connection (copyFrom).
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{db: db, tx: stx, conn: conn}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	defer func() {
		for _, st := range tx.stmts {
			st.Close()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.writeAuditHead(ctx); err != nil {
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
