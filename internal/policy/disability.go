package policy

import "safetynet/internal/money"

const srcDIS52 = "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》(国发〔2015〕52号)"

// calcDisability computes the two subsidies for persons with disabilities
// (残疾人两项补贴) for every certified member: the living subsidy for those
// in Dibao households (extendable to marginal households), and the care
// subsidy for grades 1 and 2 (extendable to grade 3-4 intellectual or
// mental disability).
func calcDisability(c *calc, h *Household) *Result {
	root := node("disability", Info, srcDIS52)
	res := &Result{Explanation: root}
	onDibao := has(h.Enrolled, "dibao")
	marginal := has(h.Enrolled, "marginal")
	var total money.Fen
	for i := range h.Members {
		m := &h.Members[i]
		if m.DisabilityGrade == 0 || m.Dead {
			continue
		}
		mn := child(root, "disability.member", Info, "").fact("member", m.label()).fact("category", m.DisabilityCategory).fact("grade", m.DisabilityGrade)
		living := onDibao
		if !living && marginal {
			if v, ok := c.param(mn, "disability.living.extend_marginal"); ok && v.Bool {
				living = true
			}
		}
		child(mn, "disability.living", passFail(living), srcDIS52).fact("dibao", onDibao).fact("marginal", marginal)
		paid := false
		if living {
			key := "disability.living.other"
			if m.DisabilityGrade <= 2 {
				key = "disability.living.severe"
			}
			a := c.needAmount(mn, key)
			total += a
			res.Lines = append(res.Lines, Line{m.label() + " living", Yuan(a)})
			paid = true
		}
		care := m.DisabilityGrade <= 2
		if !care && (m.DisabilityCategory == "intellectual" || m.DisabilityCategory == "mental") {
			if v, ok := c.param(mn, "disability.care.extend_mental"); ok && v.Bool {
				care = true
			}
		}
		child(mn, "disability.care", passFail(care), srcDIS52).fact("grade", m.DisabilityGrade)
		if care {
			a := c.needAmount(mn, "disability.care.amount")
			total += a
			res.Lines = append(res.Lines, Line{m.label() + " care", Yuan(a)})
			paid = true
		}
		mn.set(passFail(paid))
		if paid {
			res.Members++
		}
	}
	if res.Members == 0 {
		child(root, "disability.none", Fail, srcDIS52)
		res.Verdict = Ineligible
		root.set(Fail)
		return res
	}
	res.Verdict, res.Amount = Eligible, Yuan(total)
	root.set(Pass)
	return res
}
