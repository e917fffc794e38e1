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
	actor := func(u *auth.User) casework.Actor {
		return casework.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Region: u.Region}
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
		env := &casework.Env{Today: day, Now: day.In(civil.Shanghai).Add(9 * time.Hour), Actor: actor(township), Calendar: cal, Params: set}
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
		c, err := casework.New(a, env)
		if err != nil {
			return filed, fmt.Errorf("demo application %d: %w", i+1, err)
		}
		if err := db.CreateApplication(ctx, scope, c); err != nil {
			return filed, fmt.Errorf("demo application %d: %w", i+1, err)
		}
		filed++
		app := c.App
		for j, act := range st.steps {
			// Each step a working day after the last; the county's steps
			// by the county approver.
			next, _ := cal.AddWorkdays(day, 1)
			day = earlier(next, today)
			env := &casework.Env{Today: day, Now: day.In(civil.Shanghai).Add(10 * time.Hour), Actor: actor(township), Calendar: cal, Params: set}
			in := casework.Input{}
			var engine *casework.Engine
			switch act {
			case casework.Accept:
				in.Materials = []string{"verification_authorisation"}
			case casework.RequestMaterials:
				in.Missing = []string{"近三个月收入证明"}
			case casework.RecordVisit:
				in.Visit = &casework.Visit{Date: day, Mode: "in_person", Visitors: "李经办、王协理", Findings: "家中无稳定收入，住房简陋，情况属实（演示数据）"}
			case casework.Propose:
				in.Opinion = "approve"
				engine = demoEngine(ctx, db, set, &app, day)
			case casework.EndNotice:
				day = earlier(app.NoticeTo.AddDays(1), today)
				env.Today, env.Now = day, day.In(civil.Shanghai).Add(10*time.Hour)
			case casework.Confirm, casework.Reject:
				env.Actor = actor(county)
				in.Reason = "经县级审核，家庭人均收入高于当地低保标准（演示数据）"
				if act == casework.Confirm {
					in.Reason = ""
					engine = demoEngine(ctx, db, set, &app, day)
					if engine.Err != nil || engine.Verdict != string(policy.Eligible) {
						amount := money.Fen(50000)
						in.Amount, in.Reason = &amount, "演示数据：按县级核定金额"
					}
				}
			case casework.PayFirst:
				in.Amount, in.Reason = &st.assisted, "住房失火，先行救助（演示数据）"
			}
			out, err := db.Act(ctx, scope, app.ID, app.Version, func(cur casework.Application) (*casework.Change, error) {
				return casework.Apply(cur, act, in, env, engine)
			})
			if err != nil {
				return filed, fmt.Errorf("demo application %d, step %d (%s): %w", i+1, j+1, act, err)
			}
			app = out.App
		}
	}
	if _, err := db.EscalateOverdue(ctx, today); err != nil {
		return filed, err
	}
	return filed, nil
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
