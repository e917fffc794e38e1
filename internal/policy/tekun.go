package policy

import (
	"safetynet/internal/money"
)

const (
	srcSAIM14 = "《社会救助暂行办法》第十四条；民发〔2021〕43号"
	srcTK6    = "民发〔2021〕43号第六条"
	srcTKCap  = "民发〔2021〕43号（无劳动能力认定，贵州实施细则转述）"
	srcTKSup  = "民发〔2021〕43号（法定义务人无履行能力，贵州实施细则转述）"
	srcTKCare = "民发〔2021〕43号（生活自理能力评估）；地方照料护理标准"
	srcOrphan = "特困与孤儿重叠的，纳入孤儿保障（2016年办法，大洼区转述）"
)

// selfCareLevel classifies the six daily-living items of TK43: none failed
// is full self-care, one to three partial loss, four or more complete loss.
func selfCareLevel(m *Member) string {
	if len(m.ADLFailed) == 0 && m.SelfCare != "" {
		return m.SelfCare
	}
	switch k := len(m.ADLFailed); {
	case k == 0:
		return "self"
	case k <= 3:
		return "partial"
	default:
		return "full"
	}
}

func isOrphan(m *Member) bool {
	if len(m.Parents) < 2 {
		return false
	}
	for _, p := range m.Parents {
		if p.Status != "dead" && p.Status != "missing" {
			return false
		}
	}
	return true
}

func applicantOf(h *Household) *Member {
	for i := range h.Members {
		if h.Members[i].Relationship == "applicant" {
			return &h.Members[i]
		}
	}
	return &h.Members[0]
}

// calcTekun decides special-hardship support (特困) for the applicant: no
// capacity to work, no source of living, no supporter able to support
// (SAIM Art. 14), and the monthly basic living and care standards.
func calcTekun(c *calc, h *Household) *Result {
	root := node("tekun", Info, srcSAIM14)
	res := &Result{Members: 1, Explanation: root}
	m := applicantOf(h)
	age := m.AgeAt(c.at)
	minorAge := c.needCount(nil, "tekun.age.minor")
	elderly := c.needCount(nil, "tekun.age.elderly")

	// A minor who also meets the orphan criteria goes to orphan protection:
	// the orphan age (and a local continuation for students) decides, not
	// the Tekun minor age, which some localities set lower (Shanghai 16).
	orphanAge := minorAge
	if v, ok := c.param(nil, "orphan.age"); ok {
		orphanAge = v.Count
	}
	inOrphanAge := age < orphanAge
	if !inOrphanAge && m.Study != "" && m.Study != "none" {
		if v, ok := c.param(nil, "orphan.student_continue"); ok && v.Bool {
			inOrphanAge = true
		}
	}
	if inOrphanAge && isOrphan(m) {
		on := child(root, "tekun.orphan_route", Fail, srcOrphan).fact("member", m.label()).fact("age", age)
		c.param(on, "orphan.age")
		res.Verdict, res.Route = Ineligible, "orphan_allowance"
		root.set(Fail)
		return res
	}

	// 1. No capacity to work.
	cn := child(root, "tekun.no_capacity", Info, srcTKCap)
	c.param(cn, "tekun.age.minor")
	c.param(cn, "tekun.age.elderly")
	var capRule string
	switch {
	case age >= elderly:
		capRule = "tekun.capacity.elderly"
	case age < minorAge && !(age >= 16 && m.LabourIncomeMain):
		capRule = "tekun.capacity.minor"
	case age >= minorAge && (m.Study == "compulsory" || m.Study == "senior" || m.Study == "vocational"):
		capRule = "tekun.capacity.student"
	case (m.DisabilityCategory == "intellectual" || m.DisabilityCategory == "mental") && m.DisabilityGrade >= 1 && m.DisabilityGrade <= 3,
		m.DisabilityCategory == "physical" && m.DisabilityGrade >= 1 && m.DisabilityGrade <= 2,
		m.DisabilityCategory == "visual" && m.DisabilityGrade == 1:
		capRule = "tekun.capacity.disability"
	case m.NoCapacityOther:
		capRule = "tekun.capacity.other"
	}
	noCapacity := capRule != ""
	if !noCapacity {
		capRule = "tekun.capacity.has"
	}
	child(cn, capRule, passFail(noCapacity), "").fact("member", m.label()).fact("age", age).
		fact("disability", m.DisabilityCategory).fact("grade", m.DisabilityGrade).fact("study", m.Study)
	cn.set(passFail(noCapacity))

	// 2. No source of living: own income below the Dibao standard, with the
	// TK43 Art. 6 exclusions, and assets within the local limits.
	ln := child(root, "tekun.no_income", Info, srcTK6)
	std := c.standard(ln, h.Hukou)
	excl, _ := c.param(ln, "tekun.income.excluded")
	var own money.Fen
	for _, it := range m.Incomes {
		if has(excl.List, it.Kind) {
			child(ln, "income.excluded", Info, "").fact("member", m.label()).fact("kind", it.Kind).fact("amount", it.Amount)
			continue
		}
		own += money.Fen(it.Amount)
	}
	noIncome := own < std
	child(ln, "tekun.income_below", passFail(noIncome), srcTK6).fact("income", own).fact("standard", std)
	assetsOK := true
	switch {
	case m.AssetsWithinLimits == nil:
		ln.add(c.manualNode("tekun.assets_unassessed", srcTK6))
	case !*m.AssetsWithinLimits:
		assetsOK = false
		child(ln, "tekun.assets_over", Fail, srcTK6)
	default:
		child(ln, "tekun.assets_within", Pass, srcTK6)
	}
	ln.set(passFail(noIncome && assetsOK))

	// 3. No legal supporter, or none able to support.
	spn := child(root, "tekun.no_supporter", Info, srcTKSup)
	unable := true
	if len(m.Supporters) == 0 {
		child(spn, "tekun.supporter.none", Pass, "")
	}
	for _, s := range m.Supporters {
		var rule string
		switch {
		case s.Tekun:
			rule = "tekun.supporter.tekun"
		case s.Dibao && s.Age >= elderly:
			rule = "tekun.supporter.dibao_elderly"
		case s.NoCivilCapacity, s.Missing, s.InPrison:
			rule = "tekun.supporter.incapacitated"
		case s.Age >= c.needCount(spn, "tekun.supporter_age") || s.SevereDisability:
			dispo := c.needAmount(spn, "region.disposable_income")
			if money.Fen(s.AnnualIncome) < dispo && s.AssetsWithinLimits {
				rule = "tekun.supporter.old_or_disabled_poor"
			}
		}
		ok := rule != ""
		if !ok {
			rule, unable = "tekun.supporter.able", false
		}
		child(spn, rule, passFail(ok), "").fact("relation", s.Relation).fact("age", s.Age)
	}
	spn.set(passFail(unable))

	if !(noCapacity && noIncome && assetsOK && unable) {
		res.Verdict = Ineligible
		root.set(Fail)
		return res
	}

	// Amount: basic living standard plus the care standard for the
	// self-care level (SAIM Art. 15; local standards).
	an := child(root, "tekun.amount", Info, srcTKCare)
	ratio := c.needRatio(an, "tekun.basic_ratio")
	basic := ratio.Of(std)
	level := selfCareLevel(m)
	child(an, "tekun.self_care", Info, srcTKCare).fact("failed_items", len(m.ADLFailed)).fact("level", level)
	var care money.Fen
	switch c.need(an, "tekun.care.method").Enum {
	case "amount":
		care = c.needAmount(an, "tekun.care."+level)
	case "min_wage_share":
		mw := c.needAmount(an, "region.min_wage_last_year")
		care = c.needRatio(an, "tekun.care.share."+level).Of(mw)
	}
	form := "dispersed"
	if m.Centralised {
		form = "centralised"
	}
	if m.Centralised || m.MentalOrInfectious {
		if up, ok := c.param(an, "tekun.care.uplift"); ok {
			care += up.Ratio.Of(care)
		}
	}
	rounding := c.need(an, "dibao.rounding").Enum
	total := round(basic+care, rounding)
	an.fact("basic", basic).fact("care", care).fact("form", form).fact("amount", total)
	res.Verdict, res.Amount = Eligible, Yuan(total)
	res.Lines = []Line{{"basic", Yuan(basic)}, {"care", Yuan(care)}}
	root.set(Pass)
	return res
}
