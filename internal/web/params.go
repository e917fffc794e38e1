package web

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"safetynet/internal/policy"
)

// paramsRecheck is how long the server uses its parameter set before it
// asks the store whether a value was added since. Values added through this
// server show at once (paramsChanged); this bounds how long one added
// through another server on the same store takes to show.
const paramsRecheck = 5 * time.Second

// paramCache is the effective parameter set (the shipped values with the
// stored ones over them) and the store version it was built from. Readers
// take the current snapshot without a lock; one rebuild runs at a time.
type paramCache struct {
	cur atomic.Pointer[paramSnapshot]
	mu  sync.Mutex // held while checking or rebuilding
}

type paramSnapshot struct {
	set     *policy.Set
	version int64
	checked time.Time
}

// paramSet returns the parameters in effect. The Set is shared and must
// not be changed: Clone it to try a value.
func (s *Server) paramSet(ctx context.Context) (*policy.Set, error) {
	if snap := s.params.cur.Load(); snap != nil && time.Since(snap.checked) < paramsRecheck {
		return snap.set, nil
	}
	s.params.mu.Lock()
	defer s.params.mu.Unlock()
	snap := s.params.cur.Load()
	if snap != nil && time.Since(snap.checked) < paramsRecheck {
		return snap.set, nil // another request refreshed it meanwhile
	}
	v, err := s.Params.ParamsVersion(ctx)
	if err != nil {
		return nil, err
	}
	if snap != nil && snap.version == v {
		s.params.cur.Store(&paramSnapshot{set: snap.set, version: v, checked: time.Now()})
		return snap.set, nil
	}
	stored, err := s.Params.Params(ctx)
	if err != nil {
		return nil, err
	}
	set, err := policy.Effective(stored)
	if err != nil {
		return nil, err
	}
	// The version is read before the values, so a value added in between
	// makes the next check rebuild again rather than be missed.
	s.params.cur.Store(&paramSnapshot{set: set, version: v, checked: time.Now()})
	return set, nil
}

// paramsChanged makes the next paramSet rebuild, after this server stored
// a value. It waits for a rebuild under way, which may have read the values
// before this one.
func (s *Server) paramsChanged() {
	s.params.mu.Lock()
	s.params.cur.Store(nil)
	s.params.mu.Unlock()
}

// LoadParams builds the effective parameter set, so that the server starts
// only with parameters it can use (`serve` calls it before listening).
func (s *Server) LoadParams(ctx context.Context) error {
	_, err := s.paramSet(ctx)
	return err
}
