package main

import (
	"context"
	"fmt"

	"safetynet/internal/audit"
	"safetynet/internal/calendar"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/store"
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
