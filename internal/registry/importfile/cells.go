package importfile

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/tabular"
)

// row is one data row being read: the cells, where they sit, and whether a
// cell of the row was at fault.
type row struct {
	b     *builder
	rd    *reader
	num   int
	cells []string
	bad   bool
}

// get returns the trimmed cell of column i of the table, "" when the file
// has no such column or the row is short.
func (r *row) get(i int) string {
	c := r.rd.col[i]
	if c < 0 || c >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[c])
}

// fail reports column i of the row as bad (i < 0: the row as a whole).
func (r *row) fail(i int, format string, args ...any) {
	r.b.add(r.rd.t.Kind, r.num, i, format, args...)
	r.bad = true
}

// required returns the cell, reporting it when empty. An empty worksheet
// cell that holds a formula had no saved result (a workbook written by a
// program rather than saved by Excel): that is said, since the cell does
// not look empty on screen.
func (r *row) required(i int) string {
	v := r.get(i)
	if v == "" {
		c := r.rd.t.Cols[i]
		if r.rd.xlsx != nil && r.rd.col[i] >= 0 && r.rd.xlsx.formula(r.num, r.rd.col[i]) {
			r.fail(i, "%s (%s) holds a formula with no saved result: copy the column and paste it as values", c.Code, c.Names[0])
		} else {
			r.fail(i, "%s (%s) is required", c.Code, c.Names[0])
		}
	}
	return v
}

// text returns a free-text cell, which must be valid text: a GBK file whose
// first 64 KiB happen to be plain ASCII is read as UTF-8, and its later
// Chinese arrives here as invalid bytes.
func (r *row) text(i int, maxLen int) string {
	v := r.get(i)
	if !utf8.ValidString(v) {
		r.fail(i, "the cell is not valid text: save the file as UTF-8 or GB18030 (GBK) CSV, or as XLSX")
		return ""
	}
	if maxLen > 0 && utf8.RuneCountInString(v) > maxLen {
		r.fail(i, "the text is longer than %d characters", maxLen)
		return ""
	}
	return v
}

// digits returns a cell that holds a string of digits (an ID number, an
// account, a region code). Excel turns such a string typed into a General
// cell into a number, shown as 4.40103E+17, and keeps only 15 significant
// digits: the lost digits cannot be recovered, so the cell is refused with
// the remedy. A worksheet number that Excel stored exactly (a 12-digit
// region code) is taken as its digits.
func (r *row) digits(i int) string {
	v := tabular.PlainDigits(r.get(i))
	if !tabular.SciNumber(v) {
		return v
	}
	if r.rd.xlsx != nil {
		if d, ok := tabular.ExactInteger(v); ok {
			return d
		}
	}
	r.fail(i, "Excel stored the cell as a number (%s) and lost digits: format the %s column as text and enter the values again", v, r.rd.t.Cols[i].Code)
	return ""
}

// enum returns the code of an enumerated cell ("" when empty). blankOK
// lets "无" and "-" mean empty, as local forms write "no disability".
func (r *row) enum(i int, e *enum, blankOK bool) string {
	v := r.get(i)
	if v == "" || blankOK && blanks[enumKey(v)] {
		return ""
	}
	if r.rd.xlsx != nil && strings.HasSuffix(v, ".0") {
		v = strings.TrimSuffix(v, ".0") // a grade typed as the number 1
	}
	code, ok := e.parse(v)
	if !ok {
		r.fail(i, "unknown value %q: use one of %s", v, e.labelList())
	}
	return code
}

// date returns a date cell (zero when empty).
func (r *row) date(i int) civil.Date {
	v := r.get(i)
	if v == "" {
		return civil.Date{}
	}
	d, ok := tabular.ParseDate(v, r.rd.xlsx != nil)
	if !ok {
		r.fail(i, "%q is not a date: write YYYY-MM-DD", v)
	}
	return d
}

// month returns a month cell (zero when empty).
func (r *row) month(i int) civil.Month {
	v := r.get(i)
	if v == "" {
		return civil.Month{}
	}
	if m, ok := tabular.ParseMonth(v); ok {
		return m
	}
	// Excel turns "2024-03" typed into a cell into the date 2024-03-01.
	if d, ok := tabular.ParseDate(v, r.rd.xlsx != nil); ok {
		return d.MonthOf()
	}
	r.fail(i, "%q is not a month: write YYYY-MM", v)
	return civil.Month{}
}

// amount returns an amount in yuan (zero when empty).
func (r *row) amount(i int) money.Fen {
	v := r.get(i)
	if v == "" {
		return 0
	}
	f, err := tabular.ParseAmount(v, r.rd.xlsx != nil)
	if err != nil {
		r.fail(i, "%q is not an amount in yuan with at most two decimals", v)
	}
	return f
}

// area returns a floor area in square metres (zero when empty).
func (r *row) area(i int) float64 {
	v := r.get(i)
	for _, unit := range []string{"平方米", "㎡", "m²", "m2"} {
		v = strings.TrimSpace(strings.TrimSuffix(v, unit))
	}
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.fail(i, "%q is not an area in square metres", v)
		return 0
	}
	return f
}
