package importfile_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/registry/importfile"
)

// BenchmarkReadCSV parses and validates the persons table of 100,000
// generated households (about 270,000 rows) and reports rows per second.
func BenchmarkReadCSV(b *testing.B) {
	asOf := civil.D(2025, time.June, 30)
	dir := b.TempDir()
	if _, err := gen.WriteCSV(dir, gen.Options{Region: "4401", Households: 100_000, Seed: 1, AsOf: asOf}); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "persons.csv"))
	if err != nil {
		b.Fatal(err)
	}
	rows := bytes.Count(data, []byte{'\n'}) - 1
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch, errs, err := importfile.ReadCSV(bytes.NewReader(data), nil, nil, importfile.Options{Today: asOf})
		if err != nil || len(errs) > 0 || len(batch.Households) != 100_000 {
			b.Fatalf("got %d households, %d errors (%v), want 100000 and none", len(batch.Households), len(errs), err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
