package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/registry/importfile"
	"safetynet/internal/verify"
)

// The monitoring benchmark (issue 6: "a monthly run over 5M monitored
// persons with 20 rules in under 60 s"), built like B3: CSV files in, the
// run in memory. Its phases:
//
//  1. registry: persons.csv, incomes.csv, assets.csv and monitored.csv
//     read into compact columns (a household's members, declared incomes
//     and assets, programs and categories), each person registered with
//     two verify.Matchers, one per period of monitor.Periods;
//  2. match: the departments' files streamed through verify's parser (one
//     goroutine reads, workers parse, records folded in file order) into
//     both matchers;
//  3. subjects and rules: chunks of households on a worker per core, each
//     household's registry.Snapshot and its members' recent and earlier
//     findings (Matcher.FindingAt) made into monitor.Household and
//     monitor.Subjects, the 20 rules evaluated with one monitor.Evaluator
//     per worker, and a monitor.Warning with its facts (JSON) made for
//     every hit as RunRegion makes them; the chunks' hits are then taken
//     in order, and the never-twice rule (monitor.repeat.months) applied
//     against an in-memory map of earlier warnings.
//
// A real run reads the households and records from the store and writes
// the warnings to it; that I/O is not in this figure.

// MonitorTargets is issue 6's target per monitored population.
var MonitorTargets = map[int]time.Duration{5_000_000: 60 * time.Second}

// MonitorRules are the benchmark's 20 active rules: the ten defaults and
// ten more variants and combinations a county might write.
func MonitorRules() []monitor.Rule {
	extra := []monitor.Rule{
		{Code: "medical_spending_severe", ZH: "三个月内医疗自付超过低保标准倍数的两倍", Expression: "person.medical_oop_3m > 2 * params.medical_multiple * household.standard",
			Severity: monitor.High, Side: monitor.NeedSide, Program: policy.RigidExpense, Action: "visit"},
		{Code: "household_medical_burden", ZH: "家庭三个月医疗自付超过人均低保标准倍数", Expression: "person.head && household.medical_oop_3m > params.medical_multiple * household.standard * household.size",
			Severity: monitor.Medium, Side: monitor.NeedSide, Program: policy.RigidExpense, Action: "visit"},
		{Code: "elderly_alone_ill", ZH: "独居高龄老人重病或重度残疾", Expression: "person.age >= 70 && household.size == 1 && (person.serious_illness || person.disability_grade in [1, 2])",
			Severity: monitor.Medium, Side: monitor.NeedSide, Program: policy.Tekun, Action: "visit"},
		{Code: "disabled_lost_work", ZH: "残疾人失业或断缴社保", Expression: "person.disability_grade > 0 && (person.unemployment_started || person.contributions_stopped)",
			Severity: monitor.High, Side: monitor.NeedSide, Program: policy.Dibao, Action: "visit"},
		{Code: "below_standard_uncovered", ZH: "未受助家庭人均收入低于低保标准", Expression: "person.head && len(household.programs) == 0 && household.income_per_capita < household.standard",
			Severity: monitor.Medium, Side: monitor.NeedSide, Program: policy.Dibao, Action: "apply"},
		{Code: "income_above_twice", ZH: "低保家庭人均收入超过低保标准两倍", Expression: `person.head && "dibao" in household.programs && household.income_per_capita > 2 * household.standard`,
			Severity: monitor.High, Side: monitor.ExitSide, Program: policy.Dibao, Action: "review"},
		{Code: "several_vehicles", ZH: "受助家庭拥有两辆以上机动车", Expression: "person.head && household.vehicles >= 2 && len(household.programs) > 0",
			Severity: monitor.Medium, Side: monitor.ExitSide, Action: "review"},
		{Code: "several_homes", ZH: "受助家庭拥有两套以上住房", Expression: "person.head && household.homes >= 2 && len(household.programs) > 0",
			Severity: monitor.Medium, Side: monitor.ExitSide, Action: "review"},
		{Code: "child_not_in_school", ZH: "义务教育阶段儿童未在学", Expression: "person.age >= 7 && person.age < 16 && !person.in_school && !person.deceased",
			Severity: monitor.Medium, Side: monitor.NeedSide, Action: "refer"},
		{Code: "disaster_vulnerable", ZH: "受灾家庭的重度残疾或高龄成员", Expression: "household.disaster && (person.disability_grade in [1, 2] || person.age >= 80)",
			Severity: monitor.High, Side: monitor.NeedSide, Program: policy.Linshi, Action: "visit"},
	}
	rules := append(monitor.DefaultRules(), extra...)
	for i := range rules {
		rules[i].ID, rules[i].Active, rules[i].Version = int64(i+1), true, 1
		if rules[i].Source == "" {
			rules[i].Source = "monitoring benchmark"
		}
	}
	return rules
}

// MonitorRun is what one run did.
type MonitorRun struct {
	Households, Persons int   // monitored households evaluated, their subjects
	Records             int64 // departmental rows read
	Matched, Rejected   int64 // records about a registry person; rows refused
	Rules               int
	Evaluations         int64 // rule evaluations (subjects × rules in force)
	Hits, Faults        int64
	Raised, Repeats     int64 // hits that became warnings; hits within the window of an earlier warning
	Seeded              int   // earlier warnings in the map at the start
	PerRule             map[string]int64
	FactBytes           int64 // the warnings' facts, JSON
	// Wall times of the phases; Subjects and Eval are the workers' time
	// (summed over the workers) in building subjects and in evaluating
	// rules and making warnings, which divide Pass between them.
	Registry, Match, Pass time.Duration
	Subjects, Eval        time.Duration
	HeapMB, PeakMB        float64
	// Digest sums the hits in order (person, rule): equal digests, equal
	// hits.
	Digest uint64
	Hit    []MonitorHit // with MonitorOptions.Keep
}

// Total is the run's time.
func (r MonitorRun) Total() time.Duration { return r.Registry + r.Match + r.Pass }

// MonitorHit is one rule true for one person.
type MonitorHit struct {
	Person int64 // the person's row in persons.csv, from 1
	Rule   string
	Repeat bool
}

// MonitorOptions tune a run.
type MonitorOptions struct {
	Workers int  // goroutines parsing and evaluating; 0: GOMAXPROCS
	Rules   int  // the first Rules of MonitorRules; 0: all
	Keep    bool // keep every hit in MonitorRun.Hit
}

// mperson is one registry person as the run keeps them.
type mperson struct {
	key                  verify.Key
	birth, death, joined ymd
	slot                 int32 // in both matchers; -1: no valid ID number
	rel                  uint8 // index into relationships
	school               uint8 // index into schoolStatuses
	grade                uint8
	ill                  bool
}

type mincome struct {
	person int32 // global person index, -1 for the household's
	typ    uint8 // index into registry.IncomeTypes
	month  civil.Month
	amount money.Fen
}

type masset struct {
	person int32
	typ    uint8 // index into registry.AssetTypes
	value  money.Fen
}

type mhh struct {
	region                    string
	first, firstInc, firstAss int32
	urban                     bool
	combo                     uint8 // index into monRegistry.combos; 0: not monitored
}

// monRegistry is the registry in compact columns.
type monRegistry struct {
	refs    []byte
	refEnd  []int32
	hh      []mhh
	persons []mperson
	incomes []mincome
	assets  []masset
	combos  []combo
}

type combo struct{ programs, categories []string }

func (r *monRegistry) ref(i int) []byte {
	lo := int32(0)
	if i > 0 {
		lo = r.refEnd[i-1]
	}
	return r.refs[lo:r.refEnd[i]]
}

// span returns household i's persons, incomes and assets ranges.
func (r *monRegistry) span(i int) (p0, p1, i0, i1, a0, a1 int) {
	h := &r.hh[i]
	p0, i0, a0 = int(h.first), int(h.firstInc), int(h.firstAss)
	p1, i1, a1 = len(r.persons), len(r.incomes), len(r.assets)
	if i+1 < len(r.hh) {
		n := &r.hh[i+1]
		p1, i1, a1 = int(n.first), int(n.firstInc), int(n.firstAss)
	}
	return
}

var (
	relationships  = []registry.Relationship{registry.RelHead, registry.RelSpouse, registry.RelChild, registry.RelChildInLaw, registry.RelGrandchild, registry.RelParent, registry.RelParentInLaw, registry.RelGrandparent, registry.RelSibling, registry.RelOther}
	schoolStatuses = []registry.SchoolStatus{"", registry.SchoolNone, registry.SchoolPreschool, registry.SchoolPrimary, registry.SchoolJunior, registry.SchoolSenior, registry.SchoolVocational, registry.SchoolHigher, registry.SchoolDropout}
)

// codeIndex maps the Chinese labels gen writes for an enumerated column
// of the import format to the index of their code in codes.
func codeIndex[T ~string](table, column string, codes []T) map[string]uint8 {
	out := map[string]uint8{}
	for code, label := range importfile.Labels(table, column) {
		if i := slices.Index(codes, T(code)); i >= 0 {
			out[label] = uint8(i)
		}
	}
	return out
}

// columnsOf finds the columns of an import-format table in a header by
// their names (or codes); -1 for a column not there.
func columnsOf(table string, header []string, codes ...string) []int {
	out := make([]int, len(codes))
	for j, code := range codes {
		out[j] = slices.Index(header, code)
		for _, col := range importfile.Columns(table) {
			if col.Code == code {
				if i := slices.Index(header, col.Name); i >= 0 {
					out[j] = i
				}
			}
		}
	}
	return out
}

// ymd is a date packed as yyyymmdd, 0 for none: a person's three dates in
// 12 bytes rather than 72.
type ymd int32

func (d ymd) date() civil.Date {
	if d == 0 {
		return civil.Date{}
	}
	return civil.D(int(d)/10000, time.Month(int(d)/100%100), int(d)%100)
}

// parseDay reads "YYYY-MM-DD"; 0 for anything else.
func parseDay(s string) ymd {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0
	}
	return ymd(atoi(s[:4])*10000 + atoi(s[5:7])*100 + atoi(s[8:]))
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// parseFen reads an amount as gen writes it ("1664.36"); other forms go
// through money.Parse.
func parseFen(s string) (money.Fen, error) {
	if i := strings.IndexByte(s, '.'); i > 0 && i == len(s)-3 && strings.Trim(s, "0123456789.") == "" {
		return money.Fen(atoi(s[:i])*100 + atoi(s[i+1:])), nil
	}
	return money.Parse(s)
}

// newMonRegistry returns an empty registry sized for d.
func newMonRegistry(d *MonitorData) *monRegistry {
	return &monRegistry{hh: make([]mhh, 0, d.Households), refEnd: make([]int32, 0, d.Households),
		persons: make([]mperson, 0, d.PersonRows), incomes: make([]mincome, 0, d.IncomeRows), assets: make([]masset, 0, d.AssetRows),
		combos: []combo{{}}}
}

// Kinds of the registry's files (read).
const (
	kindPersons = iota
	kindIncomes
	kindAssets
	kindMonitored
)

// read reads registry files in order, paths[i] being of kind kinds[i]:
// the persons first, each registered with both matchers (now and before
// may be nil for the other kinds), then their incomes, assets and
// programs, whose households must be in the persons file's order.
func (r *monRegistry) read(paths []string, kinds []int, now, before *verify.Matcher) error {
	rels := codeIndex("persons", "relationship", relationships)
	schools := codeIndex("persons", "school_status", schoolStatuses)
	grades := codeIndex("persons", "disability_grade", []string{"", "1", "2", "3", "4"})
	urban := importfile.Labels("persons", "hukou_type")[string(registry.Urban)]
	incTypes := codeIndex("incomes", "type", registry.IncomeTypes)
	assTypes := codeIndex("assets", "type", registry.AssetTypes)
	regions := map[string]string{}
	combos := map[string]uint8{}
	var cols []int
	cur := -1 // the household of the current income, asset or monitored row
	seek := func(ref string) error {
		if cur >= 0 && cur < len(r.hh) && string(r.ref(cur)) == ref {
			return nil
		}
		for cur++; cur < len(r.hh); cur++ {
			if string(r.ref(cur)) == ref {
				return nil
			}
		}
		return fmt.Errorf("household %s is not in persons.csv, or not in its order", ref)
	}
	member := func(id string) int32 {
		if len(id) < 17 {
			return -1
		}
		k := verify.KeyOfID(id)
		p0, p1, _, _, _, _ := r.span(cur)
		for p := p0; p < p1; p++ {
			if r.persons[p].key == k {
				return int32(p)
			}
		}
		return -1
	}
	tables := make([]table, len(paths))
	for i, p := range paths {
		tables[i] = table{path: p}
	}
	last, kind := -1, -1
	err := readParsed(tables, 1, func(b *batch) error {
		if b.table != last {
			last, cur, kind = b.table, -1, kinds[b.table]
			switch kind {
			case kindPersons:
				cols = columnsOf("persons", b.header, "household_ref", "relationship", "id_number", "school_status", "disability_grade",
					"serious_illness", "death_date", "joined_on", "region_code", "hukou_type")
			case kindIncomes:
				cols = columnsOf("incomes", b.header, "household_ref", "id_number", "type", "month", "amount")
				for i := range r.hh {
					r.hh[i].firstInc = -1
				}
			case kindAssets:
				cols = columnsOf("assets", b.header, "household_ref", "id_number", "type", "value")
				for i := range r.hh {
					r.hh[i].firstAss = -1
				}
			case kindMonitored:
				cols = columnsOf("monitored", b.header, "household_ref", "programs", "categories")
			}
			if slices.Contains(cols, -1) {
				return fmt.Errorf("%s: a column is missing in %q", filepath.Base(tables[b.table].path), b.header)
			}
		}
		for i := range b.n {
			c := b.cells(i)
			if len(c) <= slices.Max(cols) {
				continue
			}
			ref := c[cols[0]]
			switch kind {
			case kindPersons:
				if len(r.hh) == 0 || string(r.ref(len(r.hh)-1)) != ref {
					r.refs = append(r.refs, ref...)
					r.refEnd = append(r.refEnd, int32(len(r.refs)))
					r.hh = append(r.hh, mhh{first: int32(len(r.persons))})
				}
				h := &r.hh[len(r.hh)-1]
				if reg := c[cols[8]]; reg != "" {
					if s, ok := regions[reg]; ok {
						h.region = s
					} else {
						h.region = strings.Clone(reg)
						regions[h.region] = h.region
					}
					h.urban = c[cols[9]] == urban
				}
				p := mperson{slot: -1, rel: rels[c[cols[1]]], school: schools[c[cols[3]]], grade: grades[c[cols[4]]], ill: c[cols[5]] != "",
					death: parseDay(c[cols[6]]), joined: parseDay(c[cols[7]])}
				if id := c[cols[2]]; len(id) == 18 {
					p.key = verify.KeyOfID(id)
					p.slot = now.Person(p.key) // the twin shares the registration
					p.birth = ymd(atoi(id[6:14]))
				}
				if p.joined == 0 {
					p.joined = p.birth
				}
				r.persons = append(r.persons, p)
			case kindIncomes:
				if err := seek(ref); err != nil {
					return err
				}
				if r.hh[cur].firstInc < 0 {
					r.hh[cur].firstInc = int32(len(r.incomes))
				}
				t, ok := incTypes[c[cols[2]]]
				m := c[cols[3]]
				v, err := parseFen(c[cols[4]])
				if !ok || len(m) != 7 || err != nil {
					return fmt.Errorf("incomes.csv row %d: %q", b.rows[i], c)
				}
				r.incomes = append(r.incomes, mincome{person: member(c[cols[1]]), typ: t, month: civil.Month{Year: atoi(m[:4]), Month: time.Month(atoi(m[5:]))}, amount: v})
			case kindAssets:
				if err := seek(ref); err != nil {
					return err
				}
				if r.hh[cur].firstAss < 0 {
					r.hh[cur].firstAss = int32(len(r.assets))
				}
				t, ok := assTypes[c[cols[2]]]
				v, err := parseFen(c[cols[3]])
				if !ok || err != nil {
					return fmt.Errorf("assets.csv row %d: %q", b.rows[i], c)
				}
				r.assets = append(r.assets, masset{person: member(c[cols[1]]), typ: t, value: v})
			case kindMonitored:
				if err := seek(ref); err != nil {
					return err
				}
				key := c[cols[1]] + "," + c[cols[2]]
				k, ok := combos[key]
				if !ok {
					if len(r.combos) == 255 {
						return errors.New("monitored.csv: too many combinations of programs and categories")
					}
					k = uint8(len(r.combos))
					combos[key] = k
					r.combos = append(r.combos, combo{programs: splitList(c[cols[1]]), categories: splitList(c[cols[2]])})
				}
				r.hh[cur].combo = k
			}
		}
		return nil
	})
	if err != nil || kinds[0] == kindPersons {
		return err
	}
	// Households without incomes or assets start where the next one does.
	nextInc, nextAss := int32(len(r.incomes)), int32(len(r.assets))
	for i := len(r.hh) - 1; i >= 0; i-- {
		h := &r.hh[i]
		if h.firstInc < 0 {
			h.firstInc = nextInc
		}
		if h.firstAss < 0 {
			h.firstAss = nextAss
		}
		nextInc, nextAss = h.firstInc, h.firstAss
	}
	return nil
}

// splitList splits "a;b" (nil for "").
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// monWorker is one evaluating goroutine's state, reused household after
// household.
type monWorker struct {
	set             *policy.Set
	rules           *monitor.RuleSet
	ruleIdx         map[string]uint8
	ev              monitor.Evaluator
	now, before     *verify.Matcher
	snap            registry.Snapshot
	recent, earlier map[int64]*verify.Finding
	fNow, fBefore   []verify.Finding
	subs            []monitor.Subject
	ends            []int // per household of the chunk: its subjects end here
	hits            []monitor.Hit
	run             monitor.Run
	due             civil.Date
	subT, evalT     time.Duration
}

// chunkOut is one chunk's results.
type chunkOut struct {
	households, persons int
	evals, faults       int64
	factBytes           int64
	hits                []chunkHit
	err                 error
}

type chunkHit struct {
	person int64
	rule   uint8
}

// household builds household i's snapshot and findings into w.
func (w *monWorker) household(r *monRegistry, i int) monitor.Household {
	h := &r.hh[i]
	p0, p1, i0, i1, a0, a1 := r.span(i)
	hu := registry.Rural
	if h.urban {
		hu = registry.Urban
	}
	members := w.snap.Household.Members[:0]
	w.snap = registry.Snapshot{At: MonitorDay, Incomes: w.snap.Incomes[:0], Assets: w.snap.Assets[:0]}
	w.snap.Household = registry.Household{ID: int64(i + 1), CountyCode: h.region[:min(6, len(h.region))], RegionCode: h.region, HukouType: hu}
	clear(w.recent)
	clear(w.earlier)
	if n := p1 - p0; len(w.fNow) < n {
		w.fNow, w.fBefore = make([]verify.Finding, n), make([]verify.Finding, n)
	}
	for p := p0; p < p1; p++ {
		q := &r.persons[p]
		id := int64(p + 1)
		death := q.death.date()
		members = append(members, registry.Member{Relationship: relationships[q.rel], JoinedOn: q.joined.date(), LeftOn: death,
			Person: registry.Person{ID: id, Birth: q.birth.date(), Death: death, DisabilityGrade: int(q.grade), SchoolStatus: schoolStatuses[q.school]}})
		if q.ill {
			members[len(members)-1].Person.SeriousIllness = "重病"
		}
		if w.now.FindingAt(q.slot, &w.fNow[p-p0]) {
			w.recent[id] = &w.fNow[p-p0]
		}
		if w.before.FindingAt(q.slot, &w.fBefore[p-p0]) {
			w.earlier[id] = &w.fBefore[p-p0]
		}
	}
	w.snap.Household.Members = members
	for _, in := range r.incomes[i0:i1] {
		pid := int64(0)
		if in.person >= 0 {
			pid = int64(in.person) + 1
		}
		w.snap.Incomes = append(w.snap.Incomes, registry.Income{HouseholdID: int64(i + 1), PersonID: pid, Type: registry.IncomeTypes[in.typ], Month: in.month, Amount: in.amount})
	}
	for _, a := range r.assets[a0:a1] {
		pid := int64(0)
		if a.person >= 0 {
			pid = int64(a.person) + 1
		}
		w.snap.Assets = append(w.snap.Assets, registry.Asset{HouseholdID: int64(i + 1), PersonID: pid, Type: registry.AssetTypes[a.typ], Value: a.value})
	}
	c := &r.combos[h.combo]
	return monitor.Household{Snapshot: &w.snap, Recent: w.recent, Earlier: w.earlier, Programs: c.programs, Categories: c.categories}
}

// chunk evaluates households lo to hi.
func (w *monWorker) chunk(r *monRegistry, lo, hi int) *chunkOut {
	out := &chunkOut{}
	start := time.Now()
	w.subs, w.ends = w.subs[:0], w.ends[:0]
	for i := lo; i < hi; i++ {
		if r.hh[i].combo == 0 {
			w.ends = append(w.ends, len(w.subs))
			continue // not monitored
		}
		w.subs = append(w.subs, monitor.Subjects(w.household(r, i), w.set, MonitorDay)...)
		w.ends = append(w.ends, len(w.subs))
		out.households++
	}
	out.persons = len(w.subs)
	mid := time.Now()
	w.subT += mid.Sub(start)
	from := 0
	for k, end := range w.ends {
		i := lo + k
		subs := w.subs[from:end]
		from = end
		if len(subs) == 0 {
			continue
		}
		region := r.hh[i].region
		var faults int
		w.hits, faults = w.ev.Household(w.rules, region, subs, w.hits[:0])
		out.faults += int64(faults)
		out.evals += int64(len(subs) * len(w.rules.For(region)))
		for _, h := range w.hits {
			s := &subs[h.Subject]
			// The warning as RunRegion makes it (newWarning).
			facts, err := json.Marshal(s)
			if err != nil {
				out.err = err
				return out
			}
			rule := &h.Rule.Rule
			wn := monitor.Warning{County: r.hh[i].region[:6], Region: region, RunID: w.run.ID, RuleID: rule.ID, RuleCode: rule.Code,
				HouseholdID: int64(i + 1), PersonID: s.Person.ID, Severity: rule.Severity, Side: rule.Side, Program: rule.Program,
				Action: rule.Action, Facts: facts, RaisedOn: MonitorDay, Status: monitor.WarningOpen, Role: auth.TownshipCaseworker,
				TaskRegion: region[:min(9, len(region))], Due: w.due}
			out.factBytes += int64(len(wn.Facts))
			out.hits = append(out.hits, chunkHit{person: wn.PersonID, rule: w.ruleIdx[rule.Code]})
		}
	}
	w.evalT += time.Since(mid)
	return out
}

// monChunk is the number of households a worker takes at a time.
const monChunk = 512

// earlierWarnings seeds the map of earlier warnings: one person in 25
// (by a hash of their row) was warned by every rule, each on a day 1 to 12
// months before the run, so that about half of those fall within the
// six-month window. Keys are person << 8 | rule index; values yyyymmdd.
func earlierWarnings(persons, rules int) map[uint64]int32 {
	m := make(map[uint64]int32, persons/25*rules+persons/20)
	for p := 1; p <= persons; p++ {
		h := mix(uint64(p))
		if h%25 != 0 {
			continue
		}
		for r := range rules {
			d := MonitorDay.AddMonths(-1 - int(mix(h+uint64(r))%12))
			m[uint64(p)<<8|uint64(r)] = int32(d.Year*10000 + int(d.Month)*100 + d.Day)
		}
	}
	return m
}

// mix is SplitMix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}

// MonitorPass runs the benchmark's monitoring run over the data in d.
func MonitorPass(ctx context.Context, d *MonitorData, o MonitorOptions) (MonitorRun, error) {
	var run MonitorRun
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	set, err := MonitorParams()
	if err != nil {
		return run, err
	}
	rules := MonitorRules()
	if o.Rules > 0 {
		if o.Rules > len(rules) {
			return run, fmt.Errorf("the monitoring benchmark has %d rules, not %d", len(rules), o.Rules)
		}
		rules = rules[:o.Rules]
	}
	run.Rules = len(rules)
	ruleIdx := map[string]uint8{}
	for i, r := range rules {
		ruleIdx[r.Code] = uint8(i)
	}
	rp, err := monitor.CheckRun(set, "440103", MonitorDay)
	if err != nil {
		return run, err
	}
	since := MonitorDay.AddMonths(-rp.RepeatMonths)
	sinceN := int32(since.Year*10000 + int(since.Month)*100 + since.Day)
	dayN := int32(MonitorDay.Year*10000 + int(MonitorDay.Month)*100 + MonitorDay.Day)
	warned := earlierWarnings(d.PersonRows, len(rules))
	run.Seeded = len(warned)
	sources := make([]verify.Source, len(d.Files))
	tables := make([]table, len(d.Files))
	for i, f := range d.Files {
		sources[i] = *source(f.Source)
		tables[i] = table{path: f.Path, src: &sources[i]}
	}
	recent, earlier := monitor.Periods(MonitorDay)

	// 1. The registry's persons.
	start := time.Now()
	now := verify.NewMatcher(sources, recent, d.PersonRows)
	before := now.Twin(earlier)
	reg := newMonRegistry(d)
	if err := reg.read([]string{d.Persons}, []int{kindPersons}, now, before); err != nil {
		return run, err
	}
	run.Registry = time.Since(start)
	if err := ctx.Err(); err != nil {
		return run, err
	}

	// 2. The departments' records into both periods, and alongside, on
	// a reader of its own, the households' declared incomes and assets
	// and their programs.
	start = time.Now()
	var declErr error
	var decl sync.WaitGroup
	decl.Go(func() {
		declErr = reg.read([]string{d.Incomes, d.Assets, d.Monitored}, []int{kindIncomes, kindAssets, kindMonitored}, nil, nil)
	})
	err = readParsed(tables, workers, func(b *batch) error {
		for i := range b.n {
			switch b.state[i] {
			case rowGood:
				run.Records++
				v := b.recs[i].Values
				k := verify.KeyOfID(v[0])
				if now.AddBoth(before, b.table, k, v) {
					run.Matched++
				}
			case rowRejected:
				run.Records++
				run.Rejected++
			}
		}
		return ctx.Err()
	})
	decl.Wait()
	if err = errors.Join(err, declErr); err != nil {
		return run, err
	}
	run.Match = time.Since(start)
	runtime.GC() // not timed: for the heap figure
	run.HeapMB = HeapMB()

	// 3. Subjects and rules, a chunk of households per worker at a time,
	// the chunks' hits taken in order.
	start = time.Now()
	type job struct {
		lo, hi int
		out    *chunkOut
		done   chan struct{}
	}
	work := make(chan *job, 4*workers)
	order := make(chan *job, 4*workers)
	stop := make(chan struct{})
	go func() {
		defer close(order)
		defer close(work)
		for lo := 0; lo < len(reg.hh); lo += monChunk {
			j := &job{lo: lo, hi: min(lo+monChunk, len(reg.hh)), done: make(chan struct{})}
			select {
			case order <- j:
			case <-stop:
				return
			}
			work <- j
		}
	}()
	var wg sync.WaitGroup
	ws := make([]*monWorker, workers)
	for k := range ws {
		rs, err := monitor.NewRuleSet(rules) // RuleSet caches per region: one per worker
		if err != nil {
			return run, err
		}
		ws[k] = &monWorker{set: set, rules: rs, ruleIdx: ruleIdx, now: now, before: before, recent: map[int64]*verify.Finding{},
			earlier: map[int64]*verify.Finding{}, run: monitor.Run{ID: 1, AsOf: MonitorDay}, due: MonitorDay.AddDays(14)}
		wg.Go(func() {
			for j := range work {
				j.out = ws[k].chunk(reg, j.lo, j.hi)
				close(j.done)
			}
		})
	}
	run.PerRule = map[string]int64{}
	var perRule [256]int64
	var ferr error
	for j := range order {
		<-j.done
		if ferr != nil {
			continue
		}
		if ferr = j.out.err; ferr == nil {
			ferr = ctx.Err()
		}
		if ferr != nil {
			close(stop)
			continue
		}
		run.Households += j.out.households
		run.Persons += j.out.persons
		run.Evaluations += j.out.evals
		run.Faults += j.out.faults
		run.FactBytes += j.out.factBytes
		for _, h := range j.out.hits {
			run.Hits++
			perRule[h.rule]++
			key := uint64(h.person)<<8 | uint64(h.rule)
			repeat := false
			if on, ok := warned[key]; ok && on > sinceN {
				run.Repeats++
				repeat = true
			} else {
				run.Raised++
				warned[key] = dayN
			}
			run.Digest = run.Digest*1099511628211 + (uint64(h.person)<<8 | uint64(h.rule))
			if o.Keep {
				run.Hit = append(run.Hit, MonitorHit{Person: h.person, Rule: rules[h.rule].Code, Repeat: repeat})
			}
		}
	}
	wg.Wait()
	if ferr != nil {
		return run, ferr
	}
	run.Pass = time.Since(start)
	for _, w := range ws {
		run.Subjects += w.subT
		run.Eval += w.evalT
	}
	for i, r := range rules {
		run.PerRule[r.Code] = perRule[i]
	}
	run.PeakMB = PeakRSSMB()
	runtime.KeepAlive(reg)
	return run, nil
}

// Monitor generates a registry of persons persons, every household
// monitored, and 4 × persons departmental records in a temporary directory
// (removed at the end), runs the monitoring run over them with the first
// rules rules (0: all 20), and reports the run and its phases.
func Monitor(ctx context.Context, persons int, rules int, progress func(string)) ([]Result, error) {
	say := sayer(progress)
	dir, err := os.MkdirTemp("", "safetynet-monitor-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	say("monitor: generating %d persons and %d departmental records in %s", persons, 4*persons, dir)
	start := time.Now()
	d, err := MonitorGenerate(dir, persons, 4*persons)
	if err != nil {
		return nil, err
	}
	say("monitor: generated %d households, %d persons, %d records (%.0f MB) in %s", d.Households, d.PersonRows, d.Records,
		float64(d.Bytes)/(1<<20), time.Since(start).Round(time.Second))
	resetPeak()
	r, err := MonitorPass(ctx, d, MonitorOptions{Rules: rules})
	if err != nil {
		return nil, err
	}
	say("monitor: %s (registry %s, match %s, subjects and rules %s)", r.Total().Round(time.Millisecond), r.Registry.Round(time.Millisecond),
		r.Match.Round(time.Millisecond), r.Pass.Round(time.Millisecond))
	return MonitorResults(d, r, MonitorTargets[persons]), nil
}

// MonitorResults are the rows `safetynet bench` prints for a run.
func MonitorResults(d *MonitorData, r MonitorRun, target time.Duration) []Result {
	total := r.Total()
	share := func(part time.Duration) time.Duration {
		if r.Subjects+r.Eval == 0 {
			return 0
		}
		return time.Duration(float64(r.Pass) * float64(part) / float64(r.Subjects+r.Eval))
	}
	var top []string
	for code, n := range r.PerRule {
		top = append(top, fmt.Sprintf("%s %d", code, n))
	}
	slices.SortFunc(top, func(a, b string) int {
		na, _ := strconv.Atoi(a[strings.LastIndexByte(a, ' ')+1:])
		nb, _ := strconv.Atoi(b[strings.LastIndexByte(b, ' ')+1:])
		return nb - na
	})
	pct := func(n int64) float64 { return 100 * float64(n) / float64(max(1, r.Persons)) }
	return []Result{
		{ID: "MON", Workload: fmt.Sprintf("monthly monitoring run: %d persons in %d monitored households, %d rules, %d records in two periods (in memory, CSV in)", r.Persons, r.Households, r.Rules, r.Records),
			Time: total, HeapMB: r.HeapMB, PeakMB: r.PeakMB, Target: target,
			Note: fmt.Sprintf("%.0f persons/s, %.2fM rule evaluations/s over the run; %d hits (%.2f%% of persons): %d warnings raised, %d repeats within monitor.repeat.months (%d earlier warnings seeded); %d faults",
				float64(r.Persons)/total.Seconds(), float64(r.Evaluations)/total.Seconds()/1e6, r.Hits, pct(r.Hits), r.Raised, r.Repeats, r.Seeded, r.Faults)},
		{ID: "MON", Workload: fmt.Sprintf("registry: %d persons (CSV) into columns, each registered with both periods' matchers", d.PersonRows),
			Time: r.Registry, Note: fmt.Sprintf("%.0f rows/s", float64(d.PersonRows)/r.Registry.Seconds())},
		{ID: "MON", Workload: fmt.Sprintf("match: %d departmental records (%d files) parsed and folded into both periods; alongside, %d declared incomes, %d assets and %d households' programs (CSV) read", r.Records, len(d.Files), d.IncomeRows, d.AssetRows, d.Households),
			Time: r.Match, Note: fmt.Sprintf("%.0f rows/s; %d records about registry persons, %d rejected", float64(r.Records+int64(d.IncomeRows+d.AssetRows+d.Households))/r.Match.Seconds(), r.Matched, r.Rejected)},
		{ID: "MON", Workload: "subjects: snapshots and findings into monitor.Subjects", Time: share(r.Subjects),
			Note: fmt.Sprintf("share of the pass's %s wall time; the workers' time %s", r.Pass.Round(time.Millisecond), r.Subjects.Round(time.Millisecond))},
		{ID: "MON", Workload: fmt.Sprintf("rules: %d evaluations (monitor.Evaluator) and the hits' warnings", r.Evaluations), Time: share(r.Eval),
			Note: fmt.Sprintf("%.0f ns an evaluation on one core, %.2fM/s; the workers' time %s; by rule: %s", float64(r.Eval.Nanoseconds())/float64(max(1, r.Evaluations)),
				float64(r.Evaluations)/share(r.Eval).Seconds()/1e6, r.Eval.Round(time.Millisecond), strings.Join(top, ", "))},
	}
}
