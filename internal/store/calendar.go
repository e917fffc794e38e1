package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/calendar"
)

var _ calendar.Store = (*DB)(nil)

// AddCalendarDays implements calendar.Store: the days go in as one change
// with one audit record, which names the years and the number of days and
// lists them.
func (db *DB) AddCalendarDays(ctx context.Context, days []calendar.Day) error {
	if err := calendar.Check(days); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		// Microseconds: what both engines keep of a timestamp.
		now := db.now().UTC().Truncate(time.Microsecond)
		by := audit.ActorFrom(ctx).Username
		rs := &rowSet{table: "calendar_days", cols: []string{"date", "kind", "name", "source", "created_by", "created_at"}}
		for _, d := range days {
			rs.add(t.date(d.Date), string(d.Kind), d.Name, d.Source, by, now)
		}
		if err := t.insertRows(ctx, rs); err != nil {
			return fmt.Errorf("insert calendar days: %w", err)
		}
		a := calendarAudit(days)
		var id int64
		if len(a.Years) == 1 {
			id = int64(a.Years[0]) // so the audit trail filters by year
		}
		return t.audit(ctx, "calendar", id, "", "create", nil, a)
	})
}

// calendarAuditDay is a day as the audit record lists it; the sources are
// listed once for all days.
type calendarAuditDay struct {
	Date string        `json:"date"`
	Kind calendar.Kind `json:"kind"`
	Name string        `json:"name"`
}

type calendarAuditRecord struct {
	Years   []int              `json:"years"`
	Count   int                `json:"count"`
	Sources []string           `json:"sources"`
	Days    []calendarAuditDay `json:"days"`
}

func calendarAudit(days []calendar.Day) calendarAuditRecord {
	a := calendarAuditRecord{Count: len(days)}
	for _, d := range days {
		if !slices.Contains(a.Years, d.Date.Year) {
			a.Years = append(a.Years, d.Date.Year)
		}
		if !slices.Contains(a.Sources, d.Source) {
			a.Sources = append(a.Sources, d.Source)
		}
		a.Days = append(a.Days, calendarAuditDay{Date: d.Date.String(), Kind: d.Kind, Name: d.Name})
	}
	slices.Sort(a.Years)
	return a
}

// CalendarDays implements calendar.Store.
func (db *DB) CalendarDays(ctx context.Context) ([]calendar.Day, error) {
	rows, err := db.query(ctx, "SELECT date, kind, name, source FROM calendar_days ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("CalendarDays: %w", err)
	}
	defer rows.Close()
	var out []calendar.Day
	for rows.Next() {
		var d calendar.Day
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name, &d.Source); err != nil {
			return nil, fmt.Errorf("CalendarDays: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CalendarVersion implements calendar.Store: the id of the latest stored
// day (rows are only ever added).
func (db *DB) CalendarVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM calendar_days").Scan(&v); err != nil {
		return 0, fmt.Errorf("CalendarVersion: %w", err)
	}
	return v, nil
}
