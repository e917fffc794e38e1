package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
)

// calendarYear is what GET /api/v1/calendar returns: one year's holidays
// and make-up working days, and whether its notice has been entered.
type calendarYear struct {
	Year int `json:"year"`
	// Covered is false until the year's notice is entered: then only
	// Saturdays and Sundays are days off in it, and deadlines that reach
	// into it are provisional.
	Covered bool `json:"covered"`
	// Sources are the notices the days come from.
	Sources []string `json:"sources"`
	// WorkingDays counts the year's working days.
	WorkingDays int            `json:"working_days"`
	Days        []calendar.Day `json:"days"`
}

// calendarRequest is the body of POST /api/v1/calendar: the days of a
// year's notice, or corrections.
type calendarRequest struct {
	// Source is the notice, for every day that names none of its own.
	Source string               `json:"source"`
	Days   []calendarDayRequest `json:"days"`
}

type calendarDayRequest struct {
	Date   string `json:"date"` // YYYY-MM-DD
	Kind   string `json:"kind"` // holiday or workday
	Name   string `json:"name"` // as the notice writes it: 春节
	Source string `json:"source,omitempty"`
}

// maxCalendarDays bounds one request: a year's notice has about 40 days.
const maxCalendarDays = 400

func calendarYearOf(cal *calendar.Calendar, year int) calendarYear {
	y := calendarYear{Year: year, Covered: cal.Covers(year), Sources: []string{}, Days: cal.Days(year),
		WorkingDays: cal.WorkdaysBetween(civil.D(year-1, 12, 31), civil.D(year, 12, 31))}
	if y.Days == nil {
		y.Days = []calendar.Day{}
	}
	for _, d := range y.Days {
		if !slices.Contains(y.Sources, d.Source) {
			y.Sources = append(y.Sources, d.Source)
		}
	}
	return y
}

// calendarYearParam reads ?year= (default: this year).
func calendarYearParam(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return civil.Today().Year, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < calendar.MinYear || y > calendar.MaxYear {
		return 0, apperr.Fieldf("year", "give a year from %d to %d", calendar.MinYear, calendar.MaxYear)
	}
	return y, nil
}

func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request) {
	year, err := calendarYearParam(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, calendarYearOf(s.calendar(r.Context()), year))
}

func (s *Server) apiAddCalendarDays(w http.ResponseWriter, r *http.Request) {
	var req calendarRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	days, err := s.addCalendarDays(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cal := s.calendar(r.Context())
	var out []calendarYear
	for _, y := range calendarYears(days) {
		out = append(out, calendarYearOf(cal, y))
	}
	writeJSON(w, http.StatusCreated, out)
}

// calendarYears lists the years days lie in, the one with the most days
// first (a notice's own year before the 31 December its New Year holiday
// may start on).
func calendarYears(days []calendar.Day) []int {
	n := map[int]int{}
	var out []int
	for _, d := range days {
		if n[d.Date.Year] == 0 {
			out = append(out, d.Date.Year)
		}
		n[d.Date.Year]++
	}
	slices.SortStableFunc(out, func(a, b int) int { return n[b] - n[a] })
	return out
}

// addCalendarDays checks the days a request enters (checkCalendarRequest)
// and stores them; they count in every deadline at once.
//
// Errors: Invalid naming the field: source, days, days[i].date,
// days[i].kind, days[i].name, days[i].source.
func (s *Server) addCalendarDays(ctx context.Context, req calendarRequest) ([]calendar.Day, error) {
	days, err := checkCalendarRequest(req)
	if err != nil {
		return nil, err
	}
	if err := s.calendarStore().AddCalendarDays(ctx, days); err != nil {
		return nil, err
	}
	s.calendarChanged()
	return days, nil
}

// checkCalendarRequest reads the request's days and checks them with
// calendar.Check. A day with no source of its own takes the request's; if
// that is blank too, the fault is reported once, at "source".
func checkCalendarRequest(req calendarRequest) ([]calendar.Day, error) {
	if len(req.Days) > maxCalendarDays {
		return nil, apperr.Fieldf("days", "at most %d days at a time", maxCalendarDays)
	}
	var pre apperr.List
	source := strings.TrimSpace(req.Source)
	skip := map[string]bool{}
	days := make([]calendar.Day, len(req.Days))
	for i, in := range req.Days {
		f := fmt.Sprintf("days[%d]", i)
		d := calendar.Day{Kind: calendar.Kind(strings.TrimSpace(in.Kind)), Name: strings.TrimSpace(in.Name),
			Source: strings.TrimSpace(in.Source)}
		if d.Source == "" {
			d.Source = source
			skip[f+".source"] = source == ""
		}
		if v := strings.TrimSpace(in.Date); v != "" {
			var err error
			if d.Date, err = civil.ParseDate(v); err != nil {
				pre.Addf(f+".date", "enter the date as YYYY-MM-DD")
			}
		}
		days[i] = d
	}
	for _, missing := range skip {
		if missing {
			pre.Addf("source", "give the notice the days come from, for every day that names none of its own")
			break
		}
	}
	if err := firstPerField(skip, pre.Err(), apperr.Prefix("days", calendar.Check(days))); err != nil {
		return nil, err
	}
	return days, nil
}

// firstPerField merges application errors into one Invalid error with the
// first message found for each field, leaving out the fields skip marks.
func firstPerField(skip map[string]bool, errs ...error) error {
	var l apperr.List
	seen := map[string]bool{}
	for _, err := range errs {
		e := apperr.As(err)
		if e == nil {
			continue
		}
		all := e.Details
		if len(all) == 0 {
			all = []*apperr.Error{e}
		}
		for _, d := range all {
			if !seen[d.Field] && !skip[d.Field] {
				seen[d.Field] = true
				l.Add("", d)
			}
		}
	}
	return l.Err()
}
