package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/store/storetest"
	"safetynet/internal/web"
)

// phone checks the page is usable on a 375px-wide phone: no sideways
// scrolling; buttons, fields and list entries at least 44px high to tap.
func (b *browser) phone(name string) {
	b.t.Helper()
	b.fits(375, 44, "button, .p-btn, select, textarea, input:not([type=hidden]):not([type=checkbox]), .p-item-link, summary", name)
}

// TestBrowserPortal walks a citizen through the portal on a phone: sign
// in with a one-time code, file a Dibao application, see it listed.
func TestBrowserPortal(t *testing.T) {
	auth.SetTestCost()
	db := storetest.SQLite(t)
	s := web.New(db, auth.NewService(db), slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	var code string
	s.Sender = auth.SenderFunc(func(_ context.Context, _, c string) error {
		mu.Lock()
		defer mu.Unlock()
		code = c
		return nil
	})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	idNumber := idcard.Make("440103", civil.D(1969, 9, 9), 41)
	h := &registry.Household{RegionCode: region.Embedded().Children("440103")[0].Code, Address: "恩宁路9号", HukouType: registry.Urban,
		Members: []registry.Member{{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1),
			Person: registry.Person{Name: "麦一", IDNumber: idNumber, Phone: "13712340000"}}}}
	if err := db.CreateHousehold(uiCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, ctx: newBrowser(t, 40*time.Second), url: srv.URL}
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateTouch))

	if st := b.open("/portal"); st != 200 || !strings.HasPrefix(b.location(), "/portal/login?next=") {
		t.Fatalf("signed out: %d at %s", st, b.location())
	}
	b.phone("portal-login-375.png")
	b.do(chromedp.SendKeys(chromedp.CSS("#id_number"), idNumber), chromedp.SendKeys(chromedp.CSS("#phone"), "13712340000"))
	if st := b.click("#request-code"); st != 200 || !strings.HasPrefix(b.location(), "/portal/verify") {
		t.Fatalf("ask for a code: %d at %s", st, b.location())
	}
	if got := b.text("#code-sent"); got != "如信息无误，验证码已发送。" {
		t.Errorf("got %q", got)
	}
	b.phone("portal-verify-375.png")
	s.Citizens.Wait()
	mu.Lock()
	sent := code
	mu.Unlock()
	b.do(chromedp.SendKeys(chromedp.CSS("#code"), sent))
	if st := b.click("#verify-code"); st != 200 || b.location() != "/portal" {
		t.Fatalf("sign in: %d at %s", st, b.location())
	}
	b.phone("portal-home-empty-375.png")

	b.click("#apply-link")
	b.set("#program", "dibao")
	b.do(chromedp.SendKeys(chromedp.CSS("#reason"), "本人患病，无劳动能力"), chromedp.Click(chromedp.CSS("#authorise")))
	b.phone("portal-apply-375.png")
	if st := b.click("#file"); st != 200 || !regexp.MustCompile(`^/portal/applications/\d+\?saved=file$`).MatchString(b.location()) {
		t.Fatalf("apply: %d at %s", st, b.location())
	}
	if got := b.text("#state"); got != "已提交，待受理" {
		t.Errorf("state: got %q", got)
	}
	b.phone("portal-application-375.png")
	b.open("/portal")
	if got := b.text("#applications"); !strings.Contains(got, "最低生活保障") {
		t.Errorf("list: got %q", got)
	}
	b.phone("portal-home-375.png")
}
