package importfile

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/civil"
	"safetynet/internal/money"
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
	v := plainDigits(r.get(i))
	if !sciNumber(v) {
		return v
	}
	if r.rd.xlsx != nil {
		if d, ok := exactInteger(v); ok {
			return d
		}
	}
	r.fail(i, "Excel stored the cell as a number (%s) and lost digits: format the %s column as text and enter the values again", v, r.rd.t.Cols[i].Code)
	return ""
}

// plainDigits removes the spaces people type into long numbers
// ("440103 19700305 1311") and turns full-width digits, which a Chinese
// input method can produce, into ASCII.
func plainDigits(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == ' ' || c == '\u3000':
		case c >= '０' && c <= '９':
			b.WriteByte(byte('0' + c - '０'))
		case c == 'Ｘ' || c == 'ｘ':
			b.WriteByte('X')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// sciNumber reports whether s is written in scientific notation, "4.40103E+17".
func sciNumber(s string) bool {
	e := strings.IndexAny(s, "eE")
	if e <= 0 || e == len(s)-1 {
		return false
	}
	mant, exp := s[:e], strings.TrimPrefix(s[e+1:], "+")
	if exp == "" || strings.Trim(exp, "0123456789") != "" {
		return false
	}
	whole, frac, _ := strings.Cut(mant, ".")
	return whole != "" && strings.Trim(whole, "0123456789") == "" && strings.Trim(frac, "0123456789") == ""
}

// exactInteger returns the integer a scientific-notation value stands for,
// when it has at most 15 digits (so a double held it exactly).
func exactInteger(s string) (string, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f >= 1e15 || f != math.Trunc(f) {
		return "", false
	}
	return strconv.FormatInt(int64(f), 10), true
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
	d, ok := parseDate(v, r.rd.xlsx != nil)
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
	if m, ok := parseMonth(v); ok {
		return m
	}
	// Excel turns "2024-03" typed into a cell into the date 2024-03-01.
	if d, ok := parseDate(v, r.rd.xlsx != nil); ok {
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
	f, err := parseAmount(v, r.rd.xlsx != nil)
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

// parseAmount reads yuan. A worksheet number is a double, so 0.1+0.2 is
// stored as 0.30000000000000004: from a worksheet, a value within a
// millionth of a fen of a whole fen is that fen.
func parseAmount(s string, worksheet bool) (money.Fen, error) {
	f, err := money.Parse(s)
	if err == nil || !worksheet {
		return f, err
	}
	x, perr := strconv.ParseFloat(s, 64)
	if perr != nil || math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e13 {
		return 0, err
	}
	fen := math.Round(x * 100)
	if math.Abs(x*100-fen) > 1e-6 {
		return 0, err
	}
	return money.Fen(fen), nil
}

// parseDate reads 2024-01-02, 2024/1/2, 2024.1.2, 2024年1月2日, 20240102,
// with any time of day after it ignored; from a worksheet also an Excel
// serial day number, which is how a date cell is stored.
func parseDate(s string, worksheet bool) (civil.Date, bool) {
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	if len(s) == 8 && allDigits(s) {
		d := civil.D(atoi(s[:4]), time.Month(atoi(s[4:6])), atoi(s[6:]))
		return d, d.Valid()
	}
	if worksheet {
		if d, ok := serialDate(s); ok {
			return d, true
		}
	}
	p, n := numberGroups(s)
	if n != 3 || p[0] < 1000 {
		return civil.Date{}, false
	}
	d := civil.D(p[0], time.Month(p[1]), p[2])
	return d, d.Valid()
}

// parseMonth reads 2024-01, 2024/1, 2024.01, 2024年1月, 202401.
func parseMonth(s string) (civil.Month, bool) {
	if len(s) == 6 && allDigits(s) {
		m := civil.Month{Year: atoi(s[:4]), Month: time.Month(atoi(s[4:]))}
		return m, m.Month >= 1 && m.Month <= 12
	}
	p, n := numberGroups(s)
	if n != 2 || p[0] < 1000 || p[1] < 1 || p[1] > 12 {
		return civil.Month{}, false
	}
	return civil.Month{Year: p[0], Month: time.Month(p[1])}, true
}

// serialDate converts an Excel serial day number (1900 date system: day 1
// is 1900-01-01, and Excel counts a 29 February 1900 that never was).
func serialDate(s string) (civil.Date, bool) {
	if len(s) > 12 || !strings.ContainsAny(s, "0123456789") || strings.Trim(s, "0123456789.") != "" {
		return civil.Date{}, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 61 || f > 2958465 {
		return civil.Date{}, false
	}
	return civil.D(1899, time.December, 30).AddDays(int(f)), true
}

// numberGroups splits s into runs of digits separated by single separators
// (-, /, ., 年, 月, 日), returning up to three numbers and how many there
// were; any other character makes it fail (n = 0).
func numberGroups(s string) (p [3]int, n int) {
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if digits == 0 {
				if n == 3 {
					return p, 0
				}
				n++
			}
			digits++
			if digits > 4 {
				return p, 0
			}
			p[n-1] = p[n-1]*10 + int(c-'0')
		case c == '-' || c == '/' || c == '.' || c == '年' || c == '月' || c == '日':
			if digits == 0 && c != '日' {
				return p, 0
			}
			digits = 0
		default:
			return p, 0
		}
	}
	return p, n
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
