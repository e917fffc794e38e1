package auth

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c := newCode()
		if len(c) != CodeDigits || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("got code %q, want %d digits", c, CodeDigits)
		}
		seen[c] = true
	}
	if len(seen) < 1990 {
		t.Fatalf("%d distinct codes in 2000", len(seen))
	}
}

func TestHashCode(t *testing.T) {
	a, b := strings.Repeat("a", 43), strings.Repeat("b", 43)
	if HashCode(a, "123456") == HashCode(b, "123456") {
		t.Fatal("the hash does not depend on the challenge")
	}
	if h := HashCode(a, "123456"); len(h) != 64 || strings.Contains(h, "123456") || h != HashCode(a, "123456") {
		t.Fatalf("got hash %q", h)
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	minutesAgo := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, now.Add(-time.Duration(m)*time.Minute))
		}
		return out
	}
	tests := []struct {
		name string
		sent []time.Time
		want string // "" for allowed, else a part of the message
	}{
		{"First", nil, ""},
		{"AfterAMinute", minutesAgo(1), ""},
		{"WithinAMinute", []time.Time{now.Add(-15 * time.Second)}, "please wait 46 seconds"},
		{"NineToday", minutesAgo(600, 500, 400, 300, 200, 100, 50, 20, 5), ""},
		{"TenToday", minutesAgo(1380, 600, 500, 400, 300, 200, 100, 50, 20, 5), "try again after 11-23 11:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rateLimit(tt.sent, now)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got %v, want allowed", err)
			case tt.want != "" && (!apperr.IsCode(err, apperr.TooMany) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want TooMany saying %q", err, tt.want)
			}
		})
	}
}

func TestCitizenPermission(t *testing.T) {
	for _, r := range Roles {
		if r.Can(Citizen) {
			t.Errorf("%s holds the citizen marker", r)
		}
	}
}
