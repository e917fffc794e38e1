package monitor_test

import (
	"math/rand/v2"
	"testing"

	"safetynet/internal/bench"
	"safetynet/internal/monitor"
)

// benchSubjects makes n subjects of households of one to five members with
// facts drawn so that the rules fire on a few percent, as in the
// monitoring benchmark (internal/bench).
func benchSubjects(n int) ([]monitor.Subject, []int) {
	rng := rand.New(rand.NewPCG(1, 2))
	programs := [][]string{{"dibao"}, {"tekun"}, nil, nil}
	var subs []monitor.Subject
	var ends []int
	for len(subs) < n {
		size := 1 + rng.IntN(5)
		hf := monitor.HouseholdFacts{Region: "440103001001", Size: size, Standard: 1120, Programs: programs[rng.IntN(len(programs))],
			IncomePerCapita: 400 + 1600*rng.Float64(), Vehicles: rng.IntN(2), Homes: rng.IntN(2), NewVehicle: rng.Float64() < 0.01,
			NewBusiness: rng.Float64() < 0.004, Disaster: rng.Float64() < 0.004, EarnerDied: rng.Float64() < 0.002}
		hf.Categories = hf.Programs
		for i := range size {
			pf := monitor.PersonFacts{ID: int64(len(subs) + 1), Head: i == 0, Age: 5 + rng.IntN(85), InSchool: rng.Float64() < 0.2,
				LeftSchool: rng.Float64() < 0.001, NewSevereDisability: rng.Float64() < 0.0015, UnemploymentStarted: rng.Float64() < 0.005,
				ContributionsStopped: rng.Float64() < 0.01, Deceased: rng.Float64() < 0.001, SeriousIllness: rng.Float64() < 0.02}
			if rng.Float64() < 0.03 {
				pf.DisabilityGrade = 1 + rng.IntN(4)
			}
			if rng.Float64() < 0.1 {
				pf.MedicalOOP3m = 300 * float64(1+rng.IntN(30))
				hf.MedicalOOP3m += pf.MedicalOOP3m
			}
			subs = append(subs, monitor.Subject{Person: pf, Household: hf, Params: monitor.ParamFacts{MedicalMultiple: 2, MarginalRatio: 1.5}})
		}
		ends = append(ends, len(subs))
	}
	return subs, ends
}

// BenchmarkEvaluate is the evaluation alone of a monitoring run: the
// benchmark's 20 rules (bench.MonitorRules) over 100,000 subjects with one
// monitor.Evaluator, household by household as RunRegion does; ns/person
// is per subject, all 20 rules.
func BenchmarkEvaluate(b *testing.B) {
	subs, ends := benchSubjects(100_000)
	set, err := monitor.NewRuleSet(bench.MonitorRules())
	if err != nil {
		b.Fatal(err)
	}
	var ev monitor.Evaluator
	var hits []monitor.Hit
	total := 0
	for b.Loop() {
		total = 0
		from := 0
		for _, end := range ends {
			var faults int
			hits, faults = ev.Household(set, "440103001001", subs[from:end], hits[:0])
			if faults > 0 {
				b.Fatal("faults")
			}
			total += len(hits)
			from = end
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(subs)), "ns/person")
	b.ReportMetric(float64(total)/float64(len(subs)), "hits/person")
	b.ReportMetric(0, "ns/op")
}
