package bench

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
	"safetynet/internal/store"
)

// timedStore times the JobStore calls of a generation. With the pipeline
// (payment.generateChunks) reading and storing overlap, so the phases add
// up to more than the whole.
type timedStore struct {
	*store.DB
	begin, src, save, fin time.Duration
}

func timed(d *time.Duration) func() {
	t := time.Now()
	return func() { *d += time.Since(t) }
}

func (s *timedStore) BeginPayroll(ctx context.Context, k payment.Key, stale time.Duration) (*payment.Payroll, error) {
	defer timed(&s.begin)()
	return s.DB.BeginPayroll(ctx, k, stale)
}

func (s *timedStore) PayrollSources(ctx context.Context, q payment.SourceQuery) ([]payment.Source, error) {
	defer timed(&s.src)()
	return s.DB.PayrollSources(ctx, q)
}

func (s *timedStore) SaveLines(ctx context.Context, p *payment.Payroll, l []payment.Line, c payment.ChunkCounts, after int64) error {
	defer timed(&s.save)()
	return s.DB.SaveLines(ctx, p, l, c, after)
}

func (s *timedStore) FinishPayroll(ctx context.Context, p *payment.Payroll, adj []payment.Line, st, r string) (*payment.Diff, error) {
	defer timed(&s.fin)()
	return s.DB.FinishPayroll(ctx, p, adj, st, r)
}

// TestB2Phases is B2 with the time of each phase, for finding where it
// goes: SAFETYNET_BENCH_B2_PHASES households (skipped when unset), on
// SQLite and, with SAFETYNET_TEST_POSTGRES, on PostgreSQL;
// SAFETYNET_BENCH_B2_CHUNK sets the chunk (default payment.DefaultChunk).
func TestB2Phases(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SAFETYNET_BENCH_B2_PHASES"))
	if n <= 0 {
		t.Skip("set SAFETYNET_BENCH_B2_PHASES to a number of households")
	}
	chunk, _ := strconv.Atoi(os.Getenv("SAFETYNET_BENCH_B2_CHUNK"))
	pg := os.Getenv("SAFETYNET_TEST_POSTGRES")
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "bench"})
	set, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"sqlite", "postgres"} {
		if d == "postgres" && pg == "" {
			continue
		}
		db, cleanup, err := B2Store(ctx, d, pg)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if err := db.SeedPayroll(ctx, "440103", n, civil.Month{Year: 2025, Month: 1}); err != nil {
			cleanup()
			t.Fatal(err)
		}
		seed := time.Since(t0)
		ts := &timedStore{DB: db}
		t1 := time.Now()
		p, _, err := payment.Generate(ctx, ts, payment.Options{County: "440103", Program: policy.Dibao, Month: B2Month, Params: set, Chunk: chunk})
		if err != nil {
			cleanup()
			t.Fatal(err)
		}
		gen := time.Since(t1)
		t2 := time.Now()
		_, lines, err := B2Bank(ctx, db, p, filepath.Join(t.TempDir(), "bank.csv"))
		cleanup()
		if err != nil {
			t.Fatal(err)
		}
		bank := time.Since(t2)
		r := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
		t.Logf("%s, %d households: seed %v (not timed) | generate %v: begin %v, reading %v, storing %v, finish %v | bank file %v (%d lines) | B2 %v",
			d, n, r(seed), r(gen), r(ts.begin), r(ts.src), r(ts.save), r(ts.fin), r(bank), lines, r(gen+bank))
	}
}
