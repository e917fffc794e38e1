package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserMonitorDashboard: on a tablet, the county approver opens the
// monitoring dashboard, drills down to the township with the warning and
// back up, then opens the household's timeline and narrows it to the
// referrals.
func TestBrowserMonitorDashboard(t *testing.T) {
	c := newChain(t)
	town := c.towns[0]
	b := &browser{t: t, ctx: newBrowser(t, policyBrowserTimeout), url: c.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))
	b.signIn("county", "")

	if st := b.open("/monitor/dashboard"); st != 200 {
		t.Fatalf("dashboard: %d", st)
	}
	containsAll(t, "totals", squash(b.text("#summary")), "预警 1", "按时办结率 100%", "已超期 0")
	containsAll(t, "the township's row", squash(b.text("#region-"+town.Code)), town.Name, "1 0 0 1 1", "100%")
	// The bar of the township is drawn, full width (it has the most), all closed.
	if w := b.eval(`document.querySelector("#region-` + town.Code + ` .seg-closed").getAttribute("width")`); w != "100.0" {
		t.Errorf("the closed part of the bar: width %q", w)
	}
	b.tablet("monitor-dashboard.png")
	if st := b.click("#region-" + town.Code + " a.drill"); st != 200 || !strings.Contains(b.location(), "region="+town.Code) {
		t.Fatalf("drill down: %d at %s", st, b.location())
	}
	containsAll(t, "the township", b.text("#dashboard-region"), town.Name)
	containsAll(t, "its referrals", squash(b.text("#referrals-total")), "1 1 0 0 0 0")
	if st := b.click("#up"); st != 200 || strings.Contains(b.location(), "region="+town.Code) {
		t.Fatalf("back up: %d at %s", st, b.location())
	}

	// The household's timeline, then only its referrals.
	if st := b.open("/households/" + itoa(c.household)); st != 200 {
		t.Fatalf("household: %d", st)
	}
	all := b.textAll("#timeline .tl-item")
	containsAll(t, "the timeline", all, "发出预警：户主走访（冯一）", "预警办结（户主走访）：经核实无需救助", "批准：最低生活保障", "出具核对报告", "转介至荔湾区残联")
	b.set("#f-kind", "referral")
	if st := b.click("#timeline-show"); st != 200 || !strings.Contains(b.location(), "kind=referral") {
		t.Fatalf("filter: %d at %s", st, b.location())
	}
	if got := b.textAll("#timeline .tl-item"); !strings.Contains(got, "转介至荔湾区残联") || strings.Contains(got, "预警") {
		t.Errorf("the referrals only: %q", got)
	}
	b.tablet("household-timeline.png")
	if st := b.click("#timeline .tl-referral a"); st != 200 || b.location() != "/referrals/"+itoa(c.referral) {
		t.Errorf("the referral's page: %d at %s", st, b.location())
	}
}
