package web

import (
	"net/http"
	"regexp"
	"strings"

	"safetynet/internal/registry"
)

// householdsView is the data of households.html.
type householdsView struct {
	view
	Name, IDNumber, Number, RegionCode string
	Regions                            []option
	Items                              []registry.HouseholdSummary
	Searched                           bool
	NextURL                            string
	FirstURL                           string
}

// householdPageSize is the number of rows on a page of the household list.
const householdPageSize = 25

var (
	looksLikeIDNumber = regexp.MustCompile(`^[0-9]{17}[0-9Xx]$`)
	looksLikeNumber   = regexp.MustCompile(`^[0-9]{6}-[0-9]+$`)
)

// householdsPage searches households in the jurisdiction by name, exact ID
// number, household number and region, a page at a time (?after=).
func (s *Server) householdsPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	q := r.URL.Query()
	pg := &householdsView{view: view{Title: l.T("Households")},
		Name: strings.TrimSpace(q.Get("name")), IDNumber: strings.TrimSpace(q.Get("id_number")),
		Number: strings.TrimSpace(q.Get("number")), RegionCode: q.Get("region")}
	// The home page's one box: route what was typed to the right filter.
	if v := strings.TrimSpace(q.Get("q")); v != "" {
		switch {
		case looksLikeIDNumber.MatchString(v):
			pg.IDNumber = v
		case looksLikeNumber.MatchString(v):
			pg.Number = v
		default:
			pg.Name = v
		}
	}
	for _, c := range s.Regions.Children(principalOf(r).Region) {
		pg.Regions = append(pg.Regions, option{c.Code, c.Name})
	}
	after, err := intParam(r, "after")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := registry.HouseholdFilter{Region: pg.RegionCode, Name: pg.Name, IDNumber: pg.IDNumber,
		Number: pg.Number, After: after, Limit: householdPageSize}
	items, err := s.Registry.FindHouseholds(r.Context(), scopeOf(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.Items = items
	pg.Searched = pg.Name != "" || pg.IDNumber != "" || pg.Number != "" || pg.RegionCode != ""
	var last int64
	if n := len(items); n > 0 {
		last = items[n-1].ID
	}
	pg.NextURL, pg.FirstURL = pageLinks("/households", map[string]string{"name": pg.Name, "id_number": pg.IDNumber, "number": pg.Number, "region": pg.RegionCode},
		"after", last, len(items) == householdPageSize, after > 0)
	s.render(w, r, http.StatusOK, "households.html", pg)
}
