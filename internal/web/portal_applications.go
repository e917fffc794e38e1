package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// The citizen's applications: the list (/portal), one application
// (/portal/applications/{id}), filing (/portal/apply), withdrawing and
// resubmitting. A citizen sees only the applications they are the
// applicant of (casework.Actor.PersonID == ApplicantID); any other, and
// any review of an enrollment (the offices' own re-check), is "not found".
// They act through casework.New and casework.Apply like staff, as an
// Actor with PersonID set, so the workflow's rules have one home.

// citizenEnv is the environment of a casework action by the signed-in
// citizen.
func (s *Server) citizenEnv(r *http.Request) (*casework.Env, error) {
	pid := citizenOf(r).PersonID
	return s.envFor(r.Context(), casework.Actor{PersonID: pid, Username: auth.CitizenUsername(pid)})
}

// mine refuses an application the person did not make, or a review.
func mine(a *casework.Application, personID int64) error {
	if a.ApplicantID != personID || a.Purpose != "" {
		return apperr.Errorf(apperr.NotFound, "no such record")
	}
	return nil
}

// citizenApplication returns application id if it is the citizen's own.
// Errors: NotFound.
func (s *Server) citizenApplication(r *http.Request, id int64) (*casework.Application, error) {
	a, err := s.Cases.Application(r.Context(), registry.Scope{}, id)
	if err != nil {
		return nil, err
	}
	return a, mine(a, citizenOf(r).PersonID)
}

// citizenCase is the citizen's own application of the {id} path value,
// with what its page and actions need.
type citizenCase struct {
	a      *casework.Application
	env    *casework.Env
	events []casework.Event
}

// citizenCase loads the {id} application if it is the citizen's own.
// Errors: NotFound.
func (s *Server) citizenCase(r *http.Request) (*citizenCase, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	a, err := s.citizenApplication(r, id)
	if err != nil {
		return nil, err
	}
	env, err := s.citizenEnv(r)
	if err != nil {
		return nil, err
	}
	events, err := s.Cases.Events(r.Context(), registry.Scope{}, id)
	if err != nil {
		return nil, err
	}
	return &citizenCase{a: a, env: env, events: events}, nil
}

// limitText says the overall time limit: the day it runs to once the
// application is accepted, before that how many working days it will be.
func (s *Server) limitText(l lang, a *casework.Application, set *policy.Set) string {
	switch f, ok := casework.FlowOf(a.Program); {
	case a.State.Final():
		return ""
	case !a.Due.IsZero() && a.DueProvisional:
		return l.T("By %s (provisional)", a.Due)
	case !a.Due.IsZero():
		return l.T("By %s", a.Due)
	case ok && f.TotalKey != "":
		if p, ok := set.Resolve(f.TotalKey, a.County, s.today()); ok {
			return l.T("%d working days from acceptance", p.Value.Count)
		}
	}
	return ""
}

// portalHome is the data of portal_home.html.
type portalHome struct {
	portalView
	Rows []portalRow
	// CanApply: the citizen is a member of a registered household.
	CanApply bool
}

type portalRow struct {
	ID      int64
	Program string
	State   string
	Code    casework.State
	FiledOn civil.Date
	Limit   string
}

func (s *Server) portalHomePage(w http.ResponseWriter, r *http.Request) {
	ctx, l, pid := r.Context(), langOf(r), citizenOf(r).PersonID
	set, err := s.paramSet(ctx)
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	list, err := s.Cases.Applications(ctx, registry.Scope{}, casework.Filter{ApplicantID: pid, NoReviews: true, Limit: 100})
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	pg := &portalHome{}
	pg.Title = l.T("My applications")
	for _, sm := range list {
		a, err := s.Cases.Application(ctx, registry.Scope{}, sm.ID)
		if err != nil {
			s.portalError(w, r, err)
			return
		}
		if mine(a, pid) != nil {
			continue
		}
		pg.Rows = append(pg.Rows, portalRow{ID: a.ID, Program: programLabel(l, a.Program, a.Kind), State: l.enumLabel("portal_state", string(a.State)),
			Code: a.State, FiledOn: a.FiledOn, Limit: s.limitText(l, a, set)})
	}
	switch _, err := s.DB.CurrentHousehold(ctx, pid); {
	case err == nil:
		pg.CanApply = true
	case !apperr.IsCode(err, apperr.NotFound):
		s.portalError(w, r, err)
		return
	}
	s.renderPortal(w, r, http.StatusOK, "portal_home.html", pg)
}

// portalApplication is the data of portal_application.html.
type portalApplication struct {
	portalView
	A       *casework.Application
	Program string
	State   string
	Limit   string
	Steps   []portalStep
	// Decision: the amount and first month, or the reasons for a refusal.
	Decision *casework.Decision
	OneOff   bool
	// Asked is what the township asked for, all at once, while the
	// application is incomplete.
	Asked                    []portalItem
	CanWithdraw, CanResubmit bool
	// Files are the materials uploaded; Upload is the form to send one
	// (portal_upload.go).
	Files  []portalFile
	Upload *portalUpload
	// Errors, Reason, Checked and UploadPurpose bring back a rejected form
	// as typed.
	Errors        formErrors
	Reason        string
	Checked       []string
	UploadPurpose string
}

// portalStep is one line of the simplified timeline: when, what, and which
// office (never a person's name, never a note).
type portalStep struct {
	At        time.Time
	What, Who string
}

// portalItem is an item asked for, with its checkbox.
type portalItem struct {
	Value, Label, ID string
	Checked          bool
}

// Error is the message for a field.
func (p *portalApplication) Error(field string) string { return p.Errors[field] }

func (s *Server) portalApplicationPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	pg := &portalApplication{}
	switch saved := r.URL.Query().Get("saved"); saved {
	case string(casework.File):
		pg.Notice = l.T("Your application has been filed. The township office accepts it, or tells you at once everything that is missing.")
	case string(casework.Withdraw):
		pg.Notice = l.T("Your application has been withdrawn.")
	case string(casework.Resubmit):
		pg.Notice = l.T("Sent back to the township office with what you handed in.")
	case "upload":
		pg.Notice = l.T("Your file has been received: the township office can see it now.")
	}
	s.showPortalApplication(w, r, pg, http.StatusOK)
}

// showPortalApplication loads the {id} application into pg and renders
// it.
func (s *Server) showPortalApplication(w http.ResponseWriter, r *http.Request, pg *portalApplication, status int) {
	ctx, l := r.Context(), langOf(r)
	c, err := s.citizenCase(r)
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	a, env, events, id := c.a, c.env, c.events, c.a.ID
	pg.A, pg.Program, pg.State, pg.Limit = a, programLabel(l, a.Program, a.Kind), l.enumLabel("portal_state", string(a.State)), s.limitText(l, a, env.Params)
	pg.Title = l.T("Application no. %d", a.ID)
	pg.Here = "/portal/applications/" + strconv.FormatInt(id, 10)
	for _, e := range events {
		pg.Steps = append(pg.Steps, portalStep{At: e.At, What: l.enumLabel("portal_step", string(e.Action)), Who: whoActed(l, e)})
	}
	if a.State == casework.Approved || a.State == casework.Rejected {
		if pg.Decision, err = s.Cases.Decision(ctx, registry.Scope{}, id); err != nil {
			s.portalError(w, r, err)
			return
		}
		f, _ := casework.FlowOf(a.Program)
		pg.OneOff = f != nil && f.OneOff
	}
	allowed := casework.Allowed(a, env)
	pg.CanWithdraw, pg.CanResubmit = slices.Contains(allowed, casework.Withdraw), slices.Contains(allowed, casework.Resubmit)
	if a.State == casework.Incomplete {
		for i, item := range askedItems(events) {
			label := item
			if slices.Contains(policy.Materials, item) {
				label = l.enumLabel("material", item)
			}
			pg.Asked = append(pg.Asked, portalItem{Value: item, Label: label, ID: "item-" + strconv.Itoa(i), Checked: slices.Contains(pg.Checked, item)})
		}
	}
	if err := s.showPortalFiles(r, l, pg, c); err != nil {
		s.portalError(w, r, err)
		return
	}
	s.renderPortal(w, r, status, "portal_application.html", pg)
}

// countyActions are the county's decisions; the township's office does the
// rest.
var countyActions = []casework.Action{casework.Confirm, casework.Reject, casework.FederationOpinion}

// whoActed names who took an event's action as a citizen may see it: the
// citizen, the township office or the county, never a member of staff.
func whoActed(l lang, e casework.Event) string {
	if e.ByUserID == 0 && strings.HasPrefix(e.By, "citizen:") {
		return l.T("You")
	}
	county := slices.Contains(countyActions, e.Action)
	if e.Action == casework.RecordVisit {
		var in casework.Input
		county = json.Unmarshal(e.Data, &in) == nil && in.Visit != nil && in.Visit.County
	}
	if county {
		return l.T("County approval")
	}
	return l.T("Township office")
}

// askedItems returns what the township's latest request for materials
// listed: the one notice names every item (一次性告知), material codes and
// items in the office's own words.
func askedItems(events []casework.Event) []string {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Action == casework.RequestMaterials {
			var in casework.Input
			if json.Unmarshal(events[i].Data, &in) == nil {
				return in.Missing
			}
			return nil
		}
	}
	return nil
}

func (s *Server) portalWithdraw(w http.ResponseWriter, r *http.Request) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	s.portalAct(w, r, casework.Withdraw, func([]string) (casework.Input, error) {
		return casework.Input{Reason: reason}, nil
	})
}

func (s *Server) portalResubmit(w http.ResponseWriter, r *http.Request) {
	confirmed := r.PostForm["items"]
	s.portalAct(w, r, casework.Resubmit, func(asked []string) (casework.Input, error) {
		return resubmitInput(asked, confirmed)
	})
}

// resubmitInput is what the applicant hands back with a resubmission: the
// items the township asked for that they confirm having handed in at the
// office. Material codes are recorded as received; items in the office's
// own words go in the event's note. Files sent from the phone are counted
// as they arrive (portal_upload.go), so they need no ticking here.
func resubmitInput(asked, confirmed []string) (casework.Input, error) {
	var in casework.Input
	var handed []string
	for _, item := range asked {
		switch {
		case !slices.Contains(confirmed, item):
		case slices.Contains(policy.Materials, item):
			in.Materials = append(in.Materials, item)
		default:
			handed = append(handed, item)
		}
	}
	if len(in.Materials)+len(handed) == 0 {
		return in, apperr.Fieldf("items", "tick what you have handed in")
	}
	in.Note = strings.Join(handed, "；")
	return in, nil
}

// portalAct takes an action on the citizen's own application, with the
// input build makes from the items the township asked for. A form at
// fault comes back with its message; an application someone changed
// meanwhile is shown as it stands.
func (s *Server) portalAct(w http.ResponseWriter, r *http.Request, act casework.Action, build func(asked []string) (casework.Input, error)) {
	ctx, l, pid := r.Context(), langOf(r), citizenOf(r).PersonID
	// Ownership first: someone else's application is not found, whatever
	// the version posted.
	c, err := s.citizenCase(r)
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	id := c.a.ID
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	in, err := build(askedItems(c.events))
	if err == nil {
		in.Version = version
		_, err = s.Cases.Act(ctx, registry.Scope{}, id, version, func(a casework.Application) (*casework.Change, error) {
			if err := mine(&a, pid); err != nil {
				return nil, err
			}
			return casework.Apply(a, act, in, c.env, nil)
		})
	}
	path := "/portal/applications/" + strconv.FormatInt(id, 10)
	if err == nil {
		seeOther(w, r, path+"?saved="+string(act))
		return
	}
	pg := &portalApplication{Reason: r.PostFormValue("reason"), Checked: r.PostForm["items"]}
	pg.Here = path
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		pg.Errors = errorsOf(l, err)
	case apperr.Conflict:
		pg.Errors = formErrors{"": l.T("This application has changed since you opened it: please look at where it stands now.")}
	default:
		s.portalError(w, r, err)
		return
	}
	s.showPortalApplication(w, r, pg, statusOf[apperr.CodeOf(err)])
}

// portalApply is the data of portal_apply.html: the filing form for the
// household the citizen belongs to.
type portalApply struct {
	portalView
	// Household is nil when the citizen is in no registered household.
	Household *registry.Household
	Programs  []option
	Kinds     []optGroup
	Values    map[string]string
	Errors    formErrors
}

// Error is the message for a field.
func (p *portalApply) Error(field string) string { return p.Errors[field] }

// Value is what was typed in a field.
func (p *portalApply) Value(field string) string { return p.Values[field] }

// Others are the messages no field of the form shows.
func (p *portalApply) Others() []string {
	var out []string
	for k, v := range p.Errors {
		if !slices.Contains([]string{"program", "kind", "reason", "authorise", "near_relative.staff_name", "near_relative.staff_role", "near_relative.relation"}, k) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// citizenHousehold is the household the citizen currently belongs to.
// Errors: NotFound.
func (s *Server) citizenHousehold(r *http.Request) (*registry.Household, error) {
	id, err := s.DB.CurrentHousehold(r.Context(), citizenOf(r).PersonID)
	if err != nil {
		return nil, err
	}
	return s.Registry.Household(r.Context(), registry.Scope{}, id)
}

func (s *Server) portalApplyPage(w http.ResponseWriter, r *http.Request) {
	s.showPortalApply(w, r, http.StatusOK, map[string]string{}, nil)
}

func (s *Server) showPortalApply(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, errs formErrors) {
	l := langOf(r)
	h, err := s.citizenHousehold(r)
	if err != nil && !apperr.IsCode(err, apperr.NotFound) {
		s.portalError(w, r, err)
		return
	}
	pg := &portalApply{Household: h, Values: vals, Errors: errs}
	pg.Title, pg.Here = l.T("Apply for assistance"), "/portal/apply"
	pg.Programs = []option{{"", l.T("Choose…")}}
	pg.Kinds = []optGroup{{Options: []option{{"", l.T("Not applicable")}}}}
	for _, p := range applyPrograms() {
		pg.Programs = append(pg.Programs, option{string(p), policy.ProgramName(p, string(l))})
		if f, _ := casework.FlowOf(p); len(f.Kinds) > 0 {
			g := optGroup{Label: policy.ProgramName(p, string(l))}
			for _, k := range f.Kinds {
				g.Options = append(g.Options, option{k, l.enumLabel("case_kind", k)})
			}
			pg.Kinds = append(pg.Kinds, g)
		}
	}
	s.renderPortal(w, r, status, "portal_apply.html", pg)
}

// portalApplySubmit files an application online for the citizen's
// household, the citizen as applicant: the form itself is the written
// application, and the ticked authorisation the verification
// authorisation (policy.Materials).
func (s *Server) portalApplySubmit(w http.ResponseWriter, r *http.Request) {
	ctx, l, pid := r.Context(), langOf(r), citizenOf(r).PersonID
	vals := postedValues(r)
	h, err := s.citizenHousehold(r)
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	env, err := s.citizenEnv(r)
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	a := casework.Application{Program: policy.Program(vals["program"]), Kind: strings.TrimSpace(vals["kind"]), HouseholdID: h.ID,
		ApplicantID: pid, Channel: casework.Online, Region: h.RegionCode, County: h.CountyCode,
		Reason: strings.TrimSpace(vals["reason"]), Materials: []string{"application_form"}}
	for _, m := range h.Members {
		if m.Person.ID == pid {
			a.Minor = m.Person.Birth.YearsAt(env.Today) < 18
		}
	}
	var list apperr.List
	if a.Reason == "" {
		list.Addf("reason", "describe your family's difficulty")
	}
	if vals["authorise"] == "" {
		list.Addf("authorise", "the application can only be examined with this authorisation: tick it to apply")
	} else {
		a.Materials = append(a.Materials, "verification_authorisation")
	}
	if vals["near_relative"] != "" {
		a.NearRelative = &casework.NearRelative{StaffName: strings.TrimSpace(vals["near_relative.staff_name"]),
			StaffRole: strings.TrimSpace(vals["near_relative.staff_role"]), Relation: strings.TrimSpace(vals["near_relative.relation"])}
	}
	c, err := casework.New(a, env)
	list.Add("", err)
	if err = list.Err(); err == nil {
		err = s.Cases.CreateApplication(ctx, registry.Scope{Region: h.CountyCode}, c)
	}
	if err == nil {
		seeOther(w, r, "/portal/applications/"+strconv.FormatInt(c.App.ID, 10)+"?saved="+string(casework.File))
		return
	}
	errs := errorsOf(l, err)
	switch apperr.CodeOf(err) {
	case apperr.Conflict:
		// The store names the application's number, which may be another
		// member's: say it in the applicant's words.
		errs = formErrors{"": l.T("Your household already has an application for %s in progress. If you made it, it is under My applications; otherwise ask your township (street) office.",
			policy.ProgramName(a.Program, string(l)))}
	case apperr.Invalid:
	default:
		s.portalError(w, r, err)
		return
	}
	s.showPortalApply(w, r, statusOf[apperr.CodeOf(err)], vals, errs)
}
