// Package auth holds users, roles and their permissions, jurisdiction, sessions and API tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"safetynet/internal/apperr"
)

// argon2Params are the argon2id costs for new password hashes: 64 MiB,
// 2 passes, 2 lanes, about 50–100 ms on a server core, which is the RFC 9106
// "second recommended" shape scaled to a server that also does other work.
// They are variables so tests can lower them; a hash records its own
// parameters, so raising them later leaves old hashes valid (see
// NeedsRehash).
var argon2Params = struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	saltLen int
	keyLen  uint32
}{memory: 64 * 1024, time: 2, threads: 2, saltLen: 16, keyLen: 32}

// Limits on parameters read back from a stored hash, so a damaged or
// planted hash string cannot make a login allocate gigabytes or spin.
const (
	maxArgon2Memory  = 1 << 20 // KiB, 1 GiB
	maxArgon2Time    = 16
	maxArgon2Threads = 16
)

// Password length rules (ValidatePassword). The maximum only stops absurd
// inputs; passphrases are welcome.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

var b64 = base64.RawStdEncoding // PHC strings use unpadded standard base64

// HashPassword returns the argon2id hash of pw as a PHC string,
// "$argon2id$v=19$m=65536,t=2,p=2$<salt>$<hash>", with a random 16-byte
// salt. Errors: none in practice (the signature leaves room for a hasher
// that can fail).
func HashPassword(pw string) (string, error) {
	p := argon2Params
	salt := make([]byte, p.saltLen)
	rand.Read(salt) // never fails (crypto/rand since Go 1.24)
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// phc is a parsed argon2id PHC string.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

var errBadHash = errors.New("auth: malformed password hash")

func parsePHC(s string) (*phc, error) {
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, errBadHash
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return nil, fmt.Errorf("%w (unsupported argon2 version)", errBadHash)
	}
	var h phc
	var m, t, p uint64
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", m, t, p) != parts[3] {
		return nil, errBadHash
	}
	if m < 8 || m > maxArgon2Memory || t < 1 || t > maxArgon2Time || p < 1 || p > maxArgon2Threads || m < 8*p {
		return nil, fmt.Errorf("%w (parameters out of range)", errBadHash)
	}
	h.memory, h.time, h.threads = uint32(m), uint32(t), uint8(p)
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return nil, errBadHash
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 64 {
		return nil, errBadHash
	}
	return &h, nil
}

// CheckPassword reports whether pw matches hash, a string from
// HashPassword. It recomputes with the parameters recorded in hash and
// compares in constant time. A wrong password is (false, nil).
// Errors: a plain error (Internal) if hash is not a valid argon2id PHC
// string; the message does not quote the hash.
func CheckPassword(hash, pw string) (bool, error) {
	h, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// NeedsRehash reports whether hash was made with other parameters than
// HashPassword uses now (or cannot be read), so that after a successful
// login the caller can store a fresh hash and costs can be raised over the
// years without resetting anyone's password.
func NeedsRehash(hash string) bool {
	h, err := parsePHC(hash)
	if err != nil {
		return true
	}
	p := argon2Params
	return h.memory != p.memory || h.time != p.time || h.threads != p.threads ||
		len(h.salt) != p.saltLen || len(h.key) != int(p.keyLen)
}

// ValidatePassword checks a new password: at least MinPasswordLen
// characters (counted as characters, so a Chinese passphrase counts as
// typed), at most MaxPasswordLen, and not only digits (a 10-digit number is
// often a phone number or a date, and easily guessed).
// Errors: Invalid on field "password".
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return apperr.Fieldf("password", "must be at least %d characters long", MinPasswordLen)
	case n > MaxPasswordLen:
		return apperr.Fieldf("password", "must be at most %d characters long", MaxPasswordLen)
	case strings.Trim(pw, "0123456789") == "":
		return apperr.Fieldf("password", "must not be only digits")
	}
	return nil
}

// NewToken returns a new API token, prefix followed by 32 random bytes in
// unpadded base64url (e.g. "snt_…"), and its HashToken for storage. The
// prefix lets secret scanners and people recognise a leaked token; only
// the hash is stored, so a database copy yields no usable token.
func NewToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the lower-case hex SHA-256 of the whole token, prefix
// included. A plain hash is enough here, unlike for passwords: the token
// has 256 random bits, so there is nothing to guess.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
