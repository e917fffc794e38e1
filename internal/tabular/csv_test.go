package tabular

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// row is one row as Next returns it.
type row struct {
	num   int
	cells []string
}

// readAll reads rows to the end, copying the cells; it stops at the first
// error and returns it (nil at io.EOF).
func readAll(rs Rows) ([]row, error) {
	var out []row
	for {
		n, cells, err := rs.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, row{n, slices.Clone(cells)})
	}
}

func TestDecode(t *testing.T) {
	const text = "户编号,姓名\nH1,张伟\nH2,李娜\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16 := func(order unicode.Endianness) string {
		s, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	long := strings.Repeat("a", sniffSize-1) + "张" // the window ends inside 张
	tests := []struct {
		name, in, enc, want string
	}{
		{"UTF8", text, "UTF-8", text},
		{"UTF8BOM", "\ufeff" + text, "UTF-8", text},
		{"GB18030", gb, "GB18030", text},
		{"UTF16LE", utf16(unicode.LittleEndian), "UTF-16LE", text},
		{"UTF16BE", utf16(unicode.BigEndian), "UTF-16BE", text},
		{"UTF8SplitAtWindow", long, "UTF-8", long},
		{"Empty", "", "UTF-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, enc, err := Decode(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.enc {
				t.Errorf("encoding: got %s, want %s", enc, tt.enc)
			}
			out, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("decoded: got %d bytes %.40q, want %d bytes %.40q", len(out), out, len(tt.want), tt.want)
			}
		})
	}
}

func TestCSVComma(t *testing.T) {
	tests := []struct {
		name, in string
		want     rune
	}{
		{"Comma", "a,b,c\n1,2,3\n", ','},
		{"Tab", "a\tb\tc\n1\t2\t3\n", '\t'},
		{"Semicolon", "a;b;c\n1;2,5;3\n", ';'},
		{"Pipe", "a|b|c\n", '|'},
		{"QuotedCommasInTab", "\"a, b, c\"\t\"d,e\"\tf\n1\t2\t3\n", '\t'},
		{"QuotedTabsInComma", "\"a\tb\tc\",d\n", ','},
		{"EscapedQuote", "\"say \"\"a;b;c\"\"\",d\n", ','},
		{"QuotedLineEnd", "\"a\nb\"\tc\td\n1,2,3\n", '\t'}, // the first record spans two lines
		{"OnlyFirstLine", "a;b\n1,2,3,4,5\n", ';'},
		{"TieIsComma", "a,b;c\n", ','},
		{"TieWithoutComma", "a\tb|c\n", '\t'},
		{"None", "name\n", ','},
		{"Empty", "", ','},
		{"NoLineEnd", "a|b", '|'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewCSV(strings.NewReader(tt.in)).Comma(); got != tt.want {
				t.Errorf("Comma: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVRows(t *testing.T) {
	tests := []struct {
		name, in string
		want     []row
	}{
		{"Plain", "a,b\n1,2\n", []row{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}}},
		{"NoFinalLineEnd", "a,b\n1,2", []row{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}}},
		{"CRLF", "a,b\r\n1,2\r\n", []row{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}}},
		{"BlankLinesCount", "a\n\n\nb\n", []row{{1, []string{"a"}}, {4, []string{"b"}}}},
		{"MultiLineCell", "a,\"x\ny\nz\"\nb,c\n", []row{{1, []string{"a", "x\ny\nz"}}, {2, []string{"b", "c"}}}},
		{"MultiLineCellThenBlank", "\"x\ny\"\n\nb\n", []row{{1, []string{"x\ny"}}, {3, []string{"b"}}}},
		{"MultiLineCellNotLast", "\"x\ny\",1\nb\n", []row{{1, []string{"x\ny", "1"}}, {2, []string{"b"}}}},
		{"Ragged", "a,b,c\n1\n1,2,3,4\n", []row{{1, []string{"a", "b", "c"}}, {2, []string{"1"}}, {3, []string{"1", "2", "3", "4"}}}},
		{"StrayQuote", "O\"Brien,x\"y\n", []row{{1, []string{"O\"Brien", "x\"y"}}}},
		{"QuotedDelimiter", "\"a,b\",\"c\"\"d\"\n", []row{{1, []string{"a,b", "c\"d"}}}},
		{"Semicolon", "a;b\n\"1;2\";3\n", []row{{1, []string{"a", "b"}}, {2, []string{"1;2", "3"}}}},
		{"ClosedQuoteAtEnd", "a,\"b\"", []row{{1, []string{"a", "b"}}}},
		{"ClosedQuoteThenBlankLines", "\"b\"\n\n\n", []row{{1, []string{"b"}}}},
		{"EmptyQuotedAtEnd", "a,\"\"", []row{{1, []string{"a", ""}}}},
		{"EscapedQuoteClosedAtEnd", "\"b\"\"\"\r\n", []row{{1, []string{"b\""}}}},
		{"Empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(NewCSV(strings.NewReader(tt.in)))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !slices.EqualFunc(got, tt.want, rowEqual) {
				t.Errorf("rows: got %v, want %v", got, tt.want)
			}
		})
	}
}

func (r row) String() string { return fmt.Sprintf("%d:%q", r.num, r.cells) }

func rowEqual(a, b row) bool { return a.num == b.num && slices.Equal(a.cells, b.cells) }

func TestCSVUnclosedQuote(t *testing.T) {
	big := strings.Repeat("x,y,z\n", 2*keepMax/6) // more than a CSV keeps
	tests := []struct {
		name, in string
		rows     int // read before the error
		line     int
	}{
		{"Truncated", "a,b\n1,2\n3,\"four", 2, 3},
		{"TruncatedAfterLineEnd", "a,b\n3,\"four\nfive\n", 1, 2},
		{"EscapedQuoteAtEnd", "a\n\"b\"\"", 1, 2},
		{"OnlyAQuote", "a\nb,\"", 1, 2},
		{"QuoteFollowedByText", "a\n\"b\" c\nd,e\n", 1, 2}, // a quote then a space does not close
		{"AfterBlankLines", "a\n\n\n\"b\n", 1, 4},
		{"EarlyInALongFile", "a\n\"b\n" + big, 1, 2},
		{"LateInALongFile", big + "\"b\n", len(big) / 6, len(big)/6 + 1},
		{"Tab", "a\tb\n1\t\"2", 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(NewCSV(strings.NewReader(tt.in)))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error: got %v, want a *SyntaxError", err)
			}
			if se.Line != tt.line || !errors.Is(err, csv.ErrQuote) {
				t.Errorf("error: got line %d (%v), want line %d (%v)", se.Line, se.Err, tt.line, csv.ErrQuote)
			}
			if len(got) != tt.rows {
				t.Errorf("rows before the error: got %d, want %d", len(got), tt.rows)
			}
			if want := fmt.Sprintf("line %d: ", tt.line); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message: got %q, want it to start %q", err.Error(), want)
			}
		})
	}
}

func TestUnclosed(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{``, false},
		{`a,b`, false},
		{`a"b,c"`, false},
		{`"a"`, false},
		{`"a"` + "\n", false},
		{`"a"` + "\r\n", false},
		{`"a"` + "\r", false},
		{`"a""b"`, false},
		{`"a"""`, false},
		{`""`, false},
		{`"a",b`, false},
		{"\"a\nb\"\n\n", false},
		{`"`, true},
		{`"a`, true},
		{`"a""`, true},
		{`"""`, true},
		{`x,"a`, true},
		{`"a" b`, true},
		{"\"a\"\rb", true},
		{"\"a\nb\n", true},
		{"\"a\",\"b", true},
		{"\"a\"\n\"b", true},
	}
	for _, tt := range tests {
		if got := unclosed([]byte(tt.in), ','); got != tt.want {
			t.Errorf("unclosed(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCSVKeepsLittle(t *testing.T) {
	const line = "1234567,张伟,440103197003050131,荔湾区,沙面街道1号,城镇,,\n"
	r := io.MultiReader(strings.NewReader("a\n"), &repeat{line: line, n: 100_000})
	s := NewCSV(r)
	n := 0
	for {
		_, _, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n++; cap(s.in.buf) > 2*keepMax {
			t.Fatalf("row %d: kept %d bytes, want at most %d", n, cap(s.in.buf), 2*keepMax)
		}
	}
	if n != 100_001 {
		t.Errorf("rows: got %d, want %d", n, 100_001)
	}
}

// repeat is a reader of line n times, generated as it is read.
type repeat struct {
	line string
	n    int
	rest string
}

func (r *repeat) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		if r.rest == "" {
			if r.n == 0 {
				break
			}
			r.rest, r.n = r.line, r.n-1
		}
		c := copy(p[k:], r.rest)
		r.rest, k = r.rest[c:], k+c
	}
	if k == 0 {
		return 0, io.EOF
	}
	return k, nil
}
