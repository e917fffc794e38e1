package tabular

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchRows is how many rows a benchmark reads in one iteration.
const benchRows = 1_000_000

// benchColumns are the columns of the generated rows, as in a persons table.
var benchColumns = []string{"household_ref", "relationship", "name", "id_number", "region_code", "address", "hukou_type", "income"}

// benchCSV returns a header and benchRows rows of eight columns.
func benchCSV() []byte {
	var b bytes.Buffer
	for i, c := range benchColumns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c)
	}
	b.WriteByte('\n')
	for i := range benchRows {
		fmt.Fprintf(&b, "H%d,户主,张伟%d,4401031970%08d,440103001,沙面街道%d号,城镇,%d.%02d\n", i/3, i%100, i, i%500, i%9000, i%100)
	}
	return b.Bytes()
}

// benchJSONL returns benchRows objects of the same eight columns.
func benchJSONL() []byte {
	var b bytes.Buffer
	for i := range benchRows {
		fmt.Fprintf(&b, `{"household_ref":"H%d","relationship":"户主","name":"张伟%d","id_number":"4401031970%08d","region_code":"440103001","address":"沙面街道%d号","hukou_type":"城镇","income":%d.%02d}`+"\n",
			i/3, i%100, i, i%500, i%9000, i%100)
	}
	return b.Bytes()
}

// benchRead reads the rows that open makes of data, b.N times, and
// reports rows per second; each time there must be n rows.
func benchRead(b *testing.B, data []byte, n int, open func(io.Reader) Rows) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rs, got := open(bytes.NewReader(data)), 0
		for {
			_, cells, err := rs.Next()
			if err == io.EOF {
				break
			}
			if err != nil || len(cells) != len(benchColumns) {
				b.Fatalf("row %d: got %d cells (%v), want %d", got+1, len(cells), err, len(benchColumns))
			}
			got++
		}
		if got != n {
			b.Fatalf("got %d rows, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCSV decodes and reads a header and a million rows of eight
// columns.
func BenchmarkCSV(b *testing.B) {
	benchRead(b, benchCSV(), benchRows+1, func(r io.Reader) Rows {
		dec, _, err := Decode(r)
		if err != nil {
			b.Fatal(err)
		}
		return NewCSV(dec)
	})
}

// BenchmarkJSONL reads a million JSON Lines objects of eight keys.
func BenchmarkJSONL(b *testing.B) {
	benchRead(b, benchJSONL(), benchRows, func(r io.Reader) Rows { return NewJSONL(r, benchColumns) })
}
