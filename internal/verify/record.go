package verify

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/pii"
)

// Encode returns rec's values as the JSON object stored with the record,
// field code → canonical value, empty values left out and the ID number
// masked: the store keeps the blind index for matching and never the
// clear ID number of a department's record.
func (s *Source) Encode(rec *Record) json.RawMessage {
	b := make([]byte, 0, 16*len(rec.Values))
	b = append(b, '{')
	for i, v := range rec.Values {
		if v == "" {
			continue
		}
		if s.Fields[i].Type == TypeID {
			v = pii.Mask(pii.IDNumber, v)
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s.Fields[i].Code)
		b = append(b, ':')
		b = appendJSONString(b, v)
	}
	return append(b, '}')
}

// Decode returns stored values aligned to s.Fields ("" where absent).
// Errors: the JSON is malformed (a damaged store).
func (s *Source) Decode(data json.RawMessage) ([]string, error) {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = m[f.Code]
	}
	return out, nil
}

// KeyOf returns a record's key: the values of s.Key joined by "|", the ID
// number replaced by idx, its blind index.
func (s *Source) KeyOf(rec *Record, idx string) string {
	var b strings.Builder
	for i, k := range s.Key {
		if i > 0 {
			b.WriteByte('|')
		}
		j := s.FieldIndex(k)
		if s.Fields[j].Type == TypeID {
			b.WriteString(idx)
		} else {
			b.WriteString(rec.Values[j])
		}
	}
	return b.String()
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u`...)
			b = strconv.AppendInt(b, int64(r), 16)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
