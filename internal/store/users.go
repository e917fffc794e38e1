package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
)

const userColumns = "id, username, display_name, role, region, password_hash, disabled, failed_logins, locked_until, version, created_at"

func scanUser(sc scanner) (auth.User, error) {
	var u auth.User
	var locked, created timestamp
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Region, &u.PasswordHash, &u.Disabled,
		&u.FailedLogins, &locked, &u.Version, &created)
	u.LockedUntil, u.CreatedAt = locked.Time, created.Time
	return u, err
}

// CreateUser implements auth.Store.
func (db *DB) CreateUser(ctx context.Context, u *auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		now := db.now()
		u.Version, u.CreatedAt = 1, now
		var err error
		u.ID, err = t.insertID(ctx, `INSERT INTO users (username, display_name, role, region, password_hash, disabled,
			failed_logins, version, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?)`,
			u.Username, u.DisplayName, u.Role, u.Region, u.PasswordHash, u.Disabled, now)
		if err != nil {
			if _, ok := isUniqueViolation(err); ok {
				return &apperr.Error{Code: apperr.Conflict, Field: "username", Message: fmt.Sprintf("the username %q is taken", u.Username)}
			}
			return err
		}
		return t.audit(ctx, "user", u.ID, u.Region, "create", nil, map[string]any{
			"username": u.Username, "display_name": u.DisplayName, "role": u.Role, "region": u.Region})
	})
}

func (db *DB) user(ctx context.Context, cond string, arg any) (*auth.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no such user")
	}
	return &u, err
}

// UserByUsername implements auth.Store.
func (db *DB) UserByUsername(ctx context.Context, username string) (*auth.User, error) {
	return db.user(ctx, "username = ?", username)
}

// User implements auth.Store.
func (db *DB) User(ctx context.Context, id int64) (*auth.User, error) {
	return db.user(ctx, "id = ?", id)
}

// Users implements auth.Store.
func (db *DB) Users(ctx context.Context, region string) ([]auth.User, error) {
	lo, hi := prefixRange(region)
	rows, err := db.query(ctx, "SELECT "+userColumns+" FROM users WHERE region >= ? AND region < ? ORDER BY region, username", lo, hi)
	return collect(rows, err, scanUser)
}

// SetDisabled implements auth.Store.
func (db *DB) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return db.transact(ctx, func(t *Tx) error {
		region, err := t.userRegion(ctx, id)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE users SET disabled = ?, version = version + 1 WHERE id = ?", disabled, id); err != nil {
			return err
		}
		if disabled {
			if _, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		action := "enable"
		if disabled {
			action = "disable"
		}
		return t.audit(ctx, "user", id, region, action, nil, nil)
	})
}

// SetPassword implements auth.Store.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	return db.transact(ctx, func(t *Tx) error {
		region, err := t.userRegion(ctx, id)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, version = version + 1 WHERE id = ?", hash, id); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return err
		}
		return t.audit(ctx, "user", id, region, "set_password", nil, nil)
	})
}

// RecordLogin implements auth.Store.
func (db *DB) RecordLogin(ctx context.Context, id int64, ok bool, lockAfter int, lockUntil time.Time) error {
	return db.transact(ctx, func(t *Tx) error {
		var region string
		var failed int
		if err := t.queryRow(ctx, "SELECT region, failed_logins FROM users WHERE id = ?", id).Scan(&region, &failed); err != nil {
			return err
		}
		action := "login"
		var detail map[string]any
		if ok {
			failed = 0
			_, err := t.exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", id)
			if err != nil {
				return err
			}
		} else {
			failed++
			action = "login_failed"
			detail = map[string]any{"failed_logins": failed}
			var until any
			if failed >= lockAfter {
				until = lockUntil.UTC()
				detail["locked_until"] = lockUntil.UTC()
			}
			if _, err := t.exec(ctx, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", failed, until, id); err != nil {
				return err
			}
		}
		return t.audit(ctx, "user", id, region, action, nil, detail)
	})
}

// CreateSession implements auth.Store.
func (db *DB) CreateSession(ctx context.Context, s *auth.Session) error {
	return db.transact(ctx, func(t *Tx) error {
		// Expired sessions are swept as new ones arrive.
		if _, err := t.exec(ctx, "DELETE FROM sessions WHERE expires_at < ?", db.now()); err != nil {
			return err
		}
		_, err := t.exec(ctx, "INSERT INTO sessions (id_hash, user_id, csrf, client_addr, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
			s.IDHash, s.UserID, s.CSRF, s.ClientAddr, s.CreatedAt.UTC(), s.ExpiresAt.UTC())
		return err
	})
}

// SessionByHash implements auth.Store.
func (db *DB) SessionByHash(ctx context.Context, idHash string, now time.Time) (*auth.Session, error) {
	var s auth.Session
	var created, expires timestamp
	err := db.queryRow(ctx, "SELECT id_hash, user_id, csrf, client_addr, created_at, expires_at FROM sessions WHERE id_hash = ?", idHash).
		Scan(&s.IDHash, &s.UserID, &s.CSRF, &s.ClientAddr, &created, &expires)
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
	return &s, nil
}

// DeleteSession implements auth.Store.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	return db.transact(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", idHash)
		return err
	})
}

// CreateToken implements auth.Store.
func (db *DB) CreateToken(ctx context.Context, tk *auth.Token) error {
	return db.transact(ctx, func(t *Tx) error {
		region, err := t.userRegion(ctx, tk.UserID)
		if err != nil {
			return err
		}
		tk.CreatedAt = db.now()
		tk.ID, err = t.insertID(ctx, "INSERT INTO tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?)", tk.UserID, tk.Name, tk.Hash, tk.CreatedAt)
		if err != nil {
			return err
		}
		return t.audit(ctx, "token", tk.ID, region, "create", nil, map[string]any{"user_id": tk.UserID, "name": tk.Name})
	})
}

// TokenByHash implements auth.Store.
func (db *DB) TokenByHash(ctx context.Context, hash string) (*auth.Token, error) {
	var tk auth.Token
	var created timestamp
	err := db.queryRow(ctx, "SELECT id, user_id, name, hash, created_at FROM tokens WHERE hash = ? AND revoked_at IS NULL", hash).
		Scan(&tk.ID, &tk.UserID, &tk.Name, &tk.Hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no such token")
	}
	tk.CreatedAt = created.Time
	return &tk, err
}

// userRegion returns a user's jurisdiction, recorded on the audit rows of
// changes to the user. Errors: NotFound.
func (t *Tx) userRegion(ctx context.Context, id int64) (string, error) {
	var region string
	err := t.queryRow(ctx, "SELECT region FROM users WHERE id = ?", id).Scan(&region)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("user", id)
	}
	return region, err
}
