// Package bench holds the workloads of the performance targets (DESIGN.md
// §10) as plain functions, so that `go test -bench` and `safetynet bench`
// measure the same code. Each workload builds its own data with the
// generator; none touches a store the user cares about.
package bench

import (
	"fmt"
	"runtime"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Provinces are the 31 provincial divisions the B1 households are spread
// over, so that the snapshot carries about 2,900 county standards.
var Provinces = []string{"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
	"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}

// B1Month is the month B1 evaluates.
var B1Month = civil.Month{Year: 2025, Month: 6}

// B1Snapshot builds the columnar snapshot of benchmark B1: n households from
// the generator over all provinces, each county with its own synthetic Dibao
// standard (the shipped parameters have real ones for a few dozen regions
// only). It returns the snapshot and the number of counties.
func B1Snapshot(n int) (*policy.Columns, int, error) {
	base, err := policy.Shipped()
	if err != nil {
		return nil, 0, err
	}
	set := base.Clone()
	cols := policy.NewColumns(set, B1Month, n)
	seen := map[string]bool{}
	for pi, p := range Provinces {
		k := n / len(Provinces)
		if pi == 0 {
			k += n % len(Provinces)
		}
		err := gen.Generate(gen.Options{Region: p, Households: k, Seed: int64(pi), AsOf: civil.D(2025, 6, 20)},
			func(_ string, h *registry.Household, inc []registry.Income, as []registry.Asset) error {
				county := h.RegionCode[:6]
				if !seen[county] {
					seen[county] = true
					if err := addStandards(set, county); err != nil {
						return err
					}
				}
				return cols.Append(policy.FromSnapshot(&registry.Snapshot{Household: *h, Incomes: inc, Assets: as}, B1Month))
			})
		if err != nil {
			return nil, 0, err
		}
	}
	return cols, len(seen), nil
}

// addStandards gives county an urban standard between 600 and 1,499 yuan
// (from a hash of its code, so runs repeat) and a rural one 100 below.
func addStandards(set *policy.Set, county string) error {
	v := 600 + int(fnv(county)%900)
	for _, key := range []string{"dibao.standard.urban", "dibao.standard.rural"} {
		if err := set.Add(policy.Param{Key: key, Region: county, From: civil.D(2020, 1, 1), Text: fmt.Sprint(v), Source: "synthetic (benchmark B1)"}); err != nil {
			return err
		}
		v -= 100
	}
	return nil
}

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// B1Totals is what one B1 evaluation found.
type B1Totals struct {
	Eligible int
	Amount   money.Fen
}

// B1Run evaluates the snapshot once on all cores, streaming the results into
// totals.
func B1Run(cols *policy.Columns) (B1Totals, error) {
	var t B1Totals
	err := cols.Evaluate(0, func(_ int, rs []policy.BatchResult) error {
		for _, r := range rs {
			if r.Err != nil {
				return r.Err
			}
			if r.Verdict == policy.Eligible {
				t.Eligible++
				t.Amount += r.Amount
			}
		}
		return nil
	})
	return t, err
}

// Result is one measured row of the table `safetynet bench` prints.
type Result struct {
	ID       string        // B1 ...
	Workload string        // what was measured
	Time     time.Duration // per run (the best of the runs)
	HeapMB   float64       // heap in use with the workload's data built
	PeakMB   float64       // the process's peak resident memory so far (0 where unknown)
	Target   time.Duration // 0: none
	Note     string
}

// OK tells whether the time met the target.
func (r Result) OK() bool { return r.Target == 0 || r.Time < r.Target }

// B1Targets are DESIGN.md §10's targets per household count.
var B1Targets = map[int]time.Duration{1_000_000: 250 * time.Millisecond, 5_000_000: 1500 * time.Millisecond}

// B1 builds an n-household snapshot and times runs evaluations, reporting
// the best. progress, if not nil, hears what is happening.
func B1(n, runs int, progress func(string)) (Result, error) {
	say := func(format string, a ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, a...))
		}
	}
	say("B1: building %d households", n)
	start := time.Now()
	cols, counties, err := B1Snapshot(n)
	if err != nil {
		return Result{}, err
	}
	say("B1: built in %s (%d counties)", time.Since(start).Round(time.Millisecond), counties)
	runtime.GC()
	heap := HeapMB()
	best := time.Duration(1<<63 - 1)
	var t B1Totals
	for range max(runs, 1) {
		s := time.Now()
		if t, err = B1Run(cols); err != nil {
			return Result{}, err
		}
		best = min(best, time.Since(s))
	}
	runtime.KeepAlive(cols)
	return Result{
		ID: "B1", Workload: fmt.Sprintf("Dibao for %d households", n),
		Time: best, HeapMB: heap, PeakMB: PeakRSSMB(), Target: B1Targets[n],
		Note: fmt.Sprintf("%d counties, %d eligible, %s yuan a month, %d on the one-household path", counties, t.Eligible, t.Amount, cols.Fallbacks()),
	}, nil
}

// HeapMB is the heap in use now, in MiB.
func HeapMB() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}
