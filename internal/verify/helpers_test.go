package verify

import (
	"strings"

	"safetynet/internal/apperr"
)

// asList returns the fields of every error in err.
func asList(err error) []string {
	e := apperr.As(err)
	if e == nil {
		return nil
	}
	var out []string
	for _, d := range append([]*apperr.Error{e}, e.Details...) {
		out = append(out, d.Field)
	}
	return out
}

// allMessages joins the messages of err and its details.
func allMessages(err error) string {
	e := apperr.As(err)
	if e == nil {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, d := range e.Details {
		b.WriteString("; " + d.Message)
	}
	return b.String()
}
