package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// runPayroll runs a payroll subcommand: safetynet payroll generate
// --county 440103 --month 2025-07.
func runPayroll(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "generate" {
		return errors.New("usage: safetynet payroll generate --county CODE --month YYYY-MM [--program dibao] (see -h)")
	}
	return runPayrollGenerate(ctx, args[1:])
}

func runPayrollGenerate(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("payroll generate", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "log-level")
	county := fs.String("county", "", "the county (6 digits) that pays")
	month := fs.String("month", "", "the month paid, YYYY-MM")
	program := fs.String("program", string(policy.Dibao), "the program")
	chunk := fs.Int("chunk", 0, "households stored per transaction (0: payment.DefaultChunk)")
	stale := fs.Duration("stale", payment.StaleAfter, "take over a generation whose last chunk is older than this (after a crash)")
	quiet := fs.Bool("quiet", false, "no progress line")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: safetynet payroll generate --county CODE --month YYYY-MM [options]

Generate the month's payroll (发放花名册) of a county and program from the
enrollments covering the month: the decided amount of each active enrollment
(or the rules engine's amount where the county sets payment.recompute_monthly),
no line for a suspended one, back pay for earlier months no payroll paid, and
the adjustments recorded since the last payroll. Every line explains its amount
(docs/payments.md).

There is one payroll per county, program and month. A generation that was
stopped resumes where it stopped when the same command is run again. A payroll
not yet approved is generated anew and the differences are printed; an approved
one is locked: the command prints what would differ now and changes nothing
(corrections go into the next month as adjustments). The user who generates a
payroll cannot approve it.

Options:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *county == "" || *month == "" || fs.NArg() != 0 {
		fs.Usage()
		return errors.New("name the --county and the --month")
	}
	r, ok := region.Embedded().Resolve(*county)
	if !ok || len(r.Code) != 6 {
		return fmt.Errorf("--county %s is not a known county code", *county)
	}
	m, err := civil.ParseMonth(*month)
	if err != nil {
		return fmt.Errorf("--month: %v", err)
	}
	prog, err := policy.ParseProgram(*program)
	if err != nil {
		return fmt.Errorf("--program: %v", err)
	}
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer a.Close()
	set, err := a.db.ParamSet(ctx)
	if err != nil {
		return err
	}
	ctx = cliActor(ctx, "payroll generate --county "+r.Code+" --month "+m.String())
	pr := newProgress(os.Stderr, *quiet)
	fmt.Fprintf(os.Stderr, "Generating the %s payroll of %s %s for %s…\n", prog, r.Code, r.Name, m)
	p, diff, err := payment.Generate(ctx, a.db, payment.Options{County: r.Code, Program: prog, Month: m, Params: set, Chunk: *chunk, Stale: *stale,
		Started: func(p *payment.Payroll) {
			switch {
			case p.Resumed:
				fmt.Fprintf(os.Stderr, "Resuming payroll %d after %d of %d households.\n", p.ID, p.Done, p.Pending)
			case p.Rerun:
				fmt.Fprintf(os.Stderr, "Payroll %d is prepared, not approved: generating it anew.\n", p.ID)
			}
		},
		Progress: func(p *payment.Payroll) {
			pr.show(float64(p.Done)/float64(max(1, p.Pending)), fmt.Sprintf("%d / %d households, %.0f households/s",
				p.Done, p.Pending, pr.rate(p.Done)))
		}})
	pr.done()
	if err != nil {
		if p != nil && ctx.Err() != nil {
			fmt.Fprintf(os.Stderr, "Payroll %d stopped after %d households: run the same command again to resume it.\n", p.ID, p.Done)
		}
		return err
	}
	if p.Again {
		fmt.Printf("Payroll %d was approved by %s on %s: it is locked, nothing was changed.\n", p.ID, p.ApprovedBy,
			p.ApprovedAt.In(civil.Shanghai).Format("2006-01-02 15:04"))
	}
	printPayroll(p)
	switch {
	case p.Again && diff.Empty():
		fmt.Println("Generated now it would be the same.")
	case p.Again:
		fmt.Println("Generated now it would differ (record corrections as adjustments for the next month):")
		printDiff(diff)
	case diff != nil && diff.Empty():
		fmt.Println("Generated anew: no difference from the previous generation.")
	case diff != nil:
		fmt.Println("Generated anew; the differences from the previous generation:")
		printDiff(diff)
	}
	if took := time.Since(pr.start); !p.Again {
		fmt.Printf("Took %.1f s.\n", took.Seconds())
	}
	return nil
}

func printPayroll(p *payment.Payroll) {
	fmt.Printf("Payroll %d: %s %s %s, %s, prepared by %s.\n", p.ID, p.County, p.Program, p.Month, p.Status, p.PreparedBy)
	fmt.Printf("  households %d, lines %d, suspended (not paid) %d\n", p.Households, p.Lines, p.Suspended)
	fmt.Printf("  regular %s, back pay %s, adjustments %s, total %s yuan\n", p.Regular, p.BackPay, p.Adjustments, p.Total)
}

func printDiff(d *payment.Diff) {
	fmt.Printf("  %d lines added, %d removed, %d with another amount; total %s → %s yuan\n", d.NAdded, d.NRemoved, d.NChanged, d.Before.Total, d.After.Total)
	line := func(sign string, l payment.Line, extra string) {
		fmt.Printf("  %s %s %s %s %s %s%s\n", sign, l.HouseholdNo, l.Payee, l.ServiceMonth, l.Kind, l.Amount, extra)
	}
	const show = 20
	for i, l := range d.Added {
		if i == show {
			break
		}
		line("+", l, "")
	}
	for i, l := range d.Removed {
		if i == show {
			break
		}
		line("-", l, "")
	}
	for i, c := range d.Changed {
		if i == show {
			break
		}
		line("~", c.After, " (was "+money.Fen(c.Before.Amount).String()+")")
	}
}
