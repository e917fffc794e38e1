package web_test

import (
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

func TestAPIMonitorRules(t *testing.T) {
	e := newVerifyEnv(t)
	var apiErr struct {
		Error struct{ Code, Message, Field string }
	}
	bad := map[string]any{"code": "oops", "zh": "拼错", "expression": "household.incom > 1", "region": "440103", "severity": "high", "side": "need", "action": "visit"}
	if st := e.json("county", "POST", "/api/v1/monitor/rules", bad, &apiErr); st != http.StatusUnprocessableEntity || !strings.Contains(apiErr.Error.Message, "第 1 行第 11 列") {
		t.Fatalf("a rule that does not compile: %d %+v", st, apiErr)
	}
	far := map[string]any{"code": "far", "zh": "外县", "expression": "person.deceased", "region": "440104", "severity": "high", "side": "exit", "action": "review"}
	if st := e.json("county", "POST", "/api/v1/monitor/rules", far, &apiErr); st != http.StatusUnprocessableEntity || apiErr.Error.Field != "region" {
		t.Errorf("another county's rule: %d %+v", st, apiErr)
	}
	if st := e.json("verifier", "POST", "/api/v1/monitor/rules", far, nil); st != http.StatusForbidden {
		t.Errorf("a verification officer writes rules: %d", st)
	}
	// One household on Dibao in the county: a rule that fires for every
	// adult flags everyone, so activating it asks for confirmation.
	h := &registry.Household{RegionCode: e.town, Address: "华贵路1号", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{Name: "欧一", IDNumber: idcard.Make("440103", civil.D(1966, 6, 6), 27)}}}}
	if err := e.db.CreateHousehold(verifyCtx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	var rule map[string]any
	all := map[string]any{"code": "adults", "zh": "成年人", "expression": "person.age >= 18", "region": "440103", "severity": "low", "side": "need", "action": "visit"}
	if st := e.json("county", "POST", "/api/v1/monitor/rules", all, &rule); st != http.StatusCreated || rule["active"] != false {
		t.Fatalf("add: %d %v", st, rule)
	}
	id := itoa(int64(rule["id"].(float64)))
	var dry map[string]any
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+id+"/dry-run", nil, &dry); st != http.StatusOK || dry["subjects"].(float64) != 0 {
		t.Fatalf("dry run with no one monitored: %d %v", st, dry)
	}
	var list []map[string]any
	if st := e.json("county", "GET", "/api/v1/monitor/rules", nil, &list); st != http.StatusOK || len(list) != 1 {
		t.Errorf("rules: %d %v", st, list)
	}
	act := map[string]any{"version": 1, "active": true}
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+id+"/activation", act, &rule); st != http.StatusOK || rule["active"] != true {
		t.Errorf("activate: %d %v", st, rule)
	}
	stale := map[string]any{"version": 1, "active": false}
	if st := e.json("county", "POST", "/api/v1/monitor/rules/"+id+"/activation", stale, &apiErr); st != http.StatusConflict {
		t.Errorf("a stale version: %d %+v", st, apiErr)
	}
}
