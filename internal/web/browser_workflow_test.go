package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/store/storetest"
	"safetynet/internal/web"
)

// The browser tests of the casework workflow (docs/casework.md): an
// application taken through its steps in headless Chromium, as the staff
// click it on a tablet held upright (768×1024) and as a citizen taps the
// portal on a phone (375 px). See browser_test.go for the browser and the
// layout checks.
//
// The server runs on a clock the test moves on (web.Server.Clock), so a
// seven-day public notice ends in a moment. Each case is a chain of steps,
// each a subtest with its own deadline; a step builds on the one before, so
// a case stops at the first step that fails.

const (
	// workflowTimeout bounds a whole case's browser, and workflowStepTimeout
	// each of its steps: generous, for a busy two-core CI machine (a case
	// takes 10 to 30 seconds on an idle one).
	workflowTimeout     = 3 * time.Minute
	workflowStepTimeout = 45 * time.Second
)

// workflowClock is the server's clock: stopped at the time the test
// started (so that the day cannot change under a test run at midnight),
// moved on by the days the test lets pass. The store keeps the real time
// (its timestamps, the sessions).
type workflowClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *workflowClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// today is the server's day (in Shanghai).
func (c *workflowClock) today() civil.Date { return civil.DateOf(c.now().In(civil.Shanghai)) }

// pass lets n days pass.
func (c *workflowClock) pass(days int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.AddDate(0, 0, days)
}

// workflowEnv is uiEnv (the same users: town1 and town2, caseworkers of
// two townships of 广州市荔湾区, county, its approver) on a server the test
// holds: on the test's clock, with the portal's one-time codes caught.
type workflowEnv struct {
	*uiEnv
	s     *web.Server
	clock *workflowClock

	mu   sync.Mutex
	code string // the last one-time code sent
}

func newWorkflowEnv(t *testing.T) *workflowEnv {
	t.Helper()
	auth.SetTestCost()
	db := storetest.SQLite(t)
	s := web.New(db, auth.NewService(db), slog.New(slog.DiscardHandler))
	e := &workflowEnv{s: s, clock: &workflowClock{at: time.Now()}}
	s.Clock = e.clock.now
	s.MaxUpload = 1 << 20
	s.Sender = auth.SenderFunc(func(_ context.Context, _, code string) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.code = code
		return nil
	})
	e.uiEnv = &uiEnv{t: t, db: db, srv: httptest.NewServer(s.Handler()), towns: region.Embedded().Children("440103"), seq: 100}
	t.Cleanup(e.srv.Close)
	hash, err := auth.HashPassword(uiPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.User{
		{Username: "town1", DisplayName: "陈经办", Role: auth.TownshipCaseworker, Region: e.towns[0].Code},
		{Username: "town2", DisplayName: "李经办", Role: auth.TownshipCaseworker, Region: e.towns[1].Code},
		{Username: "county", DisplayName: "王审批", Role: auth.CountyApprover, Region: "440103"},
	} {
		u.PasswordHash = hash
		if err := db.CreateUser(uiCtx, &u); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// tabletBrowser starts a browser on e's server showing pages at 768×1024
// with touch. It is started after the server, so it exits before the
// server closes.
func (e *workflowEnv) tabletBrowser(t *testing.T) *browser {
	t.Helper()
	b := &browser{t: t, ctx: newBrowser(t, workflowTimeout), url: e.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))
	return b
}

// phoneTab opens a tab of b's browser in a browser context of its own (its
// own cookies, as another person's device), 375 px wide with touch.
func (e *workflowEnv) phoneTab(t *testing.T, b *browser) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	// Registered after the browser's cleanups, so the tab closes first.
	t.Cleanup(cancel)
	p := &browser{t: t, ctx: ctx, url: e.srv.URL}
	p.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateTouch))
	return p
}

// sentCode waits for the code being sent and returns it.
func (e *workflowEnv) sentCode() string {
	e.s.Citizens.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.code
}

// caseStep runs one step of a case as a subtest of t, the browsers bs
// reporting to it under a deadline of the step's own. It reports whether
// the step passed: the next steps build on it, so the caller stops at the
// first that fails.
func caseStep(t *testing.T, name string, fn func(t *testing.T), bs ...*browser) bool {
	t.Helper()
	type saved struct {
		t   *testing.T
		ctx context.Context
	}
	before := make([]saved, len(bs))
	for i, b := range bs {
		before[i] = saved{b.t, b.ctx}
	}
	ok := t.Run(name, func(st *testing.T) {
		for i, b := range bs {
			ctx, cancel := context.WithTimeout(before[i].ctx, workflowStepTimeout)
			defer cancel()
			b.t, b.ctx = st, ctx
		}
		fn(st)
	})
	for i, b := range bs {
		b.t, b.ctx = before[i].t, before[i].ctx
	}
	return ok
}

// typeInto types s into a field, as a user does.
func (b *browser) typeInto(sel, s string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS(sel), s))
}

// has reports whether the page has an element matching sel (without
// waiting for one, as text and click do).
func (b *browser) has(sel string) bool {
	b.t.Helper()
	return b.eval(`String(document.querySelector(`+strconv.Quote(sel)+`) !== null)`) == "true"
}

// textAll is the page's text of every element matching sel, white space
// squashed, one element a line.
func (b *browser) textAll(sel string) string {
	b.t.Helper()
	return b.eval(`[...document.querySelectorAll(` + strconv.Quote(sel) + `)].map(x => x.innerText.replace(/\s+/g, " ").trim()).join("\n")`)
}

// statusNotice is the notice the page shows after an action (the layout's
// status line), or "".
func (b *browser) statusNotice() string {
	b.t.Helper()
	return b.textAll(`main > p.notice[role=status]`)
}

// fact is the value the application page's details give for the label
// (its <dt>), squashed, or "".
func (b *browser) fact(label string) string {
	b.t.Helper()
	return b.eval(`(() => { const dt = [...document.querySelectorAll("#details dt")].find(dt => dt.textContent.trim() === ` + strconv.Quote(label) + `);
		return dt ? dt.nextElementSibling.innerText.replace(/\s+/g, " ").trim() : "" })()`)
}

// takeAction opens an action's form on the application page (a tap on its
// button, the summary of a <details>) unless it is open already, lets fill
// complete it, and sends it; it returns the status of the page that
// answers.
func (b *browser) takeAction(action string, fill func()) int64 {
	b.t.Helper()
	if !b.has("#act-" + action) {
		b.t.Fatalf("the page offers no %s form; its actions: %q (state %q)", action,
			b.textAll("#actions details > summary"), b.textAll("#state"))
	}
	if b.eval(`String(document.querySelector("#act-`+action+`").open)`) != "true" {
		b.do(chromedp.Click(chromedp.CSS("#act-"+action+" > summary")), chromedp.WaitVisible(chromedp.CSS("#submit-"+action)))
	}
	if fill != nil {
		fill()
	}
	return b.click("#submit-" + action)
}

// mustAct takes an action that must succeed: the application page comes
// back with the notice of it and the state want.
func (b *browser) mustAct(app, action, label, want string, fill func()) {
	b.t.Helper()
	if st := b.takeAction(action, fill); st != 200 || b.location() != app+"?saved="+action {
		b.t.Fatalf("%s: got %d at %s, want the application page; problems: %q; messages: %q", action, st, b.location(),
			b.textAll(".problems, #conflict"), b.textAll(".has-error .error"))
	}
	if got := b.statusNotice(); got != "已办理："+label+"。" {
		b.t.Errorf("after %s: the notice says %q", action, got)
	}
	if got := b.text("#state"); got != want {
		b.t.Errorf("after %s: state %q, want %q", action, got, want)
	}
}

// inboxRows are the rows of the signed-in user's inbox (/inbox, reached by
// the menu) that link to the application app, as "row id|text".
func (b *browser) inboxRows(app string) []string {
	b.t.Helper()
	if st := b.click(`.nav a[href="/inbox"]`); st != 200 || b.location() != "/inbox" {
		b.t.Fatalf("the inbox from the menu: got %d at %s", st, b.location())
	}
	rows := b.eval(`[...document.querySelectorAll("#inbox tbody tr")].filter(tr => tr.querySelector('a[href=` + strconv.Quote(app) + `]'))
		.map(tr => tr.id + "|" + tr.innerText.replace(/\s+/g, " ").trim()).join("\n")`)
	if rows == "" {
		return nil
	}
	return strings.Split(rows, "\n")
}

// openFromInbox goes to the inbox and opens the application from its row
// for the step (its label), checking what the row says; shot, unless "",
// names the inbox's layout check and screenshot.
func (b *browser) openFromInbox(app, step, shot string, want ...string) {
	b.t.Helper()
	rows := b.inboxRows(app)
	if shot != "" {
		b.tablet(shot)
	}
	var id string
	for _, r := range rows {
		if rid, text, _ := strings.Cut(r, "|"); strings.Contains(text, step) {
			id = rid
			containsAll(b.t, "the inbox row", text, want...)
		}
	}
	if id == "" {
		b.t.Fatalf("no %s task for %s in the inbox; its rows for it: %q; all: %s", step, app, rows, b.textAll("#inbox tbody tr, #inbox-empty"))
	}
	if st := b.click("#" + id + ` a[href="` + app + `"]`); st != 200 || b.location() != app {
		b.t.Fatalf("the inbox's link: got %d at %s, want %s", st, b.location(), app)
	}
}

// dibaoCase is a Dibao application being taken through the UI.
type dibaoCase struct {
	e   *workflowEnv
	b   *browser
	h   *registry.Household
	app string // the application page's path
}

// file files a Dibao application for the household from its page, at the
// counter, the head applying, with the written application handed in but
// not the verification authorisation; the caseworker is signed in. check,
// unless nil, looks at the filled form before it is sent.
func (c *dibaoCase) file(check func()) {
	b, h := c.b, c.h
	b.t.Helper()
	home := "/households/" + strconv.FormatInt(h.ID, 10)
	if st := b.open(home); st != 200 {
		b.t.Fatalf("household page: got %d", st)
	}
	if got := b.text("#apply"); got != "申请救助" {
		b.t.Errorf("the household's apply button: got %q", got)
	}
	if st := b.click("#apply"); st != 200 || b.location() != home+"/apply" {
		b.t.Fatalf("申请救助: got %d at %s", st, b.location())
	}
	b.set("#f-program", "dibao")
	b.set("#f-applicant_id", strconv.FormatInt(h.Members[0].Person.ID, 10))
	b.set("#f-channel", "counter")
	b.do(chromedp.Click(chromedp.CSS("#f-materials-application_form")))
	b.typeInto("#f-reason", "户主失业，儿子二级肢体残疾，家庭无其他收入")
	if check != nil {
		check()
	}
	if st := b.click("#file"); st != 200 || !regexp.MustCompile(`^/applications/\d+\?saved=file$`).MatchString(b.location()) {
		b.t.Fatalf("file: got %d at %s; messages: %q", st, b.location(), b.textAll("#form-errors, .has-error .error"))
	}
	c.app = strings.TrimSuffix(b.location(), "?saved=file")
	if got := b.text("#state"); got != "待受理" {
		b.t.Errorf("state after filing: got %q, want 待受理", got)
	}
}

// accept accepts the application, ticking the verification authorisation
// now handed in.
func (c *dibaoCase) accept() {
	b := c.b
	b.t.Helper()
	b.mustAct(c.app, "accept", "受理", "调查核实", func() {
		b.do(chromedp.Click(chromedp.CSS("#f-accept-materials-verification_authorisation")))
	})
}

// investigate records the township's home visit and finishes the
// investigation.
func (c *dibaoCase) investigate(findings string) {
	b := c.b
	b.t.Helper()
	b.mustAct(c.app, "record_visit", "入户调查", "调查核实", func() {
		if got := b.value("#f-record_visit-visit-date"); got != c.e.clock.today().String() {
			b.t.Errorf("the visit's date proposed: got %q, want the server's today %s", got, c.e.clock.today())
		}
		b.set("#f-record_visit-visit-mode", "in_person")
		b.typeInto("#f-record_visit-visit-visitors", "陈经办、社区居委会李主任")
		b.typeInto("#f-record_visit-visit-findings", findings)
	})
	containsAll(b.t, "the history after the visit", squash(b.text("#timeline")), "入户调查", findings, "实地入户", "陈经办、社区居委会李主任")
	b.mustAct(c.app, "finish_investigation", "调查完毕，提交审核", "乡镇审核", nil)
}

// proposeApproval proposes approval at the rules engine's amount: the
// public notice starts today and runs seven days.
func (c *dibaoCase) proposeApproval(notice string) {
	b := c.b
	b.t.Helper()
	b.mustAct(c.app, "propose", "乡镇审核意见", "公示中", func() {
		b.set("#f-propose-opinion", "approve")
	})
	today := c.e.clock.today()
	want := today.String() + " – " + today.AddDays(6).String() + " 公示中" + notice
	if got := squash(b.text("#notice-period")); got != want {
		b.t.Errorf("notice period: got %q, want %q", got, want)
	}
	if got := b.text("#proposed-amount"); got != "2,240.00" {
		b.t.Errorf("proposed amount: got %q, want the rules engine's 2,240.00", got)
	}
}

// endNotice lets the notice's seven days pass on the server's clock and
// closes it: the application goes to the county.
func (c *dibaoCase) endNotice() {
	b := c.b
	b.t.Helper()
	c.e.clock.pass(7)
	b.open(c.app)
	b.mustAct(c.app, "end_notice", "公示期满无异议", "县级确认", nil)
}

// TestBrowserWorkflowDibao takes a Dibao application from filing to
// approval: a township caseworker files it from the household's page with
// one material, accepts it with the missing one (the overall limit
// appears), records a home visit, finishes the investigation and proposes
// approval; the public notice runs, cannot be closed early, and is closed
// once the server's clock has passed it; the county approver finds the
// case in the inbox, sees the rules engine's verdict on the confirmation
// form and confirms; the page shows the approval, and its letter prints the
// notice of decision.
func TestBrowserWorkflowDibao(t *testing.T) {
	e := newWorkflowEnv(t)
	h := e.household(e.towns[0].Code, "黄大")
	b := e.tabletBrowser(t)
	c := &dibaoCase{e: e, b: b, h: h}

	if !caseStep(t, "file", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		c.file(func() {
			// The preview above the form: this month's verdict on Dibao.
			if got := b.eval(`document.querySelector("#program-dibao").className + "|" + document.querySelector("#program-dibao").innerText.replace(/\s+/g, " ").trim()`); got != "pass|最低生活保障 符合 2240.00" {
				t.Errorf("the form's preview of Dibao (class|row): got %q, want pass|最低生活保障 符合 2240.00", got)
			}
			b.tablet("workflow-apply-768x1024.png")
		})
		if got := b.statusNotice(); got != "申请已登记。乡镇予以受理，或一次性告知须补正的全部材料。" {
			t.Errorf("notice: got %q", got)
		}
		if got := b.text("h1"); got != "申请 "+strings.TrimPrefix(c.app, "/applications/")+" 号 · 最低生活保障" {
			t.Errorf("heading: got %q", got)
		}
		for sel, want := range map[string]string{"#state": "待受理", "#state-name": "待受理", "#applicant": "黄大",
			"#received": "申请书", "#missing": "家庭经济状况核对授权书", "#household-link": "家庭 " + h.Number} {
			if got := b.text(sel); got != want {
				t.Errorf("%s: got %q, want %q", sel, got, want)
			}
		}
		containsAll(t, "the details", squash(b.text("#details")), "户籍地申请", e.clock.today().String(), "户主失业，儿子二级肢体残疾，家庭无其他收入")
		containsAll(t, "the open tasks", squash(b.text("#tasks")), "受理或告知补正", "乡镇经办人员")
		b.tablet("workflow-submitted-768x1024.png")
	}, b) {
		return
	}

	if !caseStep(t, "accept", func(t *testing.T) {
		b.open(c.app)
		// Accepting without the missing material names it.
		if st := b.takeAction("accept", nil); st != 422 {
			t.Fatalf("accept with a material missing: got %d, want 422", st)
		}
		if got := b.text("#f-accept-materials-err"); !strings.Contains(got, "家庭经济状况核对授权书") {
			t.Errorf("message beside the materials: got %q, want the missing one named", got)
		}
		if got := b.text(`label[for="f-accept-materials-verification_authorisation"]`); !strings.Contains(got, "缺少") {
			t.Errorf("the missing material is not marked: %q", got)
		}
		c.accept()
		if b.has("#missing") {
			t.Errorf("still missing after acceptance: %q", b.text("#missing"))
		}
		if got := b.text("#received"); got != "申请书、家庭经济状况核对授权书" {
			t.Errorf("materials received: got %q", got)
		}
		if got := b.fact("受理日期"); got != e.clock.today().String() {
			t.Errorf("accepted on: got %q, want %s", got, e.clock.today())
		}
		// The overall limit: 30 working days from today.
		if due := squash(b.text("#due")); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2} 剩余 30 个工作日`).MatchString(due) {
			t.Errorf("the overall limit: got %q, want a date and 剩余 30 个工作日", due)
		}
	}, b) {
		return
	}

	if !caseStep(t, "investigate", func(t *testing.T) {
		b.open(c.app)
		b.do(chromedp.Click(chromedp.CSS("#act-record_visit > summary")), chromedp.WaitVisible(chromedp.CSS("#f-record_visit-visit-findings")))
		b.tablet("workflow-visit-form-768x1024.png")
		c.investigate("户主失业在家，儿子二级肢体残疾需照料，无存款和车辆")
		containsAll(t, "the open tasks", squash(b.text("#tasks")), "乡镇审核")
	}, b) {
		return
	}

	if !caseStep(t, "propose", func(t *testing.T) {
		c.proposeApproval("")
		// The notice cannot be closed before it has run its days.
		if st := b.takeAction("end_notice", nil); st != 409 {
			t.Errorf("closing the notice on its first day: got %d, want 409", st)
		}
		want := "公示期至 " + e.clock.today().AddDays(6).String() + "，次日起方可结束公示"
		if got := b.textAll("#problems-end_notice"); got != want {
			t.Errorf("closing early: got %q, want %q", got, want)
		}
		if got := b.text("#state"); got != "公示中" {
			t.Errorf("after closing early: state %q", got)
		}
		b.open(c.app)
		b.tablet("workflow-notice-768x1024.png")
	}, b) {
		return
	}

	if !caseStep(t, "end notice", func(t *testing.T) {
		c.endNotice()
		containsAll(t, "the open tasks", squash(b.text("#tasks")), "审核确认", "县级审批人员")
		if b.has("#form-confirm") {
			t.Error("the township is offered the county's confirmation")
		}
		b.signOut()
	}, b) {
		return
	}

	start := e.clock.today().MonthOf().Add(1)
	if !caseStep(t, "county confirms", func(t *testing.T) {
		b.signIn("county", "王审批")
		b.openFromInbox(c.app, "审核确认", "workflow-inbox-county-768x1024.png", "最低生活保障", "黄大", h.Number)
		b.do(chromedp.Click(chromedp.CSS("#act-confirm > summary")), chromedp.WaitVisible(chromedp.CSS("#engine")))
		if got := squash(b.text("#engine")); !strings.HasPrefix(got, "规则测算（"+start.String()+"）： 符合, 2,240.00 元") {
			t.Errorf("the rules engine on the confirm form: got %q, want 符合 2,240.00 for %s", got, start)
		}
		if got := b.text("#engine-verdict") + " " + b.text("#engine-amount"); got != "符合 2,240.00" {
			t.Errorf("engine verdict and amount: got %q", got)
		}
		b.tablet("workflow-confirm-768x1024.png")
		b.mustAct(c.app, "confirm", "确认批准", "已批准", nil)
		if got := squash(b.text("#decision h2")); got != "审批结果: 批准" {
			t.Errorf("decision heading: got %q", got)
		}
		if got := b.text("#decision-amount"); got != "2,240.00" {
			t.Errorf("amount approved: got %q", got)
		}
		containsAll(t, "the decision", squash(b.text("#decision")), "发放起始月 "+start.String(), "规则测算结论 符合",
			"决定 "+e.clock.today().String()+" county")
		if b.has("#act-confirm") || !b.has("#no-actions") {
			t.Errorf("actions after the approval: %q", b.textAll("#actions"))
		}
		b.tablet("workflow-approved-768x1024.png")
		if rows := b.inboxRows(c.app); len(rows) != 0 {
			t.Errorf("the county's inbox still holds the application: %q", rows)
		}
	}, b) {
		return
	}

	caseStep(t, "letter", func(t *testing.T) {
		b.open(c.app)
		if st := b.click("#print-letter"); st != 200 || b.location() != c.app+"/letter" {
			t.Fatalf("打印通知书: got %d at %s", st, b.location())
		}
		today := e.clock.today()
		for sel, want := range map[string]string{"#letter-title": "审批决定通知书", "#letter-name": "黄大：",
			"#letter-household": h.Number, "#letter-program": "最低生活保障", "#letter-amount": "2,240.00",
			"#letter-start": strconv.Itoa(start.Year) + "年" + strconv.Itoa(int(start.Month)) + "月", "#letter-verdict": "符合",
			"#letter-date": strconv.Itoa(today.Year) + "年" + strconv.Itoa(int(today.Month)) + "月" + strconv.Itoa(today.Day) + "日"} {
			if got := b.text(sel); got != want {
				t.Errorf("letter %s: got %q, want %q", sel, got, want)
			}
		}
		containsAll(t, "the letter", squash(b.text("#letter")), "您申请的最低生活保障，经审核确认，决定予以批准。", "1120.00")
		b.tablet("workflow-letter-approved-768x1024.png")
	}, b)
}

// TestBrowserWorkflowRejection: the township proposes to reject (no public
// notice); the county approver rejects, is told a rejection needs its
// reasons, gives them; the township's inbox then holds the delivery of the
// written rejection, which the caseworker records; the rejection letter
// prints the reasons in full and the remedies.
func TestBrowserWorkflowRejection(t *testing.T) {
	e := newWorkflowEnv(t)
	h := e.household(e.towns[0].Code, "梁二")
	b := e.tabletBrowser(t)
	c := &dibaoCase{e: e, b: b, h: h}
	reasons := []string{"一、户主在某物流公司有稳定工资收入，每月4500元；", "二、家庭月人均收入高于本市低保标准1120元。"}

	if !caseStep(t, "propose to reject", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		c.file(nil)
		c.accept()
		c.investigate("户主在物流公司上班，有工资流水")
		b.mustAct(c.app, "propose", "乡镇审核意见", "县级确认", func() {
			b.set("#f-propose-opinion", "reject")
			b.typeInto("#f-propose-reason", "家庭人均收入高于低保标准")
		})
		if b.has("#notice-period") {
			t.Errorf("a proposal to reject is publicly noticed: %q", b.text("#notice-period"))
		}
		if got := b.fact("乡镇审核意见"); got != "不同意" {
			t.Errorf("the township's opinion: got %q", got)
		}
		b.signOut()
	}, b) {
		return
	}

	if !caseStep(t, "county rejects", func(t *testing.T) {
		b.signIn("county", "王审批")
		b.openFromInbox(c.app, "审核确认", "", "梁二", h.Number)
		if st := b.takeAction("reject", nil); st != 422 {
			t.Fatalf("reject without reasons: got %d, want 422", st)
		}
		if got := b.text("#f-reject-reason-err"); got != "不予批准须书面说明理由" {
			t.Errorf("message beside the reasons: got %q", got)
		}
		b.tablet("workflow-reject-form-768x1024.png")
		b.mustAct(c.app, "reject", "不予批准", "不予批准", func() {
			b.typeInto("#f-reject-reason", reasons[0]+"\n"+reasons[1])
		})
		if got := squash(b.text("#decision h2")); got != "审批结果: 不予批准" {
			t.Errorf("decision heading: got %q", got)
		}
		containsAll(t, "the decision's reasons", b.text("#decision-reasons"), reasons...)
		if b.has("#act-deliver_rejection") {
			t.Error("the county is offered to record the delivery, the township's step")
		}
		b.signOut()
	}, b) {
		return
	}

	if !caseStep(t, "township delivers", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		b.openFromInbox(c.app, "送达不予批准告知书", "workflow-inbox-town-768x1024.png", "梁二", "最低生活保障")
		b.mustAct(c.app, "deliver_rejection", "送达不予批准告知书", "不予批准", func() {
			if got := b.value("#f-deliver_rejection-date"); got != e.clock.today().String() {
				t.Errorf("delivery date proposed: got %q, want today", got)
			}
		})
		if got := b.fact("不予批准告知书送达日期"); got != e.clock.today().String() {
			t.Errorf("delivered on: got %q", got)
		}
		if b.has("#act-deliver_rejection") {
			t.Error("the delivery is offered again")
		}
		if rows := b.inboxRows(c.app); len(rows) != 0 {
			t.Errorf("the township's inbox still holds the application: %q", rows)
		}
	}, b) {
		return
	}

	caseStep(t, "letter", func(t *testing.T) {
		b.open(c.app)
		if st := b.click("#print-letter"); st != 200 || b.location() != c.app+"/letter" {
			t.Fatalf("打印通知书: got %d at %s", st, b.location())
		}
		if got := b.text("#letter-title"); got != "不予批准告知书" {
			t.Errorf("title: got %q", got)
		}
		if got := b.text("#letter-reasons"); got != reasons[0]+"\n"+reasons[1] {
			t.Errorf("reasons: got %q, want them in full, line by line", got)
		}
		if got := b.text("#letter-remedies"); got != "如对本决定不服，可依法申请行政复议或者提起行政诉讼。" {
			t.Errorf("remedies: got %q", got)
		}
		if b.has("#letter-amount") {
			t.Error("a rejection letter prints an amount")
		}
		b.tablet("workflow-letter-rejected-768x1024.png")
	}, b)
}

// TestBrowserWorkflowObjection: an objection is recorded during the public
// notice; the application goes to 异议处理 and the county gets a home-visit
// task; the township re-investigates and proposes again, which starts
// notice no. 2; once it has run, the county cannot confirm before visiting
// the home in person, records the visit and confirms.
func TestBrowserWorkflowObjection(t *testing.T) {
	e := newWorkflowEnv(t)
	h := e.household(e.towns[0].Code, "何三")
	b := e.tabletBrowser(t)
	c := &dibaoCase{e: e, b: b, h: h}

	if !caseStep(t, "first notice", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		c.file(nil)
		c.accept()
		c.investigate("户主失业，儿子残疾")
		c.proposeApproval("")
	}, b) {
		return
	}

	if !caseStep(t, "objection", func(t *testing.T) {
		// Two days into the notice.
		e.clock.pass(2)
		b.open(c.app)
		b.mustAct(c.app, "object", "登记公示异议", "异议处理", func() {
			if got := b.value("#f-object-objection-date"); got != e.clock.today().String() {
				t.Errorf("objection date proposed: got %q, want the server's today %s", got, e.clock.today())
			}
			b.typeInto("#f-object-objection-from", "同社区居民（电话反映）")
			b.typeInto("#f-object-objection-content", "反映该户有一辆营运货车未申报")
		})
		if got := b.text("#county-visit"); got != "须县级入户调查：尚未进行。 公示期间有异议。" {
			t.Errorf("county visit note: got %q", got)
		}
		containsAll(t, "the open tasks", squash(b.text("#tasks")), "异议复查", "县级入户调查", "县级审批人员")
		containsAll(t, "the history", squash(b.text("#timeline")), "登记公示异议", "公示中 → 异议处理", "同社区居民（电话反映）", "反映该户有一辆营运货车未申报")
		b.tablet("workflow-objection-768x1024.png")
	}, b) {
		return
	}

	if !caseStep(t, "second notice", func(t *testing.T) {
		b.mustAct(c.app, "record_visit", "入户调查", "异议处理", func() {
			b.set("#f-record_visit-visit-mode", "in_person")
			b.typeInto("#f-record_visit-visit-visitors", "陈经办")
			b.typeInto("#f-record_visit-visit-findings", "货车已于去年转让，有转让合同和过户记录")
		})
		b.mustAct(c.app, "finish_investigation", "调查完毕，提交审核", "乡镇审核", nil)
		c.proposeApproval(" 第 2 次公示")
		c.endNotice()
		b.signOut()
	}, b) {
		return
	}

	caseStep(t, "county visits and confirms", func(t *testing.T) {
		b.signIn("county", "王审批")
		rows := b.inboxRows(c.app)
		joined := strings.Join(rows, "\n")
		if len(rows) != 2 || !strings.Contains(joined, "县级入户调查") || !strings.Contains(joined, "审核确认") {
			t.Errorf("the county's inbox rows for the application: %q, want the home visit and the confirmation", rows)
		}
		b.openFromInbox(c.app, "审核确认", "", "何三")
		if got := b.text("#county-visit"); got != "须县级入户调查：尚未进行。 公示期间有异议。" {
			t.Errorf("county visit note: got %q", got)
		}
		// Confirming before the visit is refused, saying why.
		if st := b.takeAction("confirm", nil); st != 409 {
			t.Errorf("confirm before the county's visit: got %d, want 409", st)
		}
		if got := b.textAll("#problems-confirm"); got != "本案须经县级实地入户调查后方可确认（近亲属备案或有异议）" {
			t.Errorf("confirm before the visit: got %q", got)
		}
		if got := b.text("#state"); got != "县级确认" {
			t.Errorf("state after the refused confirmation: %q", got)
		}
		b.tablet("workflow-confirm-refused-768x1024.png")
		b.mustAct(c.app, "record_visit", "入户调查", "县级确认", func() {
			containsAll(t, "the county visit's form", squash(b.text("#form-record_visit")), "县级对该户的入户调查须实地进行。")
			b.set("#f-record_visit-visit-mode", "in_person")
			b.typeInto("#f-record_visit-visit-visitors", "王审批、区民政局社会救助科")
			b.typeInto("#f-record_visit-visit-findings", "核实异议：货车已过户，情况属实")
		})
		if got := b.text("#county-visit"); got != "须县级入户调查：已完成。" {
			t.Errorf("county visit note after the visit: got %q", got)
		}
		containsAll(t, "the history", squash(b.text("#timeline")), "县级入户调查", "核实异议：货车已过户，情况属实")
		b.mustAct(c.app, "confirm", "确认批准", "已批准", nil)
		if got := b.text("#decision-amount"); got != "2,240.00" {
			t.Errorf("amount approved: got %q", got)
		}
		containsAll(t, "the decision", squash(b.text("#decision")), "发放起始月 "+e.clock.today().MonthOf().Add(1).String())
		if rows := b.inboxRows(c.app); len(rows) != 0 {
			t.Errorf("the county's inbox still holds the application: %q", rows)
		}
	}, b)
}

// TestBrowserWorkflowLinshi: urgent temporary assistance paid first. The
// caseworker files Linshi of the urgent type with every material, records
// the payment made first (an amount is required) and its reason, sees it
// on the page, then accepts the application.
func TestBrowserWorkflowLinshi(t *testing.T) {
	e := newWorkflowEnv(t)
	h := e.household(e.towns[0].Code, "罗四")
	b := e.tabletBrowser(t)
	var app string

	if !caseStep(t, "file", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		home := "/households/" + strconv.FormatInt(h.ID, 10)
		b.open(home)
		if st := b.click("#apply"); st != 200 || b.location() != home+"/apply" {
			t.Fatalf("申请救助: got %d at %s", st, b.location())
		}
		b.set("#f-program", "linshi")
		b.set("#f-kind", "urgent")
		b.set("#f-applicant_id", strconv.FormatInt(h.Members[0].Person.ID, 10))
		b.set("#f-channel", "counter")
		b.do(chromedp.Click(chromedp.CSS("#f-materials-application_form")), chromedp.Click(chromedp.CSS("#f-materials-verification_authorisation")))
		b.typeInto("#f-reason", "住房失火，衣物家具全部烧毁")
		if st := b.click("#file"); st != 200 || !regexp.MustCompile(`^/applications/\d+\?saved=file$`).MatchString(b.location()) {
			t.Fatalf("file: got %d at %s; messages: %q", st, b.location(), b.textAll("#form-errors, .has-error .error"))
		}
		app = strings.TrimSuffix(b.location(), "?saved=file")
		if got := b.text("h1"); !strings.HasSuffix(got, " · 临时救助 · 急难型") {
			t.Errorf("heading: got %q", got)
		}
		if got := b.text("#state"); got != "待受理" {
			t.Errorf("state: got %q", got)
		}
		if b.has("#missing") {
			t.Errorf("materials missing: %q", b.text("#missing"))
		}
	}, b) {
		return
	}

	if !caseStep(t, "assist first", func(t *testing.T) {
		// Without the amount: said beside it, the reason kept.
		if st := b.takeAction("assist_first", func() {
			b.typeInto("#f-assist_first-reason", "情况紧急，先行发放临时生活救助")
		}); st != 422 {
			t.Fatalf("paid first without an amount: got %d, want 422", st)
		}
		if got := b.text("#f-assist_first-amount-err"); got != "请填写救助金额" {
			t.Errorf("message beside the amount: got %q", got)
		}
		if got := b.value("#f-assist_first-reason"); got != "情况紧急，先行发放临时生活救助" {
			t.Errorf("the reason typed: got %q, want it kept", got)
		}
		b.tablet("workflow-assist-first-form-768x1024.png")
		b.mustAct(app, "assist_first", "先行救助", "待受理", func() {
			b.typeInto("#f-assist_first-amount", "1500")
		})
		if got := b.fact("先行救助金额（元）"); got != "1,500.00" {
			t.Errorf("paid first: got %q, want 1,500.00", got)
		}
		containsAll(t, "the history", squash(b.text("#timeline")), "先行救助", "金额（元）: 1,500.00", "情况紧急，先行发放临时生活救助")
		if b.has("#act-assist_first") {
			t.Error("a second payment first is offered")
		}
		b.tablet("workflow-assist-first-768x1024.png")
	}, b) {
		return
	}

	caseStep(t, "accept", func(t *testing.T) {
		b.mustAct(app, "accept", "受理", "调查核实", nil)
		if got := b.fact("先行救助金额（元）"); got != "1,500.00" {
			t.Errorf("paid first, after acceptance: got %q", got)
		}
		if got := b.fact("受理日期"); got != e.clock.today().String() {
			t.Errorf("accepted on: got %q", got)
		}
		containsAll(t, "the open tasks", squash(b.text("#tasks")), "调查核实")
	}, b)
}

// TestBrowserWorkflowPortal: a citizen applies on the portal from a phone
// (375 px) and follows the application as the township handles it: sign in
// with ID number, phone and one-time code, file, see the application
// listed in plain words; a township caseworker accepts it on a tablet; the
// citizen's list and page then say it has been accepted, with the limit
// and who acted. (TestBrowserPortal checks the sign-in and filing pages'
// layout; this follows the application to the office and back.)
func TestBrowserWorkflowPortal(t *testing.T) {
	e := newWorkflowEnv(t)
	h := e.household(e.towns[0].Code, "麦五")
	head := h.Members[0].Person
	staff := e.tabletBrowser(t)
	p := e.phoneTab(t, staff)
	var app, due string

	if !caseStep(t, "citizen applies", func(t *testing.T) {
		if st := p.open("/portal"); st != 200 || !strings.HasPrefix(p.location(), "/portal/login") {
			t.Fatalf("signed out: got %d at %s", st, p.location())
		}
		p.typeInto("#id_number", head.IDNumber)
		p.typeInto("#phone", head.Phone)
		if st := p.click("#request-code"); st != 200 || !strings.HasPrefix(p.location(), "/portal/verify") {
			t.Fatalf("ask for a code: got %d at %s", st, p.location())
		}
		code := e.sentCode()
		if !regexp.MustCompile(`^\d{6}$`).MatchString(code) {
			t.Fatalf("code sent: %q", code)
		}
		p.typeInto("#code", code)
		if st := p.click("#verify-code"); st != 200 || p.location() != "/portal" {
			t.Fatalf("sign in: got %d at %s", st, p.location())
		}
		if got := p.text("#no-applications"); got != "您还没有申请。" {
			t.Errorf("no applications yet: got %q", got)
		}
		if st := p.click("#apply-link"); st != 200 || p.location() != "/portal/apply" {
			t.Fatalf("apply: got %d at %s", st, p.location())
		}
		p.set("#program", "dibao")
		p.typeInto("#reason", "我失业半年，儿子残疾需要照顾，家里没有收入")
		p.do(chromedp.Click(chromedp.CSS("#authorise")))
		if st := p.click("#file"); st != 200 || !regexp.MustCompile(`^/portal/applications/\d+\?saved=file$`).MatchString(p.location()) {
			t.Fatalf("file: got %d at %s", st, p.location())
		}
		app = "/applications/" + strings.TrimSuffix(strings.TrimPrefix(p.location(), "/portal/applications/"), "?saved=file")
		if got := p.text("#state"); got != "已提交，待受理" {
			t.Errorf("state: got %q", got)
		}
		containsAll(t, "the timeline", squash(p.text("#steps")), "提交申请 本人")
		// The list says where it stands, in plain words.
		if st := p.click(`a[href="/portal"]`); st != 200 || p.location() != "/portal" {
			t.Fatalf("back to the list: got %d at %s", st, p.location())
		}
		items := p.textAll("#applications .p-item")
		if !strings.Contains(items, "最低生活保障 已提交，待受理") || !strings.Contains(items, "受理后 30 个工作日内办结") {
			t.Errorf("the list: got %q", items)
		}
		p.phone("workflow-portal-filed-375.png")
	}, p) {
		return
	}

	if !caseStep(t, "township accepts", func(t *testing.T) {
		staff.signIn("town1", "陈经办")
		staff.openFromInbox(app, "受理或告知补正", "", "麦五", h.Number)
		if got := staff.fact("申请方式"); got != "网上申请" {
			t.Errorf("channel: got %q, want 网上申请", got)
		}
		if got := staff.text("#received"); got != "申请书、家庭经济状况核对授权书" {
			t.Errorf("materials received with an online application: got %q", got)
		}
		if staff.has("#missing") {
			t.Errorf("materials missing: %q", staff.text("#missing"))
		}
		containsAll(t, "the details", squash(staff.text("#details")), "我失业半年，儿子残疾需要照顾，家里没有收入")
		staff.mustAct(app, "accept", "受理", "调查核实", nil)
		due = strings.Fields(staff.text("#due"))[0]
		staff.tablet("workflow-portal-accepted-staff-768x1024.png")
	}, staff) {
		return
	}

	caseStep(t, "citizen sees it accepted", func(t *testing.T) {
		if st := p.open("/portal"); st != 200 {
			t.Fatalf("the list: got %d", st)
		}
		items := p.textAll("#applications .p-item")
		if !strings.Contains(items, "最低生活保障 已受理，调查核实中") || !strings.Contains(items, due) {
			t.Errorf("the list after acceptance: got %q, want 已受理，调查核实中 and the limit %s", items, due)
		}
		p.phone("workflow-portal-list-accepted-375.png")
		if st := p.click(`#applications a[href="/portal` + app + `"]`); st != 200 || p.location() != "/portal"+app {
			t.Fatalf("the application: got %d at %s", st, p.location())
		}
		if got := p.text("#state"); got != "已受理，调查核实中" {
			t.Errorf("state: got %q", got)
		}
		if got := p.text("#limit"); !strings.Contains(got, due) {
			t.Errorf("time limit: got %q, want %s", got, due)
		}
		steps := squash(p.text("#steps"))
		containsAll(t, "the timeline", steps, "提交申请 本人", "受理申请 乡镇经办")
		if strings.Contains(steps, "陈经办") || strings.Contains(steps, "town1") {
			t.Errorf("the timeline names the caseworker: %q", steps)
		}
		p.phone("workflow-portal-accepted-375.png")
	}, p)
}
