package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
)

// The warnings' pages: the list (by default the warnings the user's role
// holds, open first), and one warning with what the rule saw, the home
// visit and the outcome that closes it.

// warningsView is the data of monitor_warnings.html.
type warningsView struct {
	view
	Rows     []warningRow
	Scope    string // "mine", "open", "overdue", "all"
	Scopes   []option
	Rule     string
	Rules    []option
	RunID    int64
	Count    int64
	NextURL  string
	Problems []string
}

type warningRow struct {
	monitor.Warning
	RuleName, StatusLabel, SeverityLabel, Holder string
	Overdue                                      bool
}

func (s *Server) warningRowOf(l lang, w *monitor.Warning, today civil.Date) warningRow {
	row := warningRow{Warning: *w, RuleName: w.RuleZH, StatusLabel: l.enumLabel("warning_status", string(w.Status)),
		SeverityLabel: l.enumLabel("rule_severity", string(w.Severity)), Overdue: w.Overdue(today)}
	if l == langEN && w.RuleEN != "" {
		row.RuleName = w.RuleEN
	}
	role, at := w.Holder()
	row.Holder = l.enumLabel("role", string(role)) + " · " + s.regionName(at)
	return row
}

func (s *Server) warningsPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	p := principalOf(r)
	q := r.URL.Query()
	pg := &warningsView{Scope: q.Get("scope"), Rule: q.Get("rule"), RunID: runIDParam(r)}
	pg.Title, pg.Here = l.T("Warnings"), "/monitor/warnings"
	if pg.Scope == "" {
		pg.Scope = "all"
		if p.Can(auth.WarningHandle) && pg.RunID == 0 {
			pg.Scope = "mine"
		}
	}
	f := monitor.WarningFilter{Region: p.Region, RuleCode: pg.Rule, RunID: pg.RunID, Limit: 50}
	open := []monitor.WarningStatus{monitor.WarningOpen, monitor.WarningVisited}
	today := s.today()
	switch pg.Scope {
	case "mine":
		f.HeldBy, f.HeldIn, f.Statuses = p.Role, p.Region, open
	case "open":
		f.Statuses = open
	case "overdue":
		f.OverdueOn = today
	case "closed":
		f.Statuses = []monitor.WarningStatus{monitor.WarningClosed}
	default:
		pg.Scope = "all"
	}
	for _, sc := range []string{"mine", "open", "overdue", "closed", "all"} {
		pg.Scopes = append(pg.Scopes, option{sc, l.enumLabel("warning_scope", sc)})
	}
	var err error
	if f.Before, err = intParam(r, "before"); err != nil {
		s.renderError(w, r, err)
		return
	}
	rules, err := s.DB.Rules(r.Context(), monitor.RuleFilter{Region: p.Region})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seen := map[string]bool{}
	for _, ru := range rules {
		if !seen[ru.Code] {
			seen[ru.Code] = true
			name := ru.ZH
			if l == langEN && ru.EN != "" {
				name = ru.EN
			}
			pg.Rules = append(pg.Rules, option{ru.Code, name})
		}
	}
	ws, err := s.DB.Warnings(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	count := f
	count.Before = 0
	if pg.Count, err = s.DB.CountWarnings(r.Context(), count); err != nil {
		s.renderError(w, r, err)
		return
	}
	for i := range ws {
		pg.Rows = append(pg.Rows, s.warningRowOf(l, &ws[i], today))
	}
	if len(ws) == f.Limit {
		next := url.Values{"scope": {pg.Scope}, "before": {strconv.FormatInt(ws[len(ws)-1].ID, 10)}}
		if pg.Rule != "" {
			next.Set("rule", pg.Rule)
		}
		if pg.RunID != 0 {
			next.Set("run", strconv.FormatInt(pg.RunID, 10))
		}
		pg.NextURL = "/monitor/warnings?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "monitor_warnings.html", pg)
}

// warningView is the data of monitor_warning.html.
type warningView struct {
	view
	W         warningRow
	Rule      *monitor.Rule
	Facts     []factRow
	CanHandle bool
	Closed    bool
	// The forms: the visit, the outcome, and a review from the warning.
	Visit        []formField
	Outcome      []formField
	Review       []formField
	Applications []appChoice
	OutcomeLabel string
	Problems     []string
	Saved        string
}

// factRow is one fact the rule saw; Used when the rule's expression
// names it.
type factRow struct {
	Name, Value string
	Used        bool
}

// appChoice is an application the outcome may name.
type appChoice struct {
	ID             int64
	Label          string
	Review         bool
	FiledOn, State string
}

func (s *Server) warningPage(w http.ResponseWriter, r *http.Request) {
	s.showWarning(w, r, nil, nil, "", http.StatusOK)
}

// showWarning renders a warning with its forms; vals and errs refill the
// form named by form ("visit", "close", "review") after a refusal.
func (s *Server) showWarning(w http.ResponseWriter, r *http.Request, vals map[string]string, errs formErrors, form string, status int) {
	l := langOf(r)
	wr, err := s.warningOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := principalOf(r)
	today := s.today()
	pg := &warningView{W: s.warningRowOf(l, wr, today), CanHandle: p.Can(auth.WarningHandle) && wr.Status != monitor.WarningClosed,
		Closed: wr.Status == monitor.WarningClosed, Saved: r.URL.Query().Get("saved")}
	pg.Title = l.T("Warning %d", wr.ID)
	pg.Here = "/monitor/warnings/" + strconv.FormatInt(wr.ID, 10)
	if rule, err := s.DB.Rule(r.Context(), wr.RuleID); err == nil {
		pg.Rule = rule
	}
	pg.Facts = factRows(l, wr.Facts)
	if pg.Rule != nil {
		for i := range pg.Facts {
			pg.Facts[i].Used = strings.Contains(pg.Rule.Expression, pg.Facts[i].Name)
		}
		slices.SortStableFunc(pg.Facts, func(a, b factRow) int {
			if a.Used == b.Used {
				return 0
			}
			if a.Used {
				return -1
			}
			return 1
		})
	}
	if wr.Outcome != "" {
		pg.OutcomeLabel = l.enumLabel("warning_outcome", string(wr.Outcome))
	}
	if errs == nil {
		errs = formErrors{}
	}
	if vals == nil {
		vals = map[string]string{"on": today.String()}
	}
	take := func(f string, field string) string {
		if form != f {
			return ""
		}
		return errs.take(field)
	}
	pg.Visit = []formField{
		{Name: "on", Label: l.T("Day of the visit"), Kind: "date", Value: vals["on"], Required: true, Error: take("visit", "on")},
		{Name: "note", Label: l.T("What the visit found"), Kind: "textarea", Value: vals["note"], Required: true, Wide: true, Error: take("visit", "note")},
	}
	apps, err := s.Cases.Applications(r.Context(), scopeOf(r), casework.Filter{HouseholdID: wr.HouseholdID, Limit: 50})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	plain, err := s.Cases.Applications(r.Context(), scopeOf(r), casework.Filter{HouseholdID: wr.HouseholdID, NoReviews: true, Limit: 50})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var appOpts []option
	for _, a := range apps {
		if a.FiledOn.Before(wr.RaisedOn) {
			continue
		}
		review := !slices.ContainsFunc(plain, func(p casework.Summary) bool { return p.ID == a.ID })
		label := l.T("Application %d", a.ID)
		if review {
			label = l.T("Review %d", a.ID)
		}
		label += " · " + l.enumLabel("program", string(a.Program)) + " · " + a.FiledOn.String()
		pg.Applications = append(pg.Applications, appChoice{ID: a.ID, Label: label, Review: review, FiledOn: a.FiledOn.String(),
			State: l.enumLabel("case_state", string(a.State))})
		appOpts = append(appOpts, option{strconv.FormatInt(a.ID, 10), label})
	}
	var refOpts []option
	if p.Can(auth.ReferralRead) {
		refs, err := s.DB.HouseholdReferrals(r.Context(), wr.HouseholdID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, rf := range refs {
			if !rf.SentOn.Before(wr.RaisedOn) {
				refOpts = append(refOpts, option{strconv.FormatInt(rf.ID, 10), l.T("Referral %d", rf.ID) + " · " + rf.PartnerName + " · " + rf.SentOn.String()})
			}
		}
	}
	pg.Outcome = []formField{
		{Name: "outcome", Label: l.T("Outcome"), Kind: "select", Value: vals["outcome"], Required: true, Error: take("close", "outcome"),
			Groups: enumOptions(l, "warning_outcome", outcomeValues(), l.T("Choose…"))},
		{Name: "application_id", Label: l.T("The application or review it started"), Kind: "select", Value: vals["application_id"], Error: take("close", "application_id"),
			Groups: []optGroup{{Options: append([]option{{"", l.T("None")}}, appOpts...)}},
			Hint:   l.T("Applications and reviews of the household filed since the warning was raised")},
		{Name: "referral_id", Label: l.T("The referral made"), Kind: "select", Value: vals["referral_id"], Error: take("close", "referral_id"),
			Groups: []optGroup{{Options: append([]option{{"", l.T("None")}}, refOpts...)}},
			Hint:   l.T("Referrals of the household sent since the warning was raised")},
		{Name: "close_note", Label: l.T("Reason or note"), Kind: "textarea", Value: vals["close_note"], Wide: true, Error: take("close", "note"),
			Hint: l.T("Required for \"no need\" and \"cannot be reached\"")},
	}
	if p.Can(auth.CaseAct) {
		es, err := s.Enrollments.Enrollments(r.Context(), scopeOf(r), wr.HouseholdID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		var opts []option
		for _, e := range es {
			if e.Status == casework.Active {
				opts = append(opts, option{strconv.FormatInt(e.ID, 10), l.enumLabel("program", string(e.Program))})
			}
		}
		if len(opts) > 0 {
			pg.Review = []formField{
				{Name: "enrollment_id", Label: l.T("Benefit to review"), Kind: "select", Value: vals["enrollment_id"], Required: true, Error: take("review", "enrollment_id"),
					Groups: []optGroup{{Options: opts}}},
				{Name: "review_note", Label: l.T("Reason for the review"), Kind: "textarea", Value: vals["review_note"], Wide: true, Error: take("review", "note"),
					Hint: l.T("Leave empty to cite the warning")},
			}
		}
	}
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "monitor_warning.html", pg)
}

func outcomeValues() []string {
	out := make([]string, len(monitor.Outcomes))
	for i, o := range monitor.Outcomes {
		out[i] = string(o)
	}
	return out
}

// factRows lists the facts a rule saw, person first, with their names as
// rules write them (person.age) and the values as people read them.
func factRows(l lang, raw json.RawMessage) []factRow {
	var facts map[string]map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&facts); err != nil {
		return nil
	}
	var out []factRow
	for _, group := range []string{"person", "household", "params"} {
		keys := make([]string, 0, len(facts[group]))
		for k := range facts[group] {
			if k != "id" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, factRow{Name: group + "." + k, Value: factValue(l, facts[group][k])})
		}
	}
	return out
}

func factValue(l lang, v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return l.T("yes")
		}
		return l.T("no")
	case nil:
		return "—"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = factValue(l, x)
		}
		return strings.Join(parts, ", ")
	case json.Number:
		return v.String()
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (s *Server) warningVisitSubmit(w http.ResponseWriter, r *http.Request) {
	wr, err := s.warningOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "version", "on", "note")
	in := monitor.VisitInput{Note: v["note"]}
	in.Version, _ = strconv.Atoi(v["version"])
	if in.On, err = civil.ParseDate(v["on"]); err != nil && v["on"] != "" {
		err = apperr.Fieldf("on", "%q is not a date: write YYYY-MM-DD", v["on"])
	} else {
		_, err = s.DB.RecordVisit(r.Context(), wr.ID, in, s.today())
	}
	s.afterWarningForm(w, r, wr, err, "visit", v)
}

func (s *Server) warningCloseSubmit(w http.ResponseWriter, r *http.Request) {
	wr, err := s.warningOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "version", "outcome", "application_id", "referral_id", "close_note")
	in := monitor.CloseInput{Outcome: monitor.Outcome(v["outcome"]), Note: v["close_note"]}
	in.Version, _ = strconv.Atoi(v["version"])
	in.ApplicationID, _ = strconv.ParseInt(v["application_id"], 10, 64)
	in.ReferralID, _ = strconv.ParseInt(v["referral_id"], 10, 64)
	_, err = s.DB.CloseWarning(r.Context(), wr.ID, in, s.today())
	s.afterWarningForm(w, r, wr, err, "close", v)
}

func (s *Server) warningReviewSubmit(w http.ResponseWriter, r *http.Request) {
	wr, err := s.warningOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "version", "enrollment_id", "review_note")
	req := warningReview{Note: v["review_note"]}
	req.Version, _ = strconv.Atoi(v["version"])
	req.EnrollmentID, _ = strconv.ParseInt(v["enrollment_id"], 10, 64)
	_, err = s.reviewFromWarning(r, wr, req)
	s.afterWarningForm(w, r, wr, err, "review", v)
}

// afterWarningForm shows the warning again: saved, or with the form's
// errors.
func (s *Server) afterWarningForm(w http.ResponseWriter, r *http.Request, wr *monitor.Warning, err error, form string, vals map[string]string) {
	if err == nil {
		seeOther(w, r, "/monitor/warnings/"+strconv.FormatInt(wr.ID, 10)+"?saved="+form)
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.showWarning(w, r, vals, errorsOf(langOf(r), err), form, statusOf[apperr.CodeOf(err)])
}
