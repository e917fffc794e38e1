package policy

import "safetynet/internal/money"

const srcCH62 = "《关于进一步加强事实无人抚养儿童保障工作的意见》(民发〔2019〕62号)；地方孤儿保障标准"

// parentUnable reports whether a parent's situation is one of CH62's: severe
// disability, serious illness, prison or detention, compulsory
// rehabilitation, other restriction of liberty, or loss of contact (the
// lasting ones for at least minMonths).
func parentUnable(p Parent, minMonths int) bool {
	switch p.Status {
	case "severe_disability", "serious_illness", "restricted":
		return true
	case "in_prison", "detained", "in_rehab", "out_of_contact":
		return p.Months >= minMonths
	}
	return false
}

// calcOrphan computes the basic living allowance for orphans and de facto
// unsupported children (孤儿、事实无人抚养儿童) among the members.
func calcOrphan(c *calc, h *Household) *Result {
	root := node("orphan", Info, srcCH62)
	res := &Result{Explanation: root}
	ageLimit := c.needCount(root, "orphan.age")
	var total money.Fen
	for i := range h.Members {
		m := &h.Members[i]
		if len(m.Parents) == 0 || m.Dead {
			continue
		}
		age := m.AgeAt(c.at)
		mn := child(root, "orphan.member", Info, "").fact("member", m.label()).fact("age", age)
		inAge := age < ageLimit
		if !inAge && m.Study != "" && m.Study != "none" {
			if v, ok := c.param(mn, "orphan.student_continue"); ok && v.Bool {
				inAge = true
			}
		}
		child(mn, "orphan.age", passFail(inAge), srcCH62).fact("age", age).fact("limit", ageLimit)
		if !inAge {
			mn.set(Fail)
			continue
		}
		if len(m.Parents) != 2 {
			mn.add(c.manualNode("orphan.parents_unknown", srcCH62))
			continue
		}
		minMonths := c.needCount(mn, "orphan.de_facto.min_months")
		std := c.needAmount(mn, "orphan.standard")
		var amount money.Fen
		switch {
		case isOrphan(m):
			amount = std
			child(mn, "orphan.orphan", Pass, srcCH62)
		default:
			a, b := m.Parents[0], m.Parents[1]
			gone := func(p Parent) bool { return p.Status == "dead" || p.Status == "missing" }
			deFacto := (parentUnable(a, minMonths) && parentUnable(b, minMonths)) ||
				(gone(a) && parentUnable(b, minMonths)) || (gone(b) && parentUnable(a, minMonths))
			child(mn, "orphan.de_facto", passFail(deFacto), srcCH62).fact("parent1", a.Status).fact("parent2", b.Status)
			if deFacto {
				amount = c.needRatio(mn, "orphan.de_facto_ratio").Of(std)
			}
		}
		if amount > 0 {
			total += amount
			res.Members++
			res.Lines = append(res.Lines, Line{m.label(), Yuan(amount)})
			mn.set(Pass)
		} else {
			mn.set(Fail)
		}
	}
	if res.Members == 0 {
		res.Verdict = Ineligible
		root.set(Fail)
		return res
	}
	res.Verdict, res.Amount = Eligible, Yuan(total)
	root.set(Pass)
	return res
}
