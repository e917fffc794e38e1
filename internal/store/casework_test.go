package store_test

import (
	"sync"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

// weekends counts Monday to Friday as working days.
type weekends struct{}

func (weekends) AddWorkdays(from civil.Date, n int) (civil.Date, bool) {
	d := from
	for n > 0 {
		d = d.AddDays(1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d, false
}

func caseEnv(t *testing.T, actor casework.Actor, today civil.Date) *casework.Env {
	set, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return &casework.Env{Today: today, Now: today.In(civil.Shanghai).Add(9 * time.Hour), Actor: actor, Calendar: weekends{}, Params: set}
}

func TestApplicationWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, other := townships(t)
		scope := registry.Scope{Region: tw}
		h := household(tw+"001", person("吴一", civil.D(1960, 1, 1)), person("吴二", civil.D(2015, 1, 1)))
		if err := db.CreateHousehold(ctx, scope, h); err != nil {
			t.Fatal(err)
		}
		caseworker := casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: tw}
		approver := casework.Actor{UserID: 2, Username: "approver", Role: auth.CountyApprover, Region: "440103"}
		day := civil.D(2025, 9, 1) // a Monday
		env := caseEnv(t, caseworker, day)
		app := casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
			Region: tw + "001", County: "440103", Channel: casework.Counter, Materials: []string{"application_form"},
			NearRelative: &casework.NearRelative{StaffName: "吴三", StaffRole: "村委会委员", Relation: "兄弟"}}

		// The applicant must be a member; one open application per program.
		bad := app
		bad.ApplicantID = 999999
		c, err := casework.New(bad, env)
		if err != nil {
			t.Fatal(err)
		}
		if e := mustCode(t, db.CreateApplication(ctx, scope, c), apperr.Invalid); e.Field != "applicant_id" {
			t.Fatalf("field %q", e.Field)
		}
		c, err = casework.New(app, env)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateApplication(ctx, scope, c); err != nil {
			t.Fatal(err)
		}
		id := c.App.ID
		c2, _ := casework.New(app, env)
		mustCode(t, db.CreateApplication(ctx, scope, c2), apperr.Conflict)
		mustCode(t, mustErr(db.Application(ctx, registry.Scope{Region: other}, id)), apperr.NotFound)

		got, err := db.Application(ctx, scope, id)
		if err != nil || got.State != casework.Submitted || got.Version != 1 || got.NearRelative == nil || got.FiledOn != day {
			t.Fatalf("stored application %+v, %v", got, err)
		}

		act := func(e *casework.Env, version int, a casework.Action, in casework.Input, engine *casework.Engine) (*casework.Change, error) {
			return db.Act(ctx, scope, id, version, func(app casework.Application) (*casework.Change, error) {
				return casework.Apply(app, a, in, e, engine)
			})
		}
		must := func(c *casework.Change, err error) *casework.Change {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// A stale version is refused; a missing material names itself.
		mustCode(t, mustErr(act(env, 7, casework.Accept, casework.Input{}, nil)), apperr.Conflict)
		mustCode(t, mustErr(act(env, 1, casework.Accept, casework.Input{}, nil)), apperr.Invalid)
		c = must(act(env, 1, casework.Accept, casework.Input{Materials: []string{"verification_authorisation"}}, nil))
		if c.App.Version != 2 || c.App.Due != civil.D(2025, 10, 13) {
			t.Fatalf("accepted: version %d due %s", c.App.Version, c.App.Due)
		}

		// Two people act on the same step at once: one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = act(env, 2, casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: day, Mode: "in_person", Visitors: "甲", Findings: "属实"}}, nil)
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || (apperr.CodeOf(errs[0]) != apperr.Conflict && apperr.CodeOf(errs[1]) != apperr.Conflict) {
			t.Fatalf("concurrent actions: %v, %v; want one success and one conflict", errs[0], errs[1])
		}

		// The township's inbox holds the investigation; the county's the
		// near-relative home visit.
		inbox, err := db.Inbox(ctx, casework.InboxQuery{Role: string(auth.TownshipCaseworker), Region: tw})
		if err != nil || len(inbox) != 1 || inbox[0].Step != "investigating" || inbox[0].ApplicantName != "吴一" || inbox[0].HouseholdNo == "" {
			t.Fatalf("township inbox %+v, %v", inbox, err)
		}
		county, err := db.Inbox(ctx, casework.InboxQuery{Role: string(auth.CountyApprover), Region: "440103"})
		if err != nil || len(county) != 1 || county[0].Step != casework.StepCountyVisit {
			t.Fatalf("county inbox %+v, %v", county, err)
		}
		if none, _ := db.Inbox(ctx, casework.InboxQuery{Role: string(auth.TownshipCaseworker), Region: other}); len(none) != 0 {
			t.Fatalf("another township sees %d tasks", len(none))
		}

		// Overdue (both tasks fall due with the overall limit): escalated
		// once a day, the township's to the county then the city, the
		// county's to the city then the province.
		late := c.App.Due.AddDays(1)
		if n, err := db.EscalateOverdue(ctx, late); err != nil || n != 2 {
			t.Fatalf("escalate: %d, %v", n, err)
		}
		if n, _ := db.EscalateOverdue(ctx, late); n != 0 {
			t.Fatalf("escalated %d twice on one day", n)
		}
		county, _ = db.Inbox(ctx, casework.InboxQuery{Role: string(auth.CountyApprover), Region: "440103"})
		if len(county) != 2 || county[0].Escalated == county[1].Escalated {
			t.Fatalf("county inbox after escalation %+v", county)
		}
		if n, _ := db.EscalateOverdue(ctx, late.AddDays(1)); n != 2 {
			t.Fatal("no second escalation the next day")
		}
		city, _ := db.Inbox(ctx, casework.InboxQuery{Role: string(auth.Supervisor), Region: "4401"})
		if len(city) != 1 || city[0].Level != 2 {
			t.Fatalf("city inbox %+v", city)
		}

		// On to approval.
		v := 3
		step := func(e *casework.Env, a casework.Action, in casework.Input, engine *casework.Engine) *casework.Change {
			t.Helper()
			c := must(act(e, v, a, in, engine))
			v = c.App.Version
			return c
		}
		step(env, casework.FinishInvestigation, casework.Input{}, nil)
		step(env, casework.Propose, casework.Input{Opinion: "approve"}, nil)
		env = caseEnv(t, caseworker, day.AddDays(8))
		step(env, casework.EndNotice, casework.Input{}, nil)
		aenv := caseEnv(t, approver, day.AddDays(9))
		step(aenv, casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: aenv.Today, Mode: "in_person", Visitors: "县民政局", Findings: "属实"}}, nil)
		c = step(aenv, casework.Confirm, casework.Input{}, &casework.Engine{Verdict: "eligible", Amount: 98700, Explanation: []byte(`{"verdict":"eligible"}`)})
		if c.App.State != casework.Approved || len(c.Tasks) != 0 {
			t.Fatalf("approved: %s tasks %+v", c.App.State, c.Tasks)
		}
		d, err := db.Decision(ctx, scope, id)
		if err != nil || !d.Approved || d.Amount != 98700 || d.StartMonth != (civil.Month{Year: 2025, Month: 10}) || string(d.Explanation) != `{"verdict":"eligible"}` {
			t.Fatalf("decision %+v, %v", d, err)
		}
		events, err := db.Events(ctx, scope, id)
		if err != nil || len(events) != 8 || events[0].Action != casework.File || events[len(events)-1].To != casework.Approved {
			t.Fatalf("%d events, %v", len(events), err)
		}
		tasks, _ := db.Tasks(ctx, scope, id)
		for _, k := range tasks {
			if k.DoneAt.IsZero() {
				t.Fatalf("task %+v still open after approval", k)
			}
		}
		list, err := db.Applications(ctx, scope, casework.Filter{State: casework.Approved})
		if err != nil || len(list) != 1 || list[0].ApplicantName != "吴一" || !list[0].NearRelative {
			t.Fatalf("list %+v, %v", list, err)
		}
		if open, _ := db.Applications(ctx, scope, casework.Filter{Open: true}); len(open) != 0 {
			t.Fatalf("open applications %+v", open)
		}
		// A new application for the program is possible once decided.
		c3, _ := casework.New(app, env)
		if err := db.CreateApplication(ctx, scope, c3); err != nil {
			t.Fatal(err)
		}
	})
}
