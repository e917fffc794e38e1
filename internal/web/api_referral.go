package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/pii"
	"safetynet/internal/referral"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// The referral API (转介, docs/referral.md): the partner directory, the
// staff's referrals, and the partner's own side under /api/v1/partner.

// referralJSON is a referral with whether its answer is late.
type referralJSON struct {
	referral.Referral
	Overdue bool `json:"overdue"`
}

// partnerHousehold is what a partner sees of a referred household: names,
// relationships and ages, ID numbers and phones masked.
type partnerHousehold struct {
	Number  string          `json:"number"`
	Region  string          `json:"region_code"`
	Address string          `json:"address"`
	Members []partnerMember `json:"members"`
}

type partnerMember struct {
	Name         string                `json:"name"`
	Relationship registry.Relationship `json:"relationship"`
	Age          int                   `json:"age"`
	IDNumber     string                `json:"id_number"`
	Phone        string                `json:"phone,omitempty"`
}

// partnerReferralJSON is a referral as its partner sees it.
type partnerReferralJSON struct {
	referralJSON
	Household partnerHousehold `json:"household"`
}

// stepRequest is a partner's step on a referral, with the version read.
type stepRequest struct {
	Version int    `json:"version"`
	Note    string `json:"note,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Result  string `json:"result,omitempty"`
}

// partnerToken asks for an API token for a partner's login.
type partnerToken struct {
	Username string `json:"username"`
	Name     string `json:"name"`
}

// tokenJSON is an issued token, shown once.
type tokenJSON struct {
	Username string `json:"username"`
	Token    string `json:"token"`
}

func (s *Server) toJSON(ref *referral.Referral) referralJSON {
	return referralJSON{Referral: *ref, Overdue: ref.Overdue(s.today())}
}

func (s *Server) apiPartners(w http.ResponseWriter, r *http.Request) {
	ps, err := s.DB.Partners(r.Context(), referral.PartnerFilter{Region: principalOf(r).Region})
	for i := range ps {
		maskPartner(r, &ps[i])
	}
	s.answer(w, r, http.StatusOK, ps, err)
}

func (s *Server) apiAddPartner(w http.ResponseWriter, r *http.Request) {
	var p referral.Partner
	if err := decode(r, &p); err != nil {
		s.writeError(w, r, err)
		return
	}
	err := p.Validate()
	if err == nil && !region.Within(p.Region, principalOf(r).Region) {
		err = apperr.Fieldf("region", "%s lies outside your jurisdiction %s", p.Region, principalOf(r).Region)
	}
	if err == nil {
		err = s.DB.CreatePartner(r.Context(), &p)
	}
	maskPartner(r, &p)
	s.answer(w, r, http.StatusCreated, p, err)
}

func (s *Server) apiUpdatePartner(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusOK, func(id int64, p *referral.Partner) (any, error) {
		old, err := s.DB.Partner(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if err := mayManagePartner(r, old); err != nil {
			return nil, err
		}
		p.ID = id
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if !region.Within(p.Region, principalOf(r).Region) {
			return nil, apperr.Fieldf("region", "%s lies outside your jurisdiction %s", p.Region, principalOf(r).Region)
		}
		if err := s.DB.UpdatePartner(r.Context(), p); err != nil {
			return nil, err
		}
		maskPartner(r, p)
		return p, nil
	})
}

// managedPartner reads the {id} partner for its administrator.
func (s *Server) managedPartner(r *http.Request) (*referral.Partner, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := s.DB.Partner(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return p, mayManagePartner(r, p)
}

func (s *Server) apiAddPartnerLogin(w http.ResponseWriter, r *http.Request) {
	p, err := s.managedPartner(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in partnerLogin
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.addPartnerLogin(r.Context(), p, in)
	s.answer(w, r, http.StatusCreated, u, err)
}

func (s *Server) apiIssuePartnerToken(w http.ResponseWriter, r *http.Request) {
	p, err := s.managedPartner(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in partnerToken
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	tok, err := s.issuePartnerToken(r.Context(), p, in.Username, in.Name)
	s.answer(w, r, http.StatusCreated, tokenJSON{Username: in.Username, Token: tok}, err)
}

// referralFilter reads a list's query: status, overdue, escalated,
// household_id, before, limit.
func (s *Server) referralFilter(r *http.Request) (referral.Filter, error) {
	q := r.URL.Query()
	f := referral.Filter{Status: referral.Status(q.Get("status")), Overdue: q.Get("overdue") == "1" || q.Get("overdue") == "true",
		Escalated: q.Get("escalated") == "1" || q.Get("escalated") == "true", Today: s.today()}
	if f.Status != "" && !containsStatus(f.Status) {
		return f, apperr.Fieldf("status", "%q is not a referral status", string(f.Status))
	}
	f.HouseholdID, _ = strconv.ParseInt(q.Get("household_id"), 10, 64)
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	return f, nil
}

func containsStatus(st referral.Status) bool {
	for _, s := range referral.Statuses {
		if s == st {
			return true
		}
	}
	return false
}

func (s *Server) apiReferrals(w http.ResponseWriter, r *http.Request) {
	f, err := s.referralFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principalOf(r)
	f.Region, f.Role = p.Region, p.Role
	refs, err := s.DB.Referrals(r.Context(), f)
	out := make([]referralJSON, 0, len(refs))
	for i := range refs {
		out = append(out, s.toJSON(&refs[i]))
	}
	s.answer(w, r, http.StatusOK, out, err)
}

func (s *Server) apiReferral(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) {
		ref, err := s.staffReferral(r, id)
		if err != nil {
			return nil, err
		}
		return s.toJSON(ref), nil
	})
}

// apiSendReferral refers a household's needs: a JSON body
// (referralRequest), or a multipart form whose "referral" field is that
// JSON and whose "documents" are the files.
func (s *Server) apiSendReferral(w http.ResponseWriter, r *http.Request) {
	h, err := s.householdOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req referralRequest
	var docs []referral.Document
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			s.writeError(w, r, s.uploadError(err))
			return
		}
		if err := json.Unmarshal([]byte(first(r.MultipartForm.Value["referral"])), &req); err != nil {
			s.writeError(w, r, apperr.Fieldf("referral", "the referral field must be the referral as JSON"))
			return
		}
		if docs, err = s.referralDocuments(r, r.MultipartForm.File["documents"]); err != nil {
			s.writeError(w, r, err)
			return
		}
	} else if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	ref, err := s.sendReferral(r, h, req, docs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.toJSON(ref))
}

func (s *Server) apiReferralDocument(w http.ResponseWriter, r *http.Request) {
	if err := s.staffDocument(w, r); err != nil {
		s.writeError(w, r, err)
	}
}

// staffDocument serves the {id} document of a referral in the
// jurisdiction.
func (s *Server) staffDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.DB.Document(r.Context(), id)
	if err != nil {
		return err
	}
	ref, err := s.staffReferral(r, d.ReferralID)
	if err != nil {
		return apperr.Errorf(apperr.NotFound, "no document %d", id)
	}
	return s.serveReferralDocument(w, r, ref, id)
}

// partnerView is a referral with its household as the partner sees it.
func (s *Server) partnerView(r *http.Request, ref *referral.Referral) (partnerReferralJSON, error) {
	out := partnerReferralJSON{referralJSON: s.toJSON(ref)}
	// The partner has no registry permission: the household is read for
	// it, the referral having been checked as its own.
	h, err := s.Registry.Household(r.Context(), registry.Scope{}, ref.HouseholdID)
	if err != nil {
		return out, err
	}
	today := s.today()
	out.Household = partnerHousehold{Number: h.Number, Region: h.RegionCode, Address: h.Address, Members: []partnerMember{}}
	for _, m := range h.Members {
		if !m.Person.Death.IsZero() {
			continue
		}
		out.Household.Members = append(out.Household.Members, partnerMember{Name: m.Person.Name, Relationship: m.Relationship,
			Age: m.Person.Birth.YearsAt(today), IDNumber: pii.Mask(pii.IDNumber, m.Person.IDNumber), Phone: pii.Mask(pii.Phone, m.Person.Phone)})
	}
	return out, nil
}

func (s *Server) apiPartnerReferrals(w http.ResponseWriter, r *http.Request) {
	p, err := s.myPartner(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := s.referralFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f.PartnerID, f.HouseholdID, f.Escalated = p.ID, 0, false
	refs, err := s.DB.Referrals(r.Context(), f)
	out := make([]referralJSON, 0, len(refs))
	for i := range refs {
		out = append(out, s.toJSON(&refs[i]))
	}
	s.answer(w, r, http.StatusOK, out, err)
}

func (s *Server) apiPartnerReferral(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) {
		ref, _, err := s.partnerReferral(r, id)
		if err != nil {
			return nil, err
		}
		return s.partnerView(r, ref)
	})
}

func (s *Server) apiPartnerDocument(w http.ResponseWriter, r *http.Request) {
	if err := s.partnerDocument(w, r); err != nil {
		s.writeError(w, r, err)
	}
}

// partnerDocument serves the {id} document of a referral sent to the
// caller's partner.
func (s *Server) partnerDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.DB.Document(r.Context(), id)
	if err != nil {
		return err
	}
	ref, _, err := s.partnerReferral(r, d.ReferralID)
	if err != nil {
		return apperr.Errorf(apperr.NotFound, "no document %d", id)
	}
	return s.serveReferralDocument(w, r, ref, id)
}

// The partner's steps.
const (
	stepAccept  = "accept"
	stepDecline = "decline"
	stepAction  = "action"
	stepResult  = "result"
)

// partnerStep takes a step on the {id} referral sent to the caller's
// partner, with the version read.
// Errors: NotFound, Conflict (stale version; a step the status does not
// allow), Invalid (a missing reason, note or result).
func (s *Server) partnerStep(r *http.Request, step string, req stepRequest) (*referral.Referral, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ref, _, err := s.partnerReferral(r, id)
	if err != nil {
		return nil, err
	}
	if req.Version == 0 {
		return nil, apperr.Fieldf("version", "send the version of the referral you read")
	}
	env, err := s.referralEnv(r)
	if err != nil {
		return nil, err
	}
	switch step {
	case stepAccept:
		err = ref.Accept(req.Note, env)
	case stepDecline:
		err = ref.Decline(req.Reason, env)
	case stepAction:
		err = ref.AddAction(req.Note, env)
	case stepResult:
		err = ref.RecordResult(req.Result, env)
	}
	if err != nil {
		return ref, err
	}
	ref.Version = req.Version
	return ref, s.DB.UpdateReferral(r.Context(), ref)
}

func (s *Server) apiPartnerStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req stepRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		ref, err := s.partnerStep(r, step, req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.toJSON(ref))
	}
}

func (s *Server) apiReferralStats(w http.ResponseWriter, r *http.Request) {
	reg := r.URL.Query().Get("region")
	if reg == "" {
		reg = principalOf(r).Region
	}
	if reg != "" && !region.Within(reg, principalOf(r).Region) {
		s.writeError(w, r, apperr.Fieldf("region", "%s lies outside your jurisdiction %s", reg, principalOf(r).Region))
		return
	}
	st, err := s.DB.ReferralStats(r.Context(), reg, s.today())
	s.answer(w, r, http.StatusOK, st, err)
}
