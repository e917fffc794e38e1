package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/audit"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/verify"
)

// demoVisitRule is a local rule of the demo county: a visit to the elderly
// heads of Dibao households. It is demo data, not policy: counties write
// such rules themselves.
var demoVisitRule = monitor.Rule{Code: "elderly_head_visit", ZH: "低保家庭老年户主走访（演示）", EN: "visit the elderly heads of Dibao households (demo)",
	Expression: `person.head && person.age >= 60 && "dibao" in household.programs`, Region: demoCounty,
	Severity: monitor.Low, Side: monitor.NeedSide, Action: "visit", Source: "演示数据：县级自定规则", Active: true}

// loadDemoWarnings runs this month's monitoring run of the demo county
// (as the monthly schedule would: the server then finds it done), with its
// local visiting rule beside the default rules the county activated, and
// has the township visit and settle some of the warnings. The registry is
// created on the day the demo loads, so no earlier run can see it: the
// demo's warnings are all due in the future. It returns the number of
// warnings raised.
func loadDemoWarnings(ctx context.Context, db *store.DB) (int64, error) {
	today := civil.Today()
	set, err := db.ParamSet(ctx)
	if err != nil {
		return 0, err
	}
	days, err := db.CalendarDays(ctx)
	if err != nil {
		return 0, err
	}
	cal, err := calendar.Embedded().With(days)
	if err != nil {
		return 0, err
	}
	if err := loadDemoRelapse(ctx, db, set, today); err != nil {
		return 0, err
	}
	rule := demoVisitRule
	if err := db.SaveRule(ctx, &rule); err != nil {
		return 0, err
	}
	run, err := monitor.RunRegion(ctx, db, monitor.RunOptions{Region: demoCounty, AsOf: today, Scheduled: true, Params: set, Calendar: cal, Index: db.IDIndex})
	if err != nil {
		return 0, fmt.Errorf("the month's run: %w", err)
	}
	ws, err := db.Warnings(ctx, monitor.WarningFilter{RunID: run.ID, Limit: 500})
	if err != nil {
		return 0, err
	}
	town := demoUsers()[2] // the township caseworker
	as := audit.WithActor(ctx, audit.Actor{Username: town.username, Role: string(town.role)})
	notes := []struct{ visit, outcome, reason string }{
		{"入户核实：老人身体尚可，子女每周探望", string(monitor.OutcomeNoNeed), "生活有人照料，暂无新的救助需求"},
		{"两次上门无人，电话停机", string(monitor.OutcomeUnreachable), "邻居称老人已随子女外出务工地居住，已请村委会继续联系"},
		{"入户核实：老人行动不便，拟申请特困供养", "", ""},
	}
	var mine []monitor.Warning
	for _, w := range ws {
		if w.TaskRegion == town.region() {
			mine = append(mine, w)
		}
	}
	for i, n := range notes[:min(len(notes), len(mine))] {
		w := mine[i]
		visited, err := db.RecordVisit(as, w.ID, monitor.VisitInput{Version: w.Version, On: today, Note: n.visit}, today)
		if err != nil {
			return 0, fmt.Errorf("demo visit: %w", err)
		}
		if n.outcome == "" {
			continue
		}
		if _, err := db.CloseWarning(as, w.ID, monitor.CloseInput{Version: visited.Version, Outcome: monitor.Outcome(n.outcome), Note: n.reason},
			today); err != nil {
			return 0, fmt.Errorf("demo outcome: %w", err)
		}
	}
	return run.Raised, nil
}

// loadDemoRelapse imports the rural revitalisation department's list of
// persons monitored against relapse into poverty (防止返贫监测对象) with two
// households of the second township that receive nothing, so that the
// sixth group of the monitored population has members.
func loadDemoRelapse(ctx context.Context, db *store.DB, set *policy.Set, today civil.Date) error {
	town := demoUsers()[3].region() // the second township
	hs, err := db.FindHouseholds(ctx, registry.Scope{Region: town}, registry.HouseholdFilter{Limit: 60})
	if err != nil {
		return err
	}
	q := monitor.Windows(set, town, today)
	q.Limit = 500
	monitored, err := db.MonitoredHouseholds(ctx, q)
	if err != nil {
		return err
	}
	csv := "身份证号码,纳入监测日期,监测对象类别,风险消除日期\n"
	kinds := []string{"突发严重困难户", "脱贫不稳定户"}
	n := 0
	for _, hs := range hs {
		if n == len(kinds) || slices.ContainsFunc(monitored, func(m monitor.Monitored) bool { return m.HouseholdID == hs.ID }) {
			continue
		}
		h, err := db.Household(ctx, registry.Scope{Region: town}, hs.ID)
		if err != nil {
			return err
		}
		csv += fmt.Sprintf("%s,%s,%s,\n", h.Members[0].Person.IDNumber, today.AddMonths(-4), kinds[n])
		n++
	}
	src, err := db.Source(ctx, "relapse")
	if err != nil {
		return err
	}
	_, err = verify.Import(ctx, db, strings.NewReader(csv), verify.ImportOptions{Source: src, FileName: "演示_防止返贫监测对象.csv",
		Today: today, Scope: demoCounty, Index: db.IDIndex, DataAsOf: today.AddDays(-3)})
	return err
}
