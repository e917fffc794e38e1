package verify

import (
	"strings"
	"testing"

	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

var (
	today = civil.D(2025, 9, 22)
	idA   = idcard.Make("440103", civil.D(1980, 3, 5), 123)
	idB   = idcard.Make("440103", civil.D(1982, 7, 9), 246)
	idKid = idcard.Make("440103", civil.D(2015, 1, 2), 358)
)

func source(t *testing.T, code string) *Source {
	t.Helper()
	s, ok := BuiltinSource(code)
	if !ok {
		t.Fatalf("no built-in source %s", code)
	}
	return &s
}

func TestCatalogValid(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Catalog() {
		if err := s.Validate(); err != nil {
			t.Errorf("built-in source %s: %v", s.Code, err)
		}
		if seen[s.Code] {
			t.Errorf("source %s twice", s.Code)
		}
		seen[s.Code] = true
	}
	// The datasets issue 5 names, each with a source.
	for _, c := range []string{"tax", "social_insurance", "pension", "unemployment", "real_estate", "vehicle", "business", "provident_fund",
		"deposit", "securities", "death", "hukou", "medical", "disability", "school"} {
		if !seen[c] {
			t.Errorf("catalogue lacks %s", c)
		}
	}
}

func TestSourceValidate(t *testing.T) {
	bad := Source{Code: "X", Cadence: "hourly", Use: "guess", Fields: []Field{{Code: "name", ZH: "姓名", Type: TypeText}, {Code: "name", Type: "float"}}, Key: []string{"name"}}
	err := bad.Validate()
	if err == nil {
		t.Fatal("a bad source was accepted")
	}
	for _, want := range []string{"code", "zh", "department", "cadence", "use", "fields[1].code", "fields[1].type", "fields", "key"} {
		if !strings.Contains(fieldsOf(err), want+";") {
			t.Errorf("no error for %s in %s", want, fieldsOf(err))
		}
	}
	good := *source(t, "vehicle")
	good.Code, good.Builtin = "vehicle_local", false
	if err := good.Validate(); err != nil {
		t.Errorf("a copy of a built-in source is refused: %v", err)
	}
}

func fieldsOf(err error) string {
	var b strings.Builder
	for _, d := range asList(err) {
		b.WriteString(d + ";")
	}
	return b.String()
}

func TestParse(t *testing.T) {
	src := source(t, "tax")
	header := []string{"身份证号码", "所属期", "所得项目", "收入额", "扣缴义务人"}
	p, err := NewParser(src, Mapping{"id_number": "身份证号码", "month": "所属期"}, header, today, false)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		cells  []string
		want   []string // canonical values, or nil when rejected
		fields []string // the fields of the problems
	}{
		{"OK", []string{idA, "2025-06", "工资薪金所得", "3,200.50", "某公司"}, []string{idA, "2025-06", "wage", "320050", "某公司"}, nil},
		{"OKCompact", []string{strings.ToLower(idKid[:17]) + idKid[17:], "202506", "wage", "100", "单位"}, []string{idKid, "2025-06", "wage", "10000", "单位"}, nil},
		{"ErrInvalidIDNumber", []string{idA[:17] + "0", "2025-06", "wage", "1", "x"}, nil, []string{"id_number"}},
		{"ErrEverything", []string{"4.40103E+17", "2025-13", "彩票", "-5", ""}, nil, []string{"id_number", "month", "income_type", "amount", "payer"}},
		{"ErrFutureMonth", []string{idA, "2026-01", "wage", "1", "x"}, nil, []string{"month"}},
		{"ErrTooManyDecimals", []string{idA, "2025-06", "wage", "1.234", "x"}, nil, []string{"amount"}},
		{"ShortRow", []string{idA, "2025-06"}, nil, []string{"income_type", "amount", "payer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rec Record
			rej := p.Parse(7, c.cells, &rec)
			if c.want != nil {
				if rej != nil {
					t.Fatalf("rejected: %+v", rej.Problems)
				}
				if strings.Join(rec.Values, "|") != strings.Join(c.want, "|") {
					t.Errorf("got %q, want %q", rec.Values, c.want)
				}
				return
			}
			if rej == nil {
				t.Fatalf("accepted %q", rec.Values)
			}
			var got []string
			for _, pr := range rej.Problems {
				got = append(got, pr.Field)
				if pr.Column == "" || pr.Message() == "" {
					t.Errorf("problem without column or message: %+v", pr)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.fields, ",") {
				t.Errorf("problems in %v, want %v", got, c.fields)
			}
			if rej.Row != 7 {
				t.Errorf("row %d, want 7", rej.Row)
			}
			if len(rej.Cells) > 0 && strings.Contains(rej.Cells[0], idA[6:14]) {
				t.Errorf("the rejected row keeps the ID number in clear: %q", rej.Cells[0])
			}
		})
	}
	var rec Record
	if rej := p.Parse(9, []string{" ", ""}, &rec); rej != nil || rec.Values != nil {
		t.Errorf("a blank row: got %v, %v; want skipped", rej, rec.Values)
	}
}

func TestParseHeaderErrors(t *testing.T) {
	src := source(t, "vehicle")
	cases := []struct {
		name, want string
		header     []string
		m          Mapping
	}{
		{"MissingKey", "plate (号牌号码), a key column", []string{"id_number", "value", "valid_from"}, nil},
		{"WrongDelimiter", "delimiter", []string{"id_number;plate;value;valid_from"}, nil},
		{"MappedColumnAbsent", "no such column", []string{"id_number", "plate", "value", "valid_from"}, Mapping{"value": "价格"}},
		{"ColumnTwice", "mapped to both", []string{"sfzh", "plate", "value", "valid_from"}, Mapping{"id_number": "sfzh", "model": "sfzh"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewParser(src, c.m, c.header, today, false)
			if err == nil || !strings.Contains(allMessages(err), c.want) {
				t.Errorf("got %v, want an error saying %q", err, c.want)
			}
		})
	}
}

func TestParseWorksheetValues(t *testing.T) {
	src := source(t, "real_estate")
	p, err := NewParser(src, nil, []string{"id_number", "certificate", "area", "value", "valid_from"}, today, true)
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	if rej := p.Parse(2, []string{idA, "粤(2020)广州市不动产权第001号", "89.5", "1200000.3", "43831"}, &rec); rej != nil {
		t.Fatalf("rejected: %+v", rej.Problems)
	}
	if got := rec.Values[src.FieldIndex("valid_from")]; got != "2020-01-01" {
		t.Errorf("serial date: got %s, want 2020-01-01", got)
	}
	if got := rec.Values[src.FieldIndex("area")]; got != "8950" {
		t.Errorf("area: got %s, want 8950", got)
	}
}

// household builds a three-person household: two adults and a child.
func household() *registry.Snapshot {
	joined := civil.D(2010, 1, 1)
	h := registry.Household{ID: 1, Number: "440103-0000001", CountyCode: "440103", RegionCode: "440103001", HukouType: registry.HukouType("urban"),
		Members: []registry.Member{
			{Relationship: registry.RelHead, JoinedOn: joined, Person: registry.Person{ID: 11, Name: "张三", IDNumber: idA, Birth: civil.D(1980, 3, 5)}},
			{Relationship: registry.Relationship("spouse"), JoinedOn: joined, Person: registry.Person{ID: 12, Name: "李四", IDNumber: idB, Birth: civil.D(1982, 7, 9)}},
			{Relationship: registry.Relationship("child"), JoinedOn: civil.D(2015, 1, 2), Person: registry.Person{ID: 13, Name: "张小", IDNumber: idKid, Birth: civil.D(2015, 1, 2), SchoolStatus: registry.SchoolPrimary}},
		}}
	return &registry.Snapshot{At: today, Household: h,
		Incomes: []registry.Income{{PersonID: 11, Type: registry.IncomeWage, Month: civil.Month{Year: 2025, Month: 8}, Amount: money.Yuan(1000)}},
		Assets:  []registry.Asset{{Type: registry.AssetDeposit, Value: money.Yuan(2000), ValidFrom: civil.D(2020, 1, 1)}},
	}
}

var scan = Scan{Filename: "授权书.pdf", ContentType: "application/pdf", Size: 4, SHA256: "ab"}

func TestAuthorisation(t *testing.T) {
	set := params(t, policy.Param{Key: "verify.authorisation.valid_months", Region: "440103", Text: "12"})
	h := &household().Household
	a := Authorisation{SignedOn: civil.D(2025, 9, 1), Scan: scan,
		Signers: []Signer{{PersonID: 11, For: []int64{13}}, {PersonID: 12}}}
	if err := a.Complete(h, Catalog(), set, today); err != nil {
		t.Fatal(err)
	}
	if want := civil.D(2026, 8, 31); a.ValidUntil != want {
		t.Errorf("valid until %s, want %s", a.ValidUntil, want)
	}
	if _, err := Authorised([]Authorisation{a}, h, today); err != nil {
		t.Errorf("a complete authorisation does not authorise: %v", err)
	}
	for _, c := range []struct {
		name string
		a    Authorisation
		want string
	}{
		{"ErrUnsigned", Authorisation{SignedOn: civil.D(2025, 9, 1), Scan: scan, Signers: []Signer{{PersonID: 11, For: []int64{13}}}}, "not signed: 李四"},
		{"ErrAdultByGuardian", Authorisation{SignedOn: civil.D(2025, 9, 1), Scan: scan, Signers: []Signer{{PersonID: 11, For: []int64{12, 13}}}}, "must sign in person"},
		{"ErrNoScan", Authorisation{SignedOn: civil.D(2025, 9, 1), Signers: []Signer{{PersonID: 11, For: []int64{13}}, {PersonID: 12}}}, "scanned"},
		{"ErrUnknownSource", Authorisation{SignedOn: civil.D(2025, 9, 1), Scan: scan, Scope: []string{"horoscope"}, Signers: []Signer{{PersonID: 11, For: []int64{13}}, {PersonID: 12}}}, "not a data source"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.a.Complete(h, Catalog(), set, today)
			if err == nil || !strings.Contains(allMessages(err), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
	noParam := params(t)
	if err := a.Complete(h, Catalog(), noParam, today); err == nil || !strings.Contains(err.Error(), "verify.authorisation.valid_months") {
		t.Errorf("without the parameter: got %v, want it named", err)
	}
	if _, err := Authorised(nil, h, today); err == nil || !strings.Contains(err.Error(), "no authorisation") {
		t.Errorf("no authorisation: got %v", err)
	}
	if _, err := Authorised([]Authorisation{a}, h, civil.D(2026, 9, 1)); err == nil || !strings.Contains(err.Error(), "expired on 2026-08-31") {
		t.Errorf("expired: got %v", err)
	}
	revoked := a
	revoked.RevokedOn = civil.D(2025, 9, 10)
	if _, err := Authorised([]Authorisation{revoked}, h, today); err == nil || !strings.Contains(err.Error(), "withdrew") {
		t.Errorf("revoked: got %v", err)
	}
	grown := *h
	grown.Members = append(grown.Members, registry.Member{JoinedOn: civil.D(2025, 9, 15), Person: registry.Person{ID: 14, Name: "王五", Birth: civil.D(1950, 1, 1)}})
	if _, err := Authorised([]Authorisation{a}, &grown, today); err == nil || !strings.Contains(err.Error(), "王五") {
		t.Errorf("a member who joined later: got %v", err)
	}
}

func params(t *testing.T, extra ...policy.Param) *policy.Set {
	t.Helper()
	base, err := policy.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	set := base.Clone()
	for _, p := range extra {
		p.From, p.Source = civil.D(2020, 1, 1), "test"
		if err := set.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

// feed parses rows of a source and adds them to m, keyed by ID number.
func feed(t *testing.T, m *Matcher, code string, header []string, rows ...[]string) {
	t.Helper()
	src := -1
	for i, s := range m.Sources() {
		if s.Code == code {
			src = i
		}
	}
	s := m.Sources()[src]
	p, err := NewParser(&s, nil, header, today, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		var rec Record
		if rej := p.Parse(i+2, row, &rec); rej != nil {
			t.Fatalf("%s row %d: %+v", code, i+2, rej.Problems)
		}
		m.Add(src, KeyOfID(rec.Values[0]), rec.Values)
	}
}

func TestMatchAndReport(t *testing.T) {
	var sources []Source
	for _, c := range []string{"tax", "pension", "vehicle", "real_estate", "deposit", "death", "school", "prison"} {
		sources = append(sources, *source(t, c))
	}
	period := PeriodBefore(today, 3) // June to August 2025
	if period.From != (civil.Month{Year: 2025, Month: 6}) || period.To != (civil.Month{Year: 2025, Month: 8}) || period.Months() != 3 {
		t.Fatalf("period %+v", period)
	}
	m := NewMatcher(sources, period, 3)
	snap := household()
	for _, mem := range snap.Household.Members {
		m.Person(KeyOfID(mem.Person.IDNumber))
	}
	stranger := idcard.Make("110101", civil.D(1970, 1, 1), 11)
	feed(t, m, "tax", []string{"id_number", "month", "income_type", "amount", "payer"},
		[]string{idA, "2025-06", "wage", "3000", "甲公司"}, []string{idA, "2025-07", "wage", "3000", "甲公司"}, []string{idA, "2025-08", "wage", "3000", "甲公司"},
		[]string{idA, "2025-05", "wage", "9000", "甲公司"}, // before the period
		[]string{stranger, "2025-06", "wage", "5000", "乙公司"})
	feed(t, m, "vehicle", []string{"id_number", "plate", "value", "valid_from", "valid_to"},
		[]string{idB, "粤A12345", "180000", "2023-01-05", ""}, []string{idB, "粤A99999", "20000", "2015-01-05", "2020-01-01"}) // the second was deregistered
	feed(t, m, "deposit", []string{"id_number", "as_of", "value"}, []string{idA, "2025-06-30", "45000.5"})
	feed(t, m, "school", []string{"id_number", "status", "as_of"}, []string{idKid, "辍学（退学）", "2025-09-01"})
	feed(t, m, "death", []string{"id_number", "death_date"}, []string{idB, "2025-09-10"})
	if got := m.Matched[0]; got != 4 {
		t.Errorf("tax records matched: %d, want 4 (the stranger's is not)", got)
	}
	fa := m.Finding(KeyOfID(idA))
	if fa == nil || fa.Income[registry.IncomeWage] != money.Yuan(9000) {
		t.Fatalf("head's wage: got %+v, want 9000 over the period", fa)
	}
	fb := m.Finding(KeyOfID(idB))
	if v := fb.Assets[registry.AssetVehicle]; v.Count != 1 || v.Max != money.Yuan(180000) {
		t.Errorf("vehicles held: got %+v, want one worth 180000", v)
	}
	if fb.Death != civil.D(2025, 9, 10) {
		t.Errorf("death: got %s", fb.Death)
	}

	set := params(t, policy.Param{Key: "dibao.asset.vehicle_value_max", Region: "4401", Text: "50000"})
	findings := map[int64]*Finding{}
	for _, mem := range snap.Household.Members {
		if f := m.Finding(KeyOfID(mem.Person.IDNumber)); f != nil {
			findings[mem.Person.ID] = f
		}
	}
	var results []SourceResult
	for _, s := range sources {
		st := StatusNoRecord
		if s.Code == "prison" {
			st = StatusNoData
		}
		results = append(results, SourceResult{Code: s.Code, Status: st})
	}
	r := Build(Input{Snapshot: snap, Period: period, Sources: results, Catalog: sources, Findings: findings,
		Records: map[int64][]Match{11: {{Source: "tax"}, {Source: "tax"}, {Source: "tax"}}}, Programs: []policy.Program{policy.Dibao}, Params: set})
	items := map[string]Discrepancy{}
	for _, d := range r.Discrepancies {
		items[d.Item+"/"+d.Name] = d
	}
	if d, ok := items["income.wage/张三"]; !ok || d.Declared != money.Yuan(1000) || d.Verified != money.Yuan(3000) || d.Difference() != money.Yuan(2000) {
		t.Errorf("wage discrepancy: got %+v", d)
	}
	if d, ok := items["asset.vehicle/"]; !ok || d.VerifiedText != "1" || d.DeclaredText != "0" {
		t.Errorf("vehicle discrepancy: got %+v", d)
	}
	if _, ok := items["asset.deposit/"]; !ok {
		t.Errorf("deposit discrepancy missing: %+v", r.Discrepancies)
	}
	if _, ok := items["death/李四"]; !ok {
		t.Errorf("death discrepancy missing")
	}
	if _, ok := items["school/张小"]; !ok {
		t.Errorf("school discrepancy missing")
	}
	flags := map[string]bool{}
	for _, f := range r.Flags {
		flags[f.Code] = true
	}
	for _, want := range []string{"deceased", "vehicles", "vehicle_above_limit"} {
		if !flags[want] {
			t.Errorf("flag %s missing: %+v", want, r.Flags)
		}
	}
	status := map[string]SourceResult{}
	for _, s := range r.Sources {
		status[s.Code] = s
	}
	if s := status["tax"]; s.Status != StatusMatched || s.Records != 3 {
		t.Errorf("tax source: got %+v", s)
	}
	if s := status["prison"]; s.Status != StatusNoData {
		t.Errorf("prison source: got %+v", s)
	}
	if len(r.Programs) != 1 {
		t.Fatalf("programs: %+v", r.Programs)
	}
	pc := r.Programs[0]
	if pc.Error != "" {
		t.Fatalf("engine: %s", pc.Error)
	}
	// Declared: 3 × 1120 − 1000 = 2360. Verified: the wage is 3000 a month
	// and the vehicle is above the limit, so the household fails the asset
	// test.
	if pc.DeclaredVerdict != policy.Eligible || pc.DeclaredAmount != money.Yuan(2360) || pc.VerifiedVerdict != policy.Ineligible || !pc.Changed() {
		t.Errorf("Dibao: declared %s %s, verified %s %s; want eligible for 2360 on the declaration and not on verified values",
			pc.DeclaredVerdict, pc.DeclaredAmount, pc.VerifiedVerdict, pc.VerifiedAmount)
	}
}
