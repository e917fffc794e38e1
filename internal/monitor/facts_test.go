package monitor

import (
	"math"
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
