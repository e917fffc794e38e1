package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

// today is the current civil day in China, by the store's clock.
func (db *DB) today() civil.Date { return civil.DateOf(db.now().In(civil.Shanghai)) }

// CreateHousehold implements registry.Store.
func (db *DB) CreateHousehold(ctx context.Context, scope registry.Scope, h *registry.Household) error {
	if err := h.Validate(scope, db.today()); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error { return t.createHousehold(ctx, h) })
}

// createHousehold inserts a validated household with its members.
func (t *Tx) createHousehold(ctx context.Context, h *registry.Household) error {
	db := t.db
	now := db.now()
	seq, err := t.nextSeq(ctx, "household:"+h.CountyCode)
	if err != nil {
		return err
	}
	h.Number = fmt.Sprintf("%s-%07d", h.CountyCode, seq)
	enc, idx, err := db.seal(pii.BankAccount, h.BankAccount)
	if err != nil {
		return err
	}
	h.Version, h.CreatedAt, h.UpdatedAt = 1, now, now
	h.ID, err = t.insertID(ctx, `INSERT INTO households (county_code, number, region_code, address, hukou_type,
		residence_region, residence_address, bank_name, bank_account_enc, bank_account_idx, bank_holder,
		version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.CountyCode, h.Number, h.RegionCode, h.Address, h.HukouType, h.ResidenceRegion, h.ResidenceAddress,
		h.BankName, enc, idx, h.BankHolder, h.Version, now, now)
	if err != nil {
		return fmt.Errorf("insert household: %w", err)
	}
	if err := t.saveVersion(ctx, "household", h.ID, h.Version, ownFields(h)); err != nil {
		return err
	}
	for i := range h.Members {
		if err := t.addMember(ctx, h, &h.Members[i], fmt.Sprintf("members[%d]", i)); err != nil {
			return err
		}
	}
	return t.audit(ctx, "household", h.ID, h.RegionCode, "create", nil, maskedHousehold(h))
}

// nextSeq returns the next value of a named counter.
func (t *Tx) nextSeq(ctx context.Context, name string) (int64, error) {
	var v int64
	err := t.queryRow(ctx, `INSERT INTO sequences (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value`, name).Scan(&v)
	return v, err
}

// addMember inserts a membership of h, creating its person when new. field
// is the member's path for error messages.
func (t *Tx) addMember(ctx context.Context, h *registry.Household, m *registry.Member, field string) error {
	db := t.db
	now := db.now()
	p := &m.Person
	if p.ID == 0 {
		// A known ID number refers to the person already registered.
		existing, err := t.personByIndex(ctx, p.IDNumber)
		switch {
		case err == nil:
			p.ID = existing.ID
		case apperr.IsCode(err, apperr.NotFound):
			if err := t.insertPerson(ctx, h.CountyCode, p); err != nil {
				return apperr.Prefix(field+".person", err)
			}
		default:
			return err
		}
	}
	if other, err := t.activeHousehold(ctx, p.ID); err != nil {
		return err
	} else if other != "" {
		return &apperr.Error{Code: apperr.Conflict, Field: strings.TrimPrefix(field+".person.id_number", "."),
			Message: fmt.Sprintf("ID number %s is already an active member of household %s", pii.Mask(pii.IDNumber, p.IDNumber), other)}
	}
	if m.JoinedOn.IsZero() {
		m.JoinedOn = db.today()
	}
	var err error
	m.HouseholdID = h.ID
	m.ID, err = t.insertID(ctx, `INSERT INTO members (county_code, household_id, person_id, relationship, joined_on,
		join_reason, left_on, leave_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.CountyCode, h.ID, p.ID, m.Relationship, m.JoinedOn, m.JoinReason, m.LeftOn, m.LeaveReason, now)
	if err != nil {
		if _, ok := isUniqueViolation(err); ok {
			return apperr.Errorf(apperr.Conflict, "the person is already an active member of another household")
		}
		return fmt.Errorf("insert member: %w", err)
	}
	return nil
}

// activeHousehold returns the number of the household the person is an
// active member of, or "".
func (t *Tx) activeHousehold(ctx context.Context, personID int64) (string, error) {
	var number string
	err := t.queryRow(ctx, `SELECT h.number FROM members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = ? AND m.left_on IS NULL`, personID).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return number, err
}

// UpdateHousehold implements registry.Store.
func (db *DB) UpdateHousehold(ctx context.Context, scope registry.Scope, h *registry.Household) error {
	if err := h.ValidateOwn(scope); err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		old, err := db.household(ctx, t, scope, h.ID)
		if err != nil {
			return err
		}
		if old.Version != h.Version {
			return staleVersion("household", h.Version, old.Version)
		}
		enc, idx, err := db.seal(pii.BankAccount, h.BankAccount)
		if err != nil {
			return err
		}
		now := db.now()
		h.Number, h.CreatedAt, h.UpdatedAt, h.Version = old.Number, old.CreatedAt, now, old.Version+1
		res, err := t.exec(ctx, `UPDATE households SET county_code = ?, region_code = ?, address = ?, hukou_type = ?,
			residence_region = ?, residence_address = ?, bank_name = ?, bank_account_enc = ?, bank_account_idx = ?,
			bank_holder = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			h.CountyCode, h.RegionCode, h.Address, h.HukouType, h.ResidenceRegion, h.ResidenceAddress, h.BankName,
			enc, idx, h.BankHolder, h.Version, now, h.ID, old.Version)
		if err != nil {
			return fmt.Errorf("update household: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion("household", old.Version, old.Version+1)
		}
		if err := t.saveVersion(ctx, "household", h.ID, h.Version, ownFields(h)); err != nil {
			return err
		}
		h.Members = old.Members
		return t.audit(ctx, "household", h.ID, h.RegionCode, "update", maskedOwn(old), maskedOwn(h))
	})
}

func staleVersion(entity string, have, current int) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "version",
		Message: fmt.Sprintf("this %s was changed by someone else (your version %d, now %d): reload it and apply your change again", entity, have, current)}
}

// Household implements registry.Store.
func (db *DB) Household(ctx context.Context, scope registry.Scope, id int64) (*registry.Household, error) {
	return db.household(ctx, db, scope, id)
}

const householdColumns = `id, county_code, number, region_code, address, hukou_type, residence_region,
	residence_address, bank_name, bank_account_enc, bank_holder, version, created_at, updated_at`

func (db *DB) scanHousehold(sc interface{ Scan(...any) error }) (*registry.Household, error) {
	var h registry.Household
	var enc string
	var created, updated timestamp
	if err := sc.Scan(&h.ID, &h.CountyCode, &h.Number, &h.RegionCode, &h.Address, &h.HukouType, &h.ResidenceRegion,
		&h.ResidenceAddress, &h.BankName, &enc, &h.BankHolder, &h.Version, &created, &updated); err != nil {
		return nil, err
	}
	h.CreatedAt, h.UpdatedAt = created.Time, updated.Time
	var err error
	h.BankAccount, err = db.open(pii.BankAccount, enc)
	return &h, err
}

// household reads a household in scope with its active members.
func (db *DB) household(ctx context.Context, qr querier, scope registry.Scope, id int64) (*registry.Household, error) {
	lo, hi := prefixRange(scope.Region)
	h, err := db.scanHousehold(qr.queryRow(ctx, "SELECT "+householdColumns+
		" FROM households WHERE id = ? AND region_code >= ? AND region_code < ?", id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("household", id)
	}
	if err != nil {
		return nil, err
	}
	h.Members, err = db.members(ctx, qr, id, true)
	return h, err
}

func notFound(entity string, id int64) error {
	return apperr.Errorf(apperr.NotFound, "no %s %d", entity, id)
}

// members lists a household's memberships with their persons, the active
// ones only if active is set, head first.
func (db *DB) members(ctx context.Context, qr querier, householdID int64, active bool) ([]registry.Member, error) {
	q := `SELECT m.id, m.household_id, m.relationship, m.joined_on, m.join_reason, m.left_on, m.leave_reason, ` +
		prefixed("p.", personColumns) + ` FROM members m JOIN persons p ON p.id = m.person_id WHERE m.household_id = ?`
	if active {
		q += " AND m.left_on IS NULL"
	}
	q += " ORDER BY CASE WHEN m.relationship = 'head' THEN 0 ELSE 1 END, m.id"
	rows, err := qr.query(ctx, q, householdID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Member
	for rows.Next() {
		var m registry.Member
		pr := &personRow{p: &m.Person}
		dst := append([]any{&m.ID, &m.HouseholdID, &m.Relationship, &m.JoinedOn, &m.JoinReason, &m.LeftOn, &m.LeaveReason}, pr.dest()...)
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		if err := pr.finish(db); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindHouseholds implements registry.Store.
func (db *DB) FindHouseholds(ctx context.Context, scope registry.Scope, f registry.HouseholdFilter) ([]registry.HouseholdSummary, error) {
	lo, hi := prefixRange(scope.Region)
	q := `SELECT h.id, h.number, h.region_code, h.address, h.hukou_type, h.version,
		COALESCE((SELECT p.name FROM members m JOIN persons p ON p.id = m.person_id
			WHERE m.household_id = h.id AND m.left_on IS NULL AND m.relationship = 'head' LIMIT 1), ''),
		(SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.left_on IS NULL)
		FROM households h WHERE h.region_code >= ? AND h.region_code < ?`
	args := []any{lo, hi}
	if f.Region != "" {
		flo, fhi := prefixRange(f.Region)
		q += " AND h.region_code >= ? AND h.region_code < ?"
		args = append(args, flo, fhi)
	}
	if f.Number != "" {
		q += " AND h.number = ?"
		args = append(args, f.Number)
	}
	if f.Name != "" {
		// Driven from the name index: the persons whose name starts so,
		// then their households.
		lo, hi := namePrefix(f.Name)
		q += ` AND h.id IN (SELECT m.household_id FROM persons p JOIN members m ON m.person_id = p.id
			WHERE ` + db.nameColumn() + ` >= ? AND ` + db.nameColumn() + ` < ? AND m.left_on IS NULL)`
		args = append(args, lo, hi)
	}
	if f.IDNumber != "" {
		idx, err := db.index(pii.IDNumber, f.IDNumber)
		if err != nil {
			return nil, err
		}
		// Driven from the blind index: one person, then their households.
		q += ` AND h.id IN (SELECT m.household_id FROM persons p JOIN members m ON m.person_id = p.id
			WHERE p.id_number_idx = ?)`
		args = append(args, idx)
	}
	if f.After > 0 {
		q += " AND h.id > ?"
		args = append(args, f.After)
	}
	q += " ORDER BY h.id LIMIT ?"
	args = append(args, limit(f.Limit, 50, 500))
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []registry.HouseholdSummary{}
	for rows.Next() {
		var s registry.HouseholdSummary
		if err := rows.Scan(&s.ID, &s.Number, &s.RegionCode, &s.Address, &s.HukouType, &s.Version, &s.HeadName, &s.Size); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Counts implements registry.Store.
func (db *DB) Counts(ctx context.Context, scope registry.Scope) (registry.Counts, error) {
	lo, hi := prefixRange(scope.Region)
	var c registry.Counts
	err := db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM households WHERE region_code >= ? AND region_code < ?),
		COUNT(*),
		COALESCE(SUM(CASE WHEN p.disability_grade > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.death_date IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM members m JOIN households h ON h.id = m.household_id JOIN persons p ON p.id = m.person_id
		WHERE m.left_on IS NULL AND h.region_code >= ? AND h.region_code < ?`, lo, hi, lo, hi).
		Scan(&c.Households, &c.Persons, &c.Disabled, &c.Deceased)
	return c, err
}
