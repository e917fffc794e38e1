package web

import (
	"context"
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/region"
)

// Monitoring runs (monitor.RunRegion): on demand from the API, the pages
// and the CLI, and once a month by themselves for every county with active
// rules (ScheduleMonitorRuns, from the daily work). A run started here
// goes on in the background, tracked with the imports so that a server
// stopping waits for it.

func init() {
	apiDocs["GET /api/v1/monitor/runs"] = apiDoc{Summary: "Monitoring runs (监测批次) of regions in the jurisdiction, newest first", Response: []monitorRunView{}}
	apiDocs["POST /api/v1/monitor/runs"] = apiDoc{Summary: "Start (or resume) the monitoring run of a county or township on a day (default today); 202 while it runs, 200 with the finished run if it was done already; audited",
		Request: runRequest{}, Response: monitorRunView{}, Status: http.StatusAccepted}
	apiDocs["GET /api/v1/monitor/runs/{id}"] = apiDoc{Summary: "One monitoring run with its counts: households and persons evaluated, warnings raised, repeats not raised again, run-time errors", Response: monitorRunView{}}
}

// startMonitorRun starts (or resumes) the run of code on day in the
// background and returns it once begun; a run already done is returned as
// it is. Errors: Invalid (region, day, parameters, no active rule),
// Conflict (running elsewhere).
func (s *Server) startMonitorRun(ctx context.Context, code string, day civil.Date, scheduled bool) (*monitor.Run, error) {
	set, err := s.paramSet(ctx)
	if err != nil {
		return nil, err
	}
	o := monitor.RunOptions{Region: code, AsOf: day, Scheduled: scheduled, Params: set, Calendar: s.calendar(ctx), Index: s.DB.IDIndex}
	if _, err := monitor.CheckRun(set, code, day); err != nil {
		return nil, err
	}
	return startInBackground(s, ctx, "monitoring run", []any{"region", code, "as_of", day}, func(ctx context.Context, started func(*monitor.Run)) error {
		o.Started = started
		_, err := monitor.RunRegion(ctx, s.DB, o)
		return err
	})
}

// startMonitorRunFor starts a run for the caller, in their jurisdiction.
func (s *Server) startMonitorRunFor(r *http.Request, code string, day civil.Date) (*monitor.Run, error) {
	if !region.Within(code, principalOf(r).Region) {
		return nil, apperr.Fieldf("region", "%s is outside your jurisdiction", code)
	}
	return s.startMonitorRun(r.Context(), code, day, false)
}

// ScheduleMonitorRuns starts this month's run of every county that has
// households and active rules and no scheduled run this month yet, one
// after another. Counties whose parameters are not set are skipped with
// a log line: their runs are on demand only until they set them.
func (s *Server) ScheduleMonitorRuns(ctx context.Context, today civil.Date) (int, error) {
	done, err := s.DB.ScheduledSince(ctx, today.MonthOf().First())
	if err != nil {
		return 0, err
	}
	counties, err := s.DB.Counties(ctx)
	if err != nil {
		return 0, err
	}
	set, err := s.paramSet(ctx)
	if err != nil {
		return 0, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Username: casework.System})
	started := 0
	for _, c := range counties {
		if _, ok := done[c]; ok || ctx.Err() != nil {
			continue
		}
		if _, err := monitor.CheckRun(set, c, today); err != nil {
			s.Log.DebugContext(ctx, "no monthly monitoring run", "county", c, "why", err)
			continue
		}
		o := monitor.RunOptions{Region: c, AsOf: today, Scheduled: true, Params: set, Calendar: s.calendar(ctx), Index: s.DB.IDIndex}
		run, err := monitor.RunRegion(ctx, s.DB, o)
		switch {
		case apperr.IsCode(err, apperr.Invalid) || apperr.IsCode(err, apperr.Conflict):
			continue // no active rule there, or a run under way
		case err != nil:
			return started, err
		case run.Again:
			continue // run on demand today already
		}
		started++
		s.Log.InfoContext(ctx, "monthly monitoring run", "county", c, "households", run.Households, "warnings", run.Raised)
	}
	return started, nil
}

// monitorRunView is a run as the API and the pages show it.
type monitorRunView struct {
	monitor.Run
	RegionName string `json:"region_name"`
	Percent    int    `json:"percent"`
}

func (s *Server) monitorRunViewOf(run *monitor.Run) monitorRunView {
	return monitorRunView{Run: *run, RegionName: s.regionName(run.Region), Percent: run.Percent()}
}

// monitorRunOf returns a run the caller may see. Errors: NotFound.
func (s *Server) monitorRunOf(r *http.Request, id int64) (*monitor.Run, error) {
	run, err := s.DB.MonitorRun(r.Context(), id)
	if err != nil {
		return nil, err
	}
	j := principalOf(r).Region
	if !region.Within(run.Region, j) && !region.Within(j, run.Region) {
		return nil, apperr.Errorf(apperr.NotFound, "no monitoring run %d", id)
	}
	return run, nil
}

func (s *Server) apiStartMonitorRun(w http.ResponseWriter, r *http.Request) {
	apiStartRegionRun(s, w, r, s.startMonitorRunFor, func(run *monitor.Run) (any, bool) { return s.monitorRunViewOf(run), run.Again })
}

func (s *Server) apiMonitorRuns(w http.ResponseWriter, r *http.Request) {
	runs, err := s.DB.MonitorRuns(r.Context(), monitor.RunFilter{Region: principalOf(r).Region, Limit: 100})
	out := []monitorRunView{}
	for i := range runs {
		out = append(out, s.monitorRunViewOf(&runs[i]))
	}
	s.answer(w, r, http.StatusOK, out, err)
}

func (s *Server) apiMonitorRun(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	run, err := s.monitorRunOf(r, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.monitorRunViewOf(run))
}

// runIDParam reads ?run= (0: none).
func runIDParam(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.URL.Query().Get("run"), 10, 64)
	return id
}

// monitorRunsView is the data of monitor_runs.html.
type monitorRunsView struct {
	view
	Runs     []monitorRunRow
	CanStart bool
	Region   formField
	AsOf     formField
	Problems []string
	// Following is the run the page follows while it runs (0: none).
	Following int64
}

type monitorRunRow struct {
	monitorRunView
	StatusLabel, Started string
}

func (s *Server) monitorRunsPage(w http.ResponseWriter, r *http.Request) {
	s.showMonitorRuns(w, r, nil, nil, http.StatusOK)
}

func (s *Server) showMonitorRuns(w http.ResponseWriter, r *http.Request, vals map[string]string, errs formErrors, status int) {
	l := langOf(r)
	p := principalOf(r)
	pg := &monitorRunsView{CanStart: p.Can(auth.MonitorRun)}
	pg.Title, pg.Here = l.T("Monitoring runs"), "/monitor/runs"
	runs, err := s.DB.MonitorRuns(r.Context(), monitor.RunFilter{Region: p.Region, Limit: 100})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for i := range runs {
		row := monitorRunRow{monitorRunView: s.monitorRunViewOf(&runs[i]), StatusLabel: l.enumLabel("run_status", runs[i].Status),
			Started: timestamp(runs[i].StartedAt)}
		if runs[i].Status == monitor.RunRunning && pg.Following == 0 {
			pg.Following = runs[i].ID
		}
		pg.Runs = append(pg.Runs, row)
	}
	pg.Region, pg.AsOf = s.regionRunFields(l, p, vals, errs, l.T("Day of the run"))
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "monitor_runs.html", pg)
}

func (s *Server) startMonitorRunSubmit(w http.ResponseWriter, r *http.Request) {
	vals := formValues(r, "region", "as_of")
	day, err := civil.ParseDate(vals["as_of"])
	if err != nil && vals["as_of"] != "" {
		err = apperr.Fieldf("as_of", "%q is not a date: write YYYY-MM-DD", vals["as_of"])
	} else if _, err = s.startMonitorRunFor(r, vals["region"], day); err == nil {
		seeOther(w, r, "/monitor/runs")
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.showMonitorRuns(w, r, vals, errorsOf(langOf(r), err), statusOf[apperr.CodeOf(err)])
}
