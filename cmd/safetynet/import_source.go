package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/region"
	"safetynet/internal/verify"
)

// runImportSource imports a department's data file for verification:
// safetynet import --source tax FILE.
func runImportSource(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("import --source", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "log-level")
	code := fs.String("source", "", "the data source (safetynet import --source list names them)")
	scope := fs.String("region", "", "the jurisdiction recorded for the batch (default: national)")
	asOf := fs.String("as-of", "", "the date the department's data stands at, YYYY-MM-DD (default: unknown)")
	mapping := fs.String("mapping", "", "a JSON file mapping field codes to the file's column headers; saved for the next batch (default: the saved one)")
	sheet := fs.String("sheet", "", "the XLSX worksheet to read (default: the first)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: safetynet import --source CODE [options] FILE\n\nImport a department's data (CSV in UTF-8 or GB18030, XLSX, or JSON Lines) for household verification.\nA file already imported changes nothing; a newer file supersedes older records with the same key.\n\nOptions:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if *code == "list" {
		infos, err := a.db.Sources(ctx)
		if err != nil {
			return err
		}
		for _, s := range infos {
			latest := "no data yet"
			if s.Latest != nil {
				latest = fmt.Sprintf("latest batch %d on %s, %d current records", s.Latest.ID, s.Latest.FinishedAt.In(civil.Shanghai).Format("2006-01-02"), s.Current)
			}
			fmt.Printf("%-18s %s（%s，%s）: %s\n", s.Code, s.ZH, s.Department, s.Cadence, latest)
		}
		return nil
	}
	if fs.NArg() != 1 || *code == "" {
		fs.Usage()
		return errors.New("name a --source and one file")
	}
	if a.keys == nil {
		return errors.New("a key file is needed to index the ID numbers (--key-file or SAFETYNET_KEY_FILE)")
	}
	src, err := a.db.Source(ctx, *code)
	if err != nil {
		return err
	}
	if *scope != "" {
		r, ok := region.Embedded().Resolve(*scope)
		if !ok {
			return fmt.Errorf("--region %s is not a known region code", *scope)
		}
		*scope = r.Code
	}
	var dataAsOf civil.Date
	if *asOf != "" {
		if dataAsOf, err = civil.ParseDate(*asOf); err != nil {
			return fmt.Errorf("--as-of: %v", err)
		}
	}
	ctx = cliActor(ctx, "import --source "+*code)
	m, err := a.db.Mapping(ctx, src.Code)
	if err != nil {
		return err
	}
	if *mapping != "" {
		b, err := os.ReadFile(*mapping)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("--mapping %s: not a JSON object of field codes to column headers: %v", *mapping, err)
		}
		if err := a.db.SaveMapping(ctx, src.Code, m); err != nil {
			return err
		}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if n, err := a.db.FailStale(ctx, time.Now().Add(-staleImport)); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(os.Stderr, "%d earlier import(s) had stopped midway and were marked failed.\n", n)
	}
	bar := newProgress(os.Stderr, *quiet)
	size := max(1, info.Size())
	start := time.Now()
	b, err := verify.Import(ctx, a.db, f, verify.ImportOptions{Source: src, Mapping: m, FileName: f.Name(), Sheet: *sheet, DataAsOf: dataAsOf,
		Today: civil.Today(), Scope: *scope, Index: verify.IndexWith(a.keys), Progress: func(b *verify.Batch, read int64) {
			bar.show(float64(read)/float64(size), fmt.Sprintf("%d rows, %d rejected, %.0f rows/s", b.Rows, b.Rejected, bar.rate(b.Rows)))
		}})
	bar.done()
	if b != nil && b.Again {
		fmt.Printf("This file was imported already as batch %d on %s: nothing changed.\n", b.ID, b.FinishedAt.In(civil.Shanghai).Format("2006-01-02 15:04"))
		return nil
	}
	if err != nil {
		if b != nil {
			fmt.Fprintf(os.Stderr, "Batch %d failed; nothing of it was applied.\n", b.ID)
		}
		return err
	}
	d := time.Since(start)
	fmt.Printf("Batch %d (%s, %s): %d rows read in %.1f s (%.0f rows/s); %d imported, %d rejected (%d duplicate keys), %d older records superseded.\n",
		b.ID, b.Format, b.Encoding, b.Rows, d.Seconds(), float64(b.Rows)/d.Seconds(), b.Imported, b.Rejected, b.Duplicates, b.Superseded)
	if b.Rejected > 0 {
		rej, err := a.db.Rejects(ctx, b.ID, 0, 20)
		if err != nil {
			return err
		}
		for _, r := range rej {
			var msgs []string
			for _, p := range r.Problems {
				msgs = append(msgs, p.Column+": "+p.Message())
			}
			fmt.Fprintf(os.Stderr, "  row %d: %s\n", r.Row, strings.Join(msgs, "; "))
		}
		if b.Rejected > int64(len(rej)) {
			fmt.Fprintf(os.Stderr, "  … %d more: see the batch in the web UI (核对 › 导入批次 %d), where the list can be downloaded\n", b.Rejected-int64(len(rej)), b.ID)
		}
	}
	return nil
}

// staleImport is how long a loading batch may go without a chunk before
// it counts as stopped: a chunk takes well under a second.
const staleImport = 10 * time.Minute
