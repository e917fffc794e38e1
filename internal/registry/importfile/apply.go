package importfile

import (
	"context"
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/pii"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Report says what an import did.
type Report struct {
	Households int `json:"households"`          // households created
	Existing   int `json:"existing_households"` // households already registered (matched by ID number)
	Persons    int `json:"persons"`             // persons created
	Members    int `json:"members_added"`       // persons added to existing households
	Incomes    int `json:"incomes"`             // income records added
	Assets     int `json:"assets"`              // asset records added
	Rejected   int `json:"rejected_households"` // households refused by the store
	// Errors lists every refused household and row, with where and why.
	Errors   []*apperr.Error `json:"errors"`
	Encoding string          `json:"encoding,omitempty"`
}

// chunk is how many households go into one store transaction.
const chunk = 500

// Apply stores a validated batch. Importing is keyed on ID numbers: a
// household whose members are already registered together is matched, not
// created again, and only members new to it are added; incomes and assets
// identical to current records are skipped. So re-running the same file
// changes nothing. Households refused by the store (an ID number already in
// another household, say) are reported in Errors with their household_ref.
func Apply(ctx context.Context, st registry.Store, scope registry.Scope, b *Batch) (*Report, error) {
	rep := &Report{}
	var ids []string
	for _, h := range b.Households {
		for _, m := range h.Members {
			ids = append(ids, m.Person.IDNumber)
		}
	}
	reg, err := st.Registered(ctx, ids)
	if err != nil {
		return rep, err
	}
	var fresh []int // indexes of households to create
	for i, h := range b.Households {
		existing, err := match(scope, h, reg)
		if err != nil {
			if apperr.As(err) == nil {
				return rep, err
			}
			rep.Rejected++
			rep.Errors = append(rep.Errors, refErr(b.Refs[i], err))
			h.ID = 0
			continue
		}
		if existing == nil {
			fresh = append(fresh, i)
			continue
		}
		rep.Existing++
		h.ID = existing.ID
		for j := range h.Members {
			m := &h.Members[j]
			if m.Person.ID != 0 {
				continue
			}
			if err := st.AddMember(ctx, scope, h.ID, m); err != nil {
				if apperr.As(err) == nil {
					return rep, err
				}
				rep.Errors = append(rep.Errors, refErr(b.Refs[i], apperr.Prefix(fmt.Sprintf("members[%d]", j), err)))
				continue
			}
			rep.Members++
		}
	}
	// A large import outgrows the planner's idea of the tables: refresh
	// its statistics after the households and every statsEvery records.
	const statsEvery = 50_000
	sinceStats := 0
	refresh := func(force bool) error {
		if rep.Households+rep.Incomes+rep.Assets < 1000 || !force && sinceStats < statsEvery {
			return nil
		}
		sinceStats = 0
		return st.RefreshStatistics(ctx)
	}
	for start := 0; start < len(fresh); start += chunk {
		part := fresh[start:min(start+chunk, len(fresh))]
		hs := make([]*registry.Household, len(part))
		for k, i := range part {
			hs[k] = b.Households[i]
		}
		errs, err := st.CreateHouseholds(ctx, scope, hs)
		if err != nil {
			return rep, err
		}
		for k, e := range errs {
			if e != nil {
				rep.Rejected++
				rep.Errors = append(rep.Errors, refErr(b.Refs[part[k]], e))
				hs[k].ID = 0
				continue
			}
			rep.Households++
			rep.Persons += len(hs[k].Members)
			sinceStats += len(hs[k].Members)
		}
		if err := refresh(false); err != nil {
			return rep, err
		}
	}
	var incomes []registry.Income
	var assets []registry.Asset
	for i, h := range b.Households {
		if h.ID == 0 {
			continue
		}
		b.Bind(i)
		ref := b.Refs[i]
		for _, in := range b.Incomes[ref] {
			if in.PersonID >= 0 {
				incomes = append(incomes, in)
			}
		}
		for _, a := range b.Assets[ref] {
			if a.PersonID >= 0 {
				assets = append(assets, a)
			}
		}
	}
	if err := refresh(true); err != nil {
		return rep, err
	}
	for start := 0; start < len(incomes) || start < len(assets); start += 5 * chunk {
		in := incomes[min(start, len(incomes)):min(start+5*chunk, len(incomes))]
		as := assets[min(start, len(assets)):min(start+5*chunk, len(assets))]
		nIn, nAs, err := st.ImportRecords(ctx, scope, in, as)
		if err != nil {
			return rep, err
		}
		rep.Incomes += nIn
		rep.Assets += nAs
		sinceStats += nIn + nAs
		if err := refresh(false); err != nil {
			return rep, err
		}
	}
	if err := refresh(true); err != nil {
		return rep, err
	}
	return rep, nil
}

// match finds the registered household of h's members from reg. It
// returns nil when none of them is registered, sets the person IDs of those
// who are, and fails when they are spread over several households or a
// registered one is outside the scope.
func match(scope registry.Scope, h *registry.Household, reg map[string]registry.Registration) (*registry.Household, error) {
	var found *registry.Registration
	for j := range h.Members {
		p := &h.Members[j].Person
		r, ok := reg[p.IDNumber]
		if !ok {
			continue
		}
		field := fmt.Sprintf("members[%d].person.id_number", j)
		if r.HouseholdID != 0 && !region.Within(r.RegionCode, scope.Region) {
			return nil, apperr.Fieldf(field, "ID number %s is registered outside your jurisdiction", pii.Mask(pii.IDNumber, p.IDNumber))
		}
		if r.HouseholdID != 0 {
			if found != nil && found.HouseholdID != r.HouseholdID {
				return nil, apperr.Fieldf(field, "the members are registered in different households (%s and %s)", found.HouseholdNumber, r.HouseholdNumber)
			}
			found = &r
		}
		p.ID = r.PersonID
	}
	if found == nil {
		// Persons registered but in no household are linked, not created.
		return nil, nil
	}
	return &registry.Household{ID: found.HouseholdID, Number: found.HouseholdNumber}, nil
}

func refErr(ref string, err error) *apperr.Error {
	e := apperr.As(err)
	field := "household " + ref
	if e.Field != "" {
		field += ", " + e.Field
	}
	return &apperr.Error{Code: e.Code, Field: field, Message: e.Message}
}
