package verify

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

func TestCheckRunRegion(t *testing.T) {
	day := civil.D(2025, 9, 22)
	for _, c := range []struct {
		name   string
		code   string
		asOf   civil.Date
		fields []string
	}{
		{"County", "440103", day, nil},
		{"Township", "440103001", day, nil},
		{"ErrCity", "4401", day, []string{"region"}},
		{"ErrVillage", "440103001001", day, []string{"region"}},
		{"ErrLetters", "44010a", day, []string{"region"}},
		{"ErrNoDay", "440103", civil.Date{}, []string{"as_of"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckRunRegion(c.code, c.asOf)
			if got := asList(err); !slices.Equal(uniq(got), c.fields) {
				t.Errorf("got fields %v (%v), want %v", got, err, c.fields)
			}
		})
	}
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func TestResultFail(t *testing.T) {
	h := &registry.Household{Number: "440103-0000007"}
	noAuth := mustErr(Authorised(nil, h, civil.D(2025, 9, 22)))
	for _, c := range []struct {
		name, status, field, text string
	}{
		{"NoAuthorisation", ResultNoAuthorisation, "authorisation", "household 440103-0000007 has no authorisation"},
		{"NotSet", ResultError, "parameters.verify.reference_months", "parameter verify.reference_months is not set for region 440103"},
		{"Internal", ResultError, "", "an internal error stopped the verification"},
		{"PercentInMessage", ResultError, "x", "100% sure"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			switch c.name {
			case "NoAuthorisation":
				err = noAuth
			case "NotSet":
				err = policy.NotSet("verify.reference_months", "440103", civil.D(2025, 9, 22))
			case "Internal":
				err = errors.New("sql: database is locked at /var/lib/x.db")
			default:
				err = &apperr.Error{Code: apperr.Invalid, Field: "x", Message: "100% sure"}
			}
			var r Result
			r.fail(err, nil)
			p, ok := r.Problem()
			if r.Status != c.status || !ok || p.Field != c.field || !strings.HasPrefix(r.Text(), c.text) {
				t.Errorf("got %s %+v %q, want %s, field %q, %q…", r.Status, p, r.Text(), c.status, c.field, c.text)
			}
			if strings.Contains(r.Message, "/var/lib") {
				t.Errorf("an internal detail is kept for users: %s", r.Message)
			}
		})
	}
	if _, ok := (&Result{Message: "plain"}).Problem(); ok {
		t.Error("plain text read as a problem")
	}
}

func mustErr[T any](_ T, err error) error { return err }

func TestSubjectPrograms(t *testing.T) {
	s := Subject{Concerns: []Concern{
		{Program: policy.Dibao, EnrollmentID: 4},
		{Program: policy.Linshi, ApplicationID: 9},
		{Program: policy.Dibao, ApplicationID: 10},
	}}
	if got := s.programs(); !slices.Equal(got, []policy.Program{policy.Dibao, policy.Linshi}) {
		t.Errorf("programs %v", got)
	}
	if got := s.application(); got != 0 {
		t.Errorf("two pending applications: the report belongs to %d, want none", got)
	}
	s.Concerns = s.Concerns[:2]
	if got := s.application(); got != 9 {
		t.Errorf("one pending application: the report belongs to %d, want 9", got)
	}

	rep := &Report{Discrepancies: []Discrepancy{{Item: "income.wage"}}, Programs: []ProgramCheck{
		{Program: policy.Dibao, DeclaredVerdict: policy.Eligible, DeclaredAmount: 112000, VerifiedVerdict: policy.Ineligible},
		{Program: policy.Linshi, Error: "a parameter is missing"},
	}}
	var r Result
	r.record(rep, s)
	if r.Status != ResultVerified || !r.Changed || r.Discrepancies != 1 || len(r.Programs) != 2 || !r.Programs[0].Changed ||
		r.Programs[0].EnrollmentID != 4 || r.Programs[1].Changed || r.Programs[1].Error == "" || r.Programs[1].ApplicationID != 9 {
		t.Errorf("result %+v", r)
	}
	note := reviewNote(&Run{ID: 3, Region: "440103", AsOf: civil.D(2025, 9, 22)}, &Result{ReportNumber: "440103-2025-000012"}, r.Programs[0])
	for _, want := range []string{"核对任务 3", "440103-2025-000012", "最低生活保障", "1120.00", "不符合"} {
		if !strings.Contains(note, want) {
			t.Errorf("review note %q does not say %q", note, want)
		}
	}
}
