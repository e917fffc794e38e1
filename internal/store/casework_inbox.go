package store

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Applications implements casework.Store.
func (db *DB) Applications(ctx context.Context, scope registry.Scope, f casework.Filter) ([]casework.Summary, error) {
	where := []string{inScope}
	args := appScopeArgs(scope)
	if f.Region != "" {
		lo, hi := prefixRange(f.Region)
		where, args = append(where, "a.region_code >= ? AND a.region_code < ?"), append(args, lo, hi)
	}
	if f.Program != "" {
		where, args = append(where, "a.program = ?"), append(args, string(f.Program))
	}
	if f.State != "" {
		where, args = append(where, "a.state = ?"), append(args, string(f.State))
	}
	if f.Open {
		where = append(where, "a.state NOT IN ('approved', 'rejected', 'withdrawn')")
	}
	if f.HouseholdID != 0 {
		where, args = append(where, "a.household_id = ?"), append(args, f.HouseholdID)
	}
	if f.NoReviews {
		where = append(where, "a.enrollment_id IS NULL")
	}
	if f.ApplicantID != 0 {
		where, args = append(where, "a.applicant_id = ?"), append(args, f.ApplicantID)
	}
	if f.Before > 0 {
		where, args = append(where, "a.id < ?"), append(args, f.Before)
	}
	args = append(args, limit(f.Limit, 50, 500))
	rows, err := db.query(ctx, `SELECT a.id, a.program, a.kind, a.state, a.household_id, h.number, p.name, a.region_code,
		a.filed_in, a.filed_on, a.due, a.near_relative
		FROM applications a JOIN households h ON h.id = a.household_id JOIN persons p ON p.id = a.applicant_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY a.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("Applications: %w", err)
	}
	defer rows.Close()
	var out []casework.Summary
	for rows.Next() {
		var s casework.Summary
		var program, state string
		if err := rows.Scan(&s.ID, &program, &s.Kind, &state, &s.HouseholdID, &s.HouseholdNo, &s.ApplicantName, &s.Region,
			&s.FiledIn, &s.FiledOn, &s.Due, &s.NearRelative); err != nil {
			return nil, fmt.Errorf("Applications: %w", err)
		}
		s.Program, s.State = policy.Program(program), casework.State(state)
		out = append(out, s)
	}
	return out, rows.Err()
}

// farFuture sorts tasks without a due date after every dated one.
var farFuture = civil.D(9999, 12, 31)

// Inbox implements casework.Store: a role's own open tasks in its
// jurisdiction and those escalated to it, by due date then id.
func (db *DB) Inbox(ctx context.Context, q casework.InboxQuery) ([]casework.InboxItem, error) {
	lo, hi := prefixRange(q.Region)
	after := q.AfterDue
	if after.IsZero() {
		after = civil.D(1, 1, 1)
	}
	// The union of two index scans (tasks_open, tasks_escalated), each in
	// due order; COALESCE puts undated tasks last.
	rows, err := db.query(ctx, `SELECT `+taskColumns+`, a.program, a.kind, a.state, a.household_id, h.number, p.name, a.region_code, x.escalated
		FROM (SELECT id, 0 AS escalated FROM tasks WHERE done_at IS NULL AND role = ? AND region_code >= ? AND region_code < ?
		      UNION ALL
		      SELECT id, 1 FROM tasks WHERE done_at IS NULL AND level > 0 AND escalated_role = ? AND escalated_to >= ? AND escalated_to < ?) x
		JOIN tasks t ON t.id = x.id
		JOIN applications a ON a.id = t.application_id
		JOIN households h ON h.id = a.household_id
		JOIN persons p ON p.id = a.applicant_id
		WHERE (COALESCE(t.due, ?) > ? OR (COALESCE(t.due, ?) = ? AND t.id > ?))
		ORDER BY COALESCE(t.due, ?), t.id LIMIT ?`,
		q.Role, lo, hi, q.Role, lo, hi, farFuture, after, farFuture, after, q.AfterID, farFuture, limit(q.Limit, 100, 500))
	if err != nil {
		return nil, fmt.Errorf("Inbox: %w", err)
	}
	defer rows.Close()
	var out []casework.InboxItem
	for rows.Next() {
		var it casework.InboxItem
		var program, state string
		var escalated int
		k, err := scanTask(rows, &program, &it.Kind, &state, &it.HouseholdID, &it.HouseholdNo, &it.ApplicantName, &it.AppRegion, &escalated)
		if err != nil {
			return nil, fmt.Errorf("Inbox: %w", err)
		}
		it.Task, it.Program, it.State, it.Escalated = k, policy.Program(program), casework.State(state), escalated == 1
		out = append(out, it)
	}
	return out, rows.Err()
}

// EscalateOverdue implements casework.Store.
func (db *DB) EscalateOverdue(ctx context.Context, today civil.Date) (int, error) {
	type task struct {
		county string
		app    int64
	}
	moved := 0
	err := db.transact(ctx, func(t *Tx) error {
		var err error
		moved, err = escalateOverdue(ctx, t, "tasks", today,
			`SELECT id, role, region_code, escalated_role, escalated_to, level, county_code, application_id FROM tasks
			WHERE done_at IS NULL AND due < ? AND (escalated_on IS NULL OR escalated_on < ?)`, []any{today, today},
			func(x *task) []any { return []any{&x.county, &x.app} },
			func(e escalation, x task) error {
				return t.audit(ctx, "task", e.id, x.county, "escalate",
					map[string]any{"role": e.fromRole, "region": e.from},
					map[string]any{"role": e.role, "region": e.to, "level": e.level, "application_id": x.app})
			})
		return err
	})
	return moved, err
}
