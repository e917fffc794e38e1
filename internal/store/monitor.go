package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
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

// SeedRules stores the rules SafetyNet ships (monitor.DefaultRules) with
// national scope, inactive, as the system user, and returns how many it
// added. A default already stored for region "" is left as it is (people
// may have changed or activated it), so it is safe on every start: a
// fresh store gets them all, an upgraded one the rules a release added.
func (db *DB) SeedRules(ctx context.Context) (int, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Username: casework.System})
	rows, err := db.query(ctx, `SELECT code FROM monitor_rules WHERE region = ''`)
	have, err := collect(rows, err, func(sc scanner) (string, error) {
		var c string
		return c, sc.Scan(&c)
	})
	if err != nil {
		return 0, err
	}
	added := 0
	for _, r := range monitor.DefaultRules() {
		if slices.Contains(have, r.Code) {
			continue
		}
		r.Region, r.Active = "", false
		err := db.SaveRule(ctx, &r)
		if apperr.IsCode(err, apperr.Invalid) && apperr.As(err).Field == "code" {
			continue // stored meanwhile by another process
		}
		if err != nil {
			return added, fmt.Errorf("default rule %s: %w", r.Code, err)
		}
		added++
	}
	return added, nil
}

var _ monitor.PassStore = (*DB)(nil)

// programCategory is the monitored category of a program's recipients.
func programCategory(p string) monitor.Category {
	switch monitor.Category(p) {
	case monitor.CatDibao, monitor.CatTekun, monitor.CatMarginal, monitor.CatRigidExpense:
		return monitor.Category(p)
	}
	return monitor.CatOther
}

// relapseHouseholds selects (hid) the households with a current member on
// the rural revitalisation department's list of persons monitored
// against relapse into poverty (source relapse) whose risk has not been
// eliminated. The stored record holds only the fields given, so a record
// without "eliminated_on" is one still monitored.
const relapseHouseholds = `SELECT m.household_id AS hid FROM verify_records r
	JOIN persons p ON p.id_number_idx = r.person_index
	JOIN members m ON m.person_id = p.id AND m.left_on IS NULL
	WHERE r.source = 'relapse' AND r.current = 1 AND r.data NOT LIKE '%"eliminated_on"%'`

// MonitoredHouseholds implements monitor.PassStore: households with a
// benefit (active or suspended), one that ended within the exited window,
// an application rejected within the rejected window, or a member
// monitored against relapse into poverty.
func (db *DB) MonitoredHouseholds(ctx context.Context, q monitor.PopulationQuery) ([]monitor.Monitored, error) {
	lo, hi := prefixRange(q.Region)
	exited, rejected := "9999-12", "9999-12-31"
	if !q.ExitedSince.IsZero() {
		exited = q.ExitedSince.String()
	}
	if !q.RejectedSince.IsZero() {
		rejected = q.RejectedSince.String()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := db.query(ctx, `SELECT h.id FROM households h WHERE h.region_code >= ? AND h.region_code < ? AND h.id > ? AND (
		EXISTS (SELECT 1 FROM enrollments e WHERE e.household_id = h.id AND (e.status IN ('active', 'suspended') OR e.status = 'ended' AND e.end_month >= ?))
		OR EXISTS (SELECT 1 FROM applications a JOIN decisions d ON d.application_id = a.id
			WHERE a.household_id = h.id AND a.state = 'rejected' AND d.decided_on >= ?)
		OR EXISTS (SELECT 1 FROM (`+relapseHouseholds+`) x WHERE x.hid = h.id))
		ORDER BY h.id LIMIT ?`, lo, hi, q.After, exited, rejected, limit)
	out, err := collect(rows, err, func(sc scanner) (monitor.Monitored, error) {
		var m monitor.Monitored
		return m, sc.Scan(&m.HouseholdID)
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, len(out))
	at := map[int64]int{}
	for i, m := range out {
		ids[i], at[m.HouseholdID] = m.HouseholdID, i
	}
	args, in := inArgs(ids)
	rows, err = db.query(ctx, `SELECT household_id, program, status, COALESCE(end_month, '') FROM enrollments WHERE household_id IN (`+in+`)
		UNION ALL SELECT a.household_id, a.program, 'rejected', CAST(d.decided_on AS TEXT) FROM applications a JOIN decisions d ON d.application_id = a.id
			WHERE a.state = 'rejected' AND a.household_id IN (`+in+`)
		UNION ALL SELECT x.hid, '', 'relapse', '' FROM (`+relapseHouseholds+`) x WHERE x.hid IN (`+in+`) ORDER BY 1, 2`, append(append(args, args...), args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	add := func(list []string, v string) []string {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
		return list
	}
	for rows.Next() {
		var h int64
		var program, status string
		var when string
		if err := rows.Scan(&h, &program, &status, &when); err != nil {
			return nil, err
		}
		m := &out[at[h]]
		switch status {
		case casework.Active, casework.Suspended:
			m.Programs = add(m.Programs, program)
			m.Categories = add(m.Categories, string(programCategory(program)))
		case casework.Ended:
			if !q.ExitedSince.IsZero() && len(when) >= 7 && when[:7] >= q.ExitedSince.String() {
				m.Categories = add(m.Categories, string(monitor.CatExited))
			}
		case "relapse":
			m.Categories = add(m.Categories, string(monitor.CatRelapseRisk))
		case "rejected":
			if d, err := civil.ParseDate(when[:min(10, len(when))]); err == nil && !q.RejectedSince.IsZero() && !d.Before(q.RejectedSince) {
				m.Categories = add(m.Categories, string(monitor.CatRejected))
			}
		}
	}
	return out, rows.Err()
}
