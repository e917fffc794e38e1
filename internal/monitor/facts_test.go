package monitor

import (
	"math"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

func TestSubjects(t *testing.T) {
	base, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	set := base.Clone()
	if err := set.Add(policy.Param{Key: "monitor.medical.multiple", Region: "4401", Text: "2", From: civil.D(2020, 1, 1), Source: "test"}); err != nil {
		t.Fatal(err)
	}
	day := civil.D(2025, 9, 22)
	joined := civil.D(2015, 1, 1)
	snap := &registry.Snapshot{At: day, Household: registry.Household{ID: 1, RegionCode: "440103001", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelChild, JoinedOn: joined, Person: registry.Person{ID: 3, Name: "子", Birth: civil.D(2011, 1, 1), SchoolStatus: registry.SchoolJunior}},
		{Relationship: registry.RelHead, JoinedOn: joined, Person: registry.Person{ID: 1, Name: "户主", Birth: civil.D(1975, 1, 1)}},
		{Relationship: registry.RelSpouse, JoinedOn: joined, Person: registry.Person{ID: 2, Name: "配偶", Birth: civil.D(1977, 1, 1)}},
	}}, Incomes: []registry.Income{{PersonID: 1, Type: registry.IncomeWage, Month: civil.Month{Year: 2025, Month: 8}, Amount: money.Yuan(1000)}}}
	h := Household{Snapshot: snap, Programs: []string{"dibao"}, Categories: []string{"dibao"},
		Recent: map[int64]*verify.Finding{
			1: {Income: map[registry.IncomeType]money.Fen{registry.IncomeWage: money.Yuan(9000)}, Assets: map[registry.AssetType]verify.AssetTotal{registry.AssetVehicle: {Count: 1}}},
			2: {MedicalOutOfPocket: money.Yuan(2500), DisabilityGrade: 2, DisabilityCategory: "physical"},
			3: {School: "left"},
		},
		Earlier: map[int64]*verify.Finding{1: {ContributionMonths: 3}, 2: {}},
	}
	subs := Subjects(h, set, day)
	if len(subs) != 3 {
		t.Fatalf("%d subjects, want 3", len(subs))
	}
	hf := subs[0].Household
	if hf.Standard != 1120 || hf.Size != 3 || hf.IncomePerCapita != 1000 || hf.MedicalOOP3m != 2500 || !hf.NewVehicle || hf.Vehicles != 1 {
		t.Errorf("household facts %+v", hf)
	}
	if subs[0].Params.MedicalMultiple != 2 || subs[0].Params.MarginalRatio != 1.5 {
		t.Errorf("params %+v", subs[0].Params)
	}
	child, head, spouse := subs[0].Person, subs[1].Person, subs[2].Person
	if !head.Head || child.Head || !head.Earner || !head.ContributionsStopped {
		t.Errorf("head %+v, child %+v", head, child)
	}
	if !spouse.NewSevereDisability || spouse.MedicalOOP3m != 2500 || spouse.DisabilityGrade != 2 {
		t.Errorf("spouse %+v", spouse)
	}
	if !child.LeftSchool || child.InSchool || child.Age != 14 {
		t.Errorf("child %+v", child)
	}
	// The rules see them as issue 6 describes.
	hits := map[string]int{}
	for _, r := range DefaultRules() {
		p, _ := r.Validate()
		for i := range subs {
			if ok, _ := p.Match(&subs[i]); ok {
				hits[r.Code]++
			}
		}
	}
	for code, want := range map[string]int{"medical_spending": 1, "new_severe_disability": 1, "lost_work": 1, "left_school": 1, "vehicle_bought": 1, "income_above_marginal": 0} {
		if hits[code] != want {
			t.Errorf("%s raised %d, want %d (all: %v)", code, hits[code], want, hits)
		}
	}
	// A region without the Dibao standard: NaN, and no comparison holds.
	snap.Household.RegionCode = "659001001"
	if s := Subjects(h, set, day); !math.IsNaN(s[0].Household.Standard) {
		t.Errorf("standard without a value: %v", s[0].Household.Standard)
	}
}

// TestSubjectsDisaster follows an emergency management record from the
// catalogue's disaster source through the matcher to household.disaster:
// an event in the recent months or the month of the run counts, an older
// one does not.
func TestSubjectsDisaster(t *testing.T) {
	set, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	src, ok := verify.BuiltinSource("disaster")
	if !ok || src.Use != verify.UseDisaster || src.Department != "应急管理部门" {
		t.Fatalf("disaster source %+v", src)
	}
	if err := src.Validate(); err != nil {
		t.Fatal(err)
	}
	day := civil.D(2025, 9, 22)
	recent, _ := Periods(day)
	snap := &registry.Snapshot{At: day, Household: registry.Household{ID: 1, RegionCode: "440103001", HukouType: registry.Urban, Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2015, 1, 1), Person: registry.Person{ID: 1, Name: "户主", Birth: civil.D(1975, 1, 1)}},
		{Relationship: registry.RelSpouse, JoinedOn: civil.D(2015, 1, 1), Person: registry.Person{ID: 2, Name: "配偶", Birth: civil.D(1977, 1, 1)}},
	}}}
	record := func(date string) []string {
		v := make([]string, len(src.Fields))
		v[src.FieldIndex("event_date")], v[src.FieldIndex("event_type")], v[src.FieldIndex("loss")] = date, "flood", "3500000"
		return v
	}
	for _, c := range []struct {
		name string
		date string
		want bool
	}{
		{"InRecentMonths", "2025-06-15", true},
		{"ThisMonth", "2025-09-03", true},
		{"BeforeThePeriod", "2025-05-31", false},
		{"AfterTheRun", "2025-09-25", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := verify.NewMatcher([]verify.Source{src}, recent, 2)
			m.Person(2)
			m.Add(0, 2, record(c.date))
			h := Household{Snapshot: snap, Recent: map[int64]*verify.Finding{}, Earlier: map[int64]*verify.Finding{}}
			if f := m.Finding(2); f != nil {
				h.Recent[2] = f
			}
			subs := Subjects(h, set, day)
			if got := subs[0].Household.Disaster; got != c.want {
				t.Fatalf("household.disaster = %v, want %v (finding %+v)", got, c.want, h.Recent[2])
			}
			if c.want && h.Recent[2].DisasterLoss != money.Yuan(35000) {
				t.Errorf("loss %v, want 35000.00", h.Recent[2].DisasterLoss)
			}
			// The default rule raises it once, for the head.
			var rule Rule
			for _, r := range DefaultRules() {
				if r.Code == "disaster" {
					rule = r
				}
			}
			p, err := rule.Validate()
			if err != nil {
				t.Fatal(err)
			}
			if d := Try(p, subs, 5); d.Hits != map[bool]int{true: 1, false: 0}[c.want] {
				t.Errorf("the disaster rule raised %d", d.Hits)
			}
		})
	}
}

func TestNames(t *testing.T) {
	got := map[string]Name{}
	for _, n := range Names() {
		got[n.Path] = n
	}
	for path, typ := range map[string]string{"person.age": "int", "person.head": "bool", "household.medical_oop_3m": "number",
		"household.programs": "list", "household.region": "text", "household.disaster": "bool", "params.medical_multiple": "number"} {
		if got[path].Type != typ {
			t.Errorf("%s: type %q, want %q", path, got[path].Type, typ)
		}
	}
	if d := got["person.age"].Doc; d != "" {
		t.Logf("person.age: %q", d)
	}
	if d := got["person.disability_grade"].Doc; d != "1 (most severe) to 4, 0 for none." {
		t.Errorf("person.disability_grade doc %q", d)
	}
	if d := got["person.head"].Doc; !strings.HasPrefix(d, "the head of the household") {
		t.Errorf("person.head doc %q", d)
	}
	// Every name compiles in an expression.
	for path := range got {
		if _, err := Compile(path + " != nil"); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// TestCountQueryOf: a city's counts use the city's windows, and a county
// that sets its own is counted with them.
func TestCountQueryOf(t *testing.T) {
	base, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	set := base.Clone()
	for _, p := range []policy.Param{{Key: "monitor.exited.months", Region: "4401", Text: "12"}, {Key: "monitor.exited.months", Region: "440103", Text: "6"},
		{Key: "monitor.exited.months", Region: "440105", Text: "6"}} {
		p.From, p.Source = civil.D(2020, 1, 1), "test"
		if err := set.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	day := civil.D(2025, 9, 22)
	q := CountQueryOf(set, "4401", day, []string{"440103", "440104", "440105"})
	if len(q.Windows) != 2 || q.Windows[0].Counties != nil || q.Windows[0].ExitedSince != (civil.Month{Year: 2024, Month: 9}) ||
		!slices.Equal(q.Windows[1].Counties, []string{"440103", "440105"}) || q.Windows[1].ExitedSince != (civil.Month{Year: 2025, Month: 3}) {
		t.Errorf("windows %+v", q.Windows)
	}
	if q := CountQueryOf(set, "440103", day, nil); len(q.Windows) != 1 || q.Windows[0].ExitedSince != (civil.Month{Year: 2025, Month: 3}) {
		t.Errorf("a county's windows %+v", q.Windows)
	}
	for code, want := range map[string]int{"": 2, "44": 4, "4401": 6, "440103": 9, "440103001": 12, "440103001001": 12} {
		if got := ChildLen(code); got != want {
			t.Errorf("ChildLen(%q) = %d, want %d", code, got, want)
		}
	}
}
