package web

import (
	"context"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
)

// RunDaily does the workflow's daily work until ctx ends: it moves overdue
// tasks one level up (casework.NextLevel), opens the scheduled reviews
// that are due, and marks failed the imports whose process died. It runs at start-up and then every hour; both are
// idempotent within a day (a task escalates once a day, an enrollment has
// at most one open review), so several servers on one store do no harm.
func (s *Server) RunDaily(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		s.daily(ctx, s.today())
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Server) daily(ctx context.Context, today civil.Date) {
	ctx = audit.WithActor(ctx, audit.Actor{Username: casework.System})
	n, err := s.Cases.EscalateOverdue(ctx, today)
	switch {
	case err != nil && ctx.Err() == nil:
		s.Log.ErrorContext(ctx, "escalating overdue tasks", "err", err)
	case n > 0:
		s.Log.InfoContext(ctx, "escalated overdue tasks", "tasks", n)
	}
	n, err = s.OpenDueReviews(ctx, today)
	switch {
	case err != nil && ctx.Err() == nil:
		s.Log.ErrorContext(ctx, "opening scheduled reviews", "err", err)
	case n > 0:
		s.Log.InfoContext(ctx, "opened scheduled reviews", "reviews", n)
	}
	n, err = s.Verify.FailStale(ctx, s.now().Add(-staleImport))
	switch {
	case err != nil && ctx.Err() == nil:
		s.Log.ErrorContext(ctx, "failing stopped imports", "err", err)
	case n > 0:
		s.Log.WarnContext(ctx, "imports that had stopped midway were marked failed", "batches", n)
	}
}
