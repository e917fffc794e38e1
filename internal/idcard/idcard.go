// Package idcard validates and reads resident identity numbers (居民身份证号码)
// under GB 11643-1999: six digits of region, eight of birth date, three of
// sequence (odd for men, even for women), and a check character computed
// with ISO 7064 MOD 11-2.
package idcard

import (
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/region"
)

// ID is a valid identity number and what it says.
type ID struct {
	Number string     // 18 characters, a final x upper-cased
	Region string     // the 6-digit region of first registration
	Birth  civil.Date // the birth date
	Seq    int        // the 3-digit sequence
}

// Male reports whether the sequence marks a man (odd).
func (id ID) Male() bool { return id.Seq%2 == 1 }

// AgeAt returns the holder's age in whole years on day d.
func (id ID) AgeAt(d civil.Date) int { return id.Birth.YearsAt(d) }

// weights are the GB 11643 weights 2^(17-i) mod 11 of the first 17 digits.
var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkChars maps the weighted sum mod 11 to the check character.
const checkChars = "10X98765432"

// CheckChar returns the check character for the first 17 digits, which must
// all be ASCII digits.
func CheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return checkChars[sum%11]
}

// Parse validates s as of today (China Standard Time). See ParseAt.
func Parse(s string) (ID, error) { return ParseAt(s, civil.Today()) }

// ParseAt validates s, with birth dates after today refused. Each failure
// is an apperr Invalid error with its own message and no field (callers
// prefix the field). A lower-case final x is accepted and upper-cased.
//
// A number keeps the region code of its first registration for life, even
// after that county, or the prefecture above it, is renumbered or merged:
// 周口地区 (4127) became 周口市 (4116) in 2000, and Beijing's former
// counties (1102) are districts now, yet people registered there still carry
// 4127… and 1102… numbers, many of them the elderly this system serves. So
// the province must be in the embedded division table, but the city digits
// only need to be in the table or be a value GB/T 2260 assigns to cities and
// prefectures (01–70, or 90 for counties directly under a province).
func ParseAt(s string, today civil.Date) (ID, error) {
	if len(s) != 18 {
		n := utf8.RuneCountInString(s)
		if n == 18 {
			// Right length, but a full-width digit or Ｘ from a Chinese
			// input method: point at it rather than miscount.
			for i, r := range []rune(s) {
				if r >= utf8.RuneSelf && i < 17 {
					return ID{}, apperr.Fieldf("", "character %d of the ID number must be a digit", i+1)
				}
			}
			return ID{}, apperr.Fieldf("", "the last character of the ID number must be a digit or X")
		}
		return ID{}, apperr.Fieldf("", "an ID number has 18 characters, this one has %d", n)
	}
	b := []byte(s)
	for i := 0; i < 17; i++ {
		if b[i] < '0' || b[i] > '9' {
			return ID{}, apperr.Fieldf("", "character %d of the ID number must be a digit", i+1)
		}
	}
	if b[17] == 'x' {
		b[17] = 'X'
	}
	if (b[17] < '0' || b[17] > '9') && b[17] != 'X' {
		return ID{}, apperr.Fieldf("", "the last character of the ID number must be a digit or X")
	}
	num := string(b)
	t := region.Embedded()
	if _, ok := t.Get(num[:2]); !ok {
		return ID{}, apperr.Fieldf("", "the ID number's region code %s names no province", num[:6])
	}
	if _, ok := t.Get(num[:4]); !ok && !cityDigits(num[2:4]) {
		return ID{}, apperr.Fieldf("", "the ID number's region code %s names no city", num[:6])
	}
	birth := civil.D(atoi(num[6:10]), monthOf(atoi(num[10:12])), atoi(num[12:14]))
	if !birth.Valid() {
		return ID{}, apperr.Fieldf("", "the ID number's birth date %s is not a real date", num[6:14])
	}
	if birth.After(today) {
		return ID{}, apperr.Fieldf("", "the ID number's birth date %s is in the future", birth)
	}
	if birth.Year < 1880 {
		return ID{}, apperr.Fieldf("", "the ID number's birth date %s is too far in the past", birth)
	}
	if want := CheckChar(num); num[17] != want {
		return ID{}, apperr.Fieldf("", "the ID number's check character is wrong (mistyped digit?)")
	}
	return ID{Number: num, Region: num[:6], Birth: birth, Seq: atoi(num[14:17])}, nil
}

// Normalize returns s with a lower-case final x upper-cased and surrounding
// spaces removed, without validating it.
func Normalize(s string) string {
	b := []byte(trimSpace(s))
	if len(b) == 18 && b[17] == 'x' {
		b[17] = 'X'
	}
	return string(b)
}

// Make returns the valid number for a region (6 digits), birth date and
// sequence (0-999; odd for a man): used by the synthetic data generator and
// by tests.
func Make(region6 string, birth civil.Date, seq int) string {
	b := make([]byte, 0, 18)
	b = append(b, region6...)
	b = appendInt(b, birth.Year, 4)
	b = appendInt(b, int(birth.Month), 2)
	b = appendInt(b, birth.Day, 2)
	b = appendInt(b, seq%1000, 3)
	return string(append(b, CheckChar(string(b))))
}

// cityDigits reports whether GB/T 2260 could have given a city or
// prefecture these middle digits: 01–20 and 51–70 for cities, 21–50 for
// prefectures, leagues and autonomous prefectures, 90 for the counties a
// province governs directly.
func cityDigits(cc string) bool {
	n := atoi(cc)
	return (n >= 1 && n <= 70) || n == 90
}

func appendInt(b []byte, v, width int) []byte {
	var tmp [8]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[:width]...)
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func monthOf(m int) time.Month { return time.Month(m) }

func trimSpace(s string) string { return strings.TrimSpace(s) }
