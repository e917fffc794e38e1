package web

import (
	"context"
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// caseEnv is the environment of a casework action by the request's
// principal: today in Shanghai, the working-day calendar and the
// parameters in force.
func (s *Server) caseEnv(r *http.Request) (*casework.Env, error) {
	return s.envFor(r.Context(), actorOf(principalOf(r)))
}

// envFor is the environment of a casework action by actor: today by the
// server's clock, the working-day calendar and the parameters in force.
func (s *Server) envFor(ctx context.Context, actor casework.Actor) (*casework.Env, error) {
	set, err := s.paramSet(ctx)
	if err != nil {
		return nil, err
	}
	return &casework.Env{Today: s.today(), Now: s.now(), Actor: actor, Calendar: s.calendar(ctx), Params: set}, nil
}

// actorOf is the workflow's actor for a signed-in member of staff.
func actorOf(p *auth.Principal) casework.Actor {
	return casework.Actor{UserID: p.ID, Username: p.Username, Role: p.Role, Region: p.Region}
}

// newApplication is what a caseworker files.
type newApplication struct {
	Program      policy.Program         `json:"program"`
	Kind         string                 `json:"kind,omitempty"`
	HouseholdID  int64                  `json:"household_id"`
	ApplicantID  int64                  `json:"applicant_id"`
	Channel      casework.Channel       `json:"channel"`
	Entrustment  *casework.Entrustment  `json:"entrustment,omitempty"`
	NearRelative *casework.NearRelative `json:"near_relative,omitempty"`
	Materials    []string               `json:"materials,omitempty"`
	Reason       string                 `json:"reason,omitempty"`
	// IDNumber names the applicant instead of household_id and
	// applicant_id: the way to file for a person registered in another
	// county (cross-region handling), whose household the office cannot
	// otherwise see.
	IDNumber string `json:"id_number,omitempty"`
}

// fileApplication checks and stores an application for a registered
// household: the household's region decides where it is handled, the
// applicant's age whether it may ever be publicised.
func (s *Server) fileApplication(r *http.Request, req newApplication) (*casework.Change, error) {
	env, err := s.caseEnv(r)
	if err != nil {
		return nil, err
	}
	a := casework.Application{Program: req.Program, Kind: req.Kind, HouseholdID: req.HouseholdID, ApplicantID: req.ApplicantID,
		Channel: req.Channel, Entrustment: req.Entrustment, NearRelative: req.NearRelative, Materials: req.Materials, Reason: req.Reason}
	scope := scopeOf(r)
	if req.IDNumber != "" {
		// Cross-region: the applicant is found by ID number anywhere; the
		// application goes to the county of their household, and the
		// office that took it keeps seeing it (casework.New, FiledIn).
		reg, err := s.registration(r, req.IDNumber)
		if err != nil {
			return nil, err
		}
		a.HouseholdID, a.ApplicantID = reg.HouseholdID, reg.PersonID
		scope = registry.Scope{Region: reg.RegionCode[:6]}
	}
	if a.HouseholdID > 0 {
		h, err := s.Registry.Household(r.Context(), scope, a.HouseholdID)
		if err != nil {
			return nil, apperr.Prefix("household_id", err)
		}
		a.Region, a.County = h.RegionCode, h.CountyCode
		for _, m := range h.Members {
			if m.Person.ID == a.ApplicantID {
				a.Minor = m.Person.Birth.YearsAt(env.Today) < 18
			}
		}
	}
	c, err := casework.New(a, env)
	if err != nil {
		return nil, err
	}
	if err := s.Cases.CreateApplication(r.Context(), scope, c); err != nil {
		return nil, err
	}
	return c, nil
}

// registration finds the registered person with an ID number, in any
// county, and their current household.
func (s *Server) registration(r *http.Request, idNumber string) (*registry.Registration, error) {
	id, err := idcard.Parse(idNumber)
	if err != nil {
		// The ID card's own message, translated, beside the field.
		return nil, apperr.Prefix("id_number", err)
	}
	regs, err := s.Registry.Registered(r.Context(), []string{id.Number})
	if err != nil {
		return nil, err
	}
	reg, ok := regs[id.Number]
	if !ok || reg.HouseholdID == 0 {
		return nil, apperr.Fieldf("id_number", "no registered household has a member with this ID number: the household must first be registered in the county of its household registration")
	}
	return &reg, nil
}

func (s *Server) apiCreateApplication(w http.ResponseWriter, r *http.Request) {
	var req newApplication
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.fileApplication(r, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.applicationView(r, c.App.ID)
	s.answer(w, r, http.StatusCreated, v, err)
}

// applicationView is an application with what a screen needs to act on
// it.
type applicationView struct {
	Application *casework.Application `json:"application"`
	// Allowed are the actions the caller may take now; Possible those the
	// state allows to anyone.
	Allowed  []casework.Action `json:"allowed"`
	Possible []casework.Action `json:"possible"`
	Required []string          `json:"required_materials"`
	Missing  []string          `json:"missing_materials"`
	// WorkdaysLeft counts working days from today to the overall limit
	// (negative: overdue by that many).
	WorkdaysLeft *int               `json:"workdays_left,omitempty"`
	Events       []casework.Event   `json:"events"`
	Tasks        []casework.Task    `json:"tasks"`
	Decision     *casework.Decision `json:"decision,omitempty"`
}

// caseAndEnv reads application id in the request's scope, with the
// environment of an action on it (caseEnv).
func (s *Server) caseAndEnv(r *http.Request, id int64) (*casework.Application, *casework.Env, error) {
	a, err := s.Cases.Application(r.Context(), scopeOf(r), id)
	if err != nil {
		return nil, nil, err
	}
	env, err := s.caseEnv(r)
	return a, env, err
}

func (s *Server) applicationView(r *http.Request, id int64) (*applicationView, error) {
	ctx, scope := r.Context(), scopeOf(r)
	a, env, err := s.caseAndEnv(r, id)
	if err != nil {
		return nil, err
	}
	v := &applicationView{Application: a, Allowed: casework.Allowed(a, env), Possible: casework.Possible(a),
		Required: casework.Required(a, env), Missing: casework.Missing(a, nil, env)}
	if !a.Due.IsZero() && !a.State.Final() {
		n := workdaysLeft(env, a.Due)
		v.WorkdaysLeft = &n
	}
	if v.Events, err = s.Cases.Events(ctx, scope, id); err != nil {
		return nil, err
	}
	if v.Tasks, err = s.Cases.Tasks(ctx, scope, id); err != nil {
		return nil, err
	}
	if a.State == casework.Approved || a.State == casework.Rejected {
		if v.Decision, err = s.Cases.Decision(ctx, scope, id); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// workdaysLeft counts working days from today to due: positive while
// there is time, negative once overdue.
func workdaysLeft(env *casework.Env, due civil.Date) int {
	cal, ok := env.Calendar.(interface{ WorkdaysBetween(a, b civil.Date) int })
	if !ok {
		return 0
	}
	if due.Before(env.Today) {
		return -cal.WorkdaysBetween(due, env.Today)
	}
	return cal.WorkdaysBetween(env.Today, due)
}

func (s *Server) apiApplication(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) { return s.applicationView(r, id) })
}

// act takes an action on an application for the request's principal. A
// confirmation runs the rules engine on the household as it stands today
// for the first month paid, and stores its explanation with the decision.
func (s *Server) act(r *http.Request, id int64, action casework.Action, in casework.Input) (*casework.Change, error) {
	env, err := s.caseEnv(r)
	if err != nil {
		return nil, err
	}
	scope := scopeOf(r)
	if in.Visit != nil && len(in.Visit.Photos) > 0 {
		if err := s.checkPhotos(r, id, in.Visit.Photos); err != nil {
			return nil, err
		}
	}
	return s.Cases.Act(r.Context(), scope, id, in.Version, func(a casework.Application) (*casework.Change, error) {
		var engine *casework.Engine
		if action == casework.Confirm || action == casework.Propose && (in.Opinion == "approve" || a.Purpose == casework.PurposeReview) {
			engine = s.engine(r, &a, env)
		}
		return casework.Apply(a, action, in, env, engine)
	})
}

// engine runs the program's calculator for the application's household.
func (s *Server) engine(r *http.Request, a *casework.Application, env *casework.Env) *casework.Engine {
	scope := registry.Scope{Region: a.County}
	snap, err := s.Registry.HouseholdAt(r.Context(), scope, a.HouseholdID, env.Today)
	if err != nil {
		if apperr.As(err) == nil {
			// Not the user's to read: logged, and a plain reason shown.
			s.Log.ErrorContext(r.Context(), "reading the household for the rules engine", "err", err, "application", a.ID)
			err = apperr.Errorf(apperr.Unavailable, "the household's registry data could not be read")
		}
		return &casework.Engine{Err: err}
	}
	var current *casework.Enrollment
	if a.Purpose == casework.PurposeReview {
		if current, err = s.Enrollments.Enrollment(r.Context(), scope, a.EnrollmentID); err != nil {
			return &casework.Engine{Err: err}
		}
	}
	return casework.Assess(a, snap, current, env)
}

func (s *Server) apiAct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in casework.Input
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.act(r, id, casework.Action(r.PathValue("action")), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.applicationView(r, c.App.ID)
	s.answer(w, r, http.StatusOK, v, err)
}

func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := casework.Filter{Region: q.Get("region"), Program: policy.Program(q.Get("program")), State: casework.State(q.Get("state")), Open: q.Get("open") == "1"}
	var l apperr.List
	for name, dst := range map[string]*int64{"household_id": &f.HouseholdID, "before": &f.Before} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				l.Addf(name, "%q is not a number", v)
			}
			*dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			l.Addf("limit", "%q is not a positive number", v)
		}
		f.Limit = n
	}
	if err := l.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.Cases.Applications(r.Context(), scopeOf(r), f)
	if list == nil {
		list = []casework.Summary{}
	}
	s.answer(w, r, http.StatusOK, list, err)
}

// inboxItem is an inbox row with its urgency in working days.
type inboxItem struct {
	casework.InboxItem
	// WorkdaysLeft: working days to the due date; negative when overdue.
	WorkdaysLeft *int `json:"workdays_left,omitempty"`
	Overdue      bool `json:"overdue"`
}

func (s *Server) inbox(r *http.Request, afterDue civil.Date, afterID int64) ([]inboxItem, error) {
	p := principalOf(r)
	items, err := s.Cases.Inbox(r.Context(), casework.InboxQuery{Role: string(p.Role), Region: p.Region, AfterDue: afterDue, AfterID: afterID})
	if err != nil {
		return nil, err
	}
	env, err := s.caseEnv(r)
	if err != nil {
		return nil, err
	}
	out := make([]inboxItem, len(items))
	for i, it := range items {
		out[i].InboxItem = it
		if !it.Due.IsZero() {
			n := workdaysLeft(env, it.Due)
			out[i].WorkdaysLeft, out[i].Overdue = &n, it.Due.Before(env.Today)
		}
	}
	return out, nil
}

func (s *Server) apiInbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var afterDue civil.Date
	var afterID int64
	if v := q.Get("after_due"); v != "" {
		d, err := civil.ParseDate(v)
		if err != nil {
			s.writeError(w, r, apperr.Fieldf("after_due", "%q is not a date (YYYY-MM-DD)", v))
			return
		}
		afterDue = d
	}
	if v := q.Get("after_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.writeError(w, r, apperr.Fieldf("after_id", "%q is not a number", v))
			return
		}
		afterID = n
	}
	items, err := s.inbox(r, afterDue, afterID)
	s.answer(w, r, http.StatusOK, items, err)
}
