package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

// CreateHouseholds stores many households in one transaction, each behind
// a savepoint so that one household's conflict rolls back only that
// household. It returns one error per household (nil where stored); the
// error of the whole call is for failures of the transaction itself.
// Used by imports and the demo, where a transaction per household would
// spend most of its time committing.
func (db *DB) CreateHouseholds(ctx context.Context, scope registry.Scope, hs []*registry.Household) ([]error, error) {
	errs := make([]error, len(hs))
	today := db.today()
	valid := 0
	for i, h := range hs {
		if errs[i] = h.Validate(scope, today); errs[i] == nil {
			valid++
		}
	}
	if valid == 0 {
		return errs, nil
	}
	// Households whose persons are all unregistered, and appear once in
	// the batch, go in bulk; the rest one by one behind savepoints.
	var ids []string
	for i, h := range hs {
		if errs[i] == nil {
			for _, m := range h.Members {
				ids = append(ids, m.Person.IDNumber)
			}
		}
	}
	reg, err := db.Registered(ctx, ids)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
	}
	var bulk []*registry.Household
	single := make([]bool, len(hs))
	for i, h := range hs {
		if errs[i] != nil {
			continue
		}
		simple := true
		for _, m := range h.Members {
			if _, known := reg[m.Person.IDNumber]; known || m.Person.ID != 0 || seen[m.Person.IDNumber] > 1 {
				simple = false
			}
		}
		if simple {
			bulk = append(bulk, h)
		} else {
			single[i] = true
		}
	}
	err = db.transact(ctx, func(t *Tx) error {
		if len(bulk) > 0 {
			if err := t.bulkCreate(ctx, bulk); err != nil {
				if _, dup := isUniqueViolation(err); dup {
					return errBulkRace
				}
				return err
			}
		}
		return t.createEach(ctx, hs, errs, single)
	})
	if err == errBulkRace {
		// An ID number was registered between the check and the load:
		// do the whole batch household by household.
		for i := range hs {
			single[i] = errs[i] == nil
		}
		err = db.transact(ctx, func(t *Tx) error { return t.createEach(ctx, hs, errs, single) })
	}
	return errs, err
}

// ImportRecords implements registry.Store.
func (db *DB) ImportRecords(ctx context.Context, scope registry.Scope, incomes []registry.Income, assets []registry.Asset) (nIn, nAs int, err error) {
	for i := range incomes {
		if err := incomes[i].Validate(); err != nil {
			return 0, 0, apperr.Prefix(fmt.Sprintf("incomes[%d]", i), err)
		}
	}
	for i := range assets {
		if err := assets[i].Validate(); err != nil {
			return 0, 0, apperr.Prefix(fmt.Sprintf("assets[%d]", i), err)
		}
	}
	err = db.transact(ctx, func(t *Tx) error {
		nIn, nAs = 0, 0
		var ids []int64
		seen := map[int64]bool{}
		for _, id := range append(recordHouseholds(incomes, nil), recordHouseholds(nil, assets)...) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		regions, err := t.householdRegions(ctx, scope, ids)
		if err != nil {
			return err
		}
		// Households with no records of a kind yet (just created, as in a
		// first import) get theirs in bulk; the others record by record,
		// skipping identical records and superseding changed ones.
		freshIn, err := t.withoutRecords(ctx, "incomes", ids)
		if err != nil {
			return err
		}
		freshAs, err := t.withoutRecords(ctx, "assets", ids)
		if err != nil {
			return err
		}
		added := map[int64][2]int{}
		now := db.now()
		inRows := &rowSet{table: "incomes", cols: []string{"county_code", "household_id", "person_id", "type", "month", "amount",
			"employment_cost", "note", "recorded_at"}}
		for i := range incomes {
			in := &incomes[i]
			county := regions[in.HouseholdID].county
			in.RecordedAt = now
			if freshIn[in.HouseholdID] {
				inRows.add(county, in.HouseholdID, nullInt(in.PersonID), string(in.Type), in.Month.String(), int64(in.Amount),
					int64(in.EmploymentCost), in.Note, now)
			} else if ok, err := t.addIncomeUnlessSame(ctx, county, in); err != nil {
				return err
			} else if !ok {
				continue
			}
			nIn++
			c := added[in.HouseholdID]
			c[0]++
			added[in.HouseholdID] = c
		}
		asRows := &rowSet{table: "assets", cols: []string{"county_code", "household_id", "person_id", "type", "description", "value",
			"area", "valid_from", "valid_to", "created_at"}}
		for i := range assets {
			a := &assets[i]
			county := regions[a.HouseholdID].county
			if freshAs[a.HouseholdID] {
				asRows.add(county, a.HouseholdID, nullInt(a.PersonID), string(a.Type), a.Description, int64(a.Value), a.Area,
					t.date(a.ValidFrom), t.date(a.ValidTo), now)
			} else if ok, err := t.addAssetUnlessSame(ctx, county, a, now); err != nil {
				return err
			} else if !ok {
				continue
			}
			nAs++
			c := added[a.HouseholdID]
			c[1]++
			added[a.HouseholdID] = c
		}
		for _, rs := range []*rowSet{inRows, asRows} {
			if err := t.insertRows(ctx, rs); err != nil {
				return err
			}
		}
		audits := auditRows()
		for _, id := range ids {
			if c := added[id]; c != [2]int{} {
				e, err := newAuditEntry("household", id, regions[id].region, "import_records", nil,
					map[string]int{"incomes": c[0], "assets": c[1]})
				if err != nil {
					return err
				}
				if err := t.sealAudit(ctx, e); err != nil {
					return err
				}
				audits.add(auditRow(e)...)
			}
		}
		return t.insertRows(ctx, audits)
	})
	return nIn, nAs, err
}

// Registered implements registry.Store, 500 ID numbers per query.
func (db *DB) Registered(ctx context.Context, idNumbers []string) (map[string]registry.Registration, error) {
	out := map[string]registry.Registration{}
	byIdx := map[string]string{}
	for start := 0; start < len(idNumbers); start += 500 {
		part := idNumbers[start:min(start+500, len(idNumbers))]
		args := make([]any, len(part))
		for i, n := range part {
			idx, err := db.index(pii.IDNumber, n)
			if err != nil {
				return nil, err
			}
			byIdx[idx] = n
			args[i] = idx
		}
		rows, err := db.query(ctx, `SELECT p.id_number_idx, p.id, COALESCE(h.id, 0), COALESCE(h.number, ''), COALESCE(h.region_code, '')
			FROM persons p LEFT JOIN members m ON m.person_id = p.id AND m.left_on IS NULL
			LEFT JOIN households h ON h.id = m.household_id
			WHERE p.id_number_idx IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var idx string
			var r registry.Registration
			if err := rows.Scan(&idx, &r.PersonID, &r.HouseholdID, &r.HouseholdNumber, &r.RegionCode); err != nil {
				rows.Close()
				return nil, err
			}
			out[byIdx[idx]] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// errBulkRace reports that the bulk load met an ID number registered after
// the batch was checked.
var errBulkRace = errors.New("an ID number was registered during the bulk load")

// createEach creates the households marked in which one by one, each behind
// a savepoint so that one household's conflict rolls back only itself; its
// error goes into errs.
func (t *Tx) createEach(ctx context.Context, hs []*registry.Household, errs []error, which []bool) error {
	for i, h := range hs {
		if !which[i] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "SAVEPOINT hh"); err != nil {
			return err
		}
		var saved *auditHead
		if t.head != nil {
			c := *t.head
			saved = &c
		}
		if err := t.createHousehold(ctx, h); err != nil {
			if apperr.As(err) == nil {
				return fmt.Errorf("household %d of the batch: %w", i+1, err)
			}
			errs[i] = err
			h.ID, h.Number = 0, ""
			t.head = saved
			if _, err := t.exec(ctx, "ROLLBACK TO SAVEPOINT hh"); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, "RELEASE SAVEPOINT hh"); err != nil {
			return err
		}
	}
	return nil
}

// recordHouseholds lists the household of each record, in order.
func recordHouseholds(incomes []registry.Income, assets []registry.Asset) []int64 {
	var out []int64
	for _, in := range incomes {
		out = append(out, in.HouseholdID)
	}
	for _, a := range assets {
		out = append(out, a.HouseholdID)
	}
	return out
}

type place struct{ county, region string }

// householdRegions returns the county and region of each household, 500
// at a time. Errors: NotFound for a household missing or outside scope.
func (t *Tx) householdRegions(ctx context.Context, scope registry.Scope, ids []int64) (map[int64]place, error) {
	out := map[int64]place{}
	lo, hi := prefixRange(scope.Region)
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := []any{lo, hi}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := t.query(ctx, `SELECT id, county_code, region_code FROM households WHERE region_code >= ? AND region_code < ?
			AND id IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var p place
			if err := rows.Scan(&id, &p.county, &p.region); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			return nil, notFound("household", id)
		}
	}
	return out, nil
}

// withoutRecords returns which of the households have no rows in table
// (incomes or assets).
func (t *Tx) withoutRecords(ctx context.Context, table string, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := t.query(ctx, "SELECT DISTINCT household_id FROM "+table+" WHERE household_id IN (?"+strings.Repeat(", ?", len(part)-1)+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			delete(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// addIncomeUnlessSame records an income unless an identical one is
// current, superseding a different one for the same person, type and month.
func (t *Tx) addIncomeUnlessSame(ctx context.Context, county string, in *registry.Income) (bool, error) {
	var same int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM incomes WHERE household_id = ? AND COALESCE(person_id, 0) = ?
		AND type = ? AND month = ? AND amount = ? AND employment_cost = ? AND superseded_at IS NULL`,
		in.HouseholdID, in.PersonID, in.Type, in.Month, in.Amount, in.EmploymentCost).Scan(&same); err != nil || same > 0 {
		return false, err
	}
	if _, err := t.exec(ctx, `UPDATE incomes SET superseded_at = ? WHERE household_id = ? AND COALESCE(person_id, 0) = ?
		AND type = ? AND month = ? AND superseded_at IS NULL`, in.RecordedAt, in.HouseholdID, in.PersonID, in.Type, in.Month); err != nil {
		return false, err
	}
	id, err := t.insertID(ctx, `INSERT INTO incomes (county_code, household_id, person_id, type, month, amount,
		employment_cost, note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		county, in.HouseholdID, nullInt(in.PersonID), in.Type, in.Month, in.Amount, in.EmploymentCost, in.Note, in.RecordedAt)
	in.ID = id
	return err == nil, err
}

// addAssetUnlessSame records an asset unless an identical one exists.
func (t *Tx) addAssetUnlessSame(ctx context.Context, county string, a *registry.Asset, now time.Time) (bool, error) {
	var same int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM assets WHERE household_id = ? AND COALESCE(person_id, 0) = ?
		AND type = ? AND description = ? AND value = ? AND valid_from = ?`,
		a.HouseholdID, a.PersonID, a.Type, a.Description, a.Value, a.ValidFrom).Scan(&same); err != nil || same > 0 {
		return false, err
	}
	id, err := t.insertID(ctx, `INSERT INTO assets (county_code, household_id, person_id, type, description, value,
		area, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		county, a.HouseholdID, nullInt(a.PersonID), a.Type, a.Description, a.Value, a.Area, a.ValidFrom, a.ValidTo, now)
	a.ID = id
	return err == nil, err
}
