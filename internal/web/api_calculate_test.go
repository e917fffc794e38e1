package web_test

import (
	"strings"
	"testing"

	"safetynet/internal/civil"
)

func TestAPICalculate(t *testing.T) {
	e := newAPIEnv(t)
	// An inline household in Beijing in 2025-06: standard 1395.
	body := map[string]any{"programs": []string{"dibao", "price_subsidy"}, "month": "2025-06", "household": map[string]any{
		"region": "110101", "hukou": "urban", "enrolled": []string{"dibao"},
		"price": map[string]any{"month": "2025-05", "cpi": "4%", "food": "1%"},
		"members": []any{
			map[string]any{"id": "a", "relationship": "applicant", "age": 40, "incomes": []any{map[string]any{"kind": "wage", "amount": 1800}}},
			map[string]any{"id": "b", "relationship": "child", "age": 10},
		}}}
	var out struct {
		Results []struct {
			Program string
			Result  *struct {
				Verdict     string
				Amount      float64
				Explanation struct{ Rule string }
			}
			Error *struct{ Field, Message string }
		}
	}
	if code := e.do("town1", "POST", "/api/v1/calculate", body, &out); code != 200 {
		t.Fatalf("calculate: got %d", code)
	}
	if len(out.Results) != 2 {
		t.Fatalf("got %d results, want 2", len(out.Results))
	}
	d := out.Results[0]
	if d.Result == nil || d.Result.Verdict != "eligible" || d.Result.Amount != 990 || d.Result.Explanation.Rule != "dibao" {
		t.Fatalf("dibao: got %+v %+v, want eligible 990 (2×1395−1800)", d.Result, d.Error)
	}
	// No price-subsidy formula is set for Beijing: a clear error naming the key.
	if p := out.Results[1]; p.Error == nil || p.Error.Field != "parameters.price.formula" || !strings.Contains(p.Error.Message, "110101") {
		t.Fatalf("price: got %+v %+v, want price.formula not set", p.Result, p.Error)
	}

	// A registered household, by id; another township's is not found.
	hbody := map[string]any{"region_code": e.towns[0].Code, "address": "荔湾路1号", "hukou_type": "urban",
		"members": []any{member("head", "林一", civil.D(1970, 1, 1), 11)}}
	var h struct{ ID int64 }
	if code := e.do("town1", "POST", "/api/v1/households", hbody, &h); code != 201 {
		t.Fatalf("create: got %d", code)
	}
	if code := e.do("town1", "POST", "/api/v1/calculate", map[string]any{"household_id": h.ID, "programs": []string{"dibao"}}, &out); code != 200 || out.Results[0].Result == nil {
		t.Fatalf("by id: got %d %+v", code, out)
	}
	var ae apiError
	if code := e.do("town2", "POST", "/api/v1/calculate", map[string]any{"household_id": h.ID}, &ae); code != 404 {
		t.Fatalf("other township: got %d, want 404", code)
	}
	if code := e.do("town1", "POST", "/api/v1/calculate", map[string]any{"programs": []string{"nope"}, "household_id": h.ID}, &ae); code != 422 && code != 400 || ae.Error.Field != "programs[0].program" && ae.Error.Field != "programs[0]" {
		t.Fatalf("unknown program: got %d %+v", code, ae)
	}
}
