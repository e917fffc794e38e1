package bench

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/pii"
	"safetynet/internal/tabular"
	"safetynet/internal/verify"
)

// B4AsOf is the day the B4 and B3 departmental files are extracted, and the
// parser's today.
var B4AsOf = civil.D(2025, 6, 20)

// B4Rate is DESIGN.md §10's target for B4: rows parsed and validated a
// second.
const B4Rate = 500_000

// B4File writes the tax file of benchmark B4 into dir: n rows of the
// built-in "tax" source (id_number, month, income_type, amount, payer) as
// the tax authority would send them, valid ID numbers of persons from 40
// counties, Chinese payers and income types, 1% of the rows with a fault.
func B4File(dir string, n int) (gen.DepartmentFile, error) {
	fs, err := gen.WriteDepartments(dir, gen.DepartmentOptions{Registry: gen.Options{Region: "44", AsOf: B4AsOf},
		Records: n, Strangers: 1, Bad: 0.01, Sources: []string{"tax"}})
	if err != nil {
		return gen.DepartmentFile{}, err
	}
	return fs[0], nil
}

// B4Totals counts the rows of one pass over a file.
type B4Totals struct {
	Rows, Good, Rejected int
}

// source returns the built-in source with code c.
func source(c string) *verify.Source {
	s, ok := verify.BuiltinSource(c)
	if !ok {
		panic("bench: no built-in source " + c)
	}
	return &s
}

// openTable opens a CSV file as an import does (encoding detected, the
// delimiter sniffed) and returns its rows after the header, the header,
// and the file to close.
func openTable(path string) (tabular.Rows, []string, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	text, _, err := tabular.Decode(f)
	if err != nil {
		f.Close()
		return nil, nil, nil, err
	}
	rs := tabular.NewCSV(text)
	_, header, err := rs.Next()
	if err != nil {
		f.Close()
		return nil, nil, nil, fmt.Errorf("%s: header: %w", filepath.Base(path), err)
	}
	return rs, append([]string(nil), header...), f, nil
}

// B4Parse streams the file at path through tabular.Decode, tabular.NewCSV,
// verify.NewParser and Parse on the calling goroutine, as an import does
// before it stores anything.
func B4Parse(path string) (B4Totals, error) {
	var t B4Totals
	err := parseTax(path, func(rec *verify.Record, rejected bool) bool {
		t.Rows++
		if rejected {
			t.Rejected++
		} else if rec.Values != nil {
			t.Good++
		}
		return true
	})
	return t, err
}

// parseTax parses the rows of a tax file on the calling goroutine and
// passes each to fn (rec.Values is nil for a blank row) until fn returns
// false.
func parseTax(path string, fn func(rec *verify.Record, rejected bool) bool) error {
	rs, header, c, err := openTable(path)
	if err != nil {
		return err
	}
	defer c.Close()
	p, err := verify.NewParser(source("tax"), nil, header, B4AsOf, false)
	if err != nil {
		return err
	}
	var rec verify.Record
	for {
		row, cells, err := rs.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !fn(&rec, p.Parse(row, cells, &rec) != nil) {
			return nil
		}
	}
}

// B4ParseParallel does what B4Parse does, with the file read on one
// goroutine and its rows parsed on workers (see readParsed); the
// counts are the same.
func B4ParseParallel(path string, workers int) (B4Totals, error) {
	var t B4Totals
	err := readParsed([]table{{path: path, src: source("tax")}}, workers, func(b *batch) error {
		for i := range b.n {
			t.Rows++
			switch b.state[i] {
			case rowGood:
				t.Good++
			case rowRejected:
				t.Rejected++
			}
		}
		return nil
	})
	return t, err
}

// B4IDs returns the ID numbers of the first n good rows of the file.
func B4IDs(path string, n int) ([]string, error) {
	var ids []string
	err := parseTax(path, func(rec *verify.Record, rejected bool) bool {
		if !rejected && rec.Values != nil {
			ids = append(ids, rec.Values[0])
		}
		return len(ids) < n
	})
	return ids, err
}

// B4IndexCost returns the time one blind index of an ID number takes with
// a pii.Indexer (HMAC-SM3), which the real import computes for every row
// on top of parsing it.
func B4IndexCost(ids []string) (time.Duration, error) {
	keys, err := pii.GenerateKeys(pii.SM4GCM)
	if err != nil {
		return 0, err
	}
	x := keys.Indexer()
	start := time.Now()
	for _, id := range ids {
		if x.Index(pii.IDNumber, id) == "" {
			return 0, errors.New("bench: an ID number has no blind index")
		}
	}
	return time.Since(start) / time.Duration(max(1, len(ids))), nil
}

// B4 writes an n-row tax file to a temporary directory, parses it runs
// times on one goroutine and runs times in parallel, and reports the best
// of each, with the blind index's cost per row on top.
func B4(n, runs int, progress func(string)) ([]Result, error) {
	say := sayer(progress)
	dir, err := os.MkdirTemp("", "safetynet-b4-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	say("B4: writing a tax file of %d rows", n)
	f, err := B4File(dir, n)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(f.Path)
	if err != nil {
		return nil, err
	}
	target := time.Duration(n) * time.Second / B4Rate
	workers := runtime.GOMAXPROCS(0)
	var out []Result
	for _, v := range []struct {
		name string
		run  func() (B4Totals, error)
	}{
		{"one goroutine", func() (B4Totals, error) { return B4Parse(f.Path) }},
		{fmt.Sprintf("a reader and %d parsing goroutines", workers), func() (B4Totals, error) { return B4ParseParallel(f.Path, workers) }},
	} {
		best := time.Duration(1<<63 - 1)
		var t B4Totals
		for range max(runs, 1) {
			runtime.GC()
			s := time.Now()
			if t, err = v.run(); err != nil {
				return nil, err
			}
			best = min(best, time.Since(s))
		}
		if t.Rows != n || t.Rejected != f.Bad {
			return nil, fmt.Errorf("bench: B4 read %d rows with %d rejected, want %d with %d", t.Rows, t.Rejected, n, f.Bad)
		}
		say("B4 %s: %s", v.name, best.Round(time.Millisecond))
		out = append(out, Result{ID: "B4", Workload: fmt.Sprintf("parse and validate %d tax rows, %s", n, v.name),
			Time: best, HeapMB: HeapMB(), PeakMB: PeakRSSMB(), Target: target,
			Note: fmt.Sprintf("%.0f rows/s (%.0f MB/s), %d rejected", float64(n)/best.Seconds(), float64(st.Size())/(1<<20)/best.Seconds(), t.Rejected)})
	}
	ids, err := B4IDs(f.Path, min(n, 200_000))
	if err != nil {
		return nil, err
	}
	per, err := B4IndexCost(ids)
	if err != nil {
		return nil, err
	}
	one := out[0].Time
	out = append(out, Result{ID: "B4", Workload: fmt.Sprintf("blind index (HMAC-SM3) for %d rows (measured on %d ID numbers)", n, len(ids)),
		Time: per * time.Duration(n),
		Note: fmt.Sprintf("%d ns a row; parsing and indexing on one goroutine: %.0f rows/s", per.Nanoseconds(),
			float64(n)/(one+per*time.Duration(n)).Seconds())})
	return out, nil
}

// sayer returns a printf for progress, which may be nil.
func sayer(progress func(string)) func(format string, a ...any) {
	return func(format string, a ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, a...))
		}
	}
}

// The pipeline below reads tables on one goroutine, parses their rows on
// workers and hands the batches to the caller in file order: the order a
// single goroutine would see, so that a consumer folding records where a
// later one wins (verify.Matcher) gets the same result, and memory is
// bounded by the batches in flight.

// table is one file the pipeline reads: its rows are parsed for src, or,
// with src nil, handed over as they are.
type table struct {
	path string
	src  *verify.Source
}

const (
	batchRows = 1024 // rows in a batch
	inFlight  = 16   // batches being read, parsed or consumed
)

// A row's state after parsing.
const (
	rowRaw      = iota // not parsed (a table without a source)
	rowGood            // recs[i] holds the record
	rowRejected        // refused: one reject more
	rowBlank           // all cells blank
)

// batch is a run of rows of one table.
type batch struct {
	table  int            // index into the tables
	header []string       // the table's header
	p      *verify.Parser // nil: rows are not parsed
	n      int
	rows   []int
	start  []int    // cells of row i: flat[start[i]:start[i+1]]
	flat   []string // the cells of every row, back to back
	recs   []verify.Record
	state  []uint8
	done   chan struct{}
}

func newBatch() *batch {
	return &batch{rows: make([]int, batchRows), start: make([]int, 1, batchRows+1), recs: make([]verify.Record, batchRows),
		state: make([]uint8, batchRows), done: make(chan struct{}, 1)}
}

// cells returns the cells of row i.
func (b *batch) cells(i int) []string { return b.flat[b.start[i]:b.start[i+1]] }

func (b *batch) reset() {
	clear(b.flat) // let the row strings go
	b.n, b.start, b.flat = 0, b.start[:1], b.flat[:0]
}

func (b *batch) parse() {
	for i := range b.n {
		switch {
		case b.p == nil:
			b.state[i] = rowRaw
		case b.p.Parse(b.rows[i], b.cells(i), &b.recs[i]) != nil:
			b.state[i] = rowRejected
		case b.recs[i].Values == nil:
			b.state[i] = rowBlank
		default:
			b.state[i] = rowGood
		}
	}
	b.done <- struct{}{}
}

// readParsed reads the tables in order on a goroutine of its own, parses
// the rows of those with a source on workers goroutines (Parse does not
// change its Parser, so they share one), and calls consume with each batch in the order of
// the files and their rows. The batch is reused after consume returns. An
// error from consume, or from reading, stops the pipeline and is
// returned.
func readParsed(tables []table, workers int, consume func(*batch) error) error {
	free := make(chan *batch, inFlight)
	for range inFlight {
		free <- newBatch()
	}
	work := make(chan *batch, inFlight)
	order := make(chan *batch, inFlight)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		readErr = readTables(tables, free, work, order, stop)
	}()
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for b := range work {
				b.parse()
			}
		})
	}
	var err error
	for b := range order {
		<-b.done
		if err == nil {
			err = consume(b)
			if err != nil {
				close(stop)
			}
		}
		b.reset()
		free <- b
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return readErr
}

// readTables is readParsed's reader.
func readTables(tables []table, free chan *batch, work, order chan<- *batch, stop <-chan struct{}) error {
	send := func(b *batch) {
		order <- b
		work <- b
	}
	for ti, t := range tables {
		rs, header, c, err := openTable(t.path)
		if err != nil {
			return err
		}
		var p *verify.Parser
		if t.src != nil {
			if p, err = verify.NewParser(t.src, nil, header, B4AsOf, false); err != nil {
				c.Close()
				return fmt.Errorf("%s: %w", filepath.Base(t.path), err)
			}
		}
		var b *batch
		for {
			if b == nil {
				select {
				case b = <-free:
				case <-stop:
					c.Close()
					return nil
				}
				b.table, b.header, b.p = ti, header, p
			}
			row, cells, err := rs.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				c.Close()
				return fmt.Errorf("%s: %w", filepath.Base(t.path), err)
			}
			b.rows[b.n] = row
			b.flat = append(b.flat, cells...)
			b.start = append(b.start, len(b.flat))
			b.n++
			if b.n == batchRows {
				send(b)
				b = nil
			}
		}
		c.Close()
		if b != nil && b.n > 0 {
			send(b)
		} else if b != nil {
			free <- b
		}
	}
	return nil
}
