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

// Passed is one household of a pass with its subjects.
type Passed struct {
	*Household
	Subjects []Subject
}

// Pass builds the subjects of every monitored household of q's region on
// day, a chunk of households at a time, and hands each household's to fn.
// It returns the numbers of households and persons passed.
// Errors: fn's, the store's, a damaged record's.
func Pass(ctx context.Context, st PassStore, index func(string) string, set *policy.Set, q PopulationQuery, day civil.Date,
	fn func(h *Household, subjects []Subject) error) (households, persons int, err error) {
	err = PassChunks(ctx, st, index, set, q, day, func(chunk []Passed, _ int64) error {
		for _, p := range chunk {
			households++
			persons += len(p.Subjects)
			if err := fn(p.Household, p.Subjects); err != nil {
				return err
			}
		}
		return nil
	})
	return households, persons, err
}

// PassChunks is Pass a chunk at a time: fn gets the chunk's households and
// the keyset after it (the last household id read), from which a pass
// stopped midway resumes (q.After).
func PassChunks(ctx context.Context, st PassStore, index func(string) string, set *policy.Set, q PopulationQuery, day civil.Date,
	fn func(chunk []Passed, after int64) error) error {
	infos, err := st.Sources(ctx)
	if err != nil {
		return err
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
			return err
		}
		chunk, err := st.MonitoredHouseholds(ctx, q)
		if err != nil || len(chunk) == 0 {
			return err
		}
		q.After = chunk[len(chunk)-1].HouseholdID
		ids := make([]int64, len(chunk))
		for i, m := range chunk {
			ids[i] = m.HouseholdID
		}
		snaps, err := st.HouseholdsAt(ctx, ids, day)
		if err != nil {
			return err
		}
		now := verify.NewMatcher(sources, recent, 4*len(chunk))
		before := now.Twin(earlier)
		key := map[int64]verify.Key{}
		var indexes []string
		for _, s := range snaps {
			for _, m := range s.Household.Members {
				if idx := index(m.Person.IDNumber); idx != "" {
					k := verify.KeyOfIndex(idx)
					key[m.Person.ID] = k
					now.Person(k) // and its twin's
					indexes = append(indexes, idx)
				}
			}
		}
		recs, err := st.CurrentRecords(ctx, indexes)
		if err != nil {
			return err
		}
		for _, r := range recs {
			i, ok := at[r.Source]
			if !ok {
				continue
			}
			vals, err := sources[i].Decode(r.Data)
			if err != nil {
				return fmt.Errorf("record of %s in batch %d: %w", r.Source, r.BatchID, err)
			}
			k := verify.KeyOfIndex(r.PersonIndex)
			now.AddBoth(before, i, k, vals)
		}
		out := make([]Passed, 0, len(chunk))
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
			out = append(out, Passed{Household: h, Subjects: Subjects(*h, set, day)})
		}
		if err := fn(out, q.After); err != nil {
			return err
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
