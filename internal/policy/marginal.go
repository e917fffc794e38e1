package policy

import (
	"safetynet/internal/money"
)

const (
	srcMarginal = "《关于进一步做好困难群众基本生活保障工作的通知》(2020)；民发〔2021〕57号"
	srcRigid    = "《刚性支出困难家庭认定办法》(2024)"
)

// householdIncome counts h's members and monthly income as Dibao does, for
// the programs defined against the Dibao standard.
func (c *calc) householdIncome(h *Household, n *Node) (p *dibaoParams, f *dibaoFacts, std, income money.Fen) {
	p = c.resolveDibao()
	f = c.dibaoFactsOf(p, h, n)
	std, err := p.standard(f.urban)
	if err != nil {
		panic(error(missing{asApp(err)}))
	}
	p.explainStandard(n, f.urban, std)
	income, err = p.countedIncome(f, std, c.month, n)
	if err != nil {
		panic(error(missing{asApp(err)}))
	}
	return p, f, std, income
}

// calcMarginal classifies a low-income marginal household (低保边缘家庭):
// per-capita income not below the Dibao standard and below marginal.ratio
// times it, assets within local rules, not already on Dibao or Tekun.
// Income exactly at the standard counts as marginal, so that no household
// falls between the two programs (Dibao requires strictly below).
func calcMarginal(c *calc, h *Household) *Result {
	root := node("marginal", Info, srcMarginal)
	res := &Result{Explanation: root}
	onOther := has(h.Enrolled, "dibao") || has(h.Enrolled, "tekun")
	child(root, "not_enrolled_dibao_tekun", passFail(!onOther), srcMarginal)
	p, f, std, income := c.householdIncome(h, root)
	res.Members = f.n
	if f.n == 0 {
		child(root, "members.none_counted", Fail, srcDB57Art7)
		res.Verdict = Ineligible
		return res
	}
	line := money.Fen(int64(std) * int64(f.n))
	ratio := c.needRatio(root, "marginal.ratio")
	upper := ratio.Of(line)
	upperPerCapita := ratio.Of(std)
	if v, ok := c.param(root, "marginal.cap_min_wage"); ok && v.Bool {
		mw := c.needAmount(root, "region.min_wage")
		if mw < upperPerCapita {
			upperPerCapita = mw
			upper = money.Fen(int64(mw) * int64(f.n))
			child(root, "marginal.capped_min_wage", Info, "《浙江省社会救助条例》第十三条").fact("min_wage", mw)
		}
	}
	notBelow := income >= line
	child(root, "marginal.not_below_standard", passFail(notBelow), srcMarginal).fact("income", income).fact("line", line)
	below := income < upper
	child(root, "marginal.below_ratio", passFail(below), srcMarginal).fact("income", income).fact("limit", upper).fact("ratio", ratio).fact("per_capita_limit", upperPerCapita)
	assetsOK, manual := p.assetsOK(f, std, root)
	res.NeedsReview = manual
	if !onOther && notBelow && below && assetsOK {
		res.Verdict = Eligible
		root.set(Pass)
	} else {
		res.Verdict = Ineligible
		root.set(Fail)
	}
	return res
}

// calcRigid classifies a rigid-expenditure-hardship household (RIG24).
func calcRigid(c *calc, h *Household) *Result {
	root := node("rigid", Info, srcRigid)
	res := &Result{Explanation: root}
	p, f, std, income := c.householdIncome(h, root)
	res.Members = f.n
	if f.n == 0 || h.Rigid == nil {
		if h.Rigid == nil {
			child(root, "rigid.no_expenditure", Fail, srcRigid)
		}
		res.Verdict = Ineligible
		return res
	}
	line := money.Fen(int64(std) * int64(f.n))
	enrolled := has(h.Enrolled, "dibao") || has(h.Enrolled, "tekun") || has(h.Enrolled, "marginal")
	ratio := c.needRatio(root, "marginal.ratio")
	wouldBe := income < ratio.Of(line)
	other := enrolled || wouldBe
	child(root, "rigid.not_other_program", passFail(!other), srcRigid).fact("enrolled", enrolled).fact("income", income).fact("marginal_limit", ratio.Of(line))
	dispo := c.needAmount(root, "region.disposable_income")
	annualPerCapita := mulDiv(income*12, 1, int64(f.n))
	belowAvg := annualPerCapita < dispo
	child(root, "rigid.below_disposable", passFail(belowAvg), srcRigid).fact("annual_per_capita", annualPerCapita).fact("disposable_income", dispo)
	assetsOK, manual := p.assetsOK(f, std, root)
	res.NeedsReview = manual
	r := h.Rigid
	spend := money.Fen(r.Living + r.Medical + r.Education + r.Rehab + r.Other)
	share := c.needRatio(root, "rigid.expense_share")
	total := money.Fen(r.Income)
	over := spend > 0 && (total == 0 || share.Cmp(spend, total) > 0)
	child(root, "rigid.expense_share", passFail(over), srcRigid).fact("expenditure", spend).fact("income_12m", total).fact("threshold", share)
	if !other && belowAvg && assetsOK && over {
		res.Verdict = Eligible
		months := c.needCount(root, "rigid.validity_months")
		res.ValidUntil = c.month.Add(months - 1)
		child(root, "rigid.valid_until", Info, srcRigid).fact("valid_until", res.ValidUntil)
		root.set(Pass)
	} else {
		res.Verdict = Ineligible
		root.set(Fail)
	}
	return res
}
