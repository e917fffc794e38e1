package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"safetynet/internal/auth"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// The browser tests of the pages around the workflow (docs/casework.md):
// a review of an enrollment from the household's benefits, refusals of
// work up to the limit, a cross-region filing from the inbox, the public
// notice and its printout, and the handling-time dashboard. They run on
// the workflow tests' server and clock (newWorkflowEnv), on a tablet held
// upright, one step a subtest (caseStep).

// enrollmentIDs lists the ids of the enrollments the household page shows
// (the number after "enrollment-"), as they come.
func (b *browser) enrollmentIDs() []string {
	b.t.Helper()
	ids := b.eval(`[...document.querySelectorAll("#enrollments tbody tr")].map(tr => tr.id.replace("enrollment-", "")).join(" ")`)
	return strings.Fields(ids)
}

// media emulates a CSS media type ("print"; "" ends the emulation).
func (b *browser) media(m string) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	}))
}

// openDetails opens a form folded in a <details> (a tap on its summary)
// and waits for want inside it to show; a page without the form fails at
// once, naming the forms it has.
func (b *browser) openDetails(details, want string) {
	b.t.Helper()
	if !b.has(details) {
		b.t.Fatalf("no %s at %s; its forms: %q", details, b.location(), b.textAll("details > summary"))
	}
	b.do(chromedp.Click(chromedp.CSS(details+" > summary")), chromedp.WaitVisible(chromedp.CSS(want)))
}

// follow clicks a link or button that loads a page, failing at once when
// the page has none (click would wait for it).
func (b *browser) follow(sel string) int64 {
	b.t.Helper()
	if !b.has(sel) {
		b.t.Fatalf("no %s at %s", sel, b.location())
	}
	return b.click(sel)
}

// rendered says whether the first element matching sel takes up room on
// the page (it and its ancestors are displayed): "shown", "hidden", or
// "absent".
func (b *browser) rendered(sel string) string {
	b.t.Helper()
	return b.eval(`(() => { const x = document.querySelector(` + strconv.Quote(sel) + `);
		return !x ? "absent" : x.getClientRects().length > 0 ? "shown" : "hidden" })()`)
}

// TestBrowserPagesReview: a Dibao application is approved; the household
// page lists the benefit with its amount and next re-check; the township
// reports a change (the note is required, said beside it), which opens a
// review under investigation; it records a visit and proposes an
// adjustment below the rules engine's amount, with reasons; the county
// confirms the outcome proposed; the household page then shows the old
// record 已调整 and the new one paid. Three refusals of work in a row
// then reach the limit, whose notice links the review opened.
func TestBrowserPagesReview(t *testing.T) {
	e := newWorkflowEnv(t)
	h := e.household(e.towns[0].Code, "黄大")
	son := h.Members[1].Person
	b := e.tabletBrowser(t)
	c := &dibaoCase{e: e, b: b, h: h}
	home := "/households/" + strconv.FormatInt(h.ID, 10)
	var start civil.Month
	var eid, review string

	if !caseStep(t, "approved", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		c.file(nil)
		c.accept()
		c.investigate("户主失业在家，儿子二级肢体残疾需照料，无存款和车辆")
		c.proposeApproval("")
		c.endNotice()
		b.signOut()
		b.signIn("county", "王审批")
		b.openFromInbox(c.app, "审核确认", "", "黄大")
		b.mustAct(c.app, "confirm", "确认批准", "已批准", nil)
		start = e.clock.today().MonthOf().Add(1)
		b.signOut()
	}, b) {
		return
	}

	if !caseStep(t, "benefit listed", func(t *testing.T) {
		// Five weeks on: the benefit has been paid.
		e.clock.pass(35)
		b.signIn("town1", "陈经办")
		if st := b.open(home); st != 200 {
			t.Fatalf("household page: got %d", st)
		}
		if got := b.textAll("#benefits h2"); got != "保障情况" {
			t.Errorf("the benefits' heading: got %q", got)
		}
		ids := b.enrollmentIDs()
		if len(ids) != 1 {
			t.Fatalf("enrollments listed: got %q, want one", ids)
		}
		eid = ids[0]
		// Program, amount, first month, (no last month), status, (no
		// gradual exit), next re-check a year after the first month (no
		// member works unsteadily), (no refusals).
		want := "最低生活保障 2,240.00 " + start.String() + " 正常 " + start.First().AddMonths(12).String()
		if got := b.textAll("#enrollment-" + eid); got != want {
			t.Errorf("the benefit's row: got %q, want %q", got, want)
		}
		if got := b.textAll("#enrollment-actions-" + eid + " h3"); got != "保障记录 "+eid+" 号 · 最低生活保障" {
			t.Errorf("the benefit's forms are headed %q", got)
		}
		b.tablet("pages-benefits-768x1024.png")
	}, b) {
		return
	}

	note := "黄大儿于本月在社区公益岗位就业，月工资约1800元"
	if !caseStep(t, "report a change", func(t *testing.T) {
		form, note0 := "#report-change-"+eid, "#f-review-"+eid+"-note"
		b.openDetails(form, "#submit-report-change-"+eid)
		if got := b.value("#f-review-" + eid + "-trigger"); got != "change_report" {
			t.Errorf("the reason proposed: got %q, want change_report", got)
		}
		// Sent without saying what was reported.
		if st := b.click("#submit-report-change-" + eid); st != 422 {
			t.Fatalf("a report without a note: got %d, want 422", st)
		}
		if got := b.textAll(note0 + "-err"); got != "请填写报告或发现的情况" {
			t.Errorf("message beside the note: got %q", got)
		}
		if got := b.eval(`String(document.querySelector(` + strconv.Quote(form) + `).open)`); got != "true" {
			t.Error("the form came back closed")
		}
		if got := b.value("#f-review-" + eid + "-trigger"); got != "change_report" {
			t.Errorf("the reason chosen: got %q, want it kept", got)
		}
		if got := b.eval(`document.activeElement.id`); got != strings.TrimPrefix(note0, "#") {
			t.Errorf("focus: got %q, want the note", got)
		}
		b.tablet("pages-report-change-error-768x1024.png")
		b.typeInto(note0, note)
		if st := b.click("#submit-report-change-" + eid); st != 200 || !regexp.MustCompile(`^/applications/\d+\?saved=open_review$`).MatchString(b.location()) {
			t.Fatalf("report: got %d at %s; messages: %q", st, b.location(), b.textAll(".problems, .has-error .error"))
		}
		review = strings.TrimSuffix(b.location(), "?saved=open_review")
		no := strings.TrimPrefix(review, "/applications/")
		if got := b.textAll("h1"); got != "复核 "+no+" 号 · 最低生活保障 · 家庭情况变化" {
			t.Errorf("heading: got %q", got)
		}
		if got := b.statusNotice(); got != "复核已发起：请调查核实后提出复核意见。" {
			t.Errorf("notice: got %q", got)
		}
		for label, want := range map[string]string{"复核对象": "保障记录 " + eid + " 号", "复核原因": "家庭情况变化",
			"报告或发现的情况": note, "申请人": "黄大"} {
			if got := b.fact(label); got != want {
				t.Errorf("%s: got %q, want %q", label, got, want)
			}
		}
		if got := b.textAll("#state"); got != "调查核实" {
			t.Errorf("state: got %q", got)
		}
		if got := b.eval(`document.querySelector("#household-link")?.getAttribute("href") ?? ""`); got != home+"#enrollment-"+eid {
			t.Errorf("the household link: got %q", got)
		}
		if b.has("#print-letter") || b.has("#act-accept") {
			t.Error("a review offers acceptance or a letter")
		}
		b.tablet("pages-review-768x1024.png")
	}, b) {
		return
	}

	next := e.clock.today().MonthOf().Add(1)
	if !caseStep(t, "propose an adjustment", func(t *testing.T) {
		rc := &dibaoCase{e: e, b: b, h: h, app: review}
		rc.investigate("黄大儿已在社区公益岗位就业，有劳动合同和工资流水")
		b.openDetails("#act-propose", "#engine")
		// The rules engine's amount for the next month, above the form.
		if got := b.textAll("#engine"); !strings.HasPrefix(got, "规则测算（"+next.String()+"）： 符合, 2,240.00 元") {
			t.Errorf("the rules engine above the proposal: got %q, want 符合 2,240.00 for %s", got, next)
		}
		if b.has("#f-propose-opinion") {
			t.Error("a review's proposal asks for an opinion")
		}
		b.tablet("pages-review-propose-768x1024.png")
		b.mustAct(review, "propose", "乡镇审核意见", "县级确认", func() {
			b.set("#f-propose-outcome", "adjust")
			b.typeInto("#f-propose-amount", "1500")
			b.typeInto("#f-propose-reason", "黄大儿就业后月工资约1800元，减发保障金")
		})
		if got := b.fact("拟定复核结果"); got != "调整金额" {
			t.Errorf("proposed outcome: got %q", got)
		}
		if got := b.textAll("#proposed-amount"); got != "1,500.00" {
			t.Errorf("proposed amount: got %q", got)
		}
		if b.has("#notice-period") {
			t.Errorf("a review is publicly noticed: %q", b.textAll("#notice-period"))
		}
		b.signOut()
	}, b) {
		return
	}

	var current string
	if !caseStep(t, "county confirms", func(t *testing.T) {
		b.signIn("county", "王审批")
		b.openFromInbox(review, "审核确认", "", "黄大", h.Number)
		b.openDetails("#act-confirm", "#review-proposal")
		if got := b.textAll("#review-proposal"); got != "乡镇（街道）拟定： 调整金额, 1,500.00 元/月" {
			t.Errorf("the proposal on the confirm form: got %q", got)
		}
		b.tablet("pages-review-confirm-768x1024.png")
		b.mustAct(review, "confirm", "确认批准", "已批准", nil)
		if got := b.textAll("#decision h2"); got != "审批结果: 调整金额" {
			t.Errorf("decision heading: got %q", got)
		}
		for sel, want := range map[string]string{"#decision-outcome": "调整金额", "#decision-amount": "1,500.00"} {
			if got := b.textAll(sel); got != want {
				t.Errorf("%s: got %q, want %q", sel, got, want)
			}
		}
		if got := b.fact("复核对象"); got != "保障记录 "+eid+" 号" {
			t.Errorf("review of: got %q", got)
		}
		if b.has("#print-letter") {
			t.Error("a review links a letter")
		}
		if st := b.follow("#household-link"); st != 200 || b.location() != home+"#enrollment-"+eid {
			t.Fatalf("the household link: got %d at %s", st, b.location())
		}
		ids := b.enrollmentIDs()
		if len(ids) != 2 {
			t.Fatalf("enrollments: got %q, want the old record and the new", ids)
		}
		for _, id := range ids {
			if id != eid {
				current = id
			}
		}
		if got, want := b.textAll("#enrollment-"+eid), "最低生活保障 2,240.00 "+start.String()+" "+next.Add(-1).String()+" 已调整"; got != want {
			t.Errorf("the old record: got %q, want %q", got, want)
		}
		if got, want := b.textAll("#enrollment-"+current), "最低生活保障 1,500.00 "+next.String()+" 正常 "+next.First().AddMonths(12).String(); got != want {
			t.Errorf("the new record: got %q, want %q", got, want)
		}
		if b.has("#report-change-"+eid) || !b.has("#report-change-"+current) {
			t.Error("the forms are not on the record now paid only")
		}
		b.tablet("pages-benefits-adjusted-768x1024.png")
		b.signOut()
	}, b) {
		return
	}

	caseStep(t, "refusals of work", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		b.open(home)
		sid := strconv.FormatInt(son.ID, 10)
		for i := 1; i <= 3; i++ {
			b.openDetails("#job-offer-"+current, "#submit-job-offer-"+current)
			b.set("#f-job-offer-"+current+"-person_id", sid)
			b.set("#f-job-offer-"+current+"-refused", "yes")
			b.typeInto("#f-job-offer-"+current+"-note", "推荐社区保洁岗位，本人以需要休息为由拒绝")
			if st := b.click("#submit-job-offer-" + current); st != 200 || !strings.HasPrefix(b.location(), home+"?") || !strings.HasSuffix(b.location(), "#enrollment-"+current) {
				t.Fatalf("refusal %d: got %d at %s; messages: %q", i, st, b.location(), b.textAll(".problems, .has-error .error"))
			}
			want := "已记录：黄大儿 无正当理由拒绝就业推荐，已连续 " + strconv.Itoa(i) + " 次。"
			if got := b.textAll("#refusal-notice > p:first-child"); got != want {
				t.Errorf("refusal %d: the notice says %q, want %q", i, got, want)
			}
			if got := b.has("#refusal-limit"); got != (i == 3) {
				t.Errorf("refusal %d: the limit notice shown: %v", i, got)
			}
		}
		limit := b.textAll("#refusal-limit")
		re := regexp.MustCompile(`^连续拒绝次数已达上限（《社会救助暂行办法》第四十五条）：应减发或停发该成员的保障金。 ?已发起复核： ?复核 (\d+) 号$`)
		m := re.FindStringSubmatch(limit)
		if m == nil {
			t.Fatalf("the limit notice: got %q", limit)
		}
		if got := b.eval(`document.querySelector("#refusal-notice").className`); got != "notice warn" {
			t.Errorf("the limit notice's class: got %q, want a warning", got)
		}
		if got := b.textAll("#enrollment-" + current + " td.wrap"); got != "黄大儿：连续 3 次" {
			t.Errorf("the member's refusals on the record: got %q", got)
		}
		b.tablet("pages-refusals-limit-768x1024.png")
		if st := b.follow("#refusal-review"); st != 200 || b.location() != "/applications/"+m[1] {
			t.Fatalf("the review linked: got %d at %s", st, b.location())
		}
		if got := b.textAll("#review-trigger"); got != "连续拒绝就业" {
			t.Errorf("the review's trigger: got %q", got)
		}
		if got := b.textAll("#state"); got != "调查核实" {
			t.Errorf("the review's state: got %q", got)
		}
	}, b)
}

// TestBrowserPagesFileElsewhere: a township caseworker of another
// district opens 代收异地申请 from the inbox, types an ID number with a
// wrong check digit (refused beside the field, the rest kept), then the
// right one, of a person whose household is registered in 荔湾区; the
// application page says it was handed over, with no forms and no
// household; the responsible township finds it in its inbox and may act.
func TestBrowserPagesFileElsewhere(t *testing.T) {
	e := newWorkflowEnv(t)
	h := e.household(e.towns[0].Code, "罗一")
	head := h.Members[0].Person
	// A township of 天河区, another district of Guangzhou.
	elsewhere := region.Embedded().Children("440106")[0]
	hash, err := auth.HashPassword(uiPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateUser(uiCtx, &auth.User{Username: "tianhe", DisplayName: "周经办", Role: auth.TownshipCaseworker,
		Region: elsewhere.Code, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	b := e.tabletBrowser(t)
	// One digit mistyped: the check digit no longer matches.
	bad := head.IDNumber[:16] + strconv.Itoa((int(head.IDNumber[16]-'0')+1)%10) + head.IDNumber[17:]
	reason := "在天河区务工，失业后生活困难"
	var app string

	if !caseStep(t, "wrong ID number", func(t *testing.T) {
		b.signIn("tianhe", "周经办")
		if st := b.click(`.nav a[href="/inbox"]`); st != 200 || b.location() != "/inbox" {
			t.Fatalf("待办: got %d at %s", st, b.location())
		}
		if got := b.textAll("#file-elsewhere"); got != "代收异地申请" {
			t.Errorf("the inbox's button: got %q", got)
		}
		if st := b.follow("#file-elsewhere"); st != 200 || b.location() != "/applications/new" {
			t.Fatalf("代收异地申请: got %d at %s", st, b.location())
		}
		if got := b.textAll("h1"); got != "代收异地申请" {
			t.Errorf("heading: got %q", got)
		}
		containsAll(t, "the hint", b.textAll("#elsewhere-hint"), "申请将转至其家庭所在乡镇（街道）办理", "本单位可查看进度，但不能办理")
		if got := b.value("#f-channel"); got != "residence" {
			t.Errorf("channel proposed: got %q, want residence", got)
		}
		b.set("#f-program", "dibao")
		b.typeInto("#f-id_number", bad)
		b.do(chromedp.Click(chromedp.CSS("#f-materials-application_form")))
		b.typeInto("#f-reason", reason)
		if st := b.click("#file"); st != 422 || b.location() != "/applications/new" {
			t.Fatalf("a wrong ID number: got %d at %s, want 422", st, b.location())
		}
		if got := b.textAll("#f-id_number-err"); got != "身份证号码校验位错误（可能输错了某一位）" {
			t.Errorf("message beside the ID number: got %q", got)
		}
		for sel, want := range map[string]string{"#f-id_number": bad, "#f-program": "dibao", "#f-channel": "residence", "#f-reason": reason} {
			if got := b.value(sel); got != want {
				t.Errorf("%s: got %q, want %q kept", sel, got, want)
			}
		}
		if got := b.eval(`String(document.querySelector("#f-materials-application_form").checked) + " " + String(document.querySelector("#f-materials-verification_authorisation").checked)`); got != "true false" {
			t.Errorf("materials ticked (application form, authorisation): got %s, want them kept", got)
		}
		if got := b.eval(`document.activeElement.id`); got != "f-id_number" {
			t.Errorf("focus: got %q, want the ID number", got)
		}
		b.tablet("pages-elsewhere-error-768x1024.png")
	}, b) {
		return
	}

	if !caseStep(t, "filed and handed over", func(t *testing.T) {
		b.do(chromedp.SetValue(chromedp.CSS("#f-id_number"), head.IDNumber))
		if st := b.click("#file"); st != 200 || !regexp.MustCompile(`^/applications/\d+\?saved=file$`).MatchString(b.location()) {
			t.Fatalf("file: got %d at %s; messages: %q", st, b.location(), b.textAll("#form-errors, .has-error .error"))
		}
		app = strings.TrimSuffix(b.location(), "?saved=file")
		town := region.Embedded().FullName(e.towns[0].Code)
		if got := b.textAll("#handed-over"); got != "本申请已转至 "+town+" 办理；本单位可查看进度。" {
			t.Errorf("the hand-over note: got %q", got)
		}
		for sel, want := range map[string]string{"#state": "待受理", "#applicant": "罗一", "#no-actions": "您在此环节没有可办理的事项。"} {
			if got := b.textAll(sel); got != want {
				t.Errorf("%s: got %q, want %q", sel, got, want)
			}
		}
		for label, want := range map[string]string{"申请方式": "居住地申请", "受理地（跨区域）": region.Embedded().FullName(elsewhere.Code), "家庭": h.Number} {
			if got := b.fact(label); got != want {
				t.Errorf("%s: got %q, want %q", label, got, want)
			}
		}
		if n := b.eval(`String(document.querySelectorAll("main form").length) + " " + String(document.querySelectorAll('main a[href^="/households/"]').length)`); n != "0 0" {
			t.Errorf("forms and links to the household on the filing office's page: got %s, want none", n)
		}
		if b.has("#household-link") {
			t.Error("the filing office is linked to the household")
		}
		b.tablet("pages-elsewhere-filed-768x1024.png")
		b.signOut()
	}, b) {
		return
	}

	caseStep(t, "responsible township", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		b.openFromInbox(app, "受理或告知补正", "pages-elsewhere-inbox-768x1024.png", "罗一", h.Number)
		if b.has("#handed-over") {
			t.Errorf("the responsible township is told it was handed over: %q", b.textAll("#handed-over"))
		}
		if !b.has("#act-accept") || !b.has("#household-link") {
			t.Errorf("the responsible township may not accept or see the household; actions: %q", b.textAll("#actions details > summary"))
		}
		containsAll(t, "the details", b.textAll("#details"), "居住地申请", reason)
	}, b)
}

// TestBrowserPagesNotice: a township has two applications in notice, a
// Dibao one and a Tekun one whose applicant is a minor; its notice page
// (this month, by default) lists the first with the name masked, the
// household's size, the program and the amount, leaves the minor out,
// shows no ID number, warns that the complaint phone is not set, and on
// paper hides the menu, the form and the warning.
func TestBrowserPagesNotice(t *testing.T) {
	e := newWorkflowEnv(t)
	town := e.towns[0]
	h := e.household(town.Code, "张三丰")
	kid := e.minorHousehold(town.Code, "王小宝")
	b := e.tabletBrowser(t)
	c := &dibaoCase{e: e, b: b, h: h}
	today := e.clock.today()

	if !caseStep(t, "two in notice", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		c.file(nil)
		c.accept()
		c.investigate("户主失业，儿子残疾")
		c.proposeApproval("")
		// The minor's Tekun application, recorded in notice (imported
		// from an older system): it is left out all the same.
		mc, err := casework.New(casework.Application{Program: policy.Tekun, HouseholdID: kid.ID, ApplicantID: kid.Members[0].Person.ID,
			Region: town.Code, County: "440103", Channel: casework.Counter, Minor: true}, townEnv(t, today, town.Code))
		if err != nil {
			t.Fatal(err)
		}
		mc.App.State, mc.App.Opinion, mc.App.NoticeFrom, mc.App.NoticeTo, mc.App.Notices, mc.App.Proposed = casework.Notice, "approve", today, today.AddDays(6), 1, 90000
		if err := e.db.CreateApplication(uiCtx, registry.Scope{}, mc); err != nil {
			t.Fatal(err)
		}
		minor := "/applications/" + strconv.FormatInt(mc.App.ID, 10)
		b.open(minor)
		if got := b.textAll("#state") + " " + b.textAll("#applicant"); got != "公示中 王小宝 未成年人，不予公示" {
			t.Errorf("the minor's application: got %q", got)
		}
	}, b) {
		return
	}

	caseStep(t, "notice page", func(t *testing.T) {
		if st := b.click(`.nav a[href="/notices"]`); st != 200 || b.location() != "/notices" {
			t.Fatalf("公示 from the menu: got %d at %s", st, b.location())
		}
		month := today.MonthOf()
		for sel, want := range map[string]string{"#f-township": town.Code, "#f-from": month.First().String(), "#f-to": month.Last().String()} {
			if got := b.value(sel); got != want {
				t.Errorf("%s: got %q, want %q", sel, got, want)
			}
		}
		query := "/notices?township=" + town.Code + "&from=" + month.First().String() + "&to=" + month.Last().String()
		if st := b.click("#show"); st != 200 || b.location() != query {
			t.Fatalf("显示: got %d at %s, want %s", st, b.location(), query)
		}
		long := func(d civil.Date) string {
			return strconv.Itoa(d.Year) + "年" + strconv.Itoa(int(d.Month)) + "月" + strconv.Itoa(d.Day) + "日"
		}
		for sel, want := range map[string]string{"#notice .doc-title": "低保等社会救助对象审核公示",
			"#notice-place":      region.Embedded().FullName(town.Code),
			"#notice-period":     "期间：" + long(month.First()) + "至" + long(month.Last()),
			"#group-dibao h2":    "最低生活保障",
			"#notice-published":  long(today),
			"#phone-missing":     "请在政策参数中设置 notice.complaint_phone",
			"#notice .doc-phone": "监督举报电话：",
		} {
			if got := b.textAll(sel); got != want {
				t.Errorf("%s: got %q, want %q", sel, got, want)
			}
		}
		// One line: number, masked name, household size, program, amount,
		// notice period.
		want := "1 张*丰 2 最低生活保障 2,240.00 " + today.String() + " – " + today.AddDays(6).String()
		if got := b.textAll("#notice tbody tr"); got != want {
			t.Errorf("the notice's lines: got %q, want %q", got, want)
		}
		if b.has("#group-tekun") || !b.has("#complaint-phone-blank") {
			t.Errorf("a Tekun table, or no blank for the complaint phone: %q", b.textAll("#notice h2"))
		}
		doc := b.textAll("#notice")
		for _, banned := range []string{"张三丰", "王", "特困", h.Address, "13812345678"} {
			if strings.Contains(doc, banned) {
				t.Errorf("the notice shows %q", banned)
			}
		}
		// No ID number anywhere on the page, in full or masked.
		page := b.eval(`document.documentElement.outerHTML`)
		for _, m := range append(h.Members, kid.Members...) {
			if id := m.Person.IDNumber; strings.Contains(page, id) || strings.Contains(page, id[:6]+"*") || strings.Contains(page, "*"+id[14:]) {
				t.Errorf("the page shows %s's ID number", m.Person.Name)
			}
		}
		if m := regexp.MustCompile(`\d{17}[\dXx]|\d{6}\*{4,}`).FindString(b.eval(`document.body.innerText`)); m != "" {
			t.Errorf("the page shows an ID number: %q", m)
		}
		// The Print button shows on a tablet.
		if got := b.rendered("#print"); got != "shown" || b.textAll("#print") != "打印" {
			t.Errorf("the Print button (print.js shows it): %s, %q", got, b.textAll("#print"))
		}
		b.tablet("pages-notice-768x1024.png")

		// On paper: the document only.
		b.media("print")
		defer b.media("")
		if got := b.eval(`String(matchMedia("print").matches)`); got != "true" {
			t.Fatalf("print media not emulated: %s", got)
		}
		for _, sel := range []string{"header.top", ".nav", "#notice-form", "#phone-missing", "#print", "footer.foot"} {
			if got := b.rendered(sel); got != "hidden" {
				t.Errorf("printed: %s is %s, want it hidden", sel, got)
			}
		}
		for _, sel := range []string{"#notice", "#group-dibao", "#complaint-phone-blank"} {
			if got := b.rendered(sel); got != "shown" {
				t.Errorf("printed: %s is %s, want it shown", sel, got)
			}
		}
		b.tablet("pages-notice-print-768x1024.png")
	}, b)
}

// TestBrowserPagesDashboard: three Dibao applications decided this year
// in two townships, one of them late; the county's 办理统计 shows the
// totals with the on-time bar and a row per township, whose name drills
// down to it, and the way back up.
func TestBrowserPagesDashboard(t *testing.T) {
	e := newWorkflowEnv(t)
	today := e.clock.today()
	town0, town1 := e.towns[0], e.towns[1]
	handledApplication(t, e.uiEnv, e.household(town0.Code, "甲一"), today.AddDays(-14), today)
	handledApplication(t, e.uiEnv, e.household(town1.Code, "乙一"), today.AddDays(-7), today)
	handledApplication(t, e.uiEnv, e.household(town1.Code, "乙二"), today.AddDays(-100), today)
	cal := calendar.Embedded()
	wd := func(days ...int) string {
		var sum int
		for _, d := range days {
			sum += cal.WorkdaysBetween(today.AddDays(-d), today)
		}
		return strconv.FormatFloat(float64(sum)/float64(len(days)), 'f', 1, 64)
	}
	from := civil.D(today.Year, 1, 1).String()
	period := from + " – " + today.String()
	b := e.tabletBrowser(t)

	if !caseStep(t, "county", func(t *testing.T) {
		b.signIn("county", "王审批")
		if st := b.click(`.nav a[href="/dashboard"]`); st != 200 || b.location() != "/dashboard" {
			t.Fatalf("办理统计 from the menu: got %d at %s", st, b.location())
		}
		if got := b.textAll("h1"); got != "办理统计" {
			t.Errorf("heading: got %q", got)
		}
		if got := b.textAll("#dashboard-region"); got != region.Embedded().FullName("440103")+" "+period {
			t.Errorf("region and period: got %q", got)
		}
		if b.has("#dashboard-empty") {
			t.Error("the page says nothing was decided")
		}
		// Program, decided, average working days, on time, open and overdue.
		if got, want := b.textAll("#totals tbody tr"), "最低生活保障 3 "+wd(14, 7, 100)+" 66.7% 0"; got != want {
			t.Errorf("the totals: got %q, want %q", got, want)
		}
		// The bar: two thirds of its track, red.
		bar := b.eval(`(() => { const r = document.querySelector("#total-dibao");
			const f = r.querySelector(".share-fill"), k = r.querySelector(".share-track");
			return f.getAttribute("class") + " " + (f.getBoundingClientRect().width / k.getBoundingClientRect().width).toFixed(2) +
				" " + String(getComputedStyle(f).fill !== getComputedStyle(k).fill) })()`)
		if bar != "share-fill share-low 0.67 true" {
			t.Errorf("the on-time bar (class, share of the track, fill): got %q, want a red bar two thirds long", bar)
		}
		rows := map[string]string{"#row-" + town0.Code + "-dibao": town0.Name + " 最低生活保障 1 " + wd(14) + " 100% 0",
			"#row-" + town1.Code + "-dibao": town1.Name + " 最低生活保障 2 " + wd(7, 100) + " 50% 0"}
		for sel, want := range rows {
			if got := b.textAll(sel); got != want {
				t.Errorf("%s: got %q, want %q", sel, got, want)
			}
		}
		b.tablet("pages-dashboard-county-768x1024.png")
	}, b) {
		return
	}

	caseStep(t, "drill down and back", func(t *testing.T) {
		drill := "/dashboard?region=" + town0.Code + "&from=" + from + "&to=" + today.String()
		if st := b.follow("#row-" + town0.Code + "-dibao td.name a"); st != 200 || b.location() != drill {
			t.Fatalf("the township's link: got %d at %s, want %s", st, b.location(), drill)
		}
		if got := b.textAll("#dashboard-region"); got != region.Embedded().FullName(town0.Code)+" "+period {
			t.Errorf("region and period: got %q", got)
		}
		if got := b.value("#f-region"); got != town0.Code {
			t.Errorf("the region chosen: got %q", got)
		}
		if got, want := b.textAll("#totals tbody tr"), "最低生活保障 1 "+wd(14)+" 100% 0"; got != want {
			t.Errorf("the township's totals: got %q, want %q", got, want)
		}
		if b.has("#regions") || strings.Contains(b.textAll("table"), town1.Name) {
			t.Error("the township's page shows a table of regions, or the other township")
		}
		if got := b.textAll("#up"); got != "返回"+region.Embedded().FullName("440103") {
			t.Errorf("the way back: got %q", got)
		}
		b.tablet("pages-dashboard-township-768x1024.png")
		if st := b.follow("#up"); st != 200 || b.location() != "/dashboard?region=&from="+from+"&to="+today.String() {
			t.Fatalf("back up: got %d at %s", st, b.location())
		}
		if !b.has("#row-"+town0.Code+"-dibao") || !b.has("#row-"+town1.Code+"-dibao") || b.has("#up") {
			t.Errorf("back at the county: rows %q", b.textAll("#regions tbody tr"))
		}
	}, b)
}
