package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

const personColumns = `id, name, id_number_enc, sex, birth_date, phone_enc, hukou_region, school_status,
	employment_status, labour_capacity, disability_category, disability_grade, serious_illness, self_care,
	death_date, version, created_at, updated_at`

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// personRow scans personColumns into a Person; finish decrypts.
type personRow struct {
	p                *registry.Person
	idEnc, phoneEnc  string
	created, updated timestamp
}

func (r *personRow) dest() []any {
	p := r.p
	return []any{&p.ID, &p.Name, &r.idEnc, &p.Sex, &p.Birth, &r.phoneEnc, &p.HukouRegion, &p.SchoolStatus,
		&p.EmploymentStatus, &p.LabourCapacity, &p.DisabilityCategory, &p.DisabilityGrade, &p.SeriousIllness,
		&p.SelfCare, &p.Death, &p.Version, &r.created, &r.updated}
}

func (r *personRow) finish(db *DB) (err error) {
	r.p.CreatedAt, r.p.UpdatedAt = r.created.Time, r.updated.Time
	if r.p.IDNumber, err = db.open(pii.IDNumber, r.idEnc); err != nil {
		return err
	}
	r.p.Phone, err = db.open(pii.Phone, r.phoneEnc)
	return err
}

// insertPerson stores a new person, refusing an ID number already
// registered (naming the household it is in, masked).
func (t *Tx) insertPerson(ctx context.Context, county string, p *registry.Person) error {
	db := t.db
	idEnc, idIdx, err := db.seal(pii.IDNumber, p.IDNumber)
	if err != nil {
		return err
	}
	phEnc, phIdx, err := db.seal(pii.Phone, p.Phone)
	if err != nil {
		return err
	}
	now := db.now()
	p.Version, p.CreatedAt, p.UpdatedAt = 1, now, now
	p.ID, err = t.insertID(ctx, `INSERT INTO persons (county_code, name, id_number_enc, id_number_idx, sex, birth_date,
		phone_enc, phone_idx, hukou_region, school_status, employment_status, labour_capacity, disability_category,
		disability_grade, serious_illness, self_care, death_date, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		county, p.Name, idEnc, idIdx, p.Sex, p.Birth, phEnc, phIdx, p.HukouRegion, p.SchoolStatus, p.EmploymentStatus,
		p.LabourCapacity, p.DisabilityCategory, p.DisabilityGrade, p.SeriousIllness, p.SelfCare, p.Death,
		p.Version, now, now)
	if err != nil {
		if _, ok := isUniqueViolation(err); ok {
			return t.idNumberTaken(ctx, p.IDNumber)
		}
		return fmt.Errorf("insert person: %w", err)
	}
	return t.saveVersion(ctx, "person", p.ID, p.Version, p)
}

// idNumberTaken is the conflict for an ID number registered already.
func (t *Tx) idNumberTaken(ctx context.Context, idNumber string) error {
	msg := fmt.Sprintf("ID number %s is already registered", pii.Mask(pii.IDNumber, idNumber))
	if p, err := t.personByIndex(ctx, idNumber); err == nil {
		if number, _ := t.activeHousehold(ctx, p.ID); number != "" {
			msg += " in household " + number
		}
	}
	return &apperr.Error{Code: apperr.Conflict, Field: "id_number", Message: msg}
}

// personByIndex finds a person by ID number regardless of scope (for
// uniqueness checks inside a write).
func (t *Tx) personByIndex(ctx context.Context, idNumber string) (*registry.Person, error) {
	idx, err := t.db.index(pii.IDNumber, idNumber)
	if err != nil {
		return nil, err
	}
	p := &registry.Person{}
	r := &personRow{p: p}
	err = t.queryRow(ctx, "SELECT "+personColumns+" FROM persons WHERE id_number_idx = ?", idx).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no person with this ID number")
	}
	if err != nil {
		return nil, err
	}
	return p, r.finish(t.db)
}

// inScope is the condition that a person belongs, or last belonged, to a
// household inside a region range (two '?' arguments: lo, hi).
const personInScope = `EXISTS (SELECT 1 FROM members m JOIN households h ON h.id = m.household_id
	WHERE m.person_id = p.id AND h.region_code >= ? AND h.region_code < ?)`

// Person implements registry.Store.
func (db *DB) Person(ctx context.Context, scope registry.Scope, id int64) (*registry.Person, error) {
	return db.person(ctx, db, scope, "p.id = ?", id)
}

// PersonByIDNumber implements registry.Store.
func (db *DB) PersonByIDNumber(ctx context.Context, scope registry.Scope, idNumber string) (*registry.Person, error) {
	idx, err := db.index(pii.IDNumber, idNumber)
	if err != nil {
		return nil, err
	}
	return db.person(ctx, db, scope, "p.id_number_idx = ?", idx)
}

func (db *DB) person(ctx context.Context, qr querier, scope registry.Scope, cond string, arg any) (*registry.Person, error) {
	lo, hi := prefixRange(scope.Region)
	p := &registry.Person{}
	r := &personRow{p: p}
	err := qr.queryRow(ctx, "SELECT "+prefixed("p.", personColumns)+" FROM persons p WHERE "+cond+" AND "+personInScope,
		arg, lo, hi).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no such person")
	}
	if err != nil {
		return nil, err
	}
	return p, r.finish(db)
}

// FindPersons implements registry.Store.
func (db *DB) FindPersons(ctx context.Context, scope registry.Scope, f registry.PersonFilter) ([]registry.PersonSummary, error) {
	lo, hi := prefixRange(scope.Region)
	q := "SELECT " + prefixed("p.", personColumns) + `, COALESCE(h.id, 0), COALESCE(h.number, ''), COALESCE(h.region_code, '')
		FROM persons p
		LEFT JOIN members m ON m.person_id = p.id AND m.left_on IS NULL
		LEFT JOIN households h ON h.id = m.household_id
		WHERE ` + personInScope
	args := []any{lo, hi}
	if f.Region != "" {
		flo, fhi := prefixRange(f.Region)
		q += " AND h.region_code >= ? AND h.region_code < ?"
		args = append(args, flo, fhi)
	}
	if f.Name != "" {
		lo, hi := namePrefix(f.Name)
		q += " AND " + db.nameColumn() + " >= ? AND " + db.nameColumn() + " < ?"
		args = append(args, lo, hi)
	}
	if f.IDNumber != "" {
		idx, err := db.index(pii.IDNumber, f.IDNumber)
		if err != nil {
			return nil, err
		}
		q += " AND p.id_number_idx = ?"
		args = append(args, idx)
	}
	if f.After > 0 {
		q += " AND p.id > ?"
		args = append(args, f.After)
	}
	q += " ORDER BY p.id LIMIT ?"
	args = append(args, limit(f.Limit, 50, 500))
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []registry.PersonSummary{}
	for rows.Next() {
		var s registry.PersonSummary
		r := &personRow{p: &s.Person}
		if err := rows.Scan(append(r.dest(), &s.HouseholdID, &s.HouseholdNumber, &s.RegionCode)...); err != nil {
			return nil, err
		}
		if err := r.finish(db); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// UpdatePerson implements registry.Store.
func (db *DB) UpdatePerson(ctx context.Context, scope registry.Scope, p *registry.Person) error {
	if err := p.Validate(db.today()); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		old, err := db.person(ctx, t, scope, "p.id = ?", p.ID)
		if err != nil {
			return err
		}
		if old.Version != p.Version {
			return staleVersion("person", p.Version, old.Version)
		}
		idEnc, idIdx, err := db.seal(pii.IDNumber, p.IDNumber)
		if err != nil {
			return err
		}
		phEnc, phIdx, err := db.seal(pii.Phone, p.Phone)
		if err != nil {
			return err
		}
		now := db.now()
		p.CreatedAt, p.UpdatedAt, p.Version = old.CreatedAt, now, old.Version+1
		res, err := t.exec(ctx, `UPDATE persons SET name = ?, id_number_enc = ?, id_number_idx = ?, sex = ?, birth_date = ?,
			phone_enc = ?, phone_idx = ?, hukou_region = ?, school_status = ?, employment_status = ?, labour_capacity = ?,
			disability_category = ?, disability_grade = ?, serious_illness = ?, self_care = ?, death_date = ?,
			version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			p.Name, idEnc, idIdx, p.Sex, p.Birth, phEnc, phIdx, p.HukouRegion, p.SchoolStatus, p.EmploymentStatus,
			p.LabourCapacity, p.DisabilityCategory, p.DisabilityGrade, p.SeriousIllness, p.SelfCare, p.Death,
			p.Version, now, p.ID, old.Version)
		if err != nil {
			if _, ok := isUniqueViolation(err); ok {
				return t.idNumberTaken(ctx, p.IDNumber)
			}
			return fmt.Errorf("update person: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion("person", old.Version, old.Version+1)
		}
		if err := t.saveVersion(ctx, "person", p.ID, p.Version, p); err != nil {
			return err
		}
		return t.audit(ctx, "person", p.ID, t.personRegion(ctx, p.ID), "update", maskedPerson(old), maskedPerson(p))
	})
}

// personRegion is the region of the person's current (or last) household,
// recorded on audit rows so that auditors see them in their jurisdiction.
func (t *Tx) personRegion(ctx context.Context, personID int64) string {
	var code string
	t.queryRow(ctx, `SELECT h.region_code FROM members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = ? ORDER BY m.left_on IS NULL DESC, m.id DESC LIMIT 1`, personID).Scan(&code)
	return code
}
