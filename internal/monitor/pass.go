package monitor

import (
	"context"
	"fmt"

	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// PopulationQuery asks for a region's monitored households.
type PopulationQuery struct {
	// Region is a region code prefix.
	Region string
	// ExitedSince and RejectedSince open the windows of the people who
	// exited assistance (an enrollment ended in or after the month) and the
	// rejected applicants (decided on or after the day); zero: none.
	ExitedSince   civil.Month
	RejectedSince civil.Date
	// After is the keyset: households with a larger id.
	After int64
	Limit int
}

// Monitored is one monitored household with its programs and categories.
type Monitored struct {
	HouseholdID int64
	Programs    []string
	Categories  []string
}

// PassStore is what a pass over a region reads.
type PassStore interface {
	// MonitoredHouseholds returns up to q.Limit monitored households of
	// the region in id order after q.After.
	MonitoredHouseholds(ctx context.Context, q PopulationQuery) ([]Monitored, error)
	// HouseholdsAt returns the households as they stood on day d.
	HouseholdsAt(ctx context.Context, ids []int64, d civil.Date) (map[int64]*registry.Snapshot, error)
	Sources(ctx context.Context) ([]verify.SourceInfo, error)
	CurrentRecords(ctx context.Context, indexes []string) ([]verify.StoredRecord, error)
}

// Windows returns the population query of region on day, with the
// windows of monitor.exited.months and monitor.rejected.months where the
// region sets them.
func Windows(set *policy.Set, region string, day civil.Date) PopulationQuery {
	q := PopulationQuery{Region: region}
	if p, ok := set.Resolve("monitor.exited.months", region, day); ok {
		q.ExitedSince = day.MonthOf().Add(-p.Value.Count)
	}
	if p, ok := set.Resolve("monitor.rejected.months", region, day); ok {
		q.RejectedSince = day.AddMonths(-p.Value.Count)
	}
	return q
}

// Pass builds the subjects of every monitored household of q's region on
// day, a chunk of households at a time, and hands each household's to fn.
// It returns the numbers of households and persons passed.
// Errors: fn's, the store's, a damaged record's.
func Pass(ctx context.Context, st PassStore, index func(string) string, set *policy.Set, q PopulationQuery, day civil.Date,
	fn func(h *Household, subjects []Subject) error) (households, persons int, err error) {
	infos, err := st.Sources(ctx)
	if err != nil {
		return 0, 0, err
	}
	var sources []verify.Source
	at := map[string]int{}
	for _, s := range infos {
		if s.Latest != nil {
			at[s.Code] = len(sources)
			sources = append(sources, s.Source)
		}
	}
	recent, earlier := Periods(day)
	if q.Limit <= 0 {
		q.Limit = 500
	}
	for {
		if err := ctx.Err(); err != nil {
			return households, persons, err
		}
		chunk, err := st.MonitoredHouseholds(ctx, q)
		if err != nil || len(chunk) == 0 {
			return households, persons, err
		}
		q.After = chunk[len(chunk)-1].HouseholdID
		ids := make([]int64, len(chunk))
		for i, m := range chunk {
			ids[i] = m.HouseholdID
		}
		snaps, err := st.HouseholdsAt(ctx, ids, day)
		if err != nil {
			return households, persons, err
		}
		now, before := verify.NewMatcher(sources, recent, 4*len(chunk)), verify.NewMatcher(sources, earlier, 4*len(chunk))
		key := map[int64]verify.Key{}
		var indexes []string
		for _, s := range snaps {
			for _, m := range s.Household.Members {
				if idx := index(m.Person.IDNumber); idx != "" {
					k := verify.KeyOfIndex(idx)
					key[m.Person.ID] = k
					now.Person(k)
					before.Person(k)
					indexes = append(indexes, idx)
				}
			}
		}
		recs, err := st.CurrentRecords(ctx, indexes)
		if err != nil {
			return households, persons, err
		}
		for _, r := range recs {
			i, ok := at[r.Source]
			if !ok {
				continue
			}
			vals, err := sources[i].Decode(r.Data)
			if err != nil {
				return households, persons, fmt.Errorf("record of %s in batch %d: %w", r.Source, r.BatchID, err)
			}
			k := verify.KeyOfIndex(r.PersonIndex)
			now.Add(i, k, vals)
			before.Add(i, k, vals)
		}
		for _, m := range chunk {
			snap := snaps[m.HouseholdID]
			if snap == nil {
				continue // registered after day
			}
			h := &Household{Snapshot: snap, Programs: m.Programs, Categories: m.Categories,
				Recent: map[int64]*verify.Finding{}, Earlier: map[int64]*verify.Finding{}}
			for _, mem := range snap.Household.Members {
				if k, ok := key[mem.Person.ID]; ok {
					if f := now.Finding(k); f != nil {
						h.Recent[mem.Person.ID] = f
					}
					if f := before.Finding(k); f != nil {
						h.Earlier[mem.Person.ID] = f
					}
				}
			}
			subs := Subjects(*h, set, day)
			households++
			persons += len(subs)
			if err := fn(h, subs); err != nil {
				return households, persons, err
			}
		}
	}
}

// DryRunRule runs rule r over the monitored population of region on day
// and counts what it would raise, with up to n example households.
// Errors: Invalid (the rule), Pass's.
func DryRunRule(ctx context.Context, st PassStore, index func(string) string, set *policy.Set, r *Rule, region string, day civil.Date, n int) (DryRun, []int64, error) {
	p, err := r.Validate()
	if err != nil {
		return DryRun{}, nil, err
	}
	var out DryRun
	var examples []int64
	_, _, err = Pass(ctx, st, index, set, Windows(set, region, day), day, func(h *Household, subs []Subject) error {
		if !r.Applies(h.Snapshot.Household.RegionCode) {
			return nil
		}
		d := Try(p, subs, 1)
		out.Subjects += d.Subjects
		out.Hits += d.Hits
		out.Errors += d.Errors
		if d.Hits > 0 && len(examples) < n {
			examples = append(examples, h.Snapshot.Household.ID)
		}
		return nil
	})
	return out, examples, err
}
