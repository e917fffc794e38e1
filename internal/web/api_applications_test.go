package web_test

import (
	"strings"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

type appView struct {
	Application struct {
		ID, HouseholdID int64
		State           string
		Version         int
		Due             string
	}
	Allowed      []string
	Missing      []string `json:"missing_materials"`
	WorkdaysLeft *int     `json:"workdays_left"`
	Events       []struct{ Action string }
	Decision     *struct {
		Approved bool
		Reasons  string
	}
}

type apiConflict struct {
	Error struct {
		Code, Message, Field string
		Allowed              []string
	}
}

func TestAPIApplicationWorkflow(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	hid, applicant := e.registerHead("黄一", 21)

	var ae apiError
	if code := e.do("town1", "POST", "/api/v1/applications", map[string]any{"program": "linshi", "household_id": hid, "applicant_id": applicant, "channel": "counter"}, &ae); code != 422 || ae.Error.Field != "kind" {
		t.Fatalf("Linshi without a type: %d %+v", code, ae)
	}
	var v appView
	body := map[string]any{"program": "dibao", "household_id": hid, "applicant_id": applicant, "channel": "counter", "materials": []string{"application_form"}}
	if code := e.do("town1", "POST", "/api/v1/applications", body, &v); code != 201 || v.Application.State != "submitted" || v.Application.Version != 1 {
		t.Fatalf("file: %d %+v", code, v)
	}
	id := itoa(v.Application.ID)
	if len(v.Missing) != 1 || v.Missing[0] != "verification_authorisation" || strings.Join(v.Allowed, ",") != "accept,request_materials,add_materials,withdraw" {
		t.Fatalf("missing %v allowed %v", v.Missing, v.Allowed)
	}
	if code := e.do("town1", "POST", "/api/v1/applications", body, &ae); code != 409 {
		t.Fatalf("a second open Dibao application: %d", code)
	}
	if code := e.do("town2", "GET", "/api/v1/applications/"+id, nil, &ae); code != 404 {
		t.Fatalf("another township: %d", code)
	}

	// Acceptance needs every material; the error names the missing one.
	if code := e.do("town1", "POST", "/api/v1/applications/"+id+"/actions/accept", map[string]any{"version": 1}, &ae); code != 422 || !strings.Contains(ae.Error.Message, "verification_authorisation") {
		t.Fatalf("accept with a material missing: %d %+v", code, ae)
	}
	if code := e.do("town1", "POST", "/api/v1/applications/"+id+"/actions/accept", map[string]any{"version": 1, "materials": []string{"verification_authorisation"}}, &v); code != 200 || v.Application.State != "investigating" || v.WorkdaysLeft == nil || *v.WorkdaysLeft != 30 {
		t.Fatalf("accept: %d %+v", code, v)
	}
	// Someone acting on the old version gets a conflict, not a silent overwrite.
	if code := e.do("town1", "POST", "/api/v1/applications/"+id+"/actions/withdraw", map[string]any{"version": 1, "reason": "x"}, &ae); code != 409 {
		t.Fatalf("stale version: %d", code)
	}
	// An illegal transition lists what is allowed.
	var ce apiConflict
	if code := e.do("county", "POST", "/api/v1/applications/"+id+"/actions/confirm", map[string]any{"version": 2}, &ce); code != 409 || !strings.Contains(strings.Join(ce.Error.Allowed, ","), "record_visit") {
		t.Fatalf("confirm while investigating: %d %+v", code, ce)
	}
	if code := e.do("town2", "POST", "/api/v1/applications/"+id+"/actions/record_visit", map[string]any{"version": 2}, &ae); code != 404 {
		t.Fatalf("another township acts: %d", code)
	}
	visit := map[string]any{"version": 2, "visit": map[string]any{"date": civil.Today().String(), "mode": "in_person", "visitors": "黄、李", "findings": "家庭收入高于申报"}}
	if code := e.do("town1", "POST", "/api/v1/applications/"+id+"/actions/record_visit", visit, &v); code != 200 {
		t.Fatalf("visit: %d", code)
	}
	for _, step := range []map[string]any{{"action": "finish_investigation"}, {"action": "propose", "opinion": "reject", "reason": "人均收入高于标准"}} {
		act := step["action"].(string)
		delete(step, "action")
		step["version"] = v.Application.Version
		if code := e.do("town1", "POST", "/api/v1/applications/"+id+"/actions/"+act, step, &v); code != 200 {
			t.Fatalf("%s: %d", act, code)
		}
	}
	if v.Application.State != "county_review" {
		t.Fatalf("after a proposal to reject: %s", v.Application.State)
	}

	// The county's inbox holds it; the township's no longer does.
	var inbox []struct {
		ApplicationID int64 `json:"application_id"`
		Step          string
		ApplicantName string `json:"applicant_name"`
		WorkdaysLeft  *int   `json:"workdays_left"`
	}
	if code := e.do("county", "GET", "/api/v1/inbox", nil, &inbox); code != 200 || len(inbox) != 1 || inbox[0].Step != "county_review" || inbox[0].ApplicantName != "黄一" || inbox[0].WorkdaysLeft == nil {
		t.Fatalf("county inbox: %d %+v", code, inbox)
	}
	if code := e.do("town1", "GET", "/api/v1/inbox", nil, &inbox); code != 200 || len(inbox) != 0 {
		t.Fatalf("township inbox: %d %+v", code, inbox)
	}
	if code := e.do("county", "POST", "/api/v1/applications/"+id+"/actions/reject", map[string]any{"version": v.Application.Version}, &ae); code != 422 || ae.Error.Field != "reason" {
		t.Fatalf("reject without reasons: %d %+v", code, ae)
	}
	if code := e.do("county", "POST", "/api/v1/applications/"+id+"/actions/reject", map[string]any{"version": v.Application.Version, "reason": "家庭人均收入高于当地低保标准"}, &v); code != 200 || v.Decision == nil || v.Decision.Approved || v.Application.State != "rejected" {
		t.Fatalf("reject: %d %+v", code, v)
	}
	if code := e.do("town1", "GET", "/api/v1/inbox", nil, &inbox); len(inbox) != 1 || inbox[0].Step != "deliver_rejection" {
		t.Fatalf("township inbox after rejection: %d %+v", code, inbox)
	}
	var list []struct {
		ID    int64
		State string
	}
	if code := e.do("super", "GET", "/api/v1/applications?state=rejected", nil, &list); code != 200 || len(list) != 1 {
		t.Fatalf("supervisor's list: %d %+v", code, list)
	}
	if code := e.do("super", "POST", "/api/v1/applications/"+id+"/actions/deliver_rejection", map[string]any{"version": v.Application.Version}, &ae); code != 403 {
		t.Fatalf("a supervisor acts: %d", code)
	}
	if len(v.Events) != 6 {
		t.Fatalf("%d events", len(v.Events))
	}
}

func TestAPICrossRegionFiling(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	e.addUser("tianhe", auth.TownshipCaseworker, "440106001") // another county of Guangzhou
	idNumber := member("head", "罗一", civil.D(1958, 3, 3), 81)["person"].(map[string]any)["id_number"].(string)
	hbody := map[string]any{"region_code": e.towns[0].Code, "address": "荔湾路5号", "hukou_type": "urban",
		"members": []any{member("head", "罗一", civil.D(1958, 3, 3), 81)}}
	var h struct{ ID int64 }
	if code := e.do("town1", "POST", "/api/v1/households", hbody, &h); code != 201 {
		t.Fatalf("household: %d", code)
	}
	var ae apiError
	if code := e.do("tianhe", "GET", "/api/v1/households/"+itoa(h.ID), nil, &ae); code != 404 {
		t.Fatalf("the other county sees the household: %d", code)
	}
	body := map[string]any{"program": "disability_subsidy", "kind": "care", "id_number": idNumber, "channel": "residence",
		"materials": []string{"application_form", "verification_authorisation"}}
	var v struct {
		Application struct {
			ID      int64
			Region  string
			FiledIn string `json:"filed_in"`
			State   string
		}
		Allowed []string
	}
	if code := e.do("tianhe", "POST", "/api/v1/applications", body, &v); code != 201 || v.Application.FiledIn != "440106001" || !strings.HasPrefix(v.Application.Region, e.towns[0].Code) {
		t.Fatalf("cross-region filing: %d %+v", code, v)
	}
	if len(v.Allowed) != 0 {
		t.Fatalf("the filing office may act: %v", v.Allowed)
	}
	id := itoa(v.Application.ID)
	// Both offices see it; the responsible township's inbox holds it.
	var inbox []struct {
		ApplicationID int64 `json:"application_id"`
	}
	if code := e.do("town1", "GET", "/api/v1/inbox", nil, &inbox); code != 200 || len(inbox) != 1 || inbox[0].ApplicationID != v.Application.ID {
		t.Fatalf("responsible township's inbox: %d %+v", code, inbox)
	}
	if code := e.do("tianhe", "GET", "/api/v1/applications/"+id, nil, &v); code != 200 {
		t.Fatalf("the filing office lost sight of it: %d", code)
	}
	if code := e.do("town2", "GET", "/api/v1/applications/"+id, nil, &ae); code != 404 {
		t.Fatalf("an unrelated township sees it: %d", code)
	}
	// The hand-off is in the audit trail.
	var audit struct {
		Items []struct {
			Action string
			After  map[string]any
		}
	}
	if code := e.do("county", "GET", "/api/v1/audit?entity=application&entity_id="+id, nil, &audit); code != 200 || len(audit.Items) != 1 ||
		audit.Items[0].Action != "create" || audit.Items[0].After["handed_over_to"] != "440103" {
		t.Fatalf("audit: %d %+v", code, audit)
	}
	if code := e.do("tianhe", "POST", "/api/v1/applications", map[string]any{"program": "dibao", "id_number": "110101199001011234", "channel": "counter"}, &ae); code != 422 || ae.Error.Field != "id_number" {
		t.Fatalf("unregistered or invalid ID number: %d %+v", code, ae)
	}
}
