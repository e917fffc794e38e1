package policy

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// propertySet is the shipped parameters plus standards and local rules for
// the counties the property test draws from, so that every Dibao branch
// (deductions, disregards, supplements, tiers, assets, gradual exit) runs.
func propertySet(t testing.TB) *Set {
	base, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	s := base.Clone()
	add := func(region, key, value string) {
		if err := s.Add(Param{Key: key, Region: region, From: civil.D(2000, 1, 1), Text: value, Source: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []string{"500243", "330102", "360702", "450102"} {
		add(r, "dibao.standard.urban", "1000")
		add(r, "dibao.standard.rural", "800")
	}
	add("500243", "dibao.exit.schedule", "100%,100%,80%,80%,60%,60%")
	add("450102", "dibao.method", "tiered")
	add("450102", "dibao.tiers", "0.3:1, 0.6:0.7, 1:0.4")
	add("450102", "dibao.asset.financial_months", "24")
	add("450102", "dibao.asset.max_vehicles", "1")
	add("450102", "dibao.asset.max_homes", "1")
	add("450102", "dibao.asset.business_allowed", "false")
	add("450102", "dibao.supplement.minor", "100")
	add("450102", "dibao.supplement.elderly", "150")
	add("450102", "dibao.supplement.cumulative", "true")
	add("450102", "dibao.income.employment_deduction", "declared")
	return s
}

var propertyRegions = []string{"110101", "442000", "500243", "330102", "360702", "450102", "440103"}

func randomHousehold(r *rand.Rand, month civil.Month) *Household {
	h := &Household{Region: propertyRegions[r.IntN(len(propertyRegions))], Hukou: []string{"urban", "rural"}[r.IntN(2)]}
	rels := []string{"spouse", "child", "child", "parent", "parent_in_law", "sibling", "grandchild"}
	n := 1 + r.IntN(5)
	for i := range n {
		age := 1 + r.IntN(85)
		m := Member{ID: fmt.Sprint(i), Relationship: "applicant", Age: &age}
		if i > 0 {
			m.Relationship = rels[r.IntN(len(rels))]
		}
		if age < 16 {
			m.Study = "compulsory"
		} else if r.IntN(6) == 0 {
			m.Study = []string{"senior", "undergraduate", "postgraduate"}[r.IntN(3)]
		}
		if r.IntN(12) == 0 {
			m.DisabilityCategory, m.DisabilityGrade = "physical", 1+r.IntN(4)
		}
		m.SeriousIllness = r.IntN(20) == 0
		m.InPrison = r.IntN(50) == 0
		if r.IntN(10) == 0 {
			f := false
			m.LivesTogether = &f
		}
		if age >= 16 && r.IntN(2) == 0 {
			w := Yuan(r.IntN(400000))
			m.Incomes = append(m.Incomes, IncomeItem{Kind: "wage", Amount: w, Cost: Yuan(r.IntN(int(w) + 1))})
			if r.IntN(4) == 0 {
				m.JobStart = month.Add(-r.IntN(15))
			}
		}
		if r.IntN(4) == 0 {
			m.Incomes = append(m.Incomes, IncomeItem{Kind: []string{"transfer", "pension", "property", "social_assistance"}[r.IntN(4)], Amount: Yuan(r.IntN(150000))})
			if age < 16 {
				m.Incomes[len(m.Incomes)-1].Kind = "transfer"
			}
		}
		h.Members = append(h.Members, m)
	}
	h.Assets = Assets{Financial: Yuan(r.IntN(8000000)), Vehicles: r.IntN(3) / 2, VehicleValue: Yuan(r.IntN(10000000)), Homes: r.IntN(3), Businesses: r.IntN(8) / 7}
	h.Expenses = Expenses{Medical: Yuan(r.IntN(50000)), Education: Yuan(r.IntN(30000))}
	if r.IntN(3) == 0 {
		h.Current = &Current{Amount: Yuan(r.IntN(300000))}
		if r.IntN(2) == 0 {
			h.Current.ExitStart = month.Add(-r.IntN(9))
		}
	}
	if r.IntN(40) == 0 {
		h.SeparateApplicant = h.Members[r.IntN(n)].ID
	}
	return h
}

// TestBatchMatchesOneHousehold asserts that the batch engine and Calculate
// agree on verdict, amount and review flag for generated households.
func TestBatchMatchesOneHousehold(t *testing.T) {
	set := propertySet(t)
	month := civil.Month{Year: 2025, Month: 6}
	r := rand.New(rand.NewPCG(1, 2))
	const n = 20000
	cols := NewColumns(set, month, n)
	var hs []*Household
	for len(hs) < n {
		h := randomHousehold(r, month)
		if err := cols.Append(h); err != nil {
			if _, err2 := Calculate(set, Dibao, h, month); err2 == nil {
				t.Fatalf("Append failed (%v) where Calculate did not", err)
			}
			continue
		}
		hs = append(hs, h)
	}
	got := make([]BatchResult, n)
	if err := cols.Evaluate(2, func(start int, rs []BatchResult) error {
		copy(got[start:], rs)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	verdicts := map[Verdict]int{}
	for i, h := range hs {
		want, err := Calculate(set, Dibao, h, month)
		if err != nil {
			if got[i].Err == nil {
				t.Fatalf("household %d: Calculate error %v, batch none", i, err)
			}
			continue
		}
		g := got[i]
		if g.Err != nil || g.Verdict != want.Verdict || g.Amount != money.Fen(want.Amount) || g.NeedsReview != want.NeedsReview {
			t.Fatalf("household %d (%s): batch %+v, one-household %s %s review=%v", i, h.Region, g, want.Verdict, want.Amount, want.NeedsReview)
		}
		verdicts[want.Verdict]++
	}
	for _, v := range []Verdict{Eligible, Ineligible, GradualExit} {
		if verdicts[v] == 0 {
			t.Errorf("no household came out %s: the generator misses a branch", v)
		}
	}
}
