// Package civil holds calendar dates and months that are not instants:
// a birth date, the month an income was earned, the day a deadline falls.
//
// They carry no time zone. Timestamps (when a record was written) stay
// time.Time in UTC; civil values never pass through one, so a birth date
// cannot drift a day when a server changes zone.
package civil

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day. The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// D returns the date y-m-d; it does not normalise (see Valid).
func D(y int, m time.Month, d int) Date { return Date{y, m, d} }

// DateOf returns t's calendar day in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the current day in China Standard Time, the zone in which
// every deadline and age in SafetyNet is counted.
func Today() Date { return DateOf(time.Now().In(Shanghai)) }

// Shanghai is Asia/Shanghai (UTC+8, no daylight saving). A fixed zone keeps
// the binary independent of the host's tzdata.
var Shanghai = time.FixedZone("CST", 8*3600)

// ParseDate reads "2006-01-02" (also "2006/01/02" and "20060102").
func ParseDate(s string) (Date, error) {
	for _, layout := range []string{"2006-01-02", "2006/01/02", "20060102", "2006/1/2", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day.
func (d Date) Valid() bool {
	return d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// In returns midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

// AddMonths returns the same day n months later, or the month's last day
// where it is shorter (31 January + 1 month is 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	m := d.MonthOf().Add(n)
	return Date{m.Year, m.Month, min(d.Day, daysIn(m.Year, m.Month))}
}

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp(int(d.Month), int(e.Month))
	}
	return cmp(d.Day, e.Day)
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// YearsAt returns the age in whole years of someone born on d, on day at.
// Someone born on 29 February turns a year older on 1 March in common years.
func (d Date) YearsAt(at Date) int {
	n := at.Year - d.Year
	if at.Month < d.Month || (at.Month == d.Month && at.Day < d.Day) {
		n--
	}
	return n
}

// MonthOf returns the month d lies in.
func (d Date) MonthOf() Month { return Month{d.Year, d.Month} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD", "" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a date as \"YYYY-MM-DD\"")
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores a Date as "YYYY-MM-DD" text, or NULL for the zero Date; the
// same on SQLite and PostgreSQL (where the column is a DATE).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE, a timestamp, or text.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = DateOf(v)
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("civil.Date: cannot scan %T", src)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := ParseDate(s)
	*d = v
	return err
}

// Month is a calendar month, such as an income month or a payment month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "2006-01" (also "200601").
func ParseMonth(s string) (Month, error) {
	for _, layout := range []string{"2006-01", "200601", "2006/01", "2006-1"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Month{t.Year(), t.Month()}, nil
		}
	}
	return Month{}, fmt.Errorf("%q is not a month (want YYYY-MM)", s)
}

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m == Month{} }

// First returns the first day of m.
func (m Month) First() Date { return Date{m.Year, m.Month, 1} }

// Last returns the last day of m.
func (m Month) Last() Date { return Date{m.Year, m.Month, daysIn(m.Year, m.Month)} }

// Add returns m plus n months.
func (m Month) Add(n int) Month {
	i := m.Year*12 + int(m.Month) - 1 + n
	return Month{i / 12, time.Month(i%12 + 1)}
}

// Compare returns -1, 0 or +1.
func (m Month) Compare(o Month) int { return m.First().Compare(o.First()) }

func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year, m.Month)
}

// MarshalJSON writes "YYYY-MM".
func (m Month) MarshalJSON() ([]byte, error) {
	if m.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(m.String())
}

// UnmarshalJSON reads "YYYY-MM", "" or null.
func (m *Month) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a month as \"YYYY-MM\"")
	}
	if s == nil || *s == "" {
		*m = Month{}
		return nil
	}
	v, err := ParseMonth(*s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Value stores a Month as "YYYY-MM" text.
func (m Month) Value() (driver.Value, error) {
	if m.IsZero() {
		return nil, nil
	}
	return m.String(), nil
}

// Scan reads "YYYY-MM" text.
func (m *Month) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*m = Month{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("civil.Month: cannot scan %T", src)
	}
	v, err := ParseMonth(s)
	*m = v
	return err
}
