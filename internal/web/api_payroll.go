package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/pii"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// Monthly payrolls (发放花名册, internal/payment, docs/payments.md): the
// list in the jurisdiction, generation as a background job followed by
// its progress, the lines with their explanations, approval by a second
// user (maker-checker: payment.Approve refuses the one who prepared it),
// and corrections recorded as adjustments for the next payroll. Every
// read goes through the store with the caller's scope, so a payroll of
// another county is "not found".

func init() {
	apiDocs["GET /api/v1/payrolls"] = apiDoc{Summary: "Payrolls (发放花名册) of the counties in the jurisdiction, newest first; filter by county, program, month (YYYY-MM) and status (generating, prepared, approved, failed); keyset pagination with ?before=",
		Query: []string{"county", "program", "month", "status", "before", "limit"}, Response: page[payrollView]{}}
	apiDocs["POST /api/v1/payrolls"] = apiDoc{Summary: "Generate the regular payroll of a county (default the caller's own), program (default dibao) and month, or resume a stopped generation, or regenerate a prepared payroll (last_diff then shows what changed); 202 while it generates (follow GET /api/v1/payrolls/{id}), 200 with the payroll as it is when it is approved already (would_differ shows what a generation would change now: record corrections as adjustments); audited",
		Request: payrollRequest{}, Response: payrollView{}, Status: http.StatusAccepted}
	apiDocs["GET /api/v1/payrolls/{id}"] = apiDoc{Summary: "One payroll: status, generation progress (percent), totals by kind, who prepared and approved it, and the differences of its last re-run", Response: payrollView{}}
	apiDocs["GET /api/v1/payrolls/{id}/lines"] = apiDoc{Summary: "A payroll's lines by household with each line's explanation (explained, in the caller's language); bank accounts masked unless ?reveal=true (needs pii.view; audited); filter by household (id), kind (regular, back_pay, adjustment) and status; keyset pagination with ?after=",
		Query: []string{"household", "kind", "status", "after", "limit", "reveal"}, Response: page[lineView]{}}
	apiDocs["POST /api/v1/payrolls/{id}/approve"] = apiDoc{Summary: "Approve a prepared payroll with the version read (审核): by a user with the approving role other than the one who prepared it (403 for one's own); once approved it is locked; audited",
		Request: approveRequest{}, Response: payrollView{}}
	apiDocs["POST /api/v1/payrolls/{id}/adjustments"] = apiDoc{Summary: "Record a correction (更正) of a payment of this payroll for a household: an amount in fen (negative to recover an overpayment) and a reason; it is carried by the next payroll of the county and program that is generated; audited",
		Request: adjustmentRequest{}, Response: payment.Adjustment{}, Status: http.StatusCreated}
	apiDocs["GET /api/v1/adjustments"] = apiDoc{Summary: "Corrections (adjustments) in the jurisdiction, newest first; pending=1 for those no payroll carries yet; filter by county, program, household (id) or payroll (the one that carries them); keyset pagination with ?before=",
		Query: []string{"county", "program", "household", "payroll", "pending", "before", "limit"}, Response: page[payment.Adjustment]{}}
}

// monthlyPrograms are the programs paid on a monthly payroll: temporary
// assistance and price-linked subsidies are paid once (payment.Options).
func monthlyPrograms() []policy.Program {
	return slices.DeleteFunc(slices.Clone(policy.Programs), func(p policy.Program) bool {
		return p == policy.Linshi || p == policy.PriceSubsidy
	})
}

// payrollStatuses are the statuses a payroll list may filter by.
var payrollStatuses = []string{payment.Generating, payment.Prepared, payment.Approved, payment.Failed}

// payrollView is a payroll as the API and the pages show it.
type payrollView struct {
	payment.Payroll
	CountyName  string `json:"county_name"`
	ProgramName string `json:"program_name"`
	// Percent is how far generation has got (100 once it is done).
	Percent int `json:"percent"`
	// Stalled: generating, but no chunk stored for longer than
	// payment.StaleAfter: the process stopped; generating it again
	// resumes it.
	Stalled bool `json:"stalled,omitempty"`
	// WouldDiffer is, for an approved payroll asked to generate again,
	// what a generation would change now (nothing is changed).
	WouldDiffer *payment.Diff `json:"would_differ,omitempty"`
}

func (s *Server) payrollViewOf(l lang, p *payment.Payroll) payrollView {
	return payrollView{Payroll: *p, CountyName: s.regionName(p.County), ProgramName: policy.ProgramName(p.Program, string(l)),
		Percent: p.Percent(), Stalled: p.Status == payment.Generating && !p.Heartbeat.IsZero() && s.now().Sub(p.Heartbeat) > payment.StaleAfter}
}

// payrollRequest asks for the generation of a payroll.
type payrollRequest struct {
	County  string `json:"county"`
	Program string `json:"program"`
	// Month is YYYY-MM.
	Month string `json:"month"`
}

// approveRequest approves a payroll with the version read.
type approveRequest struct {
	Version int `json:"version"`
}

// adjustmentRequest records a correction from a payroll.
type adjustmentRequest struct {
	HouseholdID int64 `json:"household_id"`
	// Amount in fen, signed: negative recovers an overpayment.
	Amount money.Fen `json:"amount"`
	Reason string    `json:"reason"`
	// ServiceMonth (YYYY-MM) is the month corrected, if one.
	ServiceMonth string `json:"service_month,omitempty"`
	// EnrollmentID is the enrollment concerned, if one.
	EnrollmentID int64 `json:"enrollment_id,omitempty"`
}

// lineView is a payroll line with its explanation in words.
type lineView struct {
	payment.Line
	// Explained is the explanation in the caller's language.
	Explained string `json:"explained"`
}

// lineViewOf explains a line; its bank account is masked unless unmasked
// (the store masks it already unless asked otherwise: this is a second
// guard).
func lineViewOf(l lang, ln *payment.Line, unmasked bool) lineView {
	v := lineView{Line: *ln, Explained: explainLine(l, ln)}
	if !unmasked && v.BankAccount != "" && !strings.Contains(v.BankAccount, "*") {
		v.BankAccount = pii.Mask(pii.BankAccount, v.BankAccount)
	}
	return v
}

// payrollOptions reads a generation request for the caller: the county in
// their jurisdiction, a monthly program, the month.
// Errors: Invalid naming county, program or month.
func (s *Server) payrollOptions(r *http.Request, req payrollRequest) (payment.Options, error) {
	var l apperr.List
	o := payment.Options{County: strings.TrimSpace(req.County), Program: policy.Program(strings.TrimSpace(req.Program))}
	if j := principalOf(r).Region; o.County == "" && len(j) == 6 {
		o.County = j // the caller's own county
	}
	if o.County != "" && !region.Within(o.County, principalOf(r).Region) {
		l.Addf("county", "%s is outside your jurisdiction", o.County)
	}
	if m := strings.TrimSpace(req.Month); m != "" {
		month, err := civil.ParseMonth(m)
		if err != nil {
			l.Addf("month", "%q is not a month: write YYYY-MM", m)
		}
		o.Month = month
	}
	set, err := s.paramSet(r.Context())
	if err != nil {
		return o, err
	}
	o.Params = set
	if o.Program != "" {
		if _, err := policy.ParseProgram(string(o.Program)); err != nil {
			// Said here, with its field as is: Check would file it under
			// "program.program".
			l.Add("", err)
			o.Program = policy.Dibao
		}
	}
	l.Add("", o.Check())
	return o, l.Err()
}

// generation is a generation's outcome.
type generation struct {
	p    *payment.Payroll
	diff *payment.Diff
	err  error
}

// generatePayroll starts (or resumes, or reruns) a generation in the
// background, tracked with the imports so that a server stopping waits
// for it, and returns the payroll once begun with a channel that gives
// the outcome. An approved payroll is "begun" too, with Again set: its
// outcome is the Diff of what a generation would change now.
// Errors: those of payment.Generate before it begins (Invalid, Conflict).
func (s *Server) generatePayroll(ctx context.Context, o payment.Options) (*payment.Payroll, <-chan generation, error) {
	started := make(chan payment.Payroll, 1)
	done := make(chan generation, 1)
	o.Started = func(p *payment.Payroll) { started <- *p }
	bg := context.WithoutCancel(ctx)
	s.imports.wg.Add(1)
	go func() {
		defer s.imports.wg.Done()
		p, diff, err := payment.Generate(bg, s.DB, o)
		if err != nil && apperr.As(err) == nil {
			s.Log.Error("payroll generation", "county", o.County, "program", o.Program, "month", o.Month, "err", err)
		}
		done <- generation{p, diff, err}
	}()
	select {
	case p := <-started:
		return &p, done, nil
	case g := <-done:
		select {
		case p := <-started: // begun, and finished already
			out := make(chan generation, 1)
			out <- g
			return &p, out, nil
		default:
		}
		if g.err == nil {
			g.err = apperr.Errorf(apperr.Internal, "payroll generation ended without beginning")
		}
		return nil, nil, g.err
	}
}

// startPayroll starts the generation the caller asked for and returns the
// payroll as begun; for an approved payroll it waits for what would
// differ now. again reports an approved payroll (nothing generated).
func (s *Server) startPayroll(r *http.Request, req payrollRequest) (v payrollView, again bool, err error) {
	o, err := s.payrollOptions(r, req)
	if err != nil {
		return v, false, err
	}
	p, done, err := s.generatePayroll(r.Context(), o)
	if err != nil {
		return v, false, err
	}
	l := langOf(r)
	if !p.Again {
		return s.payrollViewOf(l, p), false, nil
	}
	v = s.payrollViewOf(l, p)
	select {
	case g := <-done:
		if g.err != nil {
			return v, true, g.err
		}
		v.WouldDiffer = g.diff
	case <-r.Context().Done():
		return v, true, r.Context().Err()
	}
	return v, true, nil
}

func (s *Server) apiStartPayroll(w http.ResponseWriter, r *http.Request) {
	var req payrollRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, again, err := s.startPayroll(r, req)
	status := http.StatusAccepted
	if again {
		status = http.StatusOK
	}
	s.answer(w, r, status, v, err)
}

// payrollFilterOf reads a list's query in the caller's jurisdiction; none
// is false when the county asked for lies outside it (nothing to list).
// Errors: Invalid naming the parameter.
func (s *Server) payrollFilterOf(r *http.Request) (f payment.Filter, none bool, err error) {
	q := r.URL.Query()
	j := principalOf(r).Region
	var l apperr.List
	f.Region = j
	if c := strings.TrimSpace(q.Get("county")); c != "" {
		switch {
		case !s.knownRegion(c):
			l.Addf("county", "%q is not a region code", c)
		case region.Within(c, j):
			f.Region = c
		case !region.Within(j, c):
			none = true
		}
	}
	if p := strings.TrimSpace(q.Get("program")); p != "" {
		if _, err := policy.ParseProgram(p); err != nil {
			l.Add("", err)
		}
		f.Program = policy.Program(p)
	}
	if m := strings.TrimSpace(q.Get("month")); m != "" {
		month, err := civil.ParseMonth(m)
		if err != nil {
			l.Addf("month", "%q is not a month: write YYYY-MM", m)
		}
		f.Month = month
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		if !slices.Contains(payrollStatuses, st) {
			l.Addf("status", "%q is not a payroll status: use generating, prepared, approved or failed", st)
		}
		f.Status = st
	}
	if f.Before, err = intParam(r, "before"); err != nil {
		l.Add("", err)
	}
	n, err := intParam(r, "limit")
	if err != nil {
		l.Add("", err)
	}
	f.Limit = int(min(n, 500))
	return f, none, l.Err()
}

func (s *Server) apiPayrolls(w http.ResponseWriter, r *http.Request) {
	f, none, err := s.payrollFilterOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	out := page[payrollView]{Items: []payrollView{}}
	if none {
		writeJSON(w, http.StatusOK, out)
		return
	}
	ps, err := s.DB.Payrolls(r.Context(), scopeOf(r), f)
	l := langOf(r)
	for i := range ps {
		out.Items = append(out.Items, s.payrollViewOf(l, &ps[i]))
	}
	if len(ps) == f.Limit {
		next := ps[len(ps)-1].ID
		out.Next = &next
	}
	s.answer(w, r, http.StatusOK, out, err)
}

// payrollOf returns the {id} payroll if its county lies in the caller's
// jurisdiction. Errors: NotFound.
func (s *Server) payrollOf(r *http.Request) (*payment.Payroll, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.DB.Payroll(r.Context(), scopeOf(r), id)
}

func (s *Server) apiPayroll(w http.ResponseWriter, r *http.Request) {
	p, err := s.payrollOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.payrollViewOf(langOf(r), p))
}

// lineFilterOf reads a lines query. Errors: Invalid naming the parameter,
// Forbidden (reveal without pii.view).
func lineFilterOf(r *http.Request, payrollID int64) (payment.LineFilter, error) {
	q := r.URL.Query()
	f := payment.LineFilter{PayrollID: payrollID, Kind: strings.TrimSpace(q.Get("kind")), Status: strings.TrimSpace(q.Get("status"))}
	var l apperr.List
	if f.Kind != "" && !slices.Contains(lineKinds, f.Kind) {
		l.Addf("kind", "%q is not a kind of line: use regular, back_pay or adjustment", f.Kind)
	}
	if f.Status != "" && !slices.Contains(lineStatuses, f.Status) {
		l.Addf("status", "%q is not a line status: use pending, paid or failed", f.Status)
	}
	var err error
	if f.HouseholdID, err = intParam(r, "household"); err != nil {
		l.Add("", err)
	}
	if f.After, err = intParam(r, "after"); err != nil {
		l.Add("", err)
	}
	n, err := intParam(r, "limit")
	if err != nil {
		l.Add("", err)
	}
	f.Limit = int(min(n, 1000))
	if err := l.Err(); err != nil {
		return f, err
	}
	f.Unmask, err = reveal(r)
	return f, err
}

var (
	lineKinds    = []string{payment.LineRegular, payment.LineBackPay, payment.LineAdjustment}
	lineStatuses = []string{payment.LinePending, payment.LinePaid, payment.LineFailed}
)

func (s *Server) apiPayrollLines(w http.ResponseWriter, r *http.Request) {
	p, err := s.payrollOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := lineFilterOf(r, p.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	lines, err := s.DB.Lines(r.Context(), scopeOf(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	l := langOf(r)
	out := page[lineView]{Items: make([]lineView, 0, len(lines))}
	for i := range lines {
		out.Items = append(out.Items, lineViewOf(l, &lines[i], f.Unmask))
	}
	if len(lines) == f.Limit {
		next := lines[len(lines)-1].ID
		out.Next = &next
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiApprovePayroll(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req approveRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := payment.Approve(r.Context(), s.DB, scopeOf(r), id, req.Version)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.payrollViewOf(langOf(r), p))
}

// addAdjustment records a correction from payroll p for the caller.
// Errors: Invalid naming the field; NotFound (the household not in scope).
func (s *Server) addAdjustment(r *http.Request, p *payment.Payroll, req adjustmentRequest) (*payment.Adjustment, error) {
	a := &payment.Adjustment{Program: p.Program, HouseholdID: req.HouseholdID, EnrollmentID: req.EnrollmentID, Amount: req.Amount,
		Reason: req.Reason, FromPayrollID: p.ID}
	var l apperr.List
	if m := strings.TrimSpace(req.ServiceMonth); m != "" {
		month, err := civil.ParseMonth(m)
		if err != nil {
			l.Addf("service_month", "%q is not a month: write YYYY-MM", m)
		}
		a.ServiceMonth = month
	}
	if len([]rune(strings.TrimSpace(req.Reason))) > maxAdjustmentReason {
		l.Addf("reason", "the reason is longer than %d characters", maxAdjustmentReason)
	}
	l.Add("", a.Validate())
	if err := l.Err(); err != nil {
		return nil, err
	}
	if err := s.DB.AddAdjustment(r.Context(), scopeOf(r), a); err != nil {
		if apperr.IsCode(err, apperr.NotFound) && apperr.As(err).Field == "" {
			if _, perr := s.DB.Payroll(r.Context(), scopeOf(r), p.ID); perr == nil {
				return nil, apperr.Fieldf("household_id", "household %d is not in your jurisdiction", req.HouseholdID)
			}
		}
		return nil, err
	}
	return a, nil
}

// maxAdjustmentReason bounds a correction's reason, in characters: it is
// printed on the payroll line.
const maxAdjustmentReason = 500

func (s *Server) apiAddAdjustment(w http.ResponseWriter, r *http.Request) {
	p, err := s.payrollOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req adjustmentRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.addAdjustment(r, p, req)
	s.answer(w, r, http.StatusCreated, a, err)
}

func (s *Server) apiAdjustments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	j := principalOf(r).Region
	f := payment.AdjustmentFilter{Region: j, Pending: q.Get("pending") == "1" || q.Get("pending") == "true"}
	var l apperr.List
	none := false
	if c := strings.TrimSpace(q.Get("county")); c != "" {
		switch {
		case !s.knownRegion(c):
			l.Addf("county", "%q is not a region code", c)
		case region.Within(c, j):
			f.Region = c
		case !region.Within(j, c):
			none = true
		}
	}
	if p := strings.TrimSpace(q.Get("program")); p != "" {
		if _, err := policy.ParseProgram(p); err != nil {
			l.Add("", err)
		}
		f.Program = policy.Program(p)
	}
	var err error
	if f.HouseholdID, err = intParam(r, "household"); err != nil {
		l.Add("", err)
	}
	if f.PayrollID, err = intParam(r, "payroll"); err != nil {
		l.Add("", err)
	}
	if f.Before, err = intParam(r, "before"); err != nil {
		l.Add("", err)
	}
	n, err := intParam(r, "limit")
	if err != nil {
		l.Add("", err)
	}
	f.Limit = int(min(n, 500))
	if f.Limit == 0 {
		f.Limit = 100
	}
	if err := l.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[payment.Adjustment]{Items: []payment.Adjustment{}}
	if !none {
		as, err := s.DB.Adjustments(r.Context(), scopeOf(r), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out.Items = append(out.Items, as...)
		if len(as) == f.Limit {
			next := as[len(as)-1].ID
			out.Next = &next
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// explainLine says in words why a line has its amount.
func explainLine(l lang, ln *payment.Line) string {
	ex := &ln.Explanation
	var b strings.Builder
	switch ex.Reason {
	case payment.BecauseDecided:
		b.WriteString(l.T("Decided amount of %s yuan a month, since %s", yuan(ln.Amount), ex.Since.String()))
		if !ex.DecidedOn.IsZero() {
			b.WriteString(l.T(" (decision of %s)", ex.DecidedOn.String()))
		}
		b.WriteString(l.T("; it stays until the next review."))
	case payment.BecauseRecomputed:
		b.WriteString(l.T("Recomputed by the rules on the household as it stood in %s: %s yuan", ln.ServiceMonth.String(), yuan(ex.Monthly)))
		if ex.Decided != 0 {
			b.WriteString(l.T(" (the decided amount is %s yuan)", yuan(ex.Decided)))
		}
		b.WriteString(l.T("."))
	case payment.BecauseBackPay:
		b.WriteString(l.T("Back pay for %s at %s yuan a month", ln.ServiceMonth.String(), yuan(ex.Monthly)))
		if !ex.DecidedOn.IsZero() {
			b.WriteString(l.T(": the decision of %s granted the benefit from %s", ex.DecidedOn.String(), ex.Since.String()))
		}
		if !ex.From.IsZero() && ex.From != ex.To {
			b.WriteString(l.T("; this payroll pays back %s to %s", ex.From.String(), ex.To.String()))
		}
		b.WriteString(l.T("."))
	case payment.BecauseAdjustment:
		b.WriteString(l.T("Correction: %s", ex.Note))
		if !ex.From.IsZero() {
			b.WriteString(l.T(" (for %s)", ex.From.String()))
		}
	default:
		b.WriteString(ex.Note)
	}
	return b.String()
}

// payrollProgramOptions are the monthly programs as select options.
func payrollProgramOptions(l lang, blank string) []option {
	var out []option
	if blank != "" {
		out = append(out, option{"", blank})
	}
	for _, p := range monthlyPrograms() {
		out = append(out, option{string(p), policy.ProgramName(p, string(l))})
	}
	return out
}

// knownRegion reports whether code is a region of the table.
func (s *Server) knownRegion(code string) bool {
	_, ok := s.Regions.Get(code)
	return ok
}
