package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/region"
)

// auditView is the data of audit.html.
type auditView struct {
	view
	Entity, EntityID, RegionCode string
	Entities                     []option
	Regions                      []option
	Rows                         []auditRow
	Searched                     bool
	NextURL                      string
	FirstURL                     string
}

// auditRow is one audit entry as the page shows it.
type auditRow struct {
	Seq        int64
	At         string
	Username   string
	Role       string
	ClientAddr string
	Entity     string
	EntityID   string
	Link       string // the record's page, if it has one the viewer may open
	Action     string
	Changes    []auditChange
}

// auditChange is one "field: old → new" line of an entry's change. Field
// is "" when the entry's value is not a JSON object. HasOld says the entry
// records a value before; HasNew is false for a field the change removed.
type auditChange struct {
	Field          string
	Old, New       auditValue
	HasOld, HasNew bool
}

// Changed reports whether the line shows an old value and an arrow: the
// value before is recorded and differs from the one after.
func (c auditChange) Changed() bool { return c.HasOld && (!c.HasNew || c.Old.Full != c.New.Full) }

// auditValue is a JSON-rendered value; a long one is cut to Short, with
// the whole value behind an expander.
type auditValue struct{ Full, Short string }

// Long reports whether the value was cut.
func (v auditValue) Long() bool { return v.Short != v.Full }

func newAuditValue(raw json.RawMessage) auditValue {
	s := jsonText(raw)
	v := auditValue{Full: s, Short: s}
	if utf8.RuneCountInString(s) > auditValueMax {
		v.Short = string([]rune(s)[:auditValueMax]) + "…"
	}
	return v
}

// auditPageSize is the number of entries on a page of the audit log.
const auditPageSize = 100

// auditEntities are the kinds of record the stores audit, in the order
// the filter offers them.
var auditEntities = []string{"household", "person", "member", "income", "asset", "user", "token", "region", "parameter", "calendar",
	"application", "near_relative_filing", "task"}

// auditEntityLabel names a kind of audited record in l.
func auditEntityLabel(l lang, entity string) string {
	switch entity {
	case "household":
		return l.T("Household")
	case "person":
		return l.T("Person")
	case "member":
		return l.T("Member")
	case "income":
		return l.T("Income")
	case "asset":
		return l.T("Asset")
	case "user":
		return l.T("User")
	case "token":
		return l.T("API token")
	case "region":
		return l.T("Division table")
	case "parameter":
		return l.T("Policy parameter")
	case "calendar":
		return l.T("Working-day calendar")
	case "application":
		return l.T("Application")
	case "near_relative_filing":
		return l.T("Near-relative filing")
	case "task":
		return l.T("Task")
	}
	return entity
}

// auditActionLabel names an audited action in l; an action not listed here
// shows as its code.
func auditActionLabel(l lang, action string) string {
	switch action {
	case "create":
		return l.T("Created")
	case "update":
		return l.T("Updated")
	case "view_unmasked":
		return l.T("Viewed in full")
	case "escalate":
		return l.T("Escalated")
	case "login":
		return l.T("Signed in")
	case "login_failed":
		return l.T("Sign-in failed")
	case "end":
		return l.T("Ended")
	case "import_records":
		return l.T("Imported records")
	case "import":
		return l.T("Imported")
	case "disable":
		return l.T("Disabled")
	case "enable":
		return l.T("Enabled")
	case "set_password":
		return l.T("Password reset")
	}
	return action
}

// auditPage lists the audit trail of the viewer's jurisdiction, newest
// first, a page at a time (?before=<seq>), by kind of record, record id
// and region. The store's filter has no action, so neither has the page.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	p := principalOf(r)
	q := r.URL.Query()
	pg := &auditView{view: view{Title: l.T("Audit log")},
		Entity: strings.TrimSpace(q.Get("entity")), EntityID: strings.TrimSpace(q.Get("entity_id")),
		RegionCode: strings.TrimSpace(q.Get("region"))}
	f := audit.Filter{Region: p.Region, Entity: pg.Entity, EntityID: pg.EntityID, Limit: auditPageSize}
	if pg.RegionCode != "" {
		if !region.Within(pg.RegionCode, p.Region) {
			s.renderError(w, r, apperr.Errorf(apperr.NotFound, "no region %s in your jurisdiction", pg.RegionCode))
			return
		}
		f.Region = pg.RegionCode
	}
	before, err := intParam(r, "before")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f.BeforeSeq = before
	pg.Entities = []option{{"", l.T("All kinds")}}
	for _, e := range auditEntities {
		pg.Entities = append(pg.Entities, option{e, auditEntityLabel(l, e)})
	}
	for _, c := range s.Regions.Children(p.Region) {
		pg.Regions = append(pg.Regions, option{c.Code, c.Name})
	}
	entries, err := s.DB.List(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	links := p.Can(auth.HouseholdRead)
	for _, e := range entries {
		pg.Rows = append(pg.Rows, auditRowOf(l, &e, links))
	}
	pg.Searched = pg.Entity != "" || pg.EntityID != "" || pg.RegionCode != ""
	var last int64
	if n := len(entries); n > 0 {
		last = entries[n-1].Seq
	}
	pg.NextURL, pg.FirstURL = pageLinks("/audit", map[string]string{"entity": pg.Entity, "entity_id": pg.EntityID, "region": pg.RegionCode},
		"before", last, len(entries) == auditPageSize, before > 0)
	s.render(w, r, http.StatusOK, "audit.html", pg)
}

// auditRowOf prepares an entry for display; links says whether the viewer
// may open household pages.
func auditRowOf(l lang, e *audit.Entry, links bool) auditRow {
	row := auditRow{Seq: e.Seq, At: e.At.In(civil.Shanghai).Format("2006-01-02 15:04:05"),
		Username: e.Username, Role: l.enumLabel("role", e.Role), ClientAddr: e.ClientAddr,
		Entity: auditEntityLabel(l, e.Entity), EntityID: e.EntityID, Action: auditActionLabel(l, e.Action),
		Changes: auditChanges(e.Before, e.After)}
	if links && e.Entity == "household" && e.EntityID != "" {
		if id, err := strconv.ParseInt(e.EntityID, 10, 64); err == nil && id > 0 {
			row.Link = "/households/" + e.EntityID
		}
	}
	return row
}

// auditValueMax is the length in characters beyond which a value is cut.
const auditValueMax = 120

// auditChanges renders an entry's Before and After as lines, one for each
// key of After in its order, then one for each key only Before has (a
// field the change removed). A JSON null counts as no value. When either
// is not an object, one line shows the values whole.
func auditChanges(before, after json.RawMessage) []auditChange {
	before, after = nonNull(before), nonNull(after)
	if len(after) == 0 && len(before) == 0 {
		return nil
	}
	bk, bv, bObj := jsonObject(before)
	ak, av, aObj := jsonObject(after)
	if (len(before) > 0 && !bObj) || (len(after) > 0 && !aObj) {
		var c auditChange
		if len(before) > 0 {
			c.HasOld, c.Old = true, newAuditValue(before)
		}
		if len(after) > 0 {
			c.HasNew, c.New = true, newAuditValue(after)
		}
		return []auditChange{c}
	}
	var out []auditChange
	for _, k := range ak {
		c := auditChange{Field: k, HasNew: true, New: newAuditValue(av[k])}
		if old, ok := bv[k]; ok {
			c.HasOld, c.Old = true, newAuditValue(old)
		}
		out = append(out, c)
	}
	for _, k := range bk {
		if _, ok := av[k]; !ok {
			out = append(out, auditChange{Field: k, HasOld: true, Old: newAuditValue(bv[k])})
		}
	}
	return out
}

// nonNull is raw, or nil for a JSON null (a sign-in records no detail as
// null).
func nonNull(raw json.RawMessage) json.RawMessage {
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		return nil
	}
	return raw
}

// jsonObject returns the keys of a JSON object in document order and their
// values; ok is false for anything but an object.
func jsonObject(raw json.RawMessage) (keys []string, vals map[string]json.RawMessage, ok bool) {
	if len(raw) == 0 {
		return nil, nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, false
	}
	vals = map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, false
		}
		if _, dup := vals[k]; !dup {
			keys = append(keys, k)
		}
		vals[k] = v
	}
	return keys, vals, true
}

// jsonText is a JSON value compact and readable: Chinese and <, >, & as
// themselves rather than \u escapes (the template escapes for HTML).
// Numbers keep their digits.
func jsonText(raw json.RawMessage) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.String()
		}
		return string(raw)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return string(raw)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
