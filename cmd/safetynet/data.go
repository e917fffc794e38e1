package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/registry/importfile"
)

func runGen(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	regionCode := fs.String("region", "", "a province, city or county code: households are spread over its real townships")
	n := fs.Int("households", 1000, "how many households")
	out := fs.String("out", "", "the directory to write persons.csv, incomes.csv and assets.csv into")
	seed := fs.Int64("seed", 1, "the random seed: the same seed gives the same data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *regionCode == "" || *out == "" {
		return errors.New("--region and --out are required")
	}
	r, ok := region.Embedded().Resolve(*regionCode)
	if !ok {
		return fmt.Errorf("--region %s is not a known region code", *regionCode)
	}
	*regionCode = r.Code
	if *n <= 0 {
		return errors.New("--households must be positive")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	start := time.Now()
	st, err := gen.WriteCSV(*out, gen.Options{Region: *regionCode, Households: *n, Seed: *seed, AsOf: civil.Today()})
	if err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Printf("Wrote %d households, %d persons, %d incomes and %d assets to %s in %.1f s (%.0f households/s).\n",
		st.Households, st.Persons, st.Incomes, st.Assets, *out, d.Seconds(), float64(st.Households)/d.Seconds())
	return nil
}

func runImport(ctx context.Context, args []string) error {
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		return runImportSource(ctx, args)
	}
	if len(args) == 0 || args[0] != "registry" {
		return errors.New("usage: safetynet import registry [--db D] [--key-file K] [--region CODE] FILE.xlsx|DIR\n       safetynet import --source CODE [--db D] [--key-file K] FILE (safetynet import --source list names the sources)")
	}
	var cfg config
	fs := flag.NewFlagSet("import registry", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "log-level")
	scope := fs.String("region", "", "refuse households outside this region (default: none)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name one XLSX file or one directory of CSV files")
	}
	path := fs.Arg(0)
	if *scope != "" {
		r, ok := region.Embedded().Resolve(*scope)
		if !ok {
			return fmt.Errorf("--region %s is not a known region code", *scope)
		}
		*scope = r.Code
	}
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	opt := importfile.Options{Scope: *scope}
	var batch *importfile.Batch
	var rowErrs []*apperr.Error
	if info, err := os.Stat(path); err != nil {
		return err
	} else if info.IsDir() {
		batch, rowErrs, err = importfile.ReadCSVDir(path, opt)
		if err != nil {
			return err
		}
	} else if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		batch, rowErrs, err = importfile.ReadXLSX(f, info.Size(), opt)
		if err != nil {
			return err
		}
	} else {
		return errors.New("name an .xlsx file, or a directory holding persons.csv (and optionally incomes.csv, assets.csv)")
	}
	fmt.Printf("Read %d valid households in %.1f s.\n", len(batch.Households), time.Since(start).Seconds())
	rep, err := importfile.Apply(cliActor(ctx, "import registry"), a.db, registry.Scope{Region: *scope}, batch)
	if err != nil {
		return err
	}
	fmt.Printf("Imported in %.1f s: %d households created (%d persons), %d already registered (%d members added), %d incomes, %d assets.\n",
		time.Since(start).Seconds(), rep.Households, rep.Persons, rep.Existing, rep.Members, rep.Incomes, rep.Assets)
	all := append(rowErrs, rep.Errors...)
	for i, e := range all {
		if i == 200 {
			fmt.Fprintf(os.Stderr, "  … and %d more\n", len(all)-200)
			break
		}
		fmt.Fprintf(os.Stderr, "  %s: %s\n", e.Field, e.Message)
	}
	if len(all) > 0 {
		return fmt.Errorf("%d rows or households were not imported (listed above); the rest were", len(all))
	}
	return nil
}
