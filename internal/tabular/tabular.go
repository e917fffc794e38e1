// Package tabular is one streaming reader for the tabular files people
// exchange: CSV and TSV in UTF-8, GB18030 or UTF-16 (see Decode), the
// worksheets of an XLSX workbook, and JSON Lines. Whatever the format, a
// table is a Rows: one row at a time, numbered as the user sees it in the
// file (the row number Excel shows, the line number of a text editor), in
// constant memory however long the table.
//
// The cells are text as the file holds it: no trimming, no conversion.
// A problem in the file's syntax comes back as a *SyntaxError that names
// its line, so that a caller can say "line 12: ...".
package tabular

import "fmt"

// Rows yields the rows of one table.
type Rows interface {
	// Next returns the next row's number (1-based, as the user sees it)
	// and its cells, or io.EOF after the last row. The cells may be
	// reused by the next call.
	Next() (row int, cells []string, err error)
}

// SyntaxError is a line of a file that cannot be read as the format
// requires: a CSV quote that is never closed, a JSON Lines line that is
// not a JSON object.
type SyntaxError struct {
	Line int   // 1-based
	Err  error // what is wrong
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *SyntaxError) Unwrap() error { return e.Err }
