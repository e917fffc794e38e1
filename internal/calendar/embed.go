package calendar

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"sync"

	"safetynet/internal/civil"
)

// holidays.csv is generated from the day-by-day tables of the State
// Council's notices in shared/policy/holidays.md (outside this module).
// After a change there, regenerate it from the module root with
//
//	go run ./internal/calendar/internal/mkcsv -in ../shared/policy/holidays.md -out internal/calendar/holidays.csv
//
// or `go generate ./internal/calendar`. Years after those are entered by an
// administrator, not added here.
//
//go:generate go run ./internal/mkcsv -in ../../../shared/policy/holidays.md -out holidays.csv
//go:embed holidays.csv
var holidaysCSV []byte

// csvHeader is the first row of holidays.csv.
var csvHeader = []string{"date", "kind", "name", "source"}

var embedded = sync.OnceValue(func() *Calendar {
	days, err := ReadCSV(holidaysCSV)
	if err == nil {
		var c *Calendar
		if c, err = new(Calendar).With(days); err == nil {
			return c
		}
	}
	// The file is generated and tested; failing here is a build defect.
	panic("calendar: embedded holidays.csv: " + err.Error())
})

// Embedded returns the calendar SafetyNet ships: the notices of 2020 to
// 2026. It is read once and shared.
func Embedded() *Calendar { return embedded() }

// ReadCSV reads days from CSV with the header date,kind,name,source (the
// format of holidays.csv). It checks the format, not the days: With does.
func ReadCSV(b []byte) ([]Day, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(csvHeader)
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || !slices.Equal(rows[0], csvHeader) {
		return nil, fmt.Errorf("want the header %v", csvHeader)
	}
	days := make([]Day, 0, len(rows)-1)
	for i, row := range rows[1:] {
		d, err := civil.ParseDate(row[0])
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i+2, err)
		}
		days = append(days, Day{Date: d, Kind: Kind(row[1]), Name: row[2], Source: row[3]})
	}
	return days, nil
}

// WriteCSV writes days in the format ReadCSV reads.
func WriteCSV(days []Day) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(csvHeader)
	for _, d := range days {
		w.Write([]string{d.Date.String(), string(d.Kind), d.Name, d.Source})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
