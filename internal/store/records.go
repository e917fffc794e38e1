package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/registry"
)

// AddMember implements registry.Store.
func (db *DB) AddMember(ctx context.Context, scope registry.Scope, householdID int64, m *registry.Member) error {
	if err := m.Validate(db.today()); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		h, err := db.household(ctx, t, scope, householdID)
		if err != nil {
			return err
		}
		if m.Relationship == registry.RelHead && h.Head() != nil {
			return apperr.Fieldf("relationship", "household %s already has a head", h.Number)
		}
		if err := t.addMember(ctx, h, m, ""); err != nil {
			return err
		}
		return t.audit(ctx, "member", m.ID, h.RegionCode, "create", nil, map[string]any{
			"household": h.Number, "person_id": m.Person.ID, "relationship": m.Relationship,
			"joined_on": m.JoinedOn, "join_reason": m.JoinReason})
	})
}

// EndMember implements registry.Store.
func (db *DB) EndMember(ctx context.Context, scope registry.Scope, memberID int64, on civil.Date, reason string) error {
	if on.IsZero() {
		return apperr.Fieldf("left_on", "the date the member left is required")
	}
	return db.transact(ctx, func(t *Tx) error {
		lo, hi := prefixRange(scope.Region)
		var joined, left civil.Date
		var region, number string
		err := t.queryRow(ctx, `SELECT m.joined_on, m.left_on, h.region_code, h.number FROM members m
			JOIN households h ON h.id = m.household_id
			WHERE m.id = ? AND h.region_code >= ? AND h.region_code < ?`, memberID, lo, hi).Scan(&joined, &left, &region, &number)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("member", memberID)
		}
		if err != nil {
			return err
		}
		if !left.IsZero() {
			return apperr.Errorf(apperr.Conflict, "the member already left household %s on %s", number, left)
		}
		if on.Before(joined) {
			return apperr.Fieldf("left_on", "the member cannot leave (%s) before joining (%s)", on, joined)
		}
		if _, err := t.exec(ctx, "UPDATE members SET left_on = ?, leave_reason = ? WHERE id = ?", on, reason, memberID); err != nil {
			return err
		}
		return t.audit(ctx, "member", memberID, region, "end", nil, map[string]any{"household": number, "left_on": on, "leave_reason": reason})
	})
}

// AddIncome implements registry.Store.
func (db *DB) AddIncome(ctx context.Context, scope registry.Scope, in *registry.Income) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		h, err := db.household(ctx, t, scope, in.HouseholdID)
		if err != nil {
			return err
		}
		if in.PersonID != 0 {
			if err := t.requireMember(ctx, h.ID, in.PersonID); err != nil {
				return err
			}
		}
		now := db.now()
		if _, err := t.exec(ctx, `UPDATE incomes SET superseded_at = ? WHERE household_id = ? AND COALESCE(person_id, 0) = ?
			AND type = ? AND month = ? AND superseded_at IS NULL`, now, h.ID, in.PersonID, in.Type, in.Month); err != nil {
			return err
		}
		in.RecordedAt = now
		in.ID, err = t.insertID(ctx, `INSERT INTO incomes (county_code, household_id, person_id, type, month, amount,
			employment_cost, note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			h.CountyCode, h.ID, nullInt(in.PersonID), in.Type, in.Month, in.Amount, in.EmploymentCost, in.Note, now)
		if err != nil {
			return fmt.Errorf("insert income: %w", err)
		}
		return t.audit(ctx, "income", in.ID, h.RegionCode, "create", nil, in)
	})
}

// requireMember fails unless the person is or was a member of the household.
func (t *Tx) requireMember(ctx context.Context, householdID, personID int64) error {
	var n int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM members WHERE household_id = ? AND person_id = ?", householdID, personID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Fieldf("person_id", "person %d is not a member of this household", personID)
	}
	return nil
}

const incomeColumns = "id, household_id, person_id, type, month, amount, employment_cost, note, recorded_at, superseded_at"

func scanIncome(sc scanner) (registry.Income, error) {
	var in registry.Income
	var rec, sup timestamp
	err := sc.Scan(&in.ID, &in.HouseholdID, nullableInt{&in.PersonID}, &in.Type, &in.Month, &in.Amount,
		&in.EmploymentCost, &in.Note, &rec, &sup)
	in.RecordedAt, in.SupersededAt = rec.Time, sup.Time
	return in, err
}

// Incomes implements registry.Store.
func (db *DB) Incomes(ctx context.Context, scope registry.Scope, householdID int64) ([]registry.Income, error) {
	if _, err := db.household(ctx, db, scope, householdID); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT "+incomeColumns+` FROM incomes WHERE household_id = ? AND superseded_at IS NULL
		ORDER BY month DESC, id`, householdID)
	return collect(rows, err, scanIncome)
}

// AddAsset implements registry.Store.
func (db *DB) AddAsset(ctx context.Context, scope registry.Scope, a *registry.Asset) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		h, err := db.household(ctx, t, scope, a.HouseholdID)
		if err != nil {
			return err
		}
		if a.PersonID != 0 {
			if err := t.requireMember(ctx, h.ID, a.PersonID); err != nil {
				return err
			}
		}
		a.ID, err = t.insertID(ctx, `INSERT INTO assets (county_code, household_id, person_id, type, description, value,
			area, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			h.CountyCode, h.ID, nullInt(a.PersonID), a.Type, a.Description, a.Value, a.Area, a.ValidFrom, a.ValidTo, db.now())
		if err != nil {
			return fmt.Errorf("insert asset: %w", err)
		}
		return t.audit(ctx, "asset", a.ID, h.RegionCode, "create", nil, a)
	})
}

// EndAsset implements registry.Store.
func (db *DB) EndAsset(ctx context.Context, scope registry.Scope, assetID int64, on civil.Date) error {
	if on.IsZero() {
		return apperr.Fieldf("valid_to", "the date the asset ended is required")
	}
	return db.transact(ctx, func(t *Tx) error {
		lo, hi := prefixRange(scope.Region)
		var from, to civil.Date
		var region string
		err := t.queryRow(ctx, `SELECT a.valid_from, a.valid_to, h.region_code FROM assets a JOIN households h ON h.id = a.household_id
			WHERE a.id = ? AND h.region_code >= ? AND h.region_code < ?`, assetID, lo, hi).Scan(&from, &to, &region)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("asset", assetID)
		}
		if err != nil {
			return err
		}
		if !to.IsZero() {
			return apperr.Errorf(apperr.Conflict, "the asset already ended on %s", to)
		}
		if on.Before(from) {
			return apperr.Fieldf("valid_to", "the asset cannot end (%s) before it started (%s)", on, from)
		}
		if _, err := t.exec(ctx, "UPDATE assets SET valid_to = ? WHERE id = ?", on, assetID); err != nil {
			return err
		}
		return t.audit(ctx, "asset", assetID, region, "end", nil, map[string]any{"valid_to": on})
	})
}

const assetColumns = "id, household_id, person_id, type, description, value, area, valid_from, valid_to"

func scanAsset(sc scanner) (registry.Asset, error) {
	var a registry.Asset
	err := sc.Scan(&a.ID, &a.HouseholdID, nullableInt{&a.PersonID}, &a.Type, &a.Description, &a.Value, &a.Area, &a.ValidFrom, &a.ValidTo)
	return a, err
}

// Assets implements registry.Store.
func (db *DB) Assets(ctx context.Context, scope registry.Scope, householdID int64) ([]registry.Asset, error) {
	if _, err := db.household(ctx, db, scope, householdID); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT "+assetColumns+" FROM assets WHERE household_id = ? ORDER BY valid_from DESC, id", householdID)
	return collect(rows, err, scanAsset)
}

// scanner is a row to scan.
type scanner interface{ Scan(...any) error }

// collect scans every row of a query with scan and closes the rows.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
