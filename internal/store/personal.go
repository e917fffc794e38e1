package store

import (
	"safetynet/internal/apperr"
	"safetynet/internal/pii"
	"safetynet/internal/registry"
)

// errNoKeys is returned when personal data is written or read without the
// encryption keys loaded.
var errNoKeys = apperr.Errorf(apperr.Unavailable, "personal data cannot be read or written: no encryption key is loaded (set SAFETYNET_KEY_FILE)")

// seal encrypts v and computes its blind index.
func (db *DB) seal(kind pii.Kind, v string) (enc, idx string, err error) {
	if v == "" {
		return "", "", nil
	}
	if db.keys == nil {
		return "", "", errNoKeys
	}
	enc, err = db.keys.Seal(kind, v)
	return enc, db.keys.Index(kind, v), err
}

// index returns v's blind index (for lookups).
func (db *DB) index(kind pii.Kind, v string) (string, error) {
	if db.keys == nil {
		return "", errNoKeys
	}
	return db.keys.Index(kind, v), nil
}

// open decrypts a sealed value.
func (db *DB) open(kind pii.Kind, enc string) (string, error) {
	if enc == "" {
		return "", nil
	}
	if db.keys == nil {
		return "", errNoKeys
	}
	return db.keys.Open(kind, enc)
}

// maskedHousehold returns a copy of h with personal data masked, for the
// audit trail: an auditor sees that an account changed, never the account.
func maskedHousehold(h *registry.Household) *registry.Household {
	c := *h
	c.BankAccount = pii.Mask(pii.BankAccount, h.BankAccount)
	c.Members = make([]registry.Member, len(h.Members))
	for i, m := range h.Members {
		m.Person = *maskedPerson(&m.Person)
		c.Members[i] = m
	}
	return &c
}

func maskedPerson(p *registry.Person) *registry.Person {
	c := *p
	c.IDNumber = pii.Mask(pii.IDNumber, p.IDNumber)
	c.Phone = pii.Mask(pii.Phone, p.Phone)
	return &c
}

// ownFields is the part of a household kept in a version record (members
// are versioned through their memberships and persons).
func ownFields(h *registry.Household) registry.Household {
	c := *h
	c.Members = nil
	return c
}

// maskedOwn is a household's own fields, masked.
func maskedOwn(h *registry.Household) *registry.Household {
	c := ownFields(h)
	return maskedHousehold(&c)
}
