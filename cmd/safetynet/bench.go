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
	sizes := fs.String("b1", "100000,1000000", "B1: household counts, comma-separated (5000000 needs about 3 GB while it builds and several minutes)")
	runs := fs.Int("runs", 3, "evaluations per size; the best is reported")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *runs < 1 {
		return errors.New("--runs must be at least 1")
	}
	var ns []int
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("--b1: %q is not a household count", f)
		}
		ns = append(ns, n)
	}
	var results []bench.Result
	for _, n := range ns {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := bench.B1(n, *runs, func(s string) { fmt.Fprintln(os.Stderr, s) })
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	printBench(os.Stdout, results)
	return nil
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.0f\t%.0f\t%s\n", r.ID, r.Workload, r.Time.Round(100*time.Microsecond), target, r.HeapMB, r.PeakMB, r.Note)
	}
	tw.Flush()
}
