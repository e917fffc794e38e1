package web_test

import (
	"context"
	"testing"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

// addUser adds a user with an API token to the environment.
func (e *apiEnv) addUser(username string, role auth.Role, regionCode string) {
	e.t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	hash, _ := auth.HashPassword("a long test password")
	u := auth.User{Username: username, Role: role, Region: regionCode, PasswordHash: hash}
	if err := e.db.CreateUser(ctx, &u); err != nil {
		e.t.Fatal(err)
	}
	tok, err := auth.NewService(e.db).IssueToken(ctx, u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[username] = tok
}

type paramValueJSON struct {
	Value      string
	Display    string
	Scope      string
	Region     string
	RegionName string `json:"region_name"`
	ValidFrom  string `json:"valid_from"`
	Source     string
	Reason     string
	Shipped    bool
	By         string
	Applies    bool
}

type paramTreeJSON struct {
	Region string
	Date   string
	Items  []struct {
		Key      string
		Name     string
		Required bool
		Missing  bool
		InForce  *paramValueJSON `json:"in_force"`
	}
	History []paramValueJSON
}

// entry returns the tree's entry for key.
func (tr *paramTreeJSON) entry(t *testing.T, key string) (required, missing bool, v *paramValueJSON) {
	t.Helper()
	for _, it := range tr.Items {
		if it.Key == key {
			return it.Required, it.Missing, it.InForce
		}
	}
	t.Fatalf("no item %s among %d", key, len(tr.Items))
	return
}

func TestAPIParamsList(t *testing.T) {
	e := newAPIEnv(t)
	var tr paramTreeJSON
	if code := e.do("town1", "GET", "/api/v1/parameters?region=110101&date=2025-06-01", nil, &tr); code != 200 {
		t.Fatalf("got %d", code)
	}
	if tr.Region != "110101" || tr.Date != "2025-06-01" || len(tr.Items) < 50 {
		t.Fatalf("got region %q date %q and %d items", tr.Region, tr.Date, len(tr.Items))
	}
	req, missing, v := tr.entry(t, "dibao.standard.urban")
	if !req || missing || v == nil || v.Value != "1395" || v.ValidFrom != "2023-07-01" || v.Scope != "province" || v.Region != "11" ||
		v.RegionName != "北京市" || v.Source == "" || !v.Shipped {
		t.Errorf("Beijing on 2025-06-01: got required %v missing %v %+v, want 1395 from 2023-07-01, province 11", req, missing, v)
	}
	if v != nil && v.Display != "1395.00 元" {
		t.Errorf("display: got %q, want 1395.00 元", v.Display)
	}
	var en paramTreeJSON
	e.do("town1", "GET", "/api/v1/parameters?region=110101&date=2025-06-01&key=dibao.standard.urban&lang=en", nil, &en)
	if _, _, v := en.entry(t, "dibao.standard.urban"); v == nil || v.Display != "1395.00 yuan" {
		t.Errorf("display in English: got %+v, want 1395.00 yuan", v)
	}
	if _, _, v := tr.entry(t, "dibao.method"); v == nil || v.Scope != "national" || v.Region != "" {
		t.Errorf("dibao.method: got %+v, want the national value", v)
	}

	e.do("town1", "GET", "/api/v1/parameters?region=110101&date=2023-01-01", nil, &tr)
	if _, _, v := tr.entry(t, "dibao.standard.urban"); v == nil || v.Value != "1320" || v.ValidFrom != "2022-07-01" {
		t.Errorf("Beijing on 2023-01-01: got %+v, want 1320 from 2022-07-01", v)
	}

	// Nanning has no standard shipped: required, so flagged.
	tr = paramTreeJSON{}
	e.do("town1", "GET", "/api/v1/parameters?region=450102&date=2025-06-01", nil, &tr)
	if req, missing, v := tr.entry(t, "dibao.standard.urban"); !req || !missing || v != nil {
		t.Errorf("450102: got required %v missing %v value %+v, want missing", req, missing, v)
	}
	if _, missing, _ := tr.entry(t, "dibao.tiers"); missing {
		t.Error("an optional parameter without a value is flagged missing")
	}

	// The default region is the jurisdiction, cut to its county.
	tr = paramTreeJSON{}
	e.do("town1", "GET", "/api/v1/parameters", nil, &tr)
	if tr.Region != "440103" || tr.Date != civil.Today().String() {
		t.Errorf("defaults: got region %q date %q, want 440103 and today", tr.Region, tr.Date)
	}
	if _, _, v := tr.entry(t, "dibao.standard.urban"); v == nil || v.Scope != "city" || v.Region != "4401" {
		t.Errorf("440103 today: got %+v, want Guangzhou's value", v)
	}

	// One key's history in a region, the value in force marked.
	tr = paramTreeJSON{}
	e.do("town1", "GET", "/api/v1/parameters?region=110101&date=2023-01-01&key=dibao.standard.urban", nil, &tr)
	if len(tr.Items) != 1 || len(tr.History) < 3 {
		t.Fatalf("history: got %d items and %d values, want 1 and Beijing's 3", len(tr.Items), len(tr.History))
	}
	applies := 0
	for _, h := range tr.History {
		if h.Applies {
			applies++
			if h.Value != "1320" {
				t.Errorf("history: got %q marked in force, want 1320", h.Value)
			}
		}
	}
	if applies != 1 {
		t.Errorf("history: %d values marked in force, want 1", applies)
	}

	var ae apiError
	for _, c := range []struct{ query, field string }{
		{"region=4", "region"}, {"region=440103001", "region"}, {"region=449999", "region"}, {"date=2025-13-01", "date"},
	} {
		if code := e.do("town1", "GET", "/api/v1/parameters?"+c.query, nil, &ae); code != 422 || ae.Error.Field != c.field {
			t.Errorf("?%s: got %d %+v, want 422 at %s", c.query, code, ae, c.field)
		}
	}
	if code := e.do("town1", "GET", "/api/v1/parameters?key=no.such", nil, &ae); code != 404 {
		t.Errorf("unknown key: got %d, want 404", code)
	}
	// Padded codes are read as the division they stand for.
	tr = paramTreeJSON{}
	if code := e.do("town1", "GET", "/api/v1/parameters?region=110000", nil, &tr); code != 200 || tr.Region != "11" {
		t.Errorf("region=110000: got %d region %q, want 11", code, tr.Region)
	}
}

func TestAPIParamsAdd(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	e.addUser("admin", auth.Admin, "")
	today := civil.Today()
	future := today.AddDays(40).String()
	body := func(m map[string]any) map[string]any {
		b := map[string]any{"key": "dibao.standard.urban", "region": "440103", "valid_from": future, "value": "1400",
			"source": "荔湾区民政局关于调整低保标准的通知"}
		for k, v := range m {
			b[k] = v
		}
		return b
	}

	var p struct {
		Key, Region, Value, Source, Reason, By string
		ValidFrom                              string `json:"valid_from"`
		RecordedAt                             string `json:"recorded_at"`
	}
	if code := e.do("county", "POST", "/api/v1/parameters", body(nil), &p); code != 201 {
		t.Fatalf("future value: got %d, want 201", code)
	}
	if p.Key != "dibao.standard.urban" || p.Region != "440103" || p.ValidFrom != future || p.Value != "1400" || p.By != "county" || p.RecordedAt == "" {
		t.Errorf("got %+v", p)
	}
	// In force from its date, not before.
	var tr paramTreeJSON
	e.do("town1", "GET", "/api/v1/parameters?date="+future, nil, &tr)
	if _, _, v := tr.entry(t, "dibao.standard.urban"); v == nil || v.Value != "1400" || v.Scope != "county" || v.Shipped || v.By != "county" {
		t.Errorf("on %s: got %+v, want the county's new value", future, v)
	}
	e.do("town1", "GET", "/api/v1/parameters?date="+today.String(), nil, &tr)
	if _, _, v := tr.entry(t, "dibao.standard.urban"); v == nil || v.Scope != "city" {
		t.Errorf("today: got %+v, want the city's value still", v)
	}

	var ae apiError
	for _, c := range []struct {
		name, user string
		body       map[string]any
		status     int
		field      string
	}{
		{"ErrPastWithoutReason", "county", body(map[string]any{"valid_from": today.AddDays(-3).String()}), 422, "reason"},
		{"ErrBadValue", "county", body(map[string]any{"value": "a lot"}), 422, "value"},
		{"ErrBadDate", "county", body(map[string]any{"valid_from": "2026-02-30"}), 422, "valid_from"},
		{"ErrNoSource", "county", body(map[string]any{"source": " "}), 422, "source"},
		{"ErrUnknownKey", "county", body(map[string]any{"key": "dibao.standard.suburban"}), 422, "key"},
		{"ErrOtherCounty", "county", body(map[string]any{"region": "440104"}), 422, "region"},
		{"ErrCountyToCity", "county", body(map[string]any{"region": "4401"}), 422, "region"},
		{"ErrSupervisorNational", "super", body(map[string]any{"region": ""}), 422, "region"},
		{"ErrSupervisorOtherCity", "super", body(map[string]any{"region": "4402"}), 422, "region"},
		{"ErrNotARegion", "super", body(map[string]any{"region": "440199"}), 422, "region"},
		{"ErrTownship", "super", body(map[string]any{"region": "440103001"}), 422, "region"},
		{"ErrUnknownField", "county", body(map[string]any{"amount": 1}), 422, "amount"},
		{"ErrCaseworker", "town1", body(nil), 403, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ae = apiError{}
			if code := e.do(c.user, "POST", "/api/v1/parameters", c.body, &ae); code != c.status || ae.Error.Field != c.field {
				t.Errorf("got %d %+v, want %d at %q", code, ae, c.status, c.field)
			}
		})
	}

	// A past date with a reason; a supervisor's city value; an
	// administrator's national value.
	for _, c := range []struct {
		user string
		body map[string]any
	}{
		{"county", body(map[string]any{"valid_from": today.AddDays(-3).String(), "reason": "县政府补发决定（2026）3号"})},
		{"super", body(map[string]any{"region": "4401", "key": "marginal.ratio", "value": "1.6"})},
		{"admin", body(map[string]any{"region": "", "key": "workflow.dibao.notice_days", "value": "7"})},
		{"admin", body(map[string]any{"region": "450102", "value": "1000"})},
	} {
		if code := e.do(c.user, "POST", "/api/v1/parameters", c.body, &ae); code != 201 {
			t.Errorf("%s %v: got %d %+v, want 201", c.user, c.body, code, ae)
		}
	}
	// Nanning's standard is no longer missing from its date.
	tr = paramTreeJSON{}
	e.do("town1", "GET", "/api/v1/parameters?region=450102&date="+future, nil, &tr)
	if _, missing, v := tr.entry(t, "dibao.standard.urban"); missing || v == nil || v.Value != "1000" {
		t.Errorf("450102 after an add: got missing %v %+v", missing, v)
	}

	entries, err := e.db.List(context.Background(), audit.Filter{Entity: "parameter"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Fatalf("got %d audit entries, want one per stored value (5)", len(entries))
	}
	users := map[string]int{}
	for _, en := range entries {
		users[en.Username]++
	}
	if users["county"] != 2 || users["super"] != 1 || users["admin"] != 2 {
		t.Errorf("audit entries by user: got %v", users)
	}
}
