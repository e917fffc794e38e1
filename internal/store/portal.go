package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

// The citizen portal's sign-in: one-time codes and citizens' sessions
// (auth.CitizenStore). Codes live two days at most: long enough for the
// limits to count a day's codes by phone.

var _ auth.CitizenStore = (*DB)(nil)

// otpKeep is how long code rows are kept for the rate limits.
const otpKeep = 48 * time.Hour

// FindCitizen implements auth.CitizenStore.
func (db *DB) FindCitizen(ctx context.Context, idNumber, phone string) (int64, string, error) {
	phoneIdx, err := db.index(pii.Phone, phone)
	if err != nil {
		return 0, "", err
	}
	p, err := db.PersonByIDNumber(ctx, registry.Scope{}, idNumber)
	if apperr.IsCode(err, apperr.NotFound) {
		return 0, phoneIdx, nil
	}
	if err != nil {
		return 0, "", err
	}
	registered, err := db.index(pii.Phone, p.Phone)
	if err != nil {
		return 0, "", err
	}
	if registered == "" || subtle.ConstantTimeCompare([]byte(registered), []byte(phoneIdx)) != 1 || !p.Death.IsZero() {
		return 0, phoneIdx, nil
	}
	return p.ID, phoneIdx, nil
}

// CreateOTP implements auth.CitizenStore. On PostgreSQL two requests for
// one phone in the same instant may both pass the limits (neither sees the
// other's row); the limits bound cost and nuisance, and the tries of each
// code, which guard the sign-in, are counted atomically.
func (db *DB) CreateOTP(ctx context.Context, o *auth.OTP, limit func(sent []time.Time) error) error {
	created := o.CreatedAt.UTC().Truncate(time.Microsecond)
	return db.transact(ctx, func(t *Tx) error {
		if _, err := t.exec(ctx, "DELETE FROM otp_codes WHERE created_at < ?", created.Add(-otpKeep)); err != nil {
			return err
		}
		rows, err := t.query(ctx, "SELECT created_at FROM otp_codes WHERE phone_idx = ? AND created_at > ? ORDER BY created_at",
			o.PhoneIdx, created.Add(-24*time.Hour))
		sent, err := collect(rows, err, func(sc scanner) (time.Time, error) {
			var at timestamp
			err := sc.Scan(&at)
			return at.Time, err
		})
		if err != nil {
			return err
		}
		if err := limit(sent); err != nil {
			return err
		}
		o.ID, err = t.insertID(ctx, `INSERT INTO otp_codes (person_id, phone_idx, code_hash, expires_at, tries, created_at)
			VALUES (?, ?, ?, ?, 0, ?)`, nullInt(o.PersonID), o.PhoneIdx, o.CodeHash, o.ExpiresAt.UTC(), created)
		if err != nil {
			return fmt.Errorf("insert otp code: %w", err)
		}
		if o.PersonID == 0 {
			return nil // nobody to record it against
		}
		return t.citizenAudit(ctx, o.PersonID, "request_code", map[string]any{"otp_id": o.ID})
	})
}

// UseOTP implements auth.CitizenStore.
func (db *DB) UseOTP(ctx context.Context, id int64, maxTries int, match func(codeHash string) bool, s *auth.CitizenSession) (ok bool, tries int, err error) {
	now := s.CreatedAt.UTC().Truncate(time.Microsecond)
	err = db.transact(ctx, func(t *Tx) error {
		ok = false
		var person int64
		var hash string
		// Counting the try first, in one statement, means two tries at
		// once can never both be the fifth.
		err := t.queryRow(ctx, `UPDATE otp_codes SET tries = tries + 1
			WHERE id = ? AND used_at IS NULL AND expires_at > ? AND tries < ?
			RETURNING COALESCE(person_id, 0), code_hash, tries`, id, now, maxTries).Scan(&person, &hash, &tries)
		if errors.Is(err, sql.ErrNoRows) {
			err = t.queryRow(ctx, "SELECT tries FROM otp_codes WHERE id = ? AND used_at IS NULL AND expires_at > ?", id, now).Scan(&tries)
			if errors.Is(err, sql.ErrNoRows) {
				return auth.ErrCodeGone
			}
			if err == nil {
				return auth.ErrCodeLocked
			}
		}
		if err != nil {
			return err
		}
		if person == 0 {
			return nil // a code never sent: it matches nothing
		}
		detail := map[string]any{"otp_id": id, "tries": tries}
		if !match(hash) {
			return t.citizenAudit(ctx, person, "login_failed", detail)
		}
		if _, err := t.exec(ctx, "UPDATE otp_codes SET used_at = ? WHERE id = ?", now, id); err != nil {
			return err
		}
		// Expired sessions are swept as new ones arrive.
		if _, err := t.exec(ctx, "DELETE FROM citizen_sessions WHERE expires_at < ?", now); err != nil {
			return err
		}
		s.PersonID = person
		if _, err := t.exec(ctx, "INSERT INTO citizen_sessions (id_hash, person_id, csrf, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
			s.IDHash, person, s.CSRF, s.ExpiresAt.UTC(), now); err != nil {
			return fmt.Errorf("insert citizen session: %w", err)
		}
		ok = true
		return t.citizenAudit(ctx, person, "login", detail)
	})
	return ok, tries, err
}

// citizenAudit records a sign-in event of a person, as that person.
func (t *Tx) citizenAudit(ctx context.Context, personID int64, action string, detail map[string]any) error {
	return t.audit(auth.CitizenContext(ctx, personID), "citizen_session", personID, t.personRegion(ctx, personID), action, nil, detail)
}

// CitizenSession implements auth.CitizenStore. The expiry is written at
// most once a minute, not on every request.
func (db *DB) CitizenSession(ctx context.Context, idHash string, now time.Time, idle time.Duration) (*auth.CitizenSession, error) {
	var s auth.CitizenSession
	var created, expires timestamp
	err := db.queryRow(ctx, "SELECT id_hash, person_id, csrf, created_at, expires_at FROM citizen_sessions WHERE id_hash = ?", idHash).
		Scan(&s.IDHash, &s.PersonID, &s.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no such session")
	}
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt = created.Time, expires.Time
	if !now.Before(s.ExpiresAt) {
		return nil, apperr.Errorf(apperr.NotFound, "the session has expired")
	}
	if s.ExpiresAt.Sub(now) < idle-time.Minute {
		s.ExpiresAt = now.Add(idle).UTC().Truncate(time.Microsecond)
		err := db.transact(ctx, func(t *Tx) error {
			_, err := t.exec(ctx, "UPDATE citizen_sessions SET expires_at = ? WHERE id_hash = ?", s.ExpiresAt, idHash)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// DeleteCitizenSession implements auth.CitizenStore.
func (db *DB) DeleteCitizenSession(ctx context.Context, idHash string) error {
	return db.transact(ctx, func(t *Tx) error {
		var person int64
		err := t.queryRow(ctx, "DELETE FROM citizen_sessions WHERE id_hash = ? RETURNING person_id", idHash).Scan(&person)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return t.citizenAudit(ctx, person, "logout", nil)
	})
}

// CurrentHousehold returns the household the person is an active member
// of. Errors: NotFound (in none).
func (db *DB) CurrentHousehold(ctx context.Context, personID int64) (int64, error) {
	var id int64
	err := db.queryRow(ctx, "SELECT household_id FROM members WHERE person_id = ? AND left_on IS NULL", personID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.Errorf(apperr.NotFound, "you are not a member of a registered household")
	}
	return id, err
}
