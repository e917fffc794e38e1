package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
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

// fileForm is a filled filing form for household h: Dibao, at the counter,
// the head applying, with the application form handed in.
func fileForm(h *registry.Household) url.Values {
	return url.Values{"program": {"dibao"}, "applicant_id": {strconv.FormatInt(h.Members[0].Person.ID, 10)},
		"channel": {"counter"}, "materials": {"application_form"}, "reason": {"户主失业，孩子残疾"}}
}

// fileApplication files a Dibao application for h through the form and
// returns the application page's path.
func fileApplication(t *testing.T, c *uiClient, h *registry.Household) string {
	t.Helper()
	path := "/households/" + strconv.FormatInt(h.ID, 10) + "/apply"
	c.get(path)
	r := c.submit(path, fileForm(h))
	if r.status != 303 || !regexp.MustCompile(`^/applications/\d+\?saved=file$`).MatchString(r.location) {
		t.Fatalf("file: got %d to %q, want 303 to the application\n%s", r.status, r.location, r.body)
	}
	return strings.TrimSuffix(r.location, "?saved=file")
}

// version is the version the page's forms post.
func version(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no form with the application's version")
	}
	return m[1]
}

// act posts one action's form from the application page as shown now.
func act(t *testing.T, c *uiClient, app, action string, form url.Values) response {
	t.Helper()
	r := c.get(app)
	if !strings.Contains(r.body, `id="form-`+action+`"`) {
		t.Fatalf("the page offers no %s form (status %d)", action, r.status)
	}
	if form.Get("version") == "" {
		form.Set("version", version(t, r.body))
	}
	return c.submit(app+"/actions/"+action, form)
}

func TestUIApplicationFile(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "黄大")
	c := e.login("town1")
	home := "/households/" + strconv.FormatInt(h.ID, 10)
	apply := home + "/apply"
	if r := c.get(home); !strings.Contains(r.body, `href="`+apply+`"`) || !strings.Contains(r.body, "申请救助") {
		t.Fatal("the household page has no link to apply")
	}
	if r := e.login("hotline").get(home); strings.Contains(r.body, `href="`+apply+`"`) {
		t.Error("a hotline operator is offered to file an application")
	}
	if r := e.login("hotline").get(apply); r.status != 403 {
		t.Errorf("hotline: got %d, want 403", r.status)
	}

	r := c.get(apply)
	if r.status != 200 {
		t.Fatalf("the form: got %d", r.status)
	}
	mustContain(t, r, `<option value="dibao">最低生活保障</option>`, `<option value="urgent">急难型</option>`,
		`<option value="entrusted">委托代为申请</option>`, `value="verification_authorisation"`, "家庭经济状况核对授权书")
	// The preview: the same verdict as the eligibility page (2 × 1120).
	if row := tableRow(r.body, "program-dibao"); !strings.Contains(row, "符合") || !strings.Contains(row, "2240.00") {
		t.Errorf("the preview's Dibao row: got %s", row)
	}

	// Entrusted without naming the agent: everything typed comes back.
	form := fileForm(h)
	form.Set("channel", "entrusted")
	form.Set("entrustment.agent_relation", "邻居")
	form.Set("near_relative", "1")
	form.Set("near_relative.staff_name", "黄小")
	form.Set("near_relative.staff_role", "村委会委员")
	form.Set("near_relative.relation", "兄弟姐妹")
	r = c.submit(apply, form)
	if r.status != 422 {
		t.Fatalf("entrusted without an agent: got %d, want 422", r.status)
	}
	if m := fieldMessage(r.body, "entrustment.agent_name"); !strings.Contains(m, "受托人") {
		t.Errorf("the agent's message: got %q", m)
	}
	for name, want := range map[string]string{"entrustment.agent_relation": "邻居", "near_relative.staff_name": "黄小",
		"near_relative.staff_role": "村委会委员", "near_relative.relation": "兄弟姐妹"} {
		if got, _ := inputValue(r.body, name); got != want {
			t.Errorf("%s: got %q, want %q kept", name, got, want)
		}
	}
	mustContain(t, r, `id="form-errors"`, `<option value="dibao" selected>`, `<option value="entrusted" selected>`,
		`value="application_form" checked`, `name="near_relative" value="1" checked`, "户主失业，孩子残疾</textarea>")
	if strings.Contains(r.body, `value="verification_authorisation" checked`) {
		t.Error("a material not ticked comes back ticked")
	}
	// The preview marks the program chosen.
	if row := tableRow(r.body, "program-dibao"); !strings.Contains(row, "applies") {
		t.Errorf("the chosen program is not marked: %s", row)
	}

	// Filed at the counter.
	app := fileApplication(t, c, h)
	r = c.get(app + "?saved=file")
	mustContain(t, r, "申请已登记", "待受理", "最低生活保障", h.Number, "黄大", "户籍地申请", civil.Today().String(),
		`id="form-accept"`, `id="form-request_materials"`, `id="form-withdraw"`)
	if m := section(r.body, "materials"); !strings.Contains(m, `id="missing"`) || !strings.Contains(m, "家庭经济状况核对授权书") {
		t.Errorf("the missing material is not named: %s", m)
	}
	// A second open Dibao application for the household is refused.
	path := "/households/" + strconv.FormatInt(h.ID, 10) + "/apply"
	if r := c.submit(path, fileForm(h)); r.status != 409 || !strings.Contains(r.body, "已有在办") && !strings.Contains(r.body, "已有一件") {
		t.Errorf("a second Dibao application: got %d", r.status)
	}

	// Another township does not see it; the county sees it, with no action
	// of its own at this step; the hotline only reads.
	if r := e.login("town2").get(app); r.status != 404 {
		t.Errorf("another township: got %d, want 404", r.status)
	}
	if r := e.login("county").get(app); r.status != 200 || !strings.Contains(r.body, `id="no-actions"`) || strings.Contains(r.body, `id="form-accept"`) {
		t.Errorf("the county: got %d, or an accept form", r.status)
	}
	if r := e.login("hotline").get(app); r.status != 200 || strings.Contains(r.body, "<form method=\"post\" action=\""+app) {
		t.Errorf("the hotline: got %d, or an action form", r.status)
	}
	if r := e.login("town2").submit(app+"/actions/withdraw", url.Values{"version": {"1"}, "reason": {"x"}}); r.status != 404 {
		t.Errorf("another township acts: got %d, want 404", r.status)
	}
}

func TestUIApplicationNearRelative(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "梁大")
	c := e.login("town1")
	path := "/households/" + strconv.FormatInt(h.ID, 10) + "/apply"
	c.get(path)
	form := fileForm(h)
	form.Set("channel", "entrusted")
	form.Set("entrustment.agent_name", "梁二")
	form.Set("entrustment.agent_relation", "兄弟")
	form.Set("near_relative", "1")
	form.Set("near_relative.staff_name", "梁小")
	form.Set("near_relative.staff_role", "村委会委员")
	form.Set("near_relative.relation", "子女")
	r := c.submit(path, form)
	if r.status != 303 {
		t.Fatalf("file: got %d\n%s", r.status, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, `id="near-relative"`, "单独登记备案", "梁小", "村委会委员", `id="county-visit"`, "须县级入户调查", "委托代为申请", "梁二")
	// An entrusted application needs the letter of entrustment.
	if m := section(r.body, "materials"); !strings.Contains(m, "委托书") {
		t.Errorf("the entrustment is not among the missing materials: %s", m)
	}

	// Temporary assistance needs its type; an urgent one may be paid first.
	form = fileForm(h)
	form.Set("program", "linshi")
	r = c.submit(path, form)
	if r.status != 422 || fieldMessage(r.body, "kind") == "" {
		t.Fatalf("Linshi without a type: got %d, message %q", r.status, fieldMessage(r.body, "kind"))
	}
	form.Set("kind", "urgent")
	if r = c.submit(path, form); r.status != 303 {
		t.Fatalf("Linshi: got %d\n%s", r.status, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, "临时救助 · 急难型", `id="form-assist_first"`, `name="amount"`)
}

func TestUIApplicationActions(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "黄一")
	c := e.login("town1")
	app := fileApplication(t, c, h)

	// The town's inbox holds the acceptance, with its due date.
	var view struct {
		Application struct{ Version int }
		Tasks       []struct {
			ID   int64
			Step string
			Due  string
		}
	}
	api := "/api/v1" + app
	if err := json.Unmarshal([]byte(c.get(api).body), &view); err != nil || len(view.Tasks) != 1 {
		t.Fatalf("the API's view: %v %+v", err, view)
	}
	r := c.get("/inbox")
	row := tableRow(r.body, "task-"+strconv.FormatInt(view.Tasks[0].ID, 10))
	due := view.Tasks[0].Due
	if due == "" {
		due = "无期限" // Guangzhou sets no acceptance limit (workflow.accept_wd)
	}
	for _, want := range []string{due, "受理或告知补正", "最低生活保障", "黄一", h.Number, `href="` + app + `"`} {
		if !strings.Contains(row, want) {
			t.Errorf("the inbox row lacks %q:\n%s", want, row)
		}
	}
	mustContain(t, r, `id="count-shown">1<`, `id="count-overdue">0<`, `href="/inbox" class="active"`)

	// Accepting with a material missing names it beside the materials.
	r = act(t, c, app, "accept", url.Values{})
	if r.status != 422 {
		t.Fatalf("accept with a material missing: got %d, want 422", r.status)
	}
	if m := fieldMessage(r.body, "accept.materials"); !strings.Contains(m, "家庭经济状况核对授权书") {
		t.Errorf("got materials message %q, want the missing one named", m)
	}
	mustContain(t, r, `<details class="subform" id="act-accept" open>`)

	// Accepted; someone acting on the version before gets the conflict.
	r = act(t, c, app, "accept", url.Values{"materials": {"verification_authorisation"}})
	if r.status != 303 || r.location != app+"?saved=accept" {
		t.Fatalf("accept: got %d to %q\n%s", r.status, r.location, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, "已办理：受理", "调查核实", "剩余 30 个工作日", `id="form-record_visit"`)
	r = c.submit(app+"/actions/withdraw", url.Values{"version": {"1"}, "reason": {"申请人要求"}})
	if r.status != 409 {
		t.Fatalf("a stale version: got %d, want 409", r.status)
	}
	mustContain(t, r, "此申请已被他人处理，请查看最新状态", `id="state-name">调查核实<`)
	if strings.Contains(r.body, "已撤回") {
		t.Error("the stale withdrawal was applied")
	}

	// A visit without findings: the message beside the field, the rest kept.
	r = act(t, c, app, "record_visit", url.Values{"visit.date": {civil.Today().String()}, "visit.mode": {"in_person"}, "visit.visitors": {"黄、李"}})
	if r.status != 422 {
		t.Fatalf("a visit without findings: got %d", r.status)
	}
	if m := fieldMessage(r.body, "record_visit.visit.findings"); m == "" {
		t.Error("no message beside the findings")
	}
	if v, _ := inputValue(r.body, "visit.visitors"); v != "黄、李" {
		t.Errorf("the visitors typed were lost: got %q", v)
	}
	mustContain(t, r, `<option value="in_person" selected>`)

	for _, step := range []struct {
		action string
		form   url.Values
	}{
		{"record_visit", url.Values{"visit.date": {civil.Today().String()}, "visit.mode": {"in_person"}, "visit.visitors": {"黄、李"}, "visit.findings": {"家庭收入高于申报"}}},
		{"finish_investigation", url.Values{}},
		{"propose", url.Values{"opinion": {"reject"}, "reason": {"人均收入高于标准"}}},
	} {
		if r := act(t, c, app, step.action, step.form); r.status != 303 {
			t.Fatalf("%s: got %d\n%s", step.action, r.status, r.body)
		}
	}
	r = c.get(app)
	tl := section(r.body, "timeline")
	for _, want := range []string{"入户调查", "家庭收入高于申报", "黄、李", "实地入户", "乡镇审核意见", "不同意", "人均收入高于标准", "town1"} {
		if !strings.Contains(tl, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	mustContain(t, r, `id="state-name">县级确认<`)
	if strings.Contains(r.body, `id="form-confirm"`) {
		t.Error("the township is offered the county's confirmation")
	}

	// The county approver's inbox holds the confirmation, with its due date.
	county := e.login("county")
	if err := json.Unmarshal([]byte(county.get(api).body), &view); err != nil {
		t.Fatal(err)
	}
	var review struct {
		ID  int64
		Due string
	}
	for _, k := range view.Tasks {
		if k.Step == "county_review" {
			review.ID, review.Due = k.ID, k.Due
		}
	}
	if review.ID == 0 || review.Due == "" {
		t.Fatalf("no county_review task with a due date: %+v", view.Tasks)
	}
	r = county.get("/inbox")
	row = tableRow(r.body, "task-"+strconv.FormatInt(review.ID, 10))
	for _, want := range []string{review.Due, "审核确认", "黄一", h.Number, `href="` + app + `"`} {
		if !strings.Contains(row, want) {
			t.Errorf("the county's inbox row lacks %q:\n%s", want, row)
		}
	}
	if r := c.get("/inbox"); !strings.Contains(r.body, `id="inbox-empty"`) {
		t.Error("the township's inbox still holds the application")
	}

	// The county sees the engine's verdict before confirming, and rejects.
	r = county.get(app)
	mustContain(t, r, `id="form-confirm"`, `id="form-reject"`, `id="engine"`, `id="engine-amount">2,240.00<`)
	r = act(t, county, app, "reject", url.Values{})
	if r.status != 422 || fieldMessage(r.body, "reject.reason") == "" {
		t.Fatalf("reject without reasons: got %d, message %q", r.status, fieldMessage(r.body, "reject.reason"))
	}
	if r := act(t, county, app, "reject", url.Values{"reason": {"家庭人均收入高于当地低保标准"}}); r.status != 303 {
		t.Fatalf("reject: got %d", r.status)
	}
	r = county.get(app)
	mustContain(t, r, `id="decision"`, "不予批准", `id="decision-reasons">家庭人均收入高于当地低保标准<`)

	// English, by ?lang and by the language switch.
	r = county.get("/inbox?lang=en")
	mustContain(t, r, "Inbox", "Nothing is waiting for you.")
	r = c.get("/inbox?lang=en")
	mustContain(t, r, "Deliver the written rejection", "Inbox", "working days left")
	c.get("/lang/en")
	r = c.get(app)
	mustContain(t, r, "Rejected", "Dibao", "Township&#39;s opinion", "Record delivery of the rejection", "History")
	if strings.Contains(r.body, "不予批准") {
		t.Error("the English page shows Chinese labels")
	}
}

// caseEnv is the workflow's environment on day as actor, with the shipped
// parameters and the embedded calendar.
func caseEnv(t *testing.T, day civil.Date, now time.Time, actor casework.Actor) *casework.Env {
	t.Helper()
	set, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return &casework.Env{Today: day, Now: now, Calendar: calendar.Embedded(), Params: set, Actor: actor}
}

// fileDirect files a as env's actor straight into the store, past the
// pages: for a filing on another day, or by a citizen on the portal.
func (e *uiEnv) fileDirect(env *casework.Env, a casework.Application) *casework.Change {
	e.t.Helper()
	c, err := casework.New(a, env)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.CreateApplication(uiCtx, registry.Scope{}, c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// TestUIInboxOverdue accepts an application ten weeks ago, so its
// investigation is long overdue, and escalates it to the county: the
// township's inbox marks it overdue by its working days, the county's
// marks it escalated.
func TestUIInboxOverdue(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "何一")
	past := civil.Today().AddDays(-70)
	env := caseEnv(t, past, past.In(civil.Shanghai).Add(9*time.Hour),
		casework.Actor{UserID: 1, Username: "town1", Role: auth.TownshipCaseworker, Region: e.towns[0].Code})
	c := e.fileDirect(env, casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
		Region: h.RegionCode, County: "440103", Channel: casework.Counter,
		Materials: []string{"application_form", "verification_authorisation"}})
	if _, err := e.db.Act(uiCtx, registry.Scope{}, c.App.ID, 1, func(a casework.Application) (*casework.Change, error) {
		return casework.Apply(a, casework.Accept, casework.Input{Version: 1}, env, nil)
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := e.db.EscalateOverdue(uiCtx, civil.Today()); err != nil || n != 1 {
		t.Fatalf("escalate: got %d, %v", n, err)
	}
	app := "/applications/" + strconv.FormatInt(c.App.ID, 10)
	r := e.login("town1").get("/inbox")
	mustContain(t, r, `id="count-overdue">1<`, `class="overdue"`)
	if row := section(r.body, "inbox"); !regexp.MustCompile(`已超期 \d+ 个工作日`).MatchString(row) || !strings.Contains(row, "调查核实") || strings.Contains(row, "已升级") {
		t.Errorf("the township's row: got %s", row)
	}
	r = e.login("county").get("/inbox")
	if row := section(r.body, "inbox"); !strings.Contains(row, "已升级") || !strings.Contains(row, `href="`+app+`"`) {
		t.Errorf("the county's row: got %s", row)
	}
	r = e.login("town1").get(app)
	if due := section(r.body, "details"); !regexp.MustCompile(`class="tag missing overdue">已超期 \d+ 个工作日`).MatchString(due) {
		t.Errorf("the application's limit is not marked overdue: %s", due)
	}
}
