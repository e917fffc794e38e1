package web

import (
	"encoding/csv"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/referral"
	"safetynet/internal/region"
	"safetynet/internal/store"
)

// The monitoring dashboard (/monitor/dashboard, its CSV tables and GET
// /api/v1/monitor/stats): the warnings raised in a period about households
// in a region, by child region, by rule and by status, how many were
// closed by their due day, how many are open past it, and what became of
// the referrals sent in the period. A child region's name drills down to
// its own children. The charts are inline SVG drawn from the same numbers
// as the tables beside them (and hidden from screen readers, which read
// the tables).

func init() {
	apiDocs["GET /api/v1/monitor/stats"] = apiDoc{
		Summary: "Warnings raised in a period (default the last 3 months) about households in a region of the jurisdiction (default all of it): " +
			"totals, by child region and by rule, with open, visited, closed, closed on time and overdue counts and the on-time rate; " +
			"and the referrals sent in the period by child region and outcome (roles that read referrals)",
		Query: []string{"region", "from", "to"}, Response: monitorStats{}}
}

// monitorStatsQuery asks for a region's statistics over a period.
type monitorStatsQuery struct {
	Region   string
	From, To civil.Date
}

// monitorStats is the answer of GET /api/v1/monitor/stats and the
// numbers of the dashboard.
type monitorStats struct {
	Region     string     `json:"region"`
	RegionName string     `json:"region_name"`
	From       civil.Date `json:"from"`
	To         civil.Date `json:"to"`
	// AsOf is the day open warnings and referrals count as overdue on.
	AsOf     civil.Date `json:"as_of"`
	Totals   statsRow   `json:"totals"`
	ByRegion []statsRow `json:"by_region"`
	ByRule   []statsRow `json:"by_rule"`
	// Referrals is null and ReferralTotals left out for a role that does
	// not read referrals.
	Referrals      []referralStatsRow `json:"referrals"`
	ReferralTotals *referralStatsRow  `json:"referral_totals,omitempty"`
}

// statsRow is one region's or rule's warnings with its name and the
// on-time rate: the share of the closed warnings closed by their due day
// (null while none is closed).
type statsRow struct {
	store.WarningCount
	Name       string   `json:"name"`
	OnTimeRate *float64 `json:"on_time_rate"`
}

// referralStatsRow is one region's referrals with the region's name.
type referralStatsRow struct {
	referral.RegionStats
	RegionName string `json:"region_name"`
}

// monitorStatsParams reads ?region=&from=&to=. The region defaults to the
// jurisdiction and must lie inside it; the period defaults to the three
// months up to today.
// Errors: Invalid naming region, from or to.
func (s *Server) monitorStatsParams(r *http.Request) (monitorStatsQuery, error) {
	q := r.URL.Query()
	jurisdiction := principalOf(r).Region
	mq := monitorStatsQuery{Region: jurisdiction, To: s.today()}
	var l apperr.List
	if code := strings.TrimSpace(q.Get("region")); code != "" {
		switch {
		case !validRegion(code):
			l.Addf("region", "%q is not a region code: use the 2 to 12 digits of a division", code)
		case !region.Within(code, jurisdiction):
			l.Addf("region", "region %s lies outside your jurisdiction %s", code, jurisdiction)
		default:
			mq.Region = code
		}
	}
	date := func(name string, dst *civil.Date) bool {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return false
		}
		d, err := civil.ParseDate(v)
		if err != nil {
			l.Addf(name, "enter the date as YYYY-MM-DD")
			return false
		}
		*dst = d
		return true
	}
	date("to", &mq.To)
	if !date("from", &mq.From) {
		mq.From = mq.To.AddMonths(-3)
	}
	if err := l.Err(); err != nil {
		return mq, err
	}
	if mq.From.After(mq.To) {
		return mq, apperr.Fieldf("from", "the period's first day %s is after its last day %s", mq.From, mq.To)
	}
	return mq, nil
}

// validRegion reports whether code has the shape of a division code.
func validRegion(code string) bool {
	_, ok := region.LevelOf(code)
	return ok
}

// monitorStats reads the numbers of q as of today.
func (s *Server) monitorStats(r *http.Request, q monitorStatsQuery) (*monitorStats, error) {
	ctx, l, today := r.Context(), langOf(r), s.today()
	out := &monitorStats{Region: q.Region, RegionName: s.regionName(q.Region), From: q.From, To: q.To, AsOf: today,
		ByRegion: []statsRow{}, ByRule: []statsRow{}}
	byRegion, err := s.DB.WarningStats(ctx, q.Region, q.From, q.To, today, false)
	if err != nil {
		return nil, err
	}
	byRule, err := s.DB.WarningStats(ctx, q.Region, q.From, q.To, today, true)
	if err != nil {
		return nil, err
	}
	// Every child region, those without a warning too, so that a quiet
	// township shows as quiet rather than missing.
	counts := map[string]store.WarningCount{}
	for _, c := range byRegion {
		counts[c.Key] = c
	}
	codes := []string{}
	if len(q.Region) < 12 {
		for _, c := range s.Regions.Children(q.Region) {
			codes = append(codes, c.Code)
		}
	}
	for _, c := range byRegion {
		if !slices.Contains(codes, c.Key) {
			codes = append(codes, c.Key)
		}
	}
	slices.Sort(codes)
	total := store.WarningCount{Key: q.Region}
	for _, code := range codes {
		c := counts[code]
		c.Key = code
		out.ByRegion = append(out.ByRegion, statsRowOf(c, s.divisionName(code)))
		total.Total, total.Open, total.Visited, total.Closed = total.Total+c.Total, total.Open+c.Open, total.Visited+c.Visited, total.Closed+c.Closed
		total.OnTime, total.Overdue = total.OnTime+c.OnTime, total.Overdue+c.Overdue
	}
	out.Totals = statsRowOf(total, out.RegionName)
	names, err := s.ruleNames(r, l)
	if err != nil {
		return nil, err
	}
	for _, c := range byRule {
		name := names[c.Key]
		if name == "" {
			name = c.Key
		}
		out.ByRule = append(out.ByRule, statsRowOf(c, name))
	}
	slices.SortStableFunc(out.ByRule, func(a, b statsRow) int { return int(b.Total - a.Total) })
	if principalOf(r).Can(auth.ReferralRead) {
		refs, err := s.DB.ReferralOutcomes(ctx, q.Region, q.From, q.To, today)
		if err != nil {
			return nil, err
		}
		sum := referralStatsRow{RegionStats: referral.RegionStats{Region: q.Region}, RegionName: out.RegionName}
		out.Referrals = []referralStatsRow{}
		for _, st := range refs {
			out.Referrals = append(out.Referrals, referralStatsRow{RegionStats: st, RegionName: s.divisionName(st.Region)})
			sum.Sent, sum.Waiting, sum.Accepted, sum.Declined = sum.Sent+st.Sent, sum.Waiting+st.Waiting, sum.Accepted+st.Accepted, sum.Declined+st.Declined
			sum.Done, sum.Overdue = sum.Done+st.Done, sum.Overdue+st.Overdue
		}
		out.ReferralTotals = &sum
	}
	return out, nil
}

// ruleNames names the rules of the jurisdiction by code, in l.
func (s *Server) ruleNames(r *http.Request, l lang) (map[string]string, error) {
	rules, err := s.DB.Rules(r.Context(), monitor.RuleFilter{Region: principalOf(r).Region})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, ru := range rules {
		if _, ok := out[ru.Code]; ok {
			continue
		}
		out[ru.Code] = ru.ZH
		if l == langEN && ru.EN != "" {
			out[ru.Code] = ru.EN
		}
	}
	return out, nil
}

func statsRowOf(c store.WarningCount, name string) statsRow {
	row := statsRow{WarningCount: c, Name: name}
	if c.Closed > 0 {
		rate := float64(c.OnTime) / float64(c.Closed)
		row.OnTimeRate = &rate
	}
	return row
}

func (s *Server) apiMonitorStats(w http.ResponseWriter, r *http.Request) {
	q, err := s.monitorStatsParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.monitorStats(r, q)
	s.answer(w, r, http.StatusOK, st, err)
}

// monitorDashboardView is the data of monitor_dashboard.html.
type monitorDashboardView struct {
	view
	Fields []formField
	// Invalid says the filter could not be read: the form shows why and
	// no table is shown.
	Invalid            bool
	RegionName, Period string
	// Up leads back to the parent region after a drill-down.
	Up, UpName string
	Totals     dashBar
	Statuses   []statusShare
	Regions    []dashBar
	Rules      []dashBar
	// Referrals is nil for a role that does not read referrals.
	Referrals      []referralStatsRow
	ReferralTotals *referralStatsRow
	// CSV is the address of a table's download, without the table.
	CSV string
}

// dashBar is one row of the dashboard: the numbers, the drill-down link,
// the stacked bar of open, visited and closed warnings (scaled to the
// largest row) and the on-time bar.
type dashBar struct {
	statsRow
	ID, Link  string
	Segments  []barSegment
	Rate      string // "85.7%", or "" while none is closed
	RateWidth string
}

// barSegment is one coloured part of a stacked bar, in the SVG's units
// (0 to 100).
type barSegment struct{ Class, X, Width string }

// statusShare is one status's count and share of the warnings.
type statusShare struct {
	Status, Label string
	Count         int64
	Share         string
}

func (s *Server) monitorDashboardPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	p := principalOf(r)
	q := r.URL.Query()
	pg := &monitorDashboardView{view: view{Title: l.T("Monitoring dashboard")}}
	regions := []option{{"", l.T("All of my jurisdiction")}}
	for _, c := range s.Regions.Children(p.Region) {
		regions = append(regions, option{c.Code, c.Name})
	}
	reg := formField{Name: "region", Label: l.T("Region"), Kind: "select", Value: strings.TrimSpace(q.Get("region"))}
	from := formField{Name: "from", Label: l.T("Raised from"), Kind: "date", Value: strings.TrimSpace(q.Get("from"))}
	to := formField{Name: "to", Label: l.T("Raised until"), Kind: "date", Value: strings.TrimSpace(q.Get("to"))}
	mq, err := s.monitorStatsParams(r)
	status := http.StatusOK
	switch {
	case apperr.CodeOf(err) == apperr.Invalid:
		fe := errorsOf(l, err)
		reg.Error, from.Error, to.Error = fe.take("region"), fe.take("from"), fe.take("to")
		pg.Invalid, status = true, statusOf[apperr.Invalid]
	case err != nil:
		s.renderError(w, r, err)
		return
	default:
		from.Value, to.Value = mq.From.String(), mq.To.String()
		st, err := s.monitorStats(r, mq)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		pg.RegionName, pg.Period = st.RegionName, from.Value+" – "+to.Value
		if mq.Region != p.Region {
			up := region.ParentCode(mq.Region)
			pg.UpName = s.regionName(up)
			if up == p.Region {
				up = ""
			}
			if !slices.ContainsFunc(regions, func(o option) bool { return o.Value == mq.Region }) {
				regions = append(regions, option{mq.Region, s.divisionName(mq.Region)})
			}
			pg.Up = monitorDashboardURL("/monitor/dashboard", up, from.Value, to.Value)
		}
		pg.CSV = monitorDashboardURL("/monitor/dashboard.csv", reg.Value, from.Value, to.Value)
		s.fillDashboard(l, pg, st, from.Value, to.Value)
	}
	reg.Groups = []optGroup{{Options: regions}}
	pg.Fields = []formField{reg, from, to}
	s.render(w, r, status, "monitor_dashboard.html", pg)
}

// fillDashboard lays out st's numbers as bars and rows.
func (s *Server) fillDashboard(l lang, pg *monitorDashboardView, st *monitorStats, from, to string) {
	var most int64 = 1
	for _, row := range append(slices.Clone(st.ByRegion), st.ByRule...) {
		most = max(most, row.Total)
	}
	bar := func(id string, row statsRow, scale int64) dashBar {
		b := dashBar{statsRow: row, ID: id}
		x := 0.0
		for _, seg := range []struct {
			class string
			n     int64
		}{{"seg-open", row.Open}, {"seg-visited", row.Visited}, {"seg-closed", row.Closed}} {
			if seg.n == 0 {
				continue
			}
			w := float64(seg.n) / float64(scale) * 100
			b.Segments = append(b.Segments, barSegment{seg.class, svgNum(x), svgNum(w)})
			x += w
		}
		if row.OnTimeRate != nil {
			b.RateWidth = svgNum(*row.OnTimeRate * 100)
			b.Rate = strings.TrimSuffix(strconv.FormatFloat(*row.OnTimeRate*100, 'f', 1, 64), ".0") + "%"
		}
		return b
	}
	pg.Totals = bar("totals", st.Totals, max(st.Totals.Total, 1))
	for _, row := range st.ByRegion {
		b := bar("region-"+row.Key, row, most)
		if len(row.Key) > len(st.Region) && len(row.Key) < 12 {
			b.Link = monitorDashboardURL("/monitor/dashboard", row.Key, from, to)
		}
		pg.Regions = append(pg.Regions, b)
	}
	for _, row := range st.ByRule {
		pg.Rules = append(pg.Rules, bar("rule-"+row.Key, row, most))
	}
	t := st.Totals
	for _, sc := range []struct {
		status string
		n      int64
	}{{"open", t.Open}, {"visited", t.Visited}, {"closed", t.Closed}} {
		share := ""
		if t.Total > 0 {
			share = strings.TrimSuffix(strconv.FormatFloat(float64(sc.n)/float64(t.Total)*100, 'f', 1, 64), ".0") + "%"
		}
		pg.Statuses = append(pg.Statuses, statusShare{Status: sc.status, Label: l.enumLabel("warning_status", sc.status), Count: sc.n, Share: share})
	}
	pg.Referrals, pg.ReferralTotals = st.Referrals, st.ReferralTotals
}

// svgNum writes a length in the SVG's units with one decimal.
func svgNum(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// monitorDashboardURL is the dashboard (or its CSV) of a region ("" for
// the whole jurisdiction) over a period.
func monitorDashboardURL(path, code, from, to string) string {
	return path + "?region=" + url.QueryEscape(code) + "&from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to)
}

// monitorDashboardCSV downloads one of the dashboard's tables
// (?table=regions, rules or referrals) for the same region and period.
func (s *Server) monitorDashboardCSV(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	table := r.URL.Query().Get("table")
	mq, err := s.monitorStatsParams(r)
	if err == nil && !slices.Contains([]string{"regions", "rules", "referrals"}, table) {
		err = apperr.Fieldf("table", "%q is not a table of the dashboard: use regions, rules or referrals", table)
	}
	if err == nil && table == "referrals" && !principalOf(r).Can(auth.ReferralRead) {
		err = apperr.Errorf(apperr.Forbidden, "your role does not read referrals")
	}
	var st *monitorStats
	if err == nil {
		st, err = s.monitorStats(r, mq)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rate := func(row statsRow) string {
		if row.OnTimeRate == nil {
			return ""
		}
		return strconv.FormatFloat(*row.OnTimeRate*100, 'f', 1, 64)
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	var rows [][]string
	warnings := func(first, second string, list []statsRow) {
		rows = append(rows, []string{first, second, l.T("Warnings"), l.T("To visit"), l.T("Visited, to settle"), l.T("Closed"),
			l.T("Closed on time"), l.T("On-time rate (%)"), l.T("Overdue")})
		for _, row := range list {
			rows = append(rows, []string{row.Key, row.Name, n(row.Total), n(row.Open), n(row.Visited), n(row.Closed), n(row.OnTime), rate(row), n(row.Overdue)})
		}
		t := st.Totals
		rows = append(rows, []string{t.Key, l.T("Total"), n(t.Total), n(t.Open), n(t.Visited), n(t.Closed), n(t.OnTime), rate(t), n(t.Overdue)})
	}
	name := l.T("warnings by region")
	switch table {
	case "regions":
		warnings(l.T("Region code"), l.T("Region"), st.ByRegion)
	case "rules":
		name = l.T("warnings by rule")
		warnings(l.T("Rule code"), l.T("Rule"), st.ByRule)
	case "referrals":
		name = l.T("referral outcomes")
		rows = append(rows, []string{l.T("Region code"), l.T("Region"), l.T("Referrals sent"), l.T("Awaiting an answer"), l.T("Accepted"),
			l.T("Declined"), l.T("Done"), l.T("Overdue")})
		i := func(v int) string { return strconv.Itoa(v) }
		for _, ref := range append(st.Referrals, *st.ReferralTotals) {
			rows = append(rows, []string{ref.Region, ref.RegionName, i(ref.Sent), i(ref.Waiting), i(ref.Accepted), i(ref.Declined), i(ref.Done), i(ref.Overdue)})
		}
		rows[len(rows)-1][1] = l.T("Total")
	}
	file := mq.Region + "-" + name + "-" + mq.From.String() + "-" + mq.To.String() + ".csv"
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": file}))
	h.Set("Cache-Control", "no-store")
	w.Write([]byte("\ufeff")) // a byte-order mark, so that spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	cw.WriteAll(rows)
}
