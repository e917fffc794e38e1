package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/referral"
)

// Referrals (转介): the records, their documents and logs, escalation and
// the counts by region.

const referralColumns = `r.id, r.county_code, r.region_code, r.household_id, r.partner_id, p.name, r.needs, r.note, r.application_id,
	r.warning_id, r.consent_person, r.consent_name, r.consent_on, r.consent_method, r.consent_witness, r.status, r.sent_on, r.accept_due,
	r.accepted_on, r.result_due, r.declined_on, r.decline_reason, r.result, r.done_on, r.role, r.task_region, r.level, r.escalated_role,
	r.escalated_to, r.escalated_on, r.version, r.created_by, r.created_at, h.number`

const referralFrom = ` FROM referrals r JOIN partners p ON p.id = r.partner_id JOIN households h ON h.id = r.household_id`

func scanReferral(sc interface{ Scan(...any) error }) (*referral.Referral, error) {
	var r referral.Referral
	var needs, status, method, role, erole string
	var created timestamp
	if err := sc.Scan(&r.ID, &r.CountyCode, &r.RegionCode, &r.HouseholdID, &r.PartnerID, &r.PartnerName, &needs, &r.Note,
		nullableInt{&r.ApplicationID}, nullableInt{&r.WarningID}, &r.Consent.PersonID, &r.Consent.Name, &r.Consent.On, &method,
		&r.Consent.Witness, &status, &r.SentOn, &r.AcceptDue, &r.AcceptedOn, &r.ResultDue, &r.DeclinedOn, &r.DeclineReason, &r.Result,
		&r.DoneOn, &role, &r.TaskRegion, &r.Level, &erole, &r.EscalatedTo, &r.EscalatedOn, &r.Version, &r.CreatedBy, &created,
		&r.HouseholdNumber); err != nil {
		return nil, err
	}
	r.Consent.Method, r.Status, r.Role, r.EscalatedRole = referral.ConsentMethod(method), referral.Status(status), auth.Role(role), auth.Role(erole)
	r.CreatedAt = created.Time
	if err := json.Unmarshal([]byte(needs), &r.Needs); err != nil {
		return nil, fmt.Errorf("referral %d needs: %w", r.ID, err)
	}
	r.Documents, r.Actions = []referral.Document{}, []referral.Action{}
	return &r, nil
}

// referralAudit is what the audit trail keeps of a referral's state.
func referralAudit(r *referral.Referral) map[string]any {
	return map[string]any{"household_id": r.HouseholdID, "partner_id": r.PartnerID, "needs": r.Needs, "status": r.Status,
		"application_id": r.ApplicationID, "warning_id": r.WarningID, "consent": r.Consent, "accept_due": r.AcceptDue,
		"result_due": r.ResultDue, "decline_reason": r.DeclineReason, "result": r.Result, "documents": len(r.Documents)}
}

// CreateReferral implements referral.Store.
func (db *DB) CreateReferral(ctx context.Context, r *referral.Referral) error {
	needs, err := json.Marshal(r.Needs)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		if r.ApplicationID != 0 {
			if err := t.belongs(ctx, "applications", r.ApplicationID, r.HouseholdID, "application_id", "application"); err != nil {
				return err
			}
		}
		if r.WarningID != 0 {
			if err := t.belongs(ctx, "monitor_warnings", r.WarningID, r.HouseholdID, "warning_id", "warning"); err != nil {
				return err
			}
		}
		var active int64
		err := t.queryRow(ctx, `SELECT active FROM partners WHERE id = ?`, r.PartnerID).Scan(&active)
		if errors.Is(err, sql.ErrNoRows) || err == nil && active == 0 {
			return apperr.Fieldf("partner_id", "the partner does not take referrals")
		}
		if err != nil {
			return err
		}
		r.Version = 1
		r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
		r.ID, err = t.insertID(ctx, `INSERT INTO referrals (county_code, region_code, household_id, partner_id, needs, note, application_id,
			warning_id, consent_person, consent_name, consent_on, consent_method, consent_witness, status, sent_on, accept_due, role,
			task_region, version, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.CountyCode, r.RegionCode, r.HouseholdID, r.PartnerID, string(needs), r.Note, nullInt(r.ApplicationID), nullInt(r.WarningID),
			r.Consent.PersonID, r.Consent.Name, r.Consent.On, string(r.Consent.Method), r.Consent.Witness, string(r.Status), r.SentOn,
			r.AcceptDue, string(r.Role), r.TaskRegion, r.Version, r.CreatedBy, r.CreatedAt)
		if err != nil {
			return err
		}
		for i := range r.Documents {
			d := &r.Documents[i]
			d.ReferralID = r.ID
			d.UploadedAt = d.UploadedAt.UTC().Truncate(time.Microsecond)
			d.ID, err = t.insertID(ctx, `INSERT INTO referral_documents (referral_id, county_code, filename, content_type, size, sha256, data,
				uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.CountyCode, d.Filename, d.ContentType, d.Size, d.SHA256, d.Data, d.UploadedBy, d.UploadedAt)
			if err != nil {
				return err
			}
		}
		if err := t.insertActions(ctx, r); err != nil {
			return err
		}
		return t.audit(ctx, "referral", r.ID, r.RegionCode, "create", nil, referralAudit(r))
	})
}

// belongs checks that row id of table (applications, monitor_warnings)
// is the household's.
func (t *Tx) belongs(ctx context.Context, table string, id, household int64, field, what string) error {
	var h int64
	err := t.queryRow(ctx, `SELECT household_id FROM `+table+` WHERE id = ?`, id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) || err == nil && h != household {
		return apperr.Fieldf(field, "%s %d is not one of the household's", what, id)
	}
	return err
}

// insertActions stores the log entries not stored yet (ID 0).
func (t *Tx) insertActions(ctx context.Context, r *referral.Referral) error {
	for i := range r.Actions {
		a := &r.Actions[i]
		if a.ID != 0 {
			continue
		}
		a.At = a.At.UTC().Truncate(time.Microsecond)
		var err error
		a.ID, err = t.insertID(ctx, `INSERT INTO referral_actions (referral_id, county_code, kind, acted_on, note, acted_by, acted_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, r.CountyCode, string(a.Kind), a.On, a.Note, a.By, a.At)
		if err != nil {
			return err
		}
	}
	return nil
}

// Referral implements referral.Store.
func (db *DB) Referral(ctx context.Context, id int64) (*referral.Referral, error) {
	r, err := scanReferral(db.queryRow(ctx, `SELECT `+referralColumns+referralFrom+` WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("referral", id)
	}
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT id, kind, acted_on, note, acted_by, acted_at FROM referral_actions WHERE referral_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a referral.Action
		var kind string
		var at timestamp
		if err := rows.Scan(&a.ID, &kind, &a.On, &a.Note, &a.By, &at); err != nil {
			return nil, err
		}
		a.Kind, a.At = referral.ActionKind(kind), at.Time
		r.Actions = append(r.Actions, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	docs, err := db.query(ctx, `SELECT id, referral_id, filename, content_type, size, sha256, uploaded_by, uploaded_at
		FROM referral_documents WHERE referral_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	for docs.Next() {
		d, err := scanDocument(docs)
		if err != nil {
			return nil, err
		}
		r.Documents = append(r.Documents, *d)
	}
	return r, docs.Err()
}

func scanDocument(sc interface{ Scan(...any) error }, extra ...any) (*referral.Document, error) {
	var d referral.Document
	var at timestamp
	err := sc.Scan(append([]any{&d.ID, &d.ReferralID, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &at}, extra...)...)
	d.UploadedAt = at.Time
	return &d, err
}

// Document implements referral.Store.
func (db *DB) Document(ctx context.Context, id int64) (*referral.Document, error) {
	var data []byte
	d, err := scanDocument(db.queryRow(ctx, `SELECT id, referral_id, filename, content_type, size, sha256, uploaded_by, uploaded_at, data
		FROM referral_documents WHERE id = ?`, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("document", id)
	}
	d.Data = data
	return d, err
}

// HouseholdReferrals implements referral.Store.
func (db *DB) HouseholdReferrals(ctx context.Context, householdID int64) ([]referral.Referral, error) {
	return db.Referrals(ctx, referral.Filter{HouseholdID: householdID, Limit: 500})
}

// dueExpr is the day the partner's next answer is due.
const dueExpr = `(CASE WHEN r.status = 'sent' THEN r.accept_due ELSE r.result_due END)`

// Referrals implements referral.Store.
func (db *DB) Referrals(ctx context.Context, f referral.Filter) ([]referral.Referral, error) {
	var where []string
	var args []any
	if f.Region != "" {
		lo, hi := prefixRange(f.Region)
		if f.Escalated {
			where, args = append(where, "r.level > 0 AND r.escalated_role = ? AND r.escalated_to >= ? AND r.escalated_to < ?"), append(args, string(f.Role), lo, hi)
		} else {
			where, args = append(where, "r.region_code >= ? AND r.region_code < ?"), append(args, lo, hi)
		}
	}
	if f.PartnerID != 0 {
		where, args = append(where, "r.partner_id = ?"), append(args, f.PartnerID)
	}
	if f.HouseholdID != 0 {
		where, args = append(where, "r.household_id = ?"), append(args, f.HouseholdID)
	}
	if f.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, string(f.Status))
	}
	if f.Overdue {
		where, args = append(where, "r.status IN ('sent', 'accepted') AND "+dueExpr+" < ?"), append(args, f.Today)
	}
	if f.Before > 0 {
		where, args = append(where, "r.id < ?"), append(args, f.Before)
	}
	q := `SELECT ` + referralColumns + referralFrom
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := db.query(ctx, q+` ORDER BY r.id DESC LIMIT ?`, append(args, limit(f.Limit, 100, 500))...)
	if err != nil {
		return nil, fmt.Errorf("Referrals: %w", err)
	}
	defer rows.Close()
	out := []referral.Referral{}
	for rows.Next() {
		r, err := scanReferral(rows)
		if err != nil {
			return nil, fmt.Errorf("Referrals: %w", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// UpdateReferral implements referral.Store.
func (db *DB) UpdateReferral(ctx context.Context, r *referral.Referral) error {
	return db.transact(ctx, func(t *Tx) error {
		old, err := scanReferral(t.queryRow(ctx, `SELECT `+referralColumns+referralFrom+` WHERE r.id = ?`, r.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("referral", r.ID)
		}
		if err != nil {
			return err
		}
		if old.Version != r.Version {
			return staleVersion("referral", r.Version, old.Version)
		}
		res, err := t.exec(ctx, `UPDATE referrals SET status = ?, accepted_on = ?, result_due = ?, declined_on = ?, decline_reason = ?,
			result = ?, done_on = ?, level = ?, escalated_role = ?, escalated_to = ?, escalated_on = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			string(r.Status), r.AcceptedOn, r.ResultDue, r.DeclinedOn, r.DeclineReason, r.Result, r.DoneOn, r.Level,
			string(r.EscalatedRole), r.EscalatedTo, r.EscalatedOn, r.ID, r.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion("referral", r.Version, r.Version+1)
		}
		r.Version++
		action := "update"
		for _, a := range r.Actions {
			if a.ID == 0 {
				action = string(a.Kind)
			}
		}
		if err := t.insertActions(ctx, r); err != nil {
			return err
		}
		return t.audit(ctx, "referral", r.ID, r.RegionCode, action, referralAudit(old), referralAudit(r))
	})
}

// EscalateOverdueReferrals implements referral.Store: like workflow
// tasks (EscalateOverdue), an overdue referral moves one level up a day
// (casework.NextLevel), and says so in its log. Escalation does not change
// the version: a partner's answer read before it still applies.
func (db *DB) EscalateOverdueReferrals(ctx context.Context, today civil.Date) (int, error) {
	type ref struct{ county, region string }
	moved := 0
	err := db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		var err error
		moved, err = escalateOverdue(ctx, t, "referrals", today,
			`SELECT r.id, r.role, r.task_region, r.escalated_role, r.escalated_to, r.level, r.county_code, r.region_code
			FROM referrals r WHERE r.status IN ('sent', 'accepted') AND `+dueExpr+` < ? AND (r.escalated_on IS NULL OR r.escalated_on < ?)`,
			[]any{today, today},
			func(x *ref) []any { return []any{&x.county, &x.region} },
			func(e escalation, x ref) error {
				if _, err := t.exec(ctx, `INSERT INTO referral_actions (referral_id, county_code, kind, acted_on, note, acted_by, acted_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, e.id, x.county, string(referral.ActEscalated), today, e.role+" "+e.to,
					casework.System, now); err != nil {
					return err
				}
				return t.audit(ctx, "referral", e.id, x.region, "escalate", map[string]any{"role": e.fromRole, "region": e.from},
					map[string]any{"role": e.role, "region": e.to, "level": e.level})
			})
		return err
	})
	return moved, err
}

// referralChildLen is the length of the codes of a region's children: a county's
// townships, a city's counties…
func referralChildLen(region string) int {
	switch len(region) {
	case 0:
		return 2
	case 2:
		return 4
	case 4:
		return 6
	case 6:
		return 9
	}
	return 12
}

// ReferralStats implements referral.Store.
func (db *DB) ReferralStats(ctx context.Context, region string, today civil.Date) ([]referral.RegionStats, error) {
	lo, hi := prefixRange(region)
	rows, err := db.query(ctx, `SELECT substr(r.region_code, 1, ?), r.status,
		SUM(CASE WHEN r.status IN ('sent', 'accepted') AND `+dueExpr+` < ? THEN 1 ELSE 0 END), COUNT(*)
		FROM referrals r WHERE r.region_code >= ? AND r.region_code < ? GROUP BY 1, 2 ORDER BY 1, 2`,
		referralChildLen(region), today, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("ReferralStats: %w", err)
	}
	defer rows.Close()
	out := []referral.RegionStats{}
	for rows.Next() {
		var code, status string
		var overdue, n int
		if err := rows.Scan(&code, &status, &overdue, &n); err != nil {
			return nil, fmt.Errorf("ReferralStats: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Region != code {
			out = append(out, referral.RegionStats{Region: code})
		}
		s := &out[len(out)-1]
		s.Sent += n
		s.Overdue += overdue
		switch referral.Status(status) {
		case referral.Sent:
			s.Waiting += n
		case referral.Accepted:
			s.Accepted += n
		case referral.Declined:
			s.Declined += n
		case referral.Done:
			s.Done += n
		}
	}
	return out, rows.Err()
}
