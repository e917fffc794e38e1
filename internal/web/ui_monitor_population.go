package web

import (
	"encoding/csv"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"safetynet/internal/monitor"
	"safetynet/internal/policy"
)

// The monitored population's pages (docs/monitoring.md): counts of a
// region by child region and category with drill-down and a CSV download
// (/monitor/population), and the list of the monitored households of a
// county or smaller (/monitor/population/households).

// populationPage is the data of monitor_population.html.
type populationPage struct {
	view
	Region, RegionName string
	Day                string
	// Crumbs lead from the jurisdiction down to the region.
	Crumbs     []option
	Categories []categoryHead
	Rows       []populationLine
	Total      populationLine
	CSV        string
	// Windows describes the exits' and rejections' windows in force.
	Windows string
}

type categoryHead struct{ Code, Label string }

// populationLine is one row of the table: a child region (or the total).
type populationLine struct {
	Region, Name string
	// Drill is the address of the child's own counts ("" for a village);
	// List the list of its households ("" wider than a county).
	Drill, List string
	Total       populationCell
	Cells       []populationCell
}

type populationCell struct {
	Households, Persons int64
	List                string
}

func (s *Server) populationPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	code, err := populationRegion(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := s.population(r, code)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &populationPage{Region: code, RegionName: s.regionName(code), Day: v.Day.String(),
		CSV: "/monitor/population.csv?region=" + url.QueryEscape(code)}
	pg.Title = l.T("Monitored population")
	j := principalOf(r).Region
	if j == "" {
		pg.Crumbs = append(pg.Crumbs, option{"", s.regionName("")})
	}
	for _, c := range s.Regions.Chain(code) {
		if len(c.Code) >= len(j) {
			pg.Crumbs = append(pg.Crumbs, option{c.Code, c.Name})
		}
	}
	for _, c := range v.Categories {
		pg.Categories = append(pg.Categories, categoryHead{string(c), l.enumLabel("pop_category", string(c))})
	}
	line := func(row monitor.PopulationRow, name string, own bool) populationLine {
		out := populationLine{Region: row.Region, Name: name, Total: populationCell{Households: row.Total.Households, Persons: row.Total.Persons}}
		if !own && row.Region != code && len(row.Region) < 12 {
			out.Drill = "/monitor/population?region=" + url.QueryEscape(row.Region)
		}
		list := func(cat string) string {
			if len(row.Region) < 6 {
				return ""
			}
			q := url.Values{"region": {row.Region}}
			if cat != "" {
				q.Set("category", cat)
			}
			return "/monitor/population/households?" + q.Encode()
		}
		out.List, out.Total.List = list(""), list("")
		for _, c := range v.Categories {
			n := row.ByCategory[c]
			cell := populationCell{Households: n.Households, Persons: n.Persons}
			if n.Households > 0 {
				cell.List = list(string(c))
			}
			out.Cells = append(out.Cells, cell)
		}
		return out
	}
	for _, row := range v.Rows {
		pg.Rows = append(pg.Rows, line(row.PopulationRow, s.shortRegionName(row.Region), false))
	}
	pg.Total = line(v.Total, l.T("Total"), true)
	pg.Windows = s.windowsText(r, code)
	s.render(w, r, http.StatusOK, "monitor_population.html", pg)
}

// shortRegionName is a region's own name ("沙面街道"), or its code.
func (s *Server) shortRegionName(code string) string {
	if r, ok := s.Regions.Get(code); ok {
		return r.Name
	}
	return code
}

// windowsText says which windows of exits and rejections apply in code.
func (s *Server) windowsText(r *http.Request, code string) string {
	l := langOf(r)
	set, err := s.paramSet(r.Context())
	if err != nil {
		return ""
	}
	months := func(key string) string {
		if p, ok := set.Resolve(key, code, s.today()); ok {
			return l.T("%d months", p.Value.Count)
		}
		return l.T("not set")
	}
	out := l.T("Recently exited: %s (monitor.exited.months); rejected applicants: %s (monitor.rejected.months).",
		months("monitor.exited.months"), months("monitor.rejected.months"))
	if len(code) < 6 {
		out += " " + l.T("Counties that set their own windows are counted with them.")
	}
	return out
}

// populationCSV downloads the table of the population page.
func (s *Server) populationCSV(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	code, err := populationRegion(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := s.population(r, code)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	name := l.T("Monitored population") + "-" + code + "-" + v.Day.String() + ".csv"
	if code == "" {
		name = l.T("Monitored population") + "-" + v.Day.String() + ".csv"
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "no-store")
	w.Write([]byte("\ufeff")) // Excel reads UTF-8 with its mark
	cw := csv.NewWriter(w)
	head := []string{l.T("Region code"), l.T("Region"), l.T("Households (any category)"), l.T("Persons (any category)")}
	for _, c := range v.Categories {
		lb := l.enumLabel("pop_category", string(c))
		head = append(head, lb+" "+l.T("households"), lb+" "+l.T("persons"))
	}
	cw.Write(head)
	rec := func(code, name string, row monitor.PopulationRow) {
		out := []string{code, name, strconv.FormatInt(row.Total.Households, 10), strconv.FormatInt(row.Total.Persons, 10)}
		for _, c := range v.Categories {
			n := row.ByCategory[c]
			out = append(out, strconv.FormatInt(n.Households, 10), strconv.FormatInt(n.Persons, 10))
		}
		cw.Write(out)
	}
	for _, row := range v.Rows {
		rec(row.Region, row.Name, row.PopulationRow)
	}
	rec(code, l.T("Total"), v.Total)
	cw.Flush()
}

// monitoredListPage is the data of monitor_population.html's list mode.
type monitoredListPage struct {
	view
	Region, RegionName string
	Category, CatLabel string
	Rows               []monitoredLine
	NextURL, FirstURL  string
	BackURL            string
	CategoryOptions    []option
	Windows            string
}

type monitoredLine struct {
	monitor.MonitoredSummary
	RegionName string
	Programs   []string
	Categories []string
}

func (s *Server) monitoredListPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	out, err := s.monitoredPage(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	code, _ := populationRegion(r)
	cat := r.URL.Query().Get("category")
	pg := &monitoredListPage{Region: code, RegionName: s.regionName(code), Category: cat, CatLabel: l.enumLabel("pop_category", cat)}
	pg.Title = l.T("Monitored households")
	parent := code[:len(code)-3]
	if len(code) == 6 {
		parent = code[:4]
	}
	if !inJurisdiction(principalOf(r).Region, parent) {
		parent = code
	}
	pg.BackURL = "/monitor/population?region=" + url.QueryEscape(parent)
	pg.CategoryOptions = append(pg.CategoryOptions, option{"", l.T("Any category")})
	for _, c := range monitor.Categories {
		pg.CategoryOptions = append(pg.CategoryOptions, option{string(c), l.enumLabel("pop_category", string(c))})
	}
	lg := string(l)
	for _, it := range out.Items {
		ln := monitoredLine{MonitoredSummary: it, RegionName: s.shortRegionName(it.Region)}
		for _, p := range it.Programs {
			ln.Programs = append(ln.Programs, policy.ProgramName(policy.Program(p), lg))
		}
		for _, c := range it.Categories {
			ln.Categories = append(ln.Categories, l.enumLabel("pop_category", c))
		}
		pg.Rows = append(pg.Rows, ln)
	}
	var after int64
	if out.Next != nil {
		after = *out.Next
	}
	pg.NextURL, pg.FirstURL = pageLinks("/monitor/population/households", map[string]string{"region": code, "category": cat},
		"after", after, out.Next != nil, r.URL.Query().Get("after") != "")
	pg.Windows = s.windowsText(r, code)
	s.render(w, r, http.StatusOK, "monitor_households.html", pg)
}

// inJurisdiction reports whether code lies in the jurisdiction j.
func inJurisdiction(j, code string) bool {
	return len(code) >= len(j) && code[:len(j)] == j
}
