package web

import (
	"net/http"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// eligibilityView is the household's eligibility check: every program's
// verdict and amount for a month, with its explanation in plain language.
// A month that cannot be checked (MonthError) is named beside the field,
// with no programs.
type eligibilityView struct {
	view
	HouseholdID int64
	Number      string
	Month       string
	MonthError  string
	Programs    []programCheck
}

type programCheck struct {
	Name    string
	Key     string
	Verdict string
	Class   string // pass, fail, manual
	Amount  string
	Review  bool
	Route   string
	Error   string
	Steps   []explainStep
}

type explainStep struct {
	Depth  int
	Indent string // CSS padding, from Depth
	Mark   string
	Class  string
	Text   string
	Params []string
	Source string
	// Summary marks a key step: the standard applied, the income counted
	// (a printed letter shows only these).
	Summary bool
}

// eligibilityPage runs every calculator on the household as it stood at the
// end of the month (?month=, default this month). A month that is not one,
// or that ends before the household was registered, is answered with 422
// and a message beside the month field.
func (s *Server) eligibilityPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &eligibilityView{HouseholdID: id}
	month := civil.Today().MonthOf()
	typed := strings.TrimSpace(r.URL.Query().Get("month"))
	if typed != "" {
		var perr error
		if month, perr = civil.ParseMonth(typed); perr != nil {
			pg.MonthError = l.T("%s is not a month: enter the year and month as YYYY-MM, such as %s", typed, civil.Today().MonthOf())
		}
	}
	var snap *registry.Snapshot
	if pg.MonthError == "" {
		snap, err = s.Registry.HouseholdAt(r.Context(), scopeOf(r), id, month.Last())
	}
	if pg.MonthError != "" || apperr.IsCode(err, apperr.NotFound) {
		// The household as it is now: for its number, and to tell a month
		// before it was registered from a household outside the user's
		// jurisdiction (not found either way).
		h, herr := s.Registry.Household(r.Context(), scopeOf(r), id)
		if herr != nil {
			s.renderError(w, r, herr)
			return
		}
		if pg.MonthError == "" {
			from := civil.DateOf(h.CreatedAt.In(civil.Shanghai))
			if !month.Last().Before(from) {
				s.renderError(w, r, err)
				return
			}
			pg.MonthError = l.T("The household was registered on %s, so there is no registry data for %s. Choose %s or later.",
				from, month, from.MonthOf())
		}
		pg.Number, pg.Month = h.Number, typed
		if pg.Month == "" {
			pg.Month = month.String()
		}
		pg.Title = l.T("Eligibility check for household %s", h.Number)
		s.render(w, r, statusOf[apperr.Invalid], "eligibility.html", pg)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	set, err := s.paramSet(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.Number, pg.Month = snap.Household.Number, month.String()
	pg.Title = l.T("Eligibility check for household %s", snap.Household.Number)
	if pg.Programs, err = s.programChecks(l, set, snap, month); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "eligibility.html", pg)
}

// programChecks runs every calculator on the household as it stood at the
// end of month: the rows and explanations of this page, which the filing
// form of an application shows too.
func (s *Server) programChecks(l lang, set *policy.Set, snap *registry.Snapshot, month civil.Month) ([]programCheck, error) {
	var out []programCheck
	for _, p := range policy.Programs {
		res, err := policy.Calculate(set, p, policy.FromSnapshot(snap, month), month)
		pc, err := s.programCheckOf(l, p, res, err)
		if err != nil {
			return nil, err
		}
		out = append(out, pc)
	}
	return out, nil
}

// programCheckOf is a calculator's answer as this page shows it: the
// verdict, the amount and the explanation step by step, in l. The
// application page renders a decision's stored result with it. A
// calculator's application error (a parameter not set) becomes the row's
// message; any other error is returned.
func (s *Server) programCheckOf(l lang, p policy.Program, res *policy.Result, err error) (programCheck, error) {
	lg := "zh"
	if l == langEN {
		lg = "en"
	}
	pc := programCheck{Name: policy.ProgramName(p, lg), Key: string(p)}
	if err != nil {
		e := apperr.As(err)
		if e == nil {
			return pc, err
		}
		pc.Error, pc.Class = l.errMsg(e), "manual"
		return pc, nil
	}
	pc.Verdict = policy.VerdictName(res.Verdict, lg)
	pc.Amount = money.Fen(res.Amount).String()
	pc.Review, pc.Route = res.NeedsReview, policy.RouteName(res.Route, lg)
	pc.Class = "fail"
	if res.Verdict == policy.Eligible || res.Verdict == policy.GradualExit {
		pc.Class = "pass"
	}
	if res.Explanation == nil {
		return pc, nil
	}
	res.Explanation.Walk(func(n *policy.Node, d int) {
		st := explainStep{Indent: strings.Repeat("· ", d), Mark: policy.Mark(n.Outcome), Class: string(n.Outcome),
			Text: policy.Sentence(n, lg), Source: n.Source, Summary: summaryStep(n)}
		for _, u := range n.Params {
			scope := policy.ScopeName(u.Scope, lg)
			if u.Region != "" {
				scope += " " + s.Regions.FullName(u.Region)
			}
			st.Params = append(st.Params, u.Key+" = "+u.Display(lg)+" ("+scope+", "+u.From.String()+"; "+u.Source+")")
		}
		pc.Steps = append(pc.Steps, st)
	})
	return pc, nil
}

// summaryStep reports whether a step of an explanation states the standard
// applied or the income counted against it: the steps a letter prints.
func summaryStep(n *policy.Node) bool {
	for _, f := range n.Facts {
		switch f.Name {
		case "standard", "income", "per_capita":
			return true
		}
	}
	return false
}
