package tabular

import (
	"math"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// The cell parsers below read values as people type them into spreadsheets
// and as Excel stores them. worksheet says the cell came from an XLSX file,
// where numbers are doubles and dates are serial day numbers.

// PlainDigits removes the spaces people type into long numbers
// ("440103 19700305 1311") and turns full-width digits, which a Chinese
// input method can produce, into ASCII.
func PlainDigits(s string) string {
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

// SciNumber reports whether s is written in scientific notation, "4.40103E+17".
func SciNumber(s string) bool {
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

// ExactInteger returns the integer a scientific-notation value stands for,
// when it has at most 15 digits (so a double held it exactly).
func ExactInteger(s string) (string, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f >= 1e15 || f != math.Trunc(f) {
		return "", false
	}
	return strconv.FormatInt(int64(f), 10), true
}

// ParseAmount reads yuan. A worksheet number is a double, so 0.1+0.2 is
// stored as 0.30000000000000004: from a worksheet, a value within a
// millionth of a fen of a whole fen is that fen.
func ParseAmount(s string, worksheet bool) (money.Fen, error) {
	if f, ok := plainAmount(s); ok {
		return f, nil
	}
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

// plainAmount reads the common case of ParseAmount without allocating:
// digits with at most two decimals, no sign, separators or spaces. It
// gives what money.Parse gives for such text, and false for anything else
// (left to money.Parse).
func plainAmount(s string) (money.Fen, bool) {
	var whole int64
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		whole = whole*10 + int64(s[i]-'0')
	}
	if i > 15 { // money.Parse's limit (and no overflow below)
		return 0, false
	}
	if i == len(s) {
		return money.Fen(whole * 100), i > 0
	}
	if s[i] != '.' || len(s)-i-1 > 2 || (i == 0 && len(s) == 1) {
		return 0, false
	}
	var frac int64
	for j := i + 1; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return 0, false
		}
		frac = frac*10 + int64(s[j]-'0')
	}
	if len(s)-i-1 == 1 {
		frac *= 10
	}
	return money.Fen(whole*100 + frac), true
}

// ParseDate reads 2024-01-02, 2024/1/2, 2024.1.2, 2024年1月2日, 20240102,
// with any time of day after it ignored; from a worksheet also an Excel
// serial day number, which is how a date cell is stored.
func ParseDate(s string, worksheet bool) (civil.Date, bool) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:]) && s[0] != '0' {
		// YYYY-MM-DD, the usual form: what the general path below gives it.
		d := civil.D(atoi(s[:4]), time.Month(atoi(s[5:7])), atoi(s[8:]))
		return d, d.Valid()
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	if len(s) == 8 && allDigits(s) {
		d := civil.D(atoi(s[:4]), time.Month(atoi(s[4:6])), atoi(s[6:]))
		return d, d.Valid()
	}
	if worksheet {
		if d, ok := SerialDate(s); ok {
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

// ParseMonth reads 2024-01, 2024/1, 2024.01, 2024年1月, 202401.
func ParseMonth(s string) (civil.Month, bool) {
	if len(s) == 7 && s[4] == '-' && allDigits(s[:4]) && allDigits(s[5:]) && s[0] != '0' {
		// YYYY-MM, the usual form: what the general path below gives it.
		if m := atoi(s[5:]); m >= 1 && m <= 12 {
			return civil.Month{Year: atoi(s[:4]), Month: time.Month(m)}, true
		}
		return civil.Month{}, false
	}
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

// SerialDate converts an Excel serial day number (1900 date system: day 1
// is 1900-01-01, and Excel counts a 29 February 1900 that never was).
func SerialDate(s string) (civil.Date, bool) {
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
