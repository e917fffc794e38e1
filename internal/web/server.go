// Package web is SafetyNet's HTTP interface: the JSON API under /api/v1, the
// server-rendered UI for caseworkers, health checks and metrics.
//
// Every route is registered with the permission it needs (routes.go); the
// router refuses a route without one, and a test walks the table. Handlers
// pass the principal's jurisdiction to the store as a registry.Scope, so a
// record outside it is "not found", never "forbidden".
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/store"
)

// Server holds what the handlers need.
type Server struct {
	DB       *store.DB
	Registry registry.Store
	Params   policy.Store
	Cases    casework.Store
	// Enrollments reads enrollments and records refusals of work.
	Enrollments casework.EnrollmentStore
	Auth        *auth.Service
	Regions     *region.Table
	Log         *slog.Logger
	// SecureCookies marks cookies Secure (behind TLS).
	SecureCookies bool
	// MaxUpload is the largest accepted upload in bytes.
	MaxUpload int64
	// Ready reports whether the server may take traffic (schema current,
	// keys loaded); nil means ready.
	Ready func(ctx context.Context) error

	mux       *http.ServeMux
	routes    []route
	metrics   *metrics
	started   time.Time
	params    versionedCache[*policy.Set]
	calendars versionedCache[*calendar.Calendar]
}

// New returns a server with its routes registered.
func New(db *store.DB, authSvc *auth.Service, log *slog.Logger) *Server {
	s := &Server{DB: db, Registry: db, Params: db, Cases: db, Enrollments: db, Auth: authSvc, Regions: region.Embedded(), Log: log,
		MaxUpload: 32 << 20, mux: http.NewServeMux(), metrics: newMetrics(), started: time.Now()}
	s.registerRoutes()
	return s
}

// Handler returns the root handler with the middleware around the mux.
func (s *Server) Handler() http.Handler {
	return s.recoverer(s.requestID(s.logRequests(s.securityHeaders(s.authenticate(s.mux)))))
}

// Routes returns the registered routes (for the route test and OpenAPI).
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, r := range s.routes {
		out[i] = RouteInfo{Pattern: r.pattern, Permission: r.perm}
	}
	return out
}

// RouteInfo describes a registered route.
type RouteInfo struct {
	Pattern    string
	Permission auth.Permission
}
