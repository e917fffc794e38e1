package policy

import (
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
)

var (
	relationships = []string{"applicant", "spouse", "child", "parent", "parent_in_law", "grandparent",
		"grandchild", "sibling", "child_in_law", "other"}
	studies     = []string{"", "none", "preschool", "compulsory", "senior", "vocational", "undergraduate", "postgraduate"}
	adlItems    = []string{"eating", "dressing", "bed", "toilet", "walking", "bathing"}
	selfCares   = []string{"", "self", "partial", "full"}
	parentSits  = []string{"alive", "dead", "missing", "severe_disability", "serious_illness", "in_prison", "detained", "in_rehab", "out_of_contact", "restricted"}
	disCats     = []string{"", "visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"}
	enrolments  = []string{"dibao", "tekun", "marginal", "rigid_expense"}
	linshiTypes = []string{"urgent", "expenditure", "no_income"}
	residences  = []string{"", "local_hukou", "residence_permit", "other"}
)

// pensionKinds are incomes a child cannot draw.
var pensionKinds = []string{"pension", "basic_pension_central"}

// Validate checks h for malformed and contradictory input: unknown codes, a
// region that is not at least a county, no members or no applicant, a child
// recorded as drawing a pension, a disability grade outside 1 to 4.
//
// Errors: Invalid naming the field ("members[2].incomes[0].kind").
func (h *Household) Validate(month civil.Month) error {
	var errs apperr.List
	if len(h.Region) < 6 || len(h.Region) > 12 || !digits(h.Region) {
		errs.Addf("region", "%q is not a region code of a county or below (6 to 12 digits)", h.Region)
	}
	if h.Hukou != "urban" && h.Hukou != "rural" {
		errs.Addf("hukou", "%q is not urban or rural", h.Hukou)
	}
	if len(h.Members) == 0 {
		errs.Addf("members", "a household needs at least one member")
	}
	for _, e := range h.Enrolled {
		if !has(enrolments, e) {
			errs.Addf("enrolled", "%q is not one of %v", e, enrolments)
		}
	}
	at := month.First()
	applicants := 0
	ids := map[string]bool{}
	for i := range h.Members {
		m := &h.Members[i]
		f := fmt.Sprintf("members[%d]", i)
		if m.ID == "" {
			m.ID = fmt.Sprintf("m%d", i+1)
		}
		if ids[m.ID] {
			errs.Addf(f+".id", "id %q is used twice", m.ID)
		}
		ids[m.ID] = true
		if !has(relationships, m.Relationship) {
			errs.Addf(f+".relationship", "%q is not one of %v", m.Relationship, relationships)
		}
		if m.Relationship == "applicant" {
			applicants++
		}
		switch {
		case m.Age == nil && m.Birth.IsZero():
			errs.Addf(f+".birth", "give a birth date or an age")
		case m.Age != nil && (*m.Age < 0 || *m.Age > 130):
			errs.Addf(f+".age", "%d is not an age", *m.Age)
		case m.Age == nil && m.Birth.After(at.AddDays(31)):
			errs.Addf(f+".birth", "born %s, after the month calculated", m.Birth)
		}
		if !has(studies, m.Study) {
			errs.Addf(f+".study", "%q is not one of %v", m.Study, studies[1:])
		}
		if !has(disCats, m.DisabilityCategory) {
			errs.Addf(f+".disability_category", "%q is not one of %v", m.DisabilityCategory, disCats[1:])
		}
		if m.DisabilityGrade < 0 || m.DisabilityGrade > 4 {
			errs.Addf(f+".disability_grade", "grade %d is not 1 to 4", m.DisabilityGrade)
		}
		if m.DisabilityGrade > 0 && m.DisabilityCategory == "" {
			errs.Addf(f+".disability_category", "a disability grade needs its category")
		}
		for _, a := range m.ADLFailed {
			if !has(adlItems, a) {
				errs.Addf(f+".adl_failed", "%q is not one of %v", a, adlItems)
			}
		}
		if !has(selfCares, m.SelfCare) {
			errs.Addf(f+".self_care", "%q is not one of %v", m.SelfCare, selfCares[1:])
		}
		age := m.AgeAt(at)
		for j, in := range m.Incomes {
			g := fmt.Sprintf("%s.incomes[%d]", f, j)
			if !has(incomeKinds, in.Kind) {
				errs.Addf(g+".kind", "%q is not one of %v", in.Kind, incomeKinds)
			}
			if has(pensionKinds, in.Kind) && age < 16 && in.Amount > 0 {
				errs.Addf(g+".kind", "a %d-year-old is recorded as drawing a pension", age)
			}
			if in.Cost > in.Amount {
				errs.Addf(g+".cost", "employment cost %s is more than the income %s", in.Cost.String(), in.Amount.String())
			}
		}
		for j, p := range m.Parents {
			if !has(parentSits, p.Status) {
				errs.Addf(fmt.Sprintf("%s.parents[%d].status", f, j), "%q is not one of %v", p.Status, parentSits)
			}
		}
		for _, g := range m.Groups {
			if !has(priceGroups, g) {
				errs.Addf(f+".groups", "%q is not one of %v", g, priceGroups)
			}
		}
		if m.Dead && m.Relationship == "applicant" {
			errs.Addf(f+".dead", "the applicant is recorded as dead")
		}
	}
	if len(h.Members) > 0 && applicants != 1 {
		errs.Addf("members", "a household needs exactly one member with relationship applicant, not %d", applicants)
	}
	if h.SeparateApplicant != "" && !ids[h.SeparateApplicant] {
		errs.Addf("separate_applicant", "no member has id %q", h.SeparateApplicant)
	}
	if l := h.Linshi; l != nil {
		if !has(linshiTypes, l.Type) {
			errs.Addf("linshi.type", "%q is not one of %v", l.Type, linshiTypes)
		}
		if !has(residences, l.Residence) {
			errs.Addf("linshi.residence", "%q is not one of %v", l.Residence, residences[1:])
		}
		if l.MonthsWithoutIncome < 0 {
			errs.Addf("linshi.months_without_income", "cannot be negative")
		}
	}
	if p := h.Price; p != nil && p.Month.IsZero() {
		errs.Addf("price.month", "the index month is needed")
	}
	if c := h.Current; c != nil && !c.ExitStart.IsZero() && c.ExitStart.Compare(month) > 0 {
		errs.Addf("current.exit_start", "the exit starts in %s, after the month calculated", c.ExitStart)
	}
	return errs.Err()
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
