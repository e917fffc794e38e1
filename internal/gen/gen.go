// Package gen makes synthetic registry data: households of plausible shape
// spread over real townships, with valid ID numbers, Chinese names,
// disabilities, incomes and assets, for demos, tests and benchmarks.
//
// It writes the registry import format (internal/registry/importfile), so
// generated data takes the same path into the store as an office's file,
// and what the generator makes is checked by the importer's validation.
//
// Output is a function of Options alone: the same seed gives the same
// households, byte for byte, on every machine.
package gen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/registry/importfile"
)

// Options say what to generate.
type Options struct {
	// Region is a province, city, county or township code ("44", "4401",
	// "440103"; the 6-digit forms "440000" and "440100" work too).
	// Households are spread over the real townships under it.
	Region string
	// Households is how many to make.
	Households int
	// Seed selects the data set.
	Seed int64
	// AsOf is the day the data describes: nobody is born after it, and
	// incomes are declared for the three months before its month.
	// Zero means civil.Today().
	AsOf civil.Date
	// Villages are real villages to use (region.DemoVillages, or a
	// county's imported list); a township with none here gets synthetic
	// villages.
	Villages []region.Region
}

// Stats count what was made.
type Stats struct {
	Households, Persons, Incomes, Assets int
}

// Generate makes opt.Households households and passes each to emit, in
// order, with its household_ref (H0000001, ...), its incomes and its
// assets. Members, persons, incomes and assets carry no IDs; an income or
// asset of a member carries the provisional PersonID of importfile.Batch
// (-1 for the first member), a household-level one 0. emit may keep what
// it is given. An error from emit stops the run and is returned.
// Errors: Invalid for an unknown region or a negative count.
func Generate(opt Options, emit func(ref string, h *registry.Household, incomes []registry.Income, assets []registry.Asset) error) error {
	g, err := newGenerator(opt)
	if err != nil {
		return err
	}
	var ref []byte
	for i := 0; i < opt.Households; i++ {
		h, inc, as := g.household()
		ref = appendRef(ref[:0], i+1)
		if err := emit(string(ref), h, inc, as); err != nil {
			return err
		}
	}
	return nil
}

// appendRef appends the household_ref of the n-th household: H and at
// least seven digits, so refs sort in generation order.
func appendRef(b []byte, n int) []byte {
	b = append(b, 'H')
	for w := 1000000; w > 1 && n < w; w /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// maxPerCounty bounds the households per county so that ID sequence
// numbers (499 per sex, day and county) cannot run out.
const maxPerCounty = 10_000_000

// minYear is the earliest birth year generated; the sequence tables start
// there.
const minYear = 1900

type generator struct {
	rng      *rand.Rand
	asOf     civil.Date
	asOfDay  int // days since minYear-01-01
	places   []place
	weights  []float64 // cumulative place weights
	counties []string
	province string
	// seqs[county][day*2+sex] is the next free sequence number index for
	// people of that county born that day: unique ID numbers without a set
	// of those issued.
	seqs [][]uint16
	// surnameTable maps a uniform draw to a surname by weight.
	surnameTable []string
	months       [3]civil.Month
}

func newGenerator(opt Options) (*generator, error) {
	if opt.Households < 0 {
		return nil, apperr.Fieldf("households", "the number of households cannot be negative")
	}
	t := region.Embedded()
	r, err := resolve(t, opt.Region)
	if err != nil {
		return nil, err
	}
	ts := townships(t, r)
	if len(ts) == 0 {
		return nil, apperr.Fieldf("region", "region %s has no townships in the division table", r.Code)
	}
	ps, counties := places(ts, opt.Villages)
	if opt.Households > maxPerCounty*len(counties) {
		return nil, apperr.Fieldf("households", "region %s can take at most %d households: ID numbers would run out", r.Code, maxPerCounty*len(counties))
	}
	asOf := opt.AsOf
	if asOf.IsZero() {
		asOf = civil.Today()
	}
	g := &generator{
		// PCG with the seed in both words: math/rand/v2's generators are
		// specified, so the stream is the same on every platform and Go
		// release.
		rng:      rand.New(rand.NewPCG(uint64(opt.Seed), uint64(opt.Seed)^0x9E3779B97F4A7C15)),
		asOf:     asOf,
		asOfDay:  dayNumber(asOf),
		places:   ps,
		counties: counties,
		province: r.Code[:2],
		seqs:     make([][]uint16, len(counties)),
	}
	// Villages differ in size; a fixed weight per village code keeps the
	// spread independent of the seed.
	total := 0.0
	for _, p := range ps {
		total += 1 + float64(hash(p.code)%5)
		g.weights = append(g.weights, total)
	}
	for _, s := range surnames {
		for range s.weight {
			g.surnameTable = append(g.surnameTable, s.name)
		}
	}
	m := asOf.MonthOf()
	g.months = [3]civil.Month{m.Add(-3), m.Add(-2), m.Add(-1)}
	return g, nil
}

// dayNumber counts days from minYear-01-01 (proleptic Gregorian) without
// going through time.Time: the generator computes millions of dates.
func dayNumber(d civil.Date) int { return daysFromCivil(d.Year, int(d.Month), d.Day) - epoch }

// epoch is minYear-01-01 in days since 0000-03-01.
var epoch = daysFromCivil(minYear, 1, 1)

// daysFromCivil and dateOf are Howard Hinnant's days_from_civil and
// civil_from_days, counting from 0000-03-01 so that leap days fall at the
// end of the counting year; years here are positive.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	return era*146097 + yoe*365 + yoe/4 - yoe/100 + doy
}

// dateOf is the inverse of dayNumber.
func dateOf(n int) civil.Date {
	z := n + epoch
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return civil.Date{Year: y, Month: time.Month(m), Day: d}
}

// Household shapes and how often each is drawn. Assistance registers hold
// more old people and lone adults than the population at large.
type shape int

const (
	single shape = iota
	elderlyCouple
	couple
	family
	singleParent
	threeGenerations
)

var shapeWeights = [...]float64{single: 0.22, elderlyCouple: 0.14, couple: 0.08, family: 0.33, singleParent: 0.08, threeGenerations: 0.15}

// member is a person being made, before the ID number is issued.
type member struct {
	rel     registry.Relationship
	male    bool
	age     int
	surname string
}

func (g *generator) household() (*registry.Household, []registry.Income, []registry.Asset) {
	p := &g.places[g.pickPlace()]
	ms := g.shape()
	h := &registry.Household{
		CountyCode: g.counties[p.county],
		RegionCode: p.code,
		HukouType:  registry.Rural,
	}
	// Streets (街道) are mostly urban hukou, towns and townships mostly rural.
	if p.urban && g.chance(0.8) || !p.urban && g.chance(0.15) {
		h.HukouType = registry.Urban
	}
	urban := h.HukouType == registry.Urban
	h.Address = g.address(p)
	h.Members = make([]registry.Member, len(ms))
	head := &ms[0]
	headBirth := g.birth(head.age)
	// The household formed when its head was a young adult.
	formed := min(headBirth+365*(20+g.rng.IntN(9))+g.rng.IntN(365), g.asOfDay-30)
	for i := range ms {
		m := &ms[i]
		birth := headBirth
		if i > 0 {
			birth = g.birth(m.age)
		}
		mem := &h.Members[i]
		mem.Relationship = m.rel
		birth = g.person(&mem.Person, m, birth, p.county, urban)
		switch m.rel {
		case registry.RelChild, registry.RelGrandchild:
			mem.JoinedOn = dateOf(max(birth, formed))
		default:
			adult := birth + 365*18
			lo := max(formed, adult)
			if lo >= g.asOfDay {
				lo = max(birth, g.asOfDay-30)
			}
			mem.JoinedOn = dateOf(lo + g.rng.IntN(max(1, min(g.asOfDay-lo, 365*3))))
			if i == 0 || m.rel == registry.RelSpouse {
				mem.JoinedOn = dateOf(max(lo, min(formed, g.asOfDay-1)))
			}
		}
		// Deaths: a little over 1% of members, mostly the old; the head is
		// living by definition (a dead head is replaced at once).
		if i > 0 && g.chance(0.006+0.08*b2f(m.age >= 70)) {
			from := max(birth, dayNumber(mem.JoinedOn), g.asOfDay-3*365)
			if from < g.asOfDay-1 {
				death := dateOf(from + g.rng.IntN(g.asOfDay-1-from))
				mem.Person.Death = death
				mem.LeftOn, mem.LeaveReason = death, importfile.DeathReason
			}
		}
	}
	headName := h.Members[0].Person.Name
	if g.chance(0.04) {
		// Lives elsewhere in the region than registered (人户分离).
		q := &g.places[g.pickPlace()]
		h.ResidenceRegion = q.code
		h.ResidenceAddress = g.address(q)
	}
	if g.chance(0.88) {
		h.BankName = banks[g.rng.IntN(len(banks))]
		if !urban && g.chance(0.5) {
			h.BankName = banks[4+g.rng.IntN(4)] // post office and rural banks
		}
		h.BankAccount = g.account()
		h.BankHolder = headName
	}
	return h, g.incomes(h), g.assets(h, p)
}

// shape draws a household's members: relationship, sex and age, head first.
func (g *generator) shape() []member {
	x := g.rng.Float64()
	s := single
	for i, w := range shapeWeights {
		if x < w {
			s = shape(i)
			break
		}
		x -= w
	}
	headMale := g.chance(0.7)
	sur := g.surname()
	var ms []member
	add := func(rel registry.Relationship, male bool, age int, surname string) {
		if surname == "" {
			surname = g.surname()
		}
		ms = append(ms, member{rel: rel, male: male, age: age, surname: surname})
	}
	spouse := func(age int) {
		add(registry.RelSpouse, !headMale, clamp(age+g.rng.IntN(7)-3-2*b2i(headMale), 18, 100), "")
	}
	children := func(parentAge, n int, rel registry.Relationship, surname string) {
		for range n {
			gap := 20 + g.rng.IntN(18)
			if age := parentAge - gap; age >= 0 && age <= 30 {
				add(rel, g.chance(0.52), age, surname)
			}
		}
	}
	switch s {
	case single:
		age := 18 + g.rng.IntN(42)
		if g.chance(0.55) {
			age = 60 + g.rng.IntN(36)
		}
		headMale = g.chance(0.45)
		add(registry.RelHead, headMale, age, sur)
		if g.chance(0.03) {
			add(registry.RelSibling, g.chance(0.5), clamp(age+g.rng.IntN(11)-5, 18, 100), sur)
		}
	case elderlyCouple:
		age := 60 + g.rng.IntN(32)
		add(registry.RelHead, headMale, age, sur)
		spouse(age)
	case couple:
		age := 22 + g.rng.IntN(38)
		add(registry.RelHead, headMale, age, sur)
		spouse(age)
	case family:
		age := 25 + g.rng.IntN(33)
		add(registry.RelHead, headMale, age, sur)
		spouse(age)
		childSur := sur
		if !headMale {
			childSur = ms[1].surname
		}
		children(min(age, ms[1].age), 1+g.pickN(0.5, 0.38), registry.RelChild, childSur)
		if len(ms) == 2 { // parents too young for the drawn gaps: one young child
			add(registry.RelChild, g.chance(0.52), g.rng.IntN(max(1, min(age, ms[1].age)-18)), childSur)
		}
	case singleParent:
		age := 25 + g.rng.IntN(28)
		headMale = g.chance(0.3)
		add(registry.RelHead, headMale, age, sur)
		childSur := sur
		if !headMale && g.chance(0.7) {
			childSur = g.surname()
		}
		children(age, 1+g.pickN(0.7, 0.3), registry.RelChild, childSur)
		if len(ms) == 1 {
			add(registry.RelChild, g.chance(0.52), g.rng.IntN(max(1, age-18)), childSur)
		}
	case threeGenerations:
		if g.chance(0.5) {
			// The head is the middle generation, living with a parent or two.
			age := 30 + g.rng.IntN(25)
			add(registry.RelHead, headMale, age, sur)
			spouse(age)
			pAge := clamp(age+22+g.rng.IntN(12), 52, 100)
			if g.chance(0.6) {
				add(registry.RelParent, true, pAge, sur)
			}
			add(registry.RelParent, false, clamp(pAge-2+g.rng.IntN(5), 50, 100), "")
			children(min(age, ms[1].age), 1+g.pickN(0.6, 0.3), registry.RelChild, sur)
		} else {
			// The head is the eldest, with a married child and grandchildren.
			age := 55 + g.rng.IntN(30)
			add(registry.RelHead, headMale, age, sur)
			if g.chance(0.7) {
				spouse(age)
			}
			cAge := clamp(age-22-g.rng.IntN(10), 20, 60)
			cMale := g.chance(0.6)
			childSur := sur
			if !headMale && len(ms) > 1 {
				childSur = ms[1].surname
			}
			add(registry.RelChild, cMale, cAge, childSur)
			add(registry.RelChildInLaw, !cMale, clamp(cAge+g.rng.IntN(5)-2, 20, 60), "")
			grandSur := childSur
			if !cMale {
				grandSur = ms[len(ms)-1].surname
			}
			children(cAge, 1+g.pickN(0.6, 0.3), registry.RelGrandchild, grandSur)
		}
	}
	return ms
}

// birth draws a birth day for someone aged age on AsOf.
func (g *generator) birth(age int) int {
	d := g.asOfDay - age*365 - age/4 - g.rng.IntN(365)
	return max(d, 0)
}

// person fills a person's attributes from age and chance, and returns the
// birth day the ID number was issued for.
func (g *generator) person(p *registry.Person, m *member, birth, county int, urban bool) int {
	if m.rel != registry.RelHead && len(g.counties) > 1 && g.chance(0.15) {
		// Born elsewhere in the region: a spouse who married in.
		county = g.rng.IntN(len(g.counties))
	}
	p.IDNumber, birth = g.idNumber(county, birth, m.male)
	p.Birth = dateOf(birth)
	p.Sex = registry.Female
	if m.male {
		p.Sex = registry.Male
	}
	p.Name = g.name(m)
	age := m.age
	if age >= 16 && g.chance(phoneRate(age, m.rel)) {
		p.Phone = g.phone()
	}
	// Disability rises with age; the rates give about 7% overall on this
	// age mix (the 2006 national sample survey found 6.3% of the population).
	var rate float64
	switch {
	case age < 18:
		rate = 0.02
	case age < 45:
		rate = 0.045
	case age < 60:
		rate = 0.07
	case age < 75:
		rate = 0.10
	default:
		rate = 0.16
	}
	if g.chance(rate) {
		p.DisabilityCategory = g.disability()
		p.DisabilityGrade = 1 + g.pickN(0.12, 0.22, 0.30)
	}
	illRate := 0.01
	if age >= 45 {
		illRate = 0.03
	}
	if age >= 65 {
		illRate = 0.06
	}
	if g.chance(illRate) {
		p.SeriousIllness = illnesses[g.rng.IntN(len(illnesses))]
	}
	severe := p.DisabilityGrade == 1 || p.DisabilityGrade == 2 || p.SeriousIllness != "" && g.chance(0.5)
	switch {
	case p.DisabilityGrade == 1:
		p.SelfCare = pick(g, registry.SelfCareNone, registry.SelfCarePartial)
	case p.DisabilityGrade == 2:
		p.SelfCare = pick(g, registry.SelfCarePartial, registry.SelfCareFull)
	case age >= 80:
		p.SelfCare = pickW(g, []registry.SelfCareLevel{registry.SelfCareFull, registry.SelfCarePartial, registry.SelfCareNone}, 0.6, 0.3)
	case age >= 70:
		p.SelfCare = pickW(g, []registry.SelfCareLevel{registry.SelfCareFull, registry.SelfCarePartial}, 0.85)
	}
	g.schooling(p, age)
	switch {
	case age < 16:
	case age < 60 && severe:
		p.LabourCapacity = registry.LabourNone
	case age < 60 && (p.DisabilityGrade >= 3 || p.SeriousIllness != ""):
		p.LabourCapacity = registry.LabourPartial
	case age < 60:
		p.LabourCapacity = registry.LabourFull
	case age < 70 && !severe:
		p.LabourCapacity = pick(g, registry.LabourPartial, registry.LabourNone)
	default:
		p.LabourCapacity = registry.LabourNone
	}
	g.employment(p, age, urban)
	return birth
}

func phoneRate(age int, rel registry.Relationship) float64 {
	switch {
	case rel == registry.RelHead:
		return 0.92
	case age >= 70:
		return 0.4
	}
	return 0.7
}

func (g *generator) schooling(p *registry.Person, age int) {
	switch {
	case age < 3:
	case age < 6:
		if g.chance(0.85) {
			p.SchoolStatus = registry.SchoolPreschool
		} else {
			p.SchoolStatus = registry.SchoolNone
		}
	case age < 12:
		p.SchoolStatus = registry.SchoolPrimary
	case age < 15:
		p.SchoolStatus = registry.SchoolJunior
		if g.chance(0.01) {
			p.SchoolStatus = registry.SchoolDropout
		}
	case age < 18:
		p.SchoolStatus = pickW(g, []registry.SchoolStatus{registry.SchoolSenior, registry.SchoolVocational, registry.SchoolNone, registry.SchoolDropout}, 0.55, 0.35, 0.06)
	case age < 23:
		p.SchoolStatus = pickW(g, []registry.SchoolStatus{registry.SchoolHigher, registry.SchoolNone}, 0.4)
	case age < 25:
		p.SchoolStatus = registry.SchoolNone
	}
}

func (g *generator) employment(p *registry.Person, age int, urban bool) {
	inSchool := p.SchoolStatus != "" && p.SchoolStatus != registry.SchoolNone && p.SchoolStatus != registry.SchoolDropout
	switch {
	case age < 6:
		p.EmploymentStatus = registry.NotWorking
	case inSchool:
		p.EmploymentStatus = registry.Student
	case age < 16 || p.LabourCapacity == registry.LabourNone && age < 60:
		p.EmploymentStatus = registry.NotWorking
	case age >= 60 && urban:
		p.EmploymentStatus = pickW(g, []registry.EmploymentStatus{registry.Retired, registry.NotWorking}, 0.8)
	case age >= 60:
		if p.LabourCapacity == registry.LabourPartial && g.chance(0.5) {
			p.EmploymentStatus = registry.Farming
		} else {
			p.EmploymentStatus = pickW(g, []registry.EmploymentStatus{registry.Retired, registry.NotWorking}, 0.1)
		}
	case urban:
		p.EmploymentStatus = pickW(g, []registry.EmploymentStatus{registry.Employed, registry.Flexible, registry.SelfEmployed, registry.Unemployed, registry.Farming}, 0.45, 0.25, 0.08, 0.17)
	default:
		p.EmploymentStatus = pickW(g, []registry.EmploymentStatus{registry.Farming, registry.Employed, registry.Flexible, registry.SelfEmployed, registry.Unemployed}, 0.4, 0.25, 0.2, 0.05)
	}
}

// incomes declares each living earner's income for the three months before
// AsOf's month. Monthly amounts are log-normal (a long right tail), so a few
// households earn far above the rest; children, students, the severely
// disabled and most of the old earn nothing and have no rows.
func (g *generator) incomes(h *registry.Household) []registry.Income {
	out := make([]registry.Income, 0, 3*len(h.Members))
	for i := range h.Members {
		m := &h.Members[i]
		p := &m.Person
		if !p.Death.IsZero() {
			continue
		}
		var typ registry.IncomeType
		var median, sigma, wobble float64
		switch p.EmploymentStatus {
		case registry.Employed:
			typ, median, sigma, wobble = registry.IncomeWage, 3000, 0.5, 0.03
		case registry.Flexible:
			typ, median, sigma, wobble = registry.IncomeWage, 1800, 0.6, 0.25
		case registry.SelfEmployed:
			typ, median, sigma, wobble = registry.IncomeBusiness, 2500, 0.8, 0.3
		case registry.Farming:
			if g.chance(0.8) { // the rest farm for their own table
				typ, median, sigma, wobble = registry.IncomeBusiness, 900, 0.7, 0.4
			}
		case registry.Retired:
			typ, median, sigma = registry.IncomeTransfer, 2600, 0.35
			if h.HukouType == registry.Rural {
				median = 1400
			}
		case registry.Unemployed:
			if g.chance(0.2) { // unemployment insurance
				typ, median, sigma = registry.IncomeTransfer, 1500, 0.15
			}
		case registry.NotWorking:
			if p.Birth.YearsAt(g.asOf) >= 60 && g.chance(0.5) { // the residents' basic pension
				typ, median, sigma = registry.IncomeTransfer, 220, 0.3
			}
		}
		if typ == "" {
			continue
		}
		base := median * math.Exp(sigma*g.rng.NormFloat64())
		cost := money.Fen(0)
		if typ == registry.IncomeWage && g.chance(0.15) {
			cost = money.Yuan(int64(100 + g.rng.IntN(201)))
		}
		for _, month := range g.months {
			v := base * (1 + wobble*g.rng.NormFloat64())
			out = append(out, registry.Income{
				PersonID: -int64(i) - 1, Type: typ, Month: month,
				Amount: money.Fen(math.Round(max(v, 0) * 100)), EmploymentCost: cost,
			})
		}
	}
	// Household-level: rent from letting a room, support from relatives.
	if g.chance(0.08) {
		v := money.Fen(math.Round(500 * math.Exp(0.6*g.rng.NormFloat64()) * 100))
		for _, month := range g.months {
			out = append(out, registry.Income{Type: registry.IncomeProperty, Month: month, Amount: v, Note: "房屋出租"})
		}
	}
	if g.chance(0.05) {
		v := money.Yuan(int64(200 + 100*g.rng.IntN(8)))
		out = append(out, registry.Income{Type: registry.IncomeOther, Month: g.months[2], Amount: v, Note: "亲属资助"})
	}
	return out
}

// assets gives a household its deposits, home, vehicle and the like, each
// held since a day after the household formed.
func (g *generator) assets(h *registry.Household, p *place) []registry.Asset {
	var out []registry.Asset
	since := func() civil.Date {
		lo := dayNumber(h.Members[0].JoinedOn)
		return dateOf(lo + g.rng.IntN(max(1, g.asOfDay-lo)))
	}
	urban := h.HukouType == registry.Urban
	if g.chance(0.65) {
		out = append(out, registry.Asset{PersonID: -1, Type: registry.AssetDeposit,
			Description: banks[g.rng.IntN(len(banks))] + pickW(g, []string{"活期", "定期"}, 0.7),
			Value:       g.yuan(8000, 1.2), ValidFrom: since()})
	}
	// Most rural households own their house; fewer urban ones do.
	if g.chance(0.7 - 0.25*b2f(urban)) {
		area := math.Round((45+g.rng.Float64()*95)*10) / 10
		price := 1500.0
		if urban {
			price = 12000 + g.rng.Float64()*18000
		}
		out = append(out, registry.Asset{Type: registry.AssetRealEstate, Description: h.Address,
			Value: money.Yuan(int64(area * price)), Area: area, ValidFrom: since()})
	}
	if g.chance(0.10) {
		out = append(out, registry.Asset{PersonID: -1, Type: registry.AssetVehicle,
			Description: cars[g.rng.IntN(len(cars))] + " " + g.plate(),
			Value:       g.yuan(40000, 0.7), ValidFrom: since()})
	}
	if g.chance(0.03) {
		out = append(out, registry.Asset{PersonID: -1, Type: registry.AssetSecurities,
			Description: pickW(g, []string{"基金", "股票", "商业保险"}, 0.4, 0.3),
			Value:       g.yuan(20000, 1.0), ValidFrom: since()})
	}
	if g.chance(0.02) {
		out = append(out, registry.Asset{PersonID: -1, Type: registry.AssetBusiness,
			Description: "个体工商户 " + p.name + businesses[g.rng.IntN(len(businesses))],
			Value:       g.yuan(30000, 0.8), ValidFrom: since()})
	}
	return out
}

// yuan draws a log-normal amount in whole yuan.
func (g *generator) yuan(median, sigma float64) money.Fen {
	return money.Yuan(int64(math.Round(median * math.Exp(sigma*g.rng.NormFloat64()))))
}

// idNumber issues the next free ID number for a county, birth day and sex,
// and returns it with the birth day it encodes. The sequence (three digits,
// odd for men) runs out after 499 people of one sex born on one day in one
// county; the birth then moves a day earlier.
func (g *generator) idNumber(county, birth int, male bool) (string, int) {
	if g.seqs[county] == nil {
		g.seqs[county] = make([]uint16, (g.asOfDay+1)*2)
	}
	s := g.seqs[county]
	sex := b2i(male)
	// Earlier days first (a birth must not pass AsOf), then later ones.
	for d, step := birth, -1; ; d += step {
		if d < 0 {
			d, step = birth+1, 1
		}
		if d > g.asOfDay {
			panic("gen: every sequence number of a county is taken")
		}
		i := d*2 + sex
		if n := s[i]; n < 499 {
			s[i]++
			seq := 2*int(n) + 2 // women 002-998
			if male {
				seq = 2*int(n) + 1 // men 001-997
			}
			return idcard.Make(g.counties[county], dateOf(d), seq), d
		}
	}
}

func (g *generator) name(m *member) string {
	chars := femaleChars
	if m.male {
		chars = maleChars
	}
	n := m.surname + chars[g.rng.IntN(len(chars))]
	if g.chance(0.7) {
		n += chars[g.rng.IntN(len(chars))]
	}
	return n
}

func (g *generator) surname() string { return g.surnameTable[g.rng.IntN(len(g.surnameTable))] }

func (g *generator) disability() registry.DisabilityCategory {
	return pickW(g, []registry.DisabilityCategory{registry.DisPhysical, registry.DisHearing, registry.DisVisual,
		registry.DisMultiple, registry.DisMental, registry.DisIntellectual, registry.DisSpeech},
		0.30, 0.20, 0.15, 0.15, 0.10, 0.08)
}

// phone makes a mobile number, 1[3-9] and nine digits.
func (g *generator) phone() string {
	var b [11]byte
	b[0], b[1] = '1', byte('3'+g.rng.IntN(7))
	for i := 2; i < 11; i++ {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b[:])
}

// account makes a UnionPay card number (62...) of 16 to 19 digits with a
// valid Luhn check digit.
func (g *generator) account() string {
	n := 16 + g.pickN(0.3, 0.05, 0.05)
	b := make([]byte, n)
	b[0], b[1] = '6', '2'
	for i := 2; i < n-1; i++ {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	sum := 0
	for i := n - 2; i >= 0; i-- {
		d := int(b[i] - '0')
		if (n-2-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	b[n-1] = byte('0' + (10-sum%10)%10)
	return string(b)
}

func (g *generator) plate() string {
	b := []byte(plates[g.province])
	b = append(b, byte('A'+g.rng.IntN(12)), '0'+byte(g.rng.IntN(10)))
	for range 4 {
		b = append(b, '0'+byte(g.rng.IntN(10)))
	}
	return string(b)
}

func (g *generator) address(p *place) string {
	b := make([]byte, 0, 64)
	if p.urban {
		b = append(b, p.township...)
		b = append(b, roads[g.rng.IntN(len(roads))]...)
		b = append(b, "路"...)
		b = strconv.AppendInt(b, int64(1+g.rng.IntN(300)), 10)
		b = append(b, "号"...)
		b = strconv.AppendInt(b, int64(1+g.rng.IntN(30)), 10)
		b = append(b, "栋"...)
		b = strconv.AppendInt(b, int64(1+g.rng.IntN(30)*100+g.rng.IntN(8)), 10)
		b = append(b, "房"...)
		return string(b)
	}
	b = append(b, p.township...)
	b = append(b, p.name...)
	b = strconv.AppendInt(b, int64(1+g.rng.IntN(12)), 10)
	b = append(b, "组"...)
	b = strconv.AppendInt(b, int64(1+g.rng.IntN(120)), 10)
	b = append(b, "号"...)
	return string(b)
}

func (g *generator) pickPlace() int {
	x := g.rng.Float64() * g.weights[len(g.weights)-1]
	lo, hi := 0, len(g.weights)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.weights[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// pickN returns i with probability ps[i], or len(ps) with what is left.
func (g *generator) pickN(ps ...float64) int {
	x := g.rng.Float64()
	for i, p := range ps {
		if x < p {
			return i
		}
		x -= p
	}
	return len(ps)
}

// pickW picks vs[i] with probability ws[i]; the last takes the remainder.
func pickW[T any](g *generator, vs []T, ws ...float64) T { return vs[g.pickN(ws...)] }

// pick picks one of two evenly.
func pick[T any](g *generator, a, b T) T {
	if g.chance(0.5) {
		return a
	}
	return b
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func b2f(b bool) float64 { return float64(b2i(b)) }
