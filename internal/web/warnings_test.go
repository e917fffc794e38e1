package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/web"
)

// monitorParams sets the county's monitoring parameters.
func monitorParams(t *testing.T, e *apiEnv) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	for _, p := range []policy.Param{{Key: "monitor.repeat.months", Text: "6"}, {Key: "monitor.warning.handle_wd", Text: "10"}} {
		p.Region, p.From, p.Source, p.Reason = "440103", civil.D(2020, 1, 1), "test", "the county's rules"
		if err := e.db.AddParam(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
}

// waitRun polls a monitoring run until it is no longer running.
func waitRun(t *testing.T, e *apiEnv, user string, id int64) map[string]any {
	t.Helper()
	var run map[string]any
	for range 100 {
		if code := e.do(user, "GET", "/api/v1/monitor/runs/"+itoa(id), nil, &run); code != http.StatusOK {
			t.Fatalf("run %d: %d", id, code)
		}
		if run["status"] != "running" {
			return run
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("run %d still running: %v", id, run)
	return nil
}

func TestAPIMonitoringRunAndWarnings(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	e.addUser("village", auth.VillageAssistant, e.towns[0].Code+"001")
	monitorParams(t, e) // before the server reads the parameters (it keeps them a while)
	hid, _ := approveViaCounty(t, e, 51)

	// A rule that finds every head: half the monitored persons, so its
	// activation needs confirmation.
	rule := map[string]any{"code": "head_check", "zh": "户主走访", "expression": "person.head", "region": "440103",
		"severity": "low", "side": "need", "action": "visit"}
	var saved map[string]any
	if code := e.do("county", "POST", "/api/v1/monitor/rules", rule, &saved); code != http.StatusCreated {
		t.Fatalf("rule: %d %v", code, saved)
	}
	rid := itoa(int64(saved["id"].(float64)))
	var ae apiError
	if code := e.do("county", "POST", "/api/v1/monitor/rules/"+rid+"/activation", map[string]any{"version": saved["version"], "active": true}, &ae); code != http.StatusConflict ||
		!strings.Contains(ae.Error.Message, "20%") {
		t.Fatalf("activation above 20%% without confirm: %d %+v", code, ae)
	}
	if code := e.do("county", "POST", "/api/v1/monitor/rules/"+rid+"/activation", map[string]any{"version": saved["version"], "active": true, "confirm": true}, &saved); code != http.StatusOK ||
		saved["active"] != true {
		t.Fatalf("activation with confirm: %d %v", code, saved)
	}

	// Starting runs: role, jurisdiction, then the county's own.
	if code := e.do("village", "POST", "/api/v1/monitor/runs", map[string]any{"region": "440103"}, nil); code != http.StatusForbidden {
		t.Errorf("a village assistant starts a run: %d", code)
	}
	if code := e.do("county", "POST", "/api/v1/monitor/runs", map[string]any{"region": "440104"}, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != "region" {
		t.Errorf("another county: %d %+v", code, ae)
	}
	var run map[string]any
	if code := e.do("county", "POST", "/api/v1/monitor/runs", map[string]any{"region": "440103"}, &run); code != http.StatusAccepted {
		t.Fatalf("run: %d %v", code, run)
	}
	run = waitRun(t, e, "county", int64(run["id"].(float64)))
	if run["status"] != "done" || run["raised"].(float64) != 1 || run["total"].(float64) != 1 || run["persons"].(float64) != 2 {
		t.Fatalf("run: %v", run)
	}
	if code := e.do("county", "POST", "/api/v1/monitor/runs", map[string]any{"region": "440103"}, &run); code != http.StatusOK || run["again"] != true {
		t.Errorf("the same run again: %d %v", code, run)
	}

	// The township holds the warning; the other township does not see it.
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if code := e.do("town1", "GET", "/api/v1/monitor/warnings?held=me&status=open,visited", nil, &list); code != http.StatusOK || len(list.Items) != 1 ||
		int64(list.Items[0]["household_id"].(float64)) != hid || list.Items[0]["task_region"] != e.towns[0].Code {
		t.Fatalf("township's warnings: %d %v", code, list)
	}
	id := itoa(int64(list.Items[0]["id"].(float64)))
	if code := e.do("town2", "GET", "/api/v1/monitor/warnings/"+id, nil, nil); code != http.StatusNotFound {
		t.Errorf("another township reads the warning: %d", code)
	}
	if code := e.do("town1", "GET", "/api/v1/monitor/warnings?status=lost", nil, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != "status" {
		t.Errorf("a bad status: %d %+v", code, ae)
	}

	// Closing needs a visit; a review from the warning closes it.
	var w map[string]any
	e.do("town1", "GET", "/api/v1/monitor/warnings/"+id, nil, &w)
	if code := e.do("town1", "POST", "/api/v1/monitor/warnings/"+id+"/close", map[string]any{"version": w["version"], "outcome": "no_need", "note": "已核实"}, &ae); code != http.StatusUnprocessableEntity ||
		ae.Error.Field != "outcome" {
		t.Errorf("close before the visit: %d %+v", code, ae)
	}
	if code := e.do("village", "POST", "/api/v1/monitor/warnings/"+id+"/visit", map[string]any{"version": w["version"], "on": civil.Today().String(), "note": "x"}, nil); code != http.StatusNotFound {
		t.Errorf("a village assistant visits a household outside the village: %d", code)
	}
	if code := e.do("town1", "POST", "/api/v1/monitor/warnings/"+id+"/visit", map[string]any{"version": w["version"], "on": civil.Today().String(), "note": "入户核实：户主失业"}, &w); code != http.StatusOK ||
		w["status"] != "visited" {
		t.Fatalf("visit: %d %v", code, w)
	}
	var es []enrollmentJSON
	e.do("town1", "GET", "/api/v1/households/"+itoa(hid)+"/enrollments", nil, &es)
	if code := e.do("town1", "POST", "/api/v1/monitor/warnings/"+id+"/review", map[string]any{"version": w["version"], "enrollment_id": es[0].ID}, &w); code != http.StatusCreated ||
		w["status"] != "closed" || w["outcome"] != "review_started" || w["application_id"] == nil {
		t.Fatalf("review from the warning: %d %v", code, w)
	}
	var app appView
	if code := e.do("town1", "GET", "/api/v1/applications/"+itoa(int64(w["application_id"].(float64))), nil, &app); code != http.StatusOK {
		t.Errorf("the review: %d", code)
	}
	if code := e.do("town1", "POST", "/api/v1/monitor/warnings/"+id+"/visit", map[string]any{"version": w["version"], "on": civil.Today().String(), "note": "again"}, &ae); code != http.StatusConflict {
		t.Errorf("a visit on a closed warning: %d", code)
	}
}

func TestUIMonitoringRunAndWarning(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	monitorParams(t, e)
	hid, _ := approveViaCounty(t, e, 61)
	rule := map[string]any{"code": "head_check", "zh": "户主走访", "expression": "person.head", "region": "440103",
		"severity": "high", "side": "need", "action": "visit"}
	var saved map[string]any
	e.do("county", "POST", "/api/v1/monitor/rules", rule, &saved)
	e.do("county", "POST", "/api/v1/monitor/rules/"+itoa(int64(saved["id"].(float64)))+"/activation",
		map[string]any{"version": saved["version"], "active": true, "confirm": true}, &saved)

	county := loginAs(t, e.srv, "county")
	r := county.get("/monitor/runs")
	mustContain(t, r, `id="run-form"`, `id="no-runs"`, "监测批次")
	r = county.submit("/monitor/runs", url.Values{"region": {"440104"}, "as_of": {civil.Today().String()}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("another county: %d", r.status)
	}
	r = county.submit("/monitor/runs", url.Values{"region": {"440103"}, "as_of": {civil.Today().String()}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("start: %d %s", r.status, section(r.body, "start"))
	}
	var runs []map[string]any
	e.do("county", "GET", "/api/v1/monitor/runs", nil, &runs)
	waitRun(t, e, "county", int64(runs[0]["id"].(float64)))
	mustContain(t, county.get("/monitor/runs"), "已完成", `href="/monitor/warnings?run=`)

	town := loginAs(t, e.srv, "town1")
	r = town.get("/monitor/warnings")
	mustContain(t, r, "我的待办", "户主走访", `id="warning-`)
	var list struct {
		Items []map[string]any `json:"items"`
	}
	e.do("town1", "GET", "/api/v1/monitor/warnings", nil, &list)
	id := itoa(int64(list.Items[0]["id"].(float64)))
	page := "/monitor/warnings/" + id
	r = town.get(page)
	mustContain(t, r, "规则所见情况", "person.head", `href="/households/`+itoa(hid)+`"`, `id="visit-form"`, `id="close-form"`, `id="review-form"`, "请先登记入户核实")
	r = town.submit(page+"/close", url.Values{"version": {"1"}, "outcome": {"no_need"}, "close_note": {"无需"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请先登记入户核实再办结预警") {
		t.Errorf("close before the visit: %d", r.status)
	}
	r = town.submit(page+"/visit", url.Values{"version": {"1"}, "on": {civil.Today().String()}, "note": {""}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写核实情况") {
		t.Errorf("a visit without a note: %d", r.status)
	}
	r = town.submit(page+"/visit", url.Values{"version": {"1"}, "on": {civil.Today().String()}, "note": {"入户核实，生活平稳"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("visit: %d %s", r.status, section(r.body, "visit"))
	}
	r = town.submit(page+"/close", url.Values{"version": {"2"}, "outcome": {"no_need"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写原因") {
		t.Errorf("no need without a reason: %d", r.status)
	}
	r = town.submit(page+"/close", url.Values{"version": {"2"}, "outcome": {"no_need"}, "close_note": {"家庭收入稳定，无需救助"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	mustContain(t, town.get(r.location), "经核实无需救助", "家庭收入稳定，无需救助", `id="outcome-record"`)
}

func TestMonthlyMonitoringRuns(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	monitorParams(t, e)
	approveViaCounty(t, e, 71)
	s := web.New(e.db, auth.NewService(e.db), slog.New(slog.DiscardHandler))
	today := civil.Today()
	if n, err := s.ScheduleMonitorRuns(context.Background(), today); err != nil || n != 0 {
		t.Fatalf("without an active rule: %d %v", n, err)
	}
	rule := map[string]any{"code": "head_check", "zh": "户主走访", "expression": "person.head", "region": "440103",
		"severity": "low", "side": "need", "action": "visit"}
	var saved map[string]any
	e.do("county", "POST", "/api/v1/monitor/rules", rule, &saved)
	e.do("county", "POST", "/api/v1/monitor/rules/"+itoa(int64(saved["id"].(float64)))+"/activation",
		map[string]any{"version": saved["version"], "active": true, "confirm": true}, &saved)
	if n, err := s.ScheduleMonitorRuns(context.Background(), today); err != nil || n != 1 {
		t.Fatalf("the month's run: %d %v", n, err)
	}
	if n, _ := s.ScheduleMonitorRuns(context.Background(), today.AddDays(1)); n != 0 {
		t.Errorf("a second run in the month: %d", n)
	}
	var runs []map[string]any
	if e.do("county", "GET", "/api/v1/monitor/runs", nil, &runs); len(runs) != 1 || runs[0]["scheduled"] != true || runs[0]["raised"].(float64) != 1 ||
		runs[0]["started_by"] != "system" {
		t.Errorf("runs: %v", runs)
	}
}
