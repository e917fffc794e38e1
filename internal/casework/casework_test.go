package casework

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// weekdays is a calendar of Monday to Friday with a few holidays, enough to
// see deadlines skip them.
type weekdays map[civil.Date]bool

func (w weekdays) AddWorkdays(from civil.Date, n int) (civil.Date, bool) {
	d := from
	for n > 0 {
		d = d.AddDays(1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !w[d] {
			n--
		}
	}
	return d, d.Year > 2026
}

var holidays = weekdays{civil.D(2025, 10, 1): true, civil.D(2025, 10, 2): true, civil.D(2025, 10, 3): true}

// fixture is a world of one township in Guangzhou's Haizhu district (where
// the shipped parameters give the Dibao deadlines) and its staff.
type fixture struct {
	t   *testing.T
	set *policy.Set
	env Env
}

const haizhu = "440105001" // a township of 海珠区

var (
	caseworker = Actor{UserID: 1, Username: "zhang", Role: auth.TownshipCaseworker, Region: haizhu}
	village    = Actor{UserID: 2, Username: "wang", Role: auth.VillageAssistant, Region: haizhu + "001"}
	approver   = Actor{UserID: 3, Username: "li", Role: auth.CountyApprover, Region: "440105"}
	elsewhere  = Actor{UserID: 4, Username: "zhao", Role: auth.TownshipCaseworker, Region: "440106001"}
)

func newFixture(t *testing.T, extra ...policy.Param) *fixture {
	t.Helper()
	base, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	set := base.Clone()
	for _, p := range extra {
		if p.From.IsZero() {
			p.From = civil.D(2020, 1, 1)
		}
		p.Source = "test"
		if err := set.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{t: t, set: set}
	f.env = Env{Calendar: holidays, Params: set, Actor: caseworker}
	f.on(civil.D(2025, 9, 22)) // a Monday
	return f
}

func (f *fixture) on(d civil.Date) {
	f.env.Today, f.env.Now = d, d.In(civil.Shanghai).Add(10*time.Hour)
}

func (f *fixture) as(a Actor) *fixture { f.env.Actor = a; return f }

func (f *fixture) app(p policy.Program, kind string) *Application {
	return &Application{ID: 7, Program: p, Kind: kind, HouseholdID: 70, ApplicantID: 700, Region: haizhu + "001", County: "440105",
		FiledIn: haizhu, Channel: Counter, State: Submitted, FiledOn: f.env.Today, EnteredOn: f.env.Today, Version: 1}
}

// do applies act and fails the test on error.
func (f *fixture) do(a *Application, act Action, in Input, engine ...*Engine) *Change {
	f.t.Helper()
	var e *Engine
	if len(engine) > 0 {
		e = engine[0]
	}
	c, err := Apply(*a, act, in, &f.env, e)
	if err != nil {
		f.t.Fatalf("%s in %s: %v", act, a.State, err)
	}
	*a = c.App
	return c
}

// fails applies act and returns the error, failing if there is none.
func (f *fixture) fails(a *Application, act Action, in Input, code apperr.Code) error {
	f.t.Helper()
	before := *a
	_, err := Apply(*a, act, in, &f.env, &Engine{Verdict: "eligible", Amount: 100})
	if err == nil {
		f.t.Fatalf("%s in %s succeeded, want %s", act, a.State, code)
	}
	if got := apperr.CodeOf(err); got != code {
		f.t.Fatalf("%s in %s: %v (%s), want %s", act, a.State, err, got, code)
	}
	if a.State != before.State {
		f.t.Fatal("a failed action changed the application")
	}
	return err
}

func visit(d civil.Date) Input {
	return Input{Visit: &Visit{Date: d, Mode: "in_person", Visitors: "张三、王五", Findings: "家中无劳动力，住房简陋"}}
}

func taskSteps(ts []Task) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Step+"@"+string(t.Role)+":"+t.Due.String())
	}
	return out
}

var eligible = &Engine{Verdict: "eligible", Amount: 123456, Explanation: []byte(`{"verdict":"eligible"}`)}

func TestDibaoFromFilingToApproval(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	a.Channel = Entrusted

	// Acceptance with materials missing names every one of them.
	err := f.fails(a, Accept, Input{Materials: []string{"application_form"}}, apperr.Invalid)
	for _, m := range []string{"verification_authorisation", "entrustment"} {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("accept error %q does not name %s", err, m)
		}
	}
	c := f.do(a, RequestMaterials, Input{Materials: []string{"application_form"}, Missing: []string{"房屋租赁合同"}})
	if a.State != Incomplete || !strings.Contains(string(c.Event.Data), "entrustment") || !strings.Contains(string(c.Event.Data), "房屋租赁合同") {
		t.Fatalf("request_materials: %s %s", a.State, c.Event.Data)
	}
	if len(c.Tasks) != 0 {
		t.Fatalf("an incomplete application waits for the applicant, not staff: %v", taskSteps(c.Tasks))
	}
	f.as(village).do(a, Resubmit, Input{Materials: []string{"verification_authorisation", "entrustment"}})
	c = f.as(caseworker).do(a, Accept, Input{})
	// 30 working days from Monday 2025-09-22, skipping 1–3 October:
	// September 23–30 (6), October 6–31 (20), November 3–6 (4).
	if a.State != Investigating || a.Due != civil.D(2025, 11, 6) || a.AcceptedOn != civil.D(2025, 9, 22) {
		t.Fatalf("accepted: %s due %s", a.State, a.Due)
	}
	if got := taskSteps(c.Tasks); !slices.Equal(got, []string{"investigating@township_caseworker:2025-11-06"}) {
		t.Fatalf("tasks %v", got)
	}

	f.fails(a, FinishInvestigation, Input{}, apperr.Conflict) // no visit yet
	f.fails(a, RecordVisit, Input{Visit: &Visit{Date: civil.D(2025, 9, 23), Mode: "letter"}}, apperr.Invalid)
	f.on(civil.D(2025, 9, 24))
	f.as(village).do(a, RecordVisit, visit(civil.D(2025, 9, 24)))
	f.as(caseworker).do(a, RecordAppraisal, Input{Appraisal: &Appraisal{Date: civil.D(2025, 9, 24), Participants: 9, Agree: 8, Disagree: 1, Summary: "同意"}})
	f.do(a, FinishInvestigation, Input{})
	f.do(a, Propose, Input{Opinion: "approve"})
	if a.State != Notice || a.NoticeFrom != civil.D(2025, 9, 24) || a.NoticeTo != civil.D(2025, 9, 30) {
		t.Fatalf("notice %s %s–%s", a.State, a.NoticeFrom, a.NoticeTo)
	}
	f.on(civil.D(2025, 9, 30))
	f.fails(a, EndNotice, Input{}, apperr.Conflict) // runs 7 days, to the 30th
	f.on(civil.D(2025, 10, 8))
	c = f.do(a, EndNotice, Input{})
	// 10 working days from 8 October: 9–10, 13–17, 20–22 October.
	if a.State != CountyReview || !slices.Equal(taskSteps(c.Tasks), []string{"county_review@county_approver:2025-10-22"}) {
		t.Fatalf("county review: %s %v", a.State, taskSteps(c.Tasks))
	}
	f.as(caseworker).fails(a, Confirm, Input{}, apperr.Forbidden)
	c = f.as(approver).do(a, Confirm, Input{}, eligible)
	if a.State != Approved || c.Decision == nil || c.Decision.Amount != 123456 || c.Decision.StartMonth != (civil.Month{Year: 2025, Month: 11}) || len(c.Tasks) != 0 {
		t.Fatalf("confirm: %s %+v tasks %v", a.State, c.Decision, taskSteps(c.Tasks))
	}
	if c.Decision.DecidedBy != "li" || c.Event.From != CountyReview || c.Event.To != Approved {
		t.Fatalf("decision %+v event %+v", c.Decision, c.Event)
	}
}

func TestIllegalTransition(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	_, err := Apply(*a, Confirm, Input{}, &f.as(approver).env, eligible)
	var te *TransitionError
	if !errors.As(err, &te) || apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("confirm a submitted application: %v", err)
	}
	if !slices.Equal(te.Allowed, []Action{Accept, RequestMaterials, AddMaterials, Withdraw}) || !strings.Contains(err.Error(), "accept, request_materials, add_materials, withdraw") {
		t.Fatalf("allowed %v (%v)", te.Allowed, err)
	}
	if _, err := Apply(*a, "dance", Input{}, &f.env, nil); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("unknown action: %v", err)
	}
}

func TestObjectionLeadsToReinvestigationAndNewNotice(t *testing.T) {
	// Chongqing Pengshui: a new notice of 3 days after an objection.
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	a.Region, a.County = "500243101001", "500243"
	tw := Actor{UserID: 11, Username: "pengshui", Role: auth.TownshipCaseworker, Region: "500243101"}
	county := Actor{UserID: 12, Username: "county", Role: auth.CountyApprover, Region: "500243"}
	f.as(tw).do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	f.do(a, Propose, Input{Opinion: "approve"})
	f.on(civil.D(2025, 9, 25))
	f.fails(a, Object, Input{Objection: &Objection{}}, apperr.Invalid)
	c := f.do(a, Object, Input{Objection: &Objection{Content: "该户有经营性车辆"}})
	if a.State != ObjectionReview || !a.CountyVisitRequired() {
		t.Fatalf("after objection: %s", a.State)
	}
	if got := taskSteps(c.Tasks); len(got) != 2 || !strings.HasPrefix(got[1], "county_visit@county_approver") {
		t.Fatalf("tasks after objection %v: want re-investigation and a county visit", got)
	}
	f.do(a, RecordVisit, Input{Visit: &Visit{Date: f.env.Today, Mode: "phone", Visitors: "张", Findings: "车辆已于2024年出售"}})
	f.do(a, FinishInvestigation, Input{})
	f.do(a, Propose, Input{Opinion: "approve"})
	if a.Notices != 2 || a.NoticeTo != civil.D(2025, 9, 27) {
		t.Fatalf("new notice: %d, to %s; want 3 days", a.Notices, a.NoticeTo)
	}
	f.on(civil.D(2025, 9, 28))
	f.do(a, EndNotice, Input{})
	f.as(county).fails(a, Confirm, Input{}, apperr.Conflict) // county visit first
	f.fails(a, RecordVisit, Input{Visit: &Visit{Date: f.env.Today, Mode: "video", Visitors: "李", Findings: "x"}}, apperr.Invalid)
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, Confirm, Input{}, eligible)
	if a.State != Approved {
		t.Fatal(a.State)
	}
}

func TestNearRelativeIsRecusedAndNeedsCountyVisit(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	a.NearRelative = &NearRelative{StaffName: "张", StaffUserID: caseworker.UserID, StaffRole: "乡镇经办", Relation: "兄弟"}
	err := f.fails(a, Accept, Input{}, apperr.Forbidden)
	if !strings.Contains(err.Error(), "recused") {
		t.Fatal(err)
	}
	colleague := caseworker
	colleague.UserID, colleague.Username = 9, "chen"
	c := f.as(colleague).do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	if got := taskSteps(c.Tasks); len(got) != 2 || !strings.HasPrefix(got[1], "county_visit") {
		t.Fatalf("near-relative case tasks %v", got)
	}
	if got := Allowed(a, &f.as(caseworker).env); len(got) != 0 {
		t.Fatalf("the recused staff member may still %v", got)
	}
}

func TestJurisdictionAndRoles(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	f.as(elsewhere).fails(a, Accept, Input{}, apperr.NotFound)
	f.as(village).fails(a, Accept, Input{}, apperr.Forbidden)
	f.as(Actor{PersonID: 701}).fails(a, Withdraw, Input{Reason: "x"}, apperr.Forbidden)
	f.as(Actor{PersonID: 700}).fails(a, Accept, Input{}, apperr.Forbidden)
	f.fails(a, Withdraw, Input{}, apperr.Invalid)
	f.do(a, Withdraw, Input{Reason: "已外出务工"})
	if a.State != Withdrawn || len(Possible(a)) != 0 {
		t.Fatalf("%s %v", a.State, Possible(a))
	}
}

func TestAddMaterials(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	a.Materials = []string{"application_form"}
	f.fails(a, AddMaterials, Input{}, apperr.Invalid)
	if err := f.fails(a, AddMaterials, Input{Materials: []string{"selfie"}}, apperr.Invalid); apperr.As(err).Field != "materials[0]" {
		t.Fatalf("an unknown material: %v", err)
	}
	// Staff of the three levels, and the applicant for their own
	// application, at any step before the decision; the state stays.
	c := f.as(village).do(a, AddMaterials, Input{Materials: []string{"verification_authorisation"}, Attachment: 12})
	if a.State != Submitted || !slices.Equal(a.Materials, []string{"application_form", "verification_authorisation"}) || len(Missing(a, nil, &f.env)) != 0 {
		t.Fatalf("after adding: %s %v", a.State, a.Materials)
	}
	if c.Event.Action != AddMaterials || c.Event.From != Submitted || c.Event.To != Submitted || !strings.Contains(string(c.Event.Data), `"attachment":12`) {
		t.Fatalf("event %+v %s", c.Event, c.Event.Data)
	}
	if got := taskSteps(c.Tasks); len(got) != 1 || !strings.HasPrefix(got[0], "submitted@township_caseworker") {
		t.Fatalf("tasks %v", got)
	}
	f.as(caseworker).do(a, Accept, Input{})
	f.as(Actor{PersonID: 700}).do(a, AddMaterials, Input{Materials: []string{"income_statement"}})
	f.as(Actor{PersonID: 701}).fails(a, AddMaterials, Input{Materials: []string{"hukou_booklet"}}, apperr.Forbidden)
	f.as(Actor{UserID: 5, Username: "sun", Role: auth.Supervisor, Region: "4401"}).fails(a, AddMaterials, Input{Materials: []string{"hukou_booklet"}}, apperr.Forbidden)
	f.as(elsewhere).fails(a, AddMaterials, Input{Materials: []string{"hukou_booklet"}}, apperr.NotFound)
	a.State = CountyReview
	f.as(approver).do(a, AddMaterials, Input{Materials: []string{"hukou_booklet"}})
	if !slices.Contains(a.Materials, "income_statement") || !slices.Contains(a.Materials, "hukou_booklet") {
		t.Fatalf("materials %v", a.Materials)
	}
	a.State = Approved
	f.fails(a, AddMaterials, Input{Materials: []string{"residence_permit"}}, apperr.Conflict)
}

func TestRejectionNeedsReasonsAndDelivery(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	f.do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	f.fails(a, Propose, Input{Opinion: "reject"}, apperr.Invalid)
	f.do(a, Propose, Input{Opinion: "reject", Reason: "人均收入高于低保标准"})
	if a.State != CountyReview {
		t.Fatalf("a proposal to reject goes to the county without a notice: %s", a.State)
	}
	f.as(approver).fails(a, Reject, Input{}, apperr.Invalid)
	c := f.do(a, Reject, Input{Reason: "家庭人均收入1500元，高于当地低保标准1410元"})
	if c.Decision == nil || c.Decision.Approved || !strings.Contains(c.Decision.Reasons, "1410") {
		t.Fatalf("decision %+v", c.Decision)
	}
	// Written notice within 3 working days (Monday 22nd → Thursday 25th).
	if got := taskSteps(c.Tasks); !slices.Equal(got, []string{"deliver_rejection@township_caseworker:2025-09-25"}) {
		t.Fatalf("tasks %v", got)
	}
	f.on(civil.D(2025, 9, 24))
	c = f.as(caseworker).do(a, DeliverRejection, Input{})
	if a.RejectionDelivered != f.env.Today || len(c.Tasks) != 0 || len(Possible(a)) != 0 {
		t.Fatalf("delivered %s tasks %v possible %v", a.RejectionDelivered, taskSteps(c.Tasks), Possible(a))
	}
}

func TestExtension(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	f.do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	f.fails(a, Extend, Input{}, apperr.Invalid)
	f.do(a, Extend, Input{Reason: "申请人住院，无法入户"})
	// 45 working days from 22 September: 30 to 6 November, 15 more.
	if a.Due != civil.D(2025, 11, 27) {
		t.Fatalf("extended due %s", a.Due)
	}
	if slices.Contains(Possible(a), Extend) {
		t.Fatal("extended twice")
	}
}

func TestTekunMinorIsNeverPublicised(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Tekun, "")
	a.Minor = true
	c := f.do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	// Tekun: investigation within 15 working days.
	if got := taskSteps(c.Tasks); !slices.Equal(got, []string{"investigating@township_caseworker:2025-10-16"}) {
		t.Fatalf("tasks %v", got)
	}
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	f.do(a, Propose, Input{Opinion: "approve"})
	if a.State != CountyReview || a.Notices != 0 {
		t.Fatalf("a minor's Tekun case went to %s with %d notices", a.State, a.Notices)
	}
}

func TestLinshiAssistFirst(t *testing.T) {
	f := newFixture(t, policy.Param{Key: "linshi.assist_first_max", Region: "440105", Text: "2000"})
	a := f.app(policy.Linshi, "urgent")
	f.fails(a, PayFirst, Input{Amount: ptr(money.Fen(300000)), Reason: "火灾"}, apperr.Invalid)
	f.do(a, PayFirst, Input{Amount: ptr(money.Fen(150000)), Reason: "火灾，房屋烧毁"})
	if a.AssistPaid != 150000 || slices.Contains(Possible(a), PayFirst) {
		t.Fatalf("paid %s, possible %v", a.AssistPaid, Possible(a))
	}
	f.do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	// Guangzhou sets no notice length for Linshi: a clear NotSet error.
	_, err := Apply(*a, Propose, Input{Opinion: "approve"}, &f.env, nil)
	if err == nil || !strings.Contains(err.Error(), "workflow.linshi.notice_days") {
		t.Fatalf("propose without a notice length: %v", err)
	}
	exp := f.app(policy.Linshi, "expenditure")
	if slices.Contains(Possible(exp), PayFirst) {
		t.Fatal("expenditure-type assistance is not paid first")
	}
}

func TestLinshiOneOffDecision(t *testing.T) {
	f := newFixture(t, policy.Param{Key: "workflow.linshi.notice_days", Region: "4401", Text: "3"})
	a := f.app(policy.Linshi, "expenditure")
	f.do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	f.do(a, Propose, Input{Opinion: "approve"})
	f.on(a.NoticeTo.AddDays(1))
	f.do(a, EndNotice, Input{})
	c := f.as(approver).do(a, Confirm, Input{Amount: ptr(money.Fen(500000)), Reason: "按实际医疗支出"}, eligible)
	m := f.env.Today.MonthOf()
	if c.Decision.StartMonth != m || c.Decision.EndMonth != m || c.Decision.Amount != 500000 {
		t.Fatalf("one-off decision %+v", c.Decision)
	}
}

func TestConfirmAgainstTheEngineNeedsAReason(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	a.State = CountyReview
	f.as(approver)
	_, err := Apply(*a, Confirm, Input{}, &f.env, &Engine{Verdict: "ineligible"})
	if apperr.As(err) == nil || apperr.As(err).Field != "reason" {
		t.Fatalf("approve an ineligible household without reason: %v", err)
	}
	_, err = Apply(*a, Confirm, Input{Amount: ptr(money.Fen(1))}, &f.env, eligible)
	if apperr.As(err) == nil || apperr.As(err).Field != "reason" {
		t.Fatalf("another amount without reason: %v", err)
	}
	_, err = Apply(*a, Confirm, Input{}, &f.env, &Engine{Err: policy.NotSet("dibao.standard.urban", "440105", f.env.Today)})
	if apperr.As(err) == nil || apperr.As(err).Field != "amount" {
		t.Fatalf("engine error without an amount: %v", err)
	}
}

func TestDisabilitySubsidyGoesThroughTheFederation(t *testing.T) {
	f := newFixture(t, policy.Param{Key: "workflow.disability_subsidy.pay_from", Region: "4401", Text: "application_month"})
	a := f.app(policy.DisabilitySubsidy, "care")
	f.do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	f.do(a, Propose, Input{Opinion: "approve"}) // no notice length set: none
	if a.State != Federation {
		t.Fatal(a.State)
	}
	f.as(approver).fails(a, FederationOpinion, Input{Opinion: "approve"}, apperr.Invalid)
	f.do(a, FederationOpinion, Input{Opinion: "approve", Reason: "残联审核：一级肢体残疾，符合"})
	f.on(civil.D(2025, 11, 3))
	c := f.do(a, Confirm, Input{}, eligible)
	if c.Decision.StartMonth != (civil.Month{Year: 2025, Month: 9}) {
		t.Fatalf("paid from %s, want the month of application", c.Decision.StartMonth)
	}
}

func TestDelegatedConfirmation(t *testing.T) {
	f := newFixture(t, policy.Param{Key: "workflow.county_delegates_confirmation", Region: "440105", Text: "true"})
	a := f.app(policy.Dibao, "")
	a.State = CountyReview
	f.as(approver).fails(a, Confirm, Input{}, apperr.Forbidden)
	c := f.as(caseworker).do(a, Confirm, Input{}, eligible)
	if c.Decision == nil || !c.Decision.Approved {
		t.Fatal(c.Decision)
	}
}

func TestReconcile(t *testing.T) {
	open := []Task{{ID: 1, Step: "investigating", Role: auth.TownshipCaseworker, Region: haizhu, Level: 2}, {ID: 2, Step: StepCountyVisit, Role: auth.CountyApprover, Region: "440105"}}
	want := []Task{{Step: "investigating", Role: auth.TownshipCaseworker, Region: haizhu, Due: civil.D(2025, 12, 1)}, {Step: "notice", Role: auth.TownshipCaseworker, Region: haizhu}}
	keep, closed, add := Reconcile(open, want)
	if len(keep) != 1 || keep[0].ID != 1 || keep[0].Level != 2 || keep[0].Due != civil.D(2025, 12, 1) {
		t.Fatalf("keep %+v", keep)
	}
	if !slices.Equal(closed, []int64{2}) || len(add) != 1 || add[0].Step != "notice" {
		t.Fatalf("closed %v add %+v", closed, add)
	}
}

func TestFlowKeysAreDefined(t *testing.T) {
	for p, f := range Flows {
		for _, k := range []string{f.InvestigationKey, f.ReviewKey, f.NoticeKey, f.RenoticeKey, f.ConfirmKey, f.RejectNoticeKey, f.TotalKey, f.TotalExtendedKey, "workflow.materials." + string(p)} {
			if _, ok := policy.Lookup(k); k != "" && !ok {
				t.Errorf("%s: parameter %s is not defined", p, k)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestProposalRecordsTheAmount(t *testing.T) {
	f := newFixture(t)
	a := f.app(policy.Dibao, "")
	f.do(a, Accept, Input{Materials: []string{"application_form", "verification_authorisation"}})
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	engine := &Engine{Verdict: "eligible", Amount: 50000}
	if _, err := Apply(*a, Propose, Input{Opinion: "approve", Amount: ptr(money.Fen(60000))}, &f.env, engine); apperr.As(err) == nil || apperr.As(err).Field != "reason" {
		t.Fatalf("another amount without a reason: %v", err)
	}
	f.do(a, Propose, Input{Opinion: "approve"}, engine)
	if a.Proposed != 50000 {
		t.Fatalf("proposed %s", a.Proposed)
	}
}

func TestScheduledReview(t *testing.T) {
	f := newFixture(t)
	e := Enrollment{ID: 5, HouseholdID: 70, County: "440105", Region: haizhu + "001", Program: policy.Dibao, Amount: 100000, Status: Active}
	if _, err := NewReview(e, 700, TriggerChangeReport, "", &f.env); apperr.As(err) == nil || apperr.As(err).Field != "note" {
		t.Fatalf("a change report without saying what changed: %v", err)
	}
	c, err := NewReview(e, 700, TriggerScheduled, "", &f.env)
	if err != nil {
		t.Fatal(err)
	}
	a := &c.App
	a.ID = 8
	if a.State != Investigating || a.Purpose != PurposeReview || a.Due != civil.D(2025, 11, 6) || len(c.Tasks) != 1 {
		t.Fatalf("review opened: %s %s due %s tasks %v", a.State, a.Purpose, a.Due, taskSteps(c.Tasks))
	}
	for _, act := range []Action{Accept, RequestMaterials, PayFirst} {
		if slices.Contains(Possible(a), act) {
			t.Errorf("a review allows %s", act)
		}
	}
	f.do(a, RecordVisit, visit(f.env.Today))
	f.do(a, FinishInvestigation, Input{})
	engine := &Engine{Verdict: "eligible", Amount: 80000, ReviewMonths: 6}
	if _, err := Apply(*a, Propose, Input{Outcome: Adjust}, &f.env, engine); apperr.As(err) == nil || apperr.As(err).Field != "reason" {
		t.Fatalf("a decrease without reasons: %v", err)
	}
	f.do(a, Propose, Input{Outcome: Adjust, Reason: "长子就业，月工资2000元"}, engine)
	if a.State != CountyReview || a.Proposed != 80000 {
		t.Fatalf("proposed: %s %s", a.State, a.Proposed)
	}
	c = f.as(approver).do(a, Confirm, Input{}, engine)
	d := c.Decision
	if d.Outcome != Adjust || d.Amount != 80000 || d.EnrollmentID != 5 || d.StartMonth != (civil.Month{Year: 2025, Month: 10}) || d.NextReview != civil.D(2026, 4, 1) {
		t.Fatalf("review decision %+v", d)
	}
}

func TestRefusals(t *testing.T) {
	f := newFixture(t)
	e := Enrollment{County: "440105"}
	for i := 1; i <= 3; i++ {
		n, reached, err := e.Refusal(9, true, &f.env)
		if err != nil || n != i || reached != (i == 3) {
			t.Fatalf("refusal %d: %d %v %v", i, n, reached, err)
		}
	}
	e.Refusal(9, false, &f.env)
	if n, _, _ := e.Refusal(9, true, &f.env); n != 1 {
		t.Fatalf("consecutive refusals not reset by an acceptance: %d", n)
	}
}

type countDays struct{}

func (countDays) WorkdaysBetween(a, b civil.Date) int {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

func TestHandlingStats(t *testing.T) {
	mon := civil.D(2025, 9, 1)
	rows := []HandlingRow{
		{Program: policy.Dibao, Region: "440105001001", AcceptedOn: mon, DecidedOn: mon.AddDays(14), Due: mon.AddDays(41)}, // 10 wd, on time
		{Program: policy.Dibao, Region: "440105001002", AcceptedOn: mon, DecidedOn: mon.AddDays(49), Due: mon.AddDays(41)}, // 35 wd, late
		{Program: policy.Dibao, Region: "440105002001", AcceptedOn: mon, Due: mon.AddDays(10)},                             // open, overdue
		{Program: policy.Tekun, Region: "440105001003", AcceptedOn: mon, DecidedOn: mon.AddDays(7)},                        // 5 wd, no limit
		{Program: policy.Dibao, Region: "440105001004"},                                                                    // not accepted
	}
	got := Handling(rows, 9, countDays{}, mon.AddDays(20))
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	d := got[0]
	if d.Region != "440105001" || d.Program != policy.Dibao || d.Decided != 2 || d.AvgWorkdays != 22.5 || d.OnTime != 1 || d.OnTimeShare != 0.5 {
		t.Fatalf("dibao in 440105001: %+v", d)
	}
	if tk := got[1]; tk.Program != policy.Tekun || tk.WithLimit != 0 || tk.AvgWorkdays != 5 {
		t.Fatalf("tekun: %+v", tk)
	}
	if o := got[2]; o.Region != "440105002" || o.OpenOverdue != 1 || o.Decided != 0 {
		t.Fatalf("open: %+v", o)
	}
}

func TestCitizenCannotWithdrawAReview(t *testing.T) {
	f := newFixture(t)
	c, err := NewReview(Enrollment{ID: 5, HouseholdID: 70, County: "440105", Region: haizhu + "001", Program: policy.Dibao, Status: Active}, 700, TriggerScheduled, "", &f.env)
	if err != nil {
		t.Fatal(err)
	}
	f.as(Actor{PersonID: 700}).fails(&c.App, Withdraw, Input{Reason: "不想复核"}, apperr.Forbidden)
}

func TestReviewRequiresNoMaterials(t *testing.T) {
	f := newFixture(t)
	c, err := NewReview(Enrollment{ID: 5, HouseholdID: 70, County: "440105", Region: haizhu + "001", Program: policy.Dibao, Status: Active}, 700, TriggerScheduled, "", &f.env)
	if err != nil {
		t.Fatal(err)
	}
	if got := Missing(&c.App, nil, &f.env); len(got) != 0 {
		t.Fatalf("a review misses %v", got)
	}
}
