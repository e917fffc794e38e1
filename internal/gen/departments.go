package gen

import (
	"bufio"
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// Departments' files: what the tax authority, the pension fund, the banks,
// the real-estate registry, the traffic police and the civil registry would
// send a county for household verification, in the layouts of the built-in
// sources (verify.Catalog), about a generated registry's persons and about
// persons the registry does not hold.

// DepartmentSources are the sources WriteDepartments writes by default, with
// the share of the records each gets: most are monthly wage records.
var DepartmentSources = []string{"tax", "pension", "deposit", "real_estate", "vehicle", "death"}

var departmentShare = map[string]float64{"tax": 0.72, "pension": 0.14, "deposit": 0.06, "real_estate": 0.05, "vehicle": 0.025, "death": 0.005}

// DepartmentMonths is how many months the monthly sources (tax, pension)
// cover: the months before the month of the registry's AsOf.
const DepartmentMonths = 12

// DepartmentOptions say what departmental files to make.
type DepartmentOptions struct {
	// Registry is the registry the records are about: the Options WriteCSV
	// was given, so that the persons are the same ones. With no
	// households, every record is about a stranger. Registry.AsOf is the
	// day the files are extracted: no date or month in them is later.
	Registry Options
	// Records is the number of rows over all the files.
	Records int
	// Strangers is the share of the records about persons not in the
	// registry (0 to 1).
	Strangers float64
	// Bad is the share of rows with one faulty cell (a mistyped ID
	// number, a 13th month, an amount with three decimals, a missing
	// value), for measuring how a reader handles them; 0 for none.
	Bad float64
	// Sources are the codes of the sources to write, each of
	// DepartmentSources; nil for all of them. The records are shared out
	// by the proportions of DepartmentSources.
	Sources []string
}

// DepartmentFile is one written file.
type DepartmentFile struct {
	Source string // the built-in source's code
	Path   string // dir/<code>.csv
	Rows   int    // rows under the header
	About  int    // rows about a registry person
	Bad    int    // rows with a faulty cell
}

// WriteDepartments writes one CSV file per source into dir, named after its
// code: UTF-8 with a byte-order mark, the fields' Chinese names as the
// header, enumerated values as their Chinese labels, rows in no particular
// order (a month after another for the monthly sources). The registry's
// persons get the records their declarations suggest (wages for the
// employed, pensions for the retired, the declared house, car and savings,
// a recorded death) and some they did not declare; strangers get records of
// every kind. Output is a function of opt alone.
// Errors: Invalid for an unknown source or a share outside 0 to 1, as
// Generate for the registry, and I/O errors.
func WriteDepartments(dir string, opt DepartmentOptions) ([]DepartmentFile, error) {
	codes := opt.Sources
	if codes == nil {
		codes = DepartmentSources
	}
	total := 0.0
	for _, c := range codes {
		share, ok := departmentShare[c]
		if !ok {
			return nil, apperr.Fieldf("sources", "no departmental generator for source %q (there are %v)", c, DepartmentSources)
		}
		total += share
	}
	if opt.Strangers < 0 || opt.Strangers > 1 || opt.Bad < 0 || opt.Bad > 1 || opt.Records < 0 {
		return nil, apperr.Fieldf("options", "shares must lie between 0 and 1, and the records cannot be negative")
	}
	d, err := newDepartments(opt)
	if err != nil {
		return nil, err
	}
	var out []DepartmentFile
	left := opt.Records
	for i, c := range codes {
		n := int(math.Round(float64(opt.Records) * departmentShare[c] / total))
		if i == len(codes)-1 {
			n = left
		}
		n = min(n, left)
		left -= n
		f, err := d.write(dir, c, n)
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

// resident is what the departments' records of a registry person draw on,
// kept small: a registry of millions is held while the files are written.
type resident struct {
	id17   uint64 // the ID number's first 17 digits
	income int32  // the declared monthly income of kind, yuan
	death  int32  // the recorded death (day number), -1 for none
	kind   uint8  // kindNone, kindWage, ...
	urban  bool
}

const (
	kindNone = iota
	kindWage
	kindBusiness
	kindPension
)

// holding is a household's declared asset, held by its head.
type holding struct {
	head  int32 // index into departments.res
	value int64 // yuan
	area  int32 // m² × 10 (real estate)
	since int32 // day number
}

type departments struct {
	g         *generator
	opt       DepartmentOptions
	res       []resident
	homes     []holding
	vehicles  []holding
	deposits  []holding
	counties  []string // stranger counties, of another province
	payers    []string
	months    [DepartmentMonths]civil.Month
	asOfDay   int
	quarterAt civil.Date // the balance date of deposits: the last quarter's end
	seed      uint64
	serial    int // certificate numbers
	buf       []byte
}

func newDepartments(opt DepartmentOptions) (*departments, error) {
	g, err := newGenerator(opt.Registry)
	if err != nil {
		return nil, err
	}
	d := &departments{g: g, opt: opt, asOfDay: g.asOfDay, seed: uint64(opt.Registry.Seed)*0x9E3779B97F4A7C15 + 1}
	for i := 0; i < opt.Registry.Households; i++ {
		h, inc, as := g.household()
		d.household(h, inc, as)
	}
	// The department's rows are drawn from a stream of their own.
	g.rng = rand.New(rand.NewPCG(d.seed, d.seed^0xD1B54A32D192ED03))
	m := g.asOf.MonthOf()
	for i := range d.months {
		d.months[i] = m.Add(i - DepartmentMonths)
	}
	q := m.Add(-1 - (int(m.Month)-1)%3) // the month before this quarter
	d.quarterAt = q.Last()
	t := region.Embedded()
	other := "45"
	if g.province == other {
		other = "44"
	}
	for _, city := range t.Children(other) {
		for _, c := range t.Children(city.Code) {
			if len(c.Code) == 6 && len(d.counties) < 40 {
				d.counties = append(d.counties, c.Code)
			}
		}
	}
	var cities []string
	for _, c := range t.Children(g.province) {
		cities = append(cities, c.Name)
	}
	if len(cities) == 0 {
		cities = []string{""}
	}
	for i := range 3000 {
		stem := villageStems[i%len(villageStems)]
		if i%3 == 1 {
			stem = roads[i%len(roads)]
		}
		d.payers = append(d.payers, cities[(i*7)%len(cities)]+stem+industries[(i/7)%len(industries)]+companySuffixes[i%len(companySuffixes)])
	}
	return d, nil
}

var industries = []string{"建筑工程", "物流", "餐饮管理", "商贸", "电子科技", "物业服务", "纺织", "食品", "汽车服务", "家政服务", "保安服务", "劳务派遣", "机械制造", "医药连锁", "超市"}

var companySuffixes = []string{"有限公司", "有限责任公司", "股份有限公司", "有限公司", "分公司"}

// household keeps what the departments will know of h.
func (d *departments) household(h *registry.Household, inc []registry.Income, as []registry.Asset) {
	first := int32(len(d.res))
	for i := range h.Members {
		p := &h.Members[i].Person
		r := resident{id17: digits17(p.IDNumber), death: -1, urban: h.HukouType == registry.Urban}
		if !p.Death.IsZero() {
			r.death = int32(dayNumber(p.Death))
		}
		d.res = append(d.res, r)
	}
	for _, in := range inc {
		if in.PersonID >= 0 || int(-in.PersonID-1) >= len(h.Members) {
			continue
		}
		r := &d.res[first+int32(-in.PersonID-1)]
		if r.kind != kindNone {
			continue
		}
		switch in.Type {
		case registry.IncomeWage:
			r.kind = kindWage
		case registry.IncomeBusiness:
			r.kind = kindBusiness
		case registry.IncomeTransfer:
			r.kind = kindPension
		default:
			continue
		}
		r.income = int32(in.Amount / 100)
	}
	for _, a := range as {
		hd := holding{head: first, value: int64(a.Value / 100), area: int32(math.Round(a.Area * 10)), since: int32(dayNumber(a.ValidFrom))}
		switch a.Type {
		case registry.AssetRealEstate:
			d.homes = append(d.homes, hd)
		case registry.AssetVehicle:
			d.vehicles = append(d.vehicles, hd)
		case registry.AssetDeposit:
			d.deposits = append(d.deposits, hd)
		}
	}
}

func digits17(id string) uint64 {
	var n uint64
	for i := 0; i < 17 && i < len(id); i++ {
		n = n*10 + uint64(id[i]-'0')
	}
	return n
}

// subject is who a row is about: a resident (index ≥ 0) or stranger -s-1.
type subject int32

// idOf appends the subject's ID number.
func (d *departments) idOf(b []byte, s subject) []byte {
	if s >= 0 {
		var tmp [17]byte
		n := d.res[s].id17
		for i := 16; i >= 0; i-- {
			tmp[i] = byte('0' + n%10)
			n /= 10
		}
		b = append(b, tmp[:]...)
		return append(b, idcard.CheckChar(string(tmp[:])))
	}
	return append(b, d.strangerID(int(-s-1))...)
}

// strangerID returns the ID number of stranger i: counties of another
// province than the registry's, births from 1955 to 2004 spread over the
// days, a sequence number per county and day, so that no two strangers and
// no stranger and resident share a number.
func (d *departments) strangerID(i int) string {
	const span = 50 * 365
	county := d.counties[i%len(d.counties)]
	j := i / len(d.counties)
	day := dayNumber(civil.D(1955, 1, 1)) + (j%span)*7919%span
	seq := 2*(j/span) + 1 + j%2
	return idcard.Make(county, dateOf(day), seq%1000)
}

// hash returns a number fixed by the subject and k, for the values a
// subject keeps from month to month (wage, payer) without storing them.
func (d *departments) hash(s subject, k uint64) uint64 {
	x := d.seed ^ uint64(uint32(s))<<20 ^ k*0xBF58476D1CE4E5B9
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}

// unit returns the hash as a number in [0, 1).
func (d *departments) unit(s subject, k uint64) float64 {
	return float64(d.hash(s, k)>>11) / (1 << 53)
}

// normal returns a standard normal number fixed by the subject and k.
func (d *departments) normal(s subject, k uint64) float64 {
	u1, u2 := d.unit(s, k), d.unit(s, k+1000)
	return math.Sqrt(-2*math.Log(1-u1)) * math.Cos(2*math.Pi*u2)
}

// pick returns n distinct residents in random order: first those for whom
// prefer holds (nil: none), then those for whom fallback holds (nil: none),
// then anyone. With fewer residents than n, it returns them all.
func (d *departments) pick(n int, prefer, fallback func(i int) bool) []subject {
	n = min(n, len(d.res))
	out := make([]subject, 0, n)
	if n == 0 {
		return out
	}
	perm := make([]int32, len(d.res))
	for i := range perm {
		perm[i] = int32(i)
	}
	d.g.rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	taken := make([]bool, len(d.res))
	for _, f := range []func(int) bool{prefer, fallback, func(int) bool { return true }} {
		if f == nil {
			continue
		}
		for _, i := range perm {
			if len(out) == n {
				return out
			}
			if !taken[i] && f(int(i)) {
				taken[i] = true
				out = append(out, subject(i))
			}
		}
	}
	return out
}

// subjects returns the subjects of n rows of one row per subject: about
// the registry's persons, picked by pick, and strangers 0, 1, ...;
// shuffled.
func (d *departments) subjects(n int, prefer, fallback func(i int) bool) []subject {
	about := int(math.Round(float64(n) * (1 - d.opt.Strangers)))
	out := d.pick(about, prefer, fallback)
	for i := 0; len(out) < n; i++ {
		out = append(out, subject(-i-1))
	}
	d.g.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (d *departments) alive(i int) bool { return d.res[i].death < 0 }

// age returns a resident's age in years on AsOf, from the ID number.
func (d *departments) age(i int) int {
	return (d.asOfDay - dayNumber(civil.D(int(d.res[i].id17/1e7%1e4), 1, 1))) / 365
}

// write writes n rows of source code to dir/<code>.csv.
func (d *departments) write(dir, code string, n int) (DepartmentFile, error) {
	src, _ := verify.BuiltinSource(code)
	f := DepartmentFile{Source: code, Path: filepath.Join(dir, code+".csv")}
	file, err := os.Create(f.Path)
	if err != nil {
		return f, err
	}
	w := bufio.NewWriterSize(file, 1<<20)
	b := append(d.buf[:0], "\ufeff"...)
	for i, fd := range src.Fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, fd.ZH...)
	}
	b = append(b, '\n')
	row := func(s subject, cells func(b []byte) []byte) error {
		start := len(b)
		b = d.idOf(b, s)
		b = cells(append(b, ','))
		if d.opt.Bad > 0 && d.g.chance(d.opt.Bad) {
			b = append(b[:start], d.spoil(&src, b[start:])...)
			f.Bad++
		}
		b = append(b, '\n')
		f.Rows++
		if s >= 0 {
			f.About++
		}
		if len(b) >= 64<<10 {
			_, err := w.Write(b)
			b = b[:0]
			return err
		}
		return nil
	}
	switch code {
	case "tax", "pension":
		err = d.monthly(code, n, row)
	default:
		err = d.single(code, n, row)
	}
	if err == nil {
		_, err = w.Write(b)
	}
	d.buf = b[:0]
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return f, err
}

// monthly writes n rows of a monthly source: a row per subject and month,
// the months in order, the subjects in the same order every month (a
// payroll). Subjects are in the file for the last 12 months or, the last
// one of each kind, for fewer, so that the rows come to n.
func (d *departments) monthly(code string, n int, row func(subject, func([]byte) []byte) error) error {
	about := int(math.Round(float64(n) * (1 - d.opt.Strangers)))
	var prefer, fallback func(int) bool
	if code == "tax" {
		prefer = func(i int) bool { k := d.res[i].kind; return d.alive(i) && (k == kindWage || k == kindBusiness) }
		fallback = func(i int) bool { a := d.age(i); return d.alive(i) && a >= 18 && a < 60 }
	} else {
		prefer = func(i int) bool { return d.alive(i) && d.res[i].kind == kindPension }
		fallback = func(i int) bool { return d.alive(i) && d.age(i) >= 60 }
	}
	subs := d.pick((about+DepartmentMonths-1)/DepartmentMonths, prefer, fallback)
	months := make([]int8, 0, n/DepartmentMonths+2)
	rows := 0
	for range subs {
		k := min(DepartmentMonths, about-rows)
		months = append(months, int8(k))
		rows += k
	}
	for i := 0; rows < n; i++ {
		k := min(DepartmentMonths, n-rows)
		subs = append(subs, subject(-i-1))
		months = append(months, int8(k))
		rows += k
	}
	order := make([]int32, len(subs))
	for i := range order {
		order[i] = int32(i)
	}
	d.g.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	types := d.labels("tax", "income_type")
	schemes := d.labels("pension", "scheme")
	for mi, m := range d.months {
		for _, o := range order {
			s := subs[o]
			if int(months[o]) < DepartmentMonths-mi {
				continue
			}
			base, typ := d.income(code, s)
			amount := money.Fen(math.Round(max(0, base*(1+0.04*d.normal(s, 100+uint64(mi)))) * 100))
			if code == "pension" {
				amount = money.Fen(math.Round(base * 100))
			}
			err := row(s, func(b []byte) []byte {
				b = appendMonth(b, m)
				b = append(b, ',')
				if code == "tax" {
					b = append(b, types[typ]...)
					b = append(b, ',')
					b = appendFen(b, amount)
					b = append(b, ',')
					return appendText(b, d.payers[d.hash(s, 7)%uint64(len(d.payers))])
				}
				b = appendFen(b, amount)
				b = append(b, ',')
				if base >= 1000 {
					return append(b, schemes[0]...) // employees' scheme
				}
				return append(b, schemes[1]...)
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// income returns a subject's monthly amount in yuan and, for tax, the index
// of its income type: what the person declared, mostly, and for a quarter
// of the earners a good deal more.
func (d *departments) income(code string, s subject) (float64, int) {
	var declared float64
	typ := 0 // wage
	if s >= 0 {
		r := &d.res[s]
		declared = float64(r.income)
		if r.kind == kindBusiness {
			typ = 1
		}
	} else if u := d.unit(s, 3); u < 0.05 {
		typ = 1
	} else if u < 0.08 {
		typ = 2 // property
	}
	if code == "pension" {
		if declared > 0 {
			return declared, 0
		}
		if d.unit(s, 4) < 0.5 {
			return 220 * math.Exp(0.3*d.normal(s, 5)), 0
		}
		return 2600 * math.Exp(0.35*d.normal(s, 5)), 0
	}
	switch u := d.unit(s, 6); {
	case declared > 0 && u < 0.65:
		return declared, typ
	case declared > 0 && u < 0.90:
		return declared * (1.2 + 0.8*d.unit(s, 8)), typ
	case declared > 0:
		return declared * (0.6 + 0.3*d.unit(s, 8)), typ
	}
	return 3500 * math.Exp(0.5*d.normal(s, 9)), typ
}

// labels returns the Chinese labels of an enumerated field.
func (d *departments) labels(code, field string) []string {
	src, _ := verify.BuiltinSource(code)
	return src.Field(field).Labels
}

// single writes n rows of a source with one row per subject.
func (d *departments) single(code string, n int, row func(subject, func([]byte) []byte) error) error {
	var held []holding
	switch code {
	case "real_estate":
		held = d.homes
	case "vehicle":
		held = d.vehicles
	case "deposit":
		held = d.deposits
	}
	declared := map[int32]*holding{}
	for i := range held {
		declared[held[i].head] = &held[i]
	}
	prefer := func(i int) bool { _, ok := declared[int32(i)]; return ok }
	var fallback func(int) bool
	if code == "death" {
		prefer = func(i int) bool { return !d.alive(i) }
		fallback = func(i int) bool { return d.age(i) >= 70 } // deaths nobody reported
	}
	kinds := d.labels("vehicle", "kind")
	origins := d.labels("death", "origin")
	g := d.g
	for _, s := range d.subjects(n, prefer, fallback) {
		var h *holding
		if s >= 0 {
			h = declared[int32(s)]
		}
		since := func() int {
			if h != nil {
				return int(h.since)
			}
			return d.asOfDay - 30 - g.rng.IntN(20*365)
		}
		var err error
		switch code {
		case "deposit":
			v := g.yuan(15000, 1.2)
			if h != nil && g.chance(0.9) {
				v = money.Yuan(int64(float64(h.value) * (0.8 + 0.4*g.rng.Float64())))
				if g.chance(0.3) {
					v *= money.Fen(2 + g.rng.IntN(3))
				}
			}
			err = row(s, func(b []byte) []byte {
				b = appendDate(b, d.quarterAt)
				b = append(b, ',')
				b = appendFen(b, v)
				b = append(b, ',')
				return strconv.AppendInt(b, int64(1+g.pickN(0.5, 0.3, 0.15)), 10)
			})
		case "real_estate":
			area := int64(450 + g.rng.IntN(950)) // m² × 10
			v := money.Yuan(area * int64(1500+g.rng.IntN(28000)) / 10)
			if h != nil {
				area, v = int64(h.area), money.Yuan(h.value)
			}
			from := since()
			to := -1
			if g.chance(0.06) { // sold since
				to = min(d.asOfDay-1, from+1+g.rng.IntN(max(1, d.asOfDay-from-1)))
			}
			d.serial++
			err = row(s, func(b []byte) []byte {
				b = append(b, plates[g.province]...)
				b = append(b, "（"...)
				b = strconv.AppendInt(b, int64(dateOf(from).Year), 10)
				b = append(b, "）不动产权第"...)
				b = appendSerial(b, d.serial)
				b = append(b, "号,"...)
				b = appendText(b, g.address(&g.places[g.pickPlace()]))
				b = append(b, ',')
				b = strconv.AppendInt(b, area/10, 10)
				if area%10 != 0 {
					b = append(b, '.', byte('0'+area%10))
				}
				b = append(b, ',')
				b = appendFen(b, v)
				return appendValidity(append(b, ','), from, to)
			})
		case "vehicle":
			model := g.rng.IntN(len(vehicleModels))
			v := g.yuan(60000, 0.7)
			if h != nil {
				v = money.Yuan(h.value)
			}
			from := since()
			to := -1
			if g.chance(0.08) { // scrapped or sold
				to = min(d.asOfDay-1, from+1+g.rng.IntN(max(1, d.asOfDay-from-1)))
			}
			err = row(s, func(b []byte) []byte {
				b = append(b, g.plate()...)
				b = append(b, ',')
				b = append(b, vehicleModels[model].name...)
				b = append(b, ',')
				b = append(b, kinds[vehicleModels[model].kind]...)
				b = append(b, ',')
				b = appendFen(b, v)
				return appendValidity(append(b, ','), from, to)
			})
		case "death":
			day := d.asOfDay - 1 - g.rng.IntN(3*365)
			if s >= 0 && d.res[s].death >= 0 {
				day = int(d.res[s].death)
			}
			err = row(s, func(b []byte) []byte {
				b = appendDate(b, dateOf(day))
				b = append(b, ',')
				return append(b, origins[g.pickN(0.6, 0.3)]...)
			})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var vehicleModels = []struct {
	name string
	kind int // index into the vehicle source's kinds
}{
	{"比亚迪秦PLUS", 0}, {"大众朗逸", 0}, {"丰田卡罗拉", 0}, {"五菱宏光", 0}, {"本田雅阁", 0}, {"长安CS75", 0},
	{"吉利帝豪", 0}, {"日产轩逸", 0}, {"福田欧马可", 1}, {"五羊本田摩托车", 2}, {"宗申三轮车", 3},
}

// appendValidity appends the valid_from and valid_to cells (to < 0: none).
func appendValidity(b []byte, from, to int) []byte {
	b = appendDate(b, dateOf(from))
	b = append(b, ',')
	if to >= 0 {
		b = appendDate(b, dateOf(to))
	}
	return b
}

// appendSerial appends n as seven digits.
func appendSerial(b []byte, n int) []byte {
	for w := 1000000; w > 1 && n < w; w /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// spoil returns row (without its line end) with one cell made faulty, as
// people and systems get them wrong. The generated cells hold no commas
// other than the delimiters.
func (d *departments) spoil(src *verify.Source, row []byte) []byte {
	cells := bytes.Split(slices.Clone(row), []byte(","))
	switch d.g.rng.IntN(4) {
	case 0: // a mistyped digit: the check character no longer fits
		cells[0][9] = '0' + (cells[0][9]-'0'+1)%10
	case 1: // an ID number Excel turned into a number
		cells[0] = []byte("4.40103E+17")
	case 2: // a required cell left empty
		for j := 1; j < len(src.Fields) && j < len(cells); j++ {
			if src.Fields[j].Required {
				cells[j] = nil
				break
			}
		}
	default: // a value that is not one: a 13th month, three decimals, 30 February
		for j := 1; j < len(src.Fields) && j < len(cells); j++ {
			switch src.Fields[j].Type {
			case verify.TypeMonth:
				cells[j] = []byte("2025-13")
			case verify.TypeMoney:
				cells[j] = append(cells[j], '5')
			case verify.TypeDate:
				cells[j] = []byte("2025-02-30")
			default:
				continue
			}
			break
		}
	}
	return bytes.Join(cells, []byte(","))
}
