package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// A household's verification page (/households/{id}/verification): its
// authorisations and the form that records one, the button that verifies
// it, and its reports; and the printable report (/verification/reports/{id}).

// authorisationRow is one authorisation as listed.
type authorisationRow struct {
	ID                              int64
	SignedOn, ValidUntil, Status    string
	StatusClass, Signers, Scope, By string
	ScanName, Reason                string
	// Withdrawable: valid and not withdrawn, so a withdrawal may be
	// recorded.
	Withdrawable bool
}

// signerField is one member's line of the authorisation form: a checkbox
// for a member who signs, or the choice of the guardian who signs for a
// minor or a person who may lack capacity.
type signerField struct {
	PersonID int64
	Name     string
	Guardian bool
	Checked  bool
	Select   formField
}

// reportRow is one report in the household's list.
type reportRow struct {
	ID                 int64
	Number, On, For    string
	Discrepancies      int
	Changed            bool
	ApplicationID      int64
	ApplicationLabel   string
	CreatedBy, Created string
}

// householdVerificationView is the data of verify_household.html.
type householdVerificationView struct {
	view
	H              *registry.Household
	Authorisations []authorisationRow
	Valid          bool
	CanAuthorise   bool
	CanRun         bool
	CanRead        bool
	AuthOpen       bool
	SignedOn       formField
	Signers        []signerField
	Sources        []option
	ScopeChecked   map[string]bool
	ScanError      string
	AuthProblems   []string
	Applications   formField
	RunProblems    []string
	Reports        []reportRow
	// The form that records a withdrawal, shown again for RevokeID with
	// its messages.
	RevokeID       int64
	RevokeOn       formField
	RevokeReason   formField
	RevokeProblems []string
}

func (s *Server) householdVerificationPage(w http.ResponseWriter, r *http.Request) {
	pg := &householdVerificationView{}
	switch r.URL.Query().Get("saved") {
	case "authorisation":
		pg.Notice = langOf(r).T("The authorisation was recorded.")
	case "revoked":
		pg.Notice = langOf(r).T("The withdrawal was recorded: the household cannot be verified until it signs a new authorisation.")
	}
	s.showHouseholdVerification(w, r, pg, nil, nil, http.StatusOK)
}

func (s *Server) showHouseholdVerification(w http.ResponseWriter, r *http.Request, pg *householdVerificationView, vals map[string][]string, errs formErrors, status int) {
	l := langOf(r)
	ctx := r.Context()
	h, err := s.householdOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := principalOf(r)
	pg.H = h
	pg.Title = l.T("Verification of household %s", h.Number)
	if pg.Here == "" {
		pg.Here = "/households/" + strconv.FormatInt(h.ID, 10) + "/verification"
	}
	pg.CanAuthorise, pg.CanRun, pg.CanRead = p.Can(auth.VerifyAuthorise), p.Can(auth.VerifyRun), p.Can(auth.VerifyRead)
	if errs == nil {
		errs = formErrors{}
	}
	today := s.today()
	as, err := s.Verify.Authorisations(ctx, h.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, m := range h.Members {
		names[m.Person.ID] = m.Person.Name
	}
	infos, err := s.Verify.Sources(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	srcNames := map[string]string{}
	for i := range infos {
		srcNames[infos[i].Code] = s.sourceName(l, &infos[i].Source)
		pg.Sources = append(pg.Sources, option{infos[i].Code, srcNames[infos[i].Code]})
	}
	for _, a := range as {
		row := authorisationRow{ID: a.ID, SignedOn: a.SignedOn.String(), ValidUntil: a.ValidUntil.String(), By: a.RecordedBy, ScanName: a.Scan.Filename,
			Withdrawable: a.RevokedOn.IsZero() && !a.ValidUntil.Before(today), Reason: a.RevokeReason}
		switch {
		case !a.RevokedOn.IsZero() && !a.RevokedOn.After(today):
			row.Status, row.StatusClass = l.T("withdrawn on %s", a.RevokedOn), "failed"
		case a.ValidUntil.Before(today):
			row.Status, row.StatusClass = l.T("expired"), "failed"
		default:
			row.Status, row.StatusClass = l.T("valid"), "applied"
			pg.Valid = true
		}
		var signers []string
		for _, sg := range a.Signers {
			n := sg.Name
			if len(sg.For) > 0 {
				var wards []string
				for _, w := range sg.For {
					wards = append(wards, names[w])
				}
				n += l.T(" (also as guardian of %s)", strings.Join(wards, "、"))
			}
			signers = append(signers, n)
		}
		row.Signers = strings.Join(signers, "；")
		if len(a.Scope) == 0 {
			row.Scope = l.T("every data source")
		} else {
			var sc []string
			for _, c := range a.Scope {
				sc = append(sc, srcNames[c])
			}
			row.Scope = strings.Join(sc, "、")
		}
		pg.Authorisations = append(pg.Authorisations, row)
	}
	if pg.CanAuthorise {
		s.authorisationForm(l, pg, h, vals, errs)
		if pg.RevokeID == 0 {
			pg.RevokeOn = formField{Name: "revoked_on", Label: l.T("Withdrawn on"), Kind: "date", Value: today.String(), Required: true}
			pg.RevokeReason = formField{Name: "reason", Label: l.T("How the household withdrew it"), Required: true, Wide: true}
		}
	}
	if pg.CanRun {
		list, err := s.Cases.Applications(ctx, scopeOf(r), casework.Filter{HouseholdID: h.ID, Open: true, Limit: 100})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		opts := []option{{"", l.T("(none: a check of the household)")}}
		for _, a := range list {
			opts = append(opts, option{strconv.FormatInt(a.ID, 10), l.T("Application %d", a.ID) + " · " + policy.ProgramName(a.Program, string(l))})
		}
		pg.Applications = formField{Name: "application_id", Label: l.T("For the application"), Kind: "select", Groups: []optGroup{{Options: opts}},
			Value: first(vals["application_id"]), Error: errs.take("application_id")}
		if vals == nil {
			pg.Applications.Value = r.URL.Query().Get("application")
		}
	}
	if pg.CanRead {
		reps, err := s.Verify.Reports(ctx, h.ID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, rep := range reps {
			row := reportRow{ID: rep.ID, Number: rep.Number, On: rep.Period.AsOf.String(), Discrepancies: len(rep.Discrepancies),
				ApplicationID: rep.ApplicationID, CreatedBy: rep.CreatedBy, Created: timestamp(rep.CreatedAt)}
			for _, pc := range rep.Programs {
				row.Changed = row.Changed || pc.Changed()
			}
			if rep.ApplicationID != 0 {
				row.ApplicationLabel = l.T("Application %d", rep.ApplicationID)
			}
			pg.Reports = append(pg.Reports, row)
		}
	}
	pg.AuthProblems = append(pg.AuthProblems, errs.rest(l)...)
	s.render(w, r, status, "verify_household.html", pg)
}

// authorisationForm fills the form that records an authorisation: every
// member present today signs, or is signed for by a guardian.
func (s *Server) authorisationForm(l lang, pg *householdVerificationView, h *registry.Household, vals map[string][]string, errs formErrors) {
	today := s.today()
	signed := first(vals["signed_on"])
	if vals == nil {
		signed = today.String()
	}
	pg.SignedOn = formField{Name: "signed_on", Label: l.T("Signed on"), Kind: "date", Value: signed, Required: true, Error: errs.take("signed_on")}
	var adults []option
	for _, m := range h.Members {
		if !verify.NeedsGuardian(&m.Person, today) && m.Person.Death.IsZero() {
			adults = append(adults, option{strconv.FormatInt(m.Person.ID, 10), m.Person.Name})
		}
	}
	for _, m := range h.Members {
		if !m.Person.Death.IsZero() {
			continue
		}
		id := strconv.FormatInt(m.Person.ID, 10)
		f := signerField{PersonID: m.Person.ID, Name: m.Person.Name, Guardian: verify.NeedsGuardian(&m.Person, today)}
		if f.Guardian {
			opts := append([]option{{"", l.T("(signs in person)")}}, adults...)
			f.Select = formField{Name: "guardian." + id, Label: l.T("Signed for %s by the guardian", m.Person.Name), Kind: "select",
				Groups: []optGroup{{Options: opts}}, Value: first(vals["guardian."+id])}
			if f.Select.Value == "" && vals == nil && len(adults) > 0 {
				f.Select.Value = adults[0].Value
			}
			f.Checked = first(vals["signed."+id]) != ""
		} else {
			f.Checked = vals == nil || first(vals["signed."+id]) != ""
		}
		pg.Signers = append(pg.Signers, f)
	}
	pg.ScopeChecked = map[string]bool{}
	for _, c := range vals["scope[]"] {
		pg.ScopeChecked[c] = true
	}
	pg.ScanError = errs.take("scan.file")
	if pg.ScanError == "" {
		pg.ScanError = errs.take("scan")
	}
	if m := errs.take("signers"); m != "" {
		pg.AuthProblems = append(pg.AuthProblems, m)
	}
	for k := range errs {
		if strings.HasPrefix(k, "signers[") || strings.HasPrefix(k, "scope[") {
			pg.AuthProblems = append(pg.AuthProblems, errs.take(k))
		}
	}
}

func (s *Server) addAuthorisationSubmit(w http.ResponseWriter, r *http.Request) {
	h, err := s.householdOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a, err := s.readAuthorisation(r, func(vals map[string][]string) ([]verify.Signer, error) {
		return signersFrom(h, vals), nil
	})
	if err == nil {
		if err = s.recordAuthorisation(r, h, a); err == nil {
			seeOther(w, r, "/households/"+strconv.FormatInt(h.ID, 10)+"/verification?saved=authorisation")
			return
		}
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.TooLarge {
		s.renderError(w, r, err)
		return
	}
	var vals map[string][]string
	if r.MultipartForm != nil {
		vals = r.MultipartForm.Value
	}
	pg := &householdVerificationView{AuthOpen: true}
	s.showHouseholdVerification(w, r, pg, vals, errorsOf(langOf(r), err), statusOf[apperr.CodeOf(err)])
}

// revokeSubmit records a withdrawal from the household's page.
func (s *Server) revokeSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	req := revokeRequest{Reason: vals["reason"]}
	var err error
	if vals["revoked_on"] != "" {
		if req.RevokedOn, err = civil.ParseDate(vals["revoked_on"]); err != nil {
			err = apperr.Fieldf("revoked_on", "%q is not a date: write YYYY-MM-DD", vals["revoked_on"])
		}
	}
	var hid int64
	if err == nil {
		hid, err = s.revokeAuthorisation(r, req)
	}
	if err == nil {
		seeOther(w, r, "/households/"+strconv.FormatInt(hid, 10)+"/verification?saved=revoked")
		return
	}
	if c := apperr.CodeOf(err); (c != apperr.Invalid && c != apperr.Conflict) || hid == 0 {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	fe := errorsOf(l, err)
	pg := &householdVerificationView{RevokeID: pathInt(r, "id"), RevokeOn: formField{Name: "revoked_on", Label: l.T("Withdrawn on"), Kind: "date",
		Value: vals["revoked_on"], Error: fe.take("revoked_on"), Required: true}, RevokeReason: formField{Name: "reason", Label: l.T("How the household withdrew it"),
		Value: vals["reason"], Error: fe.take("reason"), Required: true, Wide: true}}
	pg.RevokeProblems = fe.rest(l)
	r.SetPathValue("id", strconv.FormatInt(hid, 10))
	s.showHouseholdVerification(w, r, pg, nil, nil, statusOf[apperr.CodeOf(err)])
}

func pathInt(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func (s *Server) scanDownload(w http.ResponseWriter, r *http.Request) {
	if err := s.serveScan(w, r); err != nil {
		s.renderError(w, r, err)
	}
}

// verifySubmit verifies the household and shows the report; a household
// without a valid authorisation, or a county without the parameters, comes
// back with the reason.
func (s *Server) verifySubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	var app int64
	if v := r.PostForm.Get("application_id"); v != "" {
		if app, err = strconv.ParseInt(v, 10, 64); err != nil {
			s.renderError(w, r, apperr.Fieldf("application_id", "application %d is not this household's", 0))
			return
		}
	}
	rep, err := s.verifyHousehold(r, id, app)
	if err == nil {
		seeOther(w, r, "/verification/reports/"+strconv.FormatInt(rep.ID, 10))
		return
	}
	if apperr.CodeOf(err) != apperr.Invalid {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	pg := &householdVerificationView{}
	fe := errorsOf(l, err)
	for _, k := range []string{"authorisation", "application_id"} {
		if m := fe.take(k); m != "" {
			pg.RunProblems = append(pg.RunProblems, m)
		}
	}
	pg.RunProblems = append(pg.RunProblems, fe.rest(l)...)
	s.showHouseholdVerification(w, r, pg, r.PostForm, nil, statusOf[apperr.Invalid])
}

// reportView is the data of verify_report.html.
type reportView struct {
	view
	R             *verify.Report
	Region        string
	Sources       []reportSource
	Members       []reportMember
	Discrepancies []reportDiscrepancy
	Flags         []string
	Programs      []reportProgram
}

type reportSource struct {
	Name, Status, Class, BatchOn string
	Records                      int
}

type reportMember struct {
	Name, ID, Relationship string
	Declared, Verified     string
	Records                []string
}

type reportDiscrepancy struct {
	Name, Item, Declared, Verified, Difference, Sources string
	Up                                                  bool
}

type reportProgram struct {
	programCheck
	DeclaredVerdict, DeclaredAmount string
	Changed                         bool
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	rep, err := s.reportOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	infos, err := s.Verify.Sources(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	src := map[string]*verify.Source{}
	for i := range infos {
		src[infos[i].Code] = &infos[i].Source
	}
	name := func(c string) string {
		if s0 := src[c]; s0 != nil {
			return s.sourceName(l, s0)
		}
		return c
	}
	lg := string(l)
	pg := &reportView{R: rep, Region: s.regionName(rep.County)}
	pg.Title = l.T("Verification report %s", rep.Number)
	for _, sr := range rep.Sources {
		row := reportSource{Name: name(sr.Code), Status: l.enumLabel("source_status", sr.Status), Class: sr.Status, Records: sr.Records}
		if !sr.BatchOn.IsZero() {
			row.BatchOn = sr.BatchOn.String()
		}
		pg.Sources = append(pg.Sources, row)
	}
	incomeText := func(m map[registry.IncomeType]money.Fen) string {
		var parts []string
		for _, t := range registry.IncomeTypes {
			if v, ok := m[t]; ok && v != 0 {
				parts = append(parts, l.enumLabel("income_type", string(t))+" "+v.String())
			}
		}
		return strings.Join(parts, "；")
	}
	for _, m := range rep.Members {
		row := reportMember{Name: m.Name, ID: m.IDMasked, Relationship: l.enumLabel("relationship", string(m.Relationship)),
			Declared: incomeText(m.Declared), Verified: incomeText(m.VerifiedMonthly)}
		for _, rec := range m.Records {
			row.Records = append(row.Records, name(rec.Source)+": "+recordText(src[rec.Source], rec.Values, l))
		}
		pg.Members = append(pg.Members, row)
	}
	for _, d := range rep.Discrepancies {
		row := reportDiscrepancy{Name: d.Name, Item: discrepancyItem(l, d.Item)}
		if row.Name == "" {
			row.Name = l.T("Household")
		}
		var srcs []string
		for _, c := range d.Sources {
			srcs = append(srcs, name(c))
		}
		row.Sources = strings.Join(srcs, "、")
		switch {
		case strings.HasPrefix(d.Item, "income."):
			row.Declared, row.Verified = d.Declared.String(), d.Verified.String()
			row.Difference, row.Up = d.Difference().String(), d.Difference() > 0
		case strings.HasPrefix(d.Item, "asset."):
			row.Declared = l.T("%s, %s yuan", d.DeclaredText, d.Declared.String())
			row.Verified = l.T("%s, %s yuan", d.VerifiedText, d.Verified.String())
			row.Difference, row.Up = d.Difference().String(), d.Difference() > 0
		default:
			row.Declared, row.Verified = statusText(l, d.Item, d.DeclaredText), statusText(l, d.Item, d.VerifiedText)
		}
		pg.Discrepancies = append(pg.Discrepancies, row)
	}
	for _, f := range rep.Flags {
		txt := l.enumLabel("verify_flag", f.Code)
		if f.Name != "" {
			txt = f.Name + ": " + txt
		}
		if f.Value != "" {
			txt += " (" + f.Value + ")"
		}
		pg.Flags = append(pg.Flags, txt)
	}
	for _, pc := range rep.Programs {
		var res *policy.Result
		var rerr error
		if pc.Error != "" {
			rerr = apperr.Errorf(apperr.Invalid, "%s", pc.Error)
		} else if err := json.Unmarshal(pc.Explanation, &res); err != nil || res == nil {
			rerr = apperr.Errorf(apperr.Invalid, "%s", "no explanation")
		}
		view, err := s.programCheckOf(l, pc.Program, res, rerr)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		rp := reportProgram{programCheck: view, Changed: pc.Changed()}
		if pc.DeclaredVerdict != "" {
			rp.DeclaredVerdict, rp.DeclaredAmount = policy.VerdictName(pc.DeclaredVerdict, lg), pc.DeclaredAmount.String()
		}
		pg.Programs = append(pg.Programs, rp)
	}
	s.render(w, r, http.StatusOK, "verify_report.html", pg)
}

// recordText shows a department's record: its fields with their names.
func recordText(src *verify.Source, vals map[string]string, l lang) string {
	if src == nil {
		var parts []string
		for k, v := range vals {
			parts = append(parts, k+"="+v)
		}
		return strings.Join(parts, ", ")
	}
	var parts []string
	for _, f := range src.Fields {
		v, ok := vals[f.Code]
		if !ok || f.Code == "id_number" {
			continue
		}
		switch f.Type {
		case verify.TypeMoney:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				v = money.Fen(n).String()
			}
		case verify.TypeDecimal:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				v = strconv.FormatFloat(float64(n)/100, 'f', -1, 64)
			}
		case verify.TypeEnum:
			for i, code := range f.Values {
				if code == v && i < len(f.Labels) && l == langZH {
					v = f.Labels[i]
				}
			}
		}
		label := f.ZH
		if l == langEN && f.EN != "" {
			label = f.EN
		}
		parts = append(parts, label+" "+v)
	}
	return strings.Join(parts, "，")
}

// discrepancyItem names a discrepancy's item: income.wage → 工资性收入 (月均).
func discrepancyItem(l lang, item string) string {
	kind, code, _ := strings.Cut(item, ".")
	switch kind {
	case "income":
		return l.T("%s (monthly)", l.enumLabel("income_type", code))
	case "asset":
		return l.enumLabel("asset_type", code)
	}
	return l.enumLabel("discrepancy", item)
}

// statusText shows a non-amount discrepancy's value.
func statusText(l lang, item, v string) string {
	if v == "" {
		return "—"
	}
	switch item {
	case "school":
		if lbl := l.enumLabel("school_status", v); lbl != v {
			return lbl
		}
		return l.enumLabel("school_state", v)
	case "disability":
		cat, grade, _ := strings.Cut(v, " ")
		return l.enumLabel("disability_category", cat) + " " + l.T("grade %s", grade)
	}
	return v
}

// applicationVerification is the verification card of an application's
// page: the reports issued for it and the way to verify.
type applicationVerification struct {
	Reports []reportRow
	// VerifyURL leads to the household's verification page with the
	// application chosen (empty when the user may not verify).
	VerifyURL string
	CanRead   bool
}

func (s *Server) applicationVerificationOf(r *http.Request, l lang, a *casework.Application, seesHousehold bool) (*applicationVerification, error) {
	p := principalOf(r)
	if !seesHousehold || !p.Can(auth.VerifyRead) && !p.Can(auth.VerifyRun) {
		return nil, nil
	}
	out := &applicationVerification{CanRead: p.Can(auth.VerifyRead)}
	if p.Can(auth.VerifyRun) || p.Can(auth.VerifyAuthorise) {
		out.VerifyURL = "/households/" + strconv.FormatInt(a.HouseholdID, 10) + "/verification?application=" + strconv.FormatInt(a.ID, 10)
	}
	if !out.CanRead {
		return out, nil
	}
	reps, err := s.Verify.Reports(r.Context(), a.HouseholdID)
	if err != nil {
		return nil, err
	}
	for _, rep := range reps {
		if rep.ApplicationID != a.ID {
			continue
		}
		row := reportRow{ID: rep.ID, Number: rep.Number, On: rep.Period.AsOf.String(), Discrepancies: len(rep.Discrepancies), CreatedBy: rep.CreatedBy}
		for _, pc := range rep.Programs {
			row.Changed = row.Changed || pc.Changed()
		}
		out.Reports = append(out.Reports, row)
	}
	return out, nil
}
