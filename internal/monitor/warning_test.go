package monitor

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
)

func TestRuleSetMostSpecificVersionDecides(t *testing.T) {
	national := Rule{Code: "lost_work", Expression: "person.unemployment_started", Active: true}
	county := national
	county.Region, county.Expression = "440103", "person.unemployment_started && person.age < 60"
	off := national
	off.Region, off.Active = "440104", false
	township := Rule{Code: "local_check", Region: "440103001", Expression: "person.head", Active: true}
	set, err := NewRuleSet([]Rule{national, county, off, township})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		region string
		want   []string // the expressions in force
	}{
		{"440105001001", []string{national.Expression}},
		{"440103002001", []string{county.Expression}},
		{"440103001001", []string{county.Expression, township.Expression}},
		{"440104001001", nil}, // the county switched the national rule off
	} {
		var got []string
		for _, r := range set.For(c.region) {
			got = append(got, r.Expression)
		}
		if len(got) != len(c.want) || len(got) > 0 && (got[0] != c.want[0] || got[len(got)-1] != c.want[len(c.want)-1]) {
			t.Errorf("%s: %v, want %v", c.region, got, c.want)
		}
	}
	if n := set.Active("440103"); n != 2 {
		t.Errorf("rules in force in 440103: %d, want 2 (the county's version and a township's rule)", n)
	}
	if _, err := NewRuleSet([]Rule{{Code: "broken", Expression: "person.nothing"}}); err == nil {
		t.Error("a stored rule that no longer compiles is accepted")
	}
}

func TestEvaluatorHits(t *testing.T) {
	set, _ := NewRuleSet([]Rule{
		{Code: "heads", Expression: "person.head", Active: true},
		{Code: "old", Expression: "person.age >= 60", Active: true},
		{Code: "fault", Expression: "household.programs[5] == 'x'", Active: true}, // out of range at run time
	})
	subjects := []Subject{{Person: PersonFacts{ID: 1, Head: true, Age: 70}}, {Person: PersonFacts{ID: 2, Age: 30}}}
	var e Evaluator
	hits, faults := e.Household(set, "440103001001", subjects, nil)
	if len(hits) != 2 || faults != 2 || hits[0].Rule.Code != "heads" || hits[0].Subject != 0 || hits[1].Rule.Code != "old" || hits[1].Subject != 0 {
		t.Errorf("hits %+v, faults %d", hits, faults)
	}
}

func TestWarningHandlingChecks(t *testing.T) {
	raised := civil.D(2025, 9, 1)
	w := &Warning{ID: 7, RaisedOn: raised, Status: WarningOpen, Due: civil.D(2025, 9, 15)}
	today := civil.D(2025, 9, 10)
	for _, c := range []struct {
		in    VisitInput
		field string
	}{
		{VisitInput{On: civil.D(2025, 8, 31), Note: "x"}, "on"},
		{VisitInput{On: civil.D(2025, 9, 11), Note: "x"}, "on"},
		{VisitInput{On: today, Note: "  "}, "note"},
		{VisitInput{Note: "x"}, "on"},
	} {
		if e := apperr.As(c.in.Validate(w, today)); e == nil || e.Field != c.field {
			t.Errorf("visit %+v: %v, want a fault in %s", c.in, e, c.field)
		}
	}
	if err := (&VisitInput{On: today, Note: "入户"}).Validate(w, today); err != nil {
		t.Errorf("a good visit: %v", err)
	}
	close := CloseInput{Outcome: OutcomeNoNeed, Note: "无需"}
	if e := apperr.As(close.Validate(w)); e == nil || e.Field != "outcome" {
		t.Errorf("closing before a visit: %v", e)
	}
	w.Visit, w.Status = &Visit{On: today, Note: "入户"}, WarningVisited
	for _, c := range []struct {
		in    CloseInput
		field string
	}{
		{CloseInput{Outcome: "maybe"}, "outcome"},
		{CloseInput{Outcome: OutcomeApplication}, "application_id"},
		{CloseInput{Outcome: OutcomeReview}, "application_id"},
		{CloseInput{Outcome: OutcomeReferral, ApplicationID: 3}, "referral_id"},
		{CloseInput{Outcome: OutcomeNoNeed}, "note"},
		{CloseInput{Outcome: OutcomeUnreachable, Note: " "}, "note"},
	} {
		if e := apperr.As(c.in.Validate(w)); e == nil || e.Field != c.field {
			t.Errorf("close %+v: %v, want a fault in %s", c.in, e, c.field)
		}
	}
	ok := CloseInput{Outcome: OutcomeReferral, ReferralID: 4, ApplicationID: 9}
	if err := ok.Validate(w); err != nil || ok.ApplicationID != 0 {
		t.Errorf("a referral outcome: %v, application %d kept", err, ok.ApplicationID)
	}
	w.Status, w.ClosedOn = WarningClosed, civil.D(2025, 9, 15)
	if !w.OnTime() || w.Overdue(civil.D(2025, 9, 20)) {
		t.Error("closed on its due day: on time and not overdue")
	}
	if e := apperr.As(ok.Validate(w)); e == nil || e.Code != apperr.Conflict {
		t.Errorf("closing a closed warning: %v", e)
	}
}

// TestSubjectJSON marshals a subject whose every number is NaN: each must
// be written as null (a new float field that MarshalJSON does not route
// through jsonFloat makes encoding fail here).
func TestSubjectJSON(t *testing.T) {
	var s Subject
	for _, v := range []reflect.Value{reflect.ValueOf(&s.Person).Elem(), reflect.ValueOf(&s.Household).Elem(), reflect.ValueOf(&s.Params).Elem()} {
		for i := range v.NumField() {
			if v.Field(i).Kind() == reflect.Float64 {
				v.Field(i).SetFloat(math.NaN())
			}
		}
	}
	s.Person.Age, s.Household.Programs = 70, []string{"dibao"}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back["params"]["medical_multiple"] != nil || back["household"]["standard"] != nil || back["person"]["age"] != 70.0 ||
		back["person"]["medical_oop_3m"] != nil || len(back["household"]) != reflect.TypeFor[HouseholdFacts]().NumField() {
		t.Errorf("subject JSON %s", b)
	}
	s.Params.MarginalRatio = 1.5
	if b, _ := json.Marshal(s); !strings.Contains(string(b), `"marginal_ratio":1.5`) {
		t.Errorf("subject JSON %s", b)
	}
}

func TestCompileNamesUnknownFacts(t *testing.T) {
	_, err := Compile("person.head && household.sise > 0")
	if e := apperr.As(err); e == nil || e.Field != "expression" || !strings.Contains(e.Message, "line 1, column 26: unknown name household.sise") {
		t.Errorf("an unknown name: %v", err)
	}
}
