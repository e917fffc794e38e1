package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/referral"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// chain is a county whose township household was approved for Dibao,
// warned about by a monitoring run (the warning visited and closed today),
// verified (a report) and referred to the county's disabled persons'
// federation: one of everything the timeline and the dashboard show.
type chain struct {
	*apiEnv
	household, warning, report, referral int64
}

func newChain(t *testing.T) *chain {
	t.Helper()
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	e.addUser("hotline", auth.HotlineOperator, "440103")
	monitorParams(t, e)
	c := &chain{apiEnv: e}
	c.household, _ = approveViaCounty(t, e, 81)

	rule := map[string]any{"code": "head_check", "zh": "户主走访", "en": "Visit the head", "expression": "person.head", "region": "440103",
		"severity": "low", "side": "need", "action": "visit"}
	var saved map[string]any
	if code := e.do("county", "POST", "/api/v1/monitor/rules", rule, &saved); code != http.StatusCreated {
		t.Fatalf("rule: %d %v", code, saved)
	}
	e.do("county", "POST", "/api/v1/monitor/rules/"+itoa(int64(saved["id"].(float64)))+"/activation",
		map[string]any{"version": saved["version"], "active": true, "confirm": true}, &saved)
	var run map[string]any
	if code := e.do("county", "POST", "/api/v1/monitor/runs", map[string]any{"region": "440103"}, &run); code != http.StatusAccepted {
		t.Fatalf("run: %d %v", code, run)
	}
	waitRun(t, e, "county", int64(run["id"].(float64)))
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if e.do("town1", "GET", "/api/v1/monitor/warnings", nil, &list); len(list.Items) != 1 {
		t.Fatalf("warnings: %v", list)
	}
	c.warning = int64(list.Items[0]["id"].(float64))
	var w map[string]any
	id := itoa(c.warning)
	today := civil.Today().String()
	e.do("town1", "POST", "/api/v1/monitor/warnings/"+id+"/visit", map[string]any{"version": 1, "on": today, "note": "入户核实，生活平稳"}, &w)
	if code := e.do("town1", "POST", "/api/v1/monitor/warnings/"+id+"/close", map[string]any{"version": w["version"], "outcome": "no_need", "note": "收入稳定"}, &w); code != http.StatusOK {
		t.Fatalf("close: %d %v", code, w)
	}

	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "town1"})
	h, err := e.db.Household(ctx, registry.Scope{}, c.household)
	if err != nil {
		t.Fatal(err)
	}
	a := &verify.Authorisation{HouseholdID: h.ID, County: h.CountyCode, SignedOn: civil.Today(), ValidUntil: civil.Today().AddMonths(12),
		Signers: []verify.Signer{{PersonID: h.Members[0].Person.ID, Name: h.Members[0].Person.Name}},
		Scan:    verify.Scan{Filename: "授权书.pdf", ContentType: "application/pdf", Size: 5, SHA256: "abc", Data: []byte("%PDF-")}}
	if err := e.db.AddAuthorisation(ctx, a); err != nil {
		t.Fatal(err)
	}
	rep := &verify.Report{HouseholdID: h.ID, County: h.CountyCode, AuthorisationID: a.ID, Period: verify.PeriodBefore(civil.Today(), 6),
		Discrepancies: []verify.Discrepancy{{Item: "income.wage", Declared: 0, Verified: 300000}}, CreatedBy: "verifier"}
	if err := e.db.SaveReport(ctx, rep); err != nil {
		t.Fatal(err)
	}
	c.report = rep.ID

	p := &referral.Partner{Name: "荔湾区残联", Kind: referral.KindDisabled, Region: "440103", Needs: []referral.Need{referral.NeedDisability}, Active: true}
	if err := e.db.CreatePartner(ctx, p); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ref := &referral.Referral{HouseholdID: h.ID, CountyCode: h.CountyCode, RegionCode: h.RegionCode, PartnerID: p.ID,
		Needs:   []referral.Need{referral.NeedDisability},
		Consent: referral.Consent{PersonID: h.Members[0].Person.ID, Name: h.Members[0].Person.Name, On: civil.Today(), Method: referral.ConsentSigned},
		Status:  referral.Sent, SentOn: civil.Today(), AcceptDue: civil.Today().AddDays(5), Role: auth.TownshipCaseworker, TaskRegion: h.RegionCode[:9],
		CreatedBy: "town1", CreatedAt: now, Actions: []referral.Action{{Kind: referral.ActSent, On: civil.Today(), By: "town1", At: now}}}
	if err := e.db.CreateReferral(ctx, ref); err != nil {
		t.Fatal(err)
	}
	c.referral = ref.ID
	return c
}

type timelineJSON struct {
	HouseholdID int64    `json:"household_id"`
	Kinds       []string `json:"kinds"`
	Items       []struct {
		On      string
		Kind    string
		Event   string
		ID      int64
		Summary string
		Link    string
	}
}

// events lists a timeline's entries as "kind event id".
func (tl timelineJSON) events() string {
	var out []string
	for _, it := range tl.Items {
		out = append(out, it.Kind+" "+it.Event+" "+itoa(it.ID))
	}
	return strings.Join(out, "; ")
}

func TestAPIHouseholdTimeline(t *testing.T) {
	c := newChain(t)
	path := "/api/v1/households/" + itoa(c.household) + "/timeline"
	var tl timelineJSON
	if code := c.do("town1", "GET", path, nil, &tl); code != http.StatusOK || tl.HouseholdID != c.household || len(tl.Kinds) != 5 {
		t.Fatalf("timeline: %d %+v", code, tl)
	}
	got := tl.events()
	for _, want := range []string{"warning raised " + itoa(c.warning), "warning visited", "warning closed", "application filed", "application approved",
		"verification issued " + itoa(c.report), "referral sent " + itoa(c.referral), "benefit started"} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline %s: no %q", got, want)
		}
	}
	// Newest first: the benefit starts next month; the warning was closed
	// after everything else that happened today.
	for i := 1; i < len(tl.Items); i++ {
		if tl.Items[i].On > tl.Items[i-1].On {
			t.Errorf("order: %s", got)
		}
	}
	if tl.Items[0].Kind != "benefit" || tl.Items[1].Event != "closed" {
		t.Errorf("order: %s", got)
	}
	summaries := map[string]string{}
	for _, it := range tl.Items {
		summaries[it.Kind+" "+it.Event] = it.Summary + " → " + it.Link
	}
	for k, want := range map[string]string{
		"warning raised":       "发出预警：户主走访（冯一） → /monitor/warnings/" + itoa(c.warning),
		"warning closed":       "预警办结（户主走访）：经核实无需救助",
		"application approved": "批准：最低生活保障，每月 500.00 元",
		"verification issued":  "差异 1 项 → /verification/reports/" + itoa(c.report),
		"referral sent":        "转介至荔湾区残联：残疾人服务 → /referrals/" + itoa(c.referral),
		"benefit started":      "每月 500.00 元 → /households/" + itoa(c.household) + "#enrollment-",
	} {
		if !strings.Contains(summaries[k], want) {
			t.Errorf("%s: got %q, want %q in it", k, summaries[k], want)
		}
	}
	var en timelineJSON
	c.do("town1", "GET", path+"?lang=en&kind=warning", nil, &en)
	if len(en.Items) != 3 || en.Items[0].Summary != "Warning closed (Visit the head): no need" || en.Items[2].Summary != "Warning raised: Visit the head, about 冯一" {
		t.Errorf("warnings in English: %+v", en.Items)
	}
	var some timelineJSON
	if c.do("town1", "GET", path+"?kind=referral,verification", nil, &some); some.events() != "verification issued "+itoa(c.report)+"; referral sent "+itoa(c.referral) &&
		some.events() != "referral sent "+itoa(c.referral)+"; verification issued "+itoa(c.report) {
		t.Errorf("two kinds: %s", some.events())
	}
	var ae apiError
	if code := c.do("town1", "GET", path+"?kind=payments", nil, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != "kind" {
		t.Errorf("an unknown kind: %d %+v", code, ae)
	}

	// Jurisdiction: another township does not find the household.
	if code := c.do("town2", "GET", path, nil, &ae); code != http.StatusNotFound {
		t.Errorf("another township: %d", code)
	}
	// A hotline operator reads applications, benefits and referrals, but
	// neither verification reports nor warnings.
	var hot timelineJSON
	if code := c.do("hotline", "GET", path, nil, &hot); code != http.StatusOK || strings.Contains(hot.events(), "verification") ||
		strings.Contains(hot.events(), "warning") || !strings.Contains(hot.events(), "referral sent") || !strings.Contains(hot.events(), "application approved") {
		t.Errorf("hotline: %d %s (kinds %v)", code, hot.events(), hot.Kinds)
	}
	if code := c.do("hotline", "GET", path+"?kind=verification", nil, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != "kind" {
		t.Errorf("hotline asks for reports: %d %+v", code, ae)
	}
}

func TestUIHouseholdTimeline(t *testing.T) {
	c := newChain(t)
	page := "/households/" + itoa(c.household)
	town := loginAs(t, c.srv, "town1")
	r := town.get(page)
	mustContain(t, r, `id="timeline"`, "救助链", `id="tl-warning-raised-`+itoa(c.warning)+`"`, `href="/monitor/warnings/`+itoa(c.warning)+`"`,
		`href="/verification/reports/`+itoa(c.report)+`"`, `href="/referrals/`+itoa(c.referral)+`"`, "发出预警：户主走访（冯一）", "待遇按决定的金额显示")
	r = town.get(page + "?kind=referral")
	mustContain(t, r, `id="tl-referral-sent-`+itoa(c.referral)+`"`, `<option value="referral" selected>`)
	if strings.Contains(r.body, `id="tl-warning-`) {
		t.Errorf("the referrals' filter shows warnings")
	}
	r = town.get(page + "?kind=payroll")
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="f-kind-err"`) || strings.Contains(r.body, `class="tl-item`) {
		t.Errorf("an unknown kind: %d", r.status)
	}
	if r := loginAs(t, c.srv, "town2").get(page); r.status != http.StatusNotFound {
		t.Errorf("another township: %d", r.status)
	}
	r = loginAs(t, c.srv, "hotline").get(page)
	mustContain(t, r, `id="timeline"`, `href="/referrals/`+itoa(c.referral)+`"`)
	if strings.Contains(r.body, "/verification/reports/") || strings.Contains(r.body, `id="tl-warning-`) || strings.Contains(r.body, `<option value="verification"`) {
		t.Errorf("the hotline operator sees reports or warnings")
	}
}
