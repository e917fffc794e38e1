package monitor

import (
	"math"
	"strings"
	"testing"

	"safetynet/internal/apperr"
)

func TestDefaultRulesCompile(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range DefaultRules() {
		if _, err := r.Validate(); err != nil {
			t.Errorf("rule %s: %v", r.Code, err)
		}
		if r.Source == "" || seen[r.Code] {
			t.Errorf("rule %s: no source, or twice", r.Code)
		}
		seen[r.Code] = true
	}
	if len(seen) < 10 {
		t.Errorf("%d default rules, want the ten issue 6 names", len(seen))
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct{ name, expr, want string }{
		{"UnknownField", "household.incom > 1", "line 1, column 11"},
		{"NotBoolean", "household.standard * 2", "bool"},
		{"TypeMismatch", `person.age > "old"`, "line 1"},
		{"Syntax", "person.age >", "line 1"},
		{"SecondLine", "person.head &&\n  household.nothing", "line 2"},
		{"Empty", "  ", "empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(c.expr)
			e := apperr.As(err)
			if e == nil || e.Field != "expression" || !strings.Contains(e.Message, c.want) {
				t.Errorf("Compile(%q): got %v, want an error on expression saying %q", c.expr, err, c.want)
			}
		})
	}
}

func TestRuleValidate(t *testing.T) {
	r := Rule{Code: "X", Region: "44x", Severity: "urgent", Side: "both", Program: "bread", Action: "call", Expression: "person.age >"}
	_, err := r.Validate()
	e := apperr.As(err)
	if e == nil {
		t.Fatal("a bad rule was accepted")
	}
	fields := map[string]bool{}
	for _, d := range e.Details {
		fields[d.Field] = true
	}
	for _, f := range []string{"code", "zh", "region", "severity", "side", "program", "action", "expression"} {
		if !fields[f] {
			t.Errorf("no error for %s: %v", f, fields)
		}
	}
}

func TestRulesOnSubjects(t *testing.T) {
	params := ParamFacts{MedicalMultiple: 2, MarginalRatio: 1.5}
	sick := Subject{Person: PersonFacts{Head: true, Age: 50, MedicalOOP3m: 3000}, Household: HouseholdFacts{Standard: 1120, Size: 3}, Params: params}
	well := Subject{Person: PersonFacts{Head: true, Age: 40, MedicalOOP3m: 100}, Household: HouseholdFacts{Standard: 1120}, Params: params}
	richer := Subject{Person: PersonFacts{Head: true}, Household: HouseholdFacts{Standard: 1120, IncomePerCapita: 1800, Programs: []string{"dibao"}}, Params: params}
	unset := sick
	unset.Params.MedicalMultiple = math.NaN() // the region has not set the multiple
	rules := map[string]*Program{}
	for _, r := range DefaultRules() {
		p, err := r.Validate()
		if err != nil {
			t.Fatal(err)
		}
		rules[r.Code] = p
	}
	for _, c := range []struct {
		rule string
		s    Subject
		want bool
	}{
		{"medical_spending", sick, true},
		{"medical_spending", well, false},
		{"medical_spending", unset, false},
		{"income_above_marginal", richer, true},
		{"income_above_marginal", sick, false},
		{"recipient_died", Subject{Person: PersonFacts{Deceased: true}, Household: HouseholdFacts{Programs: []string{"tekun"}}}, true},
		{"left_school", Subject{Person: PersonFacts{Age: 15, LeftSchool: true}}, true},
		{"left_school", Subject{Person: PersonFacts{Age: 19, LeftSchool: true}}, false},
	} {
		got, err := rules[c.rule].Match(&c.s)
		if err != nil || got != c.want {
			t.Errorf("%s on %+v: got %v, %v; want %v", c.rule, c.s, got, err, c.want)
		}
	}
	d := Try(rules["medical_spending"], []Subject{sick, well, well, well, unset}, 3)
	if d.Hits != 1 || d.Subjects != 5 || d.NeedsConfirmation() || len(d.Examples) != 1 || d.Examples[0] != 0 {
		t.Errorf("dry run: %+v", d)
	}
	if d := Try(rules["medical_spending"], []Subject{sick, sick, well}, 3); !d.NeedsConfirmation() {
		t.Errorf("two of three flagged does not ask for confirmation: %+v", d)
	}
}

func BenchmarkRule(b *testing.B) {
	p, err := Compile("person.medical_oop_3m > params.medical_multiple * household.standard")
	if err != nil {
		b.Fatal(err)
	}
	s := Subject{Person: PersonFacts{MedicalOOP3m: 3000}, Household: HouseholdFacts{Standard: 1120}, Params: ParamFacts{MedicalMultiple: 2}}
	for b.Loop() {
		p.Match(&s)
	}
}
