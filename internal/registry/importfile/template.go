package importfile

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/apperr"
)

// templateRows is how far down the template's drop-down lists and text
// formats reach.
const templateRows = 10000

// Template writes an empty import file to fill in: "csv" is persons.csv
// (UTF-8 with a byte-order mark, so that Excel shows the Chinese), "xlsx" a
// workbook with the sheets 人员, 收入 and 资产 and a sheet of instructions.
// Each table has the Chinese names in row 1 and the English codes in row 2;
// the reader takes either, and skips the second. In the workbook the
// columns holding digit strings are formatted as text (so that Excel keeps
// an ID number's 18 digits), enumerated columns offer drop-down lists of
// their Chinese labels, and each header has a comment saying what goes in.
// Errors: Invalid for another format.
func Template(w io.Writer, format string) error {
	switch format {
	case "csv":
		bw := bufio.NewWriter(w)
		bw.WriteString("\ufeff")
		cw := csv.NewWriter(bw)
		t := tables[persons]
		names, codes := make([]string, len(t.Cols)), make([]string, len(t.Cols))
		for i, c := range t.Cols {
			names[i], codes[i] = c.Names[0], c.Code
		}
		cw.Write(names)
		cw.Write(codes)
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	case "xlsx":
		f, err := templateWorkbook()
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteTo(w)
		return err
	}
	return apperr.Errorf(apperr.Invalid, "unknown template format %q: want csv or xlsx", format)
}

func templateWorkbook() (*excelize.File, error) {
	f := excelize.NewFile()
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center"},
	})
	if err != nil {
		return nil, err
	}
	reqHead, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "C00000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center"},
	})
	if err != nil {
		return nil, err
	}
	codeRow, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Italic: true, Color: "808080", Size: 9},
		Alignment: &excelize.Alignment{Horizontal: "center"},
	})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, err
	}
	for i, t := range tables {
		sheet := t.Sheets[0]
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return nil, err
		}
		for c, col := range t.Cols {
			letter := colName(c)
			width := 14.0
			switch col.Code {
			case "id_number", "bank_account", "address", "residence_address", "description":
				width = 22
			}
			if err := f.SetColWidth(sheet, letter, letter, width); err != nil {
				return nil, err
			}
			if col.Text {
				// Whole-column text format: typed digits stay digits, and
				// "2024-03" stays a month instead of becoming a date.
				if err := f.SetColStyle(sheet, letter, text); err != nil {
					return nil, err
				}
			}
			if err := f.SetCellStr(sheet, letter+"1", col.Names[0]); err != nil {
				return nil, err
			}
			if err := f.SetCellStr(sheet, letter+"2", col.Code); err != nil {
				return nil, err
			}
			style := head
			if col.Required {
				style = reqHead
			}
			if err := f.SetCellStyle(sheet, letter+"1", letter+"1", style); err != nil {
				return nil, err
			}
			if err := f.SetCellStyle(sheet, letter+"2", letter+"2", codeRow); err != nil {
				return nil, err
			}
			if hint := templateHint(col); hint != "" {
				if err := f.AddComment(sheet, excelize.Comment{Cell: letter + "1", Author: "SafetyNet",
					Paragraph: []excelize.RichTextRun{{Text: hint}}}); err != nil {
					return nil, err
				}
			}
			if col.Enum != nil {
				dv := excelize.NewDataValidation(true)
				dv.Sqref = letter + "3:" + letter + strconv.Itoa(templateRows+2)
				if err := dv.SetDropList(col.Enum.Labels); err != nil {
					return nil, err
				}
				dv.SetError(excelize.DataValidationErrorStyleWarning, "不在列表中", "请从下拉列表中选择")
				if err := f.AddDataValidation(sheet, dv); err != nil {
					return nil, err
				}
			}
		}
		if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	if err := instructions(f); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	return f, nil
}

// templateHint is a header's comment: its hint, whether it is required, and
// the accepted labels of an enumerated column.
func templateHint(c column) string {
	var parts []string
	if c.Required {
		parts = append(parts, "必填")
	}
	if c.Hint != "" {
		parts = append(parts, c.Hint)
	}
	if c.Enum != nil {
		parts = append(parts, "可选值："+strings.Join(c.Enum.Labels, "、"))
	}
	return strings.Join(parts, "。")
}

// instructions adds the 说明 sheet, which the reader ignores.
func instructions(f *excelize.File) error {
	const sheet = "说明"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	lines := [][]string{
		{"SafetyNet 家庭信息导入模板"},
		{"1. 人员表每行一名家庭成员；同一户的成员填写相同的户编号，每户必须且只能有一名户主。"},
		{"2. 区划代码、户籍类型、家庭住址、银行信息等家庭信息只在户主行填写。"},
		{"3. 身份证号请保持文本格式；性别和出生日期由身份证号自动得出，无需填写。"},
		{"4. 日期写作 2024-03-01，月份写作 2024-03，金额以元为单位，最多两位小数。"},
		{"5. 收入表和资产表可不填；成员的收入填身份证号，家庭收入填户编号。"},
		{"6. 第2行是英文列名，可保留；列的顺序可调整，多余的列会被忽略。"},
		{"7. 有错误的户整户不导入，并逐行列出原因；其余各户正常导入。"},
		{},
		{"列", "英文列名", "必填", "说明"},
	}
	for _, t := range tables {
		for _, c := range t.Cols {
			req := ""
			if c.Required {
				req = "是"
			}
			lines = append(lines, []string{t.Sheets[0] + "：" + c.Names[0], c.Code, req, templateHint(c)})
		}
	}
	for i, l := range lines {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &l); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 24); err != nil {
		return err
	}
	return f.SetColWidth(sheet, "D", "D", 80)
}
