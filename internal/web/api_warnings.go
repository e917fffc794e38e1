package web

import (
	"net/http"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/monitor"
	"safetynet/internal/region"
)

// Warnings (预警, docs/monitoring.md): lists in the jurisdiction and the
// caller's own (held=me: the warnings their role holds, the township's own
// and those escalated to it), one warning, its home visit, and the outcome
// that closes it. Opening a benefit review from a warning files the review
// and closes the warning with it.

func init() {
	apiDocs["GET /api/v1/monitor/warnings"] = apiDoc{Summary: "Warnings about households in the jurisdiction, newest first; held=me for those the caller's role holds (the township's, and those escalated to it); status is a comma list of open, visited, closed; overdue=1 for those past their due day; keyset pagination with ?before=",
		Query: []string{"status", "rule", "held", "overdue", "run", "household", "before", "limit"}, Response: page[monitor.Warning]{}}
	apiDocs["GET /api/v1/monitor/warnings/{id}"] = apiDoc{Summary: "One warning: the rule, what it saw (facts), who holds it, its due day, visit and outcome", Response: monitor.Warning{}}
	apiDocs["POST /api/v1/monitor/warnings/{id}/visit"] = apiDoc{Summary: "Record the home visit (入户核实) of a warning, with the version read; audited", Request: monitor.VisitInput{}, Response: monitor.Warning{}}
	apiDocs["POST /api/v1/monitor/warnings/{id}/close"] = apiDoc{Summary: "Close a visited warning with its outcome: application_started or review_started (with application_id), referral_made (with referral_id), no_need or unreachable (with a note); audited",
		Request: monitor.CloseInput{}, Response: monitor.Warning{}}
	apiDocs["POST /api/v1/monitor/warnings/{id}/review"] = apiDoc{Summary: "Open a review (复核) of one of the household's active enrollments from a visited warning, and close the warning with it", Request: warningReview{}, Response: monitor.Warning{}, Status: http.StatusCreated}
}

// warningFilterOf reads a list's query in the caller's jurisdiction.
// Errors: Invalid naming the parameter.
func (s *Server) warningFilterOf(r *http.Request) (monitor.WarningFilter, error) {
	q := r.URL.Query()
	p := principalOf(r)
	f := monitor.WarningFilter{Region: p.Region, RuleCode: q.Get("rule"), RunID: runIDParam(r)}
	var l apperr.List
	for v := range strings.SplitSeq(q.Get("status"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if !slices.Contains(monitor.WarningStatuses, monitor.WarningStatus(v)) {
			l.Addf("status", "%q is not a warning status: use open, visited or closed", v)
			continue
		}
		f.Statuses = append(f.Statuses, monitor.WarningStatus(v))
	}
	if q.Get("held") == "me" {
		f.HeldBy, f.HeldIn = p.Role, p.Region
	}
	if v := q.Get("overdue"); v == "1" || v == "true" {
		f.OverdueOn = s.today()
	}
	var err error
	if f.Household, err = intParam(r, "household"); err != nil {
		l.Add("household", err)
	}
	if f.Before, err = intParam(r, "before"); err != nil {
		l.Add("before", err)
	}
	n, err := intParam(r, "limit")
	if err != nil {
		l.Add("limit", err)
	}
	f.Limit = int(min(max(n, 0), 500))
	return f, l.Err()
}

func (s *Server) apiWarnings(w http.ResponseWriter, r *http.Request) {
	f, err := s.warningFilterOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	ws, err := s.DB.Warnings(r.Context(), f)
	out := page[monitor.Warning]{Items: ws}
	if out.Items == nil {
		out.Items = []monitor.Warning{}
	}
	if len(ws) == f.Limit {
		next := ws[len(ws)-1].ID
		out.Next = &next
	}
	s.answer(w, r, http.StatusOK, out, err)
}

// warningOf returns the {id} warning if it is about a household in the
// caller's jurisdiction. Errors: NotFound.
func (s *Server) warningOf(r *http.Request) (*monitor.Warning, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	w, err := s.DB.Warning(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !region.Within(w.Region, principalOf(r).Region) {
		return nil, apperr.Errorf(apperr.NotFound, "no warning %d", id)
	}
	return w, nil
}

func (s *Server) apiWarning(w http.ResponseWriter, r *http.Request) {
	wr, err := s.warningOf(r)
	s.answer(w, r, http.StatusOK, wr, err)
}

func (s *Server) apiWarningVisit(w http.ResponseWriter, r *http.Request) {
	wr, err := s.warningOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in monitor.VisitInput
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.DB.RecordVisit(r.Context(), wr.ID, in, s.today())
	s.answer(w, r, http.StatusOK, out, err)
}

func (s *Server) apiWarningClose(w http.ResponseWriter, r *http.Request) {
	wr, err := s.warningOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in monitor.CloseInput
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.DB.CloseWarning(r.Context(), wr.ID, in, s.today())
	s.answer(w, r, http.StatusOK, out, err)
}

// warningReview opens a review from a warning.
type warningReview struct {
	Version      int    `json:"version"`
	EnrollmentID int64  `json:"enrollment_id"`
	Note         string `json:"note"`
}

// reviewFromWarning opens a review of one of the warning's household's
// active enrollments (trigger "warning", the note citing the rule) and
// closes the warning with it.
// Errors: Invalid (no such active enrollment, the warning not visited),
// Conflict (stale), the review's.
func (s *Server) reviewFromWarning(r *http.Request, wr *monitor.Warning, req warningReview) (*monitor.Warning, error) {
	if !principalOf(r).Can(auth.CaseAct) {
		return nil, apperr.Errorf(apperr.Forbidden, "opening a review needs the right to handle cases")
	}
	if wr.Version != req.Version {
		return nil, apperr.Errorf(apperr.Conflict, "the warning was changed by someone else (version %d, you read %d): reload it", wr.Version, req.Version)
	}
	check := monitor.CloseInput{Version: wr.Version, Outcome: monitor.OutcomeReview, ApplicationID: 1}
	if err := check.Validate(wr); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Enrollment(r.Context(), scopeOf(r), req.EnrollmentID)
	if err != nil || e.HouseholdID != wr.HouseholdID || e.Status != casework.Active {
		return nil, apperr.Fieldf("enrollment_id", "choose one of the household's active benefits to review")
	}
	env, err := s.caseEnv(r)
	if err != nil {
		return nil, err
	}
	note := strings.TrimSpace(req.Note)
	if note == "" {
		note = langOf(r).T("Warning %d: %s", wr.ID, wr.RuleZH)
	}
	c, err := s.fileReview(r.Context(), scopeOf(r), e, reviewRequest{Trigger: casework.TriggerWarning, Note: note}, env)
	if err != nil {
		return nil, err
	}
	return s.DB.CloseWarning(r.Context(), wr.ID, monitor.CloseInput{Version: wr.Version, Outcome: monitor.OutcomeReview,
		ApplicationID: c.App.ID, Note: note}, s.today())
}

func (s *Server) apiWarningReview(w http.ResponseWriter, r *http.Request) {
	wr, err := s.warningOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req warningReview
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.reviewFromWarning(r, wr, req)
	s.answer(w, r, http.StatusCreated, out, err)
}
