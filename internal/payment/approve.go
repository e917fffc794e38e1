package payment

import (
	"context"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/registry"
)

// Approve approves a prepared payroll by the actor in ctx (审核, the
// checker of maker-checker), with the version the approver saw. The user
// who prepared the payroll, or started its generation, may not approve it.
// Once approved the payroll is locked: it is never regenerated and its
// lines are not changed.
//
// Errors: Forbidden (the actor's role does not approve payrolls, or the
// actor prepared it); NotFound (not in scope); Conflict (not prepared: it
// is generating, failed or approved already; or a stale version).
func Approve(ctx context.Context, st Store, scope registry.Scope, id int64, version int) (*Payroll, error) {
	actor := audit.ActorFrom(ctx)
	if !auth.Role(actor.Role).Can(auth.PayrollApprove) {
		return nil, apperr.Errorf(apperr.Forbidden, "the role %s does not approve payrolls", actor.Role)
	}
	p, err := st.Payroll(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	if err := MayApprove(p, actor.Username); err != nil {
		return nil, err
	}
	if p.Version != version {
		return nil, apperr.Errorf(apperr.Conflict, "payroll %d was changed since you read it (your version %d, now %d): reload it", id, version, p.Version)
	}
	return st.ApprovePayroll(ctx, scope, id, version)
}

// MayApprove checks that p can be approved by username: it is prepared,
// and username neither prepared it nor started its generation.
// Errors: Conflict (not prepared), Forbidden (the maker).
func MayApprove(p *Payroll, username string) error {
	switch p.Status {
	case Prepared:
	case Approved:
		return apperr.Errorf(apperr.Conflict, "payroll %d was approved by %s already", p.ID, p.ApprovedBy)
	default:
		return apperr.Errorf(apperr.Conflict, "payroll %d is %s: only a prepared payroll can be approved", p.ID, p.Status)
	}
	if username == p.PreparedBy || username == p.StartedBy {
		return apperr.Errorf(apperr.Forbidden, "you prepared payroll %d: another user with the approving role must approve it", p.ID)
	}
	return nil
}

// Validate checks an adjustment a preparer records.
// Errors: Invalid naming program, household_id, amount or reason.
func (a *Adjustment) Validate() error {
	var l apperr.List
	if a.Program == "" {
		l.Addf("program", "the program is required")
	}
	if a.HouseholdID <= 0 {
		l.Addf("household_id", "the household is required")
	}
	if a.Amount == 0 {
		l.Addf("amount", "an adjustment needs an amount other than zero (negative to recover an overpayment)")
	}
	a.Reason = strings.TrimSpace(a.Reason)
	if a.Reason == "" {
		l.Addf("reason", "the reason is required: it is printed on the payroll line")
	}
	return l.Err()
}
