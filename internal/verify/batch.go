package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// A verification run (核对批次任务) verifies every household of a region
// that has an active enrollment or a pending application, as of one day:
// "batch re-verification of all active beneficiaries of a region produces
// the list of households whose eligibility or amount would change, which
// feeds the periodic reviews" (issue 5). It is a job (DESIGN.md §8): one
// run per region and day, in keyset chunks of households, each chunk's
// results stored in one transaction with the run's heartbeat, so a run
// killed midway resumes where it stopped when started again, and a run
// whose process is alive is never run twice at once.
//
// Each household is verified by Verifier.Verify itself, fed from data read
// for the whole chunk: the sources once per run, the chunk's
// authorisations in one query, its members' current records in one query
// per 500 persons and its snapshots in a few, instead of a dozen queries
// per household.

// Run statuses.
const (
	RunRunning   = "running"
	RunDone      = "done"
	RunFailed    = "failed"    // stopped by an error; starting it again resumes it
	RunCancelled = "cancelled" // stopped by the operator; starting it again resumes it
)

// Result statuses.
const (
	ResultVerified        = "verified"
	ResultNoAuthorisation = "no_authorisation" // 无委托不核对: not checked
	ResultError           = "error"
)

// RunStale is how long a running run may go without storing a chunk before
// another process may take it over: a chunk takes seconds.
const RunStale = 5 * time.Minute

// Run is one verification run of a region on a day.
type Run struct {
	ID int64 `json:"id"`
	// Region is a county (6 digits) or township (9 digits) code.
	Region string     `json:"region"`
	AsOf   civil.Date `json:"as_of"`
	Status string     `json:"status"`
	// Households is the number to verify: counted when the run starts or
	// resumes, the number verified when it is done.
	Households      int64 `json:"households"`
	Verified        int64 `json:"verified"`
	NoAuthorisation int64 `json:"no_authorisation"`
	Errors          int64 `json:"errors"`
	// Changed counts the households whose verdict or amount in a program
	// concerned would change on verified values.
	Changed int64 `json:"changed"`
	// Reviews counts the reviews opened from the run (OpenReviews).
	Reviews    int64     `json:"reviews"`
	StartedBy  string    `json:"started_by"`
	StartedAt  time.Time `json:"started_at"`
	Heartbeat  time.Time `json:"heartbeat"`
	FinishedAt time.Time `json:"finished_at"`
	// Error is why a run failed or stopped: a Problem (see Problem).
	Error string `json:"error,omitempty"`
	// Lease identifies the process running the run; the store refuses
	// results under another lease.
	Lease string `json:"-"`
	// Resumed is set (not stored) when BeginRun took over a run that had
	// stopped; Again when the run was done already and nothing is to do.
	Resumed bool `json:"resumed,omitempty"`
	Again   bool `json:"again,omitempty"`
}

// Done is the number of households with a result.
func (r *Run) Done() int64 { return r.Verified + r.NoAuthorisation + r.Errors }

// Problem returns why the run failed or stopped, for the user's language.
func (r *Run) Problem() (Problem, bool) { return problemOf(r.Error) }

// Subject is one household a run verifies, with the programs concerned.
type Subject struct {
	HouseholdID int64
	County      string
	// Region is the household's region code: runs read households in
	// (Region, HouseholdID) order.
	Region   string
	Concerns []Concern
}

// Concern is a program a household is enrolled in or has applied for.
type Concern struct {
	Program       policy.Program
	EnrollmentID  int64 // the active enrollment (0: applied for)
	ApplicationID int64 // the pending application (0: enrolled)
}

// Result is what a run found about one household.
type Result struct {
	RunID           int64  `json:"run_id"`
	HouseholdID     int64  `json:"household_id"`
	HouseholdNumber string `json:"household_number"` // read with the result
	County          string `json:"county_code"`
	Status          string `json:"status"`
	// Message is why a household was not verified: a Problem (see
	// Problem).
	Message       string          `json:"message,omitempty"`
	Discrepancies int             `json:"discrepancies"`
	Changed       bool            `json:"changed"`
	Programs      []ProgramResult `json:"programs"`
	// ReportID is the report issued for a household where something
	// changed or differs (0: none); ReportNumber is read with the result.
	ReportID     int64  `json:"report_id,omitempty"`
	ReportNumber string `json:"report_number,omitempty"`
	// ReviewApplicationID is the first review opened from the result.
	ReviewApplicationID int64 `json:"review_application_id,omitempty"`
}

// Problem returns why the household was not verified, for the user's
// language.
func (r *Result) Problem() (Problem, bool) { return problemOf(r.Message) }

// Text is Message in English.
func (r *Result) Text() string {
	p, ok := r.Problem()
	if !ok {
		return r.Message
	}
	return apperr.Errorf(apperr.Invalid, p.Format, argsFor(p.Format, p.Args)...).Message
}

// ProgramResult is one program concerned in a household's result.
type ProgramResult struct {
	Program         policy.Program `json:"program"`
	EnrollmentID    int64          `json:"enrollment_id,omitempty"`
	ApplicationID   int64          `json:"application_id,omitempty"`
	DeclaredVerdict policy.Verdict `json:"declared_verdict,omitempty"`
	DeclaredAmount  money.Fen      `json:"declared_amount"`
	VerifiedVerdict policy.Verdict `json:"verified_verdict,omitempty"`
	VerifiedAmount  money.Fen      `json:"verified_amount"`
	Changed         bool           `json:"changed"`
	Error           string         `json:"error,omitempty"`
	// ReviewApplicationID is the review opened for an enrolled program
	// that changed (OpenReviews).
	ReviewApplicationID int64 `json:"review_application_id,omitempty"`
}

// RunFilter selects runs. Zero fields do not filter.
type RunFilter struct {
	// Region is a jurisdiction: runs of regions inside it.
	Region string
	Status *string
	// Before is the keyset: runs with a smaller id (newest first).
	Before int64
	Limit  int
}

// ResultFilter selects a run's results. Zero fields do not filter.
type ResultFilter struct {
	// Region is a jurisdiction: households inside it.
	Region  string
	Changed *bool
	Status  *string
	// After is the keyset: households with a larger id, in id order.
	After int64
	Limit int
}

// RunStore keeps verification runs and their results, and reads what a
// run needs in chunks. Every change is audited.
type RunStore interface {
	// BeginRun starts the run of region on asOf, or takes over the run
	// that exists unless it is running with a heartbeat newer than stale:
	// a failed, cancelled or killed run resumes (Resumed set), a done one
	// is returned with Again set. Either way the run gets a new Lease and
	// Households is counted again.
	// Errors: Conflict when the run is running in another process.
	BeginRun(ctx context.Context, region string, asOf civil.Date, stale time.Duration) (*Run, error)
	// RunSubjects returns up to limit households of the run's region
	// with an active enrollment or a pending application and no result
	// in the run yet, with the programs concerned, in (Region,
	// HouseholdID) order after after (the zero Subject: from the start).
	RunSubjects(ctx context.Context, run *Run, after Subject, limit int) ([]Subject, error)
	// HouseholdsAt returns the households with the given ids as they
	// stood on day d (registry.Store's HouseholdAt for many at once),
	// leaving out those not registered by then.
	HouseholdsAt(ctx context.Context, ids []int64, d civil.Date) (map[int64]*registry.Snapshot, error)
	// AuthorisationsOf returns the households' authorisations, by
	// household, newest first.
	AuthorisationsOf(ctx context.Context, ids []int64) (map[int64][]Authorisation, error)
	// RunReports returns the reports issued on the run's day since it
	// started for the given households, by household: a resumed run
	// links them rather than issuing them again.
	RunReports(ctx context.Context, run *Run, ids []int64) (map[int64]int64, error)
	// SaveResults stores a chunk of results (a household with a result
	// already is skipped), adds them to the run's counts and beats its
	// heartbeat, in one transaction.
	// Errors: Conflict when the run is no longer running under run.Lease.
	SaveResults(ctx context.Context, run *Run, results []Result) error
	// FinishRun ends a running run as done, failed or cancelled, with the
	// reason (a ProblemText) for the last two.
	// Errors: Conflict when the run is no longer running under run.Lease.
	FinishRun(ctx context.Context, run *Run, status, reason string) error
	// Run returns a run. Errors: NotFound.
	Run(ctx context.Context, id int64) (*Run, error)
	// Runs lists runs, newest first.
	Runs(ctx context.Context, f RunFilter) ([]Run, error)
	// RunResults lists a run's results in household order.
	RunResults(ctx context.Context, run int64, f ResultFilter) ([]Result, error)
	// CountRunResults counts the results RunResults would list without
	// paging.
	CountRunResults(ctx context.Context, run int64, f ResultFilter) (int64, error)
	// SetReview records the review opened for a program of a result and
	// counts it on the run. Errors: NotFound.
	SetReview(ctx context.Context, run, household int64, program policy.Program, application int64) error
}

// RunOptions is what a run is asked for.
type RunOptions struct {
	// Region is a county or township code; AsOf the day verified.
	Region string
	AsOf   civil.Date
	// Chunk is the number of households read and stored together
	// (default 200).
	Chunk int
	// Stale is how long a running run may be silent before it is taken
	// over (default RunStale).
	Stale time.Duration
	// Started, when set, is called once the run is begun or resumed (or
	// found done), before any household is verified: a server answers
	// the request with it and lets the run go on.
	Started func(*Run)
	// Progress is called after each chunk with the run's counts.
	Progress func(*Run)
	// Log receives the internal errors that stopped one household's
	// verification (the result says only that one occurred).
	Log *slog.Logger
}

// CheckRunRegion checks a run's region and day.
// Errors: Invalid naming region or as_of.
func CheckRunRegion(code string, asOf civil.Date) error {
	var l apperr.List
	if (len(code) != 6 && len(code) != 9) || strings.Trim(code, "0123456789") != "" {
		l.Addf("region", "a verification run is for a county (6 digits) or a township (9 digits), not %q", code)
	}
	if asOf.IsZero() || !asOf.Valid() {
		l.Addf("as_of", "the day of the verification run is required")
	}
	return l.Err()
}

// RunRegion runs the verification run of o.Region on o.AsOf, or resumes it,
// and returns it; a run done already is returned as it is (Again set). A
// cancelled ctx stops it after the chunk under way, marked cancelled; a
// store error marks it failed. Either way starting it again resumes it.
// Reports are issued (Store.SaveReport) only for the households where a
// program's verdict or amount would change or a declared value differs.
// Errors: Invalid (CheckRunRegion; a county without
// verify.reference_months); Conflict when the run is running elsewhere;
// context errors; the store's errors.
func (v *Verifier) RunRegion(ctx context.Context, st RunStore, o RunOptions) (run *Run, err error) {
	if err := CheckRunRegion(o.Region, o.AsOf); err != nil {
		return nil, err
	}
	if _, err := v.period(o.Region[:6], o.AsOf); err != nil {
		return nil, err
	}
	stale, chunk := o.Stale, o.Chunk
	if stale <= 0 {
		stale = RunStale
	}
	if chunk <= 0 {
		chunk = 200
	}
	run, err = st.BeginRun(ctx, o.Region, o.AsOf, stale)
	if err == nil && o.Started != nil {
		o.Started(run)
	}
	if err != nil || run.Again {
		return run, err
	}
	defer func() {
		if err == nil || apperr.IsCode(err, apperr.Conflict) {
			return // done, or another process runs it now (the lease was lost)
		}
		status, reason := RunFailed, ProblemText(problemFrom(err))
		if ctx.Err() != nil {
			status, reason = RunCancelled, ProblemText(Problem{Format: "the verification run was stopped: start it again to resume it"})
		}
		if ferr := st.FinishRun(context.WithoutCancel(ctx), run, status, reason); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}()
	infos, err := v.Store.Sources(ctx)
	if err != nil {
		return run, err
	}
	var after Subject
	for {
		if err := ctx.Err(); err != nil {
			return run, err
		}
		subjects, err := st.RunSubjects(ctx, run, after, chunk)
		if err != nil {
			return run, err
		}
		if len(subjects) == 0 {
			break
		}
		after = subjects[len(subjects)-1]
		results, err := v.verifyChunk(ctx, st, run, infos, subjects, o.Log)
		if err != nil {
			return run, err
		}
		if err := st.SaveResults(ctx, run, results); err != nil {
			return run, err
		}
		if o.Progress != nil {
			o.Progress(run)
		}
	}
	return run, st.FinishRun(ctx, run, RunDone, "")
}

// chunkStore answers Verify from what was read for a whole chunk; the rest
// of Store passes through.
type chunkStore struct {
	Store
	sources []SourceInfo
	auths   map[int64][]Authorisation
	records map[string][]StoredRecord // by person index, in (source, id) order
}

func (c *chunkStore) Sources(context.Context) ([]SourceInfo, error) { return c.sources, nil }

func (c *chunkStore) Authorisations(_ context.Context, household int64) ([]Authorisation, error) {
	return c.auths[household], nil
}

func (c *chunkStore) CurrentRecords(_ context.Context, indexes []string) ([]StoredRecord, error) {
	var out []StoredRecord
	for _, idx := range indexes {
		out = append(out, c.records[idx]...)
	}
	return out, nil
}

// verifyChunk verifies a chunk of households and issues the reports worth
// keeping.
func (v *Verifier) verifyChunk(ctx context.Context, st RunStore, run *Run, infos []SourceInfo, subjects []Subject, log *slog.Logger) ([]Result, error) {
	ids := make([]int64, len(subjects))
	for i, s := range subjects {
		ids[i] = s.HouseholdID
	}
	snaps, err := st.HouseholdsAt(ctx, ids, run.AsOf)
	if err != nil {
		return nil, err
	}
	auths, err := st.AuthorisationsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var indexes []string
	for _, s := range snaps {
		for _, m := range s.Household.Members {
			if idx := v.Index(m.Person.IDNumber); idx != "" {
				indexes = append(indexes, idx)
			}
		}
	}
	recs, err := v.Store.CurrentRecords(ctx, indexes)
	if err != nil {
		return nil, err
	}
	byIndex := map[string][]StoredRecord{}
	for _, r := range recs {
		byIndex[r.PersonIndex] = append(byIndex[r.PersonIndex], r)
	}
	var issued map[int64]int64
	if run.Resumed {
		if issued, err = st.RunReports(ctx, run, ids); err != nil {
			return nil, err
		}
	}
	cv := &Verifier{Store: &chunkStore{Store: v.Store, sources: infos, auths: auths, records: byIndex}, Index: v.Index, Params: v.Params}
	out := make([]Result, 0, len(subjects))
	for _, s := range subjects {
		r := Result{RunID: run.ID, HouseholdID: s.HouseholdID, County: s.County, Programs: []ProgramResult{}}
		snap := snaps[s.HouseholdID]
		if snap == nil {
			r.fail(apperr.Errorf(apperr.NotFound, "household %d was not yet registered on %s", s.HouseholdID, run.AsOf), log)
			out = append(out, r)
			continue
		}
		rep, err := cv.Verify(ctx, Request{Snapshot: snap, AsOf: run.AsOf, ApplicationID: s.application(), Programs: s.programs()})
		if err != nil {
			r.fail(err, log)
			out = append(out, r)
			continue
		}
		r.record(rep, s)
		if r.Changed || r.Discrepancies > 0 {
			if id := issued[s.HouseholdID]; id != 0 {
				r.ReportID = id
			} else {
				if err := v.Store.SaveReport(ctx, rep); err != nil {
					return nil, err
				}
				r.ReportID = rep.ID
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// programs returns the programs concerned, each once.
func (s *Subject) programs() []policy.Program {
	var out []policy.Program
	for _, c := range s.Concerns {
		if !slices.Contains(out, c.Program) {
			out = append(out, c.Program)
		}
	}
	return out
}

// application is the pending application the household's report belongs
// to: the only one (0 when none or several).
func (s *Subject) application() int64 {
	var id int64
	for _, c := range s.Concerns {
		if c.ApplicationID != 0 {
			if id != 0 {
				return 0
			}
			id = c.ApplicationID
		}
	}
	return id
}

// record fills a verified result from the household's report.
func (r *Result) record(rep *Report, s Subject) {
	r.Status, r.Discrepancies = ResultVerified, len(rep.Discrepancies)
	for _, c := range s.Concerns {
		p := ProgramResult{Program: c.Program, EnrollmentID: c.EnrollmentID, ApplicationID: c.ApplicationID}
		for _, pc := range rep.Programs {
			if pc.Program == c.Program {
				p.DeclaredVerdict, p.DeclaredAmount, p.VerifiedVerdict, p.VerifiedAmount = pc.DeclaredVerdict, pc.DeclaredAmount, pc.VerifiedVerdict, pc.VerifiedAmount
				p.Changed, p.Error = pc.Changed(), pc.Error
			}
		}
		r.Changed = r.Changed || p.Changed
		r.Programs = append(r.Programs, p)
	}
}

// fail records why a household was not verified: without a valid
// authorisation it is not checked (无委托不核对); anything else is an
// error, an internal one logged and not shown.
func (r *Result) fail(err error, log *slog.Logger) {
	r.Status = ResultError
	if e := apperr.As(err); e != nil && e.Field == "authorisation" {
		r.Status = ResultNoAuthorisation
	}
	if apperr.As(err) == nil && log != nil {
		log.Error("verification run: a household was not verified", "run", r.RunID, "household", r.HouseholdID, "err", err)
	}
	r.Message = ProblemText(problemFrom(err))
}

// problemFrom keeps an application error's English format and arguments,
// so the web layer can show it in the user's language; any other error is
// internal and says only that.
func problemFrom(err error) Problem {
	e := apperr.As(err)
	switch {
	case e == nil:
		return Problem{Format: "an internal error stopped the verification: the server's log has the details"}
	case e.Format() == "":
		return Problem{Field: e.Field, Format: strings.ReplaceAll(e.Message, "%", "%%")}
	}
	return Problem{Field: e.Field, Format: e.Format(), Args: textArgs(e.Args())}
}

// problemOf reads a stored Problem; ok is false for none or plain text.
func problemOf(s string) (p Problem, ok bool) {
	if s == "" || s[0] != '{' {
		return Problem{}, false
	}
	return p, json.Unmarshal([]byte(s), &p) == nil && p.Format != ""
}

// ReviewStore is what OpenReviews needs of the registry and casework.
type ReviewStore interface {
	Household(ctx context.Context, scope registry.Scope, id int64) (*registry.Household, error)
	Enrollments(ctx context.Context, scope registry.Scope, householdID int64) ([]casework.Enrollment, error)
	CreateApplication(ctx context.Context, scope registry.Scope, c *casework.Change) error
}

// Reviews counts what OpenReviews did.
type Reviews struct {
	Opened int `json:"opened"`
	// Open: the program has an open application or review already.
	Open int `json:"open"`
	// NotEnrolled: the enrollment is no longer active.
	NotEnrolled int `json:"not_enrolled"`
	// Applications: changed programs of pending applications, which
	// their report informs (nothing to review).
	Applications int `json:"applications"`
	// Refused: casework refused the review (a one-off program, a
	// parameter missing); Errors holds the first few reasons.
	Refused int     `json:"refused"`
	Errors  []error `json:"-"`
}

// OpenReviews feeds a finished run into the periodic reviews: for every
// household whose verdict or amount in an enrolled program would change,
// it opens a review of the active enrollment (casework.NewReview, trigger
// "verification": 核对发现) citing the run and the report, unless the program has
// an open application or review already. It is idempotent: the review is
// recorded on the result and never opened twice. env's actor opens them
// (casework.System for a job).
// Errors: Conflict when the run is not done; NotFound; Forbidden from
// NewReview for an actor who may not open reviews; the store's errors.
func OpenReviews(ctx context.Context, st RunStore, cases ReviewStore, runID int64, env *casework.Env) (Reviews, error) {
	var out Reviews
	run, err := st.Run(ctx, runID)
	if err != nil {
		return out, err
	}
	if run.Status != RunDone {
		return out, apperr.Errorf(apperr.Conflict, "verification run %d is %s: reviews are opened from a finished run", run.ID, run.Status)
	}
	changed, status := true, ResultVerified
	f := ResultFilter{Changed: &changed, Status: &status, Limit: 200}
	for {
		page, err := st.RunResults(ctx, run.ID, f)
		if err != nil || len(page) == 0 {
			return out, err
		}
		for i := range page {
			if err := openReviews(ctx, st, cases, run, &page[i], env, &out); err != nil {
				return out, err
			}
		}
		f.After = page[len(page)-1].HouseholdID
	}
}

// openReviews opens the reviews due from one result.
func openReviews(ctx context.Context, st RunStore, cases ReviewStore, run *Run, r *Result, env *casework.Env, out *Reviews) error {
	scope := registry.Scope{Region: r.County}
	var es []casework.Enrollment
	for _, p := range r.Programs {
		if p.Changed && p.EnrollmentID == 0 {
			out.Applications++
		}
		if !p.Changed || p.EnrollmentID == 0 || p.ReviewApplicationID != 0 {
			continue
		}
		if es == nil {
			var err error
			if es, err = cases.Enrollments(ctx, scope, r.HouseholdID); err != nil {
				return err
			}
		}
		i := slices.IndexFunc(es, func(e casework.Enrollment) bool { return e.Program == p.Program && e.Status == casework.Active })
		if i < 0 {
			out.NotEnrolled++
			continue
		}
		h, err := cases.Household(ctx, scope, r.HouseholdID)
		if err != nil {
			return err
		}
		if len(h.Members) == 0 {
			out.NotEnrolled++
			continue
		}
		// The head answers for the household, as for a scheduled review.
		c, err := casework.NewReview(es[i], h.Members[0].Person.ID, casework.TriggerVerification, reviewNote(run, r, p), env)
		if err == nil {
			err = cases.CreateApplication(ctx, scope, c)
		}
		switch {
		case err == nil:
			if err := st.SetReview(ctx, run.ID, r.HouseholdID, p.Program, c.App.ID); err != nil {
				return err
			}
			out.Opened++
		case apperr.IsCode(err, apperr.Conflict):
			out.Open++
		case apperr.IsCode(err, apperr.Invalid):
			out.Refused++
			if len(out.Errors) < 5 {
				out.Errors = append(out.Errors, fmt.Errorf("household %s, %s: %w", h.Number, p.Program, err))
			}
		default:
			return err
		}
	}
	return nil
}

// reviewNote is the review's reason: what the verification found, with
// the run and the report it came from.
func reviewNote(run *Run, r *Result, p ProgramResult) string {
	verdict := func(v policy.Verdict) string {
		if v == "" {
			return "无结论"
		}
		return policy.VerdictName(v, "zh")
	}
	return fmt.Sprintf("核对发现（家庭经济状况核对任务 %d，%s，核对日 %s，核对报告 %s）：%s 按申报 %s、%s 元，按核对 %s、%s 元",
		run.ID, run.Region, run.AsOf, r.ReportNumber, policy.ProgramName(p.Program, "zh"),
		verdict(p.DeclaredVerdict), p.DeclaredAmount, verdict(p.VerifiedVerdict), p.VerifiedAmount)
}
