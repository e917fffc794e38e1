package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
	"safetynet/internal/web"
)

// verifyEnv is a server with keys, the verification parameters set for
// the county, and a user per role that verification concerns.
type verifyEnv struct {
	t      *testing.T
	db     *store.DB
	s      *web.Server
	srv    *httptest.Server
	tokens map[string]string
	town   string
	now    time.Time
}

var verifyCtx = audit.WithActor(context.Background(), audit.Actor{Username: "test"})

func newVerifyEnv(t *testing.T) *verifyEnv {
	t.Helper()
	auth.SetTestCost()
	db := storetest.SQLite(t)
	db.SetKeys(storetest.Keys(t))
	svc := auth.NewService(db)
	s := web.New(db, svc, slog.New(slog.DiscardHandler))
	s.MaxUpload = 1 << 20
	e := &verifyEnv{t: t, db: db, s: s, tokens: map[string]string{}, town: region.Embedded().Children("440103")[0].Code,
		now: civil.D(2025, 9, 22).In(civil.Shanghai).Add(10 * time.Hour)}
	s.Clock = func() time.Time { return e.now }
	db.SetClock(func() time.Time { return e.now })
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.WaitImports(); e.srv.Close() })
	for _, p := range []policy.Param{{Key: "verify.reference_months", Text: "6"}, {Key: "verify.authorisation.valid_months", Text: "12"}} {
		p.Region, p.From, p.Source, p.Reason = "440103", civil.D(2020, 1, 1), "test", "the county's rules since 2020"
		if err := db.AddParam(verifyCtx, &p); err != nil {
			t.Fatal(err)
		}
	}
	hash, _ := auth.HashPassword(uiPassword)
	for _, u := range []auth.User{
		{Username: "verifier", DisplayName: "吴核对", Role: auth.VerificationOfficer, Region: "440103"},
		{Username: "town1", DisplayName: "陈经办", Role: auth.TownshipCaseworker, Region: e.town},
		{Username: "otherco", Role: auth.VerificationOfficer, Region: "440104"},
		{Username: "hotline", Role: auth.HotlineOperator, Region: "440103"},
		{Username: "admin", Role: auth.Admin, Region: ""},
		{Username: "county", DisplayName: "王审批", Role: auth.CountyApprover, Region: "440103"},
	} {
		u.PasswordHash = hash
		if err := db.CreateUser(verifyCtx, &u); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.IssueToken(verifyCtx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Username] = tok
	}
	return e
}

// request sends a request as user; body is JSON (any) or a prepared
// multipart body.
func (e *verifyEnv) request(user, method, path string, body io.Reader, contentType string, out any) int {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
	}
	return res.StatusCode
}

func (e *verifyEnv) json(user, method, path string, body, out any) int {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	return e.request(user, method, path, r, "application/json", out)
}

// formBody builds a form with fields, then one file.
func formBody(fields map[string]string, fileField, fileName string, data []byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		w, _ := mw.CreateFormFile(fileField, fileName)
		w.Write(data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// importAndWait imports data as source and waits for the batch to finish.
func (e *verifyEnv) importAndWait(user, source, name string, data []byte, fields map[string]string) map[string]any {
	e.t.Helper()
	body, ct := formBody(fields, "file", name, data)
	var b map[string]any
	if st := e.request(user, "POST", "/api/v1/verification/sources/"+source+"/imports", body, ct, &b); st != http.StatusAccepted && st != http.StatusOK {
		e.t.Fatalf("import: %d %v", st, b)
	}
	e.s.WaitImports()
	id := int64(b["id"].(float64))
	var got map[string]any
	e.json(user, "GET", "/api/v1/verification/batches/"+itoa(id), nil, &got)
	got["again"] = b["again"]
	return got
}

// loginAs signs user in to the server's pages.
func loginAs(t *testing.T, srv *httptest.Server, user string) *uiClient {
	return (&uiEnv{t: t, srv: srv}).login(user)
}

func TestVerificationFlow(t *testing.T) {
	e := newVerifyEnv(t)
	head := idcard.Make("440103", civil.D(1970, 1, 2), 31)
	kid := idcard.Make("440103", civil.D(2015, 3, 4), 42)
	h := &registry.Household{RegionCode: e.town, Address: "多宝路1号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "黄一", IDNumber: head}},
		{Relationship: registry.RelChild, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "黄小", IDNumber: kid, SchoolStatus: registry.SchoolPrimary}},
	}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	hid := itoa(h.ID)

	// The catalogue.
	var sources []map[string]any
	if st := e.json("town1", "GET", "/api/v1/verification/sources", nil, &sources); st != 200 || len(sources) < 15 {
		t.Fatalf("sources: %d, %d", st, len(sources))
	}
	if st := e.json("hotline", "GET", "/api/v1/verification/sources", nil, nil); st != http.StatusForbidden {
		t.Errorf("a hotline operator reads the sources: %d", st)
	}

	// Only the verification centre imports; a caseworker may not.
	csv := "纳税人身份证号,所属期,所得项目,收入额,扣缴义务人\n" + head + ",2025-06,工资薪金所得,4500,甲公司\n" + head + ",2025-07,工资薪金所得,4500,甲公司\n" +
		"12345,2025-07,工资薪金所得,1,乙\n"
	body, ct := formBody(nil, "file", "tax.csv", []byte(csv))
	if st := e.request("town1", "POST", "/api/v1/verification/sources/tax/imports", body, ct, nil); st != http.StatusForbidden {
		t.Errorf("a caseworker imports: %d", st)
	}
	// Without the mapping the ID column is not found: the batch fails,
	// saying which columns are missing.
	b := e.importAndWait("verifier", "tax", "tax.csv", []byte(csv), nil)
	if b["status"] != "failed" || !strings.Contains(b["message"].(string), "id_number") {
		t.Fatalf("unmapped import: %v", b)
	}
	b = e.importAndWait("verifier", "tax", "tax.csv", []byte(csv), map[string]string{"mapping.id_number": "纳税人身份证号", "as_of": "2025-08-31"})
	if b["status"] != "applied" || b["imported"].(float64) != 2 || b["rejected"].(float64) != 1 || b["percent"].(float64) != 100 {
		t.Fatalf("import: %v", b)
	}
	batch := itoa(int64(b["id"].(float64)))
	var rejects []map[string]any
	e.json("verifier", "GET", "/api/v1/verification/batches/"+batch+"/rejects", nil, &rejects)
	if len(rejects) != 1 || rejects[0]["row"].(float64) != 4 || !strings.Contains(rejects[0]["problems"].([]any)[0].(string), "18") {
		t.Errorf("rejects: %v", rejects)
	}
	// The mapping was saved: the same layout imports without it, and the
	// same file again changes nothing.
	again := e.importAndWait("verifier", "tax", "tax-copy.csv", []byte(csv), nil)
	if again["again"] != true || again["id"] != b["id"] {
		t.Errorf("the same file again: %v", again)
	}
	// Another county's centre does not see the batch.
	if st := e.json("otherco", "GET", "/api/v1/verification/batches/"+batch, nil, nil); st != http.StatusNotFound {
		t.Errorf("another county sees the batch: %d", st)
	}

	// No verification without an authorisation.
	var apiErr struct {
		Error struct{ Code, Message, Field string }
	}
	if st := e.json("verifier", "POST", "/api/v1/households/"+hid+"/verify", nil, &apiErr); st != http.StatusUnprocessableEntity || apiErr.Error.Field != "authorisation" ||
		!strings.Contains(apiErr.Error.Message, "授权") {
		t.Fatalf("verify without authorisation: %d %+v", st, apiErr)
	}

	// The caseworker records the authorisation: the head signs, and for
	// the child as guardian. A scan that is not a PDF is refused.
	signers := `[{"person_id":` + itoa(h.Members[0].Person.ID) + `,"for":[` + itoa(h.Members[1].Person.ID) + `]}]`
	body, ct = formBody(map[string]string{"signed_on": "2025-09-20", "signers": signers}, "scan", "授权书.pdf", []byte("MZ\x90\x00 not a pdf"))
	if st := e.request("town1", "POST", "/api/v1/households/"+hid+"/authorisations", body, ct, &apiErr); st != http.StatusUnprocessableEntity {
		t.Errorf("an executable as the scan: %d %+v", st, apiErr)
	}
	body, ct = formBody(map[string]string{"signed_on": "2025-09-20", "signers": signers}, "scan", "授权书.pdf", samplePDF)
	var a map[string]any
	if st := e.request("town1", "POST", "/api/v1/households/"+hid+"/authorisations", body, ct, &a); st != http.StatusCreated || a["valid_until"] != "2026-09-19" {
		t.Fatalf("authorisation: %d %v", st, a)
	}

	// Now the verification runs: the wage of 9000 over six months is 1500
	// a month against none declared.
	var rep map[string]any
	if st := e.json("verifier", "POST", "/api/v1/households/"+hid+"/verify", nil, &rep); st != http.StatusCreated {
		t.Fatalf("verify: %d %v", st, rep)
	}
	ds := rep["discrepancies"].([]any)
	if len(ds) != 1 || ds[0].(map[string]any)["item"] != "income.wage" || ds[0].(map[string]any)["verified"].(float64) != 150000 {
		t.Errorf("discrepancies: %v", ds)
	}
	number := rep["number"].(string)
	if !strings.HasPrefix(number, "440103-2025-") {
		t.Errorf("report number %q", number)
	}
	rid := itoa(int64(rep["id"].(float64)))
	if st := e.json("otherco", "GET", "/api/v1/verification/reports/"+rid, nil, nil); st != http.StatusNotFound {
		t.Errorf("another county reads the report: %d", st)
	}

	// The pages: the caseworker sees the report, printable, in Chinese.
	c := loginAs(t, e.srv, "town1")
	page := c.get("/verification/reports/" + rid)
	if page.status != 200 || !strings.Contains(page.body, "家庭经济状况核对报告") || !strings.Contains(page.body, number) ||
		!strings.Contains(page.body, "工资性收入（月均）") || strings.Contains(page.body, head) {
		t.Errorf("report page: %d\n%s", page.status, section(page.body, "report"))
	}
	page = c.get("/households/" + hid + "/verification")
	if page.status != 200 || !strings.Contains(page.body, number) || !strings.Contains(page.body, "有效") {
		t.Errorf("household verification page: %d", page.status)
	}
	v := loginAs(t, e.srv, "verifier")
	page = v.get("/verification/batches/" + batch)
	if page.status != 200 || !strings.Contains(page.body, "tax.csv") || !strings.Contains(page.body, "18") {
		t.Errorf("batch page: %d", page.status)
	}
	page = v.get("/verification/batches/" + batch + "/rejects.csv")
	if page.status != 200 || !strings.HasPrefix(page.body, "\ufeff") || !strings.Contains(page.body, "\n4,纳税人身份证号: ") || strings.Contains(page.body, "12345") {
		t.Errorf("rejects CSV: %d %q", page.status, page.body)
	}
	page = v.get("/verification")
	if page.status != 200 || !strings.Contains(page.body, "个人所得税收入") || strings.Contains(page.body, "source-form") {
		t.Errorf("catalogue page for the centre: %d", page.status)
	}
	if page := loginAs(t, e.srv, "admin").get("/verification"); !strings.Contains(page.body, "source-form") {
		t.Errorf("an administrator has no form to add a source")
	}

	// A form post of a file with a wrong delimiter comes back to the
	// source page with the reason, nothing imported.
	page = v.sendMultipart("/verification/sources/vehicle/imports", map[string][]string{},
		filePart{field: "file", name: "veh.csv", contentType: "text/csv", data: []byte("id_number;plate;value;valid_from\n" + head + ";粤A1;1;2020-01-01\n")})
	if page.status != http.StatusSeeOther {
		t.Fatalf("vehicle import: %d %s", page.status, page.body)
	}
	e.s.WaitImports()
	page = v.get(page.location)
	if !strings.Contains(page.body, "applied") && !strings.Contains(page.body, "已生效") {
		t.Errorf("a semicolon file: %s", section(page.body, "batch"))
	}
	page = v.sendMultipart("/verification/sources/vehicle/imports", map[string][]string{"as_of": {"2999-01-01"}},
		filePart{field: "file", name: "veh2.csv", contentType: "text/csv", data: []byte("x")})
	if page.status != http.StatusUnprocessableEntity || !strings.Contains(page.body, "2999-01-01") {
		t.Errorf("a future as-of date: %d", page.status)
	}
}

func TestUIHouseholdVerification(t *testing.T) {
	e := newVerifyEnv(t)
	adult := idcard.Make("440103", civil.D(1980, 5, 6), 51)
	h := &registry.Household{RegionCode: e.town, Address: "多宝路2号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "林一", IDNumber: adult}},
		{Relationship: registry.RelSpouse, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "林二", IDNumber: idcard.Make("440103", civil.D(1982, 5, 6), 62)}},
		{Relationship: registry.RelChild, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "林小", IDNumber: idcard.Make("440103", civil.D(2016, 5, 6), 73)}},
	}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	hid := itoa(h.ID)
	page := "/households/" + hid + "/verification"
	c := loginAs(t, e.srv, "town1")
	r := c.get("/households/" + hid)
	mustContain(t, r, `href="/households/`+hid+`/verification"`)
	r = c.get(page)
	mustContain(t, r, `id="no-authorisation"`, `id="authorisation-form"`, "林小 由监护人代签")
	if strings.Contains(r.body, `id="verify-form"`) {
		t.Error("a township caseworker is offered to run the verification")
	}
	ids := map[string]string{}
	for _, m := range h.Members {
		ids[m.Person.Name] = itoa(m.Person.ID)
	}
	// The spouse did not sign: refused, saying who is missing.
	r = c.sendMultipart("/households/"+hid+"/authorisations", map[string][]string{"signed_on": {"2025-09-21"}, "signed." + ids["林一"]: {"1"},
		"guardian." + ids["林小"]: {ids["林一"]}}, filePart{field: "scan", name: "授权书.pdf", contentType: "application/pdf", data: samplePDF})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "未签署：林二") {
		t.Fatalf("unsigned spouse: %d\n%s", r.status, section(r.body, "authorisations"))
	}
	r = c.sendMultipart("/households/"+hid+"/authorisations", map[string][]string{"signed_on": {"2025-09-21"}, "signed." + ids["林一"]: {"1"},
		"signed." + ids["林二"]: {"1"}, "guardian." + ids["林小"]: {ids["林一"]}, "scope[]": {"tax", "vehicle"}},
		filePart{field: "scan", name: "授权书.pdf", contentType: "application/pdf", data: samplePDF})
	if r.status != http.StatusSeeOther {
		t.Fatalf("authorisation: %d\n%s", r.status, section(r.body, "authorisations"))
	}
	r = c.get(r.location)
	mustContain(t, r, "授权书已登记。", "2026-09-20", "林一（并作为 林小 的监护人代签）", "个人所得税收入、机动车登记")

	// The county centre verifies from the page and lands on the report.
	v := loginAs(t, e.srv, "verifier")
	r = v.get(page)
	mustContain(t, r, `id="verify-form"`)
	r = v.submit("/households/"+hid+"/verify", url.Values{"application_id": {""}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/verification/reports/") {
		t.Fatalf("verify: %d %s", r.status, section(r.body, "run"))
	}
	r = v.get(r.location)
	mustContain(t, r, "家庭经济状况核对报告", "无：各部门数据与申报一致。", "未授权", "未导入数据")
	r = v.get(page)
	mustContain(t, r, `id="reports"`, "440103-2025-000001")
}

func TestUIVerificationRun(t *testing.T) {
	e := newVerifyEnv(t)
	id := idcard.Make("440103", civil.D(1978, 2, 3), 71)
	h := &registry.Household{RegionCode: e.town, Address: "宝华路3号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "邱一", IDNumber: id}}}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	// A pending Dibao application makes the household part of a run.
	var app map[string]any
	if st := e.json("town1", "POST", "/api/v1/applications", map[string]any{"program": "dibao", "household_id": h.ID,
		"applicant_id": h.Members[0].Person.ID, "channel": "counter"}, &app); st != http.StatusCreated {
		t.Fatalf("application: %d %v", st, app)
	}
	signers := `[{"person_id":` + itoa(h.Members[0].Person.ID) + `}]`
	body, ct := formBody(map[string]string{"signed_on": "2025-09-20", "signers": signers}, "scan", "授权书.pdf", samplePDF)
	if st := e.request("town1", "POST", "/api/v1/households/"+itoa(h.ID)+"/authorisations", body, ct, nil); st != http.StatusCreated {
		t.Fatalf("authorisation: %d", st)
	}
	csv := "id_number,month,income_type,amount,payer\n" + id + ",2025-08,wage,9000,甲\n"
	if b := e.importAndWait("verifier", "tax", "t.csv", []byte(csv), nil); b["status"] != "applied" {
		t.Fatalf("import %v", b)
	}
	v := loginAs(t, e.srv, "verifier")
	r := v.get("/verification/runs")
	mustContain(t, r, `id="run-form"`, `id="no-runs"`)
	r = v.submit("/verification/runs", url.Values{"region": {"440104"}, "as_of": {"2025-09-22"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "不在您的辖区内") {
		t.Errorf("another county: %d", r.status)
	}
	r = v.submit("/verification/runs", url.Values{"region": {"440103"}, "as_of": {"2025-09-22"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/verification/runs/") {
		t.Fatalf("start: %d %s", r.status, section(r.body, "start"))
	}
	e.s.WaitImports()
	r = v.get(r.location)
	mustContain(t, r, "已完成", "认定结论或金额将会变化的家庭", `id="result-`+itoa(h.ID)+`-0"`, "440103-2025-")
	var runs []map[string]any
	e.json("verifier", "GET", "/api/v1/verification/runs", nil, &runs)
	if len(runs) != 1 || runs[0]["changed"].(float64) != 1 || runs[0]["households"].(float64) != 1 {
		t.Errorf("runs: %v", runs)
	}
	var results []map[string]any
	e.json("verifier", "GET", "/api/v1/verification/runs/"+itoa(int64(runs[0]["id"].(float64)))+"/results?changed=true", nil, &results)
	if len(results) != 1 || results[0]["changed"] != true {
		t.Errorf("results: %v", results)
	}
}

func TestAuthorisationWithdrawn(t *testing.T) {
	e := newVerifyEnv(t)
	h := &registry.Household{RegionCode: e.town, Address: "恩宁路9号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "甘一", IDNumber: idcard.Make("440103", civil.D(1966, 6, 6), 17)}}}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	hid := itoa(h.ID)
	body, ct := formBody(map[string]string{"signed_on": "2025-09-10", "signers": `[{"person_id":` + itoa(h.Members[0].Person.ID) + `}]`}, "scan", "a.pdf", samplePDF)
	var a map[string]any
	if st := e.request("town1", "POST", "/api/v1/households/"+hid+"/authorisations", body, ct, &a); st != http.StatusCreated {
		t.Fatalf("authorisation: %d", st)
	}
	aid := itoa(int64(a["id"].(float64)))
	c := loginAs(t, e.srv, "town1")
	r := c.get("/households/" + hid + "/verification")
	mustContain(t, r, `id="revoke-form-`+aid+`"`)
	r = c.submit("/authorisations/"+aid+"/revoke", url.Values{"revoked_on": {"2025-09-01"}, "reason": {""}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "早于签署日期") || !strings.Contains(r.body, "请说明撤回方式") {
		t.Fatalf("a bad withdrawal: %d", r.status)
	}
	r = c.submit("/authorisations/"+aid+"/revoke", url.Values{"revoked_on": {"2025-09-21"}, "reason": {"户主书面声明撤回"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("withdrawal: %d %s", r.status, section(r.body, "authorisations"))
	}
	r = c.get(r.location)
	mustContain(t, r, "已登记撤回", "已于 2025-09-21 撤回", "户主书面声明撤回", `id="no-authorisation"`)
	var apiErr struct {
		Error struct{ Message, Field string }
	}
	if st := e.json("verifier", "POST", "/api/v1/households/"+hid+"/verify", nil, &apiErr); st != http.StatusUnprocessableEntity || !strings.Contains(apiErr.Error.Message, "撤回") {
		t.Errorf("verify after the withdrawal: %d %+v", st, apiErr)
	}
	if st := e.json("town1", "POST", "/api/v1/authorisations/"+aid+"/revoke", map[string]any{"revoked_on": "2025-09-22", "reason": "again"}, &apiErr); st != http.StatusConflict {
		t.Errorf("withdrawn twice: %d", st)
	}
}
