package pii

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"runtime"

	"safetynet/internal/apperr"
)

// EnvKeyFile names the environment variable LoadFromEnv reads.
const EnvKeyFile = "SAFETYNET_KEY_FILE"

// keyFileVersion is the only key file format so far.
const keyFileVersion = 1

// maxKeyFileSize bounds what LoadKeyFile reads; a real key file is ~250 bytes.
const maxKeyFileSize = 64 << 10

// keyFile is the JSON form of a key file.
type keyFile struct {
	Version       int       `json:"version"`
	Algorithm     Algorithm `json:"algorithm"`
	KeyID         string    `json:"key_id"`
	EncryptionKey string    `json:"encryption_key"` // hex
	IndexKey      string    `json:"index_key"`      // hex
}

// CreateKeyFile generates keys for alg and writes them to a new file at path
// with mode 0600. It never overwrites an existing file (O_EXCL): replacing a
// key file makes every value sealed with the old one unreadable.
// Errors: Invalid (unknown algorithm), Conflict (the file exists); others
// are plain I/O errors.
func CreateKeyFile(path string, alg Algorithm) (*Keys, error) {
	k, err := GenerateKeys(alg)
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(keyFile{
		Version:       keyFileVersion,
		Algorithm:     k.alg,
		KeyID:         k.id,
		EncryptionKey: hex.EncodeToString(k.encKey),
		IndexKey:      hex.EncodeToString(k.indexKey),
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, apperr.Errorf(apperr.Conflict, "key file %s already exists; it is never overwritten, because data sealed with it would become unreadable", path)
	}
	if err != nil {
		return nil, err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // a half-written key file must not be mistaken for a good one
		return nil, err
	}
	return k, nil
}

// LoadKeyFile reads keys written by CreateKeyFile. It refuses a file that
// group or others may access (the key protects every ID number in the
// database), and checks the algorithm, the key lengths and that key_id
// matches the keys.
// Errors: Invalid, with a message naming the file and what to do.
func LoadKeyFile(path string) (*Keys, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, apperr.Errorf(apperr.Invalid, "key file %s does not exist", path)
		}
		return nil, apperr.Errorf(apperr.Invalid, "cannot open key file %s: %v", path, err)
	}
	defer f.Close()
	fi, err := f.Stat() // of the open file, so the checked file is the read one
	if err != nil {
		return nil, apperr.Errorf(apperr.Invalid, "cannot open key file %s: %v", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, apperr.Errorf(apperr.Invalid, "key file %s is not a regular file", path)
	}
	// Windows has no Unix permission bits; there the file's ACL is the
	// operator's responsibility.
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, apperr.Errorf(apperr.Invalid, "key file %s has mode %04o, so group or others can read it; run: chmod 600 %s", path, uint32(perm), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, apperr.Errorf(apperr.Invalid, "cannot read key file %s: %v", path, err)
	}
	if len(data) > maxKeyFileSize {
		return nil, apperr.Errorf(apperr.Invalid, "key file %s is too large to be a key file", path)
	}
	var kf keyFile
	if err := json.Unmarshal(data, &kf); err != nil {
		// The decoder's message may quote the file's bytes; keep them out.
		return nil, apperr.Errorf(apperr.Invalid, "key file %s is not a valid key file (bad JSON)", path)
	}
	if kf.Version != keyFileVersion {
		return nil, apperr.Errorf(apperr.Invalid, "key file %s has version %d; this program reads version %d", path, kf.Version, keyFileVersion)
	}
	enc, err1 := hex.DecodeString(kf.EncryptionKey)
	idx, err2 := hex.DecodeString(kf.IndexKey)
	if err1 != nil || err2 != nil {
		return nil, apperr.Errorf(apperr.Invalid, "key file %s: encryption_key and index_key must be hexadecimal", path)
	}
	k, err := newKeys(kf.Algorithm, enc, idx)
	if err != nil {
		return nil, apperr.Errorf(apperr.Invalid, "key file %s: %v", path, err)
	}
	if kf.KeyID != "" && kf.KeyID != k.id {
		return nil, apperr.Errorf(apperr.Invalid, "key file %s: key_id %q does not match its keys (%s); the file was edited or damaged", path, truncate(kf.KeyID, 16), k.id)
	}
	return k, nil
}

// LoadFromEnv loads the key file named by SAFETYNET_KEY_FILE and returns the
// keys and the path. If the variable is unset or empty it returns nil, "",
// nil, and the caller decides whether running without keys is allowed.
// Errors: those of LoadKeyFile.
func LoadFromEnv() (*Keys, string, error) {
	path := os.Getenv(EnvKeyFile)
	if path == "" {
		return nil, "", nil
	}
	k, err := LoadKeyFile(path)
	if err != nil {
		return nil, path, err
	}
	return k, path, nil
}
