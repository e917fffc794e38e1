package payment

import (
	"context"
	"time"

	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Filter selects payrolls. Zero fields do not filter.
type Filter struct {
	// Region is a region code prefix inside the scope: payrolls of the
	// counties in it.
	Region  string
	Program policy.Program
	Month   civil.Month
	Status  string
	// Before is the keyset: payrolls with a smaller id (newest first).
	Before int64
	// Limit defaults to 50, at most 500.
	Limit int
}

// LineFilter selects a payroll's lines, by household id then id.
type LineFilter struct {
	PayrollID int64
	// Region is a region code prefix: lines of households in it.
	Region      string
	HouseholdID int64
	Kind        string
	Status      string
	// After is the keyset: lines with a larger id.
	After int64
	// Limit defaults to 100, at most 1000.
	Limit int
	// Unmask returns bank accounts in full; the read is audited. Without
	// it they are masked (pii.Mask).
	Unmask bool
}

// AdjustmentFilter selects adjustments. Zero fields do not filter.
type AdjustmentFilter struct {
	// Region is a region code prefix inside the scope: adjustments of
	// households in it.
	Region      string
	Program     policy.Program
	HouseholdID int64
	// Pending: only those no payroll carries yet.
	Pending bool
	// PayrollID: those the payroll carries.
	PayrollID int64
	Before    int64
	Limit     int
}

// Store keeps payrolls, their lines and adjustments. The SQL
// implementation is in internal/store. Every write is audited with the
// actor from ctx. Reads and writes for people take a registry.Scope: a
// payroll is in scope when its county lies inside the scope's region;
// anything else is NotFound.
type Store interface {
	// Payroll returns one payroll. Errors: NotFound.
	Payroll(ctx context.Context, scope registry.Scope, id int64) (*Payroll, error)
	// Payrolls lists payrolls in scope matching f, newest first.
	Payrolls(ctx context.Context, scope registry.Scope, f Filter) ([]Payroll, error)
	// Lines lists a payroll's lines matching f.
	// Errors: NotFound (the payroll is not in scope).
	Lines(ctx context.Context, scope registry.Scope, f LineFilter) ([]Line, error)

	// Adjustments lists adjustments in scope matching f, newest first.
	Adjustments(ctx context.Context, scope registry.Scope, f AdjustmentFilter) ([]Adjustment, error)
	// AddAdjustment records a (validated: Adjustment.Validate) correction
	// for the household's next payroll of a.Program; it fills in ID,
	// County, Region, HouseholdNo, CreatedBy, CreatedAt and Version.
	// Errors: NotFound (the household, or FromPayrollID, not in scope),
	// Invalid (FromPayrollID of another county or program).
	AddAdjustment(ctx context.Context, scope registry.Scope, a *Adjustment) error

	// ApprovePayroll approves a prepared payroll by the actor in ctx, in
	// one transaction that re-checks what Approve checked.
	// Errors: NotFound; Conflict (a stale version; not prepared);
	// Forbidden (the actor prepared or started it).
	ApprovePayroll(ctx context.Context, scope registry.Scope, id int64, version int) (*Payroll, error)

	JobStore
}

// JobStore is what generation needs. It is not scoped: the job runs for
// one county.
type JobStore interface {
	// BeginPayroll starts the generation of k's payroll, or takes over the
	// one that exists unless it is generating with a heartbeat newer than
	// stale: a stopped generation resumes (Resumed set, After kept); a
	// prepared payroll is regenerated (Rerun set: its lines are kept
	// aside for the Diff and removed, its keyset reset); an approved one
	// is returned as it is with Again set. It counts Pending and gives a
	// new Lease. Errors: Conflict when it is generating in another process.
	BeginPayroll(ctx context.Context, k Key, stale time.Duration) (*Payroll, error)
	// PayrollSources returns the next chunk of households with an
	// enrollment under q.Program in q.County that covers a month from
	// q.BackFrom to q.Month, by household id after q.After.
	PayrollSources(ctx context.Context, q SourceQuery) ([]Source, error)
	// HouseholdsAt returns the households (by id) as they stood on d, for
	// a county that recomputes amounts.
	HouseholdsAt(ctx context.Context, ids []int64, d civil.Date) (map[int64]*registry.Snapshot, error)
	// SaveLines stores a chunk's lines, adds c to the payroll's counts,
	// sets its keyset to after and beats its heartbeat, in one
	// transaction. Errors: Conflict when the payroll is no longer
	// generating under p.Lease, or a month would be paid twice (another
	// payroll of the program paid it meanwhile).
	SaveLines(ctx context.Context, p *Payroll, lines []Line, c ChunkCounts, after int64) error
	// PendingAdjustments lists the adjustments of the county and program
	// that no payroll carries, and those p carries already (a
	// regeneration), with the households' payees.
	PendingAdjustments(ctx context.Context, p *Payroll) ([]Pending, error)
	// FinishPayroll ends a generation. With status Prepared it stores the
	// adjustment lines adj and marks their adjustments carried by p,
	// recounts the totals from the lines, makes the actor PreparedBy and,
	// after a regeneration, stores and returns the Diff against the lines
	// before it; with Failed it records reason. One transaction, audited.
	// Errors: Conflict when the lease was lost.
	FinishPayroll(ctx context.Context, p *Payroll, adj []Line, status, reason string) (*Diff, error)
	// PayrollLines returns the lines p holds for the households, for the
	// Diff of an approved payroll.
	PayrollLines(ctx context.Context, payrollID int64, households []int64) ([]Line, error)
}

// SourceQuery asks for a chunk of households to pay.
type SourceQuery struct {
	County  string
	Program policy.Program
	Month   civil.Month
	// BackFrom is the first month back pay may cover (the first month the
	// county paid the program through SafetyNet); months before it are
	// not read.
	BackFrom civil.Month
	// Exclude is a payroll whose own lines do not count as paid (the
	// approved payroll compared with what it would be now).
	Exclude int64
	After   int64
	Limit   int
}

// Source is a household to pay: its payee and bank account, its
// enrollment records under the program covering a month from
// SourceQuery.BackFrom to Month (oldest first), and the months in that
// range a payroll other than Exclude paid it already.
type Source struct {
	Payee
	Enrollments []Enrolled
	Paid        []civil.Month
}

// Payee is who a line pays: a household and its bank account.
type Payee struct {
	HouseholdID       int64
	HouseholdNo       string
	Region            string
	Name              string // the account holder (收款人)
	BankName          string
	BankAccountSealed string
}

// Enrolled is an enrollment record with the date of its decision.
type Enrolled struct {
	casework.Enrollment
	DecidedOn civil.Date
}

// Pending is an adjustment to carry, with its household's payee.
type Pending struct {
	Adjustment
	Payee Payee
}

// ChunkCounts are what one chunk adds to a generating payroll's counts
// (the totals are recounted from the lines when it finishes).
type ChunkCounts struct {
	// Done counts the households processed; Suspended the suspended
	// enrollments covering the month.
	Done, Suspended int64
}
