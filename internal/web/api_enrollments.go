package web

import (
	"context"
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/registry"
)

func (s *Server) apiEnrollments(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) {
		if _, err := s.Registry.Household(r.Context(), scopeOf(r), id); err != nil {
			return nil, err
		}
		es, err := s.Enrollments.Enrollments(r.Context(), scopeOf(r), id)
		if es == nil {
			es = []casework.Enrollment{}
		}
		return es, err
	})
}

// reviewRequest opens a review: a change report or another finding. The
// applicant is the member who answers for the household (default: the
// first current member).
type reviewRequest struct {
	Trigger     string `json:"trigger"`
	Note        string `json:"note"`
	ApplicantID int64  `json:"applicant_id,omitempty"`
}

// openReview opens a review of enrollment id by the request's principal.
func (s *Server) openReview(r *http.Request, id int64, req reviewRequest) (*casework.Change, error) {
	env, err := s.caseEnv(r)
	if err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Enrollment(r.Context(), scopeOf(r), id)
	if err != nil {
		return nil, err
	}
	return s.fileReview(r.Context(), scopeOf(r), e, req, env)
}

// fileReview checks and stores a review of e, choosing the answering
// member when the request names none.
func (s *Server) fileReview(ctx context.Context, scope registry.Scope, e *casework.Enrollment, req reviewRequest, env *casework.Env) (*casework.Change, error) {
	h, err := s.Registry.Household(ctx, registry.Scope{Region: e.County}, e.HouseholdID)
	if err != nil {
		return nil, err
	}
	applicant := req.ApplicantID
	if applicant == 0 && len(h.Members) > 0 {
		applicant = h.Members[0].Person.ID
	}
	c, err := casework.NewReview(*e, applicant, req.Trigger, req.Note, env)
	if err != nil {
		return nil, err
	}
	if err := s.Cases.CreateApplication(ctx, scope, c); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Server) apiOpenReview(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req reviewRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.openReview(r, id, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.applicationView(r, c.App.ID)
	s.answer(w, r, http.StatusCreated, v, err)
}

// refusalRequest records a member's answer to a suitable job offer.
type refusalRequest struct {
	PersonID int64  `json:"person_id"`
	Refused  bool   `json:"refused"`
	Note     string `json:"note,omitempty"`
}

type refusalResult struct {
	Consecutive int  `json:"consecutive"`
	Reached     bool `json:"reached"`
	// ReviewID is the review opened when the refusals reached the limit.
	ReviewID int64 `json:"review_id,omitempty"`
}

// recordRefusal records the answer and, at the limit of consecutive
// refusals (SAIM Art. 45), opens a review to reduce or stop the member's
// share, unless one is open already.
func (s *Server) recordRefusal(r *http.Request, id int64, req refusalRequest) (*refusalResult, error) {
	env, err := s.caseEnv(r)
	if err != nil {
		return nil, err
	}
	if !casework.MayReview(env.Actor) {
		return nil, apperr.Errorf(apperr.Forbidden, "the role %s does not open reviews", env.Actor.Role)
	}
	n, reached, err := s.Enrollments.RecordRefusal(r.Context(), scopeOf(r), id, req.PersonID, req.Refused, req.Note, env)
	if err != nil {
		return nil, err
	}
	out := &refusalResult{Consecutive: n, Reached: reached}
	if reached {
		c, err := s.openReview(r, id, reviewRequest{Trigger: casework.TriggerRefusals,
			Note: s.today().String() + " 连续第 " + strconv.Itoa(n) + " 次无正当理由拒绝就业：" + req.Note})
		switch {
		case err == nil:
			out.ReviewID = c.App.ID
		case apperr.IsCode(err, apperr.Conflict):
			// A review is open already: it takes the refusals into account.
		default:
			return nil, err
		}
	}
	return out, nil
}

func (s *Server) apiRecordRefusal(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req refusalRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.recordRefusal(r, id, req)
	s.answer(w, r, http.StatusOK, out, err)
}

// OpenDueReviews opens the scheduled reviews due by today, as the system,
// in batches; it returns how many it opened.
func (s *Server) OpenDueReviews(ctx context.Context, today civil.Date) (int, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Username: casework.System})
	env, err := s.envFor(ctx, casework.Actor{Username: casework.System})
	if err != nil {
		return 0, err
	}
	env.Today = today
	opened := 0
	var after int64
	for {
		due, err := s.Enrollments.DueReviews(ctx, today, after, 500)
		if err != nil || len(due) == 0 {
			return opened, err
		}
		for i := range due {
			e := &due[i]
			after = e.ID
			if _, err := s.fileReview(ctx, registry.Scope{Region: e.County}, e, reviewRequest{Trigger: casework.TriggerScheduled}, env); err != nil {
				// One household's problem (a parameter missing in its
				// county, an open application) must not stop the others;
				// it is tried again tomorrow.
				s.Log.WarnContext(ctx, "scheduled review not opened", "enrollment", e.ID, "err", err)
				continue
			}
			opened++
		}
	}
}
