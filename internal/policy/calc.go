package policy

import (
	"errors"
	"fmt"
	"slices"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// Program names an assistance program.
type Program string

const (
	Dibao             Program = "dibao"              // 最低生活保障
	Tekun             Program = "tekun"              // 特困人员救助供养
	Marginal          Program = "marginal"           // 低保边缘家庭
	RigidExpense      Program = "rigid_expense"      // 刚性支出困难家庭
	Linshi            Program = "linshi"             // 临时救助
	PriceSubsidy      Program = "price_subsidy"      // 价格临时补贴
	DisabilitySubsidy Program = "disability_subsidy" // 残疾人两项补贴
	OrphanAllowance   Program = "orphan_allowance"   // 孤儿、事实无人抚养儿童基本生活费
)

// Programs lists every program in the order screens show them.
var Programs = []Program{Dibao, Tekun, Marginal, RigidExpense, Linshi, PriceSubsidy, DisabilitySubsidy, OrphanAllowance}

// calculators maps each program to its calculator. Each is a pure function of
// the household, the month and the parameters: no I/O, no clock.
var calculators = map[Program]func(*calc, *Household) *Result{
	Dibao:             calcDibao,
	Tekun:             calcTekun,
	Marginal:          calcMarginal,
	RigidExpense:      calcRigid,
	Linshi:            calcLinshi,
	PriceSubsidy:      calcPrice,
	DisabilitySubsidy: calcDisability,
	OrphanAllowance:   calcOrphan,
}

// ParseProgram reads a program name.
//
// Errors: Invalid listing the programs.
func ParseProgram(s string) (Program, error) {
	p := Program(s)
	if _, ok := calculators[p]; !ok {
		return "", apperr.Fieldf("program", "%q is not a program; want one of %v", s, Programs)
	}
	return p, nil
}

// Calculate runs program's calculator for h in month with the parameters of
// set, and returns its verdict, amount and explanation.
//
// Errors: Invalid for an unknown program, contradictory or malformed input
// (the field names the member and item), or a required parameter with no
// value (the field is "parameters.<key>", the message names region and date).
func Calculate(set *Set, program Program, h *Household, month civil.Month) (res *Result, err error) {
	f, ok := calculators[program]
	if !ok {
		_, err := ParseProgram(string(program))
		return nil, err
	}
	if month.IsZero() {
		return nil, apperr.Fieldf("month", "a month is needed")
	}
	if err := h.Validate(month); err != nil {
		return nil, err
	}
	c := &calc{set: set, region: h.Region, month: month, at: month.First()}
	defer func() {
		if r := recover(); r != nil {
			var m missing
			if e, ok := r.(error); ok && errors.As(e, &m) {
				res, err = nil, m.err
				return
			}
			panic(r)
		}
	}()
	res = f(c, h)
	res.Program, res.Region, res.Month = program, h.Region, month
	res.NeedsReview = res.NeedsReview || c.manual
	return res, nil
}

// calc carries one calculation's parameters and records what it used.
type calc struct {
	set    *Set
	region string
	month  civil.Month
	at     civil.Date
	manual bool
}

// missing is raised (as a panic, caught in Calculate) when a required
// parameter has no value: a calculation cannot go on without it, and
// threading the error through every step would bury the rules.
type missing struct{ err *apperr.Error }

func (m missing) Error() string { return m.err.Error() }

// param resolves key and records its use on n. A required key with no value
// aborts the calculation with a NotSet error; an optional one returns false.
func (c *calc) param(n *Node, key string) (Value, bool) {
	return c.paramAt(n, key, c.at)
}

func (c *calc) paramAt(n *Node, key string, at civil.Date) (Value, bool) {
	d, ok := Lookup(key)
	if !ok {
		panic(fmt.Sprintf("policy: unknown parameter %q", key))
	}
	p, ok := c.set.Resolve(key, c.region, at)
	if !ok {
		return Value{}, false
	}
	if n != nil && !slices.ContainsFunc(n.Params, func(u ParamUse) bool { return u.Key == key }) {
		n.Params = append(n.Params, ParamUse{Key: key, Value: d.Format(p.Value), Scope: Scope(p.Region),
			Region: p.Region, From: p.From, Source: p.Source})
	}
	return p.Value, true
}

// need resolves a parameter the calculation cannot do without.
func (c *calc) need(n *Node, key string) Value {
	v, ok := c.param(n, key)
	if !ok {
		panic(error(missing{NotSet(key, c.region, c.at)}))
	}
	return v
}

func (c *calc) needAmount(n *Node, key string) money.Fen { return c.need(n, key).Amount }
func (c *calc) needRatio(n *Node, key string) Ratio      { return c.need(n, key).Ratio }
func (c *calc) needCount(n *Node, key string) int        { return c.need(n, key).Count }

// standard returns the Dibao standard for the household's hukou type.
func (c *calc) standard(n *Node, hukou string) money.Fen {
	if hukou == "urban" {
		return c.needAmount(n, "dibao.standard.urban")
	}
	return c.needAmount(n, "dibao.standard.rural")
}

// round applies a rounding parameter ("fen" or "yuan") once, at the end.
func round(f money.Fen, how string) money.Fen {
	if how == "yuan" {
		return mulDiv(f, 1, 100) * 100
	}
	return f
}

// manualNode records a criterion that no local rule decides.
func (c *calc) manualNode(rule, source string) *Node {
	c.manual = true
	return node(rule, Manual, source)
}
