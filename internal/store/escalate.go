package store

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
)

// escalation is an overdue row (a workflow task, a warning, a referral)
// moved one level up (casework.NextLevel).
type escalation struct {
	id             int64
	fromRole, from string // who held it: role and region
	role, to       string // who holds it now
	level          int    // its level now
}

// escalateOverdue moves one level up, on today, each overdue row of table
// that query selects, and calls moved for each in t, to record it (audit,
// log). query selects, in this order, id, role, the region of the role,
// escalated_role, escalated_to and level, then the columns extra gives
// destinations for, which moved receives; it leaves out the rows moved on
// today already. A row the province holds stays: there is no level above.
// It returns the number moved.
func escalateOverdue[X any](ctx context.Context, t *Tx, table string, today civil.Date, query string, args []any,
	extra func(*X) []any, moved func(escalation, X) error) (int, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	type up struct {
		escalation
		x X
	}
	var ups []up
	for rows.Next() {
		var u up
		var erole, eto string
		dest := append([]any{&u.id, &u.fromRole, &u.from, &erole, &eto, &u.level}, extra(&u.x)...)
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return 0, err
		}
		if erole != "" {
			u.fromRole, u.from = erole, eto
		}
		next, to, ok := casework.NextLevel(auth.Role(u.fromRole), u.from)
		if !ok {
			continue // the province holds it: no level above
		}
		u.role, u.to, u.level = string(next), to, u.level+1
		ups = append(ups, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, u := range ups {
		if _, err := t.exec(ctx, "UPDATE "+table+" SET level = ?, escalated_role = ?, escalated_to = ?, escalated_on = ? WHERE id = ?",
			u.level, u.role, u.to, today, u.id); err != nil {
			return 0, err
		}
		if err := moved(u.escalation, u.x); err != nil {
			return 0, err
		}
	}
	return len(ups), nil
}
