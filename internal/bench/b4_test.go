package bench

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// TestReadParsedOrder checks that the pipeline hands over every row of
// every table once, in the order of the tables and their rows, however
// many workers parse them, and that an error from the consumer stops it.
func TestReadParsedOrder(t *testing.T) {
	dir := t.TempDir()
	f, err := B4File(dir, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	want, err := B4Parse(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	tables := []table{{path: f.Path, src: source("tax")}, {path: f.Path}, {path: f.Path, src: source("tax")}}
	for _, workers := range []int{1, 3} {
		lastTable, lastRow, rows := 0, 0, 0
		var got B4Totals
		err := readParsed(tables, workers, func(b *batch) error {
			for i := range b.n {
				if b.table < lastTable || b.table == lastTable && b.rows[i] <= lastRow {
					t.Fatalf("%d workers: table %d row %d after table %d row %d", workers, b.table, b.rows[i], lastTable, lastRow)
				}
				lastTable, lastRow = b.table, b.rows[i]
				rows++
				if b.table == 2 {
					got.Rows++
					switch b.state[i] {
					case rowGood:
						got.Good++
					case rowRejected:
						got.Rejected++
					}
				} else if b.table == 1 && (b.state[i] != rowRaw || len(b.cells(i)) != 5) {
					t.Fatalf("%d workers: an unparsed row is %d with %q", workers, b.state[i], b.cells(i))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if rows != 3*want.Rows || got != want {
			t.Errorf("%d workers: %d rows and %+v in the last table, want %d and %+v", workers, rows, got, 3*want.Rows, want)
		}
	}
	stop := errors.New("enough")
	n := 0
	if err := readParsed(tables, 2, func(b *batch) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("an error from the consumer: got %v after %d batches, want it after 1", err, n)
	}
}

// BenchmarkB4 is benchmark B4 of DESIGN.md §10: a departmental tax file
// parsed and validated (no store), on one goroutine and with the rows
// parsed on workers while another goroutine reads the file.
func BenchmarkB4(b *testing.B) {
	for _, n := range []int{1_000_000} {
		path := b4File(b, n)
		for _, v := range []struct {
			name string
			run  func() (B4Totals, error)
		}{
			{"one-goroutine", func() (B4Totals, error) { return B4Parse(path) }},
			{"parallel", func() (B4Totals, error) { return B4ParseParallel(path, runtime.GOMAXPROCS(0)) }},
		} {
			b.Run(fmt.Sprintf("rows=%d/%s", n, v.name), func(b *testing.B) {
				var t B4Totals
				var err error
				for b.Loop() {
					if t, err = v.run(); err != nil {
						b.Fatal(err)
					}
				}
				if t.Rows != n {
					b.Fatalf("%d rows, want %d", t.Rows, n)
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkB4Index is the blind index the real import adds to every row.
func BenchmarkB4Index(b *testing.B) {
	ids, err := B4IDs(b4File(b, 100_000), 100_000)
	if err != nil {
		b.Fatal(err)
	}
	var per time.Duration
	for b.Loop() {
		if per, err = B4IndexCost(ids); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(per.Nanoseconds()), "ns/row")
}

func b4File(tb testing.TB, n int) string {
	f, err := B4File(tb.TempDir(), n)
	if err != nil {
		tb.Fatal(err)
	}
	return f.Path
}

// TestB4Small runs B4 on a small file, so that a change that breaks it
// fails `go test`.
func TestB4Small(t *testing.T) {
	rs, err := B4(20_000, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d results, want 3", len(rs))
	}
	for _, r := range rs {
		if r.ID != "B4" || r.Time <= 0 {
			t.Errorf("result %+v", r)
		}
	}
	path := b4File(t, 5000)
	one, err := B4Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	par, err := B4ParseParallel(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	if one != par || one.Rows != 5000 || one.Rejected == 0 || one.Good+one.Rejected != one.Rows {
		t.Errorf("one goroutine %+v, parallel %+v: want the same, 5000 rows with some rejected", one, par)
	}
}
