package store_test

import (
	"fmt"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

func TestMonitoredPopulation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// Two Dibao households in the township's first village (one of
		// them exits in June), the pending applicant of its second village
		// rejected in June, an idle household and another township's
		// pending applicant (neither monitored).
		r := newRunRegion(t, db)
		day := civil.D(2025, 6, 2)
		approver := caseEnv(t, casework.Actor{UserID: 2, Username: "approver", Role: auth.CountyApprover, Region: "440103"}, day)
		env := caseEnv(t, casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: r.tw}, day)
		for _, step := range []struct {
			act casework.Action
			in  casework.Input
			env *casework.Env
		}{
			{casework.Accept, casework.Input{}, env},
			{casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: day, Mode: "in_person", Visitors: "甲", Findings: "收入高于标准"}}, env},
			{casework.FinishInvestigation, casework.Input{}, env},
			{casework.Propose, casework.Input{Opinion: "reject", Reason: "收入高于标准"}, env},
			{casework.Reject, casework.Input{Reason: "家庭人均收入高于低保标准"}, approver},
		} {
			cur, err := db.Application(ctx, registry.Scope{}, r.pendingID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Act(ctx, registry.Scope{}, r.pendingID, cur.Version, func(a casework.Application) (*casework.Change, error) {
				return casework.Apply(a, step.act, step.in, step.env, &casework.Engine{Verdict: "ineligible"})
			}); err != nil {
				t.Fatalf("%s: %v", step.act, err)
			}
		}
		store.RawExec(t, db, fmt.Sprintf("UPDATE enrollments SET status = 'ended', end_month = '2025-06' WHERE household_id = %d", r.noAuth.ID))

		asOf := civil.D(2025, 9, 22)
		six := monitor.CountWindow{ExitedSince: civil.Month{Year: 2025, Month: 3}, RejectedSince: civil.D(2025, 3, 22)}
		short := monitor.CountWindow{ExitedSince: civil.Month{Year: 2025, Month: 7}, RejectedSince: civil.D(2025, 7, 22)}
		count := func(region string, ws ...monitor.CountWindow) *monitor.Population {
			t.Helper()
			p, err := db.MonitoredPopulation(ctx, monitor.CountQuery{Region: region, Day: asOf, Windows: ws})
			if err != nil {
				t.Fatalf("%s: %v", region, err)
			}
			return p
		}
		c := func(h, p int64) monitor.Count { return monitor.Count{Households: h, Persons: p} }

		// The county by township: the recipient (2 persons), the one who
		// exited and the rejected applicant (1 each).
		p := count("440103", six)
		if len(p.Rows) != 1 || p.Rows[0].Region != r.tw || p.Total.Total != c(3, 4) {
			t.Fatalf("county: %+v", p)
		}
		by := p.Rows[0].ByCategory
		if by[monitor.CatDibao] != c(1, 2) || by[monitor.CatExited] != c(1, 1) || by[monitor.CatRejected] != c(1, 1) || len(by) != 3 {
			t.Errorf("county by category: %+v", by)
		}
		if p.Total.ByCategory[monitor.CatDibao] != c(1, 2) {
			t.Errorf("county totals: %+v", p.Total)
		}
		// The township by village.
		p = count(r.tw, six)
		if len(p.Rows) != 2 || p.Rows[0].Region != r.tw+"001" || p.Rows[0].Total != c(2, 3) || p.Rows[1].Total != c(1, 1) {
			t.Errorf("township: %+v", p.Rows)
		}
		// A village is its own row.
		if p = count(r.tw+"002", six); len(p.Rows) != 1 || p.Rows[0].Region != r.tw+"002" || p.Rows[0].ByCategory[monitor.CatRejected] != c(1, 1) {
			t.Errorf("village: %+v", p.Rows)
		}
		// Shorter windows: June's exit and rejection are out of them;
		// none at all (parameters not set): only the recipients.
		if p = count("440103", short); p.Total.Total != c(1, 2) {
			t.Errorf("short windows: %+v", p.Total)
		}
		if p = count("440103", monitor.CountWindow{}); p.Total.Total != c(1, 2) || len(p.Total.ByCategory) != 1 {
			t.Errorf("no windows: %+v", p.Total)
		}
		// A city by county, with the county's own windows beside the
		// city's.
		own := six
		own.Counties = []string{"440103"}
		if p = count("4401", short, own); len(p.Rows) != 1 || p.Rows[0].Region != "440103" || p.Total.Total != c(3, 4) {
			t.Errorf("city with the county's windows: %+v", p)
		}
		own = short
		own.Counties = []string{"440103"}
		if p = count("4401", six, own); p.Total.Total != c(1, 2) {
			t.Errorf("city with the county's short windows: %+v", p.Total)
		}
		if p = count("44", six); len(p.Rows) != 1 || p.Rows[0].Region != "4401" {
			t.Errorf("province: %+v", p.Rows)
		}
		mustCode(t, mustErr(db.MonitoredPopulation(ctx, monitor.CountQuery{Region: "4401x"})), apperr.Invalid)

		// The list, a page at a time, and by category.
		q := monitor.PopulationQuery{Region: r.tw, ExitedSince: six.ExitedSince, RejectedSince: six.RejectedSince, Limit: 2}
		page, err := db.MonitoredList(ctx, q, "")
		if err != nil || len(page) != 2 || page[0].HouseholdID != r.noAuth.ID || page[0].HeadName != "钱一" || page[1].Size != 2 {
			t.Fatalf("first page: %+v, %v", page, err)
		}
		q.After = page[1].HouseholdID
		if page, err = db.MonitoredList(ctx, q, ""); err != nil || len(page) != 1 || page[0].HouseholdID != r.applicant.ID || page[0].Categories[0] != "rejected" {
			t.Errorf("second page: %+v, %v", page, err)
		}
		q.After = 0
		if page, _ = db.MonitoredList(ctx, q, monitor.CatExited); len(page) != 1 || page[0].HouseholdID != r.noAuth.ID || page[0].Number != r.noAuth.Number {
			t.Errorf("exited: %+v", page)
		}
	})
}

func TestSeedRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		n, err := db.SeedRules(ctx)
		if err != nil || n != len(monitor.DefaultRules()) {
			t.Fatalf("seeded %d, %v", n, err)
		}
		rules, _ := db.Rules(ctx, monitor.RuleFilter{})
		if len(rules) != n || rules[0].Region != "" || rules[0].Active || rules[0].Version != 1 {
			t.Fatalf("rules: %+v", rules)
		}
		// A county activates one; seeding again adds nothing and leaves it.
		r := rules[0]
		r.Active = true
		if err := db.SaveRule(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if n, err := db.SeedRules(ctx); err != nil || n != 0 {
			t.Errorf("again: %d, %v", n, err)
		}
		if got, _ := db.Rule(ctx, r.ID); !got.Active {
			t.Error("seeding again deactivated a rule")
		}
		var by string
		if err := store.RawQueryRow(db, `SELECT username FROM audit_log WHERE entity = 'monitor_rule' ORDER BY seq LIMIT 1`).Scan(&by); err != nil || by != "system" {
			t.Errorf("audited as %q, %v", by, err)
		}
	})
}
