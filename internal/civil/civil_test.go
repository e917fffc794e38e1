package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestYearsAt(t *testing.T) {
	tests := []struct {
		name      string
		birth, at Date
		want      int
	}{
		{"day before birthday", D(2008, 6, 15), D(2026, 6, 14), 17},
		{"on birthday", D(2008, 6, 15), D(2026, 6, 15), 18},
		{"29 February, common year, 28 February", D(2004, 2, 29), D(2022, 2, 28), 17},
		{"29 February, common year, 1 March", D(2004, 2, 29), D(2022, 3, 1), 18},
		{"29 February, leap year", D(2004, 2, 29), D(2024, 2, 29), 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.birth.YearsAt(tt.at); got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDateParseAndValid(t *testing.T) {
	for _, s := range []string{"2025-06-01", "2025/06/01", "20250601", "2025/6/1"} {
		d, err := ParseDate(s)
		if err != nil || d != D(2025, time.June, 1) {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	if _, err := ParseDate("2025-02-30"); err == nil {
		t.Error("ParseDate accepted 30 February")
	}
	if D(2025, 2, 29).Valid() || !D(2024, 2, 29).Valid() {
		t.Error("Valid is wrong about 29 February")
	}
	if got := D(2024, 12, 31).AddDays(1); got != D(2025, 1, 1) {
		t.Errorf("AddDays: got %v", got)
	}
}

func TestMonth(t *testing.T) {
	m, err := ParseMonth("2025-12")
	if err != nil || m.Add(1) != (Month{2026, time.January}) || m.Add(-12) != (Month{2024, time.December}) {
		t.Fatalf("got %v %v", m, err)
	}
	if m.Last() != D(2025, 12, 31) || (Month{2024, 2}).Last() != D(2024, 2, 29) {
		t.Fatal("Last is wrong")
	}
}

func TestJSONAndSQL(t *testing.T) {
	var v struct {
		D Date  `json:"d"`
		M Month `json:"m"`
		Z Date  `json:"z"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2025-06-01","m":"2025-06","z":null}`), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2025-06-01","m":"2025-06","z":null}` {
		t.Fatalf("got %s", b)
	}
	if err := json.Unmarshal([]byte(`{"d":"2025-13-01"}`), &v); err == nil {
		t.Fatal("accepted month 13")
	}
	var d Date
	for _, src := range []any{"2025-06-01", []byte("2025-06-01"), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), "2025-06-01T00:00:00Z"} {
		if err := d.Scan(src); err != nil || d != D(2025, 6, 1) {
			t.Errorf("Scan(%v) = %v, %v", src, d, err)
		}
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("zero Date stored as %v, want NULL", v)
	}
}

func TestAddMonths(t *testing.T) {
	for _, c := range []struct {
		d    Date
		n    int
		want Date
	}{
		{D(2025, 1, 31), 1, D(2025, 2, 28)},
		{D(2024, 1, 31), 1, D(2024, 2, 29)},
		{D(2025, 7, 1), 12, D(2026, 7, 1)},
		{D(2025, 11, 15), 6, D(2026, 5, 15)},
		{D(2025, 3, 31), -1, D(2025, 2, 28)},
	} {
		if got := c.d.AddMonths(c.n); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.d, c.n, got, c.want)
		}
	}
}
