package web

import (
	"net/http"
	"net/url"
	"strings"

	"safetynet/internal/apperr"
)

// loginView is the data of login.html.
type loginView struct {
	view
	Username string
	Next     string
	Error    string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if principalOf(r) != nil {
		seeOther(w, r, next)
		return
	}
	l := langOf(r)
	s.render(w, r, http.StatusOK, "login.html", &loginView{view: view{Title: l.T("Sign in")}, Next: next})
}

// loginSubmit checks the credentials and opens a session. A wrong username
// and a wrong password get the same answer (auth.Service.Login).
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, apperr.Errorf(apperr.Invalid, "the form could not be read"))
		return
	}
	l := langOf(r)
	pg := &loginView{view: view{Title: l.T("Sign in"), Here: "/login"},
		Username: strings.TrimSpace(r.PostFormValue("username")), Next: safeNext(r.PostFormValue("next"))}
	password := r.PostFormValue("password")
	if pg.Username == "" || password == "" {
		pg.Error = l.T("Enter your username and password.")
		s.render(w, r, http.StatusUnprocessableEntity, "login.html", pg)
		return
	}
	_, secret, err := s.Auth.Login(r.Context(), pg.Username, password, clientAddr(r))
	if err != nil {
		if e := apperr.As(err); e != nil && e.Code == apperr.Unauthorized {
			pg.Error = l.errMsg(e)
			s.render(w, r, http.StatusUnauthorized, "login.html", pg)
			return
		}
		s.renderError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, MaxAge: int(s.Auth.SessionTTL.Seconds())})
	seeOther(w, r, pg.Next)
}

// logout ends the session (the middleware has checked the CSRF token).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.Logout(r.Context(), principalOf(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, MaxAge: -1})
	seeOther(w, r, "/login")
}

// safeNext returns next if it is a path on this site, otherwise "/": a
// sign-in link must not be usable to send someone elsewhere.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return next
}
