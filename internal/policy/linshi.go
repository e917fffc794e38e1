package policy

import "safetynet/internal/money"

const (
	srcSAIM47 = "《社会救助暂行办法》第四十七条至第四十九条"
	srcTA23   = "民发〔2018〕23号（急难型、支出型）"
	srcTA47   = "国发〔2014〕47号（申请地）"
	srcNoInc  = "《关于进一步做好困难群众基本生活保障工作的通知》(2020)；2022年通知"
)

// calcLinshi decides temporary assistance (临时救助) and its amount: the
// need, capped at a multiple of the monthly Dibao standard per person or per
// household, with an urgent-type floor and the assist-first limit where the
// locality sets them.
func calcLinshi(c *calc, h *Household) *Result {
	root := node("linshi", Info, srcSAIM47)
	res := &Result{Explanation: root}
	l := h.Linshi
	if l == nil {
		child(root, "linshi.no_request", Fail, srcSAIM47)
		res.Verdict = Ineligible
		return res
	}
	switch l.Residence {
	case "other":
		child(root, "linshi.residence_other", Info, srcTA47)
		res.Route = "assistance_agency"
	default:
		child(root, "linshi.residence_local", Pass, srcTA47).fact("residence", l.Residence)
	}
	p, f, std, income := c.householdIncome(h, root)
	n := max(f.n, 1)
	res.Members = n
	eligible := true
	var capAmount money.Fen
	switch l.Type {
	case "urgent":
		child(root, "linshi.urgent", Pass, srcTA23)
	case "expenditure":
		dispo := c.needAmount(root, "region.disposable_income")
		annual := mulDiv(income*12, 1, int64(n))
		ok := annual < dispo
		child(root, "linshi.expenditure_income", passFail(ok), srcTA23).fact("annual_per_capita", annual).fact("disposable_income", dispo)
		// TA23: the expenditure type also requires assets within the
		// local rules (a holding with no local rule goes to a caseworker).
		assetsOK, manual := p.assetsOK(f, std, root)
		if manual {
			c.manual = true
		}
		eligible = ok && assetsOK
	case "no_income":
		months := c.needCount(root, "linshi.no_income.months")
		okMonths := l.MonthsWithoutIncome >= months
		child(root, "linshi.no_income.months", passFail(okMonths), srcNoInc).fact("months", l.MonthsWithoutIncome).fact("required", months)
		child(root, "linshi.no_income.uninsured", passFail(!l.UnemploymentInsurance), srcNoInc)
		onDibao := has(h.Enrolled, "dibao")
		child(root, "linshi.no_income.not_dibao", passFail(!onDibao), srcNoInc)
		eligible = okMonths && !l.UnemploymentInsurance && !onDibao
		if v, ok := c.param(root, "linshi.no_income.cap_months"); ok {
			urban := c.needAmount(root, "dibao.standard.urban")
			capAmount = v.Ratio.Of(urban)
		}
	}
	need := money.Fen(l.Need)
	positive := need > 0
	child(root, "linshi.need", passFail(positive), srcSAIM47).fact("need", need)
	if !eligible || !positive {
		res.Verdict = Ineligible
		root.set(Fail)
		return res
	}
	cn := child(root, "linshi.cap", Info, "《社会救助暂行办法》第四十九条；地方临时救助标准")
	if capAmount == 0 {
		key := "linshi.cap_multiple"
		if l.Special {
			if _, ok := c.set.Resolve("linshi.cap_multiple_special", c.region, c.at); ok {
				key = "linshi.cap_multiple_special"
			}
		}
		mult := c.needRatio(cn, key)
		capAmount = mult.Of(std)
		if c.need(cn, "linshi.cap_basis").Enum == "person" {
			capAmount = money.Fen(int64(capAmount) * int64(n))
		}
	}
	amount := min(need, capAmount)
	if l.Type == "urgent" {
		if v, ok := c.param(cn, "linshi.urgent_min_multiple"); ok {
			floor := v.Ratio.Of(std)
			amount = min(capAmount, max(amount, floor))
			cn.fact("floor", floor)
		}
	}
	rounding := c.need(cn, "dibao.rounding").Enum
	amount = round(amount, rounding)
	cn.fact("standard", std).fact("members", n).fact("cap", capAmount).fact("need", need).fact("amount", amount)
	if l.AssistFirst {
		an := child(root, "linshi.assist_first", Info, "先行救助（地方办事指南）")
		if v, ok := c.param(an, "linshi.assist_first_max"); ok {
			allowed := amount <= v.Amount
			an.set(passFail(allowed)).fact("amount", amount).fact("limit", v.Amount)
			if allowed && res.Route == "" {
				res.Route = "assist_first"
			}
		} else {
			an.add(c.manualNode("linshi.assist_first_no_limit", ""))
		}
	}
	res.Verdict, res.Amount = Eligible, Yuan(amount)
	root.set(Pass)
	return res
}
