package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

var _ casework.EnrollmentStore = (*DB)(nil)

const enrollmentColumns = `e.id, e.household_id, e.county_code, e.region_code, e.program, e.kind, e.decision_id, e.amount,
	e.start_month, e.end_month, e.status, e.exit_start, e.next_review, e.refusals, e.version`

func scanEnrollment(sc interface{ Scan(...any) error }) (*casework.Enrollment, error) {
	var e casework.Enrollment
	var program, refusals string
	var amount int64
	if err := sc.Scan(&e.ID, &e.HouseholdID, &e.County, &e.Region, &program, &e.Kind, &e.DecisionID, &amount,
		&e.StartMonth, &e.EndMonth, &e.Status, &e.ExitStart, &e.NextReview, &refusals, &e.Version); err != nil {
		return nil, err
	}
	e.Program, e.Amount = policy.Program(program), money.Fen(amount)
	if refusals != "" && refusals != "{}" {
		if err := json.Unmarshal([]byte(refusals), &e.Refusals); err != nil {
			return nil, fmt.Errorf("enrollment %d refusals: %w", e.ID, err)
		}
	}
	return &e, nil
}

func (t *Tx) insertEnrollment(ctx context.Context, e *casework.Enrollment, now time.Time) (int64, error) {
	refusals, _ := json.Marshal(e.Refusals)
	if e.Refusals == nil {
		refusals = []byte("{}")
	}
	id, err := t.insertID(ctx, `INSERT INTO enrollments (county_code, region_code, household_id, program, kind, decision_id, amount,
		start_month, end_month, status, exit_start, next_review, refusals, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		e.County, e.Region, e.HouseholdID, string(e.Program), e.Kind, e.DecisionID, int64(e.Amount), e.StartMonth, e.EndMonth,
		e.Status, e.ExitStart, e.NextReview, string(refusals), now, now)
	if err != nil {
		return 0, fmt.Errorf("insert enrollment: %w", err)
	}
	e.ID, e.Version = id, 1
	return id, nil
}

func (db *DB) enrollment(ctx context.Context, qr querier, scope registry.Scope, id int64) (*casework.Enrollment, error) {
	lo, hi := prefixRange(scope.Region)
	e, err := scanEnrollment(qr.queryRow(ctx, "SELECT "+enrollmentColumns+
		" FROM enrollments e WHERE e.id = ? AND e.region_code >= ? AND e.region_code < ?", id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("enrollment", id)
	}
	return e, err
}

// Enrollment implements casework.EnrollmentStore.
func (db *DB) Enrollment(ctx context.Context, scope registry.Scope, id int64) (*casework.Enrollment, error) {
	return db.enrollment(ctx, db, scope, id)
}

// Enrollments implements casework.EnrollmentStore: a household's
// enrollments, the latest first.
func (db *DB) Enrollments(ctx context.Context, scope registry.Scope, householdID int64) ([]casework.Enrollment, error) {
	lo, hi := prefixRange(scope.Region)
	rows, err := db.query(ctx, "SELECT "+enrollmentColumns+
		" FROM enrollments e WHERE e.household_id = ? AND e.region_code >= ? AND e.region_code < ? ORDER BY e.id DESC", householdID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("Enrollments: %w", err)
	}
	defer rows.Close()
	var out []casework.Enrollment
	for rows.Next() {
		e, err := scanEnrollment(rows)
		if err != nil {
			return nil, fmt.Errorf("Enrollments: %w", err)
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// DueReviews implements casework.EnrollmentStore. A review filed on or
// after the due date counts as that date's review even when it closed
// without a change (rejected, withdrawn), so it is not opened again every
// day; the next one is scheduled by the next confirmed review.
func (db *DB) DueReviews(ctx context.Context, today civil.Date, afterID int64, limit int) ([]casework.Enrollment, error) {
	rows, err := db.query(ctx, "SELECT "+enrollmentColumns+` FROM enrollments e
		WHERE e.status IN ('active', 'suspended') AND e.next_review <= ? AND e.id > ?
		AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.enrollment_id = e.id
			AND (a.state NOT IN ('approved', 'rejected', 'withdrawn') OR a.filed_on >= e.next_review))
		ORDER BY e.id LIMIT ?`, today, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("DueReviews: %w", err)
	}
	defer rows.Close()
	var out []casework.Enrollment
	for rows.Next() {
		e, err := scanEnrollment(rows)
		if err != nil {
			return nil, fmt.Errorf("DueReviews: %w", err)
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// RecordRefusal implements casework.EnrollmentStore.
func (db *DB) RecordRefusal(ctx context.Context, scope registry.Scope, id, person int64, refused bool, note string, env *casework.Env) (int, bool, error) {
	var count int
	var reached bool
	err := db.transact(ctx, func(t *Tx) error {
		e, err := db.enrollment(ctx, t, scope, id)
		if err != nil {
			return err
		}
		if e.Status != casework.Active && e.Status != casework.Suspended {
			return apperr.Errorf(apperr.Conflict, "enrollment %d is %s", id, e.Status)
		}
		var member int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM members WHERE household_id = ? AND person_id = ? AND left_on IS NULL",
			e.HouseholdID, person).Scan(&member); err != nil {
			return err
		}
		if member == 0 {
			return apperr.Fieldf("person_id", "person %d is not a current member of the household", person)
		}
		if count, reached, err = e.Refusal(person, refused, env); err != nil {
			return err
		}
		refusals, _ := json.Marshal(e.Refusals)
		if _, err := t.exec(ctx, "UPDATE enrollments SET refusals = ?, version = version + 1, updated_at = ? WHERE id = ?",
			string(refusals), db.now().UTC(), id); err != nil {
			return err
		}
		return t.audit(ctx, "enrollment", id, e.County, "refusal", nil,
			map[string]any{"person_id": person, "refused": refused, "consecutive": count, "note": note})
	})
	return count, reached, err
}

// applyReview applies a confirmed review's outcome to its enrollment from
// the decision's first month: an adjustment or a gradual exit ends the
// record and starts another (amounts are never overwritten); a suspension,
// a resumption or an end changes its status.
func (t *Tx) applyReview(ctx context.Context, a *casework.Application, d *casework.Decision, now time.Time) error {
	e, err := t.db.enrollment(ctx, t, registry.Scope{Region: a.County}, a.EnrollmentID)
	if err != nil {
		return err
	}
	last := d.StartMonth.Add(-1)
	set := func(q string, args ...any) error {
		_, err := t.exec(ctx, "UPDATE enrollments SET "+q+", version = version + 1, updated_at = ? WHERE id = ?", append(args, now, e.ID)...)
		return err
	}
	// The outcome must suit the enrollment as it stands now (it may have
	// changed since the township proposed).
	switch {
	case d.Outcome == casework.Resume && e.Status != casework.Suspended:
		return apperr.Errorf(apperr.Conflict, "enrollment %d is not suspended: there is nothing to resume", e.ID)
	case d.Outcome == casework.Suspend && e.Status == casework.Suspended:
		return apperr.Errorf(apperr.Conflict, "enrollment %d is suspended already", e.ID)
	}
	next := d.NextReview
	if next.IsZero() {
		next = e.NextReview // no cycle known: keep the date (DueReviews will not reopen it)
	}
	switch d.Outcome {
	case casework.Unchanged:
		err = set("next_review = ?", next)
	case casework.Suspend:
		err = set("status = 'suspended', next_review = ?", next)
	case casework.Resume:
		err = set("status = 'active', next_review = ?", next)
	case casework.End:
		err = set("status = 'ended', end_month = ?, next_review = NULL", last)
	case casework.Adjust, casework.GradualExit:
		if err = set("status = 'superseded', end_month = ?, next_review = NULL", last); err != nil {
			return err
		}
		n := *e
		// A suspended benefit stays suspended at its new amount: only a
		// resumption pays it again.
		n.DecisionID, n.Amount, n.StartMonth, n.EndMonth, n.Status, n.NextReview = d.ID, d.Amount, d.StartMonth, civil.Month{}, e.Status, next
		if d.Outcome == casework.GradualExit && n.ExitStart.IsZero() {
			n.ExitStart = d.StartMonth
		}
		if d.Outcome == casework.Adjust {
			n.ExitStart = civil.Month{}
		}
		_, err = t.insertEnrollment(ctx, &n, now)
	default:
		return apperr.Errorf(apperr.Internal, "review %d: unknown outcome %q", a.ID, d.Outcome)
	}
	if err != nil {
		return fmt.Errorf("apply review %d: %w", a.ID, err)
	}
	return t.audit(ctx, "enrollment", e.ID, e.County, "review", map[string]any{"amount": e.Amount, "status": e.Status},
		map[string]any{"outcome": d.Outcome, "amount": d.Amount, "from": d.StartMonth, "application_id": a.ID})
}
