package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkB3 is benchmark B3 of DESIGN.md §10 at a small size (the full
// 5M persons and 20M records: `safetynet bench --b3 5000000`): the Go path,
// and, when SAFETYNET_TEST_POSTGRES names a server, PostgreSQL's.
func BenchmarkB3(b *testing.B) {
	const persons = 100_000
	d, err := B3Generate(b.TempDir(), persons, 4*persons)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "results.csv")
	b.Run(fmt.Sprintf("persons=%d/go", persons), func(b *testing.B) {
		var r B3Run
		for b.Loop() {
			if r, err = B3Go(d, out, runtime.GOMAXPROCS(0)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(int64(d.PersonRows)+r.Records)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(r.HeapMB, "heapMB")
	})
	b.Run(fmt.Sprintf("persons=%d/postgres", persons), func(b *testing.B) {
		dsn := os.Getenv("SAFETYNET_TEST_POSTGRES")
		if dsn == "" {
			b.Skip("SAFETYNET_TEST_POSTGRES is not set")
		}
		var r B3Run
		for b.Loop() {
			if r, err = B3Postgres(context.Background(), dsn, d, out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(r.Load.Milliseconds()), "load-ms")
		b.ReportMetric(float64(r.Query.Milliseconds()), "query-ms")
	})
}

// TestB3Small runs B3 on a small registry: the Go path's figures must add
// up, and, when SAFETYNET_TEST_POSTGRES names a server, PostgreSQL must
// write the same lines.
func TestB3Small(t *testing.T) {
	rs, err := B3(context.Background(), 3000, os.Getenv("SAFETYNET_TEST_POSTGRES"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		t.Logf("%s %s: %s; %s", r.ID, r.Workload, r.Time, r.Note)
		if r.ID != "B3" || r.Time <= 0 {
			t.Errorf("result %+v", r)
		}
	}
	d, err := B3Generate(t.TempDir(), 3000, 12000)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "results.csv")
	g, err := B3Go(d, out, 2)
	if err != nil {
		t.Fatal(err)
	}
	lines, _, err := B3Checksum(out)
	if err != nil {
		t.Fatal(err)
	}
	if g.Persons != d.PersonRows || g.Households != d.Households || lines != d.Households || g.Records != int64(d.Records) || g.Rejected != 0 {
		t.Errorf("Go path %+v over %d households, %d persons, %d records: want them all, none rejected", g, d.Households, d.PersonRows, d.Records)
	}
	if share := float64(g.Matched) / float64(g.Records); share < 0.65 || share > 0.75 {
		t.Errorf("%.2f of the records matched a person, want about 0.7", share)
	}
}
