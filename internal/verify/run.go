package verify

import (
	"context"
	"encoding/json"
	"fmt"

	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Verifier runs verifications on stored departments' data.
type Verifier struct {
	Store Store
	// Index returns the blind index of an ID number (pii.Keys.Index).
	Index  func(id string) string
	Params *policy.Set
}

// Request is one household to verify.
type Request struct {
	// Snapshot is the household as declared on AsOf.
	Snapshot *registry.Snapshot
	AsOf     civil.Date
	// ApplicationID links the report to an application (0: none).
	ApplicationID int64
	// Programs are run by the rules engine on declared and verified values.
	Programs []policy.Program
}

// Verify checks one household against the departments' current data and
// returns its report, not yet stored (Store.SaveReport issues it).
// Errors: Invalid (field "authorisation") without a valid authorisation
// covering every member; Invalid naming parameters.verify.reference_months
// when the county has not set it; the store's errors.
func (v *Verifier) Verify(ctx context.Context, req Request) (*Report, error) {
	h := &req.Snapshot.Household
	auths, err := v.Store.Authorisations(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	auth, err := Authorised(auths, h, req.AsOf)
	if err != nil {
		return nil, err
	}
	period, err := v.period(h.CountyCode, req.AsOf)
	if err != nil {
		return nil, err
	}
	infos, err := v.Store.Sources(ctx)
	if err != nil {
		return nil, err
	}
	var sources []Source
	var results []SourceResult
	use := map[string]int{}
	for _, s := range infos {
		r := SourceResult{Code: s.Code, Status: StatusNoRecord}
		switch {
		case !auth.Covers(s.Code):
			r.Status = StatusNotAuthorised
		case s.Latest == nil:
			r.Status = StatusNoData
		default:
			r.BatchID, r.BatchOn = s.Latest.ID, civil.DateOf(s.Latest.FinishedAt.In(civil.Shanghai))
			use[s.Code] = len(sources)
			sources = append(sources, s.Source)
		}
		results = append(results, r)
	}
	m := NewMatcher(sources, period, len(h.Members))
	byKey := map[Key]int64{}
	var indexes []string
	for _, mem := range h.Members {
		idx := v.Index(mem.Person.IDNumber)
		if idx == "" {
			continue
		}
		k := KeyOfIndex(idx)
		m.Person(k)
		byKey[k] = mem.Person.ID
		indexes = append(indexes, idx)
	}
	recs, err := v.Store.CurrentRecords(ctx, indexes)
	if err != nil {
		return nil, err
	}
	matches := map[int64][]Match{}
	for _, rec := range recs {
		i, ok := use[rec.Source]
		if !ok {
			continue // not authorised, or no longer a source
		}
		vals, err := sources[i].Decode(rec.Data)
		if err != nil {
			return nil, fmt.Errorf("record of %s in batch %d: %w", rec.Source, rec.BatchID, err)
		}
		k := KeyOfIndex(rec.PersonIndex)
		m.Add(i, k, vals)
		var shown map[string]string
		if err := json.Unmarshal(rec.Data, &shown); err != nil {
			return nil, err
		}
		matches[byKey[k]] = append(matches[byKey[k]], Match{Source: rec.Source, Values: shown})
	}
	findings := map[int64]*Finding{}
	for k, id := range byKey {
		if f := m.Finding(k); f != nil {
			findings[id] = f
		}
	}
	catalog := make([]Source, len(infos))
	for i := range infos {
		catalog[i] = infos[i].Source
	}
	r := Build(Input{Snapshot: req.Snapshot, Period: period, Sources: results, Catalog: catalog, Findings: findings, Records: matches,
		Programs: req.Programs, Params: v.Params})
	r.AuthorisationID, r.ApplicationID = auth.ID, req.ApplicationID
	return r, nil
}

// period is the county's reference period ending before the month of asOf.
func (v *Verifier) period(county string, asOf civil.Date) (Period, error) {
	p, ok := v.Params.Resolve("verify.reference_months", county, asOf)
	if !ok || p.Value.Count < 1 {
		return Period{}, policy.NotSet("verify.reference_months", county, asOf)
	}
	return PeriodBefore(asOf, p.Value.Count), nil
}

// IndexWith returns an Index function for keys.
func IndexWith(keys *pii.Keys) func(string) string {
	return func(id string) string { return keys.Index(pii.IDNumber, id) }
}
