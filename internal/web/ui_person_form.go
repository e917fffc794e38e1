package web

import (
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

// personFormView is the data of person_form.html.
type personFormView struct {
	view
	Action    string
	Cancel    string
	Household string
	Version   string
	Name      string
	Fields    []formField
	More      []formField
	Problems  []string
	HasErrors bool
	Conflict  bool
}

// editPersonPage shows a person's fields for correction. The ID number and
// phone are not put in the form: their masked values are shown as
// placeholders, and a blank field keeps the stored value, so opening the
// form is not an unmasked view.
func (s *Server) editPersonPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.Registry.Person(r.Context(), scopeOf(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := map[string]string{"name": p.Name, "hukou_region": p.HukouRegion, "school_status": string(p.SchoolStatus),
		"employment_status": string(p.EmploymentStatus), "labour_capacity": string(p.LabourCapacity),
		"disability_category": string(p.DisabilityCategory), "serious_illness": p.SeriousIllness,
		"self_care": string(p.SelfCare), "death_date": p.Death.String(), "version": strconv.Itoa(p.Version),
		"household": householdParam(r.URL.Query().Get("household"))}
	if p.DisabilityGrade > 0 {
		vals["disability_grade"] = strconv.Itoa(p.DisabilityGrade)
	}
	s.renderPersonForm(w, r, http.StatusOK, p, vals, nil)
}

// householdParam keeps a household id to return to, if it is one.
func householdParam(v string) string {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return v
	}
	return ""
}

func (s *Server) editPersonSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	vals["household"] = householdParam(vals["household"])
	cur, err := s.Registry.Person(r.Context(), scopeOf(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var pre apperr.List
	p := personFromForm(&pre, vals, "")
	p.ID = id
	p.Version, _ = strconv.Atoi(vals["version"])
	if p.IDNumber == "" {
		p.IDNumber = cur.IDNumber
	}
	switch {
	case vals["phone_remove"] != "":
		p.Phone = ""
	case p.Phone == "":
		p.Phone = cur.Phone
	}
	switch {
	case pre.Len() > 0:
		err = pre.Err()
	case p.Version == 0:
		err = apperr.Fieldf("version", "send the version you read, so a concurrent change is not overwritten")
	default:
		err = s.Registry.UpdatePerson(r.Context(), scopeOf(r), &p)
	}
	if err == nil {
		to := "/households/" + vals["household"] + "?saved=person"
		if vals["household"] == "" {
			to = "/persons/" + strconv.FormatInt(id, 10) + "/edit"
		}
		seeOther(w, r, to)
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.renderPersonForm(w, r, statusOf[apperr.CodeOf(err)], cur, vals, errorsOf(langOf(r), err))
}

// renderPersonForm draws the person form; cur is the stored person, whose
// masked ID number and phone are the placeholders.
func (s *Server) renderPersonForm(w http.ResponseWriter, r *http.Request, status int, cur *registry.Person,
	vals map[string]string, errs formErrors) {
	l := langOf(r)
	if errs == nil {
		errs = formErrors{}
	}
	id := strconv.FormatInt(cur.ID, 10)
	pg := &personFormView{Action: "/persons/" + id + "/edit", Household: vals["household"], Version: vals["version"],
		Name: cur.Name, HasErrors: len(errs) > 0}
	pg.Title = l.T("Edit member %s", cur.Name)
	pg.Here = pg.Action
	if pg.Household != "" {
		pg.Here += "?household=" + pg.Household
		pg.Cancel = "/households/" + pg.Household
	} else {
		pg.Cancel = "/households"
	}
	ph := &personPlaceholders{IDNumber: pii.Mask(pii.IDNumber, cur.IDNumber), Phone: pii.Mask(pii.Phone, cur.Phone)}
	pg.Fields = personMainFields(l, "", vals, errs, ph)
	if cur.Phone != "" {
		pg.Fields = append(pg.Fields, formField{Name: "phone_remove", Label: l.T("Remove the phone number on file"),
			Kind: "checkbox", Checked: vals["phone_remove"] != ""})
	}
	pg.Fields = append(pg.Fields, formField{Name: "hukou_region", Label: l.T("Region of household registration"),
		Value: vals["hukou_region"], InputMode: "numeric", Hint: l.T("A region code, if registered elsewhere"), Error: errs.take("hukou_region")})
	pg.More = personMoreFields(l, "", vals, errs)
	_, pg.Conflict = errs["version"]
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "person_form.html", pg)
}
