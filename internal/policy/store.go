package policy

import (
	"context"
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
	for _, f := range []struct {
		name, text string
		max        int
	}{{"source", p.Source, MaxSourceLen}, {"note", p.Note, MaxNoteLen}, {"reason", p.Reason, MaxReasonLen}} {
		if utf8.RuneCountInString(f.text) > f.max {
			l.Addf(f.name, "at most %d characters", f.max)
		}
	}
	return l.Err()
}

// Effective returns the shipped values with the stored ones added in their
// order: a stored value for the same key, scope and day as a shipped one
// (or an earlier stored one) replaces it.
//
// Errors: Invalid naming a stored value that no longer parses by its
// definition (a release changed the definition without migrating it).
func Effective(stored []Param) (*Set, error) {
	base, err := Shipped()
	if err != nil {
		return nil, err
	}
	s := base.Clone()
	var errs apperr.List
	for _, p := range stored {
		if err := s.Add(p); err != nil {
			errs.Add("stored "+p.Key+"@"+p.Region+"@"+p.From.String(), err)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}
