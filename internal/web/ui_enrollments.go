package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// The household page's benefits (保障情况): the household's enrollments,
// and on each one still paid the two forms that start a review from the
// office's side: a reported change (docs/casework.md, "Reviews of
// enrollments"), and the answer to a suitable job offer, whose refusals
// in a row open a review at the limit (SAIM Art. 45). They go through the
// API's helpers (openReview, recordRefusal).

// enrollmentRow is one enrollment as the household page lists it, with
// the forms the user may use on it.
type enrollmentRow struct {
	casework.Enrollment
	ProgramName, KindName, StatusName string
	// Refusals are the members' consecutive refusals of work.
	Refusals []refusalCount
	// Review ("report a change") and JobOffer ("record a job offer") are
	// nil when the user may not use them or the enrollment has ended.
	Review, JobOffer *enrollmentForm
	// Recorded is the answer to the job offer just recorded.
	Recorded *refusalNotice
}

type refusalCount struct {
	Name  string
	Count int
}

// enrollmentForm is one of an enrollment's forms, as the household page
// draws it ("enrollment-form"). Name makes its element ids: Name-N (the
// details), Name-form-N, problems-Name-N and submit-Name-N, where N is
// the enrollment.
type enrollmentForm struct {
	Name       string
	Enrollment int64
	Action     string
	// Label opens the form; Submit sends it.
	Label, Hint, Submit string
	CSRF                string
	Fields              []formField
	Problems            []string
	// Case is the open case a refused review ran into.
	Case *caseLink
	Open bool
}

// caseLink names an application or a review for a link to it.
type caseLink struct {
	ID    int64
	Label string
}

// refusalNotice says what a recorded job offer came to.
type refusalNotice struct {
	Name        string
	Refused     bool
	Consecutive int
	// Reached: the refusals reached the limit. Review is the review
	// opened then, or (Opened false) the case already open.
	Reached bool
	Opened  bool
	Review  *caseLink
}

// enrollmentFailure is a rejected enrollment form, shown again as typed.
type enrollmentFailure struct {
	enrollment int64
	form       string // "review" or "job_offer"
	values     map[string]string
	errs       formErrors
	// open is the case a review ran into (409).
	open *caseLink
}

// mayReview reports whether the user's role opens reviews and records
// job offers (casework.MayReview).
func mayReview(p *auth.Principal) bool {
	return p.Can(auth.CaseAct) && casework.MayReview(actorOf(p))
}

// enrollmentRows lists the household's enrollments for the page, with the
// forms the user may use and the outcome of a job offer just recorded.
func (s *Server) enrollmentRows(r *http.Request, pg *householdView) ([]enrollmentRow, error) {
	l := langOf(r)
	es, err := s.Enrollments.Enrollments(r.Context(), scopeOf(r), pg.H.ID)
	if err != nil {
		return nil, err
	}
	may := mayReview(principalOf(r))
	notice, err := s.refusalNotice(r, pg)
	if err != nil {
		return nil, err
	}
	rows := make([]enrollmentRow, 0, len(es))
	for _, e := range es {
		row := enrollmentRow{Enrollment: e, ProgramName: policy.ProgramName(e.Program, string(l)),
			KindName: l.enumLabel("case_kind", e.Kind), StatusName: l.enumLabel("enrollment_status", e.Status)}
		for _, person := range slices.Sorted(maps.Keys(e.Refusals)) {
			if n := e.Refusals[person]; n > 0 {
				row.Refusals = append(row.Refusals, refusalCount{pg.PersonName(person), n})
			}
		}
		if may && (e.Status == casework.Active || e.Status == casework.Suspended) {
			row.Review, row.JobOffer = reviewForm(l, e.ID, pg.failed), jobOfferForm(l, pg.H, e.ID, pg.failed)
			for _, f := range []*enrollmentForm{row.Review, row.JobOffer} {
				f.Enrollment, f.CSRF = e.ID, principalOf(r).CSRF
			}
			base := "/households/" + strconv.FormatInt(pg.H.ID, 10) + "/enrollments/" + strconv.FormatInt(e.ID, 10)
			row.Review.Action, row.JobOffer.Action = base+"/reviews", base+"/refusals"
		}
		if notice != nil && pg.recorded.Get("enrollment") == strconv.FormatInt(e.ID, 10) {
			row.Recorded = notice
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// formOf returns the values and messages of enrollment id's form when it
// is the one rejected, and whether it is.
func (f *enrollmentFailure) formOf(id int64, form string) (map[string]string, formErrors, bool) {
	if f == nil || f.enrollment != id || f.form != form {
		return map[string]string{}, formErrors{}, false
	}
	errs := formErrors{}
	for k, v := range f.errs {
		errs[k] = v
	}
	return f.values, errs, true
}

// reviewForm is "report a change": what was reported or found opens a
// review of enrollment id.
func reviewForm(l lang, id int64, failed *enrollmentFailure) *enrollmentForm {
	vals, errs, open := failed.formOf(id, "review")
	if !open {
		vals["trigger"] = casework.TriggerChangeReport
	}
	key := "review-" + strconv.FormatInt(id, 10) + "."
	triggers := enumOptions(l, "review_trigger", []string{casework.TriggerChangeReport, casework.TriggerOther}, l.T("Choose…"))
	f := &enrollmentForm{Name: "report-change", Label: l.T("Report a change"), Submit: l.T("Open a review"), Open: open,
		Hint: l.T("Opens a review: the township investigates and proposes the outcome, the county confirms it; a change takes effect from the next month."), Fields: []formField{
			{Name: "trigger", Key: key + "trigger", Label: l.T("Reason for the review"), Kind: "select", Value: vals["trigger"], Required: true,
				Groups: triggers, Error: errs.take("trigger")},
			{Name: "note", Key: key + "note", Label: l.T("What was reported or found"), Kind: "textarea", Value: vals["note"], Required: true, Wide: true,
				Hint: l.T("A birth, a death, a change of income, a complaint or report …"), Error: errs.take("note")},
		}}
	f.Problems = errs.rest(l)
	if open {
		f.Case = failed.open
	}
	return f
}

// jobOfferForm is "record a job offer": a member's answer to a suitable
// job offer on enrollment id.
func jobOfferForm(l lang, h *registry.Household, id int64, failed *enrollmentFailure) *enrollmentForm {
	vals, errs, open := failed.formOf(id, "job_offer")
	key := "job-offer-" + strconv.FormatInt(id, 10) + "."
	members := []option{{"", l.T("Choose…")}}
	for _, m := range h.Members {
		if m.LeftOn.IsZero() {
			members = append(members, option{strconv.FormatInt(m.Person.ID, 10), m.Person.Name})
		}
	}
	answers := []option{{"", l.T("Choose…")}, {"yes", l.T("Yes: refused without good reason")}, {"no", l.T("No: accepted")}}
	f := &enrollmentForm{Name: "job-offer", Label: l.T("Record a job offer"), Submit: l.T("Record the answer"), Open: open,
		Hint: l.T("A refusal without good reason counts; an acceptance starts the count again. At the limit in a row a review opens to reduce or stop the member's share."), Fields: []formField{
			{Name: "person_id", Key: key + "person_id", Label: l.T("Member offered the job"), Kind: "select", Value: vals["person_id"], Required: true,
				Groups: []optGroup{{Options: members}}, Error: errs.take("person_id")},
			{Name: "refused", Key: key + "refused", Label: l.T("Refused the offer"), Kind: "select", Value: vals["refused"], Required: true,
				Groups: []optGroup{{Options: answers}}, Error: errs.take("refused")},
			{Name: "note", Key: key + "note", Label: l.T("Note"), Kind: "textarea", Value: vals["note"], Wide: true,
				Hint: l.T("The job offered, and what the member said."), Error: errs.take("note")},
		}}
	f.Problems = errs.rest(l)
	return f
}

// pathEnrollment reads the enrollment of the {eid} path value, which must
// be the household's of the {id} path value. Errors: NotFound.
func (s *Server) pathEnrollment(r *http.Request) (*casework.Enrollment, error) {
	hid, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	eid, err := pathID(r, "eid")
	if err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Enrollment(r.Context(), scopeOf(r), eid)
	if err != nil {
		return nil, err
	}
	if e.HouseholdID != hid {
		return nil, apperr.Errorf(apperr.NotFound, "no enrollment %d", eid)
	}
	return e, nil
}

// reportChangeSubmit opens a review of the enrollment for a reported
// change or another finding, and shows the review.
func (s *Server) reportChangeSubmit(w http.ResponseWriter, r *http.Request) {
	e, err := s.pathEnrollment(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "trigger", "note")
	c, err := s.openReview(r, e.ID, reviewRequest{Trigger: v["trigger"], Note: v["note"]})
	if err == nil {
		seeOther(w, r, "/applications/"+strconv.FormatInt(c.App.ID, 10)+"?saved="+string(casework.OpenReview))
		return
	}
	s.enrollmentFormFailed(w, r, err, e, "review", v)
}

// jobOfferSubmit records a member's answer to a suitable job offer and
// shows the household with the count of refusals in a row, and the review
// opened at the limit.
func (s *Server) jobOfferSubmit(w http.ResponseWriter, r *http.Request) {
	e, err := s.pathEnrollment(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "person_id", "refused", "note")
	var pre apperr.List
	req := refusalRequest{PersonID: parsePersonID(&pre, v["person_id"]), Note: v["note"]}
	if v["person_id"] == "" {
		pre.Addf("person_id", "choose a member of the household")
	}
	switch v["refused"] {
	case "yes":
		req.Refused = true
	case "no":
	default:
		pre.Addf("refused", "say whether the member refused the offer")
	}
	err = pre.Err()
	var out *refusalResult
	if err == nil {
		out, err = s.recordRefusal(r, e.ID, req)
	}
	if err != nil {
		s.enrollmentFormFailed(w, r, err, e, "job_offer", v)
		return
	}
	eid := strconv.FormatInt(e.ID, 10)
	q := url.Values{"saved": {"job_offer"}, "enrollment": {eid}, "person": {strconv.FormatInt(req.PersonID, 10)},
		"consecutive": {strconv.Itoa(out.Consecutive)}}
	if !req.Refused {
		q.Set("accepted", "1")
	}
	if out.Reached {
		q.Set("reached", "1")
		review := out.ReviewID
		if review != 0 {
			q.Set("opened", "1")
		} else if c, err := s.openCase(r, e); err != nil {
			s.renderError(w, r, err)
			return
		} else if c != nil {
			review = c.ID
		}
		if review != 0 {
			q.Set("review", strconv.FormatInt(review, 10))
		}
	}
	seeOther(w, r, "/households/"+strconv.FormatInt(e.HouseholdID, 10)+"?"+q.Encode()+"#enrollment-"+eid)
}

// enrollmentFormFailed shows the household again with the enrollment's
// form as typed and its messages: 422 for a fault in the form, 409 when
// the enrollment cannot take it now (a case already open, named with a
// link, or the benefit ended). Other errors get the error page.
func (s *Server) enrollmentFormFailed(w http.ResponseWriter, r *http.Request, err error, e *casework.Enrollment, form string, v map[string]string) {
	l := langOf(r)
	code := apperr.CodeOf(err)
	if code != apperr.Invalid && code != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	f := &enrollmentFailure{enrollment: e.ID, form: form, values: v, errs: errorsOf(l, err)}
	if code == apperr.Conflict && form == "review" {
		// The household has an open case for the program: the store names
		// it by number only, so it is looked up for a link.
		open, lerr := s.openCase(r, e)
		if lerr != nil {
			s.renderError(w, r, lerr)
			return
		}
		if open != nil {
			f.open, f.errs = open, formErrors{"": l.T("Nothing was opened: this household already has an open case for this program, which takes the change into account.")}
		}
	}
	pg := &householdView{view: view{Here: "/households/" + strconv.FormatInt(e.HouseholdID, 10)}, failed: f}
	s.showHousehold(w, r, pg, statusOf[code])
}

// openCase finds the household's open application or review for e's
// program (at most one is open at a time), or nil.
func (s *Server) openCase(r *http.Request, e *casework.Enrollment) (*caseLink, error) {
	list, err := s.Cases.Applications(r.Context(), scopeOf(r), casework.Filter{HouseholdID: e.HouseholdID, Program: e.Program, Open: true, Limit: 1})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return s.caseLinkOf(r, list[0].ID)
}

// caseLinkOf names application id as a review or an application; nil
// when it is not in the user's jurisdiction.
func (s *Server) caseLinkOf(r *http.Request, id int64) (*caseLink, error) {
	a, err := s.Cases.Application(r.Context(), scopeOf(r), id)
	if apperr.IsCode(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &caseLink{ID: a.ID, Label: caseTitle(langOf(r), a)}, nil
}

// caseTitle is an application's title: "Review no. 12" or "Application
// no. 12".
func caseTitle(l lang, a *casework.Application) string {
	if a.Purpose == casework.PurposeReview {
		return l.T("Review no. %d", a.ID)
	}
	return l.T("Application no. %d", a.ID)
}

// refusalNotice reads the outcome of the job offer just recorded from the
// page's address (jobOfferSubmit's redirect), or nil.
func (s *Server) refusalNotice(r *http.Request, pg *householdView) (*refusalNotice, error) {
	q := pg.recorded
	if q == nil {
		return nil, nil
	}
	person, _ := strconv.ParseInt(q.Get("person"), 10, 64)
	n := &refusalNotice{Name: pg.PersonName(person), Refused: q.Get("accepted") == "", Reached: q.Get("reached") != "", Opened: q.Get("opened") != ""}
	n.Consecutive, _ = strconv.Atoi(q.Get("consecutive"))
	if id, err := strconv.ParseInt(q.Get("review"), 10, 64); err == nil && id > 0 {
		link, err := s.caseLinkOf(r, id)
		if err != nil {
			return nil, err
		}
		n.Review = link
	}
	return n, nil
}
