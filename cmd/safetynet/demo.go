package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/pii"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/registry/importfile"
)

// The demo county: 广州市荔湾区, whose real townships and villages are
// embedded.
const (
	demoCounty     = "440103"
	demoHouseholds = 2000
	demoPassword   = "safetynet-demo"
)

// demoUser is one login of the demo, for every role of DESIGN.md §1.
type demoUser struct {
	username, name string
	role           auth.Role
	region         func() string
}

func demoUsers() []demoUser {
	towns := region.Embedded().Children(demoCounty)
	town := func(i int) func() string { return func() string { return towns[i].Code } }
	village := func() string {
		if vs := region.Embedded().Children(towns[0].Code); len(vs) > 0 {
			return vs[0].Code
		}
		return towns[0].Code
	}
	fixed := func(c string) func() string { return func() string { return c } }
	return []demoUser{
		{"admin", "系统管理员", auth.Admin, fixed("44")},
		{"county", "县级审批 陈主任", auth.CountyApprover, fixed(demoCounty)},
		{"county2", "县级审批 林科长", auth.CountyApprover, fixed(demoCounty)}, // approves the payroll county prepared (maker-checker)
		{"township", "乡镇经办 李经办", auth.TownshipCaseworker, town(0)},
		{"township2", "乡镇经办 黄经办", auth.TownshipCaseworker, town(1)},
		{"village", "村居协理员 王协理", auth.VillageAssistant, village},
		{"supervisor", "市级监管 周科长", auth.Supervisor, fixed("4401")},
		{"verifier", "核对中心 吴核对", auth.VerificationOfficer, fixed(demoCounty)},
		{"hotline", "12349热线 郑接线", auth.HotlineOperator, fixed(demoCounty)},
		{"partner", "协作单位 区残联", auth.Partner, fixed(demoCounty)},
		{"auditor", "审计 孙审计", auth.Auditor, fixed("44")},
	}
}

func runDemo(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "addr", "log-level")
	noServe := fs.Bool("load-only", false, "load the demo data and exit without serving")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	if cfg.KeyFile == "" {
		cfg.KeyFile = "safetynet.key"
	}
	if _, err := os.Stat(cfg.KeyFile); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(cfg.DB); err == nil {
			return fmt.Errorf("%s exists but its key file %s does not: without the key its personal data cannot be read (move the store away to start a new demo)", cfg.DB, cfg.KeyFile)
		}
		if _, err := pii.CreateKeyFile(cfg.KeyFile, pii.SM4GCM); err != nil {
			return err
		}
		fmt.Printf("Created the key file %s (mode 0600). Keep it: it decrypts the personal data in %s.\n", cfg.KeyFile, cfg.DB)
	}
	a, err := openApp(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer a.Close()
	a.demo = true
	loaded, err := a.db.Meta(ctx, "demo_loaded")
	if err != nil {
		return err
	}
	if loaded == "" {
		if err := loadDemo(cliActor(ctx, "demo"), a); err != nil {
			return err
		}
		fmt.Printf("Loaded the demo county in %.1f s.\n", time.Since(start).Seconds())
	} else {
		fmt.Printf("The demo data is already loaded (%s); nothing was loaded twice.\n", loaded)
	}
	if *noServe {
		return nil
	}
	return a.serve(ctx, func(url string) {
		fmt.Printf("\nSafetyNet demo (%s, %s) is ready at %s  (%.1f s)\n\n", region.Embedded().FullName(demoCounty), cfg.DB, url, time.Since(start).Seconds())
		tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tPASSWORD\tROLE\tJURISDICTION")
		for _, u := range demoUsers() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.username, demoPassword, u.role, region.Embedded().FullName(u.region()))
		}
		tw.Flush()
		if p := demoCitizen(ctx, a); p != nil {
			fmt.Printf("\nCitizen portal: %s/portal  (e.g. %s: ID number %s, phone %s; the code appears in the log below)\n", url, p.Name, p.IDNumber, p.Phone)
		}
		fmt.Println("\nPress Ctrl-C to stop.")
	})
}

// loadDemo loads the demo county's villages, users and households.
func loadDemo(ctx context.Context, a *app) error {
	villages := region.DemoVillages()
	if err := region.Embedded().Add(villages); err != nil {
		return err
	}
	if _, err := a.db.SaveRegions(ctx, villages); err != nil {
		return err
	}
	// The demo's users share one password; a lower argon2 cost keeps the
	// demo's start fast. Real users get the full cost (user add).
	auth.SetTestCost()
	hash, err := auth.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	for _, u := range demoUsers() {
		if _, err := a.db.UserByUsername(ctx, u.username); err == nil {
			continue // left by an interrupted earlier load
		}
		err := a.db.CreateUser(ctx, &auth.User{Username: u.username, DisplayName: u.name, Role: u.role, Region: u.region(), PasswordHash: hash})
		if err != nil {
			return fmt.Errorf("demo user %s: %w", u.username, err)
		}
	}
	dir, err := os.MkdirTemp("", "safetynet-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opt := gen.Options{Region: demoCounty, Households: demoHouseholds, Seed: 20261123, AsOf: civil.Today(), Villages: villages}
	if _, err := gen.WriteCSV(dir, opt); err != nil {
		return err
	}
	batch, rowErrs, err := importfile.ReadCSVDir(dir, importfile.Options{})
	if err != nil {
		return err
	}
	if len(rowErrs) > 0 {
		return fmt.Errorf("the generated demo data has %d invalid rows, first: %v", len(rowErrs), rowErrs[0])
	}
	rep, err := importfile.Apply(ctx, a.db, registry.Scope{}, batch)
	if err != nil {
		return err
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("the demo import refused %d households, first: %v", len(rep.Errors), rep.Errors[0])
	}
	fmt.Printf("Demo data: %d households, %d persons, %d incomes, %d assets.\n", rep.Households, rep.Persons, rep.Incomes, rep.Assets)
	n, err := loadDemoCases(ctx, a.db)
	if err != nil {
		return fmt.Errorf("demo applications: %w", err)
	}
	fmt.Printf("Demo applications: %d, at every step of the workflow.\n", n)
	if n, err = loadDemoVerification(ctx, a.db); err != nil {
		return fmt.Errorf("demo verification: %w", err)
	}
	fmt.Printf("Demo verification: departments' data imported, %d verification reports issued.\n", n)
	if n, err = loadDemoMonitor(ctx, a.db); err != nil {
		return fmt.Errorf("demo monitoring: %w", err)
	}
	fmt.Printf("Demo monitoring: %d monitored households, default rules active for the county.\n", n)
	warnings, err := loadDemoWarnings(ctx, a.db)
	if err != nil {
		return fmt.Errorf("demo warnings: %w", err)
	}
	fmt.Printf("Demo warnings: this month's monitoring run raised %d; the township has visited and settled some.\n", warnings)
	if n, err = loadDemoReferrals(ctx, a.db); err != nil {
		return fmt.Errorf("demo referrals: %w", err)
	}
	fmt.Printf("Demo referrals: a partner directory and %d referrals at every status (sign in as partner for the disabled persons' federation).\n", n)
	if err := loadDemoPayroll(ctx, a.db); err != nil {
		return fmt.Errorf("demo payroll: %w", err)
	}
	return a.db.SetMeta(ctx, "demo_loaded", time.Now().In(civil.Shanghai).Format("2006-01-02 15:04"))
}

// demoCitizen is someone to sign in to the citizen portal with: the
// applicant of a demo application who has a registered phone, or else any
// adult of the demo county with one.
func demoCitizen(ctx context.Context, a *app) *registry.Person {
	scope := registry.Scope{Region: demoCounty}
	if apps, err := a.db.Applications(ctx, scope, casework.Filter{Limit: 50}); err == nil {
		for _, sm := range apps {
			app, err := a.db.Application(ctx, scope, sm.ID)
			if err != nil {
				continue
			}
			if p, err := a.db.Person(ctx, scope, app.ApplicantID); err == nil && p.Phone != "" && app.Purpose == "" {
				return p
			}
		}
	}
	ps, err := a.db.FindPersons(ctx, scope, registry.PersonFilter{Limit: 100})
	if err != nil {
		return nil
	}
	for _, p := range ps {
		if p.Phone != "" && p.HouseholdID != 0 && p.Death.IsZero() && p.Birth.YearsAt(civil.Today()) >= 18 {
			return &p.Person
		}
	}
	return nil
}
