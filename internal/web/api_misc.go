package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/region"
)

// me is what /api/v1/me returns.
type me struct {
	auth.User
	RegionName  string            `json:"region_name"`
	Permissions []auth.Permission `json:"permissions"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	writeJSON(w, http.StatusOK, me{User: p.User, RegionName: s.regionName(p.Region), Permissions: p.Role.Permissions()})
}

// regionName is a jurisdiction's full name ("全国" for the whole country).
func (s *Server) regionName(code string) string {
	if code == "" {
		return "全国"
	}
	if n := s.Regions.FullName(code); n != "" {
		return n
	}
	return code
}

// apiRegions lists children of ?parent= (default: the user's jurisdiction)
// or searches by ?q=. Regions above the jurisdiction are visible (names of
// divisions are public), but the list starts at the jurisdiction.
func (s *Server) apiRegions(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	q := r.URL.Query()
	if name := strings.TrimSpace(q.Get("q")); name != "" {
		writeJSON(w, http.StatusOK, map[string]any{"items": s.Regions.Search(name, p.Region, 50)})
		return
	}
	parent := q.Get("parent")
	if parent == "" {
		parent = p.Region
	}
	if !region.Within(parent, p.Region) {
		s.writeError(w, r, apperr.Errorf(apperr.NotFound, "no region %s in your jurisdiction", parent))
		return
	}
	items := s.Regions.Children(parent)
	if items == nil {
		items = []region.Region{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"parent": parent, "items": items})
}

// regionDetail is one region with its chain and whether it lies inside the
// caller's jurisdiction.
type regionDetail struct {
	region.Region
	FullName string          `json:"full_name"`
	Chain    []region.Region `json:"chain"`
	Children []region.Region `json:"children"`
	Inside   bool            `json:"inside_jurisdiction"`
}

func (s *Server) apiRegion(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	reg, ok := s.Regions.Get(code)
	if !ok {
		s.writeError(w, r, apperr.Errorf(apperr.NotFound, "no region %s", code))
		return
	}
	d := regionDetail{Region: reg, FullName: s.Regions.FullName(code), Chain: s.Regions.Chain(code),
		Inside: region.Within(code, principalOf(r).Region)}
	if d.Inside {
		d.Children = s.Regions.Children(code)
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := audit.Filter{Region: principalOf(r).Region, Entity: q.Get("entity"), EntityID: q.Get("entity_id")}
	if sub := q.Get("region"); sub != "" {
		if !region.Within(sub, f.Region) {
			s.writeError(w, r, apperr.Errorf(apperr.NotFound, "no region %s in your jurisdiction", sub))
			return
		}
		f.Region = sub
	}
	before, lim, err := pageParams(r, "before")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f.BeforeSeq, f.Limit = before, lim
	items, err := s.DB.List(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := map[string]any{"items": items}
	if n := len(items); n > 0 && n == limitOf(f.Limit, 100, 1000) {
		out["next"] = items[n-1].Seq
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "uptime_seconds": int(time.Since(s.started).Seconds())})
}

// readyz checks the store answers and the schema and keys are in order.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	err := s.DB.Ping(ctx)
	if err == nil && s.Ready != nil {
		err = s.Ready(ctx)
	}
	if err != nil {
		s.Log.Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": apperrMessage(err)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "store": s.DB.Dialect().String()})
}

// apperrMessage shows an application error's message; others stay vague.
func apperrMessage(err error) string {
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		return e.Message
	}
	return "the store does not answer"
}
