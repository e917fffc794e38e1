package store_test

import (
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/referral"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
	"safetynet/internal/verify"
)

// TestHouseholdTimeline follows one household through an approved
// application, a review that suspends the benefit, a verification report,
// a warning visited and closed, and a referral accepted, and reads them
// back newest first, by kind and within a jurisdiction.
func TestHouseholdTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunRegion(t, db) // r.changed: Dibao approved on 2025-03-03, paid from April
		h := r.changed
		scope := registry.Scope{Region: r.tw}
		approver := casework.Actor{UserID: 2, Username: "approver", Role: auth.CountyApprover, Region: "440103"}
		caseworker := casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: r.tw}
		act := func(id int64, e *casework.Env, a casework.Action, in casework.Input) {
			t.Helper()
			cur, err := db.Application(ctx, scope, id)
			if err != nil {
				t.Fatal(err)
			}
			engine := &casework.Engine{Verdict: "eligible", Amount: 120000, ReviewMonths: 12}
			if _, err := db.Act(ctx, scope, id, cur.Version, func(app casework.Application) (*casework.Change, error) {
				return casework.Apply(app, a, in, e, engine)
			}); err != nil {
				t.Fatalf("%s: %v", a, err)
			}
		}

		// A review on 2025-06-02 suspends the benefit from July.
		reviewDay := civil.D(2025, 6, 2)
		env := caseEnv(t, caseworker, reviewDay)
		e, err := db.Enrollment(ctx, scope, r.enrollment)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := casework.NewReview(*e, h.Members[0].Person.ID, casework.TriggerChangeReport, "外出务工", env)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateApplication(ctx, scope, rc); err != nil {
			t.Fatal(err)
		}
		act(rc.App.ID, env, casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: reviewDay, Mode: "in_person", Visitors: "甲", Findings: "外出"}})
		act(rc.App.ID, env, casework.FinishInvestigation, casework.Input{})
		act(rc.App.ID, env, casework.Propose, casework.Input{Outcome: casework.Suspend, Reason: "长期外出，暂停待核"})
		act(rc.App.ID, caseEnv(t, approver, reviewDay), casework.Confirm, casework.Input{})

		// A verification report issued on the store's day, 2025-09-20.
		rep := &verify.Report{HouseholdID: h.ID, County: h.CountyCode, AuthorisationID: r.auths[h.ID], Period: verify.PeriodBefore(civil.D(2025, 9, 22), 6),
			Discrepancies: []verify.Discrepancy{{Item: "income.wage", Declared: 0, Verified: 666700}}}
		if err := db.SaveReport(ctx, rep); err != nil {
			t.Fatal(err)
		}

		// A warning raised on 2025-09-22 about every head, visited that
		// day and closed the next.
		set := r.set.Clone()
		for k, v := range map[string]string{"monitor.repeat.months": "6", "monitor.warning.handle_wd": "10"} {
			if err := set.Add(policy.Param{Key: k, Region: "4401", Text: v, From: civil.D(2020, 1, 1), Source: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		heads := monitor.Rule{Code: "heads", ZH: "户主走访", EN: "Visit the head", Expression: "person.head", Region: "4401", Severity: monitor.Low,
			Side: monitor.NeedSide, Action: "visit", Active: true}
		if err := db.SaveRule(ctx, &heads); err != nil {
			t.Fatal(err)
		}
		day := civil.D(2025, 9, 22)
		if _, err := monitor.RunRegion(ctx, db, monitor.RunOptions{Region: r.tw, AsOf: day, Params: set, Calendar: calendar.Embedded(),
			Index: verify.IndexWith(storetest.Keys(t))}); err != nil {
			t.Fatal(err)
		}
		ws, err := db.Warnings(ctx, monitor.WarningFilter{Household: h.ID})
		if err != nil || len(ws) != 1 {
			t.Fatalf("warnings %+v, %v", ws, err)
		}
		w, err := db.RecordVisit(ctx, ws[0].ID, monitor.VisitInput{Version: ws[0].Version, On: day, Note: "户主在家"}, day)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CloseWarning(ctx, w.ID, monitor.CloseInput{Version: w.Version, Outcome: monitor.OutcomeNoNeed, Note: "生活平稳"}, day.AddDays(1)); err != nil {
			t.Fatal(err)
		}

		// A referral sent on 2025-09-23 and accepted the next day.
		p := &referral.Partner{Name: "荔湾区残联", Kind: referral.KindDisabled, Region: "440103", Needs: []referral.Need{referral.NeedDisability}, Active: true}
		if err := db.CreatePartner(ctx, p); err != nil {
			t.Fatal(err)
		}
		ref := newReferral(h, p, day.AddDays(1), day.AddDays(6))
		if err := db.CreateReferral(ctx, ref); err != nil {
			t.Fatal(err)
		}
		ref.Status, ref.AcceptedOn, ref.ResultDue = referral.Accepted, day.AddDays(2), day.AddDays(20)
		if err := db.UpdateReferral(ctx, ref); err != nil {
			t.Fatal(err)
		}

		got, err := db.HouseholdTimeline(ctx, scope, h.ID, store.TimelineKinds)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, e := range got {
			lines = append(lines, e.On.String()+" "+string(e.Kind)+" "+e.Event)
		}
		want := []string{
			"2025-09-24 referral accepted",
			"2025-09-23 warning closed",
			"2025-09-23 referral sent",
			"2025-09-22 warning visited",
			"2025-09-22 warning raised",
			"2025-09-20 verification issued",
			"2025-07-01 benefit suspended",
			"2025-06-02 application review_decided",
			"2025-06-02 application review_opened",
			"2025-04-01 benefit started",
			"2025-03-03 application approved",
			"2025-03-03 application filed",
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Fatalf("timeline:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		byEvent := map[string]store.TimelineEntry{}
		for _, e := range got {
			byEvent[string(e.Kind)+" "+e.Event] = e
		}
		if e := byEvent["warning raised"]; e.ID != w.ID || e.Code != "heads" || e.Name != "户主走访" || e.NameEN != "Visit the head" || e.Person != "孙一" {
			t.Errorf("warning raised: %+v", e)
		}
		if e := byEvent["warning closed"]; e.Code != string(monitor.OutcomeNoNeed) || e.Note != "生活平稳" {
			t.Errorf("warning closed: %+v", e)
		}
		if e := byEvent["application approved"]; e.Program != policy.Dibao || e.Amount != 120000 || e.From != (civil.Month{Year: 2025, Month: 4}) {
			t.Errorf("approval: %+v", e)
		}
		if e := byEvent["application review_decided"]; e.ID != rc.App.ID || e.Code != casework.Suspend {
			t.Errorf("review: %+v", e)
		}
		if e := byEvent["benefit started"]; e.ID != r.enrollment || e.Amount != 120000 || e.Code != casework.Suspended {
			t.Errorf("benefit: %+v", e)
		}
		if e := byEvent["verification issued"]; e.ID != rep.ID || e.Code != rep.Number || e.Count != 1 {
			t.Errorf("report: %+v", e)
		}
		if e := byEvent["referral sent"]; e.ID != ref.ID || e.Name != "荔湾区残联" || len(e.Needs) != 1 || e.Needs[0] != referral.NeedDisability {
			t.Errorf("referral: %+v", e)
		}

		// Only the kinds asked for; only inside the jurisdiction.
		some, err := db.HouseholdTimeline(ctx, scope, h.ID, []store.TimelineKind{store.TimelineBenefit})
		if err != nil || len(some) != 2 || some[0].Event != store.EventSuspended || some[1].Event != store.EventStarted {
			t.Errorf("benefits only: %+v, %v", some, err)
		}
		if none, err := db.HouseholdTimeline(ctx, scope, h.ID, nil); err != nil || len(none) != 0 {
			t.Errorf("no kind: %+v, %v", none, err)
		}
		_, other := townships(t)
		mustCode(t, mustErr(db.HouseholdTimeline(ctx, registry.Scope{Region: other}, h.ID, store.TimelineKinds)), apperr.NotFound)
		mustCode(t, mustErr(db.HouseholdTimeline(ctx, registry.Scope{Region: r.tw + "002"}, h.ID, store.TimelineKinds)), apperr.NotFound)
	})
}

// TestReferralOutcomes counts a period's referrals by child region with
// what became of them.
func TestReferralOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		town1, town2 := townships(t)
		p := &referral.Partner{Name: "荔湾区慈善会", Kind: referral.KindCharity, Region: "440103", Needs: []referral.Need{referral.NeedDisability}, Active: true}
		if err := db.CreatePartner(ctx, p); err != nil {
			t.Fatal(err)
		}
		send := func(town string, day civil.Date, status referral.Status) {
			t.Helper()
			h := household(town+"001", person("何一", civil.D(1970, 1, 1)))
			if err := db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
				t.Fatal(err)
			}
			r := newReferral(h, p, day, day.AddDays(5))
			if err := db.CreateReferral(ctx, r); err != nil {
				t.Fatal(err)
			}
			switch status {
			case referral.Accepted:
				r.Status, r.AcceptedOn, r.ResultDue = status, day.AddDays(1), day.AddDays(30)
			case referral.Declined:
				r.Status, r.DeclinedOn, r.DeclineReason = status, day.AddDays(1), "不在服务范围"
			case referral.Done:
				r.Status, r.AcceptedOn, r.ResultDue, r.DoneOn, r.Result = status, day.AddDays(1), day.AddDays(30), day.AddDays(2), "已办"
			default:
				return
			}
			if err := db.UpdateReferral(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		send(town1, civil.D(2025, 8, 1), referral.Sent) // overdue by 9-01
		send(town1, civil.D(2025, 8, 25), referral.Accepted)
		send(town1, civil.D(2025, 8, 26), referral.Done)
		send(town2, civil.D(2025, 8, 27), referral.Declined)
		send(town2, civil.D(2025, 5, 1), referral.Sent) // before the period
		got, err := db.ReferralOutcomes(ctx, "440103", civil.D(2025, 6, 1), civil.D(2025, 8, 31), civil.D(2025, 9, 1))
		if err != nil || len(got) != 2 {
			t.Fatalf("outcomes %+v, %v", got, err)
		}
		if g := got[0]; g.Region != town1 || g.Sent != 3 || g.Waiting != 1 || g.Accepted != 1 || g.Done != 1 || g.Declined != 0 || g.Overdue != 1 {
			t.Errorf("%s: %+v", town1, g)
		}
		if g := got[1]; g.Region != town2 || g.Sent != 1 || g.Declined != 1 || g.Overdue != 0 {
			t.Errorf("%s: %+v", town2, g)
		}
		if got, err := db.ReferralOutcomes(ctx, town1, civil.D(2025, 6, 1), civil.D(2025, 8, 31), civil.D(2025, 9, 1)); err != nil || len(got) != 1 ||
			got[0].Region != town1+"001" || got[0].Sent != 3 {
			t.Errorf("by village: %+v, %v", got, err)
		}
	})
}
