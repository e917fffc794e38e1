package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
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
)

// portalEnv is a server on a fresh SQLite store whose portal codes go to a
// test sender, on a clock the test moves; with a township caseworker's
// API token and registered households.
type portalEnv struct {
	t     *testing.T
	s     *Server
	db    *store.DB
	srv   *httptest.Server
	town  string
	token string

	mu   sync.Mutex
	sent []sentCode
	now  time.Time
}

type sentCode struct{ phone, code string }

func newPortalEnv(t *testing.T) *portalEnv {
	t.Helper()
	auth.SetTestCost()
	db := storetest.SQLite(t)
	e := &portalEnv{t: t, db: db, town: region.Embedded().Children("440103")[0].Code, now: time.Now().UTC()}
	e.s = New(db, auth.NewService(db), slog.New(slog.DiscardHandler))
	e.s.Sender = auth.SenderFunc(func(_ context.Context, phone, code string) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.sent = append(e.sent, sentCode{phone, code})
		return nil
	})
	e.s.Citizens.Now = func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.now
	}
	e.srv = httptest.NewServer(e.s.Handler())
	t.Cleanup(e.srv.Close)
	u := auth.User{Username: "town", Role: auth.TownshipCaseworker, Region: e.town, PasswordHash: "x"}
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	if err := db.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	tok, err := e.s.Auth.IssueToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	e.token = tok
	return e
}

// advance moves the portal's clock on.
func (e *portalEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// codes returns the codes sent so far, once the sender has them.
func (e *portalEnv) codes() []sentCode {
	e.s.Citizens.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]sentCode(nil), e.sent...)
}

// household registers a household of the given members (name, phone) in
// the township; it returns their person ids and ID numbers.
func (e *portalEnv) household(seq int, members ...[2]string) (hid int64, ids []int64, idNumbers []string) {
	e.t.Helper()
	h := &registry.Household{RegionCode: e.town, Address: "荔湾区门户路1号", HukouType: registry.Urban}
	for i, m := range members {
		rel := registry.RelChild
		if i == 0 {
			rel = registry.RelHead
		}
		p := registry.Person{Name: m[0], Phone: m[1], IDNumber: idcard.Make("440103", civil.D(1970+i, 3, 4), seq+2*i+1)}
		h.Members = append(h.Members, registry.Member{Relationship: rel, JoinedOn: civil.D(2020, 1, 1), Person: p})
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	if err := e.db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
		e.t.Fatal(err)
	}
	for _, m := range h.Members {
		ids, idNumbers = append(ids, m.Person.ID), append(idNumbers, m.Person.IDNumber)
	}
	return h.ID, ids, idNumbers
}

// staff calls the JSON API as the township caseworker.
func (e *portalEnv) staff(method, path string, body any, out any) int {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// browser is one phone's browser: its own cookies, redirects not followed.
type browser struct {
	e   *portalEnv
	c   *http.Client
	lan string
}

func (e *portalEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// answer is a page: status, body and where a redirect leads.
type answer struct {
	code     int
	body     string
	location string
	cookies  []*http.Cookie
}

func (b *browser) do(req *http.Request) answer {
	b.e.t.Helper()
	if b.lan != "" {
		req.AddCookie(&http.Cookie{Name: langCookie, Value: b.lan})
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, string(body), res.Header.Get("Location"), res.Cookies()}
}

func (b *browser) get(path string) answer {
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) answer {
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the forms on the page at path.
func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	m := csrfField.FindStringSubmatch(b.get(path).body)
	if m == nil {
		b.e.t.Fatalf("%s has no CSRF token", path)
	}
	return m[1]
}

// signIn asks for a code and signs in with it.
func (b *browser) signIn(idNumber, phone string) {
	b.e.t.Helper()
	before := len(b.e.codes())
	if p := b.post("/portal/login", url.Values{"id_number": {idNumber}, "phone": {phone}}); p.code != http.StatusSeeOther || !strings.HasPrefix(p.location, "/portal/verify") {
		b.e.t.Fatalf("ask for a code: %d %s", p.code, p.location)
	}
	sent := b.e.codes()
	if len(sent) != before+1 {
		b.e.t.Fatalf("%d codes sent, want 1", len(sent)-before)
	}
	if p := b.post("/portal/verify", url.Values{"code": {sent[len(sent)-1].code}}); p.code != http.StatusSeeOther || p.location != "/portal" {
		b.e.t.Fatalf("sign in: %d %s %s", p.code, p.location, p.body)
	}
}

var appLocation = regexp.MustCompile(`^/portal/applications/(\d+)\?saved=file$`)

// apply files an application on the portal and returns its id.
func (b *browser) apply(form url.Values) int64 {
	b.e.t.Helper()
	form.Set("csrf", b.csrf("/portal/apply"))
	p := b.post("/portal/apply", form)
	m := appLocation.FindStringSubmatch(p.location)
	if p.code != http.StatusSeeOther || m == nil {
		b.e.t.Fatalf("apply: %d %s %s", p.code, p.location, p.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func has(t *testing.T, p answer, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("page (%d) lacks %q:\n%s", p.code, w, p.body)
		}
	}
}

func lacks(t *testing.T, p answer, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Errorf("page (%d) shows %q", p.code, w)
		}
	}
}

func TestPortalFlow(t *testing.T) {
	e := newPortalEnv(t)
	_, ids, idNumbers := e.household(10, [2]string{"钟一", "13800001111"}, [2]string{"钟二", "13800002222"})
	b := e.browser()

	if p := b.get("/portal"); p.code != http.StatusSeeOther || p.location != "/portal/login?next=%2Fportal" {
		t.Fatalf("signed out: %d %s", p.code, p.location)
	}
	has(t, b.get("/portal/login"), "居民身份证号码", "获取验证码")

	// A code is sent; five wrong codes kill it, even for the right one.
	if p := b.post("/portal/login", url.Values{"id_number": {idNumbers[0]}, "phone": {"138 0000 1111"}}); p.code != http.StatusSeeOther || p.location != "/portal/verify?next=%2Fportal" {
		t.Fatalf("ask for a code: %d %s", p.code, p.location)
	}
	sent := e.codes()
	if len(sent) != 1 || sent[0].phone != "13800001111" || len(sent[0].code) != 6 {
		t.Fatalf("sent %+v", sent)
	}
	has(t, b.get("/portal/verify"), "如信息无误，验证码已发送")
	wrong := "000000"
	if sent[0].code == wrong {
		wrong = "111111"
	}
	for i := 1; i <= 5; i++ {
		p := b.post("/portal/verify", url.Values{"code": {wrong}})
		want := "验证码错误，还可尝试 " + strconv.Itoa(5-i) + " 次"
		if i == 5 {
			want = "验证码错误次数过多"
		}
		if p.code != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i, p.code)
		}
		has(t, p, want)
	}
	p := b.post("/portal/verify", url.Values{"code": {sent[0].code}})
	if p.code != http.StatusUnauthorized {
		t.Fatalf("the right code after five wrong ones: %d", p.code)
	}
	has(t, p, "验证码错误次数过多")
	if p := b.post("/portal/verify", url.Values{"code": {"12ab"}}); p.code != http.StatusUnprocessableEntity {
		t.Fatalf("not a code: %d", p.code)
	}

	// A new code (a minute later) signs in; the session cookie is the
	// portal's own.
	e.advance(61 * time.Second)
	b.post("/portal/login", url.Values{"id_number": {idNumbers[0]}, "phone": {"13800001111"}})
	sent = e.codes()
	p = b.post("/portal/verify", url.Values{"code": {sent[1].code}, "next": {"/portal"}})
	if p.code != http.StatusSeeOther || p.location != "/portal" {
		t.Fatalf("sign in: %d %s %s", p.code, p.location, p.body)
	}
	var session *http.Cookie
	for _, c := range p.cookies {
		if c.Name == citizenCookie {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/portal" || session.Secure {
		t.Fatalf("session cookie %+v", session)
	}
	home := b.get("/portal")
	has(t, home, "钟一，您好", "您还没有申请", `href="/portal/apply"`)

	// CSRF on every change.
	if p := b.post("/portal/apply", url.Values{"program": {"dibao"}, "reason": {"x"}, "authorise": {"1"}}); p.code != http.StatusForbidden {
		t.Fatalf("apply without the CSRF token: %d", p.code)
	}
	// The form names what is missing.
	csrf := b.csrf("/portal/apply")
	p = b.post("/portal/apply", url.Values{"csrf": {csrf}, "program": {"dibao"}})
	if p.code != http.StatusUnprocessableEntity {
		t.Fatalf("incomplete form: %d", p.code)
	}
	has(t, p, "请说明家庭困难情况", "须授权核对家庭经济状况才能办理申请")

	// A Dibao application online.
	id := b.apply(url.Values{"program": {"dibao"}, "reason": {"丈夫病故，本人无业，孩子上学"}, "authorise": {"1"}})
	var v struct {
		Application struct {
			Channel     string
			ApplicantID int64 `json:"applicant_id"`
			Materials   []string
			CreatedBy   string `json:"created_by"`
		}
		Missing []string `json:"missing_materials"`
	}
	if code := e.staff("GET", "/api/v1/applications/"+itoa(id), nil, &v); code != 200 || v.Application.Channel != "online" ||
		v.Application.ApplicantID != ids[0] || len(v.Missing) != 0 || strings.Join(v.Application.Materials, ",") != "application_form,verification_authorisation" {
		t.Fatalf("filed: %d %+v", code, v)
	}
	// One open application per program and household.
	p = b.post("/portal/apply", url.Values{"csrf": {csrf}, "program": {"dibao"}, "reason": {"再申请一次"}, "authorise": {"1"}})
	if p.code != http.StatusConflict {
		t.Fatalf("a second Dibao application: %d", p.code)
	}
	has(t, p, "您的家庭已有一件在办的最低生活保障申请")
	home = b.get("/portal")
	has(t, home, "最低生活保障", "已提交，待受理", "/portal/applications/"+itoa(id), "受理后 30 个工作日内办结")

	// The caseworker accepts it through the staff API; the citizen sees it.
	if code := e.staff("POST", "/api/v1/applications/"+itoa(id)+"/actions/accept", map[string]any{"version": 1}, nil); code != 200 {
		t.Fatalf("accept: %d", code)
	}
	p = b.get("/portal/applications/" + itoa(id))
	has(t, p, "已受理，调查核实中", "提交申请", "本人", "受理申请", "乡镇经办", "前办结", "撤回申请")
	lacks(t, p, "town", "citizen:")
	has(t, b.get("/portal"), "已受理，调查核实中")

	// Another application, withdrawn.
	other := b.apply(url.Values{"program": {"linshi"}, "kind": {"urgent"}, "reason": {"家中失火"}, "authorise": {"1"}})
	path := "/portal/applications/" + itoa(other)
	csrf = b.csrf(path)
	if p := b.post(path+"/withdraw", url.Values{"csrf": {csrf}, "version": {"1"}}); p.code != http.StatusUnprocessableEntity {
		t.Fatalf("withdraw without a reason: %d", p.code)
	}
	if p := b.post(path+"/withdraw", url.Values{"csrf": {csrf}, "version": {"1"}, "reason": {"已获亲友资助"}}); p.code != http.StatusSeeOther || p.location != path+"?saved=withdraw" {
		t.Fatalf("withdraw: %d %s %s", p.code, p.location, p.body)
	}
	p = b.get(path + "?saved=withdraw")
	has(t, p, "已撤回", "申请已撤回")
	lacks(t, p, "撤回原因")
	if p := b.post(path+"/withdraw", url.Values{"csrf": {csrf}, "version": {"1"}, "reason": {"再撤一次"}}); p.code != http.StatusConflict {
		t.Fatalf("withdraw twice: %d", p.code)
	}

	// An incomplete application: the township asks once for every item;
	// the citizen confirms what they handed in and resubmits.
	third := b.apply(url.Values{"program": {"tekun"}, "reason": {"无劳动能力"}, "authorise": {"1"}})
	if code := e.staff("POST", "/api/v1/applications/"+itoa(third)+"/actions/request_materials",
		map[string]any{"version": 1, "missing": []string{"income_statement", "近6个月银行流水"}}, nil); code != 200 {
		t.Fatalf("request materials: %d", code)
	}
	path = "/portal/applications/" + itoa(third)
	p = b.get(path)
	has(t, p, "需补充材料", "收入证明", "近6个月银行流水", "我已提交勾选的材料")
	csrf = b.csrf(path)
	if p := b.post(path+"/resubmit", url.Values{"csrf": {csrf}, "version": {"2"}}); p.code != http.StatusUnprocessableEntity {
		t.Fatalf("resubmit nothing: %d", p.code)
	}
	if p := b.post(path+"/resubmit", url.Values{"csrf": {csrf}, "version": {"2"}, "items": {"income_statement", "近6个月银行流水", "hukou_booklet"}}); p.code != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %s", p.code, p.body)
	}
	var r struct {
		Application struct {
			State     string
			Materials []string
		}
		Events []struct {
			Action string
			Data   struct{ Note string }
		}
	}
	e.staff("GET", "/api/v1/applications/"+itoa(third), nil, &r)
	last := r.Events[len(r.Events)-1]
	if r.Application.State != "submitted" || !strings.Contains(strings.Join(r.Application.Materials, ","), "income_statement") ||
		strings.Contains(strings.Join(r.Application.Materials, ","), "hukou_booklet") || last.Action != "resubmit" || last.Data.Note != "近6个月银行流水" {
		t.Fatalf("resubmitted: %+v", r)
	}

	// In English.
	b.lan = "en"
	has(t, b.get("/portal"), "My applications", "Accepted, being checked", "Dibao", "Filed on")
	b.lan = ""

	// The sign-in and the filing are in the audit trail as the citizen's,
	// without the code.
	entries, err := e.db.List(context.Background(), audit.Filter{Entity: "citizen_session"})
	if err != nil {
		t.Fatal(err)
	}
	var logins int
	for _, en := range entries {
		if en.Username != "citizen:"+itoa(ids[0]) {
			t.Errorf("audit entry by %q", en.Username)
		}
		if en.Action == "login" {
			logins++
		}
		for _, c := range sent {
			if strings.Contains(string(en.After), c.code) {
				t.Errorf("the code is in the audit trail: %s", en.After)
			}
		}
	}
	if logins != 1 {
		t.Errorf("%d sign-ins audited", logins)
	}
	created, err := e.db.List(context.Background(), audit.Filter{Entity: "application", EntityID: itoa(id)})
	if err != nil || len(created) == 0 || created[len(created)-1].Action != "create" || created[len(created)-1].Username != "citizen:"+itoa(ids[0]) {
		t.Fatalf("filing audited as %+v, %v", created, err)
	}

	// Signing out ends the session.
	csrf = b.csrf("/portal")
	if p := b.post("/portal/logout", url.Values{"csrf": {csrf}}); p.code != http.StatusSeeOther || p.location != "/portal/login?out=1" {
		t.Fatalf("logout: %d %s", p.code, p.location)
	}
	if p := b.get("/portal"); p.code != http.StatusSeeOther {
		t.Fatalf("after signing out: %d", p.code)
	}
}

// TestPortalNeutral: an unknown ID number or a wrong phone gets the same
// answer as a right one, and no code.
func TestPortalNeutral(t *testing.T) {
	e := newPortalEnv(t)
	_, _, idNumbers := e.household(20, [2]string{"蔡一", "13900003333"})
	for _, c := range []struct{ name, id, phone string }{
		{"UnknownIDNumber", idcard.Make("440103", civil.D(1980, 8, 8), 901), "13900003333"},
		{"WrongPhone", idNumbers[0], "13900004444"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := e.browser()
			p := b.post("/portal/login", url.Values{"id_number": {c.id}, "phone": {c.phone}})
			if p.code != http.StatusSeeOther || p.location != "/portal/verify?next=%2Fportal" {
				t.Fatalf("got %d %s", p.code, p.location)
			}
			has(t, b.get("/portal/verify"), "如信息无误，验证码已发送")
			if sent := e.codes(); len(sent) != 0 {
				t.Fatalf("codes sent: %+v", sent)
			}
			p = b.post("/portal/verify", url.Values{"code": {"123456"}})
			if p.code != http.StatusUnauthorized {
				t.Fatalf("a guess: %d", p.code)
			}
			has(t, p, "验证码错误，还可尝试 4 次")
		})
	}
	b := e.browser()
	p := b.post("/portal/login", url.Values{"id_number": {"440103198008081235"}, "phone": {"139"}})
	if p.code != http.StatusUnprocessableEntity {
		t.Fatalf("malformed: %d", p.code)
	}
	has(t, p, "请输入家庭登记的11位手机号码")
}

func TestPortalRateLimit(t *testing.T) {
	e := newPortalEnv(t)
	_, _, idNumbers := e.household(30, [2]string{"潘一", "13700005555"})
	b := e.browser()
	ask := func(id string) answer {
		return b.post("/portal/login", url.Values{"id_number": {id}, "phone": {"13700005555"}})
	}
	if p := ask(idNumbers[0]); p.code != http.StatusSeeOther {
		t.Fatalf("first code: %d", p.code)
	}
	e.advance(20 * time.Second)
	p := ask(idNumbers[0])
	if p.code != http.StatusTooManyRequests {
		t.Fatalf("second code within a minute: %d", p.code)
	}
	has(t, p, "该手机号码1分钟内已获取过验证码，请 40 秒后再试")
	// The same for an ID number that is nobody's: the limit is the
	// phone's, and says nothing about who is registered.
	if p := ask(idcard.Make("440103", civil.D(1990, 1, 1), 777)); p.code != http.StatusTooManyRequests {
		t.Fatalf("unknown ID number within a minute: %d", p.code)
	}
	for i := 2; i <= 10; i++ {
		e.advance(time.Minute)
		if p := ask(idNumbers[0]); p.code != http.StatusSeeOther {
			t.Fatalf("code %d: %d %s", i, p.code, p.body)
		}
	}
	e.advance(time.Minute)
	p = ask(idNumbers[0])
	if p.code != http.StatusTooManyRequests {
		t.Fatalf("11th code in a day: %d", p.code)
	}
	has(t, p, "同一手机号码每天最多获取 10 次验证码")
	if n := len(e.codes()); n != 10 {
		t.Fatalf("%d codes sent, want 10", n)
	}
	e.advance(24 * time.Hour)
	if p := ask(idNumbers[0]); p.code != http.StatusSeeOther {
		t.Fatalf("the next day: %d", p.code)
	}
}

// TestPortalSeparation: the citizen's session opens no staff page or API,
// a staff session no portal page; another person's application is not
// found; a session ends after 30 idle minutes.
func TestPortalSeparation(t *testing.T) {
	e := newPortalEnv(t)
	_, _, idNumbers := e.household(40, [2]string{"卢一", "13600006666"})
	otherHousehold, otherIDs, _ := e.household(50, [2]string{"卢二", "13600007777"})
	b := e.browser()
	b.signIn(idNumbers[0], "13600006666")
	mine := b.apply(url.Values{"program": {"dibao"}, "reason": {"生活困难"}, "authorise": {"1"}})

	// Someone else's application, filed at the counter.
	var theirs struct{ Application struct{ ID int64 } }
	if code := e.staff("POST", "/api/v1/applications", map[string]any{"program": "dibao", "household_id": otherHousehold,
		"applicant_id": otherIDs[0], "channel": "counter"}, &theirs); code != 201 {
		t.Fatalf("staff filing: %d", code)
	}
	path := "/portal/applications/" + itoa(theirs.Application.ID)
	if p := b.get(path); p.code != http.StatusNotFound {
		t.Fatalf("another person's application: %d", p.code)
	}
	csrf := b.csrf("/portal/applications/" + itoa(mine))
	for _, v := range []string{"1", "2"} {
		if p := b.post(path+"/withdraw", url.Values{"csrf": {csrf}, "version": {v}, "reason": {"x"}}); p.code != http.StatusNotFound {
			t.Fatalf("withdraw another person's application (version %s): %d", v, p.code)
		}
	}
	if p := b.get("/portal/applications/999999"); p.code != http.StatusNotFound {
		t.Fatalf("no such application: %d", p.code)
	}
	has(t, b.get("/portal"), "/portal/applications/"+itoa(mine))
	lacks(t, b.get("/portal"), "/portal/applications/"+itoa(theirs.Application.ID))

	// CSRF: a wrong token is refused.
	if p := b.post("/portal/applications/"+itoa(mine)+"/withdraw", url.Values{"csrf": {"forged"}, "version": {"1"}, "reason": {"x"}}); p.code != http.StatusForbidden {
		t.Fatalf("forged token: %d", p.code)
	}
	if p := b.post("/portal/logout", nil); p.code != http.StatusForbidden {
		t.Fatalf("logout without a token: %d", p.code)
	}

	// The citizen's secret, under either cookie name, opens nothing on the
	// staff side.
	secret := ""
	u, _ := url.Parse(e.srv.URL + "/portal")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == citizenCookie {
			secret = c.Value
		}
	}
	if secret == "" {
		t.Fatal("no citizen cookie")
	}
	for _, name := range []string{citizenCookie, sessionCookie} {
		for _, target := range []string{"/", "/inbox", "/applications/" + itoa(mine), "/api/v1/applications", "/api/v1/me"} {
			req, _ := http.NewRequest("GET", e.srv.URL+target, nil)
			req.AddCookie(&http.Cookie{Name: name, Value: secret})
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			api := strings.HasPrefix(target, "/api/")
			if api && res.StatusCode != http.StatusUnauthorized || !api && (res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login")) {
				t.Errorf("%s with the citizen's secret as %s: %d %s", target, name, res.StatusCode, res.Header.Get("Location"))
			}
		}
	}
	// A staff session opens no portal page, under either name.
	hash, _ := auth.HashPassword("a long test password")
	staff := auth.User{Username: "clerk", Role: auth.CountyApprover, Region: "440103", PasswordHash: hash}
	if err := e.db.CreateUser(audit.WithActor(context.Background(), audit.Actor{Username: "test"}), &staff); err != nil {
		t.Fatal(err)
	}
	_, staffSecret, err := e.s.Auth.Login(context.Background(), "clerk", "a long test password", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{sessionCookie, citizenCookie} {
		for _, target := range []string{"/portal", "/portal/apply", "/portal/applications/" + itoa(mine)} {
			req, _ := http.NewRequest("GET", e.srv.URL+target, nil)
			req.AddCookie(&http.Cookie{Name: name, Value: staffSecret})
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/portal/login?next=") {
				t.Errorf("%s with a staff session as %s: %d %s", target, name, res.StatusCode, res.Header.Get("Location"))
			}
		}
	}

	// Thirty idle minutes end the session; activity keeps it.
	e.advance(25 * time.Minute)
	if p := b.get("/portal"); p.code != http.StatusOK {
		t.Fatalf("after 25 minutes: %d", p.code)
	}
	e.advance(25 * time.Minute)
	if p := b.get("/portal"); p.code != http.StatusOK {
		t.Fatalf("25 minutes after the last request: %d", p.code)
	}
	e.advance(31 * time.Minute)
	if p := b.get("/portal"); p.code != http.StatusSeeOther || !strings.HasPrefix(p.location, "/portal/login") {
		t.Fatalf("after 31 idle minutes: %d %s", p.code, p.location)
	}
}

// citizenRouteCheck is TestEveryRouteHasAPermission's check of a portal
// route (auth.Citizen): without a session, and with a staff session of
// any role, the browser is sent to the portal's sign-in; with a citizen's
// session and its CSRF token the request gets past the check.
type citizenRouteCheck struct {
	// sessions are two citizens' session secrets and CSRF tokens: the
	// second is for signing out, which ends it.
	sessions [2][2]string
	staff    []*http.Cookie
}

// newCitizenRouteCheck signs two citizens in. Their households lie in
// another county than the route test's users, so that the staff routes'
// answers do not change.
func newCitizenRouteCheck(t *testing.T, s *Server, staff []*http.Cookie) *citizenRouteCheck {
	t.Helper()
	var code string
	s.Sender = auth.SenderFunc(func(_ context.Context, _, c string) error { code = c; return nil })
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	out := &citizenRouteCheck{staff: staff}
	for i := range out.sessions {
		phone := "1350000888" + strconv.Itoa(i)
		h := &registry.Household{RegionCode: region.Embedded().Children("440104")[0].Code, Address: "路由路1号", HukouType: registry.Urban,
			Members: []registry.Member{{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1),
				Person: registry.Person{Name: "路一", Phone: phone, IDNumber: idcard.Make("440104", civil.D(1960, 1, 1), 3+2*i)}}}}
		if err := s.Registry.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
			t.Fatal(err)
		}
		ticket, err := s.Citizens.RequestCode(ctx, h.Members[0].Person.IDNumber, phone)
		if err != nil {
			t.Fatal(err)
		}
		s.Citizens.Wait()
		c, secret, err := s.Citizens.Verify(ctx, ticket, code)
		if err != nil {
			t.Fatal(err)
		}
		out.sessions[i] = [2]string{secret, c.CSRF}
	}
	return out
}

func (c *citizenRouteCheck) check(t *testing.T, h http.Handler, pattern string) {
	t.Helper()
	request := func(cookie *http.Cookie, csrf string) *httptest.ResponseRecorder {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.ReplaceAll(path, "{id}", "1")
		req := httptest.NewRequest(method, path, strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	toSignIn := func(rec *httptest.ResponseRecorder) bool {
		loc := rec.Header().Get("Location")
		return rec.Code == http.StatusSeeOther && (loc == "/portal/login" || strings.HasPrefix(loc, "/portal/login?next="))
	}
	if rec := request(nil, ""); !toSignIn(rec) {
		t.Errorf("%s without a session: got %d to %q, want the portal's sign-in", pattern, rec.Code, rec.Header().Get("Location"))
	}
	for _, staff := range c.staff {
		for _, name := range []string{sessionCookie, citizenCookie} {
			if rec := request(&http.Cookie{Name: name, Value: staff.Value}, ""); !toSignIn(rec) {
				t.Errorf("%s with a staff session as %s: got %d, want the portal's sign-in", pattern, name, rec.Code)
			}
		}
	}
	sess := c.sessions[0]
	if pattern == "POST /portal/logout" {
		sess = c.sessions[1]
	}
	rec := request(&http.Cookie{Name: citizenCookie, Value: sess[0]}, sess[1])
	if toSignIn(rec) || rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden {
		t.Errorf("%s as a citizen: got %d, want past the check", pattern, rec.Code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
