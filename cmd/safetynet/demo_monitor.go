package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/verify"
)

// demoMonitorRules are the default rules the demo county activates (its
// own copies: the national ones stay inactive).
var demoMonitorRules = []string{"medical_spending", "new_severe_disability", "lost_work", "disaster", "recipient_died"}

// loadDemoMonitor gives the demo's monitoring something to show: the
// county's monitoring parameters (demo values: the policy reference sets
// none), more households on Dibao in the two townships with
// caseworkers, departments' data that trips the default rules for some
// of the monitored households (large medical bills, a flood, a job lost,
// a severe disability certificate), and a few default rules activated for
// the county. It returns the number of monitored households.
func loadDemoMonitor(ctx context.Context, db *store.DB) (int, error) {
	today := civil.Today()
	for _, p := range []policy.Param{
		{Key: "monitor.medical.multiple", Text: "2"},
		{Key: "monitor.exited.months", Text: "12"},
		{Key: "monitor.rejected.months", Text: "12"},
		{Key: "monitor.repeat.months", Text: "6"},
		{Key: "monitor.warning.handle_wd", Text: "10"},
	} {
		p.Region, p.From = demoCounty, civil.D(today.Year, 1, 1)
		p.Source, p.Note, p.Reason = "演示数据：由县级民政部门设置", "政策参考资料未规定监测预警的倍数、监测期和处置时限，由本地设置", "演示数据"
		if err := db.AddParam(ctx, &p); err != nil {
			return 0, err
		}
	}
	if err := demoRecipients(ctx, db, today); err != nil {
		return 0, err
	}
	set, err := db.ParamSet(ctx)
	if err != nil {
		return 0, err
	}
	q := monitor.Windows(set, demoCounty, today)
	q.Limit = 500
	monitored, err := db.MonitoredHouseholds(ctx, q)
	if err != nil {
		return 0, err
	}
	ids := make([]int64, len(monitored))
	for i, m := range monitored {
		ids[i] = m.HouseholdID
	}
	snaps, err := db.HouseholdsAt(ctx, ids, today)
	if err != nil {
		return 0, err
	}
	var list []*registry.Snapshot
	for _, id := range ids {
		if s := snaps[id]; s != nil {
			list = append(list, s)
		}
	}
	for code, body := range demoMonitorFiles(list, today) {
		src, err := db.Source(ctx, code)
		if err != nil {
			return 0, err
		}
		if _, err := verify.Import(ctx, db, bytes.NewReader([]byte(body)), verify.ImportOptions{Source: src, FileName: "演示_" + src.ZH + ".csv",
			Today: today, Scope: demoCounty, Index: db.IDIndex, DataAsOf: today.AddDays(-2)}); err != nil {
			return 0, fmt.Errorf("demo %s data: %w", code, err)
		}
	}
	for _, r := range monitor.DefaultRules() {
		for _, c := range demoMonitorRules {
			if r.Code != c {
				continue
			}
			r.Region, r.Active = demoCounty, true
			if err := db.SaveRule(ctx, &r); err != nil {
				return 0, fmt.Errorf("demo rule %s: %w", r.Code, err)
			}
		}
	}
	return len(monitored), nil
}

// demoRecipients takes up to sixteen households of the two townships with
// a caseworker through a Dibao application to approval, three months ago,
// so the monitored population has rows to drill into.
func demoRecipients(ctx context.Context, db *store.DB, today civil.Date) error {
	county, err := db.UserByUsername(ctx, "county")
	if err != nil {
		return err
	}
	set, err := db.ParamSet(ctx)
	if err != nil {
		return err
	}
	filed := workdaysBefore(calendar.Embedded(), today, 66)
	for _, name := range []string{"township", "township2"} {
		tw, err := db.UserByUsername(ctx, name)
		if err != nil {
			return err
		}
		scope := registry.Scope{Region: tw.Region}
		hs, err := db.FindHouseholds(ctx, scope, registry.HouseholdFilter{Limit: 40})
		if err != nil {
			return err
		}
		// The first township's first twenty households carry the workflow
		// and verification stories: take later ones.
		skip, n := 0, 10
		if name == "township" {
			skip, n = min(len(hs), 20), 6
		}
		for _, hsum := range hs[skip:min(len(hs), skip+n)] {
			h, err := db.Household(ctx, scope, hsum.ID)
			if err != nil {
				return err
			}
			a := casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
				Region: h.RegionCode, County: h.CountyCode, Channel: casework.Counter, Materials: []string{"application_form"},
				Reason: "家庭收入低，生活困难（演示数据）"}
			w := demoWalk{clerk: tw, approver: county, scope: scope, filed: filed,
				steps:    []casework.Action{casework.Accept, casework.RecordVisit, casework.FinishInvestigation, casework.Propose, casework.EndNotice, casework.Confirm},
				visitors: "经办人、协理员", findings: "家庭收入低，情况属实（演示数据）", amount: 60000}
			if err := walkDemoApplication(ctx, db, set, today, a, w); err != nil {
				return fmt.Errorf("demo recipient %s: %w", h.Number, err)
			}
		}
	}
	return nil
}

// demoMonitorFiles writes departments' files about monitored households'
// members that the demo county's active rules pick up, by source code.
func demoMonitorFiles(snaps []*registry.Snapshot, today civil.Date) map[string]string {
	var medical, disaster, unemployment, disability strings.Builder
	medical.WriteString("身份证号码,所属期,医疗总费用,个人自付\n")
	disaster.WriteString("身份证号码,发生日期,灾害事故类型,受灾程度,直接经济损失,发生地点\n")
	unemployment.WriteString("身份证号码,所属期,失业保险金\n")
	disability.WriteString("身份证号码,残疾人证号,残疾类别,残疾等级,有效期至\n")
	this := today.MonthOf()
	for i, snap := range snaps {
		var adults []registry.Member
		for _, m := range snap.Household.Members {
			if m.Active(today) && m.Person.Death.IsZero() && m.Person.Birth.YearsAt(today) >= 18 {
				adults = append(adults, m)
			}
		}
		if len(adults) == 0 {
			continue
		}
		p := adults[len(adults)-1].Person
		switch i % 5 {
		case 0: // a hospital stay: 3,000 yuan paid in each of two months
			for k := 1; k <= 2; k++ {
				fmt.Fprintf(&medical, "%s,%s,12000,3000\n", p.IDNumber, this.Add(-k))
			}
		case 1: // the flood of a fortnight ago damaged the house
			fmt.Fprintf(&disaster, "%s,%s,flood,moderate,18000,%s\n", adults[0].Person.IDNumber, today.AddDays(-14), snap.Household.Address)
		case 2: // unemployment insurance since last month
			fmt.Fprintf(&unemployment, "%s,%s,1900\n", p.IDNumber, this.Add(-1))
		case 3: // a grade 2 physical disability certificate
			if p.DisabilityGrade == 0 {
				fmt.Fprintf(&disability, "%s,%s42,physical,2,\n", p.IDNumber, p.IDNumber) // 4: physical, 2: grade
			}
		}
	}
	return map[string]string{"medical": medical.String(), "disaster": disaster.String(), "unemployment": unemployment.String(), "disability": disability.String()}
}
