package web_test

import (
	"strconv"
	"strings"
	"testing"
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
	if r := c.get(path + "/eligibility?month=2025-13"); r.status != 422 {
		t.Errorf("bad month: got %d, want 422", r.status)
	}
	// English.
	c.get("/lang/en")
	r = c.get(path + "/eligibility")
	mustContain(t, r, "adult child unable to live independently, counted", "Eligibility check for household")
}
