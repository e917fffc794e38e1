package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/verify"
)

// demoScan is the demo's scanned authorisation: a one-page PDF.
var demoScan = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// loadDemoVerification gives the demo's verification centre something to
// show: the county's verification parameters, authorisations of the first
// households of the township, departments' files about their members (with
// a few differences from what they declared, and one bad row), and reports.
// It returns the number of reports issued.
func loadDemoVerification(ctx context.Context, db *store.DB) (int, error) {
	township, err := db.UserByUsername(ctx, "township")
	if err != nil {
		return 0, err
	}
	today := civil.Today()
	// The policy reference gives no reference period or authorisation
	// validity (§6): the demo county sets its own, marked as demo values.
	for _, p := range []policy.Param{{Key: "verify.reference_months", Text: "12"}, {Key: "verify.authorisation.valid_months", Text: "12"}} {
		p.Region, p.From = demoCounty, civil.D(today.Year, 1, 1)
		p.Source, p.Note, p.Reason = "演示数据：由县级民政部门设置", "政策参考资料未规定核对计算期和授权有效期，由本地设置", "演示数据"
		if err := db.AddParam(ctx, &p); err != nil {
			return 0, err
		}
	}
	scope := registry.Scope{Region: township.Region}
	list, err := db.FindHouseholds(ctx, scope, registry.HouseholdFilter{Limit: 20})
	if err != nil {
		return 0, err
	}
	var snaps []*registry.Snapshot
	for _, hs := range list {
		snap, err := db.HouseholdAt(ctx, scope, hs.ID, today)
		if err != nil {
			return 0, err
		}
		snaps = append(snaps, snap)
	}
	set, err := db.ParamSet(ctx)
	if err != nil {
		return 0, err
	}
	signed := today.AddDays(-20)
	sum := sha256.Sum256(demoScan)
	for _, snap := range snaps {
		h := &snap.Household
		a := verify.Authorisation{SignedOn: signed, Scan: verify.Scan{Filename: "核对授权书.pdf", ContentType: casework.PDF, Size: int64(len(demoScan)),
			SHA256: hex.EncodeToString(sum[:]), Data: demoScan}}
		var guardian int64
		for _, m := range h.Members {
			if m.Active(signed) && m.Person.Death.IsZero() && m.Person.Birth.YearsAt(signed) >= 18 {
				a.Signers = append(a.Signers, verify.Signer{PersonID: m.Person.ID})
				if guardian == 0 {
					guardian = m.Person.ID
				}
			}
		}
		for _, m := range h.Members {
			if m.Active(signed) && m.Person.Death.IsZero() && m.Person.Birth.YearsAt(signed) < 18 && len(a.Signers) > 0 {
				a.Signers[0].For = append(a.Signers[0].For, m.Person.ID)
			}
		}
		if err := a.Complete(h, verify.Catalog(), set, today); err != nil {
			continue // a household the rules do not let sign (no adult): left unauthorised, as in life
		}
		if err := db.AddAuthorisation(ctx, &a); err != nil {
			return 0, err
		}
	}
	for code, body := range demoDepartmentFiles(snaps, today) {
		src, err := db.Source(ctx, code)
		if err != nil {
			return 0, err
		}
		_, err = verify.Import(ctx, db, bytes.NewReader([]byte(body)), verify.ImportOptions{Source: src, FileName: "演示_" + src.ZH + ".csv",
			Today: today, Scope: demoCounty, Index: db.IDIndex, DataAsOf: today.AddDays(-3)})
		if err != nil {
			return 0, fmt.Errorf("demo %s data: %w", code, err)
		}
	}
	v := &verify.Verifier{Store: db, Index: db.IDIndex, Params: set}
	apps, err := db.Applications(ctx, scope, casework.Filter{Limit: 100})
	if err != nil {
		return 0, err
	}
	appOf := map[int64]casework.Summary{}
	for _, a := range apps {
		if _, ok := appOf[a.HouseholdID]; !ok {
			appOf[a.HouseholdID] = a
		}
	}
	issued := 0
	for _, snap := range snaps[:min(8, len(snaps))] {
		req := verify.Request{Snapshot: snap, AsOf: today, Programs: []policy.Program{policy.Dibao, policy.Marginal}}
		if a, ok := appOf[snap.Household.ID]; ok {
			req.ApplicationID, req.Programs = a.ID, []policy.Program{a.Program}
		}
		rep, err := v.Verify(ctx, req)
		if err != nil {
			continue // not authorised: the page says so
		}
		if err := db.SaveReport(ctx, rep); err != nil {
			return issued, err
		}
		issued++
	}
	return issued, nil
}

// demoDepartmentFiles writes the departments' CSV files about the demo
// households' members, by source code: wages a third above the declared
// ones in every third household, pensions for the elderly, a car, two
// flats, savings, a death not yet recorded, and one row with a mistyped
// ID number.
func demoDepartmentFiles(snaps []*registry.Snapshot, today civil.Date) map[string]string {
	var tax, pension, vehicle, estate, deposit, death strings.Builder
	tax.WriteString("身份证号码,所属期,所得项目,收入额,扣缴义务人\n")
	pension.WriteString("身份证号码,所属期,养老金,险种\n")
	vehicle.WriteString("身份证号码,号牌号码,品牌型号,车辆类型,车辆价值,登记日期\n")
	estate.WriteString("身份证号码,不动产权证号,坐落,建筑面积（平方米）,评估价值,登记日期\n")
	deposit.WriteString("身份证号码,余额日期,存款余额合计,账户数\n")
	death.WriteString("身份证号码,死亡日期,信息来源\n")
	this := today.MonthOf()
	for i, snap := range snaps {
		latest := snap.LatestIncomes(this)
		for j, m := range snap.Household.Members {
			p := m.Person
			age := p.Birth.YearsAt(today)
			wage := latest[registry.IncomeKey{Person: p.ID, Type: registry.IncomeWage}].Amount
			if wage > 0 {
				paid := wage
				if i%3 == 0 {
					paid = wage * 4 / 3
				}
				for k := 1; k <= 12; k++ {
					fmt.Fprintf(&tax, "%s,%s,工资薪金所得,%s,荔湾区某物业公司\n", p.IDNumber, this.Add(-k), paid)
				}
			}
			if age >= 60 && i%2 == 0 {
				for k := 1; k <= 12; k++ {
					fmt.Fprintf(&pension, "%s,%s,%s,城乡居民基本养老保险\n", p.IDNumber, this.Add(-k), money.Yuan(210))
				}
			}
			switch {
			case i == 1 && j == 0:
				fmt.Fprintf(&vehicle, "%s,粤A8K%03d,比亚迪秦,小型汽车,%s,%s\n", p.IDNumber, i, money.Yuan(128000), today.AddDays(-400))
			case i == 4 && j == 0:
				fmt.Fprintf(&estate, "%s,粤(2019)广州市不动产权第%07d号,荔湾区多宝路%d号,86.5,%s,2019-06-18\n", p.IDNumber, 1000+i, i, money.Yuan(2100000))
				fmt.Fprintf(&estate, "%s,粤(2021)广州市不动产权第%07d号,荔湾区龙津西路%d号,62,%s,2021-03-02\n", p.IDNumber, 2000+i, i, money.Yuan(1500000))
			case i == 5 && j == 0:
				fmt.Fprintf(&deposit, "%s,%s,%s,3\n", p.IDNumber, today.AddDays(-30), money.Yuan(86000))
			case i == 6 && j == 1 && p.Death.IsZero():
				fmt.Fprintf(&death, "%s,%s,火化\n", p.IDNumber, today.AddDays(-45))
			}
		}
	}
	tax.WriteString("44010319800101123,2025-01,工资薪金所得,3000,演示错误行\n")
	return map[string]string{"tax": tax.String(), "pension": pension.String(), "vehicle": vehicle.String(),
		"real_estate": estate.String(), "deposit": deposit.String(), "death": death.String()}
}
