package web_test

import (
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// handledApplication stores a Dibao application for h, filed and accepted
// on accepted by its township. With decided set, the township
// investigates and proposes a rejection that day, which sends it to the
// county, and the county rejects it at once.
func handledApplication(t *testing.T, e *uiEnv, h *registry.Household, accepted, decided civil.Date) {
	t.Helper()
	set, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	env := func(day civil.Date, username string, role auth.Role, jurisdiction string) *casework.Env {
		return &casework.Env{Today: day, Now: day.In(civil.Shanghai).Add(9 * time.Hour), Calendar: calendar.Embedded(), Params: set,
			Actor: casework.Actor{UserID: 1, Username: username, Role: role, Region: jurisdiction}}
	}
	town := env(accepted, "town1", auth.TownshipCaseworker, h.RegionCode)
	c, err := casework.New(casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
		Region: h.RegionCode, County: "440103", Channel: casework.Counter,
		Materials: []string{"application_form", "verification_authorisation"}}, town)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateApplication(uiCtx, registry.Scope{}, c); err != nil {
		t.Fatal(err)
	}
	version := 1
	step := func(env *casework.Env, act casework.Action, in casework.Input) {
		t.Helper()
		in.Version = version
		if _, err := e.db.Act(uiCtx, registry.Scope{}, c.App.ID, version, func(a casework.Application) (*casework.Change, error) {
			return casework.Apply(a, act, in, env, nil)
		}); err != nil {
			t.Fatalf("%s: %v", act, err)
		}
		version++
	}
	step(town, casework.Accept, casework.Input{})
	if decided.IsZero() {
		return
	}
	town = env(decided, "town1", auth.TownshipCaseworker, h.RegionCode)
	step(town, casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: accepted, Mode: "in_person", Visitors: "陈、李", Findings: "家庭收入高于申报"}})
	step(town, casework.FinishInvestigation, casework.Input{})
	step(town, casework.Propose, casework.Input{Opinion: "reject", Reason: "人均收入高于标准"})
	step(env(decided, "county", auth.CountyApprover, "440103"), casework.Reject, casework.Input{Reason: "家庭人均收入高于当地低保标准"})
}

// handlingStats is the API's answer.
type handlingStats struct {
	Region, From, To string
	Totals           []casework.HandlingStat
	Rows             []struct {
		casework.HandlingStat
		RegionName string `json:"region_name"`
	}
}

// TestHandlingDashboard decides applications in two townships, one of
// them late, leaves one long past its limit open, and reads the numbers
// from the API and the page.
func TestHandlingDashboard(t *testing.T) {
	e := newUIEnv(t)
	today := civil.Today()
	town0, town1 := e.towns[0], e.towns[1]
	cal := calendar.Embedded()
	// Township 0: decided within the limit; open and 70 days old (the
	// Dibao limit is 30 working days).
	handledApplication(t, e, e.household(town0.Code, "甲一"), today.AddDays(-14), today)
	handledApplication(t, e, e.household(town0.Code, "甲二"), today.AddDays(-70), civil.Date{})
	// Township 1: one decided within the limit, one 100 days after
	// acceptance.
	handledApplication(t, e, e.household(town1.Code, "乙一"), today.AddDays(-7), today)
	handledApplication(t, e, e.household(town1.Code, "乙二"), today.AddDays(-100), today)
	wd := func(days int) float64 { return float64(cal.WorkdaysBetween(today.AddDays(-days), today)) }

	county := e.login("county")
	var got handlingStats
	r := county.get("/api/v1/stats/handling")
	if r.status != 200 {
		t.Fatalf("API: got %d\n%s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Region != "440103" || got.From != civil.D(today.Year, 1, 1).String() || got.To != today.String() {
		t.Errorf("got region %s from %s to %s, want the jurisdiction from 1 January to today", got.Region, got.From, got.To)
	}
	if len(got.Totals) != 1 {
		t.Fatalf("got totals %+v, want one for Dibao", got.Totals)
	}
	tot := got.Totals[0]
	if tot.Program != policy.Dibao || tot.Region != "440103" || tot.Decided != 3 || tot.WithLimit != 3 || tot.OnTime != 2 || tot.OpenOverdue != 1 {
		t.Errorf("got totals %+v, want 3 decided, 2 on time, 1 open overdue", tot)
	}
	if want := (wd(14) + wd(7) + wd(100)) / 3; tot.AvgWorkdays != want || want <= 0 {
		t.Errorf("got average %v working days, want %v", tot.AvgWorkdays, want)
	}
	// Rows come by region code, then program.
	if len(got.Rows) != 2 || got.Rows[0].Region != town0.Code || got.Rows[1].Region != town1.Code {
		t.Fatalf("got rows %+v, want one per township", got.Rows)
	}
	if a := got.Rows[0]; a.RegionName != town0.Name || a.Decided != 1 || a.OnTimeShare != 1 || a.OpenOverdue != 1 || a.AvgWorkdays != wd(14) {
		t.Errorf("township 0: got %+v, want 1 decided on time in %v working days, 1 open overdue", a, wd(14))
	}
	if b := got.Rows[1]; b.RegionName != town1.Name || b.Decided != 2 || b.OnTimeShare != 0.5 || b.OpenOverdue != 0 {
		t.Errorf("township 1: got %+v, want 2 decided, half on time", b)
	}

	// A township's caseworker sees their own township only.
	r = e.login("town1").get("/api/v1/stats/handling")
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 {
		t.Fatalf("township: got %d %v", r.status, err)
	}
	if got.Region != town0.Code || len(got.Totals) != 1 || got.Totals[0].Decided != 1 || got.Totals[0].OpenOverdue != 1 {
		t.Errorf("township 0's own numbers: got %+v", got)
	}
	// Its page: the totals; no table per village, none being imported.
	r = e.login("town1").get("/dashboard")
	mustContain(t, r, `id="total-dibao"`, town0.Name)
	if strings.Contains(r.body, `id="regions"`) || strings.Contains(r.body, town1.Name) {
		t.Error("township 0's page has a table of regions, or shows township 1")
	}
	town2 := e.login("town2")
	for _, path := range []string{"/api/v1/stats/handling?region=" + town0.Code, "/api/v1/stats/handling?region=440103",
		"/dashboard?region=" + town0.Code, "/dashboard?region=x"} {
		if r := town2.get(path); r.status != 404 {
			t.Errorf("township 1 asks %s: got %d, want 404", path, r.status)
		}
	}

	// Bad dates name the parameter.
	for _, c := range []struct{ query, field string }{
		{"from=2025-13-01", "from"}, {"to=yesterday", "to"}, {"from=2025-06-01&to=2025-05-31", "from"},
	} {
		var ae struct{ Error struct{ Code, Field string } }
		r := county.get("/api/v1/stats/handling?" + c.query)
		if err := json.Unmarshal([]byte(r.body), &ae); err != nil || r.status != 422 || ae.Error.Field != c.field {
			t.Errorf("%s: got %d %+v, want 422 naming %s", c.query, r.status, ae, c.field)
		}
	}

	// The page: totals, a row per township with its drill-down, the bars.
	r = county.get("/dashboard")
	if r.status != 200 {
		t.Fatalf("page: got %d\n%s", r.status, r.body)
	}
	drill := "/dashboard?region=" + town0.Code + "&from=" + civil.D(today.Year, 1, 1).String() + "&to=" + today.String()
	mustContain(t, r, "<h1>办理统计</h1>", `class="active" aria-current="page">办理统计<`, `id="total-dibao"`,
		`href="`+html.EscapeString(drill)+`">`+town0.Name+`</a>`, town1.Name, "最低生活保障", "不是政策标准", "低于 80% 显示红色",
		`<div class="table-wrap">`, `<option value="`+town0.Code+`">`+town0.Name+`</option>`)
	if row := tableRow(r.body, "row-"+town0.Code+"-dibao"); !strings.Contains(row, `class="share-fill share-ok" width="100.0"`) || !strings.Contains(row, "100%") {
		t.Errorf("township 0's row: got %s, want a full green bar", row)
	}
	if row := tableRow(r.body, "row-"+town1.Code+"-dibao"); !strings.Contains(row, `class="share-fill share-low" width="50.0"`) || !strings.Contains(row, "50%") {
		t.Errorf("township 1's row: got %s, want a red bar at half", row)
	}
	if row := tableRow(r.body, "total-dibao"); !strings.Contains(row, `<td class="num decided">3</td>`) || !strings.Contains(row, `<td class="num open-overdue late">1</td>`) {
		t.Errorf("the totals: got %s", row)
	}
	if strings.Contains(r.body, `style="`) || strings.Contains(r.body, "<style") {
		t.Error("the page has an inline style, which the CSP blocks")
	}
	if strings.Contains(r.body, `id="dashboard-empty"`) {
		t.Error("the page says nothing was decided")
	}

	// Drilling down to township 0, and back up.
	r = county.get(drill)
	mustContain(t, r, town0.Name, `<option value="`+town0.Code+`" selected>`, `id="up"`, `返回`)
	if strings.Contains(r.body, "row-"+town1.Code) {
		t.Error("township 0's dashboard shows township 1")
	}

	// Nothing decided in a past year: the empty state; the open overdue
	// application still counts.
	r = county.get("/dashboard?from=2001-01-01&to=2001-12-31")
	mustContain(t, r, `id="dashboard-empty"`, "所选期间内没有办结的申请")
	if row := tableRow(r.body, "total-dibao"); !strings.Contains(row, `<td class="num open-overdue late">1</td>`) {
		t.Errorf("the past year's totals: got %s, want the open overdue one", row)
	}

	// A bad date on the page: 422, the message beside the field, no table.
	r = county.get("/dashboard?to=2025-02-30")
	if r.status != 422 || !strings.Contains(r.body, `id="f-to-err"`) || strings.Contains(r.body, `id="totals"`) {
		t.Errorf("a bad date: got %d, or no message beside it, or a table", r.status)
	}

	// English on request.
	r = county.get("/dashboard?lang=en")
	mustContain(t, r, "<h1>Handling times</h1>", "Average working days", "On time", "Open and overdue", "Dibao",
		"display thresholds, not policy", "All of my jurisdiction")
	if strings.Contains(r.body, "办理统计") || strings.Contains(r.body, "最低生活保障") {
		t.Error("the English page shows Chinese labels")
	}
}
