package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
)

// sessionCookie holds the session secret; the store keeps only its hash.
const sessionCookie = "sn_session"

func requestIDOf(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// principalOf returns the signed-in user, or nil.
func principalOf(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(keyPrincipal).(*auth.Principal)
	return p
}

func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyRequestID, id)))
	})
}

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(r.Pattern, sw.status, d)
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		s.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", d.Milliseconds(), "request_id", requestIDOf(r), "user", userOf(r))
	})
}

func userOf(r *http.Request) string {
	if p := principalOf(r); p != nil {
		return p.Username
	}
	return ""
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves a bearer token or session cookie to a principal
// and puts it, and the audit actor, in the request context. A bad token is
// an error at once; a stale cookie just means "not signed in".
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *auth.Principal
		var err error
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			p, err = s.Auth.Token(r.Context(), strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
			if err != nil {
				s.writeError(w, r, err)
				return
			}
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
			p, err = s.Auth.Session(r.Context(), c.Value)
			if err != nil && !apperr.IsCode(err, apperr.Unauthorized) {
				s.writeError(w, r, err)
				return
			}
		}
		ctx := r.Context()
		actor := audit.Actor{ClientAddr: clientAddr(r), RequestID: requestIDOf(r), Username: "anonymous"}
		if p != nil {
			ctx = context.WithValue(ctx, keyPrincipal, p)
			actor.UserID, actor.Username, actor.Role = p.ID, p.Username, string(p.Role)
		}
		next.ServeHTTP(w, r.WithContext(audit.WithActor(ctx, actor)))
	})
}

// clientAddr is the peer's address. X-Forwarded-For is not trusted: a
// deployment behind a proxy sets the proxy to overwrite RemoteAddr.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// formRoom is what a request body may carry beside an upload of MaxUpload:
// the form's other fields and the multipart framing. A file a little over
// the limit still reaches its handler, which refuses it beside its field.
const formRoom = 64 << 10

// authorize checks the route's permission, and CSRF for a browser session
// making a change. An API caller gets a JSON error; a page visitor without a
// session is sent to the sign-in page.
func (s *Server) authorize(perm auth.Permission, api bool, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if perm == auth.Public {
			h(w, r)
			return
		}
		if perm == auth.Citizen {
			s.authorizeCitizen(w, r, h) // the portal's own session (portal.go)
			return
		}
		p := principalOf(r)
		if p == nil {
			if api {
				s.writeError(w, r, apperr.Errorf(apperr.Unauthorized, "please sign in"))
			} else {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			}
			return
		}
		if !p.Can(perm) {
			s.renderOrWrite(w, r, api, apperr.Errorf(apperr.Forbidden, "your role does not allow this (%s)", string(perm)))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			limit := s.MaxUpload
			if perm == auth.VerifyImport {
				limit = max(limit, s.MaxImport) // departments' files, streamed to disk
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit+formRoom)
		}
		if p.SessionID != "" && r.Method != http.MethodGet && r.Method != http.MethodHead {
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				token = r.PostFormValue("csrf")
			}
			if r.MultipartForm == nil && token == "" {
				// An oversized body fails to parse: say so, not "expired".
				if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
					s.renderOrWrite(w, r, api, err)
					return
				}
			}
			if subtle.ConstantTimeCompare([]byte(token), []byte(p.CSRF)) != 1 {
				s.renderOrWrite(w, r, api, apperr.Errorf(apperr.Forbidden, "the form has expired: reload the page and try again"))
				return
			}
		}
		h(w, r)
	})
}

// renderOrWrite answers with err as JSON (API) or as an error page (UI).
func (s *Server) renderOrWrite(w http.ResponseWriter, r *http.Request, api bool, err error) {
	if api {
		s.writeError(w, r, err)
	} else {
		s.renderError(w, r, err)
	}
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
