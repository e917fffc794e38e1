package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// paramsView is the data of params.html: the parameters in force in a
// region on a date, grouped; the history of one of them (?key=); and, for
// users who may set values, the form that adds a dated value.
type paramsView struct {
	view
	RegionCode, RegionName, Date string
	RegionError, DateError       string
	Groups                       []paramGroupView
	// Missing counts the required parameters with no value in force.
	Missing int
	// Key, with KeyName, History and HistoryClose, is the parameter whose
	// history is shown.
	Key, KeyName string
	History      []paramValueView
	HistoryClose string
	// Form is the add form (nil without param.write); FormOpen unfolds it.
	Form         []formField
	FormProblems []string
	FormOpen     bool
}

type paramGroupView struct {
	ID, Label string
	Rows      []paramRowView
}

// paramRowView is one parameter and its value in force (V nil: not set).
type paramRowView struct {
	Key, Name, Unit   string
	Required, Missing bool
	V                 *paramValueView
	HistoryURL        string
}

// paramValueView is a value as the page shows it.
type paramValueView struct {
	paramValue
	ScopeLabel string
}

// RowID is a row's element id.
func (r paramRowView) RowID() string { return "p-" + strings.ReplaceAll(r.Key, ".", "-") }

// paramGroupLabel names a group of parameters in l.
func paramGroupLabel(l lang, g string) string {
	switch g {
	case "dibao":
		return l.T("Minimum living allowance (Dibao)")
	case "marginal":
		return l.T("Low-income marginal households")
	case "rigid":
		return l.T("Households in difficulty through rigid expenditure")
	case "tekun":
		return l.T("Special-hardship support (Tekun)")
	case "linshi":
		return l.T("Temporary assistance")
	case "price":
		return l.T("Price-linked temporary subsidy")
	case "disability":
		return l.T("Disability subsidies")
	case "orphan":
		return l.T("Orphans and de facto unsupported children")
	case "region":
		return l.T("Local economic figures")
	case "workflow":
		return l.T("Workflow deadlines")
	}
	return g
}

// scopeLabel names a scope level in l.
func scopeLabel(l lang, scope string) string {
	switch scope {
	case "national":
		return l.T("National")
	case "province":
		return l.T("Province")
	case "city":
		return l.T("City")
	case "county":
		return l.T("County")
	}
	return scope
}

// unitLabel says what an amount is per, in l.
func unitLabel(l lang, unit string) string {
	switch unit {
	case "person/month":
		return l.T("per person per month")
	case "person/year":
		return l.T("per person per year")
	case "household":
		return l.T("per household")
	case "once":
		return ""
	}
	return unit
}

func (s *Server) paramsPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	pg := &paramsView{}
	if r.URL.Query().Get("saved") == "param" {
		pg.Notice = l.T("The value was saved. It is in force from its date for every calculation in its scope.")
	}
	s.showParams(w, r, pg, http.StatusOK, nil, nil)
}

// addParamSubmit adds a dated value (addParam) and shows its history in
// its scope; a value with faults comes back with each message beside its
// field and nothing typed lost.
func (s *Server) addParamSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	req := paramRequest{Key: vals["key"], Region: vals["region"], ValidFrom: vals["valid_from"], Value: vals["value"],
		Source: vals["source"], Note: vals["note"], Reason: vals["reason"]}
	p, err := s.addParam(r, req)
	if err == nil {
		q := url.Values{"key": {p.Key}, "saved": {"param"}}
		if p.Region != "" {
			q.Set("region", p.Region)
		}
		seeOther(w, r, "/parameters?"+q.Encode()+"#history")
		return
	}
	if apperr.CodeOf(err) != apperr.Invalid {
		s.renderError(w, r, err)
		return
	}
	// Show the page the form was sent from, with the form open.
	r.URL.RawQuery = url.Values{"region": {vals["view_region"]}, "date": {vals["view_date"]}}.Encode()
	s.showParams(w, r, &paramsView{}, statusOf[apperr.Invalid], vals, errorsOf(langOf(r), err))
}

// showParams fills pg from the request's region, date and key and renders
// it; vals and errs are a submitted add form's values and messages.
func (s *Server) showParams(w http.ResponseWriter, r *http.Request, pg *paramsView, status int, vals map[string]string, errs formErrors) {
	l := langOf(r)
	q := r.URL.Query()
	pg.Title = l.T("Policy parameters")
	code, at, qerr := s.paramQuery(r)
	pg.RegionCode, pg.Date = strings.TrimSpace(q.Get("region")), strings.TrimSpace(q.Get("date"))
	if qerr != nil {
		fe := errorsOf(l, qerr)
		if fe == nil {
			s.renderError(w, r, qerr)
			return
		}
		pg.RegionError, pg.DateError = fe.take("region"), fe.take("date")
		if status == http.StatusOK {
			status = statusOf[apperr.Invalid]
		}
	} else {
		pg.RegionCode, pg.Date = code, at.String()
		pg.RegionName = s.regionName(code)
		key := strings.TrimSpace(q.Get("key"))
		if _, ok := policy.Lookup(key); !ok {
			key = ""
		}
		set, err := s.paramSet(r.Context())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.paramGroupsOf(l, pg, s.paramTreeOf(l, set, code, at, ""))
		if key != "" {
			t := s.paramTreeOf(l, set, code, at, key)
			pg.Key, pg.KeyName = key, t.Items[0].Name
			for _, v := range t.History {
				pg.History = append(pg.History, paramValueView{paramValue: v, ScopeLabel: scopeLabel(l, v.Scope)})
			}
			pg.HistoryClose = paramsURL(code, pg.Date, "")
		}
		if r.Method == http.MethodPost {
			pg.Here = paramsURL(code, pg.Date, key)
		}
	}
	if principalOf(r).Can(auth.ParamWrite) {
		if vals == nil {
			vals = map[string]string{"region": s.defaultParamScope(r), "key": pg.Key}
		}
		pg.FormOpen = len(errs) > 0
		pg.Form = paramFields(l, principalOf(r), vals, errs)
		pg.FormProblems = errs.rest(l)
	}
	s.render(w, r, status, "params.html", pg)
}

// paramsURL is the address of the parameter page for a region, date and key.
func paramsURL(code, date, key string) string {
	q := url.Values{}
	for k, v := range map[string]string{"region": code, "date": date, "key": key} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "/parameters"
	}
	return "/parameters?" + q.Encode()
}

// paramGroupsOf arranges a tree's entries in pg by group.
func (s *Server) paramGroupsOf(l lang, pg *paramsView, t *paramTree) {
	byGroup := map[string][]paramRowView{}
	var extra []string
	for _, e := range t.Items {
		row := paramRowView{Key: e.Key, Name: e.Name, Unit: unitLabel(l, e.Unit), Required: e.Required, Missing: e.Missing,
			HistoryURL: paramsURL(t.Region, t.Date.String(), e.Key) + "#history"}
		if e.InForce != nil {
			row.V = &paramValueView{paramValue: *e.InForce, ScopeLabel: scopeLabel(l, e.InForce.Scope)}
		}
		if e.Missing {
			pg.Missing++
		}
		if _, ok := byGroup[e.Group]; !ok && !slices.Contains(paramGroups, e.Group) {
			extra = append(extra, e.Group)
		}
		byGroup[e.Group] = append(byGroup[e.Group], row)
	}
	for _, g := range append(append([]string{}, paramGroups...), extra...) {
		if rows := byGroup[g]; len(rows) > 0 {
			pg.Groups = append(pg.Groups, paramGroupView{ID: "group-" + g, Label: paramGroupLabel(l, g), Rows: rows})
		}
	}
}

// defaultParamScope is the scope the add form proposes: the user's
// jurisdiction, cut to its county ("" for a national user).
func (s *Server) defaultParamScope(r *http.Request) string {
	j := principalOf(r).Region
	if len(j) > 6 {
		j = region.CountyOf(j)
	}
	return j
}

// paramFields are the fields of the add form.
func paramFields(l lang, user *auth.Principal, vals map[string]string, errs formErrors) []formField {
	if errs == nil {
		errs = formErrors{}
	}
	keys := []optGroup{{Options: []option{{"", l.T("Choose…")}}}}
	byGroup := map[string][]option{}
	for _, d := range policy.Definitions() {
		g := paramGroupOf(d.Key)
		byGroup[g] = append(byGroup[g], option{d.Key, paramName(l, &d) + " (" + d.Key + ")"})
	}
	seen := map[string]bool{}
	for _, g := range paramGroups {
		seen[g] = true
		if len(byGroup[g]) > 0 {
			keys = append(keys, optGroup{Label: paramGroupLabel(l, g), Options: byGroup[g]})
		}
	}
	for _, d := range policy.Definitions() {
		if g := paramGroupOf(d.Key); !seen[g] {
			seen[g] = true
			keys = append(keys, optGroup{Label: g, Options: byGroup[g]})
		}
	}
	scopeHint := l.T("Your jurisdiction or a division inside it: a 2-, 4- or 6-digit code.")
	if user.Region == "" {
		scopeHint = l.T("Leave blank for a national value, or give a 2-, 4- or 6-digit region code.")
	}
	return []formField{
		{Name: "key", Label: l.T("Parameter"), Kind: "select", Value: vals["key"], Required: true, Wide: true, Groups: keys, Error: errs.take("key")},
		{Name: "region", Label: l.T("Scope (region code)"), Value: vals["region"], InputMode: "numeric", Hint: scopeHint, Error: errs.take("region")},
		{Name: "valid_from", Label: l.T("Valid from"), Kind: "date", Value: vals["valid_from"], Required: true,
			Hint: l.T("The day it takes effect; a later date is fine."), Error: errs.take("valid_from")},
		{Name: "value", Label: l.T("Value"), Value: vals["value"], Required: true,
			Hint:  l.T("Amounts in yuan (1395); ratios as 1.5 or 60%; yes/no as true or false; lists separated by commas; tiers as below:pay pairs (0.3:1, 0.6:0.7)."),
			Error: errs.take("value")},
		{Name: "source", Label: l.T("Source"), Value: vals["source"], Required: true, Wide: true,
			Hint: l.T("The document and article that set the value."), Error: errs.take("source")},
		{Name: "note", Label: l.T("Note"), Kind: "textarea", Value: vals["note"], Wide: true, Error: errs.take("note")},
		{Name: "reason", Label: l.T("Reason for a past date"), Kind: "textarea", Value: vals["reason"], Wide: true,
			Hint:  l.T("Required when the value takes effect before today, as it changes amounts already decided: cite the back-pay decision."),
			Error: errs.take("reason")},
	}
}
