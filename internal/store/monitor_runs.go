package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
)

// Monitoring runs (internal/monitor/run.go) and the warnings they raise.

var _ monitor.RunStore = (*DB)(nil)

const monitorRunColumns = `id, region, as_of, scheduled, status, rules, total, households, persons, raised, repeats, errors, after_household, lease,
	started_by, started_at, heartbeat, finished_at, error`

func scanMonitorRun(sc scanner) (*monitor.Run, error) {
	var r monitor.Run
	var started, beat, finished timestamp
	var scheduled bool
	err := sc.Scan(&r.ID, &r.Region, &r.AsOf, &scheduled, &r.Status, &r.Rules, &r.Total, &r.Households, &r.Persons, &r.Raised, &r.Repeats, &r.Errors,
		&r.After, &r.Lease, &r.StartedBy, &started, &beat, &finished, &r.Error)
	r.Scheduled, r.StartedAt, r.Heartbeat, r.FinishedAt = scheduled, started.Time, beat.Time, finished.Time
	return &r, err
}

// monitorRunAudit is what the audit trail keeps of a run.
func monitorRunAudit(r *monitor.Run) map[string]any {
	return map[string]any{"region": r.Region, "as_of": r.AsOf, "scheduled": r.Scheduled, "status": r.Status, "rules": r.Rules, "total": r.Total,
		"households": r.Households, "persons": r.Persons, "raised": r.Raised, "repeats": r.Repeats, "errors": r.Errors, "error": r.Error}
}

// BeginMonitorRun implements monitor.RunStore. Besides the run itself, a
// running run of an overlapping region (the county of a township run, or
// a township of a county run) refuses it: the two would evaluate the same
// persons at the same time.
func (db *DB) BeginMonitorRun(ctx context.Context, region string, asOf civil.Date, scheduled bool, rules, total int64, stale time.Duration) (*monitor.Run, error) {
	var out *monitor.Run
	err := db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		busy, err := scanMonitorRun(t.queryRow(ctx, `SELECT `+monitorRunColumns+` FROM monitor_runs
			WHERE status = 'running' AND heartbeat > ? AND (region = ? OR region = ?) AND NOT (region = ? AND as_of = ?)
			ORDER BY id LIMIT 1`, now.Add(-stale), region[:6], region, region, asOf))
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			if err != nil {
				return err
			}
			return apperr.Errorf(apperr.Conflict, "the monitoring run of %s on %s is running (started by %s): wait for it to finish",
				busy.Region, busy.AsOf, busy.StartedBy)
		}
		if len(region) == 6 {
			lo, hi := prefixRange(region)
			err := t.queryRow(ctx, `SELECT region, as_of, started_by FROM monitor_runs WHERE status = 'running' AND heartbeat > ?
				AND region > ? AND region < ? LIMIT 1`, now.Add(-stale), lo, hi).Scan(&busy.Region, &busy.AsOf, &busy.StartedBy)
			if err == nil {
				return apperr.Errorf(apperr.Conflict, "the monitoring run of %s on %s is running (started by %s): wait for it to finish",
					busy.Region, busy.AsOf, busy.StartedBy)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		r, err := scanMonitorRun(t.queryRow(ctx, `SELECT `+monitorRunColumns+` FROM monitor_runs WHERE region = ? AND as_of = ?`, region, asOf))
		action := "start"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			r = &monitor.Run{Region: region, AsOf: asOf, Scheduled: scheduled, Status: monitor.RunRunning,
				StartedBy: audit.ActorFrom(ctx).Username, StartedAt: now}
			r.ID, err = t.insertID(ctx, `INSERT INTO monitor_runs (region, as_of, scheduled, status, started_by, started_at, heartbeat)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, region, asOf, scheduled, r.Status, r.StartedBy, now, now)
			if _, dup := isUniqueViolation(err); dup {
				return errRetry // started at the same moment elsewhere: the retry sees it
			}
			if err != nil {
				return err
			}
		case err != nil:
			return err
		case r.Status == monitor.RunDone:
			r.Again, out = true, r
			return nil
		case r.Status == monitor.RunRunning && now.Sub(r.Heartbeat) < stale:
			return apperr.Errorf(apperr.Conflict, "the monitoring run of %s on %s is running (started by %s): wait for it to finish",
				region, asOf, r.StartedBy)
		default:
			action, r.Resumed = "resume", true
		}
		r.Status, r.Lease, r.Heartbeat, r.FinishedAt, r.Error, r.Rules, r.Total = monitor.RunRunning, rand.Text(), now, time.Time{}, "", rules, total
		if _, err := t.exec(ctx, `UPDATE monitor_runs SET status = ?, lease = ?, heartbeat = ?, finished_at = NULL, error = '', rules = ?, total = ? WHERE id = ?`,
			r.Status, r.Lease, now, r.Rules, r.Total, r.ID); err != nil {
			return err
		}
		out = r
		return t.audit(ctx, "monitor_run", r.ID, region, action, nil, monitorRunAudit(r))
	})
	return out, err
}

func monitorLeaseLost(run *monitor.Run) error {
	return apperr.Errorf(apperr.Conflict, "monitoring run %d was stopped or taken over by another process", run.ID)
}

// SaveWarnings implements monitor.RunStore. The repeat check reads the
// chunk's persons' recent warnings inside the transaction; on SQLite the
// one writer and on PostgreSQL the refusal of overlapping runs
// (BeginMonitorRun) keep two runs from raising the same warning at once.
func (db *DB) SaveWarnings(ctx context.Context, run *monitor.Run, ws []monitor.Warning, repeatSince civil.Date, c monitor.ChunkCounts, after int64) error {
	var raised int64
	var now time.Time
	err := db.transact(ctx, func(t *Tx) error {
		now = db.now().UTC().Truncate(time.Microsecond)
		fresh, err := t.withoutRepeats(ctx, ws, repeatSince)
		if err != nil {
			return err
		}
		var ids []int64
		if len(fresh) > 0 {
			const cols = 20
			args := make([]any, 0, cols*len(fresh))
			for i := range fresh {
				w := &fresh[i]
				args = append(args, w.County, w.Region, run.ID, w.RuleID, w.RuleCode, w.HouseholdID, w.PersonID, string(w.Severity), string(w.Side),
					string(w.Program), w.Action, string(w.Facts), w.RaisedOn, string(w.Status), string(w.Role), w.TaskRegion, w.Due, 1, now, 0)
			}
			one := "(" + placeholders(cols) + ")"
			rows, err := t.query(ctx, `INSERT INTO monitor_warnings (county_code, region_code, run_id, rule_id, rule_code, household_id, person_id,
				severity, side, program, action, facts, raised_on, status, role, task_region, due, version, created_at, level)
				VALUES `+strings.TrimSuffix(strings.Repeat(one+", ", len(fresh)), ", ")+`
				ON CONFLICT (run_id, person_id, rule_code) DO NOTHING RETURNING id`, args...)
			if ids, err = collect(rows, err, func(sc scanner) (int64, error) {
				var id int64
				return id, sc.Scan(&id)
			}); err != nil {
				return err
			}
		}
		raised = int64(len(ids))
		res, err := t.exec(ctx, `UPDATE monitor_runs SET households = households + ?, persons = persons + ?, raised = raised + ?,
			repeats = repeats + ?, errors = errors + ?, after_household = ?, heartbeat = ? WHERE id = ? AND lease = ? AND status = 'running'`,
			c.Households, c.Persons, raised, c.Hits-raised, c.Errors, after, now, run.ID, run.Lease)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return monitorLeaseLost(run)
		}
		if raised == 0 {
			return nil
		}
		return t.audit(ctx, "monitor_run", run.ID, run.Region, "warnings", nil, map[string]any{"warnings": ids, "after_household": after})
	})
	if err != nil {
		return err
	}
	run.Households += c.Households
	run.Persons += c.Persons
	run.Raised += raised
	run.Repeats += c.Hits - raised
	run.Errors += c.Errors
	run.After, run.Heartbeat = after, now
	return nil
}

// withoutRepeats drops the warnings whose person the rule warned about
// after since (in any run).
func (t *Tx) withoutRepeats(ctx context.Context, ws []monitor.Warning, since civil.Date) ([]monitor.Warning, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	type key struct {
		person int64
		rule   string
	}
	seen := map[key]bool{}
	persons := make([]int64, 0, len(ws))
	for _, w := range ws {
		persons = append(persons, w.PersonID)
	}
	args, in := inArgs(persons)
	rows, err := t.query(ctx, `SELECT person_id, rule_code FROM monitor_warnings WHERE person_id IN (`+in+`) AND raised_on > ?`,
		append(args, since)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.person, &k.rule); err != nil {
			return nil, err
		}
		seen[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := ws[:0:0]
	for _, w := range ws {
		k := key{w.PersonID, w.RuleCode}
		if !seen[k] {
			seen[k] = true
			out = append(out, w)
		}
	}
	return out, nil
}

// FinishMonitorRun implements monitor.RunStore.
func (db *DB) FinishMonitorRun(ctx context.Context, run *monitor.Run, status, reason string) error {
	switch status {
	case monitor.RunDone, monitor.RunFailed, monitor.RunCancelled:
	default:
		return fmt.Errorf("FinishMonitorRun: status %q", status)
	}
	var out *monitor.Run
	err := db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		res, err := t.exec(ctx, `UPDATE monitor_runs SET status = ?, error = ?, finished_at = ?, heartbeat = ?
			WHERE id = ? AND lease = ? AND status = 'running'`, status, reason, now, now, run.ID, run.Lease)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return monitorLeaseLost(run)
		}
		if out, err = scanMonitorRun(t.queryRow(ctx, `SELECT `+monitorRunColumns+` FROM monitor_runs WHERE id = ?`, run.ID)); err != nil {
			return err
		}
		return t.audit(ctx, "monitor_run", run.ID, run.Region, "finish", nil, monitorRunAudit(out))
	})
	if err != nil {
		return err
	}
	out.Resumed = run.Resumed
	*run = *out
	return nil
}

// MonitorRun implements monitor.RunStore.
func (db *DB) MonitorRun(ctx context.Context, id int64) (*monitor.Run, error) {
	r, err := scanMonitorRun(db.queryRow(ctx, `SELECT `+monitorRunColumns+` FROM monitor_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no monitoring run %d", id)
	}
	return r, err
}

// MonitorRuns implements monitor.RunStore.
func (db *DB) MonitorRuns(ctx context.Context, f monitor.RunFilter) ([]monitor.Run, error) {
	lo, hi := prefixRange(f.Region)
	before := f.Before
	if before <= 0 {
		before = 1 << 62
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.query(ctx, `SELECT `+monitorRunColumns+` FROM monitor_runs WHERE region >= ? AND region < ? AND id < ?
		ORDER BY id DESC LIMIT ?`, lo, hi, before, limit)
	return collect(rows, err, func(sc scanner) (monitor.Run, error) {
		r, err := scanMonitorRun(sc)
		if err != nil {
			return monitor.Run{}, err
		}
		return *r, nil
	})
}

// ScheduledSince returns the regions with a scheduled run on or after
// since, with the day of the latest: the monthly schedule starts the
// counties missing.
func (db *DB) ScheduledSince(ctx context.Context, since civil.Date) (map[string]civil.Date, error) {
	rows, err := db.query(ctx, `SELECT region, MAX(as_of) FROM monitor_runs WHERE scheduled = ? AND as_of >= ? GROUP BY region`, true, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]civil.Date{}
	for rows.Next() {
		var region string
		var d civil.Date
		if err := rows.Scan(&region, &d); err != nil {
			return nil, err
		}
		out[region] = d
	}
	return out, rows.Err()
}

// Counties lists the counties that have households registered.
func (db *DB) Counties(ctx context.Context) ([]string, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT county_code FROM households ORDER BY county_code`)
	return collect(rows, err, func(sc scanner) (string, error) {
		var c string
		return c, sc.Scan(&c)
	})
}
