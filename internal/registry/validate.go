package registry

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
)

// MaxNameLen is the longest name accepted, in characters. Names of ethnic
// minorities written in Chinese characters with a middle dot can be long.
const MaxNameLen = 50

// Validate checks a household and its members as entered, normalising ID
// numbers, and filling each person's sex and birth date from the ID number.
// Field paths are JSON paths: "region_code", "members[2].person.id_number".
// today bounds birth and death dates. Errors: Invalid, listing every fault.
func (h *Household) Validate(scope Scope, today civil.Date) error {
	var l apperr.List
	h.validateOwn(&l, scope)
	if len(h.Members) == 0 {
		l.Addf("members", "a household needs at least one member")
	}
	heads := 0
	seen := map[string]int{}
	for i := range h.Members {
		m := &h.Members[i]
		p := fmt.Sprintf("members[%d]", i)
		if m.Relationship == RelHead {
			heads++
		}
		l.Add(p, m.Validate(today))
		if n := m.Person.IDNumber; n != "" {
			if j, dup := seen[n]; dup {
				l.Addf(p+".person.id_number", "the same ID number is entered for members %d and %d", j+1, i+1)
			}
			seen[n] = i
		}
	}
	if len(h.Members) > 0 && heads != 1 {
		l.Addf("members", "a household has exactly one head, this one has %d", heads)
	}
	return l.Err()
}

// ValidateOwn checks the household's own fields, not its members.
func (h *Household) ValidateOwn(scope Scope) error {
	var l apperr.List
	h.validateOwn(&l, scope)
	return l.Err()
}

func (h *Household) validateOwn(l *apperr.List, scope Scope) {
	h.RegionCode = strings.TrimSpace(h.RegionCode)
	h.Address = strings.TrimSpace(h.Address)
	switch lv, ok := region.LevelOf(h.RegionCode); {
	case !ok || lv < region.Township:
		l.Addf("region_code", "the household's region must be a township (9 digits) or village (12 digits)")
	case !region.Within(h.RegionCode, scope.Region):
		l.Addf("region_code", "region %s is outside your jurisdiction", h.RegionCode)
	case !knownRegion(h.RegionCode):
		l.Addf("region_code", "region %s is not a known township or village", h.RegionCode)
	default:
		h.CountyCode = region.CountyOf(h.RegionCode)
	}
	if h.Address == "" {
		l.Addf("address", "the address is required")
	} else if utf8.RuneCountInString(h.Address) > 200 {
		l.Addf("address", "the address is longer than 200 characters")
	}
	if !oneOf(h.HukouType, HukouTypes) {
		l.Addf("hukou_type", "the hukou type must be urban or rural")
	}
	if h.ResidenceRegion != "" {
		if lv, ok := region.LevelOf(h.ResidenceRegion); !ok || lv < region.County || !knownRegion(h.ResidenceRegion) {
			l.Addf("residence_region", "region %s is not a known county, township or village", h.ResidenceRegion)
		}
	}
	h.BankAccount = strings.ReplaceAll(strings.TrimSpace(h.BankAccount), " ", "")
	if a := h.BankAccount; a != "" {
		if len(a) < 8 || len(a) > 32 || strings.Trim(a, "0123456789") != "" {
			l.Addf("bank_account", "a bank account number has 8 to 32 digits")
		}
		if strings.TrimSpace(h.BankHolder) == "" {
			l.Addf("bank_holder", "the account holder's name is required with an account number")
		}
	}
}

// knownRegion accepts a code known to the division table; a village that
// has not been imported is accepted when its township is known, so that a
// county can register households before loading its village list.
func knownRegion(code string) bool {
	t := region.Embedded()
	if _, ok := t.Get(code); ok {
		return true
	}
	if len(code) == 12 {
		_, ok := t.Get(code[:9])
		return ok
	}
	return false
}

// Validate checks a membership and its person.
func (m *Member) Validate(today civil.Date) error {
	var l apperr.List
	if !oneOf(m.Relationship, Relationships) {
		l.Addf("relationship", "unknown relationship %q", string(m.Relationship))
	}
	if !m.LeftOn.IsZero() && m.LeftOn.Before(m.JoinedOn) {
		l.Addf("left_on", "the member left (%s) before joining (%s)", m.LeftOn, m.JoinedOn)
	}
	l.Add("person", m.Person.Validate(today))
	return l.Err()
}

// Validate checks a person, normalising the ID number and setting sex and
// birth date from it.
func (p *Person) Validate(today civil.Date) error {
	var l apperr.List
	p.Name = strings.TrimSpace(p.Name)
	switch n := utf8.RuneCountInString(p.Name); {
	case n == 0:
		l.Addf("name", "the name is required")
	case n > MaxNameLen:
		l.Addf("name", "the name is longer than %d characters", MaxNameLen)
	}
	p.IDNumber = idcard.Normalize(p.IDNumber)
	if p.IDNumber == "" {
		l.Addf("id_number", "the ID number is required")
	} else if id, err := idcard.ParseAt(p.IDNumber, today); err != nil {
		l.Add("id_number", err)
	} else {
		p.IDNumber = id.Number
		p.Birth = id.Birth
		p.Sex = Female
		if id.Male() {
			p.Sex = Male
		}
	}
	p.Phone = strings.ReplaceAll(strings.TrimSpace(p.Phone), " ", "")
	if ph := strings.ReplaceAll(p.Phone, "-", ""); ph != "" && (len(ph) < 7 || len(ph) > 15 || strings.Trim(ph, "0123456789") != "") {
		l.Addf("phone", "a phone number has 7 to 15 digits")
	}
	if p.HukouRegion != "" {
		if _, ok := region.LevelOf(p.HukouRegion); !ok || !knownRegion(p.HukouRegion) && !knownRegion(p.HukouRegion[:min(6, len(p.HukouRegion))]) {
			l.Addf("hukou_region", "region %s is not a known region", p.HukouRegion)
		}
	}
	enum := func(field string, ok bool, v string) {
		if v != "" && !ok {
			l.Addf(field, "unknown value %q", v)
		}
	}
	enum("school_status", oneOf(p.SchoolStatus, SchoolStatuses), string(p.SchoolStatus))
	enum("employment_status", oneOf(p.EmploymentStatus, EmploymentStatuses), string(p.EmploymentStatus))
	enum("labour_capacity", oneOf(p.LabourCapacity, LabourCapacities), string(p.LabourCapacity))
	enum("disability_category", oneOf(p.DisabilityCategory, DisabilityCategories), string(p.DisabilityCategory))
	enum("self_care", oneOf(p.SelfCare, SelfCareLevels), string(p.SelfCare))
	switch {
	case p.DisabilityGrade < 0 || p.DisabilityGrade > 4:
		l.Addf("disability_grade", "the disability grade is 1 (most severe) to 4")
	case p.DisabilityGrade > 0 && p.DisabilityCategory == "":
		l.Addf("disability_category", "a disability grade needs a category")
	case p.DisabilityGrade == 0 && p.DisabilityCategory != "":
		l.Addf("disability_grade", "a disability category needs a grade")
	}
	if utf8.RuneCountInString(p.SeriousIllness) > 100 {
		l.Addf("serious_illness", "the illness is longer than 100 characters")
	}
	if !p.Death.IsZero() {
		switch {
		case !p.Birth.IsZero() && p.Death.Before(p.Birth):
			l.Addf("death_date", "the date of death %s is before the birth date %s", p.Death, p.Birth)
		case p.Death.After(today):
			l.Addf("death_date", "the date of death %s is in the future", p.Death)
		}
	}
	return l.Err()
}

// Validate checks an income record.
func (in *Income) Validate() error {
	var l apperr.List
	if !oneOf(in.Type, IncomeTypes) {
		l.Addf("type", "unknown income type %q", string(in.Type))
	}
	if in.Month.IsZero() {
		l.Addf("month", "the month is required")
	}
	if in.Amount < 0 {
		l.Addf("amount", "an income cannot be negative (record costs as employment_cost)")
	}
	if in.EmploymentCost < 0 {
		l.Addf("employment_cost", "an employment cost cannot be negative")
	}
	if in.Amount > 1e12 || in.EmploymentCost > 1e12 {
		l.Addf("amount", "the amount is implausibly large")
	}
	return l.Err()
}

// Validate checks an asset record.
func (a *Asset) Validate() error {
	var l apperr.List
	if !oneOf(a.Type, AssetTypes) {
		l.Addf("type", "unknown asset type %q", string(a.Type))
	}
	if a.Value < 0 {
		l.Addf("value", "a value cannot be negative")
	}
	if a.Area < 0 {
		l.Addf("area", "an area cannot be negative")
	}
	if a.ValidFrom.IsZero() {
		l.Addf("valid_from", "the date the asset was acquired is required")
	}
	if !a.ValidTo.IsZero() && a.ValidTo.Before(a.ValidFrom) {
		l.Addf("valid_to", "the asset ends before it starts")
	}
	if utf8.RuneCountInString(a.Description) > 200 {
		l.Addf("description", "the description is longer than 200 characters")
	}
	return l.Err()
}
