package store_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
	"safetynet/internal/verify"
)

// TestMonitorRun raises warnings from a run, never twice for a person and
// rule within the window, resumes a stopped run, escalates an overdue
// warning and settles one with a visit and an outcome.
func TestMonitorRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunRegion(t, db) // two Dibao households in the township (3 persons), others outside the population
		keys := storetest.Keys(t)
		set := r.set.Clone()
		for k, v := range map[string]string{"monitor.medical.multiple": "2", "monitor.repeat.months": "6", "monitor.warning.handle_wd": "10"} {
			if err := set.Add(policy.Param{Key: k, Region: "4401", Text: v, From: civil.D(2020, 1, 1), Source: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		csv := "id_number,month,out_of_pocket\n" + r.changed.Members[1].Person.IDNumber + ",2025-07,2600\n"
		if _, err := importFile(t, db, keys, "medical", "med.csv", []byte(csv)); err != nil {
			t.Fatal(err)
		}
		cal := calendar.Embedded()
		opts := func(day civil.Date) monitor.RunOptions {
			return monitor.RunOptions{Region: r.tw, AsOf: day, Params: set, Calendar: cal, Index: verify.IndexWith(keys), Chunk: 1}
		}
		day := civil.D(2025, 9, 22)
		_, err := monitor.RunRegion(ctx, db, opts(day))
		mustCode(t, err, apperr.Invalid) // no active rule yet
		medical := monitor.DefaultRules()[0]
		medical.Active = true
		if err := db.SaveRule(ctx, &medical); err != nil {
			t.Fatal(err)
		}
		run, err := monitor.RunRegion(ctx, db, opts(day))
		if err != nil || run.Status != monitor.RunDone || run.Households != 2 || run.Persons != 3 || run.Raised != 1 || run.Rules != 1 {
			t.Fatalf("run: %+v, %v", run, err)
		}
		if again, err := monitor.RunRegion(ctx, db, opts(day)); err != nil || !again.Again || again.ID != run.ID {
			t.Errorf("the same run again: %+v, %v", again, err)
		}
		// The next month: the same person and rule are not raised again.
		next, err := monitor.RunRegion(ctx, db, opts(day.AddMonths(1)))
		if err != nil || next.Raised != 0 || next.Repeats != 1 {
			t.Errorf("repeat: %+v, %v", next, err)
		}
		inbox, err := db.Warnings(ctx, monitor.WarningFilter{HeldBy: auth.TownshipCaseworker, HeldIn: r.tw})
		if err != nil || len(inbox) != 1 {
			t.Fatalf("township's warnings: %+v, %v", inbox, err)
		}
		w := inbox[0]
		due, _ := cal.AddWorkdays(day, 10)
		if w.PersonID != r.changed.Members[1].Person.ID || w.HouseholdID != r.changed.ID || w.Due != due || w.TaskRegion != r.tw ||
			w.Status != monitor.WarningOpen || w.RuleZH == "" || w.PersonName != "孙二" || len(w.Facts) == 0 {
			t.Errorf("warning %+v (due %s)", w, due)
		}

		// A run stopped after its first chunk resumes where it stopped.
		all := monitor.Rule{Code: "everyone", ZH: "全体", Expression: "person.age > 0", Region: "4401", Severity: monitor.Low,
			Side: monitor.NeedSide, Action: "visit", Active: true}
		if err := db.SaveRule(ctx, &all); err != nil {
			t.Fatal(err)
		}
		later := day.AddDays(2)
		stop, cancel := context.WithCancel(ctx)
		o := opts(later)
		o.Progress = func(*monitor.Run) { cancel() }
		stopped, err := monitor.RunRegion(stop, db, o)
		if err == nil || stopped == nil {
			t.Fatalf("a cancelled run: %+v, %v", stopped, err)
		}
		if got, _ := db.MonitorRun(ctx, stopped.ID); got.Status != monitor.RunCancelled || got.Households != 1 {
			t.Fatalf("stopped run %+v", got)
		}
		resumed, err := monitor.RunRegion(ctx, db, opts(later))
		if err != nil || !resumed.Resumed || resumed.Status != monitor.RunDone || resumed.Households != 2 || resumed.Raised != 3 || resumed.Repeats != 1 {
			t.Errorf("resumed run %+v, %v", resumed, err)
		}
		if n, _ := db.CountWarnings(ctx, monitor.WarningFilter{RunID: resumed.ID}); n != 3 {
			t.Errorf("%d warnings in the resumed run, want 3", n)
		}

		// Overdue: the county approver holds it the day after its due day,
		// once a day.
		if n, err := db.EscalateOverdueWarnings(ctx, due); err != nil || n != 0 {
			t.Errorf("on its due day: %d, %v", n, err)
		}
		if n, err := db.EscalateOverdueWarnings(ctx, due.AddDays(1)); err != nil || n != 1 {
			t.Errorf("escalate: %d, %v", n, err)
		}
		if n, _ := db.EscalateOverdueWarnings(ctx, due.AddDays(1)); n != 0 {
			t.Errorf("escalated twice in a day: %d", n)
		}
		county, _ := db.Warnings(ctx, monitor.WarningFilter{HeldBy: auth.CountyApprover, HeldIn: "440103"})
		if len(county) != 1 || county[0].ID != w.ID || county[0].Level != 1 {
			t.Errorf("county approver's warnings: %+v", county)
		}

		// Closing needs the visit first, and a reason for "no need".
		today := due.AddDays(2)
		_, err = db.CloseWarning(ctx, w.ID, monitor.CloseInput{Version: w.Version, Outcome: monitor.OutcomeNoNeed, Note: "已核实"}, today)
		mustCode(t, err, apperr.Invalid)
		_, err = db.RecordVisit(ctx, w.ID, monitor.VisitInput{Version: w.Version, On: today.AddDays(1), Note: "入户"}, today)
		mustCode(t, err, apperr.Invalid) // in the future
		got, err := db.RecordVisit(ctx, w.ID, monitor.VisitInput{Version: w.Version, On: today, Note: "入户核实，医疗费属实但已报销"}, today)
		if err != nil || got.Status != monitor.WarningVisited || got.Visit == nil {
			t.Fatalf("visit: %+v, %v", got, err)
		}
		_, err = db.CloseWarning(ctx, w.ID, monitor.CloseInput{Version: w.Version, Outcome: monitor.OutcomeNoNeed, Note: "x"}, today)
		mustCode(t, err, apperr.Conflict) // stale
		_, err = db.CloseWarning(ctx, w.ID, monitor.CloseInput{Version: got.Version, Outcome: monitor.OutcomeApplication, ApplicationID: r.pendingID}, today)
		mustCode(t, err, apperr.Invalid) // another household's application
		closed, err := db.CloseWarning(ctx, w.ID, monitor.CloseInput{Version: got.Version, Outcome: monitor.OutcomeNoNeed, Note: "费用已由大病保险报销"}, today)
		if err != nil || closed.Status != monitor.WarningClosed || closed.ClosedOn != today || closed.OnTime() {
			t.Errorf("close: %+v, %v", closed, err)
		}
		stats, err := db.WarningStats(ctx, "440103", day, later, today, false)
		if err != nil || len(stats) != 1 || stats[0].Total != 4 || stats[0].Closed != 1 || stats[0].Overdue != 0 || stats[0].OnTime != 0 {
			t.Errorf("stats by township: %+v, %v", stats, err)
		}
		if stats, _ := db.WarningStats(ctx, "440103", day, later, today.AddMonths(1), true); len(stats) != 2 || stats[0].Key != "everyone" ||
			stats[0].Overdue != 3 || stats[1].Key != "medical_spending" || stats[1].Closed != 1 {
			t.Errorf("stats by rule a month later: %+v", stats)
		}
	})
}

// BenchmarkMonitoringRun runs the 10 default rules over a county of
// Dibao households read from the store, a fifth of them with medical
// spending on record, the window parameters set so that the medical rule
// fires: each iteration is a run on a new day, so the warnings of the
// first are repeats after it. SAFETYNET_BENCH_MONITOR_HOUSEHOLDS sets the
// size (default 2,000).
func BenchmarkMonitoringRun(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("SAFETYNET_BENCH_MONITOR_HOUSEHOLDS")); err == nil && v > 0 {
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
			o := loadMonitorBench(b, db, n)
			var persons int64
			for i := 0; b.Loop(); i++ {
				o.AsOf = civil.D(2025, 9, 22).AddDays(i)
				run, err := monitor.RunRegion(ctx, db, o)
				if err != nil || run.Households != int64(n) || run.Raised+run.Repeats == 0 {
					b.Fatalf("run %+v, %v", run, err)
				}
				persons = run.Persons
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/household")
			b.ReportMetric(float64(persons), "persons")
		})
	}
}

// loadMonitorBench stores n generated households of county 440103, each
// receiving Dibao, with medical spending for every fifth household's head,
// and activates the default rules.
func loadMonitorBench(b *testing.B, db *store.DB, n int) monitor.RunOptions {
	b.Helper()
	keys, hs := storeBenchHouseholds(b, db, n, 12)
	for _, q := range []string{
		`INSERT INTO applications (county_code, region_code, filed_in, household_id, applicant_id, program, channel, state,
			entered_on, filed_on, detail, version, created_by, created_at, updated_at)
			SELECT h.county_code, h.region_code, h.region_code, h.id, MIN(m.person_id), 'dibao', 'counter', 'approved', '2025-01-01', '2025-01-01',
				'{}', 1, 'bench', '2025-01-01 00:00:00', '2025-01-01 00:00:00' FROM households h JOIN members m ON m.household_id = h.id
			GROUP BY h.id, h.county_code, h.region_code`,
		`INSERT INTO decisions (county_code, application_id, household_id, program, approved, amount, start_month, decided_by, decided_on, created_at)
			SELECT county_code, id, household_id, 'dibao', 1, 50000, '2025-02', 'bench', '2025-01-20', '2025-01-20 00:00:00' FROM applications`,
		`INSERT INTO enrollments (county_code, household_id, program, decision_id, amount, start_month, status, version, created_at, updated_at, region_code)
			SELECT d.county_code, d.household_id, 'dibao', d.id, 50000, '2025-02', 'active', 1, '2025-01-20 00:00:00', '2025-01-20 00:00:00', h.region_code
			FROM decisions d JOIN households h ON h.id = d.household_id`,
	} {
		if db.Dialect() == store.Postgres {
			q = strings.ReplaceAll(q, "'dibao', 1, 50000", "'dibao', TRUE, 50000")
		}
		if err := store.RawExecErr(db, q); err != nil {
			b.Fatal(err)
		}
	}
	csv := "id_number,month,out_of_pocket\n"
	for i, h := range hs {
		if i%5 == 0 {
			csv += h.Members[0].Person.IDNumber + ",2025-08,9000\n"
		}
	}
	if _, err := importFile(b, db, keys, "medical", "med.csv", []byte(csv)); err != nil {
		b.Fatal(err)
	}
	set := verifyParams(b)
	for k, v := range map[string]string{"monitor.medical.multiple": "2", "monitor.repeat.months": "6", "monitor.warning.handle_wd": "10"} {
		if err := set.Add(policy.Param{Key: k, Region: "4401", Text: v, From: civil.D(2020, 1, 1), Source: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	for _, r := range monitor.DefaultRules() {
		r.Active = true
		if err := db.SaveRule(ctx, &r); err != nil {
			b.Fatal(err)
		}
	}
	return monitor.RunOptions{Region: "440103", Params: set, Calendar: calendar.Embedded(), Index: verify.IndexWith(keys)}
}

// TestMonitorRelapseList: a household with a member on the rural
// revitalisation department's list of persons monitored against relapse
// is monitored (category relapse_risk) until the list gives the risk as
// eliminated.
func TestMonitorRelapseList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunRegion(t, db)
		keys := storetest.Keys(t)
		day := civil.D(2025, 9, 22)
		monitored := func() []monitor.Monitored {
			t.Helper()
			q := monitor.Windows(r.set, r.tw, day)
			q.Region = r.tw
			ms, err := db.MonitoredHouseholds(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}
		before := len(monitored())
		csv := "id_number,registered_on,risk_type,eliminated_on\n" +
			r.idle.Members[0].Person.IDNumber + ",2025-03-01,sudden_hardship,\n" +
			r.applicant.Members[0].Person.IDNumber + ",2024-03-01,marginal,2025-01-10\n"
		if _, err := importFile(t, db, keys, "relapse", "relapse.csv", []byte(csv)); err != nil {
			t.Fatal(err)
		}
		ms := monitored()
		i := slices.IndexFunc(ms, func(m monitor.Monitored) bool { return m.HouseholdID == r.idle.ID })
		if len(ms) != before+1 || i < 0 || !slices.Equal(ms[i].Categories, []string{string(monitor.CatRelapseRisk)}) || len(ms[i].Programs) != 0 {
			t.Fatalf("monitored %+v (before: %d)", ms, before)
		}
		pop, err := db.MonitoredPopulation(ctx, monitor.CountQueryOf(r.set, r.tw, day, nil))
		if err != nil || pop.Total.ByCategory[monitor.CatRelapseRisk].Households != 1 || pop.Total.Total.Households != int64(before+1) {
			t.Errorf("population %+v, %v", pop.Total, err)
		}
		// The next list gives the risk as eliminated.
		csv = "id_number,registered_on,risk_type,eliminated_on\n" + r.idle.Members[0].Person.IDNumber + ",2025-03-01,sudden_hardship,2025-09-01\n"
		if _, err := importFile(t, db, keys, "relapse", "relapse2.csv", []byte(csv)); err != nil {
			t.Fatal(err)
		}
		if n := len(monitored()); n != before {
			t.Errorf("%d monitored after the risk was eliminated, want %d", n, before)
		}
	})
}
