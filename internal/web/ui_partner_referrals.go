package web

import (
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/referral"
)

// The partner's own pages (/partner): the referrals sent to its
// organisation, and one referral with the forms that accept or decline it,
// record an action and record the result. A referral of another partner
// is "not found".

func (s *Server) partnerReferralsPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	p, err := s.myPartner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f, err := s.referralFilter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f.PartnerID, f.HouseholdID, f.Escalated = p.ID, 0, false
	refs, err := s.DB.Referrals(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &referralsView{PartnerSide: true, Partner: p.Name, Rows: s.referralRows(l, refs), Overdue: f.Overdue, Filtered: f.Status != "" || f.Overdue}
	pg.Title = l.T("Referrals to us")
	pg.Status = formField{Name: "status", Label: l.T("Status"), Kind: "select", Value: string(f.Status),
		Groups: enumOptions(l, "referral_status", strs(referral.Statuses), l.T("Any status"))}
	s.render(w, r, http.StatusOK, "referrals.html", pg)
}

func (s *Server) partnerReferralPage(w http.ResponseWriter, r *http.Request) {
	pg := &referralView{PartnerSide: true}
	if st := r.URL.Query().Get("saved"); st != "" {
		pg.Notice = langOf(r).T("Saved: %s.", langOf(r).enumLabel("referral_action", st))
	}
	s.showPartnerReferral(w, r, pg, http.StatusOK)
}

func (s *Server) showPartnerReferral(w http.ResponseWriter, r *http.Request, pg *referralView, status int) {
	l := langOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ref, _, err := s.partnerReferral(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := s.partnerView(r, ref)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.referralDetail = s.referralDetail(l, ref, "/partner/documents/")
	pg.Household = v.Household
	for _, m := range v.Household.Members {
		pg.Members = append(pg.Members, memberLine{Name: m.Name, Relationship: l.enumLabel("relationship", string(m.Relationship)),
			IDNumber: m.IDNumber, Phone: m.Phone, Age: m.Age})
	}
	pg.Title = l.T("Referral %d", ref.ID)
	pg.Here = "/partner/referrals/" + strconv.FormatInt(ref.ID, 10)
	keep := func(f formField, step string) formField {
		if pg.Open != step {
			f.Value, f.Error = "", ""
		}
		return f
	}
	pg.Note = keep(formField{Name: "note", Label: l.T("Note (optional)"), Kind: "textarea", Wide: true, Key: "accept-note", Value: pg.Note.Value, Error: pg.Note.Error}, stepAccept)
	pg.Reason = keep(formField{Name: "reason", Label: l.T("Why it is declined"), Kind: "textarea", Wide: true, Required: true, Key: "decline-reason",
		Value: pg.Reason.Value, Error: pg.Reason.Error}, stepDecline)
	pg.Action = keep(formField{Name: "note", Label: l.T("What was done"), Kind: "textarea", Wide: true, Required: true, Key: "action-note",
		Value: pg.Action.Value, Error: pg.Action.Error}, stepAction)
	pg.Result = keep(formField{Name: "result", Label: l.T("Result"), Kind: "textarea", Wide: true, Required: true, Key: "result-text",
		Value: pg.Result.Value, Error: pg.Result.Error}, stepResult)
	s.render(w, r, status, "referral.html", pg)
}

// partnerStepSubmit takes a step from the partner's referral page.
func (s *Server) partnerStepSubmit(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, err)
			return
		}
		f := r.PostForm
		req := stepRequest{Note: f.Get("note"), Reason: f.Get("reason"), Result: f.Get("result")}
		req.Version, _ = strconv.Atoi(f.Get("version"))
		ref, err := s.partnerStep(r, step, req)
		if err == nil {
			kind := map[string]referral.ActionKind{stepAccept: referral.ActAccepted, stepDecline: referral.ActDeclined,
				stepAction: referral.ActNote, stepResult: referral.ActResult}[step]
			seeOther(w, r, "/partner/referrals/"+strconv.FormatInt(ref.ID, 10)+"?saved="+string(kind))
			return
		}
		c := apperr.CodeOf(err)
		if c != apperr.Invalid && c != apperr.Conflict {
			s.renderError(w, r, err)
			return
		}
		l := langOf(r)
		errs := errorsOf(l, err)
		pg := &referralView{PartnerSide: true, Open: step}
		switch step {
		case stepAccept:
			pg.Note = formField{Value: req.Note, Error: errs.take("note")}
		case stepDecline:
			pg.Reason = formField{Value: req.Reason, Error: errs.take("reason")}
		case stepAction:
			pg.Action = formField{Value: req.Note, Error: errs.take("note")}
		case stepResult:
			pg.Result = formField{Value: req.Result, Error: errs.take("result")}
		}
		pg.Problems = errs.rest(l)
		s.showPartnerReferral(w, r, pg, statusOf[c])
	}
}

func (s *Server) partnerDocumentDownload(w http.ResponseWriter, r *http.Request) {
	if err := s.partnerDocument(w, r); err != nil {
		s.renderError(w, r, err)
	}
}
