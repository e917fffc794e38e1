package web

import (
	"net/http"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/region"
)

// noticeDoc is a public notice (公示) of a township for a period: what the
// API answers and the page prints. It carries nothing beyond what may be
// published (casework.NoticeEntry), and the complaint phone number.
type noticeDoc struct {
	Township     string     `json:"township"`
	TownshipName string     `json:"township_name"`
	From         civil.Date `json:"from"`
	To           civil.Date `json:"to"`
	// ComplaintPhone is notice.complaint_phone in force for the county
	// today; "" when the county has not set it.
	ComplaintPhone string                 `json:"complaint_phone"`
	Entries        []casework.NoticeEntry `json:"entries"`
}

// noticeQuery reads ?township=, ?from= and ?to=. The township defaults to
// the user's own when their jurisdiction is a township or a village, the
// period to this month. A value that is not a date is named.
func (s *Server) noticeQuery(r *http.Request) (township string, from, to civil.Date, err error) {
	q := r.URL.Query()
	township = strings.TrimSpace(q.Get("township"))
	if own := principalOf(r).Region; township == "" {
		if lv, ok := region.LevelOf(own); ok && lv >= region.Township {
			township = own
		}
	}
	month := s.today().MonthOf()
	from, to = month.First(), month.Last()
	var l apperr.List
	for name, dst := range map[string]*civil.Date{"from": &from, "to": &to} {
		if v := strings.TrimSpace(q.Get(name)); v != "" {
			d, perr := civil.ParseDate(v)
			if perr != nil {
				l.Addf(name, "enter the date as YYYY-MM-DD")
			}
			*dst = d
		}
	}
	return township, from, to, l.Err()
}

// notice reads the public notice of township for the days from to to in
// the user's jurisdiction (NotFound outside it), with the county's
// complaint phone number.
func (s *Server) notice(r *http.Request, township string, from, to civil.Date) (*noticeDoc, error) {
	entries, err := s.Notices.Notices(r.Context(), scopeOf(r), township, from, to)
	if err != nil {
		return nil, err
	}
	phone, err := s.complaintPhone(r, township)
	if err != nil {
		return nil, err
	}
	return &noticeDoc{Township: township, TownshipName: s.regionName(township), From: from, To: to,
		ComplaintPhone: phone, Entries: entries}, nil
}

// complaintPhone is the complaint phone number (notice.complaint_phone) in
// force today for the county of a region, "" if it has none.
func (s *Server) complaintPhone(r *http.Request, code string) (string, error) {
	set, err := s.paramSet(r.Context())
	if err != nil {
		return "", err
	}
	p, ok := set.Resolve("notice.complaint_phone", region.CountyOf(code), s.today())
	if !ok {
		return "", nil
	}
	return strings.TrimSpace(p.Value.Text), nil
}

func (s *Server) apiNotices(w http.ResponseWriter, r *http.Request) {
	township, from, to, err := s.noticeQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	doc, err := s.notice(r, township, from, to)
	s.answer(w, r, http.StatusOK, doc, err)
}
