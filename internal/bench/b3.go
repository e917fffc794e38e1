package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"safetynet/internal/gen"
	"safetynet/internal/registry"
	"safetynet/internal/registry/importfile"
	"safetynet/internal/verify"
)

// Benchmark B3 (DESIGN.md §10): a registry of persons matched against
// departments' records, CSV files in, per-household results out, first as
// SafetyNet does it (streaming the files through verify's parser into a
// verify.Matcher), then as a user with PostgreSQL would (COPY the same
// files into tables and GROUP BY/JOIN there). Both paths write the same
// result file, line for line, which the benchmark checks.

// B3Months is the length of the verification period: the months before
// the month of B4AsOf.
const B3Months = 6

// B3Period is the period B3 verifies.
func B3Period() verify.Period { return verify.PeriodBefore(B4AsOf, B3Months) }

// B3Targets are DESIGN.md §10's targets per registry size (persons; the
// records are four times as many).
var B3Targets = map[int]time.Duration{5_000_000: 60 * time.Second}

// personsPerHousehold is about what the generator gives (×100).
const personsPerHousehold = 272

// B3Data is a generated data set in a directory.
type B3Data struct {
	Dir        string
	Persons    string // the registry's persons.csv (household_ref, id_number and 21 more columns)
	Households int
	PersonRows int
	Files      []gen.DepartmentFile // the departments' files
	Records    int                  // their rows
	Bytes      int64                // the size of every input file
}

// B3Generate writes a registry of about persons persons (internal/gen, the
// households of Guangdong) and records departmental records about them,
// 30% about persons not in the registry (gen.WriteDepartments), into dir.
func B3Generate(dir string, persons, records int) (*B3Data, error) {
	opt := gen.Options{Region: "44", Households: max(1, persons*100/personsPerHousehold), Seed: 1, AsOf: B4AsOf}
	st, err := gen.WriteCSV(dir, opt)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"incomes.csv", "assets.csv"} { // declarations: not B3's input
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			return nil, err
		}
	}
	files, err := gen.WriteDepartments(dir, gen.DepartmentOptions{Registry: opt, Records: records, Strangers: 0.3})
	if err != nil {
		return nil, err
	}
	d := &B3Data{Dir: dir, Persons: filepath.Join(dir, "persons.csv"), Households: st.Households, PersonRows: st.Persons, Files: files}
	for _, p := range append([]string{d.Persons}, d.paths()...) {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		d.Bytes += fi.Size()
	}
	for _, f := range files {
		d.Records += f.Rows
	}
	return d, nil
}

func (d *B3Data) paths() []string {
	var out []string
	for _, f := range d.Files {
		out = append(out, f.Path)
	}
	return out
}

// B3Run is what one path did.
type B3Run struct {
	Households, Persons int   // result lines, registry rows
	Records             int64 // departmental rows read
	Matched, Rejected   int64 // records about a registry person; rows refused (Go only)
	// Load is reading the registry and the departments' files (Go), or
	// COPY and ANALYZE (PostgreSQL); Query is producing the result file
	// (Go: from the findings; PostgreSQL: the GROUP BY/JOIN).
	Load, Query time.Duration
	Registry    time.Duration // Go: the part of Load that reads the registry
	HeapMB      float64       // Go: heap in use with every record folded in
	PeakMB      float64       // Go: the process's peak resident set during the run
}

// Total is Load and Query together.
func (r B3Run) Total() time.Duration { return r.Load + r.Query }

// resultHeader is the first line of the result file; one line a household
// follows, money in yuan, the area in m².
const resultHeader = "household_ref,members,income,income_monthly,wage,pension,vehicles,vehicle_value,homes,home_area,deposit,deceased"

// B3Go is the SafetyNet path: the registry's persons streamed into a
// verify.Matcher (by ID number, remembering each household's members), the
// departments' files streamed through verify's parser (rows read on one
// goroutine, parsed on workers, folded in file order), then one result line
// per household written to out. Memory grows with the registry's persons,
// not with the records.
func B3Go(d *B3Data, out string, workers int) (B3Run, error) {
	var r B3Run
	start := time.Now()
	sources := make([]verify.Source, len(d.Files))
	tables := make([]table, len(d.Files)) // table i holds records of sources[i]
	for i, f := range d.Files {
		sources[i] = *source(f.Source)
		tables[i] = table{path: f.Path, src: &sources[i]}
	}
	m := verify.NewMatcher(sources, B3Period(), d.PersonRows)
	hh, err := readRegistry(d.Persons, m, d.Households, d.PersonRows)
	if err != nil {
		return r, err
	}
	r.Persons = len(hh.slots)
	r.Registry = time.Since(start)
	err = readParsed(tables, workers, func(b *batch) error {
		for i := range b.n {
			switch b.state[i] {
			case rowGood:
				r.Records++
				v := b.recs[i].Values // the ID number first, as in every built-in source
				if m.Add(b.table, verify.KeyOfID(v[0]), v) {
					r.Matched++
				}
			case rowRejected:
				r.Records++
				r.Rejected++
			}
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	r.Load = time.Since(start)
	runtime.GC() // not timed: only for the heap figure
	r.HeapMB = HeapMB()
	start = time.Now()
	r.Households, err = writeResults(out, m, hh)
	r.Query = time.Since(start)
	r.PeakMB = PeakRSSMB()
	runtime.KeepAlive(m)
	return r, err
}

// households is the registry as B3 needs it: per household its ref and
// its members' matcher slots, in the registry file's order, packed in a
// few slices.
type households struct {
	refs    []byte  // every household_ref, back to back
	refEnd  []int32 // household i's ref: refs[refEnd[i-1]:refEnd[i]]
	members []int32 // household i's members: slots[members[i-1]:members[i]]
	slots   []int32 // per person row, its matcher slot (-1: no valid ID number)
}

func (h *households) len() int { return len(h.refEnd) }

func (h *households) ref(i int) []byte {
	lo := int32(0)
	if i > 0 {
		lo = h.refEnd[i-1]
	}
	return h.refs[lo:h.refEnd[i]]
}

func (h *households) of(i int) []int32 {
	lo := int32(0)
	if i > 0 {
		lo = h.members[i-1]
	}
	return h.slots[lo:h.members[i]]
}

// readRegistry registers the persons of a registry persons file (the
// import format: a household's members on consecutive rows) with m; nh
// and np, the households and persons expected, are capacity hints.
func readRegistry(path string, m *verify.Matcher, nh, np int) (*households, error) {
	h := &households{refEnd: make([]int32, 0, nh), members: make([]int32, 0, nh), slots: make([]int32, 0, np)}
	refCol, idCol := -1, -1
	var last string
	err := readParsed([]table{{path: path}}, 1, func(b *batch) error {
		if refCol < 0 {
			if refCol, idCol = registryColumns(b.header); refCol < 0 || idCol < 0 {
				return fmt.Errorf("%s: no household_ref or id_number column in %q", filepath.Base(path), b.header)
			}
		}
		for i := range b.n {
			cells := b.cells(i)
			if refCol >= len(cells) || idCol >= len(cells) {
				continue
			}
			if ref := cells[refCol]; ref != last || h.len() == 0 {
				h.refs = append(h.refs, ref...)
				h.refEnd = append(h.refEnd, int32(len(h.refs)))
				h.members = append(h.members, int32(len(h.slots)))
				last = ref
			}
			slot := int32(-1)
			if id := cells[idCol]; len(id) == 18 {
				slot = m.Person(verify.KeyOfID(id))
			}
			h.slots = append(h.slots, slot)
			h.members[len(h.members)-1]++
		}
		return nil
	})
	return h, err
}

// registryColumns finds household_ref and id_number in the header of a
// persons file, under any of the names the import format accepts; -1 when
// absent.
func registryColumns(header []string) (ref, id int) {
	find := func(code string) int {
		for _, col := range importfile.Columns("persons") {
			if col.Code == code {
				if i := slices.Index(header, col.Name); i >= 0 {
					return i
				}
			}
		}
		return slices.Index(header, code)
	}
	return find("household_ref"), find("id_number")
}

// writeResults writes a line per household from m's findings.
func writeResults(path string, m *verify.Matcher, hh *households) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(resultHeader + "\n")
	var fd verify.Finding
	line := make([]byte, 0, 256)
	for i := range hh.len() {
		var t householdTotals
		for _, s := range hh.of(i) {
			t.members++
			if s >= 0 && m.FindingAt(s, &fd) {
				t.add(&fd)
			}
		}
		line = t.append(append(line[:0], hh.ref(i)...))
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return hh.len(), f.Close()
}

// householdTotals are one household's figures, in fen and m² × 100.
type householdTotals struct {
	members, vehicles, homes, deceased      int
	income, wage, pension, vehValue, depVal int64
	area                                    int64
}

func (t *householdTotals) add(f *verify.Finding) {
	for _, v := range f.Income {
		t.income += int64(v)
	}
	t.wage += int64(f.Income[registry.IncomeWage])
	t.pension += int64(f.Income[registry.IncomeTransfer])
	v := f.Assets[registry.AssetVehicle]
	t.vehicles += v.Count
	t.vehValue += int64(v.Value)
	h := f.Assets[registry.AssetRealEstate]
	t.homes += h.Count
	t.area += int64(math.Round(h.Area * 100))
	t.depVal += int64(f.Assets[registry.AssetDeposit].Value)
	if !f.Death.IsZero() {
		t.deceased++
	}
}

// append appends ",members,..." and a line end to the household's ref.
func (t *householdTotals) append(b []byte) []byte {
	months := int64(B3Months)
	monthly := (2*t.income + months) / (2 * months) // rounded half up, as PostgreSQL's round
	b = strconv.AppendInt(append(b, ','), int64(t.members), 10)
	for _, v := range []int64{t.income, monthly, t.wage, t.pension} {
		b = appendYuan(append(b, ','), v)
	}
	b = strconv.AppendInt(append(b, ','), int64(t.vehicles), 10)
	b = appendYuan(append(b, ','), t.vehValue)
	b = strconv.AppendInt(append(b, ','), int64(t.homes), 10)
	b = appendYuan(append(b, ','), t.area)
	b = appendYuan(append(b, ','), t.depVal)
	b = strconv.AppendInt(append(b, ','), int64(t.deceased), 10)
	return append(b, '\n')
}

// appendYuan appends fen (or hundredths) as a number with two decimals.
func appendYuan(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	return append(b, '.', byte('0'+v/10%10), byte('0'+v%10))
}

// B3Checksum reads a result file and returns its line count (without the
// header) and a checksum that does not depend on the lines' order.
func B3Checksum(path string) (int, uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var n int
	var sum uint64
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		sum += fnv64(sc.Bytes())
		n++
	}
	return n, sum, sc.Err()
}

// fnv64 is FNV-1a, 64 bits.
func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// B3Postgres is the user's alternative: the same files loaded with COPY
// (streamed from the files, two connections at once) into unlogged tables
// of a fresh schema, with a column per field of each source and the
// registry's 23 columns as text, ANALYZE, then one query of GROUP BY and
// LEFT JOIN writing the same result lines to out (COPY TO STDOUT). No
// indexes: a query over whole tables uses hash joins, and building
// indexes would only add to the load. The session's work_mem is 512 MB,
// so that the aggregates stay in memory. The schema is dropped at the end.
func B3Postgres(ctx context.Context, dsn string, d *B3Data, out string) (B3Run, error) {
	var r B3Run
	conns := make([]*pgx.Conn, 2)
	for i := range conns {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return r, err
		}
		defer c.Close(context.WithoutCancel(ctx))
		conns[i] = c
	}
	schema := fmt.Sprintf("b3_%d", time.Now().UnixNano())
	ddl := []string{"CREATE SCHEMA " + schema}
	var cols []string
	for _, c := range importfile.Columns("persons") {
		cols = append(cols, c.Code+" text")
	}
	ddl = append(ddl, fmt.Sprintf("CREATE UNLOGGED TABLE %s.persons (%s)", schema, strings.Join(cols, ", ")))
	for _, f := range d.Files {
		ddl = append(ddl, fmt.Sprintf("CREATE UNLOGGED TABLE %s.%s (%s)", schema, f.Source, columnsSQL(source(f.Source))))
	}
	if err := exec(ctx, conns[0], ddl...); err != nil {
		return r, err
	}
	defer exec(context.WithoutCancel(ctx), conns[0], "DROP SCHEMA "+schema+" CASCADE")
	for _, c := range conns {
		if err := exec(ctx, c, "SET search_path TO "+schema, "SET work_mem = '512MB'"); err != nil {
			return r, err
		}
	}
	start := time.Now()
	loads := []struct{ table, path string }{{"persons", d.Persons}}
	for _, f := range d.Files {
		loads = append(loads, struct{ table, path string }{f.Source, f.Path})
	}
	// The largest first, each to the connection free first.
	slices.SortFunc(loads, func(a, b struct{ table, path string }) int { return int(fileSize(b.path) - fileSize(a.path)) })
	next := make(chan int, len(loads))
	for i := range loads {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	errs := make([]error, len(conns))
	for ci, c := range conns {
		wg.Go(func() {
			for i := range next {
				if err := copyIn(ctx, c, loads[i].table, loads[i].path); err != nil {
					errs[ci] = err
					return
				}
				if err := exec(ctx, c, "ANALYZE "+loads[i].table); err != nil {
					errs[ci] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return r, err
	}
	r.Load = time.Since(start)
	start = time.Now()
	f, err := os.Create(out)
	if err != nil {
		return r, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, err = conns[0].PgConn().CopyTo(ctx, w, "COPY ("+b3Query()+") TO STDOUT WITH (FORMAT csv, HEADER true)")
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	r.Query = time.Since(start)
	if err != nil {
		return r, err
	}
	for _, t := range append([]string{"persons"}, sourceCodes(d)...) {
		var n int64
		if err := conns[0].QueryRow(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return r, err
		}
		if t == "persons" {
			r.Persons = int(n)
		} else {
			r.Records += n
		}
	}
	return r, nil
}

func sourceCodes(d *B3Data) []string {
	var out []string
	for _, f := range d.Files {
		out = append(out, f.Source)
	}
	return out
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// columnsSQL declares a column for each field of src, typed as a user
// would type it: money and areas numeric, dates date, the rest text.
func columnsSQL(src *verify.Source) string {
	var cols []string
	for _, f := range src.Fields {
		t := "text"
		switch f.Type {
		case verify.TypeMoney:
			t = "numeric(14,2)"
		case verify.TypeDecimal:
			t = "numeric(12,2)"
		case verify.TypeInt:
			t = "integer"
		case verify.TypeDate:
			t = "date"
		case verify.TypeBool:
			t = "boolean"
		}
		cols = append(cols, f.Code+" "+t)
	}
	return strings.Join(cols, ", ")
}

func exec(ctx context.Context, c *pgx.Conn, sqls ...string) error {
	for _, s := range sqls {
		if _, err := c.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// copyIn streams a CSV file into table with COPY, as psql's \copy does.
func copyIn(ctx context.Context, c *pgx.Conn, table, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = c.PgConn().CopyFrom(ctx, bufio.NewReaderSize(f, 1<<20), "COPY "+table+" FROM STDIN WITH (FORMAT csv, HEADER true)")
	if err != nil {
		return fmt.Errorf("COPY %s: %w", table, err)
	}
	return nil
}

// b3Query is the SQL a user would write for B3's result: each source
// reduced to one row per person as verify.Matcher reduces it (incomes in
// the period, assets held on the day, the latest deposit balance on or
// before it, a death by then), joined to the registry and summed per
// household.
func b3Query() string {
	p := B3Period()
	from, to, asOf := "'"+p.From.String()+"'", "'"+p.To.String()+"'", "DATE '"+p.AsOf.String()+"'"
	wage := quoted(source("tax").Field("income_type").Labels[0], "wage")
	held := "valid_from <= " + asOf + " AND (valid_to IS NULL OR valid_to > " + asOf + ")"
	return `WITH inc AS (
  SELECT id_number, sum(amount) AS total, sum(amount) FILTER (WHERE wage) AS wage, sum(amount) FILTER (WHERE pension) AS pension
  FROM (SELECT id_number, amount, income_type IN (` + wage + `) AS wage, false AS pension FROM tax WHERE month BETWEEN ` + from + ` AND ` + to + `
        UNION ALL
        SELECT id_number, amount, false, true FROM pension WHERE month BETWEEN ` + from + ` AND ` + to + `) r
  GROUP BY id_number),
veh AS (SELECT id_number, count(*) AS n, sum(value) AS v FROM vehicle WHERE ` + held + ` GROUP BY id_number),
home AS (SELECT id_number, count(*) AS n, sum(area) AS a FROM real_estate WHERE ` + held + ` GROUP BY id_number),
dep AS (SELECT DISTINCT ON (id_number) id_number, value FROM deposit WHERE as_of <= ` + asOf + ` ORDER BY id_number, as_of DESC),
dead AS (SELECT DISTINCT id_number FROM death WHERE death_date <= ` + asOf + `)
SELECT p.household_ref, count(*) AS members,
  coalesce(sum(inc.total), 0)::numeric(16,2) AS income,
  round(coalesce(sum(inc.total), 0) / ` + strconv.Itoa(B3Months) + `, 2)::numeric(16,2) AS income_monthly,
  coalesce(sum(inc.wage), 0)::numeric(16,2) AS wage,
  coalesce(sum(inc.pension), 0)::numeric(16,2) AS pension,
  coalesce(sum(veh.n), 0) AS vehicles, coalesce(sum(veh.v), 0)::numeric(16,2) AS vehicle_value,
  coalesce(sum(home.n), 0) AS homes, coalesce(sum(home.a), 0)::numeric(16,2) AS home_area,
  coalesce(sum(dep.value), 0)::numeric(16,2) AS deposit,
  count(dead.id_number) AS deceased
FROM persons p
LEFT JOIN inc USING (id_number) LEFT JOIN veh USING (id_number) LEFT JOIN home USING (id_number)
LEFT JOIN dep USING (id_number) LEFT JOIN dead USING (id_number)
GROUP BY p.household_ref`
}

// quoted returns SQL string literals of vs, comma-separated.
func quoted(vs ...string) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + strings.ReplaceAll(v, "'", "''") + "'")
	}
	return b.String()
}

// resetPeak drops the garbage of what came before and makes the peak
// resident set start again from the current one (Linux: clear_refs 5), so
// that the peak B3 reports is its own.
func resetPeak() {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // elsewhere: the peak stays the process's
}

// B3 generates a registry of persons persons and 4 × persons departmental
// records in a temporary directory (removed at the end), runs the Go path,
// and, when dsn names a PostgreSQL server, the PostgreSQL path on the same
// files, checks that both wrote the same results, and reports both.
func B3(ctx context.Context, persons int, dsn string, progress func(string)) ([]Result, error) {
	say := sayer(progress)
	dir, err := os.MkdirTemp("", "safetynet-b3-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	say("B3: generating %d persons and %d departmental records in %s", persons, 4*persons, dir)
	start := time.Now()
	d, err := B3Generate(dir, persons, 4*persons)
	if err != nil {
		return nil, err
	}
	say("B3: generated %d households, %d persons, %d records (%.0f MB) in %s", d.Households, d.PersonRows, d.Records,
		float64(d.Bytes)/(1<<20), time.Since(start).Round(time.Second))
	resetPeak()
	goOut := filepath.Join(dir, "results-go.csv")
	g, err := B3Go(d, goOut, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, err
	}
	say("B3 Go: %s (load %s, results %s)", g.Total().Round(time.Millisecond), g.Load.Round(time.Millisecond), g.Query.Round(time.Millisecond))
	lines, sum, err := B3Checksum(goOut)
	if err != nil {
		return nil, err
	}
	rate := float64(int64(d.PersonRows)+g.Records) / g.Total().Seconds()
	res := []Result{{ID: "B3", Workload: fmt.Sprintf("match %d persons against %d records, CSV in, %d household lines out (Go)", g.Persons, g.Records, lines),
		Time: g.Total(), HeapMB: g.HeapMB, PeakMB: g.PeakMB, Target: B3Targets[persons],
		Note: fmt.Sprintf("%.0f rows/s; registry %s, departments %s, results %s; %d records matched, %d rejected", rate,
			g.Registry.Round(time.Millisecond), (g.Load - g.Registry).Round(time.Millisecond), g.Query.Round(time.Millisecond), g.Matched, g.Rejected)}}
	if dsn == "" {
		res[0].Note += "; PostgreSQL skipped: give --pg DSN or set SAFETYNET_TEST_POSTGRES"
		return res, nil
	}
	say("B3 PostgreSQL: COPY and query")
	pgOut := filepath.Join(dir, "results-pg.csv")
	p, err := B3Postgres(ctx, dsn, d, pgOut)
	if err != nil {
		return nil, fmt.Errorf("B3 PostgreSQL: %w", err)
	}
	pgLines, pgSum, err := B3Checksum(pgOut)
	if err != nil {
		return nil, err
	}
	same := "the same results as Go"
	if pgLines != lines || pgSum != sum {
		same = fmt.Sprintf("RESULTS DIFFER from Go's (%d lines, checksum %x; Go: %d, %x)", pgLines, pgSum, lines, sum)
	}
	res[0].Note += fmt.Sprintf("; PostgreSQL took %.1f× as long", p.Total().Seconds()/g.Total().Seconds())
	res = append(res,
		Result{ID: "B3", Workload: fmt.Sprintf("PostgreSQL: COPY %d files (%.0f MB) into unlogged tables, ANALYZE", len(d.Files)+1, float64(d.Bytes)/(1<<20)),
			Time: p.Load, Note: fmt.Sprintf("%.0f rows/s, 2 connections", float64(int64(p.Persons)+p.Records)/p.Load.Seconds())},
		Result{ID: "B3", Workload: "PostgreSQL: GROUP BY/JOIN to per-household lines (COPY TO)", Time: p.Query, Note: same},
		Result{ID: "B3", Workload: "PostgreSQL: load and query", Time: p.Total(), Note: fmt.Sprintf("Go is %.1f× faster", p.Total().Seconds()/g.Total().Seconds())})
	if pgLines != lines || pgSum != sum {
		return res, errors.New("B3: PostgreSQL's results differ from Go's")
	}
	return res, nil
}
