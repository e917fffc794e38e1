package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestListAndPrefix(t *testing.T) {
	var inner List
	inner.Addf("id_number", "bad %s", "check")
	inner.Addf("name", "required")
	var outer List
	outer.Add("members[2].person", inner.Err())
	outer.Addf("region_code", "unknown")
	err := outer.Err()
	got := Fields(err)
	want := map[string]string{"members[2].person.id_number": "bad check", "members[2].person.name": "required", "region_code": "unknown"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s: got %q, want %q", k, got[k], v)
		}
	}
	if e := As(err); e.Field != "members[2].person.id_number" || e.Code != Invalid {
		t.Errorf("first error: got %+v", e)
	}
}

func TestCodeOfAndLocalize(t *testing.T) {
	wrapped := fmt.Errorf("context: %w", Errorf(Conflict, "household %s is taken", "440103-0000001"))
	if CodeOf(wrapped) != Conflict || CodeOf(errors.New("x")) != Internal || CodeOf(nil) != "" {
		t.Fatal("CodeOf is wrong")
	}
	e := As(wrapped)
	zh := e.Localize(func(f string) string {
		if f == "household %s is taken" {
			return "家庭 %s 已被占用"
		}
		return f
	})
	if zh != "家庭 440103-0000001 已被占用" || e.Message != "household 440103-0000001 is taken" {
		t.Fatalf("got %q / %q", zh, e.Message)
	}
	if p := As(Prefix("members[0]", Fieldf("", "x"))); p.Field != "members[0]" || p.Localize(nil) != "x" {
		t.Fatalf("Prefix of an empty field: got %+v", p)
	}
}
