package bench_test

import (
	"fmt"
	"testing"

	"safetynet/internal/bench"
)

// BenchmarkB1 is benchmark B1 of DESIGN.md §10: Dibao eligibility and
// amount for N households from a columnar snapshot (evaluation only).
func BenchmarkB1(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000, 5_000_000} {
		b.Run(fmt.Sprintf("households=%d", n), func(b *testing.B) {
			if testing.Short() && n > 100_000 {
				b.Skip("short")
			}
			cols, counties, err := bench.B1Snapshot(n)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%d households, %d counties, %d on the one-household path", cols.Len(), counties, cols.Fallbacks())
			heap := bench.HeapMB()
			b.ResetTimer()
			var t bench.B1Totals
			for b.Loop() {
				if t, err = bench.B1Run(cols); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(t.Eligible), "eligible")
			// Heap in use with the snapshot built: the memory figure of B1.
			b.ReportMetric(heap, "heapMB")
		})
	}
}

// TestB1Small runs the workload on a few households, so that a change that
// breaks it fails `go test`, not only the next benchmark run.
func TestB1Small(t *testing.T) {
	r, err := bench.B1(3100, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "B1" || r.Time <= 0 || r.HeapMB <= 0 {
		t.Fatalf("result %+v", r)
	}
	cols, counties, err := bench.B1Snapshot(3100)
	if err != nil {
		t.Fatal(err)
	}
	if cols.Len() != 3100 || counties < 100 {
		t.Fatalf("%d households over %d counties", cols.Len(), counties)
	}
	tot, err := bench.B1Run(cols)
	if err != nil {
		t.Fatal(err)
	}
	if tot.Eligible == 0 || tot.Eligible == cols.Len() || tot.Amount <= 0 {
		t.Fatalf("totals %+v of %d households: the generator should give both outcomes", tot, cols.Len())
	}
}
