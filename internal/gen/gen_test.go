package gen

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/registry/importfile"
)

var asOf = civil.D(2025, time.June, 30)

type generated struct {
	refs    []string
	hh      []*registry.Household
	incomes map[string][]registry.Income
	assets  map[string][]registry.Asset
}

func generate(t testing.TB, opt Options) generated {
	t.Helper()
	out := generated{incomes: map[string][]registry.Income{}, assets: map[string][]registry.Asset{}}
	err := Generate(opt, func(ref string, h *registry.Household, in []registry.Income, as []registry.Asset) error {
		out.refs = append(out.refs, ref)
		out.hh = append(out.hh, h)
		if len(in) > 0 {
			out.incomes[ref] = in
		}
		if len(as) > 0 {
			out.assets[ref] = as
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return out
}

// TestRoundTrip writes a data set, reads it back through the importer, and
// checks that nothing is refused and nothing changes on the way.
func TestRoundTrip(t *testing.T) {
	opt := Options{Region: "440103", Households: 3000, Seed: 7, AsOf: asOf, Villages: region.DemoVillages()}
	dir := t.TempDir()
	st, err := WriteCSV(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, errs, err := importfile.ReadCSVDir(dir, importfile.Options{Today: asOf})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if i == 10 {
			t.Fatalf("... and %d more", len(errs)-10)
		}
		t.Errorf("import error: %v", e)
	}
	if t.Failed() {
		return
	}
	want := generate(t, opt)
	if got, want := st, (Stats{Households: 3000, Persons: count(want.hh), Incomes: countMap(want.incomes), Assets: countMap(want.assets)}); got != want {
		t.Errorf("stats: got %+v, want %+v", got, want)
	}
	if got, want := len(b.Households), len(want.hh); got != want {
		t.Fatalf("households: got %d, want %d", got, want)
	}
	for i, h := range b.Households {
		if !reflect.DeepEqual(h, want.hh[i]) {
			t.Fatalf("household %s read back:\ngot  %+v\nwant %+v", b.Refs[i], h, want.hh[i])
		}
	}
	if !reflect.DeepEqual(b.Refs, want.refs) {
		t.Errorf("refs differ: got %v..., want %v...", b.Refs[:3], want.refs[:3])
	}
	if !reflect.DeepEqual(b.Incomes, want.incomes) {
		t.Errorf("incomes read back differ from those generated")
	}
	if !reflect.DeepEqual(b.Assets, want.assets) {
		t.Errorf("assets read back differ from those generated")
	}
}

func count(hh []*registry.Household) int {
	n := 0
	for _, h := range hh {
		n += len(h.Members)
	}
	return n
}

func countMap[T any](m map[string][]T) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}

// TestPlausible checks the shape of a data set against what a registry of
// this kind holds.
func TestPlausible(t *testing.T) {
	d := generate(t, Options{Region: "4401", Households: 20000, Seed: 1, AsOf: asOf})
	var total, nDisabled, nDead, earners, zeroIncome, urban, banked, vehicles, deposits, homes int
	counties := map[string]bool{}
	ids := map[string]bool{}
	sizes := map[int]int{}
	for i, h := range d.hh {
		ref := d.refs[i]
		sizes[len(h.Members)]++
		counties[h.CountyCode] = true
		if !strings.HasPrefix(h.RegionCode, "4401") || len(h.RegionCode) != 12 {
			t.Fatalf("household %s: region %s, want a village under 4401", ref, h.RegionCode)
		}
		if _, ok := region.Embedded().Get(h.RegionCode[:9]); !ok {
			t.Fatalf("household %s: township %s unknown", ref, h.RegionCode[:9])
		}
		if h.HukouType == registry.Urban {
			urban++
		}
		if h.BankAccount != "" {
			banked++
			if n := len(h.BankAccount); n < 16 || n > 19 {
				t.Errorf("household %s: bank account of %d digits, want 16-19", ref, n)
			}
		}
		head := h.Head()
		if head == nil || h.Members[0].Relationship != registry.RelHead {
			t.Fatalf("household %s: head is not the first member", ref)
		}
		headAge := head.Person.Birth.YearsAt(asOf)
		if headAge < 18 {
			t.Errorf("household %s: head aged %d, want an adult", ref, headAge)
		}
		if !head.Person.Death.IsZero() {
			t.Errorf("household %s: the head is dead", ref)
		}
		earning := map[int64]bool{}
		for _, in := range d.incomes[ref] {
			earning[in.PersonID] = true
			if in.Amount < 0 {
				t.Errorf("household %s: negative income %s", ref, in.Amount)
			}
		}
		for j, m := range h.Members {
			p := m.Person
			total++
			id, err := idcard.ParseAt(p.IDNumber, asOf)
			if err != nil {
				t.Fatalf("household %s: ID %s: %v", ref, p.IDNumber, err)
			}
			if id.Birth != p.Birth || id.Male() != (p.Sex == registry.Male) {
				t.Errorf("household %s: ID %s does not match birth %s, sex %s", ref, p.IDNumber, p.Birth, p.Sex)
			}
			if ids[p.IDNumber] {
				t.Fatalf("ID number %s issued twice", p.IDNumber)
			}
			ids[p.IDNumber] = true
			age := p.Birth.YearsAt(asOf)
			switch m.Relationship {
			case registry.RelChild:
				if gap := headAge - age; gap < 15 {
					t.Errorf("household %s: child aged %d of a head aged %d", ref, age, headAge)
				}
			case registry.RelGrandchild:
				if gap := headAge - age; gap < 36 {
					t.Errorf("household %s: grandchild aged %d of a head aged %d", ref, age, headAge)
				}
			case registry.RelSpouse:
				if diff := age - headAge; diff < -8 || diff > 8 {
					t.Errorf("household %s: spouse aged %d, head %d", ref, age, headAge)
				}
			}
			if p.DisabilityGrade > 0 {
				nDisabled++
				if p.DisabilityGrade > 4 || p.DisabilityCategory == "" {
					t.Errorf("household %s: disability %s grade %d", ref, p.DisabilityCategory, p.DisabilityGrade)
				}
			}
			if !p.Death.IsZero() {
				nDead++
				if !p.Death.After(p.Birth) || !p.Death.Before(asOf) || m.LeftOn != p.Death {
					t.Errorf("household %s: death %s, birth %s, left %s", ref, p.Death, p.Birth, m.LeftOn)
				}
			}
			if m.JoinedOn.Before(p.Birth) || m.JoinedOn.After(asOf) {
				t.Errorf("household %s: joined %s, born %s", ref, m.JoinedOn, p.Birth)
			}
			if earning[-int64(j)-1] {
				earners++
			} else {
				zeroIncome++
			}
			if p.Phone != "" && (len(p.Phone) != 11 || p.Phone[0] != '1' || p.Phone[1] < '3') {
				t.Errorf("household %s: phone %s", ref, p.Phone)
			}
		}
		for _, a := range d.assets[ref] {
			switch a.Type {
			case registry.AssetVehicle:
				vehicles++
			case registry.AssetDeposit:
				deposits++
			case registry.AssetRealEstate:
				homes++
			}
		}
	}
	n := float64(len(d.hh))
	share := func(k int, of float64) float64 { return float64(k) / of }
	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"disabled share of persons", share(nDisabled, float64(total)), 0.05, 0.09},
		{"deceased share of persons", share(nDead, float64(total)), 0.005, 0.02},
		{"persons per household", float64(total) / n, 2.2, 3.4},
		{"members with no income", share(zeroIncome, float64(total)), 0.3, 0.7},
		{"urban hukou households", share(urban, n), 0.3, 0.8},
		{"households with a bank account", share(banked, n), 0.8, 0.95},
		{"households with a vehicle", share(vehicles, n), 0.05, 0.15},
		{"households with deposits", share(deposits, n), 0.5, 0.8},
		{"households with a home", share(homes, n), 0.3, 0.7},
		{"single-person households", share(sizes[1], n), 0.12, 0.35},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: got %.3f, want %.2f-%.2f", c.name, c.got, c.lo, c.hi)
		}
	}
	if len(counties) < 5 {
		t.Errorf("counties: got %d, want households spread over the city's districts", len(counties))
	}
	t.Logf("persons %d, disabled %.1f%%, deceased %.2f%%, earners %d, household sizes %v",
		total, 100*share(nDisabled, float64(total)), 100*share(nDead, float64(total)), earners, sizes)
}

func TestDeterministic(t *testing.T) {
	sum := func(seed int64) string {
		dir := t.TempDir()
		if _, err := WriteCSV(dir, Options{Region: "440100", Households: 500, Seed: seed, AsOf: asOf}); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, f := range []string{"persons.csv", "incomes.csv", "assets.csv"} {
			r, err := os.Open(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(h, r)
			r.Close()
		}
		return string(h.Sum(nil))
	}
	a, b, c := sum(3), sum(3), sum(4)
	if a != b {
		t.Errorf("seed 3 twice: got different files, want the same")
	}
	if a == c {
		t.Errorf("seeds 3 and 4: got the same files, want different")
	}
}

func TestOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"ErrUnknownRegion", Options{Region: "999999", Households: 1}},
		{"ErrEmptyRegion", Options{Households: 1}},
		{"ErrNegativeCount", Options{Region: "440103", Households: -1}},
		{"ErrTooMany", Options{Region: "440103001", Households: maxPerCounty + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Generate(tt.opt, func(string, *registry.Household, []registry.Income, []registry.Asset) error { return nil })
			if got, want := apperr.CodeOf(err), apperr.Invalid; got != want {
				t.Errorf("got %v (%s), want code %s", err, got, want)
			}
		})
	}
}

func TestDayNumbers(t *testing.T) {
	for _, d := range []civil.Date{civil.D(1900, 1, 1), civil.D(1900, 3, 1), civil.D(2000, 2, 29), civil.D(2024, 12, 31), asOf} {
		n := dayNumber(d)
		if got := dateOf(n); got != d {
			t.Errorf("dateOf(dayNumber(%s)): got %s, want %s", d, got, d)
		}
		if got, want := n, int(d.In(time.UTC).Sub(civil.D(1900, 1, 1).In(time.UTC)).Hours()/24); got != want {
			t.Errorf("dayNumber(%s): got %d, want %d", d, got, want)
		}
	}
}

func BenchmarkWriteCSV(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := WriteCSV(dir, Options{Region: "4401", Households: n, Seed: int64(i), AsOf: asOf}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "households/s")
}
