package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

// saveVersion records version v of an entity as JSON, with its personal
// data sealed: a household's bank account, a person's ID number and phone.
func (t *Tx) saveVersion(ctx context.Context, entity string, id int64, v int, value any) error {
	data, err := t.db.versionData(value)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "INSERT INTO versions (entity, entity_id, version, valid_from, by_user, data) VALUES (?, ?, ?, ?, ?, ?)",
		entity, id, v, t.db.now(), audit.ActorFrom(ctx).Username, data)
	return err
}

// versionData is the JSON of a version record, personal data sealed.
func (db *DB) versionData(value any) (string, error) {
	var sealed any
	var err error
	switch x := value.(type) {
	case registry.Household:
		x.BankAccount, _, err = db.seal(pii.BankAccount, x.BankAccount)
		sealed = x
	case *registry.Person:
		c := *x
		if c.IDNumber, _, err = db.seal(pii.IDNumber, c.IDNumber); err == nil {
			c.Phone, _, err = db.seal(pii.Phone, c.Phone)
		}
		sealed = c
	default:
		return "", fmt.Errorf("versionData: unexpected %T", value)
	}
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(sealed)
	return string(data), err
}

// versionAt reads the version of an entity in force before instant end
// into dst, unsealing personal data.
func (db *DB) versionAt(ctx context.Context, entity string, id int64, end any, dst any) error {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM versions WHERE entity = ? AND entity_id = ? AND valid_from < ?
		ORDER BY version DESC LIMIT 1`, entity, id, end).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Errorf(apperr.NotFound, "no %s %d on that day", entity, id)
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(data), dst); err != nil {
		return err
	}
	switch x := dst.(type) {
	case *registry.Household:
		x.BankAccount, err = db.open(pii.BankAccount, x.BankAccount)
	case *registry.Person:
		if x.IDNumber, err = db.open(pii.IDNumber, x.IDNumber); err == nil {
			x.Phone, err = db.open(pii.Phone, x.Phone)
		}
	}
	return err
}

// HouseholdAt implements registry.Store. The day ends at midnight China
// time: a change recorded at 23:00 on 1 June belongs to 1 June.
func (db *DB) HouseholdAt(ctx context.Context, scope registry.Scope, id int64, d civil.Date) (*registry.Snapshot, error) {
	if _, err := db.household(ctx, db, scope, id); err != nil {
		return nil, err
	}
	end := d.AddDays(1).In(civil.Shanghai).UTC()
	s := &registry.Snapshot{At: d}
	h := &s.Household
	if err := db.versionAt(ctx, "household", id, end, h); err != nil {
		return nil, err
	}
	all, err := db.members(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if !m.Active(d) {
			continue
		}
		// Into a fresh person: a field an old version left out (an
		// omitted empty value) must not keep today's value.
		var p registry.Person
		if err := db.versionAt(ctx, "person", m.Person.ID, end, &p); err != nil {
			if apperr.IsCode(err, apperr.NotFound) {
				continue // registered after d, though recorded as joining earlier
			}
			return nil, err
		}
		m.Person = p
		h.Members = append(h.Members, m)
	}
	rows, err := db.query(ctx, "SELECT "+incomeColumns+` FROM incomes WHERE household_id = ? AND month <= ?
		AND recorded_at < ? AND (superseded_at IS NULL OR superseded_at >= ?) ORDER BY month DESC, id`, id, d.MonthOf(), end, end)
	if s.Incomes, err = collect(rows, err, scanIncome); err != nil {
		return nil, err
	}
	rows, err = db.query(ctx, "SELECT "+assetColumns+` FROM assets WHERE household_id = ? AND valid_from <= ?
		AND (valid_to IS NULL OR valid_to > ?) AND created_at < ? ORDER BY valid_from, id`, id, d, d, end)
	if s.Assets, err = collect(rows, err, scanAsset); err != nil {
		return nil, err
	}
	return s, nil
}

// Versions implements registry.Store.
func (db *DB) Versions(ctx context.Context, scope registry.Scope, householdID int64) ([]registry.Version, error) {
	if _, err := db.household(ctx, db, scope, householdID); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT entity, entity_id, version, valid_from, by_user FROM versions
		WHERE (entity = 'household' AND entity_id = ?)
		OR (entity = 'person' AND entity_id IN (SELECT person_id FROM members WHERE household_id = ?))
		ORDER BY valid_from DESC, entity, entity_id`, householdID, householdID)
	return collect(rows, err, func(sc scanner) (registry.Version, error) {
		var v registry.Version
		var from timestamp
		err := sc.Scan(&v.Entity, &v.EntityID, &v.Version, &from, &v.By)
		v.ValidFrom = from.Time
		return v, err
	})
}
