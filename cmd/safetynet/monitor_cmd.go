package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/verify"
)

// runMonitor runs the monitoring run of a region on a day:
// safetynet monitor --region 440103.
func runMonitor(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "log-level")
	code := fs.String("region", "", "the county (6 digits) or township (9 digits) to monitor")
	asOf := fs.String("as-of", "", "the day of the run, YYYY-MM-DD (default: today)")
	quiet := fs.Bool("quiet", false, "no progress line")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: safetynet monitor --region CODE [options]

Run the active risk rules (预警规则) over the monitored low-income population of
a county or township: benefit recipients, people who exited assistance and
rejected applicants within the windows of monitor.exited.months and
monitor.rejected.months. Each person a rule finds gets a warning (预警) to the
household's township, due within monitor.warning.handle_wd working days,
unless the same rule warned about them within monitor.repeat.months.

The server runs every county with active rules once a month by itself; this
command runs one region now. There is one run per region and day: a run that
was stopped resumes where it stopped when the same command is run again; a
finished run is shown again, not repeated.

Options:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, day, err := regionRunArgs(fs, *code, *asOf, "monitor")
	if err != nil {
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
	cal, err := storeCalendar(ctx, a.db)
	if err != nil {
		return err
	}
	ctx = cliActor(ctx, "monitor --region "+r.Code)
	p := newProgress(os.Stderr, *quiet)
	fmt.Fprintf(os.Stderr, "Monitoring %s %s as of %s…\n", r.Code, r.Name, day)
	run, err := monitor.RunRegion(ctx, a.db, monitor.RunOptions{Region: r.Code, AsOf: day, Params: set, Calendar: cal, Index: verify.IndexWith(a.keys),
		Progress: func(r *monitor.Run) {
			p.show(float64(r.Households)/float64(max(1, r.Total)), fmt.Sprintf("%d / %d households, %d persons, %d warnings so far, %.0f households/s",
				r.Households, r.Total, r.Persons, r.Raised, p.rate(r.Households)))
		}})
	p.done()
	if err != nil {
		if run != nil && ctx.Err() != nil {
			fmt.Fprintf(os.Stderr, "Run %d stopped after %d households: run the same command again to resume it.\n", run.ID, run.Households)
		}
		return err
	}
	if run.Again {
		fmt.Printf("The run of %s on %s finished on %s: it is shown again, nothing was evaluated anew.\n",
			r.Code, day, run.FinishedAt.In(civil.Shanghai).Format("2006-01-02 15:04"))
	}
	fmt.Printf("Run %d of %s as of %s: %d rules over %d households (%d persons); %d warnings raised, %d not repeated within the window, %d evaluation errors.\n",
		run.ID, run.Region, run.AsOf, run.Rules, run.Households, run.Persons, run.Raised, run.Repeats, run.Errors)
	if took := time.Since(p.start); !run.Again && run.Households > 0 {
		fmt.Printf("Took %.1f s (%.2f ms a household).\n", took.Seconds(), float64(took.Microseconds())/1000/float64(run.Households))
	}
	return nil
}
