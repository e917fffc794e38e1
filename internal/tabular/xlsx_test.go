package tabular

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestXLSX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	const sheet = "人员"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	write := map[string]any{
		"A1": "户编号", "B1": "金额", "C1": "日期",
		"A2": "H1", "B2": 1234.5, "C2": time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
		"A4": "H2", "C4": 440103197003050131, // row 3 is empty
		"B5": "only B",
	}
	for cell, v := range write {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula(sheet, "D2", "B2*2"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got, err := readAll(NewXLSX(rows))
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{1, []string{"户编号", "金额", "日期"}},
		{2, []string{"H1", "1234.5", "45838", ""}}, // a date is its serial number; no saved formula result
		{3, nil},
		{4, []string{"H2", "", "440103197003050131"}},
		{5, []string{"", "only B"}},
	}
	if !slices.EqualFunc(got, want, rowEqual) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
}
