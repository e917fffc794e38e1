package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// A monitoring run (监测批次) evaluates the rules in force over a county's
// or township's monitored population on one day and raises warnings
// (issue 6, item 3). Runs start by themselves once a month for every
// county with active rules, and on demand. It is a job (DESIGN.md §8): one
// run per region and day, in keyset chunks of households, each chunk's
// warnings stored in one transaction with the run's keyset and heartbeat,
// so a run killed midway resumes where it stopped, and is never run twice
// at once. A person is never warned twice by one rule within
// monitor.repeat.months: the store checks it as it inserts, so runs of
// overlapping regions or days cannot repeat a warning either.

// Run statuses.
const (
	RunRunning   = "running"
	RunDone      = "done"
	RunFailed    = "failed"    // stopped by an error; starting it again resumes it
	RunCancelled = "cancelled" // stopped by the operator; starting it again resumes it
)

// RunStale is how long a running run may go without storing a chunk before
// another process may take it over.
const RunStale = 5 * time.Minute

// Run is one monitoring run of a region on a day.
type Run struct {
	ID        int64      `json:"id"`
	Region    string     `json:"region"`
	AsOf      civil.Date `json:"as_of"`
	Scheduled bool       `json:"scheduled"`
	Status    string     `json:"status"`
	// Rules counts the active rules in force in the region.
	Rules int64 `json:"rules"`
	// Total is the monitored population of the region, counted when the
	// run starts or resumes; Households those evaluated so far.
	Total      int64 `json:"total"`
	Households int64 `json:"households"`
	Persons    int64 `json:"persons"`
	// Raised counts the warnings created; Repeats the hits not raised
	// because the person was warned by the rule within the window; Errors
	// the evaluations that failed at run time.
	Raised     int64     `json:"raised"`
	Repeats    int64     `json:"repeats"`
	Errors     int64     `json:"errors"`
	After      int64     `json:"-"` // keyset: the last household stored
	StartedBy  string    `json:"started_by"`
	StartedAt  time.Time `json:"started_at"`
	Heartbeat  time.Time `json:"heartbeat"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Error      string    `json:"error,omitempty"`
	Lease      string    `json:"-"`
	// Resumed: BeginRun took over a stopped run; Again: the run was done
	// already and nothing is to do (neither stored).
	Resumed bool `json:"resumed,omitempty"`
	Again   bool `json:"again,omitempty"`
}

// ChunkCounts are what one chunk adds to a run's counts besides the
// warnings raised.
type ChunkCounts struct {
	Households, Persons, Hits, Errors int64
}

// RunFilter selects runs. Zero fields do not filter.
type RunFilter struct {
	// Region is a jurisdiction: runs of regions inside it.
	Region string
	// Before is the keyset: runs with a smaller id (newest first).
	Before int64
	Limit  int
}

// RunStore keeps monitoring runs and their warnings. Every change is
// audited.
type RunStore interface {
	PassStore
	PopulationStore
	// Rules lists the rules whose scope covers the region or lies in it.
	Rules(ctx context.Context, f RuleFilter) ([]Rule, error)
	// BeginMonitorRun starts the run of region on asOf, or takes over the
	// one that exists unless it is running with a heartbeat newer than
	// stale: a stopped run resumes (Resumed set, After kept), a done one
	// is returned with Again set. Either way it gets a new Lease.
	// Errors: Conflict when it is running in another process.
	BeginMonitorRun(ctx context.Context, region string, asOf civil.Date, scheduled bool, rules, total int64, stale time.Duration) (*Run, error)
	// SaveWarnings stores a chunk's warnings, except those repeating a
	// warning of the same person and rule raised after repeatSince, adds
	// the chunk's counts (Repeats: Hits not raised), sets the run's keyset
	// to after and beats its heartbeat, in one transaction.
	// Errors: Conflict when the run is no longer running under run.Lease.
	SaveWarnings(ctx context.Context, run *Run, ws []Warning, repeatSince civil.Date, c ChunkCounts, after int64) error
	// FinishMonitorRun ends a running run as done, failed or cancelled,
	// with the reason for the last two.
	FinishMonitorRun(ctx context.Context, run *Run, status, reason string) error
	MonitorRun(ctx context.Context, id int64) (*Run, error)
	MonitorRuns(ctx context.Context, f RunFilter) ([]Run, error)
}

// RunOptions is what a run is asked for.
type RunOptions struct {
	// Region is a county or township code; AsOf the day.
	Region    string
	AsOf      civil.Date
	Scheduled bool
	Params    *policy.Set
	Calendar  *calendar.Calendar
	// Index is the blind index of an ID number (pii.Keys.Index).
	Index func(string) string
	Chunk int
	Stale time.Duration
	// Started is called once the run is begun, resumed or found done.
	Started func(*Run)
	// Progress is called after each chunk.
	Progress func(*Run)
}

// RunParams are the parameters a run of a county needs.
type RunParams struct {
	RepeatMonths int
	HandleWD     int
}

// CheckRun checks a run's region and day and reads the county's
// parameters.
// Errors: Invalid naming region, as_of or the missing parameter.
func CheckRun(set *policy.Set, code string, asOf civil.Date) (RunParams, error) {
	var l apperr.List
	if (len(code) != 6 && len(code) != 9) || strings.Trim(code, "0123456789") != "" {
		l.Addf("region", "a monitoring run is for a county (6 digits) or a township (9 digits), not %q", code)
	}
	if asOf.IsZero() || !asOf.Valid() {
		l.Addf("as_of", "the day of the monitoring run is required")
	}
	if err := l.Err(); err != nil {
		return RunParams{}, err
	}
	var out RunParams
	for _, p := range []struct {
		key string
		to  *int
	}{{"monitor.repeat.months", &out.RepeatMonths}, {"monitor.warning.handle_wd", &out.HandleWD}} {
		v, ok := set.Resolve(p.key, code[:6], asOf)
		if !ok {
			l.Addf("region", "county %s has not set the parameter %s: set it before monitoring runs", code[:6], p.key)
			continue
		}
		*p.to = v.Value.Count
	}
	return out, l.Err()
}

// RunRegion runs the monitoring run of o.Region on o.AsOf, or resumes it,
// and returns it; a run done already is returned as it is (Again set).
// Errors: Invalid (CheckRun; no active rule in force in the region);
// Conflict when the run is running elsewhere; context and store errors
// (the run is then marked cancelled or failed, and resumes when started
// again).
func RunRegion(ctx context.Context, st RunStore, o RunOptions) (run *Run, err error) {
	rp, err := CheckRun(o.Params, o.Region, o.AsOf)
	if err != nil {
		return nil, err
	}
	stored, err := st.Rules(ctx, RuleFilter{Region: o.Region})
	if err != nil {
		return nil, err
	}
	rules, err := NewRuleSet(stored)
	if err != nil {
		return nil, err
	}
	n := rules.Active(o.Region)
	if n == 0 {
		return nil, apperr.Fieldf("region", "no active risk rule is in force in %s: activate rules after their dry run first", o.Region)
	}
	stale, chunk := o.Stale, o.Chunk
	if stale <= 0 {
		stale = RunStale
	}
	if chunk <= 0 {
		chunk = 500
	}
	pop, err := st.MonitoredPopulation(ctx, CountQueryOf(o.Params, o.Region, o.AsOf, nil))
	if err != nil {
		return nil, err
	}
	run, err = st.BeginMonitorRun(ctx, o.Region, o.AsOf, o.Scheduled, int64(n), pop.Total.Total.Households, stale)
	if err == nil && o.Started != nil {
		o.Started(run)
	}
	if err != nil || run.Again {
		return run, err
	}
	defer func() {
		if err == nil || apperr.IsCode(err, apperr.Conflict) {
			return
		}
		status, reason := RunFailed, err.Error()
		if ctx.Err() != nil {
			status, reason = RunCancelled, "stopped"
		}
		if ferr := st.FinishMonitorRun(context.WithoutCancel(ctx), run, status, reason); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}()
	due, _ := o.Calendar.AddWorkdays(o.AsOf, rp.HandleWD)
	since := o.AsOf.AddMonths(-rp.RepeatMonths)
	q := Windows(o.Params, o.Region, o.AsOf)
	q.After, q.Limit = run.After, chunk
	var ev Evaluator
	var hits []Hit
	err = PassChunks(ctx, st, o.Index, o.Params, q, o.AsOf, func(passed []Passed, after int64) error {
		var ws []Warning
		var c ChunkCounts
		for _, p := range passed {
			region := p.Snapshot.Household.RegionCode
			var faults int
			hits, faults = ev.Household(rules, region, p.Subjects, hits[:0])
			c.Households++
			c.Persons += int64(len(p.Subjects))
			c.Errors += int64(faults)
			c.Hits += int64(len(hits))
			for _, h := range hits {
				w, err := newWarning(run, h, p, due)
				if err != nil {
					return err
				}
				ws = append(ws, w)
			}
		}
		if err := st.SaveWarnings(ctx, run, ws, since, c, after); err != nil {
			return err
		}
		if o.Progress != nil {
			o.Progress(run)
		}
		return nil
	})
	if err != nil {
		return run, err
	}
	return run, st.FinishMonitorRun(ctx, run, RunDone, "")
}

// newWarning is the warning of one hit, assigned to the household's
// township.
func newWarning(run *Run, h Hit, p Passed, due civil.Date) (Warning, error) {
	s := &p.Subjects[h.Subject]
	facts, err := json.Marshal(s)
	if err != nil {
		return Warning{}, err
	}
	hh := &p.Snapshot.Household
	r := &h.Rule.Rule
	return Warning{County: hh.CountyCode, Region: hh.RegionCode, RunID: run.ID, RuleID: r.ID, RuleCode: r.Code,
		HouseholdID: hh.ID, PersonID: s.Person.ID, Severity: r.Severity, Side: r.Side, Program: r.Program, Action: r.Action,
		Facts: facts, RaisedOn: run.AsOf, Status: WarningOpen, Role: auth.TownshipCaseworker, TaskRegion: township(hh.RegionCode),
		Due: due}, nil
}

// Percent is how far a run has got.
func (r *Run) Percent() int {
	if r.Status != RunRunning {
		return 100
	}
	if r.Total <= 0 {
		return 0
	}
	return int(min(99, r.Households*100/r.Total))
}
