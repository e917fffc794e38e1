package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// The on-time share's colours on the dashboard: red below shareRed,
// amber below shareAmber, green from there. They are display thresholds
// chosen for legibility, not limits any policy sets, and the page says so.
const (
	shareRed   = 0.80
	shareAmber = 0.95
)

// dashboardView is the data of dashboard.html.
type dashboardView struct {
	view
	// Fields are the filter's: region, from and to.
	Fields []formField
	// Invalid says the period could not be read: the form shows why, and
	// no table is shown.
	Invalid bool
	// RegionName is the full name of the region shown; Period its dates.
	RegionName, Period string
	// Up leads to the parent region's dashboard after a drill-down;
	// UpName names the parent.
	Up, UpName string
	// Tables are the totals per program, then the rows per child region
	// and program.
	Tables []dashboardTable
	// Decided counts the applications decided in the period, all
	// programs together; the page says so when there are none.
	Decided int
	Note    string
}

// dashboardTable is one table of the dashboard; ByRegion adds the region
// column.
type dashboardTable struct {
	ID, Title string
	ByRegion  bool
	Rows      []dashboardRow
}

// dashboardRow is one program's handling, in a region, as the page shows
// it: the numbers formatted, the on-time share as a bar.
type dashboardRow struct {
	ID, RegionName, Link string
	Program              string
	Decided, OpenOverdue int
	// Average is the average working days ("" with nothing decided);
	// Share the on-time share as a percentage ("" without a limit).
	Average, Share string
	// BarWidth is the bar's length out of 100; Band its colour class.
	BarWidth, Band string
}

// dashboardPage shows the handling-time statistics of the viewer's
// jurisdiction, or of a region inside it, per program and per child
// region; a child region's name drills down to it.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	p := principalOf(r)
	q := r.URL.Query()
	pg := &dashboardView{view: view{Title: l.T("Handling times")},
		Note: l.T("The colours are display thresholds, not policy: red below %d%%, amber below %d%%.", int(shareRed*100), int(shareAmber*100))}
	regions := []option{{"", l.T("All of my jurisdiction")}}
	for _, c := range s.Regions.Children(p.Region) {
		regions = append(regions, option{c.Code, c.Name})
	}
	reg := formField{Name: "region", Label: l.T("Region"), Kind: "select", Value: strings.TrimSpace(q.Get("region"))}
	from := formField{Name: "from", Label: l.T("Decided from"), Kind: "date", Value: strings.TrimSpace(q.Get("from"))}
	to := formField{Name: "to", Label: l.T("Decided until"), Kind: "date", Value: strings.TrimSpace(q.Get("to"))}
	hq, err := s.handlingParams(r)
	status := http.StatusOK
	switch {
	case apperr.CodeOf(err) == apperr.Invalid:
		fe := errorsOf(l, err)
		from.Error, to.Error = fe.take("from"), fe.take("to")
		pg.Invalid, status = true, statusOf[apperr.Invalid]
	case err != nil:
		s.renderError(w, r, err)
		return
	default:
		from.Value, to.Value = hq.From.String(), hq.To.String()
		pg.RegionName, pg.Period = s.regionName(hq.Region), from.Value+" – "+to.Value
		if hq.Region != p.Region {
			// A drill-down: the way back up, and the region among the
			// select's choices when it lies below them.
			up := region.ParentCode(hq.Region)
			pg.UpName = s.regionName(up)
			if up == p.Region {
				up = ""
			} else {
				regions = append(regions, option{hq.Region, s.divisionName(hq.Region)})
			}
			pg.Up = dashboardURL(up, from.Value, to.Value)
		}
		rep, err := s.handling(r, hq)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		totals := dashboardTable{ID: "totals", Title: l.T("By program")}
		for _, st := range rep.Totals {
			pg.Decided += st.Decided
			row := dashboardRowOf(l, st)
			row.ID = "total-" + string(st.Program)
			totals.Rows = append(totals.Rows, row)
		}
		pg.Tables = []dashboardTable{totals}
		// The rows per child region; none when every application lies in
		// the region itself (a township without villages imported), as
		// the table would repeat the totals.
		children := dashboardTable{ID: "regions", Title: l.T("By region and program"), ByRegion: true}
		below := false
		for _, st := range rep.Rows {
			row := dashboardRowOf(l, st.HandlingStat)
			row.ID, row.RegionName = "row-"+st.Region+"-"+string(st.Program), st.RegionName
			if len(st.Region) > len(hq.Region) {
				row.Link, below = dashboardURL(st.Region, from.Value, to.Value), true
			}
			children.Rows = append(children.Rows, row)
		}
		if below {
			pg.Tables = append(pg.Tables, children)
		}
	}
	reg.Groups = []optGroup{{Options: regions}}
	pg.Fields = []formField{reg, from, to}
	s.render(w, r, status, "dashboard.html", pg)
}

// dashboardURL is the dashboard of a region ("" for the whole
// jurisdiction) over a period.
func dashboardURL(code, from, to string) string {
	return "/dashboard?region=" + url.QueryEscape(code) + "&from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to)
}

// dashboardRowOf formats one statistic for the page.
func dashboardRowOf(l lang, st casework.HandlingStat) dashboardRow {
	row := dashboardRow{Program: policy.ProgramName(st.Program, string(l)),
		Decided: st.Decided, OpenOverdue: st.OpenOverdue}
	if st.Decided > 0 {
		row.Average = strconv.FormatFloat(st.AvgWorkdays, 'f', 1, 64)
	}
	if st.WithLimit > 0 {
		row.BarWidth = strconv.FormatFloat(st.OnTimeShare*100, 'f', 1, 64)
		row.Share = strings.TrimSuffix(row.BarWidth, ".0") + "%"
		switch {
		case st.OnTimeShare < shareRed:
			row.Band = "share-low"
		case st.OnTimeShare < shareAmber:
			row.Band = "share-mid"
		default:
			row.Band = "share-ok"
		}
	}
	return row
}
