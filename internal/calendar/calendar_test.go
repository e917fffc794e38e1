package calendar_test

import (
	"fmt"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
)

func d(s string) civil.Date {
	v, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// TestEmbeddedTotals checks each notice's days against the totals
// holidays.md states in its header ("共 30 个放假日、6 个调休上班日"). Days
// are counted by notice (their source), as 2023's holiday starts on
// 2022-12-31.
func TestEmbeddedTotals(t *testing.T) {
	c := calendar.Embedded()
	want := map[int][2]int{
		2020: {30, 6}, 2021: {31, 7}, 2022: {31, 7}, 2023: {27, 7}, 2024: {28, 8}, 2025: {28, 5}, 2026: {33, 6},
	}
	bySource := map[string]*[2]int{}
	for y := 2019; y <= 2027; y++ {
		for _, day := range c.Days(y) {
			n := bySource[day.Source]
			if n == nil {
				n = &[2]int{}
				bySource[day.Source] = n
			}
			if day.Kind == calendar.Holiday {
				n[0]++
			} else {
				n[1]++
			}
		}
	}
	if len(bySource) != len(want) {
		t.Errorf("got days of %d notices, want %d", len(bySource), len(want))
	}
	for y, w := range want {
		var got *[2]int
		for src, n := range bySource {
			if strings.HasPrefix(src, fmt.Sprintf("国务院办公厅关于%d年部分节假日安排的通知", y)) {
				got = n
			}
		}
		if got == nil || *got != w {
			t.Errorf("notice of %d: got %v days off and make-up working days, want %v", y, got, w)
		}
	}
	if years := c.Years(); len(years) != 7 || years[0] != 2020 || years[6] != 2026 {
		// 2022-12-31 lies in 2022, which is covered by its own notice.
		t.Errorf("got covered years %v, want 2020 to 2026", years)
	}
	if c.Covers(2019) || c.Covers(2027) || !c.Covers(2025) {
		t.Error("got coverage of 2019 or 2027, or none of 2025")
	}
}

func TestEmbeddedKnownDays(t *testing.T) {
	c := calendar.Embedded()
	for _, tt := range []struct {
		date string
		work bool
	}{
		{"2025-01-26", true},  // Sunday, made up for the Spring Festival
		{"2025-02-08", true},  // Saturday, likewise
		{"2025-01-28", false}, // 除夕, a statutory holiday from 2025
		{"2025-02-04", false},
		{"2025-02-05", true},
		{"2025-01-25", false}, // an ordinary Saturday
		{"2025-01-27", true},  // an ordinary Monday
		{"2024-02-09", true},  // 除夕 2024 was no holiday
		{"2020-02-01", false}, // Saturday: a working day until the extension notice
		{"2020-02-03", true},  // Monday: back to work
		{"2022-12-31", false},
		{"2026-02-14", true},
		{"2026-02-23", false},
		{"2026-10-10", true},
		{"2027-01-01", true}, // a Friday of a year not covered
		{"2027-01-02", false},
	} {
		if got := c.IsWorkday(d(tt.date)); got != tt.work {
			t.Errorf("IsWorkday(%s): got %v, want %v", tt.date, got, tt.work)
		}
	}
	for x := d("2024-10-01"); !x.After(d("2024-10-07")); x = x.AddDays(1) {
		day, ok := c.Lookup(x)
		if !ok || day.Kind != calendar.Holiday || day.Name != "国庆节" || !strings.Contains(day.Source, "国办发明电〔2023〕7号") {
			t.Errorf("%s: got %+v, %v, want the National Day holiday of the 2024 notice", x, day, ok)
		}
	}
	days := c.Days(2025)
	if len(days) != 33 || days[0].Date != d("2025-01-01") || days[32].Date != d("2025-10-11") {
		t.Errorf("Days(2025): got %d days from %v to %v", len(days), days[0].Date, days[len(days)-1].Date)
	}
	if got := c.Days(2023); got[0].Date != d("2023-01-01") {
		t.Errorf("Days(2023) starts on %v, want 2023-01-01 (2022-12-31 lies in 2022)", got[0].Date)
	}
	if got := c.Days(2030); len(got) != 0 {
		t.Errorf("Days(2030): got %d days", len(got))
	}
}

func TestAddWorkdays(t *testing.T) {
	c := calendar.Embedded()
	for _, tt := range []struct {
		name        string
		from        string
		n           int
		due         string
		provisional bool
	}{
		{"Zero", "2025-03-03", 0, "2025-03-03", false},
		{"OrdinaryWeek", "2025-03-03", 5, "2025-03-10", false},
		// Friday before the 2025 Spring Festival: Sunday 26 January and
		// Monday 27 count, 28 January to 4 February are off.
		{"SpringFestival2025", "2025-01-24", 3, "2025-02-05", false},
		{"SpringFestival2025MakeUpSaturday", "2025-01-24", 5, "2025-02-07", false},
		{"SpringFestival2025Saturday8Feb", "2025-01-24", 6, "2025-02-08", false},
		// The event's own day is not counted, even a working day.
		{"FromMakeUpDay", "2025-01-26", 1, "2025-01-27", false},
		{"FromHoliday", "2025-01-30", 1, "2025-02-05", false},
		// 30 working days across National Day 2025 (1–8 October off,
		// 28 September and 11 October worked).
		{"ThirtyAcrossNationalDay", "2025-09-15", 30, "2025-10-31", false},
		{"IntoNotCovered", "2026-12-01", 30, "2027-01-12", true},
		{"AllNotCovered", "2027-03-01", 1, "2027-03-02", true},
		{"FromLastDayOfCovered", "2026-12-31", 1, "2027-01-01", true},
		{"EndsOnLastDayOfCovered", "2026-12-30", 1, "2026-12-31", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			due, prov := c.AddWorkdays(d(tt.from), tt.n)
			if due != d(tt.due) || prov != tt.provisional {
				t.Errorf("AddWorkdays(%s, %d): got %s provisional %v, want %s provisional %v", tt.from, tt.n, due, prov, tt.due, tt.provisional)
			}
			if tt.n > 0 {
				if got := c.WorkdaysBetween(d(tt.from), due); got != tt.n {
					t.Errorf("WorkdaysBetween(%s, %s): got %d, want %d", tt.from, due, got, tt.n)
				}
				if !c.IsWorkday(due) {
					t.Errorf("due day %s is not a working day", due)
				}
			}
		})
	}
}

// TestWorkdaysBetweenAgreesWithIsWorkday compares the arithmetic count
// with a day-by-day one over spans of every length up to two years.
func TestWorkdaysBetweenAgreesWithIsWorkday(t *testing.T) {
	c := calendar.Embedded()
	a := d("2024-12-20")
	n := 0
	for b := a; b.Before(d("2026-12-31")); {
		b = b.AddDays(1)
		if c.IsWorkday(b) {
			n++
		}
		if got := c.WorkdaysBetween(a, b); got != n {
			t.Fatalf("WorkdaysBetween(%s, %s): got %d, want %d", a, b, got, n)
		}
	}
	if got := c.WorkdaysBetween(d("2025-06-01"), d("2025-01-01")); got != 0 {
		t.Errorf("b before a: got %d, want 0", got)
	}
	if got := c.WorkdaysBetween(d("2025-06-01"), d("2025-06-01")); got != 0 {
		t.Errorf("b = a: got %d, want 0", got)
	}
	// Working days in a year: 2024 had 262 weekdays, 19 of them off, and 8
	// make-up days; 2025 had 261 weekdays, 18 off, and 5 make-up days.
	for _, y := range []struct{ year, want int }{{2024, 251}, {2025, 248}} {
		if got := c.WorkdaysBetween(civil.D(y.year-1, 12, 31), civil.D(y.year, 12, 31)); got != y.want {
			t.Errorf("working days of %d: got %d, want %d", y.year, got, y.want)
		}
	}
}

func TestWith(t *testing.T) {
	base := calendar.Embedded()
	src := "国务院办公厅关于2027年部分节假日安排的通知"
	days := []calendar.Day{
		{Date: d("2027-01-01"), Kind: calendar.Holiday, Name: "元旦", Source: src},
		{Date: d("2027-02-06"), Kind: calendar.Holiday, Name: "春节", Source: src},
		{Date: d("2027-02-08"), Kind: calendar.Holiday, Name: "春节", Source: src},
		{Date: d("2027-02-20"), Kind: calendar.Workday, Name: "春节", Source: src},
	}
	if err := calendar.Check(days); err != nil {
		t.Fatal(err)
	}
	c, err := base.With(days)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Covers(2027) || base.Covers(2027) {
		t.Errorf("Covers(2027): got %v on the new calendar and %v on the old, want true and false", c.Covers(2027), base.Covers(2027))
	}
	if due, prov := c.AddWorkdays(d("2027-02-05"), 1); due != d("2027-02-09") || prov {
		t.Errorf("AddWorkdays over the 2027 days: got %s provisional %v", due, prov)
	}
	if !c.IsWorkday(d("2027-02-20")) || c.IsWorkday(d("2027-01-01")) {
		t.Error("the 2027 days are not in force")
	}
	// A later day for a date replaces the earlier, here an embedded one.
	fix, err := c.With([]calendar.Day{{Date: d("2026-10-10"), Kind: calendar.Holiday, Name: "国庆节", Source: "更正"},
		{Date: d("2027-02-20"), Kind: calendar.Holiday, Name: "春节", Source: src}})
	if err != nil {
		t.Fatal(err)
	}
	if fix.IsWorkday(d("2026-10-10")) || !c.IsWorkday(d("2026-10-10")) || fix.IsWorkday(d("2027-02-20")) {
		t.Error("a correction did not replace the earlier day, or changed the calendar it was added to")
	}
	if len(fix.Days(2026)) != len(c.Days(2026)) {
		t.Errorf("a correction added a day: got %d, want %d", len(fix.Days(2026)), len(c.Days(2026)))
	}

	good := calendar.Day{Date: d("2027-10-01"), Kind: calendar.Holiday, Name: "国庆节", Source: src}
	with := func(f func(*calendar.Day)) calendar.Day { x := good; f(&x); return x }
	for _, tt := range []struct {
		name  string
		day   calendar.Day
		field string
		msg   string
	}{
		{"ErrWorkdayOnTuesday", with(func(x *calendar.Day) { x.Date, x.Kind = d("2027-02-09"), calendar.Workday }), "[1].date", "2027-02-09 is not a Saturday or Sunday"},
		{"ErrNoDate", with(func(x *calendar.Day) { x.Date = civil.Date{} }), "[1].date", "give the date"},
		{"ErrNotADay", with(func(x *calendar.Day) { x.Date = civil.D(2027, 2, 30) }), "[1].date", "not a day"},
		{"ErrYear", with(func(x *calendar.Day) { x.Date = d("2207-01-01") }), "[1].date", "outside the years"},
		{"ErrKind", with(func(x *calendar.Day) { x.Kind = "rest" }), "[1].kind", `"rest" is not a kind of day`},
		{"ErrNoName", with(func(x *calendar.Day) { x.Name = "" }), "[1].name", "name"},
		{"ErrLongName", with(func(x *calendar.Day) { x.Name = strings.Repeat("节", 51) }), "[1].name", "at most 50"},
		{"ErrNoSource", with(func(x *calendar.Day) { x.Source = "" }), "[1].source", "notice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := base.With([]calendar.Day{good, tt.day})
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || e.Field != tt.field || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("got %v, want invalid at %s saying %q", err, tt.field, tt.msg)
			}
		})
	}
	// A holiday may fall on any day of the week.
	if _, err := base.With([]calendar.Day{with(func(x *calendar.Day) { x.Date = d("2027-10-02") })}); err != nil {
		t.Errorf("a holiday on a Saturday: %v", err)
	}
	// Every fault is reported, not only the first.
	_, err = base.With([]calendar.Day{{Date: d("2027-02-09"), Kind: calendar.Workday}, {Kind: "x", Name: "n", Source: "s"}})
	if e := apperr.As(err); e == nil || len(e.Details) != 5 {
		t.Errorf("got %v, want 5 faults", err)
	}
	// Check, unlike With, refuses a date given twice in one entry.
	e := apperr.As(calendar.Check([]calendar.Day{good, good}))
	if e == nil || e.Field != "[1].date" || !strings.Contains(e.Message, "more than once") {
		t.Errorf("Check with a date twice: got %v", e)
	}
	if e := apperr.As(calendar.Check(nil)); e == nil || e.Code != apperr.Invalid {
		t.Errorf("Check(nil): got %v, want invalid", e)
	}
	if _, err := base.With([]calendar.Day{good, good}); err != nil {
		t.Errorf("With a date twice: %v", err)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	days := calendar.Embedded().Days(2020)
	b, err := calendar.WriteCSV(days)
	if err != nil {
		t.Fatal(err)
	}
	back, err := calendar.ReadCSV(b)
	if err != nil || len(back) != len(days) || back[0] != days[0] {
		t.Fatalf("got %d days (%v), want %d", len(back), err, len(days))
	}
	for _, bad := range []string{"", "day,kind\n", "date,kind,name,source\n2025-13-01,holiday,x,y\n", "date,kind,name,source\n2025-01-01,holiday\n"} {
		if _, err := calendar.ReadCSV([]byte(bad)); err == nil {
			t.Errorf("ReadCSV(%q): got no error", bad)
		}
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := calendar.Embedded()
	from := d("2025-09-15")
	for i := 0; b.Loop(); i++ {
		c.AddWorkdays(from.AddDays(i%300), 30)
	}
}

func BenchmarkWorkdaysBetweenYear(b *testing.B) {
	c := calendar.Embedded()
	a, z := d("2024-12-31"), d("2025-12-31")
	for b.Loop() {
		c.WorkdaysBetween(a, z)
	}
}
