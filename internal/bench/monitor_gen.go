package bench

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// The data of the monitoring benchmark (issue 6): a registry made by
// internal/gen (persons.csv, incomes.csv, assets.csv), the monitored
// population (monitored.csv: each household's programs and categories),
// and the departments' files of the sources the risk rules read, in the
// catalogue's layouts (Chinese headers and labels), covering the six
// months before the run: the earlier and the recent period of
// monitor.Periods. internal/gen writes the verification sources only
// (tax, pension, deposits, homes, vehicles, deaths), so the files here
// are made by the benchmark itself, from the same generated households.

// MonitorDay is the day of the benchmark's monitoring run: the day the
// files are extracted (the parser's today, B4AsOf).
var MonitorDay = B4AsOf

// MonitorSources are the sources the benchmark's departments' files hold.
var MonitorSources = []string{"social_insurance", "unemployment", "medical", "disability", "school", "death",
	"vehicle", "business", "real_estate", "disaster", "tax"}

// monitorStrangers is the share of the departments' rows about persons
// the registry does not hold (another province's).
const monitorStrangers = 0.2

// MonitorParams is the parameter set of the benchmark's region (Guangdong):
// the shipped parameters, the medical multiple (2), the repeat window (6
// months) and the handling deadline, and a synthetic Dibao standard for
// every county that has no real one (as B1 does).
func MonitorParams() (*policy.Set, error) {
	base, err := policy.Shipped()
	if err != nil {
		return nil, err
	}
	set := base.Clone()
	for _, p := range []struct{ key, text string }{{"monitor.medical.multiple", "2"}, {"monitor.repeat.months", "6"}, {"monitor.warning.handle_wd", "10"}} {
		if err := set.Add(policy.Param{Key: p.key, Region: "44", From: civil.D(2020, 1, 1), Text: p.text, Source: "synthetic (monitoring benchmark)"}); err != nil {
			return nil, err
		}
	}
	t := region.Embedded()
	for _, city := range t.Children("44") {
		for _, c := range t.Children(city.Code) {
			if len(c.Code) != 6 {
				continue
			}
			if _, ok := set.Resolve("dibao.standard.urban", c.Code, MonitorDay); ok {
				continue
			}
			if err := addStandards(set, c.Code); err != nil {
				return nil, err
			}
		}
	}
	return set, nil
}

// MonitorData is a generated data set in a directory.
type MonitorData struct {
	Dir                                 string
	Persons, Incomes, Assets, Monitored string // the registry's files and the monitored population
	Households, PersonRows              int
	IncomeRows, AssetRows               int
	Files                               []gen.DepartmentFile // the departments' files
	Records                             int                  // their rows
	Bytes                               int64                // the size of every input file
	ByCategory                          map[string]int       // monitored households by category
}

// MonitorGenerate writes into dir a registry of about persons persons
// (the households of Guangdong, internal/gen), every household marked as
// monitored, and records departmental records about them over the six
// months before MonitorDay, a fifth about strangers. The tax file takes
// what the other sources leave of records.
func MonitorGenerate(dir string, persons, records int) (*MonitorData, error) {
	set, err := MonitorParams()
	if err != nil {
		return nil, err
	}
	opt := gen.Options{Region: "44", Households: max(1, persons*100/personsPerHousehold), Seed: 6, AsOf: MonitorDay}
	st, err := gen.WriteCSV(dir, opt)
	if err != nil {
		return nil, err
	}
	d := &MonitorData{Dir: dir, Persons: filepath.Join(dir, "persons.csv"), Incomes: filepath.Join(dir, "incomes.csv"),
		Assets: filepath.Join(dir, "assets.csv"), Monitored: filepath.Join(dir, "monitored.csv"),
		Households: st.Households, PersonRows: st.Persons, IncomeRows: st.Incomes, AssetRows: st.Assets, ByCategory: map[string]int{}}
	g := newMonitorGen(set, st.Persons, records)
	mon, err := newCSVOut(d.Monitored, "household_ref,programs,categories")
	if err != nil {
		return nil, err
	}
	err = gen.Generate(opt, func(ref string, h *registry.Household, inc []registry.Income, as []registry.Asset) error {
		programs, cats := g.household(h, inc, as)
		d.ByCategory[cats]++
		b := append(mon.b, ref...)
		b = append(b, ',')
		b = append(b, programs...)
		b = append(b, ',')
		b = append(b, cats...)
		mon.b = append(b, '\n')
		return mon.flush(false)
	})
	if cerr := mon.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if d.Files, err = g.write(dir); err != nil {
		return nil, err
	}
	for _, p := range []string{d.Persons, d.Incomes, d.Assets, d.Monitored} {
		d.Bytes += fileSize(p)
	}
	for _, f := range d.Files {
		d.Records += f.Rows
		d.Bytes += fileSize(f.Path)
	}
	return d, nil
}

// csvOut is a CSV file being written.
type csvOut struct {
	f *os.File
	w *bufio.Writer
	b []byte
}

func newCSVOut(path, header string) (*csvOut, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	o := &csvOut{f: f, w: bufio.NewWriterSize(f, 1<<20)}
	o.b = append(append(o.b, "\ufeff"...), header...)
	o.b = append(o.b, '\n')
	return o, nil
}

func (o *csvOut) flush(all bool) error {
	if !all && len(o.b) < 64<<10 {
		return nil
	}
	_, err := o.w.Write(o.b)
	o.b = o.b[:0]
	return err
}

func (o *csvOut) close() error {
	err := o.flush(true)
	if ferr := o.w.Flush(); err == nil {
		err = ferr
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mres is what the departments know of one registry person.
type mres struct {
	id17   uint64
	income int32 // declared monthly wage or business income, yuan
	hh     int32 // index into monitorGen.houses
	birth  civil.Date
	emp    registry.EmploymentStatus
	grade  uint8 // registry disability grade
	flags  uint8
	alive  bool
	head   bool
	school bool // in school by the registry
}

// Flags the sources set on a resident for the sources written after them.
const (
	fStopped = 1 << iota // contributions stopped after the earlier period
	fStarted             // contributions started in the recent period
	fJobless             // unemployment insurance in the recent period
	fDied                // a death the registry does not know yet
)

// mholding is a declared vehicle, home or business, or one bought lately.
type mholding struct {
	res   int32
	typ   registry.AssetType
	value money.Fen
	area  float64
	since civil.Date
}

type mhouse struct {
	first  int32
	n      int32
	region string
}

type monitorGen struct {
	set      *policy.Set
	rng      *rand.Rand
	records  int
	res      []mres
	houses   []mhouse
	holdings []mholding
	months   [6]civil.Month // the earlier period, then the recent one
	recent   verify.Period
	earlier  verify.Period
	counties []string // strangers' counties (Guangxi)
	serial   int
}

func newMonitorGen(set *policy.Set, persons, records int) *monitorGen {
	g := &monitorGen{set: set, rng: rand.New(rand.NewPCG(6, 0x6d6f6e69746f72)), records: records,
		res: make([]mres, 0, persons), houses: make([]mhouse, 0, persons*100/personsPerHousehold+1)}
	g.recent, g.earlier = monitor.Periods(MonitorDay)
	for i := range g.months {
		g.months[i] = g.earlier.From.Add(i)
	}
	t := region.Embedded()
	for _, city := range t.Children("45") {
		for _, c := range t.Children(city.Code) {
			if len(c.Code) == 6 && len(g.counties) < 40 {
				g.counties = append(g.counties, c.Code)
			}
		}
	}
	return g
}

// household keeps what the departments will know of h and returns its
// programs and monitored-population categories: a household whose
// declared income per person is at most the Dibao standard receives Dibao
// (an old person alone, Tekun), one below 1.5 times it is marginal, one
// with a severely disabled or seriously ill member has rigid expenses,
// and the rest are recently exited or rejected, or other people in
// difficulty.
func (g *monitorGen) household(h *registry.Household, inc []registry.Income, as []registry.Asset) (string, string) {
	first := int32(len(g.res))
	hi := int32(len(g.houses))
	g.houses = append(g.houses, mhouse{first: first, n: int32(len(h.Members)), region: h.RegionCode})
	alive, severe := 0, false
	for i := range h.Members {
		m := &h.Members[i]
		p := &m.Person
		r := mres{id17: digits17(p.IDNumber), hh: hi, birth: p.Birth, emp: p.EmploymentStatus, grade: uint8(p.DisabilityGrade),
			alive: p.Death.IsZero(), head: m.Relationship == registry.RelHead,
			school: p.SchoolStatus != "" && p.SchoolStatus != registry.SchoolNone && p.SchoolStatus != registry.SchoolDropout}
		if r.alive {
			alive++
			severe = severe || p.DisabilityGrade == 1 || p.DisabilityGrade == 2 || p.SeriousIllness != ""
		}
		g.res = append(g.res, r)
	}
	last := civil.Month{}
	for _, in := range inc {
		if last.Compare(in.Month) < 0 {
			last = in.Month
		}
	}
	var total money.Fen
	for _, in := range inc {
		if in.Month != last {
			continue
		}
		total += in.Amount
		if in.PersonID < 0 && int(-in.PersonID-1) < len(h.Members) && (in.Type == registry.IncomeWage || in.Type == registry.IncomeBusiness) {
			g.res[first+int32(-in.PersonID-1)].income = int32(in.Amount / 100)
		}
	}
	for _, a := range as {
		if a.Type != registry.AssetVehicle && a.Type != registry.AssetRealEstate && a.Type != registry.AssetBusiness {
			continue
		}
		owner := first
		if a.PersonID < 0 && int(-a.PersonID-1) < len(h.Members) {
			owner = first + int32(-a.PersonID-1)
		}
		g.holdings = append(g.holdings, mholding{res: owner, typ: a.Type, value: a.Value, area: a.Area, since: a.ValidFrom})
	}
	std := 1000.0
	key := "dibao.standard.rural"
	if h.HukouType == registry.Urban {
		key = "dibao.standard.urban"
	}
	if p, ok := g.set.Resolve(key, h.RegionCode, MonitorDay); ok {
		std = float64(p.Value.Amount) / 100
	}
	perCapita := float64(total) / 100 / float64(max(alive, 1))
	headAge := h.Members[0].Person.Birth.YearsAt(MonitorDay)
	switch u := g.rng.Float64(); {
	case alive == 1 && headAge >= 60 && perCapita < std:
		return "tekun", "tekun"
	case perCapita <= std:
		return "dibao", "dibao"
	case perCapita < 1.5*std:
		return "", "marginal"
	case severe:
		return "", "rigid_expense"
	case u < 0.3:
		return "", "exited"
	case u < 0.5:
		return "", "rejected"
	default:
		return "", "other"
	}
}

func (g *monitorGen) age(i int) int { return g.res[i].birth.YearsAt(MonitorDay) }

// dayIn returns a random day from a to b inclusive.
func (g *monitorGen) dayIn(a, b civil.Date) civil.Date {
	n := int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
	return a.AddDays(g.rng.IntN(max(n, 0) + 1))
}

// strangerID returns the ID number of stranger i, as gen's departments do:
// Guangxi counties, births from 1955 on, a sequence per county and day.
func (g *monitorGen) strangerID(i int) string {
	const span = 50 * 365
	county := g.counties[i%len(g.counties)]
	j := i / len(g.counties)
	birth := civil.D(1955, 1, 1).AddDays((j % span) * 7919 % span)
	seq := 2*(j/span) + 1 + j%2
	return idcard.Make(county, birth, seq%1000)
}

// srcFile writes one source's file.
type srcFile struct {
	g     *monitorGen
	src   verify.Source
	out   *csvOut
	f     gen.DepartmentFile
	strID int // the next stranger
}

func (g *monitorGen) open(dir, code string) (*srcFile, error) {
	src, ok := verify.BuiltinSource(code)
	if !ok {
		return nil, fmt.Errorf("bench: no built-in source %s (the catalogue changed?)", code)
	}
	var names []string
	for _, f := range src.Fields {
		names = append(names, f.ZH)
	}
	path := filepath.Join(dir, code+".csv")
	out, err := newCSVOut(path, strings.Join(names, ","))
	if err != nil {
		return nil, err
	}
	return &srcFile{g: g, src: src, out: out, f: gen.DepartmentFile{Source: code, Path: path}}, nil
}

// row writes a row about resident s (or a stranger, s < 0): cell appends
// the value of each field after the ID number.
func (w *srcFile) row(s int, cell func(b []byte, code string) []byte) error {
	b := w.out.b
	if s >= 0 {
		var tmp [17]byte
		n := w.g.res[s].id17
		for i := 16; i >= 0; i-- {
			tmp[i] = byte('0' + n%10)
			n /= 10
		}
		b = append(append(b, tmp[:]...), idcard.CheckChar(string(tmp[:])))
		w.f.About++
	} else {
		b = append(b, w.g.strangerID(w.strID)...)
		w.strID++
	}
	for _, f := range w.src.Fields[1:] {
		b = cell(append(b, ','), f.Code)
	}
	w.out.b = append(b, '\n')
	w.f.Rows++
	return w.out.flush(false)
}

// label appends the Chinese label of an enumerated field's value.
func (w *srcFile) label(b []byte, field, value string) []byte {
	f := w.src.Field(field)
	if i := slices.Index(f.Values, value); i >= 0 {
		return append(b, f.Labels[i]...)
	}
	return b
}

// strangers writes rows about strangers to make them monitorStrangers of
// the file, each from cell.
func (w *srcFile) strangers(cell func(b []byte, code string) []byte) error {
	n := int(math.Round(float64(w.f.About) * monitorStrangers / (1 - monitorStrangers)))
	for range n {
		if err := w.row(-1, cell); err != nil {
			return err
		}
	}
	return nil
}

func appendDay(b []byte, d civil.Date) []byte {
	if d.IsZero() {
		return b
	}
	return append(b, d.String()...)
}

func appendMoney(b []byte, f money.Fen) []byte { return appendYuan(b, int64(f)) }

// yuan draws a log-normal amount in fen.
func (g *monitorGen) yuan(median, sigma float64) money.Fen {
	return money.Fen(math.Round(median * math.Exp(sigma*g.rng.NormFloat64()) * 100))
}

// shuffled returns the residents for which keep holds, in random order.
func (g *monitorGen) shuffled(keep func(i int) bool) []int32 {
	var out []int32
	for i := range g.res {
		if keep(i) {
			out = append(out, int32(i))
		}
	}
	g.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// write writes the departments' files, tax last with what is left of
// g.records.
func (g *monitorGen) write(dir string) ([]gen.DepartmentFile, error) {
	var out []gen.DepartmentFile
	total := 0
	for _, code := range MonitorSources {
		w, err := g.open(dir, code)
		if err != nil {
			return out, err
		}
		switch code {
		case "social_insurance":
			err = g.contributions(w)
		case "unemployment":
			err = g.unemployment(w)
		case "medical":
			err = g.medical(w)
		case "disability":
			err = g.disability(w)
		case "school":
			err = g.school(w)
		case "death":
			err = g.deaths(w)
		case "vehicle", "business", "real_estate":
			err = g.assets(w)
		case "disaster":
			err = g.disasters(w)
		case "tax":
			err = g.tax(w, max(0, g.records-total))
		}
		if cerr := w.out.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", code, err)
		}
		total += w.f.Rows
		out = append(out, w.f)
	}
	return out, nil
}

// monthly writes a row for each month of months about s.
func (w *srcFile) monthly(s int, months []civil.Month, cell func(b []byte, code string, m civil.Month) []byte) error {
	for _, m := range months {
		if err := w.row(s, func(b []byte, code string) []byte { return cell(b, code, m) }); err != nil {
			return err
		}
	}
	return nil
}

// contributions: the employed contribute every month; 2% stopped after
// the earlier period, 1.5% started in the recent one.
func (g *monitorGen) contributions(w *srcFile) error {
	employers := []string{"广州市白云区建筑工程有限公司", "深圳市南山区电子科技有限公司", "佛山市顺德区家电制造有限公司", "东莞市物流有限公司", "湛江市劳务派遣有限公司"}
	cell := func(s int) func(b []byte, code string, m civil.Month) []byte {
		base := 4000 + 100*money.Fen(g.rng.IntN(60))
		emp := employers[g.rng.IntN(len(employers))]
		return func(b []byte, code string, m civil.Month) []byte {
			switch code {
			case "month":
				return append(b, m.String()...)
			case "base":
				return appendMoney(b, base*100)
			case "employer":
				return append(b, emp...)
			}
			return b
		}
	}
	for _, s := range g.shuffled(func(i int) bool { return g.res[i].alive && g.res[i].emp == registry.Employed }) {
		months := g.months[:]
		switch u := g.rng.Float64(); {
		case u < 0.02:
			g.res[s].flags |= fStopped
			months = g.months[:3]
		case u < 0.035:
			g.res[s].flags |= fStarted
			months = g.months[3:]
		}
		if err := w.monthly(int(s), months, cell(int(s))); err != nil {
			return err
		}
	}
	n := int(math.Round(float64(w.f.About) * monitorStrangers / (1 - monitorStrangers) / 6))
	for range n {
		if err := w.monthly(-1, g.months[:], cell(-1)); err != nil {
			return err
		}
	}
	return nil
}

// unemployment: a quarter of the unemployed draw benefits, most for the
// whole six months, two in five only lately; and three in ten of those
// whose contributions stopped.
func (g *monitorGen) unemployment(w *srcFile) error {
	cell := func(b []byte, code string, m civil.Month) []byte {
		switch code {
		case "month":
			return append(b, m.String()...)
		case "amount":
			return appendMoney(b, 180000+money.Fen(g.rng.IntN(40))*1000)
		}
		return b
	}
	for _, s := range g.shuffled(func(i int) bool {
		r := &g.res[i]
		return r.alive && (r.emp == registry.Unemployed && g.rng.Float64() < 0.25 || r.flags&fStopped != 0 && g.rng.Float64() < 0.3)
	}) {
		months := g.months[:]
		if g.res[s].flags&fStopped != 0 || g.rng.Float64() < 0.4 {
			months = g.months[3+g.rng.IntN(3):]
			g.res[s].flags |= fJobless
		}
		if err := w.monthly(int(s), months, cell); err != nil {
			return err
		}
	}
	return w.strangers(func(b []byte, code string) []byte { return cell(b, code, g.months[g.rng.IntN(6)]) })
}

// medical: one person in ten pays for care in some months, the old and
// the ill more often; 3% of them pay heavily in the recent period.
func (g *monitorGen) medical(w *srcFile) error {
	var oop money.Fen
	cell := func(b []byte, code string, m civil.Month) []byte {
		switch code {
		case "month":
			return append(b, m.String()...)
		case "total":
			return appendMoney(b, oop*money.Fen(2+g.rng.IntN(3)))
		case "out_of_pocket":
			return appendMoney(b, oop)
		}
		return b
	}
	for _, s := range g.shuffled(func(i int) bool {
		r := &g.res[i]
		p := 0.08
		if g.age(i) >= 60 || r.grade > 0 {
			p = 0.2
		}
		return r.alive && g.rng.Float64() < p
	}) {
		heavy := g.rng.Float64() < 0.03
		for mi, m := range g.months {
			if !heavy && g.rng.Float64() > 0.4 {
				continue
			}
			oop = g.yuan(250, 1)
			if heavy && mi >= 3 {
				oop = g.yuan(4000, 0.7)
			}
			if err := w.row(int(s), func(b []byte, code string) []byte { return cell(b, code, m) }); err != nil {
				return err
			}
		}
	}
	return w.strangers(func(b []byte, code string) []byte {
		if code == "month" {
			oop = g.yuan(250, 1)
		}
		return cell(b, code, g.months[g.rng.IntN(6)])
	})
}

// disability: the registry's disabled persons hold certificates of their
// grade; 0.15% of the others have a new grade 1 or 2 certificate.
func (g *monitorGen) disability(w *srcFile) error {
	var grade int
	cell := func(b []byte, code string) []byte {
		switch code {
		case "certificate":
			g.serial++
			return strconv.AppendInt(append(b, "44"...), int64(10000000+g.serial), 10)
		case "category":
			return w.label(b, "category", string(registry.DisabilityCategories[g.rng.IntN(len(registry.DisabilityCategories))]))
		case "grade":
			return strconv.AppendInt(b, int64(grade), 10)
		}
		return b
	}
	for _, s := range g.shuffled(func(i int) bool { return g.res[i].alive && (g.res[i].grade > 0 || g.rng.Float64() < 0.0015) }) {
		grade = int(g.res[s].grade)
		if grade == 0 {
			grade = 1 + g.rng.IntN(2)
		}
		if err := w.row(int(s), cell); err != nil {
			return err
		}
	}
	return w.strangers(func(b []byte, code string) []byte {
		grade = 1 + g.rng.IntN(4)
		return cell(b, code)
	})
}

// school: the registry's pupils are enrolled; 0.6% of those of 12 to 17
// left school in the recent period.
func (g *monitorGen) school(w *srcFile) error {
	status, asOf := "enrolled", g.earlier.From.First()
	cell := func(b []byte, code string) []byte {
		switch code {
		case "school":
			return append(b, "广东省第一中学"...)
		case "stage":
			return w.label(b, "stage", "junior")
		case "status":
			return w.label(b, "status", status)
		case "as_of":
			return appendDay(b, asOf)
		}
		return b
	}
	for _, s := range g.shuffled(func(i int) bool { return g.res[i].alive && g.res[i].school }) {
		status, asOf = "enrolled", g.earlier.From.First()
		if a := g.age(int(s)); a >= 12 && a < 18 && g.rng.Float64() < 0.006 {
			status, asOf = "left", g.dayIn(g.recent.From.First(), MonitorDay.AddDays(-1))
		}
		if err := w.row(int(s), cell); err != nil {
			return err
		}
	}
	status, asOf = "enrolled", g.earlier.From.First()
	return w.strangers(cell)
}

// deaths: the registry's deaths, and 0.1% of the living (more of the old)
// who died in the six months without the registry knowing.
func (g *monitorGen) deaths(w *srcFile) error {
	var on civil.Date
	cell := func(b []byte, code string) []byte {
		switch code {
		case "death_date":
			return appendDay(b, on)
		case "origin":
			return w.label(b, "origin", "hukou_cancelled")
		}
		return b
	}
	// A death the registry records is reported again, dated before the
	// earlier period (the member has left the household already).
	for _, s := range g.shuffled(func(i int) bool {
		p := 0.0006
		if g.age(i) >= 70 {
			p = 0.006
		}
		return !g.res[i].alive || g.rng.Float64() < p
	}) {
		if g.res[s].alive {
			g.res[s].flags |= fDied
			on = g.dayIn(g.earlier.From.First(), MonitorDay.AddDays(-1))
		} else {
			on = g.dayIn(civil.D(2022, 7, 1), g.earlier.From.First().AddDays(-1))
		}
		if err := w.row(int(s), cell); err != nil {
			return err
		}
	}
	return w.strangers(func(b []byte, code string) []byte {
		on = g.dayIn(civil.D(2022, 7, 1), MonitorDay.AddDays(-1))
		return cell(b, code)
	})
}

// assets: the declared vehicles, homes and businesses of the file's type,
// held since their declared day, and new ones: 1% of households bought a
// vehicle and 0.4% registered a business in the recent period, 1% hold
// an undeclared second home.
func (g *monitorGen) assets(w *srcFile) error {
	typ := w.src.AssetType
	var h mholding
	var to civil.Date
	cell := func(b []byte, code string) []byte {
		switch code {
		case "plate":
			return strconv.AppendInt(append(b, "粤B"...), int64(10000+g.rng.IntN(90000)), 10)
		case "model":
			return append(b, "比亚迪秦PLUS"...)
		case "kind":
			return w.label(b, "kind", "car")
		case "credit_code", "certificate":
			g.serial++
			return strconv.AppendInt(append(b, "91440"...), int64(1000000000000+g.serial), 10)
		case "name":
			return append(b, "佛山市禅城区便民商行"...)
		case "role":
			return w.label(b, "role", "owner")
		case "address":
			return append(b, "广州市天河区体育西路1号"...)
		case "area":
			if h.area > 0 {
				return strconv.AppendFloat(b, h.area, 'f', 1, 64)
			}
			return append(b, "88.0"...)
		case "value":
			return appendMoney(b, h.value)
		case "valid_from":
			return appendDay(b, h.since)
		case "valid_to":
			return appendDay(b, to)
		}
		return b
	}
	held := slices.Clone(g.holdings)
	g.rng.Shuffle(len(held), func(i, j int) { held[i], held[j] = held[j], held[i] })
	for _, x := range held {
		if x.typ != typ {
			continue
		}
		h, to = x, civil.Date{}
		if err := w.row(int(x.res), cell); err != nil {
			return err
		}
	}
	p := map[registry.AssetType]float64{registry.AssetVehicle: 0.01, registry.AssetBusiness: 0.004, registry.AssetRealEstate: 0.01}[typ]
	for hi := range g.houses {
		if g.rng.Float64() >= p {
			continue
		}
		hs := &g.houses[hi]
		h = mholding{res: hs.first, value: g.yuan(80000, 0.6), since: g.dayIn(g.earlier.AsOf.AddDays(1), MonitorDay.AddDays(-1))}
		if typ == registry.AssetRealEstate {
			h.value, h.since = g.yuan(900000, 0.5), civil.D(2015, 5, 1)
		}
		to = civil.Date{}
		if err := w.row(int(hs.first), cell); err != nil {
			return err
		}
	}
	return w.strangers(func(b []byte, code string) []byte {
		if code == w.src.Fields[1].Code {
			h = mholding{value: g.yuan(80000, 0.6), since: civil.D(2018, 1, 1).AddDays(g.rng.IntN(2000))}
			to = civil.Date{}
		}
		return cell(b, code)
	})
}

// disasters: 0.4% of households were hit in the recent period and 0.3%
// in the earlier one, every member recorded.
func (g *monitorGen) disasters(w *srcFile) error {
	var on civil.Date
	var kind string
	cell := func(b []byte, code string) []byte {
		switch code {
		case "event_date":
			return appendDay(b, on)
		case "event_type":
			return w.label(b, "event_type", kind)
		case "severity":
			return w.label(b, "severity", "moderate")
		case "loss":
			return appendMoney(b, g.yuan(8000, 1))
		case "place":
			return append(b, "本村"...)
		}
		return b
	}
	kinds := w.src.Field("event_type").Values
	for hi := range g.houses {
		u := g.rng.Float64()
		if u >= 0.007 {
			continue
		}
		if u < 0.004 {
			on = g.dayIn(g.recent.From.First(), MonitorDay.AddDays(-1))
		} else {
			on = g.dayIn(g.earlier.From.First(), g.recent.From.First().AddDays(-1))
		}
		kind = kinds[g.rng.IntN(len(kinds))]
		hs := &g.houses[hi]
		for s := hs.first; s < hs.first+hs.n; s++ {
			if g.res[s].alive {
				if err := w.row(int(s), cell); err != nil {
					return err
				}
			}
		}
	}
	return w.strangers(func(b []byte, code string) []byte {
		if code == "event_date" {
			on, kind = g.dayIn(g.earlier.From.First(), MonitorDay.AddDays(-1)), kinds[g.rng.IntN(len(kinds))]
		}
		return cell(b, code)
	})
}

// tax: n rows of monthly wages and business income, a fifth about
// strangers: the employed and self-employed (their declared income, for a
// quarter a good deal more, for a tenth less), 3% of other adults with
// undeclared work; those whose contributions stopped have no recent
// wages, those who started no earlier ones. Earners are taken in random
// order until the rows are used up.
func (g *monitorGen) tax(w *srcFile, n int) error {
	var amount money.Fen
	var typ string
	cell := func(b []byte, code string, m civil.Month) []byte {
		switch code {
		case "month":
			return append(b, m.String()...)
		case "income_type":
			return w.label(b, "income_type", typ)
		case "amount":
			return appendMoney(b, max(0, amount+money.Fen(g.rng.IntN(2000))))
		case "payer":
			return append(b, "广州市白云区建筑工程有限公司"...)
		}
		return b
	}
	about := int(float64(n) * (1 - monitorStrangers))
	for _, s := range g.shuffled(func(i int) bool {
		r := &g.res[i]
		a := g.age(i)
		return r.alive && (r.emp == registry.Employed || r.emp == registry.SelfEmployed || r.emp == registry.Flexible ||
			a >= 18 && a < 60 && g.rng.Float64() < 0.03)
	}) {
		if w.f.Rows >= about {
			break
		}
		r := &g.res[s]
		base := float64(r.income)
		typ = string(registry.IncomeWage)
		if r.emp == registry.SelfEmployed {
			typ = string(registry.IncomeBusiness)
		}
		switch u := g.rng.Float64(); {
		case base == 0:
			base = 3500 * math.Exp(0.5*g.rng.NormFloat64())
		case u < 0.25:
			base *= 1.2 + 0.8*g.rng.Float64()
		case u < 0.35:
			base *= 0.6 + 0.3*g.rng.Float64()
		}
		amount = money.Fen(math.Round(base*100)) - 1000
		months := g.months[:]
		if r.flags&fStopped != 0 {
			months = g.months[:3]
		} else if r.flags&fStarted != 0 {
			months = g.months[3:]
		}
		if err := w.monthly(int(s), months, cell); err != nil {
			return err
		}
	}
	typ = string(registry.IncomeWage)
	for w.f.Rows < n {
		amount = money.Fen(math.Round(3500*math.Exp(0.5*g.rng.NormFloat64())*100)) - 1000
		if err := w.monthly(-1, g.months[:min(6, n-w.f.Rows)], cell); err != nil {
			return err
		}
	}
	return nil
}

// digits17 is the number the first 17 digits of an ID number make.
func digits17(id string) uint64 {
	var n uint64
	for i := 0; i < 17 && i < len(id); i++ {
		n = n*10 + uint64(id[i]-'0')
	}
	return n
}
