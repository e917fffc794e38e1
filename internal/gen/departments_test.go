package gen

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"safetynet/internal/registry"
	"safetynet/internal/tabular"
	"safetynet/internal/verify"
)

// TestDepartments writes the departments' files for a small registry and
// reads them back through verify's parser: every row but the spoiled ones
// passes, the rows about registry persons name its persons, and the same
// options give the same bytes.
func TestDepartments(t *testing.T) {
	reg := Options{Region: "440103", Households: 400, Seed: 3, AsOf: asOf}
	persons := map[string]bool{}
	generate(t, reg).each(func(h *registry.Household) {
		for _, m := range h.Members {
			persons[m.Person.IDNumber] = true
		}
	})
	opt := DepartmentOptions{Registry: reg, Records: 20_000, Strangers: 0.3, Bad: 0.01}
	dir := t.TempDir()
	files, err := WriteDepartments(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(DepartmentSources) {
		t.Fatalf("%d files, want %d", len(files), len(DepartmentSources))
	}
	rows, about, bad := 0, 0, 0
	for _, f := range files {
		rows += f.Rows
		about += f.About
		bad += f.Bad
		src, _ := verify.BuiltinSource(f.Source)
		good, rejected, known := parseFile(t, f.Path, &src, persons)
		if rejected != f.Bad || good != f.Rows-f.Bad {
			t.Errorf("%s: %d good and %d rejected rows, want %d and %d", f.Source, good, rejected, f.Rows-f.Bad, f.Bad)
		}
		// A spoiled ID number no longer names anyone.
		if known < f.About-f.Bad || known > f.About {
			t.Errorf("%s: %d good rows name a registry person, want about %d", f.Source, known, f.About)
		}
	}
	if rows != opt.Records {
		t.Errorf("%d rows, want %d", rows, opt.Records)
	}
	if share := float64(about) / float64(rows); share < 0.65 || share > 0.75 {
		t.Errorf("%.2f of the rows are about registry persons, want about 0.7", share)
	}
	if bad < 100 || bad > 300 {
		t.Errorf("%d spoiled rows, want about 200", bad)
	}
	again := t.TempDir()
	if _, err := WriteDepartments(again, opt); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		a, _ := os.ReadFile(f.Path)
		b, _ := os.ReadFile(again + "/" + f.Source + ".csv")
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same options", f.Source)
		}
	}
}

// TestDepartmentsStrangersOnly writes one source with no registry.
func TestDepartmentsStrangersOnly(t *testing.T) {
	opt := DepartmentOptions{Registry: Options{Region: "44", AsOf: asOf}, Records: 1000, Strangers: 0.3, Sources: []string{"tax"}}
	files, err := WriteDepartments(t.TempDir(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Rows != 1000 || files[0].About != 0 {
		t.Fatalf("files %+v, want one of 1000 rows about strangers", files)
	}
	src, _ := verify.BuiltinSource("tax")
	if good, rejected, _ := parseFile(t, files[0].Path, &src, nil); good != 1000 || rejected != 0 {
		t.Errorf("%d good and %d rejected rows, want 1000 and 0", good, rejected)
	}
	if _, err := WriteDepartments(t.TempDir(), DepartmentOptions{Registry: opt.Registry, Sources: []string{"lottery"}}); err == nil {
		t.Error("an unknown source was accepted")
	}
}

// parseFile parses a departmental file as an import would and counts the
// good rows, the rejected ones, and the good ones whose ID number is in
// persons.
func parseFile(t *testing.T, path string, src *verify.Source, persons map[string]bool) (good, rejected, known int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text, _, err := tabular.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rs := tabular.NewCSV(text)
	_, header, err := rs.Next()
	if err != nil {
		t.Fatal(err)
	}
	p, err := verify.NewParser(src, nil, append([]string(nil), header...), asOf, false)
	if err != nil {
		t.Fatalf("%s: %v", src.Code, err)
	}
	var rec verify.Record
	for {
		row, cells, err := rs.Next()
		if errors.Is(err, io.EOF) {
			return good, rejected, known
		}
		if err != nil {
			t.Fatal(err)
		}
		if rej := p.Parse(row, cells, &rec); rej != nil {
			rejected++
			continue
		}
		good++
		if persons[rec.Values[0]] {
			known++
		}
	}
}

func (g generated) each(fn func(h *registry.Household)) {
	for _, h := range g.hh {
		fn(h)
	}
}
