package web

import (
	"encoding/csv"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
)

// The payrolls' pages: the list by month and program with the form that
// generates a county's payroll (a running generation is followed live),
// and one payroll with its totals, the differences of its last re-run,
// approval by a second user, its lines with their explanations, and the
// corrections carried into the next payroll. Bank files and the bank's
// returns come in issue 7's next step: the payroll page keeps a place for
// them.

// payrollRow is a payroll with its labels for the pages.
type payrollRow struct {
	payrollView
	StatusLabel, KindLabel, Prepared, Approved string
}

func (s *Server) payrollRowOf(l lang, p *payment.Payroll) payrollRow {
	row := payrollRow{payrollView: s.payrollViewOf(l, p), StatusLabel: l.enumLabel("payroll_status", p.Status),
		KindLabel: l.enumLabel("payroll_kind", p.Kind), Prepared: timestamp(p.PreparedAt), Approved: timestamp(p.ApprovedAt)}
	if p.Kind == payment.Supplementary {
		row.KindLabel += " " + strconv.Itoa(p.Number)
	}
	if row.Stalled {
		row.StatusLabel = l.T("stopped")
	}
	return row
}

// payrollsView is the data of payrolls.html.
type payrollsView struct {
	view
	Rows []payrollRow
	// The filters.
	Month, Program, Status string
	Programs, Statuses     []option
	FilterProblems         []string
	// The generation form.
	CanPrepare bool
	Form       []formField
	Problems   []string
	// Following is the generation the page follows (nil: none).
	Following *payrollRow
	NextURL   string
	FirstURL  string
}

func (s *Server) payrollsPage(w http.ResponseWriter, r *http.Request) {
	s.showPayrolls(w, r, nil, nil, http.StatusOK)
}

// showPayrolls renders the list; vals and errs refill the generation form
// after a refusal.
func (s *Server) showPayrolls(w http.ResponseWriter, r *http.Request, vals map[string]string, errs formErrors, status int) {
	l := langOf(r)
	p := principalOf(r)
	q := r.URL.Query()
	pg := &payrollsView{Month: q.Get("month"), Program: q.Get("program"), Status: q.Get("status"), CanPrepare: p.Can(auth.PayrollPrepare)}
	pg.Title, pg.Here = l.T("Payrolls"), "/payrolls"
	if r.Method == http.MethodGet {
		pg.Here = hereOf(r.URL)
	}
	pg.Programs = payrollProgramOptions(l, l.T("All programs"))
	pg.Statuses = []option{{"", l.T("All statuses")}}
	for _, st := range payrollStatuses {
		pg.Statuses = append(pg.Statuses, option{st, l.enumLabel("payroll_status", st)})
	}
	f, none, err := s.payrollFilterOf(r)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			s.renderError(w, r, err)
			return
		}
		pg.FilterProblems = errorsOf(l, err).rest(l)
		f, none = payment.Filter{Region: p.Region}, false
		if status == http.StatusOK {
			status = http.StatusUnprocessableEntity
		}
	}
	f.Limit = 50
	var ps []payment.Payroll
	if !none {
		if ps, err = s.DB.Payrolls(r.Context(), scopeOf(r), f); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	for i := range ps {
		row := s.payrollRowOf(l, &ps[i])
		if ps[i].Status == payment.Generating && !row.Stalled && pg.Following == nil {
			pg.Following = &row
		}
		pg.Rows = append(pg.Rows, row)
	}
	var cursor int64
	if len(ps) > 0 {
		cursor = ps[len(ps)-1].ID
	}
	pg.NextURL, pg.FirstURL = pageLinks("/payrolls", map[string]string{"month": pg.Month, "program": pg.Program, "status": pg.Status},
		"before", cursor, len(ps) == f.Limit, f.Before != 0)
	if pg.CanPrepare {
		if errs == nil {
			errs = formErrors{}
		}
		if vals == nil {
			vals = map[string]string{"county": defaultCounty(p), "program": string(policy.Dibao), "month": s.today().MonthOf().String()}
		}
		county := formField{Name: "county", Label: l.T("County"), Value: vals["county"], Required: true, Error: errs.take("county"),
			InputMode: "numeric", Hint: l.T("The 6-digit code of the county that pays")}
		if len(p.Region) == 6 {
			county.Kind, county.Groups, county.Hint = "select", []optGroup{{Options: []option{{p.Region, s.regionName(p.Region)}}}}, ""
		}
		pg.Form = []formField{
			county,
			{Name: "program", Label: l.T("Program"), Kind: "select", Value: vals["program"], Required: true, Error: errs.take("program"),
				Groups: []optGroup{{Options: payrollProgramOptions(l, "")}}},
			{Name: "month", Label: l.T("Month paid"), Kind: "month", Value: vals["month"], Required: true, Error: errs.take("month"),
				Placeholder: "YYYY-MM", Hint: l.T("Write YYYY-MM if your browser shows no month picker")},
		}
		pg.Problems = errs.rest(l)
	}
	s.render(w, r, status, "payrolls.html", pg)
}

// defaultCounty is the county a user's generation form starts with.
func defaultCounty(p *auth.Principal) string {
	if len(p.Region) >= 6 {
		return p.Region[:6]
	}
	return ""
}

func (s *Server) generatePayrollSubmit(w http.ResponseWriter, r *http.Request) {
	vals := formValues(r, "county", "program", "month")
	v, _, err := s.startPayroll(r, payrollRequest{County: vals["county"], Program: vals["program"], Month: vals["month"]})
	if err == nil {
		to := "/payrolls/" + strconv.FormatInt(v.ID, 10)
		if v.Again {
			to += "?saved=again"
		}
		seeOther(w, r, to)
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.showPayrolls(w, r, vals, errorsOf(langOf(r), err), statusOf[apperr.CodeOf(err)])
}

// payrollPageView is the data of payroll.html.
type payrollPageView struct {
	view
	P payrollRow
	// Totals are the sums by kind of line.
	Totals []totalItem
	Diff   *diffView
	// Approval: CanApprove shows the button; otherwise Why says why not.
	CanApprove      bool
	Why             string
	ApproveProblems []string
	// CanPrepare: the user may generate again and record corrections.
	CanPrepare bool
	Regenerate bool
	// The lines, filtered by kind.
	Lines    []lineRow
	Kind     string
	Kinds    []option
	NextURL  string
	FirstURL string
	// Correct is the line whose household is being corrected (nil: none),
	// with its form.
	Correct   *lineRow
	Fields    []formField
	Problems  []string
	Pending   []adjustmentRow
	Saved     string
	Adjusted  string
	CSVURL    string
	LinesPath string
}

type totalItem struct {
	ID, Label, Amount string
}

// lineRow is a line with its labels.
type lineRow struct {
	lineView
	KindLabel, StatusLabel, RegionName string
	// CorrectURL opens the correction form for the line's household.
	CorrectURL string
}

func (s *Server) lineRowOf(l lang, p *payment.Payroll, ln *payment.Line) lineRow {
	row := lineRow{lineView: lineViewOf(l, ln, false), KindLabel: l.enumLabel("payroll_line_kind", ln.Kind),
		StatusLabel: l.enumLabel("payroll_line_status", ln.Status), RegionName: s.regionName(ln.Region)}
	row.CorrectURL = "/payrolls/" + strconv.FormatInt(p.ID, 10) + "?" + url.Values{"correct": {strconv.FormatInt(ln.ID, 10)},
		"household": {strconv.FormatInt(ln.HouseholdID, 10)}}.Encode() + "#correction"
	return row
}

// diffView is a re-run's differences for the page.
type diffView struct {
	*payment.Diff
	Added, Removed []lineRow
	Changed        []changeRow
	Totals         []diffTotal
	// Shown is how many lines of each list the page shows.
	Shown int
	More  bool
}

type changeRow struct {
	Before, After lineRow
}

type diffTotal struct {
	Label, Before, After string
	Changed              bool
}

// diffShown bounds the lines of each list of differences on the page.
const diffShown = 100

func (s *Server) diffViewOf(l lang, p *payment.Payroll, d *payment.Diff) *diffView {
	v := &diffView{Diff: d, Shown: diffShown}
	for i := range d.Added {
		if i == diffShown {
			v.More = true
			break
		}
		v.Added = append(v.Added, s.lineRowOf(l, p, &d.Added[i]))
	}
	for i := range d.Removed {
		if i == diffShown {
			v.More = true
			break
		}
		v.Removed = append(v.Removed, s.lineRowOf(l, p, &d.Removed[i]))
	}
	for i := range d.Changed {
		if i == diffShown {
			v.More = true
			break
		}
		v.Changed = append(v.Changed, changeRow{s.lineRowOf(l, p, &d.Changed[i].Before), s.lineRowOf(l, p, &d.Changed[i].After)})
	}
	v.More = v.More || d.Truncated
	b, a := d.Before, d.After
	count := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, t := range []struct {
		label         string
		before, after string
	}{
		{l.T("Households"), count(b.Households), count(a.Households)},
		{l.T("Lines"), count(b.Lines), count(a.Lines)},
		{l.T("This month"), yuan(b.Regular), yuan(a.Regular)},
		{l.T("Back pay"), yuan(b.BackPay), yuan(a.BackPay)},
		{l.T("Corrections"), yuan(b.Adjustments), yuan(a.Adjustments)},
		{l.T("Total"), yuan(b.Total), yuan(a.Total)},
	} {
		v.Totals = append(v.Totals, diffTotal{t.label, t.before, t.after, t.before != t.after})
	}
	return v
}

// adjustmentRow is a pending correction.
type adjustmentRow struct {
	payment.Adjustment
	Created string
}

func (s *Server) payrollPage(w http.ResponseWriter, r *http.Request) {
	s.showPayroll(w, r, nil, nil, nil, http.StatusOK)
}

// showPayroll renders a payroll; vals and errs refill the correction
// form, approveErr says why an approval was refused.
func (s *Server) showPayroll(w http.ResponseWriter, r *http.Request, vals map[string]string, errs formErrors, approveErr error, status int) {
	l := langOf(r)
	p, err := s.payrollOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	u := principalOf(r)
	q := r.URL.Query()
	id := strconv.FormatInt(p.ID, 10)
	pg := &payrollPageView{P: s.payrollRowOf(l, p), CanPrepare: u.Can(auth.PayrollPrepare), Saved: q.Get("saved"), Kind: q.Get("kind"),
		CSVURL: "/payrolls/" + id + "/lines.csv", LinesPath: "/payrolls/" + id}
	pg.Title = l.T("Payroll %d", p.ID) + " · " + pg.P.CountyName + " · " + pg.P.ProgramName + " · " + p.Month.String()
	pg.Here = "/payrolls/" + id
	if r.Method == http.MethodGet {
		pg.Here = hereOf(r.URL)
	}
	pg.Totals = []totalItem{
		{"total-regular", l.T("This month"), yuan(p.Regular)},
		{"total-back-pay", l.T("Back pay"), yuan(p.BackPay)},
		{"total-adjustments", l.T("Corrections"), yuan(p.Adjustments)},
		{"total", l.T("Total"), yuan(p.Total)},
	}
	if p.LastDiff != nil && p.Runs > 1 {
		pg.Diff = s.diffViewOf(l, p, p.LastDiff)
	}
	pg.Regenerate = pg.CanPrepare && (p.Status == payment.Prepared || p.Status == payment.Failed || pg.P.Stalled)

	// Approval.
	switch {
	case p.Status == payment.Approved:
	case !u.Can(auth.PayrollApprove):
		pg.Why = l.T("Your role does not approve payrolls: a county approver approves it.")
	default:
		if err := payment.MayApprove(p, u.Username); err != nil {
			pg.Why = l.errMsg(apperr.As(err))
			switch p.Status {
			case payment.Generating:
				pg.Why = l.T("The payroll is being generated: it can be approved once it is prepared.")
			case payment.Failed:
				pg.Why = l.T("The generation failed: generate it again; it can be approved once it is prepared.")
			}
		} else {
			pg.CanApprove = true
		}
	}
	if approveErr != nil {
		pg.ApproveProblems = errorsOf(l, approveErr).rest(l)
	}

	// The lines.
	f := payment.LineFilter{PayrollID: p.ID, Limit: 100}
	pg.Kinds = []option{{"", l.T("All kinds")}}
	for _, k := range lineKinds {
		pg.Kinds = append(pg.Kinds, option{k, l.enumLabel("payroll_line_kind", k)})
	}
	for _, k := range lineKinds {
		if pg.Kind == k {
			f.Kind = k
		}
	}
	if f.After, err = intParam(r, "after"); err != nil {
		s.renderError(w, r, err)
		return
	}
	lines, err := s.DB.Lines(r.Context(), scopeOf(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for i := range lines {
		pg.Lines = append(pg.Lines, s.lineRowOf(l, p, &lines[i]))
	}
	var cursor int64
	if len(lines) > 0 {
		cursor = lines[len(lines)-1].ID
	}
	pg.NextURL, pg.FirstURL = pageLinks(pg.LinesPath, map[string]string{"kind": f.Kind}, "after", cursor, len(lines) == f.Limit, f.After != 0)
	if pg.NextURL != "" {
		pg.NextURL += "#lines"
	}
	if pg.FirstURL != "" {
		pg.FirstURL += "#lines"
	}

	// The correction form, for the line asked for (or the one submitted).
	if pg.CanPrepare {
		lineID, hid := q.Get("correct"), q.Get("household")
		if vals != nil {
			lineID, hid = vals["line_id"], vals["household_id"]
		}
		if lid, _ := strconv.ParseInt(lineID, 10, 64); lid > 0 {
			h, _ := strconv.ParseInt(hid, 10, 64)
			if ln := s.findLine(r, p, h, lid); ln != nil {
				row := s.lineRowOf(l, p, ln)
				pg.Correct = &row
			}
		}
		if pg.Correct != nil {
			if vals == nil {
				vals = map[string]string{}
			}
			if errs == nil {
				errs = formErrors{}
			}
			pg.Fields = []formField{
				{Name: "amount", Label: l.T("Amount (yuan)"), Value: vals["amount"], Required: true, InputMode: "decimal", Placeholder: "0.00",
					Error: errs.take("amount"), Hint: l.T("Negative to recover an overpayment, such as -120.00")},
				{Name: "reason", Label: l.T("Reason"), Kind: "textarea", Value: vals["reason"], Required: true, Wide: true, Error: errs.take("reason"),
					Hint: l.T("Printed on the payroll line that carries the correction")},
			}
			errs.take("household_id")
			errs.take("service_month")
			pg.Problems = errs.rest(l)
		}
		pg.Adjusted = q.Get("adjusted")
	}
	as, err := s.DB.Adjustments(r.Context(), scopeOf(r), payment.AdjustmentFilter{Region: p.County, Program: p.Program, Pending: true, Limit: 100})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, a := range as {
		pg.Pending = append(pg.Pending, adjustmentRow{Adjustment: a, Created: timestamp(a.CreatedAt)})
	}
	s.render(w, r, status, "payroll.html", pg)
}

// findLine returns the line lineID of payroll p, which pays household hid,
// or nil.
func (s *Server) findLine(r *http.Request, p *payment.Payroll, hid, lineID int64) *payment.Line {
	if hid <= 0 {
		return nil
	}
	lines, err := s.DB.Lines(r.Context(), scopeOf(r), payment.LineFilter{PayrollID: p.ID, HouseholdID: hid, Limit: 1000})
	if err != nil {
		return nil
	}
	for i := range lines {
		if lines[i].ID == lineID {
			return &lines[i]
		}
	}
	return nil
}

func (s *Server) approvePayrollSubmit(w http.ResponseWriter, r *http.Request) {
	p, err := s.payrollOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err = payment.Approve(r.Context(), s.DB, scopeOf(r), p.ID, version); err == nil {
		seeOther(w, r, "/payrolls/"+strconv.FormatInt(p.ID, 10)+"?saved=approved")
		return
	}
	switch apperr.CodeOf(err) {
	case apperr.Forbidden, apperr.Conflict, apperr.Invalid:
		s.showPayroll(w, r, nil, nil, err, statusOf[apperr.CodeOf(err)])
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) addAdjustmentSubmit(w http.ResponseWriter, r *http.Request) {
	p, err := s.payrollOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := formValues(r, "line_id", "household_id", "service_month", "enrollment_id", "amount", "reason")
	var pre apperr.List
	req := adjustmentRequest{Reason: vals["reason"], ServiceMonth: vals["service_month"]}
	req.HouseholdID, _ = strconv.ParseInt(vals["household_id"], 10, 64)
	req.EnrollmentID, _ = strconv.ParseInt(vals["enrollment_id"], 10, 64)
	if vals["amount"] != "" {
		amount, err := money.Parse(vals["amount"])
		if err != nil {
			pre.Addf("amount", "enter an amount in yuan, such as 120.00, or -120.00 to recover an overpayment")
		}
		req.Amount = amount
	}
	if err = pre.Err(); err == nil {
		var a *payment.Adjustment
		if a, err = s.addAdjustment(r, p, req); err == nil {
			seeOther(w, r, "/payrolls/"+strconv.FormatInt(p.ID, 10)+"?saved=adjustment&adjusted="+strconv.FormatInt(a.ID, 10)+"#adjustments")
			return
		}
	} else if verr := s.validateAdjustment(r, p, req); verr != nil {
		// Show the other fields' messages with the amount's.
		pre.Add("", verr)
		err = pre.Err()
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.showPayroll(w, r, vals, errorsOf(langOf(r), err), nil, statusOf[apperr.CodeOf(err)])
}

// validateAdjustment checks a correction's other fields when its amount
// could not be read, so that every message shows at once.
func (s *Server) validateAdjustment(r *http.Request, p *payment.Payroll, req adjustmentRequest) error {
	a := payment.Adjustment{Program: p.Program, HouseholdID: req.HouseholdID, Amount: 1, Reason: req.Reason}
	return a.Validate()
}

// payrollLinesCSV downloads a payroll's lines (bank accounts masked) as
// CSV with a byte-order mark, so that spreadsheet programs read UTF-8.
func (s *Server) payrollLinesCSV(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	p, err := s.payrollOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := payment.LineFilter{PayrollID: p.ID, Limit: 1000}
	// The first chunk before the header, so an error is still a page.
	lines, err := s.DB.Lines(r.Context(), scopeOf(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	file := p.County + "-" + string(p.Program) + "-" + p.Month.String() + "-" + l.T("payroll") + "-" + strconv.FormatInt(p.ID, 10) + ".csv"
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": file}))
	h.Set("Cache-Control", "no-store")
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Write([]string{l.T("Line"), l.T("Household number"), l.T("Payee"), l.T("Region"), l.T("Program"), l.T("Service month"), l.T("Kind"),
		l.T("Amount (yuan)"), l.T("Explanation"), l.T("Bank"), l.T("Account number"), l.T("Status")})
	program := policy.ProgramName(p.Program, string(l))
	for {
		for i := range lines {
			v := lineViewOf(l, &lines[i], false)
			cw.Write([]string{strconv.FormatInt(v.ID, 10), v.HouseholdNo, v.Payee, s.regionName(v.Region), program, v.ServiceMonth.String(),
				l.enumLabel("payroll_line_kind", v.Kind), v.Amount.String(), v.Explained, v.BankName, v.BankAccount,
				l.enumLabel("payroll_line_status", v.Status)})
		}
		if len(lines) < f.Limit {
			break
		}
		f.After = lines[len(lines)-1].ID
		if lines, err = s.DB.Lines(r.Context(), scopeOf(r), f); err != nil {
			// The header is sent: the file ends with a line saying so.
			s.Log.ErrorContext(r.Context(), "payroll lines csv", "payroll", p.ID, "err", err, "request_id", requestIDOf(r))
			cw.Write([]string{l.T("Internal error: the file is incomplete; download it again.")})
			break
		}
	}
	cw.Flush()
}
