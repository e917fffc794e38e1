package tabular

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// ErrNotObject is the error of a JSON Lines line that is JSON but not an
// object.
var ErrNotObject = errors.New("the line is not a JSON object")

// JSONL reads JSON Lines: each line that is not blank is one JSON object,
// one row, numbered by its line. The cells are the object's values for the
// columns, as text: a string unquoted, a number as written (1234.5 stays
// "1234.5", 1e3 stays "1e3"), true and false as "true" and "false", null
// or a missing key as "", an array or object as its JSON text. Keys that
// are not columns are ignored; of a key that appears twice, the last
// value counts. A line may be of any length.
type JSONL struct {
	br    *bufio.Reader
	cols  []string
	idx   map[string]int // idx[c] is the cell index of column c
	cells []string
	line  int
	long  []byte // a line longer than br's buffer
	next  string // the line read ahead by NewJSONLAuto, when not ""
	err   error  // a read error, returned from then on
}

// NewJSONL reads r, UTF-8 JSON Lines, as a table of the given columns.
func NewJSONL(r io.Reader, columns []string) *JSONL {
	s := &JSONL{br: bufio.NewReaderSize(r, bufSize), idx: make(map[string]int, len(columns))}
	s.setColumns(columns)
	return s
}

// NewJSONLAuto reads r, UTF-8 JSON Lines, as a table whose columns are the
// keys of its first object, in the order the line writes them (see
// Header). A first object with other keys than the later ones is the
// caller's to avoid: keys it lacks are not read. The error is a read error
// or a *SyntaxError when the first line that is not blank is not a JSON
// object; an empty r is a table of no columns and no rows.
func NewJSONLAuto(r io.Reader) (*JSONL, error) {
	s := NewJSONL(r, nil)
	line, err := s.readLine()
	if err == io.EOF {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if !json.Valid(line) || !isObject(line) {
		return nil, s.syntaxError(line)
	}
	s.next = string(line)
	var keys []string
	members(s.next, func(key, _ string) {
		if _, ok := s.idx[key]; !ok {
			s.idx[key] = len(keys)
			keys = append(keys, key)
		}
	})
	s.setColumns(keys)
	return s, nil
}

func (s *JSONL) setColumns(columns []string) {
	s.cols = columns
	clear(s.idx)
	for i, c := range columns {
		s.idx[c] = i
	}
	s.cells = make([]string, len(columns))
}

// Header returns the columns: those given to NewJSONL, or the keys of the
// first object with NewJSONLAuto.
func (s *JSONL) Header() []string { return s.cols }

// Next returns the next object's line number and its cells. A line that is
// not a JSON object is a *SyntaxError naming it; the next call goes on with
// the line after it, so a caller may report a bad line and read on. A read
// error ends the table: it is returned again by every later call.
func (s *JSONL) Next() (int, []string, error) {
	if s.err != nil {
		return 0, nil, s.err
	}
	var text string
	if s.next != "" {
		text, s.next = s.next, ""
	} else {
		line, err := s.readLine()
		if err != nil {
			s.err = err
			return 0, nil, err
		}
		if !json.Valid(line) || !isObject(line) {
			return 0, nil, s.syntaxError(line)
		}
		text = string(line) // the cells are substrings of it
	}
	clear(s.cells)
	members(text, func(key, val string) {
		if i, ok := s.idx[key]; ok {
			s.cells[i] = cell(val)
		}
	})
	return s.line, s.cells, nil
}

// readLine returns the next line that is not blank, without its line end.
// The line is valid until the next call.
func (s *JSONL) readLine() ([]byte, error) {
	for {
		line, err := s.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			s.long = append(s.long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = s.br.ReadSlice('\n')
				s.long = append(s.long, line...)
			}
			line = s.long
		}
		if err != nil && (err != io.EOF || len(line) == 0) {
			return nil, err
		}
		s.line++
		if s.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line, nil
		}
		if err != nil { // io.EOF after a blank last line
			return nil, err
		}
	}
}

// syntaxError says what is wrong with line s.line.
func (s *JSONL) syntaxError(line []byte) error {
	var v any
	err := json.Unmarshal(line, &v)
	if err == nil {
		err = ErrNotObject
	}
	return &SyntaxError{Line: s.line, Err: err}
}

// isObject reports whether a valid JSON text, trimmed, is an object.
func isObject(b []byte) bool { return b[0] == '{' }

// members calls f with each key of the JSON object text (valid JSON, an
// object, trimmed) and the JSON text of its value, in order.
func members(text string, f func(key, val string)) {
	i := 1 // past '{'
	for {
		i = skipSpace(text, i)
		if text[i] == '}' {
			return
		}
		end := endString(text, i)
		key := text[i:end]
		i = skipSpace(text, end) + 1 // past ':'
		i = skipSpace(text, i)
		end = endValue(text, i)
		f(unquote(key), text[i:end])
		i = skipSpace(text, end)
		if text[i] == ',' {
			i++
		}
	}
}

// cell returns the cell text of a JSON value.
func cell(val string) string {
	switch val[0] {
	case '"':
		return unquote(val)
	case 'n':
		return ""
	}
	return val
}

// unquote returns the string a JSON string literal stands for.
func unquote(lit string) string {
	if !strings.ContainsRune(lit, '\\') {
		return lit[1 : len(lit)-1]
	}
	var s string
	json.Unmarshal([]byte(lit), &s) // valid: checked with the line
	return s
}

func skipSpace(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
		i++
	}
	return i
}

// endString returns the index just past the JSON string starting at i.
func endString(text string, i int) int {
	for i++; ; i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// endValue returns the index just past the JSON value starting at i.
func endValue(text string, i int) int {
	switch text[i] {
	case '"':
		return endString(text, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch text[i] {
			case '"':
				i = endString(text, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(text) && strings.IndexByte(",}] \t\r\n", text[i]) < 0 {
		i++
	}
	return i
}
