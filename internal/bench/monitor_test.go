package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/gen"
	"safetynet/internal/registry/importfile"
)

// BenchmarkMonitor is the monitoring run of issue 6 at a small size (the
// full 5M persons: `safetynet bench --monitor 5000000`).
func BenchmarkMonitor(b *testing.B) {
	const persons = 100_000
	d, err := MonitorGenerate(b.TempDir(), persons, 4*persons)
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("persons=%d", persons), func(b *testing.B) {
		var r MonitorRun
		for b.Loop() {
			if r, err = MonitorPass(context.Background(), d, MonitorOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(r.Persons)*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
		b.ReportMetric(float64(r.Evaluations)*float64(b.N)/b.Elapsed().Seconds(), "evals/s")
		b.ReportMetric(float64(r.Hits), "hits")
		b.ReportMetric(r.HeapMB, "heapMB")
	})
}

func TestMonitorRules(t *testing.T) {
	rules := MonitorRules()
	if len(rules) != 20 {
		t.Fatalf("%d rules, want 20", len(rules))
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if _, err := r.Validate(); err != nil || !r.Active || seen[r.Code] {
			t.Errorf("rule %s: %v (active %v, twice %v)", r.Code, err, r.Active, seen[r.Code])
		}
		seen[r.Code] = true
	}
}

// regPerson is a persons.csv row as the test picks among them.
type regPerson struct {
	row                         int64 // from 1: the person's id in the run
	ref, rel, id, school, grade string
	dead                        bool
	birthYear                   int
	programs                    string
}

// readRegistryRows reads the persons and their households' programs.
func readRegistryRows(t *testing.T, d *MonitorData) []regPerson {
	t.Helper()
	programs := map[string]string{}
	rs, _, c, err := openTable(d.Monitored)
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, cells, err := rs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		programs[cells[0]] = cells[1]
	}
	c.Close()
	rs, header, c, err := openTable(d.Persons)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	col := columnsOf("persons", header, "household_ref", "relationship", "id_number", "school_status", "disability_grade", "death_date")
	var out []regPerson
	for {
		_, cells, err := rs.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		p := regPerson{row: int64(len(out) + 1), ref: cells[col[0]], rel: cells[col[1]], id: cells[col[2]], school: cells[col[3]],
			grade: cells[col[4]], dead: cells[col[5]] != "", birthYear: atoi(cells[col[2]][6:10]), programs: programs[cells[col[0]]]}
		out = append(out, p)
	}
}

// idsIn returns the ID numbers (first cells) of a departmental file.
func idsIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	rs, _, c, err := openTable(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := map[string]bool{}
	for {
		_, cells, err := rs.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[cells[0]] = true
	}
}

// planted counts the rows plant added.
var planted int

// plant appends a row to a source's file, its cells by field code (the
// enumerated ones as their values, written as the labels).
func plant(t *testing.T, d *MonitorData, code string, cells map[string]string) {
	t.Helper()
	planted++
	src := source(code)
	var row []string
	for _, f := range src.Fields {
		v := cells[f.Code]
		if i := slices.Index(f.Values, v); i >= 0 && len(f.Labels) > i {
			v = f.Labels[i]
		}
		row = append(row, v)
	}
	for _, f := range d.Files {
		if f.Source != code {
			continue
		}
		file, err := os.OpenFile(f.Path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := file.WriteString(strings.Join(row, ",") + "\n"); err != nil {
			t.Fatal(err)
		}
		if err := file.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("no %s file", code)
}

// TestMonitorSmall runs the monitoring benchmark at 20,000 persons with
// planted cases: each must raise the rules it is made for, the parallel
// run must find the same hits in the same order as a sequential one, and
// the counts must add up.
func TestMonitorSmall(t *testing.T) {
	d, err := MonitorGenerate(t.TempDir(), 20_000, 80_000)
	if err != nil {
		t.Fatal(err)
	}
	planted = 0
	persons := readRegistryRows(t, d)
	disabled := idsIn(t, d.Files[slices.IndexFunc(d.Files, func(f gen.DepartmentFile) bool { return f.Source == "disability" })].Path)
	contributing := idsIn(t, d.Files[slices.IndexFunc(d.Files, func(f gen.DepartmentFile) bool { return f.Source == "social_insurance" })].Path)
	head := importfile.Labels("persons", "relationship")["head"]
	age := func(p regPerson) int { return MonitorDay.Year - p.birthYear }
	used := map[int64]bool{}
	pick := func(what string, ok func(p regPerson) bool) regPerson {
		for _, p := range persons {
			if !p.dead && !used[p.row] && ok(p) {
				used[p.row] = true
				return p
			}
		}
		t.Fatalf("no person for %s", what)
		return regPerson{}
	}
	want := map[int64][]string{}
	sick := pick("medical", func(p regPerson) bool { return age(p) >= 30 })
	for _, m := range []string{"2025-03", "2025-04", "2025-05"} {
		plant(t, d, "medical", map[string]string{"id_number": sick.id, "month": m, "total": "12000.00", "out_of_pocket": "8000.00"})
	}
	want[sick.row] = []string{"medical_spending", "medical_spending_severe"}
	dis := pick("disability", func(p regPerson) bool { return p.grade == "" && !disabled[p.id] })
	plant(t, d, "disability", map[string]string{"id_number": dis.id, "certificate": "4400000001", "category": "physical", "grade": "1"})
	want[dis.row] = []string{"new_severe_disability"}
	hit := pick("disaster", func(p regPerson) bool { return p.rel == head })
	plant(t, d, "disaster", map[string]string{"id_number": hit.id, "event_date": "2025-05-10", "event_type": "flood", "severity": "severe", "loss": "5000.00"})
	want[hit.row] = []string{"disaster"}
	pupil := pick("school", func(p regPerson) bool { return age(p) >= 13 && age(p) <= 16 })
	plant(t, d, "school", map[string]string{"id_number": pupil.id, "school": "某中学", "stage": "junior", "status": "left", "as_of": "2025-05-06"})
	want[pupil.row] = []string{"left_school"}
	laidOff := pick("contributions", func(p regPerson) bool { return age(p) >= 25 && age(p) < 55 && !contributing[p.id] })
	for _, m := range []string{"2024-12", "2025-01", "2025-02"} {
		plant(t, d, "social_insurance", map[string]string{"id_number": laidOff.id, "month": m, "base": "4500.00", "employer": "某公司"})
	}
	want[laidOff.row] = []string{"lost_work"}
	died := pick("recipient", func(p regPerson) bool { return p.programs != "" && p.rel != head })
	plant(t, d, "death", map[string]string{"id_number": died.id, "death_date": "2025-04-02", "origin": "cremation"})
	want[died.row] = []string{"recipient_died"}

	par, err := MonitorPass(context.Background(), d, MonitorOptions{Workers: 2, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := MonitorPass(context.Background(), d, MonitorOptions{Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(par.Hit, seq.Hit) || par.Digest != seq.Digest {
		t.Errorf("parallel and sequential runs differ: %d and %d hits", len(par.Hit), len(seq.Hit))
	}
	got := map[int64][]string{}
	for _, h := range par.Hit {
		got[h.Person] = append(got[h.Person], h.Rule)
	}
	for person, rules := range want {
		for _, r := range rules {
			if !slices.Contains(got[person], r) {
				t.Errorf("person %d: %s did not fire (hits: %v)", person, r, got[person])
			}
		}
	}
	var perRule int64
	for _, n := range par.PerRule {
		perRule += n
	}
	if par.Rules != 20 || par.Persons < 19_000 || par.Households != d.Households || par.Rejected != 0 || par.Faults != 0 ||
		par.Hits != int64(len(par.Hit)) || par.Raised+par.Repeats != par.Hits || perRule != par.Hits || par.Repeats == 0 ||
		par.Evaluations != int64(par.Persons)*20 || par.Records != int64(d.Records+planted) {
		par.Hit = nil
		t.Errorf("counts do not add up: %+v", par)
	}
	// A few percent of the persons, not most of them.
	if share := float64(par.Hits) / float64(par.Persons); share < 0.01 || share > 0.12 {
		t.Errorf("the rules hit %.1f%% of persons", 100*share)
	}
	for _, r := range MonitorResults(d, par, 0) {
		t.Logf("%s: %s; %s", r.Workload, r.Time, r.Note)
	}
}
