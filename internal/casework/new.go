package casework

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// File is the action that creates an application (its first event).
const File Action = "file"

// New checks an application being filed and returns it as a change: state
// Submitted, filed today by env's actor, with the township's acceptance
// task. The caller fills in what it knows from the registry: the
// household's Region and County, and Minor (the applicant's age).
//
// Errors: Invalid, naming each field at fault; Forbidden for a role that
// does not take applications.
func New(a Application, env *Env) (*Change, error) {
	actor := env.Actor
	if !actor.Citizen() && !slices.Contains([]auth.Role{auth.VillageAssistant, auth.TownshipCaseworker, auth.CountyApprover}, actor.Role) {
		return nil, apperr.Errorf(apperr.Forbidden, "the role %s does not take applications", actor.Role)
	}
	var l apperr.List
	f, ok := FlowOf(a.Program)
	if !ok {
		l.Addf("program", "%q is not a program one applies for", a.Program)
	} else if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, a.Kind) {
		l.Addf("kind", "choose the type: %s", strings.Join(f.Kinds, ", "))
	} else if len(f.Kinds) == 0 && a.Kind != "" {
		l.Addf("kind", "%s has no types", a.Program)
	}
	if a.HouseholdID <= 0 {
		l.Addf("household_id", "choose the household")
	}
	if a.ApplicantID <= 0 {
		l.Addf("applicant_id", "choose the applicant among the household's members")
	}
	if actor.Citizen() {
		a.Channel = Online
	}
	if !slices.Contains(Channels, a.Channel) {
		l.Addf("channel", "the channel must be one of counter, residence, entrusted, online")
	}
	if a.Channel == Online && !actor.Citizen() {
		l.Addf("channel", "staff file applications at the counter, at the residence or on someone's behalf; online is the applicant's own")
	}
	if a.Channel == Entrusted {
		if a.Entrustment == nil || strings.TrimSpace(a.Entrustment.AgentName) == "" {
			l.Addf("entrustment.agent_name", "an application on someone's behalf names the agent (DB57 Art. 6)")
		}
		if a.Entrustment == nil || strings.TrimSpace(a.Entrustment.AgentRelation) == "" {
			l.Addf("entrustment.agent_relation", "say who the agent is to the household (village committee, relative ...)")
		}
	} else {
		a.Entrustment = nil
	}
	if n := a.NearRelative; n != nil {
		if strings.TrimSpace(n.StaffName) == "" {
			l.Addf("near_relative.staff_name", "name the staff member or committee member")
		}
		if strings.TrimSpace(n.Relation) == "" {
			l.Addf("near_relative.relation", "say how they are related")
		}
		if strings.TrimSpace(n.StaffRole) == "" {
			l.Addf("near_relative.staff_role", "say what post they hold")
		}
	}
	for i, m := range a.Materials {
		if !slices.Contains(policy.Materials, m) {
			l.Addf("materials["+strconv.Itoa(i)+"]", "%q is not a known material", m)
		}
	}
	if utf8.RuneCountInString(a.Reason) > MaxText {
		l.Addf("reason", "the text is longer than %d characters", MaxText)
	}
	if a.Region == "" || len(a.County) != 6 || !strings.HasPrefix(a.Region, a.County) {
		l.Addf("household_id", "the household has no region to handle the application in")
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	a.FiledIn = township(a.Region)
	if !actor.Citizen() && !region.Within(a.Region, actor.Region) {
		// Taken by an office outside the household's region: handed over
		// to the responsible one (cross-region handling); FiledIn keeps
		// where it was taken, and both see it.
		a.FiledIn = actor.Region
	}
	a.Materials = union(nil, a.Materials)
	a.State, a.FiledOn, a.EnteredOn = Submitted, env.Today, env.Today
	a.CreatedBy, a.CreatedAt, a.UpdatedAt, a.Version = actor.Username, env.Now, env.Now, 1
	tasks, err := openTasks(&a, f, env)
	if err != nil {
		return nil, err
	}
	return &Change{
		App:   a,
		Event: Event{Action: File, To: Submitted, By: actor.Username, ByUserID: actor.UserID, At: env.Now},
		Tasks: tasks,
	}, nil
}
