package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
)

// statusOf is the one table mapping error codes to HTTP statuses.
var statusOf = map[apperr.Code]int{
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.TooMany:      http.StatusTooManyRequests,
	apperr.Unavailable:  http.StatusServiceUnavailable,
	apperr.Internal:     http.StatusInternalServerError,
}

// errorBody is the JSON error format of DESIGN.md §9.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code      apperr.Code `json:"code"`
	Message   string      `json:"message"`
	Field     string      `json:"field,omitempty"`
	RequestID string      `json:"request_id,omitempty"`
	Details   []errorJSON `json:"details,omitempty"`
	// Allowed lists the actions an application's state allows, with a
	// 409 for an action it does not.
	Allowed []casework.Action `json:"allowed,omitempty"`
}

// publicError turns err into what a user may see: an *apperr.Error as it
// is (in the request's language); anything else is logged and becomes
// "internal error" with the request id.
func (s *Server) publicError(r *http.Request, err error) (int, errorJSON) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = apperr.Errorf(apperr.TooLarge, "the upload is larger than the limit of %d MB", mbe.Limit>>20)
	}
	l := langOf(r)
	e := apperr.As(err)
	if e == nil || e.Code == apperr.Internal {
		s.Log.ErrorContext(r.Context(), "internal error", "err", err, "request_id", requestIDOf(r), "path", r.URL.Path)
		return http.StatusInternalServerError, errorJSON{Code: apperr.Internal,
			Message: l.T("Internal error: please try again, and quote the request id if it happens again."), RequestID: requestIDOf(r)}
	}
	out := errorJSON{Code: e.Code, Message: l.errMsg(e), Field: e.Field}
	for _, d := range e.Details {
		out.Details = append(out.Details, errorJSON{Code: d.Code, Message: l.errMsg(d), Field: d.Field})
	}
	var te *casework.TransitionError
	if errors.As(err, &te) {
		out.Allowed = te.Allowed
	}
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return status, out
}

// writeError answers an API request with the error.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.publicError(r, err)
	writeJSON(w, status, errorBody{body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}
