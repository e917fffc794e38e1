package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/payment"
	"safetynet/internal/pii"
	"safetynet/internal/policy"
	"safetynet/internal/store"
)

// B2 (DESIGN.md §10): the monthly payroll of n households end to end:
// read the enrollments from the store, compute each line, write the lines,
// and write a plain bank CSV of them (account name, account number, bank,
// amount, purpose). The store is seeded beforehand (store.SeedPayroll:
// one county, every 20th enrollment suspended), which is not timed.

// B2Targets are the targets for 1M households per dialect.
var B2Targets = map[string]time.Duration{"sqlite": 20 * time.Second, "postgres": 15 * time.Second}

// B2Month is the benchmark's payroll month.
var B2Month = civil.Month{Year: 2025, Month: 7}

// B2 measures the payroll of n households on SQLite and, when pg is a
// PostgreSQL URL, on PostgreSQL (in a scratch schema, dropped after).
func B2(ctx context.Context, n int, pg string, progress func(string)) ([]Result, error) {
	dialects := []string{"sqlite"}
	if pg != "" {
		dialects = append(dialects, "postgres")
	}
	var out []Result
	for _, d := range dialects {
		r, err := b2One(ctx, d, pg, n, progress)
		if err != nil {
			return out, fmt.Errorf("B2 %s: %w", d, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// B2Store opens a fresh, migrated, keyed store of the dialect; cleanup
// closes and removes it.
func B2Store(ctx context.Context, dialect, pg string) (*store.DB, func(), error) {
	dir, err := os.MkdirTemp("", "safetynet-b2-")
	if err != nil {
		return nil, nil, err
	}
	dsn, drop := filepath.Join(dir, "b2.db"), func() { os.RemoveAll(dir) }
	if dialect == "postgres" {
		b := make([]byte, 6)
		rand.Read(b)
		schema := "b2_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", pg)
		if err != nil {
			return nil, nil, err
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			admin.Close()
			return nil, nil, err
		}
		u, err := url.Parse(pg)
		if err != nil {
			return nil, nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
		drop = func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
			os.RemoveAll(dir)
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		drop()
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		drop()
		return nil, nil, err
	}
	k, err := pii.GenerateKeys(pii.SM4GCM)
	if err != nil {
		db.Close()
		drop()
		return nil, nil, err
	}
	db.SetKeys(k)
	return db, func() { db.Close(); drop() }, nil
}

func b2One(ctx context.Context, dialect, pg string, n int, progress func(string)) (Result, error) {
	say := func(format string, a ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, a...))
		}
	}
	db, cleanup, err := B2Store(ctx, dialect, pg)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()
	say("B2 %s: seeding %d enrolled households", dialect, n)
	if err := db.SeedPayroll(ctx, "440103", n, civil.Month{Year: 2025, Month: 1}); err != nil {
		return Result{}, err
	}
	set, err := policy.Shipped()
	if err != nil {
		return Result{}, err
	}
	dir, err := os.MkdirTemp("", "safetynet-b2-bank-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	say("B2 %s: generating the payroll and the bank file", dialect)
	start := time.Now()
	p, lines, err := B2Run(audit.WithActor(ctx, audit.Actor{Username: "bench"}), db, set, filepath.Join(dir, "bank.csv"))
	if err != nil {
		return Result{}, err
	}
	took := time.Since(start)
	r := Result{ID: "B2", Workload: fmt.Sprintf("payroll for %d households, %s (%d lines, bank CSV)", n, dialect, lines), Time: took,
		HeapMB: HeapMB(), PeakMB: PeakRSSMB(), Note: fmt.Sprintf("total %s yuan", p.Total)}
	if n == 1_000_000 {
		r.Target = B2Targets[dialect]
	}
	return r, nil
}

// B2Run generates the payroll of county 440103 for B2Month and writes its
// bank CSV to path; it returns the payroll and the number of lines
// written.
func B2Run(ctx context.Context, db *store.DB, set *policy.Set, path string) (*payment.Payroll, int, error) {
	p, _, err := payment.Generate(ctx, db, payment.Options{County: "440103", Program: policy.Dibao, Month: B2Month, Params: set})
	if err != nil {
		return nil, 0, err
	}
	return B2Bank(ctx, db, p, path)
}

// B2Bank writes the bank CSV of payroll p to path; it returns p and the
// number of lines written.
func B2Bank(ctx context.Context, db *store.DB, p *payment.Payroll, path string) (*payment.Payroll, int, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	purpose := fmt.Sprintf("%d年%d月低保金", p.Month.Year, p.Month.Month)
	w.Write([]string{"户名", "账号", "开户行", "金额", "用途"})
	n := 0
	rec := make([]string, 5)
	err = db.EachPayrollLine(ctx, p.ID, func(l *payment.Line) error {
		n++
		rec[0], rec[1], rec[2], rec[3], rec[4] = l.Payee, l.BankAccount, l.BankName, l.Amount.String(), purpose
		return w.Write(rec)
	})
	if err != nil {
		return nil, 0, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, 0, err
	}
	if err := bw.Flush(); err != nil {
		return nil, 0, err
	}
	return p, n, nil
}
