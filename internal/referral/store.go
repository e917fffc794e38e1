package referral

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

// PartnerFilter selects partners. Zero fields do not filter.
type PartnerFilter struct {
	// Region keeps the partners whose region covers it or lies inside it
	// (a jurisdiction's partners and those serving it from above).
	Region string
	// Serves keeps the partners serving a household in this region.
	Serves string
	Active *bool
}

// Filter selects referrals. A list is always bounded by Region (staff: the
// jurisdiction) or PartnerID (a partner's own).
type Filter struct {
	Region      string
	PartnerID   int64
	HouseholdID int64
	Status      Status
	// Overdue keeps the open referrals whose answer was due before Today.
	Overdue bool
	// Escalated keeps the referrals escalated to Role in Region.
	Escalated bool
	Role      auth.Role
	Today     civil.Date
	Before    int64 // keyset: ids below
	Limit     int
}

// RegionStats counts a region's referrals by outcome: Sent counts every
// referral sent; Waiting those the partner has not answered yet, Accepted
// those in hand, Declined and Done those settled; Overdue the waiting and
// accepted ones past their deadline.
type RegionStats struct {
	Region   string `json:"region"`
	Sent     int    `json:"sent"`
	Waiting  int    `json:"waiting"`
	Accepted int    `json:"accepted"`
	Declined int    `json:"declined"`
	Done     int    `json:"done"`
	Overdue  int    `json:"overdue"`
}

// Store keeps the directory and the referrals. Every change is audited.
type Store interface {
	// Partners lists the directory, by name.
	Partners(ctx context.Context, f PartnerFilter) ([]Partner, error)
	// Partner returns one partner. Errors: NotFound.
	Partner(ctx context.Context, id int64) (*Partner, error)
	// CreatePartner stores a validated partner. Errors: Invalid.
	CreatePartner(ctx context.Context, p *Partner) error
	// UpdatePartner changes a partner read at p.Version.
	// Errors: NotFound, Invalid, Conflict (field version: changed since).
	UpdatePartner(ctx context.Context, p *Partner) error
	// LinkPartnerUser makes a user a login of a partner.
	// Errors: NotFound (partner), Conflict (the user is linked already).
	LinkPartnerUser(ctx context.Context, userID, partnerID int64) error
	// PartnerOfUser returns the partner a user signs in for.
	// Errors: NotFound (not linked).
	PartnerOfUser(ctx context.Context, userID int64) (int64, error)

	// CreateReferral stores a completed referral with its documents and
	// first log entry. Errors: Invalid (application_id, warning_id not of
	// the household).
	CreateReferral(ctx context.Context, r *Referral) error
	// Referral returns a referral with its log and its documents (without
	// their content). The caller checks the reader may see it.
	// Errors: NotFound.
	Referral(ctx context.Context, id int64) (*Referral, error)
	// HouseholdReferrals lists a household's referrals, newest first.
	HouseholdReferrals(ctx context.Context, householdID int64) ([]Referral, error)
	// Referrals lists referrals, newest first, without logs and documents.
	Referrals(ctx context.Context, f Filter) ([]Referral, error)
	// UpdateReferral saves a step taken on a referral read at r.Version
	// (its status fields and its new log entries).
	// Errors: NotFound, Conflict (field version: changed since).
	UpdateReferral(ctx context.Context, r *Referral) error
	// Document returns one document with its content. Errors: NotFound.
	Document(ctx context.Context, id int64) (*Document, error)
	// EscalateOverdueReferrals moves every referral overdue on today a
	// level up, at most once a day, and returns how many moved.
	EscalateOverdueReferrals(ctx context.Context, today civil.Date) (int, error)
	// ReferralStats counts the referrals in region by its child regions.
	ReferralStats(ctx context.Context, region string, today civil.Date) ([]RegionStats, error)
}
