package importfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/tabular"
)

var today = civil.D(2025, time.June, 30)

// Valid ID numbers for the tests, registered in 荔湾区 (440103).
var (
	idHead   = idcard.Make("440103", civil.D(1970, time.March, 5), 131)  // a man
	idSpouse = idcard.Make("440103", civil.D(1972, time.July, 9), 242)   // a woman
	idChild  = idcard.Make("440103", civil.D(2005, time.January, 2), 15) // a man
	idOther  = idcard.Make("440103", civil.D(1955, time.May, 1), 318)    // household 2
	idOther2 = idcard.Make("440103", civil.D(1957, time.May, 1), 422)
)

const englishHeader = "household_ref,relationship,name,id_number,region_code,address,hukou_type,disability_category,disability_grade,death_date,phone"
const chineseHeader = "户编号,与户主关系,姓名,身份证号,区划代码,家庭住址,户籍类型,残疾类别,残疾等级,死亡日期,联系电话"

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// goodPersons is two valid households: H1 of three, H2 of one.
func goodPersons() []string {
	return []string{
		chineseHeader,
		"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,13800138000",
		"H1,配偶,李娜," + idSpouse + ",,,,肢体,二级,,",
		"H1,子女,张强," + idChild + ",,,,,,,",
		"H2,户主,王芳," + idOther + ",440103002101,岭南街道2号,农村,,,,",
	}
}

func readCSV(t *testing.T, persons, incomes, assets string) (*Batch, []*apperr.Error) {
	t.Helper()
	var inc, ast io.Reader
	if incomes != "" {
		inc = strings.NewReader(incomes)
	}
	if assets != "" {
		ast = strings.NewReader(assets)
	}
	b, errs, err := ReadCSV(strings.NewReader(persons), inc, ast, Options{Today: today})
	if err != nil {
		t.Fatalf("ReadCSV: got error %v, want nil", err)
	}
	return b, errs
}

// errText renders errors one per line, for comparing with wanted fragments.
func errText(errs []*apperr.Error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error())
		b.WriteString("\n")
	}
	return b.String()
}

func TestReadCSVGood(t *testing.T) {
	b, errs := readCSV(t, lines(goodPersons()...), "", "")
	if len(errs) > 0 {
		t.Fatalf("got errors:\n%s want none", errText(errs))
	}
	if got, want := len(b.Households), 2; got != want {
		t.Fatalf("households: got %d, want %d", got, want)
	}
	if got, want := strings.Join(b.Refs, ","), "H1,H2"; got != want {
		t.Errorf("refs: got %s, want %s", got, want)
	}
	h := b.Households[0]
	if h.RegionCode != "440103001" || h.CountyCode != "440103" || h.HukouType != registry.Urban || h.Address != "沙面街道1号" {
		t.Errorf("household: got region %s county %s hukou %s address %s, want 440103001 440103 urban 沙面街道1号",
			h.RegionCode, h.CountyCode, h.HukouType, h.Address)
	}
	if got, want := len(h.Members), 3; got != want {
		t.Fatalf("members: got %d, want %d", got, want)
	}
	sp := h.Members[1]
	if sp.Relationship != registry.RelSpouse || sp.Person.Sex != registry.Female || sp.Person.Birth != civil.D(1972, time.July, 9) {
		t.Errorf("spouse: got %s %s %s, want spouse female 1972-07-09", sp.Relationship, sp.Person.Sex, sp.Person.Birth)
	}
	if sp.Person.DisabilityCategory != registry.DisPhysical || sp.Person.DisabilityGrade != 2 {
		t.Errorf("disability: got %s grade %d, want physical grade 2", sp.Person.DisabilityCategory, sp.Person.DisabilityGrade)
	}
	if got, want := sp.JoinedOn, sp.Person.Birth; got != want {
		t.Errorf("joined_on default: got %s, want the birth date %s", got, want)
	}
	if got, want := h.Members[0].Person.Phone, "13800138000"; got != want {
		t.Errorf("phone: got %s, want %s", got, want)
	}
	if got, want := b.Households[1].RegionCode, "440103002101"; got != want {
		t.Errorf("village not in the table but its township is: got region %q, want %q", got, want)
	}
	h.Members = append(h.Members, registry.Member{})
	if got, want := b.Households[1].Members[0].Person.Name, "王芳"; got != want {
		t.Errorf("after appending to H1's members, H2's first: got %q, want %q", got, want)
	}
}

func TestReadCSVErrors(t *testing.T) {
	badCheck := idHead[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", idHead[17])+1)%11])
	h2 := "H2,户主,王芳," + idOther + ",440103002,岭南街道2号,农村,,,,"
	tests := []struct {
		name    string
		persons []string
		incomes []string
		assets  []string
		// want lists fragments of the errors, in order; households the
		// refs returned.
		want       []string
		households string
	}{
		{
			name: "ErrInvalidIDNumber",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + badCheck + ",440103001,沙面街道1号,城镇,,,,",
				"H1,配偶,李娜," + idSpouse + ",,,,,,,", h2},
			want: []string{
				"persons.csv row 2, column id_number: the ID number's check character is wrong",
				"persons.csv row 3: skipped: household H1 has errors"},
			households: "H2",
		},
		{
			name: "ErrIDTooShort",
			persons: []string{chineseHeader,
				"H1,户主,张伟,44010319700305,440103001,沙面街道1号,城镇,,,,", h2},
			want:       []string{"persons.csv row 2, column id_number: an ID number has 18 characters, this one has 14"},
			households: "H2",
		},
		{
			name: "ErrUnknownEnumLabel",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城乡,,,,",
				"H1,表哥,李娜," + idSpouse + ",,,,视觉,五级,,", h2},
			want: []string{
				`row 2, column hukou_type: unknown value "城乡": use one of 城镇/urban, 农村/rural`,
				`row 3, column relationship: unknown value "表哥"`,
				`row 3, column disability_category: unknown value "视觉"`,
				`row 3, column disability_grade: unknown value "五级"`},
			households: "H2",
		},
		{
			name: "ErrBadDate",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,",
				"H1,配偶,李娜," + idSpouse + ",,,,,,2020-13-01,", h2},
			want: []string{
				"persons.csv row 2: skipped: household H1 has errors",
				`persons.csv row 3, column death_date: "2020-13-01" is not a date: write YYYY-MM-DD`},
			households: "H2",
		},
		{
			name: "ErrDeathBeforeBirth",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,",
				"H1,配偶,李娜," + idSpouse + ",,,,,,1971-01-01,", h2},
			want:       []string{"row 3, column death_date: the date of death 1971-01-01 is before the birth date 1972-07-09"},
			households: "H2",
		},
		{
			name: "ErrDuplicateIDNumber",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,",
				"H2,户主,王芳," + idOther + ",440103002,岭南街道2号,农村,,,,",
				"H3,户主,张伟," + idHead + ",440103002,岭南街道3号,农村,,,,"},
			want: []string{
				"persons.csv row 2, column id_number: the same ID number is in rows 2 and 4",
				"persons.csv row 4, column id_number: the same ID number is in rows 2 and 4"},
			households: "H2",
		},
		{
			name: "ErrNoHead",
			persons: []string{chineseHeader,
				"H1,配偶,李娜," + idSpouse + ",440103001,沙面街道1号,城镇,,,,",
				"H1,子女,张强," + idChild + ",,,,,,,", h2},
			want: []string{
				"persons.csv row 2, column relationship: household H1 has no head (户主)",
				"persons.csv row 3: skipped: household H1 has errors"},
			households: "H2",
		},
		{
			name: "ErrTwoHeads",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,",
				"H1,户主,李娜," + idSpouse + ",440103001,沙面街道1号,城镇,,,,", h2},
			want: []string{
				"row 2, column relationship: household H1 has 2 heads (户主), in rows 2, 3",
				"row 3, column relationship: household H1 has 2 heads (户主), in rows 2, 3"},
			households: "H2",
		},
		{
			name: "ErrUnknownRegion",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103999,沙面街道1号,城镇,,,,",
				"H3,户主,李娜," + idSpouse + ",440103999001,沙面街道1号,城镇,,,,", h2},
			want: []string{
				"row 2, column region_code: region 440103999 is not a known township or village",
				"row 3, column region_code: region 440103999001 is not a known township or village"},
			households: "H2",
		},
		{
			name: "ErrRegionNotTownship",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103,沙面街道1号,城镇,,,,", h2},
			want:       []string{"row 2, column region_code: the household's region must be a township (9 digits) or village (12 digits)"},
			households: "H2",
		},
		{
			name: "ErrIDNumberAsExcelNumber",
			persons: []string{chineseHeader,
				"H1,户主,张伟,4.40103E+17,440103001,沙面街道1号,城镇,,,,", h2},
			want:       []string{"row 2, column id_number: Excel stored the cell as a number (4.40103E+17) and lost digits: format the id_number column as text"},
			households: "H2",
		},
		{
			name: "ErrNameTooLong",
			persons: []string{chineseHeader,
				"H1,户主," + strings.Repeat("名", 51) + "," + idHead + ",440103001,沙面街道1号,城镇,,,,", h2},
			want:       []string{"row 2, column name: the name is longer than 50 characters"},
			households: "H2",
		},
		{
			name: "ErrRequiredCells",
			persons: []string{chineseHeader,
				",户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,",
				"H1,户主,,,440103001,,城镇,,,,", h2},
			want: []string{
				"row 2, column household_ref: household_ref (户编号) is required",
				"row 3, column name: name (姓名) is required",
				"row 3, column id_number: id_number (身份证号) is required",
				"row 3, column address: the address is required"},
			households: "H2",
		},
		{
			name: "ErrHeadDied",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,2024-01-01,", h2},
			want:       []string{"row 2, column death_date: the head of household has died"},
			households: "H2",
		},
		{
			name: "ErrNegativeIncome",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,", h2},
			incomes: []string{"身份证号,收入类型,月份,金额",
				idHead + ",工资性收入,2025-05,-100",
				idOther + ",工资,2025-05,1500.50"},
			want: []string{
				"persons.csv row 2: skipped: household H1 has errors",
				"incomes.csv row 2, column amount: an income cannot be negative"},
			households: "H2",
		},
		{
			name: "OKFullWidthAndSpacedDigits",
			persons: []string{chineseHeader,
				"H1,户主,张伟," + strings.Join([]string{idHead[:6], idHead[6:14], idHead[14:]}, " ") + ",440103001,沙面街道1号,城镇,,,,",
				"H2,户主,王芳," + toFullWidth(idOther) + ",４４０１０３００２,岭南街道2号,农村,,,,"},
			households: "H1,H2",
		},
		{
			name:    "ErrIncomeRows",
			persons: goodPersons(),
			incomes: []string{"id_number,household_ref,type,month,amount",
				idcard.Make("440103", civil.D(1990, 1, 1), 1) + ",,wage,2025-05,100",
				",H9,transfer,2025-05,100",
				idHead + ",H2,wage,2025-05,100",
				idOther + ",,wage,2025-05,100",
				idOther + ",,wage,2025-05,200",
				",H2,other,2025-09,1",
				",,wage,2025-05,1",
				",H2,奖金,2025-05,1.234"},
			want: []string{
				"incomes.csv row 2, column id_number: no person with this ID number is in the persons table",
				"incomes.csv row 3, column household_ref: there is no household H9 in the persons table",
				"incomes.csv row 4, column id_number: this person is in household H1, not H2",
				"incomes.csv row 5, column month: the same person, type and month are in rows 5 and 6",
				"incomes.csv row 6, column month: the same person, type and month are in rows 5 and 6",
				"incomes.csv row 7, column month: the month 2025-09 is in the future",
				"incomes.csv row 8: household_ref (户编号) or id_number (身份证号) is required",
				`incomes.csv row 9, column type: unknown value "奖金"`,
				`incomes.csv row 9, column amount: "1.234" is not an amount`},
			households: "H1",
		},
		{
			name:    "ErrAssetRows",
			persons: goodPersons(),
			assets: []string{"户编号,身份证号,资产类型,资产说明,价值,面积,取得日期",
				"H1,,房产,沙面街道1号,500000,80平方米,2010-05-01",
				"H2,,车辆,粤A12345,-5,,2030-01-01",
				"H2,,存款,工商银行,1000,abc,"},
			want: []string{
				"assets.csv row 3, column value: a value cannot be negative",
				"assets.csv row 3, column valid_from: the date 2030-01-01 is in the future",
				`assets.csv row 4, column area: "abc" is not an area in square metres`,
				"assets.csv row 4, column valid_from: valid_from (取得日期) is required"},
			households: "H1",
		},
		{
			name:       "ErrMissingColumns",
			persons:    []string{"户编号,姓名,电话", "H1,张伟,1"},
			want:       []string{"persons.csv row 1: missing required columns: relationship (与户主关系), id_number (身份证号), region_code (区划代码), address (家庭住址), hukou_type (户籍类型)"},
			households: "",
		},
		{
			name:    "ErrIncomesHeader",
			persons: goodPersons(),
			incomes: []string{"身份证号,金额", idHead + ",100"},
			want: []string{
				"persons.csv: nothing was imported: correct the errors in the tables' headers or layout first",
				"incomes.csv row 1: missing required columns: type (收入类型), month (月份)"},
			households: "",
		},
		{
			name:       "ErrNoHeader",
			persons:    []string{"a,b,c", "1,2,3"},
			want:       []string{"persons.csv row 1: no header row found"},
			households: "",
		},
		{
			name:       "ErrNoDataRows",
			persons:    []string{chineseHeader, englishHeader},
			want:       []string{"persons.csv row 2: the table has no data rows below its header"},
			households: "",
		},
		{
			name:       "ErrDuplicateColumn",
			persons:    []string{chineseHeader + ",姓名", "H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,,张伟"},
			want:       []string{"persons.csv row 1: column name appears twice, in columns C and L"},
			households: "",
		},
		{
			name: "OKTitleRowCodeRowBlankLineAndRaggedRows",
			persons: []string{"某某县低保家庭信息登记表,,,", chineseHeader, englishHeader,
				"H1,户主,张伟," + idHead + ",440103001,沙面街道1号,城镇,,,,,extra,cells",
				"",
				",,,,,,,,",
				"H2,户主,王芳," + idOther + ",440103002,岭南街道2号,农村",
				"H2,配偶,李某," + idOther2 + ",,,,,,2025-06-31"},
			want:       []string{"persons.csv row 7: skipped: household H2 has errors", "persons.csv row 8, column death_date: \"2025-06-31\" is not a date"},
			households: "H1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inc, ast string
			if tt.incomes != nil {
				inc = lines(tt.incomes...)
			}
			if tt.assets != nil {
				ast = lines(tt.assets...)
			}
			b, errs := readCSV(t, lines(tt.persons...), inc, ast)
			got := errText(errs)
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("errors:\n%s want (in order) %q", got, w)
				}
				rest = rest[i+len(w):]
			}
			if tt.want == nil && got != "" {
				t.Fatalf("errors:\n%s want none", got)
			}
			if h := strings.Join(b.Refs, ","); h != tt.households {
				t.Errorf("households: got %q, want %q", h, tt.households)
			}
			for _, e := range errs {
				if e.Code != apperr.Invalid {
					t.Errorf("code: got %s, want invalid (%v)", e.Code, e)
				}
			}
		})
	}
}

func TestVerbatim(t *testing.T) {
	b, errs := readCSV(t, lines(englishHeader,
		`H1,head,"Robert'); DROP TABLE persons;--",`+idHead+",440103001,<b>address</b>,urban,,,,",
		`H1,spouse,<script>alert("x")</script>,`+idSpouse+",,,,,,,"), "", "")
	if len(errs) > 0 {
		t.Fatalf("got errors:\n%s want none", errText(errs))
	}
	h := b.Households[0]
	if got, want := h.Members[0].Person.Name, "Robert'); DROP TABLE persons;--"; got != want {
		t.Errorf("name: got %q, want %q", got, want)
	}
	if got, want := h.Members[1].Person.Name, `<script>alert("x")</script>`; got != want {
		t.Errorf("name: got %q, want %q", got, want)
	}
	if got, want := h.Address, "<b>address</b>"; got != want {
		t.Errorf("address: got %q, want %q", got, want)
	}
}

func TestIncomesAndAssets(t *testing.T) {
	b, errs := readCSV(t, lines(goodPersons()...),
		lines("户编号,身份证号,收入类型,月份,金额,就业成本,备注",
			","+idHead+",工资性收入,2025-05,\"3,200.50\",200,",
			"H1,,转移净收入,202505,300,,低保",
			","+idOther+",经营,2025/4,88.8,,"),
		lines("household_ref,id_number,type,description,value,area,valid_from",
			"H1,"+idSpouse+",real_estate,沙面街道1号,\"500,000\",80.5,2010-05-01",
			"H1,,deposit,工商银行,12000,,2024年1月2日"))
	if len(errs) > 0 {
		t.Fatalf("got errors:\n%s want none", errText(errs))
	}
	inc := b.Incomes["H1"]
	if got, want := len(inc), 2; got != want {
		t.Fatalf("H1 incomes: got %d, want %d", got, want)
	}
	if got, want := inc[0], (registry.Income{PersonID: -1, Type: registry.IncomeWage, Month: civil.Month{Year: 2025, Month: 5},
		Amount: money.Fen(320050), EmploymentCost: money.Yuan(200)}); got != want {
		t.Errorf("wage: got %+v, want %+v", got, want)
	}
	if got, want := inc[1].PersonID, int64(0); got != want {
		t.Errorf("household income PersonID: got %d, want %d", got, want)
	}
	as := b.Assets["H1"]
	if got, want := len(as), 2; got != want {
		t.Fatalf("H1 assets: got %d, want %d", got, want)
	}
	if as[0].PersonID != -2 || as[0].Value != money.Yuan(500000) || as[0].Area != 80.5 || as[0].ValidFrom != civil.D(2010, 5, 1) {
		t.Errorf("real estate: got %+v, want person -2, 500000 yuan, 80.5 m², from 2010-05-01", as[0])
	}
	if got, want := as[1].ValidFrom, civil.D(2024, 1, 2); got != want {
		t.Errorf("deposit valid_from: got %s, want %s", got, want)
	}
	// Bind replaces the provisional IDs once the store has assigned real ones.
	h := b.Households[0]
	h.ID = 77
	for i := range h.Members {
		h.Members[i].Person.ID = int64(100 + i)
	}
	b.Bind(0)
	b.Bind(0)
	if got := b.Incomes["H1"][0]; got.HouseholdID != 77 || got.PersonID != 100 {
		t.Errorf("bound income: got household %d person %d, want 77 100", got.HouseholdID, got.PersonID)
	}
	if got := b.Assets["H1"][0]; got.PersonID != 101 {
		t.Errorf("bound asset: got person %d, want 101", got.PersonID)
	}
	if got := b.Incomes["H1"][1]; got.PersonID != 0 {
		t.Errorf("bound household income: got person %d, want 0", got.PersonID)
	}
}

func TestScope(t *testing.T) {
	_, errs, err := ReadCSV(strings.NewReader(lines(goodPersons()...)), nil, nil, Options{Today: today, Scope: "440104"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := errText(errs), "persons.csv row 2, column region_code: region 440103001 is outside your jurisdiction"; !strings.Contains(got, want) {
		t.Errorf("errors:\n%s want %q", got, want)
	}
}

func TestMaxRows(t *testing.T) {
	_, _, err := ReadCSV(strings.NewReader(lines(goodPersons()...)), nil, nil, Options{Today: today, MaxRows: 3})
	if got, want := apperr.CodeOf(err), apperr.TooLarge; got != want {
		t.Errorf("got %v (%s), want code %s", err, got, want)
	}
}

func TestEmptyFile(t *testing.T) {
	b, errs := readCSV(t, "", "", "")
	if got, want := errText(errs), "persons.csv: the table is empty"; !strings.Contains(got, want) {
		t.Errorf("errors:\n%s want %q", got, want)
	}
	if len(b.Households) != 0 {
		t.Errorf("households: got %d, want 0", len(b.Households))
	}
}

func TestReadCSVGB18030(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(lines(goodPersons()...))
	if err != nil {
		t.Fatal(err)
	}
	b, errs := readCSV(t, gb, "", "")
	if len(errs) > 0 {
		t.Fatalf("got errors:\n%s want none", errText(errs))
	}
	if got, want := b.Households[0].Members[1].Person.Name, "李娜"; got != want {
		t.Errorf("name: got %q, want %q", got, want)
	}
}

func TestReadCSVTabSeparated(t *testing.T) {
	text := strings.ReplaceAll(lines(goodPersons()...), ",", "\t")
	b, errs := readCSV(t, text, "", "")
	if len(errs) > 0 || len(b.Households) != 2 {
		t.Fatalf("got %d households, errors:\n%s want 2 and none", len(b.Households), errText(errs))
	}
}

func TestReadCSVSemicolonSeparated(t *testing.T) {
	text := strings.ReplaceAll(lines(goodPersons()...), ",", ";")
	b, errs := readCSV(t, text, "", "")
	if len(errs) > 0 || len(b.Households) != 2 {
		t.Fatalf("got %d households, errors:\n%s want 2 and none", len(b.Households), errText(errs))
	}
}

// TestReadCSVCutOff reads files that end inside a quoted cell: the rows
// after the quote are in doubt, and so is every household.
func TestReadCSVCutOff(t *testing.T) {
	var many []string // more rows than open reads ahead
	for i := range 12 {
		many = append(many, fmt.Sprintf("H%d,户主,王芳,%s,440103002101,岭南街道2号,农村,,,,", i+3, idOther2))
	}
	tests := []struct {
		name, in, want string
	}{
		{"AmongFirstRows", lines(goodPersons()...) + "H3,户主,\"赵", "persons.csv: the file cannot be read past line 6"},
		{"AfterFirstRows", lines(append(goodPersons(), many...)...) + "H99,户主,\"赵", "persons.csv: the file cannot be read past line 18"},
		{"InHeader", "\"户编号,姓名\n" + lines(goodPersons()[1:]...), "persons.csv: the file cannot be read past line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, errs := readCSV(t, tt.in, "", "")
			if got := errText(errs); !strings.Contains(got, tt.want) {
				t.Errorf("errors:\n%s want %q", got, tt.want)
			}
			if len(b.Households) != 0 {
				t.Errorf("households: got %d, want 0", len(b.Households))
			}
		})
	}
}

func TestReadCSVDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := ReadCSVDir(dir, Options{Today: today}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("empty folder: got %v, want an invalid error", err)
	}
	write("Persons.CSV", lines(goodPersons()...))
	write("收入.csv", lines("id_number,type,month,amount", idHead+",wage,2025-05,100"))
	b, errs, err := ReadCSVDir(dir, Options{Today: today})
	if err != nil || len(errs) > 0 {
		t.Fatalf("got %v, errors:\n%s want none", err, errText(errs))
	}
	if got, want := len(b.Incomes["H1"]), 1; got != want {
		t.Errorf("incomes: got %d, want %d", got, want)
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		in        string
		worksheet bool
		want      civil.Date
		ok        bool
	}{
		{"2024-03-01", false, civil.D(2024, 3, 1), true},
		{"2024/3/1", false, civil.D(2024, 3, 1), true},
		{"2024.03.01", false, civil.D(2024, 3, 1), true},
		{"2024年3月1日", false, civil.D(2024, 3, 1), true},
		{"20240301", false, civil.D(2024, 3, 1), true},
		{"2024-03-01 00:00:00", false, civil.D(2024, 3, 1), true},
		{"2024-03-01T00:00:00Z", false, civil.D(2024, 3, 1), true},
		{"45352", true, civil.D(2024, 3, 1), true},
		{"45352", false, civil.Date{}, false},
		{"2024-02-30", false, civil.D(2024, 2, 30), false},
		{"3/1/2024", false, civil.Date{}, false},
		{"yesterday", false, civil.Date{}, false},
		{"2024--03-01", false, civil.Date{}, false},
	}
	for _, tt := range tests {
		got, ok := tabular.ParseDate(tt.in, tt.worksheet)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseDate(%q, %v): got %s %v, want %s %v", tt.in, tt.worksheet, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAmountFromWorksheet(t *testing.T) {
	tests := []struct {
		in        string
		worksheet bool
		want      money.Fen
		ok        bool
	}{
		{"0.30000000000000004", true, 30, true},
		{"0.30000000000000004", false, 0, false},
		{"1234.5", false, 123450, true},
		{"1.005", true, 0, false},
		{"1e3", true, 100000, true},
	}
	for _, tt := range tests {
		got, err := tabular.ParseAmount(tt.in, tt.worksheet)
		if (err == nil) != tt.ok || tt.ok && got != tt.want {
			t.Errorf("ParseAmount(%q, %v): got %d %v, want %d ok=%v", tt.in, tt.worksheet, got, err, tt.want, tt.ok)
		}
	}
}

func TestTemplateCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff户编号,与户主关系,姓名,身份证号")) {
		t.Errorf("template starts %q, want a BOM and the Chinese header", buf.String()[:40])
	}
	// Filled in below the two header rows, the template reads back.
	cols := Columns("persons")
	filled := buf.String()
	for _, l := range goodPersons()[1:] {
		v := map[string]string{}
		for i, c := range strings.Split(englishHeader, ",") {
			v[c] = strings.Split(l, ",")[i]
		}
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = v[c.Code]
		}
		filled += strings.Join(cells, ",") + "\n"
	}
	b, errs := readCSV(t, filled, "", "")
	if len(errs) > 0 || len(b.Households) != 2 {
		t.Fatalf("got %d households, errors:\n%s want 2 and none", len(b.Households), errText(errs))
	}
	if err := Template(&buf, "pdf"); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("format pdf: got %v, want an invalid error", err)
	}
}

// FuzzReadCSV checks that no input makes the reader panic, and that what it
// returns passes the registry's validation.
func FuzzReadCSV(f *testing.F) {
	f.Add(lines(goodPersons()...), "id_number,type,month,amount\n"+idHead+",wage,2025-05,1\n")
	f.Add("\"unterminated,\n", "")
	f.Add(chineseHeader+"\n\"a\"b,\",,,,,,,,,,,,,,,,\n", ",,,\n")
	f.Add("户编号,与户主关系\n", "x")
	f.Fuzz(func(t *testing.T, persons, incomes string) {
		b, _, err := ReadCSV(strings.NewReader(persons), strings.NewReader(incomes), nil, Options{Today: today})
		if err != nil {
			return
		}
		for _, h := range b.Households {
			if err := h.Validate(registry.Scope{}, today); err != nil {
				t.Errorf("returned household fails validation: %v", err)
			}
		}
	})
}

func TestScatteredRows(t *testing.T) {
	b, errs := readCSV(t, lines(chineseHeader,
		"H1,户主,张伟,"+idHead+",440103001,沙面街道1号,城镇,,,,",
		"H2,户主,王芳,"+idOther+",440103002,岭南街道2号,农村,,,,",
		"H1,配偶,李娜,"+idSpouse+",,,,,,,",
		"H2,配偶,王某,"+idOther2+",,,,,,,",
		"H1,子女,张强,"+idChild+",,,,,,,"), "", "")
	if len(errs) > 0 {
		t.Fatalf("got errors:\n%s want none", errText(errs))
	}
	var got []string
	for i, h := range b.Households {
		for _, m := range h.Members {
			got = append(got, b.Refs[i]+":"+m.Person.Name)
		}
	}
	if got, want := strings.Join(got, " "), "H1:张伟 H1:李娜 H1:张强 H2:王芳 H2:王某"; got != want {
		t.Errorf("members: got %s, want %s", got, want)
	}
	// Appending to one household's members must not touch another's.
	h0 := b.Households[0]
	h0.Members = append(h0.Members, registry.Member{})
	if got := b.Households[1].Members[0].Person.Name; got != "王芳" {
		t.Errorf("after appending to H1, H2's first member: got %q, want 王芳", got)
	}
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune('０' + c - '0')
		case c == 'X':
			b.WriteRune('Ｘ')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
