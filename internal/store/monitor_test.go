package store_test

import (
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/monitor"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

func TestMonitorRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, r := range monitor.DefaultRules() {
			if err := db.SaveRule(ctx, &r); err != nil {
				t.Fatalf("%s: %v", r.Code, err)
			}
		}
		local := monitor.DefaultRules()[0]
		local.Region, local.Expression = "440103", "person.medical_oop_3m > 3 * household.standard"
		if err := db.SaveRule(ctx, &local); err != nil {
			t.Fatal(err)
		}
		dup := monitor.DefaultRules()[0]
		mustCode(t, db.SaveRule(ctx, &dup), apperr.Invalid)
		bad := local
		bad.ID, bad.Code, bad.Expression = 0, "typo", "household.incom > 1"
		if err := db.SaveRule(ctx, &bad); err == nil || !strings.Contains(err.Error(), "column") {
			t.Errorf("a rule that does not compile: %v", err)
		}
		all, err := db.Rules(ctx, monitor.RuleFilter{Region: "440103"})
		if err != nil || len(all) != 11 {
			t.Fatalf("rules for 440103: %d, %v", len(all), err)
		}
		other, _ := db.Rules(ctx, monitor.RuleFilter{Region: "440104"})
		if len(other) != 10 {
			t.Errorf("rules for 440104: %d, want the 10 national ones", len(other))
		}
		// Activating with the version read; a stale version is refused.
		got, err := db.Rule(ctx, local.ID)
		if err != nil || got.Expression != local.Expression || got.Active || got.Version != 1 {
			t.Fatalf("rule %+v, %v", got, err)
		}
		got.Active = true
		if err := db.SaveRule(ctx, got); err != nil || got.Version != 2 {
			t.Fatalf("activate: %v, version %d", err, got.Version)
		}
		stale := *got
		stale.Version = 1
		mustCode(t, db.SaveRule(ctx, &stale), apperr.Conflict)
		active := true
		if on, _ := db.Rules(ctx, monitor.RuleFilter{Active: &active}); len(on) != 1 || on[0].Code != local.Code || on[0].Region != "440103" {
			t.Errorf("active rules: %+v", on)
		}
		mustCode(t, mustErr(db.Rule(ctx, 9999)), apperr.NotFound)
	})
}
