package referral

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// weekdays is a calendar of Monday to Friday.
type weekdays struct{}

func (weekdays) AddWorkdays(from civil.Date, n int) (civil.Date, bool) {
	d := from
	for n > 0 {
		d = d.AddDays(1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d, false
}

func params(t *testing.T, accept, result string) *policy.Set {
	t.Helper()
	var ps []policy.Param
	for k, v := range map[string]string{ParamAcceptWD: accept, ParamResultWD: result} {
		if v != "" {
			ps = append(ps, policy.Param{Key: k, Text: v, Region: "440103", From: civil.D(2020, 1, 1)})
		}
	}
	set, err := policy.NewSet(ps)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func household() *registry.Household {
	return &registry.Household{ID: 7, CountyCode: "440103", RegionCode: "440103001001", Members: []registry.Member{
		{Relationship: registry.RelHead, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{ID: 11, Name: "黄一", Birth: civil.D(1970, 1, 1)}},
		{Relationship: registry.RelChild, JoinedOn: civil.D(2020, 1, 1), Person: registry.Person{ID: 12, Name: "黄小", Birth: civil.D(2015, 1, 1)}},
	}}
}

func partner() *Partner {
	return &Partner{ID: 3, Name: "区残联", Kind: KindDisabled, Region: "440103", Needs: []Need{NeedDisability, NeedCare}, Active: true}
}

func env(set *policy.Set) *Env {
	// Monday 2025-09-22.
	return &Env{Today: civil.D(2025, 9, 22), Now: time.Date(2025, 9, 22, 2, 0, 0, 0, time.UTC), By: "town1", Calendar: weekdays{}, Params: set}
}

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	e := apperr.As(err)
	if e == nil {
		t.Fatalf("got %v, want an application error", err)
	}
	return e.Field
}

func TestPartnerValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(p *Partner)
		field string
	}{
		{"OK", func(p *Partner) {}, ""},
		{"ErrName", func(p *Partner) { p.Name = " " }, "name"},
		{"ErrKind", func(p *Partner) { p.Kind = "bank" }, "kind"},
		{"ErrRegion", func(p *Partner) { p.Region = "44010" }, "region"},
		{"ErrNoNeeds", func(p *Partner) { p.Needs = nil }, "needs"},
		{"ErrUnknownNeed", func(p *Partner) { p.Needs = []Need{"money"} }, "needs[0]"},
		{"ErrPhone", func(p *Partner) { p.Phone = "12ab" }, "phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := partner()
			tc.edit(p)
			err := p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := fieldOf(t, err); got != tc.field {
				t.Errorf("got field %q, want %q (%v)", got, tc.field, err)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	names := func(c string) string { return map[string]string{"440104": "越秀区", "440103001001": "某村"}[c] }
	p := partner()
	if err := Check(p, "440103001001", []Need{NeedCare}, names); err != nil {
		t.Fatalf("OK: %v", err)
	}
	p.Region = "440104"
	err := Check(p, "440103001001", []Need{NeedCare}, names)
	if fieldOf(t, err) != "partner_id" || !strings.Contains(err.Error(), "越秀区 (440104)") || !strings.Contains(err.Error(), "某村 (440103001001)") {
		t.Errorf("outside the region: %v", err)
	}
	p = partner()
	err = Check(p, "440103001001", []Need{NeedCare, NeedLegalAid}, nil)
	if fieldOf(t, err) != "needs" || !strings.Contains(err.Error(), "法律援助 (legal_aid)") || strings.Contains(err.Error(), "does not serve 照料") {
		t.Errorf("unserved need: %v", err)
	}
	p.Active = false
	if err := Check(p, "440103001001", []Need{NeedCare}, nil); fieldOf(t, err) != "partner_id" || !strings.Contains(err.Error(), "inactive") {
		t.Errorf("inactive: %v", err)
	}
}

func newReferral() *Referral {
	return &Referral{PartnerID: 3, Needs: []Need{NeedCare, NeedDisability},
		Consent: Consent{PersonID: 11, On: civil.D(2025, 9, 20), Method: ConsentSigned}}
}

func TestComplete(t *testing.T) {
	r := newReferral()
	if err := r.Complete(household(), partner(), env(params(t, "5", "20")), nil); err != nil {
		t.Fatal(err)
	}
	// Five working days after Monday 22 September: Monday 29.
	if r.Status != Sent || r.AcceptDue != civil.D(2025, 9, 29) || r.Consent.Name != "黄一" || r.RegionCode != "440103001001" ||
		r.TaskRegion != "440103001" || r.Role != auth.TownshipCaseworker || len(r.Actions) != 1 || r.Needs[0] != NeedDisability {
		t.Errorf("completed: %+v", r)
	}
	for _, tc := range []struct {
		name  string
		edit  func(r *Referral)
		field string
	}{
		{"ErrNoConsent", func(r *Referral) { r.Consent = Consent{} }, "consent.person_id"},
		{"ErrMinor", func(r *Referral) { r.Consent.PersonID = 12 }, "consent.person_id"},
		{"ErrStranger", func(r *Referral) { r.Consent.PersonID = 99 }, "consent.person_id"},
		{"ErrFuture", func(r *Referral) { r.Consent.On = civil.D(2025, 9, 23) }, "consent.on"},
		{"ErrWitness", func(r *Referral) { r.Consent.Method = ConsentVerbal }, "consent.witness"},
		{"ErrMethod", func(r *Referral) { r.Consent.Method = "" }, "consent.method"},
		{"ErrNoNeeds", func(r *Referral) { r.Needs = nil }, "needs"},
		{"ErrUnserved", func(r *Referral) { r.Needs = []Need{NeedHousing} }, "needs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReferral()
			tc.edit(r)
			if got := fieldOf(t, r.Complete(household(), partner(), env(params(t, "5", "20")), nil)); got != tc.field {
				t.Errorf("got field %q, want %q", got, tc.field)
			}
		})
	}
	t.Run("ErrNoParameter", func(t *testing.T) {
		err := newReferral().Complete(household(), partner(), env(params(t, "", "20")), nil)
		if fieldOf(t, err) != "parameters.referral.accept_wd" || !strings.Contains(err.Error(), "referral.accept_wd") {
			t.Errorf("got %v", err)
		}
		err = newReferral().Complete(household(), partner(), env(params(t, "5", "")), nil)
		if fieldOf(t, err) != "parameters.referral.result_wd" {
			t.Errorf("got %v", err)
		}
	})
}

func TestSteps(t *testing.T) {
	e := env(params(t, "5", "10"))
	r := newReferral()
	if err := r.Complete(household(), partner(), e, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.AddAction("visited", e); !apperr.IsCode(err, apperr.Conflict) {
		t.Errorf("an action before acceptance: %v", err)
	}
	if err := r.Decline(" ", e); fieldOf(t, err) != "reason" {
		t.Errorf("a decline without a reason: %v", err)
	}
	r.Level, r.EscalatedRole, r.EscalatedTo = 1, auth.CountyApprover, "440103"
	e.Today = civil.D(2025, 10, 1)
	if !r.Overdue(e.Today) {
		t.Error("not overdue after its deadline")
	}
	if err := r.Accept("", e); err != nil {
		t.Fatal(err)
	}
	if r.Status != Accepted || r.ResultDue != civil.D(2025, 10, 15) || r.Level != 0 || r.Overdue(e.Today) {
		t.Errorf("accepted: %+v", r)
	}
	if err := r.Decline("no", e); !apperr.IsCode(err, apperr.Conflict) {
		t.Errorf("a decline after acceptance: %v", err)
	}
	if err := r.AddAction("visited the home", e); err != nil {
		t.Fatal(err)
	}
	if err := r.RecordResult("", e); fieldOf(t, err) != "result" {
		t.Errorf("an empty result: %v", err)
	}
	if err := r.RecordResult("wheelchair provided", e); err != nil || r.Status != Done || r.Due() != (civil.Date{}) {
		t.Errorf("result: %v %+v", err, r)
	}
	if got := len(r.Actions); got != 4 {
		t.Errorf("got %d log entries, want 4", got)
	}
}
