package store_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/money"
	"safetynet/internal/pii"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
	"safetynet/internal/verify"
)

// runRegion is a township with, in household id order: a Dibao
// beneficiary without an authorisation, a beneficiary whose tax data puts
// the income above the standard, a pending Dibao applicant, a household
// with neither (not verified) and, in the other township, an applicant
// (outside the run).
type runRegion struct {
	tw                         string
	noAuth, changed, applicant *registry.Household
	idle, elsewhere            *registry.Household
	set                        *policy.Set
	verifier                   *verify.Verifier
	enrollment, pendingID      int64
	auths                      map[int64]int64 // by household
}

func newRunRegion(t *testing.T, db *store.DB) *runRegion {
	t.Helper()
	keys := storetest.Keys(t)
	db.SetKeys(keys)
	db.SetClock(func() time.Time { return civil.D(2025, 9, 20).In(civil.Shanghai).Add(10 * time.Hour) })
	tw, other := townships(t)
	r := &runRegion{tw: tw, auths: map[int64]int64{}}
	r.noAuth = household(tw+"001", person("钱一", civil.D(1960, 1, 1)))
	r.changed = household(tw+"001", person("孙一", civil.D(1962, 2, 2)), person("孙二", civil.D(1964, 5, 6)))
	r.changed.Members[1].Relationship = registry.RelSpouse
	r.applicant = household(tw+"002", person("李一", civil.D(1958, 3, 3)))
	r.idle = household(tw+"002", person("周一", civil.D(1970, 4, 4)))
	r.elsewhere = household(other+"001", person("吴一", civil.D(1966, 6, 6)))
	for _, h := range []*registry.Household{r.noAuth, r.changed, r.applicant, r.idle, r.elsewhere} {
		if err := db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
			t.Fatal(err)
		}
	}
	r.set = verifyParams(t)
	r.verifier = &verify.Verifier{Store: db, Index: verify.IndexWith(keys), Params: r.set}

	day := civil.D(2025, 3, 3)
	caseworker := casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: tw}
	env := caseEnv(t, caseworker, day)
	approve := caseEnv(t, casework.Actor{UserID: 2, Username: "approver", Role: auth.CountyApprover, Region: "440103"}, day)
	for _, h := range []*registry.Household{r.noAuth, r.changed} {
		id := fileDibao(t, db, h, env)
		for _, step := range []struct {
			act casework.Action
			in  casework.Input
			env *casework.Env
		}{
			{casework.Accept, casework.Input{}, env},
			{casework.RecordVisit, casework.Input{Visit: &casework.Visit{Date: day, Mode: "in_person", Visitors: "甲", Findings: "属实"}}, env},
			{casework.FinishInvestigation, casework.Input{}, env},
			{casework.Propose, casework.Input{Opinion: "reject", Reason: "仅为推进到县级"}, env},
			{casework.Confirm, casework.Input{Reason: "县级核实后认定符合"}, approve},
		} {
			cur, err := db.Application(ctx, registry.Scope{}, id)
			if err != nil {
				t.Fatal(err)
			}
			engine := &casework.Engine{Verdict: "eligible", Amount: 120000, ReviewMonths: 12}
			if _, err := db.Act(ctx, registry.Scope{}, id, cur.Version, func(a casework.Application) (*casework.Change, error) {
				return casework.Apply(a, step.act, step.in, step.env, engine)
			}); err != nil {
				t.Fatalf("%s: %v", step.act, err)
			}
		}
	}
	es, err := db.Enrollments(ctx, registry.Scope{}, r.changed.ID)
	if err != nil || len(es) != 1 || es[0].Status != casework.Active {
		t.Fatalf("enrollments %+v, %v", es, err)
	}
	r.enrollment = es[0].ID
	r.pendingID = fileDibao(t, db, r.applicant, env)
	fileDibao(t, db, r.elsewhere, env)

	asOf := civil.D(2025, 9, 22)
	for _, h := range []*registry.Household{r.changed, r.applicant} {
		a := verify.Authorisation{SignedOn: civil.D(2025, 9, 1), Scan: verify.Scan{Filename: "a.pdf", ContentType: "application/pdf", Size: 5, SHA256: "x", Data: []byte("%PDF-")}}
		for _, m := range h.Members {
			a.Signers = append(a.Signers, verify.Signer{PersonID: m.Person.ID})
		}
		if err := a.Complete(h, verify.Catalog(), r.set, asOf); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAuthorisation(ctx, &a); err != nil {
			t.Fatal(err)
		}
		r.auths[h.ID] = a.ID
	}
	// 40,000 yuan of the spouse's wages in two months of the six: about
	// 6,667 a month, above the standard for two.
	id := r.changed.Members[1].Person.IDNumber
	if _, err := importFile(t, db, keys, "tax", "tax.csv", []byte("id_number,month,income_type,amount,payer\n"+id+",2025-08,wage,20000,甲\n"+id+",2025-07,wage,20000,甲\n")); err != nil {
		t.Fatal(err)
	}
	return r
}

// verifyParams is the shipped parameters with the two that verification
// needs and counties set: a six-month reference period, authorisations
// valid for a year.
func verifyParams(tb testing.TB) *policy.Set {
	tb.Helper()
	base, err := policy.Shipped()
	if err != nil {
		tb.Fatal(err)
	}
	set := base.Clone()
	for _, p := range []policy.Param{{Key: "verify.reference_months", Text: "6"}, {Key: "verify.authorisation.valid_months", Text: "12"}} {
		p.Region, p.From, p.Source = "4401", civil.D(2020, 1, 1), "test"
		if err := set.Add(p); err != nil {
			tb.Fatal(err)
		}
	}
	return set
}

// fileDibao files a Dibao application for h's head and returns its id.
func fileDibao(t *testing.T, db *store.DB, h *registry.Household, env *casework.Env) int64 {
	t.Helper()
	c, err := casework.New(casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
		Region: h.RegionCode, County: h.CountyCode, Channel: casework.Counter, Materials: []string{"application_form", "verification_authorisation"}}, env)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateApplication(ctx, registry.Scope{}, c); err != nil {
		t.Fatal(err)
	}
	return c.App.ID
}

// results returns a run's results by household.
func results(t *testing.T, db *store.DB, run int64) map[int64]verify.Result {
	t.Helper()
	list, err := db.RunResults(ctx, run, verify.ResultFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]verify.Result{}
	for _, r := range list {
		if _, dup := out[r.HouseholdID]; dup {
			t.Fatalf("household %d has two results", r.HouseholdID)
		}
		out[r.HouseholdID] = r
	}
	return out
}

func TestVerificationRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunRegion(t, db)
		asOf := civil.D(2025, 9, 22)
		mustCode(t, mustErr(r.verifier.RunRegion(ctx, db, verify.RunOptions{Region: "4401", AsOf: asOf})), apperr.Invalid)

		var progress []int64
		run, err := r.verifier.RunRegion(ctx, db, verify.RunOptions{Region: r.tw, AsOf: asOf, Chunk: 2,
			Progress: func(run *verify.Run) { progress = append(progress, run.Done()) }})
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != verify.RunDone || run.Households != 3 || run.Verified != 2 || run.NoAuthorisation != 1 || run.Errors != 0 ||
			run.Changed != 1 || run.StartedBy != "tester" || run.FinishedAt.IsZero() {
			t.Fatalf("run %+v", run)
		}
		if len(progress) != 2 || progress[1] != 3 {
			t.Errorf("progress %v, want two chunks ending at 3", progress)
		}
		got := results(t, db, run.ID)
		if len(got) != 3 {
			t.Fatalf("%d results, want 3 (the idle household and the other township's are not verified)", len(got))
		}
		na := got[r.noAuth.ID]
		if na.Status != verify.ResultNoAuthorisation || !strings.Contains(na.Text(), "no authorisation") || na.ReportID != 0 || na.Changed {
			t.Errorf("no authorisation: %+v (%s)", na, na.Text())
		}
		if p, ok := na.Problem(); !ok || p.Field != "authorisation" || len(p.Args) != 1 || p.Args[0] != r.noAuth.Number {
			t.Errorf("no authorisation problem %+v", p)
		}
		ch := got[r.changed.ID]
		if ch.Status != verify.ResultVerified || !ch.Changed || ch.Discrepancies != 1 || ch.ReportID == 0 || ch.ReportNumber == "" ||
			ch.HouseholdNumber != r.changed.Number || len(ch.Programs) != 1 {
			t.Fatalf("changed: %+v", ch)
		}
		if p := ch.Programs[0]; p.Program != policy.Dibao || p.EnrollmentID != r.enrollment || p.DeclaredVerdict != policy.Eligible ||
			p.VerifiedVerdict != policy.Ineligible || p.DeclaredAmount == 0 || p.VerifiedAmount != 0 || !p.Changed {
			t.Errorf("changed household's Dibao %+v", p)
		}
		ap := got[r.applicant.ID]
		if ap.Status != verify.ResultVerified || ap.Changed || ap.ReportID != 0 || len(ap.Programs) != 1 || ap.Programs[0].ApplicationID != r.pendingID ||
			ap.Programs[0].DeclaredVerdict != ap.Programs[0].VerifiedVerdict {
			t.Errorf("applicant: %+v", ap)
		}

		// The stored report is what Verify gives for the household alone.
		snap, err := db.HouseholdAt(ctx, registry.Scope{}, r.changed.ID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		direct, err := r.verifier.Verify(ctx, verify.Request{Snapshot: snap, AsOf: asOf, Programs: []policy.Program{policy.Dibao}})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.Report(ctx, ch.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Discrepancies) != len(direct.Discrepancies) || stored.Discrepancies[0].Verified != direct.Discrepancies[0].Verified ||
			stored.Programs[0].VerifiedAmount != direct.Programs[0].VerifiedAmount || stored.AuthorisationID != r.auths[r.changed.ID] ||
			len(stored.Members) != 2 || stored.Members[1].IDMasked != direct.Members[1].IDMasked {
			t.Errorf("batch report %+v\nwant as alone %+v", stored, direct)
		}

		// Filters, keyset and counts.
		yes, verified := true, verify.ResultVerified
		changed, err := db.RunResults(ctx, run.ID, verify.ResultFilter{Changed: &yes})
		if err != nil || len(changed) != 1 || changed[0].HouseholdID != r.changed.ID {
			t.Errorf("changed only: %+v, %v", changed, err)
		}
		page, _ := db.RunResults(ctx, run.ID, verify.ResultFilter{Status: &verified, After: r.changed.ID})
		if len(page) != 1 || page[0].HouseholdID != r.applicant.ID {
			t.Errorf("verified after %d: %+v", r.changed.ID, page)
		}
		if n, err := db.CountRunResults(ctx, run.ID, verify.ResultFilter{Status: &verified}); err != nil || n != 2 {
			t.Errorf("count verified: %d, %v", n, err)
		}
		if n, _ := db.CountRunResults(ctx, run.ID, verify.ResultFilter{Region: r.tw + "002"}); n != 1 {
			t.Errorf("count in village 002: %d, want 1", n)
		}
		runs, err := db.Runs(ctx, verify.RunFilter{Region: "440103"})
		if err != nil || len(runs) != 1 || runs[0].ID != run.ID {
			t.Errorf("runs %+v, %v", runs, err)
		}

		// The same region and day again: the run is done, nothing is added.
		again, err := r.verifier.RunRegion(ctx, db, verify.RunOptions{Region: r.tw, AsOf: asOf})
		if err != nil || !again.Again || again.ID != run.ID {
			t.Fatalf("again: %+v, %v", again, err)
		}
		if reports, _ := db.Reports(ctx, r.changed.ID); len(reports) != 1 {
			t.Errorf("%d reports after running twice, want 1", len(reports))
		}

		// Feeding the reviews: one review of the changed household's
		// enrollment, once.
		env := caseEnv(t, casework.Actor{Username: casework.System}, asOf)
		n, err := verify.OpenReviews(ctx, db, db, run.ID, env)
		if err != nil || n.Opened != 1 || n.Open != 0 || n.NotEnrolled != 0 || n.Refused != 0 {
			t.Fatalf("open reviews: %+v, %v", n, err)
		}
		ch = results(t, db, run.ID)[r.changed.ID]
		if ch.ReviewApplicationID == 0 || ch.Programs[0].ReviewApplicationID != ch.ReviewApplicationID {
			t.Fatalf("result after the review: %+v", ch)
		}
		review, err := db.Application(ctx, registry.Scope{}, ch.ReviewApplicationID)
		if err != nil || review.Purpose != casework.PurposeReview || review.EnrollmentID != r.enrollment || review.Trigger != casework.TriggerVerification ||
			!strings.Contains(review.Reason, ch.ReportNumber) || !strings.Contains(review.Reason, "核对") {
			t.Fatalf("review %+v, %v", review, err)
		}
		n, err = verify.OpenReviews(ctx, db, db, run.ID, env)
		if err != nil || n.Opened != 0 {
			t.Fatalf("open reviews again: %+v, %v", n, err)
		}
		if got, _ := db.Run(ctx, run.ID); got.Reviews != 1 {
			t.Errorf("run counts %d reviews, want 1", got.Reviews)
		}
		mustCode(t, mustErr(db.Run(ctx, 9999)), apperr.NotFound)

		// Every change is in the audit trail, newest first.
		entries, err := db.List(ctx, audit.Filter{Entity: "verify_run", EntityID: strconv.FormatInt(run.ID, 10)})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if want := "review finish results results start"; strings.Join(actions, " ") != want {
			t.Errorf("audit %q, want %q", strings.Join(actions, " "), want)
		}
	})
}

// killed is a store whose process dies at the chunk after `chunks`: the
// results of that chunk are not stored and the run is never finished.
type killed struct {
	*store.DB
	chunks int
}

var errKilled = errors.New("killed")

func (k *killed) SaveResults(ctx context.Context, run *verify.Run, rs []verify.Result) error {
	if k.chunks == 0 {
		return errKilled
	}
	k.chunks--
	return k.DB.SaveResults(ctx, run, rs)
}

func (k *killed) FinishRun(context.Context, *verify.Run, string, string) error { return nil }

func TestVerificationRunResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunRegion(t, db)
		asOf := civil.D(2025, 9, 22)
		start := civil.D(2025, 9, 22).In(civil.Shanghai).Add(9 * time.Hour)
		db.SetClock(func() time.Time { return start })

		// Killed after the first household (no authorisation), while the
		// second's report was issued but its result not stored.
		_, err := r.verifier.RunRegion(ctx, &killed{DB: db, chunks: 1}, verify.RunOptions{Region: r.tw, AsOf: asOf, Chunk: 1})
		if !errors.Is(err, errKilled) {
			t.Fatalf("killed run: %v", err)
		}
		runs, _ := db.Runs(ctx, verify.RunFilter{})
		if len(runs) != 1 || runs[0].Status != verify.RunRunning || runs[0].Done() != 1 || runs[0].NoAuthorisation != 1 {
			t.Fatalf("after the kill: %+v", runs)
		}
		issued, _ := db.Reports(ctx, r.changed.ID)
		if len(issued) != 1 {
			t.Fatalf("%d reports issued before the kill, want 1", len(issued))
		}

		// Not twice at once: its heartbeat is fresh.
		_, err = r.verifier.RunRegion(ctx, db, verify.RunOptions{Region: r.tw, AsOf: asOf})
		mustCode(t, err, apperr.Conflict)

		// Once the heartbeat is stale, starting it again resumes it.
		db.SetClock(func() time.Time { return start.Add(verify.RunStale + time.Minute) })
		run, err := r.verifier.RunRegion(ctx, db, verify.RunOptions{Region: r.tw, AsOf: asOf, Chunk: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !run.Resumed || run.ID != runs[0].ID || run.Status != verify.RunDone || run.Households != 3 || run.Verified != 2 ||
			run.NoAuthorisation != 1 || run.Changed != 1 {
			t.Fatalf("resumed run %+v", run)
		}
		got := results(t, db, run.ID)
		if len(got) != 3 || got[r.changed.ID].ReportID != issued[0].ID {
			t.Errorf("results %+v: want 3, the changed household's linked to report %d", got, issued[0].ID)
		}
		if reports, _ := db.Reports(ctx, r.changed.ID); len(reports) != 1 {
			t.Errorf("%d reports after resuming, want the one issued before the kill", len(reports))
		}

		// The lease of the killed process is gone: it cannot store more.
		stale := runs[0]
		mustCode(t, db.SaveResults(ctx, &stale, nil), apperr.Conflict)

		// Reviews: only from a finished run, and not while one is open.
		env := caseEnv(t, casework.Actor{Username: casework.System}, asOf)
		n, err := verify.OpenReviews(ctx, db, db, run.ID, env)
		if err != nil || n.Opened != 1 {
			t.Fatalf("open reviews: %+v, %v", n, err)
		}
		next, err := db.BeginRun(ctx, r.tw, asOf.AddDays(1), verify.RunStale)
		if err != nil {
			t.Fatal(err)
		}
		_, err = verify.OpenReviews(ctx, db, db, next.ID, env)
		mustCode(t, err, apperr.Conflict)
		if err := db.FinishRun(ctx, next, verify.RunCancelled, verify.ProblemText(verify.Problem{Format: "stopped"})); err != nil {
			t.Fatal(err)
		}
		run2, err := r.verifier.RunRegion(ctx, db, verify.RunOptions{Region: r.tw, AsOf: asOf.AddDays(1)})
		if err != nil || !run2.Resumed || run2.Changed != 1 {
			t.Fatalf("the cancelled run resumed: %+v, %v", run2, err)
		}
		n, err = verify.OpenReviews(ctx, db, db, run2.ID, env)
		if err != nil || n.Opened != 0 || n.Open != 1 {
			t.Errorf("a second run with the review open: %+v, %v", n, err)
		}

		// Cancelled after its first chunk, a run stops there, marked
		// cancelled, and resumes when started again.
		stop, cancel := context.WithCancel(ctx)
		day3 := asOf.AddDays(2)
		cancelled, err := r.verifier.RunRegion(stop, db, verify.RunOptions{Region: r.tw, AsOf: day3, Chunk: 1, Progress: func(*verify.Run) { cancel() }})
		if !errors.Is(err, context.Canceled) || cancelled == nil {
			t.Fatalf("cancelled run: %+v, %v", cancelled, err)
		}
		if got, _ := db.Run(ctx, cancelled.ID); got.Status != verify.RunCancelled || got.Done() != 1 {
			t.Fatalf("cancelled run %+v", got)
		} else if p, ok := got.Problem(); !ok || !strings.Contains(p.Format, "start it again") {
			t.Errorf("cancelled run's reason %q", got.Error)
		}
		resumed, err := r.verifier.RunRegion(ctx, db, verify.RunOptions{Region: r.tw, AsOf: day3})
		if err != nil || !resumed.Resumed || resumed.Status != verify.RunDone || resumed.Done() != 3 || len(results(t, db, resumed.ID)) != 3 {
			t.Errorf("resumed after cancelling: %+v, %v", resumed, err)
		}
	})
}

// TestHouseholdsAtMatchesHouseholdAt checks the chunked snapshot against
// the single one, for a household whose members and records changed.
func TestHouseholdsAtMatchesHouseholdAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunRegion(t, db)
		scope := registry.Scope{}
		h := r.changed
		if err := db.AddIncome(ctx, scope, &registry.Income{HouseholdID: h.ID, PersonID: h.Members[1].Person.ID, Type: registry.IncomeWage,
			Month: civil.Month{Year: 2025, Month: 8}, Amount: money.Yuan(1500)}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAsset(ctx, scope, &registry.Asset{HouseholdID: h.ID, Type: registry.AssetDeposit, Value: money.Yuan(3000),
			ValidFrom: civil.D(2025, 1, 1), Description: "活期"}); err != nil {
			t.Fatal(err)
		}
		// A member who left on 21 September is in the snapshot of the
		// 20th, not of the 22nd.
		if err := db.EndMember(ctx, scope, h.Members[1].ID, civil.D(2025, 9, 21), "外出务工"); err != nil {
			t.Fatal(err)
		}
		ids := []int64{r.noAuth.ID, h.ID, r.applicant.ID}
		for _, day := range []civil.Date{civil.D(2025, 9, 20), civil.D(2025, 9, 22)} {
			sameSnapshots(t, db, ids, day)
		}
		if after, _ := db.HouseholdsAt(ctx, ids, civil.D(2025, 9, 22)); len(after[h.ID].Household.Members) != 1 {
			t.Errorf("on the 22nd %d members, want 1", len(after[h.ID].Household.Members))
		}
		if before, _ := db.HouseholdsAt(ctx, ids, civil.D(2025, 9, 19)); len(before) != 0 {
			t.Errorf("%d households before they were registered", len(before))
		}
	})
}

// sameSnapshots checks HouseholdsAt against HouseholdAt on day.
func sameSnapshots(t *testing.T, db *store.DB, ids []int64, day civil.Date) {
	t.Helper()
	scope := registry.Scope{}
	many, err := db.HouseholdsAt(ctx, ids, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(many) != len(ids) {
		t.Fatalf("%d snapshots, want %d", len(many), len(ids))
	}
	for _, id := range ids {
		one, err := db.HouseholdAt(ctx, scope, id, day)
		if err != nil {
			t.Fatal(err)
		}
		got := many[id]
		if got.Household.Number != one.Household.Number || got.Household.RegionCode != one.Household.RegionCode ||
			len(got.Household.Members) != len(one.Household.Members) || len(got.Incomes) != len(one.Incomes) || len(got.Assets) != len(one.Assets) {
			t.Fatalf("household %d: chunked %+v\nsingle %+v", id, got, one)
		}
		for i, m := range one.Household.Members {
			g := got.Household.Members[i]
			if g.ID != m.ID || g.Relationship != m.Relationship || g.Person.IDNumber != m.Person.IDNumber || g.Person.Name != m.Person.Name ||
				g.Person.Birth != m.Person.Birth {
				t.Errorf("household %d member %d: %+v, want %+v", id, i, g, m)
			}
			if g.Person.Phone != "" || pii.Mask(pii.IDNumber, g.Person.IDNumber) == g.Person.IDNumber {
				t.Errorf("member %d: phone %q kept or ID number %q not opened", i, g.Person.Phone, g.Person.IDNumber)
			}
		}
		for i := range one.Incomes {
			if got.Incomes[i].ID != one.Incomes[i].ID || got.Incomes[i].Amount != one.Incomes[i].Amount {
				t.Errorf("household %d income %d: %+v, want %+v", id, i, got.Incomes[i], one.Incomes[i])
			}
		}
		for i := range one.Assets {
			if got.Assets[i].ID != one.Assets[i].ID {
				t.Errorf("household %d asset %d: %+v, want %+v", id, i, got.Assets[i], one.Assets[i])
			}
		}
	}
}

// BenchmarkVerificationRun verifies a county of pending Dibao applicants,
// every one authorised, a fifth with tax records: "run" is the chunked
// run, "single" the same households one at a time through HouseholdAt and
// Verify, for comparison. SAFETYNET_BENCH_VERIFY_HOUSEHOLDS sets the size
// (default 2,000).
func BenchmarkVerificationRun(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("SAFETYNET_BENCH_VERIFY_HOUSEHOLDS")); err == nil && v > 0 {
		n = v
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			if dialect == "postgres" && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("set " + storetest.EnvPostgres)
			}
			db, cleanup, err := storetest.Fresh(dialect)
			if err != nil {
				b.Fatal(err)
			}
			defer cleanup()
			v, ids := loadVerifyBench(b, db, n)
			asOf := civil.D(2025, 9, 22)
			b.Run("run", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					run, err := v.RunRegion(ctx, db, verify.RunOptions{Region: "440103", AsOf: asOf.AddDays(i)})
					if err != nil || run.Verified != int64(n) {
						b.Fatalf("run %+v, %v", run, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/household")
			})
			b.Run("single", func(b *testing.B) {
				for b.Loop() {
					for _, id := range ids {
						snap, err := db.HouseholdAt(ctx, registry.Scope{}, id, asOf)
						if err != nil {
							b.Fatal(err)
						}
						if _, err := v.Verify(ctx, verify.Request{Snapshot: snap, AsOf: asOf, Programs: []policy.Program{policy.Dibao}}); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/household")
			})
		})
	}
}

// loadVerifyBench stores n generated households of county 440103, each
// with a pending Dibao application and an authorisation, and tax records
// for every fifth household's head.
func loadVerifyBench(b *testing.B, db *store.DB, n int) (*verify.Verifier, []int64) {
	b.Helper()
	keys, hs := storeBenchHouseholds(b, db, n, 11)
	if err := store.RawExecErr(db, `INSERT INTO applications (county_code, region_code, filed_in, household_id, applicant_id, program, channel, state,
		entered_on, filed_on, detail, version, created_by, created_at, updated_at)
		SELECT h.county_code, h.region_code, h.region_code, h.id, MIN(m.person_id), 'dibao', 'counter', 'investigating', '2025-09-01', '2025-09-01',
			'{}', 1, 'bench', '2025-09-01 00:00:00', '2025-09-01 00:00:00' FROM households h JOIN members m ON m.household_id = h.id GROUP BY h.id, h.county_code, h.region_code`); err != nil {
		b.Fatal(err)
	}
	set := verifyParams(b)
	csv := "id_number,month,income_type,amount,payer\n"
	ids := make([]int64, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
		a := verify.Authorisation{HouseholdID: h.ID, County: h.CountyCode, SignedOn: civil.D(2025, 9, 1), ValidUntil: civil.D(2026, 8, 31),
			Scan: verify.Scan{Filename: "a.pdf", ContentType: "application/pdf", Size: 5, SHA256: "x", Data: []byte("%PDF-")}}
		for _, m := range h.Members {
			a.Signers = append(a.Signers, verify.Signer{PersonID: m.Person.ID})
		}
		if err := db.AddAuthorisation(ctx, &a); err != nil {
			b.Fatal(err)
		}
		if i%5 == 0 {
			csv += h.Members[0].Person.IDNumber + ",2025-08,wage,3000,甲\n"
		}
	}
	src, err := db.Source(ctx, "tax")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := verify.Import(ctx, db, strings.NewReader(csv), verify.ImportOptions{Source: src, FileName: "tax.csv", Today: civil.D(2025, 9, 22),
		Scope: "440103", Index: verify.IndexWith(keys)}); err != nil {
		b.Fatal(err)
	}
	return &verify.Verifier{Store: db, Index: verify.IndexWith(keys), Params: set}, ids
}

// storeBenchHouseholds stores n households of county 440103 generated from
// seed, with the keys and the clock (10:00 on 20 September 2025) the
// benchmarks share, and returns the keys and the households.
func storeBenchHouseholds(b *testing.B, db *store.DB, n int, seed int64) (*pii.Keys, []*registry.Household) {
	b.Helper()
	keys := storetest.Keys(b)
	db.SetKeys(keys)
	db.SetClock(func() time.Time { return civil.D(2025, 9, 20).In(civil.Shanghai).Add(10 * time.Hour) })
	var hs []*registry.Household
	err := gen.Generate(gen.Options{Region: "440103", Households: n, Seed: seed, AsOf: civil.D(2025, 9, 1)},
		func(_ string, h *registry.Household, _ []registry.Income, _ []registry.Asset) error {
			hs = append(hs, h)
			return nil
		})
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < len(hs); start += 1000 {
		errs, err := db.CreateHouseholds(ctx, registry.Scope{}, hs[start:min(start+1000, len(hs))])
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range errs {
			if e != nil {
				b.Fatal(e)
			}
		}
	}
	return keys, hs
}
