package importfile

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// workbook returns f written out, as an upload arrives.
func workbook(t *testing.T, f *excelize.File) *bytes.Reader {
	t.Helper()
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func readXLSX(t *testing.T, f *excelize.File) (*Batch, []*apperr.Error) {
	t.Helper()
	r := workbook(t, f)
	b, errs, err := ReadXLSX(r, r.Size(), Options{Today: today})
	if err != nil {
		t.Fatalf("ReadXLSX: got error %v, want nil", err)
	}
	return b, errs
}

func set(t *testing.T, f *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := f.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

func merge(t *testing.T, f *excelize.File, sheet, from, to string) {
	t.Helper()
	if err := f.MergeCell(sheet, from, to); err != nil {
		t.Fatal(err)
	}
}

// mergedWorkbook is a workbook as local offices make them: a title merged
// across the top, a two-level header whose 户编号 is merged down two rows
// and whose group titles are merged across, and 身份证号 merged across two
// columns (the data is in the first).
func mergedWorkbook(t *testing.T) *excelize.File {
	f := excelize.NewFile()
	const s = "人员"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		t.Fatal(err)
	}
	set(t, f, s, "A1", "荔湾区低保家庭信息登记表")
	merge(t, f, s, "A1", "J1")
	set(t, f, s, "A2", "户编号")
	merge(t, f, s, "A2", "A3")
	set(t, f, s, "B2", "成员信息")
	merge(t, f, s, "B2", "E2")
	set(t, f, s, "F2", "家庭信息")
	merge(t, f, s, "F2", "I2")
	for col, v := range map[string]string{"B3": "与户主关系", "C3": "姓名", "D3": "身份证号", "F3": "区划代码",
		"G3": "家庭住址", "H3": "户籍类型", "I3": "入户日期", "J3": "备注"} {
		set(t, f, s, col, v)
	}
	merge(t, f, s, "D3", "E3")
	rows := [][]any{
		{"H1", "户主", "张伟", idHead, "ignored", 440103001, "沙面街道1号", "城镇", time.Date(1995, 6, 1, 0, 0, 0, 0, time.UTC), "x"},
		{"H1", "配偶", "李娜", idSpouse, "", nil, nil, nil, "1996-01-01"},
		{"H2", "户主", "王芳", idOther, "", "440103002", "岭南街道2号", "农村"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestReadXLSXMergedHeader(t *testing.T) {
	f := mergedWorkbook(t)
	if _, err := f.NewSheet("收入"); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]any{
		{"身份证号", "收入类型", "月份", "金额"},
		{idHead, "工资性收入", "2025-05", 1234.5},
		{idSpouse, "其他收入", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), 0.1 + 0.2},
	} {
		n, _ := f.GetRows("收入")
		cell, _ := excelize.CoordinatesToCellName(1, len(n)+1)
		if err := f.SetSheetRow("收入", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, errs := readXLSX(t, f)
	if len(errs) > 0 {
		t.Fatalf("got errors:\n%s want none", errText(errs))
	}
	if got, want := strings.Join(b.Refs, ","), "H1,H2"; got != want {
		t.Fatalf("households: got %s, want %s", got, want)
	}
	h := b.Households[0]
	if got, want := h.RegionCode, "440103001"; got != want {
		t.Errorf("region code typed as a number: got %q, want %q", got, want)
	}
	if got, want := h.Members[0].JoinedOn, civil.D(1995, 6, 1); got != want {
		t.Errorf("joined_on from a date cell: got %s, want %s", got, want)
	}
	if got, want := h.Members[1].JoinedOn, civil.D(1996, 1, 1); got != want {
		t.Errorf("joined_on from text: got %s, want %s", got, want)
	}
	inc := b.Incomes["H1"]
	if len(inc) != 2 {
		t.Fatalf("incomes: got %d, want 2", len(inc))
	}
	if got, want := inc[0].Amount, money.Fen(123450); got != want {
		t.Errorf("amount: got %s, want %s", got, want)
	}
	if got, want := inc[1].Amount, money.Fen(30); got != want {
		t.Errorf("amount 0.1+0.2: got %s, want %s", got, want)
	}
	if got, want := inc[1].Month, (civil.Month{Year: 2025, Month: 4}); got != want {
		t.Errorf("month from a date cell: got %s, want %s", got, want)
	}
}

func TestReadXLSXErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *excelize.File)
		want  []string
		refs  string
	}{
		{
			name: "ErrIDNumberStoredAsNumber",
			setup: func(t *testing.T, f *excelize.File) {
				set(t, f, "人员", "D6", 440103195505013180)
			},
			want: []string{"sheet 人员 row 6, column id_number: the cell is stored as a number, which keeps only 15 digits"},
			refs: "H1",
		},
		{
			name: "ErrIDNumberInScientificNotation",
			setup: func(t *testing.T, f *excelize.File) {
				set(t, f, "人员", "D6", "4.40103E+17")
			},
			want: []string{"sheet 人员 row 6, column id_number: Excel stored the cell as a number (4.40103E+17)"},
			refs: "H1",
		},
		{
			name: "ErrFormulaWithoutResult",
			setup: func(t *testing.T, f *excelize.File) {
				set(t, f, "人员", "C6", nil)
				if err := f.SetCellFormula("人员", "C6", `="王"&"芳"`); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"sheet 人员 row 6, column name: name (姓名) holds a formula with no saved result"},
			refs: "H1",
		},
		{
			name: "ErrMissingColumn",
			setup: func(t *testing.T, f *excelize.File) {
				set(t, f, "人员", "H3", "备注2")
			},
			want: []string{"sheet 人员 row 3: missing required columns: hukou_type (户籍类型)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mergedWorkbook(t)
			tt.setup(t, f)
			b, errs := readXLSX(t, f)
			got := errText(errs)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("errors:\n%s want %q", got, w)
				}
			}
			if r := strings.Join(b.Refs, ","); r != tt.refs {
				t.Errorf("households: got %q, want %q", r, tt.refs)
			}
		})
	}
}

func TestReadXLSXNotAWorkbook(t *testing.T) {
	for _, in := range []string{"", "PK\x03\x04garbage", "户编号,姓名\n"} {
		r := strings.NewReader(in)
		_, _, err := ReadXLSX(r, r.Size(), Options{Today: today})
		if got, want := apperr.CodeOf(err), apperr.Invalid; got != want {
			t.Errorf("ReadXLSX(%q): got %v (%s), want code %s", in, err, got, want)
		}
	}
	f := excelize.NewFile()
	if _, err := f.NewSheet("other"); err != nil {
		t.Fatal(err)
	}
	r := workbook(t, f)
	if _, _, err := ReadXLSX(r, r.Size(), Options{Today: today}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("workbook without a persons sheet: got %v, want an invalid error", err)
	}
}

func TestTemplateXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf, "xlsx"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.GetSheetList(), ","), "人员,收入,资产,说明"; got != want {
		t.Errorf("sheets: got %s, want %s", got, want)
	}
	if got, _ := f.GetCellValue("人员", "D1"); got != "身份证号" {
		t.Errorf("D1: got %q, want 身份证号", got)
	}
	if got, _ := f.GetCellValue("人员", "D2"); got != "id_number" {
		t.Errorf("D2: got %q, want id_number", got)
	}
	dvs, err := f.GetDataValidations("人员")
	if err != nil || len(dvs) == 0 {
		t.Errorf("data validations: got %d (%v), want some", len(dvs), err)
	}
	// Fill it in as a user would, below the two header rows.
	cols := Columns("persons")
	put := func(row int, v map[string]any) {
		for i, c := range cols {
			if x, ok := v[c.Code]; ok {
				cell, _ := excelize.CoordinatesToCellName(i+1, row)
				set(t, f, "人员", cell, x)
			}
		}
	}
	put(3, map[string]any{"household_ref": "H1", "relationship": "户主", "name": "张伟", "id_number": idHead,
		"region_code": "440103001", "address": "沙面街道1号", "hukou_type": "城镇", "disability_grade": 1, "disability_category": "视力"})
	put(4, map[string]any{"household_ref": "H1", "relationship": "配偶", "name": "李娜", "id_number": idSpouse})
	set(t, f, "收入", "A3", "H1")
	set(t, f, "收入", "C3", "转移净收入")
	set(t, f, "收入", "D3", "2025-05")
	set(t, f, "收入", "E3", 500)
	b, errs := readXLSX(t, f)
	if len(errs) > 0 {
		t.Fatalf("got errors:\n%s want none", errText(errs))
	}
	if len(b.Households) != 1 || len(b.Households[0].Members) != 2 {
		t.Fatalf("got %d households, want 1 of 2 members", len(b.Households))
	}
	p := b.Households[0].Members[0].Person
	if p.DisabilityGrade != 1 || p.DisabilityCategory != registry.DisVisual {
		t.Errorf("disability: got %s grade %d, want visual grade 1", p.DisabilityCategory, p.DisabilityGrade)
	}
	if got := b.Incomes["H1"]; len(got) != 1 || got[0].Amount != money.Yuan(500) || got[0].Type != registry.IncomeTransfer {
		t.Errorf("incomes: got %+v, want one transfer of 500 yuan", got)
	}
}
