package policy

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
)

// Store keeps the parameter values people add through the UI or the API.
// The values SafetyNet ships are in the binary (Shipped) and are not
// stored; Effective combines the two.
type Store interface {
	// AddParam checks p (CheckNew), stores it with who recorded it and when
	// (filling in p.By and p.RecordedAt) and audits it, in one transaction.
	// Stored values are never changed: a correction is a new value.
	//
	// Errors: Invalid with the field at fault (key, region, valid_from,
	// value, source, note, reason).
	AddParam(ctx context.Context, p *Param) error
	// Params returns every stored value in the order it was recorded.
	Params(ctx context.Context) ([]Param, error)
	// ParamsVersion changes whenever a value is stored, so that a cache of
	// the effective Set can tell it is current without reading every value.
	ParamsVersion(ctx context.Context) (int64, error)
}

// Limits on the free text of a value, in characters.
const (
	MaxSourceLen = 500
	MaxNoteLen   = 1000
	MaxReasonLen = 1000
)

// CheckNew checks a value a person adds on day today: it must parse by its
// key's definition (Set.Add); it must cite its source; and a value that
// takes effect before today changes amounts already decided, which
// DESIGN.md §6 allows only by an explicit back-pay decision, so it needs a
// reason.
//
// Errors: Invalid with the fields at fault (key, region, valid_from, value,
// source, note, reason).
func CheckNew(p Param, today civil.Date) error {
	var l apperr.List
	empty := &Set{byKey: map[string][]Param{}}
	l.Add("", empty.Add(p))
	if strings.TrimSpace(p.Source) == "" {
		l.Addf("source", "cite the document (and article) that sets this value")
	}
	if !p.From.IsZero() && p.From.Before(today) && strings.TrimSpace(p.Reason) == "" {
		l.Addf("reason", "a value that takes effect before today (%s) changes past amounts: give the reason, such as the back-pay decision", today)
	}
	if utf8.RuneCountInString(p.Source) > MaxSourceLen {
		l.Addf("source", "the text is longer than %d characters", MaxSourceLen)
	}
	if utf8.RuneCountInString(p.Note) > MaxNoteLen {
		l.Addf("note", "the text is longer than %d characters", MaxNoteLen)
	}
	if utf8.RuneCountInString(p.Reason) > MaxReasonLen {
		l.Addf("reason", "the reason is longer than %d characters", MaxReasonLen)
	}
	return l.Err()
}

// Effective returns the shipped values with the stored ones added in their
// order: a stored value for the same key, scope and day as a shipped one
// (or an earlier stored one) replaces it.
//
// A stored value that no longer parses by its definition (a release changed
// the definition without migrating the values) is an internal error, not
// skipped: leaving it out would silently apply a wider scope's value.
func Effective(stored []Param) (*Set, error) {
	base, err := Shipped()
	if err != nil {
		return nil, err
	}
	s := base.Clone()
	for _, p := range stored {
		if err := s.Add(p); err != nil {
			return nil, fmt.Errorf("stored parameter %s (scope %q, from %s): %v", p.Key, p.Region, p.From, err)
		}
	}
	return s, nil
}
