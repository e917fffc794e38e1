package store

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/monitor"
	"safetynet/internal/region"
)

var _ monitor.PopulationStore = (*DB)(nil)

// recipientCategory is programCategory in SQL: the category of an active
// or suspended enrollment's program.
var recipientCategory = func() string {
	var in []string
	for _, c := range []monitor.Category{monitor.CatDibao, monitor.CatTekun, monitor.CatMarginal, monitor.CatRigidExpense} {
		in = append(in, "'"+string(c)+"'")
	}
	return `CASE WHEN e.program IN (` + strings.Join(in, ", ") + `) THEN e.program ELSE '` + string(monitor.CatOther) + `' END`
}()

// MonitoredPopulation implements monitor.PopulationStore: the households
// MonitoredHouseholds would pass, counted by child region and category in
// the database, one query per window (usually one), with their current
// members (as household lists count them).
// Errors: Invalid (the region).
func (db *DB) MonitoredPopulation(ctx context.Context, q monitor.CountQuery) (*monitor.Population, error) {
	if _, ok := region.LevelOf(q.Region); q.Region != "" && !ok {
		return nil, apperr.Fieldf("region", "%q is not a region code", q.Region)
	}
	n := monitor.ChildLen(q.Region)
	rows := map[string]*monitor.PopulationRow{}
	row := func(code string) *monitor.PopulationRow {
		r := rows[code]
		if r == nil {
			r = &monitor.PopulationRow{Region: code, ByCategory: map[monitor.Category]monitor.Count{}}
			rows[code] = r
		}
		return r
	}
	var named []string
	for _, w := range q.Windows {
		named = append(named, w.Counties...)
	}
	for _, w := range q.Windows {
		if w.Counties != nil && len(w.Counties) == 0 {
			continue
		}
		err := db.countWindow(ctx, q, w, named, n, func(child, cat string, c monitor.Count) {
			r := row(child)
			if cat == "" {
				r.Total.Add(c)
				return
			}
			k := r.ByCategory[monitor.Category(cat)]
			k.Add(c)
			r.ByCategory[monitor.Category(cat)] = k
		})
		if err != nil {
			return nil, err
		}
	}
	out := &monitor.Population{Region: q.Region, Day: q.Day, Rows: []monitor.PopulationRow{},
		Total: monitor.PopulationRow{Region: q.Region, ByCategory: map[monitor.Category]monitor.Count{}}}
	for _, r := range rows {
		out.Rows = append(out.Rows, *r)
		out.Total.Total.Add(r.Total)
		for c, k := range r.ByCategory {
			t := out.Total.ByCategory[c]
			t.Add(k)
			out.Total.ByCategory[c] = t
		}
	}
	slices.SortFunc(out.Rows, func(a, b monitor.PopulationRow) int { return strings.Compare(a.Region, b.Region) })
	return out, nil
}

// countWindow counts the households of q.Region in w's counties (or, for
// the default window, those no window names) and hands fn each child
// region's count per category, then its total (category "").
func (db *DB) countWindow(ctx context.Context, q monitor.CountQuery, w monitor.CountWindow, named []string, n int,
	fn func(child, cat string, c monitor.Count)) error {
	exited, rejected := "9999-12", "9999-12-31"
	if !w.ExitedSince.IsZero() {
		exited = w.ExitedSince.String()
	}
	if !w.RejectedSince.IsZero() {
		rejected = w.RejectedSince.String()
	}
	// The county range narrows the benefit and decision tables (their
	// partition key on PostgreSQL); the household's region decides.
	clo, chi := prefixRange(q.Region[:min(6, len(q.Region))])
	lo, hi := prefixRange(q.Region)
	args := []any{clo, chi, exited, clo, chi, rejected, lo, hi}
	where := ""
	switch {
	case w.Counties != nil:
		in, list := inStrings(w.Counties)
		where, args = " AND h.county_code IN ("+list+")", append(args, in...)
	case len(named) > 0:
		in, list := inStrings(named)
		where, args = " AND h.county_code NOT IN ("+list+")", append(args, in...)
	}
	child := `substr(h.region_code, 1, ` + strconv.Itoa(n) + `)`
	rows, err := db.query(ctx, `WITH cats AS (
			SELECT e.household_id AS hid, CASE WHEN e.status IN ('active', 'suspended') THEN `+recipientCategory+` ELSE 'exited' END AS cat
			FROM enrollments e WHERE e.county_code >= ? AND e.county_code < ?
				AND (e.status IN ('active', 'suspended') OR e.status = 'ended' AND e.end_month >= ?)
			UNION
			SELECT a.household_id AS hid, 'rejected' AS cat FROM applications a JOIN decisions d ON d.application_id = a.id
			WHERE a.county_code >= ? AND a.county_code < ? AND a.state = 'rejected' AND d.decided_on >= ?
			UNION
			SELECT x.hid, '`+string(monitor.CatRelapseRisk)+`' AS cat FROM (`+relapseHouseholds+`) x),
		mon AS (
			SELECT c.hid, c.cat, `+child+` AS child,
				(SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.left_on IS NULL) AS persons
			FROM cats c JOIN households h ON h.id = c.hid
			WHERE h.region_code >= ? AND h.region_code < ?`+where+`)
		SELECT child, cat, COUNT(*), COALESCE(SUM(persons), 0) FROM mon GROUP BY child, cat
		UNION ALL
		SELECT child, '', COUNT(*), COALESCE(SUM(persons), 0) FROM (SELECT DISTINCT hid, child, persons FROM mon) t GROUP BY child`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var child, cat string
		var c monitor.Count
		if err := rows.Scan(&child, &cat, &c.Households, &c.Persons); err != nil {
			return err
		}
		fn(child, cat, c)
	}
	return rows.Err()
}

func inStrings(vs []string) ([]any, string) {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out, placeholders(len(vs))
}

// MonitoredList returns up to q.Limit monitored households of q's region
// after q.After (keyset by id), of category cat ("" for any), with what a
// list shows of each.
func (db *DB) MonitoredList(ctx context.Context, q monitor.PopulationQuery, cat monitor.Category) ([]monitor.MonitoredSummary, error) {
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var picked []monitor.Monitored
	chunk := q
	chunk.Limit = max(limit, 200)
	for len(picked) < limit {
		ms, err := db.MonitoredHouseholds(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if cat == "" || slices.Contains(m.Categories, string(cat)) {
				picked = append(picked, m)
				if len(picked) == limit {
					break
				}
			}
		}
		if len(ms) < chunk.Limit {
			break
		}
		chunk.After = ms[len(ms)-1].HouseholdID
	}
	out := []monitor.MonitoredSummary{}
	if len(picked) == 0 {
		return out, nil
	}
	ids := make([]int64, len(picked))
	for i, m := range picked {
		ids[i] = m.HouseholdID
	}
	args, in := inArgs(ids)
	rows, err := db.query(ctx, `SELECT h.id, h.number, h.region_code, h.address,
		COALESCE((SELECT p.name FROM members m JOIN persons p ON p.id = m.person_id
			WHERE m.household_id = h.id AND m.left_on IS NULL AND m.relationship = 'head' LIMIT 1), ''),
		(SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.left_on IS NULL)
		FROM households h WHERE h.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int64]monitor.MonitoredSummary{}
	for rows.Next() {
		var s monitor.MonitoredSummary
		if err := rows.Scan(&s.HouseholdID, &s.Number, &s.Region, &s.Address, &s.HeadName, &s.Size); err != nil {
			return nil, err
		}
		byID[s.HouseholdID] = s
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, m := range picked {
		s := byID[m.HouseholdID]
		s.Programs, s.Categories = m.Programs, m.Categories
		if s.Programs == nil {
			s.Programs = []string{}
		}
		out = append(out, s)
	}
	return out, nil
}
