package policy

import (
	"strconv"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// FromSnapshot builds a calculator's input from a registry snapshot for
// month: the members as they stood then (the head as applicant), each
// person's latest declared income of each type up to the month, and the
// assets held. Facts the registry does not hold (supporters, parents,
// program-specific requests) are left for the caller to add.
func FromSnapshot(s *registry.Snapshot, month civil.Month) *Household {
	hh := &s.Household
	h := &Household{Region: hh.RegionCode, Hukou: string(hh.HukouType)}
	if h.Hukou == "" {
		h.Hukou = "rural"
	}
	// Latest declared month per person and type, up to month.
	latest := s.LatestIncomes(month)
	type key = registry.IncomeKey
	at := month.First()
	for i, m := range hh.Members {
		p := m.Person
		pm := Member{
			// Never the ID number: explanations may name the member.
			ID:                 "p" + strconv.FormatInt(p.ID, 10),
			Name:               p.Name,
			Relationship:       relationshipOf(m.Relationship),
			Birth:              p.Birth,
			Study:              studyOf(p.SchoolStatus),
			DisabilityCategory: string(p.DisabilityCategory),
			DisabilityGrade:    p.DisabilityGrade,
			SeriousIllness:     p.SeriousIllness != "",
			Dead:               !p.Death.IsZero() && !p.Death.After(at),
			NoCapacityOther:    p.LabourCapacity == registry.LabourNone,
			SelfCare:           selfCareOf(p.SelfCare),
		}
		if p.ID == 0 { // not stored yet (generated data)
			pm.ID = "m" + strconv.Itoa(i+1)
		}
		for _, t := range registry.IncomeTypes {
			if in, ok := latest[key{Person: p.ID, Type: t}]; ok && in.Amount > 0 {
				pm.Incomes = append(pm.Incomes, IncomeItem{Kind: string(t), Amount: Yuan(in.Amount), Cost: Yuan(min(in.EmploymentCost, in.Amount))})
			}
		}
		h.Members = append(h.Members, pm)
	}
	// Household-level incomes (PersonID 0) go to the applicant.
	for _, t := range registry.IncomeTypes {
		if in, ok := latest[key{Person: 0, Type: t}]; ok && in.Amount > 0 {
			for i := range h.Members {
				if h.Members[i].Relationship == "applicant" {
					h.Members[i].Incomes = append(h.Members[i].Incomes, IncomeItem{Kind: string(t), Amount: Yuan(in.Amount)})
				}
			}
		}
	}
	for _, a := range s.Assets {
		if !a.Active(at) {
			continue
		}
		switch a.Type {
		case registry.AssetDeposit, registry.AssetSecurities:
			h.Assets.Financial += Yuan(a.Value)
		case registry.AssetVehicle:
			h.Assets.Vehicles++
			h.Assets.VehicleValue = Yuan(max(money.Fen(h.Assets.VehicleValue), a.Value))
		case registry.AssetRealEstate:
			h.Assets.Homes++
		case registry.AssetBusiness:
			h.Assets.Businesses++
		}
	}
	return h
}

func relationshipOf(r registry.Relationship) string {
	if r == registry.RelHead {
		return "applicant"
	}
	return string(r)
}

func studyOf(s registry.SchoolStatus) string {
	switch s {
	case registry.SchoolPrimary, registry.SchoolJunior:
		return "compulsory"
	case registry.SchoolPreschool, registry.SchoolSenior, registry.SchoolVocational:
		return string(s)
	case registry.SchoolHigher:
		return "undergraduate"
	}
	return "none"
}

func selfCareOf(s registry.SelfCareLevel) string {
	switch s {
	case registry.SelfCareFull:
		return "self"
	case registry.SelfCarePartial:
		return "partial"
	case registry.SelfCareNone:
		return "full"
	}
	return ""
}
