package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/registry"
)

// memberFormView is the data of member_form.html: a new member of an
// existing household (born, married in, moved in…).
type memberFormView struct {
	view
	H         *registry.Household
	Action    string
	Cancel    string
	Sections  []formSection
	Problems  []string
	HasErrors bool
}

// CurrentMembers lists the household's members with their relationship,
// to help choose the new member's.
func (v *memberFormView) CurrentMembers() string {
	sep, open, closing := "、", "（", "）"
	if v.Lang == langEN {
		sep, open, closing = ", ", " (", ")"
	}
	var parts []string
	for _, m := range v.H.Members {
		parts = append(parts, m.Person.Name+open+v.Enum("relationship", m.Relationship)+closing)
	}
	return strings.Join(parts, sep)
}

func (s *Server) newMemberPage(w http.ResponseWriter, r *http.Request) {
	h, err := s.household(r) // masked
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := map[string]string{"joined_on": civil.Today().String()}
	s.renderMemberForm(w, r, http.StatusOK, h, vals, nil)
}

// addMemberSubmit adds the member: a new person, or one registered before
// and in no household now (the store matches the ID number). On a fault
// the form comes back as typed, each message beside its field; a person
// still in another household is named there, with that household.
func (s *Server) addMemberSubmit(w http.ResponseWriter, r *http.Request) {
	h, err := s.household(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	var pre apperr.List
	m := memberOfForm(&pre, vals)
	if pre.Len() == 0 {
		err = s.Registry.AddMember(r.Context(), scopeOf(r), h.ID, &m)
		if err == nil {
			seeOther(w, r, "/households/"+strconv.FormatInt(h.ID, 10)+"?saved=member#members")
			return
		}
		if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
			s.renderError(w, r, err)
			return
		}
	} else {
		// Show every fault at once: what the form could not read, and
		// what validation finds in the rest.
		err = m.Validate(civil.Today())
	}
	l := langOf(r)
	errs := formErrors{}
	for k, v := range errorsOf(l, err) {
		// The store names a conflicting ID number ".person.id_number".
		errs[strings.TrimPrefix(k, ".")] = v
	}
	for k, v := range errorsOf(l, pre.Err()) {
		errs[k] = v
	}
	status := http.StatusUnprocessableEntity
	if apperr.CodeOf(err) == apperr.Conflict {
		status = http.StatusConflict
	}
	s.renderMemberForm(w, r, status, h, vals, errs)
}

// memberOfForm reads the form into a membership with its person; values
// the form cannot read are added to pre under their field path.
func memberOfForm(pre *apperr.List, vals map[string]string) registry.Member {
	m := registry.Member{Relationship: registry.Relationship(strings.TrimSpace(vals["relationship"]))}
	if m.Relationship == "" {
		pre.Addf("relationship", "choose the member's relationship to the head of household")
	}
	var blank bool
	if m.JoinedOn, blank = dateFromForm(pre, "joined_on", vals["joined_on"]); blank {
		pre.Addf("joined_on", "enter the date the member joined the household")
	}
	m.JoinReason = reasonFromForm(pre, vals, "join_reason", joinReasons(langEN), false)
	m.Person = personFromForm(pre, vals, "person.")
	return m
}

// renderMemberForm draws the form from what was typed (vals) and the
// messages by field (errs).
func (s *Server) renderMemberForm(w http.ResponseWriter, r *http.Request, status int, h *registry.Household,
	vals map[string]string, errs formErrors) {
	l := langOf(r)
	if errs == nil {
		errs = formErrors{}
	}
	id := strconv.FormatInt(h.ID, 10)
	pg := &memberFormView{H: h, Action: "/households/" + id + "/members", Cancel: "/households/" + id, HasErrors: len(errs) > 0}
	pg.Title = l.T("Add a member to household %s", h.Number)
	pg.Here = "/households/" + id + "/members/new"
	membership := []formField{
		{Name: "relationship", Label: l.T("Relationship to head"), Kind: "select", Value: vals["relationship"], Required: true,
			Groups: enumOptions(l, "relationship", enumValues["relationship"], l.T("Choose…")), Error: errs.take("relationship")},
		{Name: "joined_on", Label: l.T("Date joined"), Kind: "date", Value: vals["joined_on"], Required: true, Error: errs.take("joined_on")},
	}
	membership = append(membership, reasonFields(l, "join_reason", l.T("Reason for joining"), "", joinReasons(l), false, vals, errs)...)
	person := personMainFields(l, "person.", vals, errs, nil)
	person[1].Hint = l.T("Sex and date of birth are read from the ID number.")
	// A new member is alive: the date of death is recorded on the
	// member's own form.
	more := slices.DeleteFunc(personMoreFields(l, "person.", vals, errs), func(f formField) bool { return f.Name == "person.death_date" })
	pg.Sections = []formSection{
		{Title: l.T("Membership"), Fields: membership},
		{Title: l.T("Identity and contact"), Fields: person},
		{Title: l.T("Schooling, work, disability, illness, self-care"), Fields: more},
	}
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "member_form.html", pg)
}
