package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"

	"safetynet/internal/apperr"
)

// indexKeyLen is the length of the blind-index key: 32 bytes, the SM3 output
// size, which is what HMAC-SM3 can use in full.
const indexKeyLen = 32

// sealedVersion prefixes every sealed value, so a later format can be told
// apart from this one.
const sealedVersion = "v1"

var (
	// ErrWrongKey is returned by Open for a value sealed under another key
	// (its key id differs from the loaded key's).
	ErrWrongKey = errors.New("pii: value was sealed with a different key")
	// ErrTampered is returned by Open when a sealed value is malformed, was
	// altered, or was sealed for another Kind.
	ErrTampered = errors.New("pii: sealed value is malformed or was altered")
)

// Keys holds the encryption and blind-index keys. It is safe for concurrent
// use. Its String method shows only the algorithm and key id, so a Keys value
// that ends up in a log line leaks nothing.
type Keys struct {
	alg      Algorithm
	encKey   []byte
	indexKey []byte
	id       string
	aead     cipher.AEAD
	indexers sync.Pool // of *Indexer, for Index
}

// GenerateKeys returns new random keys for alg.
// Errors: Invalid (unknown algorithm).
func GenerateKeys(alg Algorithm) (*Keys, error) {
	n := alg.keyLen()
	if n == 0 {
		return nil, unknownAlgorithm(alg)
	}
	enc := make([]byte, n)
	idx := make([]byte, indexKeyLen)
	rand.Read(enc) // never fails (crypto/rand since Go 1.24)
	rand.Read(idx)
	return newKeys(alg, enc, idx)
}

func unknownAlgorithm(alg Algorithm) error {
	return apperr.Fieldf("algorithm", "unknown algorithm %q (want %q or %q)", string(alg), string(SM4GCM), string(AES256GCM))
}

// newKeys checks the key lengths and prepares the cipher.
func newKeys(alg Algorithm, enc, idx []byte) (*Keys, error) {
	n := alg.keyLen()
	if n == 0 {
		return nil, unknownAlgorithm(alg)
	}
	if len(enc) != n {
		return nil, apperr.Fieldf("encryption_key", "%s needs a %d-byte encryption key, got %d bytes", string(alg), n, len(enc))
	}
	if len(idx) != indexKeyLen {
		return nil, apperr.Fieldf("index_key", "the index key must be %d bytes, got %d bytes", indexKeyLen, len(idx))
	}
	var block cipher.Block
	var err error
	if alg == SM4GCM {
		// sm4.NewCipher returns a cipher.Block that, on amd64 and arm64,
		// also implements the NewGCM method crypto/cipher looks for, so
		// cipher.NewGCM below picks gmsm's assembly SM4-GCM.
		block, err = sm4.NewCipher(enc)
	} else {
		block, err = aes.NewCipher(enc)
	}
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &Keys{
		alg:      alg,
		encKey:   append([]byte(nil), enc...),
		indexKey: append([]byte(nil), idx...),
		aead:     aead,
	}
	k.id = keyID(k.encKey, k.indexKey)
	return k, nil
}

// keyID is the first 8 hex characters of SM3("safetynet/pii/key-id\x00" ||
// encryption key || index key). It identifies the key pair without
// revealing it: 32 bits are plenty to tell keys apart, and far too few to
// help anyone guess them.
func keyID(enc, idx []byte) string {
	h := sm3.New()
	h.Write([]byte("safetynet/pii/key-id\x00"))
	h.Write(enc)
	h.Write(idx)
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// ID returns the short key id that prefixes every sealed value. The server
// compares it with the id recorded in the store to refuse starting with the
// wrong key file.
func (k *Keys) ID() string { return k.id }

// Algorithm returns the cipher the keys are for.
func (k *Keys) Algorithm() Algorithm { return k.alg }

// String describes the keys without revealing them.
func (k *Keys) String() string {
	if k == nil {
		return "pii.Keys(nil)"
	}
	return fmt.Sprintf("pii.Keys{%s %s}", k.alg, k.id)
}

// GoString keeps %#v from printing the key bytes.
func (k *Keys) GoString() string { return k.String() }

var errNoKeys = errors.New("pii: no keys loaded")

// Seal encrypts plain as a value of kind and returns
// "v1.<key id>.<base64url(nonce || ciphertext || tag)>" (unpadded base64url,
// 12-byte random nonce). The kind is the GCM additional data, so the value
// opens only as the same kind. An empty plain seals to "" so that "not
// recorded" stays visible and cheap in the database.
//
// Random 96-bit nonces are safe for up to 2^32 values per key, far beyond a
// county's or province's registry.
// Errors: plain errors only, for nil Keys or an empty kind (programming
// errors).
func (k *Keys) Seal(kind Kind, plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	if k == nil || k.aead == nil {
		return "", errNoKeys
	}
	if kind == "" {
		return "", errors.New("pii: Seal needs a kind")
	}
	ns := k.aead.NonceSize()
	buf := make([]byte, ns, ns+len(plain)+k.aead.Overhead())
	rand.Read(buf)
	buf = k.aead.Seal(buf, buf[:ns], []byte(plain), []byte(kind))

	enc := base64.RawURLEncoding
	out := make([]byte, 0, len(sealedVersion)+1+len(k.id)+1+enc.EncodedLen(len(buf)))
	out = append(out, sealedVersion...)
	out = append(out, '.')
	out = append(out, k.id...)
	out = append(out, '.')
	out = enc.AppendEncode(out, buf)
	return string(out), nil
}

// Open decrypts a value sealed as kind. "" opens to "".
// Errors: ErrWrongKey (sealed under another key id), ErrTampered (malformed,
// altered, or sealed as another kind), both wrapped with the key ids
// involved but never with any part of the value.
func (k *Keys) Open(kind Kind, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	if k == nil || k.aead == nil {
		return "", errNoKeys
	}
	version, rest, ok1 := strings.Cut(sealed, ".")
	id, body, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || version != sealedVersion {
		return "", ErrTampered
	}
	if id != k.id {
		return "", fmt.Errorf("%w (sealed with key %q, key %s is loaded)", ErrWrongKey, truncate(id, 16), k.id)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	ns := k.aead.NonceSize()
	if err != nil || len(raw) < ns+k.aead.Overhead() {
		return "", ErrTampered
	}
	plain, err := k.aead.Open(raw[ns:ns], raw[:ns], raw[ns:], []byte(kind))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// Index returns the blind index of plain as kind:
// hex(HMAC-SM3(index key, kind || 0x00 || Normalize(kind, plain))).
// Equal values of the same kind get equal indexes under the same key, so a
// store can look values up and enforce uniqueness without decrypting; the
// kind separates fields, and without the key the index cannot be computed,
// which matters because an ID number has only about 10^10 plausible values.
// A value that normalizes to "" indexes to "". Index panics on nil Keys.
func (k *Keys) Index(kind Kind, plain string) string {
	if Normalize(kind, plain) == "" {
		return ""
	}
	if k == nil {
		// Returning "" would silently break lookups and uniqueness.
		panic("pii: Index called on nil Keys")
	}
	x, _ := k.indexers.Get().(*Indexer)
	if x == nil {
		x = k.Indexer()
	}
	defer k.indexers.Put(x)
	return x.Index(kind, plain)
}
