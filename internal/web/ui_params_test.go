package web_test

import (
	"net/url"
	"strings"
	"testing"

	"safetynet/internal/civil"
)

func TestUIParamsPage(t *testing.T) {
	e := newUIEnv(t)
	c := e.login("hotline")
	if r := c.get("/"); !strings.Contains(r.body, `href="/parameters"`) {
		t.Error("the menu of a hotline operator has no link to the parameters")
	}
	if r := e.login("partner").get("/"); strings.Contains(r.body, `href="/parameters"`) {
		t.Error("a partner's menu links the parameters")
	}
	if r := e.login("partner").get("/parameters"); r.status != 403 {
		t.Errorf("partner: got %d, want 403", r.status)
	}

	r := c.get("/parameters?region=110101&date=2025-06-01")
	if r.status != 200 {
		t.Fatalf("got %d", r.status)
	}
	row := tableRow(r.body, "p-dibao-standard-urban")
	for _, want := range []string{"城市低保标准", "dibao.standard.urban", "1395.00 元", "每人每月", "省级 · 北京市", "2023-07-01", "北京市民政局"} {
		if !strings.Contains(row, want) {
			t.Errorf("Beijing's standard row lacks %q:\n%s", want, row)
		}
	}
	mustContain(t, r, `id="group-dibao"`, `id="group-workflow"`, "最低生活保障", "办理时限")
	if strings.Contains(r.body, `id="param-form"`) {
		t.Error("a hotline operator is offered the add form")
	}

	// A required parameter without a value is marked.
	r = c.get("/parameters?region=450102&date=2025-06-01")
	row = tableRow(r.body, "p-dibao-standard-urban")
	if !strings.Contains(row, `class="missing"`) || !strings.Contains(row, "未设置") {
		t.Errorf("Nanning's standard: got row %s, want it marked not set", row)
	}
	mustContain(t, r, `id="missing-count"`)

	// History of one parameter.
	r = c.get("/parameters?region=110101&date=2023-01-01&key=dibao.standard.urban")
	hist := section(r.body, "history")
	if !strings.Contains(hist, "1320.00 元") || !strings.Contains(hist, `class="applies"`) || !strings.Contains(hist, "系统预置") {
		t.Errorf("history: got %s", hist)
	}

	// A bad region is named beside its field.
	r = c.get("/parameters?region=4")
	if r.status != 422 || !strings.Contains(r.body, `id="f-view-region-err"`) {
		t.Errorf("region=4: got %d, want 422 with the message beside the field", r.status)
	}

	// English.
	r = c.get("/parameters?region=450102&date=2025-06-01&lang=en")
	mustContain(t, r, "urban Dibao standard", "Not set", "Policy parameters")
	// Amounts in English say yuan, in the table and in a history.
	r = c.get("/parameters?region=110101&date=2025-06-01&lang=en")
	if row := tableRow(r.body, "p-dibao-standard-urban"); !strings.Contains(row, "1395.00 yuan") || strings.Contains(row, ".00 元") {
		t.Errorf("the English standard row: got %s, want 1395.00 yuan", row)
	}
	r = c.get("/parameters?region=110101&date=2023-01-01&key=dibao.standard.urban&lang=en")
	if hist := section(r.body, "history"); !strings.Contains(hist, "1320.00 yuan") || strings.Contains(hist, ".00 元") {
		t.Errorf("the English history: got %s", hist)
	}
}

func TestUIParamsAdd(t *testing.T) {
	e := newUIEnv(t)
	c := e.login("county")
	r := c.get("/parameters")
	mustContain(t, r, `id="param-form"`, `<option value="dibao.standard.urban">城市低保标准 (dibao.standard.urban)</option>`)
	if v, _ := inputValue(r.body, "region"); v != "440103" {
		t.Errorf("the scope field proposes %q, want the county 440103", v)
	}

	today := civil.Today()
	form := url.Values{"key": {"dibao.standard.urban"}, "region": {"440103"}, "valid_from": {today.AddDays(-10).String()},
		"value": {"1388"}, "source": {"荔湾区民政局通知"}, "view_region": {"440103"}, "view_date": {""}}
	r = c.submit("/parameters", form)
	if r.status != 422 {
		t.Fatalf("a past date without a reason: got %d, want 422", r.status)
	}
	if m := fieldMessage(r.body, "reason"); !strings.Contains(m, "原因") {
		t.Errorf("got reason message %q", m)
	}
	if v, _ := inputValue(r.body, "value"); v != "1388" {
		t.Errorf("the value typed was lost: got %q", v)
	}
	mustContain(t, r, `id="form-errors"`, "<details class=\"subform\" open>")

	form.Set("region", "440104")
	form.Set("value", "much")
	r = c.submit("/parameters", form)
	if fieldMessage(r.body, "region") == "" || fieldMessage(r.body, "value") == "" {
		t.Errorf("another county and a bad value: got region %q value %q, want both named", fieldMessage(r.body, "region"), fieldMessage(r.body, "value"))
	}

	form.Set("region", "440103")
	form.Set("value", "1388")
	form.Set("valid_from", today.AddDays(10).String())
	r = c.submit("/parameters", form)
	if r.status != 303 || r.location != "/parameters?key=dibao.standard.urban&region=440103&saved=param#history" {
		t.Fatalf("a future value: got %d to %q", r.status, r.location)
	}
	r = c.get(strings.TrimSuffix(r.location, "#history"))
	mustContain(t, r, "取值已保存")
	hist := section(r.body, "history")
	if !strings.Contains(hist, "1388.00 元") || !strings.Contains(hist, "县级 · ") || !strings.Contains(hist, "county") {
		t.Errorf("history after the add: got %s", hist)
	}

	// The hotline operator may not post.
	h := e.login("hotline")
	h.get("/parameters")
	if r := h.submit("/parameters", form); r.status != 403 {
		t.Errorf("hotline post: got %d, want 403", r.status)
	}
	// The audit page names the kind of record.
	if r := c.get("/audit?entity=parameter"); !strings.Contains(r.body, "政策参数") || len(auditSeqs(t, r.body)) != 1 {
		t.Errorf("audit page: got %d entries", len(auditSeqs(t, r.body)))
	}
}

// tableRow returns the table row with the id.
func tableRow(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</tr>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
