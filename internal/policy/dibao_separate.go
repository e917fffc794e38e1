package policy

import (
	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// dibaoSeparate is the separate (single-person household, 单人户) route of
// DB57: a severely disabled or seriously ill member of a low-income
// marginal household may be included on their own.
func (c *calc) dibaoSeparate(p *dibaoParams, h *Household, f *dibaoFacts, root *Node) *Result {
	fail := func() *Result {
		root.set(Fail)
		return &Result{Verdict: Ineligible, Members: 1, Explanation: root}
	}
	sn := root.add(node("separate", Info, srcSep))
	std, err := p.standard(f.urban)
	if err != nil {
		panic(error(missing{asApp(err)}))
	}
	income, err := p.countedIncome(f, std, c.month, nil)
	if err != nil {
		panic(error(missing{asApp(err)}))
	}
	line := money.Fen(int64(std) * int64(max(f.n, 1)))
	maxRatio := c.needRatio(sn, "dibao.separate.max_ratio")
	notBelow := income >= line
	child(sn, "separate.household_not_below", passFail(notBelow), srcSAIM9).fact("income", income).fact("line", line)
	if !notBelow {
		return fail()
	}
	// Below the ratio (national: "below 1.5x"); a locality that says "not
	// above" (Hengyang: ≤2x) includes the bound itself.
	cmpMax := maxRatio.Cmp(income, line)
	within := cmpMax < 0
	if v, ok := c.param(sn, "dibao.separate.max_inclusive"); ok && v.Bool {
		within = cmpMax <= 0
	}
	sn.add(node("separate.household_marginal", passFail(within), srcSep)).fact("income", income).fact("limit", maxRatio.Of(line)).fact("ratio", maxRatio)
	if !within {
		return fail()
	}
	if ok, manual := p.assetsOK(f, std, sn); !ok {
		return fail()
	} else if manual {
		c.manual = true
	}
	var m *Member
	for i := range h.Members {
		if h.Members[i].ID == h.SeparateApplicant {
			m = &h.Members[i]
		}
	}
	disabled := m.severeDisability()
	clergy := m.ClergyAwayYears > 0 && m.ClergyAwayYears >= p.members.clergyYears
	qualifies := disabled || m.SeriousIllness || clergy
	sn.add(node("separate.person", passFail(qualifies), srcSep)).fact("member", m.label()).
		fact("disability_grade", m.DisabilityGrade).fact("serious_illness", m.SeriousIllness)
	if !qualifies {
		return fail()
	}
	var own money.Fen
	for _, it := range m.Incomes {
		if !has(p.excluded, it.Kind) {
			own += money.Fen(it.Amount)
		}
	}
	gap := std - own
	floor := money.Fen(0)
	if disabled {
		if v, ok := c.param(sn, "dibao.separate.min_share.disability"); ok {
			floor = max(floor, v.Ratio.Of(std))
		}
	}
	if m.SeriousIllness {
		if v, ok := c.param(sn, "dibao.separate.min_share.illness"); ok {
			floor = max(floor, v.Ratio.Of(std))
		}
	}
	amount := max(gap, floor)
	child(sn, "separate.amount", Info, srcSAIM12).fact("standard", std).fact("own_income", own).fact("gap", max(gap, 0)).fact("floor", floor).fact("amount", max(amount, 0))
	if amount <= 0 {
		return fail()
	}
	amount = round(amount, p.rounding)
	root.set(Pass)
	return &Result{Verdict: Eligible, Amount: Yuan(amount), Members: 1, Explanation: root}
}

func asApp(err error) *apperr.Error {
	if e := apperr.As(err); e != nil {
		return e
	}
	return apperr.Errorf(apperr.Internal, "%v", err)
}
