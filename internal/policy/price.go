package policy

import (
	"safetynet/internal/civil"
	"safetynet/internal/money"
)

const srcPL = "发改价格〔2021〕1553号；2016年价格联动机制；地方实施办法"

// calcPrice evaluates the price-linked temporary subsidy (价格临时补贴) for
// the index month: a trigger (CPI or food CPI year on year at or above its
// threshold) starts it; the amount per covered person is the Dibao standard
// times the rise of the index that triggered (the higher if both); without a
// trigger it stops (NotTriggered). Parameters are taken at the index month,
// so temporary thresholds apply to the index months of their period.
func calcPrice(c *calc, h *Household) *Result {
	root := node("price", Info, srcPL)
	res := &Result{Explanation: root}
	pi := h.Price
	if pi == nil {
		child(root, "price.no_index", Fail, srcPL)
		res.Verdict = Ineligible
		return res
	}
	at := pi.Month.First()
	tn := child(root, "price.trigger", Info, srcPL)
	tCPI := c.needAt(tn, "price.trigger.cpi", at).Ratio
	tFood := c.needAt(tn, "price.trigger.food", at).Ratio
	cpiHit := !pi.CPI.Less(tCPI)
	foodHit := !pi.Food.Less(tFood)
	child(tn, "price.trigger.cpi", passFail(cpiHit), "").fact("index_month", pi.Month).fact("cpi", pi.CPI.Ratio).fact("threshold", tCPI)
	child(tn, "price.trigger.food", passFail(foodHit), "").fact("index_month", pi.Month).fact("food", pi.Food.Ratio).fact("threshold", tFood)
	if !cpiHit && !foodHit {
		tn.set(Fail)
		root.set(Fail)
		child(root, "price.stop", Info, srcPL)
		res.Verdict = NotTriggered
		return res
	}
	tn.set(Pass)
	groups := c.needAt(root, "price.groups", at).List
	gn := child(root, "price.covered", Info, srcPL)
	covered := 0
	for i := range h.Members {
		m := &h.Members[i]
		if m.Dead {
			continue
		}
		var in string
		for _, g := range append(append([]string{}, h.Enrolled...), m.Groups...) {
			if has(groups, g) {
				in = g
				break
			}
		}
		child(gn, "price.member", passFail(in != ""), "").fact("member", m.label()).fact("group", in)
		if in != "" {
			covered++
		}
	}
	res.Members = covered
	if covered == 0 {
		res.Verdict = Ineligible
		root.set(Fail)
		return res
	}
	an := child(root, "price.amount", Info, srcPL)
	c.needAt(an, "price.formula", at)
	std := c.standard(an, h.Hukou)
	var per money.Fen
	if cpiHit {
		per = pi.CPI.Of(std)
	}
	if foodHit {
		per = max(per, pi.Food.Of(std))
	}
	per = round(per, c.needAt(an, "price.rounding", at).Enum)
	if v, ok := c.paramAt(an, "price.min_amount", at); ok {
		per = max(per, v.Amount)
	}
	total := money.Fen(int64(per) * int64(covered))
	an.fact("standard", std).fact("per_person", per).fact("persons", covered).fact("amount", total)
	res.Verdict, res.Amount = Eligible, Yuan(total)
	root.set(Pass)
	return res
}

// needAt is need for a parameter taken at another day than the month's
// first (the price index month).
func (c *calc) needAt(n *Node, key string, at civil.Date) Value {
	v, ok := c.paramAt(n, key, at)
	if !ok {
		panic(error(missing{NotSet(key, c.region, at)}))
	}
	return v
}
