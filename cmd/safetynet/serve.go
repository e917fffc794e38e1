package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

func runServe(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "addr", "secure-cookies", "log-level")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.keys == nil {
		fmt.Fprintln(os.Stderr, "Warning: no key file (--key-file or SAFETYNET_KEY_FILE): households cannot be registered until one is set. Create one with `safetynet key create FILE`.")
	}
	return a.serve(ctx, func(url string) { fmt.Printf("SafetyNet is serving at %s\n", url) })
}

func runMigrate(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg.bind(fs, "db", "log-level")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	have, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	v, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if v == have {
		fmt.Printf("The schema is up to date (version %d).\n", v)
	} else {
		fmt.Printf("Migrated the schema from version %d to %d.\n", have, v)
	}
	if n, err := db.SeedRules(ctx); err != nil {
		return err
	} else if n > 0 {
		fmt.Printf("Added %d default risk rules (inactive: a county activates each after its dry run).\n", n)
	}
	return nil
}
