package web

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
)

// calendarView is the data of calendar.html: a year as twelve month
// grids with the notice's days marked, the holidays listed, and, for an
// administrator, the form that enters a year's days.
type calendarView struct {
	view
	Year, WorkingDays int
	Covered           bool
	Sources           []string
	Weekdays          []string
	Months            []calendarMonth
	Holidays          []calendarHoliday
	PrevURL, NextURL  string
	Years             []calendarYearLink
	// Banner warns that a notice in use soon is missing.
	Banner string
	// Form (administrators): the source and the pasted lines as typed,
	// with their messages; FormProblems are those of single lines.
	CanAdd       bool
	FormOpen     bool
	Form         []formField
	FormProblems []string
}

type calendarMonth struct {
	Name  string
	Weeks [][7]calendarCell
}

// calendarCell is one day of a month grid; Day 0 is a blank before the
// first or after the last day.
type calendarCell struct {
	Day                      int
	Date, Class, Mark, Title string
}

// calendarHoliday is one holiday of the year: its days off as ranges and
// its make-up working days.
type calendarHoliday struct {
	Name, Length string
	Off, Work    []string
	first        civil.Date // the first day off, or make-up day if none
	daysOff      int
}

type calendarYearLink struct {
	Year           int
	URL            string
	Current, Known bool
}

func calendarURL(year int) string { return "/calendar?year=" + strconv.Itoa(year) }

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	pg := &calendarView{}
	if r.URL.Query().Get("saved") == "calendar" {
		pg.Notice = l.T("The days were saved. Every deadline counts with them from now on.")
	}
	year, err := calendarYearParam(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showCalendar(w, r, pg, year, http.StatusOK)
}

// addCalendarSubmit enters the pasted days (addCalendarDays) and shows
// their year. Lines with faults come back with a message each and the
// text as typed, and nothing is stored.
func (s *Server) addCalendarSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	vals := postedValues(r)
	lines, rows, problems := calendarLines(l, vals["days"])
	req := calendarRequest{Source: vals["source"], Days: lines}
	var err error
	if len(problems) == 0 {
		var days []calendar.Day
		if days, err = s.addCalendarDays(r.Context(), req); err == nil {
			seeOther(w, r, calendarURL(calendarYears(days)[0])+"&saved=calendar")
			return
		}
		if apperr.CodeOf(err) != apperr.Invalid {
			s.renderError(w, r, err)
			return
		}
	} else {
		// Lines that could not be read: check the others too, so that
		// every fault shows at once.
		_, err = checkCalendarRequest(req)
	}
	pg := &calendarView{}
	// Each message goes to its line; those of no line lead.
	fe := errorsOf(l, err)
	pg.Form = calendarFields(l, vals, fe)
	for _, k := range slices.Sorted(maps.Keys(fe)) {
		msg, n := fe[k], 0
		if m := calendarRowField.FindStringSubmatch(k); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(rows) {
				n = rows[i]
			}
		}
		problems[n] = append(problems[n], msg)
	}
	for _, n := range slices.Sorted(maps.Keys(problems)) {
		for _, msg := range problems[n] {
			if n > 0 {
				msg = l.T("Line %d: %s", n, msg)
			}
			pg.FormProblems = append(pg.FormProblems, msg)
		}
	}
	year, yerr := strconv.Atoi(vals["year"])
	if yerr != nil || year < calendar.MinYear || year > calendar.MaxYear {
		year = civil.Today().Year
	}
	pg.FormOpen = true
	pg.Here = calendarURL(year)
	s.showCalendar(w, r, pg, year, statusOf[apperr.Invalid])
}

var calendarRowField = regexp.MustCompile(`^days\[(\d+)\]`)

// calendarFields are the fields of the form that enters a notice.
func calendarFields(l lang, vals map[string]string, errs formErrors) []formField {
	if errs == nil {
		errs = formErrors{}
	}
	return []formField{
		{Name: "source", Label: l.T("Notice"), Value: vals["source"], Required: true, Wide: true, Error: errs.take("source"),
			Hint: l.T("The notice's title and number, such as 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）.")},
		{Name: "days", Label: l.T("Days"), Kind: "textarea", Value: vals["days"], Required: true, Wide: true, Error: errs.take("days"),
			Hint: l.T("One day a line: the date, holiday or workday, and the holiday's name, such as 2027-02-06,holiday,春节 or 2027-02-20,workday,春节. List every day off of each holiday, weekend days included, and every make-up working day. A line may end with a source of its own.")},
	}
}

// calendarSep splits a pasted line: commas (also full-width) or tabs, as a
// spreadsheet copies them.
var calendarSep = regexp.MustCompile(`\s*[,，\t]\s*`)

// calendarKinds reads the kinds people write: the API's words and the
// marks of Chinese calendars (休 off, 班 at work).
var calendarKinds = map[string]calendar.Kind{
	"holiday": calendar.Holiday, "放假": calendar.Holiday, "休": calendar.Holiday,
	"workday": calendar.Workday, "上班": calendar.Workday, "班": calendar.Workday, "调休上班": calendar.Workday,
}

// calendarLines reads pasted lines "date,kind,name[,source]", skipping
// blank ones and those that start with #. rows[i] is the line number of
// days[i]; problems holds, by line number, the lines that could not be
// read.
func calendarLines(l lang, text string) (days []calendarDayRequest, rows []int, problems map[int][]string) {
	problems = map[int][]string{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := calendarSep.Split(line, -1)
		if len(f) < 3 || len(f) > 4 {
			problems[n+1] = append(problems[n+1], l.T("write the date, holiday or workday, and the name, separated by commas"))
			continue
		}
		d := calendarDayRequest{Date: f[0], Kind: strings.ToLower(f[1]), Name: f[2]}
		if k, ok := calendarKinds[d.Kind]; ok {
			d.Kind = string(k)
		}
		if len(f) == 4 {
			d.Source = f[3]
		}
		days = append(days, d)
		rows = append(rows, n+1)
	}
	return days, rows, problems
}

// showCalendar fills pg with the year and renders it.
func (s *Server) showCalendar(w http.ResponseWriter, r *http.Request, pg *calendarView, year, status int) {
	l := langOf(r)
	cal := s.calendar(r.Context())
	today := civil.Today()
	y := calendarYearOf(cal, year)
	pg.Title = l.T("Working-day calendar")
	pg.Year, pg.Covered, pg.Sources, pg.WorkingDays = year, y.Covered, y.Sources, y.WorkingDays
	pg.CanAdd = principalOf(r).Can(calendarWrite)
	if pg.CanAdd && pg.Form == nil {
		pg.Form = calendarFields(l, nil, nil)
	}
	if year > calendar.MinYear {
		pg.PrevURL = calendarURL(year - 1)
	}
	if year < calendar.MaxYear {
		pg.NextURL = calendarURL(year + 1)
	}
	shown := append(cal.Years(), today.Year, today.Year+1, year)
	slices.Sort(shown)
	for _, v := range slices.Compact(shown) {
		pg.Years = append(pg.Years, calendarYearLink{Year: v, URL: calendarURL(v), Current: v == year, Known: cal.Covers(v)})
	}
	pg.Banner = calendarBanner(l, cal, today, pg.CanAdd)

	pg.Weekdays = weekdayHeads(l)
	for m := time.January; m <= time.December; m++ {
		pg.Months = append(pg.Months, calendarMonthOf(l, cal, civil.Month{Year: year, Month: m}, today))
	}
	pg.Holidays = calendarHolidays(l, y.Days)
	s.render(w, r, status, "calendar.html", pg)
}

// calendarBanner warns of a missing notice: this year's at any time, next
// year's from October, when the State Council usually publishes it
// (between 25 October and 8 December in 2019–2025) and deadlines start to
// reach into it.
func calendarBanner(l lang, cal *calendar.Calendar, today civil.Date, admin bool) string {
	var msg string
	switch {
	case !cal.Covers(today.Year):
		msg = l.T("The State Council's notice of holidays for %d has not been entered: deadlines this year count only Saturdays and Sundays as days off and are marked provisional.", today.Year)
	case today.Month >= time.October && !cal.Covers(today.Year+1):
		msg = l.T("The State Council's notice of holidays for %d has not been entered yet: deadlines that reach into %d count only Saturdays and Sundays as days off and are marked provisional.", today.Year+1, today.Year+1)
	default:
		return ""
	}
	if admin {
		return msg + " " + l.T("Enter its days below as soon as it is published.")
	}
	return msg + " " + l.T("An administrator enters it when it is published.")
}

func weekdayHeads(l lang) []string {
	if l == langEN {
		return []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
	}
	return []string{"一", "二", "三", "四", "五", "六", "日"}
}

// monthName names a month in l: 1月 or January.
func monthName(l lang, m time.Month) string {
	if l == langEN {
		return m.String()
	}
	return strconv.Itoa(int(m)) + "月"
}

// calendarMonthOf lays a month out in weeks from Monday, as Chinese
// calendars do.
func calendarMonthOf(l lang, cal *calendar.Calendar, m civil.Month, today civil.Date) calendarMonth {
	out := calendarMonth{Name: monthName(l, m.Month)}
	var week [7]calendarCell
	for d := m.First(); !d.After(m.Last()); d = d.AddDays(1) {
		col := (int(d.Weekday()) + 6) % 7 // Monday first
		c := calendarCell{Day: d.Day, Date: d.String(), Title: d.String()}
		var classes []string
		if col >= 5 {
			classes = append(classes, "weekend")
		}
		if day, ok := cal.Lookup(d); ok {
			name := holidayName(l, day.Name)
			if day.Kind == calendar.Holiday {
				classes = append(classes, "off")
				c.Mark = l.T("off")
				c.Title += " " + name + " · " + l.T("day off")
			} else {
				classes = append(classes, "work")
				c.Mark = l.T("work")
				c.Title += " " + name + " · " + l.T("make-up working day")
			}
		}
		if d == today {
			classes = append(classes, "today")
		}
		c.Class = strings.Join(classes, " ")
		week[col] = c
		if col == 6 || d == m.Last() {
			out.Weeks = append(out.Weeks, week)
			week = [7]calendarCell{}
		}
	}
	return out
}

// holidayNamesEN are the holidays' English names; a notice's Chinese name
// is the data, this only helps an English reader.
var holidayNamesEN = map[string]string{
	"元旦": "New Year's Day", "春节": "Spring Festival", "清明节": "Qingming Festival", "劳动节": "Labour Day",
	"端午节": "Dragon Boat Festival", "中秋节": "Mid-Autumn Festival", "国庆节": "National Day",
}

// holidayName shows a notice's name in l: in English, "国庆节、中秋节" is
// "National Day and Mid-Autumn Festival"; a name not known stays as the
// notice wrote it.
func holidayName(l lang, name string) string {
	if l != langEN {
		return name
	}
	parts := strings.Split(name, "、")
	for i, p := range parts {
		en, ok := holidayNamesEN[p]
		if !ok {
			return name
		}
		parts[i] = en
	}
	return strings.Join(parts, " and ")
}

// calendarHolidays groups a year's days by holiday, in the order of their
// first day off, with runs of days off as ranges.
func calendarHolidays(l lang, days []calendar.Day) []calendarHoliday {
	var out []calendarHoliday
	at := map[string]int{}
	var runStart, runEnd civil.Date
	var runOf string
	flush := func() {
		if runOf == "" {
			return
		}
		h := &out[at[runOf]]
		if runStart == runEnd {
			h.Off = append(h.Off, dayLabel(l, runStart))
		} else {
			h.Off = append(h.Off, dayLabel(l, runStart)+" – "+dayLabel(l, runEnd))
		}
		runOf = ""
	}
	for _, d := range days {
		i, ok := at[d.Name]
		if !ok {
			i = len(out)
			at[d.Name] = i
			out = append(out, calendarHoliday{Name: holidayName(l, d.Name), first: d.Date})
		}
		if d.Kind == calendar.Workday {
			out[i].Work = append(out[i].Work, dayLabel(l, d.Date))
			continue
		}
		if out[i].daysOff == 0 {
			out[i].first = d.Date
		}
		out[i].daysOff++
		if runOf == d.Name && runEnd.AddDays(1) == d.Date {
			runEnd = d.Date
			continue
		}
		flush()
		runOf, runStart, runEnd = d.Name, d.Date, d.Date
	}
	flush()
	for i := range out {
		out[i].Length = l.T("%d days", out[i].daysOff)
		if out[i].daysOff == 1 {
			out[i].Length = l.T("1 day")
		}
	}
	// By the first day off: a make-up day may come before another
	// holiday (2026: National Day's on 20 September, before Mid-Autumn).
	slices.SortStableFunc(out, func(a, b calendarHoliday) int { return a.first.Compare(b.first) })
	return out
}

// dayLabel is a day with its weekday: "2月14日（周六）" or "Sat 14 Feb".
func dayLabel(l lang, d civil.Date) string {
	t := d.In(time.UTC)
	if l == langEN {
		return t.Format("Mon 2 Jan")
	}
	return fmt.Sprintf("%d月%d日（周%s）", d.Month, d.Day, weekdayHeads(l)[(int(d.Weekday())+6)%7])
}
