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

// document returns the printed document of a page: the <article> with the
// id.
func document(body, id string) string {
	i := strings.Index(body, `<article class="print-doc`)
	if i < 0 || !strings.Contains(body[i:min(len(body), i+200)], `id="`+id+`"`) {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</article>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// investigated takes an application filed through the form to the
// township's review: accepted, visited, investigation finished.
func investigated(t *testing.T, c *uiClient, app string) {
	t.Helper()
	for _, step := range []struct {
		action string
		form   url.Values
	}{
		{"accept", url.Values{"materials": {"verification_authorisation"}}},
		{"record_visit", url.Values{"visit.date": {civil.Today().String()}, "visit.mode": {"in_person"}, "visit.visitors": {"陈、李"}, "visit.findings": {"情况属实"}}},
		{"finish_investigation", url.Values{}},
	} {
		if r := act(t, c, app, step.action, step.form); r.status != 303 {
			t.Fatalf("%s: got %d\n%s", step.action, r.status, r.body)
		}
	}
}

// minorHousehold stores a household whose only member is a child of ten.
func (e *uiEnv) minorHousehold(township, name string) *registry.Household {
	e.t.Helper()
	h := &registry.Household{RegionCode: township, Address: "华贵路" + strconv.Itoa(e.seq) + "号", HukouType: registry.Urban,
		Members: []registry.Member{{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1),
			Person: registry.Person{Name: name, IDNumber: e.idNumber(civil.Today().AddDays(-365 * 10))}}}}
	if err := e.db.CreateHousehold(uiCtx, registry.Scope{}, h); err != nil {
		e.t.Fatal(err)
	}
	return h
}

func TestUINotice(t *testing.T) {
	e := newUIEnv(t)
	town, other := e.towns[0], e.towns[1]
	h := e.household(town.Code, "欧阳小明")
	c := e.login("town1")
	app := fileApplication(t, c, h)
	investigated(t, c, app)

	// The township proposes its own amount, with the reason; the header
	// shows it.
	r := act(t, c, app, "propose", url.Values{"opinion": {"approve"}, "amount": {"1500"}})
	if r.status != 422 || fieldMessage(r.body, "propose.reason") == "" {
		t.Fatalf("another amount without a reason: got %d, message %q", r.status, fieldMessage(r.body, "propose.reason"))
	}
	if v, _ := inputValue(r.body, "amount"); v != "1500" {
		t.Errorf("the amount typed was lost: got %q", v)
	}
	if r := act(t, c, app, "propose", url.Values{"opinion": {"approve"}, "amount": {"1500"}, "reason": {"按实核定"}}); r.status != 303 {
		t.Fatalf("propose: got %d\n%s", r.status, r.body)
	}
	r = c.get(app)
	mustContain(t, r, `id="state-name">公示中<`, `id="proposed-amount">1,500.00<`, "拟保障金额（元）")

	// A minor's Tekun application is never publicised: the proposal goes
	// to the county without a notice; one recorded with a notice period
	// (imported from an older system) is left out all the same.
	kid := e.minorHousehold(town.Code, "王小宝")
	path := "/households/" + strconv.FormatInt(kid.ID, 10) + "/apply"
	form := fileForm(kid)
	form.Set("program", "tekun")
	if r := c.submit(path, form); r.status != 303 {
		t.Fatalf("file the minor's Tekun application: got %d\n%s", r.status, r.body)
	} else {
		minorApp := strings.TrimSuffix(r.location, "?saved=file")
		investigated(t, c, minorApp)
		if r := act(t, c, minorApp, "propose", url.Values{"opinion": {"approve"}, "amount": {"900"}, "reason": {"按实核定"}}); r.status != 303 {
			t.Fatalf("propose for the minor: got %d\n%s", r.status, r.body)
		}
		mustContain(t, c.get(minorApp), `id="state-name">县级确认<`, "未成年人，不予公示")
	}
	kid2 := e.minorHousehold(town.Code, "王小贝")
	env := townEnv(t, civil.Today(), town.Code)
	mc, err := casework.New(casework.Application{Program: policy.Tekun, HouseholdID: kid2.ID, ApplicantID: kid2.Members[0].Person.ID,
		Region: town.Code, County: "440103", Channel: casework.Counter, Minor: true}, env)
	if err != nil {
		t.Fatal(err)
	}
	mc.App.State, mc.App.Opinion, mc.App.NoticeFrom, mc.App.NoticeTo, mc.App.Notices = casework.Notice, "approve", civil.Today(), civil.Today().AddDays(6), 1
	if err := e.db.CreateApplication(uiCtx, registry.Scope{}, mc); err != nil {
		t.Fatal(err)
	}

	// The township's notice, this month by default.
	r = c.get("/notices")
	if r.status != 200 {
		t.Fatalf("/notices: got %d\n%s", r.status, r.body)
	}
	doc := document(r.body, "notice")
	for _, want := range []string{"低保等社会救助对象审核公示", town.Name, `id="group-dibao"`, "最低生活保障", "<td class=\"name\">欧**明</td>",
		`<td class="num">2</td>`, "1,500.00", "监督举报电话", "（盖章）", `id="complaint-phone-blank"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the notice lacks %q", want)
		}
	}
	member := h.Members[0].Person
	for _, banned := range []string{"欧阳小明", member.IDNumber, member.IDNumber[:6] + "*", h.Address, "13812345678", "肢体", "残疾", "王小", "王*", "特困"} {
		if strings.Contains(r.body, banned) {
			t.Errorf("the notice page shows %q", banned)
		}
	}
	mustContain(t, r, `href="/notices" class="active"`, `id="phone-missing"`, "请在政策参数中设置 notice.complaint_phone",
		`<option value="`+town.Code+`" selected>`, static(t, r.body, "print.css"))

	// With the county's complaint phone set, the notice prints it.
	setComplaintPhone(t, e)
	r = c.get("/notices")
	if doc := document(r.body, "notice"); !strings.Contains(doc, `id="complaint-phone">020-81234567<`) || strings.Contains(r.body, `id="phone-missing"`) {
		t.Errorf("the complaint phone is not printed, or still reported missing:\n%s", doc)
	}

	// The API: the same lines.
	var api struct {
		Township       string
		ComplaintPhone string `json:"complaint_phone"`
		Entries        []casework.NoticeEntry
	}
	from := civil.Today().AddDays(-3).String()
	r = c.get("/api/v1/notices?from=" + from + "&to=" + civil.Today().String())
	if err := json.Unmarshal([]byte(r.body), &api); err != nil || r.status != 200 {
		t.Fatalf("the API: got %d %v\n%s", r.status, err, r.body)
	}
	if len(api.Entries) != 1 || api.Township != town.Code || api.ComplaintPhone != "020-81234567" {
		t.Fatalf("the API: got %+v", api)
	}
	if en := api.Entries[0]; en.Name != "欧**明" || en.HouseholdSize != 2 || en.Program != policy.Dibao || en.Amount != 150000 ||
		en.From != civil.Today() || en.To != civil.Today().AddDays(6) || en.Notice != 1 {
		t.Errorf("the API's line: got %+v", en)
	}
	if strings.Contains(r.body, member.IDNumber) || strings.Contains(r.body, "欧阳小明") {
		t.Error("the API shows the ID number or the full name")
	}

	// Another township: its own notice is empty; the first one's is not
	// found, on the page and in the API.
	c2 := e.login("town2")
	if r := c2.get("/notices"); r.status != 200 || !strings.Contains(document(r.body, "notice"), `id="notice-empty"`) {
		t.Errorf("the other township's own notice: got %d", r.status)
	}
	if r := c2.get("/notices?township=" + town.Code); r.status != 404 || strings.Contains(r.body, "欧**明") {
		t.Errorf("another township's notice: got %d, want 404", r.status)
	}
	if r := c2.get("/api/v1/notices?township=" + town.Code); r.status != 404 {
		t.Errorf("another township's notice in the API: got %d, want 404", r.status)
	}
	// The county chooses among its townships.
	county := e.login("county")
	r = county.get("/notices")
	if r.status != 200 || document(r.body, "notice") != "" || !strings.Contains(r.body, `<option value="`+other.Code+`">`) {
		t.Errorf("the county without a township: got %d, or a notice, or no choice of townships", r.status)
	}
	if r := county.get("/notices?township=" + town.Code); !strings.Contains(document(r.body, "notice"), "欧**明") {
		t.Error("the county does not see the township's notice")
	}

	// A period that is not one is named beside its field.
	r = c.get("/notices?from=2025-13-01")
	if r.status != 422 || fieldMessage(r.body, "from") == "" || document(r.body, "notice") != "" {
		t.Errorf("a bad date: got %d, message %q", r.status, fieldMessage(r.body, "from"))
	}
	r = c.get("/notices?from=2025-09-30&to=2025-09-01")
	if r.status != 422 || !strings.Contains(fieldMessage(r.body, "to"), "早于") {
		t.Errorf("a period backwards: got %d, message %q", r.status, fieldMessage(r.body, "to"))
	}
	if r := c.get("/api/v1/notices?to=x"); r.status != 422 || !strings.Contains(r.body, `"field":"to"`) {
		t.Errorf("the API with a bad date: got %d\n%s", r.status, r.body)
	}

	// English.
	r = c.get("/notices?lang=en")
	doc = document(r.body, "notice")
	for _, want := range []string{"Public notice of the review of applicants for Dibao and other social assistance", "Complaint phone",
		"(stamp)", "Household size", "欧**明"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the English notice lacks %q", want)
		}
	}
	if strings.Contains(doc, "公示期") || strings.Contains(doc, "最低生活保障") {
		t.Error("the English notice shows Chinese labels")
	}
}

// setComplaintPhone sets the county's complaint phone number on the
// parameters page, from today.
func setComplaintPhone(t *testing.T, e *uiEnv) {
	t.Helper()
	c := e.login("county")
	c.get("/parameters")
	r := c.submit("/parameters", url.Values{"key": {"notice.complaint_phone"}, "region": {"440103"}, "valid_from": {civil.Today().String()},
		"value": {"020-81234567"}, "source": {"荔湾区民政局公告"}, "view_region": {"440103"}, "view_date": {""}})
	if r.status != 303 {
		t.Fatalf("set the complaint phone: got %d\n%s", r.status, r.body)
	}
}

// static returns the versioned address of a static file the page links.
func static(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]+`).FindString(body)
	if m == "" {
		t.Errorf("the page does not link %s", name)
	}
	return m
}

// townEnv is the environment of town1's actions on day today, in region.
func townEnv(t *testing.T, today civil.Date, region string) *casework.Env {
	t.Helper()
	set, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return &casework.Env{Today: today, Now: today.In(civil.Shanghai).Add(9 * time.Hour), Calendar: calendar.Embedded(), Params: set,
		Actor: casework.Actor{UserID: 1, Username: "town1", Role: auth.TownshipCaseworker, Region: region}}
}

// toCountyReview files a Dibao application for h twenty days ago and
// takes it through its notice, which ended a week ago, to the county.
func toCountyReview(t *testing.T, e *uiEnv, h *registry.Household) string {
	t.Helper()
	past := civil.Today().AddDays(-20)
	env := townEnv(t, past, h.RegionCode)
	c, err := casework.New(casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
		Region: h.RegionCode, County: "440103", Channel: casework.Counter,
		Materials: []string{"application_form", "verification_authorisation"}}, env)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateApplication(uiCtx, registry.Scope{}, c); err != nil {
		t.Fatal(err)
	}
	a := c.App
	now := townEnv(t, civil.Today(), h.RegionCode)
	for _, step := range []struct {
		act casework.Action
		in  casework.Input
		env *casework.Env
	}{
		{casework.Accept, casework.Input{}, env},
		{casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: past, Mode: "in_person", Visitors: "陈", Findings: "属实"}}, env},
		{casework.FinishInvestigation, casework.Input{}, env},
		{casework.Propose, casework.Input{Opinion: "approve"}, env},
		{casework.EndNotice, casework.Input{}, now},
	} {
		c, err := e.db.Act(uiCtx, registry.Scope{}, a.ID, a.Version, func(x casework.Application) (*casework.Change, error) {
			return casework.Apply(x, step.act, step.in, step.env, nil)
		})
		if err != nil {
			t.Fatalf("%s: %v", step.act, err)
		}
		a = c.App
	}
	return "/applications/" + strconv.FormatInt(a.ID, 10)
}

func TestUILetter(t *testing.T) {
	e := newUIEnv(t)
	setComplaintPhone(t, e)
	county := e.login("county")
	town := e.login("town1")

	// Approved: the amount, the first month paid, the rules engine's
	// findings; 404 before the decision.
	h := e.household(e.towns[0].Code, "何大")
	app := toCountyReview(t, e, h)
	if r := town.get(app + "/letter"); r.status != 404 {
		t.Fatalf("the letter before a decision: got %d, want 404", r.status)
	}
	if r := town.get(app); strings.Contains(r.body, `id="print-letter"`) {
		t.Error("the page links a letter before the decision")
	}
	if r := act(t, county, app, "confirm", url.Values{}); r.status != 303 {
		t.Fatalf("confirm: got %d\n%s", r.status, r.body)
	}
	r := town.get(app)
	mustContain(t, r, `id="print-letter"`, `href="`+app+`/letter"`, "打印通知书")
	r = town.get(app + "/letter")
	if r.status != 200 {
		t.Fatalf("the letter: got %d\n%s", r.status, r.body)
	}
	doc := document(r.body, "letter")
	today := civil.Today()
	next := today.MonthOf().Add(1)
	for _, want := range []string{`id="letter-title">审批决定通知书<`, `id="letter-name">何大：<`, h.Number, "最低生活保障",
		strconv.Itoa(today.Year) + "年" + strconv.Itoa(int(today.Month)) + "月" + strconv.Itoa(today.Day) + "日",
		`id="letter-amount">2,240.00<`, strconv.Itoa(next.Year) + "年" + strconv.Itoa(int(next.Month)) + "月",
		`id="letter-verdict">符合<`, "适用低保标准", "家庭月收入", `id="complaint-phone">020-81234567<`, "（盖章）", "广州市荔湾区"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the approval letter lacks %q", want)
		}
	}
	for _, banned := range []string{h.Members[0].Person.IDNumber, h.Address, "13812345678", "肢体", "行政复议"} {
		if strings.Contains(r.body, banned) {
			t.Errorf("the approval letter shows %q", banned)
		}
	}

	// Rejected: the reasons in full, the remedies without periods, the
	// complaint phone.
	h2 := e.household(e.towns[0].Code, "何二")
	app2 := fileApplication(t, town, h2)
	investigated(t, town, app2)
	if r := act(t, town, app2, "propose", url.Values{"opinion": {"reject"}, "reason": {"人均收入高于标准"}}); r.status != 303 {
		t.Fatalf("propose: got %d", r.status)
	}
	if r := town.get(app2 + "/letter"); r.status != 404 {
		t.Errorf("the letter at the county's review: got %d, want 404", r.status)
	}
	reasons := "经入户调查和家庭经济状况核对，家庭人均月收入2,000元，\n高于本地低保标准1,120元。"
	if r := act(t, county, app2, "reject", url.Values{"reason": {reasons}}); r.status != 303 {
		t.Fatalf("reject: got %d", r.status)
	}
	r = town.get(app2 + "/letter")
	doc = document(r.body, "letter")
	for _, want := range []string{`id="letter-title">不予批准告知书<`, `id="letter-name">何二：<`, h2.Number, "最低生活保障",
		reasons, "如对本决定不服，可依法申请行政复议或者提起行政诉讼。", `id="complaint-phone">020-81234567<`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the rejection letter lacks %q", want)
		}
	}
	remedies := doc[strings.Index(doc, `id="letter-remedies"`):]
	remedies = remedies[:strings.Index(remedies, "</p>")]
	if m := regexp.MustCompile(`[0-9０-９一二三四五六七八九十]+ *(日|天|个月|月|年)`).FindString(remedies); m != "" {
		t.Errorf("the remedies name a period: %q", m)
	}
	for _, banned := range []string{h2.Members[0].Person.IDNumber, h2.Address, `id="letter-amount"`} {
		if strings.Contains(r.body, banned) {
			t.Errorf("the rejection letter shows %q", banned)
		}
	}

	// Another township does not see the letters.
	if r := e.login("town2").get(app2 + "/letter"); r.status != 404 {
		t.Errorf("another township: got %d, want 404", r.status)
	}

	// English.
	r = town.get(app2 + "/letter?lang=en")
	doc = document(r.body, "letter")
	for _, want := range []string{"Notice of rejection", "Dear 何二,", "Dibao", reasons,
		"If you disagree with this decision, you may apply for administrative reconsideration or bring an administrative lawsuit according to law.",
		"Complaint phone", "(stamp)"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the English rejection lacks %q", want)
		}
	}
	r = town.get(app + "/letter?lang=en")
	doc = document(r.body, "letter")
	for _, want := range []string{"Notice of decision", "Monthly amount (yuan)", "2,240.00", "First month paid", next.First().In(time.UTC).Format("January 2006"), "eligible"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the English approval lacks %q", want)
		}
	}
}
