package store_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

func TestFindCitizen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, _ := townships(t)
		h := household(tw, person("邓一", civil.D(1966, 6, 6)), person("邓二", civil.D(2012, 2, 2)))
		h.Members[1].Person.Phone = ""
		if err := db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
			t.Fatal(err)
		}
		head, child := h.Members[0].Person, h.Members[1].Person
		for _, c := range []struct {
			name, id, phone string
			want            int64
		}{
			{"OK", head.IDNumber, "13812345678", head.ID},
			{"PhoneAsTyped", head.IDNumber, "138 1234-5678", head.ID},
			{"WrongPhone", head.IDNumber, "13812345679", 0},
			{"NoPhoneRegistered", child.IDNumber, "13812345678", 0},
			{"Unknown", "110101199003070016", "13812345678", 0},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, idx, err := db.FindCitizen(ctx, c.id, c.phone)
				if err != nil || got != c.want {
					t.Fatalf("got %d, %v; want %d", got, err, c.want)
				}
				if len(idx) != 64 || strings.Contains(idx, "5678") {
					t.Fatalf("got phone index %q, want a blind index", idx)
				}
			})
		}
	})
}

// otpAt is a code for person (0: nobody) made at the time given.
func otpAt(person int64, phoneIdx, hash string, at time.Time) *auth.OTP {
	return &auth.OTP{PersonID: person, PhoneIdx: phoneIdx, CodeHash: hash, CreatedAt: at, ExpiresAt: at.Add(auth.CodeTTL)}
}

func TestOTPCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, _ := townships(t)
		h := household(tw, person("彭一", civil.D(1971, 7, 7)))
		if err := db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
			t.Fatal(err)
		}
		pid := h.Members[0].Person.ID
		_, idx, err := db.FindCitizen(ctx, h.Members[0].Person.IDNumber, "13812345678")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		hash := auth.HashCode(strings.Repeat("c", 43), "123456")

		// The limit sees the phone's codes of the last 24 hours, oldest
		// first, and refuses without storing.
		var seen [][]time.Time
		limit := func(sent []time.Time) error { seen = append(seen, sent); return nil }
		for _, at := range []time.Time{now.Add(-30 * time.Hour), now.Add(-2 * time.Hour), now.Add(-time.Hour)} {
			if err := db.CreateOTP(ctx, otpAt(0, idx, "", at), limit); err != nil {
				t.Fatal(err)
			}
		}
		refuse := apperr.Errorf(apperr.TooMany, "no")
		if err := db.CreateOTP(ctx, otpAt(pid, idx, hash, now), func([]time.Time) error { return refuse }); err != refuse {
			t.Fatalf("a refused code: %v", err)
		}
		o := otpAt(pid, idx, hash, now)
		if err := db.CreateOTP(ctx, o, limit); err != nil || o.ID == 0 {
			t.Fatal(o.ID, err)
		}
		if last := seen[len(seen)-1]; len(last) != 2 || !last[0].Equal(now.Add(-2*time.Hour)) || !last[1].Equal(now.Add(-time.Hour)) {
			t.Fatalf("the limit saw %v, want the two codes of the last 24 hours", last)
		}

		// Wrong tries count; the fifth locks the code.
		match := func(code string) func(string) bool {
			return func(h string) bool { return h != "" && h == auth.HashCode(strings.Repeat("c", 43), code) }
		}
		sess := func() *auth.CitizenSession {
			return &auth.CitizenSession{IDHash: auth.HashToken(time.Now().String()), CSRF: "x", CreatedAt: now, ExpiresAt: now.Add(auth.CitizenIdle)}
		}
		for i := 1; i <= 5; i++ {
			ok, tries, err := db.UseOTP(ctx, o.ID, auth.MaxCodeTries, match("000000"), sess())
			if ok || tries != i || err != nil {
				t.Fatalf("wrong try %d: %v %d %v", i, ok, tries, err)
			}
		}
		if _, _, err := db.UseOTP(ctx, o.ID, auth.MaxCodeTries, match("123456"), sess()); !errors.Is(err, auth.ErrCodeLocked) {
			t.Fatalf("the right code after 5 wrong ones: %v, want locked", err)
		}

		// A fresh code signs in once.
		o2 := otpAt(pid, idx, hash, now)
		if err := db.CreateOTP(ctx, o2, limit); err != nil {
			t.Fatal(err)
		}
		s := sess()
		if ok, tries, err := db.UseOTP(ctx, o2.ID, auth.MaxCodeTries, match("123456"), s); !ok || tries != 1 || err != nil || s.PersonID != pid {
			t.Fatalf("right code: %v %d %v person %d", ok, tries, err, s.PersonID)
		}
		if _, _, err := db.UseOTP(ctx, o2.ID, auth.MaxCodeTries, match("123456"), sess()); !errors.Is(err, auth.ErrCodeGone) {
			t.Fatalf("a used code: %v", err)
		}
		// An expired code, and a code for nobody, never sign in.
		old := otpAt(pid, idx, hash, now.Add(-10*time.Minute))
		nobody := otpAt(0, idx, "", now)
		for _, c := range []*auth.OTP{old, nobody} {
			if err := db.CreateOTP(ctx, c, limit); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := db.UseOTP(ctx, old.ID, auth.MaxCodeTries, match("123456"), sess()); !errors.Is(err, auth.ErrCodeGone) {
			t.Fatalf("an expired code: %v", err)
		}
		if ok, _, err := db.UseOTP(ctx, nobody.ID, auth.MaxCodeTries, func(string) bool { return true }, sess()); ok || err != nil {
			t.Fatalf("a code for nobody: %v %v", ok, err)
		}
		if _, _, err := db.UseOTP(ctx, 999999, auth.MaxCodeTries, match("123456"), sess()); !errors.Is(err, auth.ErrCodeGone) {
			t.Fatalf("no such code: %v", err)
		}

		// Codes are stored hashed; the audit trail has the sign-ins
		// against the person, never a code.
		var stored string
		if err := store.RawQueryRow(db, "SELECT code_hash FROM otp_codes WHERE id = "+strconv.FormatInt(o2.ID, 10)).Scan(&stored); err != nil || stored != hash {
			t.Fatalf("stored %q, %v", stored, err)
		}
		var n int
		var data string
		if err := store.RawQueryRow(db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'citizen_session' AND entity_id = '"+strconv.FormatInt(pid, 10)+"' AND username = 'citizen:"+strconv.FormatInt(pid, 10)+"'").Scan(&n); err != nil || n != 9 {
			t.Fatalf("%d audit rows (%v), want 3 codes asked, 5 failures and 1 sign-in", n, err)
		}
		if err := store.RawQueryRow(db, "SELECT after_data FROM audit_log WHERE entity = 'citizen_session' AND action = 'login'").Scan(&data); err != nil || strings.Contains(data, "123456") || strings.Contains(data, hash) {
			t.Fatalf("sign-in audited as %s (%v)", data, err)
		}
	})
}

func TestCitizenSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, _ := townships(t)
		h := household(tw, person("夏一", civil.D(1975, 5, 5)))
		if err := db.CreateHousehold(ctx, registry.Scope{}, h); err != nil {
			t.Fatal(err)
		}
		pid := h.Members[0].Person.ID
		if id, err := db.CurrentHousehold(ctx, pid); err != nil || id != h.ID {
			t.Fatalf("current household %d, %v", id, err)
		}
		mustCode(t, mustErr(db.CurrentHousehold(ctx, 999999)), apperr.NotFound)

		_, idx, _ := db.FindCitizen(ctx, h.Members[0].Person.IDNumber, "13812345678")
		now := time.Now().UTC().Truncate(time.Second)
		o := otpAt(pid, idx, "h", now)
		if err := db.CreateOTP(ctx, o, func([]time.Time) error { return nil }); err != nil {
			t.Fatal(err)
		}
		s := &auth.CitizenSession{IDHash: auth.HashToken("secret"), CSRF: "csrf", CreatedAt: now, ExpiresAt: now.Add(auth.CitizenIdle)}
		if ok, _, err := db.UseOTP(ctx, o.ID, auth.MaxCodeTries, func(h string) bool { return h == "h" }, s); !ok || err != nil {
			t.Fatal(ok, err)
		}
		// Each request moves the idle expiry on (written at most once a
		// minute); past it the session is gone.
		got, err := db.CitizenSession(ctx, s.IDHash, now.Add(20*time.Minute), auth.CitizenIdle)
		if err != nil || got.PersonID != pid || got.CSRF != "csrf" || !got.ExpiresAt.Equal(now.Add(50*time.Minute)) {
			t.Fatalf("session %+v, %v", got, err)
		}
		if got, err := db.CitizenSession(ctx, s.IDHash, now.Add(20*time.Minute+30*time.Second), auth.CitizenIdle); err != nil || !got.ExpiresAt.Equal(now.Add(50*time.Minute)) {
			t.Fatalf("session read again within the minute: %+v, %v", got, err)
		}
		mustCode(t, mustErr(db.CitizenSession(ctx, s.IDHash, now.Add(51*time.Minute), auth.CitizenIdle)), apperr.NotFound)
		mustCode(t, mustErr(db.CitizenSession(ctx, auth.HashToken("other"), now, auth.CitizenIdle)), apperr.NotFound)
		// The staff sessions do not know it, nor the citizen ones a staff
		// session.
		mustCode(t, mustErr(db.SessionByHash(ctx, s.IDHash, now)), apperr.NotFound)

		if _, err := db.CitizenSession(ctx, s.IDHash, now.Add(time.Minute), auth.CitizenIdle); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteCitizenSession(auth.CitizenContext(ctx, pid), s.IDHash); err != nil {
			t.Fatal(err)
		}
		mustCode(t, mustErr(db.CitizenSession(ctx, s.IDHash, now.Add(time.Minute), auth.CitizenIdle)), apperr.NotFound)
		if err := db.DeleteCitizenSession(ctx, s.IDHash); err != nil {
			t.Fatalf("ending an ended session: %v", err)
		}
		var n int
		if err := store.RawQueryRow(db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'citizen_session' AND action = 'logout'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d logouts audited (%v)", n, err)
		}
	})
}
