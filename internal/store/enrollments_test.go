package store_test

import (
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

func TestReviewChangesTheEnrollment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, _ := townships(t)
		scope := registry.Scope{Region: tw}
		h := household(tw+"001", person("郑一", civil.D(1962, 5, 5)), person("郑二", civil.D(1990, 5, 5)))
		if err := db.CreateHousehold(ctx, scope, h); err != nil {
			t.Fatal(err)
		}
		caseworker := casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: tw}
		approver := casework.Actor{UserID: 2, Username: "approver", Role: auth.CountyApprover, Region: "440103"}
		day := civil.D(2025, 3, 3)
		env := caseEnv(t, caseworker, day)
		act := func(id int64, e *casework.Env, a casework.Action, in casework.Input, engine *casework.Engine) *casework.Change {
			t.Helper()
			cur, err := db.Application(ctx, scope, id)
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.Act(ctx, scope, id, cur.Version, func(app casework.Application) (*casework.Change, error) {
				return casework.Apply(app, a, in, e, engine)
			})
			if err != nil {
				t.Fatalf("%s: %v", a, err)
			}
			return c
		}
		visit := casework.Input{Visit: &casework.Visit{Date: day, Mode: "in_person", Visitors: "甲", Findings: "属实"}}

		// An application approved with a yearly re-check.
		c, err := casework.New(casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
			Region: tw + "001", County: "440103", Channel: casework.Counter, Materials: []string{"application_form", "verification_authorisation"}}, env)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateApplication(ctx, scope, c); err != nil {
			t.Fatal(err)
		}
		id := c.App.ID
		act(id, env, casework.Accept, casework.Input{}, nil)
		act(id, env, casework.RecordVisit, visit, nil)
		act(id, env, casework.FinishInvestigation, casework.Input{}, nil)
		act(id, env, casework.Propose, casework.Input{Opinion: "reject", Reason: "仅为推进到县级"}, nil)
		act(id, caseEnv(t, approver, day), casework.Confirm, casework.Input{Reason: "县级核实后认定符合"}, &casework.Engine{Verdict: "eligible", Amount: 120000, ReviewMonths: 12})
		es, err := db.Enrollments(ctx, scope, h.ID)
		if err != nil || len(es) != 1 || es[0].Amount != 120000 || es[0].Status != casework.Active || es[0].NextReview != civil.D(2026, 4, 1) {
			t.Fatalf("enrollments %+v, %v", es, err)
		}
		e := es[0]

		// Due a year on; not before.
		if due, _ := db.DueReviews(ctx, civil.D(2026, 3, 31), 0, 10); len(due) != 0 {
			t.Fatalf("due early: %+v", due)
		}
		due, err := db.DueReviews(ctx, civil.D(2026, 4, 1), 0, 10)
		if err != nil || len(due) != 1 || due[0].ID != e.ID {
			t.Fatalf("due reviews %+v, %v", due, err)
		}
		later := civil.D(2026, 4, 1)
		env = caseEnv(t, caseworker, later)
		rc, err := casework.NewReview(due[0], h.Members[1].Person.ID, casework.TriggerScheduled, "", env)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateApplication(ctx, scope, rc); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.DueReviews(ctx, later, 0, 10); len(due) != 0 {
			t.Fatalf("an enrollment under review is still due: %+v", due)
		}
		rid := rc.App.ID
		act(rid, env, casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: later, Mode: "in_person", Visitors: "甲", Findings: "次子就业"}}, nil)
		act(rid, env, casework.FinishInvestigation, casework.Input{}, nil)
		engine := &casework.Engine{Verdict: "eligible", Amount: 60000, ReviewMonths: 6}
		act(rid, env, casework.Propose, casework.Input{Outcome: casework.Adjust, Reason: "次子就业，月收入增加"}, engine)
		act(rid, caseEnv(t, approver, later), casework.Confirm, casework.Input{}, engine)

		es, _ = db.Enrollments(ctx, scope, h.ID)
		if len(es) != 2 || es[1].Status != casework.Superseded || es[1].EndMonth != (civil.Month{Year: 2026, Month: 4}) ||
			es[0].Status != casework.Active || es[0].Amount != 60000 || es[0].StartMonth != (civil.Month{Year: 2026, Month: 5}) || es[0].NextReview != civil.D(2026, 11, 1) {
			t.Fatalf("after the review: %+v", es)
		}

		// Resuming an enrollment that is not suspended is refused at
		// confirmation, and nothing changes.
		rc2, err := casework.NewReview(es[0], h.Members[0].Person.ID, casework.TriggerOther, "误报暂停", env)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateApplication(ctx, scope, rc2); err != nil {
			t.Fatal(err)
		}
		act(rc2.App.ID, env, casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: later, Mode: "phone", Visitors: "甲", Findings: "正常"}}, nil)
		act(rc2.App.ID, env, casework.FinishInvestigation, casework.Input{}, nil)
		act(rc2.App.ID, env, casework.Propose, casework.Input{Outcome: casework.Resume}, engine)
		cur, _ := db.Application(ctx, scope, rc2.App.ID)
		_, err = db.Act(ctx, scope, rc2.App.ID, cur.Version, func(app casework.Application) (*casework.Change, error) {
			return casework.Apply(app, casework.Confirm, casework.Input{}, caseEnv(t, approver, later), engine)
		})
		mustCode(t, err, apperr.Conflict)
		if again, _ := db.Enrollments(ctx, scope, h.ID); len(again) != 2 || again[0].Status != casework.Active {
			t.Fatalf("after a refused resumption: %+v", again)
		}

		// Three refusals of work in a row reach the limit.
		for i := 1; i <= 3; i++ {
			n, reached, err := db.RecordRefusal(ctx, scope, es[0].ID, h.Members[1].Person.ID, true, "拒绝社区公益岗位", env)
			if err != nil || n != i || reached != (i == 3) {
				t.Fatalf("refusal %d: %d %v %v", i, n, reached, err)
			}
		}
		_, _, err = db.RecordRefusal(ctx, scope, es[0].ID, 999999, true, "", env)
		mustCode(t, err, apperr.Invalid)
		_, _, err = db.RecordRefusal(ctx, scope, es[1].ID, h.Members[1].Person.ID, true, "", env)
		mustCode(t, err, apperr.Conflict)
	})
}

func TestHandlingRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, other := townships(t)
		scope := registry.Scope{Region: tw}
		h := household(tw+"001", person("陈一", civil.D(1962, 5, 5)))
		if err := db.CreateHousehold(ctx, scope, h); err != nil {
			t.Fatal(err)
		}
		day := civil.D(2025, 3, 3)
		env := caseEnv(t, casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: tw}, day)
		c, _ := casework.New(casework.Application{Program: policy.Tekun, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
			Region: tw + "001", County: "440103", Channel: casework.Counter, Materials: []string{"application_form", "verification_authorisation"}}, env)
		if err := db.CreateApplication(ctx, scope, c); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Act(ctx, scope, c.App.ID, 1, func(a casework.Application) (*casework.Change, error) {
			return casework.Apply(a, casework.Accept, casework.Input{}, env, nil)
		}); err != nil {
			t.Fatal(err)
		}
		var got []casework.HandlingRow
		collect := func(r casework.HandlingRow) error { got = append(got, r); return nil }
		if err := db.HandlingRows(ctx, registry.Scope{Region: "440103"}, "440103", day, day.AddDays(30), collect); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Program != policy.Tekun || got[0].AcceptedOn != day || !got[0].DecidedOn.IsZero() {
			t.Fatalf("rows %+v", got)
		}
		got = nil
		db.HandlingRows(ctx, registry.Scope{Region: other}, tw, day, day.AddDays(30), collect)
		if len(got) != 0 {
			t.Fatalf("a region outside the scope gave %+v", got)
		}
	})
}
