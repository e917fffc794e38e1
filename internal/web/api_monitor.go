package web

import (
	"net/http"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/region"
)

// The monitoring rules' API (docs/monitoring.md): list, add, change, dry
// run and activate. A rule's scope must lie within the caller's
// jurisdiction; activation runs the dry run again and, above
// monitor.ConfirmShare of the monitored population, needs confirm.

// ruleRequest activates or deactivates a rule.
type ruleActivation struct {
	Version int  `json:"version"`
	Active  bool `json:"active"`
	// Confirm accepts a rule that would flag more than 20% of the
	// monitored population.
	Confirm bool `json:"confirm,omitempty"`
}

// dryRunView is a rule's dry run over the caller's jurisdiction.
type dryRunView struct {
	monitor.DryRun
	Region            string  `json:"region"`
	Share             float64 `json:"share"`
	NeedsConfirmation bool    `json:"needs_confirmation"`
	Households        []int64 `json:"example_households,omitempty"`
}

func (s *Server) apiRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.DB.Rules(r.Context(), monitor.RuleFilter{Region: principalOf(r).Region})
	if rules == nil {
		rules = []monitor.Rule{}
	}
	s.answer(w, r, http.StatusOK, rules, err)
}

// ruleScope checks that a rule's scope lies within the caller's
// jurisdiction.
func ruleScope(r *http.Request, rule *monitor.Rule) error {
	j := principalOf(r).Region
	if j != "" && !strings.HasPrefix(rule.Region, j) {
		return apperr.Fieldf("region", "%s is outside your jurisdiction", rule.Region)
	}
	return nil
}

// addRule stores a new rule, inactive: it is activated only after its
// dry run. Errors: Invalid (the rule, or a scope outside the
// jurisdiction), Conflict.
func (s *Server) addRule(r *http.Request, rule *monitor.Rule) error {
	rule.ID, rule.Active = 0, false
	if err := ruleScope(r, rule); err != nil {
		return err
	}
	return s.DB.SaveRule(r.Context(), rule)
}

// updateRule changes cur to rule with the version the caller read; a
// changed rule must be dry-run again before it raises anything, so it
// becomes inactive. Both scopes must lie in the jurisdiction.
// Errors: Invalid, Conflict (a stale version), NotFound.
func (s *Server) updateRule(r *http.Request, cur, rule *monitor.Rule) error {
	rule.ID, rule.Active = cur.ID, false
	if err := ruleScope(r, cur); err != nil {
		return err
	}
	if err := ruleScope(r, rule); err != nil {
		return err
	}
	return s.DB.SaveRule(r.Context(), rule)
}

func (s *Server) apiAddRule(w http.ResponseWriter, r *http.Request) {
	var rule monitor.Rule
	if err := decode(r, &rule); err != nil {
		s.writeError(w, r, err)
		return
	}
	err := s.addRule(r, &rule)
	s.answer(w, r, http.StatusCreated, rule, err)
}

// ruleOf returns a rule in the caller's sight. Errors: NotFound.
func (s *Server) ruleOf(r *http.Request) (*monitor.Rule, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	rule, err := s.DB.Rule(r.Context(), id)
	if err != nil {
		return nil, err
	}
	j := principalOf(r).Region
	if !strings.HasPrefix(rule.Region, j) && !strings.HasPrefix(j, rule.Region) {
		return nil, apperr.Errorf(apperr.NotFound, "no risk rule %d", id)
	}
	return rule, nil
}

func (s *Server) apiUpdateRule(w http.ResponseWriter, r *http.Request) {
	cur, err := s.ruleOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var rule monitor.Rule
	if err := decode(r, &rule); err != nil {
		s.writeError(w, r, err)
		return
	}
	err = s.updateRule(r, cur, &rule)
	s.answer(w, r, http.StatusOK, rule, err)
}

// dryRun runs rule over the monitored population of the caller's
// jurisdiction (narrowed to the rule's scope).
func (s *Server) dryRun(r *http.Request, rule *monitor.Rule) (*dryRunView, error) {
	set, err := s.paramSet(r.Context())
	if err != nil {
		return nil, err
	}
	area := principalOf(r).Region
	if len(rule.Region) > len(area) {
		area = rule.Region
	}
	if !region.Within(area, "") && area != "" {
		return nil, apperr.Fieldf("region", "%q is not a region code", area)
	}
	d, examples, err := monitor.DryRunRule(r.Context(), s.DB, s.DB.IDIndex, set, rule, area, s.today(), 10)
	if err != nil {
		return nil, err
	}
	return &dryRunView{DryRun: d, Region: area, Share: d.Share(), NeedsConfirmation: d.NeedsConfirmation(), Households: examples}, nil
}

func (s *Server) apiDryRunRule(w http.ResponseWriter, r *http.Request) {
	rule, err := s.ruleOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.dryRun(r, rule)
	s.answer(w, r, http.StatusOK, v, err)
}

// apiActivateRule switches a rule on (after a dry run, with confirm above
// 20%) or off.
func (s *Server) apiActivateRule(w http.ResponseWriter, r *http.Request) {
	rule, err := s.ruleOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req ruleActivation
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	_, err = s.activateRule(r, rule, req)
	s.answer(w, r, http.StatusOK, rule, err)
}

// activateRule switches rule on or off with the version the caller read.
// Switching on runs the dry run again (returned, also with an error) and,
// above monitor.ConfirmShare, needs req.Confirm.
// Errors: Invalid (a scope outside the jurisdiction), Conflict (field
// "confirm": confirmation needed; field "version": a stale version).
func (s *Server) activateRule(r *http.Request, rule *monitor.Rule, req ruleActivation) (*dryRunView, error) {
	if err := ruleScope(r, rule); err != nil {
		return nil, err
	}
	var v *dryRunView
	if req.Active {
		var err error
		if v, err = s.dryRun(r, rule); err != nil {
			return nil, err
		}
		if v.NeedsConfirmation && !req.Confirm {
			e := apperr.Errorf(apperr.Conflict, "the rule would flag %d of %d monitored persons (more than 20%%): look at its dry run, then confirm", v.Hits, v.Subjects)
			e.Field = "confirm"
			return v, e
		}
	}
	rule.Active, rule.Version = req.Active, req.Version
	return v, s.DB.SaveRule(r.Context(), rule)
}

// populationView is a region's monitored population by child region
// (docs/monitoring.md).
type populationView struct {
	Region string     `json:"region"`
	Name   string     `json:"name"`
	Day    civil.Date `json:"day"`
	// Categories are the categories in the order the columns show them.
	Categories []monitor.Category    `json:"categories"`
	Rows       []populationRowView   `json:"rows"`
	Total      monitor.PopulationRow `json:"total"`
}

type populationRowView struct {
	monitor.PopulationRow
	Name string `json:"name"`
}

// populationRegion reads ?region= (default the jurisdiction), which must
// be a region code in the jurisdiction.
// Errors: Invalid.
func populationRegion(r *http.Request) (string, error) {
	j := principalOf(r).Region
	code := strings.TrimSpace(r.URL.Query().Get("region"))
	if code == "" {
		return j, nil
	}
	if _, ok := region.LevelOf(code); !ok {
		return "", apperr.Fieldf("region", "%q is not a region code", code)
	}
	if !region.Within(code, j) {
		return "", apperr.Fieldf("region", "%s is outside your jurisdiction", code)
	}
	return code, nil
}

// countiesOf lists the counties of a region wider than a county, from the
// region table.
func (s *Server) countiesOf(code string) []string {
	var out []string
	var walk func(string)
	walk = func(c string) {
		for _, ch := range s.Regions.Children(c) {
			if len(ch.Code) >= 6 {
				out = append(out, ch.Code)
			} else {
				walk(ch.Code)
			}
		}
	}
	if len(code) < 6 {
		walk(code)
	}
	return out
}

// population counts the monitored population of code today, each county
// with its own windows of exits and rejections.
func (s *Server) population(r *http.Request, code string) (*populationView, error) {
	set, err := s.paramSet(r.Context())
	if err != nil {
		return nil, err
	}
	p, err := s.DB.MonitoredPopulation(r.Context(), monitor.CountQueryOf(set, code, s.today(), s.countiesOf(code)))
	if err != nil {
		return nil, err
	}
	v := &populationView{Region: p.Region, Name: s.regionName(p.Region), Day: p.Day, Categories: monitor.Categories,
		Rows: []populationRowView{}, Total: p.Total}
	for _, row := range p.Rows {
		v.Rows = append(v.Rows, populationRowView{PopulationRow: row, Name: s.regionName(row.Region)})
	}
	return v, nil
}

func (s *Server) apiPopulation(w http.ResponseWriter, r *http.Request) {
	code, err := populationRegion(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.population(r, code)
	s.answer(w, r, http.StatusOK, v, err)
}

// monitoredPage reads ?region= (a county or smaller: the windows are a
// county's), ?category=, ?after= and ?limit= and returns that page of the
// monitored households, with the cursor of the next when it is full.
// Errors: Invalid.
func (s *Server) monitoredPage(r *http.Request) (page[monitor.MonitoredSummary], error) {
	var out page[monitor.MonitoredSummary]
	code, err := populationRegion(r)
	if err != nil {
		return out, err
	}
	if len(code) < 6 {
		return out, apperr.Fieldf("region", "list the households of a county, township or village: %s is wider", s.regionName(code))
	}
	cat := monitor.Category(r.URL.Query().Get("category"))
	if cat != "" && !slices.Contains(monitor.Categories, cat) {
		return out, apperr.Fieldf("category", "unknown category %q", string(cat))
	}
	after, limit, err := pageParams(r, "after")
	if err != nil {
		return out, err
	}
	set, err := s.paramSet(r.Context())
	if err != nil {
		return out, err
	}
	q := monitor.Windows(set, code, s.today())
	q.After, q.Limit = after, limitOf(limit, 50, 500)
	if out.Items, err = s.DB.MonitoredList(r.Context(), q, cat); err != nil {
		return out, err
	}
	if n := len(out.Items); n == q.Limit {
		out.Next = &out.Items[n-1].HouseholdID
	}
	return out, nil
}

func (s *Server) apiMonitoredHouseholds(w http.ResponseWriter, r *http.Request) {
	out, err := s.monitoredPage(r)
	s.answer(w, r, http.StatusOK, out, err)
}
