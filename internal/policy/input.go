package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// Yuan is an amount written in yuan in inputs and outputs ("1800", 1800.5),
// held as fen.
type Yuan money.Fen

// UnmarshalJSON accepts a number or a string of yuan.
func (y *Yuan) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*y = 0
		return nil
	}
	f, err := money.Parse(s)
	if err != nil {
		return err
	}
	if f < 0 {
		return fmt.Errorf("%s is negative", s)
	}
	if f > MaxAmount {
		return fmt.Errorf("%s is more than %s yuan", s, MaxAmount)
	}
	*y = Yuan(f)
	return nil
}

// MarshalJSON writes the amount as a number of yuan.
func (y Yuan) MarshalJSON() ([]byte, error) { return []byte(money.Fen(y).String()), nil }

// RatioText is a ratio written "3.5%", "1.5" or "1/6" in inputs.
type RatioText struct{ Ratio }

// UnmarshalJSON reads a ratio from a string or a number.
func (r *RatioText) UnmarshalJSON(b []byte) error {
	v, err := ParseRatio(strings.Trim(string(b), `"`))
	r.Ratio = v
	return err
}

// MarshalJSON writes the ratio as text.
func (r RatioText) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// Household is what a calculator reads: a household as it stands in the
// month calculated, in the terms of the policy rules. It is built from the
// registry (FromSnapshot) or written by hand (docs/rules.md).
type Household struct {
	// Region is the household's region (county or below): it selects the
	// parameters.
	Region string `json:"region"`
	// Hukou is "urban" or "rural": which Dibao standard applies.
	Hukou   string   `json:"hukou"`
	Members []Member `json:"members"`
	// Enrolled lists the programs the household already receives
	// ("dibao", "tekun", "marginal", "rigid_expense"), for the programs that
	// depend on them.
	Enrolled []string `json:"enrolled,omitempty"`
	// Assets held by the household and its members.
	Assets Assets `json:"assets"`
	// Expenses are this month's rigid expenses that local rules may deduct.
	Expenses Expenses `json:"expenses"`
	// SeparateApplicant is the id of a member applying alone (单人户).
	SeparateApplicant string `json:"separate_applicant,omitempty"`
	// Current is the Dibao the household receives now, for gradual exit.
	Current *Current `json:"current,omitempty"`
	// Rigid is the 12 months of expenditure for RigidExpense.
	Rigid *Rigid `json:"rigid,omitempty"`
	// Linshi describes a temporary-assistance request.
	Linshi *LinshiRequest `json:"linshi,omitempty"`
	// Price carries the month's price indices for PriceSubsidy.
	Price *PriceIndex `json:"price,omitempty"`
}

// Member is one person of the household.
type Member struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Relationship to the applicant: applicant, spouse, child, parent,
	// parent_in_law, grandparent, grandchild, sibling, child_in_law, other.
	Relationship string `json:"relationship"`
	// Birth date; or Age (in whole years on the first day of the month).
	Birth civil.Date `json:"birth,omitzero"`
	Age   *int       `json:"age,omitempty"`
	// LivesTogether is false for a relative who does not live with the
	// household (default true).
	LivesTogether *bool `json:"lives_together,omitempty"`
	// SupportDuty is whether a legal duty of support (赡养、扶养、抚养) ties
	// the person to the household; default true for parents, parents-in-law,
	// grandparents and grandchildren.
	SupportDuty  *bool `json:"support_duty,omitempty"`
	CohabitYears *int  `json:"cohabit_years,omitempty"`
	Married      bool  `json:"married,omitempty"`
	// Study is full-time schooling: none, preschool, compulsory, senior,
	// vocational, undergraduate, postgraduate.
	Study string `json:"study,omitempty"`
	// CannotLiveIndependently marks an adult child who cannot live on their
	// own for reasons other than study or severe disability.
	CannotLiveIndependently bool `json:"cannot_live_independently,omitempty"`

	DisabilityCategory string `json:"disability_category,omitempty"`
	DisabilityGrade    int    `json:"disability_grade,omitempty"`
	SeriousIllness     bool   `json:"serious_illness,omitempty"`
	// Exclusions of DB57 Art. 7.
	ClergyAwayYears int  `json:"clergy_away_years,omitempty"`
	InPrison        bool `json:"in_prison,omitempty"`
	InRehab         bool `json:"in_rehab,omitempty"`
	Missing         bool `json:"missing,omitempty"`
	Conscript       bool `json:"conscript,omitempty"`
	Dead            bool `json:"dead,omitempty"`

	Incomes []IncomeItem `json:"incomes,omitempty"`
	// JobStart is the month a new job began, for income disregards.
	JobStart civil.Month `json:"job_start,omitzero"`
	// LabourIncomeMain: a person aged 16 or 17 whose own labour income is
	// their main source of living (has capacity to work for Tekun).
	LabourIncomeMain bool `json:"labour_income_main,omitempty"`
	// NoCapacityOther: no capacity to work on other grounds the province sets.
	NoCapacityOther bool `json:"no_capacity_other,omitempty"`
	// ADLFailed lists the daily-living items the person cannot do (eating,
	// dressing, bed, toilet, walking, bathing); SelfCare may be given instead.
	ADLFailed []string `json:"adl_failed,omitempty"`
	SelfCare  string   `json:"self_care,omitempty"`
	// Tekun support details.
	Centralised        bool        `json:"centralised,omitempty"`
	MentalOrInfectious bool        `json:"mental_or_infectious,omitempty"`
	AssetsWithinLimits *bool       `json:"assets_within_limits,omitempty"`
	Supporters         []Supporter `json:"supporters,omitempty"`
	// Parents' situations, for orphans and de facto unsupported children.
	Parents []Parent `json:"parents,omitempty"`
	// Groups lists the price-subsidy groups the person belongs to beyond the
	// household's enrolments (unemployment_insurance, preferential, hiv_child, ...).
	Groups []string `json:"groups,omitempty"`
}

// IncomeItem is one monthly income of a member.
type IncomeItem struct {
	// Kind is a DB57 type (wage, business, property, transfer, other) or a
	// finer code that local exclusion lists name (incomeKinds in definition.go; docs/rules.md).
	Kind   string `json:"kind"`
	Amount Yuan   `json:"amount"`
	// Cost is the declared necessary cost of earning a wage (就业成本).
	Cost Yuan `json:"cost,omitempty"`
}

// Assets are a household's holdings, summed.
type Assets struct {
	Financial Yuan `json:"financial,omitempty"` // deposits, securities, insurance
	Vehicles  int  `json:"vehicles,omitempty"`
	// VehicleValue is the value of the most valuable vehicle.
	VehicleValue Yuan `json:"vehicle_value,omitempty"`
	Homes        int  `json:"homes,omitempty"`
	Businesses   int  `json:"businesses,omitempty"`
}

// Expenses are monthly rigid expenses.
type Expenses struct {
	Medical   Yuan `json:"medical,omitempty"`
	Education Yuan `json:"education,omitempty"`
}

// Current is the Dibao a household receives when its income changes.
type Current struct {
	Amount Yuan `json:"amount"`
	// ExitStart is the first month of a gradual exit already begun; zero
	// when the change is assessed now (the month calculated is the first).
	ExitStart civil.Month `json:"exit_start,omitzero"`
}

// Rigid is a household's expenditure and income over the 12 months before
// the application (RIG24).
type Rigid struct {
	Living    Yuan `json:"living,omitempty"`
	Medical   Yuan `json:"medical,omitempty"`
	Education Yuan `json:"education,omitempty"`
	Rehab     Yuan `json:"rehab,omitempty"`
	Other     Yuan `json:"other,omitempty"`
	Income    Yuan `json:"income"`
	// AidReceived is assistance already received toward these costs.
	AidReceived Yuan `json:"aid_received,omitempty"`
}

// LinshiRequest is a temporary-assistance request.
type LinshiRequest struct {
	// Type is urgent (急难型), expenditure (支出型) or no_income (the
	// 3-months-without-income rule).
	Type string `json:"type"`
	// Need is the amount of the hardship after other aid and insurance.
	Need    Yuan `json:"need"`
	Special bool `json:"special,omitempty"`
	// Residence is local_hukou, residence_permit or other.
	Residence string `json:"residence,omitempty"`
	// AssistFirst asks to pay before the paperwork (先行救助).
	AssistFirst           bool `json:"assist_first,omitempty"`
	MonthsWithoutIncome   int  `json:"months_without_income,omitempty"`
	UnemploymentInsurance bool `json:"unemployment_insurance,omitempty"`
}

// PriceIndex is a month's price indices, year on year.
type PriceIndex struct {
	// Month is the index month (the subsidy is paid in the month the index
	// is published).
	Month civil.Month `json:"month"`
	CPI   RatioText   `json:"cpi"`
	Food  RatioText   `json:"food"`
}

// Supporter is a person with a legal duty to support a Tekun applicant.
type Supporter struct {
	Relation         string `json:"relation"`
	Age              int    `json:"age"`
	Tekun            bool   `json:"tekun,omitempty"`
	Dibao            bool   `json:"dibao,omitempty"`
	SevereDisability bool   `json:"severe_disability,omitempty"`
	// AnnualIncome per capita of the supporter's household, for the
	// 70-plus and severely disabled test.
	AnnualIncome       Yuan `json:"annual_income,omitempty"`
	AssetsWithinLimits bool `json:"assets_within_limits,omitempty"`
	NoCivilCapacity    bool `json:"no_civil_capacity,omitempty"`
	Missing            bool `json:"missing,omitempty"`
	InPrison           bool `json:"in_prison,omitempty"`
}

// Parent is a parent's situation for the orphan allowance.
type Parent struct {
	// Status is alive, dead, missing (declared), severe_disability,
	// serious_illness, in_prison, detained, in_rehab, out_of_contact,
	// restricted.
	Status string `json:"status"`
	// Months the situation has lasted (for detention, rehabilitation and
	// loss of contact).
	Months int `json:"months,omitempty"`
}

// AgeAt returns the member's age in whole years on day d.
func (m *Member) AgeAt(d civil.Date) int {
	if m.Age != nil {
		return *m.Age
	}
	return m.Birth.YearsAt(d)
}

func (m *Member) livesTogether() bool { return m.LivesTogether == nil || *m.LivesTogether }

func (m *Member) severeDisability() bool {
	g := m.DisabilityGrade
	if g == 0 {
		return false
	}
	return g <= 2 || (g == 3 && (m.DisabilityCategory == "intellectual" || m.DisabilityCategory == "mental"))
}

// label names a member in explanations.
func (m *Member) label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.ID
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (y Yuan) String() string { return money.Fen(y).String() }
