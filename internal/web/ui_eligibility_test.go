package web_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/civil"
)

func TestUIEligibility(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "黄大")
	c := e.login("town1")
	path := "/households/" + strconv.FormatInt(h.ID, 10)
	if r := c.get(path); !strings.Contains(r.body, `href="`+path+`/eligibility"`) {
		t.Fatal("the household page has no link to the eligibility check")
	}
	// Guangzhou, this month (the household exists from today): standard 1120; a head with no income and a child
	// with a grade-2 disability (an adult child who cannot live on their own
	// is counted): (2 × 1120 − 0) = 2240.
	r := c.get(path + "/eligibility")
	if r.status != 200 {
		t.Fatalf("got %d", r.status)
	}
	row := tableRow(r.body, "program-dibao")
	for _, want := range []string{"最低生活保障", "符合", "2240.00"} {
		if !strings.Contains(row, want) {
			t.Errorf("Dibao row lacks %q:\n%s", want, row)
		}
	}
	mustContain(t, r, `id="explain-dibao"`, "无法独立生活的成年子女，计入", "dibao.standard.urban = 1120.00 元", "《社会救助暂行办法》第九条")
	// The head (over 60, no income, no supporter) meets Tekun's conditions,
	// but Guangzhou sets no care standard: the page says which parameter is
	// missing rather than showing an amount.
	if row := tableRow(r.body, "program-tekun"); !strings.Contains(row, "无法计算") || !strings.Contains(row, "tekun.care.method") {
		t.Errorf("Tekun row: got %s, want cannot-calculate naming tekun.care.method", row)
	}
	// Another township's household is not found; a bad month is named.
	if r := e.login("town2").get(path + "/eligibility"); r.status != 404 {
		t.Errorf("other township: got %d, want 404", r.status)
	}
	// The standard's step names the hukou type in words, in every program
	// measured against the standard.
	for _, sec := range []string{"explain-dibao", "explain-marginal", "explain-rigid_expense"} {
		if got := section(r.body, sec); !strings.Contains(got, "适用低保标准 1120.00 元/人·月（城市）") {
			t.Errorf("%s: no standard step naming 城市:\n%s", sec, got)
		}
	}
	if strings.Contains(r.body, "（urban）") || strings.Contains(r.body, "（0）") {
		t.Error("a step shows a code or a made-up 0 for the hukou type")
	}
	// The income test states its result.
	mustContain(t, r, "低于低保标准 1120.00 元（合计 2240.00 元），符合收入条件")
	if strings.Contains(r.body, "须严格低于") {
		t.Error("the income test is still worded as a question")
	}

	// A bad month is named beside the field, in Chinese, on the page.
	r = c.get(path + "/eligibility?month=2025-13")
	if r.status != 422 {
		t.Errorf("bad month: got %d, want 422", r.status)
	}
	this := civil.Today().MonthOf()
	if got, want := fieldMessage(r.body, "month"), "2025-13 不是有效的月份：请按 YYYY-MM 格式填写年月，如 "+this.String(); got != want {
		t.Errorf("bad month: message %q, want %q", got, want)
	}
	if v := regexp.MustCompile(`id="f-month" name="month" value="([^"]*)"`).FindStringSubmatch(r.body); v == nil || v[1] != "2025-13" {
		t.Errorf("bad month: the field shows %q, want what was typed", v)
	}
	mustContain(t, r, "家庭 "+h.Number+" 的救助资格测算")
	if strings.Contains(r.body, `id="eligibility-summary"`) {
		t.Error("bad month: the page shows a summary")
	}

	// A month before the household was registered (today) says so, and
	// which month to choose.
	before := this.Add(-1)
	r = c.get(path + "/eligibility?month=" + before.String())
	want := "该家庭于 " + civil.Today().String() + " 登记，" + before.String() + " 没有登记数据。请选择 " + this.String() + " 或以后的月份。"
	if got := fieldMessage(r.body, "month"); r.status != 422 || got != want {
		t.Errorf("month before registration: got %d %q, want 422 %q", r.status, got, want)
	}
	// Another township's household is still not found, whatever the month.
	for _, m := range []string{before.String(), "2025-13"} {
		if r := e.login("town2").get(path + "/eligibility?month=" + m); r.status != 404 {
			t.Errorf("other township, month %s: got %d, want 404", m, r.status)
		}
	}

	// English: amounts say yuan.
	c.get("/lang/en")
	r = c.get(path + "/eligibility")
	mustContain(t, r, "adult child unable to live independently, counted", "Eligibility check for household",
		"dibao.standard.urban = 1120.00 yuan", "Dibao standard 1120.00 yuan per person per month (urban)")
	if strings.Contains(r.body, ".00 元") {
		t.Error("the English page shows 元")
	}
	r = c.get(path + "/eligibility?month=2025-13")
	if got := fieldMessage(r.body, "month"); r.status != 422 || !strings.HasPrefix(got, "2025-13 is not a month") {
		t.Errorf("bad month in English: got %d %q", r.status, got)
	}
	r = c.get(path + "/eligibility?month=" + before.String())
	if got := fieldMessage(r.body, "month"); r.status != 422 || got != "The household was registered on "+civil.Today().String()+", so there is no registry data for "+before.String()+". Choose "+this.String()+" or later." {
		t.Errorf("month before registration in English: got %d %q", r.status, got)
	}
}
