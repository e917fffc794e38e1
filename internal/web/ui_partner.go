package web

import (
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/referral"
	"safetynet/internal/region"
)

// The partner directory's pages (/partners, /partners/{id}): the list of
// departments and charities serving the jurisdiction, the form that adds
// one, and a partner's page that changes it, creates its logins and issues
// their API tokens.

type partnerRow struct {
	ID                        int64
	Name, Kind, Region, Needs string
	Contact, Phone            string
	Active, Manage            bool
}

// partnerForm is the fields of a partner's form.
type partnerForm struct {
	Name, Kind, Region, Contact, Phone formField
	Active                             formField
	Needs                              []needBox
	NeedsError, NeedsLegend            string
	Problems                           []string
}

// partnersView is the data of partners.html.
type partnersView struct {
	view
	Rows     []partnerRow
	CanAdmin bool
	AddOpen  bool
	Form     partnerForm
}

func (s *Server) partnerFormOf(l lang, vals map[string][]string, errs formErrors) partnerForm {
	if errs == nil {
		errs = formErrors{}
	}
	f := partnerForm{
		Name: formField{Name: "name", Label: l.T("Name"), Required: true, Value: first(vals["name"]), Error: errs.take("name")},
		Kind: formField{Name: "kind", Label: l.T("Kind"), Kind: "select", Required: true, Value: first(vals["kind"]),
			Groups: enumOptions(l, "partner_kind", strs(referral.PartnerKinds), l.T("Choose…")), Error: errs.take("kind")},
		Region: formField{Name: "region", Label: l.T("Region served (code)"), Required: true, Value: first(vals["region"]), InputMode: "numeric",
			Error: errs.take("region"), Hint: l.T("A province, city, county or township code: the households registered in it are served.")},
		Contact: formField{Name: "contact", Label: l.T("Contact person"), Value: first(vals["contact"]), Error: errs.take("contact")},
		Phone:   formField{Name: "phone", Label: l.T("Phone"), Value: first(vals["phone"]), InputMode: "tel", Error: errs.take("phone")},
		Active:  formField{Name: "active", Label: l.T("Takes referrals"), Kind: "checkbox", Checked: vals == nil || first(vals["active"]) != ""},
	}
	ticked := map[string]bool{}
	for _, n := range vals["needs"] {
		ticked[n] = true
	}
	for _, n := range referral.Needs {
		f.Needs = append(f.Needs, needBox{Code: string(n), Label: l.enumLabel("need", string(n)), Checked: ticked[string(n)]})
	}
	f.NeedsLegend = l.T("Needs served")
	f.NeedsError = errs.take("needs")
	for k := range errs {
		if strings.HasPrefix(k, "needs[") {
			f.NeedsError = errs.take(k)
		}
	}
	f.Problems = errs.rest(l)
	return f
}

func (s *Server) partnersPage(w http.ResponseWriter, r *http.Request) {
	s.showPartners(w, r, nil, nil, http.StatusOK)
}

func (s *Server) showPartners(w http.ResponseWriter, r *http.Request, vals map[string][]string, errs formErrors, status int) {
	l := langOf(r)
	p := principalOf(r)
	ps, err := s.DB.Partners(r.Context(), referral.PartnerFilter{Region: p.Region})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &partnersView{CanAdmin: p.Can(auth.PartnerAdmin), AddOpen: vals != nil}
	pg.Title = l.T("Partners")
	pg.Here = "/partners"
	for i := range ps {
		pt := &ps[i]
		maskPartner(r, pt)
		pg.Rows = append(pg.Rows, partnerRow{ID: pt.ID, Name: pt.Name, Kind: l.enumLabel("partner_kind", string(pt.Kind)),
			Region: s.regionName(pt.Region), Needs: needLabels(l, pt.Needs), Contact: pt.Contact, Phone: pt.Phone, Active: pt.Active,
			Manage: pg.CanAdmin && mayManagePartner(r, pt) == nil})
	}
	if pg.CanAdmin {
		if vals == nil {
			vals = map[string][]string{"region": {p.Region}}
			pg.Form = s.partnerFormOf(l, nil, errs)
			pg.Form.Region.Value = p.Region
		} else {
			pg.Form = s.partnerFormOf(l, vals, errs)
		}
	}
	s.render(w, r, status, "partners.html", pg)
}

// partnerFromForm reads a posted partner.
func partnerFromForm(r *http.Request) (*referral.Partner, map[string][]string, error) {
	if err := r.ParseForm(); err != nil {
		return nil, nil, apperr.Fieldf("", "the form could not be read")
	}
	vals := map[string][]string(r.PostForm)
	p := &referral.Partner{Name: first(vals["name"]), Kind: referral.PartnerKind(first(vals["kind"])), Region: first(vals["region"]),
		Needs: referral.NeedsOf(vals["needs"]), Contact: first(vals["contact"]), Phone: first(vals["phone"]), Active: first(vals["active"]) != ""}
	p.Version, _ = strconv.Atoi(first(vals["version"]))
	return p, vals, nil
}

func (s *Server) addPartnerSubmit(w http.ResponseWriter, r *http.Request) {
	p, vals, err := partnerFromForm(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	err = p.Validate()
	if err == nil && !region.Within(p.Region, principalOf(r).Region) {
		err = apperr.Fieldf("region", "%s lies outside your jurisdiction %s", p.Region, principalOf(r).Region)
	}
	if err == nil {
		err = s.DB.CreatePartner(r.Context(), p)
	}
	if err == nil {
		seeOther(w, r, "/partners/"+strconv.FormatInt(p.ID, 10)+"?saved=created")
		return
	}
	if apperr.CodeOf(err) != apperr.Invalid {
		s.renderError(w, r, err)
		return
	}
	s.showPartners(w, r, vals, errorsOf(langOf(r), err), http.StatusUnprocessableEntity)
}

// partnerView is the data of partner_edit.html.
type partnerEditView struct {
	view
	P             *referral.Partner
	Form          partnerForm
	Logins        []string
	Login         []formField
	LoginProblems []string
	Token         []formField
	TokenProblems []string
	NewToken      string
	NewTokenUser  string
}

func (s *Server) partnerPage(w http.ResponseWriter, r *http.Request) {
	pg := &partnerEditView{}
	l := langOf(r)
	switch r.URL.Query().Get("saved") {
	case "created":
		pg.Notice = l.T("The partner was added to the directory.")
	case "updated":
		pg.Notice = l.T("The partner was saved.")
	case "login":
		pg.Notice = l.T("The login was created: give its username and password to the partner.")
	}
	s.showPartner(w, r, pg, nil, nil, http.StatusOK)
}

func (s *Server) showPartner(w http.ResponseWriter, r *http.Request, pg *partnerEditView, vals map[string][]string, errs formErrors, status int) {
	l := langOf(r)
	p, err := s.managedPartner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.P = p
	pg.Title = p.Name
	pg.Here = "/partners/" + strconv.FormatInt(p.ID, 10)
	if vals == nil {
		vals = map[string][]string{"name": {p.Name}, "kind": {string(p.Kind)}, "region": {p.Region}, "contact": {p.Contact},
			"phone": {p.Phone}, "needs": strs(p.Needs)}
		if p.Active {
			vals["active"] = []string{"1"}
		}
	}
	pg.Form = s.partnerFormOf(l, vals, errs)
	if pg.Logins, err = s.DB.PartnerUsers(r.Context(), p.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if pg.Login == nil {
		pg.Login = []formField{
			{Name: "username", Label: l.T("Username"), Required: true},
			{Name: "display_name", Label: l.T("Display name"), Value: p.Name},
			{Name: "password", Label: l.T("Password"), Kind: "password", Required: true, Hint: l.T("At least 10 characters.")},
		}
	}
	if pg.Token == nil {
		user := ""
		if len(pg.Logins) > 0 {
			user = pg.Logins[0]
		}
		pg.Token = []formField{
			{Name: "username", Label: l.T("Login"), Required: true, Value: user},
			{Name: "name", Label: l.T("What uses the token"), Required: true, Value: l.T("partner's case system")},
		}
	}
	s.render(w, r, status, "partner_edit.html", pg)
}

func (s *Server) updatePartnerSubmit(w http.ResponseWriter, r *http.Request) {
	old, err := s.managedPartner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p, vals, err := partnerFromForm(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.ID = old.ID
	err = p.Validate()
	if err == nil && !region.Within(p.Region, principalOf(r).Region) {
		err = apperr.Fieldf("region", "%s lies outside your jurisdiction %s", p.Region, principalOf(r).Region)
	}
	if err == nil {
		err = s.DB.UpdatePartner(r.Context(), p)
	}
	if err == nil {
		seeOther(w, r, "/partners/"+strconv.FormatInt(p.ID, 10)+"?saved=updated")
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.showPartner(w, r, &partnerEditView{}, vals, errorsOf(langOf(r), err), statusOf[apperr.CodeOf(err)])
}

func (s *Server) addPartnerLoginSubmit(w http.ResponseWriter, r *http.Request) {
	p, err := s.managedPartner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	in := partnerLogin{Username: r.PostForm.Get("username"), DisplayName: r.PostForm.Get("display_name"), Password: r.PostForm.Get("password")}
	_, err = s.addPartnerLogin(r.Context(), p, in)
	if err == nil {
		seeOther(w, r, "/partners/"+strconv.FormatInt(p.ID, 10)+"?saved=login")
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	errs := errorsOf(l, err)
	pg := &partnerEditView{Login: []formField{
		{Name: "username", Label: l.T("Username"), Required: true, Value: in.Username, Error: errs.take("username")},
		{Name: "display_name", Label: l.T("Display name"), Value: in.DisplayName},
		{Name: "password", Label: l.T("Password"), Kind: "password", Required: true, Error: errs.take("password")},
	}}
	pg.LoginProblems = errs.rest(l)
	s.showPartner(w, r, pg, nil, nil, statusOf[apperr.CodeOf(err)])
}

func (s *Server) issuePartnerTokenSubmit(w http.ResponseWriter, r *http.Request) {
	p, err := s.managedPartner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	user, name := r.PostForm.Get("username"), r.PostForm.Get("name")
	tok, err := s.issuePartnerToken(r.Context(), p, user, name)
	l := langOf(r)
	pg := &partnerEditView{}
	status := http.StatusOK
	if err == nil {
		// Shown once, on this answer to the POST: only its hash is kept.
		pg.NewToken, pg.NewTokenUser = tok, user
	} else {
		if apperr.CodeOf(err) != apperr.Invalid {
			s.renderError(w, r, err)
			return
		}
		errs := errorsOf(l, err)
		pg.Token = []formField{
			{Name: "username", Label: l.T("Login"), Required: true, Value: user, Error: errs.take("username")},
			{Name: "name", Label: l.T("What uses the token"), Required: true, Value: name, Error: errs.take("name")},
		}
		pg.TokenProblems = errs.rest(l)
		status = http.StatusUnprocessableEntity
	}
	s.showPartner(w, r, pg, nil, nil, status)
}
