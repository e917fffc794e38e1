package web

import (
	"encoding/json"
	"net/http"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// The letter of a decision (/applications/{id}/letter), printed and handed
// to the applicant: a notice of decision (审批决定通知书) with the amount,
// the first month paid and the rules engine's findings, or a notice of
// rejection (不予批准告知书) with the reasons in full and the remedies
// (SAIM Art. 65: administrative reconsideration or litigation; the
// reference gives no periods, so none are printed).

// letterPage is the data of print_letter.html.
type letterPage struct {
	view
	A             *casework.Application
	D             *casework.Decision
	ApplicantName string
	HouseholdNo   string
	Program       string
	DecidedOn     string
	StartMonth    string
	EndMonth      string
	OneOff        bool
	// Verdict and Check are the rules engine's verdict and explanation
	// stored with an approval; the letter prints its key steps.
	Verdict string
	Check   *programCheck
	Phone   string
	Issuer  string
}

func (s *Server) letterPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx, scope := r.Context(), scopeOf(r)
	a, err := s.Cases.Application(ctx, scope, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if a.Purpose == casework.PurposeReview {
		// A review's outcome is not an applicant's decision letter.
		s.renderError(w, r, apperr.Errorf(apperr.NotFound, "no such page"))
		return
	}
	d, err := s.Cases.Decision(ctx, scope, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &letterPage{A: a, D: d, Program: programLabel(l, a.Program, a.Kind), DecidedOn: longDate(l, d.DecidedOn),
		StartMonth: longMonth(l, d.StartMonth), EndMonth: longMonth(l, d.EndMonth), Issuer: s.regionName(a.County)}
	if f, ok := casework.FlowOf(a.Program); ok {
		pg.OneOff = f.OneOff
	}
	if pg.HouseholdNo, pg.ApplicantName, err = s.applicantOf(r, a); err != nil {
		s.renderError(w, r, err)
		return
	}
	if pg.Phone, err = s.complaintPhone(r, a.County); err != nil {
		s.renderError(w, r, err)
		return
	}
	if d.Approved {
		pg.Title = l.T("Notice of decision")
		pg.Verdict, pg.Check = s.decisionCheck(r, l, d)
	} else {
		pg.Title = l.T("Notice of rejection")
	}
	s.render(w, r, http.StatusOK, "print_letter.html", pg)
}

// applicantOf returns the number of a's household and its applicant's
// name, read in the handling county: a user who sees the application sees
// them, even when the household lies outside their own jurisdiction (a
// cross-region filing).
func (s *Server) applicantOf(r *http.Request, a *casework.Application) (number, name string, err error) {
	scope := registry.Scope{Region: a.County}
	h, err := s.Registry.Household(r.Context(), scope, a.HouseholdID)
	if err != nil {
		return "", "", err
	}
	for _, m := range h.Members {
		if m.Person.ID == a.ApplicantID {
			name = m.Person.Name
		}
	}
	if name == "" {
		// The applicant has left the household since.
		if p, err := s.Registry.Person(r.Context(), scope, a.ApplicantID); err == nil {
			name = p.Name
		}
	}
	return h.Number, name, nil
}

// decisionCheck renders the rules engine's verdict and explanation stored
// with a decision, as the eligibility page renders a result; an
// explanation that cannot be read is left out.
func (s *Server) decisionCheck(r *http.Request, l lang, d *casework.Decision) (string, *programCheck) {
	var verdict string
	if d.Verdict != "" {
		verdict = policy.VerdictName(policy.Verdict(d.Verdict), string(l))
	}
	if len(d.Explanation) == 0 {
		return verdict, nil
	}
	var res policy.Result
	if err := json.Unmarshal(d.Explanation, &res); err != nil {
		s.Log.WarnContext(r.Context(), "a decision's explanation cannot be read", "decision", d.ID, "err", err)
		return verdict, nil
	}
	pc, err := s.programCheckOf(l, d.Program, &res, nil)
	if err != nil {
		return verdict, nil
	}
	return verdict, &pc
}
