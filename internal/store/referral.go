package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/pii"
	"safetynet/internal/referral"
)

var _ referral.Store = (*DB)(nil)

// The partner directory (协作单位) and the partners' logins.

const partnerColumns = `id, name, kind, region, needs, contact, phone_enc, active, version, created_at, updated_at`

func (db *DB) scanPartner(sc interface{ Scan(...any) error }) (*referral.Partner, error) {
	var p referral.Partner
	var kind, needs, phone string
	var active int64
	var created, updated timestamp
	if err := sc.Scan(&p.ID, &p.Name, &kind, &p.Region, &needs, &p.Contact, &phone, &active, &p.Version, &created, &updated); err != nil {
		return nil, err
	}
	p.Kind, p.Active, p.CreatedAt, p.UpdatedAt = referral.PartnerKind(kind), active != 0, created.Time, updated.Time
	if err := json.Unmarshal([]byte(needs), &p.Needs); err != nil {
		return nil, fmt.Errorf("partner %d needs: %w", p.ID, err)
	}
	var err error
	p.Phone, err = db.open(pii.Phone, phone)
	return &p, err
}

// maskedPartner is what the audit trail keeps of a partner: its phone
// masked.
func maskedPartner(p *referral.Partner) referral.Partner {
	c := *p
	c.Phone = pii.Mask(pii.Phone, p.Phone)
	return c
}

// Partners implements referral.Store. The directory is small: it is read
// whole and filtered here.
func (db *DB) Partners(ctx context.Context, f referral.PartnerFilter) ([]referral.Partner, error) {
	rows, err := db.query(ctx, `SELECT `+partnerColumns+` FROM partners ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []referral.Partner{}
	for rows.Next() {
		p, err := db.scanPartner(rows)
		if err != nil {
			return nil, err
		}
		if f.Region != "" && !strings.HasPrefix(f.Region, p.Region) && !strings.HasPrefix(p.Region, f.Region) {
			continue
		}
		if f.Serves != "" && !p.Serves(f.Serves) {
			continue
		}
		if f.Active != nil && p.Active != *f.Active {
			continue
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Partner implements referral.Store.
func (db *DB) Partner(ctx context.Context, id int64) (*referral.Partner, error) {
	p, err := db.scanPartner(db.queryRow(ctx, `SELECT `+partnerColumns+` FROM partners WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("partner", id)
	}
	return p, err
}

// CreatePartner implements referral.Store.
func (db *DB) CreatePartner(ctx context.Context, p *referral.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	needs, err := json.Marshal(p.Needs)
	if err != nil {
		return err
	}
	enc, idx, err := db.seal(pii.Phone, p.Phone)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		p.Version, p.CreatedAt, p.UpdatedAt = 1, now, now
		var err error
		p.ID, err = t.insertID(ctx, `INSERT INTO partners (name, kind, region, needs, contact, phone_enc, phone_idx, active, version,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Name, string(p.Kind), p.Region, string(needs), p.Contact, enc, idx, boolInt(p.Active), p.Version,
			audit.ActorFrom(ctx).Username, now, now)
		if err != nil {
			return err
		}
		return t.audit(ctx, "partner", p.ID, p.Region, "create", nil, maskedPartner(p))
	})
}

// UpdatePartner implements referral.Store.
func (db *DB) UpdatePartner(ctx context.Context, p *referral.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	needs, err := json.Marshal(p.Needs)
	if err != nil {
		return err
	}
	enc, idx, err := db.seal(pii.Phone, p.Phone)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		old, err := db.scanPartner(t.queryRow(ctx, `SELECT `+partnerColumns+` FROM partners WHERE id = ?`, p.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("partner", p.ID)
		}
		if err != nil {
			return err
		}
		if old.Version != p.Version {
			return staleVersion("partner", p.Version, old.Version)
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		res, err := t.exec(ctx, `UPDATE partners SET name = ?, kind = ?, region = ?, needs = ?, contact = ?, phone_enc = ?, phone_idx = ?,
			active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			p.Name, string(p.Kind), p.Region, string(needs), p.Contact, enc, idx, boolInt(p.Active), now, p.ID, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion("partner", p.Version, p.Version+1)
		}
		p.Version, p.CreatedAt, p.UpdatedAt = p.Version+1, old.CreatedAt, now
		return t.audit(ctx, "partner", p.ID, p.Region, "update", maskedPartner(old), maskedPartner(p))
	})
}

// LinkPartnerUser implements referral.Store.
func (db *DB) LinkPartnerUser(ctx context.Context, userID, partnerID int64) error {
	return db.transact(ctx, func(t *Tx) error {
		var region string
		err := t.queryRow(ctx, `SELECT region FROM partners WHERE id = ?`, partnerID).Scan(&region)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("partner", partnerID)
		}
		if err != nil {
			return err
		}
		_, err = t.exec(ctx, `INSERT INTO partner_users (user_id, partner_id, created_by, created_at) VALUES (?, ?, ?, ?)`,
			userID, partnerID, audit.ActorFrom(ctx).Username, db.now().UTC())
		if _, dup := isUniqueViolation(err); dup {
			return apperr.Errorf(apperr.Conflict, "user %d signs in for a partner already", userID)
		}
		if err != nil {
			return err
		}
		return t.audit(ctx, "partner_user", userID, region, "link", nil, map[string]any{"user_id": userID, "partner_id": partnerID})
	})
}

// PartnerOfUser implements referral.Store.
func (db *DB) PartnerOfUser(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := db.queryRow(ctx, `SELECT partner_id FROM partner_users WHERE user_id = ?`, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.Errorf(apperr.NotFound, "the user signs in for no partner")
	}
	return id, err
}

// PartnerUsers lists the usernames that sign in for a partner.
func (db *DB) PartnerUsers(ctx context.Context, partnerID int64) ([]string, error) {
	rows, err := db.query(ctx, `SELECT u.username FROM partner_users pu JOIN users u ON u.id = pu.user_id WHERE pu.partner_id = ? ORDER BY u.username`, partnerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
