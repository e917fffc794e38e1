package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"safetynet/internal/auth"
)

// TestBrowserWarning handles a warning on a tablet: the county's monthly
// rules have raised it; the township opens it from its list, records the
// home visit, and closes it with "no need" and the reason.
func TestBrowserWarning(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	monitorParams(t, e)
	approveViaCounty(t, e, 81)
	rule := map[string]any{"code": "head_check", "zh": "户主走访", "expression": "person.head", "region": "440103",
		"severity": "medium", "side": "need", "action": "visit"}
	var saved, run map[string]any
	e.do("county", "POST", "/api/v1/monitor/rules", rule, &saved)
	e.do("county", "POST", "/api/v1/monitor/rules/"+itoa(int64(saved["id"].(float64)))+"/activation",
		map[string]any{"version": saved["version"], "active": true, "confirm": true}, &saved)
	e.do("county", "POST", "/api/v1/monitor/runs", map[string]any{"region": "440103"}, &run)
	waitRun(t, e, "county", int64(run["id"].(float64)))

	b := &browser{t: t, ctx: newBrowser(t, policyBrowserTimeout), url: e.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))
	b.signIn("town1", "")
	if st := b.open("/monitor/warnings"); st != 200 {
		t.Fatalf("warnings: %d", st)
	}
	containsAll(t, "list", squash(b.text("#warnings")), "户主走访", "待核实")
	b.tablet("warnings.png")
	if st := b.click("#warnings tbody tr a"); st != 200 || !strings.HasPrefix(b.location(), "/monitor/warnings/") {
		t.Fatalf("open the warning: %d at %s", st, b.location())
	}
	containsAll(t, "facts", squash(b.text("#facts-used")), "person.head")
	b.typeInto("#f-note", "入户核实：户主身体健康，子女有工作")
	if st := b.click("#visit-submit"); st != 200 || b.text("#status") != "已核实待处置" {
		t.Fatalf("visit: %d, status %s", st, b.text("#status"))
	}
	b.set("#f-outcome", "no_need")
	b.typeInto("#f-close_note", "家庭收入稳定，无需救助")
	if st := b.click("#close-submit"); st != 200 {
		t.Fatalf("close: %d", st)
	}
	containsAll(t, "outcome", squash(b.text("#outcome")), "经核实无需救助", "家庭收入稳定，无需救助")
	if got := b.text("#status"); got != "已办结" {
		t.Errorf("status %q", got)
	}
	b.tablet("warning-closed.png")
}
