package importfile

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/tabular"
)

// rawRow is one buffered row.
type rawRow struct {
	num   int
	cells []string
}

// headerRows is how many leading rows may hold titles and headers.
const headerRows = 10

// reader reads one table: it finds the header, then yields data rows.
type reader struct {
	t       *table
	label   string // "persons.csv", "sheet 人员": the start of every Field
	src     tabular.Rows
	col     []int // col[i] is the cell index of t.Cols[i], -1 when absent
	pending []rawRow
	broken  *tabular.SyntaxError // met among the leading rows: next returns it after them
	xlsx    *xlsxInfo
	header  int // the row number of the last header row
}

// xlsxInfo lets a worksheet reader ask about single cells when a value
// needs explaining (a formula without result, a number where text belongs).
type xlsxInfo struct {
	f     *excelize.File
	sheet string
}

// formula reports whether the cell holds a formula.
func (x *xlsxInfo) formula(row, cell int) bool {
	if x == nil {
		return false
	}
	axis, err := excelize.CoordinatesToCellName(cell+1, row)
	if err != nil {
		return false
	}
	f, err := x.f.GetCellFormula(x.sheet, axis)
	return err == nil && f != ""
}

// number reports whether the cell is stored as a number.
func (x *xlsxInfo) number(row, cell int) bool {
	if x == nil {
		return false
	}
	axis, err := excelize.CoordinatesToCellName(cell+1, row)
	if err != nil {
		return false
	}
	t, err := x.f.GetCellType(x.sheet, axis)
	return err == nil && (t == excelize.CellTypeNumber || t == excelize.CellTypeUnset && x.looksNumeric(axis))
}

func (x *xlsxInfo) looksNumeric(axis string) bool {
	v, err := x.f.GetCellValue(x.sheet, axis, excelize.Options{RawCellValue: true})
	return err == nil && v != "" && strings.Trim(v, "0123456789.E+-") == ""
}

// headerError is a problem with a table's header: the table is not read.
type headerError struct {
	row     int
	format  string
	args    []any
	missing bool // required columns are missing (merged cells may explain it)
}

// open reads the leading rows and finds the header. merges, when not nil,
// returns the worksheet's merged ranges; it is consulted only when the
// header is incomplete without it, because excelize must parse the whole
// worksheet to find them.
func open(t *table, label string, src tabular.Rows, x *xlsxInfo, merges func() ([]excelize.MergeCell, error)) (*reader, *headerError, error) {
	rd := &reader{t: t, label: label, src: src, xlsx: x}
	var buf []rawRow
	for len(buf) < headerRows {
		num, cells, err := src.Next()
		if err == io.EOF {
			break
		}
		if errors.As(err, &rd.broken) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		buf = append(buf, rawRow{num, slices.Clone(cells)})
	}
	var (
		last int
		herr *headerError
	)
	if len(buf) == 0 {
		herr = &headerError{format: "the table is empty: it needs a header row naming its columns"}
	} else if last, herr = rd.detect(buf); herr != nil && herr.missing && merges != nil {
		ms, err := merges()
		if err == nil && len(ms) > 0 {
			spread(buf, ms)
			last, herr = rd.detect(buf)
		}
	}
	if se := rd.broken; herr != nil && se != nil {
		// The break is the likelier cause: it may have swallowed the header.
		herr = &headerError{format: "the file cannot be read past line %d (%v)", args: []any{se.Line, se.Err}}
	}
	if herr != nil {
		return nil, herr, nil
	}
	rd.header = buf[last].num
	rd.pending = buf[last+1:]
	return rd, nil, nil
}

// spread copies each merged range's value down its first column within the
// buffered rows: a header cell merged over two rows then names its column
// in both, while a cell merged across columns names only its first column.
func spread(buf []rawRow, ms []excelize.MergeCell) {
	at := map[int]int{}
	for i, r := range buf {
		at[r.num] = i
	}
	for _, m := range ms {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		_, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		top, ok := at[r1]
		if !ok || c1-1 >= len(buf[top].cells) {
			continue
		}
		v := buf[top].cells[c1-1]
		for r := r1 + 1; r <= r2; r++ {
			i, ok := at[r]
			if !ok {
				continue
			}
			for len(buf[i].cells) < c1 {
				buf[i].cells = append(buf[i].cells, "")
			}
			if strings.TrimSpace(buf[i].cells[c1-1]) == "" {
				buf[i].cells[c1-1] = v
			}
		}
	}
}

// detect finds the header among the buffered rows and maps the columns. The
// header row is the first naming at least two columns: rows above it are
// titles ("XX县低保家庭信息登记表") and are skipped. Up to three following
// rows that hold only column names (the template's row of English codes) are
// headers too. A column is named by the first of those rows that names it.
// It returns the index in buf of the last header row.
func (rd *reader) detect(buf []rawRow) (int, *headerError) {
	idx := rd.t.index()
	match := func(cells []string) (n int, all bool) {
		all = true
		for _, c := range cells {
			if strings.TrimSpace(c) == "" {
				continue
			}
			if _, ok := idx[headerKey(c)]; ok {
				n++
			} else {
				all = false
			}
		}
		return n, all
	}
	first := -1
	for i, r := range buf {
		if n, _ := match(r.cells); n >= 2 {
			first = i
			break
		}
	}
	if first < 0 {
		return 0, &headerError{row: buf[0].num, missing: true,
			format: "no header row found: none of the first rows names the columns (%s)", args: []any{rd.t.requiredList()}}
	}
	last := first
	for j := first + 1; j < len(buf) && j <= first+3; j++ {
		if n, all := match(buf[j].cells); n >= 1 && all {
			last = j
		} else {
			break
		}
	}
	width := 0
	for _, r := range buf[first : last+1] {
		width = max(width, len(r.cells))
	}
	rd.col = make([]int, len(rd.t.Cols))
	for i := range rd.col {
		rd.col[i] = -1
	}
	for c := 0; c < width; c++ {
		for _, r := range buf[first : last+1] {
			if c >= len(r.cells) {
				continue
			}
			k, ok := idx[headerKey(r.cells[c])]
			if !ok {
				continue
			}
			if prev := rd.col[k]; prev >= 0 && prev != c {
				return 0, &headerError{row: r.num, format: "column %s appears twice, in columns %s and %s",
					args: []any{rd.t.Cols[k].Code, colName(prev), colName(c)}}
			}
			rd.col[k] = c
			break
		}
	}
	var missing []string
	for i, c := range rd.t.Cols {
		if c.Required && rd.col[i] < 0 {
			missing = append(missing, c.Code+" ("+c.Names[0]+")")
		}
	}
	if k := rd.t.Kind; k != persons && rd.col[colOf(k, "household_ref")] < 0 && rd.col[colOf(k, "id_number")] < 0 {
		missing = append(missing, "household_ref (户编号) or id_number (身份证号)")
	}
	if len(missing) > 0 {
		return 0, &headerError{row: buf[first].num, missing: true,
			format: "missing required columns: %s", args: []any{strings.Join(missing, ", ")}}
	}
	return last, nil
}

// requiredList names the required columns for a message.
func (t *table) requiredList() string {
	var s []string
	for _, c := range t.Cols {
		if c.Required {
			s = append(s, c.Code+"/"+c.Names[0])
		}
	}
	return strings.Join(s, ", ")
}

// colName returns the spreadsheet letter of a 0-based column.
func colName(c int) string {
	n, err := excelize.ColumnNumberToName(c + 1)
	if err != nil {
		return fmt.Sprint(c + 1)
	}
	return n
}

// next returns the next data row that is not blank, or io.EOF.
func (rd *reader) next() (int, []string, error) {
	for {
		var (
			num   int
			cells []string
			err   error
		)
		if len(rd.pending) > 0 {
			num, cells = rd.pending[0].num, rd.pending[0].cells
			rd.pending = rd.pending[1:]
		} else if rd.broken != nil {
			err, rd.broken = rd.broken, nil
			return 0, nil, err
		} else if num, cells, err = rd.src.Next(); err != nil {
			return 0, nil, err
		}
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				return num, cells, nil
			}
		}
	}
}
