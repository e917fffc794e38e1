package verify_test

import (
	"bytes"
	"io"
	"os"
	"reflect"
	"testing"
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/gen"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/tabular"
	"safetynet/internal/verify"
)

var asOf = civil.D(2025, 6, 20)

// BenchmarkParse parses a generated tax file of 200,000 rows held in
// memory: the parser's share of benchmark B4 (internal/bench), without
// the file system.
func BenchmarkParse(b *testing.B) {
	const n = 200_000
	fs, err := gen.WriteDepartments(b.TempDir(), gen.DepartmentOptions{Registry: gen.Options{Region: "44", AsOf: asOf},
		Records: n, Strangers: 1, Bad: 0.01, Sources: []string{"tax"}})
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(fs[0].Path)
	if err != nil {
		b.Fatal(err)
	}
	src, _ := verify.BuiltinSource("tax")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		text, _, err := tabular.Decode(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rs := tabular.NewCSV(text)
		_, header, _ := rs.Next()
		p, err := verify.NewParser(&src, nil, append([]string(nil), header...), asOf, false)
		if err != nil {
			b.Fatal(err)
		}
		var rec verify.Record
		rejected := 0
		for {
			row, cells, err := rs.Next()
			if err == io.EOF {
				break
			}
			if p.Parse(row, cells, &rec) != nil {
				rejected++
			}
		}
		if rejected != fs[0].Bad {
			b.Fatalf("%d rejected, want %d", rejected, fs[0].Bad)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestParseCanonical checks the parser's shortcuts for cells already in
// canonical form against the general path's results for other spellings
// of the same values.
func TestParseCanonical(t *testing.T) {
	id := idcard.Make("440103", civil.D(1980, 3, 5), 123)
	src, _ := verify.BuiltinSource("tax")
	p, err := verify.NewParser(&src, nil, []string{"id_number", "month", "income_type", "amount", "payer"}, asOf, false)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cells []string
		want  []string // nil: rejected
	}{
		{"OKCanonical", []string{id, "2025-06", "wage", "3200.50", "某公司"}, []string{id, "2025-06", "wage", "320050", "某公司"}},
		{"OKOtherSpellings", []string{" " + id[:6] + " " + id[6:] + " ", "2025/6", " 工资薪金所得 ", "3,200.5", " 某公司\u3000"}, []string{id, "2025-06", "wage", "320050", "某公司"}},
		{"OKCompactMonthAndWholeYuan", []string{id, "202506", "WAGE", "3200", "x"}, []string{id, "2025-06", "wage", "320000", "x"}},
		{"OKLeadingDot", []string{id, "2025-06", "工资薪金所得", ".5", "x"}, []string{id, "2025-06", "wage", "50", "x"}},
		{"OKTrailingDot", []string{id, "2025-06", "工资薪金所得", "5.", "x"}, []string{id, "2025-06", "wage", "500", "x"}},
		{"ErrMonth13", []string{id, "2025-13", "wage", "1", "x"}, nil},
		{"ErrMonthYear0999", []string{id, "0999-06", "wage", "1", "x"}, nil},
		{"ErrDot", []string{id, "2025-06", "wage", ".", "x"}, nil},
		{"ErrSixteenDigits", []string{id, "2025-06", "wage", "1234567890123456", "x"}, nil},
		{"ErrInvalidUTF8", []string{id, "2025-06", "wage", "1", "某\xff公司"}, nil},
		{"ErrReplacementCharacter", []string{id, "2025-06", "wage", "1", "某\uFFFD公司"}, nil},
		{"ErrCheckCharacter", []string{id[:17] + "0", "2025-06", "wage", "1", "x"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rec verify.Record
			rej := p.Parse(2, c.cells, &rec)
			switch {
			case c.want == nil && rej == nil:
				t.Fatalf("accepted %q", rec.Values)
			case c.want != nil && rej != nil:
				t.Fatalf("rejected: %+v", rej.Problems)
			case c.want != nil && !reflect.DeepEqual(rec.Values, c.want):
				t.Fatalf("got %q, want %q", rec.Values, c.want)
			}
		})
	}
	// Dates: the canonical form is kept, others are rewritten to it.
	vs, _ := verify.BuiltinSource("vehicle")
	p, err = verify.NewParser(&vs, nil, []string{"id_number", "plate", "value", "valid_from", "valid_to"}, asOf, false)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"2024-01-02": "2024-01-02", "2024/1/2": "2024-01-02", "20240102": "2024-01-02", "2024年1月2日": "2024-01-02"} {
		var rec verify.Record
		if rej := p.Parse(2, []string{id, "粤A12345", "1", in, ""}, &rec); rej != nil || rec.Values[5] != want {
			t.Errorf("valid_from %q: got %q, %v; want %q", in, rec.Values[5], rej, want)
		}
	}
	for _, in := range []string{"2024-02-30", "0999-01-01", "2026-01-01"} {
		var rec verify.Record
		if rej := p.Parse(2, []string{id, "粤A12345", "1", in, ""}, &rec); rej == nil {
			t.Errorf("valid_from %q accepted as %q", in, rec.Values[5])
		}
	}
}

// TestFindingAt checks that reading findings slot by slot, with one
// Finding reused, gives what Finding gives for each key.
func TestFindingAt(t *testing.T) {
	var sources []verify.Source
	for _, c := range []string{"tax", "vehicle", "death"} {
		s, _ := verify.BuiltinSource(c)
		sources = append(sources, s)
	}
	m := verify.NewMatcher(sources, verify.PeriodBefore(asOf, 3), 3)
	ids := []string{idcard.Make("440103", civil.D(1980, 3, 5), 123), idcard.Make("440103", civil.D(1982, 7, 9), 246),
		idcard.Make("440103", civil.D(2015, 1, 2), 358)}
	var slots []int32
	for _, id := range ids {
		slots = append(slots, m.Person(verify.KeyOfID(id)))
	}
	m.Add(0, verify.KeyOfID(ids[0]), []string{ids[0], "2025-04", "wage", "300000", "甲公司"})
	m.Add(0, verify.KeyOfID(ids[0]), []string{ids[0], "2025-05", "business", "50000", "乙公司"})
	m.Add(1, verify.KeyOfID(ids[1]), []string{ids[1], "粤A12345", "", "", "18000000", "2023-01-05", ""})
	m.Add(2, verify.KeyOfID(ids[1]), []string{ids[1], "2025-06-01", ""})
	var f verify.Finding
	for i, id := range ids {
		want := m.Finding(verify.KeyOfID(id))
		got := m.FindingAt(slots[i], &f)
		if got != (want != nil) {
			t.Fatalf("person %d: FindingAt says %v, Finding gives %+v", i, got, want)
		}
		if want == nil {
			if len(f.Income) > 0 || len(f.Assets) > 0 || len(f.Sources) > 0 || !f.Death.IsZero() {
				t.Errorf("person %d: nothing found, yet f holds %+v from before", i, f)
			}
			continue
		}
		if len(f.Income) != len(want.Income) || len(f.Assets) != len(want.Assets) || !reflect.DeepEqual(f.Sources, want.Sources) || f.Death != want.Death {
			t.Errorf("person %d: FindingAt %+v, Finding %+v", i, f, *want)
		}
		for k, v := range want.Income {
			if f.Income[k] != v {
				t.Errorf("person %d: income %s %s, want %s", i, k, f.Income[k], v)
			}
		}
		for k, v := range want.Assets {
			if f.Assets[k] != v {
				t.Errorf("person %d: asset %s %+v, want %+v", i, k, f.Assets[k], v)
			}
		}
	}
	if m.FindingAt(-1, &f) || m.FindingAt(99, &f) {
		t.Error("a slot that is none has a finding")
	}
	if got := m.Finding(verify.KeyOfID(ids[0])).Income[registry.IncomeWage]; got != money.Yuan(3000) {
		t.Errorf("wage %s, want 3000.00", got)
	}
}

// BenchmarkMatcherAdd folds a million tax records into the findings of
// 500,000 persons, the Matcher's share of benchmark B3.
func BenchmarkMatcherAdd(b *testing.B) {
	const persons, records = 500_000, 1_000_000
	src, _ := verify.BuiltinSource("tax")
	keys := make([]verify.Key, persons)
	for i := range keys {
		keys[i] = verify.KeyOfID(idcard.Make("440103", civil.D(1950+i%50, time.Month(1+i/50%12), 1+i/600%28), i/16800%999))
	}
	vals := []string{"", "2025-04", "wage", "300000", "甲公司"}
	b.ReportAllocs()
	for b.Loop() {
		m := verify.NewMatcher([]verify.Source{src}, verify.PeriodBefore(asOf, 3), persons)
		for _, k := range keys {
			m.Person(k)
		}
		for i := range records {
			m.Add(0, keys[(i*7919)%persons], vals)
		}
	}
	b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "records/s")
}
