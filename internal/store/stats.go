package store

import (
	"context"
	"fmt"

	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

var _ casework.StatsStore = (*DB)(nil)

// HandlingRows implements casework.StatsStore. It streams: a province's
// year of applications is read row by row.
func (db *DB) HandlingRows(ctx context.Context, scope registry.Scope, region string, from, to civil.Date, fn func(casework.HandlingRow) error) error {
	if !withinScope(region, scope) {
		return nil
	}
	lo, hi := prefixRange(region)
	rows, err := db.query(ctx, `SELECT a.program, a.region_code, a.accepted_on, d.decided_on, a.due
		FROM applications a LEFT JOIN decisions d ON d.application_id = a.id
		WHERE a.region_code >= ? AND a.region_code < ? AND a.enrollment_id IS NULL
		AND ((d.id IS NOT NULL AND d.decided_on >= ? AND d.decided_on <= ?) OR (d.id IS NULL AND a.state <> 'withdrawn'))`,
		lo, hi, from, to)
	if err != nil {
		return fmt.Errorf("HandlingRows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r casework.HandlingRow
		var program string
		if err := rows.Scan(&program, &r.Region, &r.AcceptedOn, &r.DecidedOn, &r.Due); err != nil {
			return fmt.Errorf("HandlingRows: %w", err)
		}
		r.Program = policy.Program(program)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// withinScope reports whether a region filter lies inside the scope.
func withinScope(region string, scope registry.Scope) bool {
	return len(region) >= len(scope.Region) && region[:len(scope.Region)] == scope.Region
}
