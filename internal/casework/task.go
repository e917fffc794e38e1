package casework

import (
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

// Task is a piece of work in someone's inbox: one step of one application,
// for a role in a region, with its due date. Overdue tasks escalate daily to
// the level above (Level counts the escalations).
type Task struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Step          string    `json:"step"` // the state, or "county_visit" / "deliver_rejection"
	Role          auth.Role `json:"role"`
	// Region is where the responsible office sits: a township for township
	// work, a county for the county's.
	Region      string     `json:"region"`
	County      string     `json:"county_code"`
	Due         civil.Date `json:"due,omitzero"`
	Provisional bool       `json:"provisional,omitempty"`
	Level       int        `json:"level"`
	CreatedAt   time.Time  `json:"created_at"`
	DoneAt      time.Time  `json:"done_at,omitzero"`
	DoneBy      string     `json:"done_by,omitempty"`
}

// Task steps beside the states.
const (
	StepCountyVisit      = "county_visit"
	StepDeliverRejection = "deliver_rejection"
)

// Overdue reports whether the task is open past its due date.
func (t *Task) Overdue(today civil.Date) bool {
	return t.DoneAt.IsZero() && !t.Due.IsZero() && t.Due.Before(today)
}

// township is the township of a region code (the region itself when it is
// a county or coarser).
func township(code string) string {
	if len(code) > 9 {
		return code[:9]
	}
	return code
}

// confirmer is the role that confirms in the application's county: the
// county approver, or the township where the county delegates (DB57).
func confirmer(a *Application, env *Env) (auth.Role, string) {
	if env.bool("workflow.county_delegates_confirmation", a.County) {
		return auth.TownshipCaseworker, township(a.Region)
	}
	return auth.CountyApprover, a.County
}

// openTasks returns the tasks the application's state puts in inboxes.
func openTasks(a *Application, f *Flow, env *Env) ([]Task, error) {
	since := a.EnteredOn
	tw := township(a.Region)
	task := func(step string, role auth.Role, region string, due civil.Date, prov bool) Task {
		if due.IsZero() {
			due, prov = a.Due, a.DueProvisional
		}
		return Task{ApplicationID: a.ID, Step: step, Role: role, Region: region, County: a.County, Due: due, Provisional: prov, CreatedAt: env.Now}
	}
	var out []Task
	var due civil.Date
	var prov bool
	var err error
	switch a.State {
	case Submitted:
		due, prov, err = env.workdays("workflow.accept_wd", a.County, a.FiledOn)
		out = append(out, task(string(a.State), auth.TownshipCaseworker, tw, due, prov))
	case Investigating:
		due, prov, err = env.workdays(f.InvestigationKey, a.County, a.AcceptedOn)
		out = append(out, task(string(a.State), auth.TownshipCaseworker, tw, due, prov))
	case ObjectionReview:
		// Re-investigation: Tekun within 15 wd again (§2.4 step 3).
		due, prov, err = env.workdays(f.InvestigationKey, a.County, since)
		out = append(out, task(string(a.State), auth.TownshipCaseworker, tw, due, prov))
	case TownshipReview:
		due, prov, err = env.workdays(f.ReviewKey, a.County, since)
		out = append(out, task(string(a.State), auth.TownshipCaseworker, tw, due, prov))
	case Notice:
		// The notice ends the day after its last day: then the township
		// records that no objection came.
		out = append(out, task(string(a.State), auth.TownshipCaseworker, tw, a.NoticeTo.AddDays(1), false))
	case Federation:
		out = append(out, task(string(a.State), auth.CountyApprover, a.County, civil.Date{}, false))
	case CountyReview:
		due, prov, err = env.workdays(f.ConfirmKey, a.County, since)
		role, region := confirmer(a, env)
		out = append(out, task(string(a.State), role, region, due, prov))
	case Rejected:
		// A review the county does not confirm changes nothing: no letter.
		if a.RejectionDelivered.IsZero() && a.Purpose != PurposeReview {
			due, prov, err = env.workdays(f.RejectNoticeKey, a.County, since)
			t := task(StepDeliverRejection, auth.TownshipCaseworker, tw, due, prov)
			if due.IsZero() {
				t.Due, t.Provisional = civil.Date{}, false // the overall limit no longer applies
			}
			out = append(out, t)
		}
	}
	if err != nil {
		return nil, err
	}
	if !a.State.Final() && a.State != Submitted && a.State != Incomplete && a.CountyVisitRequired() && !a.CountyVisited {
		out = append(out, task(StepCountyVisit, auth.CountyApprover, a.County, civil.Date{}, false))
	}
	return out, nil
}

// NextLevel returns who holds an overdue task after one more day's
// escalation: a township's work goes to the county approver, a county's to
// the city's supervisor, a city's to the province's. ok is false at the
// province.
func NextLevel(role auth.Role, region string) (auth.Role, string, bool) {
	switch {
	case len(region) > 6:
		return auth.CountyApprover, region[:6], true
	case len(region) == 6:
		return auth.Supervisor, region[:4], true
	case len(region) == 4:
		return auth.Supervisor, region[:2], true
	}
	return "", "", false
}
