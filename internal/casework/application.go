package casework

import (
	"encoding/json"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// Channel is how an application reached the office.
type Channel string

const (
	Counter   Channel = "counter"   // in person at the township where the hukou is (DB57 Art. 4)
	Residence Channel = "residence" // at the place of residence, with a residence permit (Art. 5)
	Entrusted Channel = "entrusted" // by a committee or another person for the household (Art. 6)
	Online    Channel = "online"    // by the applicant on the citizen portal (Art. 4)
)

// Channels lists every channel.
var Channels = []Channel{Counter, Residence, Entrusted, Online}

// Entrustment is the 委托手续 of an application made on someone's behalf.
type Entrustment struct {
	AgentName string `json:"agent_name"`
	// AgentRelation: a village committee, a relative, a neighbour ...
	AgentRelation string `json:"agent_relation"`
	Reason        string `json:"reason,omitempty"`
}

// NearRelative is the applicant's declaration (如实申明) that a member is a
// near relative of assistance staff or of a village or residents'
// committee member (DB57; policy reference §10). Such a case is registered
// separately, needs a county home visit, and the staff member is recused.
type NearRelative struct {
	StaffName string `json:"staff_name"`
	// StaffUserID is the staff member's user, when they have one: the
	// system blocks them from acting on the case.
	StaffUserID int64  `json:"staff_user_id,omitempty"`
	StaffRole   string `json:"staff_role"` // township staff, village committee member, ...
	Relation    string `json:"relation"`   // spouse, parent, sibling, child ...
	MemberName  string `json:"member_name,omitempty"`
}

// Application is one household's request for one program.
type Application struct {
	ID      int64          `json:"id"`
	Program policy.Program `json:"program"`
	// Kind: Linshi "urgent" or "expenditure"; disability subsidies "living"
	// or "care"; empty for the other programs.
	Kind        string `json:"kind,omitempty"`
	HouseholdID int64  `json:"household_id"`
	// ApplicantID is the person who applies (a co-residing member, Art. 4).
	ApplicantID int64 `json:"applicant_id"`
	// Region is where the application is handled: the township (9 digits)
	// or village of the household. County is its first 6 digits, the
	// partition key.
	Region string `json:"region"`
	County string `json:"county_code"`
	// FiledIn is the region of the office that took the application; when
	// it lies outside Region's county the case was handed over (跨区域).
	FiledIn     string       `json:"filed_in"`
	Channel     Channel      `json:"channel"`
	Entrustment *Entrustment `json:"entrustment,omitempty"`
	// NearRelative is set when the applicant declared one.
	NearRelative *NearRelative `json:"near_relative,omitempty"`
	// Minor: the applicant is under 18, so the case is never publicised.
	Minor bool `json:"minor"`
	// Materials are the codes of the documents received (policy.Materials).
	Materials []string `json:"materials"`
	// Reason is the applicant's own account of the difficulty (for a
	// review: what was reported or found).
	Reason string `json:"reason,omitempty"`
	// Purpose is "" for an application, PurposeReview for a review of
	// EnrollmentID opened by Trigger; Outcome is the review's proposed
	// outcome.
	Purpose      string `json:"purpose,omitempty"`
	EnrollmentID int64  `json:"enrollment_id,omitempty"`
	Trigger      string `json:"trigger,omitempty"`
	Outcome      string `json:"outcome,omitempty"`

	State State `json:"state"`
	// EnteredOn is the day the application reached its state: the step's
	// working days count from it.
	EnteredOn civil.Date `json:"entered_on"`
	// FiledOn is the day it was filed; AcceptedOn starts the overall limit.
	FiledOn    civil.Date `json:"filed_on"`
	AcceptedOn civil.Date `json:"accepted_on,omitzero"`
	// Due is the overall limit; DueProvisional says a year on the way had
	// no holiday notice entered, so weekends alone were counted.
	Due            civil.Date `json:"due,omitzero"`
	DueProvisional bool       `json:"due_provisional,omitempty"`
	ExtendedReason string     `json:"extended_reason,omitempty"`
	// Notice: the current public notice's first and last day.
	NoticeFrom civil.Date `json:"notice_from,omitzero"`
	NoticeTo   civil.Date `json:"notice_to,omitzero"`
	// Notices counts the notices posted (a new one after each objection).
	Notices int `json:"notices,omitempty"`
	// Opinion is the township's latest opinion: "approve" or "reject".
	Opinion string `json:"opinion,omitempty"`
	// Proposed is the amount the township proposes with an approval (the
	// rules engine's, or its own with a reason): the public notice shows
	// it.
	Proposed money.Fen `json:"proposed,omitempty"`
	// Visited: the township recorded a home investigation.
	Visited bool `json:"visited,omitempty"`
	// CountyVisited: a county officer recorded a home visit (mandatory for
	// near-relative cases and cases with objections or complaints).
	CountyVisited bool `json:"county_visited,omitempty"`
	// Objected: an objection was raised during a notice.
	Objected bool `json:"objected,omitempty"`
	// AssistPaid is what was paid first, before the paperwork (Linshi).
	AssistPaid money.Fen `json:"assist_paid,omitempty"`
	// RejectionDelivered: the written rejection reached the applicant.
	RejectionDelivered civil.Date `json:"rejection_delivered,omitzero"`

	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version guards against two people changing it at once.
	Version int `json:"version"`
}

// CountyVisitRequired reports whether the county must visit the home before
// it confirms (DB57: separately registered near-relative cases, and cases
// with complaints or reports).
func (a *Application) CountyVisitRequired() bool { return a.NearRelative != nil || a.Objected }

// Event is one action taken on an application, kept for ever.
type Event struct {
	ID            int64           `json:"id"`
	ApplicationID int64           `json:"application_id"`
	Action        Action          `json:"action"`
	From          State           `json:"from"`
	To            State           `json:"to"`
	By            string          `json:"by"`
	ByUserID      int64           `json:"by_user_id"`
	At            time.Time       `json:"at"`
	Data          json.RawMessage `json:"data,omitempty"`
}

// Decision is the outcome of confirmation or rejection, stored with the
// rules engine's explanation so that it can be shown and printed later.
type Decision struct {
	ID            int64          `json:"id"`
	ApplicationID int64          `json:"application_id"`
	HouseholdID   int64          `json:"household_id"`
	Program       policy.Program `json:"program"`
	Kind          string         `json:"kind,omitempty"`
	County        string         `json:"county_code"`
	Approved      bool           `json:"approved"`
	// Amount is per month (a one-off payment for Linshi).
	Amount money.Fen `json:"amount"`
	// StartMonth is the first month paid; EndMonth is set for a one-off.
	StartMonth civil.Month `json:"start_month,omitzero"`
	EndMonth   civil.Month `json:"end_month,omitzero"`
	// Outcome and EnrollmentID: a review's outcome for the enrollment it
	// reviewed.
	Outcome      string `json:"outcome,omitempty"`
	EnrollmentID int64  `json:"enrollment_id,omitempty"`
	// NextReview is when the enrollment is next re-checked.
	NextReview civil.Date `json:"next_review,omitzero"`
	// Verdict is the rules engine's verdict on the household.
	Verdict string `json:"verdict,omitempty"`
	// Explanation is the rules engine's result (policy.Result) as JSON.
	Explanation json.RawMessage `json:"explanation,omitempty"`
	// Reasons: why it was rejected, or why the approver departed from the
	// rules engine's verdict or amount.
	Reasons   string     `json:"reasons,omitempty"`
	DecidedBy string     `json:"decided_by"`
	DecidedOn civil.Date `json:"decided_on"`
}
