package monitor

import (
	"math"
	"slices"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// Window is the number of months "recent" signals look back: medical
// costs "within 3 months" (issue 6), and the months before them that a
// change is measured against.
const Window = 3

// Household is what the facts of a household's members are built from.
type Household struct {
	// Snapshot is the household as the registry has it on the day.
	Snapshot *registry.Snapshot
	// Recent and Earlier are the departments' findings by person id over
	// the last Window months and the Window months before them, with assets
	// as of the day and as of Window months earlier (verify.Matcher).
	Recent, Earlier map[int64]*verify.Finding
	// Programs are the programs the household receives; Categories the
	// monitored-population categories it falls in.
	Programs   []string
	Categories []string
}

// Periods returns the recent and the earlier period for a run on day.
func Periods(day civil.Date) (recent, earlier verify.Period) {
	recent = verify.PeriodBefore(day, Window)
	earlier = verify.PeriodBefore(day.AddMonths(-Window), Window)
	return recent, earlier
}

// Subjects builds one Subject per current member of h for a run on day,
// with the parameters in force in the household's region.
func Subjects(h Household, set *policy.Set, day civil.Date) []Subject {
	hh := &h.Snapshot.Household
	recent, _ := Periods(day)
	params := paramFacts(set, hh.RegionCode, day)
	hf := HouseholdFacts{Region: hh.RegionCode, Programs: h.Programs, Categories: h.Categories, Standard: standard(set, hh, day)}
	declared := h.Snapshot.LatestIncomes(day.MonthOf())
	var income money.Fen
	var members []*registry.Member
	held := declaredAssets(h.Snapshot)
	for i := range hh.Members {
		m := &hh.Members[i]
		if !m.Active(day) {
			continue
		}
		members = append(members, m)
		now, before := h.Recent[m.Person.ID], h.Earlier[m.Person.ID]
		alive := m.Person.Death.IsZero() && (now == nil || now.Death.IsZero())
		if alive {
			hf.Size++
		}
		for _, t := range registry.IncomeTypes {
			v := declared[registry.IncomeKey{Person: m.Person.ID, Type: t}].Amount
			if now != nil && now.Income[t] > 0 {
				v = now.Income[t] / Window // verified replaces declared where a department reports it
			}
			income += v
		}
		if now != nil {
			hf.MedicalOOP3m += yuan(now.MedicalOutOfPocket)
			hf.Vehicles += now.Assets[registry.AssetVehicle].Count
			hf.Businesses += now.Assets[registry.AssetBusiness].Count
			hf.Homes += now.Assets[registry.AssetRealEstate].Count
			if !now.Death.IsZero() && m.Person.Death.IsZero() && len(h.Programs) > 0 {
				hf.RecipientDied = true
			}
			if !now.Death.IsZero() && !now.Death.Before(recent.From.First()) && earned(before) {
				hf.EarnerDied = true
			}
			// A member hit by a disaster or an accident in the recent
			// months or since (emergency management's data).
			if !now.Disaster.IsZero() && !now.Disaster.Before(recent.From.First()) {
				hf.Disaster = true
			}
		}
		if before != nil {
			hf.NewVehicle = hf.NewVehicle || now != nil && now.Assets[registry.AssetVehicle].Count > before.Assets[registry.AssetVehicle].Count
			hf.NewBusiness = hf.NewBusiness || now != nil && now.Assets[registry.AssetBusiness].Count > before.Assets[registry.AssetBusiness].Count
		} else if now != nil {
			hf.NewVehicle = hf.NewVehicle || now.Assets[registry.AssetVehicle].Count > 0 && !slices.Contains(held, registry.AssetVehicle)
			hf.NewBusiness = hf.NewBusiness || now.Assets[registry.AssetBusiness].Count > 0 && !slices.Contains(held, registry.AssetBusiness)
		}
	}
	if hf.Size > 0 {
		hf.IncomePerCapita = yuan(income) / float64(hf.Size)
	}
	head := headOf(hh, members)
	var out []Subject
	for _, m := range members {
		p := m.Person
		now, before := h.Recent[p.ID], h.Earlier[p.ID]
		pf := PersonFacts{ID: p.ID, Head: m == head, Age: p.Birth.YearsAt(day), Deceased: !p.Death.IsZero(), DisabilityGrade: p.DisabilityGrade,
			SeriousIllness: p.SeriousIllness != "", InSchool: inSchool(p.SchoolStatus)}
		if now != nil {
			pf.Deceased = pf.Deceased || !now.Death.IsZero()
			// A grade 1 or 2 certificate the registry does not record yet.
			if now.DisabilityGrade >= 1 && now.DisabilityGrade <= 2 && (p.DisabilityGrade == 0 || p.DisabilityGrade > 2) {
				pf.NewSevereDisability = true
				pf.DisabilityGrade = now.DisabilityGrade
			}
			pf.LeftSchool = now.School == "left"
			pf.InSchool = pf.InSchool && !pf.LeftSchool || now.School == "enrolled"
			pf.Earner = earned(now)
			pf.MedicalOOP3m = yuan(now.MedicalOutOfPocket)
			pf.UnemploymentStarted = now.UnemploymentMonths > 0 && (before == nil || before.UnemploymentMonths == 0)
		}
		pf.ContributionsStopped = before != nil && before.ContributionMonths > 0 && (now == nil || now.ContributionMonths == 0)
		out = append(out, Subject{Person: pf, Household: hf, Params: params})
	}
	return out
}

func yuan(f money.Fen) float64 { return float64(f) / 100 }

// earned reports whether a finding shows wage or business income.
func earned(f *verify.Finding) bool {
	return f != nil && (f.Income[registry.IncomeWage] > 0 || f.Income[registry.IncomeBusiness] > 0)
}

func inSchool(s registry.SchoolStatus) bool {
	return s != "" && s != registry.SchoolNone && s != registry.SchoolDropout
}

// declaredAssets lists the asset types the household has declared.
func declaredAssets(s *registry.Snapshot) []registry.AssetType {
	var out []registry.AssetType
	for _, a := range s.Assets {
		if !slices.Contains(out, a.Type) {
			out = append(out, a.Type)
		}
	}
	return out
}

// headOf returns the member recorded as head, or the first member.
func headOf(h *registry.Household, members []*registry.Member) *registry.Member {
	for _, m := range members {
		if m.Relationship == registry.RelHead {
			return m
		}
	}
	if len(members) > 0 {
		return members[0]
	}
	return nil
}

// standard is the monthly Dibao standard for the household, NaN where the
// region has none.
func standard(set *policy.Set, h *registry.Household, day civil.Date) float64 {
	key := "dibao.standard.rural"
	if h.HukouType == registry.Urban {
		key = "dibao.standard.urban"
	}
	return amountParam(set, key, h.RegionCode, day)
}

func paramFacts(set *policy.Set, region string, day civil.Date) ParamFacts {
	return ParamFacts{MedicalMultiple: ratioParam(set, "monitor.medical.multiple", region, day), MarginalRatio: ratioParam(set, "marginal.ratio", region, day)}
}

func amountParam(set *policy.Set, key, region string, day civil.Date) float64 {
	p, ok := set.Resolve(key, region, day)
	if !ok {
		return math.NaN()
	}
	return yuan(p.Value.Amount)
}

func ratioParam(set *policy.Set, key, region string, day civil.Date) float64 {
	p, ok := set.Resolve(key, region, day)
	if !ok {
		return math.NaN()
	}
	r := p.Value.Ratio
	if r.Den == 0 {
		return math.NaN()
	}
	return float64(r.Num) / float64(r.Den)
}
