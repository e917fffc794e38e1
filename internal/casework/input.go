package casework

import (
	"encoding/json"

	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// Input is what a person gives with an action; each action reads the fields
// it needs and checks them.
type Input struct {
	// Version is the application version the person saw: the store refuses
	// the action if it has changed since (someone else acted first).
	Version int `json:"version"`
	// Reason: why materials are requested, why the limit is extended, why
	// the application is withdrawn, the rejection's reasons, or the
	// township's reasons for its opinion.
	Reason string `json:"reason,omitempty"`
	// Missing names further missing items beyond the required materials
	// (request_materials: the one notice lists them all).
	Missing []string `json:"missing,omitempty"`
	// Materials are the codes of documents received (accept, resubmit,
	// add_materials).
	Materials []string `json:"materials,omitempty"`
	// Attachment is the uploaded file an add_materials records (its id).
	Attachment int64 `json:"attachment,omitempty"`
	// Visit records a home investigation (record_visit).
	Visit *Visit `json:"visit,omitempty"`
	// Appraisal records a democratic appraisal (record_appraisal).
	Appraisal *Appraisal `json:"appraisal,omitempty"`
	// Opinion is the township's: "approve" or "reject" (propose).
	Opinion string `json:"opinion,omitempty"`
	// Outcome is a review's proposed outcome (propose on a review).
	Outcome string `json:"outcome,omitempty"`
	// Objection is the objection raised during a notice (object).
	Objection *Objection `json:"objection,omitempty"`
	// Amount: what was paid first (assist_first), or the amount decided
	// (confirm).
	Amount *money.Fen `json:"amount,omitempty"`
	// Date: the day a rejection notice was delivered, a notice posted, ...
	Date civil.Date `json:"date,omitzero"`
	// Note is free text kept with the event.
	Note string `json:"note,omitempty"`
}

// Visit modes: in person, or remote (policy: home investigation may be
// remote by phone or video where a visit is impossible).
var VisitModes = []string{"in_person", "phone", "video"}

// Visit is a home investigation's record.
type Visit struct {
	Date     civil.Date `json:"date"`
	Mode     string     `json:"mode"`
	Visitors string     `json:"visitors"`
	Findings string     `json:"findings"`
	// Photos are attachment ids.
	Photos []int64 `json:"photos,omitempty"`
	// County: the visit was made by the county (set from the actor's role).
	County bool `json:"county,omitempty"`
}

// Appraisal is a democratic appraisal's record (民主评议).
type Appraisal struct {
	Date         civil.Date `json:"date"`
	Participants int        `json:"participants"`
	Agree        int        `json:"agree"`
	Disagree     int        `json:"disagree"`
	Summary      string     `json:"summary"`
}

// Objection is a complaint raised against a public notice.
type Objection struct {
	Date    civil.Date `json:"date"`
	From    string     `json:"from,omitempty"` // may be anonymous
	Content string     `json:"content"`
}

// Engine is the rules engine's result for a confirmation, computed by the
// caller (policy.Calculate on the household for the start month).
type Engine struct {
	Verdict     string          // policy.Verdict
	Amount      money.Fen       // per month, or the one-off amount
	Explanation json.RawMessage // policy.Result as JSON
	Err         error           // the engine could not decide (a parameter missing ...)
	// ReviewMonths is the household's re-check cycle (ReviewMonths): an
	// approval schedules the first review that many months after the
	// first month paid. 0: none scheduled.
	ReviewMonths int
}
