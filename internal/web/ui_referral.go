package web

import (
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/referral"
	"safetynet/internal/registry"
)

// The staff's referral pages: the list of the jurisdiction's referrals
// (/referrals), one referral (/referrals/{id}) and the form that refers a
// household's needs (/households/{id}/referrals/new).

// referralRow is one referral in a list.
type referralRow struct {
	ID                      int64
	HouseholdID             int64
	HouseholdNo, Partner    string
	Needs, Status, StatusID string
	SentOn, Due             string
	Overdue, Escalated      bool
	EscalatedTo             string
}

func (s *Server) referralRows(l lang, refs []referral.Referral) []referralRow {
	today := s.today()
	var out []referralRow
	for i := range refs {
		ref := &refs[i]
		row := referralRow{ID: ref.ID, HouseholdID: ref.HouseholdID, HouseholdNo: ref.HouseholdNumber, Partner: ref.PartnerName,
			Needs: needLabels(l, ref.Needs), Status: l.enumLabel("referral_status", string(ref.Status)), StatusID: string(ref.Status),
			SentOn: ref.SentOn.String(), Due: ref.Due().String(), Overdue: ref.Overdue(today), Escalated: ref.Level > 0}
		if row.Escalated {
			row.EscalatedTo = l.enumLabel("role", string(ref.EscalatedRole)) + " · " + s.shortRegion(ref.EscalatedTo)
		}
		out = append(out, row)
	}
	return out
}

func needLabels(l lang, ns []referral.Need) string {
	var out []string
	for _, n := range ns {
		out = append(out, l.enumLabel("need", string(n)))
	}
	return strings.Join(out, "、")
}

// referralsView is the data of referrals.html: the staff's list, or
// with PartnerSide the partner's own.
type referralsView struct {
	view
	PartnerSide bool
	Partner     string
	Rows        []referralRow
	Status      formField
	Overdue     bool
	Escalated   bool
	Filtered    bool
}

func (s *Server) referralsPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	f, err := s.referralFilter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := principalOf(r)
	f.Region, f.Role, f.HouseholdID = p.Region, p.Role, 0
	refs, err := s.DB.Referrals(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &referralsView{Rows: s.referralRows(l, refs), Overdue: f.Overdue, Escalated: f.Escalated,
		Filtered: f.Status != "" || f.Overdue || f.Escalated}
	pg.Title = l.T("Referrals")
	pg.Status = formField{Name: "status", Label: l.T("Status"), Kind: "select", Value: string(f.Status),
		Groups: enumOptions(l, "referral_status", strs(referral.Statuses), l.T("Any status"))}
	s.render(w, r, http.StatusOK, "referrals.html", pg)
}

// referralDetail is what the staff's and the partner's pages of one
// referral share.
type referralDetail struct {
	Ref       *referral.Referral
	Partner   string
	Needs     string
	Status    string
	Consent   string
	Due       string
	Overdue   bool
	Escalated string
	Documents []docRow
	Log       []logRow
}

type docRow struct {
	ID         int64
	Name, Size string
	Href       string
}

type logRow struct {
	On, Kind, Note, By string
}

func (s *Server) referralDetail(l lang, ref *referral.Referral, docHref string) referralDetail {
	d := referralDetail{Ref: ref, Partner: ref.PartnerName, Needs: needLabels(l, ref.Needs),
		Status: l.enumLabel("referral_status", string(ref.Status)), Due: ref.Due().String(), Overdue: ref.Overdue(s.today())}
	c := ref.Consent
	d.Consent = l.T("%s, on %s, %s", c.Name, c.On, l.enumLabel("consent_method", string(c.Method)))
	if c.Witness != "" {
		d.Consent += l.T(" (witness: %s)", c.Witness)
	}
	if ref.Level > 0 {
		d.Escalated = l.T("escalated %d level(s), now with %s", ref.Level, l.enumLabel("role", string(ref.EscalatedRole))+" · "+s.shortRegion(ref.EscalatedTo))
	}
	for _, doc := range ref.Documents {
		row := docRow{ID: doc.ID, Name: doc.Filename, Size: strconv.FormatInt((doc.Size+1023)/1024, 10) + " KB"}
		if docHref != "" {
			row.Href = docHref + strconv.FormatInt(doc.ID, 10)
		}
		d.Documents = append(d.Documents, row)
	}
	for _, a := range ref.Actions {
		note := a.Note
		if a.Kind == referral.ActEscalated {
			if role, to, ok := strings.Cut(a.Note, " "); ok {
				note = l.enumLabel("role", role) + " · " + s.shortRegion(to)
			}
		}
		d.Log = append(d.Log, logRow{On: a.On.String(), Kind: l.enumLabel("referral_action", string(a.Kind)), Note: note, By: a.By})
	}
	return d
}

// referralView is the data of referral.html: the staff's page of a
// referral, or with PartnerSide the partner's, with the household as it
// sees it and the forms of its steps.
type referralView struct {
	view
	referralDetail
	PartnerSide bool
	Household   partnerHousehold
	Members     []memberLine
	// Open is the step whose form is shown again with its messages.
	Open     string
	Problems []string
	Note     formField
	Reason   formField
	Action   formField
	Result   formField
}

type memberLine struct {
	Name, Relationship, IDNumber, Phone string
	Age                                 int
}

func (s *Server) referralPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ref, err := s.staffReferral(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	href := ""
	if principalOf(r).Can(auth.PIIView) {
		href = "/referral-documents/"
	}
	pg := &referralView{referralDetail: s.referralDetail(l, ref, href)}
	pg.Title = l.T("Referral %d", ref.ID)
	if r.URL.Query().Get("saved") == "1" {
		pg.Notice = l.T("The referral was sent to %s.", ref.PartnerName)
	}
	s.render(w, r, http.StatusOK, "referral.html", pg)
}

func (s *Server) referralDocumentDownload(w http.ResponseWriter, r *http.Request) {
	if err := s.staffDocument(w, r); err != nil {
		s.renderError(w, r, err)
	}
}

// newReferralView is the data of referral_new.html.
type newReferralView struct {
	view
	H             *registry.Household
	Needs         []needBox
	NeedsError    string
	Partner       formField
	NoPartner     bool
	Note          formField
	ConsentBy     formField
	ConsentOn     formField
	Method        formField
	Witness       formField
	DocsError     string
	ApplicationID string
	WarningID     string
	Problems      []string
}

type needBox struct {
	Code, Label string
	Checked     bool
}

func (s *Server) newReferralPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	vals := map[string][]string{"application_id": {q.Get("application")}, "warning_id": {q.Get("warning")}}
	s.showReferralForm(w, r, vals, nil, http.StatusOK)
}

func (s *Server) showReferralForm(w http.ResponseWriter, r *http.Request, vals map[string][]string, errs formErrors, status int) {
	l := langOf(r)
	h, err := s.householdOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if errs == nil {
		errs = formErrors{}
	}
	yes := true
	partners, err := s.DB.Partners(r.Context(), referral.PartnerFilter{Serves: h.RegionCode, Active: &yes})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	today := s.today()
	pg := &newReferralView{H: h, ApplicationID: first(vals["application_id"]), WarningID: first(vals["warning_id"])}
	pg.Title = l.T("Refer household %s", h.Number)
	pg.Here = "/households/" + strconv.FormatInt(h.ID, 10) + "/referrals/new"
	ticked := map[string]bool{}
	for _, n := range vals["needs"] {
		ticked[n] = true
	}
	for _, n := range referral.Needs {
		pg.Needs = append(pg.Needs, needBox{Code: string(n), Label: l.enumLabel("need", string(n)), Checked: ticked[string(n)]})
	}
	pg.NeedsError = errs.take("needs")
	for k := range errs {
		if strings.HasPrefix(k, "needs[") {
			pg.NeedsError = errs.take(k)
		}
	}
	opts := []option{{"", l.T("Choose…")}}
	for _, p := range partners {
		opts = append(opts, option{strconv.FormatInt(p.ID, 10), p.Name + " · " + l.enumLabel("partner_kind", string(p.Kind)) + " · " + needLabels(l, p.Needs)})
	}
	pg.NoPartner = len(partners) == 0
	pg.Partner = formField{Name: "partner_id", Label: l.T("Partner"), Kind: "select", Required: true, Wide: true, Groups: []optGroup{{Options: opts}},
		Value: first(vals["partner_id"]), Error: errs.take("partner_id"), Hint: l.T("Only active partners whose region covers the household's are listed.")}
	pg.Note = formField{Name: "note", Label: l.T("What the household needs, in a few words"), Kind: "textarea", Wide: true,
		Value: first(vals["note"]), Error: errs.take("note")}
	members := []option{{"", l.T("Choose…")}}
	for _, m := range h.Members {
		if m.Person.Death.IsZero() && m.Person.Birth.YearsAt(today) >= 18 {
			members = append(members, option{strconv.FormatInt(m.Person.ID, 10), m.Person.Name})
		}
	}
	on := first(vals["consent.on"])
	if vals["consent.on"] == nil {
		on = today.String()
	}
	pg.ConsentBy = formField{Name: "consent.person_id", Label: l.T("Consented by"), Kind: "select", Required: true, Groups: []optGroup{{Options: members}},
		Value: first(vals["consent.person_id"]), Error: errs.take("consent.person_id")}
	pg.ConsentOn = formField{Name: "consent.on", Label: l.T("Consented on"), Kind: "date", Required: true, Value: on, Error: errs.take("consent.on")}
	pg.Method = formField{Name: "consent.method", Label: l.T("How"), Kind: "select", Required: true, Value: first(vals["consent.method"]),
		Groups: enumOptions(l, "consent_method", strs(referral.ConsentMethods), l.T("Choose…")), Error: errs.take("consent.method")}
	pg.Witness = formField{Name: "consent.witness", Label: l.T("Witness (for a verbal consent)"), Value: first(vals["consent.witness"]),
		Error: errs.take("consent.witness")}
	pg.DocsError = errs.take("documents")
	for k := range errs {
		if strings.HasPrefix(k, "documents[") {
			pg.DocsError = errs.take(k)
		}
	}
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "referral_new.html", pg)
}

func (s *Server) sendReferralSubmit(w http.ResponseWriter, r *http.Request) {
	h, err := s.householdOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.renderError(w, r, s.uploadError(err))
		return
	}
	vals := r.MultipartForm.Value
	num := func(k string) int64 { n, _ := strconv.ParseInt(first(vals[k]), 10, 64); return n }
	req := referralRequest{PartnerID: num("partner_id"), Needs: referral.NeedsOf(vals["needs"]), Note: first(vals["note"]),
		ApplicationID: num("application_id"), WarningID: num("warning_id"),
		Consent: referral.Consent{PersonID: num("consent.person_id"), Method: referral.ConsentMethod(first(vals["consent.method"])),
			Witness: first(vals["consent.witness"])}}
	var l apperr.List
	if v := first(vals["consent.on"]); v != "" {
		d, err := civil.ParseDate(v)
		if err != nil {
			l.Addf("consent.on", "%q is not a date: write YYYY-MM-DD", v)
		}
		req.Consent.On = d
	}
	docs, err := s.referralDocuments(r, r.MultipartForm.File["documents"])
	l.Add("", err)
	err = l.Err()
	var ref *referral.Referral
	if err == nil {
		ref, err = s.sendReferral(r, h, req, docs)
	}
	if err == nil {
		seeOther(w, r, "/referrals/"+strconv.FormatInt(ref.ID, 10)+"?saved=1")
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.TooLarge {
		s.renderError(w, r, err)
		return
	}
	s.showReferralForm(w, r, vals, errorsOf(langOf(r), err), statusOf[apperr.CodeOf(err)])
}
