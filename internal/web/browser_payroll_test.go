package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
)

// TestBrowserPayroll walks a month's payroll on a tablet: a generation is
// under way (started from the command line) and the county's page follows
// it live to its end; the preparer generates the month again from the
// form (nothing changed), reviews the lines and their explanations, and
// sees that approving is for someone else; they sign out, and the second
// approver approves: the payroll is locked.
func TestBrowserPayroll(t *testing.T) {
	e := payrollEnv(t)
	hid, _ := approveViaCounty(t, e, 91)
	month := civil.Today().MonthOf().Add(1)
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "county", Role: "county_approver"})
	key := payment.Key{County: "440103", Program: policy.Dibao, Month: month, Kind: payment.Regular}
	p, err := e.db.BeginPayroll(ctx, key, payment.StaleAfter)
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(p.ID)

	b := &browser{t: t, ctx: newBrowser(t, policyBrowserTimeout), url: e.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))
	b.signIn("county", "")
	if st := b.open("/payrolls"); st != 200 {
		t.Fatalf("payrolls: %d", st)
	}
	containsAll(t, "following", squash(b.text("#following")), "正在生成", "花名册 "+id)
	b.tablet("payrolls-generating.png")
	if st := b.follow("#payroll-" + id + " a"); st != 200 || b.text("#status") != "生成中" || !b.has("#progress[data-follow]") {
		t.Fatalf("open the generating payroll: %d, status %q", st, b.text("#status"))
	}

	// The generation goes on elsewhere and ends; the page reloads itself.
	stored, err := e.db.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Effective(stored)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := payment.Generate(ctx, e.db, payment.Options{County: "440103", Program: policy.Dibao, Month: month, Params: set, Stale: time.Nanosecond}); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("#status.status-prepared")))
	containsAll(t, "totals", squash(b.text("#totals")), "500.00")

	// Generated again from the form: the same payroll, nothing changed.
	if st := b.open("/payrolls"); st != 200 {
		t.Fatalf("payrolls: %d", st)
	}
	b.set("#f-month", month.String())
	b.set("#f-program", "dibao")
	if st := b.click("#generate-submit"); st != 200 {
		t.Fatalf("generate: %d at %s", st, b.location())
	}
	if got := b.location(); got != "/payrolls/"+id {
		t.Fatalf("generate led to %s, want the payroll", got)
	}
	if !b.has("#status.status-prepared") {
		b.do(chromedp.WaitVisible(chromedp.CSS("#status.status-prepared")))
	}
	containsAll(t, "diff", squash(b.text("#diff")), "没有变化")
	row := squash(b.text("#line-list tbody tr"))
	containsAll(t, "line", row, month.String(), "当月", "500.00", "核定金额每月 500.00 元")
	if !b.has(`#line-list a[href="/households/` + itoa(hid) + `"]`) {
		t.Error("the line does not link to its household")
	}
	containsAll(t, "approval", squash(b.text("#approve-why")), "须由另一名有审核权限的人员审核")
	if b.has("#approve-form") {
		t.Error("the preparer is offered the approval")
	}
	b.tablet("payroll-prepared.png")

	// The second approver approves.
	b.signOut()
	b.signIn("county2", "")
	if st := b.open("/payrolls/" + id); st != 200 {
		t.Fatalf("payroll: %d", st)
	}
	if st := b.click("#approve-submit"); st != 200 {
		t.Fatalf("approve: %d", st)
	}
	if got := b.text("#status"); got != "已审核" {
		t.Errorf("status %q after approval", got)
	}
	containsAll(t, "locked", squash(b.text("#locked")), "已锁定", "county2")
	if b.has("#approve-form") || b.has("#regenerate-form") {
		t.Error("an approved payroll offers approval or regeneration")
	}
	b.tablet("payroll-approved.png")
}
