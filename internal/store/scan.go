package store

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// timestamp scans a timestamp from either engine: PostgreSQL returns
// time.Time; SQLite returns what was stored, a time.Time for TIMESTAMP
// columns or text for expressions.
type timestamp struct{ time.Time }

func (t *timestamp) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
	case time.Time:
		t.Time = v.UTC()
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("timestamp: cannot scan %T", src)
	}
	return nil
}

func (t *timestamp) parse(s string) error {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
		if v, err := time.Parse(layout, strings.TrimSuffix(s, " +0000 UTC")); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("timestamp: cannot parse %q", s)
}

// nullTime passes a zero time as NULL.
func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullInt passes 0 as NULL (optional references).
func nullInt(v int64) driver.Value {
	if v == 0 {
		return nil
	}
	return v
}

// nullableInt scans a NULL integer as 0.
type nullableInt struct{ v *int64 }

func (n nullableInt) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*n.v = 0
	case int64:
		*n.v = x
	case int32:
		*n.v = int64(x)
	default:
		return fmt.Errorf("nullableInt: cannot scan %T", src)
	}
	return nil
}
