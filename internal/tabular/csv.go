package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// CSV reads the records of a delimited text, numbering them as Excel
// numbers the rows of the same file: a blank line is a row, a quoted cell
// that spans lines is not. Rows may have any number of cells, and a stray
// quote in a cell is kept as it is (csv.Reader's LazyQuotes), not fatal.
type CSV struct {
	r       *csv.Reader
	in      *tail
	comma   rune
	row     int
	endLine int // the line on which the previous record ended
}

// bufSize is the read buffer of a CSV, and how much of its start the
// delimiter is chosen from.
const bufSize = 64 << 10

// NewCSV reads r, a text in UTF-8 (see Decode), separated by commas, tabs,
// semicolons or vertical bars: the one that occurs most often outside
// quotes in the first line, a comma on a tie (see Comma).
func NewCSV(r io.Reader) *CSV {
	in := &tail{r: r}
	br := bufio.NewReaderSize(in, bufSize)
	comma := sniffComma(br)
	cr := csv.NewReader(br) // br is a *bufio.Reader: csv reads it directly
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // ragged rows are read, missing cells are empty
	cr.LazyQuotes = true    // a stray quote in a name is kept, not fatal
	cr.ReuseRecord = true
	return &CSV{r: cr, in: in, comma: comma}
}

// Comma returns the delimiter the CSV is read with.
func (s *CSV) Comma() rune { return s.comma }

// delimiters are the delimiters NewCSV chooses from, the default first.
var delimiters = [...]byte{',', '\t', ';', '|'}

// sniffComma picks the delimiter from the first record within the
// buffer: Excel's "Unicode text" export is tab-separated, Excel in much of
// Europe writes semicolons, some systems export with vertical bars, and
// everything else is comma-separated. A delimiter within a quoted cell
// does not count.
func sniffComma(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	var n [len(delimiters)]int
	start, quoted := true, false // at the start of a cell; within quotes
scan:
	for i := 0; i < len(head); i++ {
		c := head[i]
		switch {
		case quoted:
			if c == '"' {
				if i+1 < len(head) && head[i+1] == '"' {
					i++
				} else {
					quoted = false
				}
			}
			continue
		case c == '\n':
			break scan
		case c == '"' && start:
			quoted = true
			continue
		}
		start = false
		if k := bytes.IndexByte(delimiters[:], c); k >= 0 {
			n[k]++
			start = true
		}
	}
	best := 0
	for k := range n {
		if n[k] > n[best] {
			best = k
		}
	}
	return rune(delimiters[best])
}

// Next returns the next record: its row number and its cells. A quoted
// cell that is still open at the end of the file (the file was cut off, or
// a cell began with a quote that was meant as text) is a *SyntaxError
// naming the line where that cell begins: its row has swallowed the rest
// of the file and is not returned, the rows before it are sound.
func (s *CSV) Next() (int, []string, error) {
	start := s.r.InputOffset()
	if len(s.in.buf) > keepMax {
		s.in.drop(start)
	}
	rec, err := s.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return 0, nil, &SyntaxError{Line: pe.Line, Err: pe.Err}
		}
		return 0, nil, err
	}
	last, _ := s.r.FieldPos(len(rec) - 1)
	if s.in.eof && s.r.InputOffset() == s.in.end() && unclosed(s.in.from(start), byte(s.comma)) {
		return 0, nil, &SyntaxError{Line: last, Err: csv.ErrQuote}
	}
	line, _ := s.r.FieldPos(0)
	s.row += 1 + max(0, line-s.endLine-1)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	return s.row, rec, nil
}

// keepMax is how much of the text read a CSV may keep before it forgets
// what comes before its current record.
const keepMax = 256 << 10

// tail passes a text through and keeps what it has passed since a given
// offset, so that the last record of a CSV can be looked at again: the
// csv.Reader does not tell whether it ended inside quotes.
type tail struct {
	r    io.Reader
	buf  []byte
	base int64 // the offset of buf[0] in the text
	eof  bool  // r has reported io.EOF
}

func (t *tail) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

// end returns the offset of the end of what has been read.
func (t *tail) end() int64 { return t.base + int64(len(t.buf)) }

// from returns what has been read from offset off on.
func (t *tail) from(off int64) []byte { return t.buf[off-t.base:] }

// drop forgets what comes before offset off.
func (t *tail) drop(off int64) {
	t.buf = t.buf[:copy(t.buf, t.from(off))]
	t.base = off
}

// unclosed reports whether a CSV text ends inside a quoted cell, reading
// quotes as csv.Reader does with LazyQuotes: a cell is quoted when its
// first character is a quote, and a quote within it ends it only when the
// delimiter, a line end or the end of the text follows; "" is a quote.
func unclosed(b []byte, comma byte) bool {
	start := true // at the start of a cell
	for i := 0; i < len(b); i++ {
		if c := b[i]; c != '"' || !start {
			start = c == comma || c == '\n'
			continue
		}
		for i++; ; i++ {
			k := bytes.IndexByte(b[i:], '"')
			if k < 0 {
				return true
			}
			i += k + 1 // just past the quote
			if i == len(b) {
				return false
			}
			if c := b[i]; c == '"' {
				continue
			} else if c == comma || c == '\n' {
				break
			} else if c == '\r' && (i+1 == len(b) || b[i+1] == '\n') {
				i++ // csv.Reader reads \r\n as \n, and drops a final \r
				if i == len(b) {
					return false
				}
				break
			}
			i-- // a quote within the text, kept
		}
		start = true
	}
	return false
}
