package auth

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"safetynet/internal/apperr"
)

// lowerArgon2Cost makes hashing cheap for the test that calls it.
func lowerArgon2Cost(t *testing.T) {
	t.Helper()
	saved := argon2Params
	argon2Params.memory, argon2Params.time, argon2Params.threads = 64, 1, 1
	t.Cleanup(func() { argon2Params = saved })
}

func TestHashPasswordDefaultFormat(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(h) {
		t.Errorf("HashPassword = %q, want %s", h, re)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("CheckPassword = %v, %v; want true, nil", ok, err)
	}
	if NeedsRehash(h) {
		t.Error("NeedsRehash of a fresh hash = true")
	}
}

func TestCheckPassword(t *testing.T) {
	lowerArgon2Cost(t)
	h, err := HashPassword("密码是很长的一句话")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q does not record the lowered parameters", h)
	}
	h2, _ := HashPassword("密码是很长的一句话")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"OK", "密码是很长的一句话", true},
		{"Wrong", "密码是很长的一句", false},
		{"Empty", "", false},
		{"TrailingSpace", "密码是很长的一句话 ", false},
	}
	for _, tt := range tests {
		for _, hash := range []string{h, h2} {
			ok, err := CheckPassword(hash, tt.pw)
			if err != nil || ok != tt.want {
				t.Errorf("%s: CheckPassword = %v, %v; want %v, nil", tt.name, ok, err, tt.want)
			}
		}
	}
}

// TestCheckPasswordReference checks a hash made by the argon2 reference
// implementation (Debian's argon2 command):
// echo -n 'correct horse battery' | argon2 somesalt_16bytes -id -t 2 -m 6 -p 1 -l 32 -e
func TestCheckPasswordReference(t *testing.T) {
	const ref = "$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHRfMTZieXRlcw$kQvuF0m54uWoEAGZ8z/aYCFqIsYk+0U6CgiY084dIOE"
	if ok, err := CheckPassword(ref, "correct horse battery"); !ok || err != nil {
		t.Errorf("CheckPassword(reference) = %v, %v; want true, nil", ok, err)
	}
	if ok, err := CheckPassword(ref, "correct horse batterz"); ok || err != nil {
		t.Errorf("CheckPassword(reference, wrong) = %v, %v; want false, nil", ok, err)
	}
	if !NeedsRehash(ref) {
		t.Error("NeedsRehash(m=64,t=2,p=1) = false with default parameters")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	salt := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef"))
	key := base64.RawStdEncoding.EncodeToString(make([]byte, 32))
	bad := []string{
		"",
		"plaintext-password",
		"$2a$10$abcdefghijklmnopqrstuv", // bcrypt
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19abc$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key, // ~100 GB
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "=",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:10],
		"$argon2id$v=19$m=64,t=1,p=1$" + salt,
	}
	for _, h := range bad {
		ok, err := CheckPassword(h, "whatever-password")
		if ok || err == nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want false and an error", h, ok, err)
			continue
		}
		if apperr.CodeOf(err) != apperr.Internal {
			t.Errorf("CheckPassword(%q) code = %s, want internal", h, apperr.CodeOf(err))
		}
		if h != "" && strings.Contains(err.Error(), h) {
			t.Errorf("error %q quotes the hash", err)
		}
		if !NeedsRehash(h) {
			t.Errorf("NeedsRehash(%q) = false", h)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name, pw, wantMsg string
	}{
		{"OK", "abcdefghij", ""},
		{"OKDigitsAndLetter", "123456789a", ""},
		{"OKChinese", "我的密码是一句很长的话", ""},
		{"OKSpaces", "  a b c d e  ", ""},
		{"ErrShort", "abc12", "at least 10 characters"},
		{"ErrNineChars", "abcdefghi", "at least 10 characters"},
		{"ErrShortChinese", "九个字的中文密码呀", "at least 10 characters"}, // 9 characters, 27 bytes
		{"ErrEmpty", "", "at least 10 characters"},
		{"ErrDigits", "13812345678", "only digits"},
		{"ErrLong", strings.Repeat("a", MaxPasswordLen+1), "at most 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.pw)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("ValidatePassword = %v, want nil", err)
				}
				return
			}
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || e.Field != "password" || !strings.Contains(e.Message, tt.wantMsg) {
				t.Fatalf("ValidatePassword = %#v, want Invalid on field password with %q", err, tt.wantMsg)
			}
			if tt.pw != "" && strings.Contains(e.Message, tt.pw) {
				t.Errorf("message %q quotes the password", e.Message)
			}
		})
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		tok, hash := NewToken("snt_")
		if !strings.HasPrefix(tok, "snt_") {
			t.Fatalf("token %q lacks prefix", tok)
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "snt_"))
		if err != nil || len(raw) != 32 {
			t.Fatalf("token body: %d bytes, %v; want 32 bytes base64url", len(raw), err)
		}
		if hash != HashToken(tok) || len(hash) != 64 {
			t.Fatalf("hash %q is not HashToken(token)", hash)
		}
		if seen[tok] {
			t.Fatal("duplicate token")
		}
		seen[tok] = true
	}
}

func TestHashToken(t *testing.T) {
	// echo -n snt_abc | sha256sum
	if got, want := HashToken("snt_abc"), "2bd89193021ce1c728f561ded10de05025b3babea6022c517dba38e265a9b986"; got != want {
		t.Errorf("HashToken = %s, want %s", got, want)
	}
	if HashToken("snt_abc") == HashToken("snt_abd") {
		t.Error("different tokens hash alike")
	}
}
