// Package apperr holds SafetyNet's coded application errors.
//
// Domain packages return *Error values with a Code; the HTTP edge maps each
// code to a status in one table (internal/web) and the CLI prints the message.
// Anything that is not an *Error is an internal error: it is logged, and the
// user sees only "internal error" and a request id, never SQL text, file paths
// or personal data.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for its caller.
type Code string

const (
	Invalid      Code = "invalid"      // the input is wrong; Field says where
	NotFound     Code = "not_found"    // no such thing, or not inside the caller's jurisdiction
	Conflict     Code = "conflict"     // a stale version, a duplicate, an illegal transition
	Unauthorized Code = "unauthorized" // not signed in, bad credentials, locked account
	Forbidden    Code = "forbidden"    // signed in, but the role lacks the permission
	TooLarge     Code = "too_large"    // an upload or request body over its limit
	TooMany      Code = "too_many"     // a rate limit reached; the message says how long to wait
	Unavailable  Code = "unavailable"  // not ready: schema behind, store down
	Internal     Code = "internal"     // a bug or an unexpected failure
)

// Error is an application error with a code, a message meant for the user,
// and, for invalid input, the field it concerns (a JSON path such as
// "members[2].id_number", or "row 7, column id_number" in an import).
type Error struct {
	Code    Code
	Field   string
	Message string
	// Details lists further field errors when one input has several faults;
	// the first one is repeated in Field/Message.
	Details []*Error

	// format and args keep the English message's parts so the web layer can
	// show it in Chinese from its catalogue (see Localize).
	format string
	args   []any
}

// Localize returns the message rendered through tr, which maps an English
// format string to the user's language (returning it unchanged if unknown).
// Arguments that are *Error or error are not translated.
func (e *Error) Localize(tr func(format string) string) string {
	if e.format == "" || tr == nil {
		return e.Message
	}
	return fmt.Sprintf(tr(e.format), e.args...)
}

// Format returns the English format string the message was built from.
func (e *Error) Format() string { return e.format }

// Args returns the arguments of Format.
func (e *Error) Args() []any { return e.args }

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// Fieldf returns an Invalid error about one field.
func Fieldf(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// CodeOf returns the code of the first *Error in err's chain, Internal for any
// other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return CodeOf(err) == code }

// Prefix returns a copy of err whose field, and its details' fields, are
// prefixed with p (e.g. "members[2]"), so a validator of a part can be reused
// inside a whole.
func Prefix(p string, err error) error {
	e := As(err)
	if e == nil || p == "" {
		return err
	}
	out := e.withField(join(p, e.Field))
	for _, d := range e.Details {
		out.Details = append(out.Details, d.withField(join(p, d.Field)))
	}
	return out
}

func (e *Error) withField(f string) *Error {
	return &Error{Code: e.Code, Field: f, Message: e.Message, format: e.format, args: e.args}
}

func join(p, f string) string {
	switch {
	case f == "":
		return p
	case strings.HasPrefix(f, "["):
		return p + f
	}
	return p + "." + f
}

// List collects field errors; Err returns nil when empty, otherwise an Invalid
// *Error whose Details hold all of them.
type List struct{ errs []*Error }

// Add appends err (an *Error, or a plain error filed under field).
func (l *List) Add(field string, err error) {
	if err == nil {
		return
	}
	e := As(err)
	if e == nil {
		e = &Error{Code: Invalid, Field: field, Message: err.Error()}
	} else if field != "" {
		e = As(Prefix(field, e))
	}
	if len(e.Details) > 0 {
		l.errs = append(l.errs, e.Details...)
		return
	}
	l.errs = append(l.errs, e)
}

// Addf appends an Invalid error about field.
func (l *List) Addf(field, format string, args ...any) {
	l.errs = append(l.errs, Fieldf(field, format, args...))
}

// Len is the number of errors collected.
func (l *List) Len() int { return len(l.errs) }

// Err returns the collected errors as one, or nil.
func (l *List) Err() error {
	if len(l.errs) == 0 {
		return nil
	}
	out := l.errs[0].withField(l.errs[0].Field)
	out.Details = l.errs
	return out
}

// Fields returns every field error in err keyed by field (first message wins),
// for forms that show messages beside their fields.
func Fields(err error) map[string]string {
	e := As(err)
	if e == nil {
		return nil
	}
	m := map[string]string{}
	all := e.Details
	if len(all) == 0 {
		all = []*Error{e}
	}
	for _, d := range all {
		if _, ok := m[d.Field]; !ok {
			m[d.Field] = d.Message
		}
	}
	return m
}
