package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/store/storetest"
)

// routeTestServer is a server on a fresh store with one user per role,
// all with the same password, in the demo county.
func routeTestServer(t *testing.T) *Server {
	t.Helper()
	auth.SetTestCost()
	db := storetest.SQLite(t)
	s := New(db, auth.NewService(db), slog.New(slog.DiscardHandler))
	hash, err := auth.HashPassword("a long test password")
	if err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	for _, role := range auth.Roles {
		u := auth.User{Username: strings.ReplaceAll(string(role), "_", "-"), Role: role, Region: "440103", PasswordHash: hash}
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// routeRequest builds a request for a route pattern, with its path values
// filled in.
func routeRequest(pattern string) *http.Request {
	method, path, _ := strings.Cut(pattern, " ")
	path = strings.NewReplacer("{id}", "1", "{code}", "440103", "{lang}", "en", "{$}", "").Replace(path)
	if strings.HasSuffix(path, "/static/") {
		path += "app.css"
	}
	req := httptest.NewRequest(method, path, strings.NewReader(""))
	if strings.Contains(path, "/api/") {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// TestEveryRouteHasAPermission walks the route table: without credentials
// every route but the public ones answers 401 (API) or sends the browser
// to /login (pages); a signed-in user whose role lacks the route's
// permission gets 403, even with a valid CSRF token; and one whose role
// holds it gets past the check.
func TestEveryRouteHasAPermission(t *testing.T) {
	s := routeTestServer(t)
	h := s.Handler()
	// session signs the role's user in and returns its cookie and token.
	session := func(role auth.Role) (*http.Cookie, string) {
		p, secret, err := s.Auth.Login(context.Background(), strings.ReplaceAll(string(role), "_", "-"), "a long test password", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		return &http.Cookie{Name: sessionCookie, Value: secret}, p.CSRF
	}
	serve := func(req *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	routes := s.Routes()
	if len(routes) < 30 {
		t.Fatalf("got %d routes, want the API and the UI", len(routes))
	}
	var staff []*http.Cookie
	for _, role := range auth.Roles {
		c, _ := session(role)
		staff = append(staff, c)
	}
	citizen := newCitizenRouteCheck(t, s, staff)
	for _, rt := range routes {
		if rt.Permission == auth.Public {
			continue
		}
		if rt.Permission == auth.Citizen {
			// The portal's own session: no role holds it (portal_test.go).
			citizen.check(t, h, rt.Pattern)
			continue
		}
		api := strings.Contains(rt.Pattern, "/api/")
		rec := serve(routeRequest(rt.Pattern))
		switch {
		case api && rec.Code != http.StatusUnauthorized:
			t.Errorf("%s without credentials: got %d, want 401", rt.Pattern, rec.Code)
		case !api && (rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=")):
			t.Errorf("%s without credentials: got %d to %q, want a redirect to /login", rt.Pattern, rec.Code, rec.Header().Get("Location"))
		}
		var without, with auth.Role
		for _, role := range auth.Roles {
			if role.Can(rt.Permission) {
				with = role
			} else if without == "" {
				without = role
			}
		}
		if without != "" {
			req := routeRequest(rt.Pattern)
			c, csrf := session(without)
			req.AddCookie(c)
			req.Header.Set("X-CSRF-Token", csrf)
			if rec := serve(req); rec.Code != http.StatusForbidden {
				t.Errorf("%s as %s (without %s): got %d, want 403", rt.Pattern, without, rt.Permission, rec.Code)
			}
		}
		if with == "" {
			t.Errorf("%s: no role holds %s", rt.Pattern, rt.Permission)
			continue
		}
		req := routeRequest(rt.Pattern)
		c, csrf := session(with)
		req.AddCookie(c)
		req.Header.Set("X-CSRF-Token", csrf)
		rec = serve(req)
		if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden ||
			strings.HasPrefix(rec.Header().Get("Location"), "/login?") {
			t.Errorf("%s as %s (with %s): got %d, want past the permission check", rt.Pattern, with, rt.Permission, rec.Code)
		}
	}
}

// TestOpenAPIMatchesRoutes checks the OpenAPI document against the route
// table both ways, and that the served document lists every API route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := routeTestServer(t)
	registered := map[string]bool{}
	for _, rt := range s.Routes() {
		if !strings.Contains(rt.Pattern, " /api/v1/") {
			continue
		}
		registered[rt.Pattern] = true
		if _, ok := apiDocs[rt.Pattern]; !ok {
			t.Errorf("route %s has no entry in apiDocs", rt.Pattern)
		}
	}
	for pattern := range apiDocs {
		if !registered[pattern] {
			t.Errorf("apiDocs documents %s, which is not a registered route", pattern)
		}
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("openapi.json: got %d", rec.Code)
	}
	var doc struct {
		OpenAPI string                            `json:"openapi"`
		Paths   map[string]map[string]interface{} `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("got openapi %q, want 3.x", doc.OpenAPI)
	}
	for pattern := range registered {
		method, path, _ := strings.Cut(pattern, " ")
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			t.Errorf("openapi.json lacks %s %s", method, path)
			continue
		}
		if m, _ := op.(map[string]any); m["summary"] == "" || m["x-permission"] == nil {
			t.Errorf("%s: got operation %v, want a summary and its permission", pattern, op)
		}
	}
	n := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			n++
			if !registered[strings.ToUpper(method)+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not a registered route", method, path)
			}
		}
	}
	if n != len(registered) {
		t.Errorf("openapi.json has %d operations, the router %d API routes", n, len(registered))
	}
}
