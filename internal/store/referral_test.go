package store_test

import (
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/referral"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

// newReferral is a referral of h to partner p sent on day, due due, as
// referral.Complete fills it.
func newReferral(h *registry.Household, p *referral.Partner, day, due civil.Date) *referral.Referral {
	return &referral.Referral{HouseholdID: h.ID, CountyCode: h.CountyCode, RegionCode: h.RegionCode, PartnerID: p.ID,
		Needs: []referral.Need{referral.NeedDisability}, Note: "轮椅",
		Consent: referral.Consent{PersonID: h.Members[0].Person.ID, Name: h.Members[0].Person.Name, On: day, Method: referral.ConsentSigned},
		Status:  referral.Sent, SentOn: day, AcceptDue: due, Role: auth.TownshipCaseworker, TaskRegion: h.RegionCode[:9],
		CreatedBy: "tester", CreatedAt: time.Date(2025, 9, 22, 2, 0, 0, 0, time.UTC),
		Documents: []referral.Document{{Filename: "同意书.pdf", ContentType: "application/pdf", Size: 5, SHA256: "ab", UploadedBy: "tester",
			UploadedAt: time.Date(2025, 9, 22, 2, 0, 0, 0, time.UTC), Data: []byte("%PDF-")}},
		Actions: []referral.Action{{Kind: referral.ActSent, On: day, Note: "轮椅", By: "tester", At: time.Date(2025, 9, 22, 2, 0, 0, 0, time.UTC)}}}
}

func TestReferralStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		town1, town2 := townships(t)
		p := &referral.Partner{Name: "荔湾区残联", Kind: referral.KindDisabled, Region: "440103", Needs: []referral.Need{referral.NeedCare, referral.NeedDisability},
			Contact: "林干事", Phone: "020-81234567", Active: true}
		if err := db.CreatePartner(ctx, p); err != nil {
			t.Fatal(err)
		}
		other := &referral.Partner{Name: "越秀区慈善会", Kind: referral.KindCharity, Region: "440104", Needs: []referral.Need{referral.NeedCharity}, Active: true}
		if err := db.CreatePartner(ctx, other); err != nil {
			t.Fatal(err)
		}
		got, err := db.Partner(ctx, p.ID)
		if err != nil || got.Phone != "020-81234567" || got.Needs[0] != referral.NeedDisability || !got.Active || got.Version != 1 {
			t.Fatalf("partner: %+v %v", got, err)
		}
		// The directory seen from a township: the county's partner, not
		// the neighbouring county's.
		if ps, err := db.Partners(ctx, referral.PartnerFilter{Region: town1}); err != nil || len(ps) != 1 || ps[0].ID != p.ID {
			t.Errorf("partners of %s: %v %v", town1, ps, err)
		}
		if ps, _ := db.Partners(ctx, referral.PartnerFilter{Serves: "440104001001"}); len(ps) != 1 || ps[0].ID != other.ID {
			t.Errorf("partners serving 440104001001: %v", ps)
		}
		// A stale version is refused.
		got.Contact = "陈干事"
		if err := db.UpdatePartner(ctx, got); err != nil || got.Version != 2 {
			t.Fatalf("update: %v %d", err, got.Version)
		}
		stale := *got
		stale.Version = 1
		mustCode(t, db.UpdatePartner(ctx, &stale), apperr.Conflict)

		// A partner's login.
		u := &auth.User{Username: "canlian", Role: auth.Partner, Region: "440103", PasswordHash: "x"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.LinkPartnerUser(ctx, u.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		mustCode(t, db.LinkPartnerUser(ctx, u.ID, other.ID), apperr.Conflict)
		if id, err := db.PartnerOfUser(ctx, u.ID); err != nil || id != p.ID {
			t.Errorf("partner of user: %d %v", id, err)
		}

		h := household(town1, person("黄一", civil.D(1970, 1, 1)))
		h2 := household(town2, person("黄二", civil.D(1971, 1, 1)))
		for _, x := range []*registry.Household{h, h2} {
			if err := db.CreateHousehold(ctx, registry.Scope{}, x); err != nil {
				t.Fatal(err)
			}
		}
		day := civil.D(2025, 9, 22)
		ref := newReferral(h, p, day, civil.D(2025, 9, 29))
		ref.WarningID = 999
		mustCode(t, db.CreateReferral(ctx, ref), apperr.Invalid)
		ref = newReferral(h, p, day, civil.D(2025, 9, 29))
		if err := db.CreateReferral(ctx, ref); err != nil {
			t.Fatal(err)
		}
		late := newReferral(h2, p, day, civil.D(2025, 9, 24))
		if err := db.CreateReferral(ctx, late); err != nil {
			t.Fatal(err)
		}
		r, err := db.Referral(ctx, ref.ID)
		if err != nil || r.PartnerName != "荔湾区残联" || r.HouseholdNumber != h.Number || len(r.Documents) != 1 || r.Documents[0].Data != nil ||
			len(r.Actions) != 1 || r.Consent.Name != "黄一" || r.Version != 1 || r.AcceptDue != civil.D(2025, 9, 29) {
			t.Fatalf("referral: %+v %v", r, err)
		}
		if d, err := db.Document(ctx, r.Documents[0].ID); err != nil || string(d.Data) != "%PDF-" || d.ReferralID != ref.ID {
			t.Errorf("document: %v %v", d, err)
		}
		if hs, err := db.HouseholdReferrals(ctx, h.ID); err != nil || len(hs) != 1 || hs[0].ID != ref.ID {
			t.Errorf("household referrals: %v %v", hs, err)
		}
		// Lists: a township's, a partner's, the overdue.
		if rs, _ := db.Referrals(ctx, referral.Filter{Region: town1}); len(rs) != 1 || rs[0].ID != ref.ID {
			t.Errorf("referrals of %s: %v", town1, rs)
		}
		if rs, _ := db.Referrals(ctx, referral.Filter{PartnerID: other.ID}); len(rs) != 0 {
			t.Errorf("the other partner sees %v", rs)
		}
		today := civil.D(2025, 9, 26)
		if rs, _ := db.Referrals(ctx, referral.Filter{Region: "440103", Overdue: true, Today: today}); len(rs) != 1 || rs[0].ID != late.ID {
			t.Errorf("overdue: %v", rs)
		}

		// The partner accepts with the version read; a stale version is refused.
		r.Status, r.AcceptedOn, r.ResultDue = referral.Accepted, today, civil.D(2025, 10, 20)
		r.Actions = append(r.Actions, referral.Action{Kind: referral.ActAccepted, On: today, By: "canlian", At: time.Now()})
		if err := db.UpdateReferral(ctx, r); err != nil || r.Version != 2 {
			t.Fatalf("accept: %v", err)
		}
		r.Version = 1
		mustCode(t, db.UpdateReferral(ctx, r), apperr.Conflict)
		if r, _ = db.Referral(ctx, ref.ID); r.Status != referral.Accepted || len(r.Actions) != 2 || r.ResultDue != civil.D(2025, 10, 20) {
			t.Errorf("after accepting: %+v", r)
		}

		// The late one escalates to the county once a day, then to the city.
		for i, want := range []struct {
			n     int
			role  auth.Role
			to    string
			level int
		}{{1, auth.CountyApprover, "440103", 1}, {0, auth.CountyApprover, "440103", 1}} {
			n, err := db.EscalateOverdueReferrals(ctx, today)
			if err != nil || n != want.n {
				t.Fatalf("escalation %d: %d %v", i, n, err)
			}
			e, _ := db.Referral(ctx, late.ID)
			if e.Level != want.level || e.EscalatedRole != want.role || e.EscalatedTo != want.to {
				t.Errorf("escalation %d: %+v", i, e)
			}
		}
		if n, _ := db.EscalateOverdueReferrals(ctx, today.AddDays(1)); n != 1 {
			t.Errorf("the next day: %d escalated", n)
		}
		e, _ := db.Referral(ctx, late.ID)
		if e.Level != 2 || e.EscalatedRole != auth.Supervisor || e.EscalatedTo != "4401" || e.Actions[len(e.Actions)-1].Kind != referral.ActEscalated {
			t.Errorf("second escalation: %+v", e)
		}
		if rs, _ := db.Referrals(ctx, referral.Filter{Region: "4401", Escalated: true, Role: auth.Supervisor}); len(rs) != 1 || rs[0].ID != late.ID {
			t.Errorf("escalated to the city: %v", rs)
		}

		st, err := db.ReferralStats(ctx, "440103", today)
		if err != nil || len(st) != 2 {
			t.Fatalf("stats: %v %v", st, err)
		}
		byRegion := map[string]referral.RegionStats{}
		for _, s := range st {
			byRegion[s.Region] = s
		}
		if s := byRegion[town1]; s.Sent != 1 || s.Accepted != 1 || s.Overdue != 0 {
			t.Errorf("stats %s: %+v", town1, s)
		}
		if s := byRegion[town2]; s.Sent != 1 || s.Waiting != 1 || s.Overdue != 1 {
			t.Errorf("stats %s: %+v", town2, s)
		}
	})
}
