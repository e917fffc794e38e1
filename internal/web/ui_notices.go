package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// The public-notice page (/notices): the user chooses a township in their
// jurisdiction and a period, and the page shows the notice ready to print
// (print_notice.html, static/print.css hides everything else on paper).
// It goes through the same helpers as GET /api/v1/notices.

// noticesPage is the data of print_notice.html.
type noticesPage struct {
	view
	Fields   []formField
	Problems []string
	// Doc is the notice, once a township and a valid period are chosen.
	Doc *noticeView
}

// noticeView is a notice as printed.
type noticeView struct {
	Place     string // the township's full name
	PlaceName string // its own name, to sign with
	Period    string
	Published string
	Groups    []noticeGroupView
	Phone     string
}

type noticeGroupView struct {
	Key, Name string
	Rows      []noticeRow
}

type noticeRow struct {
	No      int
	Name    string
	Size    int
	Program string
	Amount  string
	OneOff  bool
	Period  string
}

func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	pg := &noticesPage{}
	pg.Title = l.T("Public notices")
	township, from, to, err := s.noticeQuery(r)
	errs := errorsOf(l, err)
	if errs == nil && township != "" {
		var doc *noticeDoc
		doc, err = s.notice(r, township, from, to)
		switch {
		case err == nil:
			pg.Doc = s.noticeViewOf(l, doc)
		case apperr.IsCode(err, apperr.Invalid):
			errs = errorsOf(l, err)
		default:
			s.renderError(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = statusOf[apperr.Invalid]
	}
	if errs == nil {
		errs = formErrors{}
	}
	q := r.URL.Query()
	dateValue := func(name string, d civil.Date) string {
		if v := q.Get(name); v != "" {
			return v
		}
		return d.String()
	}
	place := formField{Name: "township", Label: l.T("Township"), Kind: "select", Value: township, Required: true,
		Groups: s.noticePlaces(l, principalOf(r).Region), Error: errs.take("township")}
	if len(place.Groups) == 0 {
		place.Kind, place.InputMode = "", "numeric"
		place.Hint = l.T("The 9-digit code of a township in your jurisdiction.")
	}
	pg.Fields = []formField{place,
		{Name: "from", Label: l.T("From"), Kind: "date", Value: dateValue("from", from), Required: true, Error: errs.take("from")},
		{Name: "to", Label: l.T("To"), Kind: "date", Value: dateValue("to", to), Required: true, Error: errs.take("to")}}
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "print_notice.html", pg)
}

// noticePlaces are the townships a user may choose: their own township or
// village, the townships of their county, or of each county of their
// city. Coarser jurisdictions type the code (nil).
func (s *Server) noticePlaces(l lang, jurisdiction string) []optGroup {
	lv, ok := region.LevelOf(jurisdiction)
	switch {
	case !ok:
		return nil
	case lv >= region.Township:
		return []optGroup{{Options: []option{{jurisdiction, s.regionName(jurisdiction)}}}}
	case lv == region.County:
		return []optGroup{{Options: append([]option{{"", l.T("Choose…")}}, townshipOptions(s.Regions.Children(jurisdiction))...)}}
	case lv == region.City:
		out := []optGroup{{Options: []option{{"", l.T("Choose…")}}}}
		for _, c := range s.Regions.Children(jurisdiction) {
			out = append(out, optGroup{Label: c.Name, Options: townshipOptions(s.Regions.Children(c.Code))})
		}
		return out
	}
	return nil
}

func townshipOptions(rs []region.Region) []option {
	out := make([]option, len(rs))
	for i, r := range rs {
		out[i] = option{r.Code, r.Name}
	}
	return out
}

// noticeViewOf lays a notice out for print: one table per program.
func (s *Server) noticeViewOf(l lang, doc *noticeDoc) *noticeView {
	v := &noticeView{Place: doc.TownshipName, PlaceName: doc.Township, Phone: doc.ComplaintPhone,
		Period: l.T("%s to %s", longDate(l, doc.From), longDate(l, doc.To)), Published: longDate(l, s.today())}
	if r, ok := s.Regions.Get(doc.Township); ok {
		v.PlaceName = r.Name
	}
	for _, g := range casework.GroupNotice(doc.Entries) {
		gv := noticeGroupView{Key: string(g.Program), Name: policy.ProgramName(g.Program, string(l))}
		f, _ := casework.FlowOf(g.Program)
		for i, e := range g.Entries {
			row := noticeRow{No: i + 1, Name: e.Name, Size: e.HouseholdSize, Program: programLabel(l, e.Program, e.Kind),
				OneOff: f != nil && f.OneOff, Period: e.From.String() + " – " + e.To.String()}
			if e.Amount > 0 {
				row.Amount = yuan(e.Amount)
			}
			gv.Rows = append(gv.Rows, row)
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

// programLabel names a program and its type: 临时救助 · 急难型.
func programLabel(l lang, p policy.Program, kind string) string {
	name := policy.ProgramName(p, string(l))
	if kind != "" {
		name += " · " + l.enumLabel("case_kind", kind)
	}
	return name
}

// longDate writes a day as a printed document does: 2025年9月1日, 1
// September 2025.
func longDate(l lang, d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	if l == langEN {
		return d.In(time.UTC).Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// longMonth writes a month as a printed document does: 2025年10月, October
// 2025.
func longMonth(l lang, m civil.Month) string {
	if m.IsZero() {
		return ""
	}
	if l == langEN {
		return m.First().In(time.UTC).Format("January 2006")
	}
	return strconv.Itoa(m.Year) + "年" + strconv.Itoa(int(m.Month)) + "月"
}
