package store_test

import (
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

func TestCalendarDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if got, err := db.CalendarDays(ctx); err != nil || len(got) != 0 {
			t.Fatalf("CalendarDays on a new store: got %v, %v; want none", got, err)
		}
		v0, err := db.CalendarVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}

		src := "国务院办公厅关于2027年部分节假日安排的通知"
		year := []calendar.Day{
			{Date: civil.D(2027, 1, 1), Kind: calendar.Holiday, Name: "元旦", Source: src},
			{Date: civil.D(2027, 2, 6), Kind: calendar.Holiday, Name: "春节", Source: src},
			{Date: civil.D(2027, 2, 20), Kind: calendar.Workday, Name: "春节", Source: src},
		}
		if err := db.AddCalendarDays(ctx, year); err != nil {
			t.Fatal(err)
		}
		v1, err := db.CalendarVersion(ctx)
		if err != nil || v1 == v0 {
			t.Fatalf("CalendarVersion after an add: got %d, %v; want a change from %d", v1, err, v0)
		}

		for _, tt := range []struct {
			name  string
			days  []calendar.Day
			field string
		}{
			{"ErrNone", nil, ""},
			{"ErrWorkdayOnWeekday", []calendar.Day{{Date: civil.D(2027, 2, 9), Kind: calendar.Workday, Name: "春节", Source: src}}, "[0].date"},
			{"ErrKind", []calendar.Day{year[0], {Date: civil.D(2027, 2, 7), Kind: "off", Name: "春节", Source: src}}, "[1].kind"},
			{"ErrTwice", []calendar.Day{year[0], year[0]}, "[1].date"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e := mustCode(t, db.AddCalendarDays(ctx, tt.days), apperr.Invalid)
				if e.Field != tt.field {
					t.Errorf("got field %q (%v), want %q", e.Field, e, tt.field)
				}
			})
		}
		// A refused change stores nothing.
		if v, _ := db.CalendarVersion(ctx); v != v1 {
			t.Errorf("CalendarVersion after refused adds: got %d, want %d", v, v1)
		}

		// A correction is a new row for the same date; the later one wins.
		fix := []calendar.Day{{Date: civil.D(2027, 2, 20), Kind: calendar.Holiday, Name: "春节", Source: src + "（更正）"},
			{Date: civil.D(2026, 12, 31), Kind: calendar.Holiday, Name: "元旦", Source: src}}
		if err := db.AddCalendarDays(ctx, fix); err != nil {
			t.Fatal(err)
		}
		got, err := db.CalendarDays(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := append(append([]calendar.Day{}, year...), fix...)
		if len(got) != len(want) {
			t.Fatalf("got %d stored days, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("day %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
		cal, err := calendar.Embedded().With(got)
		if err != nil {
			t.Fatal(err)
		}
		if !cal.Covers(2027) || cal.IsWorkday(civil.D(2027, 2, 20)) || cal.IsWorkday(civil.D(2026, 12, 31)) {
			t.Error("the stored days, correction last, are not what the calendar built from them says")
		}

		entries, err := db.List(ctx, audit.Filter{Entity: "calendar"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("got %d audit entries, want 2 (one per change)", len(entries))
		}
		e := entries[1] // newest first
		after := string(e.After)
		if e.Action != "create" || e.EntityID != "2027" || e.Username != "tester" || !strings.Contains(after, `"years":[2027]`) ||
			!strings.Contains(after, `"count":3`) || !strings.Contains(after, "2027-02-20") || !strings.Contains(after, src) {
			t.Errorf("got audit entry %+v after %s", e, after)
		}
		if e := entries[0]; e.EntityID != "" || !strings.Contains(string(e.After), `"years":[2026,2027]`) {
			t.Errorf("a change over two years: got entity id %q after %s", e.EntityID, e.After)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("VerifyAudit: %v", err)
		}

		// A whole year goes in bulk (COPY on PostgreSQL) and comes back
		// the same.
		y2025 := calendar.Embedded().Days(2025)
		if err := db.AddCalendarDays(ctx, y2025); err != nil {
			t.Fatal(err)
		}
		got, err = db.CalendarDays(ctx)
		if err != nil || len(got) != len(want)+len(y2025) {
			t.Fatalf("got %d days (%v), want %d", len(got), err, len(want)+len(y2025))
		}
		for i, d := range got[len(want):] {
			if d != y2025[i] {
				t.Errorf("2025 day %d: got %+v, want %+v", i, d, y2025[i])
			}
		}
	})
}

func TestCalendarDaysAreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := calendar.Day{Date: civil.D(2027, 1, 1), Kind: calendar.Holiday, Name: "元旦", Source: "测试"}
		if err := db.AddCalendarDays(ctx, []calendar.Day{d}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"UPDATE calendar_days SET kind = 'workday'", "DELETE FROM calendar_days",
			"INSERT INTO calendar_days (date, kind, name, source, created_by, created_at) VALUES ('2027-01-02', 'off', 'x', 'y', 'z', '2026-11-23 00:00:00')"} {
			if err := store.RawExecErr(db, q); err == nil {
				t.Errorf("%s: got no error, want the table to refuse it", q)
			}
		}
	})
}
