package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// The rule editor (docs/monitoring.md): the list of risk rules with
// filters (/monitor/rules), a new rule (/monitor/rules/new) and a rule's
// page (/monitor/rules/{id}) with its form, the names a rule may use, its
// dry run and its activation. The pages call what the API calls
// (api_monitor.go): addRule, updateRule, dryRun, activateRule.

// registerMonitorPages registers the pages of the monitored population
// and of the rules.
func (s *Server) registerMonitorPages() {
	s.handle("GET /monitor/population", auth.MonitorRead, s.populationPage)
	s.handle("GET /monitor/population.csv", auth.MonitorRead, s.populationCSV)
	s.handle("GET /monitor/population/households", auth.MonitorRead, s.monitoredListPage)
	s.handle("GET /monitor/rules", auth.MonitorRead, s.rulesPage)
	s.handle("GET /monitor/rules/new", auth.MonitorRules, s.newRulePage)
	s.handle("POST /monitor/rules", auth.MonitorRules, s.addRuleSubmit)
	s.handle("GET /monitor/rules/{id}", auth.MonitorRead, s.rulePage)
	s.handle("POST /monitor/rules/{id}", auth.MonitorRules, s.updateRuleSubmit)
	s.handle("POST /monitor/rules/{id}/dry-run", auth.MonitorRules, s.dryRunSubmit)
	s.handle("POST /monitor/rules/{id}/activation", auth.MonitorRules, s.activationSubmit)
}

// rulesPage is the data of monitor_rules.html.
type rulesPage struct {
	view
	Rules   []ruleLine
	Filters []formField
	CanAdd  bool
	Any     bool // any filter set
}

type ruleLine struct {
	monitor.Rule
	Name, Scope, Severity, Side, Program, Action string
}

func (s *Server) ruleLineOf(l lang, r monitor.Rule) ruleLine {
	out := ruleLine{Rule: r, Name: r.ZH, Scope: s.regionName(r.Region), Severity: l.enumLabel("rule_severity", string(r.Severity)),
		Side: l.enumLabel("rule_side", string(r.Side)), Action: l.enumLabel("rule_action", r.Action)}
	if l == langEN && r.EN != "" {
		out.Name = r.EN
	}
	if r.Region == "" {
		out.Scope = l.T("National")
	}
	if r.Program != "" {
		out.Program = policy.ProgramName(r.Program, string(l))
	}
	return out
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	q := r.URL.Query()
	f := monitor.RuleFilter{Region: principalOf(r).Region}
	switch q.Get("active") {
	case "yes", "no":
		on := q.Get("active") == "yes"
		f.Active = &on
	}
	rules, err := s.DB.Rules(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &rulesPage{CanAdd: principalOf(r).Can(auth.MonitorRules)}
	pg.Title = l.T("Risk rules")
	text := strings.ToLower(strings.TrimSpace(q.Get("q")))
	for _, rule := range rules {
		switch {
		case q.Get("scope") == "national" && rule.Region != "",
			q.Get("scope") == "local" && rule.Region == "",
			q.Get("severity") != "" && string(rule.Severity) != q.Get("severity"),
			q.Get("side") != "" && string(rule.Side) != q.Get("side"),
			q.Get("program") != "" && string(rule.Program) != q.Get("program"),
			text != "" && !strings.Contains(strings.ToLower(rule.Code+" "+rule.ZH+" "+rule.EN+" "+rule.Expression), text):
			continue
		}
		pg.Rules = append(pg.Rules, s.ruleLineOf(l, rule))
	}
	for _, k := range []string{"q", "scope", "severity", "side", "program", "active"} {
		pg.Any = pg.Any || q.Get(k) != ""
	}
	sel := func(name, label string, groups []optGroup) formField {
		return formField{Name: name, Label: label, Kind: "select", Value: q.Get(name), Groups: groups}
	}
	pg.Filters = []formField{
		{Name: "q", Label: l.T("Code, name or expression"), Value: q.Get("q")},
		sel("scope", l.T("Scope"), []optGroup{{Options: []option{{"", l.T("All")}, {"national", l.T("National")}, {"local", l.T("Local")}}}}),
		sel("severity", l.T("Severity"), enumOptions(l, "rule_severity", strs(monitor.Severities), l.T("All"))),
		sel("side", l.T("Finds"), enumOptions(l, "rule_side", ruleSides, l.T("All"))),
		sel("program", l.T("Program"), programOptions(l, l.T("All"))),
		sel("active", l.T("State"), []optGroup{{Options: []option{{"", l.T("All")}, {"yes", l.T("Active")}, {"no", l.T("Inactive")}}}}),
	}
	s.render(w, r, http.StatusOK, "monitor_rules.html", pg)
}

var ruleSides = []string{string(monitor.NeedSide), string(monitor.ExitSide)}

func programOptions(l lang, blank string) []optGroup {
	opts := []option{{"", blank}}
	for _, p := range policy.Programs {
		opts = append(opts, option{string(p), policy.ProgramName(p, string(l))})
	}
	return []optGroup{{Options: opts}}
}

// rulePage is the data of monitor_rule.html.
type rulePage struct {
	view
	Rule    *ruleLine // nil for a new rule
	CanEdit bool      // the user may change this rule
	CanCopy bool      // the user writes rules, but this one's scope is wider
	Fields  []formField
	Expr    formField
	Mark    *exprMark
	Version int
	// Action is where the form posts.
	Action   string
	Problems []string
	Names    []nameLine
	// The dry run just made, and the activation's state.
	DryRun          *dryRunShow
	NeedConfirm     bool
	ActivationError string
}

// exprMark shows where an expression is wrong: the line, split at the
// column, for a copy with a caret under it.
type exprMark struct {
	Line, Column      int
	Before, At, After string
}

// dryRunShow is a dry run as the page shows it.
type dryRunShow struct {
	*dryRunView
	Percent  string
	Examples []exampleHousehold
}

type exampleHousehold struct {
	ID           int64
	Number, Head string
}

type nameLine struct{ Name, Type, Doc string }

func (s *Server) nameLines(l lang) []nameLine {
	var out []nameLine
	for _, n := range monitor.Names() {
		ln := nameLine{Name: n.Path, Type: l.enumLabel("name_type", n.Type), Doc: n.Doc}
		if d, ok := ruleNameDocs[n.Path]; ok {
			ln.Doc = d[1]
			if l == langZH {
				ln.Doc = d[0]
			}
		}
		out = append(out, ln)
	}
	return out
}

// ruleFormValues are a rule's values as the form holds them.
func ruleFormValues(r *monitor.Rule) map[string]string {
	return map[string]string{"code": r.Code, "zh": r.ZH, "en": r.EN, "expression": r.Expression, "region": r.Region,
		"severity": string(r.Severity), "side": string(r.Side), "program": string(r.Program), "action": r.Action, "source": r.Source,
		"version": strconv.Itoa(r.Version)}
}

// ruleFromForm reads the rule the form sent.
func ruleFromForm(vals map[string]string) monitor.Rule {
	t := func(k string) string { return strings.TrimSpace(vals[k]) }
	v, _ := strconv.Atoi(t("version"))
	return monitor.Rule{Code: t("code"), ZH: t("zh"), EN: t("en"), Expression: strings.ReplaceAll(vals["expression"], "\r\n", "\n"),
		Region: t("region"), Severity: monitor.Severity(t("severity")), Side: monitor.Side(t("side")), Program: policy.Program(t("program")),
		Action: t("action"), Source: t("source"), Version: v}
}

// fillRuleForm sets the form's fields from vals with the messages of errs
// (the expression's position marked from err).
func (s *Server) fillRuleForm(r *http.Request, pg *rulePage, vals map[string]string, err error) {
	l := langOf(r)
	errs := errorsOf(l, err)
	if errs == nil {
		errs = formErrors{}
	}
	f := func(name, label string, required bool) formField {
		return formField{Name: name, Label: label, Value: vals[name], Required: required, Error: errs.take(name)}
	}
	code := f("code", l.T("Rule code"), true)
	code.Hint = l.T("Lower-case letters, digits and underscores, such as medical_spending; a county's own version of a rule keeps its code")
	scope := f("region", l.T("Scope"), false)
	scope.Kind, scope.Groups = "select", []optGroup{{Options: s.scopeOptions(r, vals["region"])}}
	scope.Hint = l.T("The rule applies to the households of this region.")
	sev := f("severity", l.T("Severity"), true)
	sev.Kind, sev.Groups = "select", enumOptions(l, "rule_severity", strs(monitor.Severities), l.T("Choose…"))
	side := f("side", l.T("Finds"), true)
	side.Kind, side.Groups = "select", enumOptions(l, "rule_side", ruleSides, l.T("Choose…"))
	prog := f("program", l.T("Program concerned"), false)
	prog.Kind, prog.Groups = "select", programOptions(l, l.T("(none)"))
	act := f("action", l.T("Suggested action"), true)
	act.Kind, act.Groups = "select", enumOptions(l, "rule_action", monitor.Actions, l.T("Choose…"))
	src := f("source", l.T("Source"), false)
	src.Wide, src.Hint = true, l.T("The document and article the rule follows")
	pg.Fields = []formField{code, f("zh", l.T("Chinese name"), true), f("en", l.T("English name"), false), scope, sev, side, prog, act, src}
	pg.Expr = f("expression", l.T("Expression"), true)
	pg.Expr.Hint = l.T("A condition that is true for a person the rule warns about, such as person.medical_oop_3m > params.medical_multiple * household.standard")
	pg.Mark = exprMarkOf(err, vals["expression"])
	pg.Problems = append(pg.Problems, errs.rest(l)...)
}

// scopeOptions are the regions a rule written by the user may cover: the
// jurisdiction and its children, and cur if it is none of them.
func (s *Server) scopeOptions(r *http.Request, cur string) []option {
	l := langOf(r)
	j := principalOf(r).Region
	var out []option
	if j == "" {
		out = append(out, option{"", l.T("National")})
	} else {
		out = append(out, option{j, s.regionName(j)})
	}
	for _, c := range s.Regions.Children(j) {
		out = append(out, option{c.Code, c.Name})
	}
	if !slices.ContainsFunc(out, func(o option) bool { return o.Value == cur }) {
		name := s.regionName(cur)
		if cur == "" {
			name = l.T("National")
		}
		out = append(out, option{cur, name})
	}
	return out
}

// exprMarkOf finds the position of a compile error among err's details.
func exprMarkOf(err error, expression string) *exprMark {
	e := apperr.As(err)
	if e == nil {
		return nil
	}
	all := e.Details
	if len(all) == 0 {
		all = []*apperr.Error{e}
	}
	for _, d := range all {
		args := d.Args()
		if d.Field != "expression" || d.Format() != "line %d, column %d: %s" || len(args) < 2 {
			continue
		}
		line, _ := args[0].(int)
		col, _ := args[1].(int)
		lines := strings.Split(expression, "\n")
		if line < 1 || line > len(lines) || col < 1 {
			return nil
		}
		rs := []rune(lines[line-1])
		m := &exprMark{Line: line, Column: col}
		i := min(col-1, len(rs))
		m.Before = string(rs[:i])
		if i < len(rs) {
			m.At, m.After = string(rs[i]), string(rs[i+1:])
		}
		return m
	}
	return nil
}

func (s *Server) newRulePage(w http.ResponseWriter, r *http.Request) {
	vals := map[string]string{"region": principalOf(r).Region, "severity": string(monitor.Medium), "side": string(monitor.NeedSide), "action": "visit"}
	// A copy of a wider rule for the user's own region.
	if from, err := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64); err == nil {
		r.SetPathValue("id", strconv.FormatInt(from, 10))
		if src, err := s.ruleOf(r); err == nil {
			vals = ruleFormValues(src)
			vals["region"], vals["version"] = principalOf(r).Region, ""
		}
	}
	s.showNewRule(w, r, vals, nil, http.StatusOK)
}

func (s *Server) showNewRule(w http.ResponseWriter, r *http.Request, vals map[string]string, err error, status int) {
	l := langOf(r)
	pg := &rulePage{CanEdit: true, Action: "/monitor/rules", Names: s.nameLines(l)}
	pg.Title = l.T("New risk rule")
	pg.Here = "/monitor/rules/new"
	s.fillRuleForm(r, pg, vals, err)
	s.render(w, r, status, "monitor_rule.html", pg)
}

func (s *Server) addRuleSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	rule := ruleFromForm(vals)
	err := s.addRule(r, &rule)
	if err == nil {
		seeOther(w, r, fmt.Sprintf("/monitor/rules/%d?saved=saved", rule.ID))
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.showNewRule(w, r, vals, err, statusOf[apperr.CodeOf(err)])
}

func (s *Server) rulePage(w http.ResponseWriter, r *http.Request) {
	rule, err := s.ruleOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &rulePage{}
	l := langOf(r)
	switch r.URL.Query().Get("saved") {
	case "saved":
		pg.Notice = l.T("The rule was saved. It stays inactive until it is activated: try it on current data first.")
	case "on":
		pg.Notice = l.T("The rule is active: monitoring runs from now on use it.")
	case "off":
		pg.Notice = l.T("The rule is inactive: monitoring runs no longer use it.")
	}
	s.showRule(w, r, pg, rule, ruleFormValues(rule), nil, http.StatusOK)
}

// showRule draws a stored rule's page with the form's values and err.
func (s *Server) showRule(w http.ResponseWriter, r *http.Request, pg *rulePage, rule *monitor.Rule, vals map[string]string, err error, status int) {
	l := langOf(r)
	line := s.ruleLineOf(l, *rule)
	pg.Rule = &line
	pg.Title = l.T("Risk rule %s", rule.Code)
	pg.Here = fmt.Sprintf("/monitor/rules/%d", rule.ID)
	pg.Action = pg.Here
	pg.Version = rule.Version
	p := principalOf(r)
	writes := p.Can(auth.MonitorRules)
	pg.CanEdit = writes && ruleScope(r, rule) == nil
	pg.CanCopy = writes && !pg.CanEdit
	pg.Names = s.nameLines(l)
	s.fillRuleForm(r, pg, vals, err)
	s.render(w, r, status, "monitor_rule.html", pg)
}

func (s *Server) updateRuleSubmit(w http.ResponseWriter, r *http.Request) {
	cur, err := s.ruleOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	rule := ruleFromForm(vals)
	err = s.updateRule(r, cur, &rule)
	if err == nil {
		seeOther(w, r, fmt.Sprintf("/monitor/rules/%d?saved=saved", rule.ID))
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	s.showRule(w, r, &rulePage{}, cur, vals, err, statusOf[apperr.CodeOf(err)])
}

// dryRunShowOf adds what the page shows to a dry run.
func (s *Server) dryRunShowOf(r *http.Request, v *dryRunView) *dryRunShow {
	if v == nil {
		return nil
	}
	out := &dryRunShow{dryRunView: v, Percent: strconv.FormatFloat(v.Share*100, 'f', 1, 64) + "%"}
	for _, id := range v.Households {
		ex := exampleHousehold{ID: id, Number: strconv.FormatInt(id, 10)}
		if h, err := s.DB.Household(r.Context(), scopeOf(r), id); err == nil {
			ex.Number = h.Number
			for _, m := range h.Members {
				if m.Relationship == registry.RelHead && m.LeftOn.IsZero() {
					ex.Head = m.Person.Name
				}
			}
		}
		out.Examples = append(out.Examples, ex)
	}
	return out
}

func (s *Server) dryRunSubmit(w http.ResponseWriter, r *http.Request) {
	rule, err := s.ruleOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &rulePage{}
	v, err := s.dryRun(r, rule)
	status := http.StatusOK
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			s.renderError(w, r, err)
			return
		}
		_, body := s.publicError(r, err)
		pg.ActivationError, status = body.Message, statusOf[apperr.CodeOf(err)]
	}
	pg.DryRun = s.dryRunShowOf(r, v)
	pg.NeedConfirm = v != nil && v.NeedsConfirmation
	s.showRule(w, r, pg, rule, ruleFormValues(rule), nil, status)
}

func (s *Server) activationSubmit(w http.ResponseWriter, r *http.Request) {
	rule, err := s.ruleOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	version, _ := strconv.Atoi(vals["version"])
	req := ruleActivation{Version: version, Active: vals["active"] == "1", Confirm: vals["confirm"] == "1"}
	v, err := s.activateRule(r, rule, req)
	if err == nil {
		state := "off"
		if req.Active {
			state = "on"
		}
		seeOther(w, r, fmt.Sprintf("/monitor/rules/%d?saved=%s", rule.ID, state))
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	pg := &rulePage{DryRun: s.dryRunShowOf(r, v), NeedConfirm: v != nil && v.NeedsConfirmation}
	if e := apperr.As(err); e != nil && e.Code == apperr.Conflict && e.Field == "version" {
		pg.ActivationError = l.T("Someone else changed this record while you were editing it. Nothing was saved: reload the page to see their change, then apply yours again.")
	} else {
		_, body := s.publicError(r, err)
		pg.ActivationError = body.Message
	}
	// The page shows the rule as stored, whatever the refused request held.
	cur, cerr := s.ruleOf(r)
	if cerr != nil {
		s.renderError(w, r, cerr)
		return
	}
	s.showRule(w, r, pg, cur, ruleFormValues(cur), nil, statusOf[apperr.CodeOf(err)])
}
