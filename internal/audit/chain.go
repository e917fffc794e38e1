package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// hashDomain starts every hashed encoding, so an entry hash cannot be
// confused with an SM3 of anything else, and a future encoding can use
// another one.
const hashDomain = "safetynet/audit/v1"

// ComputeHash returns the lower-case hex SM3 of the entry's canonical
// encoding: the domain string and then every field except Hash, in
// declaration order, each written as an 8-byte big-endian length followed
// by its bytes, so no two different entries encode alike. Integers are
// decimal; At is RFC 3339 with nanoseconds in UTC after truncation to
// microseconds; Before and After are compacted with json.Compact (kept as
// given if they are not valid JSON), so whitespace a database adds or drops
// does not matter, while anything else does: the store must keep them as
// TEXT, not PostgreSQL JSONB, which reorders keys and rewrites numbers.
func (e *Entry) ComputeHash() string {
	h := sm3.New()
	var buf bytes.Buffer
	field := func(s string) { writeField(h, []byte(s)) }
	field(hashDomain)
	field(strconv.FormatInt(e.Seq, 10))
	field(normalizeTime(e.At).Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.UserID, 10))
	field(e.Username)
	field(e.Role)
	field(e.ClientAddr)
	field(e.RequestID)
	field(e.Entity)
	field(e.EntityID)
	field(e.Region)
	field(e.Action)
	writeField(h, compactJSON(&buf, e.Before))
	writeField(h, compactJSON(&buf, e.After))
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// compactJSON returns raw without insignificant whitespace, or raw itself if
// it is not valid JSON (which is still hashed, just not normalized).
func compactJSON(buf *bytes.Buffer, raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return nil
	}
	buf.Reset()
	if err := json.Compact(buf, raw); err != nil {
		return raw
	}
	return buf.Bytes()
}

// Seal makes e the entry after prev (nil for the first entry): it sets Seq
// to prev.Seq+1 (or 1), PrevHash to prev.Hash (or ""), truncates At to
// microseconds in UTC (setting it to now if zero), compacts Before and After
// so the stored text is canonical, and sets Hash. The store calls it while
// holding the chain lock.
func (e *Entry) Seal(prev *Entry) {
	e.Seq, e.PrevHash = 1, ""
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = normalizeTime(e.At)
	var buf bytes.Buffer
	for _, p := range []*json.RawMessage{&e.Before, &e.After} {
		if len(*p) > 0 {
			*p = bytes.Clone(compactJSON(&buf, *p))
		}
	}
	e.Hash = e.ComputeHash()
}

// Broken reports where and why the chain fails verification.
type Broken struct {
	Seq    int64  // the entry at which the problem shows
	Reason string // what is wrong, for the auditor
}

func (b *Broken) Error() string {
	return fmt.Sprintf("audit chain broken at seq %d: %s", b.Seq, b.Reason)
}

// Verifier checks a chain fed to it entry by entry in Seq order, so a
// chain of any length is verified in constant memory. The zero Verifier
// expects the chain from its first entry (Seq 1); NewVerifierAt resumes after
// a checkpoint. After the first problem every call returns the same *Broken.
type Verifier struct {
	seq    int64
	hash   string
	n      int64
	broken *Broken
}

// NewVerifierAt returns a verifier that expects the entry after (seq, hash),
// for verifying only the entries appended since a trusted checkpoint.
func NewVerifierAt(seq int64, hash string) *Verifier {
	return &Verifier{seq: seq, hash: hash}
}

// Next checks e against its own hash and the entry before it.
// Errors: *Broken, when e was edited (hash mismatch), when rows before it
// were deleted (a gap in Seq, or PrevHash not the previous hash), or when e
// is out of order or a duplicate.
func (v *Verifier) Next(e *Entry) error {
	if v.broken != nil {
		return v.broken
	}
	var reason string
	switch {
	case e.Hash != e.ComputeHash():
		reason = "row was edited (hash mismatch)"
	case e.Seq <= v.seq:
		reason = fmt.Sprintf("row is out of order or duplicated (seq %d after seq %d)", e.Seq, v.seq)
	case e.Seq == v.seq+2:
		reason = fmt.Sprintf("row %d is missing (deleted)", v.seq+1)
	case e.Seq > v.seq+2:
		reason = fmt.Sprintf("rows %d to %d are missing (deleted)", v.seq+1, e.Seq-1)
	case e.PrevHash != v.hash:
		if v.seq == 0 {
			reason = "first row has a prev_hash (rows before it were removed)"
		} else {
			reason = fmt.Sprintf("prev_hash does not match row %d (a row was replaced, or the chain rewritten)", v.seq)
		}
	default:
		v.seq, v.hash = e.Seq, e.Hash
		v.n++
		return nil
	}
	v.broken = &Broken{Seq: e.Seq, Reason: reason}
	return v.broken
}

// Count returns how many entries verified so far.
func (v *Verifier) Count() int64 { return v.n }

// Head returns the seq and hash of the last verified entry ((0, "") before
// the first, or the checkpoint given to NewVerifierAt).
func (v *Verifier) Head() (seq int64, hash string) { return v.seq, v.hash }

// CheckHead compares the end of the walk with the store's head record,
// which catches what the chain alone cannot: entries deleted from the end.
// Call it after the last Next.
// Errors: *Broken (the verifier's own, or a mismatch with the head record).
func (v *Verifier) CheckHead(seq int64, hash string) error {
	if v.broken != nil {
		return v.broken
	}
	switch {
	case seq == v.seq && hash == v.hash:
		return nil
	case seq > v.seq:
		v.broken = &Broken{Seq: v.seq + 1, Reason: fmt.Sprintf("rows %d to %d are missing (deleted from the end; the head record says %d)", v.seq+1, seq, seq)}
	case seq < v.seq:
		v.broken = &Broken{Seq: seq + 1, Reason: fmt.Sprintf("the head record stops at seq %d but the chain goes on to %d (head record not updated)", seq, v.seq)}
	default:
		v.broken = &Broken{Seq: seq, Reason: "last row does not match the head record (it was replaced)"}
	}
	return v.broken
}

// Diff marshals before and after to JSON and keeps only the top-level keys
// whose values differ, plus "id" and "version" where present, so an update
// records what changed and not the whole object. A nil (or JSON null) side
// is returned as nil and the other side whole: a create has no before, a
// delete no after. Values that are not JSON objects are returned whole when
// they differ and as nil, nil when equal.
// Errors: plain errors from json.Marshal (a type that cannot be marshalled).
func Diff(before, after any) (b, a json.RawMessage, err error) {
	bj, err := marshal(before)
	if err != nil {
		return nil, nil, err
	}
	aj, err := marshal(after)
	if err != nil {
		return nil, nil, err
	}
	if bj == nil || aj == nil {
		return bj, aj, nil
	}
	var bm, am map[string]json.RawMessage
	if json.Unmarshal(bj, &bm) != nil || json.Unmarshal(aj, &am) != nil || bm == nil || am == nil {
		if sameJSON(bj, aj) {
			return nil, nil, nil
		}
		return bj, aj, nil
	}
	bo, ao := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, bv := range bm {
		if av, ok := am[k]; !ok || !sameJSON(bv, av) || k == "id" || k == "version" {
			bo[k] = bv
		}
	}
	for k, av := range am {
		if bv, ok := bm[k]; !ok || !sameJSON(bv, av) || k == "id" || k == "version" {
			ao[k] = av
		}
	}
	if b, err = json.Marshal(bo); err != nil { // keys come out sorted
		return nil, nil, err
	}
	if a, err = json.Marshal(ao); err != nil {
		return nil, nil, err
	}
	return b, a, nil
}

// marshal returns v as JSON, or nil for nil and null.
func marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if string(j) == "null" {
		return nil, nil
	}
	return j, nil
}

// sameJSON reports whether x and y are the same JSON value, whatever the
// key order of their objects (a struct and a map with the same content are
// the same). Numbers are compared as written, so 1 and 1.0 differ.
func sameJSON(x, y json.RawMessage) bool {
	if bytes.Equal(x, y) {
		return true
	}
	cx, errx := canonical(x)
	cy, erry := canonical(y)
	return errx == nil && erry == nil && bytes.Equal(cx, cy)
}

func canonical(raw json.RawMessage) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // keep large integers (fen, ids) exact
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v) // map keys sorted
}
