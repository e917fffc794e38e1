package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

var _ verify.RunStore = (*DB)(nil)

const runColumns = `id, region, as_of, status, households, verified, no_authorisation, errors, changed, reviews, lease,
	started_by, started_at, heartbeat, finished_at, error`

func scanRun(sc scanner) (*verify.Run, error) {
	var r verify.Run
	var started, beat, finished timestamp
	err := sc.Scan(&r.ID, &r.Region, &r.AsOf, &r.Status, &r.Households, &r.Verified, &r.NoAuthorisation, &r.Errors, &r.Changed,
		&r.Reviews, &r.Lease, &r.StartedBy, &started, &beat, &finished, &r.Error)
	r.StartedAt, r.Heartbeat, r.FinishedAt = started.Time, beat.Time, finished.Time
	return &r, err
}

// runAudit is what the audit trail keeps of a run.
func runAudit(r *verify.Run) map[string]any {
	return map[string]any{"region": r.Region, "as_of": r.AsOf, "status": r.Status, "households": r.Households, "verified": r.Verified,
		"no_authorisation": r.NoAuthorisation, "errors": r.Errors, "changed": r.Changed, "reviews": r.Reviews, "error": r.Error}
}

// runPopulation selects the households h that a run verifies, with no
// result in the run yet (one argument: the run): those with an active
// enrollment or a pending application (not a review: an enrollment under
// review is active). The caller bounds the region.
const runPopulation = `(EXISTS (SELECT 1 FROM enrollments e WHERE e.household_id = h.id AND e.status = 'active')
		OR EXISTS (SELECT 1 FROM applications a WHERE a.household_id = h.id AND a.enrollment_id IS NULL
			AND a.state NOT IN ('approved', 'rejected', 'withdrawn')))
	AND NOT EXISTS (SELECT 1 FROM verify_run_results r WHERE r.run_id = ? AND r.household_id = h.id)`

// BeginRun implements verify.RunStore.
func (db *DB) BeginRun(ctx context.Context, region string, asOf civil.Date, stale time.Duration) (*verify.Run, error) {
	var out *verify.Run
	err := db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		r, err := scanRun(t.queryRow(ctx, `SELECT `+runColumns+` FROM verify_runs WHERE region = ? AND as_of = ?`, region, asOf))
		action := "start"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			r = &verify.Run{Region: region, AsOf: asOf, Status: verify.RunRunning, StartedBy: audit.ActorFrom(ctx).Username, StartedAt: now}
			r.ID, err = t.insertID(ctx, `INSERT INTO verify_runs (region, as_of, status, started_by, started_at, heartbeat) VALUES (?, ?, ?, ?, ?, ?)`,
				region, asOf, r.Status, r.StartedBy, now, now)
			if _, dup := isUniqueViolation(err); dup {
				return errRetry // started at the same moment elsewhere: the retry sees it
			}
			if err != nil {
				return err
			}
		case err != nil:
			return err
		case r.Status == verify.RunDone:
			r.Again, out = true, r
			return nil
		case r.Status == verify.RunRunning && now.Sub(r.Heartbeat) < stale:
			return apperr.Errorf(apperr.Conflict, "the verification run of %s on %s is running (started by %s, last active %s): wait for it to finish",
				region, asOf, r.StartedBy, r.Heartbeat.In(civil.Shanghai).Format("2006-01-02 15:04:05"))
		default:
			action, r.Resumed = "resume", true
		}
		var left int64
		lo, hi := prefixRange(region)
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM households h WHERE h.region_code >= ? AND h.region_code < ? AND `+runPopulation,
			lo, hi, r.ID).Scan(&left); err != nil {
			return err
		}
		r.Status, r.Lease, r.Heartbeat, r.FinishedAt, r.Error, r.Households = verify.RunRunning, rand.Text(), now, time.Time{}, "", left+r.Done()
		if _, err := t.exec(ctx, `UPDATE verify_runs SET status = ?, lease = ?, heartbeat = ?, finished_at = NULL, error = '', households = ? WHERE id = ?`,
			r.Status, r.Lease, now, r.Households, r.ID); err != nil {
			return err
		}
		out = r
		return t.audit(ctx, "verify_run", r.ID, region, action, nil, runAudit(r))
	})
	return out, err
}

// RunSubjects implements verify.RunStore. The keyset is (region_code, id),
// the order of the households_region index: a chunk reads its households
// from where the last stopped instead of sorting the region's again.
func (db *DB) RunSubjects(ctx context.Context, run *verify.Run, after verify.Subject, limit int) ([]verify.Subject, error) {
	from, hi := prefixRange(run.Region)
	if after.Region > from {
		from = after.Region
	}
	rows, err := db.query(ctx, `SELECT h.id, h.county_code, h.region_code FROM households h
		WHERE (h.region_code, h.id) > (?, ?) AND h.region_code < ? AND `+runPopulation+`
		ORDER BY h.region_code, h.id LIMIT ?`, from, after.HouseholdID, hi, run.ID, limit)
	subjects, err := collect(rows, err, func(sc scanner) (verify.Subject, error) {
		var s verify.Subject
		return s, sc.Scan(&s.HouseholdID, &s.County, &s.Region)
	})
	if err != nil || len(subjects) == 0 {
		return nil, err
	}
	ids := make([]any, len(subjects))
	at := map[int64]int{}
	for i, s := range subjects {
		ids[i], at[s.HouseholdID] = s.HouseholdID, i
	}
	in := placeholders(len(ids))
	rows, err = db.query(ctx, `SELECT household_id, program, id, 0 FROM enrollments WHERE status = 'active' AND household_id IN (`+in+`)
		UNION ALL SELECT household_id, program, 0, id FROM applications WHERE enrollment_id IS NULL
			AND state NOT IN ('approved', 'rejected', 'withdrawn') AND household_id IN (`+in+`)
		ORDER BY 1, 3 DESC, 2, 4`, append(ids, ids...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h int64
		var program string
		var c verify.Concern
		if err := rows.Scan(&h, &program, &c.EnrollmentID, &c.ApplicationID); err != nil {
			return nil, err
		}
		c.Program = policy.Program(program)
		s := &subjects[at[h]]
		s.Concerns = append(s.Concerns, c)
	}
	return subjects, rows.Err()
}

// inArgs returns ids as query arguments with their placeholders.
func inArgs(ids []int64) ([]any, string) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args, placeholders(len(ids))
}

// HouseholdsAt implements verify.RunStore: HouseholdAt for a chunk of
// households in five queries. Of the personal data only the ID numbers are
// opened (verification matches and masks them); phone numbers and bank
// accounts are left empty.
func (db *DB) HouseholdsAt(ctx context.Context, ids []int64, d civil.Date) (map[int64]*registry.Snapshot, error) {
	out := map[int64]*registry.Snapshot{}
	if len(ids) == 0 {
		return out, nil
	}
	end := d.AddDays(1).In(civil.Shanghai).UTC()
	args, in := inArgs(ids)
	err := db.versionsAt(ctx, "household", args, in, end, func(id int64, data []byte) error {
		s := &registry.Snapshot{At: d}
		if err := json.Unmarshal(data, &s.Household); err != nil {
			return fmt.Errorf("household %d version: %w", id, err)
		}
		s.Household.BankAccount, s.Household.Members = "", nil
		out[id] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT id, household_id, person_id, relationship, joined_on, join_reason, left_on, leave_reason FROM members
		WHERE household_id IN (`+in+`) ORDER BY household_id, CASE WHEN relationship = 'head' THEN 0 ELSE 1 END, id`, args...)
	members, err := collect(rows, err, func(sc scanner) (registry.Member, error) {
		var m registry.Member
		err := sc.Scan(&m.ID, &m.HouseholdID, &m.Person.ID, &m.Relationship, &m.JoinedOn, &m.JoinReason, &m.LeftOn, &m.LeaveReason)
		return m, err
	})
	if err != nil {
		return nil, err
	}
	var persons []int64
	for _, m := range members {
		if out[m.HouseholdID] != nil && m.Active(d) {
			persons = append(persons, m.Person.ID)
		}
	}
	people := map[int64]registry.Person{}
	for start := 0; start < len(persons); start += 1000 {
		pargs, pin := inArgs(persons[start:min(start+1000, len(persons))])
		err := db.versionsAt(ctx, "person", pargs, pin, end, func(id int64, data []byte) error {
			var p registry.Person
			if err := json.Unmarshal(data, &p); err != nil {
				return fmt.Errorf("person %d version: %w", id, err)
			}
			var err error
			p.ID, p.Phone = id, ""
			p.IDNumber, err = db.open(pii.IDNumber, p.IDNumber)
			people[id] = p
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	for _, m := range members {
		p, ok := people[m.Person.ID]
		if s := out[m.HouseholdID]; s != nil && ok && m.Active(d) {
			m.Person = p
			s.Household.Members = append(s.Household.Members, m)
		}
	}
	rows, err = db.query(ctx, "SELECT "+incomeColumns+` FROM incomes WHERE household_id IN (`+in+`) AND month <= ?
		AND recorded_at < ? AND (superseded_at IS NULL OR superseded_at >= ?) ORDER BY month DESC, id`, append(args, d.MonthOf(), end, end)...)
	incomes, err := collect(rows, err, scanIncome)
	if err != nil {
		return nil, err
	}
	for _, in := range incomes {
		if s := out[in.HouseholdID]; s != nil {
			s.Incomes = append(s.Incomes, in)
		}
	}
	rows, err = db.query(ctx, "SELECT "+assetColumns+` FROM assets WHERE household_id IN (`+in+`) AND valid_from <= ?
		AND (valid_to IS NULL OR valid_to > ?) AND created_at < ? ORDER BY valid_from, id`, append(args, d, d, end)...)
	assets, err := collect(rows, err, scanAsset)
	if err != nil {
		return nil, err
	}
	for _, a := range assets {
		if s := out[a.HouseholdID]; s != nil {
			s.Assets = append(s.Assets, a)
		}
	}
	for _, s := range out {
		if s.Incomes == nil {
			s.Incomes = []registry.Income{}
		}
		if s.Assets == nil {
			s.Assets = []registry.Asset{}
		}
	}
	return out, nil
}

// versionsAt calls fn with the version of each entity of the given ids in
// force before instant end (as versionAt does for one).
func (db *DB) versionsAt(ctx context.Context, entity string, args []any, in string, end time.Time, fn func(id int64, data []byte) error) error {
	rows, err := db.query(ctx, `SELECT entity_id, data FROM versions WHERE entity = ? AND entity_id IN (`+in+`) AND valid_from < ?
		ORDER BY entity_id, version`, append(append([]any{entity}, args...), end)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id, last int64
	var data, lastData []byte
	for rows.Next() {
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		if last != 0 && id != last {
			if err := fn(last, lastData); err != nil {
				return err
			}
		}
		last, lastData = id, append(lastData[:0], data...)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if last != 0 {
		return fn(last, lastData)
	}
	return nil
}

// AuthorisationsOf implements verify.RunStore.
func (db *DB) AuthorisationsOf(ctx context.Context, ids []int64) (map[int64][]verify.Authorisation, error) {
	out := map[int64][]verify.Authorisation{}
	if len(ids) == 0 {
		return out, nil
	}
	args, in := inArgs(ids)
	rows, err := db.query(ctx, `SELECT `+authorisationColumns+` FROM verify_authorisations WHERE household_id IN (`+in+`)
		ORDER BY household_id, signed_on DESC, id DESC`, args...)
	list, err := collect(rows, err, func(sc scanner) (*verify.Authorisation, error) { return scanAuthorisation(sc) })
	for _, a := range list {
		out[a.HouseholdID] = append(out[a.HouseholdID], *a)
	}
	return out, err
}

// RunReports implements verify.RunStore.
func (db *DB) RunReports(ctx context.Context, run *verify.Run, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	args, in := inArgs(ids)
	rows, err := db.query(ctx, `SELECT household_id, MAX(id) FROM verify_reports WHERE household_id IN (`+in+`) AND as_of = ? AND created_at >= ?
		GROUP BY household_id`, append(args, run.AsOf, run.StartedAt)...)
	pairs, err := collect(rows, err, func(sc scanner) ([2]int64, error) {
		var p [2]int64
		return p, sc.Scan(&p[0], &p[1])
	})
	for _, p := range pairs {
		out[p[0]] = p[1]
	}
	return out, err
}

// leaseLost is the error for a run this process no longer runs.
func leaseLost(run *verify.Run) error {
	return apperr.Errorf(apperr.Conflict, "verification run %d was stopped or taken over by another process", run.ID)
}

// SaveResults implements verify.RunStore.
func (db *DB) SaveResults(ctx context.Context, run *verify.Run, results []verify.Result) error {
	var add verify.Run
	var now time.Time
	err := db.transact(ctx, func(t *Tx) error {
		add = verify.Run{}
		now = db.now().UTC().Truncate(time.Microsecond)
		byID := map[int64]*verify.Result{}
		var ids []int64
		if len(results) > 0 {
			const cols = 10
			args := make([]any, 0, cols*len(results))
			for i := range results {
				r := &results[i]
				programs, err := json.Marshal(r.Programs)
				if err != nil {
					return err
				}
				byID[r.HouseholdID] = r
				args = append(args, run.ID, r.HouseholdID, r.County, r.Status, r.Message, r.Discrepancies, boolInt(r.Changed), string(programs),
					nullInt(r.ReportID), nullInt(r.ReviewApplicationID))
			}
			one := "(" + placeholders(cols) + ")"
			rows, err := t.query(ctx, `INSERT INTO verify_run_results (run_id, household_id, county_code, status, message, discrepancies, changed,
				programs, report_id, review_application_id) VALUES `+strings.TrimSuffix(strings.Repeat(one+", ", len(results)), ", ")+`
				ON CONFLICT (run_id, household_id) DO NOTHING RETURNING household_id`, args...)
			if ids, err = collect(rows, err, func(sc scanner) (int64, error) {
				var id int64
				return id, sc.Scan(&id)
			}); err != nil {
				return err
			}
		}
		for _, id := range ids {
			r := byID[id]
			switch r.Status {
			case verify.ResultVerified:
				add.Verified++
			case verify.ResultNoAuthorisation:
				add.NoAuthorisation++
			default:
				add.Errors++
			}
			if r.Changed {
				add.Changed++
			}
		}
		res, err := t.exec(ctx, `UPDATE verify_runs SET verified = verified + ?, no_authorisation = no_authorisation + ?, errors = errors + ?,
			changed = changed + ?, heartbeat = ? WHERE id = ? AND lease = ? AND status = 'running'`,
			add.Verified, add.NoAuthorisation, add.Errors, add.Changed, now, run.ID, run.Lease)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return leaseLost(run)
		}
		return t.audit(ctx, "verify_run", run.ID, run.Region, "results", nil, map[string]any{"households": ids, "verified": add.Verified,
			"no_authorisation": add.NoAuthorisation, "errors": add.Errors, "changed": add.Changed})
	})
	if err != nil {
		return err
	}
	run.Verified, run.NoAuthorisation, run.Errors, run.Changed = run.Verified+add.Verified, run.NoAuthorisation+add.NoAuthorisation,
		run.Errors+add.Errors, run.Changed+add.Changed
	run.Heartbeat = now
	return nil
}

// FinishRun implements verify.RunStore.
func (db *DB) FinishRun(ctx context.Context, run *verify.Run, status, reason string) error {
	switch status {
	case verify.RunDone, verify.RunFailed, verify.RunCancelled:
	default:
		return fmt.Errorf("FinishRun: status %q", status)
	}
	var out *verify.Run
	err := db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		households := "households"
		if status == verify.RunDone {
			households = "verified + no_authorisation + errors"
		}
		res, err := t.exec(ctx, `UPDATE verify_runs SET status = ?, error = ?, finished_at = ?, heartbeat = ?, households = `+households+`
			WHERE id = ? AND lease = ? AND status = 'running'`, status, reason, now, now, run.ID, run.Lease)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return leaseLost(run)
		}
		if out, err = scanRun(t.queryRow(ctx, `SELECT `+runColumns+` FROM verify_runs WHERE id = ?`, run.ID)); err != nil {
			return err
		}
		return t.audit(ctx, "verify_run", run.ID, run.Region, "finish", nil, runAudit(out))
	})
	if err != nil {
		return err
	}
	out.Resumed = run.Resumed
	*run = *out
	return nil
}

// Run implements verify.RunStore.
func (db *DB) Run(ctx context.Context, id int64) (*verify.Run, error) {
	r, err := scanRun(db.queryRow(ctx, `SELECT `+runColumns+` FROM verify_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no verification run %d", id)
	}
	return r, err
}

// Runs implements verify.RunStore.
func (db *DB) Runs(ctx context.Context, f verify.RunFilter) ([]verify.Run, error) {
	lo, hi := prefixRange(f.Region)
	q := `SELECT ` + runColumns + ` FROM verify_runs WHERE region >= ? AND region < ?`
	args := []any{lo, hi}
	if f.Status != nil {
		q += ` AND status = ?`
		args = append(args, *f.Status)
	}
	if f.Before > 0 {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	rows, err := db.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit(f.Limit, 50, 500))...)
	return collect(rows, err, func(sc scanner) (verify.Run, error) {
		r, err := scanRun(sc)
		return *r, err
	})
}

// resultWhere is the condition and arguments of a results filter, without
// its keyset.
func resultWhere(run int64, f verify.ResultFilter) (string, []any) {
	lo, hi := prefixRange(f.Region)
	q := ` WHERE r.run_id = ? AND h.region_code >= ? AND h.region_code < ?`
	args := []any{run, lo, hi}
	if f.Changed != nil {
		q += ` AND r.changed = ?`
		args = append(args, boolInt(*f.Changed))
	}
	if f.Status != nil {
		q += ` AND r.status = ?`
		args = append(args, *f.Status)
	}
	return q, args
}

// RunResults implements verify.RunStore.
func (db *DB) RunResults(ctx context.Context, run int64, f verify.ResultFilter) ([]verify.Result, error) {
	where, args := resultWhere(run, f)
	rows, err := db.query(ctx, `SELECT r.run_id, r.household_id, h.number, r.county_code, r.status, r.message, r.discrepancies, r.changed,
		r.programs, r.report_id, COALESCE(p.number, ''), r.review_application_id
		FROM verify_run_results r JOIN households h ON h.id = r.household_id LEFT JOIN verify_reports p ON p.id = r.report_id`+where+`
		AND r.household_id > ? ORDER BY r.household_id LIMIT ?`, append(args, f.After, limit(f.Limit, 100, 1000))...)
	return collect(rows, err, func(sc scanner) (verify.Result, error) {
		var r verify.Result
		var changed int64
		var programs string
		if err := sc.Scan(&r.RunID, &r.HouseholdID, &r.HouseholdNumber, &r.County, &r.Status, &r.Message, &r.Discrepancies, &changed,
			&programs, nullableInt{&r.ReportID}, &r.ReportNumber, nullableInt{&r.ReviewApplicationID}); err != nil {
			return r, err
		}
		r.Changed = changed != 0
		return r, json.Unmarshal([]byte(programs), &r.Programs)
	})
}

// CountRunResults implements verify.RunStore.
func (db *DB) CountRunResults(ctx context.Context, run int64, f verify.ResultFilter) (int64, error) {
	where, args := resultWhere(run, f)
	var n int64
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM verify_run_results r JOIN households h ON h.id = r.household_id`+where, args...).Scan(&n)
	return n, err
}

// SetReview implements verify.RunStore.
func (db *DB) SetReview(ctx context.Context, run, household int64, program policy.Program, application int64) error {
	return db.transact(ctx, func(t *Tx) error {
		var data, region string
		err := t.queryRow(ctx, `SELECT r.programs, v.region FROM verify_run_results r JOIN verify_runs v ON v.id = r.run_id
			WHERE r.run_id = ? AND r.household_id = ?`, run, household).Scan(&data, &region)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "verification run %d has no result for household %d", run, household)
		}
		if err != nil {
			return err
		}
		var programs []verify.ProgramResult
		if err := json.Unmarshal([]byte(data), &programs); err != nil {
			return err
		}
		for i := range programs {
			if programs[i].Program == program && programs[i].ReviewApplicationID == 0 {
				programs[i].ReviewApplicationID = application
			}
		}
		b, err := json.Marshal(programs)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE verify_run_results SET programs = ?, review_application_id = COALESCE(review_application_id, ?)
			WHERE run_id = ? AND household_id = ?`, string(b), application, run, household); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE verify_runs SET reviews = reviews + 1 WHERE id = ?`, run); err != nil {
			return err
		}
		return t.audit(ctx, "verify_run", run, region, "review", nil, map[string]any{"household_id": household, "program": program,
			"application_id": application})
	})
}
