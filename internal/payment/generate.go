package payment

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Options is what a generation is asked for.
type Options struct {
	// County (6 digits), Program (default Dibao) and Month name the
	// regular payroll.
	County  string
	Program policy.Program
	Month   civil.Month
	// Params are the policy parameters (payment.recompute_monthly and,
	// where it is set, the calculators').
	Params *policy.Set
	// Chunk is the number of households a transaction stores (default
	// DefaultChunk); Stale how long a generating payroll may go without a
	// chunk before another process takes it over (default StaleAfter).
	Chunk int
	Stale time.Duration
	// Started is called once the payroll is begun, resumed, begun again
	// or found approved.
	Started func(*Payroll)
	// Progress is called after each chunk.
	Progress func(*Payroll)
}

// DefaultChunk is the number of households a generation stores per
// transaction when Options.Chunk is 0. Larger chunks cost fewer commits
// and queries; each still stores the keyset, so a stopped generation
// resumes after the last chunk stored.
const DefaultChunk = 20000

// Check checks the options. Errors: Invalid naming county, program or
// month.
func (o *Options) Check() error {
	var l apperr.List
	if len(o.County) != 6 || strings.Trim(o.County, "0123456789") != "" || strings.HasSuffix(o.County, "00") {
		l.Addf("county", "a payroll is for a county (6 digits, not ending in 00), not %q", o.County)
	}
	if o.Program == "" {
		o.Program = policy.Dibao
	}
	if _, err := policy.ParseProgram(string(o.Program)); err != nil {
		l.Add("", err) // the error names its field already
	} else if o.Program == policy.Linshi || o.Program == policy.PriceSubsidy {
		l.Addf("program", "%s is paid once, not on a monthly payroll", o.Program)
	}
	if o.Month.IsZero() {
		l.Addf("month", "the month of the payroll is required (YYYY-MM)")
	}
	if o.Params == nil {
		l.Addf("params", "the policy parameters are required")
	}
	return l.Err()
}

// Generate generates the regular payroll of o.County, o.Program and
// o.Month, resumes a stopped generation, or regenerates a prepared payroll
// and returns the Diff against its previous lines. An approved payroll is
// not changed: it is returned with Again set and the Diff of what would
// differ now (corrections go into the next month as adjustments).
//
// Errors: Invalid (Check; a parameter the recomputation needs); Conflict
// when it is generating elsewhere; context and store errors (the payroll
// is then marked failed and resumes when generated again).
func Generate(ctx context.Context, st JobStore, o Options) (p *Payroll, diff *Diff, err error) {
	if err := o.Check(); err != nil {
		return nil, nil, err
	}
	stale, chunk := o.Stale, o.Chunk
	if stale <= 0 {
		stale = StaleAfter
	}
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	g := generator{o: o}
	if v, ok := o.Params.Resolve("payment.recompute_monthly", o.County, o.Month.First()); ok {
		g.recompute = v.Value.Bool
	}
	p, err = st.BeginPayroll(ctx, Key{County: o.County, Program: o.Program, Month: o.Month, Kind: Regular}, stale)
	if err == nil && o.Started != nil {
		o.Started(p)
	}
	if err != nil {
		return p, nil, err
	}
	g.p = p
	if p.Again {
		diff, err = g.compareApproved(ctx, st, chunk)
		return p, diff, err
	}
	defer func() {
		if err == nil || apperr.IsCode(err, apperr.Conflict) && ctx.Err() == nil {
			return
		}
		reason := err.Error()
		if ctx.Err() != nil {
			reason = "stopped"
		}
		if _, ferr := st.FinishPayroll(context.WithoutCancel(ctx), p, nil, Failed, reason); ferr != nil && !apperr.IsCode(ferr, apperr.Conflict) {
			err = errors.Join(err, ferr)
		}
	}()
	if err := g.generateChunks(ctx, st, chunk); err != nil {
		return p, nil, err
	}
	pend, err := st.PendingAdjustments(ctx, p)
	if err != nil {
		return p, nil, err
	}
	adj := make([]Line, 0, len(pend))
	for _, a := range pend {
		adj = append(adj, AdjustmentLine(p, &a))
	}
	diff, err = st.FinishPayroll(ctx, p, adj, Prepared, "")
	return p, diff, err
}

// generator builds the lines of one payroll.
type generator struct {
	o         Options
	p         *Payroll
	recompute bool
}

// chunk builds the lines of a chunk of households.
func (g *generator) chunk(ctx context.Context, st JobStore, srcs []Source) ([]Line, ChunkCounts, error) {
	var snaps map[int64]*registry.Snapshot
	if g.recompute {
		ids := make([]int64, len(srcs))
		for i := range srcs {
			ids[i] = srcs[i].HouseholdID
		}
		var err error
		// The household as it stood at the end of the month: one
		// registered during the month is computed too.
		if snaps, err = st.HouseholdsAt(ctx, ids, g.p.Month.Last()); err != nil {
			return nil, ChunkCounts{}, err
		}
	}
	lines := make([]Line, 0, len(srcs)+len(srcs)/8)
	var c ChunkCounts
	for i := range srcs {
		var err error
		var suspended bool
		lines, suspended, err = g.household(lines, &srcs[i], snaps[srcs[i].HouseholdID])
		if err != nil {
			return nil, c, apperr.Prefix("household "+srcs[i].HouseholdNo, err)
		}
		c.Done++
		if suspended {
			c.Suspended++
		}
	}
	return lines, c, nil
}

// household appends a household's lines: the month's, then back pay for
// the months from the payroll's BackFrom that no payroll paid. It reports
// whether the enrollment covering the month is suspended (not paid).
func (g *generator) household(lines []Line, s *Source, snap *registry.Snapshot) ([]Line, bool, error) {
	p := g.p
	paid := func(m civil.Month) bool {
		for _, x := range s.Paid {
			if x == m {
				return true
			}
		}
		return false
	}
	line := func(e *Enrolled, m civil.Month, kind string, amount money.Fen, ex Explanation) Line {
		return Line{PayrollID: p.ID, County: p.County, Region: s.Region, Program: p.Program, HouseholdID: s.HouseholdID,
			HouseholdNo: s.HouseholdNo, Payee: s.Name, EnrollmentID: e.ID, ServiceMonth: m, Kind: kind, Amount: amount,
			Explanation: ex, BankName: s.BankName, BankAccountSealed: s.BankAccountSealed, Status: LinePending}
	}
	// The month itself.
	var cur *Enrolled
	for i := range s.Enrollments {
		e := &s.Enrollments[i]
		if e.StartMonth.Compare(p.Month) <= 0 && (e.EndMonth.IsZero() || e.EndMonth.Compare(p.Month) >= 0) {
			cur = e
		}
	}
	suspended := cur != nil && cur.Status == casework.Suspended
	if cur != nil && !suspended && !paid(p.Month) {
		ex := Explanation{Reason: BecauseDecided, DecisionID: cur.DecisionID, DecidedOn: cur.DecidedOn, Since: cur.StartMonth}
		amount := cur.Amount
		// A household the registry did not know by the end of the month
		// (registered later, e.g. when records are migrated) keeps its
		// decided amount: there is nothing to recompute it from.
		if g.recompute && snap != nil {
			res, err := policy.Calculate(g.o.Params, p.Program, policy.FromSnapshot(snap, p.Month), p.Month)
			if err != nil {
				return lines, false, err
			}
			amount = money.Fen(res.Amount)
			ex.Reason, ex.Monthly = BecauseRecomputed, amount
			if amount != cur.Amount {
				ex.Decided = cur.Amount
			}
			if ex.Rules, err = json.Marshal(struct {
				Verdict     policy.Verdict `json:"verdict"`
				Lines       []policy.Line  `json:"lines,omitempty"`
				Explanation *policy.Node   `json:"explanation,omitempty"`
			}{res.Verdict, res.Lines, res.Explanation}); err != nil {
				return lines, false, err
			}
		}
		if amount > 0 {
			lines = append(lines, line(cur, p.Month, LineRegular, amount, ex))
		}
	}
	// Back pay, oldest month first: a run of months under one record is
	// explained together.
	for i := range s.Enrollments {
		e := &s.Enrollments[i]
		if e.Status == casework.Suspended || e.Amount <= 0 {
			continue // a suspended benefit is paid back only once resumed
		}
		from := later(e.StartMonth, p.BackFrom)
		to := p.Month.Add(-1)
		if !e.EndMonth.IsZero() && e.EndMonth.Compare(to) < 0 {
			to = e.EndMonth
		}
		run := len(lines)
		for m := from; m.Compare(to) <= 0; m = m.Add(1) {
			if paid(m) {
				continue
			}
			lines = append(lines, line(e, m, LineBackPay, e.Amount, Explanation{Reason: BecauseBackPay, DecisionID: e.DecisionID,
				DecidedOn: e.DecidedOn, Since: e.StartMonth, Monthly: e.Amount}))
		}
		if run < len(lines) {
			first, last := lines[run].ServiceMonth, lines[len(lines)-1].ServiceMonth
			for j := run; j < len(lines); j++ {
				lines[j].Explanation.From, lines[j].Explanation.To = first, last
			}
		}
	}
	return lines, suspended, nil
}

// later is the later of two months.
func later(a, b civil.Month) civil.Month {
	if a.Compare(b) < 0 {
		return b
	}
	return a
}

// AdjustmentLine is the line that carries a pending adjustment on p.
func AdjustmentLine(p *Payroll, a *Pending) Line {
	m := a.ServiceMonth
	if m.IsZero() {
		m = p.Month
	}
	return Line{PayrollID: p.ID, County: p.County, Region: a.Payee.Region, Program: p.Program, HouseholdID: a.HouseholdID,
		HouseholdNo: a.Payee.HouseholdNo, Payee: a.Payee.Name, EnrollmentID: a.EnrollmentID, ServiceMonth: m, Kind: LineAdjustment,
		Amount: a.Amount, Explanation: Explanation{Reason: BecauseAdjustment, Note: a.Reason, From: a.ServiceMonth},
		BankName: a.Payee.BankName, BankAccountSealed: a.Payee.BankAccountSealed, AdjustmentID: a.ID, Status: LinePending}
}
