package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/referral"
	"safetynet/internal/registry"
)

// A household's timeline (一户一条救助链): everything that happened to one
// household across the areas of the business, as dated entries, newest
// first. Each kind is read by its own small query over its own table and
// each record becomes one entry per thing that happened to it (a warning
// raised, visited and closed is three), so adding a kind (payments, when
// payrolls exist) is one more reader and nothing else changes.

// TimelineKind is a kind of timeline entry; a reader is asked only for
// the kinds its permissions let it see.
type TimelineKind string

const (
	TimelineWarning      TimelineKind = "warning"      // monitoring warnings: raised, visited, closed
	TimelineApplication  TimelineKind = "application"  // applications and reviews filed, and their decisions
	TimelineVerification TimelineKind = "verification" // verification reports issued
	TimelineReferral     TimelineKind = "referral"     // referrals sent, accepted, declined, done
	TimelineBenefit      TimelineKind = "benefit"      // enrollments started, changed, suspended, resumed, ended
)

// TimelineKinds lists every kind, in the order filters show them.
var TimelineKinds = []TimelineKind{TimelineWarning, TimelineApplication, TimelineVerification, TimelineReferral, TimelineBenefit}

// The events of each kind. Entries of one day are ordered by the usual
// course of things (an entry's seq): a warning raised and visited, an
// application filed, verified and decided, a referral made, and the
// warning closed with what it started.
const (
	EventRaised        = "raised"
	EventVisited       = "visited"
	EventClosed        = "closed"
	EventFiled         = "filed"
	EventReviewOpened  = "review_opened"
	EventApproved      = "approved"
	EventRejected      = "rejected"
	EventReviewDecided = "review_decided"
	EventIssued        = "issued"
	EventSent          = "sent"
	EventAccepted      = "accepted"
	EventDeclined      = "declined"
	EventDone          = "done"
	EventStarted       = "started"
	EventChanged       = "changed"
	EventSuspended     = "suspended"
	EventResumed       = "resumed"
	EventEnded         = "ended"
)

// TimelineEntry is one thing that happened to a household. Which fields
// are set depends on the kind and event; the pages and the API turn an
// entry into a sentence and a link.
type TimelineEntry struct {
	On    civil.Date   `json:"on"`
	Kind  TimelineKind `json:"kind"`
	Event string       `json:"event"`
	// ID is the record the entry is about: the warning, the application
	// (also for its decision), the verification report, the referral or
	// the enrollment.
	ID          int64          `json:"id"`
	Program     policy.Program `json:"program,omitempty"`
	ProgramKind string         `json:"program_kind,omitempty"`
	// Code is the rule's code (a warning), the warning's outcome (closed),
	// the application's state now (filed), the review's outcome, or the
	// report's number.
	Code string `json:"code,omitempty"`
	// Name and NameEN name the rule of a warning or the partner of a
	// referral; Person is the person a warning is about.
	Name   string `json:"name,omitempty"`
	NameEN string `json:"name_en,omitempty"`
	Person string `json:"person,omitempty"`
	// Amount is a benefit's or a decision's amount a month (once, for a
	// one-off), from month From (to month To for a one-off or an end).
	Amount money.Fen   `json:"amount,omitempty"`
	From   civil.Month `json:"from,omitzero"`
	To     civil.Month `json:"to,omitzero"`
	// Count is a report's number of discrepancies; Changed says its
	// finding changes a benefit.
	Count   int  `json:"count,omitempty"`
	Changed bool `json:"changed,omitempty"`
	// Needs are a referral's.
	Needs []referral.Need `json:"needs,omitempty"`
	// Note is what was written: the visit's finding, the outcome's note,
	// the reasons of a rejection, the partner's reason or result.
	Note string `json:"note,omitempty"`

	seq int // the event's place in its record's life, for one day's order
}

// HouseholdTimeline returns the entries of the given kinds about household
// id, newest first, limited to what lies in scope: warnings, referrals and
// enrollments by their region, applications as casework scopes them (the
// region handling or filing them). Verification reports carry no region
// below the county and follow the household. Kinds not listed are not read:
// the caller leaves out those the reader may not see.
// Errors: NotFound (the household is not in scope).
func (db *DB) HouseholdTimeline(ctx context.Context, scope registry.Scope, id int64, kinds []TimelineKind) (out []TimelineEntry, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("HouseholdTimeline(%d): %w", id, err)
		}
	}()
	lo, hi := prefixRange(scope.Region)
	var one int
	err = db.queryRow(ctx, `SELECT 1 FROM households WHERE id = ? AND region_code >= ? AND region_code < ?`, id, lo, hi).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("household", id)
	}
	if err != nil {
		return nil, err
	}
	readers := map[TimelineKind]func(context.Context, int64, string, string) ([]TimelineEntry, error){
		TimelineWarning:      db.warningEntries,
		TimelineApplication:  db.applicationEntries,
		TimelineVerification: db.reportEntries,
		TimelineReferral:     db.referralEntries,
		TimelineBenefit:      db.benefitEntries,
	}
	out = []TimelineEntry{}
	for _, k := range TimelineKinds {
		if !slices.Contains(kinds, k) {
			continue
		}
		es, err := readers[k](ctx, id, lo, hi)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	slices.SortStableFunc(out, func(a, b TimelineEntry) int {
		return cmp.Or(b.On.Compare(a.On), cmp.Compare(b.seq, a.seq), cmp.Compare(b.ID, a.ID))
	})
	return out, nil
}

func (db *DB) warningEntries(ctx context.Context, id int64, lo, hi string) ([]TimelineEntry, error) {
	rows, err := db.query(ctx, `SELECT w.id, w.rule_code, r.zh, r.en, p.name, w.program, w.raised_on, w.visited_on, w.visit_note,
		w.outcome, w.outcome_note, w.closed_on
		FROM monitor_warnings w JOIN monitor_rules r ON r.id = w.rule_id JOIN persons p ON p.id = w.person_id
		WHERE w.household_id = ? AND w.region_code >= ? AND w.region_code < ?`, id, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var program, visitNote, outcome, outcomeNote sql.NullString
		var visited, closed civil.Date
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &e.NameEN, &e.Person, &program, &e.On, &visited, &visitNote,
			&outcome, &outcomeNote, &closed); err != nil {
			return nil, err
		}
		e.Kind, e.Program = TimelineWarning, policy.Program(program.String)
		out = append(out, at(e, e.On, EventRaised, 1))
		if !visited.IsZero() {
			v := at(e, visited, EventVisited, 2)
			v.Note = visitNote.String
			out = append(out, v)
		}
		if !closed.IsZero() {
			c := at(e, closed, EventClosed, 40) // after what its outcome started, that day
			c.Code, c.Note = outcome.String, outcomeNote.String
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// at is e as the entry of event on day, seq its place in the record's
// life.
func at(e TimelineEntry, day civil.Date, event string, seq int) TimelineEntry {
	e.On, e.Event, e.seq = day, event, seq
	return e
}

func (db *DB) applicationEntries(ctx context.Context, id int64, lo, hi string) ([]TimelineEntry, error) {
	rows, err := db.query(ctx, `SELECT a.id, a.program, a.kind, a.state, a.filed_on, a.enrollment_id IS NOT NULL,
		d.approved, d.amount, d.start_month, d.end_month, d.outcome, d.reasons, d.decided_on
		FROM applications a LEFT JOIN decisions d ON d.application_id = a.id
		WHERE a.household_id = ? AND `+inScope, id, lo, hi, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var program string
		var review bool
		var approved sql.NullBool
		var amount sql.NullInt64
		var from, to civil.Month
		var outcome, reasons sql.NullString
		var decided civil.Date
		if err := rows.Scan(&e.ID, &program, &e.ProgramKind, &e.Code, &e.On, &review,
			&approved, &amount, &from, &to, &outcome, &reasons, &decided); err != nil {
			return nil, err
		}
		e.Kind, e.Program = TimelineApplication, policy.Program(program)
		filed := EventFiled
		if review {
			filed = EventReviewOpened
		}
		out = append(out, at(e, e.On, filed, 10))
		if decided.IsZero() {
			continue
		}
		d := at(e, decided, EventRejected, 13)
		d.Code, d.Note = outcome.String, reasons.String
		switch {
		case review && approved.Bool:
			d.Event = EventReviewDecided
		case approved.Bool:
			d.Event = EventApproved
		case review:
			d.Code = "" // a review not confirmed leaves the benefit as it was
		}
		if approved.Bool {
			d.Amount, d.From, d.To = money.Fen(amount.Int64), from, to
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (db *DB) reportEntries(ctx context.Context, id int64, _, _ string) ([]TimelineEntry, error) {
	rows, err := db.query(ctx, `SELECT id, number, discrepancies, changed, created_at FROM verify_reports WHERE household_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		e := TimelineEntry{Kind: TimelineVerification, Event: EventIssued, seq: 12}
		var changed int64
		var created timestamp
		if err := rows.Scan(&e.ID, &e.Code, &e.Count, &changed, &created); err != nil {
			return nil, err
		}
		e.Changed, e.On = changed != 0, civil.DateOf(created.In(civil.Shanghai))
		out = append(out, e)
	}
	return out, rows.Err()
}

func (db *DB) referralEntries(ctx context.Context, id int64, lo, hi string) ([]TimelineEntry, error) {
	rows, err := db.query(ctx, `SELECT r.id, p.name, r.needs, r.note, r.sent_on, r.accepted_on, r.declined_on, r.decline_reason,
		r.done_on, r.result FROM referrals r JOIN partners p ON p.id = r.partner_id
		WHERE r.household_id = ? AND r.region_code >= ? AND r.region_code < ?`, id, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		e := TimelineEntry{Kind: TimelineReferral}
		var needs, note, reason, result string
		var accepted, declined, done civil.Date
		if err := rows.Scan(&e.ID, &e.Name, &needs, &note, &e.On, &accepted, &declined, &reason, &done, &result); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(needs), &e.Needs); err != nil {
			return nil, fmt.Errorf("referral %d needs: %w", e.ID, err)
		}
		sent := at(e, e.On, EventSent, 20)
		sent.Note = note
		out = append(out, sent)
		e.Needs = nil
		if !accepted.IsZero() {
			out = append(out, at(e, accepted, EventAccepted, 21))
		}
		if !declined.IsZero() {
			d := at(e, declined, EventDeclined, 22)
			d.Note = reason
			out = append(out, d)
		}
		if !done.IsZero() {
			d := at(e, done, EventDone, 23)
			d.Note = result
			out = append(out, d)
		}
	}
	return out, rows.Err()
}

// benefitEntries reads the household's enrollments: each record started
// (or, made by a review, changed the amount) from its first month and,
// unless a later record replaced it, ended after its last; and the
// suspensions and resumptions confirmed by reviews, from their month.
// The dates are the months' first days: when the benefit changed, not
// when it was decided (the application's entries say that).
func (db *DB) benefitEntries(ctx context.Context, id int64, lo, hi string) ([]TimelineEntry, error) {
	rows, err := db.query(ctx, `SELECT e.id, e.program, e.kind, e.amount, e.start_month, e.end_month, e.status, d.enrollment_id IS NOT NULL
		FROM enrollments e JOIN decisions d ON d.id = e.decision_id
		WHERE e.household_id = ? AND e.region_code >= ? AND e.region_code < ?`, id, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		e := TimelineEntry{Kind: TimelineBenefit}
		var program, status string
		var amount int64
		var byReview bool
		if err := rows.Scan(&e.ID, &program, &e.ProgramKind, &amount, &e.From, &e.To, &status, &byReview); err != nil {
			return nil, err
		}
		e.Program, e.Amount, e.Code = policy.Program(program), money.Fen(amount), status
		start := at(e, e.From.First(), EventStarted, 30)
		if byReview {
			start.Event = EventChanged
		}
		out = append(out, start)
		// A one-off (its only month) ends as it starts; a replaced record
		// goes on as the one that replaced it.
		if !e.To.IsZero() && e.To != e.From && status != "superseded" {
			out = append(out, at(e, e.To.Add(1).First(), EventEnded, 34))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = db.query(ctx, `SELECT e.id, e.program, e.kind, e.amount, d.outcome, d.start_month
		FROM decisions d JOIN enrollments e ON e.id = d.enrollment_id
		WHERE d.household_id = ? AND d.outcome IN ('suspend', 'resume') AND e.region_code >= ? AND e.region_code < ?`, id, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		e := TimelineEntry{Kind: TimelineBenefit}
		var program, outcome string
		var amount int64
		if err := rows.Scan(&e.ID, &program, &e.ProgramKind, &amount, &outcome, &e.From); err != nil {
			return nil, err
		}
		e.Program, e.Amount = policy.Program(program), money.Fen(amount)
		ev, seq := EventSuspended, 32
		if outcome == "resume" {
			ev, seq = EventResumed, 33
		}
		out = append(out, at(e, e.From.First(), ev, seq))
	}
	return out, rows.Err()
}
