package main

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
)

// demoStory is one demo application: its program, how far it got and how
// long ago it was filed (in working days), so the inboxes show fresh,
// urgent and overdue work.
type demoStory struct {
	program  policy.Program
	kind     string
	minor    bool
	near     bool
	ago      int // working days before today it was filed
	steps    []casework.Action
	assisted money.Fen
}

// demoStories are the workflow's situations, for the township of the demo
// user "township": each a household of it.
var demoStories = []demoStory{
	{program: policy.Dibao, ago: 0},
	{program: policy.Dibao, ago: 2, steps: []casework.Action{casework.RequestMaterials}},
	{program: policy.Dibao, ago: 12, steps: []casework.Action{casework.Accept}},
	{program: policy.Dibao, ago: 34, steps: []casework.Action{casework.Accept}}, // overdue: escalates
	{program: policy.Dibao, ago: 8, near: true, steps: []casework.Action{casework.Accept, casework.RecordVisit}},
	{program: policy.Dibao, ago: 6, steps: []casework.Action{casework.Accept, casework.RecordVisit, casework.FinishInvestigation, casework.Propose}},
	{program: policy.Dibao, ago: 16, steps: []casework.Action{casework.Accept, casework.RecordVisit, casework.FinishInvestigation, casework.Propose, casework.EndNotice}},
	{program: policy.Dibao, ago: 25, steps: []casework.Action{casework.Accept, casework.RecordVisit, casework.FinishInvestigation, casework.Propose, casework.EndNotice, casework.Confirm}},
	{program: policy.Dibao, ago: 22, steps: []casework.Action{casework.Accept, casework.RecordVisit, casework.FinishInvestigation, casework.Propose, casework.EndNotice, casework.Reject}},
	{program: policy.Tekun, ago: 9, minor: true, steps: []casework.Action{casework.Accept, casework.RecordVisit, casework.FinishInvestigation, casework.Propose}},
	{program: policy.Linshi, kind: "urgent", ago: 1, steps: []casework.Action{casework.PayFirst, casework.Accept}, assisted: 150000},
	{program: policy.DisabilitySubsidy, kind: "care", ago: 7, steps: []casework.Action{casework.Accept, casework.RecordVisit, casework.FinishInvestigation, casework.Propose}},
	{program: policy.Marginal, ago: 4, steps: []casework.Action{casework.Accept}},
}

// loadDemoCases files the demo stories through the workflow, each step on
// its own past day, as the demo's township caseworker and county approver
// would have.
func loadDemoCases(ctx context.Context, db *store.DB) (int, error) {
	township, err := db.UserByUsername(ctx, "township")
	if err != nil {
		return 0, err
	}
	county, err := db.UserByUsername(ctx, "county")
	if err != nil {
		return 0, err
	}
	set, err := db.ParamSet(ctx)
	if err != nil {
		return 0, err
	}
	cal := calendar.Embedded()
	scope := registry.Scope{Region: township.Region}
	hs, err := db.FindHouseholds(ctx, scope, registry.HouseholdFilter{Limit: 60})
	if err != nil {
		return 0, err
	}
	today := civil.Today()
	filed := 0
	for i, st := range demoStories {
		if i >= len(hs) {
			break
		}
		h, err := db.Household(ctx, scope, hs[i].ID)
		if err != nil {
			return filed, err
		}
		day := workdaysBefore(cal, today, st.ago)
		applicant := h.Members[0].Person
		for _, m := range h.Members {
			if st.minor && m.Person.Birth.YearsAt(day) < 18 {
				applicant = m.Person
			}
		}
		a := casework.Application{Program: st.program, Kind: st.kind, HouseholdID: h.ID, ApplicantID: applicant.ID,
			Region: h.RegionCode, County: h.CountyCode, Channel: casework.Counter, Minor: applicant.Birth.YearsAt(day) < 18,
			Materials: []string{"application_form"}, Reason: "家庭收入低，生活困难（演示数据）"}
		if st.near {
			a.NearRelative = &casework.NearRelative{StaffName: "李某", StaffRole: "村委会委员", Relation: "堂兄弟"}
		}
		w := demoWalk{clerk: township, approver: county, scope: scope, filed: day, steps: st.steps,
			visitors: "李经办、王协理", findings: "家中无稳定收入，住房简陋，情况属实（演示数据）", amount: 50000, assisted: st.assisted}
		if err := walkDemoApplication(ctx, db, set, today, a, w); err != nil {
			return filed, fmt.Errorf("demo application %d: %w", i+1, err)
		}
		filed++
	}
	if _, err := db.EscalateOverdue(ctx, today); err != nil {
		return filed, err
	}
	return filed, nil
}

// demoWalk is what differs between the demo's applications on their way
// through the workflow: who files and who confirms, on which day it is
// filed, the steps it then takes and the texts its steps record.
type demoWalk struct {
	clerk, approver    *auth.User // the township's caseworker; the county's approver, who confirms or rejects
	scope              registry.Scope
	filed              civil.Date
	steps              []casework.Action
	visitors, findings string    // the home visit's record
	amount             money.Fen // the county's amount where the rules engine does not find the household eligible
	assisted           money.Fen // paid first, on casework.PayFirst
}

// walkDemoApplication files the application on w.filed and takes it
// through w.steps, each a working day after the last (never after today),
// as the demo's caseworker and approver would have.
func walkDemoApplication(ctx context.Context, db *store.DB, set *policy.Set, today civil.Date, a casework.Application, w demoWalk) error {
	cal := calendar.Embedded()
	day := w.filed
	env := &casework.Env{Today: day, Now: day.In(civil.Shanghai).Add(9 * time.Hour), Actor: demoActor(w.clerk), Calendar: cal, Params: set}
	c, err := casework.New(a, env)
	if err != nil {
		return err
	}
	if err := db.CreateApplication(ctx, w.scope, c); err != nil {
		return err
	}
	app := c.App
	for j, act := range w.steps {
		next, _ := cal.AddWorkdays(day, 1)
		day = earlier(next, today)
		env := &casework.Env{Today: day, Now: day.In(civil.Shanghai).Add(10 * time.Hour), Actor: demoActor(w.clerk), Calendar: cal, Params: set}
		in := casework.Input{}
		var engine *casework.Engine
		switch act {
		case casework.Accept:
			in.Materials = []string{"verification_authorisation"}
		case casework.RequestMaterials:
			in.Missing = []string{"近三个月收入证明"}
		case casework.RecordVisit:
			in.Visit = &casework.Visit{Date: day, Mode: "in_person", Visitors: w.visitors, Findings: w.findings}
		case casework.Propose:
			in.Opinion = "approve"
			engine = demoEngine(ctx, db, set, &app, day)
		case casework.EndNotice:
			day = earlier(app.NoticeTo.AddDays(1), today)
			env.Today, env.Now = day, day.In(civil.Shanghai).Add(10*time.Hour)
		case casework.Confirm:
			env.Actor = demoActor(w.approver)
			engine = demoEngine(ctx, db, set, &app, day)
			if engine.Err != nil || engine.Verdict != string(policy.Eligible) {
				amount := w.amount
				in.Amount, in.Reason = &amount, "演示数据：按县级核定金额"
			}
		case casework.Reject:
			env.Actor = demoActor(w.approver)
			in.Reason = "经县级审核，家庭人均收入高于当地低保标准（演示数据）"
		case casework.PayFirst:
			assisted := w.assisted
			in.Amount, in.Reason = &assisted, "住房失火，先行救助（演示数据）"
		}
		out, err := db.Act(ctx, w.scope, app.ID, app.Version, func(cur casework.Application) (*casework.Change, error) {
			return casework.Apply(cur, act, in, env, engine)
		})
		if err != nil {
			return fmt.Errorf("step %d (%s): %w", j+1, act, err)
		}
		app = out.App
	}
	return nil
}

func demoActor(u *auth.User) casework.Actor {
	return casework.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Region: u.Region}
}

func earlier(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// workdaysBefore is the day n working days before today.
func workdaysBefore(cal *calendar.Calendar, today civil.Date, n int) civil.Date {
	d := today
	for n > 0 {
		d = d.AddDays(-1)
		if cal.IsWorkday(d) {
			n--
		}
	}
	return d
}

// demoEngine runs the rules engine on the application's household, as the
// server does on a proposal or a confirmation.
func demoEngine(ctx context.Context, db *store.DB, set *policy.Set, a *casework.Application, day civil.Date) *casework.Engine {
	snap, err := db.HouseholdAt(ctx, registry.Scope{Region: a.County}, a.HouseholdID, day)
	if err != nil {
		return &casework.Engine{Err: err}
	}
	return casework.Assess(a, snap, nil, &casework.Env{Today: day, Params: set})
}
