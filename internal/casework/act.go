package casework

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// MaxText is the longest free text an action keeps, in characters.
const MaxText = 4000

// Change is what an action does: the application after it, the event that
// records it, the tasks that should be open after it, and the decision
// made, if any. The store writes it in one transaction (Reconcile tells
// which open tasks to keep, close and add).
type Change struct {
	App      Application
	Event    Event
	Tasks    []Task
	Decision *Decision
}

// TransitionError is an action the application's state does not allow. It
// carries the actions that are allowed, for the 409 answer.
type TransitionError struct {
	State   State
	Action  Action
	Allowed []Action
}

func (e *TransitionError) Error() string { return e.err().Error() }

func (e *TransitionError) err() *apperr.Error {
	names := make([]string, len(e.Allowed))
	for i, a := range e.Allowed {
		names[i] = string(a)
	}
	return apperr.Errorf(apperr.Conflict, "an application in state %s cannot take %s; allowed now: %s", e.State, e.Action, strings.Join(names, ", "))
}

// Unwrap makes it a Conflict for apperr.
func (e *TransitionError) Unwrap() error { return e.err() }

// Possible returns the actions the state of a allows for its program,
// whoever takes them.
func Possible(a *Application) []Action {
	f, ok := FlowOf(a.Program)
	if !ok {
		return nil
	}
	var out []Action
	for _, act := range Actions {
		if slices.Contains(from[act], a.State) && fits(a, f, act) {
			out = append(out, act)
		}
	}
	return out
}

// Allowed returns the actions env's actor may take on a now.
func Allowed(a *Application, env *Env) []Action {
	var out []Action
	for _, act := range Possible(a) {
		if mayAct(a, act, env) == nil {
			out = append(out, act)
		}
	}
	return out
}

// fits checks the program-specific steps.
func fits(a *Application, f *Flow, act Action) bool {
	if a.Purpose == PurposeReview {
		// A review starts under investigation and has no notice, no
		// federation step and no payment first.
		switch act {
		case Accept, RequestMaterials, Resubmit, Object, EndNotice, FederationOpinion, PayFirst, DeliverRejection:
			return false
		}
	}
	switch act {
	case FederationOpinion:
		return f.FederationReview
	case PayFirst:
		return f.AssistFirst && a.Kind == "urgent" && a.AssistPaid == 0
	case DeliverRejection:
		return a.RejectionDelivered.IsZero()
	case Extend:
		return a.ExtendedReason == "" && !a.AcceptedOn.IsZero()
	}
	return true
}

// roles says which roles take each action. Citizens may resubmit, add
// materials to and withdraw their own applications.
var roles = map[Action][]auth.Role{
	Accept:              {auth.TownshipCaseworker},
	RequestMaterials:    {auth.TownshipCaseworker},
	Resubmit:            {auth.TownshipCaseworker, auth.VillageAssistant},
	AddMaterials:        {auth.VillageAssistant, auth.TownshipCaseworker, auth.CountyApprover},
	RequestCheck:        {auth.TownshipCaseworker, auth.CountyApprover, auth.VerificationOfficer},
	RecordVisit:         {auth.TownshipCaseworker, auth.VillageAssistant, auth.CountyApprover},
	RecordAppraisal:     {auth.TownshipCaseworker},
	FinishInvestigation: {auth.TownshipCaseworker},
	Propose:             {auth.TownshipCaseworker},
	Object:              {auth.TownshipCaseworker, auth.VillageAssistant},
	EndNotice:           {auth.TownshipCaseworker},
	FederationOpinion:   {auth.CountyApprover},
	Confirm:             {auth.CountyApprover},
	Reject:              {auth.CountyApprover},
	DeliverRejection:    {auth.TownshipCaseworker, auth.VillageAssistant},
	Extend:              {auth.TownshipCaseworker, auth.CountyApprover},
	PayFirst:            {auth.TownshipCaseworker, auth.CountyApprover},
	Withdraw:            {auth.TownshipCaseworker, auth.VillageAssistant},
}

// mayAct checks the actor's role, jurisdiction and recusal.
func mayAct(a *Application, act Action, env *Env) error {
	actor := env.Actor
	if actor.Citizen() {
		// A review is the office's, not an application of the member
		// named on it.
		if a.Purpose == "" && actor.PersonID == a.ApplicantID && (act == Resubmit || act == AddMaterials || act == Withdraw) {
			return nil
		}
		return apperr.Errorf(apperr.Forbidden, "an applicant may only resubmit, add materials to or withdraw their own application")
	}
	if a.NearRelative != nil && a.NearRelative.StaffUserID != 0 && a.NearRelative.StaffUserID == actor.UserID {
		return apperr.Errorf(apperr.Forbidden, "you are declared a near relative of this household (%s): you are recused from this case", a.NearRelative.Relation)
	}
	if !region.Within(a.Region, actor.Region) {
		return apperr.Errorf(apperr.NotFound, "application %d is not in your jurisdiction", a.ID)
	}
	allowed := roles[act]
	if act == Confirm || act == Reject {
		role, _ := confirmer(a, env)
		allowed = []auth.Role{role}
	}
	if !slices.Contains(allowed, actor.Role) {
		return apperr.Errorf(apperr.Forbidden, "the role %s cannot take the action %s", actor.Role, act)
	}
	return nil
}

// permitted checks that a's state allows act and that env's actor may take
// it now.
func permitted(a *Application, act Action, env *Env) error {
	if !slices.Contains(Possible(a), act) {
		if _, known := from[act]; !known {
			return apperr.Fieldf("action", "unknown action %q", act)
		}
		return &TransitionError{State: a.State, Action: act, Allowed: Possible(a)}
	}
	return mayAct(a, act, env)
}

// Apply takes action act on a with the input in. engine carries the rules
// engine's result: Confirm needs it; Propose records its amount as the
// proposed one (shown on the public notice) when given. Apply does not check
// in.Version: the store does, atomically.
//
// Errors: Invalid (a field of in, named), Forbidden (role, recusal),
// NotFound (outside the jurisdiction), Conflict (*TransitionError, or a
// step's condition such as a notice still running), and policy.NotSet for
// a missing required deadline.
func Apply(a Application, act Action, in Input, env *Env, engine *Engine) (*Change, error) {
	f, ok := FlowOf(a.Program)
	if !ok {
		return nil, apperr.Errorf(apperr.Invalid, "unknown program %q", a.Program)
	}
	if err := permitted(&a, act, env); err != nil {
		return nil, err
	}
	if err := checkText(in); err != nil {
		return nil, err
	}
	before := a.State
	var dec *Decision
	var err error
	switch act {
	case Accept:
		err = accept(&a, f, in, env)
	case RequestMaterials:
		missing := Missing(&a, in.Materials, env)
		for _, m := range in.Missing {
			if m = strings.TrimSpace(m); m != "" {
				missing = append(missing, m)
			}
		}
		if len(missing) == 0 {
			return nil, apperr.Fieldf("missing", "nothing is missing: accept the application, or name the items missing")
		}
		in.Missing = missing // the one notice lists every item (一次性告知)
		a.Materials = union(a.Materials, in.Materials)
		a.State = Incomplete
	case Resubmit:
		a.Materials = union(a.Materials, in.Materials)
		a.State = Submitted
	case AddMaterials:
		err = addMaterials(&a, in)
	case RequestCheck:
		// Recorded; the verification itself is the county's (verify package).
	case RecordVisit:
		err = recordVisit(&a, &in, env)
	case RecordAppraisal:
		err = checkAppraisal(&a, in.Appraisal, env)
	case FinishInvestigation:
		if !a.Visited {
			return nil, apperr.Errorf(apperr.Conflict, "record the home investigation before finishing the investigation")
		}
		a.State = TownshipReview
	case Propose:
		if a.Purpose == PurposeReview {
			err = proposeReview(&a, in, engine)
		} else {
			err = propose(&a, f, in, env, engine)
		}
	case Object:
		o := in.Objection
		if o == nil || strings.TrimSpace(o.Content) == "" {
			return nil, apperr.Fieldf("objection.content", "say what the objection is")
		}
		if o.Date.IsZero() {
			o.Date = env.Today
		}
		if o.Date.After(env.Today) || o.Date.Before(a.NoticeFrom) {
			return nil, apperr.Fieldf("objection.date", "the objection's date must lie between the notice's first day %s and today", a.NoticeFrom)
		}
		if o.Date.After(a.NoticeTo) {
			return nil, apperr.Fieldf("objection.date", "the notice ended on %s: an objection after it is a complaint, recorded with a review or a county visit", a.NoticeTo)
		}
		a.Objected = true
		a.State = ObjectionReview
	case EndNotice:
		if !env.Today.After(a.NoticeTo) {
			return nil, apperr.Errorf(apperr.Conflict, "the notice runs until %s: it can be closed from the next day", a.NoticeTo)
		}
		a.State = afterTownship(&a, f)
	case FederationOpinion:
		if err := opinion(in, true); err != nil {
			return nil, err
		}
		a.State = CountyReview
	case Confirm:
		if a.Purpose == PurposeReview {
			dec, err = confirmReview(&a, in, env, engine)
		} else {
			dec, err = confirm(&a, f, in, env, engine)
		}
	case Reject:
		if strings.TrimSpace(in.Reason) == "" {
			return nil, apperr.Fieldf("reason", "a rejection must give its reasons in writing")
		}
		a.State = Rejected
		dec = &Decision{Reasons: strings.TrimSpace(in.Reason)}
	case DeliverRejection:
		d := in.Date
		if d.IsZero() {
			d = env.Today
		}
		if d.After(env.Today) || d.Before(a.EnteredOn) {
			return nil, apperr.Fieldf("date", "the delivery date must lie between the rejection %s and today", a.EnteredOn)
		}
		a.RejectionDelivered = d
	case Extend:
		err = extend(&a, f, in, env)
	case PayFirst:
		err = payFirst(&a, in, env)
	case Withdraw:
		if strings.TrimSpace(in.Reason) == "" {
			return nil, apperr.Fieldf("reason", "say why the application is withdrawn")
		}
		a.State = Withdrawn
	}
	if err != nil {
		return nil, err
	}
	if a.State != before {
		a.EnteredOn = env.Today
	}
	if dec != nil && dec.Approved && engine != nil && engine.ReviewMonths > 0 && dec.Outcome != End && !f.OneOff {
		dec.NextReview = dec.StartMonth.First().AddMonths(engine.ReviewMonths)
	}
	if dec != nil {
		dec.ApplicationID, dec.HouseholdID, dec.Program, dec.Kind, dec.County = a.ID, a.HouseholdID, a.Program, a.Kind, a.County
		dec.DecidedBy, dec.DecidedOn = env.Actor.Username, env.Today
	}
	tasks, err := openTasks(&a, f, env)
	if err != nil {
		return nil, err
	}
	in.Version = 0
	data, _ := json.Marshal(in)
	a.UpdatedAt = env.Now
	return &Change{
		App:      a,
		Event:    Event{ApplicationID: a.ID, Action: act, From: before, To: a.State, By: env.Actor.Username, ByUserID: env.Actor.UserID, At: env.Now, Data: data},
		Tasks:    tasks,
		Decision: dec,
	}, nil
}

// addMaterials counts materials received at any step before the decision
// (an upload, or papers handed in), without moving the application.
func addMaterials(a *Application, in Input) error {
	if len(in.Materials) == 0 {
		return apperr.Fieldf("materials", "name the materials received")
	}
	for i, m := range in.Materials {
		if !slices.Contains(policy.Materials, m) {
			return apperr.Fieldf("materials["+strconv.Itoa(i)+"]", "%q is not a known material", m)
		}
	}
	a.Materials = union(a.Materials, in.Materials)
	return nil
}

func checkText(in Input) error {
	var l apperr.List
	for field, s := range map[string]string{"reason": in.Reason, "note": in.Note} {
		if utf8.RuneCountInString(s) > MaxText {
			l.Addf(field, "the text is longer than %d characters", MaxText)
		}
	}
	return l.Err()
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// Required returns the codes of the materials a needs: the region's list
// for the program, and an entrustment when someone applies on the
// household's behalf (DB57 Art. 6).
func Required(a *Application, env *Env) []string {
	if a.Purpose == PurposeReview {
		return nil // a review has no acceptance: nothing to hand in
	}
	var out []string
	if p, ok := env.Params.Resolve("workflow.materials."+string(a.Program), a.County, env.Today); ok {
		out = slices.Clone(p.Value.List)
	}
	if a.Channel == Entrusted && !slices.Contains(out, "entrustment") {
		out = append(out, "entrustment")
	}
	return out
}

// Missing returns the required materials not yet received, counting those
// in received too.
func Missing(a *Application, received []string, env *Env) []string {
	have := union(a.Materials, received)
	var out []string
	for _, m := range Required(a, env) {
		if !slices.Contains(have, m) {
			out = append(out, m)
		}
	}
	return out
}

func accept(a *Application, f *Flow, in Input, env *Env) error {
	if missing := Missing(a, in.Materials, env); len(missing) > 0 {
		return apperr.Fieldf("materials", "materials missing: %s; ask for them all at once (request_materials)", strings.Join(missing, ", "))
	}
	a.Materials = union(a.Materials, in.Materials)
	a.AcceptedOn = env.Today
	due, prov, err := env.workdays(f.TotalKey, a.County, a.AcceptedOn)
	if err != nil {
		return err
	}
	a.Due, a.DueProvisional = due, prov
	a.State = Investigating
	return nil
}

func recordVisit(a *Application, in *Input, env *Env) error {
	v := in.Visit
	if v == nil {
		return apperr.Fieldf("visit", "give the visit's date, mode, visitors and findings")
	}
	var l apperr.List
	if v.Date.IsZero() || v.Date.After(env.Today) || v.Date.Before(a.FiledOn) {
		l.Addf("visit.date", "the visit's date must lie between the filing %s and today", a.FiledOn)
	}
	if !slices.Contains(VisitModes, v.Mode) {
		l.Addf("visit.mode", "the mode must be one of %s", strings.Join(VisitModes, ", "))
	}
	if strings.TrimSpace(v.Visitors) == "" {
		l.Addf("visit.visitors", "name who made the visit")
	}
	if strings.TrimSpace(v.Findings) == "" {
		l.Addf("visit.findings", "record what the visit found")
	}
	if utf8.RuneCountInString(v.Findings) > MaxText {
		l.Addf("visit.findings", "the text is longer than %d characters", MaxText)
	}
	v.County = env.Actor.Role == auth.CountyApprover
	if v.County && a.CountyVisitRequired() && v.Mode != "in_person" {
		l.Addf("visit.mode", "this case needs the county to visit the home in person")
	}
	if err := l.Err(); err != nil {
		return err
	}
	if v.County {
		a.CountyVisited = a.CountyVisited || v.Mode == "in_person"
	} else {
		a.Visited = true
	}
	return nil
}

func checkAppraisal(a *Application, p *Appraisal, env *Env) error {
	if p == nil {
		return apperr.Fieldf("appraisal", "give the appraisal's date, participants, votes and summary")
	}
	var l apperr.List
	if p.Date.IsZero() || p.Date.After(env.Today) || p.Date.Before(a.FiledOn) {
		l.Addf("appraisal.date", "the date must lie between the filing %s and today", a.FiledOn)
	}
	if p.Participants <= 0 {
		l.Addf("appraisal.participants", "give the number of participants")
	}
	if p.Agree < 0 || p.Disagree < 0 || p.Agree+p.Disagree > p.Participants {
		l.Addf("appraisal.agree", "the votes (%d for, %d against) cannot exceed the %d participants", p.Agree, p.Disagree, p.Participants)
	}
	if strings.TrimSpace(p.Summary) == "" {
		l.Addf("appraisal.summary", "summarise the appraisal")
	}
	return l.Err()
}

func opinion(in Input, reasonAlways bool) error {
	switch in.Opinion {
	case "approve":
		if reasonAlways && strings.TrimSpace(in.Reason) == "" {
			return apperr.Fieldf("reason", "record the review's opinion")
		}
	case "reject":
		if strings.TrimSpace(in.Reason) == "" {
			return apperr.Fieldf("reason", "an opinion against must give its reasons")
		}
	default:
		return apperr.Fieldf("opinion", "the opinion must be approve or reject")
	}
	return nil
}

// afterTownship is where an application goes after the township (and its
// notice): the disabled persons' federation, or the county.
func afterTownship(a *Application, f *Flow) State {
	if f.FederationReview && a.Opinion == "approve" {
		return Federation
	}
	return CountyReview
}

func propose(a *Application, f *Flow, in Input, env *Env, engine *Engine) error {
	if err := opinion(in, false); err != nil {
		return err
	}
	a.Opinion = in.Opinion
	a.Proposed = 0
	if in.Opinion == "reject" {
		a.State = CountyReview // the county decides; no notice of a rejection
		return nil
	}
	switch {
	case in.Amount != nil:
		if *in.Amount <= 0 || *in.Amount > policy.MaxAmount {
			return apperr.Fieldf("amount", "the amount must be above 0 and at most %s", policy.MaxAmount)
		}
		if engine != nil && engine.Err == nil && *in.Amount != engine.Amount && strings.TrimSpace(in.Reason) == "" {
			return apperr.Fieldf("reason", "the amount differs from the rules engine's %s yuan: give the reason", engine.Amount)
		}
		a.Proposed = *in.Amount
	case engine != nil && engine.Err == nil:
		a.Proposed = engine.Amount
	}
	days, notice, err := noticeDays(a, f, env)
	if err != nil {
		return err
	}
	if !notice {
		a.State = afterTownship(a, f)
		return nil
	}
	start := in.Date
	if start.IsZero() {
		start = env.Today
	}
	if start.Before(env.Today) {
		return apperr.Fieldf("date", "a notice cannot start before today")
	}
	a.NoticeFrom, a.NoticeTo = start, start.AddDays(days-1)
	a.Notices++
	a.State = Notice
	return nil
}

// noticeDays returns the length of the notice a's approval needs, and
// whether it needs one: minors are never publicised (§2.4, §10).
func noticeDays(a *Application, f *Flow, env *Env) (int, bool, error) {
	if f.Notice == NoticeNever || a.Minor {
		return 0, false, nil
	}
	key := f.NoticeKey
	if a.Notices > 0 && f.RenoticeKey != "" {
		if _, ok, _ := env.count(f.RenoticeKey, a.County); ok {
			key = f.RenoticeKey
		}
	}
	n, ok, err := env.count(key, a.County)
	if err != nil {
		return 0, false, err
	}
	if !ok {
		if f.Notice == NoticeAlways {
			return 0, false, policy.NotSet(key, a.County, env.Today)
		}
		return 0, false, nil
	}
	if n < 1 {
		return 0, false, nil
	}
	return n, true, nil
}

// confirm approves a: the enrollment starts the month after (DB57; §2.4
// step 6), or the month of application where a county pays the disability
// subsidies from then; a one-off Linshi payment is for this month.
func confirm(a *Application, f *Flow, in Input, env *Env, engine *Engine) (*Decision, error) {
	if a.CountyVisitRequired() && !a.CountyVisited {
		return nil, apperr.Errorf(apperr.Conflict, "this case needs a county home visit in person before confirmation (near-relative declaration or objection)")
	}
	if engine == nil {
		return nil, apperr.Errorf(apperr.Internal, "confirm needs the rules engine's result")
	}
	d := &Decision{Approved: true, Verdict: engine.Verdict, Explanation: engine.Explanation, Amount: engine.Amount, Reasons: strings.TrimSpace(in.Reason)}
	if in.Amount != nil {
		if *in.Amount <= 0 || *in.Amount > policy.MaxAmount {
			return nil, apperr.Fieldf("amount", "the amount must be above 0 and at most %s", policy.MaxAmount)
		}
		d.Amount = *in.Amount
	}
	switch {
	case engine.Err != nil && in.Amount == nil:
		return nil, apperr.Fieldf("amount", "the rules engine could not calculate (%v): enter the amount and the reason", engine.Err)
	case engine.Err != nil && d.Reasons == "":
		return nil, apperr.Fieldf("reason", "the rules engine could not calculate (%v): give the reason for the amount", engine.Err)
	case engine.Err == nil && engine.Verdict != string(policy.Eligible) && d.Reasons == "":
		return nil, apperr.Fieldf("reason", "the rules engine finds the household %s: give the reason for approving", engine.Verdict)
	case engine.Err == nil && d.Amount != engine.Amount && d.Reasons == "":
		return nil, apperr.Fieldf("reason", "the amount differs from the rules engine's %s yuan: give the reason", engine.Amount)
	}
	if d.Amount <= 0 {
		return nil, apperr.Fieldf("amount", "the amount must be above 0")
	}
	d.StartMonth = StartMonth(a, env)
	if f.OneOff {
		d.EndMonth = d.StartMonth
	}
	a.State = Approved
	return d, nil
}

// StartMonth is the first month an approval on env.Today pays: the month
// after (DB57; §2.4 step 6), the month of application where a county pays
// the disability subsidies from then (§8), or this month for a one-off
// Linshi payment. The caller runs the rules engine for this month.
func StartMonth(a *Application, env *Env) civil.Month {
	f, _ := FlowOf(a.Program)
	switch {
	case a.Purpose == PurposeReview:
		return env.Today.MonthOf().Add(1) // a review's change runs from the next month (confirmReview)
	case f != nil && f.OneOff:
		return env.Today.MonthOf()
	case a.Program == policy.DisabilitySubsidy && payFromApplication(a, env):
		return a.FiledOn.MonthOf()
	}
	return env.Today.MonthOf().Add(1)
}

func payFromApplication(a *Application, env *Env) bool {
	p, ok := env.Params.Resolve("workflow.disability_subsidy.pay_from", a.County, env.Today)
	return ok && p.Value.Enum == "application_month"
}

func extend(a *Application, f *Flow, in Input, env *Env) error {
	if strings.TrimSpace(in.Reason) == "" {
		return apperr.Fieldf("reason", "an extension needs a recorded reason (special circumstances)")
	}
	due, prov, err := env.workdays(f.TotalExtendedKey, a.County, a.AcceptedOn)
	if err != nil {
		return err
	}
	if due.IsZero() {
		return apperr.Errorf(apperr.Conflict, "the region sets no extended limit (%s)", f.TotalExtendedKey)
	}
	a.Due, a.DueProvisional, a.ExtendedReason = due, prov, strings.TrimSpace(in.Reason)
	return nil
}

// payFirst records an emergency payment made before the paperwork (先行救助,
// §4): the person, the reason and the amount, within the region's limit
// for it where one is set (Chongqing Pengshui: 2,000 yuan).
func payFirst(a *Application, in Input, env *Env) error {
	if in.Amount == nil || *in.Amount <= 0 {
		return apperr.Fieldf("amount", "give the amount paid")
	}
	if strings.TrimSpace(in.Reason) == "" {
		return apperr.Fieldf("reason", "record why the household was helped first")
	}
	if p, ok := env.Params.Resolve("linshi.assist_first_max", a.County, env.Today); ok && *in.Amount > p.Value.Amount {
		return apperr.Fieldf("amount", "at most %s yuan may be paid first in this region (linshi.assist_first_max); the rest follows the ordinary procedure", p.Value.Amount)
	}
	a.AssistPaid = *in.Amount
	return nil
}

// Reconcile compares the tasks open now with those the application should
// have: it keeps a task for the same step, role and region (with the due
// date updated, its escalation kept), closes the rest and adds the new ones.
func Reconcile(open, want []Task) (keep []Task, closed []int64, add []Task) {
	used := make([]bool, len(open))
	for _, w := range want {
		found := false
		for i, o := range open {
			if !used[i] && o.Step == w.Step && o.Role == w.Role && o.Region == w.Region {
				used[i], found = true, true
				o.Due, o.Provisional = w.Due, w.Provisional
				keep = append(keep, o)
				break
			}
		}
		if !found {
			add = append(add, w)
		}
	}
	for i, o := range open {
		if !used[i] {
			closed = append(closed, o.ID)
		}
	}
	return keep, closed, add
}
