package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/verify"
)

// runVerify runs the verification run of a region on a day:
// safetynet verify --region 440103.
func runVerify(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "log-level")
	code := fs.String("region", "", "the county (6 digits) or township (9 digits) to verify")
	asOf := fs.String("as-of", "", "the day verified, YYYY-MM-DD: households as they stood then, incomes of the months before (default: today)")
	reviews := fs.Bool("open-reviews", false, "when the run is done, open a review (复核) of each enrollment whose eligibility or amount would change")
	quiet := fs.Bool("quiet", false, "no progress line")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: safetynet verify --region CODE [options]

Verify the economic status (家庭经济状况核对) of every household of a county or
township that has an active enrollment or a pending application, against the
departments' data imported with "safetynet import --source", and list the
households whose eligibility or amount would change.

A household without a valid signed authorisation is not checked (无委托不核对)
and is listed as such. A verification report is issued for each household
where a program's verdict or amount would change or a declared value differs.

There is one run per region and day: a run that was stopped (Ctrl-C, a crash)
resumes where it stopped when the same command is run again; a finished run
is shown again, not repeated. With --open-reviews the changed households'
enrollments get a review (trigger: other, 核对发现) citing the report, once.

Options:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, day, err := regionRunArgs(fs, *code, *asOf, "verify")
	if err != nil {
		return err
	}
	if err := verify.CheckRunRegion(r.Code, day); err != nil {
		return err
	}
	a, err := openKeyedApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	set, err := a.db.ParamSet(ctx)
	if err != nil {
		return err
	}
	ctx = cliActor(ctx, "verify --region "+r.Code)
	v := &verify.Verifier{Store: a.db, Index: verify.IndexWith(a.keys), Params: set}
	p := newProgress(os.Stderr, *quiet)
	fmt.Fprintf(os.Stderr, "Verifying %s %s as of %s…\n", r.Code, r.Name, day)
	run, err := v.RunRegion(ctx, a.db, verify.RunOptions{Region: r.Code, AsOf: day, Progress: func(r *verify.Run) {
		done := r.Done()
		p.show(float64(done)/float64(max(1, r.Households)), fmt.Sprintf("%d / %d households, %d changed so far, %.0f households/s", done, r.Households, r.Changed, p.rate(done)))
	}, Log: a.log})
	p.done()
	if err != nil {
		if run != nil && ctx.Err() != nil {
			fmt.Fprintf(os.Stderr, "Run %d stopped after %d of %d households: run the same command again to resume it.\n", run.ID, run.Done(), run.Households)
		}
		return err
	}
	if run.Again {
		fmt.Printf("The run of %s on %s finished on %s: its results are shown again, nothing was verified anew.\n",
			r.Code, day, run.FinishedAt.In(civil.Shanghai).Format("2006-01-02 15:04"))
	}
	if err := printRun(ctx, os.Stdout, a.db, run, time.Since(p.start)); err != nil {
		return err
	}
	if !*reviews {
		if run.Changed > 0 {
			fmt.Println("Run again with --open-reviews to open a review of each changed enrollment.")
		}
		return nil
	}
	cal, err := storeCalendar(ctx, a.db)
	if err != nil {
		return err
	}
	env := &casework.Env{Today: civil.Today(), Now: time.Now(), Actor: casework.Actor{Username: casework.System}, Calendar: cal, Params: set}
	n, err := verify.OpenReviews(ctx, a.db, a.db, run.ID, env)
	if err != nil {
		return err
	}
	fmt.Printf("Reviews: %d opened; %d programs had an open application or review already; %d enrollments are no longer active; %d refused; "+
		"%d changes concern pending applications (their reports go with them).\n", n.Opened, n.Open, n.NotEnrolled, n.Refused, n.Applications)
	for _, e := range n.Errors {
		fmt.Fprintf(os.Stderr, "  %v\n", e)
	}
	return nil
}

// printRun prints a run's summary and its first 20 changed households.
func printRun(ctx context.Context, w io.Writer, st verify.RunStore, run *verify.Run, took time.Duration) error {
	fmt.Fprintf(w, "Run %d of %s as of %s: %d households; %d verified, %d without a valid authorisation (not checked), %d errors; %d would change.\n",
		run.ID, run.Region, run.AsOf, run.Households, run.Verified, run.NoAuthorisation, run.Errors, run.Changed)
	if !run.Again && run.Done() > 0 {
		fmt.Fprintf(w, "Took %.1f s (%.2f ms a household).\n", took.Seconds(), float64(took.Microseconds())/1000/float64(run.Done()))
	}
	yes := true
	changed, err := st.RunResults(ctx, run.ID, verify.ResultFilter{Changed: &yes, Limit: 20})
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		fmt.Fprintln(w, "\nHouseholds whose eligibility or amount would change (declared → verified):")
	}
	for _, r := range changed {
		var progs []string
		for _, p := range r.Programs {
			if p.Changed {
				progs = append(progs, fmt.Sprintf("%s %s %s → %s %s", policy.ProgramName(p.Program, "zh"),
					verdictText(p.DeclaredVerdict), p.DeclaredAmount, verdictText(p.VerifiedVerdict), p.VerifiedAmount))
			}
		}
		fmt.Fprintf(w, "  %-22s %s; report %s\n", r.HouseholdNumber, strings.Join(progs, "; "), r.ReportNumber)
	}
	if run.Changed > int64(len(changed)) {
		fmt.Fprintf(w, "  … %d more\n", run.Changed-int64(len(changed)))
	}
	if run.Errors > 0 {
		status := verify.ResultError
		failed, err := st.RunResults(ctx, run.ID, verify.ResultFilter{Status: &status, Limit: 5})
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "\nNot verified because of an error:")
		for _, r := range failed {
			fmt.Fprintf(w, "  %-22s %s\n", r.HouseholdNumber, r.Text())
		}
	}
	return nil
}

func verdictText(v policy.Verdict) string {
	if v == "" {
		return "-"
	}
	return policy.VerdictName(v, "zh")
}
