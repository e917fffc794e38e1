package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// rowSet is rows for one table, loaded in bulk by insertRows.
type rowSet struct {
	table string
	cols  []string
	rows  [][]any
}

func (rs *rowSet) add(vals ...any) { rs.rows = append(rs.rows, vals) }

// insertRows loads rows in bulk inside the transaction: COPY on
// PostgreSQL, multi-row prepared INSERTs on SQLite and for a few rows on
// PostgreSQL (DESIGN.md §5).
// Values must be plain driver values (no Valuer types: COPY's binary
// encoding does not go through them).
func (t *Tx) insertRows(ctx context.Context, rs *rowSet) error {
	if len(rs.rows) == 0 {
		return nil
	}
	// COPY pays a round trip of its own; a few rows go faster as INSERT.
	if t.db.dialect == Postgres && len(rs.rows) >= 20 {
		return t.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("copy: unexpected driver connection %T", dc)
			}
			_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{rs.table}, rs.cols, pgx.CopyFromRows(rs.rows))
			if err != nil {
				return fmt.Errorf("copy into %s: %w", rs.table, err)
			}
			return nil
		})
	}
	// SQLite allows 32766 parameters a statement; 100 rows keeps the
	// statements few and the prepared ones reusable (full chunks share one).
	const per = 100
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rs.cols)), ", ") + ")"
	head := "INSERT INTO " + rs.table + " (" + strings.Join(rs.cols, ", ") + ") VALUES "
	for start := 0; start < len(rs.rows); start += per {
		chunk := rs.rows[start:min(start+per, len(rs.rows))]
		q := head + strings.TrimSuffix(strings.Repeat(one+", ", len(chunk)), ", ")
		args := make([]any, 0, len(chunk)*len(rs.cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := t.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", rs.table, err)
		}
	}
	return nil
}

// reserveIDs returns the first of n consecutive new ids for table's
// identity column. On PostgreSQL the ids come from the column's sequence
// (they are consecutive only in the sense of being this transaction's; the
// caller uses the returned list). On SQLite the one writer owns the table,
// so max(id)+1 onwards is free until commit.
func (t *Tx) reserveIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if t.db.dialect == Postgres {
		rows, err := t.query(ctx, "SELECT nextval(pg_get_serial_sequence('"+table+"', 'id')) FROM generate_series(1, ?)", n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var max int64
	if err := t.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&max); err != nil {
		return nil, err
	}
	for i := 1; i <= n; i++ {
		ids = append(ids, max+int64(i))
	}
	return ids, nil
}
