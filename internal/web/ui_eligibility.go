package web

import (
	"net/http"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// eligibilityView is the household's eligibility check: every program's
// verdict and amount for a month, with its explanation in plain language.
type eligibilityView struct {
	view
	HouseholdID int64
	Number      string
	Month       string
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
}

// eligibilityPage runs every calculator on the household as it stood at the
// end of the month (?month=, default this month).
func (s *Server) eligibilityPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	month := civil.Today().MonthOf()
	if v := r.URL.Query().Get("month"); v != "" {
		if month, err = civil.ParseMonth(v); err != nil {
			s.renderError(w, r, apperr.Fieldf("month", "%s", err.Error()))
			return
		}
	}
	snap, err := s.Registry.HouseholdAt(r.Context(), scopeOf(r), id, month.Last())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	set, err := s.paramSet(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	lg := "zh"
	if l == "en" {
		lg = "en"
	}
	pg := &eligibilityView{HouseholdID: id, Number: snap.Household.Number, Month: month.String()}
	pg.Title = l.T("Eligibility check for household %s", snap.Household.Number)
	for _, p := range policy.Programs {
		h := policy.FromSnapshot(snap, month)
		pc := programCheck{Name: policy.ProgramName(p, lg), Key: string(p)}
		res, err := policy.Calculate(set, p, h, month)
		if err != nil {
			e := apperr.As(err)
			if e == nil {
				s.renderError(w, r, err)
				return
			}
			pc.Error, pc.Class = l.errMsg(e), "manual"
			pg.Programs = append(pg.Programs, pc)
			continue
		}
		pc.Verdict = policy.VerdictName(res.Verdict, lg)
		pc.Amount = money.Fen(res.Amount).String()
		pc.Review, pc.Route = res.NeedsReview, res.Route
		pc.Class = "fail"
		if res.Verdict == policy.Eligible || res.Verdict == policy.GradualExit {
			pc.Class = "pass"
		}
		res.Explanation.Walk(func(n *policy.Node, d int) {
			st := explainStep{Indent: strings.Repeat("· ", d), Mark: policy.Mark(n.Outcome), Class: string(n.Outcome),
				Text: policy.Sentence(n, lg), Source: n.Source}
			for _, u := range n.Params {
				scope := policy.ScopeName(u.Scope, lg)
				if u.Region != "" {
					scope += " " + s.Regions.FullName(u.Region)
				}
				st.Params = append(st.Params, u.Key+" = "+u.Value+" ("+scope+", "+u.From.String()+"; "+u.Source+")")
			}
			pc.Steps = append(pc.Steps, st)
		})
		pg.Programs = append(pg.Programs, pc)
	}
	s.render(w, r, http.StatusOK, "eligibility.html", pg)
}
