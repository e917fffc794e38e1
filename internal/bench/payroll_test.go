package bench

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// TestB2Small runs B2 on 500 households of SQLite and checks the bank file.
func TestB2Small(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "bench"})
	db, cleanup, err := B2Store(ctx, "sqlite", "")
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if err := db.SeedPayroll(ctx, "440103", 500, civil.Month{Year: 2025, Month: 1}); err != nil {
		t.Fatal(err)
	}
	set, _ := policy.Shipped()
	path := filepath.Join(t.TempDir(), "bank.csv")
	p, n, err := B2Run(ctx, db, set, path)
	if err != nil || n != 475 || p.Lines != 475 || p.Suspended != 25 {
		t.Fatalf("payroll %+v, %d lines, %v", p, n, err)
	}
	b, _ := os.ReadFile(path)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 476 || !strings.Contains(lines[1], "6222020200112233445") ||
		!strings.HasSuffix(lines[1], "2025年7月低保金") {
		t.Fatalf("bank file: %d lines, first %q", len(lines), lines[1])
	}
}

// BenchmarkB2 is B2 on SQLite and, with SAFETYNET_TEST_POSTGRES, on
// PostgreSQL: SAFETYNET_BENCH_B2_HOUSEHOLDS (default 100000) households,
// a fresh store each iteration (seeding not timed).
func BenchmarkB2(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SAFETYNET_BENCH_B2_HOUSEHOLDS")); err == nil && v > 0 {
		n = v
	}
	pg := os.Getenv("SAFETYNET_TEST_POSTGRES")
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "bench"})
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			if dialect == "postgres" && pg == "" {
				b.Skip("set SAFETYNET_TEST_POSTGRES")
			}
			set, _ := policy.Shipped()
			for b.Loop() {
				b.StopTimer()
				db, cleanup, err := B2Store(ctx, dialect, pg)
				if err != nil {
					b.Fatal(err)
				}
				if err := db.SeedPayroll(ctx, "440103", n, civil.Month{Year: 2025, Month: 1}); err != nil {
					b.Fatal(err)
				}
				path := filepath.Join(b.TempDir(), "bank.csv")
				b.StartTimer()
				if _, _, err := B2Run(ctx, db, set, path); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cleanup()
				b.StartTimer()
			}
			b.ReportMetric(float64(n), "households")
		})
	}
}
