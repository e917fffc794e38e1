package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"safetynet/internal/audit"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
)

// calendarAPI is a server with a user per role (routeTestServer) and a
// function that calls the API as one of them. The test is inside the
// package so it can count deadlines with the server's own calendar.
func calendarAPI(t *testing.T) (*Server, func(user, method, path string, body, out any) int) {
	t.Helper()
	s := routeTestServer(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	tokens := map[string]string{}
	do := func(user, method, path string, body, out any) int {
		t.Helper()
		if tokens[user] == "" {
			u, err := s.DB.UserByUsername(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			if tokens[user], err = s.Auth.IssueToken(ctx, u.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req := httptest.NewRequest(method, path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tokens[user])
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if out != nil {
			if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
				t.Fatalf("%s %s: %v in %s", method, path, err, rec.Body)
			}
		}
		return rec.Code
	}
	return s, do
}

type calendarErrorJSON struct {
	Error errorJSON `json:"error"`
}

// fields lists the fields of an error's details (the first is repeated
// in the error itself).
func (e calendarErrorJSON) fields() []string {
	if len(e.Error.Details) == 0 {
		return []string{e.Error.Field}
	}
	var out []string
	for _, d := range e.Error.Details {
		out = append(out, d.Field)
	}
	return out
}

func TestAPICalendarYear(t *testing.T) {
	_, do := calendarAPI(t)
	var y calendarYear
	if code := do("village-assistant", "GET", "/api/v1/calendar?year=2025", nil, &y); code != 200 {
		t.Fatalf("got %d", code)
	}
	if y.Year != 2025 || !y.Covered || len(y.Days) != 33 || y.WorkingDays != 248 || len(y.Sources) != 1 ||
		!strings.Contains(y.Sources[0], "国办发明电〔2024〕12号") {
		t.Errorf("2025: got year %d covered %v, %d days, %d working days, sources %v", y.Year, y.Covered, len(y.Days), y.WorkingDays, y.Sources)
	}
	if d := y.Days[1]; d.Date != civil.D(2025, 1, 26) || d.Kind != calendar.Workday || d.Name != "春节" {
		t.Errorf("2025's second day: got %+v, want the make-up Sunday 2025-01-26", d)
	}

	var raw map[string]any
	do("partner", "GET", "/api/v1/calendar?year=2027", nil, &raw)
	if raw["covered"] != false || raw["days"] == nil || len(raw["days"].([]any)) != 0 {
		t.Errorf("2027: got %v, want not covered and no days", raw)
	}
	y = calendarYear{}
	do("auditor", "GET", "/api/v1/calendar", nil, &y)
	if y.Year != civil.Today().Year {
		t.Errorf("default year: got %d, want this year", y.Year)
	}
	for _, q := range []string{"year=20x5", "year=1999", "year=2100"} {
		var e calendarErrorJSON
		if code := do("auditor", "GET", "/api/v1/calendar?"+q, nil, &e); code != 422 || e.Error.Field != "year" {
			t.Errorf("?%s: got %d %+v, want 422 at year", q, code, e)
		}
	}
}

// notice2027 is the days of a plausible 2027 notice (the real one is not
// out on 2026-11-23).
func notice2027() []calendarDayRequest {
	var days []calendarDayRequest
	add := func(kind, name string, dates ...string) {
		for _, d := range dates {
			days = append(days, calendarDayRequest{Date: d, Kind: kind, Name: name})
		}
	}
	add("holiday", "元旦", "2027-01-01", "2027-01-02", "2027-01-03")
	add("holiday", "春节", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-13")
	add("workday", "春节", "2027-02-20")
	return days
}

func TestAPICalendarAdd(t *testing.T) {
	s, do := calendarAPI(t)
	ctx := context.Background()
	src := "国务院办公厅关于2027年部分节假日安排的通知"
	// A deadline that reaches into 2027 is provisional until its notice is
	// entered: 20 working days from Friday 2027-01-29, weekends only.
	if due, prov := s.calendar(ctx).AddWorkdays(civil.D(2027, 1, 29), 20); due != civil.D(2027, 2, 26) || !prov {
		t.Fatalf("before: got %s provisional %v, want 2027-02-26 provisional", due, prov)
	}

	var e calendarErrorJSON
	for _, role := range []string{"county-approver", "supervisor", "township-caseworker", "auditor"} {
		if code := do(role, "POST", "/api/v1/calendar", calendarRequest{Source: src, Days: notice2027()}, &e); code != 403 {
			t.Errorf("%s: got %d, want 403", role, code)
		}
	}

	bad := notice2027()
	bad[0].Date = "2027-1-32"
	bad[1].Kind = "off"
	bad[3].Date = bad[4].Date   // twice
	bad[11].Date = "2027-02-19" // a Friday as a make-up working day
	bad[2].Name = " "
	for _, c := range []struct {
		name   string
		req    calendarRequest
		fields []string
	}{
		{"ErrRows", calendarRequest{Source: src, Days: bad},
			[]string{"days[0].date", "days[1].kind", "days[2].name", "days[4].date", "days[11].date"}},
		{"ErrNoSource", calendarRequest{Days: notice2027()[:2]}, []string{"source"}},
		{"ErrNoDays", calendarRequest{Source: src}, []string{"days"}},
		{"ErrDaySource", calendarRequest{Source: src, Days: []calendarDayRequest{{Date: "2027-01-01", Kind: "holiday", Name: "元旦",
			Source: strings.Repeat("通知", 151)}}}, []string{"days[0].source"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e = calendarErrorJSON{}
			if code := do("admin", "POST", "/api/v1/calendar", c.req, &e); code != 422 || strings.Join(e.fields(), " ") != strings.Join(c.fields, " ") {
				t.Errorf("got %d at %v, want 422 at %v (%+v)", code, e.fields(), c.fields, e)
			}
		})
	}
	// Messages are in the request's language; Chinese by default.
	e = calendarErrorJSON{}
	do("admin", "POST", "/api/v1/calendar", calendarRequest{Source: src, Days: bad[11:]}, &e)
	if !strings.Contains(e.Error.Message, "2027-02-19 不是周六或周日") {
		t.Errorf("got message %q", e.Error.Message)
	}
	if s.calendar(ctx).Covers(2027) {
		t.Fatal("a refused request stored days")
	}

	var out []calendarYear
	if code := do("admin", "POST", "/api/v1/calendar", calendarRequest{Source: src, Days: notice2027()}, &out); code != 201 {
		t.Fatalf("got %d %+v", code, out)
	}
	if len(out) != 1 || out[0].Year != 2027 || !out[0].Covered || len(out[0].Days) != 12 {
		t.Errorf("got %+v, want 2027 with its 12 days", out)
	}
	var y calendarYear
	do("hotline-operator", "GET", "/api/v1/calendar?year=2027", nil, &y)
	if !y.Covered || len(y.Days) != 12 || y.Days[11].Kind != calendar.Workday || y.Sources[0] != src {
		t.Errorf("GET 2027 after the add: got %+v", y)
	}
	// The same deadline now skips the Spring Festival (five weekdays off,
	// one Saturday worked) and is firm.
	if due, prov := s.calendar(ctx).AddWorkdays(civil.D(2027, 1, 29), 20); due != civil.D(2027, 3, 4) || prov {
		t.Errorf("after: got %s provisional %v, want 2027-03-04, not provisional", due, prov)
	}
	// Another server on the same store sees them too.
	other := New(s.DB, s.Auth, slog.New(slog.DiscardHandler))
	if !other.calendar(ctx).Covers(2027) {
		t.Error("another server on the store does not see 2027")
	}

	entries, err := s.DB.List(ctx, audit.Filter{Entity: "calendar"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Username != "admin" || entries[0].EntityID != "2027" {
		t.Errorf("got audit entries %+v, want one by admin for 2027", entries)
	}
}

// TestCalendarStoreDown checks that deadlines are still counted when the
// store cannot be read: with the embedded calendar, flagged provisional
// past it.
func TestCalendarStoreDown(t *testing.T) {
	s := routeTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cal := s.calendar(ctx)
	if cal != calendar.Embedded() {
		t.Error("with the store unreadable: got a calendar other than the embedded one")
	}
}

// TestCalendarConcurrent reads the calendar from many goroutines while
// days are added (run with -race).
func TestCalendarConcurrent(t *testing.T) {
	s := routeTestServer(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	done := make(chan bool)
	for range 4 {
		go func() {
			for i := 0; i < 200; i++ {
				s.calendar(ctx).AddWorkdays(civil.D(2026, 12, 1), 30)
			}
			done <- true
		}()
	}
	for _, d := range notice2027() {
		if _, err := s.addCalendarDays(ctx, calendarRequest{Source: "测试", Days: []calendarDayRequest{d}}); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		<-done
	}
	if got := len(s.calendar(ctx).Days(2027)); got != len(notice2027()) {
		t.Errorf("got %d days of 2027, want %d", got, len(notice2027()))
	}
}
