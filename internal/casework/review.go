package casework

import (
	"encoding/json"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// A review (复核) re-checks an enrollment: on schedule (yearly, or every 6
// months where income is unstable and members can work: DB57, policy
// reference §1.9), after a change report (a birth, a death, an income
// change), or after a member refused suitable work three times in a row
// (SAIM Art. 45). It is an Application with Purpose "review": it starts
// under investigation, the township proposes an outcome with the rules
// engine's amount, and the county confirms it, so it has the same tasks,
// deadlines, escalation and audit as an application. Changes take effect
// from the next month, with written reasons for a decrease, a suspension
// or an end.
const PurposeReview = "review"

// Review triggers.
const (
	TriggerScheduled    = "scheduled"     // 定期复核
	TriggerChangeReport = "change_report" // 家庭情况变化报告
	TriggerRefusals     = "refusals"      // 连续拒绝就业
	TriggerVerification = "verification"  // 经济状况核对发现（verify.OpenReviews）
	TriggerWarning      = "warning"       // 动态监测预警（monitor: a warning's outcome）
	TriggerOther        = "other"         // 其他（投诉举报等）
)

// Triggers lists the review triggers.
var Triggers = []string{TriggerScheduled, TriggerChangeReport, TriggerRefusals, TriggerVerification, TriggerWarning, TriggerOther}

// Outcomes of a review.
const (
	Unchanged   = "unchanged"    // 维持
	Adjust      = "adjust"       // 调整金额（增发或减发）
	GradualExit = "gradual_exit" // 渐退
	Suspend     = "suspend"      // 暂停
	Resume      = "resume"       // 恢复
	End         = "end"          // 停发（终止）
)

// Outcomes lists the outcomes of a review.
var Outcomes = []string{Unchanged, Adjust, GradualExit, Suspend, Resume, End}

// Enrollment is a household's benefit under a program, from a decision.
// Amounts are never overwritten: an adjustment ends this record and starts
// another from the next month (DESIGN.md §4).
type Enrollment struct {
	ID          int64          `json:"id"`
	HouseholdID int64          `json:"household_id"`
	County      string         `json:"county_code"`
	Region      string         `json:"region"`
	Program     policy.Program `json:"program"`
	Kind        string         `json:"kind,omitempty"`
	DecisionID  int64          `json:"decision_id"`
	Amount      money.Fen      `json:"amount"`
	StartMonth  civil.Month    `json:"start_month"`
	// EndMonth is the last month paid; zero while open.
	EndMonth civil.Month `json:"end_month,omitzero"`
	// Status: active, suspended, ended, or superseded (by a later record).
	Status string `json:"status"`
	// ExitStart is the first month of a gradual exit.
	ExitStart civil.Month `json:"exit_start,omitzero"`
	// NextReview is when the next scheduled re-check is due.
	NextReview civil.Date `json:"next_review,omitzero"`
	// Refusals counts each member's consecutive refusals of suitable work
	// offers, by person id.
	Refusals map[int64]int `json:"refusals,omitempty"`
	Version  int           `json:"version"`
}

// Enrollment statuses.
const (
	Active     = "active"
	Suspended  = "suspended"
	Ended      = "ended"
	Superseded = "superseded"
)

// ReviewMonths is the re-check cycle of a household: every
// workflow.review.unstable_months where income is unstable and a member can
// work, every workflow.review.stable_months otherwise (DB57, §1.9). A member
// counts as able to work with full or partial capacity, and the income as
// unstable when such a member works flexibly, farms, is self-employed or
// is unemployed.
func ReviewMonths(h *registry.Household, county string, env *Env) (int, error) {
	key := "workflow.review.stable_months"
	for _, m := range h.Members {
		p := m.Person
		able := p.LabourCapacity == registry.LabourFull || p.LabourCapacity == registry.LabourPartial
		unstable := slices.Contains([]registry.EmploymentStatus{registry.Flexible, registry.Farming, registry.SelfEmployed, registry.Unemployed}, p.EmploymentStatus)
		if able && unstable {
			key = "workflow.review.unstable_months"
			break
		}
	}
	n, _, err := env.count(key, county)
	return n, err
}

// NewReview opens a review of e by env's actor (or by the system, for a
// scheduled one). applicant is a current member of the household who
// answers for it. note says what was reported or found.
func NewReview(e Enrollment, applicant int64, trigger, note string, env *Env) (*Change, error) {
	if actor := env.Actor; actor.Username != System {
		if !MayReview(actor) {
			return nil, apperr.Errorf(apperr.Forbidden, "the role %s does not open reviews", actor.Role)
		}
		if !region.Within(e.Region, actor.Region) {
			return nil, apperr.Errorf(apperr.NotFound, "no enrollment %d", e.ID)
		}
	}
	var l apperr.List
	if !slices.Contains(Triggers, trigger) {
		l.Addf("trigger", "the trigger must be one of %s", strings.Join(Triggers, ", "))
	}
	if e.Status == Ended || e.Status == Superseded {
		l.Addf("enrollment_id", "enrollment %d has ended: there is nothing to review", e.ID)
	}
	if trigger != TriggerScheduled && strings.TrimSpace(note) == "" {
		l.Addf("note", "say what was reported or found")
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	f, ok := FlowOf(e.Program)
	if !ok || f.OneOff {
		return nil, apperr.Errorf(apperr.Invalid, "%s payments are one-off: they are not reviewed", e.Program)
	}
	a := Application{Program: e.Program, Kind: e.Kind, HouseholdID: e.HouseholdID, ApplicantID: applicant,
		Region: e.Region, County: e.County, FiledIn: township(e.Region), Channel: Counter,
		Purpose: PurposeReview, EnrollmentID: e.ID, Trigger: trigger, Reason: strings.TrimSpace(note)}
	a.State, a.FiledOn, a.EnteredOn, a.AcceptedOn = Investigating, env.Today, env.Today, env.Today
	a.CreatedBy, a.CreatedAt, a.UpdatedAt, a.Version = env.Actor.Username, env.Now, env.Now, 1
	due, prov, err := env.workdays(f.TotalKey, a.County, a.AcceptedOn)
	if err != nil {
		return nil, err
	}
	a.Due, a.DueProvisional = due, prov
	tasks, err := openTasks(&a, f, env)
	if err != nil {
		return nil, err
	}
	return &Change{App: a, Event: Event{Action: OpenReview, To: Investigating, By: env.Actor.Username, ByUserID: env.Actor.UserID, At: env.Now},
		Tasks: tasks}, nil
}

// MayReview reports whether the actor's role opens reviews and records
// changes: village assistants (who hear of them first), township
// caseworkers and county approvers.
func MayReview(a Actor) bool {
	return !a.Citizen() && slices.Contains([]auth.Role{auth.VillageAssistant, auth.TownshipCaseworker, auth.CountyApprover}, a.Role)
}

// System is the actor's name for work the server does by itself, such as
// opening the scheduled reviews.
const System = "system"

// OpenReview is the event that opens a review.
const OpenReview Action = "open_review"

// proposeReview records the township's proposed outcome of a review and
// sends it to the county (a review has no public notice).
func proposeReview(a *Application, in Input, engine *Engine) error {
	if !slices.Contains(Outcomes, in.Outcome) {
		return apperr.Fieldf("outcome", "the outcome must be one of %s", strings.Join(Outcomes, ", "))
	}
	a.Outcome, a.Proposed = in.Outcome, 0
	switch in.Outcome {
	case Adjust, GradualExit:
		switch {
		case in.Amount != nil:
			if *in.Amount <= 0 || *in.Amount > policy.MaxAmount {
				return apperr.Fieldf("amount", "the amount must be above 0 and at most %s", policy.MaxAmount)
			}
			if (engine == nil || engine.Err != nil || engine.Amount != *in.Amount) && strings.TrimSpace(in.Reason) == "" {
				return apperr.Fieldf("reason", "give the reason for an amount other than the rules engine's")
			}
			a.Proposed = *in.Amount
		case engine != nil && engine.Err == nil && engine.Amount > 0:
			a.Proposed = engine.Amount
		default:
			return apperr.Fieldf("amount", "the rules engine gives no amount: enter the new amount and the reason")
		}
	}
	if in.Outcome != Unchanged && in.Outcome != Resume && strings.TrimSpace(in.Reason) == "" {
		return apperr.Fieldf("reason", "a change to a benefit needs its reasons in writing")
	}
	a.Opinion = "approve"
	a.State = CountyReview
	return nil
}

// confirmReview confirms the proposed outcome; the store applies it to the
// enrollment from the month after.
func confirmReview(a *Application, in Input, env *Env, engine *Engine) (*Decision, error) {
	if a.CountyVisitRequired() && !a.CountyVisited {
		return nil, apperr.Errorf(apperr.Conflict, "this case needs a county home visit in person before confirmation (near-relative declaration or objection)")
	}
	d := &Decision{Approved: true, Outcome: a.Outcome, Amount: a.Proposed, EnrollmentID: a.EnrollmentID,
		StartMonth: StartMonth(a, env), Reasons: strings.TrimSpace(in.Reason)}
	if engine != nil {
		d.Verdict, d.Explanation = engine.Verdict, engine.Explanation
	}
	a.State = Approved
	return d, nil
}

// Refusal records that a member refused (or, refused false, accepted or
// was not offered) suitable work. It returns the member's consecutive
// refusals and whether they reached workflow.refusals_to_stop, at which the
// member's own benefit is to be reduced or stopped (SAIM Art. 45): a review
// with TriggerRefusals.
func (e *Enrollment) Refusal(person int64, refused bool, env *Env) (count int, reached bool, err error) {
	threshold, _, err := env.count("workflow.refusals_to_stop", e.County)
	if err != nil {
		return 0, false, err
	}
	if e.Refusals == nil {
		e.Refusals = map[int64]int{}
	}
	if !refused {
		delete(e.Refusals, person)
		return 0, false, nil
	}
	e.Refusals[person]++
	count = e.Refusals[person]
	return count, threshold > 0 && count >= threshold, nil
}

// Assess runs the rules engine for a's program on the household as snap
// shows it, for the first month an approval on env.Today would pay. For a
// review, current is the enrollment reviewed: the engine then knows its
// amount and any gradual exit under way. The household's re-check cycle is
// set even when the calculation fails (a parameter missing), so that an
// approval with the caseworker's own amount is still re-checked on time.
func Assess(a *Application, snap *registry.Snapshot, current *Enrollment, env *Env) *Engine {
	out := &Engine{}
	months, err := ReviewMonths(&snap.Household, a.County, env)
	if err != nil {
		out.Err = err
		return out
	}
	out.ReviewMonths = months
	month := StartMonth(a, env)
	h := policy.FromSnapshot(snap, month)
	if current != nil {
		h.Current = &policy.Current{Amount: policy.Yuan(current.Amount), ExitStart: current.ExitStart}
	}
	res, err := policy.Calculate(env.Params, a.Program, h, month)
	if err != nil {
		out.Err = err
		return out
	}
	exp, err := json.Marshal(res)
	if err != nil {
		out.Err = err
		return out
	}
	out.Verdict, out.Amount, out.Explanation = string(res.Verdict), money.Fen(res.Amount), exp
	return out
}
