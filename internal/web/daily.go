package web

import (
	"context"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
)

// RunDaily does the workflow's daily work until ctx ends: it moves overdue
// tasks and warnings one level up (casework.NextLevel), opens the
// scheduled reviews that are due, marks failed the imports whose process
// died, and starts the month's monitoring run of every county with active
// rules that has none yet. It runs at start-up and then every hour; both are
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
	s.logDaily(ctx, "escalated overdue tasks", n, err)
	n, err = s.DB.EscalateOverdueReferrals(ctx, today)
	s.logDaily(ctx, "escalated overdue referrals", n, err)
	n, err = s.OpenDueReviews(ctx, today)
	s.logDaily(ctx, "opened scheduled reviews", n, err)
	n, err = s.Verify.FailStale(ctx, s.now().Add(-staleImport))
	s.logDaily(ctx, "imports that had stopped midway were marked failed", n, err)
	n, err = s.DB.EscalateOverdueWarnings(ctx, today)
	s.logDaily(ctx, "escalated overdue warnings", n, err)
	n, err = s.ScheduleMonitorRuns(ctx, today)
	s.logDaily(ctx, "monthly monitoring runs", n, err)
}

// logDaily logs what one piece of the daily work did, or why it failed.
func (s *Server) logDaily(ctx context.Context, what string, n int, err error) {
	switch {
	case err != nil && ctx.Err() == nil:
		s.Log.ErrorContext(ctx, what, "err", err)
	case n > 0:
		s.Log.InfoContext(ctx, what, "count", n)
	}
}
