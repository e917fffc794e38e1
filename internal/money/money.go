// Package money holds amounts of Chinese yuan as whole fen (分).
//
// Amounts are never floats: every sum, comparison and payroll line is exact.
// Rounding (to fen or to yuan) is a policy parameter applied once at the end
// of a calculation, not here.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// Fen is an amount in fen; 100 fen are one yuan.
type Fen int64

// Yuan returns n whole yuan.
func Yuan(n int64) Fen { return Fen(n * 100) }

// String formats f as yuan with two decimals: "1234.50", "-0.05".
func (f Fen) String() string {
	sign := ""
	v := int64(f)
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Parse reads an amount in yuan ("1234", "1234.5", "1,234.50", "-3.2").
// More than two decimals is an error rather than a silent rounding.
func Parse(s string) (Fen, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	s = strings.TrimPrefix(s, "¥")
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals", s)
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%q is not an amount", s)
			}
		}
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	var w int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	fr, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + fr
	if neg {
		v = -v
	}
	return Fen(v), nil
}
