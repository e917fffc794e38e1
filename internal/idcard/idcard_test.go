package idcard

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
)

// today is fixed so the cases do not drift as the calendar moves.
var today = civil.D(2024, time.June, 1)

// withCheckX returns a valid number for region and birth whose check
// character is X, to exercise the lower-case x path.
func withCheckX(t testing.TB, region string, birth civil.Date) string {
	t.Helper()
	for seq := 0; seq < 1000; seq++ {
		if n := Make(region, birth, seq); n[17] == 'X' {
			return n
		}
	}
	t.Fatal("no sequence gives check character X")
	return ""
}

func TestCheckChar(t *testing.T) {
	// The two worked examples printed in GB 11643-1999.
	for _, n := range []string{"11010519491231002X", "440524188001010014"} {
		if got := CheckChar(n[:17]); got != n[17] {
			t.Errorf("CheckChar(%s) = %c, want %c", n[:17], got, n[17])
		}
	}
}

func TestParseAt(t *testing.T) {
	valid := Make("110101", civil.D(1990, time.March, 7), 123)
	withX := withCheckX(t, "440103", civil.D(1985, time.December, 31))
	wrongCheck := valid[:17] + string("0123456789"[(strings.IndexByte("0123456789", valid[17])+1)%10])
	tests := []struct {
		name    string
		in      string
		want    ID
		wantErr string // part of the message format; "" for success
	}{
		{"OK", valid, ID{Number: valid, Region: "110101", Birth: civil.D(1990, time.March, 7), Seq: 123}, ""},
		{"OKLowerCaseXNormalised", strings.ToLower(withX), ID{Number: withX, Region: "440103", Birth: civil.D(1985, time.December, 31), Seq: atoi(withX[14:17])}, ""},
		{"OKBornToday", Make("440103", today, 2), ID{Number: Make("440103", today, 2), Region: "440103", Birth: today, Seq: 2}, ""},
		// Codes of first registration stay valid after renumbering:
		// 郸城县 under the former 周口地区, 密云县 before it became a district.
		{"OKFormerPrefecture", Make("412726", civil.D(1950, time.May, 1), 31), ID{Number: Make("412726", civil.D(1950, time.May, 1), 31), Region: "412726", Birth: civil.D(1950, time.May, 1), Seq: 31}, ""},
		{"OKFormerMunicipalCounty", Make("110228", civil.D(1960, time.January, 15), 40), ID{Number: Make("110228", civil.D(1960, time.January, 15), 40), Region: "110228", Birth: civil.D(1960, time.January, 15), Seq: 40}, ""},
		{"ErrLength", valid[:17], ID{}, "an ID number has 18 characters"},
		{"ErrLengthLong", valid + "1", ID{}, "an ID number has 18 characters"},
		{"ErrLengthEmpty", "", ID{}, "an ID number has 18 characters"},
		{"ErrNonDigit", valid[:5] + "A" + valid[6:], ID{}, "character %d of the ID number must be a digit"},
		{"ErrFullWidthDigit", valid[:5] + "１" + valid[6:], ID{}, "character %d of the ID number must be a digit"},
		{"ErrFullWidthX", withX[:17] + "Ｘ", ID{}, "the last character of the ID number must be a digit or X"},
		{"ErrBadLastChar", valid[:17] + "Y", ID{}, "the last character of the ID number must be a digit or X"},
		{"ErrUnknownProvince", Make("960101", civil.D(1990, time.March, 7), 1), ID{}, "names no province"},
		{"ErrUnknownCity", Make("447101", civil.D(1990, time.March, 7), 1), ID{}, "names no city"},
		{"ErrUnknownCityNinetyNine", Make("449901", civil.D(1990, time.March, 7), 1), ID{}, "names no city"},
		{"ErrBirthDateInvalid", Make("110101", civil.D(1990, time.February, 30), 1), ID{}, "is not a real date"},
		{"ErrBirthMonthThirteen", Make("110101", civil.D(1990, 13, 1), 1), ID{}, "is not a real date"},
		{"ErrBirthDayZero", Make("110101", civil.D(1990, time.March, 0), 1), ID{}, "is not a real date"},
		{"ErrBirthNotLeapYear", Make("110101", civil.D(1900, time.February, 29), 1), ID{}, "is not a real date"},
		{"ErrBirthInFuture", Make("110101", today.AddDays(1), 1), ID{}, "is in the future"},
		{"ErrBirthTooEarly", Make("110101", civil.D(1879, time.December, 31), 1), ID{}, "too far in the past"},
		{"ErrCheckChar", wrongCheck, ID{}, "check character is wrong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAt(tt.in, today)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseAt(%q) error %v, want nil", tt.in, err)
				}
				if got != tt.want {
					t.Errorf("ParseAt(%q) = %+v, want %+v", tt.in, got, tt.want)
				}
				return
			}
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || e.Field != "" {
				t.Fatalf("ParseAt(%q) = %+v, %v; want an Invalid apperr with no field", tt.in, got, err)
			}
			if !strings.Contains(e.Format(), tt.wantErr) {
				t.Errorf("ParseAt(%q) error %q, want it to contain %q", tt.in, e.Message, tt.wantErr)
			}
			if got != (ID{}) {
				t.Errorf("ParseAt(%q) returned %+v with its error, want the zero ID", tt.in, got)
			}
		})
	}
}

func TestParseUsesToday(t *testing.T) {
	tomorrow := civil.Today().AddDays(1)
	if _, err := Parse(Make("110101", tomorrow, 1)); err == nil {
		t.Errorf("Parse accepted a birth date of tomorrow, %s", tomorrow)
	}
}

func TestMale(t *testing.T) {
	tests := []struct {
		name string
		seq  int
		male bool
	}{
		{"OddIsMale", 123, true},
		{"EvenIsFemale", 124, false},
		{"ZeroIsFemale", 0, false},
		{"NineNineNineIsMale", 999, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseAt(Make("110101", civil.D(1990, time.March, 7), tt.seq), today)
			if err != nil {
				t.Fatal(err)
			}
			if id.Male() != tt.male {
				t.Errorf("seq %03d: Male() = %v, want %v", tt.seq, id.Male(), tt.male)
			}
		})
	}
}

func TestAgeAt(t *testing.T) {
	tests := []struct {
		name  string
		birth civil.Date
		on    civil.Date
		want  int
	}{
		{"DayBeforeBirthday", civil.D(1990, time.March, 7), civil.D(2020, time.March, 6), 29},
		{"OnBirthday", civil.D(1990, time.March, 7), civil.D(2020, time.March, 7), 30},
		{"DayAfterBirthday", civil.D(1990, time.March, 7), civil.D(2020, time.March, 8), 30},
		{"NewYearsEve", civil.D(1990, time.March, 7), civil.D(2020, time.December, 31), 30},
		{"LeapDayBornCommonYearFeb28", civil.D(2000, time.February, 29), civil.D(2001, time.February, 28), 0},
		{"LeapDayBornCommonYearMar1", civil.D(2000, time.February, 29), civil.D(2001, time.March, 1), 1},
		{"LeapDayBornLeapYearFeb28", civil.D(2000, time.February, 29), civil.D(2004, time.February, 28), 3},
		{"LeapDayBornLeapYearFeb29", civil.D(2000, time.February, 29), civil.D(2004, time.February, 29), 4},
		{"Newborn", civil.D(2024, time.June, 1), civil.D(2024, time.June, 1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseAt(Make("440103", tt.birth, 1), today)
			if err != nil {
				t.Fatal(err)
			}
			if got := id.AgeAt(tt.on); got != tt.want {
				t.Errorf("born %s, AgeAt(%s) = %d, want %d", tt.birth, tt.on, got, tt.want)
			}
		})
	}
}

func TestMakeRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		region string
		birth  civil.Date
		seq    int
	}{
		{"Beijing", "110101", civil.D(1990, time.March, 7), 123},
		{"Liwan", "440103", civil.D(1949, time.October, 1), 2},
		{"SeqZero", "440103", civil.D(2000, time.February, 29), 0},
		{"SeqMax", "650102", civil.D(1880, time.January, 1), 999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Make(tt.region, tt.birth, tt.seq)
			id, err := ParseAt(n, today)
			if err != nil {
				t.Fatalf("ParseAt(Make(...)) = %v", err)
			}
			want := ID{Number: n, Region: tt.region, Birth: tt.birth, Seq: tt.seq}
			if id != want {
				t.Errorf("ParseAt(%s) = %+v, want %+v", n, id, want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"LowerX", "11010519491231002x", "11010519491231002X"},
		{"Spaces", "  440524188001010014\t", "440524188001010014"},
		{"ShortLeftAlone", "1101x", "1101x"},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		Make("110101", civil.D(1990, time.March, 7), 123),
		Make("440103", civil.D(2000, time.February, 29), 0),
		Make("412726", civil.D(1950, time.May, 1), 31),
		"11010519491231002X",
		"11010519491231002x",
		"440524188001010014",
		"11010519491231002",
		"110105194912310021",
		"1101051949123100２X",
		"110101199002301234",
		"999999999999999999",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("Parse(%q) error %v is not Invalid", s, err)
			}
			return
		}
		if len(id.Number) != 18 {
			t.Fatalf("Parse(%q).Number = %q, not 18 characters", s, id.Number)
		}
		if got := CheckChar(id.Number); got != id.Number[17] {
			t.Fatalf("Parse(%q): CheckChar = %c, Number ends %c", s, got, id.Number[17])
		}
		if got := Make(id.Region, id.Birth, id.Seq); got != id.Number {
			t.Fatalf("Parse(%q): Make(%s, %s, %d) = %s, want %s", s, id.Region, id.Birth, id.Seq, got, id.Number)
		}
		if id.Number != strings.ToUpper(s) {
			t.Fatalf("Parse(%q).Number = %q, want the input upper-cased", s, id.Number)
		}
	})
}
