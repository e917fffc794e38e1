package pii

import (
	"strings"
	"unicode/utf8"
)

// minHidden is the fewest characters a mask hides. A value too short to
// show its usual head and tail with at least this many hidden shows less,
// down to nothing: a short value is usually a typo, and showing most of it
// would defeat the mask.
const minHidden = 4

// Mask returns plain with most of it replaced by '*', for screens and
// exports shown to viewers who do not need the full value:
//
//   - IDNumber: the first 6 (region) and last 4 characters, length kept:
//     "440103********1234";
//   - Phone: an 11-digit mobile number keeps its first 3 and last 4
//     ("138****5678"); other numbers keep their last 4;
//   - BankAccount, and any other kind: all but the last 4
//     ("************1234").
//
// Phone and account numbers are masked in their normalized form (spaces and
// dashes removed). Masks count characters (runes), not bytes. "" → "".
func Mask(kind Kind, plain string) string {
	s := strings.TrimSpace(plain)
	if s == "" {
		return ""
	}
	switch kind {
	case IDNumber:
		return maskRunes(s, 6, 4)
	case Phone:
		s = Normalize(Phone, s)
		if isMobile(s) {
			return maskRunes(s, 3, 4)
		}
		return maskRunes(s, 0, 4)
	case BankAccount:
		return maskRunes(Normalize(BankAccount, s), 0, 4)
	}
	return maskRunes(s, 0, 4)
}

// isMobile reports whether s is an 11-digit mainland mobile number.
func isMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// maskRunes keeps head runes at the start and tail at the end of s and stars
// the rest. If that would hide fewer than minHidden runes it drops the head,
// and if still too few it hides everything.
func maskRunes(s string, head, tail int) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n-head-tail >= minHidden:
	case n-tail >= minHidden:
		head = 0
	default:
		head, tail = 0, 0
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for _, r := range s {
		if i < head || i >= n-tail {
			b.WriteRune(r)
		} else {
			b.WriteByte('*')
		}
		i++
	}
	return b.String()
}

// MaskName masks a person's name for public notices (公示), as the civil
// affairs notices do: a two-character name keeps its first character
// ("张三" → "张*"); a longer one keeps its first and last ("欧阳娜娜" →
// "欧**娜"); a one-character name is returned unchanged. "" → "".
func MaskName(name string) string {
	s := strings.TrimSpace(name)
	rs := []rune(s)
	switch n := len(rs); {
	case n <= 1:
		return s
	case n == 2:
		return string(rs[0]) + "*"
	default:
		return string(rs[0]) + strings.Repeat("*", n-2) + string(rs[n-1])
	}
}
