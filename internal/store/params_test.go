package store_test

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

func TestParams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		today := db.Today()
		if got, err := db.Params(ctx); err != nil || len(got) != 0 {
			t.Fatalf("Params on a new store: got %v, %v; want none", got, err)
		}
		v0, err := db.ParamsVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}

		future := policy.Param{Key: "dibao.standard.urban", Region: "110101", From: today.AddDays(30), Text: "1500",
			Source: "东城区民政局通知", Note: "测试"}
		if err := db.AddParam(ctx, &future); err != nil {
			t.Fatal(err)
		}
		if future.By != "tester" || future.RecordedAt.IsZero() {
			t.Fatalf("got by %q at %v, want the actor and a time", future.By, future.RecordedAt)
		}
		v1, err := db.ParamsVersion(ctx)
		if err != nil || v1 == v0 {
			t.Fatalf("ParamsVersion after an add: got %d, %v; want a change from %d", v1, err, v0)
		}

		for _, tt := range []struct {
			name  string
			p     policy.Param
			field string
		}{
			{"ErrPastWithoutReason", policy.Param{Key: "dibao.standard.urban", Region: "11", From: today.AddDays(-1), Text: "1400", Source: "s"}, "reason"},
			{"ErrValue", policy.Param{Key: "dibao.standard.urban", Region: "11", From: today, Text: "lots", Source: "s"}, "value"},
			{"ErrKey", policy.Param{Key: "dibao.nonsense", Region: "11", From: today, Text: "1", Source: "s"}, "key"},
			{"ErrRegion", policy.Param{Key: "dibao.standard.urban", Region: "440103001", From: today, Text: "1", Source: "s"}, "region"},
			{"ErrNoDate", policy.Param{Key: "dibao.standard.urban", Region: "11", Text: "1", Source: "s"}, "valid_from"},
			{"ErrNoSource", policy.Param{Key: "dibao.standard.urban", Region: "11", From: today, Text: "1"}, "source"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e := mustCode(t, db.AddParam(ctx, &tt.p), apperr.Invalid)
				if e.Field != tt.field {
					t.Errorf("got field %q (%v), want %q", e.Field, e, tt.field)
				}
			})
		}

		// A stored value overrides the shipped one of the same scope and day.
		override := policy.Param{Key: "dibao.standard.urban", Region: "11", From: civil.D(2023, 7, 1), Text: "1400",
			Source: "北京市民政局更正通知", Reason: "更正录入错误，按补发决定补发差额"}
		if err := db.AddParam(ctx, &override); err != nil {
			t.Fatal(err)
		}

		got, err := db.Params(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("got %d stored values, want 2", len(got))
		}
		g := got[0]
		if g.Key != future.Key || g.Region != future.Region || g.From != future.From || g.Text != "1500" ||
			g.Source != future.Source || g.Note != future.Note || g.By != "tester" {
			t.Errorf("got %+v, want %+v", g, future)
		}
		if d := g.RecordedAt.Sub(future.RecordedAt); d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("got recorded at %v, want %v", g.RecordedAt, future.RecordedAt)
		}
		if got[1].Reason != override.Reason {
			t.Errorf("got reason %q, want %q", got[1].Reason, override.Reason)
		}

		set, err := db.ParamSet(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			region string
			at     civil.Date
			want   string
			scope  string
		}{
			{"110101", civil.D(2025, 6, 1), "1400", "11"},
			{"110101", civil.D(2023, 1, 1), "1320", "11"},
			{"110101", today.AddDays(30), "1500", "110101"},
		} {
			p, ok := set.Resolve("dibao.standard.urban", c.region, c.at)
			if !ok || p.Text != c.want || p.Region != c.scope {
				t.Errorf("Resolve in %s on %s: got %q from scope %q (%v), want %q from %q", c.region, c.at, p.Text, p.Region, ok, c.want, c.scope)
			}
		}
		// The shipped set itself is not changed.
		shipped, err := policy.Shipped()
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := shipped.Resolve("dibao.standard.urban", "110101", civil.D(2025, 6, 1)); p.Text != "1395" {
			t.Errorf("shipped value: got %q, want 1395", p.Text)
		}

		entries, err := db.List(ctx, audit.Filter{Entity: "parameter"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("got %d audit entries, want 2 (one per stored value)", len(entries))
		}
		e := entries[0] // newest first
		if e.Action != "create" || e.Region != "11" || e.Username != "tester" || !strings.Contains(string(e.After), "1400") ||
			!strings.Contains(string(e.After), "补发决定") {
			t.Errorf("got audit entry %+v after %s", e, e.After)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("VerifyAudit: %v", err)
		}
	})
}

func TestParamsAreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := policy.Param{Key: "orphan.standard", Region: "4401", From: db.Today(), Text: "2700", Source: "测试"}
		if err := db.AddParam(ctx, &p); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"UPDATE policy_params SET value = '1'", "DELETE FROM policy_params"} {
			if err := store.RawExecErr(db, q); err == nil {
				t.Errorf("%s: got no error, want the table to refuse it", q)
			}
		}
	})
}
