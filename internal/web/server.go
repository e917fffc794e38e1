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
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/verify"
)

// Server holds what the handlers need.
type Server struct {
	DB       *store.DB
	Registry registry.Store
	Params   policy.Store
	Cases    casework.Store
	// Enrollments reads enrollments and records refusals of work.
	Enrollments casework.EnrollmentStore
	// Attachments keeps uploaded materials and visit photos.
	Attachments casework.AttachmentStore
	// Notices reads public notices.
	Notices casework.NoticeStore
	Stats   casework.StatsStore // the handling-time statistics
	Auth    *auth.Service
	Regions *region.Table
	Log     *slog.Logger
	// Clock is the time the workflow runs at (nil: the real time). Tests
	// move it on, so that a notice runs its seven days in a moment.
	Clock func() time.Time
	// SecureCookies marks cookies Secure (behind TLS).
	SecureCookies bool
	// MaxUpload is the largest accepted upload in bytes.
	MaxUpload int64
	// MaxImport is the largest department's file accepted for import, in
	// bytes; it is streamed to a temporary file, never held in memory.
	MaxImport int64
	// Verify keeps verification's sources, batches, authorisations and
	// reports.
	Verify verify.Store
	// Ready reports whether the server may take traffic (schema current,
	// keys loaded); nil means ready.
	Ready func(ctx context.Context) error
	// Sender delivers the citizen portal's sign-in codes: a LogSender on
	// Log unless set; production deployments set their SMS gateway's.
	Sender auth.Sender
	// Citizens signs citizens in to the portal; it sends through Sender.
	Citizens *auth.Citizens
	// Demo marks a demo server: the portal says where its codes go.
	Demo bool

	mux       *http.ServeMux
	routes    []route
	metrics   *metrics
	started   time.Time
	params    versionedCache[*policy.Set]
	calendars versionedCache[*calendar.Calendar]
	imports   imports
}

// New returns a server with its routes registered.
func New(db *store.DB, authSvc *auth.Service, log *slog.Logger) *Server {
	s := &Server{DB: db, Registry: db, Params: db, Cases: db, Enrollments: db, Attachments: db, Notices: db, Stats: db, Verify: db, Auth: authSvc, Regions: region.Embedded(), Log: log,
		MaxUpload: 32 << 20, MaxImport: 8 << 30, mux: http.NewServeMux(), metrics: newMetrics(), started: time.Now()}
	s.Sender = auth.LogSender{Log: log}
	s.Citizens = auth.NewCitizens(db, auth.SenderFunc(func(ctx context.Context, phone, code string) error {
		return s.Sender.Send(ctx, phone, code) // the Sender set when the code is sent
	}), log)
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

// now is the time by the server's clock.
func (s *Server) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// today is the day in Shanghai by the server's clock.
func (s *Server) today() civil.Date { return civil.DateOf(s.now().In(civil.Shanghai)) }
