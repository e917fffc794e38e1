package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

// payFixture is a county with households enrolled in Dibao.
type payFixture struct {
	db             *store.DB
	set            *policy.Set
	maker, checker context.Context
	scope          registry.Scope
	tw             string
	app            int // applications made
}

func newPayFixture(t *testing.T, db *store.DB) *payFixture {
	t.Helper()
	db.SetKeys(storetest.Keys(t))
	set, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	tw, _ := townships(t)
	return &payFixture{db: db, set: set, tw: tw, scope: registry.Scope{Region: "440103"},
		maker:   audit.WithActor(context.Background(), audit.Actor{UserID: 7, Username: "county", Role: string(auth.CountyApprover)}),
		checker: audit.WithActor(context.Background(), audit.Actor{UserID: 8, Username: "county2", Role: string(auth.CountyApprover)})}
}

// household registers a household with a bank account.
func (f *payFixture) household(t *testing.T, name string) *registry.Household {
	t.Helper()
	h := household(f.tw+"001", person(name, civil.D(1960, 1, 1)))
	if err := f.db.CreateHousehold(ctx, registry.Scope{Region: f.tw}, h); err != nil {
		t.Fatal(err)
	}
	return h
}

// enrol records a decision and its enrollment for h and returns the
// enrollment's id. end "" leaves it open.
func (f *payFixture) enrol(t *testing.T, h *registry.Household, amount money.Fen, start, end, status string, decided civil.Date) int64 {
	t.Helper()
	f.app++
	endSQL := "NULL"
	if end != "" {
		endSQL = "'" + end + "'"
	}
	store.RawExec(t, f.db,
		fmt.Sprintf(`INSERT INTO applications (county_code, region_code, filed_in, household_id, applicant_id, program, channel, state,
			entered_on, filed_on, detail, version, created_by, created_at, updated_at) VALUES ('440103', '%[1]s', '%[1]s', %[2]d, %[3]d,
			'dibao', 'counter', 'approved', '2024-12-01', '2024-12-01', '{}', 1, 't', '2024-12-01 00:00:00', '2024-12-01 00:00:00')`,
			h.RegionCode, h.ID, h.Members[0].Person.ID),
		fmt.Sprintf(`INSERT INTO decisions (county_code, application_id, household_id, program, approved, amount, start_month, decided_by,
			decided_on, created_at) SELECT '440103', MAX(id), %d, 'dibao', TRUE, %d, '%s', 't', '%s', '2024-12-01 00:00:00' FROM applications`,
			h.ID, amount, start, decided),
		fmt.Sprintf(`INSERT INTO enrollments (county_code, region_code, household_id, program, decision_id, amount, start_month, end_month,
			status, version, created_at, updated_at) SELECT '440103', '%s', %d, 'dibao', MAX(id), %d, '%s', %s, '%s', 1,
			'2024-12-01 00:00:00', '2024-12-01 00:00:00' FROM decisions`, h.RegionCode, h.ID, amount, start, endSQL, status))
	var id int64
	if err := store.RawQueryRow(f.db, "SELECT MAX(id) FROM enrollments").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *payFixture) generate(t *testing.T, month string, opts ...func(*payment.Options)) (*payment.Payroll, *payment.Diff) {
	t.Helper()
	p, d, err := f.gen(f.maker, month, opts...)
	if err != nil {
		t.Fatalf("generate %s: %v", month, err)
	}
	return p, d
}

func (f *payFixture) gen(c context.Context, month string, opts ...func(*payment.Options)) (*payment.Payroll, *payment.Diff, error) {
	m, _ := civil.ParseMonth(month)
	o := payment.Options{County: "440103", Program: policy.Dibao, Month: m, Params: f.set, Chunk: 2}
	for _, fn := range opts {
		fn(&o)
	}
	return payment.Generate(c, f.db, o)
}

func (f *payFixture) lines(t *testing.T, p *payment.Payroll) []payment.Line {
	t.Helper()
	ls, err := f.db.Lines(f.maker, f.scope, payment.LineFilter{PayrollID: p.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

func wantTotals(t *testing.T, p *payment.Payroll, households, lines int64, regular, back, adj money.Fen) {
	t.Helper()
	want := payment.Totals{Households: households, Lines: lines, Regular: regular, BackPay: back, Adjustments: adj, Total: regular + back + adj}
	if got := p.Totals(); got != want {
		t.Fatalf("totals of payroll %d (%s): got %+v, want %+v", p.ID, p.Month, got, want)
	}
}

// TestPayroll walks a county through two months: generation, suspension,
// re-runs with and without a change, maker-checker, the lock, back pay,
// no double payment, and an adjustment carried into the next month.
func TestPayroll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPayFixture(t, db)
		a, b, c, d := f.household(t, "甲一"), f.household(t, "乙二"), f.household(t, "丙三"), f.household(t, "丁四")
		dec := civil.D(2024, 12, 20)
		ea := f.enrol(t, a, 50000, "2025-01", "", "active", dec)
		f.enrol(t, b, 40000, "2025-01", "", "suspended", dec)
		f.enrol(t, d, 20000, "2025-01", "2025-06", "superseded", dec)
		f.enrol(t, d, 25000, "2025-07", "", "active", civil.D(2025, 6, 20))

		// June, the county's first payroll: no back pay before it.
		june, diff := f.generate(t, "2025-06")
		if june.Status != payment.Prepared || june.Suspended != 1 || june.PreparedBy != "county" || diff != nil || june.BackFrom.String() != "2025-06" {
			t.Fatalf("june %+v, diff %+v", june, diff)
		}
		wantTotals(t, june, 2, 2, 70000, 0, 0)
		ls := f.lines(t, june)
		if ls[0].HouseholdID != a.ID || ls[0].Explanation.Reason != payment.BecauseDecided || ls[0].Explanation.Since.String() != "2025-01" ||
			ls[0].Payee != "甲一" || ls[0].BankAccount != "622202*********3445" && ls[0].BankAccount == "6222020200112233445" {
			t.Fatalf("line %+v", ls[0])
		}
		var enc string
		if err := store.RawQueryRow(db, fmt.Sprintf("SELECT bank_account_enc FROM payroll_lines WHERE id = %d", ls[0].ID)).Scan(&enc); err != nil || enc == "" || enc == a.BankAccount {
			t.Fatalf("stored account %q, %v", enc, err)
		}
		if full, err := db.Lines(f.checker, f.scope, payment.LineFilter{PayrollID: june.ID, Unmask: true}); err != nil || full[0].BankAccount != a.BankAccount {
			t.Fatalf("unmasked %+v, %v", full, err)
		}

		// Generated again unchanged: the same payroll, no difference.
		again, diff := f.generate(t, "2025-06")
		if again.ID != june.ID || !again.Rerun || !diff.Empty() || again.Runs != 2 {
			t.Fatalf("re-run %+v, diff %+v", again, diff)
		}
		wantTotals(t, again, 2, 2, 70000, 0, 0)

		// Maker-checker.
		_, err := payment.Approve(f.maker, db, f.scope, again.ID, again.Version)
		mustCode(t, err, apperr.Forbidden)
		_, err = payment.Approve(f.checker, db, f.scope, again.ID, again.Version-1)
		mustCode(t, err, apperr.Conflict)
		approved, err := payment.Approve(f.checker, db, f.scope, again.ID, again.Version)
		if err != nil || approved.Status != payment.Approved || approved.ApprovedBy != "county2" {
			t.Fatalf("approve: %+v, %v", approved, err)
		}
		_, err = payment.Approve(f.checker, db, f.scope, again.ID, approved.Version)
		mustCode(t, err, apperr.Conflict)

		// A decision after June's payroll starts C in June.
		f.enrol(t, c, 30000, "2025-06", "", "active", civil.D(2025, 7, 10))
		// The approved payroll is locked: generating it again changes
		// nothing and shows what would differ.
		locked, diff := f.generate(t, "2025-06")
		if !locked.Again || locked.Version != approved.Version || diff.NAdded != 1 || diff.Added[0].HouseholdID != c.ID || diff.After.Total != 100000 {
			t.Fatalf("locked %+v, diff %+v", locked, diff)
		}
		if ls := f.lines(t, locked); len(ls) != 2 {
			t.Fatalf("approved payroll has %d lines, want 2", len(ls))
		}

		// A correction of June for A goes into July.
		adj := payment.Adjustment{Program: policy.Dibao, HouseholdID: a.ID, Amount: -5000, Reason: "6月多发", ServiceMonth: june.Month, FromPayrollID: june.ID}
		if err := db.AddAdjustment(f.maker, f.scope, &adj); err != nil {
			t.Fatal(err)
		}
		bad := payment.Adjustment{Program: policy.Dibao, HouseholdID: a.ID}
		if e := mustCode(t, db.AddAdjustment(f.maker, f.scope, &bad), apperr.Invalid); apperr.Fields(e)["reason"] == "" {
			t.Fatalf("error %v names no reason", e)
		}

		// July: A and D (new amount) regular, C regular and June back pay,
		// B suspended, A's June not paid again, the adjustment.
		july, _ := f.generate(t, "2025-07")
		wantTotals(t, july, 3, 5, 105000, 30000, -5000)
		var backPay, adjLine *payment.Line
		ls = f.lines(t, july)
		for i := range ls {
			switch ls[i].Kind {
			case payment.LineBackPay:
				backPay = &ls[i]
			case payment.LineAdjustment:
				adjLine = &ls[i]
			}
		}
		if backPay == nil || backPay.HouseholdID != c.ID || backPay.ServiceMonth.String() != "2025-06" || backPay.Explanation.DecidedOn != civil.D(2025, 7, 10) ||
			backPay.Explanation.From.String() != "2025-06" || backPay.Explanation.To.String() != "2025-06" {
			t.Fatalf("back pay %+v", backPay)
		}
		if adjLine == nil || adjLine.Amount != -5000 || adjLine.Explanation.Note != "6月多发" || adjLine.AdjustmentID != adj.ID {
			t.Fatalf("adjustment line %+v", adjLine)
		}
		if as, err := db.Adjustments(f.maker, f.scope, payment.AdjustmentFilter{Pending: true}); err != nil || len(as) != 0 {
			t.Fatalf("pending adjustments %+v, %v", as, err)
		}

		// A change before approval: A's amount raised, D suspended.
		store.RawExec(t, db, fmt.Sprintf("UPDATE enrollments SET amount = 52000 WHERE id = %d", ea),
			fmt.Sprintf("UPDATE enrollments SET status = 'suspended' WHERE household_id = %d AND status = 'active'", d.ID))
		july2, diff := f.generate(t, "2025-07")
		if july2.ID != july.ID || diff.NChanged != 1 || diff.NRemoved != 1 || diff.NAdded != 0 || diff.Changed[0].Before.Amount != 50000 ||
			diff.Changed[0].After.Amount != 52000 || diff.Removed[0].HouseholdID != d.ID || diff.Before.Total != 130000 || diff.After.Total != 107000 {
			t.Fatalf("diff %+v", diff)
		}
		wantTotals(t, july2, 2, 4, 82000, 30000, -5000)
		if got, _ := db.Payroll(f.maker, f.scope, july.ID); got.LastDiff == nil || got.LastDiff.NChanged != 1 || got.Suspended != 2 {
			t.Fatalf("stored payroll %+v", got)
		}

		// The months paid by another payroll cannot be paid again: the
		// unique index refuses a second June line for A.
		err = store.RawExecErr(db, fmt.Sprintf(`INSERT INTO payroll_lines (payroll_id, county_code, region_code, program, household_id,
			household_no, payee, service_month, kind, amount, explanation, status) VALUES (%d, '440103', '%s', 'dibao', %d, 'x', 'x',
			'2025-06', 'back_pay', 1, '{}', 'pending')`, july.ID, a.RegionCode, a.ID))
		if err == nil {
			t.Fatal("a second payment of A's June was stored")
		}

		// Out of scope: another county's user sees no payroll.
		if _, err := db.Payroll(f.maker, registry.Scope{Region: "440104"}, july.ID); !apperr.IsCode(err, apperr.NotFound) {
			t.Fatalf("out of scope: %v", err)
		}
		ps, err := db.Payrolls(f.maker, f.scope, payment.Filter{Program: policy.Dibao})
		if err != nil || len(ps) != 2 || ps[0].ID != july.ID {
			t.Fatalf("payrolls %+v, %v", ps, err)
		}
	})
}

// TestPayrollResumes: a generation cancelled after its first chunk is
// marked failed, resumes from its keyset, and ends with the totals of a
// clean generation (a regeneration shows no difference).
func TestPayrollResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPayFixture(t, db)
		for i := range 9 {
			h := f.household(t, fmt.Sprintf("户%d", i))
			status := "active"
			if i%4 == 3 {
				status = "suspended"
			}
			f.enrol(t, h, money.Fen(30000+100*i), "2025-05", "", status, civil.D(2025, 4, 20))
		}
		c, cancel := context.WithCancel(f.maker)
		chunks := 0
		p, _, err := f.gen(c, "2025-06", func(o *payment.Options) {
			o.Progress = func(*payment.Payroll) {
				if chunks++; chunks == 1 {
					cancel()
				}
			}
		})
		if err == nil || p == nil {
			t.Fatalf("cancelled generation: %+v, %v", p, err)
		}
		stopped, err := db.Payroll(f.maker, f.scope, p.ID)
		if err != nil || stopped.Status != payment.Failed || stopped.Done != 2 || stopped.Error != "stopped" {
			t.Fatalf("stopped %+v, %v", stopped, err)
		}
		resumed, diff := f.generate(t, "2025-06")
		if !resumed.Resumed || resumed.ID != p.ID || diff != nil || resumed.Done != 9 || resumed.Suspended != 2 {
			t.Fatalf("resumed %+v", resumed)
		}
		var want money.Fen
		for i := range 9 {
			if i%4 != 3 {
				want += money.Fen(30000 + 100*i)
			}
		}
		wantTotals(t, resumed, 7, 7, want, 0, 0)
		clean, diff := f.generate(t, "2025-06")
		if !diff.Empty() || clean.Totals() != resumed.Totals() {
			t.Fatalf("clean %+v, diff %+v", clean.Totals(), diff)
		}
		// One payroll, however often generated.
		var n int
		if err := store.RawQueryRow(db, "SELECT COUNT(*) FROM payrolls").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d payrolls, %v", n, err)
		}
		// A generation running elsewhere (fresh heartbeat) is refused.
		store.RawExec(t, db, fmt.Sprintf("UPDATE payrolls SET status = 'generating', heartbeat = '%s' WHERE id = %d",
			time.Now().UTC().Format("2006-01-02 15:04:05"), p.ID))
		if _, _, err := f.gen(f.maker, "2025-06", func(o *payment.Options) { o.Stale = time.Hour }); !apperr.IsCode(err, apperr.Conflict) {
			t.Fatalf("busy: %v", err)
		}
	})
}

// TestPayrollRecomputed: where the county sets payment.recompute_monthly,
// a line pays the rules engine's amount on the month's household, not the
// decided one, and says so.
func TestPayrollRecomputed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPayFixture(t, db)
		f.set = f.set.Clone()
		if err := f.set.Add(policy.Param{Key: "payment.recompute_monthly", Region: "440103", Text: "true", From: civil.D(2020, 1, 1), Source: "test"}); err != nil {
			t.Fatal(err)
		}
		late := f.household(t, "己六") // registered today: not known in 2025
		f.enrol(t, late, 30000, "2025-01", "", "active", civil.D(2024, 12, 20))
		db.SetClock(func() time.Time { return civil.D(2024, 12, 1).In(civil.Shanghai) })
		h := f.household(t, "戊五")
		f.enrol(t, h, 12345, "2025-01", "", "active", civil.D(2024, 12, 20))
		p, _ := f.generate(t, "2025-06")
		ls := f.lines(t, p)
		snap, err := db.HouseholdAt(ctx, registry.Scope{}, h.ID, civil.D(2025, 6, 1))
		if err != nil {
			t.Fatal(err)
		}
		want, err := policy.Calculate(f.set, policy.Dibao, policy.FromSnapshot(snap, p.Month), p.Month)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 2 {
			t.Fatalf("lines %+v", ls)
		}
		for _, l := range ls {
			switch l.HouseholdID {
			case h.ID:
				if l.Amount != money.Fen(want.Amount) || l.Explanation.Reason != payment.BecauseRecomputed || l.Explanation.Decided != 12345 ||
					len(l.Explanation.Rules) == 0 || want.Amount == 12345 {
					t.Errorf("recomputed line %+v, the rules engine's amount %d", l, want.Amount)
				}
			case late.ID:
				if l.Amount != 30000 || l.Explanation.Reason != payment.BecauseDecided {
					t.Errorf("a household the registry did not know then: %+v", l)
				}
			}
		}
	})
}
