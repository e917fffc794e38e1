package store

import (
	"context"

	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/pii"
)

// EachPayrollLine calls fn with each line of a payroll by household (and
// by id within one), the bank account opened, for bank files: the lines
// carry what a bank file uses (ID, PayrollID, HouseholdID, HouseholdNo,
// Payee, ServiceMonth, Kind, Amount, BankName, BankAccount, Status), not
// the explanation, region, enrollment or adjustment. It streams: one
// goroutine reads the lines (bulkRead) while this one opens the accounts
// and calls fn. fn must not keep l. Not scoped: the caller checked the
// payroll.
func (db *DB) EachPayrollLine(ctx context.Context, payrollID int64, fn func(l *payment.Line) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const batch = 1024
	type part struct {
		lines []payment.Line
		err   error
	}
	ch := make(chan part, 2)
	go func() {
		defer close(ch)
		err := db.bulkRead(ctx, func(qr querier) error {
			rows, err := qr.query(ctx, `SELECT id, household_id, household_no, payee, service_month, kind, amount, bank_name,
				bank_account_enc, status FROM payroll_lines WHERE payroll_id = ? ORDER BY household_id, id`, payrollID)
			if err != nil {
				return err
			}
			defer rows.Close()
			cur := make([]payment.Line, 0, batch)
			for rows.Next() {
				var l payment.Line
				var amount int64
				if err := rows.Scan(&l.ID, &l.HouseholdID, &l.HouseholdNo, &l.Payee, &l.ServiceMonth, &l.Kind, &amount, &l.BankName,
					&l.BankAccountSealed, &l.Status); err != nil {
					return err
				}
				l.PayrollID, l.Amount = payrollID, money.Fen(amount)
				if cur = append(cur, l); len(cur) == batch {
					select {
					case ch <- part{lines: cur}:
					case <-ctx.Done():
						return ctx.Err()
					}
					cur = make([]payment.Line, 0, batch)
				}
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(cur) > 0 {
				select {
				case ch <- part{lines: cur}:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
		if err != nil {
			ch <- part{err: err}
		}
	}()
	defer func() {
		cancel()
		for range ch {
		}
	}()
	for p := range ch {
		if p.err != nil {
			return p.err
		}
		for i := range p.lines {
			l := &p.lines[i]
			var err error
			if l.BankAccount, err = db.open(pii.BankAccount, l.BankAccountSealed); err != nil {
				return err
			}
			l.BankAccountSealed = ""
			if err := fn(l); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}
