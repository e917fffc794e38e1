package policy

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// Columns is a column-oriented snapshot of many households for one month's
// Dibao run: a slice per field, members and earners as offsets into flat
// slices. Append counts each household's members and sets aside excluded
// incomes with the same code the one-household path runs, so the columns hold
// exactly the facts the Dibao decision reads.
type Columns struct {
	set   *Set
	month civil.Month

	regions  []string
	regionIx map[string]int32
	params   []*dibaoParams
	errs     []error // per region: a parameter the facts need is missing

	Region      []int32
	Urban       []bool
	MemberStart []int32 // household i's members are [MemberStart[i], MemberStart[i+1])
	Groups      []uint8 // per counted member: supplement groups
	EarnerStart []int32
	Wage        []int32
	Cost        []int32
	JobStart    []int32 // months since year 0, 0 for none
	Other       []int32
	Medical     []int32
	Education   []int32
	Financial   []int64
	Vehicles    []uint8
	VehicleMax  []int32
	Homes       []uint8
	Businesses  []uint8
	Current     []int32 // -1: not receiving Dibao
	ExitStart   []int32

	// fallback holds households the columns cannot carry (a separate
	// applicant, amounts beyond int32 fen): they take the one-household path.
	fallback map[int]*Household
}

// NewColumns returns an empty snapshot for month under set's parameters.
func NewColumns(set *Set, month civil.Month, capacity int) *Columns {
	c := &Columns{set: set, month: month, regionIx: map[string]int32{}, fallback: map[int]*Household{}}
	// Sized up front: growing by doubling would hold up to twice the
	// memory at a province's scale.
	c.MemberStart = append(make([]int32, 0, capacity+1), 0)
	c.EarnerStart = append(make([]int32, 0, capacity+1), 0)
	c.Region = make([]int32, 0, capacity)
	c.Urban = make([]bool, 0, capacity)
	for _, col := range []*[]int32{&c.Other, &c.Medical, &c.Education, &c.VehicleMax, &c.Current, &c.ExitStart} {
		*col = make([]int32, 0, capacity)
	}
	c.Financial = make([]int64, 0, capacity)
	for _, col := range []*[]uint8{&c.Vehicles, &c.Homes, &c.Businesses} {
		*col = make([]uint8, 0, capacity)
	}
	return c
}

// Fallbacks is the number of households that take the one-household path.
func (c *Columns) Fallbacks() int { return len(c.fallback) }

// Len is the number of households.
func (c *Columns) Len() int { return len(c.Region) }

func (c *Columns) regionOf(code string) int32 {
	if i, ok := c.regionIx[code]; ok {
		return i
	}
	i := int32(len(c.regions))
	c.regions = append(c.regions, code)
	c.regionIx[code] = i
	cc := &calc{set: c.set, region: code, month: c.month, at: c.month.First()}
	p, err := resolveSafely(cc)
	c.params = append(c.params, p)
	c.errs = append(c.errs, err)
	return i
}

func resolveSafely(cc *calc) (p *dibaoParams, err error) {
	defer func() {
		if r := recover(); r != nil {
			if m, ok := r.(error).(missing); ok {
				p, err = nil, m.err
				return
			}
			panic(r)
		}
	}()
	return cc.resolveDibao(), nil
}

func fits32(f money.Fen) bool { return f >= 0 && f <= math.MaxInt32 }

// Append adds h. Households are keyed by their position (0, 1, ...).
//
// Errors: Invalid as from Household.Validate, or a missing parameter of h's
// region.
func (c *Columns) Append(h *Household) error {
	if err := h.Validate(c.month); err != nil {
		return err
	}
	// Regions are resolved at the county: parameters are scoped no finer.
	county := h.Region[:6]
	ri := c.regionOf(county)
	if c.errs[ri] != nil {
		return c.errs[ri]
	}
	p := c.params[ri]
	cc := &calc{set: c.set, region: county, month: c.month, at: c.month.First()}
	f := cc.dibaoFactsOf(p, h, nil)
	idx := len(c.Region)
	fits := fits32(f.other) && fits32(f.medical) && fits32(f.education) && fits32(f.vehicleMax) && f.vehicles < 256 && f.homes < 256 && f.businesses < 256 && (!f.hasCurrent || fits32(f.current))
	for _, e := range f.earners {
		fits = fits && fits32(e.wage) && fits32(e.cost)
	}
	c.Region = append(c.Region, ri)
	c.Urban = append(c.Urban, f.urban)
	if h.SeparateApplicant != "" || !fits || cc.manual {
		// The one-household path decides these (and flags manual review).
		c.fallback[idx] = h
		f = &dibaoFacts{}
	}
	c.Groups = append(c.Groups, f.groups...)
	c.MemberStart = append(c.MemberStart, int32(len(c.Groups)))
	for _, e := range f.earners {
		c.Wage = append(c.Wage, int32(e.wage))
		c.Cost = append(c.Cost, int32(e.cost))
		js := int32(0)
		if !e.jobStart.IsZero() {
			js = int32(e.jobStart.Year*12 + int(e.jobStart.Month) - 1)
		}
		c.JobStart = append(c.JobStart, js)
	}
	c.EarnerStart = append(c.EarnerStart, int32(len(c.Wage)))
	c.Other = append(c.Other, int32(f.other))
	c.Medical = append(c.Medical, int32(f.medical))
	c.Education = append(c.Education, int32(f.education))
	c.Financial = append(c.Financial, int64(f.financial))
	c.Vehicles = append(c.Vehicles, uint8(f.vehicles))
	c.VehicleMax = append(c.VehicleMax, int32(f.vehicleMax))
	c.Homes = append(c.Homes, uint8(f.homes))
	c.Businesses = append(c.Businesses, uint8(f.businesses))
	cur, es := int32(-1), int32(0)
	if f.hasCurrent {
		cur = int32(f.current)
		if !f.exitStart.IsZero() {
			es = int32(f.exitStart.Year*12 + int(f.exitStart.Month) - 1)
		}
	}
	c.Current = append(c.Current, cur)
	c.ExitStart = append(c.ExitStart, es)
	return nil
}

func monthOfIndex(i int32) civil.Month {
	if i == 0 {
		return civil.Month{}
	}
	return civil.Month{Year: int(i) / 12, Month: time.Month(1 + int(i)%12)}
}

// BatchResult is one household's Dibao outcome in a batch.
type BatchResult struct {
	Verdict Verdict
	Amount  money.Fen
	// NeedsReview: a criterion had no local rule (decided on the one-household path).
	NeedsReview bool
	Err         error
}

// Evaluate decides Dibao for every household of c in parallel chunks and
// streams the outcomes: sink receives each chunk's first index and results,
// one chunk at a time (calls never overlap), in no particular order. The
// parameters were resolved once per region when the columns were built.
func (c *Columns) Evaluate(workers int, sink func(start int, rs []BatchResult) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 16384
	n := c.Len()
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]BatchResult, chunk)
			var f dibaoFacts
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				end := min(start+chunk, n)
				out := buf[:end-start]
				for i := start; i < end; i++ {
					out[i-start] = c.evalRow(i, &f)
				}
				mu.Lock()
				if firstErr == nil {
					firstErr = sink(start, out)
				}
				err := firstErr
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// evalRow rebuilds row i's facts in f (reusing its slices) and decides.
func (c *Columns) evalRow(i int, f *dibaoFacts) BatchResult {
	if h, ok := c.fallback[i]; ok {
		r, err := Calculate(c.set, Dibao, h, c.month)
		if err != nil {
			return BatchResult{Err: err}
		}
		return BatchResult{Verdict: r.Verdict, Amount: money.Fen(r.Amount), NeedsReview: r.NeedsReview}
	}
	p := c.params[c.Region[i]]
	ms, me := c.MemberStart[i], c.MemberStart[i+1]
	f.urban = c.Urban[i]
	f.n = int(me - ms)
	f.groups = c.Groups[ms:me]
	f.other = money.Fen(c.Other[i])
	f.earners = f.earners[:0]
	for e := c.EarnerStart[i]; e < c.EarnerStart[i+1]; e++ {
		f.earners = append(f.earners, earner{wage: money.Fen(c.Wage[e]), cost: money.Fen(c.Cost[e]), jobStart: monthOfIndex(c.JobStart[e])})
	}
	f.medical, f.education = money.Fen(c.Medical[i]), money.Fen(c.Education[i])
	f.financial, f.vehicles, f.vehicleMax = money.Fen(c.Financial[i]), int(c.Vehicles[i]), money.Fen(c.VehicleMax[i])
	f.homes, f.businesses = int(c.Homes[i]), int(c.Businesses[i])
	f.hasCurrent = c.Current[i] >= 0
	f.current = money.Fen(max(c.Current[i], 0))
	f.exitStart = monthOfIndex(c.ExitStart[i])
	out, err := p.decide(f, c.month, nil)
	if err != nil {
		return BatchResult{Err: err}
	}
	return BatchResult{Verdict: out.verdict, Amount: out.amount, NeedsReview: out.manual}
}
