package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

// payrollJSON is a payroll as the API answers it.
type payrollJSON struct {
	ID          int64
	County      string
	Program     string
	Month       string
	Status      string
	Households  int64
	Lines       int64
	Regular     int64
	BackPay     int64 `json:"back_pay"`
	Adjustments int64
	Total       int64
	PreparedBy  string `json:"prepared_by"`
	ApprovedBy  string `json:"approved_by"`
	Version     int
	Runs        int
	Percent     int
	Again       bool
	CountyName  string `json:"county_name"`
	LastDiff    *struct {
		NAdded   int64 `json:"n_added"`
		NRemoved int64 `json:"n_removed"`
		NChanged int64 `json:"n_changed"`
	} `json:"last_diff"`
	WouldDiffer *struct {
		NAdded int64 `json:"n_added"`
	} `json:"would_differ"`
}

type payrollLinesJSON struct {
	Items []struct {
		ID           int64
		HouseholdID  int64  `json:"household_id"`
		HouseholdNo  string `json:"household_number"`
		Kind         string
		Amount       int64
		ServiceMonth string `json:"service_month"`
		Explained    string
		BankAccount  string `json:"bank_account"`
	}
	Next *int64
}

// payrollEnv is an API environment with the county's two approvers
// (county prepares, county2 checks) and an approver of another county.
func payrollEnv(t *testing.T) *apiEnv {
	t.Helper()
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	e.addUser("county2", auth.CountyApprover, "440103")
	e.addUser("other", auth.CountyApprover, "440104")
	e.addUser("auditor", auth.Auditor, "440103")
	return e
}

// waitPayroll polls a payroll until it is no longer generating.
func waitPayroll(t *testing.T, e *apiEnv, user string, id int64) payrollJSON {
	t.Helper()
	var p payrollJSON
	for range 200 {
		if code := e.do(user, "GET", "/api/v1/payrolls/"+itoa(id), nil, &p); code != http.StatusOK {
			t.Fatalf("payroll %d: %d", id, code)
		}
		if p.Status != "generating" {
			return p
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("payroll %d still generating: %+v", id, p)
	return p
}

// generate asks for a payroll and waits for it.
func generate(t *testing.T, e *apiEnv, user string, month civil.Month) payrollJSON {
	t.Helper()
	var p payrollJSON
	var ae apiError
	code := e.do(user, "POST", "/api/v1/payrolls", map[string]any{"county": "440103", "program": "dibao", "month": month.String()}, &p)
	if code != http.StatusAccepted {
		e.do(user, "POST", "/api/v1/payrolls", map[string]any{"county": "440103", "program": "dibao", "month": month.String()}, &ae)
		t.Fatalf("generate %s: %d %+v", month, code, ae)
	}
	return waitPayroll(t, e, user, p.ID)
}

func TestAPIPayroll(t *testing.T) {
	e := payrollEnv(t)
	hid, _ := approveViaCounty(t, e, 71) // Dibao of 500.00 a month from next month
	month := civil.Today().MonthOf().Add(1)

	// Roles and validation before anything is generated.
	if code := e.do("town1", "GET", "/api/v1/payrolls", nil, nil); code != http.StatusForbidden {
		t.Errorf("a township caseworker lists payrolls: %d", code)
	}
	if code := e.do("super", "POST", "/api/v1/payrolls", map[string]any{"county": "440103", "month": month.String()}, nil); code != http.StatusForbidden {
		t.Errorf("a supervisor generates: %d", code)
	}
	var ae apiError
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"ErrMonth", map[string]any{"county": "440103", "program": "dibao", "month": "2026-13"}, "month"},
		{"ErrNoMonth", map[string]any{"county": "440103", "program": "dibao"}, "month"},
		{"ErrOneOffProgram", map[string]any{"county": "440103", "program": "linshi", "month": month.String()}, "program"},
		{"ErrUnknownProgram", map[string]any{"county": "440103", "program": "bogus", "month": month.String()}, "program"},
		{"ErrOtherCounty", map[string]any{"county": "440104", "program": "dibao", "month": month.String()}, "county"},
		{"ErrUnknownField", map[string]any{"county": "440103", "mnth": month.String()}, "mnth"},
	} {
		ae = apiError{}
		if code := e.do("county", "POST", "/api/v1/payrolls", c.body, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != c.field {
			t.Errorf("%s: got %d %+v, want 422 at %s", c.name, code, ae, c.field)
		}
	}
	if code := e.do("county", "GET", "/api/v1/payrolls?month=soon", nil, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != "month" {
		t.Errorf("list with a bad month: %d %+v", code, ae)
	}

	// Generate: the household's line explains its amount.
	p := generate(t, e, "county", month)
	if p.Status != "prepared" || p.Households != 1 || p.Regular != 50000 || p.Total != 50000 || p.PreparedBy != "county" || p.Percent != 100 || p.Runs != 1 {
		t.Fatalf("generated: %+v", p)
	}
	id := itoa(p.ID)
	var lines payrollLinesJSON
	if code := e.do("county", "GET", "/api/v1/payrolls/"+id+"/lines", nil, &lines); code != http.StatusOK || len(lines.Items) != 1 ||
		lines.Items[0].HouseholdID != hid || lines.Items[0].Kind != "regular" || lines.Items[0].ServiceMonth != month.String() ||
		!strings.Contains(lines.Items[0].Explained, "500.00") {
		t.Fatalf("lines: %d %+v", code, lines)
	}
	if code := e.do("county", "GET", "/api/v1/payrolls/"+id+"/lines?kind=bonus", nil, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != "kind" {
		t.Errorf("lines of an unknown kind: %d %+v", code, ae)
	}
	if code := e.do("super", "GET", "/api/v1/payrolls/"+id+"/lines?reveal=true", nil, &ae); code != http.StatusForbidden {
		t.Errorf("a supervisor unmasks bank accounts: %d", code)
	}

	// Jurisdiction: the other county's approver finds nothing.
	var list struct{ Items []payrollJSON }
	if code := e.do("other", "GET", "/api/v1/payrolls/"+id, nil, nil); code != http.StatusNotFound {
		t.Errorf("another county reads the payroll: %d", code)
	}
	if code := e.do("other", "GET", "/api/v1/payrolls/"+id+"/lines", nil, nil); code != http.StatusNotFound {
		t.Errorf("another county reads the lines: %d", code)
	}
	if code := e.do("other", "GET", "/api/v1/payrolls", nil, &list); code != http.StatusOK || len(list.Items) != 0 {
		t.Errorf("another county's list: %d %+v", code, list)
	}
	if code := e.do("other", "GET", "/api/v1/payrolls?county=440103", nil, &list); code != http.StatusOK || len(list.Items) != 0 {
		t.Errorf("another county's list of this county: %d %+v", code, list)
	}
	if code := e.do("other", "POST", "/api/v1/payrolls/"+id+"/approve", map[string]any{"version": p.Version}, nil); code != http.StatusNotFound {
		t.Errorf("another county approves: %d", code)
	}
	if code := e.do("super", "GET", "/api/v1/payrolls?county=440103&program=dibao&month="+month.String(), nil, &list); code != http.StatusOK ||
		len(list.Items) != 1 || list.Items[0].CountyName == "" {
		t.Errorf("the city's supervisor: %d %+v", code, list)
	}

	// A second approval in the county, then a re-run shows the difference.
	approveViaCounty(t, e, 73)
	var again payrollJSON
	if code := e.do("county2", "POST", "/api/v1/payrolls", map[string]any{"county": "440103", "program": "dibao", "month": month.String()}, &again); code != http.StatusAccepted {
		t.Fatalf("re-run: %d", code)
	}
	p = waitPayroll(t, e, "county", p.ID)
	if p.Runs != 2 || p.Households != 2 || p.Total != 100000 || p.LastDiff == nil || p.LastDiff.NAdded != 1 || p.LastDiff.NRemoved != 0 || p.PreparedBy != "county2" {
		t.Fatalf("re-run: %+v", p)
	}

	// Maker-checker: county2 generated it last, so county2 may not approve;
	// county (who did not) may.
	if code := e.do("county2", "POST", "/api/v1/payrolls/"+id+"/approve", map[string]any{"version": p.Version}, &ae); code != http.StatusForbidden ||
		!strings.Contains(ae.Error.Message, "须由另一名有审核权限的人员审核") {
		t.Errorf("self-approval: %d %+v", code, ae)
	}
	if code := e.do("auditor", "POST", "/api/v1/payrolls/"+id+"/approve", map[string]any{"version": p.Version}, nil); code != http.StatusForbidden {
		t.Errorf("an auditor approves: %d", code)
	}
	if code := e.do("county", "POST", "/api/v1/payrolls/"+id+"/approve", map[string]any{"version": p.Version - 1}, &ae); code != http.StatusConflict {
		t.Errorf("a stale version: %d %+v", code, ae)
	}
	var approved payrollJSON
	if code := e.do("county", "POST", "/api/v1/payrolls/"+id+"/approve", map[string]any{"version": p.Version}, &approved); code != http.StatusOK ||
		approved.Status != "approved" || approved.ApprovedBy != "county" {
		t.Fatalf("approve: %d %+v", code, approved)
	}

	// Locked: approving again conflicts; generating again changes nothing
	// and says what would differ.
	if code := e.do("county2", "POST", "/api/v1/payrolls/"+id+"/approve", map[string]any{"version": approved.Version}, &ae); code != http.StatusConflict {
		t.Errorf("approve twice: %d %+v", code, ae)
	}
	approveViaCounty(t, e, 75)
	if code := e.do("county", "POST", "/api/v1/payrolls", map[string]any{"county": "440103", "program": "dibao", "month": month.String()}, &again); code != http.StatusOK ||
		!again.Again || again.Status != "approved" || again.Total != 100000 || again.WouldDiffer == nil || again.WouldDiffer.NAdded != 1 {
		t.Fatalf("generate an approved payroll: %d %+v", code, again)
	}

	// A correction: validated by field, then carried by next month's payroll.
	adj := "/api/v1/payrolls/" + id + "/adjustments"
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"ErrNoReason", map[string]any{"household_id": hid, "amount": -5000, "reason": " "}, "reason"},
		{"ErrZero", map[string]any{"household_id": hid, "amount": 0, "reason": "x"}, "amount"},
		{"ErrNoHousehold", map[string]any{"amount": 100, "reason": "x"}, "household_id"},
		{"ErrUnknownHousehold", map[string]any{"household_id": 999999, "amount": 100, "reason": "x"}, "household_id"},
		{"ErrMonth", map[string]any{"household_id": hid, "amount": 100, "reason": "x", "service_month": "July"}, "service_month"},
		{"ErrAmountType", map[string]any{"household_id": hid, "amount": "12.50", "reason": "x"}, "amount"},
	} {
		ae = apiError{}
		if code := e.do("county", "POST", adj, c.body, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != c.field {
			t.Errorf("%s: got %d %+v, want 422 at %s", c.name, code, ae, c.field)
		}
	}
	if code := e.do("auditor", "POST", adj, map[string]any{"household_id": hid, "amount": -5000, "reason": "x"}, nil); code != http.StatusForbidden {
		t.Errorf("an auditor records a correction: %d", code)
	}
	if code := e.do("other", "POST", adj, map[string]any{"household_id": hid, "amount": -5000, "reason": "x"}, nil); code != http.StatusNotFound {
		t.Errorf("another county records a correction: %d", code)
	}
	var a map[string]any
	if code := e.do("county", "POST", adj, map[string]any{"household_id": hid, "amount": -5000, "reason": "多发追回", "service_month": month.String()}, &a); code != http.StatusCreated ||
		a["reason"] != "多发追回" || a["from_payroll_id"].(float64) != float64(p.ID) {
		t.Fatalf("correction: %d %v", code, a)
	}
	var pending struct{ Items []map[string]any }
	if code := e.do("county", "GET", "/api/v1/adjustments?pending=1", nil, &pending); code != http.StatusOK || len(pending.Items) != 1 {
		t.Errorf("pending corrections: %d %+v", code, pending)
	}
	if code := e.do("other", "GET", "/api/v1/adjustments", nil, &pending); code != http.StatusOK || len(pending.Items) != 0 {
		t.Errorf("another county's corrections: %d %+v", code, pending)
	}
	next := generate(t, e, "county", month.Add(1))
	// The third household, approved after the first payroll was, is paid
	// its first month back.
	if next.Households != 3 || next.Regular != 3*50000 || next.BackPay != 50000 || next.Adjustments != -5000 || next.Total != 4*50000-5000 {
		t.Fatalf("next month: %+v", next)
	}
	e.do("county", "GET", "/api/v1/payrolls/"+itoa(next.ID)+"/lines?kind=back_pay", nil, &lines)
	if len(lines.Items) != 1 || lines.Items[0].ServiceMonth != month.String() || !strings.Contains(lines.Items[0].Explained, "补发 "+month.String()) {
		t.Errorf("the back pay line: %+v", lines)
	}
	e.do("county", "GET", "/api/v1/payrolls/"+itoa(next.ID)+"/lines?kind=adjustment", nil, &lines)
	if len(lines.Items) != 1 || lines.Items[0].Amount != -5000 || !strings.Contains(lines.Items[0].Explained, "多发追回") {
		t.Errorf("the correction's line: %+v", lines)
	}
	if code := e.do("county", "GET", "/api/v1/adjustments?pending=1", nil, &pending); code != http.StatusOK || len(pending.Items) != 0 {
		t.Errorf("pending after it was carried: %d %+v", code, pending)
	}
}

func TestUIPayroll(t *testing.T) {
	e := payrollEnv(t)
	hid, _ := approveViaCounty(t, e, 81)
	month := civil.Today().MonthOf().Add(1)

	town := loginAs(t, e.srv, "town1")
	if r := town.get("/payrolls"); r.status != http.StatusForbidden {
		t.Errorf("a township caseworker opens the payrolls: %d", r.status)
	}
	if strings.Contains(town.get("/").body, `href="/payrolls"`) {
		t.Error("the township caseworker's menu offers the payrolls")
	}

	county := loginAs(t, e.srv, "county")
	r := county.get("/payrolls")
	mustContain(t, r, `href="/payrolls"`, "发放花名册", `id="generate-form"`, `id="no-payrolls"`, "最低生活保障")
	r = county.submit("/payrolls", url.Values{"county": {"440103"}, "program": {"dibao"}, "month": {"2026-13"}})
	if r.status != http.StatusUnprocessableEntity || fieldMessage(r.body, "month") == "" {
		t.Errorf("a bad month: %d %q", r.status, fieldMessage(r.body, "month"))
	}
	r = county.submit("/payrolls", url.Values{"county": {"440103"}, "program": {"dibao"}, "month": {month.String()}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/payrolls/") {
		t.Fatalf("generate: %d %s", r.status, r.body)
	}
	page := r.location
	id := strings.TrimPrefix(page, "/payrolls/")
	var p payrollJSON
	e.do("county", "GET", "/api/v1/payrolls/"+id, nil, &p)
	p = waitPayroll(t, e, "county", p.ID)

	r = county.get(page)
	mustContain(t, r, "待审核", `href="/households/`+itoa(hid)+`"`, "核定金额每月 500.00 元", `id="approve-why"`, "须由另一名有审核权限的人员审核",
		`id="bank-next"`, `href="/payrolls/`+id+`/lines.csv"`, `id="regenerate-form"`)
	if strings.Contains(r.body, `id="approve-form"`) {
		t.Error("the preparer is offered the approval")
	}
	if r := county.submit(page+"/approve", url.Values{"version": {itoa(int64(p.Version))}}); r.status != http.StatusForbidden ||
		!strings.Contains(r.body, "须由另一名有审核权限的人员审核") {
		t.Errorf("self-approval: %d", r.status)
	}

	// The CSV: a byte-order mark, a header, the line.
	csv := county.get(page + "/lines.csv")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.body, "\ufeff") || !strings.Contains(csv.body, "所属月份") ||
		!strings.Contains(csv.body, "500.00") || !strings.Contains(csv.header.Get("Content-Type"), "text/csv") {
		t.Errorf("csv: %d %q", csv.status, csv.body)
	}

	// The other county finds nothing.
	other := loginAs(t, e.srv, "other")
	if r := other.get(page); r.status != http.StatusNotFound {
		t.Errorf("another county opens the payroll: %d", r.status)
	}
	if r := other.get(page + "/lines.csv"); r.status != http.StatusNotFound {
		t.Errorf("another county downloads the lines: %d", r.status)
	}

	// The second approver approves; the payroll is locked.
	checker := loginAs(t, e.srv, "county2")
	r = checker.get(page)
	mustContain(t, r, `id="approve-form"`)
	r = checker.submit(page+"/approve", url.Values{"version": {itoa(int64(p.Version))}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.status, section(r.body, "approval"))
	}
	r = checker.get(r.location)
	mustContain(t, r, "花名册已审核", `id="locked"`, "已锁定", "county2")
	if strings.Contains(r.body, `id="regenerate-form"`) || strings.Contains(r.body, `id="approve-form"`) {
		t.Error("an approved payroll offers regeneration or approval")
	}

	// A correction from a line: errors by field, then recorded.
	var lines payrollLinesJSON
	e.do("county", "GET", "/api/v1/payrolls/"+id+"/lines", nil, &lines)
	lid := itoa(lines.Items[0].ID)
	r = county.get(page + "?correct=" + lid + "&household=" + itoa(hid))
	mustContain(t, r, `id="correction-form"`, `name="line_id" value="`+lid+`"`)
	form := url.Values{"line_id": {lid}, "household_id": {itoa(hid)}, "service_month": {month.String()}, "amount": {"五十"}, "reason": {""}}
	r = county.submit(page+"/adjustments", form)
	if r.status != http.StatusUnprocessableEntity || fieldMessage(r.body, "amount") == "" || fieldMessage(r.body, "reason") == "" {
		t.Errorf("a bad correction: %d amount %q reason %q", r.status, fieldMessage(r.body, "amount"), fieldMessage(r.body, "reason"))
	}
	form.Set("amount", "-50")
	form.Set("reason", "重复发放，下月扣回")
	r = county.submit(page+"/adjustments", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("correction: %d %s", r.status, section(r.body, "correction"))
	}
	r = county.get(r.location)
	mustContain(t, r, "更正已登记", "重复发放，下月扣回", "-50.00")

	// English on request.
	r = county.get(page + "?lang=en")
	mustContain(t, r, "Payroll "+id, "Locked.", "Decided amount of 500.00 yuan a month")
}
