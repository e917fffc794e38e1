package web

import (
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/registry"
)

// memberEndView is the data of member_end.html: the end of a membership
// (moved out, died, split off into a new household…).
type memberEndView struct {
	view
	Action    string
	Cancel    string
	Household string
	M         registry.Member
	Head      bool
	Fields    []formField
	Problems  []string
	HasErrors bool
}

// activeMember finds the member of the {id} path value among the current
// members of household hid, which must be in the user's jurisdiction;
// anything else is "not found". Personal data is masked.
func (s *Server) activeMember(r *http.Request, hid string) (*registry.Household, *registry.Member, error) {
	notFound := apperr.Errorf(apperr.NotFound, "no such record")
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	h64, err := strconv.ParseInt(householdParam(hid), 10, 64)
	if err != nil {
		return nil, nil, notFound
	}
	h, err := s.Registry.Household(r.Context(), scopeOf(r), h64)
	if err != nil {
		return nil, nil, err
	}
	maskHousehold(h)
	for i := range h.Members {
		if h.Members[i].ID == id {
			return h, &h.Members[i], nil
		}
	}
	return nil, nil, notFound
}

// endMemberPage asks when and why a member left. The household page links
// it with ?household=, the household to return to.
func (s *Server) endMemberPage(w http.ResponseWriter, r *http.Request) {
	h, m, err := s.activeMember(r, r.URL.Query().Get("household"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderMemberEnd(w, r, http.StatusOK, h, m, map[string]string{}, nil)
}

// endMemberSubmit ends the membership; the store refuses a day before the
// member joined. The member then no longer counts in the household; its
// history and the state on an earlier day still show them.
func (s *Server) endMemberSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	h, m, err := s.activeMember(r, vals["household"])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var pre apperr.List
	on, blank := dateFromForm(&pre, "left_on", vals["left_on"])
	if blank {
		pre.Addf("left_on", "the date the member left is required")
	}
	reason := reasonFromForm(&pre, vals, "reason", leaveReasons(langEN), true)
	if pre.Len() == 0 {
		err = s.Registry.EndMember(r.Context(), scopeOf(r), m.ID, on, reason)
		if err == nil {
			seeOther(w, r, "/households/"+strconv.FormatInt(h.ID, 10)+"?saved=left#members")
			return
		}
		if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
			s.renderError(w, r, err)
			return
		}
	} else {
		// Say at once what the store would say next.
		if !on.IsZero() && on.Before(m.JoinedOn) {
			pre.Addf("left_on", "the member cannot leave (%s) before joining (%s)", on, m.JoinedOn)
		}
		err = pre.Err()
	}
	s.renderMemberEnd(w, r, statusOf[apperr.CodeOf(err)], h, m, vals, errorsOf(langOf(r), err))
}

func (s *Server) renderMemberEnd(w http.ResponseWriter, r *http.Request, status int, h *registry.Household, m *registry.Member,
	vals map[string]string, errs formErrors) {
	l := langOf(r)
	if errs == nil {
		errs = formErrors{}
	}
	hid := strconv.FormatInt(h.ID, 10)
	pg := &memberEndView{Action: "/members/" + strconv.FormatInt(m.ID, 10) + "/end", Cancel: "/households/" + hid,
		Household: hid, M: *m, Head: m.Relationship == registry.RelHead, HasErrors: len(errs) > 0}
	pg.Title = l.T("Member leaves: %s", m.Person.Name)
	pg.Here = pg.Action + "?household=" + hid
	pg.Fields = append([]formField{
		{Name: "left_on", Label: l.T("Date left"), Kind: "date", Value: vals["left_on"], Required: true,
			Hint: l.T("Not before the day they joined, %s.", m.JoinedOn.String()), Error: errs.take("left_on")},
	}, reasonFields(l, "reason", l.T("Reason for leaving"), l.T("If the member died, also record the date of death on their record."),
		leaveReasons(l), true, vals, errs)...)
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "member_end.html", pg)
}
