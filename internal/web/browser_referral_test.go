package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReferral walks a referral on a tablet: the township refers a
// household's disability needs to the district's disabled persons'
// federation with the household's consent; the federation signs in,
// accepts it and records the result; the township sees it done.
func TestBrowserReferral(t *testing.T) {
	e := newReferralEnv(t)
	e.setParams()
	e.partnerLogin(e.canlian, "canlian")
	hid := itoa(e.h.ID)
	b := &browser{t: t, ctx: newBrowser(t, policyBrowserTimeout), url: e.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))
	var ref string
	if !caseStep(t, "the township sends the referral", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		if st := b.open("/households/" + hid); st != 200 {
			t.Fatalf("household: %d", st)
		}
		if st := b.follow("#refer"); st != 200 {
			t.Fatalf("referral form: %d", st)
		}
		b.do(chromedp.Click(chromedp.CSS("#need-disability")), chromedp.Click(chromedp.CSS("#need-care")))
		b.set("#f-partner_id", itoa(e.canlian.ID))
		b.set("#f-consent-person_id", itoa(e.h.Members[0].Person.ID))
		b.set("#f-consent-method", "signed_form")
		b.tablet("referral-new.png")
		if st := b.click("#referral-submit"); st != 200 || !strings.HasPrefix(b.location(), "/referrals/") {
			t.Fatalf("send: %d at %s", st, b.location())
		}
		ref, _, _ = strings.Cut(strings.TrimPrefix(b.location(), "/referrals/"), "?")
		containsAll(t, "referral", squash(b.text("#referral")), "待接收", "荔湾区残联", "残疾人服务、照料护理服务", "何一")
		b.signOut()
	}, b) {
		return
	}
	if !caseStep(t, "the federation accepts and records the result", func(t *testing.T) {
		b.signIn("canlian", "荔湾区残联")
		if st := b.open("/partner"); st != 200 {
			t.Fatalf("partner's list: %d", st)
		}
		if st := b.follow("#referral-" + ref + " a"); st != 200 {
			t.Fatalf("referral: %d", st)
		}
		if got := b.text("#household"); strings.Contains(got, e.h.Members[0].Person.IDNumber) || !strings.Contains(got, "何一") {
			t.Errorf("the household as the partner sees it: %s", got)
		}
		if st := b.click("#accept-submit"); st != 200 {
			t.Fatalf("accept: %d", st)
		}
		containsAll(t, "status", b.text("#status"), "办理中")
		b.set("#f-result-text", "已上门评估并配发轮椅")
		if st := b.click("#result-submit"); st != 200 {
			t.Fatalf("result: %d", st)
		}
		containsAll(t, "status", b.text("#status"), "已办结")
		b.tablet("referral-partner.png")
		b.signOut()
	}, b) {
		return
	}
	caseStep(t, "the township sees it done", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		if st := b.open("/referrals"); st != 200 {
			t.Fatalf("referrals: %d", st)
		}
		containsAll(t, "list", squash(b.text("#referral-"+ref)), "已办结")
		if st := b.follow("#referral-" + ref + " a"); st != 200 {
			t.Fatalf("referral: %d", st)
		}
		containsAll(t, "referral", squash(b.text("#referral")), "已办结", "已上门评估并配发轮椅")
		containsAll(t, "log", squash(b.text("#log")), "发送转介", "接收", "反馈结果")
	}, b)
}
