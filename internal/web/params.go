package web

import (
	"context"
	"time"

	"safetynet/internal/policy"
)

// paramsRecheck is how long the server uses its parameter set before it
// asks the store whether a value was added since. Values added through this
// server show at once (paramsChanged); this bounds how long one added
// through another server on the same store takes to show.
const paramsRecheck = 5 * time.Second

// paramSet returns the parameters in effect. The Set is shared and must
// not be changed: Clone it to try a value.
func (s *Server) paramSet(ctx context.Context) (*policy.Set, error) {
	return s.params.get(ctx, paramsRecheck, s.Params.ParamsVersion, func(ctx context.Context) (*policy.Set, error) {
		stored, err := s.Params.Params(ctx)
		if err != nil {
			return nil, err
		}
		return policy.Effective(stored)
	})
}

// paramsChanged makes the next paramSet rebuild, after this server stored
// a value.
func (s *Server) paramsChanged() { s.params.invalidate() }

// LoadParams builds the effective parameter set, so that the server starts
// only with parameters it can use (`serve` calls it before listening).
func (s *Server) LoadParams(ctx context.Context) error {
	_, err := s.paramSet(ctx)
	return err
}
