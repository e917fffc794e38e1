package policy

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"safetynet/internal/money"
)

// Ratio is an exact fraction: a multiple of a standard (1.5×), a share (60%,
// 1/6) or a growth rate (3.5%). Thresholds are compared exactly, so a
// household at exactly 1.5× the standard is never "below" it by a float's
// rounding.
type Ratio struct {
	Num, Den int64
}

// maxRatioPart bounds numerator and denominator so that an amount times a
// ratio cannot overflow int64 for any amount the inputs accept (MaxAmount).
const maxRatioPart = 1_000_000

// R returns num/den.
func R(num, den int64) Ratio { return Ratio{num, den} }

// ParseRatio reads "1.5", "1.5x", "60%", "1/6" or "3.5%".
func ParseRatio(s string) (Ratio, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "x"), "×")
	if a, b, ok := strings.Cut(t, "/"); ok {
		n, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		d, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
		if err1 != nil || err2 != nil || d <= 0 || n < 0 {
			return Ratio{}, fmt.Errorf("%q is not a fraction such as 1/6", s)
		}
		return Ratio{n, d}.check(s)
	}
	den := int64(1)
	if strings.HasSuffix(t, "%") {
		t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
		den = 100
	}
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" {
		return Ratio{}, fmt.Errorf("%q is not a ratio (want 1.5, 60%% or 1/6)", s)
	}
	if len(frac) > 4 {
		return Ratio{}, fmt.Errorf("%q has more than four decimals", s)
	}
	for range frac {
		den *= 10
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n < 0 {
		return Ratio{}, fmt.Errorf("%q is not a ratio (want 1.5, 60%% or 1/6)", s)
	}
	return Ratio{n, den}.reduce().check(s)
}

func (r Ratio) check(s string) (Ratio, error) {
	r = r.reduce()
	if r.Num > maxRatioPart || r.Den > maxRatioPart {
		return Ratio{}, fmt.Errorf("%q is too large or too fine a ratio", s)
	}
	return r, nil
}

func (r Ratio) reduce() Ratio {
	if r.Den == 0 {
		return r
	}
	a, b := r.Num, r.Den
	for b != 0 {
		a, b = b, a%b
	}
	if a == 0 {
		return Ratio{0, 1}
	}
	return Ratio{r.Num / a, r.Den / a}
}

// IsZero reports whether r is the zero value (no ratio).
func (r Ratio) IsZero() bool { return r.Den == 0 }

// Of returns f × r rounded half away from zero to the fen.
func (r Ratio) Of(f money.Fen) money.Fen { return mulDiv(f, r.Num, r.Den) }

// Cmp compares a/b with r exactly: -1 if a/b < r, 0 if equal, +1 if greater.
// b must be positive.
func (r Ratio) Cmp(a, b money.Fen) int {
	x := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(r.Den))
	y := new(big.Int).Mul(big.NewInt(int64(b)), big.NewInt(r.Num))
	return x.Cmp(y)
}

// Less reports whether r < o.
func (r Ratio) Less(o Ratio) bool { return r.Num*o.Den < o.Num*r.Den }

// String formats r for people: "1.5×" for multiples, "60%" for shares under
// one that are whole percent, "1/6" otherwise.
func (r Ratio) String() string {
	if r.Den == 0 {
		return ""
	}
	if r.Num >= r.Den || r.Num == 0 {
		if s, ok := decimal(r.Num, r.Den); ok {
			return s + "×"
		}
		return fmt.Sprintf("%d/%d", r.Num, r.Den)
	}
	if s, ok := decimal(r.Num*100, r.Den); ok {
		return s + "%"
	}
	return fmt.Sprintf("%d/%d", r.Num, r.Den)
}

// decimal writes n/d with up to four decimals, if it terminates there.
func decimal(n, d int64) (string, bool) {
	if (n*10000)%d != 0 {
		return "", false
	}
	v := n * 10000 / d
	s := strconv.FormatInt(v/10000, 10)
	if frac := v % 10000; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
	}
	return s, true
}

// mulDiv returns f × n / d rounded half away from zero. Amounts are bounded
// by MaxAmount and n by maxRatioPart, so f × n fits in int64.
func mulDiv(f money.Fen, n, d int64) money.Fen {
	p := int64(f) * n
	q, r := p/d, p%d
	if r < 0 {
		r = -r
	}
	if 2*r >= d {
		if p < 0 {
			q--
		} else {
			q++
		}
	}
	return money.Fen(q)
}

// MaxAmount is the largest amount an input may carry (one hundred million
// yuan): far above any real income or asset of an assisted household, and
// small enough that sums and products never overflow.
const MaxAmount = money.Fen(100_000_000 * 100)
