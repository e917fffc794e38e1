package web

import (
	"net/http"
	"net/url"
	"strings"

	"safetynet/internal/apperr"
)

// portalLogin is the data of portal_login.html and portal_verify.html.
type portalLogin struct {
	portalView
	IDNumber, Phone string
	Next            string
	// Errors are the messages by field ("" for the form as a whole).
	Errors formErrors
	// Demo says the code is in the server's log, not in a text message.
	Demo bool
}

// Error is the message for a field.
func (p *portalLogin) Error(field string) string { return p.Errors[field] }

func (s *Server) portalLoginPage(w http.ResponseWriter, r *http.Request) {
	next := portalNext(r.URL.Query().Get("next"))
	if c, err := s.citizenSession(r); err == nil && c != nil {
		seeOther(w, r, next)
		return
	}
	l := langOf(r)
	pg := &portalLogin{Next: next}
	pg.Title = l.T("Sign in")
	if r.URL.Query().Has("out") {
		pg.Notice = l.T("You have signed out.")
	}
	s.renderPortal(w, r, http.StatusOK, "portal_login.html", pg)
}

// portalLoginSubmit asks for a code. Every well-formed request gets the
// same answer, the code page, whoever the ID number and phone belong to
// (auth.Citizens.RequestCode).
func (s *Server) portalLoginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.portalError(w, r, apperr.Errorf(apperr.Invalid, "the form could not be read"))
		return
	}
	l := langOf(r)
	pg := &portalLogin{IDNumber: strings.TrimSpace(r.PostFormValue("id_number")), Phone: strings.TrimSpace(r.PostFormValue("phone")),
		Next: portalNext(r.PostFormValue("next"))}
	pg.Title, pg.Here = l.T("Sign in"), "/portal/login"
	ticket, err := s.Citizens.RequestCode(r.Context(), pg.IDNumber, pg.Phone)
	if err != nil {
		code := apperr.CodeOf(err)
		if code != apperr.Invalid && code != apperr.TooMany {
			s.portalError(w, r, err)
			return
		}
		pg.Errors = errorsOf(l, err)
		s.renderPortal(w, r, statusOf[code], "portal_login.html", pg)
		return
	}
	s.setPortalCookie(w, ticketCookie, ticket)
	seeOther(w, r, "/portal/verify?next="+url.QueryEscape(pg.Next))
}

func (s *Server) portalVerifyPage(w http.ResponseWriter, r *http.Request) {
	s.showVerify(w, r, http.StatusOK, nil)
}

func (s *Server) showVerify(w http.ResponseWriter, r *http.Request, status int, errs formErrors) {
	l := langOf(r)
	next := r.URL.Query().Get("next")
	if r.Method == http.MethodPost {
		next = r.PostFormValue("next")
	}
	pg := &portalLogin{Next: portalNext(next), Errors: errs, Demo: s.Demo}
	pg.Title, pg.Here = l.T("Enter the code"), "/portal/verify?next="+url.QueryEscape(pg.Next)
	s.renderPortal(w, r, status, "portal_verify.html", pg)
}

// portalVerifySubmit checks the code against the browser's ticket and
// opens the citizen's session.
func (s *Server) portalVerifySubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.portalError(w, r, apperr.Errorf(apperr.Invalid, "the form could not be read"))
		return
	}
	l := langOf(r)
	var ticket string
	if c, err := r.Cookie(ticketCookie); err == nil {
		ticket = c.Value
	}
	_, secret, err := s.Citizens.Verify(r.Context(), ticket, r.PostFormValue("code"))
	if err != nil {
		code := apperr.CodeOf(err)
		if code != apperr.Invalid && code != apperr.Unauthorized {
			s.portalError(w, r, err)
			return
		}
		errs := errorsOf(l, err)
		if code == apperr.Unauthorized {
			errs = formErrors{"code": errs[""]}
		}
		s.showVerify(w, r, statusOf[code], errs)
		return
	}
	s.setPortalCookie(w, ticketCookie, "")
	s.setPortalCookie(w, citizenCookie, secret)
	seeOther(w, r, portalNext(r.PostFormValue("next")))
}

// portalLogout ends the citizen's session (authorizeCitizen has checked
// the CSRF token).
func (s *Server) portalLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.Citizens.Logout(r.Context(), citizenOf(r)); err != nil {
		s.portalError(w, r, err)
		return
	}
	s.setPortalCookie(w, citizenCookie, "")
	seeOther(w, r, "/portal/login?out=1")
}
