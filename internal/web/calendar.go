package web

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/calendar"
)

// calendarWrite is the permission to enter a year's holiday notice.
const calendarWrite = auth.CalendarWrite

// calendarRecheck is how long the server uses its calendar before it asks
// the store whether a day was added since (as paramsRecheck).
const calendarRecheck = 5 * time.Second

func (s *Server) calendarCache() *versionedCache[*calendar.Calendar] { return &s.calendars }

// calendarStore is where administrators' days are kept.
func (s *Server) calendarStore() calendar.Store { return s.DB }

// calendar returns the working-day calendar in effect: the embedded
// notices with the days administrators stored over them. Handlers count
// every deadline with it. It never fails: if the store cannot be read, it
// logs why and returns the calendar last read, or the embedded one, whose
// deadlines in the years it lacks are marked provisional anyway.
func (s *Server) calendar(ctx context.Context) *calendar.Calendar {
	cal, err := s.loadCalendar(ctx)
	if err != nil {
		s.Log.ErrorContext(ctx, "calendar: stored days not read; using the last calendar read", "err", err)
		if cal == nil {
			cal = calendar.Embedded()
		}
	}
	return cal
}

func (s *Server) loadCalendar(ctx context.Context) (*calendar.Calendar, error) {
	st := s.calendarStore()
	return s.calendarCache().get(ctx, calendarRecheck, st.CalendarVersion, func(ctx context.Context) (*calendar.Calendar, error) {
		days, err := st.CalendarDays(ctx)
		if err != nil {
			return nil, err
		}
		return calendar.Embedded().With(days)
	})
}

// LoadCalendar builds the calendar in effect, so that a server can refuse
// to start on stored days it cannot use (as LoadParams).
func (s *Server) LoadCalendar(ctx context.Context) error {
	if _, err := s.loadCalendar(ctx); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	return nil
}

// calendarChanged makes the next calendar call rebuild, after this server
// stored days.
func (s *Server) calendarChanged() { s.calendarCache().invalidate() }
