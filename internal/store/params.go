package store

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/policy"
)

var _ policy.Store = (*DB)(nil)

// AddParam implements policy.Store.
func (db *DB) AddParam(ctx context.Context, p *policy.Param) error {
	if err := policy.CheckNew(*p, db.today()); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		// Microseconds: what both engines keep of a timestamp.
		now := db.now().UTC().Truncate(time.Microsecond)
		by := audit.ActorFrom(ctx).Username
		id, err := t.insertID(ctx, `INSERT INTO policy_params (key, region, valid_from, value, source, note, reason,
			created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Key, p.Region, p.From, p.Text, p.Source, p.Note, p.Reason, by, now)
		if err != nil {
			return fmt.Errorf("insert parameter: %w", err)
		}
		p.By, p.RecordedAt = by, now
		return t.audit(ctx, "parameter", id, p.Region, "create", nil, paramAudit(p))
	})
}

// paramAudit is what the audit trail records of a value: all of it (a
// parameter holds no personal data).
func paramAudit(p *policy.Param) map[string]any {
	out := map[string]any{"key": p.Key, "region": p.Region, "valid_from": p.From, "value": p.Text, "source": p.Source}
	if p.Note != "" {
		out["note"] = p.Note
	}
	if p.Reason != "" {
		out["reason"] = p.Reason
	}
	return out
}

// Params implements policy.Store.
func (db *DB) Params(ctx context.Context) ([]policy.Param, error) {
	rows, err := db.query(ctx, `SELECT key, region, valid_from, value, source, note, reason, created_by, created_at
		FROM policy_params ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("Params: %w", err)
	}
	defer rows.Close()
	var out []policy.Param
	for rows.Next() {
		var p policy.Param
		var at timestamp
		if err := rows.Scan(&p.Key, &p.Region, &p.From, &p.Text, &p.Source, &p.Note, &p.Reason, &p.By, &at); err != nil {
			return nil, fmt.Errorf("Params: %w", err)
		}
		p.RecordedAt = at.Time
		out = append(out, p)
	}
	return out, rows.Err()
}

// ParamsVersion implements policy.Store: the id of the latest stored value
// (rows are only ever added).
func (db *DB) ParamsVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM policy_params").Scan(&v); err != nil {
		return 0, fmt.Errorf("ParamsVersion: %w", err)
	}
	return v, nil
}

// ParamSet returns the parameters in effect: the shipped values with the
// stored ones over them (policy.Effective).
func (db *DB) ParamSet(ctx context.Context) (*policy.Set, error) {
	stored, err := db.Params(ctx)
	if err != nil {
		return nil, err
	}
	return policy.Effective(stored)
}
