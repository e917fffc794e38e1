package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/web"
)

// step is one action's form posted from an application page by a user.
type step struct {
	c      *uiClient
	action string
	form   url.Values
}

// takeSteps posts each step's form in turn; each must succeed.
func takeSteps(t *testing.T, app string, steps ...step) {
	t.Helper()
	for _, s := range steps {
		if r := act(t, s.c, app, s.action, s.form); r.status != 303 {
			t.Fatalf("%s: got %d, want 303\n%s", s.action, r.status, r.body)
		}
	}
}

// reviewInvestigated is the township's home visit for a review, which
// opens under investigation, and the end of its investigation.
func reviewInvestigated(town *uiClient) []step {
	visit := url.Values{"visit.date": {civil.Today().String()}, "visit.mode": {"in_person"}, "visit.visitors": {"甲、乙"}, "visit.findings": {"冯一儿已就业"}}
	return []step{{town, "record_visit", visit}, {town, "finish_investigation", url.Values{}}}
}

// approveShortWay files a Dibao application for h and takes it to
// approval the short way: a proposal to reject sends it to the county,
// which confirms 500 yuan a month with a reason. It returns the
// application page's path.
func approveShortWay(t *testing.T, town, county *uiClient, h *registry.Household) string {
	t.Helper()
	app := fileApplication(t, town, h)
	investigated(t, town, app)
	takeSteps(t, app, step{town, "propose", url.Values{"opinion": {"reject"}, "reason": {"收入待县级核实"}}},
		step{county, "confirm", url.Values{"amount": {"500"}, "reason": {"县级核实后认定"}}})
	return app
}

var enrollmentRow = regexp.MustCompile(`id="enrollment-(\d+)"`)

// enrollmentIDs are the enrollments the household page lists, in order
// (the latest first).
func enrollmentIDs(body string) []string {
	var out []string
	for _, m := range enrollmentRow.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestUIEnrollmentsAndReviews(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "冯一")
	town, county := e.login("town1"), e.login("county")
	home := "/households/" + strconv.FormatInt(h.ID, 10)
	if b := section(town.get(home).body, "benefits"); !strings.Contains(b, `id="no-enrollments"`) {
		t.Fatalf("a household without benefits: %s", b)
	}
	approveShortWay(t, town, county, h)

	// The household page lists the enrollment, with its forms.
	r := town.get(home)
	b := section(r.body, "benefits")
	next := civil.Today().MonthOf().Add(1).String()
	for _, want := range []string{"保障情况", "最低生活保障", "500.00", "正常", next} {
		if !strings.Contains(b, want) {
			t.Errorf("the benefits lack %q:\n%s", want, b)
		}
	}
	ids := enrollmentIDs(b)
	if len(ids) != 1 {
		t.Fatalf("got enrollments %v, want one", ids)
	}
	eid := ids[0]
	if !strings.Contains(b, `id="report-change-form-`+eid+`"`) || !strings.Contains(b, `id="job-offer-form-`+eid+`"`) {
		t.Errorf("the township is not offered the enrollment's forms")
	}
	if b := section(e.login("hotline").get(home).body, "benefits"); !strings.Contains(b, "500.00") || strings.Contains(b, "<form") {
		t.Errorf("the hotline: want the benefits without forms:\n%s", b)
	}

	// A change report without a note: the message beside it, the choice kept.
	reviews := home + "/enrollments/" + eid + "/reviews"
	r = town.submit(reviews, url.Values{"trigger": {"other"}})
	if r.status != 422 || fieldMessage(r.body, "review-"+eid+".note") == "" {
		t.Fatalf("a report without a note: got %d, message %q", r.status, fieldMessage(r.body, "review-"+eid+".note"))
	}
	mustContain(t, r, `<details class="subform" id="report-change-`+eid+`" open>`, `<option value="other" selected>其他</option>`)

	// Reported: the review's page, with its trigger and the household.
	r = town.submit(reviews, url.Values{"trigger": {"change_report"}, "note": {"冯一儿于本月就业"}})
	m := regexp.MustCompile(`^(/applications/\d+)\?saved=open_review$`).FindStringSubmatch(r.location)
	if r.status != 303 || m == nil {
		t.Fatalf("report a change: got %d to %q\n%s", r.status, r.location, r.body)
	}
	review := m[1]
	r = town.get(r.location)
	mustContain(t, r, "复核已发起", `<span id="review-trigger">家庭情况变化</span>`, "复核 "+strings.TrimPrefix(review, "/applications/")+" 号",
		`href="`+home+`#enrollment-`+eid+`" id="household-link"`, "冯一儿于本月就业", `id="state-name">调查核实<`)

	// A second report while the review is open: 409, with a link to it.
	r = town.submit(reviews, url.Values{"trigger": {"other"}, "note": {"群众举报"}})
	if r.status != 409 {
		t.Fatalf("a second report: got %d, want 409", r.status)
	}
	mustContain(t, r, `id="open-case-`+eid+`"`, `href="`+review+`"`, "已有在办事项")

	// The proposal is an outcome, with the rules engine's amount above it.
	takeSteps(t, review, reviewInvestigated(town)...)
	r = town.get(review)
	form := section(r.body, "actions")
	for _, want := range []string{`id="form-propose"`, `name="outcome"`, `<option value="unchanged">维持</option>`, `<option value="adjust">调整金额</option>`,
		`<option value="gradual_exit">渐退</option>`, `<option value="suspend">暂停</option>`, `<option value="resume">恢复</option>`,
		`<option value="end">停发</option>`, `id="engine"`, "规则引擎"} {
		if !strings.Contains(form, want) {
			t.Errorf("the review's proposal lacks %q", want)
		}
	}
	if strings.Contains(form, `name="opinion"`) {
		t.Error("the review's proposal asks for an opinion")
	}
	r = act(t, town, review, "propose", url.Values{"outcome": {"adjust"}, "amount": {"800"}})
	if r.status != 422 || fieldMessage(r.body, "propose.reason") == "" {
		t.Fatalf("an adjustment without reasons: got %d, message %q", r.status, fieldMessage(r.body, "propose.reason"))
	}
	mustContain(t, r, `<option value="adjust" selected>`)
	takeSteps(t, review, step{town, "propose", url.Values{"outcome": {"adjust"}, "amount": {"800"}, "reason": {"冯一儿就业，重新核定保障金额"}}})

	// The county confirms the proposal as shown; the decision has the
	// outcome and no letter.
	r = county.get(review)
	mustContain(t, r, `id="confirm-outcome">调整金额<`, `id="confirm-amount">800.00<`, `id="proposed-outcome">调整金额<`)
	takeSteps(t, review, step{county, "confirm", url.Values{}})
	r = county.get(review)
	mustContain(t, r, `id="decision-outcome">调整金额<`, `id="decision-amount">800.00<`)
	if strings.Contains(r.body, review+"/letter") {
		t.Error("a review links a letter")
	}

	// The household: the old record adjusted, the new amount paid.
	b = section(town.get(home).body, "benefits")
	ids = enrollmentIDs(b)
	if len(ids) != 2 {
		t.Fatalf("got enrollments %v, want the old and the new", ids)
	}
	rows := map[string]string{}
	for _, id := range ids {
		rows[id] = tableRow(b, "enrollment-"+id)
	}
	if old := rows[eid]; !strings.Contains(old, "已调整") || !strings.Contains(old, "500.00") {
		t.Errorf("the old record: got %s", old)
	}
	var current string
	for _, id := range ids {
		if id != eid {
			current = id
		}
	}
	if row := rows[current]; !strings.Contains(row, "正常") || !strings.Contains(row, "800.00") {
		t.Errorf("the new record: got %s", row)
	}
	if strings.Contains(b, `id="report-change-form-`+eid+`"`) {
		t.Error("the adjusted record still offers a change report")
	}
}

func TestUIJobOffers(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "秦一")
	town, county := e.login("town1"), e.login("county")
	approveShortWay(t, town, county, h)
	home := "/households/" + strconv.FormatInt(h.ID, 10)
	ids := enrollmentIDs(town.get(home).body)
	if len(ids) != 1 {
		t.Fatalf("got enrollments %v", ids)
	}
	eid := ids[0]
	offers := home + "/enrollments/" + eid + "/refusals"
	son := strconv.FormatInt(h.Members[1].Person.ID, 10)

	// Neither the member nor the answer: both named, the note kept.
	r := town.submit(offers, url.Values{"note": {"社区保洁岗位"}})
	if r.status != 422 {
		t.Fatalf("an empty answer: got %d, want 422", r.status)
	}
	for _, name := range []string{"person_id", "refused"} {
		if fieldMessage(r.body, "job-offer-"+eid+"."+name) == "" {
			t.Errorf("no message beside %s", name)
		}
	}
	mustContain(t, r, `<details class="subform" id="job-offer-`+eid+`" open>`, "社区保洁岗位</textarea>")

	// Each refusal is counted; the third reaches the limit and opens a
	// review, linked from the notice.
	var review string
	for i := 1; i <= 3; i++ {
		r = town.submit(offers, url.Values{"person_id": {son}, "refused": {"yes"}, "note": {"拒绝公益岗位"}})
		if r.status != 303 || !strings.HasPrefix(r.location, home+"?") {
			t.Fatalf("refusal %d: got %d to %q\n%s", i, r.status, r.location, r.body)
		}
		r = town.get(r.location)
		notice := section(r.body, "benefits")
		if !strings.Contains(notice, `id="refusal-notice"`) || !strings.Contains(notice, "已连续 "+strconv.Itoa(i)+" 次") {
			t.Fatalf("refusal %d: the notice does not count it:\n%s", i, notice)
		}
		if limit := strings.Contains(notice, `id="refusal-limit"`); limit != (i == 3) {
			t.Fatalf("refusal %d: the limit notice shown: %v", i, limit)
		}
		if i == 3 {
			m := regexp.MustCompile(`href="(/applications/\d+)" id="refusal-review"`).FindStringSubmatch(notice)
			if m == nil || !strings.Contains(notice, "已发起复核") {
				t.Fatalf("the limit notice has no link to the review opened:\n%s", notice)
			}
			review = m[1]
		}
	}
	if row := tableRow(r.body, "enrollment-"+eid); !strings.Contains(row, "秦一儿：连续 3 次") {
		t.Errorf("the member's refusals: got %s", row)
	}
	mustContain(t, town.get(review), `<span id="review-trigger">连续拒绝就业</span>`, "拒绝公益岗位")

	// A fourth: the review already open is named.
	r = town.get(town.submit(offers, url.Values{"person_id": {son}, "refused": {"yes"}}).location)
	notice := section(r.body, "benefits")
	if !strings.Contains(notice, "已有在办的复核") || !strings.Contains(notice, `href="`+review+`" id="refusal-review"`) {
		t.Errorf("the fourth refusal does not name the open review:\n%s", notice)
	}
	// An acceptance starts the count again.
	r = town.get(town.submit(offers, url.Values{"person_id": {son}, "refused": {"no"}}).location)
	if notice := section(r.body, "benefits"); !strings.Contains(notice, "接受了就业推荐") || strings.Contains(notice, "连续 4 次") {
		t.Errorf("an acceptance: %s", notice)
	}
}

func TestUIFileElsewhere(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "罗一")
	hash, err := auth.HashPassword(uiPassword)
	if err != nil {
		t.Fatal(err)
	}
	// A township of another district of Guangzhou.
	if err := e.db.CreateUser(uiCtx, &auth.User{Username: "tianhe", Role: auth.TownshipCaseworker, Region: "440106001", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	c := e.login("tianhe")
	mustContain(t, c.get("/inbox"), `href="/applications/new" id="file-elsewhere"`, "代收异地申请")
	r := c.get("/applications/new")
	if r.status != 200 {
		t.Fatalf("the form: got %d", r.status)
	}
	mustContain(t, r, `name="id_number"`, `<option value="residence" selected>`, `value="verification_authorisation"`)

	// An invalid ID number, then one nobody registered: the message beside
	// the field, everything typed kept.
	form := url.Values{"program": {"dibao"}, "id_number": {"110101199001011234"}, "channel": {"residence"},
		"materials": {"application_form"}, "reason": {"在本地务工，生活困难"}}
	for _, number := range []string{"110101199001011234", idcard.Make("440103", civil.D(1970, 1, 1), 999)} {
		form.Set("id_number", number)
		r = c.submit("/applications/new", form)
		if r.status != 422 || fieldMessage(r.body, "id_number") == "" {
			t.Fatalf("ID number %s: got %d, message %q", number, r.status, fieldMessage(r.body, "id_number"))
		}
		if v, _ := inputValue(r.body, "id_number"); v != number {
			t.Errorf("the ID number typed: got %q, want %q", v, number)
		}
		mustContain(t, r, `<option value="dibao" selected>`, `<option value="residence" selected>`, `value="application_form" checked`, "在本地务工，生活困难</textarea>")
	}

	// Filed: handed over to the household's township, which acts on it;
	// the filing office follows it.
	form.Set("id_number", h.Members[0].Person.IDNumber)
	r = c.submit("/applications/new", form)
	m := regexp.MustCompile(`^(/applications/(\d+))\?saved=file$`).FindStringSubmatch(r.location)
	if r.status != 303 || m == nil {
		t.Fatalf("file: got %d to %q\n%s", r.status, r.location, r.body)
	}
	app := m[1]
	r = c.get(app)
	town := region.Embedded().FullName(e.towns[0].Code)
	mustContain(t, r, `id="handed-over"`, "本申请已转至 "+town+" 办理；本单位可查看进度", `id="no-actions"`, "罗一")
	if strings.Contains(r.body, `action="`+app+`/`) || strings.Contains(r.body, `id="household-link"`) {
		t.Error("the filing office is offered an action or the household")
	}
	r = e.login("town1").get(app)
	mustContain(t, r, `id="form-accept"`, "居住地申请")
	if strings.Contains(r.body, `id="handed-over"`) {
		t.Error("the responsible township is told the application was handed over")
	}
}

func TestUITimelineNamesCitizenAndSystem(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "韦一")

	// Filed by the applicant on the portal.
	pid := h.Members[0].Person.ID
	env := caseEnv(t, civil.Today(), time.Now(), casework.Actor{PersonID: pid, Username: auth.CitizenUsername(pid)})
	c := e.fileDirect(env, casework.Application{Program: policy.Linshi, Kind: "urgent", HouseholdID: h.ID, ApplicantID: pid,
		Region: h.RegionCode, County: "440103", Materials: []string{"application_form"}})
	town := e.login("town1")
	r := town.get("/applications/" + strconv.FormatInt(c.App.ID, 10))
	if tl := section(r.body, "timeline"); !strings.Contains(tl, "申请人（网上）") {
		t.Errorf("the timeline does not name the applicant: %s", tl)
	}
	if strings.Contains(r.body, "citizen:") {
		t.Error("the page shows a citizen's internal id")
	}
	if r := town.get("/applications/" + strconv.FormatInt(c.App.ID, 10) + "?lang=en"); !strings.Contains(section(r.body, "timeline"), "The applicant (online)") {
		t.Error("the English timeline does not name the applicant")
	}

	// A scheduled review, opened by the server itself.
	approveShortWay(t, town, e.login("county"), e.household(e.towns[0].Code, "韦二"))
	var list []struct {
		ID          int64
		HouseholdID int64 `json:"household_id"`
	}
	if err := json.Unmarshal([]byte(town.get("/api/v1/applications?program=dibao").body), &list); err != nil || len(list) != 1 {
		t.Fatalf("applications: %v %+v", err, list)
	}
	var es []struct {
		NextReview string `json:"next_review"`
	}
	if err := json.Unmarshal([]byte(town.get("/api/v1/households/"+strconv.FormatInt(list[0].HouseholdID, 10)+"/enrollments").body), &es); err != nil || len(es) != 1 {
		t.Fatalf("enrollments: %v %+v", err, es)
	}
	due, err := civil.ParseDate(es[0].NextReview)
	if err != nil {
		t.Fatal(err)
	}
	s := web.New(e.db, auth.NewService(e.db), slog.New(slog.DiscardHandler))
	if n, err := s.OpenDueReviews(context.Background(), due); err != nil || n != 1 {
		t.Fatalf("scheduled reviews: %d %v", n, err)
	}
	if err := json.Unmarshal([]byte(town.get("/api/v1/applications?open=1&program=dibao").body), &list); err != nil || len(list) != 1 {
		t.Fatalf("the scheduled review: %v %+v", err, list)
	}
	r = town.get("/applications/" + strconv.FormatInt(list[0].ID, 10))
	mustContain(t, r, `<span id="review-trigger">定期复核</span>`)
	if tl := section(r.body, "timeline"); !strings.Contains(tl, "<td>系统</td>") || !strings.Contains(tl, "发起复核") {
		t.Errorf("the timeline does not name the system: %s", tl)
	}
}
