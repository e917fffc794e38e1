// Package pii protects personal data at rest: resident ID numbers, phone
// numbers and bank account numbers (DESIGN.md §4, "Personal data at rest").
//
// Each value is stored three ways, none of them the clear text:
//
//   - sealed: encrypted with SM4-GCM (the default, GB/T 32907 as the
//     commercial-cryptography rules for government systems expect) or
//     AES-256-GCM, with a fresh random nonce per value, so equal values do not
//     look equal in the database;
//   - indexed: a keyed blind index (HMAC-SM3), equal for equal values, used
//     for exact lookup ("find the person with this ID number") and for joins
//     and uniqueness constraints;
//   - masked, on screens and in exports, for viewers whose role does not need
//     the full value (Mask, MaskName). Every unmasked read is audited by the
//     caller.
//
// The keys live in a key file (CreateKeyFile, LoadKeyFile, LoadFromEnv),
// never in the database, so a copy of the database or of a backup alone does
// not reveal the data. Each sealed value names the key id it was sealed with,
// which lets the server refuse to start on a store written with another key
// and leaves room for key rotation later.
//
// Errors: configuration problems (bad key file, unknown algorithm) are
// *apperr.Error values with code Invalid, or Conflict when CreateKeyFile finds
// the file already there; they name the file because only the operator sees
// them. Failures to open a sealed value (ErrWrongKey, ErrTampered) are plain
// errors, which the web layer reports as "internal error": they mean the
// database or the key is wrong, not the user's input. No error message ever
// contains a clear-text value.
package pii

import "strings"

// Algorithm is the authenticated cipher used to seal values.
type Algorithm string

const (
	// SM4GCM is SM4 (GB/T 32907-2016) in Galois/Counter Mode, 128-bit key.
	SM4GCM Algorithm = "sm4-gcm"
	// AES256GCM is AES with a 256-bit key in Galois/Counter Mode, for
	// deployments that are not bound to the national algorithms.
	AES256GCM Algorithm = "aes-256-gcm"
)

// keyLen is the encryption key length of a, or 0 if a is unknown.
func (a Algorithm) keyLen() int {
	switch a {
	case SM4GCM:
		return 16
	case AES256GCM:
		return 32
	}
	return 0
}

// Kind says which field a value belongs to. It is bound into every sealed
// value and blind index, so a value sealed as a phone number cannot be
// pasted into an ID-number column and opened there, and equal digits in
// different fields do not share an index.
type Kind string

const (
	IDNumber    Kind = "id"      // 18-character resident identity number
	Phone       Kind = "phone"   // mobile or landline number
	BankAccount Kind = "account" // bank card or account number
)

// Normalize returns the form of plain that is indexed: surrounding spaces
// trimmed and letters upper-cased (an ID number's check character may be
// typed as x or X); for phone and account numbers the spaces and dashes
// people type inside them ("138 1234 5678", "020-8333-1234") are removed too.
// Only the index normalizes; Seal keeps the value as given, so callers
// validate and canonicalize values (idcard.Parse) before sealing them.
func Normalize(kind Kind, plain string) string {
	s := strings.ToUpper(strings.TrimSpace(plain))
	if kind == Phone || kind == BankAccount {
		s = strings.Map(func(r rune) rune {
			switch r {
			case ' ', '-', '\t', '\u3000': // \u3000 is the full-width space of Chinese input methods
				return -1
			}
			return r
		}, s)
	}
	return s
}
