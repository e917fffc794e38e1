package store

import (
	"context"
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ casework.NoticeStore = (*DB)(nil)

// withExtra scans a row's leading columns into what a scan function asks
// for and the columns after them into extra.
type withExtra struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

// Notices implements casework.NoticeStore. The county code narrows the
// search to the applications_notice index (county_code, notice_from).
func (db *DB) Notices(ctx context.Context, scope registry.Scope, township string, from, to civil.Date) ([]casework.NoticeEntry, error) {
	if err := casework.CheckNoticeQuery(township, from, to); err != nil {
		return nil, err
	}
	if !region.Within(township, scope.Region) {
		return nil, apperr.Errorf(apperr.NotFound, "region %s is outside your jurisdiction", township)
	}
	lo, hi := prefixRange(township)
	rows, err := db.query(ctx, `SELECT `+applicationColumns+`, p.name,
		(SELECT COUNT(*) FROM members m WHERE m.household_id = a.household_id AND m.left_on IS NULL)
		FROM applications a JOIN persons p ON p.id = a.applicant_id
		WHERE a.county_code = ? AND a.region_code >= ? AND a.region_code < ? AND a.notice_from <= ? AND a.notice_to >= ?
		ORDER BY a.notice_from, a.id`, township[:6], lo, hi, to, from)
	if err != nil {
		return nil, fmt.Errorf("Notices: %w", err)
	}
	defer rows.Close()
	out := []casework.NoticeEntry{}
	for rows.Next() {
		var name string
		var size int
		a, err := scanApplication(withExtra{rows, []any{&name, &size}})
		if err != nil {
			return nil, fmt.Errorf("Notices: %w", err)
		}
		if e, ok := casework.NoticeOf(a, name, size); ok {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
