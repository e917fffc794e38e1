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
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// The application pages: the filing form (/households/{id}/apply), and the
// application with its history and one form per action the user may take
// (/applications/{id}). They go through the same helpers as the JSON API
// (fileApplication, applicationView, act), so the workflow has one path.

// applyView is the data of application_new.html: the filing form, for a
// household (with every program's verdict for this month beside it) or for
// a person registered elsewhere, named by ID number.
type applyView struct {
	view
	// H is the household applying; nil on the cross-region form.
	H *registry.Household
	// Action is where the form posts; Back is the page Cancel returns to.
	Action, Back string
	Sections     []formSection
	// Materials are the documents received with the application.
	Materials materialChoice
	Reason    formField
	Problems  []string
	HasErrors bool
	// Checks are every program's verdict this month, as the eligibility
	// page shows them; Chosen is the program picked on the form.
	Checks []programCheck
	Chosen string
	Month  string
}

// materialChoice is a group of material checkboxes.
type materialChoice struct {
	Name    string
	ID      string
	Label   string
	Hint    string
	Error   string
	Options []materialOption
	// MissingLabel marks the missing materials.
	MissingLabel string
}

type materialOption struct {
	Code, Label string
	ID          string
	Checked     bool
	// Missing marks a material the application needs and lacks.
	Missing bool
}

func materialOptions(l lang, id string, codes, checked, missing []string) []materialOption {
	out := make([]materialOption, 0, len(codes))
	for _, c := range codes {
		out = append(out, materialOption{Code: c, Label: l.enumLabel("material", c), ID: id + "-" + c,
			Checked: slices.Contains(checked, c), Missing: slices.Contains(missing, c)})
	}
	return out
}

// applyPrograms are the programs one applies for, in the screens' order.
func applyPrograms() []policy.Program {
	var out []policy.Program
	for _, p := range policy.Programs {
		if _, ok := casework.FlowOf(p); ok {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) applyPage(w http.ResponseWriter, r *http.Request) {
	s.showApplyForm(w, r, http.StatusOK, map[string]string{"channel": string(casework.Counter)}, nil, nil)
}

// applySubmit files an application for the household of the {id} path
// value (fileSubmit).
func (s *Server) applySubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.fileSubmit(w, r, s.showApplyForm, func(vals map[string]string, req *newApplication, pre *apperr.List) {
		req.HouseholdID = id
		if v := strings.TrimSpace(vals["applicant_id"]); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				pre.Addf("applicant_id", "choose the applicant among the household's members")
			}
			req.ApplicantID = n
		}
	})
}

// fileSubmit reads a filing form, lets applicant name the applicant from
// it, files the application (fileApplication) and shows it; a form with
// faults comes back through show with each message beside its field and
// nothing typed lost.
func (s *Server) fileSubmit(w http.ResponseWriter, r *http.Request, show applyFormFunc,
	applicant func(vals map[string]string, req *newApplication, pre *apperr.List)) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, apperr.Errorf(apperr.Invalid, "the form could not be read"))
		return
	}
	vals := postedValues(r)
	materials := r.PostForm["materials"]
	var pre apperr.List
	req := newApplication{Program: policy.Program(vals["program"]), Kind: strings.TrimSpace(vals["kind"]),
		Channel: casework.Channel(vals["channel"]), Materials: materials, Reason: strings.TrimSpace(vals["reason"])}
	applicant(vals, &req, &pre)
	if req.Channel == casework.Entrusted {
		req.Entrustment = &casework.Entrustment{AgentName: strings.TrimSpace(vals["entrustment.agent_name"]),
			AgentRelation: strings.TrimSpace(vals["entrustment.agent_relation"])}
	}
	if vals["near_relative"] != "" {
		req.NearRelative = &casework.NearRelative{StaffName: strings.TrimSpace(vals["near_relative.staff_name"]),
			StaffRole: strings.TrimSpace(vals["near_relative.staff_role"]), Relation: strings.TrimSpace(vals["near_relative.relation"]),
			MemberName: strings.TrimSpace(vals["near_relative.member_name"])}
		if v := strings.TrimSpace(vals["near_relative.staff_user_id"]); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				pre.Addf("near_relative.staff_user_id", "enter the staff member's user number, or leave it blank")
			}
			req.NearRelative.StaffUserID = n
		}
	}
	err := pre.Err()
	var c *casework.Change
	if err == nil {
		c, err = s.fileApplication(r, req)
	}
	if err == nil {
		seeOther(w, r, "/applications/"+strconv.FormatInt(c.App.ID, 10)+"?saved=file")
		return
	}
	code := apperr.CodeOf(err)
	if code != apperr.Invalid && code != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	show(w, r, statusOf[code], vals, materials, errorsOf(langOf(r), err))
}

// applyFormFunc renders a filing form with the values and messages given.
type applyFormFunc func(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, materials []string, errs formErrors)

// showApplyForm renders the filing form for the household of the {id}
// path value with the values and messages given.
func (s *Server) showApplyForm(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, materials []string, errs formErrors) {
	l := langOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h, err := s.Registry.Household(r.Context(), scopeOf(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	home := "/households/" + strconv.FormatInt(id, 10)
	pg := &applyView{H: h, Action: home + "/apply", Back: home}
	pg.Title = l.T("Application for household %s", h.Number)
	pg.Here = pg.Action

	members := []option{{"", l.T("Choose…")}}
	names := []option{{"", l.T("Not stated")}}
	for _, m := range h.Members {
		if !m.LeftOn.IsZero() {
			continue
		}
		members = append(members, option{strconv.FormatInt(m.Person.ID, 10), m.Person.Name + " (" + l.enumLabel("relationship", string(m.Relationship)) + ")"})
		names = append(names, option{m.Person.Name, m.Person.Name})
	}
	if errs == nil {
		errs = formErrors{}
	}
	applicant := formField{Name: "applicant_id", Label: l.T("Applicant"), Kind: "select", Value: vals["applicant_id"], Required: true,
		Groups: []optGroup{{Options: members}}, Hint: l.T("A current member of the household."), Error: errs.take("applicant_id")}
	member := formField{Name: "near_relative.member_name", Label: l.T("Which member"), Kind: "select", Value: vals["near_relative.member_name"],
		Groups: []optGroup{{Options: names}}, Error: errs.take("near_relative.member_name")}
	pg.fill(l, vals, materials, errs, applicant, member)

	// The preview: every program's verdict for this month, from the same
	// calculation as the eligibility page.
	month := s.today().MonthOf()
	pg.Month = month.String()
	snap, err := s.Registry.HouseholdAt(r.Context(), scopeOf(r), id, month.Last())
	if err == nil {
		var set *policy.Set
		if set, err = s.paramSet(r.Context()); err == nil {
			pg.Checks, err = s.programChecks(l, set, snap, month)
		}
	}
	if err != nil && !apperr.IsCode(err, apperr.NotFound) {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, status, "application_new.html", pg)
}

// fill builds the filing form's fields with the values and messages
// given: applicant is the field that names the applicant (a member of the
// household, or an ID number), member the near relative's "which member".
func (pg *applyView) fill(l lang, vals map[string]string, materials []string, errs formErrors, applicant, member formField) {
	pg.HasErrors, pg.Chosen = len(errs) > 0 || applicant.Error != "" || member.Error != "", vals["program"]
	programs := []option{{"", l.T("Choose…")}}
	for _, p := range applyPrograms() {
		programs = append(programs, option{string(p), policy.ProgramName(p, string(l))})
	}
	kinds := []optGroup{{Options: []option{{"", l.T("Not applicable")}}}}
	for _, p := range applyPrograms() {
		f, _ := casework.FlowOf(p)
		if len(f.Kinds) > 0 {
			g := optGroup{Label: policy.ProgramName(p, string(l))}
			for _, k := range f.Kinds {
				g.Options = append(g.Options, option{k, l.enumLabel("case_kind", k)})
			}
			kinds = append(kinds, g)
		}
	}
	channels := []option{{"", l.T("Choose…")}}
	for _, c := range casework.Channels {
		if c != casework.Online {
			channels = append(channels, option{string(c), l.enumLabel("case_channel", string(c))})
		}
	}
	// A material's message names its index in the list sent; the list is
	// one group of checkboxes on the form.
	for k, v := range errs {
		if strings.HasPrefix(k, "materials[") {
			delete(errs, k)
			if _, ok := errs["materials"]; !ok {
				errs["materials"] = v
			}
		}
	}
	entrustHint := l.T("Required when someone applies on the household's behalf.")
	pg.Sections = []formSection{
		{Title: l.T("Application"), Fields: []formField{
			{Name: "program", Label: l.T("Program"), Kind: "select", Value: vals["program"], Required: true,
				Groups: []optGroup{{Options: programs}}, Error: errs.take("program")},
			{Name: "kind", Label: l.T("Type"), Kind: "select", Value: vals["kind"], Groups: kinds,
				Hint: l.T("Only temporary assistance (urgent or expenditure type) and the disability subsidies (living or care subsidy) have types."), Error: errs.take("kind")},
			applicant,
			{Name: "channel", Label: l.T("How the application was made"), Kind: "select", Value: vals["channel"], Required: true,
				Groups: []optGroup{{Options: channels}}, Error: errs.take("channel")},
		}},
		{Title: l.T("Application on the household's behalf"), Fields: []formField{
			{Name: "entrustment.agent_name", Label: l.T("Agent's name"), Value: vals["entrustment.agent_name"], Hint: entrustHint,
				Error: errs.take("entrustment.agent_name")},
			{Name: "entrustment.agent_relation", Label: l.T("Agent's relation to the household"), Value: vals["entrustment.agent_relation"],
				Hint: l.T("Village committee, relative, neighbour …"), Error: errs.take("entrustment.agent_relation")},
		}},
		{Title: l.T("Near relative of staff"), Fields: []formField{
			{Name: "near_relative", Label: l.T("A member is a near relative of assistance staff or of a village or residents' committee member (the applicant's declaration)"),
				Kind: "checkbox", Checked: vals["near_relative"] != "", Wide: true, Error: errs.take("near_relative")},
			{Name: "near_relative.staff_name", Label: l.T("Staff member's name"), Value: vals["near_relative.staff_name"], Error: errs.take("near_relative.staff_name")},
			{Name: "near_relative.staff_role", Label: l.T("Post held"), Value: vals["near_relative.staff_role"],
				Hint: l.T("Township caseworker, village committee member …"), Error: errs.take("near_relative.staff_role")},
			{Name: "near_relative.relation", Label: l.T("Relation"), Value: vals["near_relative.relation"],
				Hint: l.T("Spouse, parent, child, sibling …"), Error: errs.take("near_relative.relation")},
			member,
			{Name: "near_relative.staff_user_id", Label: l.T("Staff member's user number"), Value: vals["near_relative.staff_user_id"], InputMode: "numeric",
				Hint: l.T("Optional: if they use this system, they are barred from acting on the case."), Error: errs.take("near_relative.staff_user_id")},
		}},
	}
	pg.Materials = materialChoice{Name: "materials", ID: fieldID("materials"), Label: l.T("Materials received"), MissingLabel: l.T("Missing"),
		Hint:    l.T("Tick what the applicant handed in. What the region requires and is missing is asked for, all at once, before acceptance."),
		Error:   errs.take("materials"),
		Options: materialOptions(l, fieldID("materials"), policy.Materials, materials, nil)}
	pg.Reason = formField{Name: "reason", Label: l.T("The applicant's account of the difficulty"), Kind: "textarea", Value: vals["reason"], Wide: true,
		Error: errs.take("reason")}
	pg.Problems = errs.rest(l)
}

// applicationPage is the data of application.html.
type applicationPage struct {
	view
	A             *casework.Application
	ProgramName   string
	HouseholdNo   string
	ApplicantName string
	// FiledBy names who filed (CreatedBy) as the timeline names actors.
	FiledBy string
	// SeesHousehold: the household lies in the user's jurisdiction (the
	// office that took a cross-region application does not see it).
	SeesHousehold bool
	// WorkdaysLeft counts working days to the overall limit (negative:
	// overdue by that many); nil without a limit or once decided.
	WorkdaysLeft *int
	Required     []string
	Missing      []string
	Events       []eventRow
	Tasks        []casework.Task
	Decision     *decisionView
	Forms        []*actionForm
	// Files are the uploaded files; Upload is the form to add one, when
	// the user may (ui_attachments.go).
	Files  []fileRow
	Upload *uploadForm
	// Conflict is set when the action posted met a newer version.
	Conflict string
	// Verification lists the household's verification reports issued for
	// this application, when the user may see or run verification.
	Verification *applicationVerification

	today civil.Date
	// failed, values, checked and errs are a rejected action's form, shown
	// again as typed with its messages.
	failed  casework.Action
	values  map[string]string
	checked []string
	errs    formErrors
	// uploadVals and uploadErrs are a refused upload's choices and
	// messages; maxUpload is the upload limit the forms state.
	uploadVals map[string]string
	uploadErrs formErrors
	maxUpload  int64
}

// CanDownload reports whether the viewer may open the uploaded documents:
// they hold personal data (ID cards, household booklets), so it takes
// PIIView, as the download route does.
func (p *applicationPage) CanDownload() bool { return p.User.Can(auth.PIIView) }

// Overdue reports whether the overall limit has passed.
func (p *applicationPage) Overdue() bool { return p.WorkdaysLeft != nil && *p.WorkdaysLeft < 0 }

// Late is the number of working days past the limit.
func (p *applicationPage) Late() int {
	if p.WorkdaysLeft == nil {
		return 0
	}
	return -*p.WorkdaysLeft
}

// Left is the number of working days to the overall limit.
func (p *applicationPage) Left() int {
	if p.WorkdaysLeft == nil {
		return 0
	}
	return *p.WorkdaysLeft
}

// explainView is an explanation with the labels its lines need.
type explainView struct {
	Check                   *programCheck
	ParamLabel, SourceLabel string
}

// Explain prepares a result's explanation for the "steps" template.
func (p *applicationPage) Explain(pc *programCheck) explainView {
	return explainView{Check: pc, ParamLabel: p.T("Parameter"), SourceLabel: p.T("Source")}
}

// Handed reports whether an office outside the handling county took the
// application (cross-region filing).
func (p *applicationPage) Handed() bool {
	return p.A.FiledIn != "" && !strings.HasPrefix(p.A.FiledIn, p.A.County)
}

// FilingOffice reports whether the user is the office that took the
// application for a person registered elsewhere and handed it over: the
// only one who sees it without the household's region in its
// jurisdiction. It follows the application, and cannot act on it.
func (p *applicationPage) FilingOffice() bool { return !p.SeesHousehold }

// HandedTo is the full name of the township the application was handed
// over to.
func (p *applicationPage) HandedTo() string {
	code := p.A.Region
	if len(code) > 9 {
		code = code[:9] // a village's township
	}
	return p.RegionFull(code)
}

// MaterialNames lists the materials' names, separated as the language
// writes lists.
func (p *applicationPage) MaterialNames(codes []string) string { return materialNames(p.Lang, codes) }

func materialNames(l lang, codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = l.enumLabel("material", c)
	}
	if l == langEN {
		return strings.Join(names, ", ")
	}
	return strings.Join(names, "、")
}

// TaskOverdue reports whether an open task is past its due date.
func (p *applicationPage) TaskOverdue(t casework.Task) bool { return t.Overdue(p.today) }

// actorName names who took an action, for staff: a citizen on the portal
// as the applicant, never by their internal id, and the server's own work
// as the system.
func actorName(l lang, by string) string {
	switch {
	case strings.HasPrefix(by, "citizen:"):
		return l.T("The applicant (online)")
	case by == casework.System:
		return l.T("System")
	}
	return by
}

// eventRow is one event of the timeline.
type eventRow struct {
	Action   string
	From, To string
	Moved    bool
	By       string
	At       time.Time
	Details  []detail
}

type detail struct{ Label, Value string }

// decisionView is a decision with the rules engine's explanation, rendered
// as the eligibility page renders a result.
type decisionView struct {
	*casework.Decision
	Verdict string
	Check   *programCheck
	// OutcomeName is a review's outcome; HasAmount: the decision pays an
	// amount (an application, or a review's adjustment or gradual exit).
	OutcomeName string
	HasAmount   bool
}

// actionForm is the form of one action the user may take.
type actionForm struct {
	Action    string
	Label     string
	Hint      string
	Fields    []formField
	Materials *materialChoice
	// Files is a file input (the home visit's photos): the form is then
	// sent as multipart.
	Files    *fileField
	Problems []string
	Open     bool
	// Engine is the rules engine's current verdict, shown before a
	// confirmation or a review's proposal.
	Engine *engineView
	// Proposal is the outcome of a review the township proposes, shown
	// with its confirmation.
	Proposal *reviewProposal
}

// reviewProposal is a review's proposed outcome and new monthly amount
// (for an adjustment or a gradual exit).
type reviewProposal struct {
	Outcome, Amount string
}

// engineView is the rules engine's answer for the month a confirmation
// would start paying.
type engineView struct {
	Month   string
	Verdict string
	Amount  string
	Error   string
	Check   *programCheck
}

func (s *Server) applicationPageHandler(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &applicationPage{}
	switch saved := r.URL.Query().Get("saved"); {
	case saved == string(casework.File):
		pg.Notice = l.T("The application was filed. The township accepts it, or asks for every missing material at once.")
	case slices.Contains(casework.Actions, casework.Action(saved)):
		pg.Notice = l.T("Recorded: %s.", l.enumLabel("case_action", saved))
	case saved == "upload":
		pg.Notice = l.T("The file was uploaded.")
	case saved == string(casework.OpenReview):
		pg.Notice = l.T("The review was opened: investigate, then propose its outcome.")
	}
	s.showApplication(w, r, pg, id, http.StatusOK)
}

// actSubmit takes one action on an application (act) and shows the
// application again: a form with faults comes back with its messages and
// what was typed; an action on a version someone else has changed since
// shows the application as it now stands.
func (s *Server) actSubmit(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	act := casework.Action(r.PathValue("action"))
	if !slices.Contains(casework.Actions, act) {
		s.renderError(w, r, apperr.Errorf(apperr.NotFound, "no such page"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, apperr.Errorf(apperr.Invalid, "the form could not be read"))
		return
	}
	vals := postedValues(r)
	checked := r.PostForm["materials"]
	in, err := actionInput(act, vals, checked)
	if err == nil && act == casework.RecordVisit {
		err = s.visitPhotos(r, id, &in)
	}
	if err == nil {
		_, err = s.act(r, id, act, in)
	}
	path := "/applications/" + strconv.FormatInt(id, 10)
	if err == nil {
		seeOther(w, r, path+"?saved="+string(act))
		return
	}
	pg := &applicationPage{view: view{Here: path}}
	status := statusOf[apperr.CodeOf(err)]
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.TooLarge:
		pg.failed, pg.values, pg.checked, pg.errs = act, vals, checked, errorsOf(l, err)
	case apperr.Conflict:
		cur, lerr := s.Cases.Application(r.Context(), scopeOf(r), id)
		if lerr != nil {
			s.renderError(w, r, lerr)
			return
		}
		if cur.Version != in.Version {
			pg.Conflict = l.T("This application has been handled by someone else: please look at its current state.")
			break
		}
		// A step's own condition (a notice still running, a county visit
		// still due): the message goes with the form.
		pg.failed, pg.values, pg.checked = act, vals, checked
		pg.errs = formErrors{"": l.errMsg(apperr.As(err))}
	default:
		s.renderError(w, r, err)
		return
	}
	s.showApplication(w, r, pg, id, status)
}

// showApplication loads application id into pg and renders it.
func (s *Server) showApplication(w http.ResponseWriter, r *http.Request, pg *applicationPage, id int64, status int) {
	l := langOf(r)
	v, err := s.applicationView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	env, err := s.caseEnv(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a := v.Application
	pg.A, pg.WorkdaysLeft, pg.Required, pg.Missing, pg.today = a, v.WorkdaysLeft, v.Required, v.Missing, env.Today
	pg.ProgramName = policy.ProgramName(a.Program, string(l))
	pg.Title = caseTitle(l, a)
	pg.FiledBy = actorName(l, a.CreatedBy)
	pg.SeesHousehold = region.Within(a.Region, principalOf(r).Region)
	// The user sees the application, so its household's number and the
	// applicant's name: read in the handling county, as a household filed
	// elsewhere may lie outside the user's own jurisdiction.
	if pg.HouseholdNo, pg.ApplicantName, err = s.applicantOf(r, a); err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, e := range v.Events {
		pg.Events = append(pg.Events, eventRow{Action: l.enumLabel("case_action", string(e.Action)),
			From: l.enumLabel("case_state", string(e.From)), To: l.enumLabel("case_state", string(e.To)),
			Moved: e.From != e.To && e.From != "", By: actorName(l, e.By), At: e.At, Details: eventDetails(l, e.Data)})
	}
	for _, t := range v.Tasks {
		if t.DoneAt.IsZero() {
			pg.Tasks = append(pg.Tasks, t)
		}
	}
	if d := v.Decision; d != nil {
		dv := &decisionView{Decision: d, OutcomeName: l.enumLabel("review_outcome", d.Outcome),
			HasAmount: d.Outcome == "" || d.Amount > 0}
		dv.Verdict, dv.Check = s.decisionCheck(r, l, d)
		pg.Decision = dv
	}
	if err := s.showAttachments(r, l, pg, v); err != nil {
		s.renderError(w, r, err)
		return
	}
	if pg.Verification, err = s.applicationVerificationOf(r, l, a, pg.SeesHousehold); err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, act := range v.Allowed {
		if act == casework.AddMaterials {
			continue // the upload form is its form
		}
		f := actionFormOf(l, a, act, v.Missing, pg)
		if act == casework.Confirm || act == casework.Propose && a.Purpose == casework.PurposeReview {
			f.Engine = s.engineView(r, l, a, env)
		}
		pg.Forms = append(pg.Forms, f)
	}
	if pg.failed != "" && !slices.Contains(v.Allowed, pg.failed) && pg.Conflict == "" {
		// The action is no longer open to the user: its messages go at the
		// top of the page.
		pg.Conflict = strings.Join(pg.errs.rest(l), " ")
		if pg.Conflict == "" {
			pg.Conflict = l.T("This application has been handled by someone else: please look at its current state.")
		}
	}
	s.render(w, r, status, "application.html", pg)
}

// engineView runs the rules engine as a confirmation would (s.engine).
func (s *Server) engineView(r *http.Request, l lang, a *casework.Application, env *casework.Env) *engineView {
	ev := &engineView{Month: casework.StartMonth(a, env).String()}
	e := s.engine(r, a, env)
	if e.Err != nil {
		if ae := apperr.As(e.Err); ae != nil && ae.Code != apperr.Internal {
			ev.Error = l.errMsg(ae)
		} else {
			s.Log.ErrorContext(r.Context(), "rules engine for a confirmation", "err", e.Err, "application", a.ID, "request_id", requestIDOf(r))
			ev.Error = l.T("The rules engine could not calculate: enter the amount and the reason.")
		}
		return ev
	}
	ev.Verdict = policy.VerdictName(policy.Verdict(e.Verdict), string(l))
	ev.Amount = yuan(e.Amount)
	var res policy.Result
	if err := json.Unmarshal(e.Explanation, &res); err == nil {
		if pc, err := s.programCheckOf(l, a.Program, &res, nil); err == nil {
			ev.Check = &pc
		}
	}
	return ev
}

// actionFormOf builds the form of act: its fields only, with the values
// and messages of a rejected post of the same action.
func actionFormOf(l lang, a *casework.Application, act casework.Action, missing []string, pg *applicationPage) *actionForm {
	vals, errs, checked := map[string]string{}, formErrors{}, []string(nil)
	failed := pg.failed == act
	if failed {
		vals, checked = pg.values, pg.checked
		for k, v := range pg.errs {
			errs[k] = v
		}
	}
	f := &actionForm{Action: string(act), Label: l.enumLabel("case_action", string(act)), Open: failed}
	field := func(name, label, kind string, required bool) formField {
		return formField{Name: name, Key: string(act) + "." + name, Label: label, Kind: kind, Value: vals[name],
			Required: required, Wide: kind == "textarea", Error: errs.take(name)}
	}
	materials := func(codes []string, hint string) {
		id := fieldID(string(act) + ".materials")
		// The missing ones first.
		codes = slices.Clone(codes)
		slices.SortStableFunc(codes, func(a, b string) int {
			return boolRank(slices.Contains(missing, a)) - boolRank(slices.Contains(missing, b))
		})
		f.Materials = &materialChoice{Name: "materials", ID: id, Label: l.T("Materials received now"), Hint: hint, MissingLabel: l.T("Missing"),
			Error: errs.take("materials"), Options: materialOptions(l, id, codes, checked, missing)}
		if f.Materials.Error != "" {
			f.Materials.Error = nameMaterials(l, f.Materials.Error)
		}
	}
	var notYet []string
	for _, m := range policy.Materials {
		if !slices.Contains(a.Materials, m) {
			notYet = append(notYet, m)
		}
	}
	today := pg.today.String()
	switch act {
	case casework.Accept:
		f.Hint = l.T("Acceptance needs every required material; the overall time limit starts today.")
		materials(notYet, l.T("Tick what has been handed in since filing."))
	case casework.RequestMaterials:
		f.Hint = l.T("One notice lists everything missing (一次性告知): the required materials not ticked below, and the items you add.")
		materials(notYet, l.T("Tick what has been handed in since filing."))
		f.Fields = append(f.Fields, field("missing", l.T("Further items missing"), "textarea", false), field("reason", l.T("Reason"), "textarea", false))
		f.Fields[0].Hint = l.T("One item a line.")
	case casework.Resubmit:
		materials(notYet, l.T("Tick what the applicant handed in."))
		f.Fields = append(f.Fields, field("note", l.T("Note"), "textarea", false))
	case casework.RecordVisit:
		if vals["visit.date"] == "" && !failed {
			vals["visit.date"] = today
		}
		modes := []option{{"", l.T("Choose…")}}
		for _, m := range casework.VisitModes {
			modes = append(modes, option{m, l.enumLabel("visit_mode", m)})
		}
		date := field("visit.date", l.T("Date of the visit"), "date", true)
		mode := field("visit.mode", l.T("Mode"), "select", true)
		mode.Groups = []optGroup{{Options: modes}}
		if a.CountyVisitRequired() {
			mode.Hint = l.T("The county's visit to this household must be in person.")
		}
		f.Fields = append(f.Fields, date, mode, field("visit.visitors", l.T("Visitors"), "", true), field("visit.findings", l.T("Findings"), "textarea", true))
		f.Files = &fileField{Name: "photos", ID: fieldID("record_visit.photos"), Label: l.T("Photos"), Accept: ".jpg,.jpeg,.png", Multiple: true,
			Hint:  l.T("Optional: JPEG or PNG, at most %s MB each.", casework.Megabytes(pg.maxUpload)),
			Error: errs.take("photos.file") + errs.take("photos")}
	case casework.RecordAppraisal:
		if vals["appraisal.date"] == "" && !failed {
			vals["appraisal.date"] = today
		}
		f.Fields = append(f.Fields, field("appraisal.date", l.T("Date of the appraisal"), "date", true),
			field("appraisal.participants", l.T("Participants"), "", true), field("appraisal.agree", l.T("For"), "", true),
			field("appraisal.disagree", l.T("Against"), "", true), field("appraisal.summary", l.T("Summary"), "textarea", true))
		for i := 1; i <= 3; i++ {
			f.Fields[i].InputMode = "numeric"
		}
	case casework.FinishInvestigation:
		f.Hint = l.T("The investigation is complete: the application goes to the township's review.")
		f.Fields = append(f.Fields, field("note", l.T("Note"), "textarea", false))
	case casework.Propose, casework.FederationOpinion:
		if a.Purpose == casework.PurposeReview {
			// A review's proposal is an outcome for the enrollment, with
			// no public notice.
			outcome := field("outcome", l.T("Proposed outcome"), "select", true)
			outcome.Groups = enumOptions(l, "review_outcome", casework.Outcomes, l.T("Choose…"))
			amount := field("amount", l.T("New monthly amount (yuan)"), "", false)
			amount.InputMode, amount.Hint = "decimal", l.T("For an adjustment or a gradual exit: blank proposes the rules engine's amount; another amount needs the reasons.")
			reason := field("reason", l.T("Reasons"), "textarea", false)
			reason.Hint = l.T("Required for any change: a decrease, a suspension or an end is explained in writing.")
			f.Fields = append(f.Fields, outcome, amount, reason)
			break
		}
		op := field("opinion", l.T("Opinion"), "select", true)
		op.Groups = enumOptions(l, "opinion", enumValues["opinion"], l.T("Choose…"))
		reason := field("reason", l.T("Reasons"), "textarea", act == casework.FederationOpinion)
		reason.Hint = l.T("Required for an opinion against.")
		f.Fields = append(f.Fields, op, reason)
		if act == casework.Propose {
			amount := field("amount", l.T("Proposed amount (yuan)"), "", false)
			amount.InputMode, amount.Hint = "decimal", l.T("For an opinion in favour: blank proposes the rules engine's amount; another amount needs the reasons. The public notice shows it.")
			d := field("date", l.T("Public notice from"), "date", false)
			d.Hint = l.T("For an opinion in favour that is publicly noticed: the notice's first day, today if blank.")
			f.Fields = append(f.Fields, amount, d)
		}
	case casework.Object:
		if vals["objection.date"] == "" && !failed {
			vals["objection.date"] = today
		}
		from := field("objection.from", l.T("Raised by"), "", false)
		from.Hint = l.T("May be anonymous.")
		f.Fields = append(f.Fields, field("objection.date", l.T("Date raised"), "date", true), from,
			field("objection.content", l.T("The objection"), "textarea", true))
	case casework.EndNotice:
		f.Hint = l.T("The notice ran to %s without objection.", a.NoticeTo)
		f.Fields = append(f.Fields, field("note", l.T("Note"), "textarea", false))
	case casework.RequestCheck:
		f.Hint = l.T("Asks the county's verification office to check the household's income and assets.")
		f.Fields = append(f.Fields, field("note", l.T("Note"), "textarea", false))
	case casework.Confirm:
		if a.Purpose == casework.PurposeReview {
			// The county confirms the township's proposal as it stands.
			f.Proposal = &reviewProposal{Outcome: l.enumLabel("review_outcome", a.Outcome)}
			if a.Proposed > 0 {
				f.Proposal.Amount = yuan(a.Proposed)
			}
			reason := field("reason", l.T("Notes"), "textarea", false)
			reason.Hint = l.T("Kept with the decision. To change the outcome, reject the proposal with the reasons.")
			f.Fields = append(f.Fields, reason)
			break
		}
		amount := field("amount", l.T("Amount (yuan)"), "", false)
		amount.InputMode, amount.Hint = "decimal", l.T("Leave blank to approve the rules engine's amount.")
		reason := field("reason", l.T("Reasons"), "textarea", false)
		reason.Hint = l.T("Required when you depart from the rules engine's verdict or amount.")
		f.Fields = append(f.Fields, amount, reason)
	case casework.Reject:
		f.Fields = append(f.Fields, field("reason", l.T("Reasons for the rejection"), "textarea", true))
		f.Fields[0].Hint = l.T("They are written to the applicant.")
	case casework.DeliverRejection:
		if vals["date"] == "" && !failed {
			vals["date"] = today
		}
		f.Fields = append(f.Fields, field("date", l.T("Delivered on"), "date", true))
	case casework.Extend:
		f.Hint = l.T("Special circumstances allow the longer overall limit, once.")
		f.Fields = append(f.Fields, field("reason", l.T("Reason"), "textarea", true))
	case casework.PayFirst:
		amount := field("amount", l.T("Amount paid (yuan)"), "", true)
		amount.InputMode = "decimal"
		f.Hint = l.T("Assistance paid first in an emergency; the paperwork follows (先行救助).")
		f.Fields = append(f.Fields, amount, field("reason", l.T("Reason"), "textarea", true))
	case casework.Withdraw:
		f.Fields = append(f.Fields, field("reason", l.T("Reason"), "textarea", true))
	}
	f.Problems = errs.rest(l)
	for i, p := range f.Problems {
		f.Problems[i] = nameMaterials(l, p)
	}
	return f
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// nameMaterials replaces the materials' codes in a message with their
// names: the workflow's messages name the codes.
func nameMaterials(l lang, msg string) string {
	codes := slices.Clone(policy.Materials)
	slices.SortFunc(codes, func(a, b string) int { return len(b) - len(a) })
	for _, c := range codes {
		msg = strings.ReplaceAll(msg, c, l.enumLabel("material", c))
	}
	return msg
}

// actionInput reads an action's form into the workflow's input; a value
// that is not a date, a number or an amount is named.
func actionInput(act casework.Action, vals map[string]string, materials []string) (casework.Input, error) {
	var pre apperr.List
	in := casework.Input{Reason: strings.TrimSpace(vals["reason"]), Note: strings.TrimSpace(vals["note"]),
		Materials: materials, Opinion: vals["opinion"], Outcome: vals["outcome"]}
	in.Version, _ = strconv.Atoi(vals["version"])
	date := func(field string) civil.Date {
		v := strings.TrimSpace(vals[field])
		if v == "" {
			return civil.Date{}
		}
		d, err := civil.ParseDate(v)
		if err != nil {
			pre.Addf(field, "enter the date as YYYY-MM-DD")
		}
		return d
	}
	count := func(field string) int {
		v := strings.TrimSpace(vals[field])
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			pre.Addf(field, "enter a whole number")
		}
		return n
	}
	for _, line := range strings.FieldsFunc(vals["missing"], func(r rune) bool { return r == '\n' || r == '\r' }) {
		if line = strings.TrimSpace(line); line != "" {
			in.Missing = append(in.Missing, line)
		}
	}
	if v := strings.TrimSpace(vals["amount"]); v != "" {
		amount := parseYuan(&pre, "amount", v)
		in.Amount = &amount
	}
	in.Date = date("date")
	switch act {
	case casework.RecordVisit:
		in.Visit = &casework.Visit{Date: date("visit.date"), Mode: vals["visit.mode"], Visitors: strings.TrimSpace(vals["visit.visitors"]),
			Findings: strings.TrimSpace(vals["visit.findings"])}
	case casework.RecordAppraisal:
		in.Appraisal = &casework.Appraisal{Date: date("appraisal.date"), Participants: count("appraisal.participants"),
			Agree: count("appraisal.agree"), Disagree: count("appraisal.disagree"), Summary: strings.TrimSpace(vals["appraisal.summary"])}
	case casework.Object:
		in.Objection = &casework.Objection{Date: date("objection.date"), From: strings.TrimSpace(vals["objection.from"]),
			Content: strings.TrimSpace(vals["objection.content"])}
	}
	return in, pre.Err()
}

// eventDetails are the key data an event recorded (its input).
func eventDetails(l lang, data json.RawMessage) []detail {
	if len(data) == 0 {
		return nil
	}
	var in casework.Input
	if err := json.Unmarshal(data, &in); err != nil {
		return nil
	}
	var out []detail
	add := func(label, value string) {
		if value != "" {
			out = append(out, detail{label, value})
		}
	}
	if v := in.Visit; v != nil {
		who := l.T("Home visit")
		if v.County {
			who = l.T("County home visit")
		}
		add(who, l.T("%s, %s; visitors: %s", v.Date, l.enumLabel("visit_mode", v.Mode), v.Visitors))
		add(l.T("Findings"), v.Findings)
		if len(v.Photos) > 0 {
			add(l.T("Photos"), l.T("%d uploaded", len(v.Photos)))
		}
	}
	if p := in.Appraisal; p != nil {
		add(l.T("Democratic appraisal"), l.T("%s: %d participants, %d for, %d against", p.Date, p.Participants, p.Agree, p.Disagree))
		add(l.T("Summary"), p.Summary)
	}
	add(l.T("Opinion"), l.enumLabel("opinion", in.Opinion))
	add(l.T("Proposed outcome"), l.enumLabel("review_outcome", in.Outcome))
	if o := in.Objection; o != nil {
		from := o.From
		if from == "" {
			from = l.T("anonymous")
		}
		add(l.T("Objection"), l.T("%s, from %s: %s", o.Date, from, o.Content))
	}
	add(l.T("Reason"), in.Reason)
	if len(in.Missing) > 0 {
		add(l.T("Items missing"), materialNames(l, in.Missing))
	}
	if len(in.Materials) > 0 {
		add(l.T("Materials received"), materialNames(l, in.Materials))
	}
	if in.Attachment != 0 {
		add(l.T("Uploaded file"), l.T("No. %d", in.Attachment))
	}
	if in.Amount != nil {
		add(l.T("Amount (yuan)"), yuan(*in.Amount))
	}
	if !in.Date.IsZero() {
		add(l.T("Date"), in.Date.String())
	}
	add(l.T("Note"), in.Note)
	return out
}
