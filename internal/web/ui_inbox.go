package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// inboxPageSize is the number of tasks the store returns at once
// (casework.InboxQuery's default limit): a full page has a next one.
const inboxPageSize = 100

// inboxView is the data of inbox.html: the signed-in user's open tasks,
// their own and those escalated to them, by due date.
type inboxView struct {
	view
	Rows    []inboxRow
	Overdue int
	// Next continues after the last row; First returns to the start.
	Next, First string
}

// inboxRow is one task as the inbox shows it.
type inboxRow struct {
	inboxItem
	ProgramName string
}

// Late is the number of working days an overdue task is past its date.
func (r inboxRow) Late() int {
	if r.WorkdaysLeft == nil {
		return 0
	}
	return -*r.WorkdaysLeft
}

// Left is the number of working days to the due date.
func (r inboxRow) Left() int {
	if r.WorkdaysLeft == nil {
		return 0
	}
	return *r.WorkdaysLeft
}

// undated is the cursor of a task without a due date: the store sorts
// them after every dated one.
var undated = civil.D(9999, 12, 31)

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	q := r.URL.Query()
	var afterDue civil.Date
	var afterID int64
	if v := strings.TrimSpace(q.Get("after_due")); v != "" {
		d, err := civil.ParseDate(v)
		if err != nil {
			s.renderError(w, r, apperr.Fieldf("after_due", "%q is not a date (YYYY-MM-DD)", v))
			return
		}
		afterDue = d
	}
	if v := strings.TrimSpace(q.Get("after_id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.renderError(w, r, apperr.Fieldf("after_id", "%q is not a number", v))
			return
		}
		afterID = n
	}
	items, err := s.inbox(r, afterDue, afterID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &inboxView{}
	pg.Title = l.T("Inbox")
	for _, it := range items {
		pg.Rows = append(pg.Rows, inboxRow{inboxItem: it, ProgramName: policy.ProgramName(it.Program, string(l))})
		if it.Overdue {
			pg.Overdue++
		}
	}
	if n := len(items); n >= inboxPageSize {
		last := items[n-1]
		due := last.Due
		if due.IsZero() {
			due = undated
		}
		pg.Next = "/inbox?" + url.Values{"after_due": {due.String()}, "after_id": {strconv.FormatInt(last.ID, 10)}}.Encode()
	}
	if afterID != 0 || !afterDue.IsZero() {
		pg.First = "/inbox"
	}
	s.render(w, r, http.StatusOK, "inbox.html", pg)
}
