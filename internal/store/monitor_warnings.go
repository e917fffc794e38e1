package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
)

// Warnings (internal/monitor/warning.go): lists, a home visit, the outcome
// that closes one, and the daily escalation of overdue ones.

const warningColumns = `w.id, w.county_code, w.region_code, w.run_id, w.rule_id, w.rule_code, w.household_id, w.person_id, w.severity, w.side,
	w.program, w.action, w.facts, w.raised_on, w.status, w.role, w.task_region, w.due, w.level, w.escalated_role, w.escalated_to,
	w.visited_on, w.visited_by, w.visit_note, w.outcome, w.outcome_note, w.application_id, w.referral_id, w.closed_on, w.closed_by,
	w.version, w.created_at, r.zh, r.en, h.number, p.name`

const warningJoins = ` FROM monitor_warnings w JOIN monitor_rules r ON r.id = w.rule_id JOIN households h ON h.id = w.household_id
	JOIN persons p ON p.id = w.person_id`

func scanWarning(sc scanner) (*monitor.Warning, error) {
	var w monitor.Warning
	var facts, severity, side, program, status, role, erole, outcome string
	var visited, closed civil.Date
	var visitedBy, visitNote string
	var app, ref sql.NullInt64
	var created timestamp
	err := sc.Scan(&w.ID, &w.County, &w.Region, &w.RunID, &w.RuleID, &w.RuleCode, &w.HouseholdID, &w.PersonID, &severity, &side,
		&program, &w.Action, &facts, &w.RaisedOn, &status, &role, &w.TaskRegion, &w.Due, &w.Level, &erole, &w.EscalatedTo,
		&visited, &visitedBy, &visitNote, &outcome, &w.OutcomeNote, &app, &ref, &closed, &w.ClosedBy,
		&w.Version, &created, &w.RuleZH, &w.RuleEN, &w.HouseholdNumber, &w.PersonName)
	if err != nil {
		return nil, err
	}
	w.Facts = []byte(facts)
	w.Severity, w.Side, w.Program = monitor.Severity(severity), monitor.Side(side), policy.Program(program)
	w.Status, w.Role, w.EscalatedRole, w.Outcome = monitor.WarningStatus(status), auth.Role(role), auth.Role(erole), monitor.Outcome(outcome)
	w.ApplicationID, w.ReferralID, w.ClosedOn, w.CreatedAt = app.Int64, ref.Int64, closed, created.Time
	if !visited.IsZero() {
		w.Visit = &monitor.Visit{On: visited, By: visitedBy, Note: visitNote}
	}
	return &w, nil
}

// Warnings lists warnings, newest first.
func (db *DB) Warnings(ctx context.Context, f monitor.WarningFilter) ([]monitor.Warning, error) {
	where, args := warningWhere(f)
	before := f.Before
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := db.query(ctx, `SELECT `+warningColumns+warningJoins+` WHERE `+where+` AND w.id < ? ORDER BY w.id DESC LIMIT ?`,
		append(args, before, limit(f.Limit, 50, 500))...)
	return collect(rows, err, func(sc scanner) (monitor.Warning, error) {
		w, err := scanWarning(sc)
		if err != nil {
			return monitor.Warning{}, err
		}
		return *w, nil
	})
}

// CountWarnings counts the warnings Warnings would list without paging.
func (db *DB) CountWarnings(ctx context.Context, f monitor.WarningFilter) (int64, error) {
	where, args := warningWhere(f)
	var n int64
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM monitor_warnings w WHERE `+where, args...).Scan(&n)
	return n, err
}

// warningWhere is the condition of a filter on monitor_warnings w.
func warningWhere(f monitor.WarningFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Region != "" {
		lo, hi := prefixRange(f.Region)
		conds = append(conds, "w.region_code >= ? AND w.region_code < ?")
		args = append(args, lo, hi)
	}
	if f.HeldBy != "" {
		lo, hi := prefixRange(f.HeldIn)
		conds = append(conds, `(w.escalated_role = '' AND w.role = ? AND w.task_region >= ? AND w.task_region < ?
			OR w.escalated_role = ? AND w.escalated_to >= ? AND w.escalated_to < ?)`)
		args = append(args, string(f.HeldBy), lo, hi, string(f.HeldBy), lo, hi)
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "w.status IN ("+placeholders(len(f.Statuses))+")")
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	if f.RuleCode != "" {
		conds = append(conds, "w.rule_code = ?")
		args = append(args, f.RuleCode)
	}
	if f.Household != 0 {
		conds = append(conds, "w.household_id = ?")
		args = append(args, f.Household)
	}
	if f.RunID != 0 {
		conds = append(conds, "w.run_id = ?")
		args = append(args, f.RunID)
	}
	if !f.OverdueOn.IsZero() {
		conds = append(conds, "w.status <> 'closed' AND w.due < ?")
		args = append(args, f.OverdueOn)
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// Warning returns one warning. Errors: NotFound.
func (db *DB) Warning(ctx context.Context, id int64) (*monitor.Warning, error) {
	return warningBy(ctx, db.queryRow, id)
}

func warningBy(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, id int64) (*monitor.Warning, error) {
	w, err := scanWarning(queryRow(ctx, `SELECT `+warningColumns+warningJoins+` WHERE w.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no warning %d", id)
	}
	return w, err
}

// staleWarning is the answer to a change made on an old read.
func staleWarning(w *monitor.Warning, read int) error {
	return apperr.Errorf(apperr.Conflict, "the warning was changed by someone else (version %d, you read %d): reload it", w.Version, read)
}

// RecordVisit records the home visit of a warning, by the actor of ctx.
// Errors: NotFound; Conflict (a stale version, a closed warning); Invalid
// (VisitInput.Validate).
func (db *DB) RecordVisit(ctx context.Context, id int64, v monitor.VisitInput, today civil.Date) (*monitor.Warning, error) {
	var out *monitor.Warning
	err := db.transact(ctx, func(t *Tx) error {
		w, err := warningBy(ctx, t.queryRow, id)
		if err != nil {
			return err
		}
		if w.Version != v.Version {
			return staleWarning(w, v.Version)
		}
		if err := v.Validate(w, today); err != nil {
			return err
		}
		before := *w
		by := audit.ActorFrom(ctx).Username
		w.Visit, w.Status, w.Version = &monitor.Visit{On: v.On, By: by, Note: v.Note}, monitor.WarningVisited, w.Version+1
		if _, err := t.exec(ctx, `UPDATE monitor_warnings SET visited_on = ?, visited_by = ?, visit_note = ?, status = ?, version = ? WHERE id = ?`,
			v.On, by, v.Note, string(w.Status), w.Version, w.ID); err != nil {
			return err
		}
		out = w
		return t.audit(ctx, "warning", w.ID, w.Region, "visit", warningAudit(&before), warningAudit(w))
	})
	return out, err
}

// CloseWarning settles a warning with an outcome on today, by the actor
// of ctx. An application or review named must be the household's and
// filed no earlier than the warning; a referral, the household's.
// Errors: NotFound; Conflict; Invalid (CloseInput.Validate, a link that
// does not fit).
func (db *DB) CloseWarning(ctx context.Context, id int64, c monitor.CloseInput, today civil.Date) (*monitor.Warning, error) {
	var out *monitor.Warning
	err := db.transact(ctx, func(t *Tx) error {
		w, err := warningBy(ctx, t.queryRow, id)
		if err != nil {
			return err
		}
		if w.Version != c.Version {
			return staleWarning(w, c.Version)
		}
		if err := c.Validate(w); err != nil {
			return err
		}
		if err := t.checkWarningLinks(ctx, w, &c); err != nil {
			return err
		}
		before := *w
		w.Status, w.Outcome, w.OutcomeNote, w.ApplicationID, w.ReferralID = monitor.WarningClosed, c.Outcome, c.Note, c.ApplicationID, c.ReferralID
		w.ClosedOn, w.ClosedBy, w.Version = today, audit.ActorFrom(ctx).Username, w.Version+1
		if _, err := t.exec(ctx, `UPDATE monitor_warnings SET status = ?, outcome = ?, outcome_note = ?, application_id = ?, referral_id = ?,
			closed_on = ?, closed_by = ?, version = ? WHERE id = ?`, string(w.Status), string(w.Outcome), w.OutcomeNote, nullInt(w.ApplicationID),
			nullInt(w.ReferralID), today, w.ClosedBy, w.Version, w.ID); err != nil {
			return err
		}
		out = w
		return t.audit(ctx, "warning", w.ID, w.Region, "close", warningAudit(&before), warningAudit(w))
	})
	return out, err
}

// checkWarningLinks checks the application or referral an outcome names.
func (t *Tx) checkWarningLinks(ctx context.Context, w *monitor.Warning, c *monitor.CloseInput) error {
	switch {
	case c.ApplicationID != 0:
		var household int64
		var review bool
		var filed civil.Date
		err := t.queryRow(ctx, `SELECT household_id, filed_on, enrollment_id IS NOT NULL FROM applications WHERE id = ?`, c.ApplicationID).
			Scan(&household, &filed, &review)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && household != w.HouseholdID:
			return apperr.Fieldf("application_id", "application %d is not one of household %s's", c.ApplicationID, w.HouseholdNumber)
		case err != nil:
			return err
		case filed.Before(w.RaisedOn):
			return apperr.Fieldf("application_id", "application %d was filed on %s, before the warning (%s): name the one it started",
				c.ApplicationID, filed.String(), w.RaisedOn.String())
		case c.Outcome == monitor.OutcomeReview && !review:
			return apperr.Fieldf("application_id", "application %d is not a review of a benefit", c.ApplicationID)
		case c.Outcome == monitor.OutcomeApplication && review:
			return apperr.Fieldf("application_id", "application %d is a review: choose the outcome \"review started\"", c.ApplicationID)
		}
	case c.ReferralID != 0:
		var household int64
		err := t.queryRow(ctx, `SELECT household_id FROM referrals WHERE id = ?`, c.ReferralID).Scan(&household)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && household != w.HouseholdID:
			return apperr.Fieldf("referral_id", "referral %d is not one of household %s's", c.ReferralID, w.HouseholdNumber)
		case err != nil:
			return err
		}
	}
	return nil
}

// warningAudit is what the audit trail keeps of a warning's handling.
func warningAudit(w *monitor.Warning) map[string]any {
	m := map[string]any{"status": w.Status, "outcome": w.Outcome, "outcome_note": w.OutcomeNote, "version": w.Version,
		"application_id": w.ApplicationID, "referral_id": w.ReferralID}
	if w.Visit != nil {
		m["visited_on"], m["visit_note"] = w.Visit.On, w.Visit.Note
	}
	return m
}

// EscalateOverdueWarnings moves every warning open past its due day on
// today, and not yet moved today, one level up (casework.NextLevel): the
// township's to the county approver, the county's to the city. It
// returns the number moved.
func (db *DB) EscalateOverdueWarnings(ctx context.Context, today civil.Date) (int, error) {
	moved := 0
	err := db.transact(ctx, func(t *Tx) error {
		var err error
		moved, err = escalateOverdue(ctx, t, "monitor_warnings", today,
			`SELECT id, role, task_region, escalated_role, escalated_to, level, region_code FROM monitor_warnings
			WHERE status <> 'closed' AND due < ? AND (escalated_on IS NULL OR escalated_on < ?)`, []any{today, today},
			func(region *string) []any { return []any{region} },
			func(e escalation, region string) error {
				return t.audit(ctx, "warning", e.id, region, "escalate", map[string]any{"held_by": e.fromRole + "@" + e.from},
					map[string]any{"role": e.role, "region": e.to, "level": e.level})
			})
		return err
	})
	return moved, err
}

// WarningCount is one row of the warnings' statistics.
type WarningCount struct {
	// Key is the child region code, or the rule code.
	Key     string `json:"key"`
	Total   int64  `json:"total"`
	Open    int64  `json:"open"`
	Visited int64  `json:"visited"`
	Closed  int64  `json:"closed"`
	// OnTime counts the warnings closed by their due day; Overdue those
	// open past it on the day of the statistics.
	OnTime  int64 `json:"on_time"`
	Overdue int64 `json:"overdue"`
}

// WarningStats counts the warnings raised in [from, to] about households
// in region, by child region (byRule false: the next level of division
// codes) or by rule, as of today.
func (db *DB) WarningStats(ctx context.Context, region string, from, to, today civil.Date, byRule bool) ([]WarningCount, error) {
	key := "rule_code"
	if !byRule {
		key = fmt.Sprintf("SUBSTR(region_code, 1, %d)", monitor.ChildLen(region))
	}
	lo, hi := prefixRange(region)
	rows, err := db.query(ctx, `SELECT `+key+`, COUNT(*),
		SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'visited' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'closed' AND closed_on <= due THEN 1 ELSE 0 END),
		SUM(CASE WHEN status <> 'closed' AND due < ? THEN 1 ELSE 0 END)
		FROM monitor_warnings WHERE region_code >= ? AND region_code < ? AND raised_on >= ? AND raised_on <= ?
		GROUP BY 1 ORDER BY 1`, today, lo, hi, from, to)
	return collect(rows, err, func(sc scanner) (WarningCount, error) {
		var c WarningCount
		return c, sc.Scan(&c.Key, &c.Total, &c.Open, &c.Visited, &c.Closed, &c.OnTime, &c.Overdue)
	})
}
