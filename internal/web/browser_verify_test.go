package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

// TestBrowserVerification walks verification on a tablet: the county's
// verification centre imports the tax office's file from the source page
// and follows the batch to its end (one bad row listed with its reason);
// the township records the household's signed authorisation with its scan
// (the child signed for by the parent); the centre verifies the household
// and reads the printable report, whose controls do not print.
func TestBrowserVerification(t *testing.T) {
	e := newVerifyEnv(t)
	head := idcard.Make("440103", civil.D(1975, 4, 5), 81)
	h := &registry.Household{RegionCode: e.town, Address: "蓬莱路8号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "钟一", IDNumber: head}},
		{Relationship: registry.RelChild, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "钟小", IDNumber: idcard.Make("440103", civil.D(2017, 6, 7), 92)}},
	}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	hid := itoa(h.ID)
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("身份证号码,所属期,所得项目,收入额,扣缴义务人\n")
	for i := 0; i < 3000; i++ {
		id := idcard.Make("440105", civil.D(1960+i%40, time.Month(1+i%12), 1+i%28), i%1000)
		fmt.Fprintf(&csv, "%s,2025-%02d,工资薪金所得,%d,某公司\n", id, 1+i%8, 2000+i)
	}
	for m := 3; m <= 8; m++ {
		fmt.Fprintf(&csv, "%s,2025-%02d,工资薪金所得,5200,荔湾某厂\n", head, m)
	}
	csv.WriteString("4401031975040508X,2025-08,工资薪金所得,1,错行\n")
	taxFile := filepath.Join(dir, "税务2025年8月.csv")
	scanFile := filepath.Join(dir, "授权书.pdf")
	if err := os.WriteFile(taxFile, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scanFile, samplePDF, 0o644); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, ctx: newBrowser(t, policyBrowserTimeout), url: e.srv.URL}
	b.do(chromedp.EmulateViewport(768, 1024, chromedp.EmulateTouch))

	if !caseStep(t, "the centre imports the tax file", func(t *testing.T) {
		b.signIn("verifier", "吴核对")
		if st := b.open("/verification"); st != 200 {
			t.Fatalf("catalogue: %d", st)
		}
		b.tablet("verification.png")
		if st := b.follow("#source-tax a"); st != 200 {
			t.Fatalf("tax source: %d", st)
		}
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{taxFile}))
		if st := b.click("#import-submit"); st != 200 || !strings.HasPrefix(b.location(), "/verification/batches/") {
			t.Fatalf("start import: %d at %s", st, b.location())
		}
		// The page follows the load and shows the finished batch.
		b.do(chromedp.WaitVisible(chromedp.CSS("#batch-status.status-applied")))
		containsAll(t, "batch", squash(b.text("#batch")), "已生效", "税务2025年8月.csv", "csv UTF-8")
		if got := b.text("#imported"); got != "3006" {
			t.Errorf("imported %s, want 3006", got)
		}
		containsAll(t, "rejects", squash(b.text("#rejects")), "3008", "身份证号码", "应为18位")
		b.tablet("batch.png")
		b.signOut()
	}, b) {
		return
	}
	if !caseStep(t, "the township records the authorisation", func(t *testing.T) {
		b.signIn("town1", "陈经办")
		if st := b.open("/households/" + hid + "/verification"); st != 200 {
			t.Fatalf("verification page: %d", st)
		}
		b.openDetails("#authorise", "#authorisation-submit")
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#f-scan"), []string{scanFile}))
		if st := b.click("#authorisation-submit"); st != 200 {
			t.Fatalf("record: %d", st)
		}
		containsAll(t, "authorisations", squash(b.text("#authorisations")), "有效", "钟一（并作为 钟小 的监护人代签）", "全部数据源")
		if b.has("#no-authorisation") {
			t.Error("still no valid authorisation")
		}
		b.tablet("authorisation.png")
		b.signOut()
	}, b) {
		return
	}
	caseStep(t, "the centre verifies and prints the report", func(t *testing.T) {
		b.signIn("verifier", "吴核对")
		if st := b.open("/households/" + hid + "/verification"); st != 200 {
			t.Fatalf("verification page: %d", st)
		}
		if st := b.click("#verify-submit"); st != 200 || !strings.HasPrefix(b.location(), "/verification/reports/") {
			t.Fatalf("verify: %d at %s", st, b.location())
		}
		containsAll(t, "report", squash(b.text("#report")), "家庭经济状况核对报告", "440103-2025-000001", "工资性收入（月均）", "5200.00", "有记录", "未导入数据")
		if strings.Contains(b.text("#report"), head) {
			t.Error("the report shows an ID number in full")
		}
		b.tablet("report.png")
		b.media("print")
		if got := b.rendered("#back"); got != "hidden" {
			t.Errorf("the back link in print: %s", got)
		}
		b.media("")
	}, b)
}
