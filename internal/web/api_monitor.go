package web

import (
	"net/http"
	"strings"

	"safetynet/internal/apperr"
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

func (s *Server) apiAddRule(w http.ResponseWriter, r *http.Request) {
	var rule monitor.Rule
	if err := decode(r, &rule); err != nil {
		s.writeError(w, r, err)
		return
	}
	rule.ID, rule.Active = 0, false // activated only after its dry run
	if err := ruleScope(r, &rule); err != nil {
		s.writeError(w, r, err)
		return
	}
	err := s.DB.SaveRule(r.Context(), &rule)
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
	// A changed rule must be dry-run again before it raises anything.
	rule.ID, rule.Active = cur.ID, false
	if err := ruleScope(r, cur); err == nil {
		err = ruleScope(r, &rule)
	}
	if err == nil {
		err = s.DB.SaveRule(r.Context(), &rule)
	}
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
	if err := ruleScope(r, rule); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Active {
		v, err := s.dryRun(r, rule)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if v.NeedsConfirmation && !req.Confirm {
			e := apperr.Errorf(apperr.Conflict, "the rule would flag %d of %d monitored persons (more than 20%%): look at its dry run, then confirm", v.Hits, v.Subjects)
			e.Field = "confirm"
			s.writeError(w, r, e)
			return
		}
	}
	rule.Active, rule.Version = req.Active, req.Version
	err = s.DB.SaveRule(r.Context(), rule)
	s.answer(w, r, http.StatusOK, rule, err)
}
