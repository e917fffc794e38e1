package web

import (
	"context"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/registry"
)

// The citizen portal (/portal, docs/portal.md): applicants sign in with
// their ID number, registered phone and a one-time code (auth.Citizens),
// see their own applications, file one for their household, withdraw one
// and hand in what was asked for. It is mobile first (375 px wide), with
// its own small layout (templates/portal_*.html, static/portal.css), and
// its own session: a cookie of its own name, sent only to /portal, never
// accepted by the staff side, as the staff session is never accepted here.
//
// Routes carry the permission auth.Citizen, which the router hands to
// authorizeCitizen; the sign-in pages are auth.Public.

// citizenCookie holds a citizen's session secret (auth.Citizens).
const citizenCookie = "sn_citizen"

// ticketCookie holds the ticket of the code being verified: its id and the
// challenge the code's hash is bound to.
const ticketCookie = "sn_portal_code"

// portalPath is the cookies' path: the browser sends them nowhere else.
const portalPath = "/portal"

func (s *Server) registerPortal() {
	s.handle("GET /portal/login", auth.Public, s.portalLoginPage)
	s.handle("POST /portal/login", auth.Public, s.portalLoginSubmit)
	s.handle("GET /portal/verify", auth.Public, s.portalVerifyPage)
	s.handle("POST /portal/verify", auth.Public, s.portalVerifySubmit)
	s.handle("POST /portal/logout", auth.Citizen, s.portalLogout)
	s.handle("GET /portal", auth.Citizen, s.portalHomePage)
	s.handle("GET /portal/apply", auth.Citizen, s.portalApplyPage)
	s.handle("POST /portal/apply", auth.Citizen, s.portalApplySubmit)
	s.handle("GET /portal/applications/{id}", auth.Citizen, s.portalApplicationPage)
	s.handle("POST /portal/applications/{id}/withdraw", auth.Citizen, s.portalWithdraw)
	s.handle("POST /portal/applications/{id}/resubmit", auth.Citizen, s.portalResubmit)
	s.handle("POST /portal/applications/{id}/attachments", auth.Citizen, s.portalUploadSubmit)
	s.handle("GET /portal/", auth.Public, s.portalNotFound)
}

type citizenKey struct{}

// citizenOf returns the signed-in citizen, or nil.
func citizenOf(r *http.Request) *auth.CitizenSession {
	c, _ := r.Context().Value(citizenKey{}).(*auth.CitizenSession)
	return c
}

// citizenSession resolves the citizen cookie: nil without one or with a
// stale one.
func (s *Server) citizenSession(r *http.Request) (*auth.CitizenSession, error) {
	ck, err := r.Cookie(citizenCookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	c, err := s.Citizens.Session(r.Context(), ck.Value)
	if apperr.IsCode(err, apperr.Unauthorized) {
		return nil, nil
	}
	return c, err
}

// authorizeCitizen lets a request reach a portal route only with a live
// citizen session, and a change only with the session's CSRF token. The
// citizen becomes the audit actor.
func (s *Server) authorizeCitizen(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	c, err := s.citizenSession(r)
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	if c == nil {
		to := "/portal/login"
		if r.Method == http.MethodGet {
			to += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	r = r.WithContext(context.WithValue(auth.CitizenContext(r.Context(), c.PersonID), citizenKey{}, c))
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		r.Body = http.MaxBytesReader(w, r.Body, s.MaxUpload)
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(c.CSRF)) != 1 {
			s.portalError(w, r, apperr.Errorf(apperr.Forbidden, "the form has expired: reload the page and try again"))
			return
		}
	}
	h(w, r)
}

// setPortalCookie sets (or, with an empty value, clears) one of the
// portal's cookies. They last as long as the browser is open: the server
// ends a session after 30 idle minutes anyway.
func (s *Server) setPortalCookie(w http.ResponseWriter, name, value string) {
	c := &http.Cookie{Name: name, Value: value, Path: portalPath, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies}
	if value == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// portalPages holds one template set per portal page: the portal's own
// layout and the page.
var portalPages = parsePortalPages()

func parsePortalPages() map[string]*template.Template {
	return parseTemplates("templates/portal_*.html", "", "templates/portal_layout.html")
}

// portalView is what portal_layout.html needs; every portal page's data
// embeds it. It reuses the staff view for the language and translation.
type portalView struct {
	view
	// Person is the signed-in citizen's name; "" on the sign-in pages.
	Person string
	csrf   string
}

// CSRF is the citizen session's token for the hidden "csrf" field.
func (p *portalView) CSRF() string { return p.csrf }

type portalPage interface{ portal() *portalView }

func (p *portalView) portal() *portalView { return p }

// renderPortal writes a portal page inside the portal's layout.
func (s *Server) renderPortal(w http.ResponseWriter, r *http.Request, status int, name string, data portalPage) {
	p := data.portal()
	p.srv, p.Lang = s, langOf(r)
	if p.Here == "" {
		p.Here = portalPath
		if r.Method == http.MethodGet {
			p.Here = hereOf(r.URL)
		}
	}
	if c := citizenOf(r); c != nil {
		p.csrf = c.CSRF
		if person, err := s.Registry.Person(r.Context(), registry.Scope{}, c.PersonID); err == nil {
			p.Person = person.Name
		}
	}
	s.writePage(w, r, status, name, portalPages[name], "portal_layout", data)
}

// portalErrorPage is the data of portal_error.html.
type portalErrorPage struct {
	portalView
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// portalError answers a portal request with an error page in the portal's
// layout. Another person's application, like one that does not exist, is
// "not found".
func (s *Server) portalError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.publicError(r, err)
	l := langOf(r)
	pg := &portalErrorPage{Status: status, Message: body.Message, RequestID: body.RequestID}
	switch status {
	case http.StatusNotFound:
		pg.Heading, pg.Message = l.T("Not found"), l.T("There is no such page or application.")
	case http.StatusForbidden:
		pg.Heading = l.T("Not allowed")
	case http.StatusInternalServerError:
		pg.Heading = l.T("Something went wrong")
	default:
		pg.Heading = l.T("The request could not be completed")
	}
	pg.Title = pg.Heading
	s.renderPortal(w, r, status, "portal_error.html", pg)
}

func (s *Server) portalNotFound(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == portalPath+"/" {
		seeOther(w, r, portalPath)
		return
	}
	s.portalError(w, r, apperr.Errorf(apperr.NotFound, "no such page"))
}

// portalNext returns next if it is a portal page, otherwise /portal.
func portalNext(next string) string {
	next = safeNext(next)
	if next != portalPath && !strings.HasPrefix(next, portalPath+"/") || strings.HasPrefix(next, "/portal/login") || strings.HasPrefix(next, "/portal/verify") {
		return portalPath
	}
	return next
}
