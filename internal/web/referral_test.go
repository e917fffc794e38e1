package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/referral"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// referralEnv is verifyEnv with a second township's caseworker, two
// partners of the county (the disabled persons' federation and a charity)
// and one of the neighbouring county, and a household of the first
// township. The deadline parameters are not set: setParams sets them.
type referralEnv struct {
	*verifyEnv
	h                        *registry.Household
	canlian, charity, yuexiu *referral.Partner
}

func newReferralEnv(t *testing.T) *referralEnv {
	t.Helper()
	e := &referralEnv{verifyEnv: newVerifyEnv(t)}
	hash, _ := auth.HashPassword(uiPassword)
	town2 := region.Embedded().Children("440103")[1].Code
	for _, u := range []auth.User{
		{Username: "town2", DisplayName: "李经办", Role: auth.TownshipCaseworker, Region: town2, PasswordHash: hash},
		{Username: "supervisor", DisplayName: "周科长", Role: auth.Supervisor, Region: "4401", PasswordHash: hash},
	} {
		if err := e.db.CreateUser(verifyCtx, &u); err != nil {
			t.Fatal(err)
		}
		tok, err := e.s.Auth.IssueToken(verifyCtx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Username] = tok
	}
	e.h = &registry.Household{RegionCode: e.town, Address: "多宝路8号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "何一", IDNumber: idcard.Make("440103", civil.D(1968, 3, 4), 51), Phone: "13900001111"}},
		{Relationship: registry.RelChild, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "何小", IDNumber: idcard.Make("440103", civil.D(2012, 5, 6), 52)}},
	}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, e.h); err != nil {
		t.Fatal(err)
	}
	e.yuexiu = &referral.Partner{Name: "越秀区慈善会", Kind: referral.KindCharity, Region: "440104", Needs: referral.Needs, Active: true}
	if err := e.db.CreatePartner(verifyCtx, e.yuexiu); err != nil {
		t.Fatal(err)
	}
	e.canlian, e.charity = &referral.Partner{}, &referral.Partner{}
	// The county adds its partners through the API.
	if st := e.json("county", "POST", "/api/v1/partners", map[string]any{"name": "荔湾区残联", "kind": "disabled_fed", "region": "440103",
		"needs": []string{"disability", "care"}, "contact": "林干事", "phone": "13800002222", "active": true}, e.canlian); st != http.StatusCreated {
		t.Fatalf("add partner: %d", st)
	}
	if st := e.json("county", "POST", "/api/v1/partners", map[string]any{"name": "荔湾区慈善会", "kind": "charity", "region": "440103",
		"needs": []string{"charity", "care"}, "active": true}, e.charity); st != http.StatusCreated {
		t.Fatalf("add partner: %d", st)
	}
	return e
}

// setParams sets the county's referral deadlines, as its approver does.
func (e *referralEnv) setParams() {
	e.t.Helper()
	for k, v := range map[string]string{"referral.accept_wd": "3", "referral.result_wd": "10"} {
		if st := e.json("county", "POST", "/api/v1/parameters", map[string]string{"key": k, "region": "440103", "valid_from": "2020-01-01",
			"value": v, "source": "test", "reason": "the county's rules"}, nil); st != http.StatusCreated {
			e.t.Fatalf("parameter %s: %d", k, st)
		}
	}
}

// partnerLogin creates a login for partner p through the API and returns
// its username, with an API token in e.tokens.
func (e *referralEnv) partnerLogin(p *referral.Partner, username string) {
	e.t.Helper()
	if st := e.json("county", "POST", "/api/v1/partners/"+itoa(p.ID)+"/logins",
		map[string]string{"username": username, "password": uiPassword}, nil); st != http.StatusCreated {
		e.t.Fatalf("login for %s: %d", p.Name, st)
	}
	var tok struct{ Token string }
	if st := e.json("county", "POST", "/api/v1/partners/"+itoa(p.ID)+"/tokens", map[string]string{"username": username, "name": "case system"}, &tok); st != http.StatusCreated || tok.Token == "" {
		e.t.Fatalf("token for %s: %d", p.Name, st)
	}
	e.tokens[username] = tok.Token
}

// send refers the household as town1 and returns the status and answer.
func (e *referralEnv) send(body map[string]any) (int, map[string]any) {
	e.t.Helper()
	var out map[string]any
	st := e.json("town1", "POST", "/api/v1/households/"+itoa(e.h.ID)+"/referrals", body, &out)
	return st, out
}

func (e *referralEnv) body(partner int64, needs ...string) map[string]any {
	return map[string]any{"partner_id": partner, "needs": needs, "note": "需要轮椅和照护",
		"consent": map[string]any{"person_id": e.h.Members[0].Person.ID, "on": "2025-09-20", "method": "signed_form"}}
}

func refusal(t *testing.T, st int, out map[string]any, wantField string, want ...string) {
	t.Helper()
	e, _ := out["error"].(map[string]any)
	if st != http.StatusUnprocessableEntity || e == nil || e["field"] != wantField {
		t.Fatalf("got %d %v, want 422 on %s", st, out, wantField)
	}
	for _, w := range want {
		if !strings.Contains(e["message"].(string), w) {
			t.Errorf("message %q lacks %q", e["message"], w)
		}
	}
}

func TestReferralRefusals(t *testing.T) {
	e := newReferralEnv(t)
	// No deadline parameters: refused, naming the parameter.
	st, out := e.send(e.body(e.canlian.ID, "disability"))
	refusal(t, st, out, "parameters.referral.accept_wd", "referral.accept_wd")
	e.setParams()
	// A partner outside its region: the message names both regions.
	st, out = e.send(e.body(e.yuexiu.ID, "charity"))
	refusal(t, st, out, "partner_id", "越秀区", "440104", region.Embedded().Children("440103")[0].Name)
	// A need the partner does not serve.
	st, out = e.send(e.body(e.canlian.ID, "disability", "legal_aid"))
	refusal(t, st, out, "needs", "法律援助", "荔湾区残联")
	// No consent.
	b := e.body(e.canlian.ID, "disability")
	b["consent"] = map[string]any{}
	st, out = e.send(b)
	refusal(t, st, out, "consent.person_id")
	// The child cannot consent.
	b["consent"] = map[string]any{"person_id": e.h.Members[1].Person.ID, "on": "2025-09-20", "method": "signed_form"}
	st, out = e.send(b)
	refusal(t, st, out, "consent.person_id", "何小")
	// A warning that is not the household's.
	b = e.body(e.canlian.ID, "disability")
	b["warning_id"] = 12345
	st, out = e.send(b)
	refusal(t, st, out, "warning_id")
	// An inactive partner.
	p, _ := e.db.Partner(verifyCtx, e.charity.ID)
	p.Active = false
	if st := e.json("county", "PUT", "/api/v1/partners/"+itoa(p.ID), p, nil); st != http.StatusOK {
		t.Fatalf("deactivate: %d", st)
	}
	st, out = e.send(e.body(e.charity.ID, "charity"))
	refusal(t, st, out, "partner_id", "荔湾区慈善会")
	// The partner's update with the old version is refused.
	if st := e.json("county", "PUT", "/api/v1/partners/"+itoa(p.ID), p, nil); st != http.StatusConflict {
		t.Errorf("stale partner update: %d, want 409", st)
	}
}

func TestReferralPartnerFlow(t *testing.T) {
	e := newReferralEnv(t)
	e.setParams()
	e.partnerLogin(e.canlian, "canlian")
	e.partnerLogin(e.charity, "cishan")

	// Roles: the verification centre has no referrals; a township
	// caseworker keeps no directory; a partner's token reads no staff list.
	for _, c := range []struct{ user, method, path string }{
		{"verifier", "GET", "/api/v1/referrals"},
		{"town1", "POST", "/api/v1/partners"},
		{"canlian", "GET", "/api/v1/referrals"},
		{"canlian", "GET", "/api/v1/households/" + itoa(e.h.ID)},
		{"town1", "GET", "/api/v1/partner/referrals"},
	} {
		if st := e.json(c.user, c.method, c.path, map[string]any{}, nil); st != http.StatusForbidden {
			t.Errorf("%s %s as %s: got %d, want 403", c.method, c.path, c.user, st)
		}
	}
	// A county approver cannot add a partner of another county.
	var out map[string]any
	st := e.json("county", "POST", "/api/v1/partners", map[string]any{"name": "天河区残联", "kind": "disabled_fed", "region": "440106",
		"needs": []string{"disability"}, "active": true}, &out)
	refusal(t, st, out, "region")
	// The supervisor sees the contact's phone masked.
	var ps []referral.Partner
	e.json("supervisor", "GET", "/api/v1/partners", nil, &ps)
	for _, p := range ps {
		if p.ID == e.canlian.ID && p.Phone != "138****2222" {
			t.Errorf("the supervisor sees the phone %q", p.Phone)
		}
	}

	st, sent := e.send(e.body(e.canlian.ID, "disability", "care"))
	if st != http.StatusCreated || sent["status"] != "sent" || sent["accept_due"] != "2025-09-25" {
		t.Fatalf("send: %d %v", st, sent)
	}
	id := itoa(int64(sent["id"].(float64)))

	// The partner sees it, the household's ID numbers masked.
	var mine []map[string]any
	if st := e.json("canlian", "GET", "/api/v1/partner/referrals", nil, &mine); st != 200 || len(mine) != 1 {
		t.Fatalf("partner's list: %d %v", st, mine)
	}
	var view struct {
		Version   int
		Household struct {
			Members []struct {
				IDNumber string `json:"id_number"`
			}
		}
	}
	if st := e.json("canlian", "GET", "/api/v1/partner/referrals/"+id, nil, &view); st != 200 || len(view.Household.Members) != 2 {
		t.Fatalf("partner's referral: %d %+v", st, view)
	}
	if got := view.Household.Members[0].IDNumber; got == e.h.Members[0].Person.IDNumber || !strings.Contains(got, "****") {
		t.Errorf("the partner sees the ID number %q", got)
	}
	// Another partner neither sees it nor acts on it.
	e.json("cishan", "GET", "/api/v1/partner/referrals", nil, &mine)
	if len(mine) != 0 {
		t.Errorf("another partner lists %v", mine)
	}
	for _, c := range []struct{ method, path string }{{"GET", ""}, {"POST", "/accept"}, {"POST", "/decline"}} {
		if st := e.json("cishan", c.method, "/api/v1/partner/referrals/"+id+c.path, map[string]any{"version": 1, "reason": "x"}, nil); st != http.StatusNotFound {
			t.Errorf("another partner %s %s: %d, want 404", c.method, c.path, st)
		}
	}
	// Nor may another township's caseworker.
	if st := e.json("town2", "GET", "/api/v1/referrals/"+id, nil, nil); st != http.StatusNotFound {
		t.Errorf("another township reads it: %d", st)
	}
	// A document of the referral downloads for its partner only.
	doc, ct := formBody(map[string]string{"referral": `{"partner_id":` + itoa(e.canlian.ID) + `,"needs":["care"],"consent":{"person_id":` +
		itoa(e.h.Members[0].Person.ID) + `,"on":"2025-09-21","method":"verbal_witnessed","witness":"村委 王"}}`}, "documents", "同意书.pdf", samplePDF)
	var withDoc referralJSONT
	if st := e.request("town1", "POST", "/api/v1/households/"+itoa(e.h.ID)+"/referrals", doc, ct, &withDoc); st != http.StatusCreated || len(withDoc.Documents) != 1 {
		t.Fatalf("send with a document: %d %+v", st, withDoc)
	}
	docPath := "/api/v1/partner/documents/" + itoa(withDoc.Documents[0].ID)
	if st := e.request("canlian", "GET", docPath, nil, "", nil); st != 200 {
		t.Errorf("the partner downloads its document: %d", st)
	}
	if st := e.request("cishan", "GET", docPath, nil, "", nil); st != http.StatusNotFound {
		t.Errorf("another partner downloads it: %d", st)
	}
	exe, ct := formBody(map[string]string{"referral": `{"partner_id":` + itoa(e.canlian.ID) + `,"needs":["care"],"consent":{"person_id":` +
		itoa(e.h.Members[0].Person.ID) + `,"on":"2025-09-21","method":"signed_form"}}`}, "documents", "scan.pdf", []byte("MZ\x90\x00program"))
	if st := e.request("town1", "POST", "/api/v1/households/"+itoa(e.h.ID)+"/referrals", exe, ct, &out); st != http.StatusUnprocessableEntity ||
		!strings.HasPrefix(out["error"].(map[string]any)["field"].(string), "documents[0]") {
		t.Errorf("a program as a document: %d %v", st, out)
	}

	// Accept, with the version read; the same version again is stale.
	var ref map[string]any
	if st := e.json("canlian", "POST", "/api/v1/partner/referrals/"+id+"/accept", map[string]any{"version": view.Version}, &ref); st != 200 ||
		ref["status"] != "accepted" || ref["result_due"] != "2025-10-11" {
		t.Fatalf("accept: %d %v", st, ref)
	}
	if st := e.json("canlian", "POST", "/api/v1/partner/referrals/"+id+"/accept", map[string]any{"version": view.Version}, nil); st != http.StatusConflict {
		t.Errorf("accept again: %d, want 409", st)
	}
	v := int(ref["version"].(float64))
	if st := e.json("canlian", "POST", "/api/v1/partner/referrals/"+id+"/actions", map[string]any{"version": v, "note": "上门评估"}, &ref); st != 200 {
		t.Fatalf("action: %d %v", st, ref)
	}
	v = int(ref["version"].(float64))
	st = e.json("canlian", "POST", "/api/v1/partner/referrals/"+id+"/result", map[string]any{"version": v}, &out)
	refusal(t, st, out, "result")
	if st := e.json("canlian", "POST", "/api/v1/partner/referrals/"+id+"/result", map[string]any{"version": v, "result": "已配发轮椅"}, &ref); st != 200 || ref["status"] != "done" {
		t.Fatalf("result: %d %v", st, ref)
	}
	// The township sees it done, with its log.
	var got referralJSONT
	if st := e.json("town1", "GET", "/api/v1/referrals/"+id, nil, &got); st != 200 || got.Status != "done" || got.Result != "已配发轮椅" || len(got.Actions) != 4 {
		t.Errorf("the township's view: %d %+v", st, got)
	}
	// A decline needs its reason.
	st = e.json("canlian", "POST", "/api/v1/partner/referrals/"+itoa(withDoc.ID)+"/decline", map[string]any{"version": 1}, &out)
	refusal(t, st, out, "reason")
}

// referralJSONT is the API's referral as the tests read it.
type referralJSONT struct {
	ID        int64
	Status    string
	Result    string
	Level     int
	Overdue   bool
	Documents []struct{ ID int64 }
	Actions   []struct{ Kind string }
}

func TestReferralEscalation(t *testing.T) {
	e := newReferralEnv(t)
	e.setParams()
	st, sent := e.send(e.body(e.canlian.ID, "disability"))
	if st != http.StatusCreated {
		t.Fatalf("send: %d %v", st, sent)
	}
	id := itoa(int64(sent["id"].(float64)))
	// Three working days pass without an answer, then one more day: the
	// daily work escalates it to the county approver.
	e.now = e.now.AddDate(0, 0, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.s.RunDaily(ctx); close(done) }()
	var got referralJSONT
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		e.json("county", "GET", "/api/v1/referrals/"+id, nil, &got)
		if got.Level > 0 {
			break
		}
	}
	cancel()
	<-done
	if got.Level != 1 || !got.Overdue || got.Actions[len(got.Actions)-1].Kind != "escalated" {
		t.Fatalf("after the daily work: %+v", got)
	}
	var list []referralJSONT
	if e.json("county", "GET", "/api/v1/referrals?escalated=1", nil, &list); len(list) != 1 {
		t.Errorf("escalated to the county: %v", list)
	}
	if e.json("town1", "GET", "/api/v1/referrals?overdue=1", nil, &list); len(list) != 1 {
		t.Errorf("overdue in the township: %v", list)
	}
	c := loginAs(t, e.srv, "county")
	r := c.get("/referrals?escalated=1")
	mustContain(t, r, "已升级", "逾期", "荔湾区残联", `href="/referrals/`+id+`"`)
	r = c.get("/referrals/" + id)
	mustContain(t, r, "已升级 1 级", "县级审批")
}

func TestReferralPages(t *testing.T) {
	e := newReferralEnv(t)
	e.setParams()
	c := loginAs(t, e.srv, "town1")
	r := c.get("/households/" + itoa(e.h.ID))
	mustContain(t, r, `href="/households/`+itoa(e.h.ID)+`/referrals/new"`)
	r = c.get("/households/" + itoa(e.h.ID) + "/referrals/new?warning=77")
	mustContain(t, r, "荔湾区残联", `name="warning_id" value="77"`, "来自预警 77", "何一")
	if strings.Contains(r.body, "越秀区慈善会") {
		t.Error("the form offers a partner of another county")
	}
	// Sent without consent: the message is beside the field.
	form := map[string]string{"csrf": c.csrf, "partner_id": itoa(e.canlian.ID), "needs": "disability", "consent.on": "2025-09-20", "consent.method": "signed_form"}
	body, ct := formBody(form, "", "", nil)
	req, _ := http.NewRequest("POST", e.srv.URL+"/households/"+itoa(e.h.ID)+"/referrals", body)
	req.Header.Set("Content-Type", ct)
	r = c.do(req)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(fieldMessage(r.body, "consent.person_id"), "同意") {
		t.Fatalf("no consent: %d %q", r.status, fieldMessage(r.body, "consent.person_id"))
	}
	form["consent.person_id"] = itoa(e.h.Members[0].Person.ID)
	form["csrf"] = c.csrf
	body, ct = formBody(form, "documents", "同意书.pdf", samplePDF)
	req, _ = http.NewRequest("POST", e.srv.URL+"/households/"+itoa(e.h.ID)+"/referrals", body)
	req.Header.Set("Content-Type", ct)
	r = c.do(req)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/referrals/") {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, "转介已发送至 荔湾区残联", "残疾人服务", "何一", "书面签字同意", "同意书.pdf", `href="/referral-documents/`)
	r = c.get("/referrals")
	mustContain(t, r, `class="tabs"`, "待接收", e.h.Number)
	// The county's directory, with its add form; a caseworker has none.
	cc := loginAs(t, e.srv, "county")
	r = cc.get("/partners")
	mustContain(t, r, `class="tabs"`, "荔湾区残联", "残疾人联合会", `id="partner-form"`)
	if r = c.get("/partners"); strings.Contains(r.body, `id="partner-form"`) {
		t.Error("a caseworker gets the form that adds partners")
	}
	r = cc.submit("/partners", url.Values{"name": {"荔湾区法律援助中心"}, "kind": {"legal_aid"}, "region": {"440106"}, "needs": {"legal_aid"}, "active": {"1"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(fieldMessage(r.body, "region"), "辖区") {
		t.Errorf("a partner outside the county: %d %q", r.status, fieldMessage(r.body, "region"))
	}
	r = cc.submit("/partners", url.Values{"name": {"荔湾区法律援助中心"}, "kind": {"legal_aid"}, "region": {"440103"}, "needs": {"legal_aid"}, "active": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add partner: %d", r.status)
	}
	partnerPath, _, _ := strings.Cut(r.location, "?")
	r = cc.get(r.location)
	mustContain(t, r, "协作单位已加入名录", "法律援助")
	// A login and a token from the partner's page.
	r = cc.submit(partnerPath+"/logins", url.Values{"username": {"falvyuanzhu"}, "password": {uiPassword}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	r = cc.get(r.location)
	mustContain(t, r, "falvyuanzhu")
	r = cc.submit(partnerPath+"/tokens", url.Values{"username": {"falvyuanzhu"}, "name": {"系统"}})
	mustContain(t, r, `id="token"`, "snt_")
	// The partner's own pages.
	e.partnerLogin(e.charity, "cishan")
	pc := loginAs(t, e.srv, "cishan")
	if r = pc.get("/partner"); r.status != 200 || !strings.Contains(r.body, "id=\"no-referrals\"") {
		t.Errorf("another partner's list: %d", r.status)
	}
	if r = pc.get("/referrals"); r.status != http.StatusForbidden {
		t.Errorf("a partner opens the staff's list: %d", r.status)
	}
}
