package policy

import (
	"safetynet/internal/civil"
	"safetynet/internal/money"
)

const (
	srcSAIM9   = "《社会救助暂行办法》第九条"
	srcSAIM12  = "《社会救助暂行办法》第十二条；民发〔2021〕57号第二十三条"
	srcSAIM12b = "《社会救助暂行办法》第十二条第二款"
	srcIncome  = "民发〔2021〕57号（收入计算）；地方收入核算办法"
	srcAssets  = "民发〔2021〕57号（财产认定）；地方财产标准"
	srcExit    = "民发〔2021〕57号（渐退）；地方渐退办法"
	srcSep     = "民发〔2021〕57号（单独提出申请）；《关于进一步做好困难群众基本生活保障工作的通知》(2020)"
)

// Supplement groups of SAIM Art. 12 para. 2 (分类施保), as a bit mask.
const (
	groupMinor uint8 = 1 << iota
	groupElderly
	groupSevere
	groupIll
)

// earner is a counted member's wage, for deductions and disregards.
type earner struct {
	wage, cost money.Fen
	jobStart   civil.Month
	label      string
}

// dibaoFacts are the household facts the Dibao decision reads once the
// members have been counted and excluded incomes set aside. The batch
// engine stores them as columns.
type dibaoFacts struct {
	urban      bool
	n          int
	other      money.Fen // counted income other than wages
	earners    []earner
	medical    money.Fen
	education  money.Fen
	financial  money.Fen
	vehicles   int
	vehicleMax money.Fen
	homes      int
	businesses int
	groups     []uint8 // per counted member
	labels     []string
	hasCurrent bool
	current    money.Fen
	exitStart  civil.Month
}

// dibaoFactsOf counts h's members and incomes under p, explaining under n.
func (c *calc) dibaoFactsOf(p *dibaoParams, h *Household, n *Node) *dibaoFacts {
	mn := child(n, "members", Info, srcDB57Art7)
	p.use(mn, "dibao.members.clergy_years", "dibao.members.exclude_conscripts", "dibao.members.cohabit_min_years", "dibao.members.unmarried_child_max_age")
	counted := c.applyMemberRules(h, &p.members, mn)
	f := &dibaoFacts{urban: h.Hukou == "urban", n: len(counted)}
	in := child(n, "income.items", Info, srcIncome)
	p.use(in, "dibao.income.excluded")
	for _, m := range counted {
		var g uint8
		age := m.AgeAt(c.at)
		if age < 18 {
			g |= groupMinor
		}
		if p.elderlyAge > 0 && age >= p.elderlyAge {
			g |= groupElderly
		}
		if m.severeDisability() {
			g |= groupSevere
		}
		if m.SeriousIllness {
			g |= groupIll
		}
		f.groups = append(f.groups, g)
		if n != nil {
			f.labels = append(f.labels, m.label())
		}
		var wage, cost money.Fen
		for _, it := range m.Incomes {
			if has(p.excluded, it.Kind) {
				child(in, "income.excluded", Info, "").fact("member", m.label()).fact("kind", it.Kind).fact("amount", it.Amount)
				continue
			}
			child(in, "income.counted", Info, "").fact("member", m.label()).fact("kind", it.Kind).fact("amount", it.Amount)
			if it.Kind == "wage" {
				wage += money.Fen(it.Amount)
				cost += money.Fen(it.Cost)
			} else {
				f.other += money.Fen(it.Amount)
			}
		}
		if wage > 0 {
			f.earners = append(f.earners, earner{wage: wage, cost: cost, jobStart: m.JobStart, label: m.label()})
		}
	}
	if in != nil && !p.excludedSet {
		child(in, "income.no_exclusion_list", Info, "")
	}
	f.medical, f.education = money.Fen(h.Expenses.Medical), money.Fen(h.Expenses.Education)
	a := h.Assets
	f.financial, f.vehicles, f.vehicleMax, f.homes, f.businesses = money.Fen(a.Financial), a.Vehicles, money.Fen(a.VehicleValue), a.Homes, a.Businesses
	if h.Current != nil {
		f.hasCurrent, f.current, f.exitStart = true, money.Fen(h.Current.Amount), h.Current.ExitStart
	}
	return f
}

// dibaoOutcome is the decision on a household's facts.
type dibaoOutcome struct {
	verdict Verdict
	amount  money.Fen
	manual  bool
	income  money.Fen // counted monthly income
	std     money.Fen
}

// explainStandard records, under n, the standard std used for the hukou
// type (urban or rural) and the parameter it comes from.
func (p *dibaoParams) explainStandard(n *Node, urban bool, std money.Fen) {
	if n == nil {
		return
	}
	sn := child(n, "standard", Info, "《社会救助暂行办法》第十条")
	p.use(sn, "dibao.standard."+hukouName(urban))
	sn.fact("standard", std).fact("hukou", hukouName(urban))
}

// countedIncome applies deductions and disregards to the facts' incomes.
func (p *dibaoParams) countedIncome(f *dibaoFacts, std money.Fen, month civil.Month, n *Node) (money.Fen, error) {
	total := f.other
	for _, e := range f.earners {
		w := e.wage
		en := child(n, "income.wage", Info, srcIncome)
		if en != nil {
			en.fact("member", e.label).fact("wage", e.wage)
		}
		switch p.empDeduct {
		case "declared":
			d := min(e.cost, w)
			w -= d
			if en != nil {
				en.fact("deduction", d)
			}
			p.use(en, "dibao.income.employment_deduction")
		case "standard_share":
			basis := std
			if p.empBasisUrban {
				u, err := p.standard(true)
				if err != nil {
					return 0, err
				}
				basis = u
			}
			d := min(p.empShare.Of(basis), w)
			w -= d
			if en != nil {
				en.fact("deduction", d)
			}
			p.use(en, "dibao.income.employment_deduction", "dibao.income.employment_deduction_share", "dibao.income.employment_deduction_basis")
		default:
			// No local employment deduction: the sentence says 0 deducted.
			if en != nil {
				en.fact("deduction", money.Fen(0))
			}
		}
		// Zhejiang 条例 Art. 50: a Dibao member's new employment income, so
		// only while the household receives Dibao (f.hasCurrent).
		if p.disregardSet && f.hasCurrent && !e.jobStart.IsZero() && e.jobStart.Compare(month) <= 0 && month.Compare(e.jobStart.Add(p.disregardMonths)) < 0 {
			d := min(p.disregardCap.Of(std), w)
			w -= d
			if en != nil {
				child(en, "income.new_job_disregard", Info, "《浙江省社会救助条例》第五十条等地方规定").fact("job_start", e.jobStart).fact("disregarded", d)
			}
			p.use(en, "dibao.income.new_job_disregard_months", "dibao.income.new_job_disregard_cap")
		}
		if en != nil {
			en.fact("counted", w)
		}
		total += w
	}
	if p.deductMedical && f.medical > 0 {
		total -= f.medical
		if n != nil {
			p.use(child(n, "income.deduct_medical", Info, srcIncome).fact("amount", f.medical), "dibao.income.deduct_medical")
		}
	}
	if p.deductEducation && f.education > 0 {
		total -= f.education
		if n != nil {
			p.use(child(n, "income.deduct_education", Info, srcIncome).fact("amount", f.education), "dibao.income.deduct_education")
		}
	}
	if total < 0 {
		total = 0
	}
	return total, nil
}

// assetsOK applies the local asset rules; a holding with no local rule is
// left to the caseworker (manual).
func (p *dibaoParams) assetsOK(f *dibaoFacts, std money.Fen, n *Node) (ok, manual bool) {
	an := child(n, "assets", Info, srcAssets)
	ok = true
	// check records one asset rule; hv and lv are the holding and the limit,
	// amounts in fen when money is true, else counts.
	check := func(rule string, held, set, pass bool, key string, hv, lv int64, isMoney bool) {
		if !held && !set {
			return
		}
		var o Outcome
		switch {
		case !set:
			o, manual = Manual, true
		case pass:
			o = Pass
		default:
			o, ok = Fail, false
		}
		if an == nil {
			return
		}
		if !set {
			c := child(an, "assets.no_rule", Manual, "").fact("asset", rule[len("assets."):])
			if isMoney {
				c.fact("held", money.Fen(hv))
			} else {
				c.fact("held", hv)
			}
			p.use(c, key)
			return
		}
		c := child(an, rule, o, "")
		if isMoney {
			c.fact("held", money.Fen(hv)).fact("limit", money.Fen(lv))
		} else {
			c.fact("held", hv).fact("limit", lv)
		}
		p.use(c, key)
	}
	limit := money.Fen(int64(std) * int64(p.finMonths) * int64(f.n))
	check("assets.financial", f.financial > 0, p.finSet, f.financial <= limit, "dibao.asset.financial_months", int64(f.financial), int64(limit), true)
	check("assets.vehicles", f.vehicles > 0, p.maxVehiclesSet, f.vehicles <= p.maxVehicles, "dibao.asset.max_vehicles", int64(f.vehicles), int64(p.maxVehicles), false)
	check("assets.vehicle_value", f.vehicles > 0 && f.vehicleMax > 0, p.vehicleMaxSet, f.vehicleMax <= p.vehicleMax, "dibao.asset.vehicle_value_max", int64(f.vehicleMax), int64(p.vehicleMax), true)
	check("assets.homes", f.homes > 1, p.maxHomesSet, f.homes <= p.maxHomes, "dibao.asset.max_homes", int64(f.homes), int64(p.maxHomes), false)
	check("assets.business", f.businesses > 0, p.businessSet, p.businessAllowed || f.businesses == 0, "dibao.asset.business_allowed", int64(f.businesses), 0, false)
	an.set(passFail(ok))
	if ok && manual {
		an.set(Manual)
	}
	return ok, manual
}

// decide is the Dibao decision on a household's facts, shared by the
// one-household path (with n, to explain) and the batch engine (n nil).
func (p *dibaoParams) decide(f *dibaoFacts, month civil.Month, n *Node) (dibaoOutcome, error) {
	var out dibaoOutcome
	std, err := p.standard(f.urban)
	if err != nil {
		return out, err
	}
	out.std = std
	p.explainStandard(n, f.urban, std)
	if f.n == 0 {
		child(n, "members.none_counted", Fail, srcDB57Art7)
		out.verdict = Ineligible
		return out, nil
	}
	income, err := p.countedIncome(f, std, month, n)
	if err != nil {
		return out, err
	}
	out.income = income
	assetsOK, manual := p.assetsOK(f, std, n)
	out.manual = manual
	line := money.Fen(int64(std) * int64(f.n))
	below := income < line
	if n != nil {
		child(n, "below_standard", passFail(below), srcSAIM9).
			fact("income", income).fact("members", f.n).fact("per_capita", mulDiv(income, 1, int64(f.n))).fact("standard", std).fact("line", line)
	}
	if below && assetsOK {
		out.verdict = Eligible
		out.amount, err = p.benefit(f, std, income, n)
		return out, err
	}
	out.verdict = Ineligible
	if below || !assetsOK {
		return out, nil
	}
	// Not below the standard: a household already on Dibao may have a
	// gradual exit (渐退期) where the locality provides one.
	if !f.hasCurrent {
		return out, nil
	}
	en := child(n, "exit", Info, srcExit)
	if !p.exitSet {
		child(en, "exit.no_rule", Fail, "")
		return out, nil
	}
	p.use(en, "dibao.exit.months", "dibao.exit.max_ratio", "dibao.exit.schedule")
	if p.exitMaxSet && p.exitMax.Cmp(income, line) >= 0 {
		if en != nil {
			child(en, "exit.income_too_high", Fail, "").fact("income", income).fact("limit", p.exitMax.Of(line))
		}
		return out, nil
	}
	k := 0
	if !f.exitStart.IsZero() {
		k = monthsBetween(f.exitStart, month)
	}
	if k >= p.exitMonths {
		if en != nil {
			child(en, "exit.ended", Fail, "").fact("month", k+1).fact("months", p.exitMonths)
		}
		return out, nil
	}
	share := R(1, 1)
	if k < len(p.exitSchedule) {
		share = p.exitSchedule[k]
	}
	out.verdict = GradualExit
	out.amount = round(share.Of(f.current), p.rounding)
	if en != nil {
		child(en, "exit.paid", Pass, "").fact("month", k+1).fact("months", p.exitMonths).fact("share", share).fact("previous", f.current).fact("amount", out.amount)
	}
	return out, nil
}

// benefit is the monthly amount for an eligible household: the gap or the
// tier, plus the classified supplements, rounded once.
func (p *dibaoParams) benefit(f *dibaoFacts, std, income money.Fen, n *Node) (money.Fen, error) {
	line := money.Fen(int64(std) * int64(f.n))
	var base money.Fen
	if p.method == "tiered" {
		tn := child(n, "benefit.tiered", Info, srcSAIM12)
		p.use(tn, "dibao.method", "dibao.tiers")
		found := false
		for _, t := range p.tiers {
			if t.Below.Cmp(income, line) < 0 {
				base = money.Fen(int64(t.Pay.Of(std)) * int64(f.n))
				if tn != nil {
					tn.fact("tier_below", t.Below).fact("pay", t.Pay).fact("amount", base)
				}
				found = true
				break
			}
		}
		if !found {
			return 0, NotSet("dibao.tiers", p.region, p.at)
		}
	} else {
		base = line - income
		if n != nil {
			p.use(child(n, "benefit.gap", Info, srcSAIM12).fact("line", line).fact("income", income).fact("amount", base), "dibao.method")
		}
	}
	total := base
	if p.suppSet != [4]bool{} {
		sn := child(n, "supplements", Info, srcSAIM12b)
		p.use(sn, "dibao.supplement.elderly_age", "dibao.supplement.cumulative")
		for i, g := range f.groups {
			var best, sum money.Fen
			for k := range 4 {
				if g&(1<<k) != 0 && p.suppSet[k] {
					sum += p.supp[k]
					best = max(best, p.supp[k])
					if sn != nil {
						p.use(sn, suppKeys[k])
					}
				}
			}
			add := best
			if p.cumulative {
				add = sum
			}
			if add > 0 {
				total += add
				if sn != nil {
					child(sn, "supplement.member", Info, "").fact("member", f.labels[i]).fact("amount", add)
				}
			}
		}
	}
	total = round(total, p.rounding)
	if n != nil {
		p.use(child(n, "benefit.total", Info, "").fact("amount", total), "dibao.rounding")
	}
	return total, nil
}

func monthsBetween(a, b civil.Month) int {
	return (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
}

// calcDibao is the Dibao calculator: the household route, or the separate
// (single-person) route when the input names a separate applicant.
func calcDibao(c *calc, h *Household) *Result {
	p := c.resolveDibao()
	root := node("dibao", Info, srcSAIM9)
	f := c.dibaoFactsOf(p, h, root)
	if h.SeparateApplicant != "" {
		return c.dibaoSeparate(p, h, f, root)
	}
	out, err := p.decide(f, c.month, root)
	if err != nil {
		panic(error(missing{asApp(err)}))
	}
	root.set(verdictOutcome(out.verdict))
	return &Result{Verdict: out.verdict, Amount: Yuan(out.amount), Members: f.n, NeedsReview: out.manual, Explanation: root}
}

func verdictOutcome(v Verdict) Outcome {
	if v == Eligible || v == GradualExit {
		return Pass
	}
	return Fail
}

// hukouName is the code of a hukou type, as the input and the parameter
// keys write it (codeWords names it for people).
func hukouName(urban bool) string {
	if urban {
		return "urban"
	}
	return "rural"
}
