package verify

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/pii"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Source statuses in a report.
const (
	StatusMatched       = "matched"        // records of the household's members were found
	StatusNoRecord      = "no_record"      // data loaded, none about the household
	StatusNoData        = "no_data"        // no batch of the source has been imported
	StatusNotAuthorised = "not_authorised" // outside the authorisation's scope
)

// SourceStatuses lists a source's possible results in a report.
var SourceStatuses = []string{StatusMatched, StatusNoRecord, StatusNoData, StatusNotAuthorised}

// FlagCodes lists the codes of Flag.
var FlagCodes = []string{"deceased", "in_prison", "business_owner", "vehicles", "vehicle_above_limit", "properties", "properties_above_limit",
	"financial_above_limit", "moved_out", "unemployment_benefit", "contributions"}

// StatusItems lists the discrepancy items that are not amounts.
var StatusItems = []string{"death", "disability", "school"}

// Report is a verification report (核对报告) for one household: what each
// source said, where it differs from the declaration, and what the rules
// engine concludes on verified values. "Check only, do not decide"
// (只核对不认定): it informs the caseworker's decision and is stored,
// printed and attached to the application as issued.
type Report struct {
	ID              int64          `json:"id"`
	Number          string         `json:"number"` // assigned by the store: county-year-sequence
	HouseholdID     int64          `json:"household_id"`
	HouseholdNumber string         `json:"household_number"`
	County          string         `json:"county_code"`
	ApplicationID   int64          `json:"application_id,omitempty"`
	AuthorisationID int64          `json:"authorisation_id"`
	Period          Period         `json:"period"`
	Sources         []SourceResult `json:"sources"`
	Members         []MemberResult `json:"members"`
	Flags           []Flag         `json:"flags,omitempty"`
	Discrepancies   []Discrepancy  `json:"discrepancies,omitempty"`
	Programs        []ProgramCheck `json:"programs,omitempty"`
	CreatedBy       string         `json:"created_by"`
	CreatedAt       time.Time      `json:"created_at"`
}

// SourceResult is one source's part in a report.
type SourceResult struct {
	Code    string `json:"code"`
	Status  string `json:"status"`
	Records int    `json:"records"`
	// BatchID and BatchOn identify the latest batch the data came from.
	BatchID int64      `json:"batch_id,omitempty"`
	BatchOn civil.Date `json:"batch_on"`
}

// MemberResult is one member with the declared and verified values.
type MemberResult struct {
	PersonID     int64                             `json:"person_id"`
	Name         string                            `json:"name"`
	IDMasked     string                            `json:"id_masked"`
	Relationship registry.Relationship             `json:"relationship"`
	Declared     map[registry.IncomeType]money.Fen `json:"declared_income,omitempty"` // monthly
	Verified     *Finding                          `json:"verified,omitempty"`
	// VerifiedMonthly is Verified.Income divided by the period's months.
	VerifiedMonthly map[registry.IncomeType]money.Fen `json:"verified_monthly,omitempty"`
	Records         []Match                           `json:"records,omitempty"`
}

// Match is one department record about a member, as shown in the report.
type Match struct {
	Source string            `json:"source"`
	Values map[string]string `json:"values"` // field code → canonical value, ID number masked
}

// Flag is a fact that matters for eligibility, found in departments' data.
type Flag struct {
	Code     string `json:"code"` // deceased, in_prison, business_owner, vehicles, vehicle_above_limit, properties, properties_above_limit, financial_above_limit, moved_out, unemployment_benefit, contributions
	PersonID int64  `json:"person_id,omitempty"`
	Name     string `json:"name,omitempty"`
	Value    string `json:"value,omitempty"`
	Source   string `json:"source,omitempty"`
}

// Discrepancy is a declared value that differs from the verified one.
type Discrepancy struct {
	PersonID int64  `json:"person_id,omitempty"` // 0: the household
	Name     string `json:"name,omitempty"`
	// Item is income.<type>, asset.<type>, death, disability or school.
	Item     string    `json:"item"`
	Declared money.Fen `json:"declared"`
	Verified money.Fen `json:"verified"`
	// DeclaredText and VerifiedText are set for items that are not amounts.
	DeclaredText string   `json:"declared_text,omitempty"`
	VerifiedText string   `json:"verified_text,omitempty"`
	Sources      []string `json:"sources,omitempty"`
}

// Difference is verified minus declared.
func (d Discrepancy) Difference() money.Fen { return d.Verified - d.Declared }

// ProgramCheck is a program's verdict and amount on declared and on
// verified values.
type ProgramCheck struct {
	Program         policy.Program  `json:"program"`
	DeclaredVerdict policy.Verdict  `json:"declared_verdict,omitempty"`
	DeclaredAmount  money.Fen       `json:"declared_amount"`
	VerifiedVerdict policy.Verdict  `json:"verified_verdict,omitempty"`
	VerifiedAmount  money.Fen       `json:"verified_amount"`
	Error           string          `json:"error,omitempty"`
	Explanation     json.RawMessage `json:"explanation,omitempty"` // of the verified run
	NeedsReview     bool            `json:"needs_review,omitempty"`
}

// Changed reports whether verification changes the verdict or the amount.
func (p ProgramCheck) Changed() bool {
	return p.Error == "" && (p.DeclaredVerdict != p.VerifiedVerdict || p.DeclaredAmount != p.VerifiedAmount)
}

// Input is what Build needs.
type Input struct {
	// Snapshot is the household as declared, on Period.AsOf.
	Snapshot *registry.Snapshot
	Period   Period
	// Sources are the sources considered, each with its status (matched
	// statuses are set by Build from Findings), in catalogue order.
	Sources []SourceResult
	// Catalog resolves source codes (Sources and the records' sources).
	Catalog []Source
	// Findings and Records are by person ID.
	Findings map[int64]*Finding
	Records  map[int64][]Match
	Programs []policy.Program
	Params   *policy.Set
}

// Build assembles a report from a household's declaration and findings.
func Build(in Input) *Report {
	h := &in.Snapshot.Household
	r := &Report{HouseholdID: h.ID, HouseholdNumber: h.Number, County: h.CountyCode, Period: in.Period}
	months := money.Fen(max(1, in.Period.Months()))
	tolerance := money.Fen(0)
	if p, ok := in.Params.Resolve("verify.discrepancy.tolerance", h.RegionCode, in.Period.AsOf); ok {
		tolerance = p.Value.Amount
	}
	src := map[string]*Source{}
	for i := range in.Catalog {
		src[in.Catalog[i].Code] = &in.Catalog[i]
	}
	incomeCovered, assetCovered := covered(in.Sources, src)
	declaredIncome := latestIncomes(in.Snapshot, in.Period.To)
	counts := map[string]int{}

	for _, m := range h.Members {
		p := m.Person
		mr := MemberResult{PersonID: p.ID, Name: p.Name, IDMasked: pii.Mask(pii.IDNumber, p.IDNumber), Relationship: m.Relationship,
			Declared: declaredIncome[p.ID], Verified: in.Findings[p.ID], Records: in.Records[p.ID]}
		for _, rec := range mr.Records {
			counts[rec.Source]++
		}
		f := mr.Verified
		if f != nil {
			for t, v := range f.Income {
				if mr.VerifiedMonthly == nil {
					mr.VerifiedMonthly = map[registry.IncomeType]money.Fen{}
				}
				mr.VerifiedMonthly[t] = v / months
			}
			r.personFlags(&m, f)
			for _, t := range registry.IncomeTypes {
				v, d := mr.VerifiedMonthly[t], mr.Declared[t]
				if incomeCovered[t] && v > 0 && (v-d > tolerance || d-v > tolerance) {
					r.Discrepancies = append(r.Discrepancies, Discrepancy{PersonID: p.ID, Name: p.Name, Item: "income." + string(t),
						Declared: d, Verified: v, Sources: sourcesOf(f.Sources, src, UseIncome, UseUnemployment)})
				}
			}
			r.statusDiscrepancies(&m, f, src)
		}
		r.Members = append(r.Members, mr)
	}
	r.assetDiscrepancies(in.Snapshot, in.Findings, assetCovered, src)
	for _, s := range in.Sources {
		if s.Status == StatusNoRecord && counts[s.Code] > 0 {
			s.Status = StatusMatched
		}
		s.Records = counts[s.Code]
		r.Sources = append(r.Sources, s)
	}
	r.runPrograms(in)
	return r
}

// covered returns the income and asset types that sources with data
// report on.
func covered(results []SourceResult, src map[string]*Source) (map[registry.IncomeType]bool, map[registry.AssetType]bool) {
	inc, ast := map[registry.IncomeType]bool{}, map[registry.AssetType]bool{}
	for _, r := range results {
		s := src[r.Code]
		if s == nil || r.Status == StatusNoData || r.Status == StatusNotAuthorised {
			continue
		}
		switch s.Use {
		case UseIncome, UseUnemployment:
			if f := s.Field("income_type"); f != nil {
				for _, v := range f.Values {
					inc[registry.IncomeType(v)] = true
				}
			} else if s.IncomeType != "" {
				inc[s.IncomeType] = true
			}
		case UseAsset:
			ast[s.AssetType] = true
		}
	}
	return inc, ast
}

// latestIncomes returns each member's declared monthly income by type: the
// latest declaration for a month up to to, as the rules engine reads it.
func latestIncomes(s *registry.Snapshot, to civil.Month) map[int64]map[registry.IncomeType]money.Fen {
	out := map[int64]map[registry.IncomeType]money.Fen{}
	for k, in := range s.LatestIncomes(to) {
		if out[k.Person] == nil {
			out[k.Person] = map[registry.IncomeType]money.Fen{}
		}
		out[k.Person][k.Type] = in.Amount
	}
	return out
}

// sourcesOf returns the codes among codes whose source has one of uses.
func sourcesOf(codes []string, src map[string]*Source, uses ...Use) []string {
	var out []string
	for _, c := range codes {
		if s := src[c]; s != nil && slices.Contains(uses, s.Use) {
			out = append(out, c)
		}
	}
	return out
}

func (r *Report) flag(code string, m *registry.Member, value, source string) {
	f := Flag{Code: code, Value: value, Source: source}
	if m != nil {
		f.PersonID, f.Name = m.Person.ID, m.Person.Name
	}
	r.Flags = append(r.Flags, f)
}

// personFlags records the facts about one member that bear on eligibility.
func (r *Report) personFlags(m *registry.Member, f *Finding) {
	if !f.Death.IsZero() {
		r.flag("deceased", m, f.Death.String(), "death")
	}
	if !f.InPrisonSince.IsZero() {
		r.flag("in_prison", m, f.InPrisonSince.String(), "prison")
	}
	if f.BusinessOwner {
		r.flag("business_owner", m, "", "business")
	}
	switch f.HukouEvent {
	case "moved_out", "settled_abroad", "enlisted", "death":
		if !f.HukouEventOn.Before(m.JoinedOn) {
			r.flag("moved_out", m, f.HukouEvent+" "+f.HukouEventOn.String(), "hukou")
		}
	}
	if f.UnemploymentMonths > 0 {
		r.flag("unemployment_benefit", m, strconv.Itoa(f.UnemploymentMonths), "unemployment")
	}
	if f.ContributionMonths > 0 {
		r.flag("contributions", m, strconv.Itoa(f.ContributionMonths), "")
	}
}

// statusDiscrepancies compares a member's death, disability and schooling
// with the registry.
func (r *Report) statusDiscrepancies(m *registry.Member, f *Finding, src map[string]*Source) {
	p := m.Person
	if !f.Death.IsZero() && p.Death.IsZero() {
		r.Discrepancies = append(r.Discrepancies, Discrepancy{PersonID: p.ID, Name: p.Name, Item: "death", VerifiedText: f.Death.String(), Sources: sourcesOf(f.Sources, src, UseDeath)})
	}
	if f.DisabilityGrade > 0 && (f.DisabilityGrade != p.DisabilityGrade || f.DisabilityCategory != string(p.DisabilityCategory)) {
		r.Discrepancies = append(r.Discrepancies, Discrepancy{PersonID: p.ID, Name: p.Name, Item: "disability",
			DeclaredText: disabilityText(string(p.DisabilityCategory), p.DisabilityGrade), VerifiedText: disabilityText(f.DisabilityCategory, f.DisabilityGrade),
			Sources: sourcesOf(f.Sources, src, UseDisability)})
	}
	declared := p.SchoolStatus
	out := declared == "" || declared == registry.SchoolNone || declared == registry.SchoolDropout
	if f.School == "left" && declared != registry.SchoolDropout || f.School == "enrolled" && out {
		r.Discrepancies = append(r.Discrepancies, Discrepancy{PersonID: p.ID, Name: p.Name, Item: "school",
			DeclaredText: string(declared), VerifiedText: f.School, Sources: sourcesOf(f.Sources, src, UseSchool)})
	}
}

func disabilityText(cat string, grade int) string {
	if grade == 0 {
		return ""
	}
	return cat + " " + strconv.Itoa(grade)
}

// assetDiscrepancies compares the household's declared assets on AsOf
// with the verified ones, type by type, where a source reports on the type.
func (r *Report) assetDiscrepancies(s *registry.Snapshot, fs map[int64]*Finding, cov map[registry.AssetType]bool, src map[string]*Source) {
	declared := map[registry.AssetType]AssetTotal{}
	for _, a := range s.Assets {
		if a.Active(r.Period.AsOf) {
			t := declared[a.Type]
			t.Count++
			t.Value += a.Value
			declared[a.Type] = t
		}
	}
	verified, from := verifiedAssets(s, fs)
	for _, t := range registry.AssetTypes {
		v, d := verified[t], declared[t]
		if !cov[t] || v.Count == 0 {
			continue
		}
		if t == registry.AssetRealEstate && v.Count > 0 {
			r.flag("properties", nil, strconv.Itoa(v.Count), "real_estate")
		}
		if t == registry.AssetVehicle && v.Count > 0 {
			r.flag("vehicles", nil, strconv.Itoa(v.Count), "vehicle")
		}
		countDiffers := t != registry.AssetDeposit && t != registry.AssetSecurities && t != registry.AssetOther && v.Count != d.Count
		if countDiffers || v.Value != d.Value {
			r.Discrepancies = append(r.Discrepancies, Discrepancy{Item: "asset." + string(t), Declared: d.Value, Verified: v.Value,
				DeclaredText: strconv.Itoa(d.Count), VerifiedText: strconv.Itoa(v.Count), Sources: sourcesOf(from[t], src, UseAsset)})
		}
	}
}

// verifiedAssets sums the members' verified assets by type, with the
// sources they came from.
func verifiedAssets(s *registry.Snapshot, fs map[int64]*Finding) (map[registry.AssetType]AssetTotal, map[registry.AssetType][]string) {
	out, from := map[registry.AssetType]AssetTotal{}, map[registry.AssetType][]string{}
	for _, m := range s.Household.Members {
		f := fs[m.Person.ID]
		if f == nil {
			continue
		}
		for t, a := range f.Assets {
			o := out[t]
			o.Count += a.Count
			o.Value += a.Value
			o.Max = max(o.Max, a.Max)
			o.Area += a.Area
			out[t] = o
		}
		for _, c := range f.Sources {
			for t := range f.Assets {
				if !slices.Contains(from[t], c) {
					from[t] = append(from[t], c)
				}
			}
		}
	}
	return out, from
}

// Verified returns a copy of the declared snapshot with the verified values
// put in place: where a department reports a member's income of a type, its
// monthly average over the period replaces the declaration of that type;
// where it reports assets of a type, they replace the declared ones of that
// type; a recorded death and a disability certificate replace the
// registry's. Where no department reports, the declaration stands: the
// absence of a record is not evidence of no income.
func Verified(s *registry.Snapshot, p Period, fs map[int64]*Finding) *registry.Snapshot {
	out := *s
	out.Household = s.Household
	out.Household.Members = slices.Clone(s.Household.Members)
	months := money.Fen(max(1, p.Months()))
	month := p.AsOf.MonthOf()
	replacedIncome := map[int64]map[registry.IncomeType]bool{}
	var incomes []registry.Income
	for i := range out.Household.Members {
		m := &out.Household.Members[i]
		f := fs[m.Person.ID]
		if f == nil {
			continue
		}
		if !f.Death.IsZero() && m.Person.Death.IsZero() {
			m.Person.Death = f.Death
		}
		if f.DisabilityGrade > 0 {
			m.Person.DisabilityGrade, m.Person.DisabilityCategory = f.DisabilityGrade, registry.DisabilityCategory(f.DisabilityCategory)
		}
		for t, v := range f.Income {
			if v <= 0 {
				continue
			}
			if replacedIncome[m.Person.ID] == nil {
				replacedIncome[m.Person.ID] = map[registry.IncomeType]bool{}
			}
			replacedIncome[m.Person.ID][t] = true
			incomes = append(incomes, registry.Income{HouseholdID: s.Household.ID, PersonID: m.Person.ID, Type: t, Month: month, Amount: v / months, Note: "verified"})
		}
	}
	for _, in := range s.Incomes {
		if !replacedIncome[in.PersonID][in.Type] {
			incomes = append(incomes, in)
		}
	}
	out.Incomes = incomes
	verified, _ := verifiedAssets(s, fs)
	var assets []registry.Asset
	for _, a := range s.Assets {
		if verified[a.Type].Count == 0 {
			assets = append(assets, a)
		}
	}
	from := month.First() // held on AsOf; the engine reads the month from its first day
	for _, t := range registry.AssetTypes {
		v := verified[t]
		if v.Count == 0 {
			continue
		}
		// The engine reads counts, sums and the dearest vehicle: one record
		// carries the most valuable, the rest share the remainder.
		first := v.Value
		if v.Max > 0 {
			first = v.Max
		}
		assets = append(assets, registry.Asset{HouseholdID: s.Household.ID, Type: t, Value: first, Area: v.Area, ValidFrom: from, Description: "verified"})
		for i := 1; i < v.Count; i++ {
			share := (v.Value - first) / money.Fen(v.Count-1)
			assets = append(assets, registry.Asset{HouseholdID: s.Household.ID, Type: t, Value: share, ValidFrom: from, Description: "verified"})
		}
	}
	out.Assets = assets
	return &out
}

// runPrograms runs the rules engine on declared and on verified values, and
// turns the verified Dibao run's failed asset tests into flags.
func (r *Report) runPrograms(in Input) {
	month := in.Period.AsOf.MonthOf()
	verified := Verified(in.Snapshot, in.Period, in.Findings)
	dh, vh := policy.FromSnapshot(in.Snapshot, month), policy.FromSnapshot(verified, month)
	programs := in.Programs
	for _, prog := range programs {
		c := ProgramCheck{Program: prog}
		d, err := policy.Calculate(in.Params, prog, dh, month)
		if err == nil {
			c.DeclaredVerdict, c.DeclaredAmount = d.Verdict, money.Fen(d.Amount)
		}
		v, verr := policy.Calculate(in.Params, prog, vh, month)
		switch {
		case verr != nil:
			c.Error = verr.Error()
		case err != nil:
			c.Error = err.Error()
		}
		if verr == nil {
			c.VerifiedVerdict, c.VerifiedAmount, c.NeedsReview = v.Verdict, money.Fen(v.Amount), v.NeedsReview
			c.Explanation, _ = json.Marshal(v)
		}
		r.Programs = append(r.Programs, c)
	}
	if v, err := policy.Calculate(in.Params, policy.Dibao, vh, month); err == nil && v.Explanation != nil {
		for code, rule := range map[string]string{"vehicle_above_limit": "assets.vehicle_value", "financial_above_limit": "assets.financial", "properties_above_limit": "assets.homes"} {
			if n := findRule(v.Explanation, rule); n != nil && n.Outcome == policy.Fail {
				r.flag(code, nil, factsText(n), "")
			}
		}
		slices.SortFunc(r.Flags, func(a, b Flag) int {
			return cmp.Or(cmp.Compare(a.PersonID, b.PersonID), cmp.Compare(a.Code, b.Code))
		})
	}
}

func findRule(n *policy.Node, rule string) *policy.Node {
	if n == nil {
		return nil
	}
	if n.Rule == rule {
		return n
	}
	for _, c := range n.Children {
		if f := findRule(c, rule); f != nil {
			return f
		}
	}
	return nil
}

func factsText(n *policy.Node) string {
	parts := make([]string, len(n.Facts))
	for i, f := range n.Facts {
		parts[i] = f.Name + "=" + f.Value
	}
	return strings.Join(parts, ", ")
}
