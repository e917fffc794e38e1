package payment

import (
	"encoding/json"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// Payroll kinds. A county pays each program once a month on its regular
// payroll; a supplementary payroll (补发花名册, numbered 1, 2, … within the
// month) pays what the regular one could not, such as lines a bank
// returned as failed (issue 7, step 2).
const (
	Regular       = "regular"
	Supplementary = "supplementary"
)

// Payroll statuses.
const (
	// Generating: the job is running, or stopped (killed, cancelled, an
	// error: Error says why) and resumes when generation is started again.
	Generating = "generating"
	// Prepared: generated and waiting for approval; generating it again
	// regenerates it and shows the difference.
	Prepared = "prepared"
	// Approved: approved by a second user and locked: no regeneration, no
	// change to a line. Corrections go into a later payroll as adjustments.
	Approved = "approved"
	// Failed: generation stopped with an error (Error says which);
	// generating it again resumes it.
	Failed = "failed"
)

// Line kinds.
const (
	// LineRegular pays the payroll's month.
	LineRegular = "regular"
	// LineBackPay (补发) pays an earlier month of the enrollment that no
	// payroll has paid, e.g. when the decision came after that month's
	// payroll was generated.
	LineBackPay = "back_pay"
	// LineAdjustment carries an Adjustment: a correction of an earlier
	// payment, positive or negative, with its reason.
	LineAdjustment = "adjustment"
)

// Line payment statuses. Generation leaves lines LinePending; the bank's
// return file marks them paid or failed (issue 7, step 2).
const (
	LinePending = "pending"
	LinePaid    = "paid"
	LineFailed  = "failed"
)

// StaleAfter is how long a generating payroll may go without storing a
// chunk before another process may take it over.
const StaleAfter = 5 * time.Minute

// Key names a payroll: there is one per county, program, month, kind and
// number.
type Key struct {
	// County is the 6-digit county code (the county pays: policy reference
	// §1.7, SAIM Art. 12).
	County  string         `json:"county"`
	Program policy.Program `json:"program"`
	// Month is the month paid.
	Month civil.Month `json:"month"`
	// Kind is Regular or Supplementary; Number is 0 for a regular payroll
	// and 1, 2, … for the supplementary payrolls of the month.
	Kind   string `json:"kind"`
	Number int    `json:"number"`
}

// Payroll is one payroll (发放花名册) of a county, program and month.
type Payroll struct {
	ID int64 `json:"id"`
	Key
	// Status is Generating, Prepared, Approved or Failed.
	Status string `json:"status"`

	// Households counts the households with at least one line; Lines the
	// lines.
	Households int64 `json:"households"`
	Lines      int64 `json:"lines"`
	// Suspended counts the enrollments covering the month that are
	// suspended and so not paid (暂停发放).
	Suspended int64 `json:"suspended"`
	// Totals in fen: Regular (the month's lines), BackPay, Adjustments
	// (signed), and Total = Regular + BackPay + Adjustments.
	Regular     money.Fen `json:"regular"`
	BackPay     money.Fen `json:"back_pay"`
	Adjustments money.Fen `json:"adjustments"`
	Total       money.Fen `json:"total"`

	// StartedBy is the user who started the latest generation; PreparedBy
	// the one who completed it (the maker; usually the same user);
	// PreparedAt when it became prepared. Neither may approve it.
	StartedBy  string    `json:"started_by"`
	PreparedBy string    `json:"prepared_by"`
	PreparedAt time.Time `json:"prepared_at,omitzero"`
	// ApprovedBy is the second user who approved it (the checker).
	ApprovedBy string    `json:"approved_by,omitempty"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`
	// Version changes with every change of status (optimistic
	// concurrency: Approve takes the version the approver saw).
	Version int `json:"version"`
	// Runs counts the generations: 1 after the first, 2 after a
	// regeneration, …
	Runs int `json:"runs"`
	// LastDiff is what the latest regeneration changed against the lines
	// before it (nil after the first generation).
	LastDiff *Diff `json:"last_diff,omitempty"`

	// BackFrom is the first month back pay may cover: the month of the
	// county's first payroll of the program (months before it were paid
	// before SafetyNet paid them), fixed when the payroll is created.
	BackFrom civil.Month `json:"back_from"`

	// The job. Pending is the number of households with an enrollment to
	// consider, counted when generation starts or resumes; Done those
	// processed so far. After is the keyset: the last household stored.
	Pending   int64     `json:"pending"`
	Done      int64     `json:"done"`
	After     int64     `json:"-"`
	Lease     string    `json:"-"`
	StartedAt time.Time `json:"started_at"`
	Heartbeat time.Time `json:"heartbeat"`
	// Error says why generation stopped (Status Failed or Generating after
	// a cancellation).
	Error string `json:"error,omitempty"`

	// Resumed: Begin took over a stopped generation. Rerun: Begin started
	// the regeneration of a prepared payroll. Again: the payroll is
	// approved and nothing was generated. None of them is stored.
	Resumed bool `json:"resumed,omitempty"`
	Rerun   bool `json:"rerun,omitempty"`
	Again   bool `json:"again,omitempty"`
}

// Percent is how far generation has got.
func (p *Payroll) Percent() int {
	if p.Status != Generating {
		return 100
	}
	if p.Pending <= 0 {
		return 0
	}
	return int(min(99, p.Done*100/p.Pending))
}

// Line is one payment of a payroll to a household.
type Line struct {
	ID        int64 `json:"id"`
	PayrollID int64 `json:"payroll_id"`
	// County is the payroll's county; Region the household's region.
	County  string         `json:"county_code"`
	Region  string         `json:"region"`
	Program policy.Program `json:"program"`
	// HouseholdID and HouseholdNo name the household; Payee is the account
	// holder's name (收款人) as the household registered it.
	HouseholdID int64  `json:"household_id"`
	HouseholdNo string `json:"household_number"`
	Payee       string `json:"payee"`
	// EnrollmentID is the enrollment record paid (0 for an adjustment not
	// tied to one).
	EnrollmentID int64 `json:"enrollment_id,omitempty"`
	// ServiceMonth is the month the money is for: the payroll's month for
	// a regular line, an earlier one for back pay, the month of the
	// payroll for an adjustment.
	ServiceMonth civil.Month `json:"service_month"`
	// Kind is LineRegular, LineBackPay or LineAdjustment.
	Kind string `json:"kind"`
	// Amount in fen; negative only for an adjustment that recovers an
	// overpayment.
	Amount money.Fen `json:"amount"`
	// Explanation says why this amount.
	Explanation Explanation `json:"explanation"`
	// The bank account, copied from the household when the line is
	// generated, so a later change of account does not change an issued
	// payroll. BankAccount is plain here; the store keeps it encrypted
	// (pii.BankAccount) like the household's, and screens mask it.
	BankName    string `json:"bank_name,omitempty"`
	BankAccount string `json:"bank_account,omitempty"`
	// BankAccountSealed is the account as the store keeps it (encrypted),
	// copied from the household without decrypting it; only the store
	// reads or writes it.
	BankAccountSealed string `json:"-"`
	// AdjustmentID is the adjustment a LineAdjustment carries.
	AdjustmentID int64 `json:"adjustment_id,omitempty"`
	// Status is LinePending until the bank's return (step 2).
	Status string `json:"status"`
}

// Explanation reasons: why a line has its amount.
const (
	// BecauseDecided: the decided amount of the enrollment since Since
	// (DB57: the amount stays until the next review, §1.9).
	BecauseDecided = "decided"
	// BecauseRecomputed: the county recomputes monthly
	// (payment.recompute_monthly): the rules engine's amount on the
	// month's household snapshot; Rules holds its explanation.
	BecauseRecomputed = "recomputed"
	// BecauseBackPay: back pay for the months From–To, which the decision
	// of DecidedOn started before it was made.
	BecauseBackPay = "back_pay"
	// BecauseAdjustment: an adjustment recorded by a preparer, with Reason.
	BecauseAdjustment = "adjustment"
)

// Explanation is why a line has its amount.
type Explanation struct {
	// Reason is one of the Because… values.
	Reason string `json:"reason"`
	// DecisionID and DecidedOn are the decision behind the enrollment.
	DecisionID int64      `json:"decision_id,omitempty"`
	DecidedOn  civil.Date `json:"decided_on,omitzero"`
	// Since is the enrollment record's first month (decided).
	Since civil.Month `json:"since,omitzero"`
	// From and To are the months a back-pay line covers (one line per
	// month; From–To is the run of months the household is paid back in
	// this payroll).
	From civil.Month `json:"from,omitzero"`
	To   civil.Month `json:"to,omitzero"`
	// Monthly is the monthly amount a back-pay or recomputed line applies.
	Monthly money.Fen `json:"monthly,omitempty"`
	// Decided is the decided amount when it differs from a recomputed one.
	Decided money.Fen `json:"decided,omitempty"`
	// Rules is the rules engine's explanation of a recomputed amount
	// (policy.Result.Lines).
	Rules json.RawMessage `json:"rules,omitempty"`
	// Note is an adjustment's reason, or a free remark.
	Note string `json:"note,omitempty"`
}

// Adjustment is a correction of an earlier payment (更正), recorded by a
// preparer with its reason and applied to the next payroll of the county
// and program that is generated: an approved payroll is never changed.
// A positive amount pays what was missing, a negative one recovers an
// overpayment.
type Adjustment struct {
	ID int64 `json:"id"`
	// County and Program say which payroll takes it; Region is the
	// household's.
	County      string         `json:"county_code"`
	Region      string         `json:"region"`
	Program     policy.Program `json:"program"`
	HouseholdID int64          `json:"household_id"`
	HouseholdNo string         `json:"household_number,omitempty"`
	// EnrollmentID is the enrollment concerned, if any.
	EnrollmentID int64 `json:"enrollment_id,omitempty"`
	// ServiceMonth is the month corrected, if one.
	ServiceMonth civil.Month `json:"service_month,omitzero"`
	// Amount in fen, non-zero, signed.
	Amount money.Fen `json:"amount"`
	// Reason is required: it is printed on the line.
	Reason string `json:"reason"`
	// FromPayrollID is the payroll whose line is corrected, if any.
	FromPayrollID int64 `json:"from_payroll_id,omitempty"`
	// PayrollID is the payroll that carries it; 0 while pending.
	PayrollID int64     `json:"payroll_id,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Version   int       `json:"version"`
}

// Diff is what a generation changed, or would change, against a payroll's
// lines: lines are matched by household, service month, kind and
// adjustment.
type Diff struct {
	Added   []Line       `json:"added,omitempty"`
	Removed []Line       `json:"removed,omitempty"`
	Changed []LineChange `json:"changed,omitempty"`
	// Before and After are the totals.
	Before Totals `json:"before"`
	After  Totals `json:"after"`
	// Truncated: only the first MaxDiffLines of each list are kept; the
	// counts below are complete.
	Truncated bool `json:"truncated,omitempty"`
	// NAdded, NRemoved and NChanged count the lines added, removed and
	// changed.
	NAdded   int64 `json:"n_added"`
	NRemoved int64 `json:"n_removed"`
	NChanged int64 `json:"n_changed"`
}

// MaxDiffLines is how many lines of each list a Diff keeps.
const MaxDiffLines = 1000

// Empty reports whether nothing differs.
func (d *Diff) Empty() bool {
	return d == nil || (d.NAdded == 0 && d.NRemoved == 0 && d.NChanged == 0 && d.Before == d.After)
}

// LineChange is a line whose amount differs.
type LineChange struct {
	Before Line `json:"before"`
	After  Line `json:"after"`
}

// Totals are a payroll's counts and sums.
type Totals struct {
	Households  int64     `json:"households"`
	Lines       int64     `json:"lines"`
	Regular     money.Fen `json:"regular"`
	BackPay     money.Fen `json:"back_pay"`
	Adjustments money.Fen `json:"adjustments"`
	Total       money.Fen `json:"total"`
}

// Totals returns the payroll's totals.
func (p *Payroll) Totals() Totals {
	return Totals{Households: p.Households, Lines: p.Lines, Regular: p.Regular, BackPay: p.BackPay, Adjustments: p.Adjustments, Total: p.Total}
}
