package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"safetynet/internal/bench"
)

// runBench is `safetynet bench`: the performance workloads of DESIGN.md
// §10 that exist so far, measured in this process, printed as a table with
// their targets. docs/benchmarks.md records the figures and the `go test
// -bench` commands that give the same numbers.
func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	b1 := fs.String("b1", "100000,1000000", "B1: household counts, comma-separated (5000000 needs about 3 GB while it builds and several minutes)")
	b3 := fs.String("b3", "100000", "B3: registry sizes in persons, comma-separated; the departments' records are 4 times as many (5000000: 2.3 GB of files in the temporary directory, about 1 GB of memory, a few minutes with PostgreSQL)")
	b4 := fs.String("b4", "1000000", "B4: tax file rows, comma-separated")
	b2 := fs.String("b2", "100000", "B2: payroll households, comma-separated (on SQLite, and on PostgreSQL with --pg)")
	mon := fs.String("monitor", "100000", "monitoring run (issue 6): monitored persons, comma-separated; the departments' records are 4 times as many (5000000: about 2.5 GB of files in the temporary directory, several GB of memory, a few minutes)")
	monRules := fs.Int("monitor-rules", 20, "monitoring run: how many of the benchmark's 20 rules to evaluate")
	pg := fs.String("pg", os.Getenv("SAFETYNET_TEST_POSTGRES"), "B2 and B3: the PostgreSQL server to compare with (a scratch schema is created and dropped); empty skips the comparison")
	runs := fs.Int("runs", 3, "B1 and B4: runs per size; the best is reported")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: safetynet bench [--b1 N,...] [--b2 N,...] [--b3 N,...] [--b4 N,...] [--monitor N,...] [--monitor-rules R] [--pg DSN] [--runs R]\n\nWith none of --b1, --b2, --b3, --b4 and --monitor, all five run at their default sizes; with some, only those.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *runs < 1 {
		return errors.New("--runs must be at least 1")
	}
	if *monRules < 1 || *monRules > len(bench.MonitorRules()) {
		return fmt.Errorf("--monitor-rules must be between 1 and %d", len(bench.MonitorRules()))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	all := !set["b1"] && !set["b2"] && !set["b3"] && !set["b4"] && !set["monitor"]
	var sizes [5][]int
	for i, f := range []struct {
		name, value string
	}{{"b1", *b1}, {"b3", *b3}, {"b4", *b4}, {"monitor", *mon}, {"b2", *b2}} {
		if !all && !set[f.name] {
			continue
		}
		var err error
		if sizes[i], err = parseSizes(f.name, f.value); err != nil {
			return err
		}
	}
	progress := func(s string) { fmt.Fprintln(os.Stderr, s) }
	if len(sizes[1]) > 0 && *pg == "" {
		progress("B3: the PostgreSQL comparison is skipped: give --pg DSN or set SAFETYNET_TEST_POSTGRES")
	}
	workloads := []struct {
		sizes []int
		run   func(n int) ([]bench.Result, error)
	}{
		{sizes[0], func(n int) ([]bench.Result, error) {
			r, err := bench.B1(n, *runs, progress)
			if err != nil {
				return nil, err
			}
			return []bench.Result{r}, nil
		}},
		{sizes[2], func(n int) ([]bench.Result, error) { return bench.B4(n, *runs, progress) }},
		{sizes[1], func(n int) ([]bench.Result, error) { return bench.B3(ctx, n, *pg, progress) }},
		{sizes[3], func(n int) ([]bench.Result, error) { return bench.Monitor(ctx, n, *monRules, progress) }},
		{sizes[4], func(n int) ([]bench.Result, error) { return bench.B2(ctx, n, *pg, progress) }},
	}
	var results []bench.Result
	for _, w := range workloads {
		for _, n := range w.sizes {
			if err := ctx.Err(); err != nil {
				return err
			}
			rs, err := w.run(n)
			if err != nil {
				printBench(os.Stdout, append(results, rs...))
				return err
			}
			results = append(results, rs...)
		}
	}
	printBench(os.Stdout, results)
	return nil
}

// parseSizes reads a flag's comma-separated positive counts.
func parseSizes(name, v string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--%s: %q is not a positive count", name, f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func printBench(w io.Writer, rs []bench.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tworkload\ttime\ttarget\theap MB\tpeak RSS MB\tnote")
	for _, r := range rs {
		target := "-"
		if r.Target > 0 {
			mark := "✓"
			if !r.OK() {
				mark = "✗"
			}
			target = "< " + r.Target.String() + " " + mark
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Workload, r.Time.Round(100*time.Microsecond), target, mb(r.HeapMB), mb(r.PeakMB), r.Note)
	}
	tw.Flush()
}

// mb formats a memory figure, "-" for none.
func mb(v float64) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}
