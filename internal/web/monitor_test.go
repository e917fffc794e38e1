package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

func TestAPIMonitorRules(t *testing.T) {
	e := newVerifyEnv(t)
	var apiErr struct {
		Error struct{ Code, Message, Field string }
	}
	bad := map[string]any{"code": "oops", "zh": "拼错", "expression": "household.incom > 1", "region": "440103", "severity": "high", "side": "need", "action": "visit"}
	if st := e.json("county", "POST", "/api/v1/monitor/rules", bad, &apiErr); st != http.StatusUnprocessableEntity || !strings.Contains(apiErr.Error.Message, "第 1 行第 11 列") {
		t.Fatalf("a rule that does not compile: %d %+v", st, apiErr)
	}
	far := map[string]any{"code": "far", "zh": "外县", "expression": "person.deceased", "region": "440104", "severity": "high", "side": "exit", "action": "review"}
	if st := e.json("county", "POST", "/api/v1/monitor/rules", far, &apiErr); st != http.StatusUnprocessableEntity || apiErr.Error.Field != "region" {
		t.Errorf("another county's rule: %d %+v", st, apiErr)
	}
	if st := e.json("verifier", "POST", "/api/v1/monitor/rules", far, nil); st != http.StatusForbidden {
		t.Errorf("a verification officer writes rules: %d", st)
	}
	// One household on Dibao in the county: a rule that fires for every
	// adult flags everyone, so activating it asks for confirmation.
	h := &registry.Household{RegionCode: e.town, Address: "华贵路1号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "欧一", IDNumber: idcard.Make("440103", civil.D(1966, 6, 6), 27)}}}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	var rule map[string]any
	all := map[string]any{"code": "adults", "zh": "成年人", "expression": "person.age >= 18", "region": "440103", "severity": "low", "side": "need", "action": "visit"}
	if st := e.json("county", "POST", "/api/v1/monitor/rules", all, &rule); st != http.StatusCreated || rule["active"] != false {
		t.Fatalf("add: %d %v", st, rule)
	}
	id := itoa(int64(rule["id"].(float64)))
	var dry map[string]any
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+id+"/dry-run", nil, &dry); st != http.StatusOK || dry["subjects"].(float64) != 0 {
		t.Fatalf("dry run with no one monitored: %d %v", st, dry)
	}
	var list []map[string]any
	if st := e.json("county", "GET", "/api/v1/monitor/rules", nil, &list); st != http.StatusOK || len(list) != 1 {
		t.Errorf("rules: %d %v", st, list)
	}
	act := map[string]any{"version": 1, "active": true}
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+id+"/activation", act, &rule); st != http.StatusOK || rule["active"] != true {
		t.Errorf("activate: %d %v", st, rule)
	}
	stale := map[string]any{"version": 1, "active": false}
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+id+"/activation", stale, &apiErr); st != http.StatusConflict {
		t.Errorf("a stale version: %d %+v", st, apiErr)
	}
}

// monitorEnroll registers a household of the township with members (each
// {relationship, name, birth}) and takes its Dibao application to
// approval the short way (the township proposes a rejection, the county
// approves with an amount), so that it is monitored. It returns the
// household's id.
func monitorEnroll(t *testing.T, e *verifyEnv, seq int, members ...monitorMember) int64 {
	t.Helper()
	var ms []any
	for i, m := range members {
		ms = append(ms, member(m.rel, m.name, m.birth, seq+i))
	}
	var h struct {
		ID      int64
		Members []struct{ Person struct{ ID int64 } }
	}
	if st := e.json("town1", "POST", "/api/v1/households", map[string]any{"region_code": e.town, "address": "恩宁路" + itoa(int64(seq)) + "号",
		"hukou_type": "urban", "members": ms}, &h); st != http.StatusCreated {
		t.Fatalf("household: %d", st)
	}
	var v appView
	if st := e.json("town1", "POST", "/api/v1/applications", map[string]any{"program": "dibao", "household_id": h.ID, "applicant_id": h.Members[0].Person.ID,
		"channel": "counter", "materials": []string{"application_form", "verification_authorisation"}}, &v); st != http.StatusCreated {
		t.Fatalf("application: %d", st)
	}
	for _, s := range []struct {
		user, action string
		in           map[string]any
	}{
		{"town1", "accept", nil},
		{"town1", "record_visit", map[string]any{"visit": map[string]any{"date": "2025-09-22", "mode": "in_person", "visitors": "甲", "findings": "属实"}}},
		{"town1", "finish_investigation", nil},
		{"town1", "propose", map[string]any{"opinion": "reject", "reason": "收入待县级核实"}},
		{"county", "confirm", map[string]any{"amount": 50000, "reason": "县级核实后认定"}},
	} {
		in := map[string]any{"version": v.Application.Version}
		for k, x := range s.in {
			in[k] = x
		}
		var ae apiError
		if st := e.json(s.user, "POST", "/api/v1/applications/"+itoa(v.Application.ID)+"/actions/"+s.action, in, &v); st != http.StatusOK {
			e.json(s.user, "POST", "/api/v1/applications/"+itoa(v.Application.ID)+"/actions/"+s.action, in, &ae)
			t.Fatalf("%s: %d %+v", s.action, st, ae)
		}
	}
	return h.ID
}

type monitorMember struct {
	rel, name string
	birth     civil.Date
}

// twoRecipients enrolls two Dibao households of six persons: one aged 60
// or more, two heads.
func twoRecipients(t *testing.T, e *verifyEnv) (int64, int64) {
	a := monitorEnroll(t, e, 61, monitorMember{"head", "甘一", civil.D(1958, 3, 1)}, monitorMember{"child", "甘二", civil.D(1990, 5, 5)})
	b := monitorEnroll(t, e, 71, monitorMember{"head", "麦一", civil.D(1980, 1, 1)}, monitorMember{"spouse", "麦二", civil.D(1982, 2, 2)},
		monitorMember{"child", "麦三", civil.D(2012, 3, 3)}, monitorMember{"child", "麦四", civil.D(2015, 4, 4)})
	return a, b
}

// TestAPIMonitorRuleConfirmation: a rule that flags more than 20% of the
// monitored persons is refused activation without confirm, with the
// numbers, and accepted with it; one under 20% needs none.
func TestAPIMonitorRuleConfirmation(t *testing.T) {
	e := newVerifyEnv(t)
	twoRecipients(t, e)
	add := func(code, expression string) (string, int) {
		t.Helper()
		var rule map[string]any
		body := map[string]any{"code": code, "zh": code, "expression": expression, "region": "440103", "severity": "medium", "side": "need", "action": "visit"}
		if st := e.json("county", "POST", "/api/v1/monitor/rules", body, &rule); st != http.StatusCreated {
			t.Fatalf("add %s: %d %v", code, st, rule)
		}
		return itoa(int64(rule["id"].(float64))), int(rule["version"].(float64))
	}
	heads, v := add("heads", "person.head") // 2 of 6: a third
	var dry map[string]any
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+heads+"/dry-run", nil, &dry); st != http.StatusOK ||
		dry["subjects"].(float64) != 6 || dry["hits"].(float64) != 2 || dry["needs_confirmation"] != true || len(dry["example_households"].([]any)) != 2 {
		t.Fatalf("dry run: %d %v", st, dry)
	}
	var apiErr struct {
		Error struct{ Code, Message, Field string }
	}
	act := map[string]any{"version": v, "active": true}
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+heads+"/activation", act, &apiErr); st != http.StatusConflict ||
		apiErr.Error.Field != "confirm" || apiErr.Error.Message != "该规则将对 2 名监测对象预警（共 6 名，超过20%）：请查看试运行结果后确认" {
		t.Fatalf("activation without confirm: %d %+v", st, apiErr)
	}
	var got map[string]any
	act["confirm"] = true
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+heads+"/activation", act, &got); st != http.StatusOK || got["active"] != true {
		t.Fatalf("activation with confirm: %d %v", st, got)
	}
	elderly, v := add("elderly", "person.age >= 60") // 1 of 6
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+elderly+"/activation", map[string]any{"version": v, "active": true}, &got); st != http.StatusOK || got["active"] != true {
		t.Errorf("a rule under 20%%: %d %v", st, got)
	}
	// The audit trail has the activation with the confirmation's user.
	var audit struct{ Items []map[string]any }
	if st := e.json("county", "GET", "/api/v1/audit?entity=monitor_rule&entity_id="+heads, nil, &audit); st != http.StatusOK || len(audit.Items) != 2 ||
		audit.Items[0]["username"] != "county" || audit.Items[0]["action"] != "update" {
		t.Errorf("audit of the rule: %d %v", st, audit)
	}
}

func TestAPIMonitorPopulation(t *testing.T) {
	e := newVerifyEnv(t)
	a, b := twoRecipients(t, e)
	var p struct {
		Region string
		Rows   []struct {
			Region, Name string
			Total        struct{ Households, Persons int }
			ByCategory   map[string]struct{ Households, Persons int } `json:"by_category"`
		}
		Total struct {
			Total struct{ Households, Persons int }
		}
	}
	if st := e.json("county", "GET", "/api/v1/monitor/population", nil, &p); st != http.StatusOK || p.Region != "440103" || len(p.Rows) != 1 ||
		p.Rows[0].Region != e.town || p.Rows[0].ByCategory["dibao"].Persons != 6 || p.Total.Total.Households != 2 {
		t.Fatalf("population: %d %+v", st, p)
	}
	var apiErr struct {
		Error struct{ Code, Message, Field string }
	}
	if st := e.json("county", "GET", "/api/v1/monitor/population?region=440104", nil, &apiErr); st != http.StatusUnprocessableEntity || apiErr.Error.Field != "region" {
		t.Errorf("another county: %d %+v", st, apiErr)
	}
	if st := e.json("verifier", "GET", "/api/v1/monitor/population", nil, nil); st != http.StatusForbidden {
		t.Errorf("a verification officer: %d", st)
	}
	var list struct {
		Items []struct {
			HouseholdID int64  `json:"household_id"`
			HeadName    string `json:"head_name"`
			Categories  []string
		}
		Next *int64
	}
	if st := e.json("town1", "GET", "/api/v1/monitor/population/households?region="+e.town+"&limit=1", nil, &list); st != http.StatusOK ||
		len(list.Items) != 1 || list.Items[0].HouseholdID != a || list.Items[0].HeadName != "甘一" || list.Next == nil {
		t.Fatalf("list: %d %+v", st, list)
	}
	after := *list.Next
	list.Next = nil
	if st := e.json("town1", "GET", "/api/v1/monitor/population/households?region="+e.town+"&category=dibao&after="+itoa(after), nil, &list); st != http.StatusOK ||
		len(list.Items) != 1 || list.Items[0].HouseholdID != b || list.Next != nil {
		t.Errorf("next page: %d %+v", st, list)
	}
	if st := e.json("county", "GET", "/api/v1/monitor/population/households?region=4401", nil, &apiErr); st != http.StatusUnprocessableEntity {
		t.Errorf("a list wider than the jurisdiction: %d %+v", st, apiErr)
	}
	if st := e.json("town1", "GET", "/api/v1/monitor/population/households?region="+e.town+"&category=nope", nil, &apiErr); st != http.StatusUnprocessableEntity || apiErr.Error.Field != "category" {
		t.Errorf("an unknown category: %d %+v", st, apiErr)
	}
}

// TestMonitorPages walks the rule editor and the population pages
// without a browser: a bad expression shows its position, the rule is
// saved, tried, refused activation without confirmation above 20% and
// activated with it; a stale version is refused; the counts drill down,
// download and list.
func TestMonitorPages(t *testing.T) {
	e := newVerifyEnv(t)
	a, _ := twoRecipients(t, e)
	c := loginAs(t, e.srv, "county")

	r := c.get("/monitor/rules/new")
	mustContain(t, r, `id="rule-form"`, "person.medical_oop_3m", "规则可用的名称", "household.disaster", "遭受自然灾害")
	form := url.Values{"code": {"heads"}, "zh": {"户主"}, "expression": {"person.head &&\nhousehold.incom > 1"}, "region": {"440103"},
		"severity": {"medium"}, "side": {"need"}, "action": {"visit"}}
	r = c.submit("/monitor/rules", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(fieldMessage(r.body, "expression"), "第 2 行第 11 列") {
		t.Fatalf("a bad expression: %d %q", r.status, fieldMessage(r.body, "expression"))
	}
	mustContain(t, r, `id="expr-mark"`, `household.<mark>i</mark>ncom &gt; 1`, `<span class="caret-pad" aria-hidden="true">household.</span>`, "第 11 列")
	form.Set("expression", "person.head")
	r = c.submit("/monitor/rules", form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/monitor/rules/") {
		t.Fatalf("save: %d %s", r.status, r.location)
	}
	rule := strings.TrimSuffix(r.location, "?saved=saved")
	r = c.get(r.location)
	mustContain(t, r, "规则已保存", "未启用", `id="dry-run-form"`)
	r = c.submit(rule+"/dry-run", url.Values{})
	mustContain(t, r, `id="dry-hits">2<`, `id="dry-subjects">6<`, "33.3%", `id="confirm-warning"`, `href="/households/`+itoa(a)+`"`)
	r = c.submit(rule+"/activation", url.Values{"version": {"1"}, "active": {"1"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "该规则将对 2 名监测对象预警") || !strings.Contains(r.body, `name="confirm"`) {
		t.Fatalf("activation without confirmation: %d", r.status)
	}
	r = c.submit(rule+"/activation", url.Values{"version": {"1"}, "active": {"1"}, "confirm": {"1"}})
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "saved=on") {
		t.Fatalf("activation with confirmation: %d %s", r.status, r.location)
	}
	r = c.submit(rule+"/activation", url.Values{"version": {"1"}, "active": {"0"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "在您编辑期间，其他人修改了这条记录") {
		t.Errorf("a stale version: %d", r.status)
	}
	r = c.get("/monitor/rules?active=yes")
	mustContain(t, r, `id="rules"`, "户主", "已启用", `href="`+rule+`"`)
	if r = c.get("/monitor/rules?severity=high"); !strings.Contains(r.body, `id="no-rules"`) {
		t.Error("the severity filter")
	}
	// A national default rule: read-only for the county, which copies it
	// for itself.
	if _, err := e.db.SeedRules(verifyCtx); err != nil {
		t.Fatal(err)
	}
	r = c.get("/monitor/rules?scope=national&q=disaster")
	m := regexp.MustCompile(`href="/monitor/rules/(\d+)">遭受自然灾害`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("the national disaster rule is not listed:\n%s", r.body)
	}
	r = c.get("/monitor/rules/" + m[1])
	mustContain(t, r, `id="rule-view"`, `id="copy-rule"`, "person.head &amp;&amp; household.disaster")
	r = c.get("/monitor/rules/new?from=" + m[1])
	if v, _ := inputValue(r.body, "code"); v != "disaster" || !strings.Contains(r.body, `<option value="440103" selected>`) {
		t.Errorf("the copy's form: code %q", v)
	}

	// The counts of the county, its township, the list and the CSV.
	r = c.get("/monitor/population")
	mustContain(t, r, `id="row-`+e.town+`"`, `href="/monitor/population?region=`+e.town+`"`, "低保对象", `id="row-total"`)
	r = c.get("/monitor/population?region=" + e.town)
	mustContain(t, r, `id="crumbs"`, "荔湾区")
	r = c.get("/monitor/population/households?region=" + e.town + "&category=dibao")
	mustContain(t, r, `href="/households/`+itoa(a)+`"`, "甘一", "麦一")
	r = c.get("/monitor/population.csv")
	if r.status != http.StatusOK || !strings.Contains(r.body, e.town+",") || !strings.Contains(r.body, "低保对象 户数") || !strings.Contains(r.body, ",2,6,") {
		t.Errorf("CSV: %d %q", r.status, r.body)
	}
	if r = c.get("/monitor/population?region=440104"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("another county's counts: %d", r.status)
	}
	// In English.
	c.get("/lang/en?next=/")
	mustContain(t, c.get("/monitor/rules/new"), "Names a rule may use", "the head of the household", "true/false", "A new rule starts inactive.")
	mustContain(t, c.get("/monitor/population"), "Monitored population", "Dibao", "recently refused", "Each cell: households / persons")
	// A township caseworker reads the rules, writes none.
	tw := loginAs(t, e.srv, "town1")
	if r = tw.get(rule); r.status != http.StatusOK || strings.Contains(r.body, `id="rule-form"`) || !strings.Contains(r.body, `id="rule-view"`) {
		t.Errorf("the township's view of the rule: %d", r.status)
	}
	if r = tw.get("/monitor/rules/new"); r.status != http.StatusForbidden {
		t.Errorf("the township opens the new-rule form: %d", r.status)
	}
}
