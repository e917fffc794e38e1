package web

import (
	"context"
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/verify"
)

// Verification runs (核对批次任务, verify.RunRegion): every household of a
// county or township with a benefit or a pending application verified as
// of a day, the list of those whose eligibility or amount would change,
// and the reviews opened from it. A run started here goes on in the
// background; its page follows it.

// startRun starts (or resumes) the run of region on day in the background
// and returns it once begun; a run already done is returned as is.
// Errors: Invalid (region or day, parameters not set), Conflict (running
// in another process).
func (s *Server) startRun(r *http.Request, code string, day civil.Date) (*verify.Run, error) {
	v, err := s.verifier(r.Context())
	if err != nil {
		return nil, err
	}
	if err := verify.CheckRunRegion(code, day); err != nil {
		return nil, err
	}
	if !region.Within(code, principalOf(r).Region) {
		return nil, apperr.Fieldf("region", "%s is outside your jurisdiction", code)
	}
	return startInBackground(s, r.Context(), "verification run", []any{"region", code, "as_of", day}, func(ctx context.Context, started func(*verify.Run)) error {
		_, err := v.RunRegion(ctx, s.DB, verify.RunOptions{Region: code, AsOf: day, Log: s.Log, Started: started})
		return err
	})
}

// runOf returns a run the caller may see. Errors: NotFound.
func (s *Server) runOf(r *http.Request) (*verify.Run, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	run, err := s.DB.Run(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !region.Within(run.Region, principalOf(r).Region) && !region.Within(principalOf(r).Region, run.Region) {
		return nil, apperr.Errorf(apperr.NotFound, "no verification run %d", id)
	}
	return run, nil
}

// runView is a run as the API and the pages show it.
type runView struct {
	verify.Run
	Message string `json:"message,omitempty"`
	Percent int    `json:"percent"`
}

func runViewOf(l lang, run *verify.Run) runView {
	v := runView{Run: *run, Percent: 100}
	if run.Status == verify.RunRunning && run.Households > 0 {
		v.Percent = int(min(99, run.Done()*100/run.Households))
	}
	if p, ok := run.Problem(); ok {
		v.Message = l.errMsg(p.Err(0))
	}
	v.Error = ""
	return v
}

// runRequest starts a run.
type runRequest struct {
	Region string `json:"region"`
	// AsOf is the day verified (default today).
	AsOf civil.Date `json:"as_of,omitzero"`
}

func (s *Server) apiStartRun(w http.ResponseWriter, r *http.Request) {
	apiStartRegionRun(s, w, r, s.startRun, func(run *verify.Run) (any, bool) { return runViewOf(langOf(r), run), run.Again })
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	runs, err := s.DB.Runs(r.Context(), verify.RunFilter{Region: principalOf(r).Region, Limit: 100})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []runView{}
	for i := range runs {
		out = append(out, runViewOf(langOf(r), &runs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.runOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, runViewOf(langOf(r), run))
}

// resultFilterOf reads ?changed=true, ?status=, ?after= and ?limit=.
func resultFilterOf(r *http.Request) verify.ResultFilter {
	q := r.URL.Query()
	f := verify.ResultFilter{Region: principalOf(r).Region, Limit: 200}
	if v := q.Get("changed"); v != "" {
		b := v == "true" || v == "1"
		f.Changed = &b
	}
	if v := q.Get("status"); v != "" {
		f.Status = &v
	}
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n <= 1000 {
		f.Limit = n
	}
	return f
}

func (s *Server) apiRunResults(w http.ResponseWriter, r *http.Request) {
	run, err := s.runOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, err := s.DB.RunResults(r.Context(), run.ID, resultFilterOf(r))
	if rs == nil {
		rs = []verify.Result{}
	}
	s.answer(w, r, http.StatusOK, rs, err)
}

// openRunReviews opens the reviews a finished run calls for, as the user.
func (s *Server) openRunReviews(r *http.Request, run *verify.Run) (verify.Reviews, error) {
	env, err := s.caseEnv(r)
	if err != nil {
		return verify.Reviews{}, err
	}
	return verify.OpenReviews(r.Context(), s.DB, s.DB, run.ID, env)
}

func (s *Server) apiRunReviews(w http.ResponseWriter, r *http.Request) {
	run, err := s.runOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.openRunReviews(r, run)
	s.answer(w, r, http.StatusOK, out, err)
}

// runsView is the data of verify_runs.html.
type runsView struct {
	view
	Runs     []runRow
	CanStart bool
	Region   formField
	AsOf     formField
	Problems []string
	Running  bool
}

type runRow struct {
	runView
	RegionName, StatusLabel, Started string
}

func (s *Server) runRows(l lang, runs []verify.Run) []runRow {
	var out []runRow
	for i := range runs {
		v := runViewOf(l, &runs[i])
		out = append(out, runRow{runView: v, RegionName: s.regionName(v.Region), StatusLabel: l.enumLabel("run_status", v.Status), Started: timestamp(v.StartedAt)})
	}
	return out
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	s.showRuns(w, r, &runsView{}, nil, nil, http.StatusOK)
}

func (s *Server) showRuns(w http.ResponseWriter, r *http.Request, pg *runsView, vals map[string]string, errs formErrors, status int) {
	l := langOf(r)
	p := principalOf(r)
	pg.Title = l.T("Verification runs")
	pg.Here = "/verification/runs"
	runs, err := s.DB.Runs(r.Context(), verify.RunFilter{Region: p.Region, Limit: 100})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.Runs = s.runRows(l, runs)
	for _, row := range pg.Runs {
		pg.Running = pg.Running || row.Status == verify.RunRunning
	}
	pg.CanStart = p.Can(auth.VerifyRun)
	pg.Region, pg.AsOf = s.regionRunFields(l, p, vals, errs, l.T("Verified as of"))
	pg.Problems = append(pg.Problems, errs.rest(l)...)
	s.render(w, r, status, "verify_runs.html", pg)
}

func (s *Server) startRunSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	day, err := civil.ParseDate(vals["as_of"])
	if err != nil && vals["as_of"] != "" {
		err = apperr.Fieldf("as_of", "%q is not a date: write YYYY-MM-DD", vals["as_of"])
	} else {
		var run *verify.Run
		if run, err = s.startRun(r, vals["region"], day); err == nil {
			seeOther(w, r, "/verification/runs/"+strconv.FormatInt(run.ID, 10))
			return
		}
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	s.showRuns(w, r, &runsView{}, vals, errorsOf(l, err), statusOf[apperr.CodeOf(err)])
}

// runRegionOptions lists the regions a user may start a run for: their
// county and its townships, or their township (none for a jurisdiction
// above a county: they type the code).
func (s *Server) runRegionOptions(p *auth.Principal) []option {
	var opts []option
	if len(p.Region) == 6 {
		opts = append(opts, option{p.Region, s.regionName(p.Region)})
	}
	if len(p.Region) == 6 || len(p.Region) == 9 {
		for _, t := range s.Regions.Children(p.Region[:6]) {
			if region.Within(t.Code, p.Region) {
				opts = append(opts, option{t.Code, t.Name})
			}
		}
	}
	return opts
}

// runPageView is the data of verify_run.html.
type runPageView struct {
	view
	Run            runRow
	Results        []resultRow
	Filter         string // "changed" or "all"
	Count          int64
	More           bool
	NextURL        string
	CanReview      bool
	Reviews        *verify.Reviews
	ReviewProblems []string
}

type resultRow struct {
	verify.Result
	StatusLabel string
	Programs    []resultProgram
	Why         string
}

type resultProgram struct {
	Name, Declared, Verified string
	Changed                  bool
	ReviewID                 int64
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	s.showRun(w, r, &runPageView{}, http.StatusOK)
}

func (s *Server) showRun(w http.ResponseWriter, r *http.Request, pg *runPageView, status int) {
	l := langOf(r)
	run, err := s.runOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := s.runRows(l, []verify.Run{*run})
	pg.Run = rows[0]
	pg.Title = l.T("Verification run %d", run.ID)
	pg.Here = "/verification/runs/" + strconv.FormatInt(run.ID, 10)
	f := resultFilterOf(r)
	pg.Filter = "all"
	if r.URL.Query().Get("all") == "" {
		changed := true
		f.Changed, pg.Filter = &changed, "changed"
	}
	if pg.Count, err = s.DB.CountRunResults(r.Context(), run.ID, verify.ResultFilter{Region: f.Region, Changed: f.Changed, Status: f.Status}); err != nil {
		s.renderError(w, r, err)
		return
	}
	rs, err := s.DB.RunResults(r.Context(), run.ID, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	lg := string(l)
	for _, res := range rs {
		row := resultRow{Result: res, StatusLabel: l.enumLabel("run_result", res.Status)}
		if p, ok := res.Problem(); ok {
			row.Why = l.errMsg(p.Err(0))
		}
		for _, p := range res.Programs {
			rp := resultProgram{Name: policy.ProgramName(p.Program, lg), Changed: p.Changed, ReviewID: p.ReviewApplicationID}
			if p.DeclaredVerdict != "" {
				rp.Declared = policy.VerdictName(p.DeclaredVerdict, lg) + " " + p.DeclaredAmount.String()
			}
			if p.VerifiedVerdict != "" {
				rp.Verified = policy.VerdictName(p.VerifiedVerdict, lg) + " " + p.VerifiedAmount.String()
			}
			row.Programs = append(row.Programs, rp)
		}
		pg.Results = append(pg.Results, row)
	}
	if len(rs) == f.Limit {
		pg.More = true
		pg.NextURL = pg.Here + "?after=" + strconv.FormatInt(rs[len(rs)-1].HouseholdID, 10)
		if pg.Filter == "all" {
			pg.NextURL += "&all=1"
		}
	}
	pg.CanReview = run.Status == verify.RunDone && principalOf(r).Can(auth.CaseAct) && run.Changed > 0
	s.render(w, r, status, "verify_run.html", pg)
}

// runReviewsSubmit opens the reviews the run calls for and shows the run
// with what was opened.
func (s *Server) runReviewsSubmit(w http.ResponseWriter, r *http.Request) {
	run, err := s.runOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	out, err := s.openRunReviews(r, run)
	pg := &runPageView{}
	if err != nil {
		if c := apperr.CodeOf(err); c != apperr.Conflict && c != apperr.Forbidden && c != apperr.Invalid {
			s.renderError(w, r, err)
			return
		}
		_, body := s.publicError(r, err)
		pg.ReviewProblems = []string{body.Message}
		s.showRun(w, r, pg, statusOf[apperr.CodeOf(err)])
		return
	}
	pg.Reviews = &out
	s.showRun(w, r, pg, http.StatusOK)
}
