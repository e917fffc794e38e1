package referral

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Status is where a referral stands.
type Status string

// A referral is sent, then accepted or declined by the partner; an
// accepted one is done when the partner records the result.
const (
	Sent     Status = "sent"     // 已转介，待接收
	Accepted Status = "accepted" // 已接收，办理中
	Declined Status = "declined" // 已拒绝（附理由）
	Done     Status = "done"     // 已办结（结果已反馈）
)

// Statuses lists every status.
var Statuses = []Status{Sent, Accepted, Declined, Done}

// Open reports whether the partner still owes an answer or a result.
func (s Status) Open() bool { return s == Sent || s == Accepted }

// ConsentMethod is how the household consented to the referral.
type ConsentMethod string

const (
	ConsentSigned ConsentMethod = "signed_form"      // 书面签字同意
	ConsentVerbal ConsentMethod = "verbal_witnessed" // 口头同意（有见证人）
)

// ConsentMethods lists the ways of consenting.
var ConsentMethods = []ConsentMethod{ConsentSigned, ConsentVerbal}

// Consent is the household's consent to pass its needs and data to the
// partner: a member of the household, on a day, by a signed form or a
// verbal consent before a witness. No consent, no referral.
type Consent struct {
	PersonID int64         `json:"person_id"`
	Name     string        `json:"name"`
	On       civil.Date    `json:"on"`
	Method   ConsentMethod `json:"method"`
	// Witness names who heard a verbal consent (required for one).
	Witness string `json:"witness,omitempty"`
}

// Document is a file sent with a referral (the signed consent, a medical
// bill, a certificate), checked by content like an application's
// attachments.
type Document struct {
	ID          int64     `json:"id"`
	ReferralID  int64     `json:"referral_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
	Data        []byte    `json:"-"`
}

// ActionKind says what an entry of a referral's log records.
type ActionKind string

const (
	ActSent      ActionKind = "sent"
	ActAccepted  ActionKind = "accepted"
	ActDeclined  ActionKind = "declined"
	ActNote      ActionKind = "action" // something the partner did
	ActResult    ActionKind = "result"
	ActEscalated ActionKind = "escalated"
)

// ActionKinds lists every kind of log entry.
var ActionKinds = []ActionKind{ActSent, ActAccepted, ActDeclined, ActNote, ActResult, ActEscalated}

// Action is one entry of a referral's log.
type Action struct {
	ID   int64      `json:"id"`
	Kind ActionKind `json:"kind"`
	On   civil.Date `json:"on"`
	Note string     `json:"note"`
	By   string     `json:"by"`
	At   time.Time  `json:"at"`
}

// Referral passes a household's needs to one partner (转介).
type Referral struct {
	ID          int64 `json:"id"`
	HouseholdID int64 `json:"household_id"`
	// HouseholdNumber is filled in on reading.
	HouseholdNumber string `json:"household_number,omitempty"`
	CountyCode      string `json:"county_code"`
	// RegionCode is the household's region when it was referred: the
	// staff whose jurisdiction covers it see the referral.
	RegionCode  string `json:"region_code"`
	PartnerID   int64  `json:"partner_id"`
	PartnerName string `json:"partner_name,omitempty"`
	Needs       []Need `json:"needs"`
	Note        string `json:"note,omitempty"`
	// ApplicationID and WarningID link the application or the monitoring
	// warning (monitor_warnings) the referral came from (0: none).
	ApplicationID int64      `json:"application_id,omitempty"`
	WarningID     int64      `json:"warning_id,omitempty"`
	Consent       Consent    `json:"consent"`
	Documents     []Document `json:"documents"`
	Status        Status     `json:"status"`
	SentOn        civil.Date `json:"sent_on"`
	// AcceptDue is the last day to accept or decline; ResultDue, set on
	// acceptance, the last day to record the result.
	AcceptDue     civil.Date `json:"accept_due"`
	AcceptedOn    civil.Date `json:"accepted_on"`
	ResultDue     civil.Date `json:"result_due"`
	DeclinedOn    civil.Date `json:"declined_on"`
	DeclineReason string     `json:"decline_reason,omitempty"`
	Result        string     `json:"result,omitempty"`
	DoneOn        civil.Date `json:"done_on"`
	// Role and TaskRegion are who follows the referral up on the sending
	// side: the household's township. An overdue referral escalates a
	// level a day (Level), to EscalatedRole in EscalatedTo.
	Role          auth.Role  `json:"role"`
	TaskRegion    string     `json:"task_region"`
	Level         int        `json:"level"`
	EscalatedRole auth.Role  `json:"escalated_role,omitempty"`
	EscalatedTo   string     `json:"escalated_to,omitempty"`
	EscalatedOn   civil.Date `json:"escalated_on"`
	Actions       []Action   `json:"actions"`
	Version       int        `json:"version"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
}

// Due is the day the partner's next answer is due (zero when it owes
// none).
func (r *Referral) Due() civil.Date {
	switch r.Status {
	case Sent:
		return r.AcceptDue
	case Accepted:
		return r.ResultDue
	}
	return civil.Date{}
}

// Overdue reports whether the partner's answer is late on day today.
func (r *Referral) Overdue(today civil.Date) bool {
	d := r.Due()
	return !d.IsZero() && d.Before(today)
}

// Calendar counts working days (internal/calendar implements it).
type Calendar interface {
	AddWorkdays(from civil.Date, n int) (due civil.Date, provisional bool)
}

// Env is what a step needs besides the referral: the day, the time, who
// acts, the working-day calendar and the parameters in force.
type Env struct {
	Today    civil.Date
	Now      time.Time
	By       string
	Calendar Calendar
	Params   *policy.Set
}

// The deadline parameters. The policy reference fixes neither, so they
// have no national value: each county sets its own.
const (
	ParamAcceptWD = "referral.accept_wd"
	ParamResultWD = "referral.result_wd"
)

// workdays returns the day n working days after from, n being the count
// parameter key in force for county today.
// Errors: Invalid (field parameters.<key>) when the county has not set it.
func (e *Env) workdays(key, county string, from civil.Date) (civil.Date, error) {
	p, ok := e.Params.Resolve(key, county, e.Today)
	if !ok || p.Value.Count <= 0 {
		return civil.Date{}, apperr.Fieldf("parameters."+key,
			"the deadline parameter %s is not set for region %s: a county approver sets it under policy parameters before referrals can be sent", key, county)
	}
	d, _ := e.Calendar.AddWorkdays(from, p.Value.Count)
	return d, nil
}

// township is the township of a region code (the code itself when it is
// a county or coarser).
func township(code string) string {
	if len(code) > 9 {
		return code[:9]
	}
	return code
}

// Complete checks a new referral of household h to partner p and fills
// what follows from them: county and region, the consent's name, the
// status sent, the acceptance deadline and who follows it up. It refuses
// a referral without consent, a consent by someone who is not a member of
// the household on that day, and a partner that Check refuses.
// regionName names regions in messages (may be nil).
// Errors: Invalid naming the field (needs, partner_id, note,
// consent.person_id, consent.on, consent.method, consent.witness,
// application_id, warning_id, parameters.referral.accept_wd).
func (r *Referral) Complete(h *registry.Household, p *Partner, env *Env, regionName func(string) string) error {
	var l apperr.List
	r.Note = strings.TrimSpace(r.Note)
	if len(r.Needs) == 0 {
		l.Addf("needs", "tick at least one need to refer")
	}
	for i, n := range r.Needs {
		if !n.Valid() {
			l.Addf("needs["+strconv.Itoa(i)+"]", "%q is not a need", string(n))
		}
	}
	r.Needs = ordered(r.Needs)
	if r.PartnerID == 0 || p == nil {
		l.Addf("partner_id", "choose the partner to refer to")
	}
	if utf8.RuneCountInString(r.Note) > maxText {
		l.Addf("note", "the text is longer than %d characters", maxText)
	}
	r.consent(h, &l, env.Today)
	if err := l.Err(); err != nil {
		return err
	}
	if err := Check(p, h.RegionCode, r.Needs, regionName); err != nil {
		return err
	}
	due, err := env.workdays(ParamAcceptWD, h.CountyCode, env.Today)
	if err != nil {
		return err
	}
	// The result's deadline is needed on acceptance: refuse now rather
	// than leave the partner unable to accept.
	if _, err := env.workdays(ParamResultWD, h.CountyCode, env.Today); err != nil {
		return err
	}
	r.HouseholdID, r.CountyCode, r.RegionCode, r.PartnerName = h.ID, h.CountyCode, h.RegionCode, p.Name
	r.Status, r.SentOn, r.AcceptDue = Sent, env.Today, due
	r.Role, r.TaskRegion = auth.TownshipCaseworker, township(h.RegionCode)
	r.CreatedBy, r.CreatedAt = env.By, env.Now
	r.Actions = []Action{{Kind: ActSent, On: env.Today, Note: r.Note, By: env.By, At: env.Now}}
	return nil
}

// consent checks the household's consent into l.
func (r *Referral) consent(h *registry.Household, l *apperr.List, today civil.Date) {
	c := &r.Consent
	c.Witness = strings.TrimSpace(c.Witness)
	if c.PersonID == 0 {
		l.Addf("consent.person_id", "a referral needs the household's consent: say which member consented")
	}
	switch {
	case c.On.IsZero():
		l.Addf("consent.on", "the date of the consent is required")
	case c.On.After(today):
		l.Addf("consent.on", "the date %s is in the future", c.On)
	}
	switch c.Method {
	case ConsentSigned:
	case ConsentVerbal:
		if c.Witness == "" {
			l.Addf("consent.witness", "a verbal consent needs the name of the witness who heard it")
		}
	case "":
		l.Addf("consent.method", "say how the household consented: a signed form or a witnessed verbal consent")
	default:
		l.Addf("consent.method", "%q is not a way of consenting", string(c.Method))
	}
	if c.PersonID == 0 {
		return
	}
	on := c.On
	if on.IsZero() {
		on = today
	}
	for _, m := range h.Members {
		if m.Person.ID == c.PersonID {
			if !m.Active(on) || !m.Person.Death.IsZero() {
				break
			}
			if m.Person.Birth.YearsAt(on) < 18 {
				l.Addf("consent.person_id", "%s is a minor: an adult member, or the guardian, consents", m.Person.Name)
				return
			}
			c.Name = m.Person.Name
			return
		}
	}
	l.Addf("consent.person_id", "the person who consented is not a member of the household on %s", on)
}

// conflict is the error of a step the referral's status does not allow.
func conflict(r *Referral, step string) error {
	return apperr.Errorf(apperr.Conflict, "referral %d is %s: it cannot be %s", r.ID, string(r.Status), step)
}

// text checks a required text field.
func text(field, v string, format string, args ...any) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return v, apperr.Fieldf(field, format, args...)
	case utf8.RuneCountInString(v) > maxText:
		return v, apperr.Fieldf(field, "the text is longer than %d characters", maxText)
	}
	return v, nil
}

// Accept records the partner's acceptance on env.Today, with an optional
// note, and sets the result's deadline (referral.result_wd working days).
// Errors: Conflict unless sent; Invalid (parameters.referral.result_wd).
func (r *Referral) Accept(note string, env *Env) error {
	if r.Status != Sent {
		return conflict(r, "accepted")
	}
	due, err := env.workdays(ParamResultWD, r.CountyCode, env.Today)
	if err != nil {
		return err
	}
	r.Status, r.AcceptedOn, r.ResultDue = Accepted, env.Today, due
	r.resetLevel()
	r.log(ActAccepted, strings.TrimSpace(note), env)
	return nil
}

// Decline records the partner's refusal with its reason.
// Errors: Conflict unless sent; Invalid (reason).
func (r *Referral) Decline(reason string, env *Env) error {
	if r.Status != Sent {
		return conflict(r, "declined")
	}
	reason, err := text("reason", reason, "say why the referral is declined, so the township can refer the household elsewhere")
	if err != nil {
		return err
	}
	r.Status, r.DeclinedOn, r.DeclineReason = Declined, env.Today, reason
	r.log(ActDeclined, reason, env)
	return nil
}

// AddAction records something the partner did (a visit, a call, help
// given) on a referral it has accepted.
// Errors: Conflict unless accepted; Invalid (note).
func (r *Referral) AddAction(note string, env *Env) error {
	if r.Status != Accepted {
		return conflict(r, "given an action")
	}
	note, err := text("note", note, "say what was done")
	if err != nil {
		return err
	}
	r.log(ActNote, note, env)
	return nil
}

// RecordResult records the result of an accepted referral: it is done.
// Errors: Conflict unless accepted; Invalid (result).
func (r *Referral) RecordResult(result string, env *Env) error {
	if r.Status != Accepted {
		return conflict(r, "given a result")
	}
	result, err := text("result", result, "say what the result is: the help given, or why none could be")
	if err != nil {
		return err
	}
	r.Status, r.Result, r.DoneOn = Done, result, env.Today
	r.log(ActResult, result, env)
	return nil
}

// resetLevel takes an escalated referral back to its own office: the
// partner answered, and a new deadline runs.
func (r *Referral) resetLevel() {
	r.Level, r.EscalatedRole, r.EscalatedTo, r.EscalatedOn = 0, "", "", civil.Date{}
}

func (r *Referral) log(k ActionKind, note string, env *Env) {
	r.Actions = append(r.Actions, Action{Kind: k, On: env.Today, Note: note, By: env.By, At: env.Now})
}

// Holder returns who follows the referral up now: its own office, or
// the level it escalated to.
func (r *Referral) Holder() (auth.Role, string) {
	if r.Level > 0 && r.EscalatedRole != "" {
		return r.EscalatedRole, r.EscalatedTo
	}
	return r.Role, r.TaskRegion
}

// NeedsOf parses need codes (a form's ticked boxes), keeping unknown ones
// for Complete to name.
func NeedsOf(codes []string) []Need {
	var out []Need
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, Need(c)) {
			out = append(out, Need(c))
		}
	}
	return out
}
