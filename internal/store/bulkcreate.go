package store

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

// bulkCreate inserts validated households whose persons are all new, with
// their persons, memberships, version records and audit records, in a few
// bulk statements: ids are reserved up front and every row is built in Go.
// It writes exactly what createHousehold writes, household by household.
// A unique violation (an ID number registered meanwhile) fails the whole
// call; the caller then falls back to the household-by-household path.
func (t *Tx) bulkCreate(ctx context.Context, hs []*registry.Household) error {
	db := t.db
	n := 0
	counties := map[string]int{}
	for _, h := range hs {
		n += len(h.Members)
		counties[h.CountyCode]++
	}
	hids, err := t.reserveIDs(ctx, "households", len(hs))
	if err != nil {
		return err
	}
	pids, err := t.reserveIDs(ctx, "persons", n)
	if err != nil {
		return err
	}
	mids, err := t.reserveIDs(ctx, "members", n)
	if err != nil {
		return err
	}
	next := map[string]int64{} // the next household number per county
	for county, k := range counties {
		var last int64
		if err := t.queryRow(ctx, `INSERT INTO sequences (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = sequences.value + excluded.value RETURNING value`,
			"household:"+county, k).Scan(&last); err != nil {
			return err
		}
		next[county] = last - int64(k) + 1
	}
	now := db.now()
	by := audit.ActorFrom(ctx).Username
	households := &rowSet{table: "households", cols: []string{"id", "county_code", "number", "region_code", "address", "hukou_type",
		"residence_region", "residence_address", "bank_name", "bank_account_enc", "bank_account_idx", "bank_holder",
		"version", "created_at", "updated_at"}}
	persons := &rowSet{table: "persons", cols: []string{"id", "county_code", "name", "id_number_enc", "id_number_idx", "sex", "birth_date",
		"phone_enc", "phone_idx", "hukou_region", "school_status", "employment_status", "labour_capacity", "disability_category",
		"disability_grade", "serious_illness", "self_care", "death_date", "version", "created_at", "updated_at"}}
	members := &rowSet{table: "members", cols: []string{"id", "county_code", "household_id", "person_id", "relationship", "joined_on",
		"join_reason", "left_on", "leave_reason", "created_at"}}
	versions := &rowSet{table: "versions", cols: []string{"entity", "entity_id", "version", "valid_from", "by_user", "data"}}
	audits := auditRows()
	k := 0
	for i, h := range hs {
		h.ID, h.Version, h.CreatedAt, h.UpdatedAt = hids[i], 1, now, now
		h.Number = fmt.Sprintf("%s-%07d", h.CountyCode, next[h.CountyCode])
		next[h.CountyCode]++
		enc, idx, err := db.seal(pii.BankAccount, h.BankAccount)
		if err != nil {
			return err
		}
		households.add(h.ID, h.CountyCode, h.Number, h.RegionCode, h.Address, string(h.HukouType), h.ResidenceRegion,
			h.ResidenceAddress, h.BankName, enc, idx, h.BankHolder, h.Version, now, now)
		data, err := db.versionData(ownFields(h))
		if err != nil {
			return err
		}
		versions.add("household", h.ID, 1, now, by, data)
		for j := range h.Members {
			m, p := &h.Members[j], &h.Members[j].Person
			p.ID, p.Version, p.CreatedAt, p.UpdatedAt = pids[k], 1, now, now
			m.ID, m.HouseholdID = mids[k], h.ID
			k++
			if m.JoinedOn.IsZero() {
				m.JoinedOn = db.today()
			}
			idEnc, idIdx, err := db.seal(pii.IDNumber, p.IDNumber)
			if err != nil {
				return err
			}
			phEnc, phIdx, err := db.seal(pii.Phone, p.Phone)
			if err != nil {
				return err
			}
			persons.add(p.ID, h.CountyCode, p.Name, idEnc, idIdx, string(p.Sex), t.date(p.Birth), phEnc, phIdx, p.HukouRegion,
				string(p.SchoolStatus), string(p.EmploymentStatus), string(p.LabourCapacity), string(p.DisabilityCategory),
				p.DisabilityGrade, p.SeriousIllness, string(p.SelfCare), t.date(p.Death), 1, now, now)
			members.add(m.ID, h.CountyCode, h.ID, p.ID, string(m.Relationship), t.date(m.JoinedOn), m.JoinReason,
				t.date(m.LeftOn), m.LeaveReason, now)
			data, err := db.versionData(p)
			if err != nil {
				return err
			}
			versions.add("person", p.ID, 1, now, by, data)
		}
		e, err := newAuditEntry("household", h.ID, h.RegionCode, "create", nil, maskedHousehold(h))
		if err != nil {
			return err
		}
		if err := t.sealAudit(ctx, e); err != nil {
			return err
		}
		audits.add(auditRow(e)...)
	}
	for _, rs := range []*rowSet{households, persons, members, versions, audits} {
		if err := t.insertRows(ctx, rs); err != nil {
			return err
		}
	}
	return nil
}

// date is a civil date as the dialect's bulk path takes it: text on
// SQLite (as civil.Date.Value writes it), a time on PostgreSQL's binary
// COPY; NULL for the zero date.
func (t *Tx) date(d civil.Date) any {
	if d.IsZero() {
		return nil
	}
	if t.db.dialect == Postgres {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	}
	return d.String()
}
