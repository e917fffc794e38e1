package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
)

var _ monitor.Store = (*DB)(nil)

const ruleColumns = `id, code, region, zh, en, expression, severity, side, program, action, source, active, version`

func scanRule(sc interface{ Scan(...any) error }) (monitor.Rule, error) {
	var r monitor.Rule
	var active int64
	var sev, side, prog string
	err := sc.Scan(&r.ID, &r.Code, &r.Region, &r.ZH, &r.EN, &r.Expression, &sev, &side, &prog, &r.Action, &r.Source, &active, &r.Version)
	r.Severity, r.Side, r.Program, r.Active = monitor.Severity(sev), monitor.Side(side), policy.Program(prog), active != 0
	return r, err
}

// Rules implements monitor.Store.
func (db *DB) Rules(ctx context.Context, f monitor.RuleFilter) ([]monitor.Rule, error) {
	rows, err := db.query(ctx, `SELECT `+ruleColumns+` FROM monitor_rules ORDER BY code, region`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []monitor.Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		// Rules are few: the scope test is plain Go.
		if f.Region != "" && !strings.HasPrefix(f.Region, r.Region) && !strings.HasPrefix(r.Region, f.Region) {
			continue
		}
		if f.Active != nil && r.Active != *f.Active {
			continue
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Rule implements monitor.Store.
func (db *DB) Rule(ctx context.Context, id int64) (*monitor.Rule, error) {
	r, err := scanRule(db.queryRow(ctx, `SELECT `+ruleColumns+` FROM monitor_rules WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no risk rule %d", id)
	}
	return &r, err
}

// SaveRule implements monitor.Store.
func (db *DB) SaveRule(ctx context.Context, r *monitor.Rule) error {
	if _, err := r.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		now, by := db.now().UTC().Truncate(time.Microsecond), audit.ActorFrom(ctx).Username
		if r.ID == 0 {
			r.Version = 1
			var err error
			r.ID, err = t.insertID(ctx, `INSERT INTO monitor_rules (code, region, zh, en, expression, severity, side, program, action, source, active,
				version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.Code, r.Region, r.ZH, r.EN, r.Expression, string(r.Severity), string(r.Side), string(r.Program), r.Action, r.Source, boolInt(r.Active),
				r.Version, by, now)
			if _, dup := isUniqueViolation(err); dup {
				return apperr.Fieldf("code", "rule %s exists already for region %q", r.Code, r.Region)
			}
			if err != nil {
				return err
			}
			return t.audit(ctx, "monitor_rule", r.ID, r.Region, "create", nil, r)
		}
		before, err := scanRule(t.queryRow(ctx, `SELECT `+ruleColumns+` FROM monitor_rules WHERE id = ?`, r.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "no risk rule %d", r.ID)
		}
		if err != nil {
			return err
		}
		if before.Version != r.Version {
			e := apperr.Errorf(apperr.Conflict, "the rule was changed by someone else (version %d, you read %d): reload it", before.Version, r.Version)
			e.Field = "version"
			return e
		}
		r.Version++
		if _, err := t.exec(ctx, `UPDATE monitor_rules SET code = ?, region = ?, zh = ?, en = ?, expression = ?, severity = ?, side = ?, program = ?,
			action = ?, source = ?, active = ?, version = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
			r.Code, r.Region, r.ZH, r.EN, r.Expression, string(r.Severity), string(r.Side), string(r.Program), r.Action, r.Source, boolInt(r.Active),
			r.Version, by, now, r.ID); err != nil {
			if _, dup := isUniqueViolation(err); dup {
				return apperr.Fieldf("code", "rule %s exists already for region %q", r.Code, r.Region)
			}
			return err
		}
		return t.audit(ctx, "monitor_rule", r.ID, r.Region, "update", before, *r)
	})
}
