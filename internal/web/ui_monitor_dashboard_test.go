package web_test

import (
	"encoding/csv"
	"html"
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/civil"
)

type statsRowJSON struct {
	Key        string
	Name       string
	Total      int64
	Open       int64
	Visited    int64
	Closed     int64
	OnTime     int64    `json:"on_time"`
	Overdue    int64    `json:"overdue"`
	OnTimeRate *float64 `json:"on_time_rate"`
}

type monitorStatsJSON struct {
	Region    string
	From, To  string
	Totals    statsRowJSON
	ByRegion  []statsRowJSON `json:"by_region"`
	ByRule    []statsRowJSON `json:"by_rule"`
	Referrals []struct {
		Region     string
		RegionName string `json:"region_name"`
		Sent       int
		Waiting    int
	}
}

func TestAPIMonitorStats(t *testing.T) {
	c := newChain(t)
	town := c.towns[0].Code
	var st monitorStatsJSON
	if code := c.do("county", "GET", "/api/v1/monitor/stats", nil, &st); code != http.StatusOK {
		t.Fatalf("stats: %d", code)
	}
	today := civil.Today()
	if st.Region != "440103" || st.To != today.String() || st.From != today.AddMonths(-3).String() {
		t.Errorf("region and period: %+v", st)
	}
	if tt := st.Totals; tt.Total != 1 || tt.Closed != 1 || tt.OnTime != 1 || tt.Open != 0 || tt.Overdue != 0 || tt.OnTimeRate == nil || *tt.OnTimeRate != 1 {
		t.Errorf("totals: %+v", tt)
	}
	found := false
	for _, row := range st.ByRegion {
		if row.Key == town {
			found = row.Total == 1 && row.Name == c.towns[0].Name
		} else if row.Total != 0 || row.OnTimeRate != nil {
			t.Errorf("a quiet township: %+v", row)
		}
	}
	if !found || len(st.ByRegion) != len(c.towns) {
		t.Errorf("by region (%d townships): %+v", len(c.towns), st.ByRegion)
	}
	if len(st.ByRule) != 1 || st.ByRule[0].Key != "head_check" || st.ByRule[0].Name != "户主走访" {
		t.Errorf("by rule: %+v", st.ByRule)
	}
	if len(st.Referrals) != 1 || st.Referrals[0].Region != town || st.Referrals[0].Sent != 1 || st.Referrals[0].Waiting != 1 {
		t.Errorf("referrals: %+v", st.Referrals)
	}

	// Drilling down to the township; a period before the warning.
	st = monitorStatsJSON{}
	if c.do("county", "GET", "/api/v1/monitor/stats?region="+town, nil, &st); st.Totals.Total != 1 || len(st.ByRegion) != 1 || st.ByRegion[0].Key != town {
		t.Errorf("the township: %+v", st)
	}
	old := today.AddMonths(-6).String()
	var before monitorStatsJSON
	if c.do("county", "GET", "/api/v1/monitor/stats?from="+old+"&to="+today.AddMonths(-5).String(), nil, &before); before.Totals.Total != 0 || before.Referrals == nil || len(before.Referrals) != 0 {
		t.Errorf("an earlier period: %+v", before)
	}

	// Bad input and jurisdiction.
	for _, tc := range []struct{ user, query, field string }{
		{"county", "region=440104", "region"},
		{"town2", "region=" + town, "region"},
		{"county", "region=44010x", "region"},
		{"county", "from=2025-13-01", "from"},
		{"county", "to=yesterday", "to"},
		{"county", "from=" + today.String() + "&to=" + old, "from"},
	} {
		var ae apiError
		if code := c.do(tc.user, "GET", "/api/v1/monitor/stats?"+tc.query, nil, &ae); code != http.StatusUnprocessableEntity || ae.Error.Field != tc.field || ae.Error.Message == "" {
			t.Errorf("%s ?%s: %d %+v", tc.user, tc.query, code, ae)
		}
	}
	var other monitorStatsJSON
	if c.do("town2", "GET", "/api/v1/monitor/stats", nil, &other); other.Totals.Total != 0 || other.Region != c.towns[1].Code {
		t.Errorf("another township's own: %+v", other)
	}
	if code := c.do("hotline", "GET", "/api/v1/monitor/stats", nil, nil); code != http.StatusForbidden {
		t.Errorf("a hotline operator: %d", code)
	}
}

func TestUIMonitorDashboard(t *testing.T) {
	c := newChain(t)
	town := c.towns[0].Code
	county := loginAs(t, c.srv, "county")
	r := county.get("/monitor/dashboard")
	from, to := civil.Today().AddMonths(-3).String(), civil.Today().String()
	drill := "/monitor/dashboard?region=" + town + "&from=" + from + "&to=" + to
	mustContain(t, r, `href="/monitor/dashboard"`, `id="kpi-total">1<`, `id="kpi-rate">100%<`, `id="region-`+town+`"`, html.EscapeString(drill),
		`id="rule-head_check"`, "户主走访", `id="referrals-`+town+`"`, `id="csv-regions"`, `class="stack-bar"`, `aria-hidden="true"`)
	r = county.get(drill)
	mustContain(t, r, `id="up"`, "返回", c.towns[0].Name, `id="kpi-total">1<`)
	r = county.get("/monitor/dashboard?from=2025-02-30")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-from-err"`) {
		t.Errorf("a bad date: %d", r.status)
	}
	r = county.get("/monitor/dashboard?region=440104")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "不在您的管辖范围") {
		t.Errorf("another county: %d", r.status)
	}

	// The tables as CSV.
	r = county.get("/monitor/dashboard.csv?table=regions&from=" + from + "&to=" + to)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != len(c.towns)+2 || rows[0][2] != "预警" {
		t.Fatalf("csv rows %v, %v", rows, err)
	}
	for _, row := range rows {
		if row[0] == town && (row[2] != "1" || row[5] != "1" || row[7] != "100.0") {
			t.Errorf("the township's row: %v", row)
		}
	}
	if r := county.get("/monitor/dashboard.csv?table=referrals"); r.status != http.StatusOK || !strings.Contains(r.body, town+","+c.towns[0].Name+",1,1,0,0,0,0") {
		t.Errorf("referrals csv: %d %s", r.status, r.body)
	}
	if r := county.get("/monitor/dashboard.csv?table=people"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown table: %d", r.status)
	}

	// The township sees its own; the hotline has no monitoring.
	r = loginAs(t, c.srv, "town2").get("/monitor/dashboard")
	mustContain(t, r, `id="kpi-total">0<`, `id="no-warnings"`)
	if r := loginAs(t, c.srv, "hotline").get("/monitor/dashboard"); r.status != http.StatusForbidden {
		t.Errorf("hotline: %d", r.status)
	}
}
