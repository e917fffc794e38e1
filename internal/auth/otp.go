package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/idcard"
	"safetynet/internal/pii"
)

// Citizens sign in to the portal (/portal, docs/portal.md) without an
// account: with their ID number, the mobile phone registered with their
// household, and a one-time code sent to that phone. The portal must not
// tell who is registered, so a request for a code is answered the same
// whether or not the ID number and phone belong to someone: a code is
// recorded either way (it counts towards the phone's limits) but only a
// registered person's is sent, and only it can ever match.
//
// A code is stored only as HashCode(challenge, code), where the challenge
// is a random secret kept in the requesting browser's cookie (the ticket):
// a copy of the database does not give the codes away, and a code can be
// tried only from the browser that asked for it, not by walking every code
// outstanding.

// Limits on codes. They bound the cost of text messages and the chance of
// guessing a code: 5 tries of a 6-digit code is 1 in 200,000 per code, and a
// phone gets at most 10 codes a day.
const (
	// CodeDigits is the length of a code.
	CodeDigits = 6
	// CodeTTL is how long a code stays valid: the 5 minutes usual for
	// government service platforms' text-message codes.
	CodeTTL = 5 * time.Minute
	// MaxCodeTries is how many codes may be typed against one code; after
	// that it is dead and the citizen asks for a new one.
	MaxCodeTries = 5
	// CodeInterval is the least time between two codes for one phone, so a
	// double click or an impatient "send again" does not send a flood.
	CodeInterval = 60 * time.Second
	// CodesPerDay is the most codes one phone gets in 24 hours.
	CodesPerDay = 10
	// CitizenIdle ends a citizen's session after 30 minutes without a
	// request: the portal is used on shared and borrowed phones.
	CitizenIdle = 30 * time.Minute
)

// Sender delivers a sign-in code to a mobile phone. Production deployments
// implement it for their SMS gateway (短信平台) and set it on the web
// server; LogSender stands in for the demo and development.
type Sender interface {
	// Send sends code to phone (11 digits). It may take seconds; the
	// portal does not wait for it.
	Send(ctx context.Context, phone, code string) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, phone, code string) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, phone, code string) error { return f(ctx, phone, code) }

// LogSender writes the code to the server's structured log instead of
// sending it: for the demo and for development, never for production (the
// log then holds live codes, if only for 5 minutes each). The phone is
// masked.
type LogSender struct{ Log *slog.Logger }

// Send logs the code.
func (s LogSender) Send(ctx context.Context, phone, code string) error {
	s.Log.InfoContext(ctx, "portal sign-in code (LogSender: no SMS gateway configured)",
		"phone", pii.Mask(pii.Phone, phone), "code", code)
	return nil
}

// OTP is a one-time sign-in code as stored: its hash, never the code.
type OTP struct {
	ID int64
	// PersonID is the person the code signs in; 0 when the ID number and
	// phone matched no one: such a code is never sent and never matches.
	PersonID int64
	// PhoneIdx is the phone's blind index (pii.Index): the limits count
	// codes by it.
	PhoneIdx string
	// CodeHash is HashCode(challenge, code); "" for a code never sent.
	CodeHash  string
	ExpiresAt time.Time
	Tries     int
	UsedAt    time.Time
	CreatedAt time.Time
}

// CitizenSession is a citizen's signed-in session on the portal. The
// cookie carries a random secret; the store keeps only its hash.
type CitizenSession struct {
	IDHash   string
	PersonID int64
	CSRF     string
	// ExpiresAt moves on with every request (CitizenIdle).
	ExpiresAt time.Time
	CreatedAt time.Time
}

// Errors a CitizenStore returns for a code that cannot be tried.
var (
	// ErrCodeGone: no such code, or it has expired or been used.
	ErrCodeGone = errors.New("auth: the sign-in code is unknown, expired or used")
	// ErrCodeLocked: the code has had MaxCodeTries tries.
	ErrCodeLocked = errors.New("auth: the sign-in code has no tries left")
)

// CitizenStore keeps sign-in codes and citizens' sessions. Each write is
// audited as entity "citizen_session" with the person's id, the citizen as
// actor (CitizenContext), and never the code.
type CitizenStore interface {
	// FindCitizen returns the person registered with the ID number
	// (found by its blind index in the whole country) whose registered
	// phone is phone (comparing blind indexes), and phone's blind index.
	// personID is 0, without an error, when there is no such person,
	// the phone differs, or the person has died.
	// Errors: Unavailable (no keys loaded).
	FindCitizen(ctx context.Context, idNumber, phone string) (personID int64, phoneIdx string, err error)
	// CreateOTP stores o and sets its ID, after calling limit with the
	// creation times of the codes for o.PhoneIdx in the 24 hours before
	// o.CreatedAt, oldest first; an error from limit stores nothing and is
	// returned.
	CreateOTP(ctx context.Context, o *OTP, limit func(sent []time.Time) error) error
	// UseOTP counts one try of code id, at s.CreatedAt: if the code is
	// unused, unexpired and has tries left, its count goes up and match is
	// called with its hash. If match accepts it, the code is marked used
	// and s is stored for the code's person (s.PersonID is set). It
	// returns whether the code matched and the tries counted so far.
	// Errors: ErrCodeGone, ErrCodeLocked.
	UseOTP(ctx context.Context, id int64, maxTries int, match func(codeHash string) bool, s *CitizenSession) (ok bool, tries int, err error)
	// CitizenSession returns a live session and moves its expiry to now
	// plus idle. Errors: NotFound (also expired).
	CitizenSession(ctx context.Context, idHash string, now time.Time, idle time.Duration) (*CitizenSession, error)
	// DeleteCitizenSession ends a session.
	DeleteCitizenSession(ctx context.Context, idHash string) error
}

// CitizenUsername is how a citizen appears as an actor in the audit trail
// and in an application's events: they have no username.
func CitizenUsername(personID int64) string { return "citizen:" + strconv.FormatInt(personID, 10) }

// CitizenContext returns ctx with the citizen as the audit actor, keeping
// the request's address and id.
func CitizenContext(ctx context.Context, personID int64) context.Context {
	a := audit.ActorFrom(ctx)
	a.UserID, a.Username, a.Role = 0, CitizenUsername(personID), "citizen"
	return audit.WithActor(ctx, a)
}

// HashCode is what is stored of a code: hex SHA-256 of the ticket's
// challenge and the code. The challenge (32 random bytes) makes the hash
// impossible to reverse without the citizen's cookie, though a code has
// only a million values.
func HashCode(challenge, code string) string {
	sum := sha256.Sum256([]byte(challenge + ":" + code))
	return hex.EncodeToString(sum[:])
}

// newCode returns a code of CodeDigits decimal digits from crypto/rand,
// every value equally likely.
func newCode() string {
	const limit = 1_000_000
	var b [4]byte
	for {
		rand.Read(b[:]) // never fails (crypto/rand since Go 1.24)
		// Reject the top of the range, so the modulo has no bias.
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		if v < (1<<32/limit)*limit {
			s := strconv.FormatUint(uint64(v%limit), 10)
			return strings.Repeat("0", CodeDigits-len(s)) + s
		}
	}
}

// Citizens signs citizens in to the portal and resolves their sessions.
type Citizens struct {
	Store  CitizenStore
	Sender Sender
	Log    *slog.Logger
	// Idle ends a session after this long without a request.
	Idle time.Duration
	Now  func() time.Time

	sending sync.WaitGroup
}

// NewCitizens returns the service with the defaults (CitizenIdle).
func NewCitizens(s CitizenStore, sender Sender, log *slog.Logger) *Citizens {
	return &Citizens{Store: s, Sender: sender, Log: log, Idle: CitizenIdle, Now: func() time.Time { return time.Now().UTC() }}
}

// RequestCode records a code for the ID number and phone and, if they are a
// registered person's, sends it. The answer is the same either way (nor
// does it take longer: the code is sent in the background): the returned
// ticket, which the browser keeps to verify the code with.
//
// Errors: Invalid (the ID number is not a valid one, field id_number; the
// phone is not an 11-digit mobile number, field phone), TooMany (the
// phone's limits, with the time to wait).
func (c *Citizens) RequestCode(ctx context.Context, idNumber, phone string) (ticket string, err error) {
	var l apperr.List
	id, err := idcard.Parse(idcard.Normalize(idNumber))
	if err != nil {
		l.Add("id_number", err)
	}
	phone = pii.Normalize(pii.Phone, strings.TrimPrefix(strings.TrimSpace(phone), "+86"))
	if !mobile(phone) {
		l.Addf("phone", "enter the 11-digit mobile number registered with your household")
	}
	if err := l.Err(); err != nil {
		return "", err
	}
	personID, phoneIdx, err := c.Store.FindCitizen(ctx, id.Number, phone)
	if err != nil {
		return "", err
	}
	now := c.Now()
	challenge, code := randomString(32), newCode()
	o := &OTP{PersonID: personID, PhoneIdx: phoneIdx, ExpiresAt: now.Add(CodeTTL), CreatedAt: now}
	if personID != 0 {
		o.CodeHash = HashCode(challenge, code)
	}
	if err := c.Store.CreateOTP(ctx, o, func(sent []time.Time) error { return rateLimit(sent, now) }); err != nil {
		return "", err
	}
	if personID != 0 {
		c.send(ctx, phone, code)
	}
	return strconv.FormatInt(o.ID, 10) + "." + challenge, nil
}

// rateLimit refuses a code when the phone had one less than CodeInterval
// ago, or CodesPerDay in the last 24 hours.
func rateLimit(sent []time.Time, now time.Time) error {
	n := len(sent)
	if n == 0 {
		return nil
	}
	if wait := sent[n-1].Add(CodeInterval).Sub(now); wait > 0 {
		return apperr.Errorf(apperr.TooMany, "a code was asked for this phone less than a minute ago: please wait %d seconds", int(wait.Seconds())+1)
	}
	if n >= CodesPerDay {
		next := sent[n-CodesPerDay].Add(24 * time.Hour)
		return apperr.Errorf(apperr.TooMany, "at most %d codes a day are sent to one phone: please try again after %s", CodesPerDay, next.In(cst).Format("01-02 15:04"))
	}
	return nil
}

func mobile(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// send hands the code to the Sender in the background, so that a request
// for a registered person takes no longer than one for nobody; a failure
// is logged (the citizen asks again after CodeInterval).
func (c *Citizens) send(ctx context.Context, phone, code string) {
	ctx = context.WithoutCancel(ctx)
	c.sending.Add(1)
	go func() {
		defer c.sending.Done()
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := c.Sender.Send(ctx, phone, code); err != nil && c.Log != nil {
			c.Log.ErrorContext(ctx, "sending a portal sign-in code failed", "err", err, "phone", pii.Mask(pii.Phone, phone))
		}
	}()
}

// Wait waits until the codes being sent are handed over (tests, shutdown).
func (c *Citizens) Wait() { c.sending.Wait() }

// errNoCode answers a ticket whose code cannot be tried any more.
var errNoCode = apperr.Errorf(apperr.Unauthorized, "the code has expired or was already used: please ask for a new one")

// Verify checks code against the ticket RequestCode returned and, if it
// matches, opens a session; it returns the session and the secret for the
// cookie. Every try counts, right or wrong (MaxCodeTries).
//
// Errors: Invalid (not CodeDigits digits, field code: not counted as a
// try), Unauthorized (a wrong code, with the tries left; a code expired,
// used or out of tries).
func (c *Citizens) Verify(ctx context.Context, ticket, code string) (*CitizenSession, string, error) {
	code = strings.TrimSpace(code)
	if len(code) != CodeDigits || strings.Trim(code, "0123456789") != "" {
		return nil, "", apperr.Fieldf("code", "enter the %d digits of the code sent to your phone", CodeDigits)
	}
	idText, challenge, ok := strings.Cut(ticket, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || len(challenge) < 32 {
		return nil, "", errNoCode
	}
	now := c.Now()
	secret := randomString(32)
	sess := &CitizenSession{IDHash: HashToken(secret), CSRF: randomString(24), CreatedAt: now, ExpiresAt: now.Add(c.Idle)}
	want := []byte(HashCode(challenge, code))
	match := func(h string) bool { return h != "" && subtle.ConstantTimeCompare([]byte(h), want) == 1 }
	ok, tries, err := c.Store.UseOTP(ctx, id, MaxCodeTries, match, sess)
	switch {
	case errors.Is(err, ErrCodeGone):
		return nil, "", errNoCode
	case errors.Is(err, ErrCodeLocked):
		return nil, "", apperr.Errorf(apperr.Unauthorized, "too many wrong codes: please ask for a new one")
	case err != nil:
		return nil, "", err
	case !ok && tries < MaxCodeTries:
		return nil, "", apperr.Errorf(apperr.Unauthorized, "the code is wrong: %d more tries", MaxCodeTries-tries)
	case !ok:
		return nil, "", apperr.Errorf(apperr.Unauthorized, "too many wrong codes: please ask for a new one")
	}
	return sess, secret, nil
}

// Session resolves a citizen's session cookie and moves its idle expiry
// on. Errors: Unauthorized.
func (c *Citizens) Session(ctx context.Context, secret string) (*CitizenSession, error) {
	s, err := c.Store.CitizenSession(ctx, HashToken(secret), c.Now(), c.Idle)
	if apperr.IsCode(err, apperr.NotFound) {
		return nil, apperr.Errorf(apperr.Unauthorized, "please sign in")
	}
	return s, err
}

// Logout ends a citizen's session.
func (c *Citizens) Logout(ctx context.Context, s *CitizenSession) error {
	if s == nil {
		return nil
	}
	return c.Store.DeleteCitizenSession(CitizenContext(ctx, s.PersonID), s.IDHash)
}
