package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/pii"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Payrolls, their lines and adjustments (internal/payment). Generation
// follows the monitoring runs' pattern (monitor_runs.go): a lease and a
// heartbeat, keyset chunks stored each in one transaction with the keyset.

var _ payment.Store = (*DB)(nil)

const payrollColumns = `id, county_code, program, month, kind, number, status, households, lines, suspended, regular, back_pay,
	adjustments, total, back_from, started_by, started_at, prepared_by, prepared_at, approved_by, approved_at, version, runs,
	last_diff, pending, done, after_household, lease, heartbeat, error`

func scanPayroll(sc scanner) (*payment.Payroll, error) {
	var p payment.Payroll
	var program, diff string
	var regular, back, adj, total int64
	var started, prepared, approved, beat timestamp
	err := sc.Scan(&p.ID, &p.County, &program, &p.Month, &p.Kind, &p.Number, &p.Status, &p.Households, &p.Lines, &p.Suspended,
		&regular, &back, &adj, &total, &p.BackFrom, &p.StartedBy, &started, &p.PreparedBy, &prepared, &p.ApprovedBy, &approved,
		&p.Version, &p.Runs, &diff, &p.Pending, &p.Done, &p.After, &p.Lease, &beat, &p.Error)
	if err != nil {
		return nil, err
	}
	p.Program = policy.Program(program)
	p.Regular, p.BackPay, p.Adjustments, p.Total = money.Fen(regular), money.Fen(back), money.Fen(adj), money.Fen(total)
	p.StartedAt, p.PreparedAt, p.ApprovedAt, p.Heartbeat = started.Time, prepared.Time, approved.Time, beat.Time
	if diff != "" {
		p.LastDiff = new(payment.Diff)
		if err := json.Unmarshal([]byte(diff), p.LastDiff); err != nil {
			return nil, fmt.Errorf("payroll %d last_diff: %w", p.ID, err)
		}
	}
	return &p, nil
}

// payrollAudit is what the audit trail keeps of a payroll.
func payrollAudit(p *payment.Payroll) map[string]any {
	return map[string]any{"county": p.County, "program": p.Program, "month": p.Month, "kind": p.Kind, "number": p.Number,
		"status": p.Status, "households": p.Households, "lines": p.Lines, "suspended": p.Suspended, "regular": p.Regular,
		"back_pay": p.BackPay, "adjustments": p.Adjustments, "total": p.Total, "runs": p.Runs, "error": p.Error}
}

func payrollBusy(p *payment.Payroll) error {
	return apperr.Errorf(apperr.Conflict, "the %s payroll of %s for %s is being generated (started by %s): wait for it to finish",
		p.Program, p.County, p.Month, p.StartedBy)
}

func payrollLeaseLost(p *payment.Payroll) error {
	return apperr.Errorf(apperr.Conflict, "the generation of payroll %d was stopped or taken over by another process", p.ID)
}

// BeginPayroll implements payment.JobStore.
func (db *DB) BeginPayroll(ctx context.Context, k payment.Key, stale time.Duration) (*payment.Payroll, error) {
	if k.Kind == "" {
		k.Kind = payment.Regular
	}
	var out *payment.Payroll
	err := db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		actor := audit.ActorFrom(ctx).Username
		p, err := scanPayroll(t.queryRow(ctx, `SELECT `+payrollColumns+` FROM payrolls
			WHERE county_code = ? AND program = ? AND month = ? AND kind = ? AND number = ?`, k.County, string(k.Program), k.Month, k.Kind, k.Number))
		action := "start"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// Back pay reaches back to the county's first payroll of the
			// program: months before it were paid outside SafetyNet.
			var first sql.NullString
			if err := t.queryRow(ctx, `SELECT MIN(month) FROM payrolls WHERE county_code = ? AND program = ?`,
				k.County, string(k.Program)).Scan(&first); err != nil {
				return err
			}
			from := k.Month
			if first.Valid && first.String < k.Month.String() {
				if from, err = civil.ParseMonth(first.String); err != nil {
					return err
				}
			}
			p = &payment.Payroll{Key: k, Status: payment.Generating, BackFrom: from, StartedBy: actor, StartedAt: now, Version: 1}
			p.ID, err = t.insertID(ctx, `INSERT INTO payrolls (county_code, program, month, kind, number, status, back_from, started_by,
				started_at, version, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				k.County, string(k.Program), k.Month, k.Kind, k.Number, p.Status, p.BackFrom, actor, now, 1, now)
			if _, dup := isUniqueViolation(err); dup {
				return errRetry // begun at the same moment elsewhere: the retry sees it
			}
			if err != nil {
				return err
			}
		case err != nil:
			return err
		case p.Status == payment.Approved:
			p.Again, out = true, p
			return nil
		case p.Status == payment.Generating && now.Sub(p.Heartbeat) < stale:
			return payrollBusy(p)
		case p.Status == payment.Prepared:
			// Regenerate: keep the lines aside for the Diff.
			action, p.Rerun = "regenerate", true
			for _, q := range []string{
				`DELETE FROM payroll_prior_lines WHERE payroll_id = ?`,
				`INSERT INTO payroll_prior_lines (payroll_id, county_code, region_code, household_id, household_no, payee, enrollment_id,
					service_month, kind, amount, adjustment_id)
					SELECT payroll_id, county_code, region_code, household_id, household_no, payee, enrollment_id, service_month, kind, amount,
					adjustment_id FROM payroll_lines WHERE payroll_id = ?`,
				`DELETE FROM payroll_lines WHERE payroll_id = ?`,
				`UPDATE payrolls SET households = 0, lines = 0, suspended = 0, regular = 0, back_pay = 0, adjustments = 0, total = 0,
					done = 0, after_household = 0, version = version + 1 WHERE id = ?`,
			} {
				if _, err := t.exec(ctx, q, p.ID); err != nil {
					return err
				}
			}
			p.Households, p.Lines, p.Suspended, p.Regular, p.BackPay, p.Adjustments, p.Total, p.Done, p.After = 0, 0, 0, 0, 0, 0, 0, 0, 0
			p.Version++
			p.StartedBy, p.StartedAt = actor, now
		default:
			action, p.Resumed = "resume", true
		}
		if err := t.queryRow(ctx, `SELECT COUNT(DISTINCT household_id) FROM enrollments WHERE county_code = ? AND program = ?
			AND start_month <= ? AND (end_month IS NULL OR end_month >= ?)`, k.County, string(k.Program), k.Month, p.BackFrom).Scan(&p.Pending); err != nil {
			return err
		}
		p.Status, p.Lease, p.Heartbeat, p.Error = payment.Generating, rand.Text(), now, ""
		if _, err := t.exec(ctx, `UPDATE payrolls SET status = ?, lease = ?, heartbeat = ?, error = '', pending = ?, started_by = ?, started_at = ?
			WHERE id = ?`, p.Status, p.Lease, now, p.Pending, p.StartedBy, p.StartedAt, p.ID); err != nil {
			return err
		}
		out = p
		return t.audit(ctx, "payroll", p.ID, p.County, action, nil, payrollAudit(p))
	})
	return out, err
}

const adjustmentColumns = `a.id, a.county_code, a.region_code, a.program, a.household_id, h.number, a.enrollment_id, a.service_month,
	a.amount, a.reason, a.from_payroll_id, a.payroll_id, a.created_by, a.created_at, a.version`

func scanAdjustment(sc scanner, more ...any) (*payment.Adjustment, error) {
	var a payment.Adjustment
	var program string
	var amount int64
	var enr, from, pay sql.NullInt64
	var created timestamp
	if err := sc.Scan(append([]any{&a.ID, &a.County, &a.Region, &program, &a.HouseholdID, &a.HouseholdNo, &enr, &a.ServiceMonth,
		&amount, &a.Reason, &from, &pay, &a.CreatedBy, &created, &a.Version}, more...)...); err != nil {
		return nil, err
	}
	a.Program, a.Amount, a.CreatedAt = policy.Program(program), money.Fen(amount), created.Time
	a.EnrollmentID, a.FromPayrollID, a.PayrollID = enr.Int64, from.Int64, pay.Int64
	return &a, nil
}

// PendingAdjustments implements payment.JobStore.
func (db *DB) PendingAdjustments(ctx context.Context, p *payment.Payroll) ([]payment.Pending, error) {
	rows, err := db.query(ctx, `SELECT `+adjustmentColumns+`, h.region_code, h.bank_holder, h.bank_name, h.bank_account_enc
		FROM payment_adjustments a JOIN households h ON h.id = a.household_id
		WHERE a.county_code = ? AND a.program = ? AND (a.payroll_id IS NULL OR a.payroll_id = ?) ORDER BY a.id`,
		p.County, string(p.Program), p.ID)
	return collect(rows, err, func(sc scanner) (payment.Pending, error) {
		var py payment.Payee
		a, err := scanAdjustment(sc, &py.Region, &py.Name, &py.BankName, &py.BankAccountSealed)
		if err != nil {
			return payment.Pending{}, err
		}
		py.HouseholdID, py.HouseholdNo = a.HouseholdID, a.HouseholdNo
		return payment.Pending{Adjustment: *a, Payee: py}, nil
	})
}

// FinishPayroll implements payment.JobStore.
func (db *DB) FinishPayroll(ctx context.Context, p *payment.Payroll, adj []payment.Line, status, reason string) (*payment.Diff, error) {
	switch status {
	case payment.Prepared, payment.Failed:
	default:
		return nil, fmt.Errorf("FinishPayroll: status %q", status)
	}
	var out *payment.Payroll
	var diff *payment.Diff
	err := db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		diff = nil
		if status == payment.Failed {
			res, err := t.exec(ctx, `UPDATE payrolls SET status = ?, error = ?, heartbeat = ?, version = version + 1
				WHERE id = ? AND lease = ? AND status = 'generating'`, status, reason, now, p.ID, p.Lease)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return payrollLeaseLost(p)
			}
		} else {
			var runs int
			if err := t.queryRow(ctx, `SELECT runs FROM payrolls WHERE id = ? AND lease = ? AND status = 'generating'`, p.ID, p.Lease).Scan(&runs); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return payrollLeaseLost(p)
				}
				return err
			}
			// A resumed generation may have stored the adjustment lines
			// before it stopped: they are stored again.
			if _, err := t.exec(ctx, `DELETE FROM payroll_lines WHERE payroll_id = ? AND kind = 'adjustment'`, p.ID); err != nil {
				return err
			}
			if err := t.insertLines(ctx, adj); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE payment_adjustments SET payroll_id = NULL WHERE payroll_id = ?`, p.ID); err != nil {
				return err
			}
			for _, l := range adj {
				if _, err := t.exec(ctx, `UPDATE payment_adjustments SET payroll_id = ? WHERE id = ?`, p.ID, l.AdjustmentID); err != nil {
					return err
				}
			}
			after, err := t.lineTotals(ctx, "payroll_lines", p.ID)
			if err != nil {
				return err
			}
			var diffJSON string
			if runs > 0 {
				if diff, err = t.priorDiff(ctx, p.ID); err != nil {
					return err
				}
				diff.After = after
				b, err := json.Marshal(diff)
				if err != nil {
					return err
				}
				diffJSON = string(b)
				if _, err := t.exec(ctx, `DELETE FROM payroll_prior_lines WHERE payroll_id = ?`, p.ID); err != nil {
					return err
				}
			}
			res, err := t.exec(ctx, `UPDATE payrolls SET status = 'prepared', households = ?, lines = ?, regular = ?, back_pay = ?, adjustments = ?,
				total = ?, prepared_by = ?, prepared_at = ?, runs = runs + 1, last_diff = ?, error = '', heartbeat = ?, version = version + 1
				WHERE id = ? AND lease = ? AND status = 'generating'`, after.Households, after.Lines, int64(after.Regular), int64(after.BackPay),
				int64(after.Adjustments), int64(after.Total), audit.ActorFrom(ctx).Username, now, diffJSON, now, p.ID, p.Lease)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return payrollLeaseLost(p)
			}
		}
		var err error
		if out, err = scanPayroll(t.queryRow(ctx, `SELECT `+payrollColumns+` FROM payrolls WHERE id = ?`, p.ID)); err != nil {
			return err
		}
		after := payrollAudit(out)
		if diff != nil {
			after["diff"] = map[string]any{"added": diff.NAdded, "removed": diff.NRemoved, "changed": diff.NChanged, "before_total": diff.Before.Total}
		}
		return t.audit(ctx, "payroll", p.ID, p.County, "finish", nil, after)
	})
	if err != nil {
		return nil, err
	}
	out.Resumed, out.Rerun = p.Resumed, p.Rerun
	*p = *out
	return diff, nil
}

// lineTotals sums a payroll's lines in table (payroll_lines or
// payroll_prior_lines).
func (t *Tx) lineTotals(ctx context.Context, table string, id int64) (payment.Totals, error) {
	var s payment.Totals
	var reg, back, adj sql.NullInt64
	err := t.queryRow(ctx, `SELECT COUNT(DISTINCT household_id), COUNT(*), SUM(CASE WHEN kind = 'regular' THEN amount ELSE 0 END),
		SUM(CASE WHEN kind = 'back_pay' THEN amount ELSE 0 END), SUM(CASE WHEN kind = 'adjustment' THEN amount ELSE 0 END)
		FROM `+table+` WHERE payroll_id = ?`, id).Scan(&s.Households, &s.Lines, &reg, &back, &adj)
	s.Regular, s.BackPay, s.Adjustments = money.Fen(reg.Int64), money.Fen(back.Int64), money.Fen(adj.Int64)
	s.Total = s.Regular + s.BackPay + s.Adjustments
	return s, err
}

// priorDiff compares a payroll's lines with those before its
// regeneration. The totals After are the caller's.
func (t *Tx) priorDiff(ctx context.Context, id int64) (*payment.Diff, error) {
	d := &payment.Diff{}
	var err error
	if d.Before, err = t.lineTotals(ctx, "payroll_prior_lines", id); err != nil {
		return nil, err
	}
	const match = `o.household_id = n.household_id AND o.service_month = n.service_month AND o.kind = n.kind
		AND COALESCE(o.adjustment_id, 0) = COALESCE(n.adjustment_id, 0)`
	const cols = `%[1]s.household_id, %[1]s.household_no, %[1]s.payee, %[1]s.region_code, %[1]s.enrollment_id, %[1]s.service_month,
		%[1]s.kind, %[1]s.amount, %[1]s.adjustment_id`
	list := func(q string, each func(a, b payment.Line)) error {
		rows, err := t.query(ctx, q, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a, b payment.Line
			var ea, eb, aa, ab sql.NullInt64
			var amA, amB sql.NullInt64
			if err := rows.Scan(&a.HouseholdID, &a.HouseholdNo, &a.Payee, &a.Region, &ea, &a.ServiceMonth, &a.Kind, &amA, &aa,
				&b.HouseholdID, &b.HouseholdNo, &b.Payee, &b.Region, &eb, &b.ServiceMonth, &b.Kind, &amB, &ab); err != nil {
				return err
			}
			a.EnrollmentID, a.Amount, a.AdjustmentID = ea.Int64, money.Fen(amA.Int64), aa.Int64
			b.EnrollmentID, b.Amount, b.AdjustmentID = eb.Int64, money.Fen(amB.Int64), ab.Int64
			each(a, b)
		}
		return rows.Err()
	}
	keep := func(n *int64, to *[]payment.Line, l payment.Line) {
		*n++
		if len(*to) < payment.MaxDiffLines {
			*to = append(*to, l)
		} else {
			d.Truncated = true
		}
	}
	// Each query lists the line twice (the second copy unused) so one
	// scanner serves all three.
	n, o := fmt.Sprintf(cols, "n"), fmt.Sprintf(cols, "o")
	if err := list(`SELECT `+n+`, `+n+` FROM payroll_lines n WHERE n.payroll_id = ? AND NOT EXISTS
		(SELECT 1 FROM payroll_prior_lines o WHERE o.payroll_id = n.payroll_id AND `+match+`) ORDER BY n.household_id, n.id`,
		func(a, _ payment.Line) { keep(&d.NAdded, &d.Added, a) }); err != nil {
		return nil, err
	}
	if err := list(`SELECT `+o+`, `+o+` FROM payroll_prior_lines o WHERE o.payroll_id = ? AND NOT EXISTS
		(SELECT 1 FROM payroll_lines n WHERE n.payroll_id = o.payroll_id AND `+match+`) ORDER BY o.household_id, o.service_month`,
		func(a, _ payment.Line) { keep(&d.NRemoved, &d.Removed, a) }); err != nil {
		return nil, err
	}
	if err := list(`SELECT `+o+`, `+n+` FROM payroll_prior_lines o JOIN payroll_lines n ON n.payroll_id = o.payroll_id AND `+match+`
		WHERE o.payroll_id = ? AND o.amount <> n.amount ORDER BY o.household_id, o.service_month`,
		func(a, b payment.Line) {
			d.NChanged++
			if len(d.Changed) < payment.MaxDiffLines {
				d.Changed = append(d.Changed, payment.LineChange{Before: a, After: b})
			} else {
				d.Truncated = true
			}
		}); err != nil {
		return nil, err
	}
	return d, nil
}

const payrollLineColumns = `l.id, l.payroll_id, l.county_code, l.region_code, l.program, l.household_id, l.household_no, l.payee,
	l.enrollment_id, l.service_month, l.kind, l.amount, l.explanation, l.bank_name, l.bank_account_enc, l.adjustment_id, l.status`

// scanLine reads a line; the account stays sealed (BankAccountSealed).
func scanLine(sc scanner) (payment.Line, error) {
	var l payment.Line
	var program, ex string
	var enr, adj sql.NullInt64
	var amount int64
	if err := sc.Scan(&l.ID, &l.PayrollID, &l.County, &l.Region, &program, &l.HouseholdID, &l.HouseholdNo, &l.Payee, &enr,
		&l.ServiceMonth, &l.Kind, &amount, &ex, &l.BankName, &l.BankAccountSealed, &adj, &l.Status); err != nil {
		return l, err
	}
	l.Program, l.Amount, l.EnrollmentID, l.AdjustmentID = policy.Program(program), money.Fen(amount), enr.Int64, adj.Int64
	if err := json.Unmarshal([]byte(ex), &l.Explanation); err != nil {
		return l, fmt.Errorf("payroll line %d explanation: %w", l.ID, err)
	}
	return l, nil
}

// PayrollLines implements payment.JobStore.
func (db *DB) PayrollLines(ctx context.Context, payrollID int64, households []int64) ([]payment.Line, error) {
	if len(households) == 0 {
		return nil, nil
	}
	args, in := inArgs(households)
	rows, err := db.query(ctx, `SELECT `+payrollLineColumns+` FROM payroll_lines l WHERE l.payroll_id = ? AND l.household_id IN (`+in+`)
		ORDER BY l.household_id, l.id`, append([]any{payrollID}, args...)...)
	return collect(rows, err, scanLine)
}

// payroll reads a payroll in scope.
func (db *DB) payroll(ctx context.Context, qr querier, scope registry.Scope, id int64) (*payment.Payroll, error) {
	lo, hi := prefixRange(scope.Region)
	p, err := scanPayroll(qr.queryRow(ctx, `SELECT `+payrollColumns+` FROM payrolls WHERE id = ? AND county_code >= ? AND county_code < ?`, id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("payroll", id)
	}
	return p, err
}

// Payroll implements payment.Store.
func (db *DB) Payroll(ctx context.Context, scope registry.Scope, id int64) (*payment.Payroll, error) {
	return db.payroll(ctx, db, scope, id)
}

// Payrolls implements payment.Store.
func (db *DB) Payrolls(ctx context.Context, scope registry.Scope, f payment.Filter) ([]payment.Payroll, error) {
	lo, hi := prefixRange(scope.Region)
	q := `SELECT ` + payrollColumns + ` FROM payrolls WHERE county_code >= ? AND county_code < ?`
	args := []any{lo, hi}
	if f.Region != "" {
		flo, fhi := prefixRange(f.Region)
		q += ` AND county_code >= ? AND county_code < ?`
		args = append(args, flo, fhi)
	}
	if f.Program != "" {
		q, args = q+` AND program = ?`, append(args, string(f.Program))
	}
	if !f.Month.IsZero() {
		q, args = q+` AND month = ?`, append(args, f.Month)
	}
	if f.Status != "" {
		q, args = q+` AND status = ?`, append(args, f.Status)
	}
	if f.Before > 0 {
		q, args = q+` AND id < ?`, append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	return collect(rows, err, func(sc scanner) (payment.Payroll, error) {
		p, err := scanPayroll(sc)
		if err != nil {
			return payment.Payroll{}, err
		}
		return *p, nil
	})
}

// Lines implements payment.Store.
func (db *DB) Lines(ctx context.Context, scope registry.Scope, f payment.LineFilter) ([]payment.Line, error) {
	p, err := db.Payroll(ctx, scope, f.PayrollID)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + payrollLineColumns + ` FROM payroll_lines l WHERE l.payroll_id = ? AND l.id > ?`
	args := []any{p.ID, f.After}
	if f.Region != "" {
		lo, hi := prefixRange(f.Region)
		q, args = q+` AND l.region_code >= ? AND l.region_code < ?`, append(args, lo, hi)
	}
	if f.HouseholdID != 0 {
		q, args = q+` AND l.household_id = ?`, append(args, f.HouseholdID)
	}
	if f.Kind != "" {
		q, args = q+` AND l.kind = ?`, append(args, f.Kind)
	}
	if f.Status != "" {
		q, args = q+` AND l.status = ?`, append(args, f.Status)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.query(ctx, q+` ORDER BY l.id LIMIT ?`, append(args, limit)...)
	lines, err := collect(rows, err, scanLine)
	if err != nil {
		return nil, err
	}
	for i := range lines {
		l := &lines[i]
		plain, err := db.open(pii.BankAccount, l.BankAccountSealed)
		if err != nil {
			return nil, err
		}
		l.BankAccountSealed = ""
		l.BankAccount = plain
		if !f.Unmask {
			l.BankAccount = pii.Mask(pii.BankAccount, plain)
		}
	}
	if f.Unmask && len(lines) > 0 {
		ids := make([]int64, len(lines))
		for i := range lines {
			ids[i] = lines[i].ID
		}
		err = db.transact(ctx, func(t *Tx) error {
			return t.audit(ctx, "payroll", p.ID, p.County, "unmask_accounts", nil, map[string]any{"lines": ids})
		})
	}
	return lines, err
}

// Adjustments implements payment.Store.
func (db *DB) Adjustments(ctx context.Context, scope registry.Scope, f payment.AdjustmentFilter) ([]payment.Adjustment, error) {
	lo, hi := prefixRange(scope.Region)
	q := `SELECT ` + adjustmentColumns + ` FROM payment_adjustments a JOIN households h ON h.id = a.household_id
		WHERE a.region_code >= ? AND a.region_code < ?`
	args := []any{lo, hi}
	if f.Region != "" {
		flo, fhi := prefixRange(f.Region)
		q, args = q+` AND a.region_code >= ? AND a.region_code < ?`, append(args, flo, fhi)
	}
	if f.Program != "" {
		q, args = q+` AND a.program = ?`, append(args, string(f.Program))
	}
	if f.HouseholdID != 0 {
		q, args = q+` AND a.household_id = ?`, append(args, f.HouseholdID)
	}
	if f.Pending {
		q += ` AND a.payroll_id IS NULL`
	}
	if f.PayrollID != 0 {
		q, args = q+` AND a.payroll_id = ?`, append(args, f.PayrollID)
	}
	if f.Before > 0 {
		q, args = q+` AND a.id < ?`, append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.query(ctx, q+` ORDER BY a.id DESC LIMIT ?`, append(args, limit)...)
	return collect(rows, err, func(sc scanner) (payment.Adjustment, error) {
		a, err := scanAdjustment(sc)
		if err != nil {
			return payment.Adjustment{}, err
		}
		return *a, nil
	})
}

// AddAdjustment implements payment.Store.
func (db *DB) AddAdjustment(ctx context.Context, scope registry.Scope, a *payment.Adjustment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		lo, hi := prefixRange(scope.Region)
		err := t.queryRow(ctx, `SELECT county_code, region_code, number FROM households WHERE id = ? AND region_code >= ? AND region_code < ?`,
			a.HouseholdID, lo, hi).Scan(&a.County, &a.Region, &a.HouseholdNo)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("household", a.HouseholdID)
		}
		if err != nil {
			return err
		}
		if a.FromPayrollID != 0 {
			from, err := db.payroll(ctx, t, scope, a.FromPayrollID)
			if err != nil {
				return err
			}
			if from.County != a.County || from.Program != a.Program {
				return apperr.Fieldf("from_payroll_id", "payroll %d pays %s in %s, not %s in the household's county %s",
					from.ID, from.Program, from.County, a.Program, a.County)
			}
		}
		var enr any
		if a.EnrollmentID != 0 {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM enrollments WHERE id = ? AND household_id = ? AND program = ?`,
				a.EnrollmentID, a.HouseholdID, string(a.Program)).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Fieldf("enrollment_id", "enrollment %d is not the household's under %s", a.EnrollmentID, a.Program)
			}
			enr = a.EnrollmentID
		}
		var from any
		if a.FromPayrollID != 0 {
			from = a.FromPayrollID
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		a.CreatedBy, a.CreatedAt, a.Version, a.PayrollID = audit.ActorFrom(ctx).Username, now, 1, 0
		a.ID, err = t.insertID(ctx, `INSERT INTO payment_adjustments (county_code, region_code, program, household_id, enrollment_id,
			service_month, amount, reason, from_payroll_id, created_by, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.County, a.Region, string(a.Program), a.HouseholdID, enr, a.ServiceMonth, int64(a.Amount), a.Reason, from, a.CreatedBy, now, 1)
		if err != nil {
			return err
		}
		return t.audit(ctx, "payment_adjustment", a.ID, a.County, "create", nil, a)
	})
}

// ApprovePayroll implements payment.Store.
func (db *DB) ApprovePayroll(ctx context.Context, scope registry.Scope, id int64, version int) (*payment.Payroll, error) {
	var out *payment.Payroll
	err := db.transact(ctx, func(t *Tx) error {
		p, err := db.payroll(ctx, t, scope, id)
		if err != nil {
			return err
		}
		actor := audit.ActorFrom(ctx).Username
		if err := payment.MayApprove(p, actor); err != nil {
			return err
		}
		if p.Version != version {
			return staleVersion("payroll", version, p.Version)
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		res, err := t.exec(ctx, `UPDATE payrolls SET status = 'approved', approved_by = ?, approved_at = ?, lease = '', version = version + 1
			WHERE id = ? AND version = ? AND status = 'prepared'`, actor, now, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion("payroll", version, p.Version+1)
		}
		if out, err = db.payroll(ctx, t, scope, id); err != nil {
			return err
		}
		return t.audit(ctx, "payroll", id, p.County, "approve", map[string]any{"status": p.Status}, payrollAudit(out))
	})
	return out, err
}
