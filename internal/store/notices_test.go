package store_test

import (
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

// toNotice files an application for h's first member and takes it through
// the workflow on day to the township's proposal to approve amount, which
// puts it on a public notice from that day.
func toNotice(t *testing.T, db *store.DB, h *registry.Household, program policy.Program, env *casework.Env, amount money.Fen) *casework.Application {
	t.Helper()
	c, err := casework.New(casework.Application{Program: program, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
		Region: h.RegionCode, County: h.RegionCode[:6], Channel: casework.Counter,
		Materials: []string{"application_form", "verification_authorisation"}}, env)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateApplication(ctx, registry.Scope{}, c); err != nil {
		t.Fatal(err)
	}
	app := c.App
	for _, step := range []struct {
		act casework.Action
		in  casework.Input
	}{
		{casework.Accept, casework.Input{}},
		{casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: env.Today, Mode: "in_person", Visitors: "甲", Findings: "属实"}}},
		{casework.FinishInvestigation, casework.Input{}},
		{casework.Propose, casework.Input{Opinion: "approve", Amount: &amount, Reason: "按实核定"}},
	} {
		c, err := db.Act(ctx, registry.Scope{}, app.ID, app.Version, func(a casework.Application) (*casework.Change, error) {
			return casework.Apply(a, step.act, step.in, env, nil)
		})
		if err != nil {
			t.Fatalf("%s: %v", step.act, err)
		}
		app = c.App
	}
	return &app
}

func TestNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, other := townships(t)
		day := civil.D(2025, 9, 1)
		env := caseEnv(t, casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: "440103"}, day)
		create := func(region string, members ...registry.Person) *registry.Household {
			h := household(region, members...)
			if err := db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
				t.Fatal(err)
			}
			return h
		}
		h1 := create(tw+"001", person("欧阳小明", civil.D(1960, 1, 1)), person("欧阳二", civil.D(1990, 1, 1)), person("欧阳三", civil.D(1992, 1, 1)))
		h2 := create(tw, person("张三", civil.D(1970, 1, 1)))
		h3 := create(other, person("李四", civil.D(1970, 1, 1)), person("李五", civil.D(1972, 1, 1)))
		a1 := toNotice(t, db, h1, policy.Dibao, env, 123456)
		a3 := toNotice(t, db, h3, policy.Dibao, env, 50000)

		// h2's Tekun notice starts later; after an objection, a new one.
		later := caseEnv(t, env.Actor, day.AddDays(10))
		a2 := toNotice(t, db, h2, policy.Tekun, later, 80000)
		c, err := db.Act(ctx, registry.Scope{}, a2.ID, a2.Version, func(a casework.Application) (*casework.Change, error) {
			return casework.Apply(a, casework.Object, casework.Input{Objection: &casework.Objection{Content: "有车"}}, later, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		renotice := caseEnv(t, env.Actor, day.AddDays(12))
		amount2 := money.Fen(90000)
		for _, step := range []struct {
			act casework.Action
			in  casework.Input
		}{
			{casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: renotice.Today, Mode: "in_person", Visitors: "乙", Findings: "车已报废"}}},
			{casework.FinishInvestigation, casework.Input{}},
			{casework.Propose, casework.Input{Opinion: "approve", Amount: &amount2, Reason: "按实核定"}},
		} {
			version := c.App.Version
			if c, err = db.Act(ctx, registry.Scope{}, a2.ID, version, func(a casework.Application) (*casework.Change, error) {
				return casework.Apply(a, step.act, step.in, renotice, nil)
			}); err != nil {
				t.Fatalf("%s: %v", step.act, err)
			}
		}

		// A minor's Tekun application with a notice period (as imported
		// from an older system) is never listed.
		minor := create(tw+"001", person("王小", civil.D(2015, 1, 1)))
		mc, err := casework.New(casework.Application{Program: policy.Tekun, HouseholdID: minor.ID, ApplicantID: minor.Members[0].Person.ID,
			Region: minor.RegionCode, County: "440103", Channel: casework.Counter, Minor: true}, env)
		if err != nil {
			t.Fatal(err)
		}
		mc.App.State, mc.App.Opinion, mc.App.NoticeFrom, mc.App.NoticeTo, mc.App.Notices = casework.Notice, "approve", day, day.AddDays(6), 1
		if err := db.CreateApplication(ctx, registry.Scope{}, mc); err != nil {
			t.Fatal(err)
		}

		scope := registry.Scope{Region: tw}
		got, err := db.Notices(ctx, scope, tw, day, day.AddDays(30))
		if err != nil {
			t.Fatal(err)
		}
		// The notice replaced after the objection is still on record, with
		// its own days and amount, beside the new one.
		want := []casework.NoticeEntry{
			{ApplicationID: a1.ID, Name: "欧**明", HouseholdSize: 3, Program: policy.Dibao, Amount: 123456, From: day, To: day.AddDays(6), Notice: 1},
			{ApplicationID: a2.ID, Name: "张*", HouseholdSize: 1, Program: policy.Tekun, Amount: 80000, From: day.AddDays(10), To: day.AddDays(16), Notice: 1},
			{ApplicationID: a2.ID, Name: "张*", HouseholdSize: 1, Program: policy.Tekun, Amount: 90000, From: day.AddDays(12), To: day.AddDays(18), Notice: 2},
		}
		if len(got) != len(want) {
			t.Fatalf("got %d lines %+v, want %d", len(got), got, len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
			}
		}

		// The period: only notices overlapping it.
		if got, err := db.Notices(ctx, scope, tw, day.AddDays(7), day.AddDays(9)); err != nil || len(got) != 0 {
			t.Errorf("a period between the notices: got %+v, %v", got, err)
		}
		if got, err := db.Notices(ctx, scope, tw, day.AddDays(6), day.AddDays(6)); err != nil || len(got) != 1 || got[0].ApplicationID != a1.ID {
			t.Errorf("the first notice's last day: got %+v, %v", got, err)
		}
		// A village of the township; the county sees every township's.
		if got, err := db.Notices(ctx, scope, tw+"001", day, day.AddDays(30)); err != nil || len(got) != 1 || got[0].ApplicationID != a1.ID {
			t.Errorf("the village: got %+v, %v", got, err)
		}
		if got, err := db.Notices(ctx, registry.Scope{Region: "440103"}, other, day, day); err != nil || len(got) != 1 || got[0].ApplicationID != a3.ID {
			t.Errorf("the county, the other township: got %+v, %v", got, err)
		}

		// Another township's notice is not found; a bad query names its field.
		mustCode(t, mustErr(db.Notices(ctx, registry.Scope{Region: other}, tw, day, day)), apperr.NotFound)
		for _, tc := range []struct {
			name, place, field string
			from, to           civil.Date
		}{
			{"county", "440103", "township", day, day},
			{"no from", tw, "from", civil.Date{}, day},
			{"backwards", tw, "to", day, day.AddDays(-1)},
			{"too long", tw, "to", day, day.AddDays(casework.MaxNoticeDays)},
		} {
			err := mustErr(db.Notices(ctx, scope, tc.place, tc.from, tc.to))
			if e := mustCode(t, err, apperr.Invalid); apperr.Fields(err)[tc.field] == "" {
				t.Errorf("%s: got %v, want a message for %s", tc.name, e, tc.field)
			}
		}
	})
}
