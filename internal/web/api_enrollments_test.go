package web_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/web"
)

// approveViaCounty files a Dibao application and takes it to approval the
// short way (a proposal to reject sends it to the county, which confirms
// with a reason). It returns the household id.
func approveViaCounty(t *testing.T, e *apiEnv, seq int) (int64, []int64) {
	t.Helper()
	hbody := map[string]any{"region_code": e.towns[0].Code, "address": "荔湾路9号", "hukou_type": "urban",
		"members": []any{member("head", "冯一", civil.D(1960, 1, 1), seq), member("child", "冯二", civil.D(1995, 1, 1), seq+1)}}
	var h struct {
		ID      int64
		Members []struct{ Person struct{ ID int64 } }
	}
	if code := e.do("town1", "POST", "/api/v1/households", hbody, &h); code != 201 {
		t.Fatalf("household: %d", code)
	}
	var v appView
	body := map[string]any{"program": "dibao", "household_id": h.ID, "applicant_id": h.Members[0].Person.ID, "channel": "counter",
		"materials": []string{"application_form", "verification_authorisation"}}
	if code := e.do("town1", "POST", "/api/v1/applications", body, &v); code != 201 {
		t.Fatalf("file: %d", code)
	}
	id := itoa(v.Application.ID)
	steps := []struct {
		user, action string
		in           map[string]any
	}{
		{"town1", "accept", nil},
		{"town1", "record_visit", map[string]any{"visit": map[string]any{"date": civil.Today().String(), "mode": "in_person", "visitors": "甲", "findings": "属实"}}},
		{"town1", "finish_investigation", nil},
		{"town1", "propose", map[string]any{"opinion": "reject", "reason": "收入待县级核实"}},
		{"county", "confirm", map[string]any{"amount": 50000, "reason": "县级核实后认定"}},
	}
	for _, s := range steps {
		in := map[string]any{"version": v.Application.Version}
		for k, x := range s.in {
			in[k] = x
		}
		var ae apiError
		if code := e.do(s.user, "POST", "/api/v1/applications/"+id+"/actions/"+s.action, in, &v); code != 200 {
			e.do(s.user, "POST", "/api/v1/applications/"+id+"/actions/"+s.action, in, &ae)
			t.Fatalf("%s: %d %+v", s.action, code, ae)
		}
	}
	return h.ID, []int64{h.Members[0].Person.ID, h.Members[1].Person.ID}
}

type enrollmentJSON struct {
	ID         int64
	Status     string
	Amount     float64
	StartMonth string `json:"start_month"`
	NextReview string `json:"next_review"`
}

func TestAPIEnrollmentsReviewsAndRefusals(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	hid, members := approveViaCounty(t, e, 41)
	var es []enrollmentJSON
	if code := e.do("town1", "GET", "/api/v1/households/"+itoa(hid)+"/enrollments", nil, &es); code != 200 || len(es) != 1 || es[0].Status != "active" || es[0].NextReview == "" {
		t.Fatalf("enrollments: %d %+v", code, es)
	}
	if code := e.do("town2", "GET", "/api/v1/households/"+itoa(hid)+"/enrollments", nil, &es); code != 404 {
		t.Fatalf("another township: %d", code)
	}
	eid := itoa(es[0].ID)

	// A change report opens a review; a second one conflicts with it.
	var ae apiError
	if code := e.do("town1", "POST", "/api/v1/enrollments/"+eid+"/reviews", map[string]any{"trigger": "change_report"}, &ae); code != 422 || ae.Error.Field != "note" {
		t.Fatalf("a change report without a note: %d %+v", code, ae)
	}
	var v appView
	if code := e.do("town1", "POST", "/api/v1/enrollments/"+eid+"/reviews", map[string]any{"trigger": "change_report", "note": "冯二于本月就业"}, &v); code != 201 || v.Application.State != "investigating" {
		t.Fatalf("review: %d %+v", code, v)
	}
	if strings.Contains(strings.Join(v.Allowed, ","), "accept") {
		t.Fatalf("a review offers %v", v.Allowed)
	}
	if code := e.do("town1", "POST", "/api/v1/enrollments/"+eid+"/reviews", map[string]any{"trigger": "other", "note": "举报"}, &ae); code != 409 {
		t.Fatalf("a second open review: %d", code)
	}

	// Refusals count; at the limit no second review opens while one is open.
	var rr struct {
		Consecutive int
		Reached     bool
		ReviewID    int64 `json:"review_id"`
	}
	for i := 1; i <= 3; i++ {
		if code := e.do("town1", "POST", "/api/v1/enrollments/"+eid+"/refusals", map[string]any{"person_id": members[1], "refused": true, "note": "拒绝公益岗位"}, &rr); code != 200 || rr.Consecutive != i {
			t.Fatalf("refusal %d: %d %+v", i, code, rr)
		}
	}
	if !rr.Reached || rr.ReviewID != 0 {
		t.Fatalf("at the limit: %+v", rr)
	}
	if code := e.do("super", "POST", "/api/v1/enrollments/"+eid+"/refusals", map[string]any{"person_id": members[1], "refused": true}, &ae); code != 403 {
		t.Fatalf("a supervisor records a refusal: %d", code)
	}
}

func TestScheduledReviewsOpenByThemselves(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	hid, _ := approveViaCounty(t, e, 61)
	var es []enrollmentJSON
	e.do("town1", "GET", "/api/v1/households/"+itoa(hid)+"/enrollments", nil, &es)
	next, err := civil.ParseDate(es[0].NextReview)
	if err != nil {
		t.Fatal(err)
	}
	s := web.New(e.db, auth.NewService(e.db), slog.New(slog.DiscardHandler))
	if n, err := s.OpenDueReviews(context.Background(), next.AddDays(-1)); err != nil || n != 0 {
		t.Fatalf("before the date: %d %v", n, err)
	}
	if n, err := s.OpenDueReviews(context.Background(), next); err != nil || n != 1 {
		t.Fatalf("on the date: %d %v", n, err)
	}
	if n, _ := s.OpenDueReviews(context.Background(), next); n != 0 {
		t.Fatalf("opened twice: %d", n)
	}
	var list []struct{ State string }
	if code := e.do("town1", "GET", "/api/v1/applications?household_id="+itoa(hid)+"&open=1", nil, &list); code != 200 || len(list) != 1 || list[0].State != "investigating" {
		t.Fatalf("open review: %d %+v", code, list)
	}
	// Withdrawn without a change, it does not open again the next day:
	// that date's review took place.
	var open []struct {
		ID      int64
		Version int
	}
	e.do("town1", "GET", "/api/v1/applications?household_id="+itoa(hid)+"&open=1", nil, &open)
	var got appView
	e.do("town1", "GET", "/api/v1/applications/"+itoa(open[0].ID), nil, &got)
	if code := e.do("town1", "POST", "/api/v1/applications/"+itoa(open[0].ID)+"/actions/withdraw", map[string]any{"version": got.Application.Version, "reason": "误开"}, nil); code != 200 {
		t.Fatalf("withdraw the review: %d", code)
	}
	if n, _ := s.OpenDueReviews(context.Background(), next.AddDays(1)); n != 0 {
		t.Fatalf("a closed review reopened the next day: %d", n)
	}
}
