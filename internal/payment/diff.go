package payment

import (
	"context"
	"sort"

	"safetynet/internal/money"
)

// lineKey matches a line across two generations of a payroll.
type lineKey struct {
	household  int64
	month      string
	kind       string
	adjustment int64
}

func keyOf(l *Line) lineKey {
	return lineKey{l.HouseholdID, l.ServiceMonth.String(), l.Kind, l.AdjustmentID}
}

// AddLines adds the difference between before and after (the lines of the
// same households) to d: lines only after are added, only before removed,
// in both with another amount changed. The totals are not touched.
func (d *Diff) AddLines(before, after []Line) {
	old := make(map[lineKey]*Line, len(before))
	for i := range before {
		old[keyOf(&before[i])] = &before[i]
	}
	for i := range after {
		a := &after[i]
		k := keyOf(a)
		b, ok := old[k]
		switch {
		case !ok:
			d.NAdded++
			if len(d.Added) < MaxDiffLines {
				d.Added = append(d.Added, *a)
			} else {
				d.Truncated = true
			}
		case b.Amount != a.Amount:
			d.NChanged++
			if len(d.Changed) < MaxDiffLines {
				d.Changed = append(d.Changed, LineChange{Before: *b, After: *a})
			} else {
				d.Truncated = true
			}
		}
		delete(old, k)
	}
	removed := make([]*Line, 0, len(old))
	for _, b := range old {
		removed = append(removed, b)
	}
	sort.Slice(removed, func(i, j int) bool {
		if removed[i].HouseholdID != removed[j].HouseholdID {
			return removed[i].HouseholdID < removed[j].HouseholdID
		}
		return removed[i].ServiceMonth.Compare(removed[j].ServiceMonth) < 0
	})
	for _, b := range removed {
		d.NRemoved++
		if len(d.Removed) < MaxDiffLines {
			d.Removed = append(d.Removed, *b)
		} else {
			d.Truncated = true
		}
	}
}

// add counts l into t.
func (t *Totals) add(l *Line, sign int64) {
	t.Lines += sign
	a := l.Amount * money.Fen(sign)
	switch l.Kind {
	case LineRegular:
		t.Regular += a
	case LineBackPay:
		t.BackPay += a
	default:
		t.Adjustments += a
	}
	t.Total += a
}

// compareApproved is the Diff between an approved payroll's household
// lines and those it would have now. Nothing is stored; the adjustments
// it carries are left out (they are not recomputed).
func (g *generator) compareApproved(ctx context.Context, st JobStore, chunk int) (*Diff, error) {
	p := g.p
	d := &Diff{Before: p.Totals(), After: p.Totals()}
	q := SourceQuery{County: p.County, Program: p.Program, Month: p.Month, BackFrom: p.BackFrom, Exclude: p.ID, Limit: chunk}
	for {
		srcs, err := st.PayrollSources(ctx, q)
		if err != nil {
			return nil, err
		}
		if len(srcs) == 0 {
			break
		}
		q.After = srcs[len(srcs)-1].HouseholdID
		now, _, err := g.chunk(ctx, st, srcs)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(srcs))
		for i := range srcs {
			ids[i] = srcs[i].HouseholdID
		}
		was, err := st.PayrollLines(ctx, p.ID, ids)
		if err != nil {
			return nil, err
		}
		kept := was[:0]
		for _, l := range was {
			if l.Kind != LineAdjustment {
				kept = append(kept, l)
			}
		}
		d.After = applyLines(d.After, kept, now)
		d.AddLines(kept, now)
	}
	return d, nil
}

// applyLines is t with before's lines replaced by after's. Households
// counts are left to the store's recount (unchanged here).
func applyLines(t Totals, before, after []Line) Totals {
	for i := range before {
		t.add(&before[i], -1)
	}
	for i := range after {
		t.add(&after[i], 1)
	}
	return t
}
