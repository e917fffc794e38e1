package casework

import (
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// Calendar counts working days (internal/calendar implements it).
type Calendar interface {
	// AddWorkdays returns the n-th working day after from; provisional
	// says a year on the way has no holiday notice entered.
	AddWorkdays(from civil.Date, n int) (due civil.Date, provisional bool)
}

// Actor is who takes an action: a member of staff, or the applicant on the
// citizen portal.
type Actor struct {
	UserID   int64
	Username string
	Role     auth.Role
	// Region is the staff member's jurisdiction.
	Region string
	// PersonID is set for an applicant signed in on the portal (Role is
	// then empty).
	PersonID int64
}

// Citizen reports whether the actor is an applicant rather than staff.
func (a Actor) Citizen() bool { return a.PersonID != 0 && a.Role == "" }

// Env is what an action needs besides the application: the day, the
// actor, the working-day calendar and the parameters in force.
type Env struct {
	Today    civil.Date
	Now      time.Time
	Actor    Actor
	Calendar Calendar
	Params   *policy.Set
}

// count returns a count parameter in force for the application's county
// today. A missing required parameter is a NotSet error naming key, region
// and date; a missing optional one returns ok false.
func (e *Env) count(key, county string) (n int, ok bool, err error) {
	if key == "" {
		return 0, false, nil
	}
	p, found := e.Params.Resolve(key, county, e.Today)
	if !found {
		if d, known := policy.Lookup(key); known && d.Required {
			return 0, false, policy.NotSet(key, county, e.Today)
		}
		return 0, false, nil
	}
	return p.Value.Count, true, nil
}

// workdays returns the date n working days (the parameter key) after from,
// or a zero date when the region sets no such limit.
func (e *Env) workdays(key, county string, from civil.Date) (due civil.Date, provisional bool, err error) {
	n, ok, err := e.count(key, county)
	if err != nil || !ok {
		return civil.Date{}, false, err
	}
	due, provisional = e.Calendar.AddWorkdays(from, n)
	return due, provisional, nil
}

// bool returns a boolean parameter (false when not set).
func (e *Env) bool(key, county string) bool {
	p, ok := e.Params.Resolve(key, county, e.Today)
	return ok && p.Value.Bool
}
