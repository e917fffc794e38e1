package web_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/civil"
)

// The browser tests of the policy pages: the parameters page and a
// household's eligibility check, driven in headless Chromium on a tablet
// held upright, as TestBrowserRegistry does (see browser_test.go).

// policyBrowserTimeout bounds each test's browser: generous, for a busy
// two-core CI machine.
const policyBrowserTimeout = 90 * time.Second

// newTabletBrowser starts a browser on e's server, showing pages at
// 768×1024 with touch, as a tablet held upright.
func newTabletBrowser(t *testing.T, e *uiEnv) *browser {
	t.Helper()
	// The browser is started after the server, so it exits before the
	// server closes.
	b := &browser{t: t, ctx: newBrowser(t, policyBrowserTimeout), url: e.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))
	return b
}

// signIn signs user in through the sign-in page and leaves the browser on
// the home page.
func (b *browser) signIn(user, displayName string) {
	b.t.Helper()
	if st := b.open("/login"); st != 200 {
		b.t.Fatalf("sign-in page: got %d", st)
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), uiPassword))
	if st := b.click("#login-submit"); st != 200 || b.location() != "/" {
		b.t.Fatalf("sign in as %s: got %d at %s, want the home page", user, st, b.location())
	}
	if got := b.text(".who-name"); got != displayName {
		b.t.Fatalf("signed in as %s: the header names %q, want %q", user, got, displayName)
	}
}

// signOut presses the sign-out button.
func (b *browser) signOut() {
	b.t.Helper()
	if st := b.click("#logout"); st != 200 || b.location() != "/login" {
		b.t.Fatalf("sign out: got %d at %s, want the sign-in page", st, b.location())
	}
}

// squash is s with each run of white space made one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// containsAll reports, in t, each of want that s lacks.
func containsAll(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

// TestBrowserParameters: a county approver looks up Guangzhou's Dibao
// standard in force on a date, adds a future value for the district from
// the add form, sees it listed, and is told beside the field that a past
// date needs a reason; a hotline operator may look but has no form.
func TestBrowserParameters(t *testing.T) {
	e := newUIEnv(t)
	b := newTabletBrowser(t, e)
	today := civil.Today()
	future, past := today.AddDays(10).String(), today.AddDays(-10).String()

	t.Run("tree", func(t *testing.T) {
		b.t = t
		b.signIn("county", "王审批")
		if st := b.click(`.nav a[href="/parameters"]`); st != 200 || b.location() != "/parameters" {
			t.Fatalf("menu link: got %d at %s", st, b.location())
		}
		// The user's county and today, proposed.
		if got := b.value("#f-view-region") + " " + b.value("#f-view-date"); got != "440103 "+today.String() {
			t.Errorf("region and date proposed: got %q, want 440103 and today", got)
		}
		b.set("#f-view-region", "4401")
		b.set("#f-view-date", "2025-06-01")
		if st := b.click("#show"); st != 200 || b.location() != "/parameters?region=4401&date=2025-06-01" {
			t.Fatalf("show: got %d at %s", st, b.location())
		}
		if got := b.text("#in-force"); !strings.Contains(got, "广州市") || !strings.Contains(got, "2025-06-01") {
			t.Errorf("heading: got %q, want Guangzhou on 2025-06-01", got)
		}
		row := squash(b.text("#p-dibao-standard-urban"))
		containsAll(t, "Guangzhou's urban Dibao standard row", row,
			"城市低保标准", "dibao.standard.urban", "1120.00 元", "每人每月", "市级 · 广东省广州市", "2021-04-01", "广州市2021年4月调整低保标准", "城乡统一")
		if got := b.eval(`document.querySelector("#p-dibao-standard-urban").closest("section").id`); got != "group-dibao" {
			t.Errorf("the standard is in section %q, want group-dibao", got)
		}
		// The add form is there, folded.
		if got := b.eval(`String(document.querySelector("#add-param details").open) + " " + String(document.querySelector("#f-key").checkVisibility())`); got != "false false" {
			t.Errorf("add form (open, visible): got %q, want folded", got)
		}
		b.tablet("parameters-768x1024.png")
	})

	t.Run("add", func(t *testing.T) {
		b.t = t
		b.open("/parameters?region=4401&date=2025-06-01")
		b.do(chromedp.Click(chromedp.CSS("#add-param summary")), chromedp.WaitVisible(chromedp.CSS("#f-key")))
		if got := b.value("#f-region"); got != "440103" {
			t.Errorf("scope proposed: got %q, want the county 440103", got)
		}
		b.set("#f-key", "dibao.standard.urban")
		b.set("#f-region", "440103")
		b.set("#f-valid_from", future)
		b.set("#f-value", "1388")
		b.set("#f-source", "荔湾区民政局关于调整低保标准的通知")
		b.set("#f-note", "浏览器测试")
		b.tablet("parameters-form-768x1024.png")
		if st := b.click("#save"); st != 200 || b.location() != "/parameters?key=dibao.standard.urban&region=440103&saved=param#history" {
			t.Fatalf("save: got %d at %s", st, b.location())
		}
		if got := b.text(".notice"); got != "取值已保存，自生效日期起适用于该范围内的所有测算。" {
			t.Errorf("notice: got %q", got)
		}
		if got := squash(b.text("#history h2")); !strings.Contains(got, "城市低保标准的历次取值") {
			t.Errorf("history heading: got %q", got)
		}
		// The new value, not yet in force; Guangzhou's still is.
		rows := b.eval(`[...document.querySelectorAll("#history-values tbody tr")].map(tr => tr.className + "|" + tr.innerText.replace(/\s+/g, " ")).join("\n")`)
		var added, current string
		for _, r := range strings.Split(rows, "\n") {
			switch {
			case strings.Contains(r, "1388.00 元"):
				added = r
			case strings.Contains(r, "1120.00 元") && strings.Contains(r, "2021-04-01"):
				current = r
			}
		}
		containsAll(t, "the added value's row", added, "县级 · 广东省广州市荔湾区", future, "荔湾区民政局关于调整低保标准的通知", "浏览器测试", "county")
		if strings.HasPrefix(added, "applies|") || strings.Contains(added, "现行") {
			t.Errorf("a value from %s is marked in force today: %s", future, added)
		}
		if !strings.HasPrefix(current, "applies|") || !strings.Contains(current, "现行") {
			t.Errorf("Guangzhou's 1120 should be marked in force today: %q\nall rows:\n%s", current, rows)
		}
		// On its date, the district's own value comes first.
		b.open("/parameters?region=440103&date=" + future)
		containsAll(t, "the standard in force on "+future, squash(b.text("#p-dibao-standard-urban")), "1388.00 元", "县级 · 广东省广州市荔湾区", future)
		b.open("/parameters?region=4401&date=" + future)
		containsAll(t, "Guangzhou's standard on "+future, squash(b.text("#p-dibao-standard-urban")), "1120.00 元", "市级 · 广东省广州市")
	})

	t.Run("past date", func(t *testing.T) {
		b.t = t
		b.open("/parameters?region=4401&date=2025-06-01")
		b.do(chromedp.Click(chromedp.CSS("#add-param summary")), chromedp.WaitVisible(chromedp.CSS("#f-key")))
		b.set("#f-key", "dibao.standard.urban")
		b.set("#f-valid_from", past)
		b.set("#f-value", "1400")
		b.set("#f-source", "荔湾区补发决定")
		if st := b.click("#save"); st != 422 {
			t.Fatalf("a past date without a reason: got %d, want 422", st)
		}
		want := "生效日期早于今天（" + today.String() + "）的取值会改变以往的金额：请说明原因，如补发决定"
		if got := b.text("#f-reason-err"); got != want {
			t.Errorf("message beside the reason: got %q, want %q", got, want)
		}
		if got := b.text("#form-errors"); !strings.Contains(got, "未保存") {
			t.Errorf("form errors box: got %q", got)
		}
		for sel, want := range map[string]string{"#f-key": "dibao.standard.urban", "#f-region": "440103", "#f-valid_from": past,
			"#f-value": "1400", "#f-source": "荔湾区补发决定", "#f-view-region": "4401", "#f-view-date": "2025-06-01"} {
			if got := b.value(sel); got != want {
				t.Errorf("%s: got %q, want %q kept", sel, got, want)
			}
		}
		if got := b.eval(`String(document.querySelector("#add-param details").open) + " " + document.activeElement.id`); got != "true f-reason" {
			t.Errorf("form (open, focus): got %q, want open with the reason focused", got)
		}
		// The page behind the form is the one it was sent from.
		containsAll(t, "Guangzhou's standard behind the form", squash(b.text("#p-dibao-standard-urban")), "1120.00 元", "市级 · 广东省广州市")
		b.tablet("parameters-form-errors-768x1024.png")

		b.set("#f-reason", "区民政局决定补发十天差额")
		if st := b.click("#save"); st != 200 || b.location() != "/parameters?key=dibao.standard.urban&region=440103&saved=param#history" {
			t.Fatalf("with a reason: got %d at %s", st, b.location())
		}
		row := b.eval(`[...document.querySelectorAll("#history-values tbody tr")].map(tr => tr.className + "|" + tr.innerText.replace(/\s+/g, " ")).find(r => r.includes("1400.00 元")) || ""`)
		containsAll(t, "the back-dated value's row", row, "applies|", "现行", past, "原因: 区民政局决定补发十天差额")
	})

	t.Run("read only", func(t *testing.T) {
		b.t = t
		b.signOut()
		b.signIn("hotline", "赵热线")
		if st := b.open("/parameters?region=4401&date=2025-06-01"); st != 200 {
			t.Fatalf("hotline: got %d", st)
		}
		if got := b.eval(`String(document.querySelectorAll("#add-param, #param-form, form[method=post][action='/parameters']").length)`); got != "0" {
			t.Errorf("a hotline operator is offered %s add forms", got)
		}
		containsAll(t, "the hotline's view of the standard", squash(b.text("#p-dibao-standard-urban")), "1120.00 元", "市级 · 广东省广州市")
		b.signOut()
		b.signIn("partner", "慈善会")
		if got := b.eval(`String(document.querySelectorAll('a[href="/parameters"]').length)`); got != "0" {
			t.Errorf("a partner's page links the parameters %s times", got)
		}
		if st := b.open("/parameters"); st != 403 {
			t.Errorf("partner: got %d, want 403", st)
		}
	})
}

// dibaoRow reads the eligibility summary's Dibao row as
// class|program|verdict|amount.
const dibaoRow = `(() => { const tr = document.querySelector("#program-dibao"); return [tr.className, ...[...tr.cells].slice(0, 3).map(td => td.innerText.trim())].join("|") })()`

// TestBrowserEligibility: a caseworker opens a household's eligibility
// check from its page, reads each program's verdict, follows Dibao's
// explanation to the amount and the standard used, checks next month
// (when the district's new standard applies), and reads it in English.
func TestBrowserEligibility(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "黄大")
	home := "/households/" + strconv.FormatInt(h.ID, 10)
	this := civil.Today().MonthOf()
	next := this.Add(1)
	// The district raises the standard from next month (set over HTTP: the
	// parameters page has its own browser test).
	c := e.login("county")
	c.get("/parameters")
	if r := c.submit("/parameters", url.Values{"key": {"dibao.standard.urban"}, "region": {"440103"}, "valid_from": {next.First().String()},
		"value": {"1200"}, "source": {"荔湾区民政局通知"}}); r.status != 303 {
		t.Fatalf("adding next month's standard: got %d\n%s", r.status, r.body)
	}
	b := newTabletBrowser(t, e)

	t.Run("from the household", func(t *testing.T) {
		b.t = t
		b.signIn("town1", "陈经办")
		b.open(home)
		if got := b.text("#eligibility-check"); got != "资格测算" {
			t.Errorf("link: got %q", got)
		}
		if st := b.click("#eligibility-check"); st != 200 || b.location() != home+"/eligibility" {
			t.Fatalf("eligibility check: got %d at %s", st, b.location())
		}
		if got := b.text("h1"); got != "家庭 "+h.Number+" 的救助资格测算" {
			t.Errorf("heading: got %q", got)
		}
		if got := b.value("#f-month"); got != this.String() {
			t.Errorf("month: got %q, want this month %s", got, this)
		}
		// A row per program, each with a verdict or why there is none.
		rows := b.eval(`[...document.querySelectorAll("#eligibility-summary tbody tr")].map(tr => tr.id + "|" + tr.className + "|" + tr.cells[1].innerText.trim()).join("\n")`)
		want := []string{"dibao", "tekun", "marginal", "rigid_expense", "linshi", "price_subsidy", "disability_subsidy", "orphan_allowance"}
		got := strings.Split(rows, "\n")
		if len(got) != len(want) {
			t.Fatalf("summary rows:\n%s\nwant %d", rows, len(want))
		}
		for i, r := range got {
			f := strings.SplitN(r, "|", 3)
			if len(f) != 3 || f[0] != "program-"+want[i] || f[1] == "" || f[2] == "" {
				t.Errorf("row %d: got %q, want program-%s with a class and a verdict", i, r, want[i])
			}
		}
		if got := b.eval(dibaoRow); got != "pass|最低生活保障|符合|2240.00" {
			t.Errorf("Dibao row (class|program|verdict|amount): got %q", got)
		}
		containsAll(t, "the Tekun row", squash(b.text("#program-tekun")), "无法计算", "tekun.care.method")
		b.tablet("eligibility-768x1024.png")
	})

	t.Run("explanation", func(t *testing.T) {
		b.t = t
		b.open(home + "/eligibility")
		b.do(chromedp.Click(chromedp.CSS("#program-dibao a")))
		if got := b.location(); got != home+"/eligibility#explain-dibao" {
			t.Errorf("after the Dibao link: at %s", got)
		}
		if got := b.eval(`(() => { const r = document.querySelector("#explain-dibao").getBoundingClientRect(); return r.top >= -1 && r.top < innerHeight ? "in view" : "top at " + r.top })()`); got != "in view" {
			t.Errorf("Dibao's explanation is not brought into view: %s", got)
		}
		ex := squash(b.text("#explain-dibao"))
		containsAll(t, "Dibao's explanation", ex, "最低生活保障: 符合 2240.00", "无法独立生活的成年子女，计入",
			"dibao.standard.urban = 1120.00 元", "市级 广东省广州市", "2021-04-01", "《社会救助暂行办法》第九条")
		// The standard's step, in every program measured against it, says
		// which standard (urban or rural) in Chinese: not "urban" as
		// stored, nor "0" for a fact the step lacks.
		lines := b.eval(`[...document.querySelectorAll(".explain li.step")].map(li => li.closest("section").id + ": " + li.innerText.split("\n")[0].trim()).filter(s => s.includes("适用低保标准")).join("\n")`)
		if !strings.Contains(lines, "explain-dibao: ") || !strings.Contains(lines, "explain-marginal: ") {
			t.Errorf("the standard's steps:\n%s\nwant one in Dibao's and the marginal household's explanations", lines)
		}
		std := regexp.MustCompile(`适用低保标准 1120\.00 元/人·月（\p{Han}+）$`)
		for _, l := range strings.Split(lines, "\n") {
			if !std.MatchString(l) {
				t.Errorf("standard step %q: want the hukou type named in Chinese", l)
			}
		}
	})

	t.Run("next month", func(t *testing.T) {
		b.t = t
		b.open(home + "/eligibility")
		b.set("#f-month", next.String())
		if st := b.click("#check"); st != 200 || b.location() != home+"/eligibility?month="+next.String() {
			t.Fatalf("check %s: got %d at %s", next, st, b.location())
		}
		if got := b.value("#f-month"); got != next.String() {
			t.Errorf("month shown: got %q", got)
		}
		if got := b.eval(dibaoRow); got != "pass|最低生活保障|符合|2400.00" {
			t.Errorf("next month's Dibao row (class|program|verdict|amount): got %q", got)
		}
		containsAll(t, "next month's explanation", squash(b.text("#explain-dibao")), "dibao.standard.urban = 1200.00 元", "县级 广东省广州市荔湾区", next.First().String())

		b.set("#f-month", "2025-13")
		if st := b.click("#check"); st != 422 {
			t.Errorf("month 2025-13: got %d, want 422", st)
		}
		// Said in the page's language (the message comes from civil.ParseMonth,
		// in English, on the Chinese page).
		if got := b.text("main"); !strings.Contains(got, "2025-13") || strings.Contains(got, "is not a month") {
			t.Errorf("month 2025-13: want the mistake named in Chinese, got:\n%s", got)
		}
		// Beside the field, which keeps what was typed.
		if got, want := b.text("#f-month-err"), "2025-13 不是有效的月份：请按 YYYY-MM 格式填写年月，如 "+this.String(); got != want {
			t.Errorf("message beside the month: got %q, want %q", got, want)
		}
		if got := b.value("#f-month"); got != "2025-13" {
			t.Errorf("month field after the error: got %q, want 2025-13 kept", got)
		}
		b.tablet("eligibility-month-error-768x1024.png")
		// A month before the household was registered (today): which month
		// to choose, not "not found".
		before := this.Add(-1)
		b.set("#f-month", before.String())
		if st := b.click("#check"); st != 422 {
			t.Errorf("month %s, before registration: got %d, want 422", before, st)
		}
		want := "该家庭于 " + civil.Today().String() + " 登记，" + before.String() + " 没有登记数据。请选择 " + this.String() + " 或以后的月份。"
		if got := b.text("#f-month-err"); got != want {
			t.Errorf("month before registration: got %q, want %q", got, want)
		}
	})

	t.Run("english", func(t *testing.T) {
		b.t = t
		path := home + "/eligibility?month=" + this.String()
		b.open(path)
		if st := b.click(".lang-switch"); st != 200 || b.location() != path {
			t.Fatalf("switch: got %d at %s, want %s", st, b.location(), path)
		}
		if got := b.eval(`document.documentElement.lang`); got != "en" {
			t.Errorf("html lang: got %q", got)
		}
		if got := b.text("h1"); got != "Eligibility check for household "+h.Number {
			t.Errorf("heading: got %q", got)
		}
		if got := b.eval(dibaoRow); got != "pass|Dibao|eligible|2240.00" {
			t.Errorf("English Dibao row (class|program|verdict|amount): got %q", got)
		}
		containsAll(t, "the English Tekun row", squash(b.text("#program-tekun")), "Cannot calculate", "tekun.care.method")
		containsAll(t, "the English explanation", squash(b.text("#explain-dibao")), "adult child unable to live independently, counted",
			"dibao.standard.urban = 1120.00")
		if got := b.text("#eligibility-summary"); strings.Contains(got, "最低生活保障") || strings.Contains(got, "符合") || strings.Contains(got, "无法计算") {
			t.Errorf("the English summary has Chinese text:\n%s", got)
		}
		if got := b.text("#explain-dibao h2"); got != "Dibao: eligible 2240.00" {
			t.Errorf("explanation heading: got %q", got)
		}
		if got := b.text("label[for=f-month]"); got != "Month" {
			t.Errorf("month label: got %q", got)
		}
		b.tablet("eligibility-en-768x1024.png")
		if st := b.click(".lang-switch"); st != 200 || b.eval(`document.documentElement.lang`) != "zh-CN" {
			t.Errorf("switch back: got %d, lang %q", st, b.eval(`document.documentElement.lang`))
		}
	})
}
