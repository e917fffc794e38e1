package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

// benchHouseholds is the size of the benchmark registry: about 2.9
// persons per household, so the default 345,000 households hold about
// 1M persons. SAFETYNET_BENCH_HOUSEHOLDS overrides it.
func benchHouseholds() int {
	if v, err := strconv.Atoi(os.Getenv("SAFETYNET_BENCH_HOUSEHOLDS")); err == nil && v > 0 {
		return v
	}
	return 345_000
}

var (
	benchOnce  map[string]*sync.Once = map[string]*sync.Once{"sqlite": {}, "postgres": {}}
	benchDB                          = map[string]*store.DB{}
	benchIDs   []string
	benchNames []string
)

// loadBench fills one store per dialect with generated households through
// CreateHouseholds, once per test binary, and reports the load rate.
func loadBench(b *testing.B, dialect string) *store.DB {
	benchOnce[dialect].Do(func() {
		db, _, err := storetest.Fresh(dialect) // lives until the process ends
		if err != nil {
			b.Fatal(err)
		}
		n := benchHouseholds()
		start := time.Now()
		persons := 0
		batch := make([]*registry.Household, 0, 1000)
		flush := func() {
			errs, err := db.CreateHouseholds(ctx, registry.Scope{}, batch)
			if err != nil {
				b.Fatal(err)
			}
			for i, e := range errs {
				if e != nil {
					b.Fatalf("household %d: %v", i, e)
				}
			}
			batch = batch[:0]
		}
		collect := benchIDs == nil
		err = gen.Generate(gen.Options{Region: "440100", Households: n, Seed: 7, AsOf: civil.D(2026, 11, 1)},
			func(ref string, h *registry.Household, _ []registry.Income, _ []registry.Asset) error {
				persons += len(h.Members)
				if collect && len(benchIDs) < 100_000 {
					benchIDs = append(benchIDs, h.Members[0].Person.IDNumber)
					benchNames = append(benchNames, h.Members[0].Person.Name)
				}
				batch = append(batch, h)
				if len(batch) == cap(batch) {
					flush()
				}
				return nil
			})
		if err != nil {
			b.Fatal(err)
		}
		flush()
		if err := db.RefreshStatistics(ctx); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		fmt.Printf("loaded %d households, %d persons into %s in %.1f s: %.0f persons/s\n", n, persons, dialect, d.Seconds(), float64(persons)/d.Seconds())
		benchDB[dialect] = db
	})
	db := benchDB[dialect]
	if db == nil {
		b.Skip("no store")
	}
	return db
}

func eachBenchStore(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	for _, d := range []string{"sqlite", "postgres"} {
		b.Run(d, func(b *testing.B) {
			if d == "postgres" && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("set " + storetest.EnvPostgres)
			}
			fn(b, loadBench(b, d))
		})
	}
}

// BenchmarkPersonByIDNumber looks persons up by exact ID number through
// the blind index (target: under 1 ms among 1M persons).
func BenchmarkPersonByIDNumber(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, db *store.DB) {
		rng := rand.New(rand.NewSource(1))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := db.PersonByIDNumber(ctx, registry.Scope{Region: "4401"}, benchIDs[rng.Intn(len(benchIDs))]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHouseholdSearch runs the household search of the UI: by ID
// number, by household number, and by name within a township, and reports
// the 50th and 99th percentile latencies.
func BenchmarkHouseholdSearch(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, db *store.DB) {
		first, _ := db.FindHouseholds(ctx, registry.Scope{}, registry.HouseholdFilter{Limit: 1})
		township := first[0].RegionCode[:9]
		rng := rand.New(rand.NewSource(2))
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			var f registry.HouseholdFilter
			switch i % 3 {
			case 0:
				f.IDNumber = benchIDs[rng.Intn(len(benchIDs))]
			case 1:
				f.Number = fmt.Sprintf("%s-%07d", first[0].RegionCode[:6], 1+rng.Intn(1000))
			case 2:
				f.Name, f.Region = benchNames[rng.Intn(len(benchNames))], township
			}
			start := time.Now()
			if _, err := db.FindHouseholds(ctx, registry.Scope{Region: "4401"}, f); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		b.StopTimer()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	})
}

var _ = context.Background
