package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

var ctx = audit.WithActor(context.Background(), audit.Actor{UserID: 1, Username: "tester", Role: "township_caseworker"})

// townships returns two real townships of the demo county.
func townships(t *testing.T) (string, string) {
	ts := region.Embedded().Children("440103")
	if len(ts) < 2 {
		t.Fatalf("county 440103 has %d townships in the embedded table", len(ts))
	}
	return ts[0].Code, ts[1].Code
}

var seq = 100

// person returns a new person with a valid, unique ID number.
func person(name string, birth civil.Date) registry.Person {
	seq++
	return registry.Person{Name: name, IDNumber: idcard.Make("440103", birth, seq), Phone: "13812345678"}
}

func household(regionCode string, members ...registry.Person) *registry.Household {
	h := &registry.Household{RegionCode: regionCode, Address: "荔湾区某路1号", HukouType: registry.Urban,
		BankName: "工商银行", BankAccount: "6222020200112233445", BankHolder: members[0].Name}
	for i, p := range members {
		rel := registry.RelChild
		if i == 0 {
			rel = registry.RelHead
		}
		h.Members = append(h.Members, registry.Member{Relationship: rel, JoinedOn: civil.D(2020, 1, 1), Person: p})
	}
	return h
}

func mustCode(t *testing.T, err error, want apperr.Code) *apperr.Error {
	t.Helper()
	if got := apperr.CodeOf(err); got != want {
		t.Fatalf("got error %v (code %q), want code %q", err, got, want)
	}
	return apperr.As(err)
}

func TestHouseholdRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := townships(t)
		all := registry.Scope{}
		h := household(a, person("张三", civil.D(1970, 5, 6)), person("<script>alert(1)</script>'; DROP TABLE persons;--", civil.D(2005, 1, 2)))
		if err := db.CreateHousehold(ctx, all, h); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h.Number, "440103-") || h.Version != 1 {
			t.Fatalf("got number %q version %d", h.Number, h.Version)
		}
		got, err := db.Household(ctx, all, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Members) != 2 || got.Head().Person.Name != "张三" {
			t.Fatalf("got members %+v", got.Members)
		}
		if got.BankAccount != h.BankAccount || got.Members[0].Person.IDNumber != h.Members[0].Person.IDNumber {
			t.Fatalf("personal data did not round-trip: got %q, %q", got.BankAccount, got.Members[0].Person.IDNumber)
		}
		if got.Members[1].Person.Name != h.Members[1].Person.Name {
			t.Fatalf("got name %q, want it verbatim", got.Members[1].Person.Name)
		}
		if got.Members[0].Person.Birth != civil.D(1970, 5, 6) || got.Members[0].Person.Sex == "" {
			t.Fatalf("got birth %v sex %q", got.Members[0].Person.Birth, got.Members[0].Person.Sex)
		}
		// Found by exact ID number through the blind index.
		p, err := db.PersonByIDNumber(ctx, all, h.Members[1].Person.IDNumber)
		if err != nil || p.ID != h.Members[1].Person.ID {
			t.Fatalf("PersonByIDNumber: got %v, %v", p, err)
		}
	})
}

func TestPersonalDataEncryptedAtRest(t *testing.T) {
	db := storetest.SQLite(t)
	a, _ := townships(t)
	h := household(a, person("李四", civil.D(1980, 2, 3)))
	if err := db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
		t.Fatal(err)
	}
	id := h.Members[0].Person.IDNumber
	for _, q := range []string{"SELECT id_number_enc || id_number_idx || phone_enc FROM persons", "SELECT bank_account_enc FROM households", "SELECT data FROM versions", "SELECT after_data FROM audit_log"} {
		var s string
		if err := store.RawQueryRow(db, q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		for _, plain := range []string{id, "13812345678", h.BankAccount} {
			if strings.Contains(s, plain) {
				t.Errorf("%s: found %q in clear", q, plain)
			}
		}
	}
}

func TestConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := townships(t)
		all := registry.Scope{}
		p := person("王五", civil.D(1960, 7, 8))
		h1 := household(a, p)
		if err := db.CreateHousehold(ctx, all, h1); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrSameIDNumberInTwoHouseholds", func(t *testing.T) {
			dup := p
			dup.ID = 0
			err := db.CreateHousehold(ctx, all, household(b, dup))
			e := mustCode(t, err, apperr.Conflict)
			if !strings.Contains(e.Message, h1.Number) || strings.Contains(e.Message, p.IDNumber) || e.Field != "members[0].person.id_number" {
				t.Fatalf("got %q at %q, want the other household named and the ID masked", e.Message, e.Field)
			}
		})
		t.Run("ErrPersonInTwoActiveHouseholds", func(t *testing.T) {
			h2 := household(b, person("赵六", civil.D(1990, 1, 1)))
			if err := db.CreateHousehold(ctx, all, h2); err != nil {
				t.Fatal(err)
			}
			m := &registry.Member{Relationship: registry.RelOther, Person: registry.Person{ID: h1.Members[0].Person.ID, Name: p.Name, IDNumber: p.IDNumber}}
			e := mustCode(t, db.AddMember(ctx, all, h2.ID, m), apperr.Conflict)
			if !strings.Contains(e.Message, h1.Number) {
				t.Fatalf("got %q, want household %s named", e.Message, h1.Number)
			}
		})
		t.Run("ErrStaleVersion", func(t *testing.T) {
			first, _ := db.Household(ctx, all, h1.ID)
			second, _ := db.Household(ctx, all, h1.ID)
			first.Address = "新地址一"
			if err := db.UpdateHousehold(ctx, all, first); err != nil {
				t.Fatal(err)
			}
			second.Address = "新地址二"
			mustCode(t, db.UpdateHousehold(ctx, all, second), apperr.Conflict)
			got, _ := db.Household(ctx, all, h1.ID)
			if got.Address != "新地址一" || got.Version != 2 {
				t.Fatalf("got address %q version %d, want the first update kept", got.Address, got.Version)
			}
			pp := got.Members[0].Person
			pp.Version = 0
			mustCode(t, db.UpdatePerson(ctx, all, &pp), apperr.Conflict)
		})
	})
}

func TestValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := townships(t)
		all := registry.Scope{}
		tests := []struct {
			name  string
			edit  func(h *registry.Household)
			field string
		}{
			{"ErrInvalidIDNumber", func(h *registry.Household) { h.Members[1].Person.IDNumber = "440103199001011230" }, "members[1].person.id_number"},
			{"ErrDeathBeforeBirth", func(h *registry.Household) { h.Members[0].Person.Death = civil.D(1950, 1, 1) }, "members[0].person.death_date"},
			{"ErrNoHead", func(h *registry.Household) { h.Members[0].Relationship = registry.RelSpouse }, "members"},
			{"ErrRegionNotTownship", func(h *registry.Household) { h.RegionCode = "440103" }, "region_code"},
			{"ErrNameMissing", func(h *registry.Household) { h.Members[1].Person.Name = " " }, "members[1].person.name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h := household(a, person("甲", civil.D(1970, 1, 1)), person("乙", civil.D(2000, 1, 1)))
				tt.edit(h)
				e := mustCode(t, db.CreateHousehold(ctx, all, h), apperr.Invalid)
				if _, ok := apperr.Fields(e)[tt.field]; !ok {
					t.Fatalf("got fields %v, want %q", apperr.Fields(e), tt.field)
				}
			})
		}
		h := household(a, person("丙", civil.D(1975, 1, 1)))
		if err := db.CreateHousehold(ctx, all, h); err != nil {
			t.Fatal(err)
		}
		e := mustCode(t, db.AddIncome(ctx, all, &registry.Income{HouseholdID: h.ID, Type: registry.IncomeWage, Month: civil.Month{Year: 2025, Month: 5}, Amount: -1}), apperr.Invalid)
		if e.Field != "amount" {
			t.Fatalf("got field %q, want amount", e.Field)
		}
	})
}

func TestJurisdiction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := townships(t)
		h := household(a, person("孙七", civil.D(1965, 3, 3)))
		if err := db.CreateHousehold(ctx, registry.Scope{Region: a}, h); err != nil {
			t.Fatal(err)
		}
		other := registry.Scope{Region: b}
		mustCode(t, mustErr(db.Household(ctx, other, h.ID)), apperr.NotFound)
		mustCode(t, mustErr(db.Person(ctx, other, h.Members[0].Person.ID)), apperr.NotFound)
		mustCode(t, mustErr(db.PersonByIDNumber(ctx, other, h.Members[0].Person.IDNumber)), apperr.NotFound)
		mustCode(t, db.UpdateHousehold(ctx, other, h), apperr.Invalid) // its region is outside the scope
		h.RegionCode = b
		mustCode(t, db.CreateHousehold(ctx, registry.Scope{Region: a}, household(b, person("周八", civil.D(1970, 1, 1)))), apperr.Invalid)
		list, err := db.FindHouseholds(ctx, other, registry.HouseholdFilter{})
		if err != nil || len(list) != 0 {
			t.Fatalf("FindHouseholds in another township: got %d rows, %v", len(list), err)
		}
		c, _ := db.Counts(ctx, registry.Scope{Region: a})
		if c.Households != 1 || c.Persons != 1 {
			t.Fatalf("got counts %+v", c)
		}
	})
}

func mustErr[T any](_ T, err error) error { return err }

func TestFindAndPaginate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := townships(t)
		all := registry.Scope{}
		var ids []int64
		for i := 0; i < 7; i++ {
			h := household(a, person("陈"+string(rune('一'+i)), civil.D(1970+i, 1, 1)))
			if err := db.CreateHousehold(ctx, all, h); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, h.ID)
		}
		var got []int64
		after := int64(0)
		for {
			page, err := db.FindHouseholds(ctx, all, registry.HouseholdFilter{After: after, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, s := range page {
				got = append(got, s.ID)
			}
			after = page[len(page)-1].ID
		}
		if len(got) != 7 || got[0] != ids[0] || got[6] != ids[6] {
			t.Fatalf("got ids %v, want %v", got, ids)
		}
		byName, _ := db.FindHouseholds(ctx, all, registry.HouseholdFilter{Name: "陈"})
		if len(byName) != 7 || byName[0].HeadName == "" || byName[0].Size != 1 {
			t.Fatalf("by name: got %+v", byName)
		}
		pct, _ := db.FindHouseholds(ctx, all, registry.HouseholdFilter{Name: "%"})
		if len(pct) != 0 {
			t.Fatalf("a '%%' search matched %d households, want it taken literally", len(pct))
		}
		h, _ := db.Household(ctx, all, ids[3])
		byID, _ := db.FindHouseholds(ctx, all, registry.HouseholdFilter{IDNumber: h.Members[0].Person.IDNumber})
		byNumber, _ := db.FindHouseholds(ctx, all, registry.HouseholdFilter{Number: h.Number})
		if len(byID) != 1 || byID[0].ID != ids[3] || len(byNumber) != 1 || byNumber[0].ID != ids[3] {
			t.Fatalf("by ID number: %+v, by number: %+v", byID, byNumber)
		}
		persons, _ := db.FindPersons(ctx, all, registry.PersonFilter{Name: "陈" + string(rune('一'+3))})
		if len(persons) != 1 || persons[0].HouseholdNumber == "" {
			t.Fatalf("FindPersons: got %+v", persons)
		}
	})
}

func TestHouseholdAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := townships(t)
		all := registry.Scope{}
		clock := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return clock })
		h := household(a, person("吴九", civil.D(1958, 1, 1)), person("吴十", civil.D(1990, 1, 1)))
		if err := db.CreateHousehold(ctx, all, h); err != nil {
			t.Fatal(err)
		}
		in := &registry.Income{HouseholdID: h.ID, PersonID: h.Members[1].Person.ID, Type: registry.IncomeWage, Month: civil.Month{Year: 2025, Month: 2}, Amount: money.Yuan(1800)}
		if err := db.AddIncome(ctx, all, in); err != nil {
			t.Fatal(err)
		}
		clock = time.Date(2025, 6, 10, 2, 0, 0, 0, time.UTC)
		cur, _ := db.Household(ctx, all, h.ID)
		cur.Address = "搬迁后的地址"
		if err := db.UpdateHousehold(ctx, all, cur); err != nil {
			t.Fatal(err)
		}
		fix := *in
		fix.Amount = money.Yuan(2100)
		if err := db.AddIncome(ctx, all, &fix); err != nil {
			t.Fatal(err)
		}
		if err := db.EndMember(ctx, all, cur.Members[1].ID, civil.D(2025, 6, 1), "外出务工并迁出"); err != nil {
			t.Fatal(err)
		}
		before, err := db.HouseholdAt(ctx, all, h.ID, civil.D(2025, 4, 1))
		if err != nil {
			t.Fatal(err)
		}
		if before.Household.Address != h.Address || len(before.Household.Members) != 2 || len(before.Incomes) != 1 || before.Incomes[0].Amount != money.Yuan(1800) {
			t.Fatalf("on 2025-04-01: got address %q, %d members, incomes %+v", before.Household.Address, len(before.Household.Members), before.Incomes)
		}
		after, _ := db.HouseholdAt(ctx, all, h.ID, civil.D(2025, 6, 10))
		if after.Household.Address != "搬迁后的地址" || len(after.Household.Members) != 1 || after.Incomes[0].Amount != money.Yuan(2100) {
			t.Fatalf("on 2025-06-10: got address %q, %d members, incomes %+v", after.Household.Address, len(after.Household.Members), after.Incomes)
		}
		mustCode(t, mustErr(db.HouseholdAt(ctx, all, h.ID, civil.D(2025, 2, 1))), apperr.NotFound)
		// A disability certified later does not show on an earlier day,
		// though the earlier version left the empty field out.
		head, err := db.Person(ctx, all, h.Members[0].Person.ID)
		if err != nil {
			t.Fatal(err)
		}
		head.DisabilityCategory, head.DisabilityGrade = registry.DisPhysical, 2
		if err := db.UpdatePerson(ctx, all, head); err != nil {
			t.Fatal(err)
		}
		if before, _ = db.HouseholdAt(ctx, all, h.ID, civil.D(2025, 4, 1)); before.Household.Members[0].Person.DisabilityGrade != 0 {
			t.Errorf("on 2025-04-01 the head has today's disability grade %d", before.Household.Members[0].Person.DisabilityGrade)
		}
		if now, _ := db.HouseholdAt(ctx, all, h.ID, civil.D(2025, 6, 10)); now.Household.Members[0].Person.DisabilityGrade != 2 {
			t.Errorf("on 2025-06-10 the head's disability grade is %d, want 2", now.Household.Members[0].Person.DisabilityGrade)
		}
		cur2, _ := db.Incomes(ctx, all, h.ID)
		if len(cur2) != 1 || cur2[0].Amount != money.Yuan(2100) {
			t.Fatalf("current incomes: got %+v", cur2)
		}
		vs, _ := db.Versions(ctx, all, h.ID)
		if len(vs) != 5 { // household v1, v2, two persons v1, the head's v2
			t.Fatalf("got %d versions, want 5", len(vs))
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := townships(t)
		for i := 0; i < 5; i++ {
			if err := db.CreateHousehold(ctx, registry.Scope{}, household(a, person("审计", civil.D(1980, 1, 1+i)))); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 5 {
			t.Fatalf("intact chain: got %d rows, %v", n, err)
		}
		if db.Dialect() == store.Postgres {
			store.RawExec(t, db, "DROP TRIGGER audit_log_no_change ON audit_log")
		} else {
			store.RawExec(t, db, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")
		}
		store.RawExec(t, db, "UPDATE audit_log SET username = 'someone-else' WHERE seq = 3")
		_, err := db.VerifyAudit(ctx)
		if b, ok := err.(*audit.Broken); !ok || b.Seq != 3 {
			t.Fatalf("after an edit: got %v, want broken at seq 3", err)
		}
		store.RawExec(t, db, "UPDATE audit_log SET username = 'tester' WHERE seq = 3", "DELETE FROM audit_log WHERE seq = 2")
		_, err = db.VerifyAudit(ctx)
		if b, ok := err.(*audit.Broken); !ok || b.Seq != 3 {
			t.Fatalf("after a deletion: got %v, want broken at seq 3", err)
		}
	})
}

func TestAuditIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.Audit(ctx, "test", 1, "", "test", map[string]any{"x": 1}); err != nil {
			t.Fatal(err)
		}
		if err := store.RawExecErr(db, "UPDATE audit_log SET username = 'x'"); err == nil {
			t.Fatal("UPDATE of audit_log succeeded, want it refused")
		}
		if err := store.RawExecErr(db, "DELETE FROM audit_log"); err == nil {
			t.Fatal("DELETE from audit_log succeeded, want it refused")
		}
	})
}

func TestLoginLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		auth.SetTestCost()
		hash, _ := auth.HashPassword("correct horse battery")
		u := &auth.User{Username: "wang", Role: auth.TownshipCaseworker, Region: "440103001", PasswordHash: hash}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		mustCode(t, db.CreateUser(ctx, &auth.User{Username: "wang", Role: auth.Auditor, PasswordHash: hash}), apperr.Conflict)
		svc := auth.NewService(db)
		p, secret, err := svc.Login(ctx, "wang", "correct horse battery", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := svc.Session(ctx, secret); err != nil || got.ID != p.ID {
			t.Fatalf("Session: got %v, %v", got, err)
		}
		for i := 0; i < 5; i++ {
			_, _, err = svc.Login(ctx, "wang", "wrong", "127.0.0.1")
			mustCode(t, err, apperr.Unauthorized)
		}
		_, _, err = svc.Login(ctx, "wang", "correct horse battery", "127.0.0.1")
		if e := mustCode(t, err, apperr.Unauthorized); !strings.Contains(e.Message, "locked") {
			t.Fatalf("got %q, want the account locked", e.Message)
		}
		token, err := svc.IssueToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := svc.Token(ctx, token); err != nil || got.Username != "wang" {
			t.Fatalf("Token: got %v, %v", got, err)
		}
		if err := db.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		mustCode(t, mustErr(svc.Session(ctx, secret)), apperr.Unauthorized)
		mustCode(t, mustErr(svc.Token(ctx, token)), apperr.Unauthorized)
	})
}

func TestSchemaCheck(t *testing.T) {
	db := storetest.SQLite(t)
	if err := db.CheckSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	have, want, _ := db.SchemaVersion(context.Background())
	if have != want || want < 1 {
		t.Fatalf("got have %d want %d", have, want)
	}
}

func TestCreateHouseholdsBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := townships(t)
		all := registry.Scope{}
		dupe := person("重复", civil.D(1977, 7, 7))
		bad := household(a, person("坏", civil.D(1980, 1, 1)))
		bad.Members[0].Person.IDNumber = "123"
		hs := []*registry.Household{
			household(a, dupe),
			bad,
			household(a, person("好", civil.D(1981, 1, 1))),
			household(a, dupe), // the same person again: conflict with the first
		}
		errs, err := db.CreateHouseholds(ctx, all, hs)
		if err != nil {
			t.Fatal(err)
		}
		if errs[0] != nil || errs[2] != nil || apperr.CodeOf(errs[1]) != apperr.Invalid || apperr.CodeOf(errs[3]) != apperr.Conflict {
			t.Fatalf("got errors %v", errs)
		}
		c, _ := db.Counts(ctx, all)
		if c.Households != 2 || c.Persons != 2 {
			t.Fatalf("got counts %+v, want the two good households only", c)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 2 {
			t.Fatalf("audit after a batch with a rolled-back household: %d rows, %v", n, err)
		}
		if err := db.RefreshStatistics(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBulkMatchesSingle checks that the bulk path writes what the
// one-by-one path writes: the same household read back, the same history.
func TestBulkMatchesSingle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := townships(t)
		all := registry.Scope{}
		clock := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return clock })
		one := household(a, person("单一", civil.D(1950, 1, 1)), person("单二", civil.D(1980, 1, 1)))
		two := household(a, person("批一", civil.D(1950, 1, 1)), person("批二", civil.D(1980, 1, 1)))
		two.Members[1].Person.Death = civil.D(2024, 5, 5)
		if err := db.CreateHousehold(ctx, all, one); err != nil {
			t.Fatal(err)
		}
		if errs, err := db.CreateHouseholds(ctx, all, []*registry.Household{two}); err != nil || errs[0] != nil {
			t.Fatalf("bulk: %v %v", err, errs)
		}
		for _, h := range []*registry.Household{one, two} {
			got, err := db.Household(ctx, all, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Members) != 2 || got.Members[0].Person.IDNumber != h.Members[0].Person.IDNumber || got.BankAccount != h.BankAccount ||
				got.Members[0].JoinedOn != civil.D(2020, 1, 1) || got.Members[1].Person.Death != h.Members[1].Person.Death {
				t.Fatalf("household %s read back as %+v", h.Number, got)
			}
			snap, err := db.HouseholdAt(ctx, all, h.ID, civil.D(2025, 3, 1))
			if err != nil || len(snap.Household.Members) != 2 || snap.Household.Members[1].Person.Name != h.Members[1].Person.Name {
				t.Fatalf("snapshot of %s: %+v %v", h.Number, snap, err)
			}
			if p, err := db.PersonByIDNumber(ctx, all, h.Members[1].Person.IDNumber); err != nil || p.ID != h.Members[1].Person.ID {
				t.Fatalf("lookup: %v %v", p, err)
			}
		}
		if two.Number <= one.Number {
			t.Fatalf("got numbers %s then %s, want increasing", one.Number, two.Number)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 2 {
			t.Fatalf("audit: %d %v", n, err)
		}
		// A single create after a bulk one continues the ids and the chain.
		three := household(a, person("后一", civil.D(1960, 1, 1)))
		if err := db.CreateHousehold(ctx, all, three); err != nil {
			t.Fatal(err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 3 {
			t.Fatalf("audit after: %d %v", n, err)
		}
	})
}

func TestImportRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := townships(t)
		all := registry.Scope{}
		h := household(a, person("记录", civil.D(1970, 1, 1)))
		if err := db.CreateHousehold(ctx, all, h); err != nil {
			t.Fatal(err)
		}
		pid := h.Members[0].Person.ID
		may, jun := civil.Month{Year: 2025, Month: 5}, civil.Month{Year: 2025, Month: 6}
		incomes := []registry.Income{
			{HouseholdID: h.ID, PersonID: pid, Type: registry.IncomeWage, Month: may, Amount: money.Yuan(1500)},
			{HouseholdID: h.ID, Type: registry.IncomeTransfer, Month: may, Amount: money.Yuan(300)},
		}
		assets := []registry.Asset{{HouseholdID: h.ID, Type: registry.AssetVehicle, Description: "电动三轮车", Value: money.Yuan(4000), ValidFrom: civil.D(2022, 3, 1)}}
		if nIn, nAs, err := db.ImportRecords(ctx, all, incomes, assets); err != nil || nIn != 2 || nAs != 1 {
			t.Fatalf("first import (bulk): %d incomes, %d assets, %v", nIn, nAs, err)
		}
		if nIn, nAs, err := db.ImportRecords(ctx, all, incomes, assets); err != nil || nIn != 0 || nAs != 0 {
			t.Fatalf("identical re-import: %d incomes, %d assets, %v; want nothing added", nIn, nAs, err)
		}
		changed := []registry.Income{{HouseholdID: h.ID, PersonID: pid, Type: registry.IncomeWage, Month: may, Amount: money.Yuan(1600)},
			{HouseholdID: h.ID, PersonID: pid, Type: registry.IncomeWage, Month: jun, Amount: money.Yuan(1600)}}
		if nIn, _, err := db.ImportRecords(ctx, all, changed, nil); err != nil || nIn != 2 {
			t.Fatalf("changed import: %d, %v", nIn, err)
		}
		cur, _ := db.Incomes(ctx, all, h.ID)
		if len(cur) != 3 {
			t.Fatalf("got %d current incomes, want 3 (May wage superseded, transfer, June wage)", len(cur))
		}
		got, _ := db.Assets(ctx, all, h.ID)
		if len(got) != 1 || got[0].ValidFrom != civil.D(2022, 3, 1) || got[0].Value != money.Yuan(4000) {
			t.Fatalf("assets: %+v", got)
		}
		snap, _ := db.HouseholdAt(ctx, all, h.ID, db.Today())
		if len(snap.Assets) != 1 || len(snap.Incomes) != 3 {
			t.Fatalf("snapshot today: %d assets, %d incomes", len(snap.Assets), len(snap.Incomes))
		}
		if _, _, err := db.ImportRecords(ctx, registry.Scope{Region: b}, incomes, nil); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("records for a household outside scope: got %v, want not found", err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 3 {
			t.Fatalf("audit: %d, %v", n, err)
		}
	})
}
