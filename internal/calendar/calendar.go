// Package calendar counts working days (工作日) the way Chinese
// administrative time limits do: Monday to Friday, less the public
// holidays and the days off the State Council moves next to them (放假),
// plus the Saturdays and Sundays it makes working days in exchange
// (调休上班).
//
// Each year's days come from one notice of the General Office of the State
// Council, 国务院办公厅关于YYYY年部分节假日安排的通知, published in October to
// December of the year before. The notices of 2020 to 2026 are embedded
// (holidays.csv, with each notice's title and number as the source of its
// days); an administrator adds each later year, and corrections, as data
// (Calendar.With; internal/store keeps them, /calendar enters them).
//
// A year counts as covered when the calendar holds at least one of its
// days, that is, when its notice has been entered. In a year that is not
// covered only Saturdays and Sundays are days off, and a deadline that
// reaches into it is provisional: it may move when the notice is entered.
// Workflow deadlines (DESIGN.md §7) are counted with AddWorkdays.
package calendar

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
)

// Kind is what a notice makes of a day.
type Kind string

const (
	// Holiday is a day off (放假): the festival itself or a day moved next
	// to it. It may fall on any day of the week; on a Saturday or Sunday it
	// changes no count of working days, but it belongs to the holiday.
	Holiday Kind = "holiday"
	// Workday is a make-up working day (调休上班): a Saturday or Sunday
	// worked in exchange for a day off.
	Workday Kind = "workday"
)

// Day is one day a notice names.
type Day struct {
	Date civil.Date `json:"date"`
	Kind Kind       `json:"kind"`
	// Name is the holiday as the notice writes it: 元旦, 春节, 国庆节、中秋节.
	// A make-up working day carries the holiday it makes up for.
	Name string `json:"name"`
	// Source is the notice: its title and, where known, its number.
	Source string `json:"source"`
}

// The years a day may lie in: enough for any case SafetyNet keeps, and a
// bound that catches a mistyped year (2207) before it counts as covered.
const (
	MinYear = 2000
	MaxYear = 2099
)

// Limits on a day's text, in characters.
const (
	maxName   = 50
	maxSource = 300
)

// Calendar is a set of days. It is never changed once built: With returns
// a new one, so a Calendar may be shared between goroutines.
type Calendar struct {
	days  map[int64]Day // by day number (dayNum)
	nums  []int64       // the keys of days, ascending
	years map[int]bool  // the covered years
}

// With returns a calendar with days added to c's, c itself unchanged. A
// day for a date c already has replaces it, and within days a later one
// for a date replaces an earlier: a correction is added, never edited in.
//
// Errors: Invalid, a detail per fault with the field "[i].date", "[i].kind",
// "[i].name" or "[i].source" (i the day's index in days).
func (c *Calendar) With(days []Day) (*Calendar, error) {
	var l apperr.List
	for i, d := range days {
		checkDay(&l, i, d)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	out := &Calendar{days: maps.Clone(c.days)}
	if out.days == nil {
		out.days = make(map[int64]Day, len(days))
	}
	for _, d := range days {
		out.days[dayNum(d.Date)] = d
	}
	out.nums = slices.Sorted(maps.Keys(out.days))
	out.years = map[int]bool{}
	for _, d := range out.days {
		out.years[d.Date.Year] = true
	}
	return out, nil
}

// Check checks days entered together, such as one year's notice: each day
// as With does, and no date given twice (a second one would be a mistake
// in the entry, not a correction).
//
// Errors: Invalid, with the fields of With, or "" when days is empty.
func Check(days []Day) error {
	if len(days) == 0 {
		return apperr.Fieldf("", "give at least one day")
	}
	var l apperr.List
	seen := map[civil.Date]bool{}
	for i, d := range days {
		checkDay(&l, i, d)
		if seen[d.Date] && !d.Date.IsZero() {
			l.Addf(fmt.Sprintf("[%d].date", i), "%s is given more than once", d.Date)
		}
		seen[d.Date] = true
	}
	return l.Err()
}

// checkDay adds the faults of days[i] to l. What is really wrong: a day
// that is no day, a kind that is neither, a make-up working day on Monday
// to Friday (those are working days already; the notices never name one),
// and a day without the name or the notice that people are shown.
func checkDay(l *apperr.List, i int, d Day) {
	f := func(name string) string { return fmt.Sprintf("[%d].%s", i, name) }
	switch {
	case d.Date.IsZero():
		l.Addf(f("date"), "give the date")
	case !d.Date.Valid():
		l.Addf(f("date"), "%s is not a day of the calendar", d.Date)
	case d.Date.Year < MinYear || d.Date.Year > MaxYear:
		l.Addf(f("date"), "%s is outside the years %d to %d", d.Date, MinYear, MaxYear)
	case d.Kind == Workday && !weekend(d.Date.Weekday()):
		l.Addf(f("date"), "%s is not a Saturday or Sunday: a make-up working day always is, as Monday to Friday are working days anyway", d.Date)
	}
	if d.Kind != Holiday && d.Kind != Workday {
		l.Addf(f("kind"), "%q is not a kind of day: want holiday or workday", string(d.Kind))
	}
	switch n := utf8.RuneCountInString(d.Name); {
	case n == 0:
		l.Addf(f("name"), "give the holiday's name as the notice writes it, such as 春节")
	case n > maxName:
		l.Addf(f("name"), "a name has at most %d characters", maxName)
	}
	switch n := utf8.RuneCountInString(d.Source); {
	case n == 0:
		l.Addf(f("source"), "give the notice the day comes from")
	case n > maxSource:
		l.Addf(f("source"), "a source has at most %d characters", maxSource)
	}
}

// IsWorkday reports whether d is a working day: Monday to Friday unless a
// holiday, Saturday and Sunday only as a make-up working day.
func (c *Calendar) IsWorkday(d civil.Date) bool { return c.isWork(dayNum(d)) }

func (c *Calendar) isWork(n int64) bool {
	if day, ok := c.days[n]; ok {
		return day.Kind == Workday
	}
	return !weekend(weekdayOf(n))
}

// AddWorkdays returns the day on which a time limit of n working days
// that starts with an event on from ends: the n-th working day after from.
// The day of the event itself is not counted: Chinese time limits start on
// the day after (Civil Code Art. 201: 开始的当日不计入，自下一日开始计算).
// So an application accepted on Friday 2025-01-24 with 3 working days to
// start the investigation counts Sunday 26 January (a make-up working
// day) and Monday 27 January, skips the Spring Festival holiday of 28
// January to 4 February, and is due on Wednesday 2025-02-05. An n of 0 or
// less returns from.
//
// provisional is true when a day counted lies in a year the calendar does
// not cover (only Saturdays and Sundays were taken as days off there): the
// deadline may move when that year's notice is entered.
func (c *Calendar) AddWorkdays(from civil.Date, n int) (due civil.Date, provisional bool) {
	if n <= 0 {
		return from, false
	}
	start := dayNum(from)
	x := start
	for k := 0; k < n; {
		x++
		if c.isWork(x) {
			k++
		}
	}
	due = dateOf(x)
	for y := dateOf(start + 1).Year; y <= due.Year; y++ {
		if !c.years[y] {
			return due, true
		}
	}
	return due, false
}

// WorkdaysBetween counts the working days after a up to and including b,
// 0 when b is not after a: with a = today and b a deadline, the working
// days left; with a a missed deadline and b = today, how many it is
// overdue by.
func (c *Calendar) WorkdaysBetween(a, b civil.Date) int {
	lo, hi := dayNum(a)+1, dayNum(b)
	if hi < lo {
		return 0
	}
	// Whole weeks have five weekdays each; the rest are counted one by one.
	total := hi - lo + 1
	n := total / 7 * 5
	for x := lo + total/7*7; x <= hi; x++ {
		if !weekend(weekdayOf(x)) {
			n++
		}
	}
	// Then the notices' days in the span: a holiday on a weekday takes one
	// away, a make-up working day adds one.
	i, _ := slices.BinarySearch(c.nums, lo)
	for ; i < len(c.nums) && c.nums[i] <= hi; i++ {
		x := c.nums[i]
		switch we := weekend(weekdayOf(x)); {
		case c.days[x].Kind == Holiday && !we:
			n--
		case c.days[x].Kind == Workday && we:
			n++
		}
	}
	return int(n)
}

// Covers reports whether the calendar holds a day of year, that is,
// whether that year's notice has been entered. (The first day of a year's
// New Year holiday may lie in the year before, as 2022-12-31 did for 2023;
// it covers the year it lies in, whose own notice is entered by then.)
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// Years returns the covered years, ascending.
func (c *Calendar) Years() []int { return slices.Sorted(maps.Keys(c.years)) }

// Days returns the days of year the calendar holds, by date.
func (c *Calendar) Days(year int) []Day {
	lo := dayNum(civil.D(year, time.January, 1))
	hi := dayNum(civil.D(year, time.December, 31))
	i, _ := slices.BinarySearch(c.nums, lo)
	var out []Day
	for ; i < len(c.nums) && c.nums[i] <= hi; i++ {
		out = append(out, c.days[c.nums[i]])
	}
	return out
}

// Lookup returns the day the calendar holds for d, if any.
func (c *Calendar) Lookup(d civil.Date) (Day, bool) {
	day, ok := c.days[dayNum(d)]
	return day, ok
}

// Store keeps the days administrators add to the embedded ones.
type Store interface {
	// CalendarDays returns every stored day in the order added, for
	// Embedded().With: a later day for a date replaces an earlier one.
	CalendarDays(ctx context.Context) ([]Day, error)
	// CalendarVersion changes whenever a day is stored.
	CalendarVersion(ctx context.Context) (int64, error)
	// AddCalendarDays stores days entered together (Check) as one change,
	// with one audit record. Errors: Invalid (see Check).
	AddCalendarDays(ctx context.Context, days []Day) error
}

// dayNum numbers days from 1970-01-01 (day 0), so the counting loops step
// with integers instead of dates.
func dayNum(d civil.Date) int64 { return d.In(time.UTC).Unix() / 86400 }

func dateOf(n int64) civil.Date { return civil.DateOf(time.Unix(n*86400, 0).UTC()) }

// weekdayOf is the weekday of day number n: day 0 was a Thursday.
func weekdayOf(n int64) time.Weekday { return time.Weekday(((n+4)%7 + 7) % 7) }

func weekend(w time.Weekday) bool { return w == time.Saturday || w == time.Sunday }
