package casework

import (
	"slices"
	"strconv"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

func TestMaskName(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"张三", "张*"},
		{"张三丰", "张*丰"},
		{"欧阳小明", "欧**明"},
		{"张", "*"},
		{" 李四 ", "李*"},
		{"买买提·艾力", "买****力"},
		{"", ""},
		{"Li", "L*"},
	} {
		if got := MaskName(c.name); got != c.want {
			t.Errorf("MaskName(%q): got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestNoticeOf(t *testing.T) {
	from := civil.D(2025, 9, 1)
	noticed := Application{ID: 7, Program: policy.Linshi, Kind: "urgent", State: Notice, Opinion: "approve", Proposed: 150000,
		NoticeFrom: from, NoticeTo: from.AddDays(2), Notices: 2}
	got, ok := NoticeOf(&noticed, "欧阳小明", 4)
	want := NoticeEntry{ApplicationID: 7, Name: "欧**明", HouseholdSize: 4, Program: policy.Linshi, Kind: "urgent", Amount: 150000,
		From: from, To: from.AddDays(2), Notice: 2}
	if !ok || got != want {
		t.Fatalf("got %+v, %v; want %+v", got, ok, want)
	}
	// Still listed once decided: the notice was posted.
	decided := noticed
	decided.State = Approved
	if _, ok := NoticeOf(&decided, "张三", 1); !ok {
		t.Error("an approved application's notice is left out")
	}
	// And when, after an objection, the township's new opinion is against.
	against := noticed
	against.Opinion = "reject"
	if _, ok := NoticeOf(&against, "张三", 1); !ok {
		t.Error("a notice posted before an opinion against is left out")
	}
	for name, change := range map[string]func(a *Application){
		"minor":         func(a *Application) { a.Minor = true },
		"orphan":        func(a *Application) { a.Program, a.Kind = policy.OrphanAllowance, "" },
		"price subsidy": func(a *Application) { a.Program, a.Kind = policy.PriceSubsidy, "" },
		"review":        func(a *Application) { a.Purpose = PurposeReview },
		"withdrawn":     func(a *Application) { a.State = Withdrawn },
		"no notice":     func(a *Application) { a.NoticeFrom, a.NoticeTo = civil.Date{}, civil.Date{} },
	} {
		a := noticed
		change(&a)
		if e, ok := NoticeOf(&a, "张三", 1); ok {
			t.Errorf("%s: got %+v, want it left out", name, e)
		}
	}
}

func TestGroupNotice(t *testing.T) {
	entries := []NoticeEntry{{ApplicationID: 1, Program: policy.Tekun}, {ApplicationID: 2, Program: policy.Dibao},
		{ApplicationID: 3, Program: policy.Tekun}, {ApplicationID: 4, Program: policy.Linshi}}
	groups := GroupNotice(entries)
	var got []string
	for _, g := range groups {
		s := string(g.Program) + ":"
		for _, e := range g.Entries {
			s += strconv.FormatInt(e.ApplicationID, 10)
		}
		got = append(got, s)
	}
	if want := []string{"dibao:2", "tekun:13", "linshi:4"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if GroupNotice(nil) != nil {
		t.Error("no lines: got groups")
	}
}

func TestCheckNoticeQuery(t *testing.T) {
	day := civil.D(2025, 9, 1)
	for _, c := range []struct {
		name, place string
		from, to    civil.Date
		field       string
	}{
		{"OK", "440103001", day, day, ""},
		{"OK village", "440103001001", day, day.AddDays(MaxNoticeDays - 1), ""},
		{"county", "440103", day, day, "township"},
		{"not a code", "44010300x", day, day, "township"},
		{"no from", "440103001", civil.Date{}, day, "from"},
		{"no to", "440103001", day, civil.Date{}, "to"},
		{"backwards", "440103001", day, day.AddDays(-1), "to"},
		{"too long", "440103001", day, day.AddDays(MaxNoticeDays), "to"},
	} {
		err := CheckNoticeQuery(c.place, c.from, c.to)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: got %v", c.name, err)
			}
			continue
		}
		if apperr.CodeOf(err) != apperr.Invalid || apperr.Fields(err)[c.field] == "" {
			t.Errorf("%s: got %v, want Invalid naming %s", c.name, err, c.field)
		}
	}
}
