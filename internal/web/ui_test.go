package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
	"safetynet/internal/web"
)

// uiPassword is every test user's password.
const uiPassword = "a long test password"

// uiEnv is the UI on a fresh SQLite store with one user per test role:
// town1 and town2 are caseworkers of two townships of 广州市荔湾区, county
// approves for the whole district, hotline only reads, partner has no
// registry permission at all.
type uiEnv struct {
	t     *testing.T
	db    *store.DB
	srv   *httptest.Server
	towns []region.Region
	seq   int
}

var uiCtx = audit.WithActor(context.Background(), audit.Actor{Username: "test"})

func newUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	auth.SetTestCost()
	db := storetest.SQLite(t)
	s := web.New(db, auth.NewService(db), slog.New(slog.DiscardHandler))
	s.MaxUpload = 1 << 20
	e := &uiEnv{t: t, db: db, srv: httptest.NewServer(s.Handler()), towns: region.Embedded().Children("440103"), seq: 100}
	t.Cleanup(e.srv.Close)
	hash, err := auth.HashPassword(uiPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.User{
		{Username: "town1", DisplayName: "陈经办", Role: auth.TownshipCaseworker, Region: e.towns[0].Code},
		{Username: "town2", DisplayName: "李经办", Role: auth.TownshipCaseworker, Region: e.towns[1].Code},
		{Username: "county", DisplayName: "王审批", Role: auth.CountyApprover, Region: "440103"},
		{Username: "hotline", DisplayName: "赵热线", Role: auth.HotlineOperator, Region: "440103"},
		{Username: "partner", DisplayName: "慈善会", Role: auth.Partner, Region: "440103"},
	} {
		u.PasswordHash = hash
		if err := db.CreateUser(uiCtx, &u); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// idNumber returns a new valid ID number of someone born on birth.
func (e *uiEnv) idNumber(birth civil.Date) string {
	e.seq++
	return idcard.Make("440103", birth, e.seq)
}

// household stores a household of a head and a child in the township.
func (e *uiEnv) household(township, headName string) *registry.Household {
	e.t.Helper()
	h := &registry.Household{RegionCode: township, Address: "恩宁路" + strconv.Itoa(e.seq) + "号", HukouType: registry.Urban,
		BankName: "工商银行", BankAccount: "6222020200112233445", BankHolder: headName,
		Members: []registry.Member{
			{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1),
				Person: registry.Person{Name: headName, IDNumber: e.idNumber(civil.D(1965, 5, 6)), Phone: "13812345678"}},
			{Relationship: registry.RelChild, JoinedOn: civil.D(2020, 1, 1),
				Person: registry.Person{Name: headName + "儿", IDNumber: e.idNumber(civil.D(2001, 2, 3)),
					DisabilityCategory: registry.DisPhysical, DisabilityGrade: 2}},
		}}
	if err := e.db.CreateHousehold(uiCtx, registry.Scope{}, h); err != nil {
		e.t.Fatal(err)
	}
	return h
}

// uiClient is a browser stand-in: a cookie jar, no automatic redirects.
type uiClient struct {
	e    *uiEnv
	c    *http.Client
	csrf string
}

// response is an answered request.
type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (e *uiEnv) client() *uiClient {
	jar, _ := cookiejar.New(nil)
	return &uiClient{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login signs user in and returns the client with its session and token.
func (e *uiEnv) login(user string) *uiClient {
	e.t.Helper()
	c := e.client()
	r := c.post("/login", url.Values{"username": {user}, "password": {uiPassword}})
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: got %d, want 303\n%s", user, r.status, r.body)
	}
	r = c.get("/")
	if r.status != http.StatusOK {
		e.t.Fatalf("home after login: got %d", r.status)
	}
	return c
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *uiClient) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
	if m := csrfField.FindStringSubmatch(r.body); m != nil {
		c.csrf = m[1]
	}
	return r
}

func (c *uiClient) get(path string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form as is (add "csrf" yourself, or use submit).
func (c *uiClient) post(path string, form url.Values) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// submit posts a form with the session's CSRF token.
func (c *uiClient) submit(path string, form url.Values) response {
	c.e.t.Helper()
	if c.csrf == "" {
		c.e.t.Fatal("no CSRF token seen yet")
	}
	form.Set("csrf", c.csrf)
	return c.post(path, form)
}

// fieldMessage returns the message shown beside the field with the name.
func fieldMessage(body, name string) string {
	id := "f-" + strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(name)
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `-err"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// inputValue returns the value attribute of the input with the name.
func inputValue(body, name string) (string, bool) {
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(html.EscapeString(name)) + `" type="[a-z]+" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}

func mustContain(t *testing.T, r response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Errorf("the page (status %d) does not contain %q", r.status, w)
		}
	}
}

func TestUILoginFlow(t *testing.T) {
	e := newUIEnv(t)
	c := e.client()
	r := c.get("/households?name=x")
	if r.status != http.StatusSeeOther || r.location != "/login?next="+url.QueryEscape("/households?name=x") {
		t.Fatalf("signed out: got %d to %q, want 303 to the sign-in page", r.status, r.location)
	}
	r = c.get(r.location)
	if r.status != 200 || !strings.Contains(r.body, `name="next" value="/households?name=x"`) {
		t.Fatalf("sign-in page: got %d\n%s", r.status, r.body)
	}
	mustContain(t, r, "登录", "社会救助信息平台")

	r = c.post("/login", url.Values{"username": {"town1"}, "password": {"wrong password"}, "next": {"/households"}})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: got %d, want 401", r.status)
	}
	mustContain(t, r, "用户名或密码错误", `value="town1"`)

	r = c.post("/login", url.Values{"username": {"town1"}, "password": {uiPassword}, "next": {"/households?name=x"}})
	if r.status != http.StatusSeeOther || r.location != "/households?name=x" {
		t.Fatalf("sign in: got %d to %q, want 303 to next", r.status, r.location)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"sn_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	e.household(e.towns[0].Code, "张三")
	r = c.get("/")
	if r.status != 200 {
		t.Fatalf("home: got %d", r.status)
	}
	mustContain(t, r, "陈经办", "乡镇经办人员", region.Embedded().FullName(e.towns[0].Code),
		`id="count-households">1<`, `id="count-persons">2<`, `action="/logout"`, `href="/households/new"`)
	if strings.Contains(r.body, `href="/import"`) == false {
		t.Error("a township caseworker should see the import link")
	}

	// A next outside the site is refused.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		r = e.client().post("/login", url.Values{"username": {"town1"}, "password": {uiPassword}, "next": {next}})
		if r.status != http.StatusSeeOther || r.location != "/" {
			t.Errorf("next %q: got %d to %q, want /", next, r.status, r.location)
		}
	}

	// Signing out ends the session on the server.
	r = c.submit("/logout", url.Values{})
	if r.status != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("logout: got %d to %q", r.status, r.location)
	}
	if r = c.get("/"); r.status != http.StatusSeeOther {
		t.Fatalf("after logout: got %d, want a redirect to sign in", r.status)
	}
}

func TestUINavByRole(t *testing.T) {
	e := newUIEnv(t)
	r := e.login("hotline").get("/")
	mustContain(t, r, `href="/households"`)
	for _, no := range []string{`href="/households/new"`, `href="/import"`} {
		if strings.Contains(r.body, no) {
			t.Errorf("a hotline operator's page links %s", no)
		}
	}
	r = e.login("partner").get("/")
	if r.status != 200 || strings.Contains(r.body, `href="/households"`) {
		t.Errorf("partner home: got %d, or a households link", r.status)
	}
}

func TestUICSRFRefused(t *testing.T) {
	e := newUIEnv(t)
	c := e.login("town1")
	form := url.Values{"region_code": {e.towns[0].Code}, "address": {"x"}}
	for name, token := range map[string]string{"missing": "", "wrong": "not-the-token"} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if token != "" {
			f.Set("csrf", token)
		}
		r := c.post("/households", f)
		if r.status != http.StatusForbidden {
			t.Fatalf("%s token: got %d, want 403", name, r.status)
		}
		mustContain(t, r, "表单已过期")
	}
	if r := c.post("/logout", url.Values{}); r.status != http.StatusForbidden {
		t.Fatalf("logout without token: got %d, want 403", r.status)
	}
	if r := c.get("/"); r.status != 200 {
		t.Fatalf("the session should survive a refused logout: got %d", r.status)
	}
}

// newHouseholdForm is a filled new-household form: a head and a second
// member with the given ID number.
func newHouseholdForm(e *uiEnv, secondID string) url.Values {
	return url.Values{
		"region_code":                       {e.towns[0].Code},
		"address":                           {"多宝路<8>号"},
		"hukou_type":                        {"urban"},
		"bank_name":                         {"农业银行"},
		"bank_account":                      {"6228480000111122223"},
		"bank_holder":                       {"黄大"},
		"members[0].relationship":           {"head"},
		"members[0].person.name":            {"黄大"},
		"members[0].person.id_number":       {e.idNumber(civil.D(1958, 7, 1))},
		"members[0].person.phone":           {"13900001111"},
		"members[1].relationship":           {"spouse"},
		"members[1].person.name":            {"<b>李</b>四"},
		"members[1].person.id_number":       {secondID},
		"members[1].person.serious_illness": {"尿毒症"},
		"members[2].relationship":           {""},
		"members[2].person.name":            {""},
	}
}

func TestUIFormValidation(t *testing.T) {
	e := newUIEnv(t)
	c := e.login("town1")
	c.get("/households/new")
	good := e.idNumber(civil.D(1960, 1, 2))
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	form := newHouseholdForm(e, bad)
	form.Set("address", "")
	r := c.submit("/households", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: got %d, want 422\n%s", r.status, r.body)
	}
	mustContain(t, r, `id="form-errors"`, "未保存。请修改标红的项目。")
	if got := fieldMessage(r.body, "members[1].person.id_number"); got != "身份证号码校验位错误（可能输错了某一位）" {
		t.Errorf("message beside the bad ID number: got %q", got)
	}
	if got := fieldMessage(r.body, "address"); got != "请填写地址" {
		t.Errorf("message beside the address: got %q", got)
	}
	if got := fieldMessage(r.body, "members[0].person.id_number"); got != "" {
		t.Errorf("message beside the good ID number: got %q, want none", got)
	}
	// Everything typed is still there, escaped.
	for name, want := range map[string]string{
		"members[1].person.id_number": bad, "members[1].person.name": "<b>李</b>四",
		"members[0].person.name": "黄大", "members[0].person.phone": "13900001111",
		"members[0].person.id_number": form.Get("members[0].person.id_number"), "bank_account": "6228480000111122223",
		"members[1].person.serious_illness": "尿毒症",
	} {
		if got, ok := inputValue(r.body, name); !ok || got != want {
			t.Errorf("field %s: got %q (found %v), want %q", name, got, ok, want)
		}
	}
	if strings.Contains(r.body, "<b>李</b>") {
		t.Error("a typed name is rendered as HTML")
	}
	mustContain(t, r, `<option value="spouse" selected>配偶</option>`, `<option value="urban" selected>城镇</option>`,
		`<option value="`+e.towns[0].Code+`" selected>`)
	if n, _ := e.db.Counts(uiCtx, registry.Scope{}); n.Households != 0 {
		t.Fatalf("a rejected form stored %d households", n.Households)
	}

	// Two heads: the message about the members as a whole.
	form2 := newHouseholdForm(e, good)
	form2.Set("address", "多宝路8号")
	form2.Set("members[1].relationship", "head")
	r = c.submit("/households", form2)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("two heads: got %d", r.status)
	}
	mustContain(t, r, `id="members-error"`, "一个家庭只能有一名户主，现有2名")

	// A member without a relationship is named, not "unknown relationship".
	form2.Set("members[1].relationship", "")
	r = c.submit("/households", form2)
	if got := fieldMessage(r.body, "members[1].relationship"); got != "请选择该成员与户主的关系" {
		t.Errorf("missing relationship: got %q", got)
	}

	// Corrected, it is saved; the blank third row is ignored.
	form2.Set("members[1].relationship", "spouse")
	r = c.submit("/households", form2)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/households/") {
		t.Fatalf("good form: got %d to %q\n%s", r.status, r.location, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, "家庭信息已保存", "&lt;b&gt;李&lt;/b&gt;四", "黄大", "配偶", "尿毒症", "多宝路8号", good[:6]+"********"+good[14:])
	if strings.Contains(r.body, good) || strings.Contains(r.body, "6228480000111122223") {
		t.Error("the household page shows personal data unmasked")
	}
}

func TestUIFormDuplicateMember(t *testing.T) {
	// A person already in another household: the message names it, in
	// Chinese, beside the ID number typed.
	e := newUIEnv(t)
	old := e.household(e.towns[0].Code, "张三")
	c := e.login("town1")
	c.get("/households/new")
	form := newHouseholdForm(e, old.Members[1].Person.IDNumber)
	form.Set("members[1].person.name", old.Members[1].Person.Name)
	r := c.submit("/households", form)
	if r.status != http.StatusConflict {
		t.Fatalf("got %d, want 409\n%s", r.status, r.body)
	}
	if got, want := fieldMessage(r.body, "members[1].person.id_number"), "此人已是家庭"+old.Number+"的在册成员：请先在该家庭办理迁出。"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestUIFormMemberRowsRemapped(t *testing.T) {
	// A blank row before a bad one: the message lands on the row typed in.
	e := newUIEnv(t)
	c := e.login("town1")
	c.get("/households/new")
	form := newHouseholdForm(e, e.idNumber(civil.D(1961, 1, 1)))
	form.Set("members[5].relationship", "child")
	form.Set("members[5].person.name", "黄小")
	form.Set("members[5].person.id_number", "12345")
	r := c.submit("/households", form)
	if got := fieldMessage(r.body, "members[5].person.id_number"); got != "身份证号码应为18位，现为5位" {
		t.Fatalf("row 5: got %q\n", got)
	}
	if v, _ := inputValue(r.body, "members[5].person.name"); v != "黄小" {
		t.Errorf("row 5 name: got %q", v)
	}
}

func TestUICrossJurisdictionIsNotFound(t *testing.T) {
	e := newUIEnv(t)
	other := e.household(e.towns[1].Code, "外乡")
	c := e.login("town1")
	id := strconv.FormatInt(other.ID, 10)
	for _, path := range []string{"/households/" + id, "/households/" + id + "/edit", "/households/" + id + "?at=2024-01-01",
		"/persons/" + strconv.FormatInt(other.Members[0].Person.ID, 10) + "/edit", "/households/999999", "/no/such/page"} {
		r := c.get(path)
		if r.status != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, r.status)
			continue
		}
		mustContain(t, r, "未找到", "您的辖区内没有该页面或记录")
		if strings.Contains(r.body, "外乡") {
			t.Errorf("%s: the page names the household", path)
		}
	}
	r := c.submit("/households/"+id+"/incomes", url.Values{"type": {"wage"}, "month": {"2024-01"}, "amount": {"100"}})
	if r.status != http.StatusNotFound {
		t.Errorf("income for another township: got %d, want 404", r.status)
	}
	// Search finds only the own township's households.
	r = c.get("/households?name=外乡")
	mustContain(t, r, `id="no-results"`)
	// The county sees both townships.
	r = e.login("county").get("/households/" + id)
	if r.status != 200 {
		t.Errorf("county: got %d", r.status)
	}
}

func TestUIEnglish(t *testing.T) {
	e := newUIEnv(t)
	c := e.login("town1")
	r := c.get("/households")
	mustContain(t, r, "家庭档案", `href="/lang/en?next=%2Fhouseholds"`, ">English<")
	r = c.get("/lang/en?next=/households")
	if r.status != http.StatusSeeOther || r.location != "/households" || !strings.Contains(r.header.Get("Set-Cookie"), "sn_lang=en") {
		t.Fatalf("switch: got %d to %q, cookie %q", r.status, r.location, r.header.Get("Set-Cookie"))
	}
	r = c.get("/households")
	mustContain(t, r, `<html lang="en">`, "Households", "Sign out", "Household number", `href="/lang/zh?next=%2Fhouseholds"`, ">中文<")
	if strings.Contains(r.body, "家庭档案") {
		t.Error("the English page still says 家庭档案")
	}
	// Errors too: a form message in English.
	c.get("/households/new")
	form := newHouseholdForm(e, "1234")
	r = c.submit("/households", form)
	if got := fieldMessage(r.body, "members[1].person.id_number"); got != "an ID number has 18 characters, this one has 4" {
		t.Errorf("English message: got %q", got)
	}
	// ?lang= works without the cookie; an open redirect is refused.
	r = e.client().get("/login?lang=en")
	mustContain(t, r, "Sign in", "Username")
	if r = c.get("/lang/zh?next=//evil.example"); r.location != "/" {
		t.Errorf("lang switch to //evil.example: got %q, want /", r.location)
	}
}

func TestUIHouseholdPageAndReveal(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "<script>alert(1)</script>")
	id := strconv.FormatInt(h.ID, 10)
	full := h.Members[0].Person.IDNumber
	c := e.login("town1")
	r := c.get("/households/" + id)
	if r.status != 200 {
		t.Fatalf("got %d", r.status)
	}
	mustContain(t, r, "&lt;script&gt;alert(1)&lt;/script&gt;", "户主", "子女", "肢体残疾 2级", full[:6]+"********"+full[14:],
		"138****5678", "***************3445", `id="reveal"`, "变更记录", `action="/households/`+id+`/incomes"`)
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, full) {
		t.Fatal("the page shows a name as HTML or an ID number in full")
	}
	r = c.get("/households/" + id + "?reveal=1")
	mustContain(t, r, full, "6222020200112233445", "13812345678", "审计日志", `href="/lang/en?next=%2Fhouseholds%2F`+id+`"`)
	entries, err := e.db.List(uiCtx, audit.Filter{Entity: "household", EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range entries {
		found = found || en.Action == "view_unmasked" && en.Username == "town1"
	}
	if !found {
		t.Error("the unmasked view is not in the audit trail")
	}
	// A role without pii.view may read the household but not reveal it.
	hot := e.login("hotline")
	if r := hot.get("/households/" + id); r.status != 200 || strings.Contains(r.body, `id="reveal"`) || strings.Contains(r.body, "/edit") {
		t.Errorf("hotline: got %d, or a reveal or edit link", r.status)
	}
	if r := hot.get("/households/" + id + "?reveal=1"); r.status != http.StatusForbidden {
		t.Errorf("hotline reveal: got %d, want 403", r.status)
	}
	// State on a date.
	today := civil.Today()
	r = c.get("/households/" + id + "?at=" + today.String())
	mustContain(t, r, `id="snapshot"`, today.String()+"时的家庭状况")
	r = c.get("/households/" + id + "?at=2001-01-01")
	mustContain(t, r, "2001-01-01时该家庭尚未登记")
	r = c.get("/households/" + id + "?at=yesterday")
	mustContain(t, r, "请按YYYY-MM-DD格式输入日期")
}

func TestUIIncomeAndAsset(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "张三")
	id := strconv.FormatInt(h.ID, 10)
	head := strconv.FormatInt(h.Members[0].Person.ID, 10)
	c := e.login("town1")
	c.get("/households/" + id)
	r := c.submit("/households/"+id+"/incomes", url.Values{"person_id": {head}, "type": {"wage"}, "month": {"2024-03"},
		"amount": {"12.345"}, "note": {"临时工"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad amount: got %d", r.status)
	}
	if got := fieldMessage(r.body, "amount"); got != "请输入以元为单位的金额，如1234.50" {
		t.Errorf("amount message: got %q", got)
	}
	if v, _ := inputValue(r.body, "note"); v != "临时工" {
		t.Errorf("note kept: got %q", v)
	}
	mustContain(t, r, `<option value="`+head+`" selected>张三</option>`, `<details class="subform" open>`)
	r = c.submit("/households/"+id+"/incomes", url.Values{"person_id": {head}, "type": {"wage"}, "month": {"2024-03"},
		"amount": {"1,234.5"}, "note": {"临时工"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("income: got %d\n%s", r.status, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, "收入已登记", "2024-03", "工资性收入", "1,234.50", "临时工")

	r = c.submit("/households/"+id+"/assets", url.Values{"type": {"vehicle"}, "description": {"五菱 粤A12345"}, "value": {"30000"}})
	if got := fieldMessage(r.body, "valid_from"); got != "请填写取得该财产的日期" {
		t.Errorf("asset without a date: got %d %q", r.status, got)
	}
	r = c.submit("/households/"+id+"/assets", url.Values{"type": {"vehicle"}, "description": {"五菱 粤A12345"},
		"value": {"30000"}, "valid_from": {"2019-05-01"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("asset: got %d\n%s", r.status, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, "财产已登记", "机动车辆", "五菱 粤A12345", "30,000.00", "2019-05-01", "全户")
}

func TestUIEditHousehold(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "张三")
	id := strconv.FormatInt(h.ID, 10)
	c := e.login("town1")
	r := c.get("/households/" + id + "/edit")
	if r.status != 200 {
		t.Fatalf("edit form: got %d", r.status)
	}
	mustContain(t, r, `name="version" value="1"`, `placeholder="***************3445"`)
	if strings.Contains(r.body, h.BankAccount) {
		t.Error("the edit form holds the full bank account")
	}
	edit := url.Values{"version": {"1"}, "region_code": {e.towns[0].Code}, "address": {"新地址9号"}, "hukou_type": {"rural"},
		"bank_name": {"工商银行"}, "bank_account": {""}, "bank_holder": {"张三"}}
	// A second caseworker saves first.
	other := e.login("county")
	other.get("/households/" + id + "/edit")
	first := url.Values{}
	for k, v := range edit {
		first[k] = v
	}
	first.Set("address", "他人改的地址")
	if r := other.submit("/households/"+id, first); r.status != http.StatusSeeOther {
		t.Fatalf("first edit: got %d\n%s", r.status, r.body)
	}
	r = c.submit("/households/"+id, edit)
	if r.status != http.StatusConflict {
		t.Fatalf("stale edit: got %d, want 409", r.status)
	}
	mustContain(t, r, "其他人修改了这条记录", `href="/households/`+id+`/edit"`)
	if v, _ := inputValue(r.body, "address"); v != "新地址9号" {
		t.Errorf("typed address kept: got %q", v)
	}
	got, _ := e.db.Household(uiCtx, registry.Scope{}, h.ID)
	if got.Address != "他人改的地址" || got.Version != 2 {
		t.Fatalf("after a stale edit: got %q v%d, want the other's change kept", got.Address, got.Version)
	}
	// Reloaded, the edit goes through and the blank account keeps the old.
	edit.Set("version", "2")
	r = c.submit("/households/"+id, edit)
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: got %d\n%s", r.status, r.body)
	}
	got, _ = e.db.Household(uiCtx, registry.Scope{}, h.ID)
	if got.Address != "新地址9号" || got.HukouType != registry.Rural || got.BankAccount != h.BankAccount || got.Version != 3 {
		t.Fatalf("after edit: got %+v", got)
	}
	// Invalid input: message beside the field.
	edit.Set("version", "3")
	edit.Set("bank_account", "12ab")
	r = c.submit("/households/"+id, edit)
	if got := fieldMessage(r.body, "bank_account"); r.status != 422 || got != "银行账号应为8至32位数字" {
		t.Errorf("bad account: got %d %q", r.status, got)
	}
	// Removing the account.
	edit.Set("bank_account", "")
	edit.Set("bank_account_remove", "1")
	edit.Set("bank_holder", "")
	if r = c.submit("/households/"+id, edit); r.status != http.StatusSeeOther {
		t.Fatalf("remove account: got %d\n%s", r.status, r.body)
	}
	if got, _ = e.db.Household(uiCtx, registry.Scope{}, h.ID); got.BankAccount != "" {
		t.Errorf("account not removed: %q", got.BankAccount)
	}
}

func TestUIEditPerson(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "张三")
	p := h.Members[1].Person
	pid := strconv.FormatInt(p.ID, 10)
	c := e.login("town1")
	r := c.get("/persons/" + pid + "/edit?household=" + strconv.FormatInt(h.ID, 10))
	if r.status != 200 {
		t.Fatalf("got %d", r.status)
	}
	if strings.Contains(r.body, p.IDNumber) {
		t.Error("the person form holds the full ID number")
	}
	mustContain(t, r, `value="`+p.Name+`"`, `<option value="physical" selected>肢体残疾</option>`, `<option value="2" selected>2级</option>`)
	form := url.Values{"version": {"1"}, "household": {strconv.FormatInt(h.ID, 10)}, "name": {"张小三"},
		"disability_category": {"physical"}, "disability_grade": {"2"}, "death_date": {"2999-01-01"}}
	r = c.submit("/persons/"+pid+"/edit", form)
	if got := fieldMessage(r.body, "death_date"); r.status != 422 || got != "死亡日期2999-01-01晚于今天" {
		t.Errorf("future death: got %d %q", r.status, got)
	}
	mustContain(t, r, `id="form-errors"`, `value="张小三"`)
	form.Set("death_date", "")
	r = c.submit("/persons/"+pid+"/edit", form)
	if r.status != http.StatusSeeOther || r.location != "/households/"+strconv.FormatInt(h.ID, 10)+"?saved=person" {
		t.Fatalf("save: got %d to %q\n%s", r.status, r.location, r.body)
	}
	got, _ := e.db.Person(uiCtx, registry.Scope{}, p.ID)
	if got.Name != "张小三" || got.IDNumber != p.IDNumber || got.Version != 2 {
		t.Fatalf("after edit: got %+v", got)
	}
}

func TestUISearch(t *testing.T) {
	e := newUIEnv(t)
	var hs []*registry.Household
	for i := range 27 {
		hs = append(hs, e.household(e.towns[0].Code, "户"+strconv.Itoa(i)))
	}
	e.household(e.towns[1].Code, "别处")
	c := e.login("town1")
	r := c.get("/households")
	mustContain(t, r, hs[0].Number, `id="next-page"`)
	if strings.Contains(r.body, hs[26].Number) {
		t.Error("the first page shows the 27th household")
	}
	m := regexp.MustCompile(`href="(/households\?after=\d+)" id="next-page"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no next-page link")
	}
	r = c.get(html.UnescapeString(m[1]))
	mustContain(t, r, hs[26].Number)
	if strings.Contains(r.body, `id="next-page"`) || strings.Contains(r.body, ">"+hs[0].Number+"<") {
		t.Error("the last page has a next link or the first page's rows")
	}
	// By name, exact ID number, number, and the home page's one box.
	r = c.get("/households?name=户13")
	mustContain(t, r, hs[13].Number)
	id := hs[5].Members[1].Person.IDNumber
	for _, path := range []string{"/households?id_number=" + id, "/households?q=" + id, "/households?q=" + url.QueryEscape(hs[5].Number),
		"/households?number=" + url.QueryEscape(hs[5].Number)} {
		r = c.get(path)
		if !strings.Contains(r.body, hs[5].Number) || strings.Contains(r.body, hs[6].Number) {
			t.Errorf("%s: want only %s", path, hs[5].Number)
		}
		if strings.Contains(r.body, `<td>`+id) {
			t.Errorf("%s: the list shows an ID number", path)
		}
	}
	r = c.get("/households?region=" + e.towns[0].Code)
	if r.status != 200 {
		t.Errorf("region filter: got %d", r.status)
	}
	if r = e.login("county").get("/households"); !strings.Contains(r.body, `<select id="f-region" name="region">`) {
		t.Error("the county's search has no region select")
	}
}

func TestUIImportPage(t *testing.T) {
	e := newUIEnv(t)
	c := e.login("town1")
	r := c.get("/import")
	mustContain(t, r, `enctype="multipart/form-data"`, `/api/v1/imports/template?format=xlsx`, `/api/v1/imports/template?format=csv`)
	town := e.towns[0].Code
	csv := "household_ref,relationship,name,id_number,region_code,address,hukou_type\n" +
		"A1,户主,黄大," + e.idNumber(civil.D(1960, 3, 3)) + "," + town + ",恩宁路1号,城镇\n" +
		"A1,子女,黄小," + e.idNumber(civil.D(1990, 4, 4)) + ",,,\n" +
		"B1,户主,<b>坏</b>,440103199001011239," + town + ",恩宁路2号,城镇\n"
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	w, _ := mw.CreateFormFile("file", "persons.csv")
	w.Write([]byte(csv))
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r = c.do(req)
	if r.status != 200 {
		t.Fatalf("import: got %d\n%s", r.status, r.body)
	}
	mustContain(t, r, `id="report"`, "导入结果", `id="import-errors"`, "身份证号码校验位错误", `>1</span><span class="stat-l">新增家庭<`, "persons.csv row 4")
	if t.Failed() {
		t.Log(r.body)
	}
	// No file: the message, not an error page.
	var empty bytes.Buffer
	mw = multipart.NewWriter(&empty)
	mw.WriteField("csrf", c.csrf)
	mw.Close()
	req, _ = http.NewRequest("POST", e.srv.URL+"/import", &empty)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r = c.do(req)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("no file: got %d", r.status)
	}
	mustContain(t, r, "请选择要导入的文件")
	// Too large: the limit, not "the form has expired".
	var big bytes.Buffer
	mw = multipart.NewWriter(&big)
	mw.WriteField("csrf", c.csrf)
	w, _ = mw.CreateFormFile("file", "persons.csv")
	w.Write(bytes.Repeat([]byte("x"), 2<<20))
	mw.Close()
	req, _ = http.NewRequest("POST", e.srv.URL+"/import", &big)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r = c.do(req)
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large: got %d", r.status)
	}
	mustContain(t, r, "上传的文件超过1 MB的上限")
	if r := e.login("hotline").get("/import"); r.status != http.StatusForbidden {
		t.Errorf("hotline import page: got %d, want 403", r.status)
	}
}

func TestUIStaticAssets(t *testing.T) {
	e := newUIEnv(t)
	c := e.client()
	r := c.get("/login")
	m := regexp.MustCompile(`href="(/static/app\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("the page does not link a versioned stylesheet")
	}
	r = c.get(m[1])
	if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Fatalf("stylesheet: got %d %q %q", r.status, r.header.Get("Cache-Control"), r.header.Get("Content-Type"))
	}
	if r = c.get("/static/app.js"); r.status != 200 || r.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("unversioned script: got %d %q", r.status, r.header.Get("Cache-Control"))
	}
	if r = c.get("/static/../ui.go"); r.status != http.StatusNotFound && r.status/100 != 3 {
		t.Errorf("path escape: got %d", r.status)
	}
	if r = c.get("/static/nope.css"); r.status != http.StatusNotFound {
		t.Errorf("missing file: got %d", r.status)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP: got %q", csp)
	}
	// No inline script or style anywhere in the templates' output.
	r = e.login("town1").get("/households/new")
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|style="| on[a-z]+="`).MatchString(r.body) {
		t.Error("a page has an inline script, style or event handler, which the CSP blocks")
	}
}

// section returns the part of a page from the element with the id to the
// next <section, for checks on one card of the household page.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "<section"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestUIAddMember(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "张三")
	elsewhere := e.household(e.towns[0].Code, "李四")
	id := strconv.FormatInt(h.ID, 10)
	c := e.login("town1")
	r := c.get("/households/" + id)
	mustContain(t, r, `href="/households/`+id+`/members/new" id="new-member">添加成员<`)
	r = c.get("/households/" + id + "/members/new")
	if r.status != 200 {
		t.Fatalf("form: got %d", r.status)
	}
	mustContain(t, r, "为家庭"+h.Number+"添加成员", `action="/households/`+id+`/members"`, "张三（户主）、张三儿（子女）",
		`<option value="婚入">婚入</option>`, "在学、就业、残疾、重病、自理能力")
	if v, _ := inputValue(r.body, "joined_on"); v != civil.Today().String() {
		t.Errorf("joined_on: got %q, want today", v)
	}
	if strings.Contains(r.body, `name="person.death_date"`) {
		t.Error("the new-member form asks for a date of death")
	}

	good := e.idNumber(civil.D(1968, 3, 4))
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	form := url.Values{"relationship": {"spouse"}, "joined_on": {"2023-05-01"}, "join_reason": {"婚入"},
		"join_reason_detail": {"自佛山市迁入"}, "person.name": {"<b>王</b>五"}, "person.id_number": {bad},
		"person.phone": {"13900002222"}, "person.serious_illness": {"糖尿病"}, "person.labour_capacity": {"partial"}}
	r = c.submit("/households/"+id+"/members", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad ID number: got %d, want 422\n%s", r.status, r.body)
	}
	mustContain(t, r, `id="form-errors"`, `<option value="spouse" selected>配偶</option>`, `<option value="婚入" selected>婚入</option>`,
		`<option value="partial" selected>部分丧失劳动能力</option>`)
	if got := fieldMessage(r.body, "person.id_number"); got != "身份证号码校验位错误（可能输错了某一位）" {
		t.Errorf("message beside the ID number: got %q", got)
	}
	for name, want := range map[string]string{"person.id_number": bad, "person.name": "<b>王</b>五", "person.phone": "13900002222",
		"joined_on": "2023-05-01", "join_reason_detail": "自佛山市迁入", "person.serious_illness": "糖尿病"} {
		if got, ok := inputValue(r.body, name); !ok || got != want {
			t.Errorf("field %s: got %q (found %v), want %q kept", name, got, ok, want)
		}
	}
	if strings.Contains(r.body, "<b>王</b>") {
		t.Error("a typed name is rendered as HTML")
	}

	// A second head, beside the relationship.
	form.Set("person.id_number", good)
	form.Set("relationship", "head")
	r = c.submit("/households/"+id+"/members", form)
	if got := fieldMessage(r.body, "relationship"); r.status != http.StatusUnprocessableEntity || got != "家庭"+h.Number+"已有户主" {
		t.Errorf("second head: got %d %q", r.status, got)
	}
	// Someone still in another household: named, beside the ID number.
	form.Set("relationship", "spouse")
	form.Set("person.id_number", elsewhere.Members[1].Person.IDNumber)
	r = c.submit("/households/"+id+"/members", form)
	if got, want := fieldMessage(r.body, "person.id_number"), "此人已是家庭"+elsewhere.Number+"的在册成员：请先在该家庭办理迁出。"; r.status != http.StatusConflict || got != want {
		t.Errorf("member elsewhere: got %d %q, want 409 %q", r.status, got, want)
	}
	// Other needs its details; a future date and a blank relationship are
	// named too, all at once.
	form.Set("person.id_number", good)
	form.Set("relationship", "")
	form.Set("join_reason", "其他")
	form.Set("join_reason_detail", "")
	form.Set("joined_on", "2999-01-01")
	r = c.submit("/households/"+id+"/members", form)
	for name, want := range map[string]string{"join_reason_detail": "请说明具体原因", "joined_on": "日期2999-01-01晚于今天",
		"relationship": "请选择该成员与户主的关系"} {
		if got := fieldMessage(r.body, name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	if got, _ := e.db.Household(uiCtx, registry.Scope{}, h.ID); len(got.Members) != 2 {
		t.Fatalf("a rejected form added a member: %d members", len(got.Members))
	}

	form.Set("relationship", "spouse")
	form.Set("join_reason", "婚入")
	form.Set("join_reason_detail", "自佛山市迁入")
	form.Set("joined_on", "2023-05-01")
	r = c.submit("/households/"+id+"/members", form)
	if r.status != http.StatusSeeOther || r.location != "/households/"+id+"?saved=member#members" {
		t.Fatalf("good form: got %d to %q\n%s", r.status, r.location, r.body)
	}
	r = c.get("/households/" + id + "?saved=member")
	mustContain(t, r, "成员已添加", "&lt;b&gt;王&lt;/b&gt;五", good[:6]+"********"+good[14:], "139****2222")
	if strings.Contains(r.body, good) {
		t.Error("the household page shows the new member's ID number in full")
	}
	got, _ := e.db.Household(uiCtx, registry.Scope{}, h.ID)
	if len(got.Members) != 3 {
		t.Fatalf("after adding: %d members", len(got.Members))
	}
	m := got.Members[2]
	if m.Person.Name != "<b>王</b>五" || m.Relationship != registry.RelSpouse || m.JoinedOn != civil.D(2023, 5, 1) ||
		m.JoinReason != "婚入：自佛山市迁入" || m.Person.SeriousIllness != "糖尿病" || m.Person.LabourCapacity != registry.LabourPartial {
		t.Errorf("stored member: %+v", m)
	}

	// English, another township, a role that may not write.
	r = c.get("/households/" + id + "/members/new?lang=en")
	mustContain(t, r, "Add a member to household "+h.Number, "张三 (Head), 张三儿 (Child)", "Married in", "Reason for joining")
	other := e.household(e.towns[1].Code, "外乡")
	oid := strconv.FormatInt(other.ID, 10)
	if r := c.get("/households/" + oid + "/members/new"); r.status != http.StatusNotFound || strings.Contains(r.body, "外乡") {
		t.Errorf("another township's form: got %d", r.status)
	}
	form.Set("person.id_number", e.idNumber(civil.D(1990, 1, 1)))
	if r := c.submit("/households/"+oid+"/members", form); r.status != http.StatusNotFound {
		t.Errorf("adding to another township's household: got %d, want 404", r.status)
	}
	hot := e.login("hotline")
	if r := hot.get("/households/" + id); strings.Contains(r.body, "/members/new") || strings.Contains(r.body, "/end") {
		t.Error("a hotline operator sees the add-member, leave or deregister actions")
	}
	if r := hot.get("/households/" + id + "/members/new"); r.status != http.StatusForbidden {
		t.Errorf("hotline form: got %d, want 403", r.status)
	}
}

// householdIn2020 stores a household as household does, with the store's
// clock set back to 2020-06-01 meanwhile, so that its history covers the
// years since.
func (e *uiEnv) householdIn2020(township, headName string) *registry.Household {
	var past atomic.Bool
	past.Store(true)
	e.db.SetClock(func() time.Time {
		if past.Load() {
			return time.Date(2020, 6, 1, 2, 0, 0, 0, time.UTC)
		}
		return time.Now().UTC()
	})
	defer past.Store(false)
	return e.household(township, headName)
}

func TestUIEndMember(t *testing.T) {
	e := newUIEnv(t)
	h := e.householdIn2020(e.towns[0].Code, "张三")
	id := strconv.FormatInt(h.ID, 10)
	child := h.Members[1]
	mid := strconv.FormatInt(child.ID, 10)
	endURL := "/members/" + mid + "/end?household=" + id
	c := e.login("town1")
	r := c.get("/households/" + id)
	mustContain(t, r, `href="/members/`+mid+`/end?household=`+id+`">离开<`)
	r = c.get(endURL)
	if r.status != 200 {
		t.Fatalf("form: got %d", r.status)
	}
	mustContain(t, r, "办理成员离开：张三儿", "子女", "2020-01-01", `<option value="迁出">迁出</option>`, `<option value="死亡">死亡</option>`,
		`name="household" value="`+id+`"`, `action="/members/`+mid+`/end"`)
	if strings.Contains(r.body, child.Person.IDNumber) || strings.Contains(r.body, `id="head-warning"`) {
		t.Error("the form shows the ID number in full, or warns about the head")
	}
	if r := c.get("/members/" + strconv.FormatInt(h.Members[0].ID, 10) + "/end?household=" + id); !strings.Contains(r.body, `id="head-warning"`) {
		t.Error("no warning when the head leaves")
	}

	// Nothing filled in; then leaving before joining, which the store refuses.
	r = c.submit("/members/"+mid+"/end", url.Values{"household": {id}})
	if r.status != http.StatusUnprocessableEntity || fieldMessage(r.body, "left_on") != "请填写成员迁出日期" ||
		fieldMessage(r.body, "reason") != "请说明成员迁出的原因" {
		t.Errorf("empty form: got %d %q %q", r.status, fieldMessage(r.body, "left_on"), fieldMessage(r.body, "reason"))
	}
	form := url.Values{"household": {id}, "left_on": {"2019-12-31"}, "reason": {"迁出"}, "reason_detail": {"迁往佛山市"}}
	r = c.submit("/members/"+mid+"/end", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("before joining: got %d, want 422\n%s", r.status, r.body)
	}
	if got := fieldMessage(r.body, "left_on"); got != "迁出日期（2019-12-31）不能早于加入日期（2020-01-01）" {
		t.Errorf("before joining: got %q", got)
	}
	mustContain(t, r, `<option value="迁出" selected>迁出</option>`)
	for name, want := range map[string]string{"left_on": "2019-12-31", "reason_detail": "迁往佛山市"} {
		if got, _ := inputValue(r.body, name); got != want {
			t.Errorf("%s: got %q, want %q kept", name, got, want)
		}
	}
	form.Set("left_on", "2999-01-01")
	if r = c.submit("/members/"+mid+"/end", form); fieldMessage(r.body, "left_on") != "日期2999-01-01晚于今天" {
		t.Errorf("future: got %q", fieldMessage(r.body, "left_on"))
	}

	form.Set("left_on", "2024-06-30")
	r = c.submit("/members/"+mid+"/end", form)
	if r.status != http.StatusSeeOther || r.location != "/households/"+id+"?saved=left#members" {
		t.Fatalf("end: got %d to %q\n%s", r.status, r.location, r.body)
	}
	r = c.get("/households/" + id + "?saved=left")
	mustContain(t, r, "成员离开已登记")
	if strings.Contains(section(r.body, "members"), "张三儿") {
		t.Error("the member who left is still among the current members")
	}
	if !strings.Contains(section(r.body, "history"), "张三儿（原成员）") {
		t.Error("the history does not name the member who left")
	}
	r = c.get("/households/" + id + "?at=2024-06-29")
	if !strings.Contains(section(r.body, "history"), "<td>张三儿</td>") {
		t.Error("the state on the day before leaving lacks the member")
	}
	snap, err := e.db.HouseholdAt(uiCtx, registry.Scope{}, h.ID, civil.D(2024, 6, 29))
	if err != nil || len(snap.Household.Members) != 2 || snap.Household.Members[1].LeaveReason != "迁出：迁往佛山市" ||
		snap.Household.Members[1].LeftOn != civil.D(2024, 6, 30) {
		t.Errorf("stored: %v %+v", err, snap)
	}
	// The member is gone: the form is not found any more.
	if r = c.get(endURL); r.status != http.StatusNotFound {
		t.Errorf("form of a member who left: got %d, want 404", r.status)
	}

	// Another township's member: not found, whichever household is named.
	other := e.household(e.towns[1].Code, "外乡")
	oid, omid := strconv.FormatInt(other.ID, 10), strconv.FormatInt(other.Members[1].ID, 10)
	for _, path := range []string{"/members/" + omid + "/end?household=" + oid, "/members/" + omid + "/end?household=" + id,
		"/members/" + omid + "/end"} {
		if r := c.get(path); r.status != http.StatusNotFound || strings.Contains(r.body, "外乡") {
			t.Errorf("%s: got %d, want 404", path, r.status)
		}
	}
	for _, hid := range []string{oid, id, ""} {
		r := c.submit("/members/"+omid+"/end", url.Values{"household": {hid}, "left_on": {"2024-06-30"}, "reason": {"死亡"}})
		if r.status != http.StatusNotFound {
			t.Errorf("ending another township's member (household %q): got %d, want 404", hid, r.status)
		}
	}
	if got, _ := e.db.Household(uiCtx, registry.Scope{}, other.ID); len(got.Members) != 2 {
		t.Errorf("another township's household lost a member: %d left", len(got.Members))
	}
	if r := e.login("hotline").get("/members/" + strconv.FormatInt(h.Members[0].ID, 10) + "/end?household=" + id); r.status != http.StatusForbidden {
		t.Errorf("hotline: got %d, want 403", r.status)
	}
}

func TestUIEndAsset(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "张三")
	id := strconv.FormatInt(h.ID, 10)
	a := registry.Asset{HouseholdID: h.ID, Type: registry.AssetVehicle, Description: "五菱 粤A12345", Value: 3000000,
		ValidFrom: civil.D(2019, 5, 1)}
	if err := e.db.AddAsset(uiCtx, registry.Scope{}, &a); err != nil {
		t.Fatal(err)
	}
	aid := strconv.FormatInt(a.ID, 10)
	c := e.login("town1")
	r := c.get("/households/" + id)
	mustContain(t, r, `action="/assets/`+aid+`/end"`, ">注销<", `id="f-asset-`+aid+`-valid_to"`)
	if strings.Contains(r.body, `<details class="rowform" open>`) {
		t.Error("the deregister form is open before use")
	}

	r = c.submit("/assets/"+aid+"/end", url.Values{"household": {id}, "valid_to": {"2019-01-01"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("before it started: got %d, want 422\n%s", r.status, r.body)
	}
	if got := fieldMessage(r.body, "asset-"+aid+".valid_to"); got != "财产截止日期（2019-01-01）不能早于取得日期（2019-05-01）" {
		t.Errorf("message beside the date: got %q", got)
	}
	mustContain(t, r, `<details class="rowform" open>`, `value="2019-01-01"`, "家庭 "+h.Number, `href="/lang/en?next=%2Fhouseholds%2F`+id+`"`)
	r = c.submit("/assets/"+aid+"/end", url.Values{"household": {id}})
	if got := fieldMessage(r.body, "asset-"+aid+".valid_to"); got != "请填写财产的截止日期" {
		t.Errorf("no date: got %d %q", r.status, got)
	}

	r = c.submit("/assets/"+aid+"/end", url.Values{"household": {id}, "valid_to": {"2024-02-01"}})
	if r.status != http.StatusSeeOther || r.location != "/households/"+id+"?saved=asset_ended#assets" {
		t.Fatalf("deregister: got %d to %q\n%s", r.status, r.location, r.body)
	}
	r = c.get("/households/" + id + "?saved=asset_ended")
	mustContain(t, r, "财产已注销", "<td>2024-02-01</td>", `class="ended"`)
	if strings.Contains(r.body, `action="/assets/`+aid+`/end"`) {
		t.Error("an ended asset still has its deregister form")
	}
	assets, _ := e.db.Assets(uiCtx, registry.Scope{}, h.ID)
	if len(assets) != 1 || assets[0].ValidTo != civil.D(2024, 2, 1) {
		t.Fatalf("stored: %+v", assets)
	}
	// Sent twice: the household page says so.
	r = c.submit("/assets/"+aid+"/end", url.Values{"household": {id}, "valid_to": {"2024-03-01"}})
	if r.status != http.StatusConflict {
		t.Errorf("twice: got %d, want 409", r.status)
	}
	mustContain(t, r, `id="problems"`, "该财产已于2024-02-01截止")

	// Another township's asset: not found, and unchanged.
	other := e.household(e.towns[1].Code, "外乡")
	oa := registry.Asset{HouseholdID: other.ID, Type: registry.AssetDeposit, Value: 100, ValidFrom: civil.D(2020, 1, 1)}
	if err := e.db.AddAsset(uiCtx, registry.Scope{}, &oa); err != nil {
		t.Fatal(err)
	}
	for _, hid := range []string{strconv.FormatInt(other.ID, 10), id, ""} {
		r := c.submit("/assets/"+strconv.FormatInt(oa.ID, 10)+"/end", url.Values{"household": {hid}, "valid_to": {"2024-02-01"}})
		if r.status != http.StatusNotFound {
			t.Errorf("another township's asset (household %q): got %d, want 404", hid, r.status)
		}
	}
	if got, _ := e.db.Assets(uiCtx, registry.Scope{}, other.ID); !got[0].ValidTo.IsZero() {
		t.Error("another township's asset was ended")
	}
}

// auditor adds an auditor user whose jurisdiction is regionCode.
func (e *uiEnv) auditor(username, regionCode string) {
	e.t.Helper()
	hash, err := auth.HashPassword(uiPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	u := auth.User{Username: username, DisplayName: "审计员", Role: auth.Auditor, Region: regionCode, PasswordHash: hash}
	if err := e.db.CreateUser(uiCtx, &u); err != nil {
		e.t.Fatal(err)
	}
}

var auditRowSeq = regexp.MustCompile(`<tr id="seq-([0-9]+)">`)

// auditSeqs returns the seq of each row of an audit page, in page order.
func auditSeqs(t *testing.T, body string) []int64 {
	t.Helper()
	var out []int64
	for _, m := range auditRowSeq.FindAllStringSubmatch(body, -1) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func TestUIAuditJurisdiction(t *testing.T) {
	e := newUIEnv(t)
	own := e.household(e.towns[0].Code, "本乡")
	other := e.household(e.towns[1].Code, "外乡")
	// Auditors usually work for a county; this one audits one township.
	e.auditor("audit1", e.towns[0].Code)
	changed := *own
	changed.Address = "新地址<1>号"
	changed.BankName, changed.BankAccount, changed.BankHolder = "", "", ""
	if err := e.db.UpdateHousehold(uiCtx, registry.Scope{}, &changed); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Audit(uiCtx, "household", own.ID, own.RegionCode, "view_unmasked", map[string]any{"path": "<script>alert(1)</script>"}); err != nil {
		t.Fatal(err)
	}

	// A caseworker looks at the household in full: an entry with their
	// name, role and address.
	if r := e.login("town1").get("/households/" + strconv.FormatInt(own.ID, 10) + "?reveal=1"); r.status != http.StatusOK {
		t.Fatalf("reveal: got %d", r.status)
	}

	c := e.login("audit1")
	r := c.get("/")
	mustContain(t, r, `href="/audit"`, "审计日志")
	r = c.get("/audit")
	if r.status != http.StatusOK {
		t.Fatalf("audit page: got %d\n%s", r.status, r.body)
	}
	ownLink := `href="/households/` + strconv.FormatInt(own.ID, 10) + `"`
	otherLink := `href="/households/` + strconv.FormatInt(other.ID, 10) + `"`
	mustContain(t, r, "<h1>审计日志</h1>", `class="active" aria-current="page">审计日志<`, ownLink,
		"<td>新建</td>", "<td>修改</td>", "<td>登录</td>", "<td>查看完整信息</td>",
		`town1 <span class="muted">乡镇经办人员</span>`, `<td class="mono">127.0.0.1</td>`,
		// The update: "field: old → new", values as JSON, escaped.
		`<span class="mono">address</span>: <span class="old">&#34;`+own.Address+`&#34;</span> → &#34;新地址&lt;1&gt;号&#34;`,
		// A field the update removed; the account masked.
		`<span class="mono">bank_account</span>: <span class="old">&#34;***************3445&#34;</span> → —`,
		`&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;`)
	if !regexp.MustCompile(`<td class="mono">20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]</td>`).MatchString(r.body) {
		t.Error("no time shown as 2006-01-02 15:04:05")
	}
	for _, no := range []string{otherLink, "外乡", "<script>alert(1)", own.Members[0].Person.IDNumber, own.Members[1].Person.IDNumber, "13812345678",
		"6222020200112233445", "<li>null</li>"} {
		if strings.Contains(r.body, no) {
			t.Errorf("the audit page of township %s shows %q", e.towns[0].Code, no)
		}
	}
	seqs := auditSeqs(t, r.body)
	if len(seqs) < 5 {
		t.Fatalf("got %d rows, want the creation, update, view, user and sign-in", len(seqs))
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] >= seqs[i-1] {
			t.Fatalf("rows not newest first: %v", seqs)
		}
	}

	// Filters: a kind of record and its id.
	r = c.get("/audit?entity=household&entity_id=" + strconv.FormatInt(own.ID, 10))
	mustContain(t, r, ownLink, `<option value="household" selected>家庭</option>`, `href="/audit">清除条件<`)
	if strings.Contains(r.body, "<td>登录</td>") || len(auditSeqs(t, r.body)) != 4 {
		t.Errorf("filtered by household %d: got rows %v", own.ID, auditSeqs(t, r.body))
	}
	r = c.get("/audit?entity=user")
	mustContain(t, r, "<td>登录</td>")
	if strings.Contains(r.body, ownLink) {
		t.Error("filtered by users, the page lists a household")
	}

	// A sub-region must lie inside the jurisdiction.
	if r = c.get("/audit?region=" + e.towns[0].Code); r.status != http.StatusOK || !strings.Contains(r.body, ownLink) {
		t.Errorf("own township as region: got %d", r.status)
	}
	for _, reg := range []string{e.towns[1].Code, "440103", "44", "x"} {
		if r = c.get("/audit?region=" + reg); r.status != http.StatusNotFound {
			t.Errorf("region %s: got %d, want 404", reg, r.status)
		}
	}

	// The county approver sees both townships; English on request.
	r = e.login("county").get("/audit?lang=en")
	mustContain(t, r, "Audit log", ownLink, otherLink, "Created", "Updated", "Viewed in full", "Household", "Township caseworker", "Seq", "Client address")
	if strings.Contains(r.body, "审计日志") {
		t.Error("the English audit page says 审计日志")
	}
}

func TestUIAuditNotForCaseworkers(t *testing.T) {
	e := newUIEnv(t)
	for _, user := range []string{"town1", "hotline"} {
		c := e.login(user)
		if r := c.get("/"); strings.Contains(r.body, `href="/audit"`) {
			t.Errorf("%s's home page links the audit log", user)
		}
		if r := c.get("/audit"); r.status != http.StatusForbidden {
			t.Errorf("%s: got %d, want 403", user, r.status)
		}
	}
}

func TestUIAuditPaging(t *testing.T) {
	e := newUIEnv(t)
	e.auditor("audit1", e.towns[0].Code)
	for i := 1; i <= 130; i++ {
		if err := e.db.Audit(uiCtx, "household", int64(i), e.towns[0].Code, "view_unmasked", map[string]any{"path": "/households/" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 { // in another township: never listed
			if err := e.db.Audit(uiCtx, "household", int64(1000+i), e.towns[1].Code, "view_unmasked", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := e.login("audit1")
	all, err := e.db.List(uiCtx, audit.Filter{Region: e.towns[0].Code, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	r := c.get("/audit")
	first := auditSeqs(t, r.body)
	if len(first) != 100 {
		t.Fatalf("first page: got %d rows, want 100", len(first))
	}
	m := regexp.MustCompile(`href="(/audit\?before=([0-9]+))" id="next-page"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("the first page has no next-page link")
	}
	if m[2] != strconv.FormatInt(first[99], 10) {
		t.Errorf("next page before=%s, want the last row's seq %d", m[2], first[99])
	}
	if strings.Contains(r.body, ">第一页<") {
		t.Error("the first page links the first page")
	}
	r = c.get(html.UnescapeString(m[1]))
	second := auditSeqs(t, r.body)
	mustContain(t, r, `href="/audit">第一页<`)
	if strings.Contains(r.body, `id="next-page"`) {
		t.Error("the last page has a next-page link")
	}
	got := append(first, second...)
	if len(got) != len(all) {
		t.Fatalf("two pages show %d entries, the township has %d", len(got), len(all))
	}
	for i, e := range all {
		if got[i] != e.Seq {
			t.Fatalf("row %d: got seq %d, want %d", i, got[i], e.Seq)
		}
	}
	// Filters carry over to the next page.
	r = c.get("/audit?entity=household")
	if !strings.Contains(r.body, `href="/audit?before=`+strconv.FormatInt(auditSeqs(t, r.body)[99], 10)+`&amp;entity=household" id="next-page"`) {
		t.Error("the next-page link drops the filter")
	}
	if r = c.get("/audit?before=x"); r.status == http.StatusOK {
		t.Error("?before=x: got 200")
	}
}
