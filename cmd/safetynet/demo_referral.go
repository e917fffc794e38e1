package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/referral"
	"safetynet/internal/registry"
	"safetynet/internal/store"
)

// demoPartners are the demo county's partner directory: one of each kind,
// and the city's charity federation serving every district.
var demoPartners = []referral.Partner{
	{Name: "荔湾区医疗保障局", Kind: referral.KindHealth, Needs: []referral.Need{referral.NeedMedical}, Contact: "梁科长", Phone: "020-81230001"},
	{Name: "荔湾区教育局学生资助中心", Kind: referral.KindEducation, Needs: []referral.Need{referral.NeedEducation}, Contact: "何老师", Phone: "020-81230002"},
	{Name: "荔湾区住房和建设局", Kind: referral.KindHousing, Needs: []referral.Need{referral.NeedHousing}, Contact: "罗科员", Phone: "020-81230003"},
	{Name: "荔湾区人力资源和社会保障局", Kind: referral.KindHRSS, Needs: []referral.Need{referral.NeedEmployment, referral.NeedSocialSecurity}, Contact: "冯科员", Phone: "020-81230004"},
	{Name: "荔湾区残疾人联合会", Kind: referral.KindDisabled, Needs: []referral.Need{referral.NeedDisability, referral.NeedCare}, Contact: "林干事", Phone: "13800138004"},
	{Name: "荔湾区法律援助处", Kind: referral.KindLegalAid, Needs: []referral.Need{referral.NeedLegalAid}, Contact: "邓律师", Phone: "020-81230006"},
	{Name: "荔湾区总工会", Kind: referral.KindTradeUnion, Needs: []referral.Need{referral.NeedUnion}, Contact: "谢部长", Phone: "020-81230007"},
	{Name: "广州市慈善会", Kind: referral.KindCharity, Needs: []referral.Need{referral.NeedCharity, referral.NeedCare, referral.NeedMedical}, Contact: "苏主任", Phone: "020-83330008"},
}

// loadDemoReferrals gives the demo a partner directory, the county's
// referral deadlines (demo values: the policy reference sets none), the
// partner login linked to the disabled persons' federation, and
// referrals of the first township's households at every status, one of
// them overdue and escalated. It returns the number of referrals.
func loadDemoReferrals(ctx context.Context, db *store.DB) (int, error) {
	today := civil.Today()
	for _, p := range []policy.Param{{Key: referral.ParamAcceptWD, Text: "5"}, {Key: referral.ParamResultWD, Text: "15"}} {
		p.Region, p.From = demoCounty, civil.D(today.Year-1, 1, 1)
		p.Source, p.Note, p.Reason = "演示数据：由县级民政部门设置", "政策参考资料未规定转介接收和反馈时限，由本地设置", "演示数据"
		if err := db.AddParam(ctx, &p); err != nil {
			return 0, err
		}
	}
	byKind := map[referral.PartnerKind]*referral.Partner{}
	for _, p := range demoPartners {
		p.Region, p.Active = demoCounty, true
		if p.Kind == referral.KindCharity {
			p.Region = demoCounty[:4]
		}
		if err := db.CreatePartner(ctx, &p); err != nil {
			return 0, fmt.Errorf("partner %s: %w", p.Name, err)
		}
		byKind[p.Kind] = &p
	}
	if u, err := db.UserByUsername(ctx, "partner"); err == nil {
		if err := db.LinkPartnerUser(ctx, u.ID, byKind[referral.KindDisabled].ID); err != nil {
			return 0, err
		}
	}
	township, err := db.UserByUsername(ctx, "township")
	if err != nil {
		return 0, err
	}
	scope := registry.Scope{Region: township.Region}
	list, err := db.FindHouseholds(ctx, scope, registry.HouseholdFilter{Limit: 40})
	if err != nil {
		return 0, err
	}
	set, err := db.ParamSet(ctx)
	if err != nil {
		return 0, err
	}
	cal := calendar.Embedded()
	// Each demo referral: how many days ago it was sent, to whom, for
	// what, and how far the partner got.
	plans := []struct {
		ago   int
		kind  referral.PartnerKind
		needs []referral.Need
		note  string
		steps []string
	}{
		{0, referral.KindDisabled, []referral.Need{referral.NeedDisability}, "户主二级肢体残疾，需要轮椅和康复服务", nil},
		{20, referral.KindDisabled, []referral.Need{referral.NeedCare}, "独居老人，需要上门照料", nil}, // overdue: escalates
		{12, referral.KindHRSS, []referral.Need{referral.NeedEmployment}, "户主失业，希望参加技能培训", []string{"accept", "action"}},
		{9, referral.KindHousing, []referral.Need{referral.NeedHousing}, "租住危房，申请公租房", []string{"decline"}},
		{30, referral.KindHealth, []referral.Need{referral.NeedMedical}, "大病住院自付费用高", []string{"accept", "action", "result"}},
		{25, referral.KindCharity, []referral.Need{referral.NeedCharity}, "子女上学生活困难", []string{"accept"}},
		{6, referral.KindLegalAid, []referral.Need{referral.NeedLegalAid}, "追讨拖欠工资", []string{"accept"}},
	}
	consent := []byte(demoScan)
	sum := sha256.Sum256(consent)
	n := 0
	for _, hs := range list {
		if n == len(plans) {
			break
		}
		h, err := db.Household(ctx, scope, hs.ID)
		if err != nil {
			return n, err
		}
		plan := plans[n]
		sent := today.AddDays(-plan.ago)
		var adult int64
		for _, m := range h.Members {
			if m.Active(sent) && m.Person.Death.IsZero() && m.Person.Birth.YearsAt(sent) >= 18 {
				adult = m.Person.ID
				break
			}
		}
		if adult == 0 {
			continue
		}
		env := &referral.Env{Today: sent, Now: sent.In(civil.Shanghai).Add(10 * time.Hour).UTC(), By: township.Username, Calendar: cal, Params: set}
		p := byKind[plan.kind]
		r := &referral.Referral{PartnerID: p.ID, Needs: plan.needs, Note: plan.note,
			Consent: referral.Consent{PersonID: adult, On: sent, Method: referral.ConsentSigned},
			Documents: []referral.Document{{Filename: "转介同意书.pdf", ContentType: casework.PDF, Size: int64(len(consent)),
				SHA256: hex.EncodeToString(sum[:]), UploadedBy: township.Username, UploadedAt: env.Now, Data: consent}}}
		if err := r.Complete(h, p, env, nil); err != nil {
			return n, fmt.Errorf("demo referral %d: %w", n+1, err)
		}
		if err := db.CreateReferral(ctx, r); err != nil {
			return n, err
		}
		env.By = "partner"
		for i, step := range plan.steps {
			env.Today = sent.AddDays(2 + 3*i)
			env.Now = env.Today.In(civil.Shanghai).Add(15 * time.Hour).UTC()
			switch step {
			case "accept":
				err = r.Accept("已接收，安排专人跟进", env)
			case "decline":
				err = r.Decline("该户不符合公租房户籍年限条件，建议申请住房租赁补贴", env)
			case "action":
				err = r.AddAction("已电话联系户主并上门了解情况", env)
			case "result":
				err = r.RecordResult("已纳入医疗救助，报销自付费用 12,600 元", env)
			}
			if err == nil {
				err = db.UpdateReferral(ctx, r)
			}
			if err != nil {
				return n, fmt.Errorf("demo referral %d, %s: %w", n+1, step, err)
			}
		}
		n++
	}
	// The overdue ones escalate as the daily work would have done.
	if _, err := db.EscalateOverdueReferrals(ctx, today); err != nil {
		return n, err
	}
	return n, nil
}
