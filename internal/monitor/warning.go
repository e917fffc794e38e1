package monitor

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// A warning (预警) is one rule's hit on one person: "cross-department
// big-data matching to generate risk early warnings; grassroots
// door-to-door visits to find and verify cases" (policy reference §7).
// Each is the township's task: visit the household, then settle the
// warning with an outcome. An open warning past its due day escalates a
// level a day, like a workflow task (casework.NextLevel).

// WarningStatus is where a warning stands.
type WarningStatus string

const (
	WarningOpen    WarningStatus = "open"    // 待核实
	WarningVisited WarningStatus = "visited" // 已入户核实，待处置
	WarningClosed  WarningStatus = "closed"  // 已办结
)

// WarningStatuses lists every WarningStatus.
var WarningStatuses = []WarningStatus{WarningOpen, WarningVisited, WarningClosed}

// Outcome is how a warning was settled (issue 6, item 4).
type Outcome string

const (
	OutcomeApplication Outcome = "application_started" // 已受理救助申请
	OutcomeReview      Outcome = "review_started"      // 已启动待遇复核
	OutcomeReferral    Outcome = "referral_made"       // 已转介
	OutcomeNoNeed      Outcome = "no_need"             // 经核实无需救助
	OutcomeUnreachable Outcome = "unreachable"         // 无法联系
)

// Outcomes lists every Outcome.
var Outcomes = []Outcome{OutcomeApplication, OutcomeReview, OutcomeReferral, OutcomeNoNeed, OutcomeUnreachable}

// Warning is a warning and its task.
type Warning struct {
	ID          int64          `json:"id"`
	County      string         `json:"county_code"`
	Region      string         `json:"region_code"` // the household's
	RunID       int64          `json:"run_id"`
	RuleID      int64          `json:"rule_id"`
	RuleCode    string         `json:"rule_code"`
	HouseholdID int64          `json:"household_id"`
	PersonID    int64          `json:"person_id"`
	Severity    Severity       `json:"severity"`
	Side        Side           `json:"side"`
	Program     policy.Program `json:"program,omitempty"`
	Action      string         `json:"action"`
	// Facts are what the rule saw about the person and household.
	Facts    json.RawMessage `json:"facts"`
	RaisedOn civil.Date      `json:"raised_on"`
	Status   WarningStatus   `json:"status"`
	// Role and TaskRegion are who must handle it: the household's township.
	Role       auth.Role  `json:"role"`
	TaskRegion string     `json:"task_region"`
	Due        civil.Date `json:"due"`
	// Level counts escalations; EscalatedRole and EscalatedTo say who
	// holds an escalated warning now.
	Level         int       `json:"level"`
	EscalatedRole auth.Role `json:"escalated_role,omitempty"`
	EscalatedTo   string    `json:"escalated_to,omitempty"`
	Visit         *Visit    `json:"visit,omitempty"`
	Outcome       Outcome   `json:"outcome,omitempty"`
	OutcomeNote   string    `json:"outcome_note,omitempty"`
	// ApplicationID is the application or review the outcome started;
	// ReferralID the referral made.
	ApplicationID int64      `json:"application_id,omitempty"`
	ReferralID    int64      `json:"referral_id,omitempty"`
	ClosedOn      civil.Date `json:"closed_on,omitzero"`
	ClosedBy      string     `json:"closed_by,omitempty"`
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`

	// Read with the warning for lists.
	RuleZH          string `json:"rule_zh,omitempty"`
	RuleEN          string `json:"rule_en,omitempty"`
	HouseholdNumber string `json:"household_number,omitempty"`
	PersonName      string `json:"person_name,omitempty"`
}

// Visit is the home visit (入户核实) recorded on a warning.
type Visit struct {
	On   civil.Date `json:"on"`
	By   string     `json:"by"`
	Note string     `json:"note"`
}

// Holder is who holds the warning now: the township, or whoever it was
// escalated to.
func (w *Warning) Holder() (auth.Role, string) {
	if w.EscalatedRole != "" {
		return w.EscalatedRole, w.EscalatedTo
	}
	return w.Role, w.TaskRegion
}

// Overdue reports whether the warning is open past its due day.
func (w *Warning) Overdue(today civil.Date) bool {
	return w.Status != WarningClosed && w.Due.Before(today)
}

// OnTime reports whether a closed warning was closed by its due day.
func (w *Warning) OnTime() bool {
	return w.Status == WarningClosed && !w.Due.Before(w.ClosedOn)
}

// township is the township of a region code (the region itself when it is
// a county or coarser): warnings go to the household's township.
func township(code string) string {
	if len(code) > 9 {
		return code[:9]
	}
	return code
}

// VisitInput records a home visit.
type VisitInput struct {
	Version int        `json:"version"`
	On      civil.Date `json:"on"`
	Note    string     `json:"note"`
}

// Validate checks a visit against the warning on today.
// Errors: Invalid naming the field; Conflict for a closed warning.
func (v *VisitInput) Validate(w *Warning, today civil.Date) error {
	if w.Status == WarningClosed {
		return apperr.Errorf(apperr.Conflict, "warning %d is closed", w.ID)
	}
	var l apperr.List
	switch {
	case v.On.IsZero() || !v.On.Valid():
		l.Addf("on", "the day of the visit is required")
	case v.On.Before(w.RaisedOn):
		l.Addf("on", "the visit (%s) cannot be before the warning was raised (%s)", v.On.String(), w.RaisedOn.String())
	case today.Before(v.On):
		l.Addf("on", "the visit (%s) cannot be in the future", v.On.String())
	}
	v.Note = strings.TrimSpace(v.Note)
	if v.Note == "" {
		l.Addf("note", "say what the visit found")
	} else if utf8.RuneCountInString(v.Note) > 2000 {
		l.Addf("note", "the note is longer than 2000 characters")
	}
	return l.Err()
}

// CloseInput settles a warning.
type CloseInput struct {
	Version       int     `json:"version"`
	Outcome       Outcome `json:"outcome"`
	Note          string  `json:"note"`
	ApplicationID int64   `json:"application_id,omitempty"`
	ReferralID    int64   `json:"referral_id,omitempty"`
}

// Validate checks an outcome against the warning: a home visit must be on
// record, an application, review or referral outcome names it, and "no
// need" and "cannot be reached" say why.
// Errors: Invalid naming the field; Conflict for a closed warning.
func (c *CloseInput) Validate(w *Warning) error {
	if w.Status == WarningClosed {
		return apperr.Errorf(apperr.Conflict, "warning %d is closed", w.ID)
	}
	var l apperr.List
	if w.Visit == nil {
		l.Addf("outcome", "record the home visit before closing the warning")
	}
	c.Note = strings.TrimSpace(c.Note)
	switch c.Outcome {
	case OutcomeApplication, OutcomeReview:
		if c.ApplicationID <= 0 {
			l.Addf("application_id", "name the application or review that was started")
		}
		c.ReferralID = 0
	case OutcomeReferral:
		if c.ReferralID <= 0 {
			l.Addf("referral_id", "name the referral that was made")
		}
		c.ApplicationID = 0
	case OutcomeNoNeed, OutcomeUnreachable:
		if c.Note == "" {
			l.Addf("note", "give the reason")
		}
		c.ApplicationID, c.ReferralID = 0, 0
	default:
		l.Addf("outcome", "choose one of the outcomes: %s", strings.Join(outcomeCodes(), ", "))
	}
	if utf8.RuneCountInString(c.Note) > 2000 {
		l.Addf("note", "the note is longer than 2000 characters")
	}
	return l.Err()
}

func outcomeCodes() []string {
	out := make([]string, len(Outcomes))
	for i, o := range Outcomes {
		out[i] = string(o)
	}
	return out
}

// WarningFilter selects warnings. Zero fields do not filter.
type WarningFilter struct {
	// Region is a jurisdiction: warnings about households inside it.
	Region string
	// HeldBy lists the warnings a role holds in a region now (an inbox):
	// the township's own and those escalated to it.
	HeldBy   auth.Role
	HeldIn   string
	Statuses []WarningStatus
	RuleCode string
	// Household lists one household's warnings.
	Household int64
	RunID     int64
	// OverdueOn keeps the warnings open past their due day on that day.
	OverdueOn civil.Date
	// Before is the keyset: warnings with a smaller id (newest first).
	Before int64
	Limit  int
}
