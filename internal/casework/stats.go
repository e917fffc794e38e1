package casework

import (
	"slices"

	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// HandlingRow is one application for the handling-time statistics: when it
// was accepted and decided (zero while open), and its overall limit.
type HandlingRow struct {
	Program    policy.Program
	Region     string
	AcceptedOn civil.Date
	DecidedOn  civil.Date
	Due        civil.Date
}

// WorkdayCounter counts working days between two dates (after a, up to
// and including b): internal/calendar.
type WorkdayCounter interface {
	WorkdaysBetween(a, b civil.Date) int
}

// HandlingStat is the handling of one program in one region: decided
// applications, their average handling time in working days from
// acceptance to decision, the share decided within the limit, and the open
// ones past their limit.
type HandlingStat struct {
	Program     policy.Program `json:"program"`
	Region      string         `json:"region"`
	Decided     int            `json:"decided"`
	AvgWorkdays float64        `json:"avg_workdays"`
	OnTime      int            `json:"on_time"`
	// OnTimeShare is OnTime / Decided among those with a limit (0 to 1);
	// WithLimit counts them.
	WithLimit   int     `json:"with_limit"`
	OnTimeShare float64 `json:"on_time_share"`
	OpenOverdue int     `json:"open_overdue"`
	totalDays   int
}

// Handling aggregates rows by program and by the region code prefix of
// length level (a child level of the viewer's region), counting working
// days with cal, as of today. Rows not yet accepted count for nothing.
func Handling(rows []HandlingRow, level int, cal WorkdayCounter, today civil.Date) []HandlingStat {
	type key struct {
		p policy.Program
		r string
	}
	m := map[key]*HandlingStat{}
	for _, r := range rows {
		if r.AcceptedOn.IsZero() {
			continue
		}
		region := r.Region
		if len(region) > level {
			region = region[:level]
		}
		k := key{r.Program, region}
		st := m[k]
		if st == nil {
			st = &HandlingStat{Program: r.Program, Region: region}
			m[k] = st
		}
		if r.DecidedOn.IsZero() {
			if !r.Due.IsZero() && r.Due.Before(today) {
				st.OpenOverdue++
			}
			continue
		}
		st.Decided++
		st.totalDays += cal.WorkdaysBetween(r.AcceptedOn, r.DecidedOn)
		if !r.Due.IsZero() {
			st.WithLimit++
			if !r.DecidedOn.After(r.Due) {
				st.OnTime++
			}
		}
	}
	out := make([]HandlingStat, 0, len(m))
	for _, st := range m {
		if st.Decided > 0 {
			st.AvgWorkdays = float64(st.totalDays) / float64(st.Decided)
		}
		if st.WithLimit > 0 {
			st.OnTimeShare = float64(st.OnTime) / float64(st.WithLimit)
		}
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b HandlingStat) int {
		if a.Region != b.Region {
			if a.Region < b.Region {
				return -1
			}
			return 1
		}
		return slices.Index(policy.Programs, a.Program) - slices.Index(policy.Programs, b.Program)
	})
	return out
}
