package verify

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// Period is what a verification looks at: incomes and spending in the
// months From to To (inclusive), assets and status as they stood on AsOf.
type Period struct {
	From, To civil.Month
	AsOf     civil.Date
}

// Months is the number of months in the period.
func (p Period) Months() int {
	return (p.To.Year-p.From.Year)*12 + int(p.To.Month-p.From.Month) + 1
}

// PeriodBefore returns the n months before the month of asOf (the month
// of a verification request is incomplete in departments' data), with
// assets and status as of asOf.
func PeriodBefore(asOf civil.Date, n int) Period {
	to := asOf.MonthOf().Add(-1)
	return Period{From: to.Add(1 - n), To: to, AsOf: asOf}
}

// Key is how the matcher knows a person: 64 bits of the blind index of the
// ID number (KeyOfIndex) when matching stored data, or the ID number's
// digits (KeyOfID) when matching files directly. Either way two persons
// share a key only if they share an ID number, or, for blind indexes, with
// a probability of about n²/2⁶⁵ (10⁻⁶ for a registry of 5 million).
type Key uint64

// KeyOfIndex returns the key of a blind index (hex, as pii.Keys.Index
// returns it); 0 for a malformed one.
func KeyOfIndex(idx string) Key {
	if len(idx) < 16 {
		return 0
	}
	var b [8]byte
	if _, err := hex.Decode(b[:], []byte(idx[:16])); err != nil {
		return 0
	}
	return Key(binary.BigEndian.Uint64(b[:]))
}

// KeyOfID returns the key of a valid 18-character ID number: its 17
// digits, the check character being determined by them.
func KeyOfID(id string) Key {
	if len(id) < 17 {
		return 0
	}
	var k uint64
	for i := 0; i < 17; i++ {
		k = k*10 + uint64(id[i]-'0')
	}
	return Key(k + 1) // never 0
}

// day is a date packed as yyyymmdd, comparable as an integer; 0 is none.
type day int32

func dayOf(d civil.Date) day { return day(d.Year*10000 + int(d.Month)*100 + d.Day) }

func (d day) date() civil.Date {
	if d == 0 {
		return civil.Date{}
	}
	return civil.D(int(d)/10000, time.Month(int(d)/100%100), int(d)%100)
}

// parseDay reads a canonical date "YYYY-MM-DD".
func parseDay(s string) day {
	if len(s) != 10 {
		return 0
	}
	return day(num(s[:4])*10000 + num(s[5:7])*100 + num(s[8:10]))
}

// parseMonthNum reads a canonical month "YYYY-MM" as yyyymm.
func parseMonthNum(s string) int {
	if len(s) != 7 {
		return 0
	}
	return num(s[:4])*100 + num(s[5:7])
}

func monthNum(m civil.Month) int { return m.Year*100 + int(m.Month) }

func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func fen(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

// finding is one person's folded records, kept compact because a batch
// holds one for every person with any record (a province: millions).
type finding struct {
	sources    uint64 // bit i: Matcher.sources[i] had a record
	income     [5]int64
	deposit    int64
	securities int64
	other      int64
	vehMax     int64
	vehTotal   int64
	homeValue  int64
	homeArea   int64 // m² × 100
	bizValue   int64
	medical    int64
	contribMax int64
	disLoss    int64 // disasters' losses in the period
	depositAt  day
	secAt      day
	death      day
	prison     day // admitted on, while serving on AsOf
	hukouAt    day
	disAt      day
	disaster   day // the latest disaster or accident in the period
	schoolAt   day
	vehicles   int16
	homes      int16
	businesses int16
	contribMon int16
	unemplMon  int16
	hukou      uint8 // index into hukouEvents
	disCat     uint8 // 1 + index into registry.DisabilityCategories
	disGrade   uint8
	school     uint8 // index into schoolStatuses
	owner      bool
}

var hukouEvents = []string{"", "moved_in", "moved_out", "death", "enlisted", "settled_abroad", "other"}
var schoolStatuses = []string{"", "enrolled", "suspended", "left", "graduated"}

// SchoolStates lists the school source's statuses (Finding.School).
var SchoolStates = schoolStatuses[1:]

func indexOf(list []string, s string) uint8 {
	for i, v := range list {
		if v == s {
			return uint8(i)
		}
	}
	return 0
}

// accessor holds the field indexes Matcher reads for one source.
type accessor struct {
	use                                  Use
	incomeType                           int // index into registry.IncomeTypes, -1 for none
	assetType                            registry.AssetType
	month, amount, value, from, to, asOf int
	area, death, admitted, released      int
	event, eventDate, oop, cat, grade    int
	status, base, incType, role, loss    int
}

func newAccessor(s *Source) accessor {
	a := accessor{use: s.Use, assetType: s.AssetType, incomeType: -1}
	for i, t := range registry.IncomeTypes {
		if t == s.IncomeType {
			a.incomeType = i
		}
	}
	f := s.FieldIndex
	a.month, a.amount, a.value, a.from, a.to, a.asOf = f("month"), f("amount"), f("value"), f("valid_from"), f("valid_to"), f("as_of")
	a.area, a.death, a.admitted, a.released = f("area"), f("death_date"), f("admitted_on"), f("released_on")
	a.event, a.eventDate, a.oop, a.cat, a.grade = f("event"), f("event_date"), f("out_of_pocket"), f("category"), f("grade")
	a.status, a.base, a.incType, a.role, a.loss = f("status"), f("base"), f("income_type"), f("role"), f("loss")
	return a
}

func get(v []string, i int) string {
	if i < 0 || i >= len(v) {
		return ""
	}
	return v[i]
}

// Matcher folds departments' records into per-person findings. Register
// the persons first (Person), then feed records in any order (Add); memory
// grows with the persons that have records, never with the records.
// A Matcher is not safe for concurrent use.
type Matcher struct {
	sources []Source
	acc     []accessor
	period  Period
	from    int // yyyymm
	to      int
	asOf    day
	slot    map[Key]int32
	at      []int32 // per slot: index of its finding (see found), -1 for none yet
	// fs holds the findings in chunks of findingChunk (the first grows
	// up to that), so that a batch of millions never copies them all to
	// grow, nor holds the old and the new copy at once.
	fs  [][]finding
	nfs int32 // findings in fs
	// Matched counts the records that found a person, per source.
	Matched []int64
}

// NewMatcher returns a matcher for records of sources over period p; n is
// the expected number of persons (a capacity hint).
func NewMatcher(sources []Source, p Period, n int) *Matcher {
	m := &Matcher{sources: sources, period: p, from: monthNum(p.From), to: monthNum(p.To), asOf: dayOf(p.AsOf),
		slot: make(map[Key]int32, n), at: make([]int32, 0, n), Matched: make([]int64, len(sources))}
	for i := range sources {
		m.acc = append(m.acc, newAccessor(&sources[i]))
	}
	return m
}

// Twin returns a matcher of the same sources over another period that
// shares m's registry of persons: a person registered with either is
// registered with both, and AddBoth folds a record into both with one
// lookup. A monitoring pass compares the last months with the months
// before (internal/monitor) this way, at the cost of one matcher's
// lookups. Neither twin is safe for concurrent use.
func (m *Matcher) Twin(p Period) *Matcher {
	t := NewMatcher(m.sources, p, 0)
	t.slot = m.slot
	return t
}

// Sources returns the sources the matcher reads, in the order Add's src
// index refers to.
func (m *Matcher) Sources() []Source { return m.sources }

// Person registers a person and returns their slot; registering a key
// twice returns the first slot (one person in two households is matched
// once, and both households see the same finding).
func (m *Matcher) Person(k Key) int32 {
	if s, ok := m.slot[k]; ok {
		return s
	}
	s := int32(len(m.slot))
	m.slot[k] = s
	return s
}

// findingChunk is the number of findings in a chunk of Matcher.fs (1 <<
// findingBits): about 700 KB.
const (
	findingBits  = 12
	findingChunk = 1 << findingBits
)

// newFinding adds an empty finding and returns its index.
func (m *Matcher) newFinding() int32 {
	i := m.nfs
	c := int(i >> findingBits)
	if c == len(m.fs) {
		n := findingChunk
		if c == 0 {
			n = 0 // the first chunk grows: one household needs only a few
		}
		m.fs = append(m.fs, make([]finding, 0, n))
	}
	m.fs[c] = append(m.fs[c], finding{})
	m.nfs++
	return i
}

// found returns the finding with index i.
func (m *Matcher) found(i int32) *finding { return &m.fs[i>>findingBits][i&(findingChunk-1)] }

// Persons is the number of persons registered.
func (m *Matcher) Persons() int { return len(m.slot) }

// Add folds one record of sources[src] with canonical values (see Record)
// into the finding of the person with key k, and reports whether such a
// person is registered.
func (m *Matcher) Add(src int, k Key, v []string) bool {
	s, ok := m.slot[k]
	if ok {
		m.add(src, s, v)
	}
	return ok
}

// AddBoth is Add on m and on its twin t (Twin) with one lookup.
func (m *Matcher) AddBoth(t *Matcher, src int, k Key, v []string) bool {
	s, ok := m.slot[k]
	if ok {
		m.add(src, s, v)
		t.add(src, s, v)
	}
	return ok
}

// add folds a record into the finding of slot s. The slots' findings
// grow as records come: a twin's slots are registered by the other.
func (m *Matcher) add(src int, s int32, v []string) {
	m.Matched[src]++
	for int(s) >= len(m.at) {
		m.at = append(m.at, -1)
	}
	i := m.at[s]
	if i < 0 {
		i = m.newFinding()
		m.at[s] = i
	}
	f := m.found(i)
	f.sources |= 1 << uint(src)
	a := &m.acc[src]
	inPeriod := func() bool {
		mo := parseMonthNum(get(v, a.month))
		return mo >= m.from && mo <= m.to
	}
	switch a.use {
	case UseIncome, UseUnemployment:
		if !inPeriod() {
			return
		}
		t := a.incomeType
		if c := get(v, a.incType); c != "" {
			t = int(indexOf(incomeTypeCodes, c))
		}
		if t >= 0 {
			f.income[t] += fen(get(v, a.amount))
		}
		if a.use == UseUnemployment {
			f.unemplMon++
		}
	case UseContribution:
		if inPeriod() {
			f.contribMon++
			f.contribMax = max(f.contribMax, fen(get(v, a.base)))
		}
	case UseMedical:
		if inPeriod() {
			f.medical += fen(get(v, a.oop))
		}
	case UseAsset:
		m.addAsset(f, a, v)
	case UseDeath:
		if d := parseDay(get(v, a.death)); d != 0 && d <= m.asOf && (f.death == 0 || d < f.death) {
			f.death = d
		}
	case UsePrison:
		in, out := parseDay(get(v, a.admitted)), parseDay(get(v, a.released))
		if in != 0 && in <= m.asOf && (out == 0 || out > m.asOf) {
			f.prison = in
		}
	case UseHukou:
		if d := parseDay(get(v, a.eventDate)); d != 0 && d <= m.asOf && d >= f.hukouAt {
			f.hukouAt, f.hukou = d, indexOf(hukouEvents, get(v, a.event))
		}
	case UseDisability:
		if to := parseDay(get(v, a.to)); to != 0 && to <= m.asOf {
			return // expired
		}
		f.disCat = 1 + indexOf(disabilityCodeList, get(v, a.cat))
		if g := num(get(v, a.grade)); g > 0 && g < 256 {
			f.disGrade = uint8(g)
		}
	case UseSchool:
		if d := parseDay(get(v, a.asOf)); d <= m.asOf && d >= f.schoolAt {
			f.schoolAt, f.school = d, indexOf(schoolStatuses, get(v, a.status))
		}
	case UseDisaster:
		// An event from the first month of the period up to AsOf: a
		// disaster is urgent, so the month of the run counts too.
		if d := parseDay(get(v, a.eventDate)); d != 0 && d >= day(m.from*100+1) && d <= m.asOf {
			f.disaster = max(f.disaster, d)
			f.disLoss += fen(get(v, a.loss))
		}
	}
}

// disabilityCodeList is disabilityCodes() made once: Add and fill read it
// for every record and finding.
var disabilityCodeList = disabilityCodes()

var incomeTypeCodes = func() []string {
	out := make([]string, len(registry.IncomeTypes))
	for i, t := range registry.IncomeTypes {
		out[i] = string(t)
	}
	return out
}()

// addAsset folds an asset record: one held on AsOf (registered on or
// before it and not cancelled by then), or for a balance with an as-of
// date, the latest balance on or before AsOf.
func (m *Matcher) addAsset(f *finding, a *accessor, v []string) {
	value := fen(get(v, a.value))
	if a.asOf >= 0 {
		d := parseDay(get(v, a.asOf))
		if d > m.asOf {
			return
		}
		switch a.assetType {
		case registry.AssetDeposit:
			if d >= f.depositAt {
				f.deposit, f.depositAt = value, d
			}
		case registry.AssetSecurities:
			if d >= f.secAt {
				f.securities, f.secAt = value, d
			}
		default:
			f.other += value
		}
		return
	}
	if from := parseDay(get(v, a.from)); from > m.asOf {
		return
	}
	if to := parseDay(get(v, a.to)); to != 0 && to <= m.asOf {
		return
	}
	switch a.assetType {
	case registry.AssetVehicle:
		f.vehicles++
		f.vehTotal += value
		f.vehMax = max(f.vehMax, value)
	case registry.AssetRealEstate:
		f.homes++
		f.homeValue += value
		f.homeArea += fen(get(v, a.area))
	case registry.AssetBusiness:
		f.businesses++
		f.bizValue += value
		f.owner = f.owner || get(v, a.role) == "owner" || get(v, a.role) == "legal_rep"
	case registry.AssetDeposit:
		f.deposit += value
	case registry.AssetSecurities:
		f.securities += value
	default:
		f.other += value
	}
}

// Finding is what departments' data say about one person.
type Finding struct {
	// Sources are the codes of the sources with a record of the person.
	Sources []string `json:"sources,omitempty"`
	// Income is the total by registry income type over the period.
	Income map[registry.IncomeType]money.Fen `json:"income,omitempty"`
	// Assets held on AsOf, by type.
	Assets map[registry.AssetType]AssetTotal `json:"assets,omitempty"`
	// MedicalOutOfPocket is what the person paid for medical care in the
	// period.
	MedicalOutOfPocket money.Fen `json:"medical_out_of_pocket,omitempty"`
	// ContributionMonths and ContributionBase: months with social-
	// insurance or provident-fund contributions in the period, and the
	// highest base (evidence of employment).
	ContributionMonths int        `json:"contribution_months,omitempty"`
	ContributionBase   money.Fen  `json:"contribution_base,omitempty"`
	UnemploymentMonths int        `json:"unemployment_months,omitempty"`
	Death              civil.Date `json:"death"`
	InPrisonSince      civil.Date `json:"in_prison_since"`
	HukouEvent         string     `json:"hukou_event,omitempty"`
	HukouEventOn       civil.Date `json:"hukou_event_on"`
	DisabilityCategory string     `json:"disability_category,omitempty"`
	DisabilityGrade    int        `json:"disability_grade,omitempty"`
	School             string     `json:"school,omitempty"`
	// BusinessOwner: the person runs a registered business as its owner
	// or legal representative (not merely a shareholder).
	BusinessOwner bool `json:"business_owner,omitempty"`
	// Disaster is the day of the latest natural disaster or accident
	// that hit the person from the first month of the period to AsOf
	// (emergency management's data); DisasterLoss the losses reported.
	Disaster     civil.Date `json:"disaster,omitzero"`
	DisasterLoss money.Fen  `json:"disaster_loss,omitempty"`
}

// AssetTotal is the count and value of one type of asset.
type AssetTotal struct {
	Count int       `json:"count"`
	Value money.Fen `json:"value"`
	// Max is the value of the most valuable one (vehicles).
	Max money.Fen `json:"max,omitempty"`
	// Area is the floor area in m² (real estate).
	Area float64 `json:"area,omitempty"`
}

// Finding returns what was found about the person with key k, or nil when
// nothing was (or k is not registered).
func (m *Matcher) Finding(k Key) *Finding {
	s, ok := m.slot[k]
	if !ok || int(s) >= len(m.at) || m.at[s] < 0 {
		return nil
	}
	out := &Finding{}
	m.fill(m.found(m.at[s]), out)
	return out
}

// FindingAt fills f with what was found about the person in slot s (as
// Person returned it) and reports whether anything was; when nothing was,
// or s is no slot, f is left empty. f's maps and slice are emptied and
// reused rather than replaced, so that a batch reading the findings of
// millions of persons, slot by slot, allocates next to nothing; read f
// before the next call.
func (m *Matcher) FindingAt(s int32, f *Finding) bool {
	if s < 0 || int(s) >= len(m.at) || m.at[s] < 0 {
		m.fill(&finding{}, f)
		return false
	}
	m.fill(m.found(m.at[s]), f)
	return true
}

// fill sets out to what f holds, reusing out's maps and slice.
func (m *Matcher) fill(f *finding, out *Finding) {
	income, assets := out.Income, out.Assets
	clear(income)
	clear(assets)
	*out = Finding{
		Sources: out.Sources[:0], Income: income, Assets: assets,
		MedicalOutOfPocket: money.Fen(f.medical), ContributionMonths: int(f.contribMon), ContributionBase: money.Fen(f.contribMax),
		UnemploymentMonths: int(f.unemplMon), Death: f.death.date(), InPrisonSince: f.prison.date(),
		HukouEvent: hukouEvents[f.hukou], HukouEventOn: f.hukouAt.date(), DisabilityGrade: int(f.disGrade), School: schoolStatuses[f.school],
		BusinessOwner: f.owner, Disaster: f.disaster.date(), DisasterLoss: money.Fen(f.disLoss),
	}
	if f.disCat > 0 {
		out.DisabilityCategory = disabilityCodeList[f.disCat-1]
	}
	for i := range m.sources {
		if f.sources&(1<<uint(i)) != 0 {
			out.Sources = append(out.Sources, m.sources[i].Code)
		}
	}
	for i, t := range registry.IncomeTypes {
		if f.income[i] != 0 {
			if out.Income == nil {
				out.Income = map[registry.IncomeType]money.Fen{}
			}
			out.Income[t] = money.Fen(f.income[i])
		}
	}
	put := func(t registry.AssetType, a AssetTotal) {
		if a.Count == 0 && a.Value == 0 {
			return
		}
		if out.Assets == nil {
			out.Assets = map[registry.AssetType]AssetTotal{}
		}
		out.Assets[t] = a
	}
	put(registry.AssetVehicle, AssetTotal{Count: int(f.vehicles), Value: money.Fen(f.vehTotal), Max: money.Fen(f.vehMax)})
	put(registry.AssetRealEstate, AssetTotal{Count: int(f.homes), Value: money.Fen(f.homeValue), Area: float64(f.homeArea) / 100})
	put(registry.AssetBusiness, AssetTotal{Count: int(f.businesses), Value: money.Fen(f.bizValue)})
	put(registry.AssetDeposit, AssetTotal{Count: min(1, int(f.deposit)), Value: money.Fen(f.deposit)})
	put(registry.AssetSecurities, AssetTotal{Count: min(1, int(f.securities)), Value: money.Fen(f.securities)})
	put(registry.AssetOther, AssetTotal{Count: min(1, int(f.other)), Value: money.Fen(f.other)})
}
