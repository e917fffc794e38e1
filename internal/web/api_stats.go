package web

import (
	"net/http"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/region"
)

// handlingQuery asks for the handling-time statistics of a region inside
// the viewer's jurisdiction over a period of decisions.
type handlingQuery struct {
	Region   string
	From, To civil.Date
}

// handlingReport is the answer of GET /api/v1/stats/handling: per program
// for the region itself (Totals), and per child region and program (Rows).
type handlingReport struct {
	Region     string                  `json:"region"`
	RegionName string                  `json:"region_name"`
	From       civil.Date              `json:"from"`
	To         civil.Date              `json:"to"`
	Totals     []casework.HandlingStat `json:"totals"`
	Rows       []handlingRegionStat    `json:"rows"`
}

// handlingRegionStat is one child region's handling of one program, with
// the region's name.
type handlingRegionStat struct {
	casework.HandlingStat
	RegionName string `json:"region_name"`
}

// handlingParams reads ?region=&from=&to=. The region defaults to the
// viewer's jurisdiction and must lie inside it (NotFound otherwise, as
// everywhere outside a jurisdiction). The period defaults to the first
// day of to's year (this year's, when to is not given) up to today.
//
// Errors: NotFound (region), Invalid (from, to: not a date, or from after
// to; both named at once).
func (s *Server) handlingParams(r *http.Request) (handlingQuery, error) {
	q := r.URL.Query()
	jurisdiction := principalOf(r).Region
	hq := handlingQuery{Region: jurisdiction, To: s.today()}
	if code := strings.TrimSpace(q.Get("region")); code != "" {
		if !region.Within(code, jurisdiction) {
			return hq, apperr.Errorf(apperr.NotFound, "no region %s in your jurisdiction", code)
		}
		hq.Region = code
	}
	var l apperr.List
	date := func(name string, dst *civil.Date) {
		if v := strings.TrimSpace(q.Get(name)); v != "" {
			d, err := civil.ParseDate(v)
			if err != nil {
				l.Addf(name, "enter the date as YYYY-MM-DD")
				return
			}
			*dst = d
		}
	}
	date("to", &hq.To)
	hq.From = civil.D(hq.To.Year, 1, 1)
	date("from", &hq.From)
	if err := l.Err(); err != nil {
		return hq, err
	}
	if hq.From.After(hq.To) {
		return hq, apperr.Fieldf("from", "the period's first day %s is after its last day %s", hq.From, hq.To)
	}
	return hq, nil
}

// childLevel is the length of the codes one level below a region code of
// length n: the provinces below the whole country, and so on down to the
// villages; a village has no level below and counts as itself.
func childLevel(n int) int {
	switch n {
	case 0:
		return 2
	case 2, 4:
		return n + 2
	case 6, 9:
		return n + 3
	}
	return n
}

// handling reads the applications of q from the store and aggregates them
// at the region's own level and one level below, counting working days
// with the server's calendar; overdue means past the limit as of today.
func (s *Server) handling(r *http.Request, q handlingQuery) (*handlingReport, error) {
	ctx := r.Context()
	var rows []casework.HandlingRow
	err := s.Stats.HandlingRows(ctx, scopeOf(r), q.Region, q.From, q.To, func(row casework.HandlingRow) error {
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	cal, today := s.calendar(ctx), s.today()
	out := &handlingReport{Region: q.Region, RegionName: s.regionName(q.Region), From: q.From, To: q.To,
		Totals: casework.Handling(rows, len(q.Region), cal, today), Rows: []handlingRegionStat{}}
	for _, st := range casework.Handling(rows, childLevel(len(q.Region)), cal, today) {
		out.Rows = append(out.Rows, handlingRegionStat{HandlingStat: st, RegionName: s.divisionName(st.Region)})
	}
	return out, nil
}

// divisionName is a region's own name ("沙面街道"), or its code when the
// table lacks it (a village not imported).
func (s *Server) divisionName(code string) string {
	if reg, ok := s.Regions.Get(code); ok {
		return reg.Name
	}
	return code
}

func (s *Server) apiHandlingStats(w http.ResponseWriter, r *http.Request) {
	q, err := s.handlingParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.handling(r, q)
	s.answer(w, r, http.StatusOK, rep, err)
}
