package web_test

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

// addAdmin adds an administrator of the whole country to the UI
// environment.
func (e *uiEnv) addAdmin(username string) {
	e.t.Helper()
	hash, err := auth.HashPassword(uiPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	u := auth.User{Username: username, DisplayName: "系统管理员", Role: auth.Admin, PasswordHash: hash}
	if err := e.db.CreateUser(uiCtx, &u); err != nil {
		e.t.Fatal(err)
	}
}

// cell returns the month grid's cell of a day.
func cell(body, date string) string {
	i := strings.Index(body, `id="d-`+date+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<td")
	end := strings.Index(body[i:], "</td>")
	return body[start : i+end]
}

func TestUICalendarPage(t *testing.T) {
	e := newUIEnv(t)
	c := e.login("partner") // every signed-in user sees the calendar
	if r := c.get("/"); !strings.Contains(r.body, `href="/calendar"`) {
		t.Error("the menu has no link to the calendar")
	}
	r := c.get("/calendar?year=2025")
	if r.status != 200 {
		t.Fatalf("got %d", r.status)
	}
	mustContain(t, r, "2025 年工作日历", "2025 年共有 248 个工作日", "国办发明电〔2024〕12号", `<caption>1月</caption>`, `<caption>12月</caption>`,
		`href="/calendar?year=2024"`, `href="/calendar?year=2026"`)
	for _, c := range []struct{ date, class, mark, name string }{
		{"2025-01-26", "weekend work", "班", "春节"},
		{"2025-01-28", "off", "休", "春节"},
		{"2025-10-08", "off", "休", "国庆节、中秋节"},
	} {
		got := cell(r.body, c.date)
		if !strings.Contains(got, `class="`+c.class+`"`) || !strings.Contains(got, "<small>"+c.mark+"</small>") || !strings.Contains(got, c.name) {
			t.Errorf("%s: got cell %s, want class %q, mark %s and the name %s", c.date, got, c.class, c.mark, c.name)
		}
	}
	if got := cell(r.body, "2025-01-25"); !strings.Contains(got, `class="weekend"`) || strings.Contains(got, "<small>") {
		t.Errorf("an ordinary Saturday: got %s", got)
	}
	spring := tableRowOf(section(r.body, "holidays"), "春节")
	for _, want := range []string{"1月28日（周二） – 2月4日（周二）", "共 8 天", "1月26日（周日）, 2月8日（周六）"} {
		if !strings.Contains(spring, want) {
			t.Errorf("the Spring Festival row lacks %q: %s", want, spring)
		}
	}
	if row := tableRowOf(section(r.body, "holidays"), "元旦"); !strings.Contains(row, "共 1 天") {
		t.Errorf("New Year's Day row: got %s", row)
	}
	if strings.Contains(r.body, `id="calendar-form"`) {
		t.Error("a partner is offered the form")
	}
	// Holidays come in the order of their first day off, though National
	// Day's make-up Sunday (20 September 2026) precedes Mid-Autumn.
	hol := section(c.get("/calendar?year=2026").body, "holidays")
	if i, j := strings.Index(hol, "中秋节"), strings.Index(hol, "国庆节"); i < 0 || j < i {
		t.Errorf("2026: got 中秋节 at %d and 国庆节 at %d, want Mid-Autumn first", i, j)
	}

	// A year with no notice says so; next year's missing notice is
	// flagged from October (and this year's at any time).
	r = c.get("/calendar?year=2027")
	mustContain(t, r, `id="not-covered"`)
	today := civil.Today()
	wantBanner := today.Year > 2026 || today.Month >= time.October
	if got := strings.Contains(r.body, `id="calendar-banner"`); got != wantBanner {
		t.Errorf("on %s: got banner %v, want %v", today, got, wantBanner)
	}

	if r := c.get("/calendar?year=abc"); r.status != 422 {
		t.Errorf("year=abc: got %d, want 422", r.status)
	}

	r = c.get("/calendar?year=2025&lang=en")
	mustContain(t, r, "Working-day calendar 2025", "2025 has 248 working days.", "Spring Festival", "Tue 28 Jan – Tue 4 Feb",
		"National Day and Mid-Autumn Festival", "<caption>January</caption>")
}

func TestUICalendarAdd(t *testing.T) {
	e := newUIEnv(t)
	e.addAdmin("admin")
	c := e.login("admin")
	r := c.get("/calendar?year=2027")
	mustContain(t, r, `id="calendar-form"`)

	src := "国务院办公厅关于2027年部分节假日安排的通知"
	typed := "2027-01-01,holiday,元旦\n2027-02-09,workday,春节\nnot a day\n\n# 春节\n2027-02-06，休，春节\n2027-02-30,holiday,春节\n"
	form := url.Values{"source": {src}, "days": {typed}, "year": {"2027"}}
	r = c.submit("/calendar", form)
	if r.status != 422 {
		t.Fatalf("bad lines: got %d, want 422", r.status)
	}
	box := html.UnescapeString(section(r.body, "add-days"))
	for _, want := range []string{"第 2 行：2027-02-09 不是周六或周日", "第 3 行：请依次填写日期", "第 7 行：请按YYYY-MM-DD格式输入日期"} {
		if !strings.Contains(box, want) {
			t.Errorf("the form's messages lack %q", want)
		}
	}
	if strings.Contains(box, "第 6 行") {
		t.Error("a good line (full-width commas, 休) got a message")
	}
	if !strings.Contains(box, ">"+typed+"</textarea>") {
		t.Error("the lines typed were lost")
	}
	if v, _ := inputValue(r.body, "source"); v != src {
		t.Errorf("the source typed was lost: got %q", v)
	}

	form = url.Values{"source": {""}, "days": {"2027-01-01,holiday,元旦"}, "year": {"2027"}}
	r = c.submit("/calendar", form)
	if m := fieldMessage(r.body, "source"); r.status != 422 || !strings.Contains(m, "通知") {
		t.Errorf("no source: got %d, message %q", r.status, m)
	}
	r = c.submit("/calendar", url.Values{"source": {src}, "days": {" \n"}, "year": {"2027"}})
	if m := fieldMessage(r.body, "days"); r.status != 422 || m == "" {
		t.Errorf("no days: got %d, message %q", r.status, m)
	}

	// Nothing was stored by the refused forms.
	if r := c.get("/calendar?year=2027"); strings.Contains(r.body, "<small>休</small>") {
		t.Fatal("a refused form stored days")
	}

	good := "2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n2027-02-06\t休\t春节\n2027-02-08,放假,春节\n2027-02-20,班,春节"
	r = c.submit("/calendar", url.Values{"source": {src}, "days": {good}, "year": {"2027"}})
	if r.status != 303 || r.location != "/calendar?year=2027&saved=calendar" {
		t.Fatalf("good lines: got %d to %q", r.status, r.location)
	}
	r = c.get(r.location)
	mustContain(t, r, "已保存", "2027 年共有", src)
	if got := cell(r.body, "2027-02-20"); !strings.Contains(got, "<small>班</small>") {
		t.Errorf("2027-02-20 after the add: got %s", got)
	}
	if strings.Contains(r.body, `id="not-covered"`) {
		t.Error("2027 is still shown as not covered")
	}
	if today := civil.Today(); today.Year == 2026 && strings.Contains(r.body, `id="calendar-banner"`) {
		t.Error("the banner about 2027 is still shown")
	}
	if r := c.get("/audit?entity=calendar"); len(auditSeqs(t, r.body)) != 1 {
		t.Errorf("audit page: got %d entries, want 1", len(auditSeqs(t, r.body)))
	}

	// Only an administrator may post.
	h := e.login("county")
	h.get("/calendar")
	if r := h.submit("/calendar", url.Values{"source": {src}, "days": {good}}); r.status != 403 {
		t.Errorf("county post: got %d, want 403", r.status)
	}
}

// tableRowOf returns the table row that contains s.
func tableRowOf(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<tr")
	end := strings.Index(body[i:], "</tr>")
	if start < 0 || end < 0 {
		return ""
	}
	return body[start : i+end]
}
