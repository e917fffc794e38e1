package pii

import (
	"bytes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/emmansun/gmsm/sm4"

	"safetynet/internal/apperr"
)

var algorithms = []Algorithm{SM4GCM, AES256GCM}

func mustKeys(t testing.TB, alg Algorithm) *Keys {
	t.Helper()
	k, err := GenerateKeys(alg)
	if err != nil {
		t.Fatalf("GenerateKeys(%q): %v", alg, err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	values := []struct {
		kind  Kind
		plain string
	}{
		{IDNumber, "11010519491231002X"},
		{Phone, "13812345678"},
		{BankAccount, "6222021234567890123"},
		{IDNumber, "x"},
		{"address", "广东省广州市越秀区中山五路 1 号"},
		{Phone, strings.Repeat("9", 1000)},
	}
	for _, alg := range algorithms {
		t.Run(string(alg), func(t *testing.T) {
			k := mustKeys(t, alg)
			if got := k.Algorithm(); got != alg {
				t.Errorf("Algorithm() = %q, want %q", got, alg)
			}
			for _, v := range values {
				sealed, err := k.Seal(v.kind, v.plain)
				if err != nil {
					t.Fatalf("Seal: %v", err)
				}
				if want := "v1." + k.ID() + "."; !strings.HasPrefix(sealed, want) {
					t.Errorf("sealed = %q, want prefix %q", sealed, want)
				}
				if len(v.plain) > 4 && strings.Contains(sealed, v.plain) {
					t.Errorf("sealed value contains the plain text")
				}
				got, err := k.Open(v.kind, sealed)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if got != v.plain {
					t.Errorf("Open = %q, want %q", got, v.plain)
				}
			}
		})
	}
}

func TestSealEmpty(t *testing.T) {
	k := mustKeys(t, SM4GCM)
	if s, err := k.Seal(IDNumber, ""); s != "" || err != nil {
		t.Errorf(`Seal("") = %q, %v; want "", nil`, s, err)
	}
	if p, err := k.Open(IDNumber, ""); p != "" || err != nil {
		t.Errorf(`Open("") = %q, %v; want "", nil`, p, err)
	}
	if i := k.Index(IDNumber, "  "); i != "" {
		t.Errorf(`Index("  ") = %q, want ""`, i)
	}
}

func TestSealFreshNonce(t *testing.T) {
	for _, alg := range algorithms {
		k := mustKeys(t, alg)
		seen := map[string]bool{}
		for i := 0; i < 100; i++ {
			s, err := k.Seal(IDNumber, "11010519491231002X")
			if err != nil {
				t.Fatal(err)
			}
			if seen[s] {
				t.Fatalf("%s: Seal produced the same output twice", alg)
			}
			seen[s] = true
		}
	}
}

func TestOpenTampered(t *testing.T) {
	const plain = "11010519491231002X"
	for _, alg := range algorithms {
		t.Run(string(alg), func(t *testing.T) {
			k := mustKeys(t, alg)
			sealed, err := k.Seal(IDNumber, plain)
			if err != nil {
				t.Fatal(err)
			}
			prefix := "v1." + k.ID() + "."
			raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, prefix))
			if err != nil {
				t.Fatal(err)
			}
			// Every single flipped bit, in nonce, ciphertext or tag, is caught.
			for i := range raw {
				bad := bytes.Clone(raw)
				bad[i] ^= 0x01
				_, err := k.Open(IDNumber, prefix+base64.RawURLEncoding.EncodeToString(bad))
				if !errors.Is(err, ErrTampered) {
					t.Fatalf("byte %d flipped: err = %v, want ErrTampered", i, err)
				}
			}
			cases := map[string]string{
				"Truncated":     sealed[:len(sealed)-4],
				"TooShort":      prefix + "AAAA",
				"NoDots":        "garbage",
				"BadVersion":    "v2" + strings.TrimPrefix(sealed, "v1"),
				"BadBase64":     prefix + "!!!!" + strings.TrimPrefix(sealed, prefix),
				"Appended":      sealed + "AA",
				"EmptyBody":     prefix,
				"PlainInColumn": plain,
			}
			for name, s := range cases {
				p, err := k.Open(IDNumber, s)
				if !errors.Is(err, ErrTampered) {
					t.Errorf("%s: Open = %q, %v; want ErrTampered", name, p, err)
				}
				if err != nil && strings.Contains(err.Error(), plain) {
					t.Errorf("%s: error message contains the plain text", name)
				}
			}
		})
	}
}

func TestOpenWrongKey(t *testing.T) {
	k1, k2 := mustKeys(t, SM4GCM), mustKeys(t, SM4GCM)
	sealed, err := k1.Seal(Phone, "13812345678")
	if err != nil {
		t.Fatal(err)
	}
	_, err = k2.Open(Phone, sealed)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with another key: err = %v, want ErrWrongKey", err)
	}
	if !strings.Contains(err.Error(), k1.ID()) || strings.Contains(err.Error(), "13812345678") {
		t.Errorf("error %q should name key %s and not contain the number", err, k1.ID())
	}
	if apperr.CodeOf(err) != apperr.Internal {
		t.Errorf("code = %q, want internal", apperr.CodeOf(err))
	}
	// Relabelling the value with the loaded key's id does not help.
	relabelled := strings.Replace(sealed, k1.ID(), k2.ID(), 1)
	if _, err := k2.Open(Phone, relabelled); !errors.Is(err, ErrTampered) {
		t.Errorf("relabelled: err = %v, want ErrTampered", err)
	}
}

func TestKindBinding(t *testing.T) {
	for _, alg := range algorithms {
		k := mustKeys(t, alg)
		sealed, err := k.Seal(Phone, "13812345678")
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []Kind{IDNumber, BankAccount, "phone ", "Phone"} {
			if p, err := k.Open(other, sealed); !errors.Is(err, ErrTampered) {
				t.Errorf("%s: a phone opened as %q = %q, %v; want ErrTampered", alg, other, p, err)
			}
		}
	}
	k := mustKeys(t, SM4GCM)
	if _, err := k.Seal("", "x"); err == nil {
		t.Error("Seal with empty kind: want an error")
	}
}

// TestConcurrentUse runs Seal, Open and Index from many goroutines on one
// Keys, as the server does; run with -race.
func TestConcurrentUse(t *testing.T) {
	for _, alg := range algorithms {
		k := mustKeys(t, alg)
		want := k.Index(IDNumber, "11010519491231002X")
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 200; i++ {
					plain := fmt.Sprintf("1381234%04d", i)
					s, err := k.Seal(Phone, plain)
					if err != nil {
						t.Error(err)
						return
					}
					if p, err := k.Open(Phone, s); err != nil || p != plain {
						t.Errorf("Open = %q, %v; want %q", p, err, plain)
						return
					}
					if k.Index(IDNumber, "11010519491231002X") != want {
						t.Error("Index changed under concurrency")
						return
					}
				}
			}()
		}
		wg.Wait()
	}
}

func TestNilKeys(t *testing.T) {
	var k *Keys
	if _, err := k.Seal(Phone, "1"); err == nil {
		t.Error("Seal on nil Keys: want an error")
	}
	if _, err := k.Open(Phone, "v1.x.y"); err == nil {
		t.Error("Open on nil Keys: want an error")
	}
	defer func() {
		if recover() == nil {
			t.Error("Index on nil Keys: want a panic")
		}
	}()
	k.Index(Phone, "1")
}

// TestSM4GCMVector checks the SM4-GCM that cipher.NewGCM builds from gmsm's
// block against RFC 8998 Appendix A.1, and against crypto/cipher's generic
// GCM over the bare SM4 block, so an assembly path cannot drift from the
// standard unnoticed.
func TestSM4GCMVector(t *testing.T) {
	h := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	key := h("0123456789ABCDEFFEDCBA9876543210")
	nonce := h("00001234567800000000ABCD")
	aad := h("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
	plain := h("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
	want := h("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D" +
		"83DE3541E4C2B58177E065A9BF7B62EC")

	k, err := newKeys(SM4GCM, key, make([]byte, indexKeyLen))
	if err != nil {
		t.Fatal(err)
	}
	if got := k.aead.Seal(nil, nonce, plain, aad); !bytes.Equal(got, want) {
		t.Errorf("SM4-GCM = %X, want %X", got, want)
	}

	block, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	// Hiding the block's NewGCM method makes crypto/cipher use its generic GCM.
	generic, err := cipher.NewGCM(struct{ cipher.Block }{block})
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 100; n += 7 {
		p := bytes.Repeat([]byte{byte(n)}, n)
		if a, b := k.aead.Seal(nil, nonce, p, aad), generic.Seal(nil, nonce, p, aad); !bytes.Equal(a, b) {
			t.Errorf("len %d: gmsm GCM %X, generic GCM %X", n, a, b)
		}
	}
}

// TestIndexVector pins the blind index and key id formats: values were
// computed independently with Python's hmac and hashlib (OpenSSL SM3).
// Changing either breaks every stored index.
func TestIndexVector(t *testing.T) {
	enc := make([]byte, 16)
	idx := make([]byte, 32)
	for i := range enc {
		enc[i] = byte(100 + i)
	}
	for i := range idx {
		idx[i] = byte(i)
	}
	k, err := newKeys(SM4GCM, enc, idx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := k.Index(IDNumber, " 11010519491231002x "), "89add1b791cdcb8ccdc4362005b2845e526520acd8fc90de976b7f861306aa6f"; got != want {
		t.Errorf("Index = %s, want %s", got, want)
	}
	if got, want := k.ID(), "f4c0f250"; got != want {
		t.Errorf("ID = %s, want %s", got, want)
	}
}

func TestIndex(t *testing.T) {
	k := mustKeys(t, SM4GCM)
	other := mustKeys(t, SM4GCM)

	a := k.Index(IDNumber, "11010519491231002X")
	if len(a) != 64 {
		t.Errorf("len(Index) = %d, want 64 hex characters", len(a))
	}
	if b := k.Index(IDNumber, "11010519491231002X"); a != b {
		t.Errorf("Index not stable: %s, %s", a, b)
	}
	if b := k.Index(IDNumber, " 11010519491231002x\t"); a != b {
		t.Errorf("lower-case x and spaces give another index")
	}
	if b := k.Index(Phone, "11010519491231002X"); a == b {
		t.Errorf("same index for kinds id and phone")
	}
	if b := other.Index(IDNumber, "11010519491231002X"); a == b {
		t.Errorf("same index under another key")
	}
	if b := k.Index(IDNumber, "110105194912310021"); a == b {
		t.Errorf("same index for different numbers")
	}

	same := []struct {
		kind Kind
		a, b string
	}{
		{Phone, "13812345678", "138 1234 5678"},
		{Phone, "13812345678", "138-1234-5678"},
		{Phone, "13812345678", "138\u30001234\u30005678"},
		{BankAccount, "6222021234567890123", "6222 0212 3456 7890 123"},
	}
	for _, c := range same {
		if k.Index(c.kind, c.a) != k.Index(c.kind, c.b) {
			t.Errorf("Index(%s, %q) != Index(%s, %q)", c.kind, c.a, c.kind, c.b)
		}
	}
	// Inside an ID number a space is not ignored: it is an invalid value,
	// and must not meet the valid one.
	if k.Index(IDNumber, "110105 19491231002X") == a {
		t.Errorf("an ID number with an inner space indexes like the valid one")
	}
}

func TestKeysStringHidesKeys(t *testing.T) {
	k := mustKeys(t, AES256GCM)
	for _, s := range []string{k.String(), fmt.Sprintf("%v", k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k)} {
		if strings.Contains(s, hex.EncodeToString(k.encKey)) || strings.Contains(s, hex.EncodeToString(k.indexKey)) || strings.Contains(s, fmt.Sprint(k.encKey)) {
			t.Errorf("%q reveals a key", s)
		}
		if !strings.Contains(s, k.ID()) {
			t.Errorf("%q does not name the key id", s)
		}
	}
}

func TestGenerateKeysUnknown(t *testing.T) {
	_, err := GenerateKeys("des")
	if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Field != "algorithm" {
		t.Errorf("GenerateKeys(des) err = %#v, want Invalid on field algorithm", err)
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name  string
		kind  Kind
		plain string
		want  string
	}{
		{"IDNumber", IDNumber, "44010319900101123X", "440103********123X"},
		{"IDNumberSpaces", IDNumber, " 440103199001011234 ", "440103********1234"},
		{"IDNumber15", IDNumber, "440103900101123", "440103*****1123"},
		{"IDNumberShort", IDNumber, "44010312", "****0312"},
		{"IDNumberVeryShort", IDNumber, "1234567", "*******"},
		{"IDNumberOne", IDNumber, "4", "*"},
		{"IDNumberFullWidth", IDNumber, "４４０１０３１９９００１０１１２３４", "４４０１０３********１２３４"},
		{"Empty", IDNumber, "", ""},
		{"Blank", Phone, "   ", ""},
		{"Mobile", Phone, "13812345678", "138****5678"},
		{"MobileSpaced", Phone, "138 1234-5678", "138****5678"},
		{"Landline", Phone, "020-83331234", "*******1234"},
		{"MobileWithCountryCode", Phone, "+8613812345678", "**********5678"},
		{"PhoneShort", Phone, "12345", "*****"},
		{"PhoneEight", Phone, "83331234", "****1234"},
		{"BankAccount", BankAccount, "6222021234561234", "************1234"},
		{"BankAccountSpaced", BankAccount, "6222 0212 3456 7890 123", "***************0123"},
		{"BankAccountShort", BankAccount, "123", "***"},
		{"OtherKind", "passport", "E12345678", "*****5678"},
		{"NonASCII", BankAccount, "账号一二三四五六七八", "******五六七八"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.kind, tt.plain); got != tt.want {
				t.Errorf("Mask(%s, %q) = %q, want %q", tt.kind, tt.plain, got, tt.want)
			}
		})
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"张三", "张*"},
		{"欧阳娜娜", "欧**娜"},
		{"张三丰", "张*丰"},
		{"王", "王"},
		{"", ""},
		{" 李四 ", "李*"},
		{"阿卜杜·热合曼", "阿*****曼"},
		{"Li", "L*"},
	}
	for _, tt := range tests {
		if got := MaskName(tt.name); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestKeyFile(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(string(alg), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pii.key")
			k, err := CreateKeyFile(path, alg)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "windows" {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if perm := fi.Mode().Perm(); perm&0o077 != 0 {
					t.Errorf("key file mode = %04o, want 0600", perm)
				}
			}
			loaded, err := LoadKeyFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if loaded.ID() != k.ID() || loaded.Algorithm() != alg {
				t.Errorf("loaded %v, want %v", loaded, k)
			}
			sealed, err := k.Seal(IDNumber, "11010519491231002X")
			if err != nil {
				t.Fatal(err)
			}
			if p, err := loaded.Open(IDNumber, sealed); err != nil || p != "11010519491231002X" {
				t.Errorf("loaded keys open %q, %v", p, err)
			}
			if k.Index(Phone, "13812345678") != loaded.Index(Phone, "13812345678") {
				t.Errorf("loaded keys index differently")
			}
		})
	}
}

func TestCreateKeyFileExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pii.key")
	k, err := CreateKeyFile(path, SM4GCM)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	_, err = CreateKeyFile(path, SM4GCM)
	if !apperr.IsCode(err, apperr.Conflict) {
		t.Fatalf("second CreateKeyFile: err = %v, want Conflict", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("existing key file was changed")
	}
	if l, err := LoadKeyFile(path); err != nil || l.ID() != k.ID() {
		t.Fatalf("LoadKeyFile after refused overwrite: %v, %v", l, err)
	}
	if _, err := CreateKeyFile(filepath.Join(t.TempDir(), "x.key"), "rot13"); !apperr.IsCode(err, apperr.Invalid) {
		t.Errorf("unknown algorithm: err = %v, want Invalid", err)
	}
}

func TestLoadKeyFileRefusesOpenMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	path := filepath.Join(t.TempDir(), "pii.key")
	if _, err := CreateKeyFile(path, SM4GCM); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadKeyFile(path)
		if !apperr.IsCode(err, apperr.Invalid) || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %04o: err = %v, want Invalid telling to chmod 600", mode, err)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyFile(path); err != nil {
		t.Errorf("mode 0400: %v", err)
	}
}

func TestLoadKeyFileInvalid(t *testing.T) {
	h := func(n int) string { return strings.Repeat("ab", n) }
	good := func(alg Algorithm, enc, idx string) string {
		k, err := newKeys(alg, mustHex(t, enc), mustHex(t, idx))
		if err != nil {
			t.Fatal(err)
		}
		return k.ID()
	}
	tests := []struct {
		name, content, want string
	}{
		{"OK", `{"version":1,"algorithm":"sm4-gcm","encryption_key":"` + h(16) + `","index_key":"` + h(32) + `"}`, ""},
		{"OKWithKeyID", `{"version":1,"algorithm":"aes-256-gcm","key_id":"` + good(AES256GCM, h(32), h(32)) + `","encryption_key":"` + h(32) + `","index_key":"` + h(32) + `"}`, ""},
		{"ErrSM4Length", `{"version":1,"algorithm":"sm4-gcm","encryption_key":"` + h(32) + `","index_key":"` + h(32) + `"}`, "16-byte encryption key"},
		{"ErrAESLength", `{"version":1,"algorithm":"aes-256-gcm","encryption_key":"` + h(16) + `","index_key":"` + h(32) + `"}`, "32-byte encryption key"},
		{"ErrIndexLength", `{"version":1,"algorithm":"sm4-gcm","encryption_key":"` + h(16) + `","index_key":"` + h(16) + `"}`, "index key must be 32 bytes"},
		{"ErrNotHex", `{"version":1,"algorithm":"sm4-gcm","encryption_key":"zz` + h(15) + `","index_key":"` + h(32) + `"}`, "hexadecimal"},
		{"ErrAlgorithm", `{"version":1,"algorithm":"des","encryption_key":"` + h(16) + `","index_key":"` + h(32) + `"}`, "unknown algorithm"},
		{"ErrVersion", `{"version":2,"algorithm":"sm4-gcm","encryption_key":"` + h(16) + `","index_key":"` + h(32) + `"}`, "version 2"},
		{"ErrKeyID", `{"version":1,"algorithm":"sm4-gcm","key_id":"00000000","encryption_key":"` + h(16) + `","index_key":"` + h(32) + `"}`, "does not match"},
		{"ErrJSON", `{"version":1,"algorithm":"sm4-gcm","encryption_key":"SECRET`, "bad JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pii.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadKeyFile(path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !apperr.IsCode(err, apperr.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want Invalid containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), h(16)) {
				t.Errorf("error %q quotes the file's content", err)
			}
		})
	}
	if _, err := LoadKeyFile(filepath.Join(t.TempDir(), "missing.key")); !apperr.IsCode(err, apperr.Invalid) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := LoadKeyFile(t.TempDir()); !apperr.IsCode(err, apperr.Invalid) {
		t.Errorf("directory: err = %v, want Invalid", err)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadFromEnv(t *testing.T) {
	t.Setenv(EnvKeyFile, "")
	if k, p, err := LoadFromEnv(); k != nil || p != "" || err != nil {
		t.Errorf("unset: LoadFromEnv = %v, %q, %v; want nil, \"\", nil", k, p, err)
	}
	path := filepath.Join(t.TempDir(), "pii.key")
	want, err := CreateKeyFile(path, SM4GCM)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvKeyFile, path)
	k, p, err := LoadFromEnv()
	if err != nil || p != path || k.ID() != want.ID() {
		t.Errorf("LoadFromEnv = %v, %q, %v; want %v, %q, nil", k, p, err, want, path)
	}
	t.Setenv(EnvKeyFile, path+".missing")
	if _, _, err := LoadFromEnv(); err == nil {
		t.Error("missing file: want an error")
	}
}

func BenchmarkSealSM4(b *testing.B) {
	k := mustKeys(b, SM4GCM)
	for b.Loop() {
		if _, err := k.Seal(IDNumber, "11010519491231002X"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenSM4(b *testing.B) {
	k := mustKeys(b, SM4GCM)
	sealed, err := k.Seal(IDNumber, "11010519491231002X")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := k.Open(IDNumber, sealed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealAES(b *testing.B) {
	k := mustKeys(b, AES256GCM)
	for b.Loop() {
		if _, err := k.Seal(IDNumber, "11010519491231002X"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndex(b *testing.B) {
	k := mustKeys(b, SM4GCM)
	for b.Loop() {
		k.Index(IDNumber, "11010519491231002X")
	}
}

func TestIndexerMatchesIndex(t *testing.T) {
	k := mustKeys(t, SM4GCM)
	x := k.Indexer()
	for _, c := range []struct {
		kind  Kind
		plain string
	}{{IDNumber, "44010319900101123x"}, {Phone, "138 1234 5678"}, {BankAccount, ""}, {IDNumber, " 110101199003074512 "}} {
		if got, want := x.Index(c.kind, c.plain), k.Index(c.kind, c.plain); got != want {
			t.Errorf("Indexer.Index(%s, %q) = %q, want %q", c.kind, c.plain, got, want)
		}
	}
}

func BenchmarkIndexer(b *testing.B) {
	x := mustKeys(b, SM4GCM).Indexer()
	for b.Loop() {
		x.Index(IDNumber, "440103199001011234")
	}
}
