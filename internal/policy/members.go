package policy

// Co-residing family members (共同生活的家庭成员), DB57 Art. 7, with the local
// additions the parameters carry.

const srcDB57Art7 = "民发〔2021〕57号第七条"

// memberRules are the parameters of DB57 Art. 7 for one region and month.
type memberRules struct {
	clergyYears       int
	excludeConscripts bool
	cohabitMin        int
	cohabitMinSet     bool
	unmarriedMax      int
	unmarriedMaxSet   bool
}

func (c *calc) memberRules(n *Node) memberRules {
	var r memberRules
	r.clergyYears = c.needCount(n, "dibao.members.clergy_years")
	if v, ok := c.param(n, "dibao.members.exclude_conscripts"); ok {
		r.excludeConscripts = v.Bool
	}
	if v, ok := c.param(n, "dibao.members.cohabit_min_years"); ok {
		r.cohabitMin, r.cohabitMinSet = v.Count, true
	}
	if v, ok := c.param(n, "dibao.members.unmarried_child_max_age"); ok {
		r.unmarriedMax, r.unmarriedMaxSet = v.Count, true
	}
	return r
}

// counts decides whether m is a co-residing member, and why: the rule name
// of the inclusion or exclusion, and whether a caseworker must confirm it.
func (r *memberRules) counts(m *Member, age int) (counted bool, rule string, manual bool) {
	switch {
	case m.Dead:
		return false, "member.dead", false
	case m.InPrison || m.InRehab:
		return false, "member.excluded_custody", false
	case m.Missing:
		return false, "member.excluded_missing", false
	case m.ClergyAwayYears >= r.clergyYears && m.ClergyAwayYears > 0:
		return false, "member.excluded_clergy", false
	case m.Conscript && r.excludeConscripts:
		return false, "member.excluded_conscript", false
	}
	switch m.Relationship {
	case "applicant":
		return true, "member.applicant", false
	case "spouse":
		return true, "member.spouse", false
	case "child":
		switch {
		case age < 18:
			return true, "member.minor_child", false
		case m.Study == "compulsory" || m.Study == "senior" || m.Study == "vocational" || m.Study == "undergraduate":
			return true, "member.student_child", false
		case m.severeDisability() || m.CannotLiveIndependently:
			return true, "member.dependent_child", false
		case r.unmarriedMaxSet && !m.Married && age < r.unmarriedMax:
			return true, "member.unmarried_child", false
		case m.Study == "postgraduate":
			return false, "member.postgraduate_child", false
		default:
			return false, "member.independent_child", false
		}
	}
	if !m.livesTogether() {
		return false, "member.not_coresident", false
	}
	duty := m.Relationship == "parent" || m.Relationship == "parent_in_law" || m.Relationship == "grandparent" || m.Relationship == "grandchild"
	if m.SupportDuty != nil {
		duty = *m.SupportDuty
	}
	if !duty {
		return false, "member.no_support_duty", false
	}
	if r.cohabitMinSet {
		if m.CohabitYears == nil {
			return true, "member.cohabit_unknown", true
		}
		if *m.CohabitYears < r.cohabitMin {
			return false, "member.cohabit_short", false
		}
	}
	return true, "member.supported_coresident", false
}

// applyMemberRules applies the rules to every member and explains each
// decision under n.
func (c *calc) applyMemberRules(h *Household, r *memberRules, n *Node) []*Member {
	var out []*Member
	for i := range h.Members {
		m := &h.Members[i]
		age := m.AgeAt(c.at)
		ok, rule, manual := r.counts(m, age)
		o := Pass
		if !ok {
			o = Fail
		}
		if manual {
			o = Manual
			c.manual = true
		}
		child(n, rule, o, "").fact("member", m.label()).fact("relationship", m.Relationship).fact("age", age)
		if ok {
			out = append(out, m)
		}
	}
	n.fact("counted", len(out))
	return out
}
