package policy

import (
	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// dibaoParams are the Dibao parameters of one region and month, resolved
// once: the one-household path resolves them per call, the batch engine once
// per (region, month) for millions of households.
type dibaoParams struct {
	region string
	at     civil.Date

	stdUrban, stdRural       money.Fen
	stdUrbanSet, stdRuralSet bool
	method                   string
	tiers                    []Tier
	rounding                 string
	members                  memberRules
	excluded                 []string
	excludedSet              bool

	empDeduct       string // "", none, declared, standard_share
	empShare        Ratio
	empBasisUrban   bool
	deductMedical   bool
	deductEducation bool
	disregardMonths int
	disregardCap    Ratio
	disregardSet    bool
	finMonths       int
	finSet          bool
	maxVehicles     int
	maxVehiclesSet  bool
	vehicleMax      money.Fen
	vehicleMaxSet   bool
	maxHomes        int
	maxHomesSet     bool
	businessAllowed bool
	businessSet     bool
	supp            [4]money.Fen // minor, elderly, severe disability, serious illness
	suppSet         [4]bool
	elderlyAge      int
	cumulative      bool
	exitMonths      int
	exitSet         bool
	exitMax         Ratio
	exitMaxSet      bool
	exitSchedule    []Ratio
	uses            map[string]ParamUse
}

var suppKeys = [4]string{"dibao.supplement.minor", "dibao.supplement.elderly", "dibao.supplement.severe_disability", "dibao.supplement.serious_illness"}

// resolveDibao reads every Dibao parameter for c's region and month. The
// required ones abort with NotSet; the standards are checked when the
// household's hukou type selects one.
func (c *calc) resolveDibao() *dibaoParams {
	rec := &Node{}
	p := &dibaoParams{region: c.region, at: c.at}
	if v, ok := c.param(rec, "dibao.standard.urban"); ok {
		p.stdUrban, p.stdUrbanSet = v.Amount, true
	}
	if v, ok := c.param(rec, "dibao.standard.rural"); ok {
		p.stdRural, p.stdRuralSet = v.Amount, true
	}
	p.method = c.need(rec, "dibao.method").Enum
	if p.method == "tiered" {
		p.tiers = c.need(rec, "dibao.tiers").Tiers
	}
	p.rounding = c.need(rec, "dibao.rounding").Enum
	p.members = c.memberRules(rec)
	if v, ok := c.param(rec, "dibao.income.excluded"); ok {
		p.excluded, p.excludedSet = v.List, true
	}
	if v, ok := c.param(rec, "dibao.income.employment_deduction"); ok {
		p.empDeduct = v.Enum
		if p.empDeduct == "standard_share" {
			p.empShare = c.need(rec, "dibao.income.employment_deduction_share").Ratio
			if b, ok := c.param(rec, "dibao.income.employment_deduction_basis"); ok {
				p.empBasisUrban = b.Enum == "urban"
			}
		}
	}
	if v, ok := c.param(rec, "dibao.income.deduct_medical"); ok {
		p.deductMedical = v.Bool
	}
	if v, ok := c.param(rec, "dibao.income.deduct_education"); ok {
		p.deductEducation = v.Bool
	}
	if v, ok := c.param(rec, "dibao.income.new_job_disregard_months"); ok {
		p.disregardMonths, p.disregardSet = v.Count, true
		p.disregardCap = c.need(rec, "dibao.income.new_job_disregard_cap").Ratio
	}
	if v, ok := c.param(rec, "dibao.asset.financial_months"); ok {
		p.finMonths, p.finSet = v.Count, true
	}
	if v, ok := c.param(rec, "dibao.asset.max_vehicles"); ok {
		p.maxVehicles, p.maxVehiclesSet = v.Count, true
	}
	if v, ok := c.param(rec, "dibao.asset.vehicle_value_max"); ok {
		p.vehicleMax, p.vehicleMaxSet = v.Amount, true
	}
	if v, ok := c.param(rec, "dibao.asset.max_homes"); ok {
		p.maxHomes, p.maxHomesSet = v.Count, true
	}
	if v, ok := c.param(rec, "dibao.asset.business_allowed"); ok {
		p.businessAllowed, p.businessSet = v.Bool, true
	}
	for i, k := range suppKeys {
		if v, ok := c.param(rec, k); ok {
			p.supp[i], p.suppSet[i] = v.Amount, true
		}
	}
	if p.suppSet != [4]bool{} {
		p.elderlyAge = c.needCount(rec, "dibao.supplement.elderly_age")
		if v, ok := c.param(rec, "dibao.supplement.cumulative"); ok {
			p.cumulative = v.Bool
		}
	}
	if v, ok := c.param(rec, "dibao.exit.months"); ok {
		p.exitMonths, p.exitSet = v.Count, true
		if r, ok := c.param(rec, "dibao.exit.max_ratio"); ok {
			p.exitMax, p.exitMaxSet = r.Ratio, true
		}
		if s, ok := c.param(rec, "dibao.exit.schedule"); ok {
			p.exitSchedule = s.Ratios
		}
	}
	p.uses = make(map[string]ParamUse, len(rec.Params))
	for _, u := range rec.Params {
		p.uses[u.Key] = u
	}
	return p
}

// use attaches the recorded parameter values to n (nil n: no explanation).
func (p *dibaoParams) use(n *Node, keys ...string) {
	if n == nil {
		return
	}
	for _, k := range keys {
		if u, ok := p.uses[k]; ok {
			n.Params = append(n.Params, u)
		}
	}
}

// standard returns the standard for a hukou type, or a NotSet error.
func (p *dibaoParams) standard(urban bool) (money.Fen, error) {
	if urban {
		if !p.stdUrbanSet {
			return 0, NotSet("dibao.standard.urban", p.region, p.at)
		}
		return p.stdUrban, nil
	}
	if !p.stdRuralSet {
		return 0, NotSet("dibao.standard.rural", p.region, p.at)
	}
	return p.stdRural, nil
}
