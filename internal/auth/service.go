package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
)

// Service signs users in and resolves sessions and tokens to principals.
type Service struct {
	Store Store
	// LockAfter failed sign-ins lock an account for LockFor.
	LockAfter int
	LockFor   time.Duration
	// SessionTTL is how long a browser session lasts.
	SessionTTL time.Duration
	Now        func() time.Time
}

// NewService returns a service with the defaults: lock after 5 failures
// for 15 minutes, sessions of 12 hours (a working day and overtime).
func NewService(s Store) *Service {
	return &Service{Store: s, LockAfter: 5, LockFor: 15 * time.Minute, SessionTTL: 12 * time.Hour,
		Now: func() time.Time { return time.Now().UTC() }}
}

// errBadLogin is the one answer for an unknown user and a wrong password,
// so the sign-in form cannot be used to find usernames.
var errBadLogin = apperr.Errorf(apperr.Unauthorized, "wrong username or password")

// Login checks a username and password and opens a session.
// Errors: Unauthorized (wrong credentials, disabled, locked).
func (s *Service) Login(ctx context.Context, username, password, clientAddr string) (*Principal, string, error) {
	u, err := s.Store.UserByUsername(ctx, username)
	if apperr.IsCode(err, apperr.NotFound) {
		// Spend the same time as a real check.
		CheckPassword(dummyHash, password)
		return nil, "", errBadLogin
	}
	if err != nil {
		return nil, "", err
	}
	now := s.Now()
	if u.Disabled {
		return nil, "", apperr.Errorf(apperr.Unauthorized, "this account is disabled: ask your administrator")
	}
	if now.Before(u.LockedUntil) {
		return nil, "", apperr.Errorf(apperr.Unauthorized, "too many failed sign-ins: this account is locked until %s", u.LockedUntil.In(cst).Format("15:04"))
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return nil, "", err
	}
	// The sign-in is recorded as the user's own act, from the request's
	// address, even though no session exists yet.
	act := audit.ActorFrom(ctx)
	act.UserID, act.Username, act.Role = u.ID, u.Username, string(u.Role)
	ctx = audit.WithActor(ctx, act)
	if err := s.Store.RecordLogin(ctx, u.ID, ok, s.LockAfter, now.Add(s.LockFor)); err != nil {
		return nil, "", err
	}
	if !ok {
		if u.FailedLogins+1 >= s.LockAfter {
			return nil, "", apperr.Errorf(apperr.Unauthorized, "too many failed sign-ins: this account is locked for %d minutes", int(s.LockFor.Minutes()))
		}
		return nil, "", errBadLogin
	}
	secret := randomString(32)
	sess := &Session{IDHash: HashToken(secret), UserID: u.ID, CSRF: randomString(24), ClientAddr: clientAddr,
		CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL)}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return nil, "", err
	}
	u.FailedLogins = 0
	return &Principal{User: *u, SessionID: sess.IDHash, CSRF: sess.CSRF}, secret, nil
}

var cst = time.FixedZone("CST", 8*3600)

// dummyHash is checked against when the username is unknown.
var dummyHash, _ = HashPassword("not a real password at all")

// Session resolves a session cookie's secret to its principal.
// Errors: Unauthorized.
func (s *Service) Session(ctx context.Context, secret string) (*Principal, error) {
	sess, err := s.Store.SessionByHash(ctx, HashToken(secret), s.Now())
	if err != nil {
		if apperr.IsCode(err, apperr.NotFound) {
			return nil, apperr.Errorf(apperr.Unauthorized, "please sign in")
		}
		return nil, err
	}
	u, err := s.active(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	return &Principal{User: *u, SessionID: sess.IDHash, CSRF: sess.CSRF}, nil
}

// Token resolves a bearer token to its principal. Errors: Unauthorized.
func (s *Service) Token(ctx context.Context, token string) (*Principal, error) {
	tk, err := s.Store.TokenByHash(ctx, HashToken(token))
	if err != nil {
		if apperr.IsCode(err, apperr.NotFound) {
			return nil, apperr.Errorf(apperr.Unauthorized, "the token is not valid")
		}
		return nil, err
	}
	u, err := s.active(ctx, tk.UserID)
	if err != nil {
		return nil, err
	}
	return &Principal{User: *u, TokenID: tk.ID}, nil
}

func (s *Service) active(ctx context.Context, id int64) (*User, error) {
	u, err := s.Store.User(ctx, id)
	if err != nil {
		if apperr.IsCode(err, apperr.NotFound) {
			return nil, apperr.Errorf(apperr.Unauthorized, "please sign in")
		}
		return nil, err
	}
	if u.Disabled {
		return nil, apperr.Errorf(apperr.Unauthorized, "this account is disabled: ask your administrator")
	}
	return u, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.SessionID == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, p.SessionID)
}

// IssueToken creates an API token for a user and returns it; only its
// hash is kept, so it is shown once.
func (s *Service) IssueToken(ctx context.Context, userID int64, name string) (string, error) {
	if name == "" {
		return "", apperr.Fieldf("name", "a token needs a name saying what uses it")
	}
	token, hash := NewToken("snt_")
	if err := s.Store.CreateToken(ctx, &Token{UserID: userID, Name: name, Hash: hash}); err != nil {
		return "", err
	}
	return token, nil
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
