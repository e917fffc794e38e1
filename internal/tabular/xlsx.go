package tabular

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// XLSX streams a worksheet's rows as raw values: numbers as Excel stores
// them (so a date is its serial number and a long digit string typed as a
// number shows as 4.40103199001011E+17), shared strings resolved, and a
// formula cell as its saved result. An empty row is a row with no cells.
type XLSX struct {
	rows *excelize.Rows
	row  int
}

// NewXLSX reads the rows of a worksheet, as excelize.File.Rows opens them.
// The caller closes rows.
func NewXLSX(rows *excelize.Rows) *XLSX { return &XLSX{rows: rows} }

// Next returns the next row: its number as Excel shows it and its cells.
func (s *XLSX) Next() (int, []string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, err
		}
		return 0, nil, io.EOF
	}
	s.row++ // Next advances exactly one row, empty rows included
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	return s.row, cells, err
}
