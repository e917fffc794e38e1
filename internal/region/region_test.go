package region

import (
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"safetynet/internal/apperr"
)

// fresh returns a private copy of the embedded table, for tests that add
// rows and must not depend on the shared one.
func fresh(t testing.TB) *Table {
	t.Helper()
	tb, err := decodeDivisions(divisionsGz)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestLevelOf(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		want   Level
		wantOK bool
	}{
		{"Province", "44", Province, true},
		{"City", "4401", City, true},
		{"County", "440103", County, true},
		{"Township", "440103001", Township, true},
		{"Village", "440103001101", Village, true},
		{"ErrEmpty", "", 0, false},
		{"ErrThreeDigits", "440", 0, false},
		{"ErrSevenDigits", "4401030", 0, false},
		{"ErrElevenDigits", "44010300110", 0, false},
		{"ErrThirteenDigits", "4401030011011", 0, false},
		{"ErrLetter", "44a1", 0, false},
		{"ErrFullWidthDigits", "４４", 0, false},
		{"ErrSpace", "44 ", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := LevelOf(tt.code)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("LevelOf(%q) = %v, %v; want %v, %v", tt.code, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParentCodeAndCountyOf(t *testing.T) {
	tests := []struct {
		code, parent, county string
	}{
		{"440103001101", "440103001", "440103"},
		{"440103001", "440103", "440103"},
		{"440103", "4401", "440103"},
		{"4401", "44", ""},
		{"44", "", ""},
		{"", "", ""},
		{"4401030", "", "440103"},
	}
	for _, tt := range tests {
		if got := ParentCode(tt.code); got != tt.parent {
			t.Errorf("ParentCode(%q) = %q, want %q", tt.code, got, tt.parent)
		}
		if got := CountyOf(tt.code); got != tt.county {
			t.Errorf("CountyOf(%q) = %q, want %q", tt.code, got, tt.county)
		}
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		name               string
		code, jurisdiction string
		want               bool
	}{
		{"OKVillageInCounty", "440103001101", "440103", true},
		{"OKTownshipInProvince", "440103001", "44", true},
		{"OKItself", "440103", "440103", true},
		{"OKWholeCountry", "110101", "", true},
		{"OtherCounty", "440104001", "440103", false},
		{"OtherProvince", "450103", "44", false},
		{"CityNotInItsCounty", "4401", "440103", false},
		{"PartialJurisdiction", "440103", "4", false},
		{"MalformedJurisdiction", "440103", "4401x", false},
		{"MalformedCode", "4401031", "44", false},
		{"EmptyCode", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Within(tt.code, tt.jurisdiction); got != tt.want {
				t.Errorf("Within(%q, %q) = %v, want %v", tt.code, tt.jurisdiction, got, tt.want)
			}
		})
	}
}

func TestEmbedded(t *testing.T) {
	tb := Embedded()
	if tb != Embedded() {
		t.Fatal("Embedded returned two tables")
	}
	if n := tb.Len(); n < 40000 {
		t.Errorf("Len() = %d, want about 45,000", n)
	}
	if n := len(tb.Children("")); n != 31 {
		t.Errorf("%d provinces, want 31", n)
	}
	r, ok := tb.Get("440103")
	want := Region{Code: "440103", Name: "荔湾区", Level: County, Parent: "4401"}
	if !ok || r != want {
		t.Errorf("Get(440103) = %+v, %v; want %+v", r, ok, want)
	}
	if _, ok := fresh(t).Get("440103001101"); ok {
		t.Error("the embedded table holds villages; they are meant to be imported per county")
	}
}

// TestEmbeddedFileReproducible guards the generator's promise that the
// gzip header carries no time or name, so regenerating changes no bytes.
func TestEmbeddedFileReproducible(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(divisionsGz))
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("gzip header has ModTime %v, Name %q; want neither", zr.ModTime, zr.Name)
	}
}

func TestChain(t *testing.T) {
	tb := Embedded()
	tests := []struct {
		name string
		code string
		want []string
	}{
		{"OKTownship", "440103001", []string{"广东省", "广州市", "荔湾区", "沙面街道"}},
		{"OKProvince", "44", []string{"广东省"}},
		{"OKMunicipality", "110101", []string{"北京市", "市辖区", "东城区"}},
		{"Unknown", "440199", nil},
		{"Malformed", "44x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for i, r := range tb.Chain(tt.code) {
				got = append(got, r.Name)
				if wantLevel := Level(i + 1); r.Level != wantLevel {
					t.Errorf("Chain(%s)[%d].Level = %v, want %v", tt.code, i, r.Level, wantLevel)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Chain(%s) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestFullName(t *testing.T) {
	tb := Embedded()
	tests := []struct {
		name, code, want string
	}{
		{"OKTownship", "440103001", "广东省广州市荔湾区沙面街道"},
		{"SkipsMunicipalityPlaceholder", "110101", "北京市东城区"},
		{"SkipsChongqingCountyPlaceholder", "500229", "重庆市城口县"},
		{"SkipsProvinceDirectPlaceholder", "419001", "河南省济源市"},
		{"CityThatIsItsOwnCounty", "441900003", "广东省东莞市东城街道"},
		{"TownshipNamedAfterCounty", "419001001", "河南省济源市沁园街道"},
		{"Unknown", "440199", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tb.FullName(tt.code); got != tt.want {
				t.Errorf("FullName(%s) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestChildren(t *testing.T) {
	tb := Embedded()
	tests := []struct {
		name      string
		code      string
		wantLevel Level
		wantMin   int
	}{
		{"Provinces", "", Province, 31},
		{"CountiesOfGuangzhou", "4401", County, 11},
		{"TownshipsOfLiwan", "440103", Township, 22},
		{"Unknown", "440199", 0, 0},
		{"Village", "440103001101", 0, 0},
		{"Malformed", "4401x", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tb.Children(tt.code)
			if len(got) < tt.wantMin || (tt.wantMin == 0 && got != nil) {
				t.Fatalf("Children(%q) has %d rows, want at least %d", tt.code, len(got), tt.wantMin)
			}
			for _, r := range got {
				if r.Level != tt.wantLevel || r.Parent != tt.code || len(r.Code) != codeLen[tt.wantLevel] {
					t.Errorf("Children(%q) holds %+v", tt.code, r)
				}
			}
			if !slices.IsSortedFunc(got, byCode) {
				t.Errorf("Children(%q) is not sorted by code", tt.code)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	tb := fresh(t)
	if err := tb.Add(DemoVillages()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		q, within string
		limit     int
		want      []string // codes, in order; nil to check only the invariants
		wantLen   int
	}{
		{"OKLiwan", "荔湾", "44", 10, []string{"440103", "440103016010"}, 2}, // the county, then 恒荔湾畔社区
		{"OtherProvince", "荔湾", "45", 10, nil, 0},
		{"Limit", "街道", "440103", 3, []string{"440103001", "440103002", "440103003"}, 3},
		{"LevelBeforeCode", "沙面", "440103", 0, []string{"440103001"}, -1},
		{"MalformedWithin", "荔湾", "4", 10, nil, 0},
		{"WholeCountry", "广州", "", 5, []string{"4401"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tb.Search(tt.q, tt.within, tt.limit)
			if tt.wantLen >= 0 && len(got) != tt.wantLen {
				t.Errorf("Search(%q, %q, %d) has %d rows, want %d", tt.q, tt.within, tt.limit, len(got), tt.wantLen)
			}
			for i, code := range tt.want {
				if i >= len(got) || got[i].Code != code {
					t.Errorf("Search(%q, %q, %d) = %v, want it to start %v", tt.q, tt.within, tt.limit, got, tt.want)
					break
				}
			}
			for i, r := range got {
				if !strings.Contains(r.Name, tt.q) || !Within(r.Code, tt.within) {
					t.Errorf("Search(%q, %q) returned %+v", tt.q, tt.within, r)
				}
				if i > 0 && (r.Level < got[i-1].Level || r.Level == got[i-1].Level && r.Code <= got[i-1].Code) {
					t.Errorf("Search(%q, %q): %s after %s, want level then code order", tt.q, tt.within, r.Code, got[i-1].Code)
				}
			}
		})
	}
	// Imported villages are searched too.
	got := tb.Search("社区", "440103001", 0)
	if len(got) == 0 || got[0].Level != Village {
		t.Errorf("Search(社区, 440103001) = %v, want villages", got)
	}
}

func TestAdd(t *testing.T) {
	tb := fresh(t)
	base := tb.Len()
	demo := DemoVillages()
	if len(demo) < 100 {
		t.Fatalf("DemoVillages() has %d rows, want the ~200 of 荔湾区", len(demo))
	}
	if err := tb.Add(demo); err != nil {
		t.Fatalf("Add(demo villages): %v", err)
	}
	if got := tb.Len(); got != base+len(demo) {
		t.Errorf("Len() = %d after adding %d villages to %d", got, len(demo), base)
	}
	if err := tb.Add(demo); err != nil {
		t.Errorf("Add(same villages again) = %v, want nil (idempotent)", err)
	}
	if got := tb.Len(); got != base+len(demo) {
		t.Errorf("Len() = %d after re-adding, want %d", got, base+len(demo))
	}
	kids := tb.Children("440103001")
	if len(kids) == 0 {
		t.Fatal("no villages under 440103001 after Add")
	}
	for _, r := range kids {
		if r.Level != Village || !strings.HasPrefix(r.Code, "440103001") {
			t.Errorf("Children(440103001) holds %+v", r)
		}
	}
	if got, want := tb.FullName(kids[0].Code), "广东省广州市荔湾区沙面街道"+kids[0].Name; got != want {
		t.Errorf("FullName(%s) = %q, want %q", kids[0].Code, got, want)
	}

	tests := []struct {
		name       string
		rows       []Region
		wantFields map[string]string // field → part of the message
		wantAdded  []string
	}{
		{
			name:      "OKTownshipAndVillageInReverseOrder",
			rows:      []Region{{Code: "440103999001", Name: "新村"}, {Code: "440103999", Name: "新街道"}},
			wantAdded: []string{"440103999", "440103999001"},
		},
		{
			name:       "ErrTownshipMissing",
			rows:       []Region{{Code: "440103888001", Name: "无街道村"}},
			wantFields: map[string]string{"[0].parent": "township 440103888, the parent of 440103888001, is not in the division table"},
		},
		{
			name:       "ErrElevenDigits",
			rows:       []Region{{Code: "44010300110", Name: "短码村"}},
			wantFields: map[string]string{"[0].code": "code 44010300110 is not 2, 4, 6, 9 or 12 digits"},
		},
		{
			name: "ErrBadRowsGoodRowKept",
			rows: []Region{
				{Code: "440103001901", Name: "好村"},
				{Code: "440103001902", Name: "  "},
				{Code: "440103001903", Name: "错上级", Parent: "440103002"},
				{Code: "440103001904", Name: "错级别", Level: Township},
				{Code: kids[0].Code, Name: "改名村"},
			},
			wantFields: map[string]string{
				"[1].name":   "the name of 440103001902 is empty",
				"[2].parent": "parent 440103002 does not match code 440103001903",
				"[3].level":  "code 440103001904 is a village code",
				"[4].name":   "is already " + kids[0].Name,
			},
			wantAdded: []string{"440103001901"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tb.Add(tt.rows)
			checkFields(t, err, tt.wantFields)
			for _, code := range tt.wantAdded {
				if _, ok := tb.Get(code); !ok {
					t.Errorf("%s was not added", code)
				}
			}
		})
	}
}

func TestNewTable(t *testing.T) {
	tb, err := NewTable([]Region{
		{Code: "4401", Name: "广州市"},
		{Code: "44", Name: "广东省"},
		{Code: "4402", Name: "韶关市", Parent: "45"},
	})
	checkFields(t, err, map[string]string{"[2].parent": "parent 45 does not match code 4402"})
	if tb.Len() != 2 || tb.FullName("4401") != "广东省广州市" {
		t.Errorf("NewTable kept %d rows, FullName(4401) = %q", tb.Len(), tb.FullName("4401"))
	}
}

// TestEmbeddedAddShared checks that villages added to the shared table are
// seen through every later Embedded() call, while readers run alongside
// (run with -race).
func TestEmbeddedAddShared(t *testing.T) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				Embedded().Children("440103")
				Embedded().FullName("440103001")
				Embedded().Search("社区", "440103", 5)
			}
		})
	}
	if err := Embedded().Add(DemoVillages()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, ok := Embedded().Get(DemoVillages()[0].Code); !ok {
		t.Error("a village added to Embedded() is not seen by the next caller")
	}
}

func TestDemoVillages(t *testing.T) {
	rs := DemoVillages()
	if len(rs) < 100 {
		t.Fatalf("%d demo villages, want the ~200 of 荔湾区", len(rs))
	}
	for _, r := range rs {
		if r.Level != Village || CountyOf(r.Code) != "440103" || r.Name == "" {
			t.Errorf("demo village %+v", r)
		}
	}
}

func TestParseCSV(t *testing.T) {
	gb := func(s string) string {
		b, err := simplifiedchinese.GB18030.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	shamian := Region{Code: "440103001", Name: "沙面街道", Level: Township, Parent: "440103"}
	cuizhou := Region{Code: "440103001101", Name: "翠洲社区居民委员会", Level: Village, Parent: "440103001"}
	tests := []struct {
		name       string
		in         string
		want       []Region
		wantFields map[string]string
	}{
		{"OKPlainWithHeader", "code,name,parent\n440103001,沙面街道,440103\n", []Region{shamian}, nil},
		{"OKPlainNoHeaderNoParent", "440103001,沙面街道\n", []Region{shamian}, nil},
		{"OKBOM", "\uFEFFcode,name\r\n440103001,沙面街道\r\n", []Region{shamian}, nil},
		{"OKBOMNoHeader", "\uFEFF440103001,沙面街道\n", []Region{shamian}, nil},
		{"OKGB18030", gb("区划代码,名称\n440103001,沙面街道\n"), []Region{shamian}, nil},
		{"OKGB18030NoHeader", gb("440103001101,\"翠洲社区居民委员会\"\n"), []Region{cuizhou}, nil},
		{
			"OKChinaDivisionVillages",
			"code,name,streetCode,provinceCode,cityCode,areaCode\n440103001101,\"翠洲社区居民委员会\",440103001,44,4401,440103\n",
			[]Region{cuizhou}, nil,
		},
		{"OKBlankAndDuplicateRowsSkipped", "code,name\n440103001,沙面街道\n,,\n440103001, 沙面街道 \n", []Region{shamian}, nil},
		{
			"ErrBadRowsGoodRowsKept",
			"code,name,parent\n" +
				"440103001,沙面街道,440103\n" + // row 2
				"4401030,短码,4401\n" + // row 3
				"440103002,,440103\n" + // row 4
				"440103003,华林街道,440104\n" + // row 5
				"44010300a,字母,440103\n" + // row 6
				"440103001101,翠洲社区居民委员会\n" + // row 7
				"440103001,沙面,440103\n", // row 8
			[]Region{shamian, cuizhou},
			map[string]string{
				"row 3, column code":   "code 4401030 is not 2, 4, 6, 9 or 12 digits",
				"row 4, column name":   "the name of 440103002 is empty",
				"row 5, column parent": "parent 440104 does not match code 440103003",
				"row 6, column code":   "code 44010300a is not",
				"row 8, column code":   "code 440103001 is already on row 2, as 沙面街道",
			},
		},
		{
			"ErrChinaDivisionAncestorColumn",
			"code,name,streetCode,provinceCode,cityCode,areaCode\n" +
				"440103001101,翠洲社区居民委员会,440103001,44,4401,440103\n" +
				"440103002101,扬仁东社区居民委员会,440103001,44,4401,440103\n" +
				"440103002102,某社区,440103002,45,4401,440103\n",
			[]Region{cuizhou},
			map[string]string{
				"row 3, column streetCode":   "township 440103001 does not match code 440103002101, whose township is 440103002",
				"row 4, column provinceCode": "province 45 does not match",
			},
		},
		{
			"ErrNoHeaderRowNumbers",
			"440103001,沙面街道\n440103,\n",
			[]Region{shamian},
			map[string]string{"row 2, column name": "the name of 440103 is empty"},
		},
		{
			"ErrHeaderWithoutCode",
			"name,parent\n沙面街道,440103\n",
			nil,
			map[string]string{"row 1": "the header must name a code and a name column"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCSV(strings.NewReader(tt.in))
			checkFields(t, err, tt.wantFields)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseCSV rows = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// checkFields fails unless err is nil and want empty, or err is an Invalid
// apperr whose details are exactly want's fields, each message containing
// want's text.
func checkFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Errorf("err = %v, want nil", err)
		}
		return
	}
	if code := apperr.CodeOf(err); code != apperr.Invalid {
		t.Fatalf("err = %v (code %q), want an Invalid apperr", err, code)
	}
	got := apperr.Fields(err)
	for field, msg := range want {
		if !strings.Contains(got[field], msg) {
			t.Errorf("field %q: message %q, want it to contain %q", field, got[field], msg)
		}
	}
	for field, msg := range got {
		if _, ok := want[field]; !ok {
			t.Errorf("unexpected error at %q: %s", field, msg)
		}
	}
}

// BenchmarkEmbedded measures the start-up cost of decoding the embedded
// table, which every process pays once.
func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		tb, err := decodeDivisions(divisionsGz)
		if err != nil {
			b.Fatal(err)
		}
		if tb.Len() < 40000 {
			b.Fatalf("decoded %d rows, want about 45,000", tb.Len())
		}
	}
}

// FuzzParseCSV checks that no file, however malformed, makes ParseCSV panic
// or return a row that Add would refuse on its own.
func FuzzParseCSV(f *testing.F) {
	f.Add("code,name,parent\n440103001,沙面街道,440103\n")
	f.Add("\uFEFF440103001101,\"翠洲社区\"\n4401030,x\n")
	f.Add("code,name,streetCode,provinceCode,cityCode,areaCode\n440103001101,a,440103001,44,4401,440103\n")
	f.Add("\"unterminated,440103\n44,\"a\"b\"\n")
	f.Add("\x81\x30\x81\x30,\xff\n")
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := ParseCSV(strings.NewReader(in))
		if err != nil && apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("ParseCSV error %v is not Invalid", err)
		}
		for _, r := range rs {
			if n, _, format, _ := normalize(r); format != "" || n != r {
				t.Fatalf("ParseCSV returned %+v, which normalize makes %+v (%s)", r, n, format)
			}
		}
	})
}

func TestResolve(t *testing.T) {
	tb := Embedded()
	for in, want := range map[string]string{"440100": "4401", "440000": "44", "440103": "440103", "440103000000": "440103",
		"440103001000": "440103001", "440100000000": "4401", " 4401 ": "4401"} {
		if r, ok := tb.Resolve(in); !ok || r.Code != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", in, r.Code, ok, want)
		}
	}
	if _, ok := tb.Resolve("449900"); ok {
		t.Error("Resolve accepted 449900")
	}
}
