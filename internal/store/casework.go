package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

var _ casework.Store = (*DB)(nil)

// inScope is the condition that an application lies in a scope: the region
// that handles it, or the one that filed it (cross-region hand-over: both
// see it). It takes four arguments: appScopeArgs.
const inScope = `((a.region_code >= ? AND a.region_code < ?) OR (a.filed_in >= ? AND a.filed_in < ?))`

func appScopeArgs(scope registry.Scope) []any {
	lo, hi := prefixRange(scope.Region)
	return []any{lo, hi, lo, hi}
}

const applicationColumns = "a.id, a.detail, a.state, a.version, a.due, a.entered_on"

func scanApplication(sc interface{ Scan(...any) error }) (*casework.Application, error) {
	var a casework.Application
	var id int64
	var detail string
	var state string
	var version int
	var due, entered civil.Date
	if err := sc.Scan(&id, &detail, &state, &version, &due, &entered); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(detail), &a); err != nil {
		return nil, fmt.Errorf("application %d: %w", id, err)
	}
	// The columns are the truth for what queries filter on.
	a.ID, a.State, a.Version, a.Due, a.EnteredOn = id, casework.State(state), version, due, entered
	return &a, nil
}

func (db *DB) application(ctx context.Context, qr querier, scope registry.Scope, id int64) (*casework.Application, error) {
	a, err := scanApplication(qr.queryRow(ctx, "SELECT "+applicationColumns+" FROM applications a WHERE a.id = ? AND "+inScope,
		append([]any{id}, appScopeArgs(scope)...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("application", id)
	}
	return a, err
}

// Application implements casework.Store.
func (db *DB) Application(ctx context.Context, scope registry.Scope, id int64) (*casework.Application, error) {
	return db.application(ctx, db, scope, id)
}

// CreateApplication implements casework.Store.
func (db *DB) CreateApplication(ctx context.Context, scope registry.Scope, c *casework.Change) error {
	return db.transact(ctx, func(t *Tx) error {
		a := &c.App
		h, err := db.household(ctx, t, registry.Scope{Region: scope.Region}, a.HouseholdID)
		if err != nil && apperr.IsCode(err, apperr.NotFound) && a.FiledIn != "" && a.FiledIn != scope.Region {
			// A cross-region filing: the household is the other county's.
			h, err = db.household(ctx, t, registry.Scope{Region: a.Region[:6]}, a.HouseholdID)
		}
		if err != nil {
			return err
		}
		member := false
		for _, m := range h.Members {
			if m.Person.ID == a.ApplicantID {
				member = true
			}
		}
		if !member {
			return apperr.Fieldf("applicant_id", "the applicant must be a current member of household %s", h.Number)
		}
		var open int64
		err = t.queryRow(ctx, `SELECT id FROM applications WHERE household_id = ? AND program = ?
			AND state NOT IN ('approved', 'rejected', 'withdrawn')`, a.HouseholdID, string(a.Program)).Scan(&open)
		if err == nil {
			return apperr.Errorf(apperr.Conflict, "household %s already has an open %s application (no. %d)", h.Number, a.Program, open)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		a.CreatedAt, a.UpdatedAt = now, now
		detail, err := json.Marshal(a)
		if err != nil {
			return err
		}
		var enrollment any // NULL for an application
		if a.EnrollmentID != 0 {
			enrollment = a.EnrollmentID
		}
		a.ID, err = t.insertID(ctx, `INSERT INTO applications (county_code, region_code, filed_in, household_id, applicant_id,
			program, kind, channel, state, entered_on, filed_on, accepted_on, due, notice_from, notice_to, near_relative,
			detail, version, created_by, created_at, updated_at, enrollment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.County, a.Region, a.FiledIn, a.HouseholdID, a.ApplicantID, string(a.Program), a.Kind, string(a.Channel), string(a.State),
			a.EnteredOn, a.FiledOn, a.AcceptedOn, a.Due, a.NoticeFrom, a.NoticeTo, a.NearRelative != nil,
			string(detail), a.Version, a.CreatedBy, now, now, enrollment)
		if err != nil {
			return fmt.Errorf("insert application: %w", err)
		}
		c.Event.ApplicationID = a.ID
		for i := range c.Tasks {
			c.Tasks[i].ApplicationID = a.ID
		}
		if err := t.writeChange(ctx, c, nil, now); err != nil {
			return err
		}
		after := map[string]any{"program": a.Program, "kind": a.Kind, "household_id": a.HouseholdID, "applicant_id": a.ApplicantID,
			"channel": a.Channel, "region": a.Region, "filed_in": a.FiledIn, "state": a.State}
		if a.NearRelative != nil {
			// 单独登记备案: the separate register is the audit trail's
			// entry of its own, besides the flag on the application.
			after["near_relative"] = a.NearRelative
			if err := t.audit(ctx, "near_relative_filing", a.ID, a.County, "create", nil, a.NearRelative); err != nil {
				return err
			}
		}
		if a.FiledIn[:min(6, len(a.FiledIn))] != a.County {
			after["handed_over_to"] = a.County
		}
		return t.audit(ctx, "application", a.ID, a.County, "create", nil, after)
	})
}

// Act implements casework.Store.
func (db *DB) Act(ctx context.Context, scope registry.Scope, id int64, version int, fn func(casework.Application) (*casework.Change, error)) (*casework.Change, error) {
	var out *casework.Change
	err := db.transact(ctx, func(t *Tx) error {
		a, err := db.application(ctx, t, scope, id)
		if err != nil {
			return err
		}
		if a.Version != version {
			return apperr.Errorf(apperr.Conflict, "application %d was changed by someone else since you opened it (version %d, yours %d): reload it and try again", id, a.Version, version)
		}
		c, err := fn(*a)
		if err != nil {
			return err
		}
		n := &c.App
		n.Version = a.Version + 1
		now := db.now().UTC().Truncate(time.Microsecond)
		n.UpdatedAt = now
		detail, err := json.Marshal(n)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, `UPDATE applications SET state = ?, entered_on = ?, accepted_on = ?, due = ?, notice_from = ?,
			notice_to = ?, detail = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			string(n.State), n.EnteredOn, n.AcceptedOn, n.Due, n.NoticeFrom, n.NoticeTo, string(detail), n.Version, now, id, a.Version)
		if err != nil {
			return fmt.Errorf("update application: %w", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return apperr.Errorf(apperr.Conflict, "application %d was changed by someone else at the same time: reload it and try again", id)
		}
		open, err := tasksOf(ctx, t, id, true)
		if err != nil {
			return err
		}
		if err := t.writeChange(ctx, c, open, now); err != nil {
			return err
		}
		before := map[string]any{"state": a.State, "version": a.Version}
		after := map[string]any{"state": n.State, "version": n.Version, "event": json.RawMessage(c.Event.Data)}
		if c.Decision != nil {
			after["decision"] = map[string]any{"approved": c.Decision.Approved, "amount": c.Decision.Amount, "start_month": c.Decision.StartMonth}
		}
		out = c
		return t.audit(ctx, "application", id, n.County, string(c.Event.Action), before, after)
	})
	return out, err
}

// writeChange writes an action's event, reconciles the tasks with those
// open before, and stores the decision (and for an approval the
// enrollment).
func (t *Tx) writeChange(ctx context.Context, c *casework.Change, open []casework.Task, now time.Time) error {
	a := &c.App
	e := &c.Event
	e.ApplicationID, e.At = a.ID, now
	data := e.Data
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	var err error
	e.ID, err = t.insertID(ctx, `INSERT INTO application_events (county_code, application_id, action, from_state, to_state,
		by_user, by_user_id, at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.County, a.ID, string(e.Action), string(e.From), string(e.To), e.By, e.ByUserID, now, string(data))
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	if a.State == casework.Notice && e.From != casework.Notice {
		// A new notice: kept apart, so that a notice replaced after an
		// objection can still be printed for its own days.
		if _, err := t.exec(ctx, `INSERT INTO notice_periods (county_code, application_id, region_code, notice_no, notice_from,
			notice_to, proposed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.County, a.ID, a.Region, a.Notices, a.NoticeFrom, a.NoticeTo, int64(a.Proposed), now); err != nil {
			return fmt.Errorf("insert notice period: %w", err)
		}
	}
	keep, closed, add := casework.Reconcile(open, c.Tasks)
	for _, k := range keep {
		if _, err := t.exec(ctx, "UPDATE tasks SET due = ?, provisional = ? WHERE id = ?", k.Due, k.Provisional, k.ID); err != nil {
			return fmt.Errorf("update task: %w", err)
		}
	}
	for _, id := range closed {
		if _, err := t.exec(ctx, "UPDATE tasks SET done_at = ?, done_by = ? WHERE id = ?", now, e.By, id); err != nil {
			return fmt.Errorf("close task: %w", err)
		}
	}
	c.Tasks = keep
	for _, k := range add {
		k.ApplicationID, k.County, k.CreatedAt = a.ID, a.County, now
		k.ID, err = t.insertID(ctx, `INSERT INTO tasks (county_code, application_id, step, role, region_code, due, provisional, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.County, a.ID, k.Step, string(k.Role), k.Region, k.Due, k.Provisional, now)
		if err != nil {
			return fmt.Errorf("insert task: %w", err)
		}
		c.Tasks = append(c.Tasks, k)
	}
	d := c.Decision
	if d == nil {
		return nil
	}
	var enrollment any
	if d.EnrollmentID != 0 {
		enrollment = d.EnrollmentID
	}
	d.ID, err = t.insertID(ctx, `INSERT INTO decisions (county_code, application_id, household_id, program, kind, approved, amount,
		start_month, end_month, verdict, explanation, reasons, decided_by, decided_on, created_at, outcome, enrollment_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.County, a.ID, a.HouseholdID, string(a.Program), a.Kind, d.Approved, int64(d.Amount), d.StartMonth, d.EndMonth,
		d.Verdict, string(d.Explanation), d.Reasons, d.DecidedBy, d.DecidedOn, now, d.Outcome, enrollment)
	if err != nil {
		return fmt.Errorf("insert decision: %w", err)
	}
	switch {
	case !d.Approved:
		return nil
	case a.Purpose == casework.PurposeReview:
		return t.applyReview(ctx, a, d, now)
	}
	_, err = t.insertEnrollment(ctx, &casework.Enrollment{HouseholdID: a.HouseholdID, County: a.County, Region: a.Region,
		Program: a.Program, Kind: a.Kind, DecisionID: d.ID, Amount: d.Amount, StartMonth: d.StartMonth, EndMonth: d.EndMonth,
		Status: casework.Active, NextReview: d.NextReview}, now)
	return err
}

const taskColumns = "t.id, t.application_id, t.step, t.role, t.region_code, t.county_code, t.due, t.provisional, t.level, t.created_at, t.done_at, t.done_by"

func scanTask(sc interface{ Scan(...any) error }, extra ...any) (casework.Task, error) {
	var k casework.Task
	var role string
	var created, done timestamp
	err := sc.Scan(append([]any{&k.ID, &k.ApplicationID, &k.Step, &role, &k.Region, &k.County, &k.Due, &k.Provisional, &k.Level,
		&created, &done, &k.DoneBy}, extra...)...)
	k.Role, k.CreatedAt, k.DoneAt = auth.Role(role), created.Time, done.Time
	return k, err
}

// tasksOf lists an application's tasks in order: all, or the open ones.
func tasksOf(ctx context.Context, qr querier, appID int64, openOnly bool) ([]casework.Task, error) {
	q := "SELECT " + taskColumns + " FROM tasks t WHERE t.application_id = ?"
	if openOnly {
		q += " AND t.done_at IS NULL"
	}
	rows, err := qr.query(ctx, q+" ORDER BY t.id", appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.Task
	for rows.Next() {
		k, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Tasks implements casework.Store.
func (db *DB) Tasks(ctx context.Context, scope registry.Scope, id int64) ([]casework.Task, error) {
	if _, err := db.Application(ctx, scope, id); err != nil {
		return nil, err
	}
	return tasksOf(ctx, db, id, false)
}

// Events implements casework.Store.
func (db *DB) Events(ctx context.Context, scope registry.Scope, id int64) ([]casework.Event, error) {
	if _, err := db.Application(ctx, scope, id); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT id, application_id, action, from_state, to_state, by_user, by_user_id, at, data
		FROM application_events WHERE application_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.Event
	for rows.Next() {
		var e casework.Event
		var action, from, to, data string
		var at timestamp
		if err := rows.Scan(&e.ID, &e.ApplicationID, &action, &from, &to, &e.By, &e.ByUserID, &at, &data); err != nil {
			return nil, err
		}
		e.Action, e.From, e.To, e.At, e.Data = casework.Action(action), casework.State(from), casework.State(to), at.Time, json.RawMessage(data)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Decision implements casework.Store.
func (db *DB) Decision(ctx context.Context, scope registry.Scope, id int64) (*casework.Decision, error) {
	a, err := db.Application(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	var d casework.Decision
	var amount int64
	var explanation string
	var enrollment sql.NullInt64 // a review's
	err = db.queryRow(ctx, `SELECT id, application_id, household_id, county_code, kind, approved, amount, start_month, end_month,
		verdict, explanation, reasons, decided_by, decided_on, outcome, enrollment_id FROM decisions WHERE application_id = ?`, id).Scan(
		&d.ID, &d.ApplicationID, &d.HouseholdID, &d.County, &d.Kind, &d.Approved, &amount, &d.StartMonth, &d.EndMonth,
		&d.Verdict, &explanation, &d.Reasons, &d.DecidedBy, &d.DecidedOn, &d.Outcome, &enrollment)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "application %d has no decision yet", id)
	}
	if err != nil {
		return nil, err
	}
	d.Program, d.Amount, d.EnrollmentID = a.Program, money.Fen(amount), enrollment.Int64
	if explanation != "" {
		d.Explanation = json.RawMessage(explanation)
	}
	return &d, nil
}
