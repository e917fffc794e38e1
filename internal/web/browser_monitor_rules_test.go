package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRuleEditor walks the rule editor on a tablet: the county
// approver writes a rule with a misspelt name and sees where it is wrong,
// fixes it, tries it on the two households on Dibao (a third of their
// members would be warned), is asked to confirm, confirms and activates
// it; then drills the monitored population down to the list.
func TestBrowserRuleEditor(t *testing.T) {
	e := newVerifyEnv(t)
	a, _ := twoRecipients(t, e)
	b := &browser{t: t, ctx: newBrowser(t, policyBrowserTimeout), url: e.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))
	b.signIn("county", "王审批")

	if st := b.open("/monitor/rules"); st != 200 {
		t.Fatalf("rules: %d", st)
	}
	if st := b.click("#new-rule"); st != 200 || b.location() != "/monitor/rules/new" {
		t.Fatalf("new rule: %d at %s", st, b.location())
	}
	b.typeInto("#f-code", "heads")
	b.typeInto("#f-zh", "户主试验规则")
	b.typeInto("#f-expression", "person.head && household.sise > 0")
	if st := b.click("#rule-submit"); st != 422 {
		t.Fatalf("a misspelt name: %d", st)
	}
	containsAll(t, "the error", b.text("#f-expression-err"), "第 1 行第 26 列", "sise")
	containsAll(t, "the marked copy", squash(b.text("#expr-mark")), "第 1 行", "person.head && household.sise > 0", "^ 第 26 列")
	if got := b.text("#expr-mark mark"); got != "s" {
		t.Errorf("marked %q, want the s of sise", got)
	}
	// The caret stands under the marked character.
	if d := b.eval(`String(Math.round(document.querySelector("#expr-mark .caret").getBoundingClientRect().left - document.querySelector("#expr-mark mark").getBoundingClientRect().left))`); d != "0" {
		t.Errorf("the caret is %spx off the mark", d)
	}
	b.tablet("rule-error.png")
	// What was typed is kept; the list of names says what exists.
	if v := b.value("#f-code"); v != "heads" {
		t.Errorf("code after the error: %q", v)
	}
	b.do(chromedp.Click(chromedp.CSS("#rule-names summary")))
	containsAll(t, "names", squash(b.text("#rule-names")), "household.size", "在世家庭成员人数", "person.head")

	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-expression").value = ""`))
	b.typeInto("#f-expression", "person.head && household.size > 0")
	if st := b.click("#rule-submit"); st != 200 || !strings.HasPrefix(b.location(), "/monitor/rules/") {
		t.Fatalf("save: %d at %s", st, b.location())
	}
	containsAll(t, "saved", b.statusNotice(), "规则已保存")
	if st := b.click("#dry-run-submit"); st != 200 {
		t.Fatalf("dry run: %d", st)
	}
	containsAll(t, "dry run", squash(b.text("#dry-run-result")), "6 监测人数", "2 将预警人数", "33.3% 占比", "0 出错")
	if !b.has(`#dry-examples a[href="/households/` + itoa(a) + `"]`) {
		t.Error("no link to the first example household")
	}
	containsAll(t, "warning", b.text("#confirm-warning"), "超过五分之一（20%）")
	b.tablet("rule-dry-run.png")
	// The checkbox is required: the browser does not send the form
	// without it; the server refuses too (JavaScript off, or an old page).
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-confirm").required = false`))
	if st := b.click("#activation-submit"); st != 409 {
		t.Fatalf("activation without confirmation: %d", st)
	}
	containsAll(t, "refused", b.text("#activation-error"), "该规则将对 2 名监测对象预警（共 6 名，超过20%）")
	b.do(chromedp.Click(chromedp.CSS("#f-confirm")))
	if st := b.click("#activation-submit"); st != 200 {
		t.Fatalf("activation: %d", st)
	}
	containsAll(t, "active", b.statusNotice(), "规则已启用")
	containsAll(t, "state", b.text("#rule-state"), "已启用")

	// The population: the county, its township, the households.
	if st := b.open("/monitor/population"); st != 200 {
		t.Fatalf("population: %d", st)
	}
	containsAll(t, "counts", squash(b.text("#row-total")), "合计 2 / 6")
	b.tablet("population.png")
	if st := b.click("#row-" + e.town + " a.drill"); st != 200 {
		t.Fatalf("drill down: %d", st)
	}
	if st := b.click("#row-total td a"); st != 200 || !strings.HasPrefix(b.location(), "/monitor/population/households") {
		t.Fatalf("list: %d at %s", st, b.location())
	}
	containsAll(t, "list", squash(b.text("#households")), "甘一", "麦一", "低保对象")
}
