package store_test

import (
	"slices"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
	"safetynet/internal/verify"
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

func TestMonitorPass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunRegion(t, db) // two Dibao households in the township, a pending applicant, an idle household
		keys := storetest.Keys(t)
		set := r.set.Clone()
		if err := set.Add(policy.Param{Key: "monitor.medical.multiple", Region: "4401", Text: "2", From: civil.D(2020, 1, 1), Source: "test"}); err != nil {
			t.Fatal(err)
		}
		csv := "id_number,month,out_of_pocket\n" + r.changed.Members[1].Person.IDNumber + ",2025-07,2600\n" + r.noAuth.Members[0].Person.IDNumber + ",2025-08,300\n"
		if _, err := importFile(t, db, keys, "medical", "med.csv", []byte(csv)); err != nil {
			t.Fatal(err)
		}
		day := civil.D(2025, 9, 22)
		var seen []int64
		hh, persons, err := monitor.Pass(ctx, db, verify.IndexWith(keys), set, monitor.Windows(set, r.tw, day), day, func(h *monitor.Household, subs []monitor.Subject) error {
			seen = append(seen, h.Snapshot.Household.ID)
			if !slices.Contains(subs[0].Household.Categories, "dibao") || !slices.Contains(subs[0].Household.Programs, "dibao") {
				t.Errorf("household %d: categories %v, programs %v", h.Snapshot.Household.ID, subs[0].Household.Categories, subs[0].Household.Programs)
			}
			return nil
		})
		if err != nil || hh != 2 || persons != 3 || !slices.Contains(seen, r.changed.ID) || !slices.Contains(seen, r.noAuth.ID) {
			t.Fatalf("pass: %d households, %d persons, %v; saw %v", hh, persons, err, seen)
		}
		rule := monitor.DefaultRules()[0] // medical_spending: above 2 × 1120 in three months
		d, examples, err := monitor.DryRunRule(ctx, db, verify.IndexWith(keys), set, &rule, r.tw, day, 5)
		if err != nil || d.Hits != 1 || d.Subjects != 3 || len(examples) != 1 || examples[0] != r.changed.ID || !d.NeedsConfirmation() {
			t.Errorf("dry run: %+v %v %v", d, examples, err)
		}
	})
}
