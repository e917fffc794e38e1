package store

import (
	"context"
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
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
	// Every notice posted in the period, including one replaced by a new
	// notice after an objection (notice_periods keeps them all).
	rows, err := db.query(ctx, `SELECT `+applicationColumns+`, p.name,
		(SELECT COUNT(*) FROM members m WHERE m.household_id = a.household_id AND m.left_on IS NULL),
		n.notice_no, n.notice_from, n.notice_to, n.proposed
		FROM notice_periods n JOIN applications a ON a.id = n.application_id JOIN persons p ON p.id = a.applicant_id
		WHERE n.county_code = ? AND n.region_code >= ? AND n.region_code < ? AND n.notice_from <= ? AND n.notice_to >= ?
		ORDER BY n.notice_from, a.id, n.notice_no`, township[:6], lo, hi, to, from)
	if err != nil {
		return nil, fmt.Errorf("Notices: %w", err)
	}
	defer rows.Close()
	out := []casework.NoticeEntry{}
	for rows.Next() {
		var name string
		var size, no int
		var nfrom, nto civil.Date
		var proposed int64
		a, err := scanApplication(withExtra{rows, []any{&name, &size, &no, &nfrom, &nto, &proposed}})
		if err != nil {
			return nil, fmt.Errorf("Notices: %w", err)
		}
		a.Notices, a.NoticeFrom, a.NoticeTo, a.Proposed = no, nfrom, nto, money.Fen(proposed)
		if e, ok := casework.NoticeOf(a, name, size); ok {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
