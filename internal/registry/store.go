package registry

import (
	"context"

	"safetynet/internal/civil"
)

// Store keeps the registry. The SQL implementation is in internal/store.
//
// Every mutating method writes its audit record in the same transaction,
// with the actor taken from ctx (audit.WithActor). Reads take a Scope: rows
// outside it are reported as not found, never as forbidden, so a caller
// cannot learn that a household exists elsewhere.
type Store interface {
	// CreateHousehold stores h with its members and their persons, assigning
	// IDs, the household number and version 1. A member whose person has an
	// ID of 0 is created; one with an ID refers to an existing person.
	// Errors: Invalid (with the field), Conflict (an ID number already
	// registered, naming the household it is in).
	CreateHousehold(ctx context.Context, scope Scope, h *Household) error

	// UpdateHousehold saves h's own fields if h.Version is current, then
	// increments it. Errors: NotFound, Conflict (stale version), Invalid.
	UpdateHousehold(ctx context.Context, scope Scope, h *Household) error

	// Household returns a household with its active members.
	// Errors: NotFound.
	Household(ctx context.Context, scope Scope, id int64) (*Household, error)

	// HouseholdAt returns the household as it stood on day d.
	// Errors: NotFound (also when the household did not yet exist on d).
	HouseholdAt(ctx context.Context, scope Scope, id int64, d civil.Date) (*Snapshot, error)

	// FindHouseholds lists households matching f in code order of
	// (county, id), after f.After, at most f.Limit (default 50, max 500).
	FindHouseholds(ctx context.Context, scope Scope, f HouseholdFilter) ([]HouseholdSummary, error)

	// AddMember adds a membership (creating the person if m.Person.ID is 0).
	// Errors: NotFound, Invalid, Conflict (the person is already an active
	// member of another household, which is named).
	AddMember(ctx context.Context, scope Scope, householdID int64, m *Member) error

	// EndMember ends a membership on a day with a reason.
	// Errors: NotFound, Invalid (ending before joining).
	EndMember(ctx context.Context, scope Scope, memberID int64, on civil.Date, reason string) error

	// Person returns a person. Errors: NotFound.
	Person(ctx context.Context, scope Scope, id int64) (*Person, error)

	// PersonByIDNumber finds a person by exact ID number through the blind
	// index. Errors: NotFound.
	PersonByIDNumber(ctx context.Context, scope Scope, idNumber string) (*Person, error)

	// FindPersons lists persons matching f, by id after f.After.
	FindPersons(ctx context.Context, scope Scope, f PersonFilter) ([]PersonSummary, error)

	// UpdatePerson saves p if p.Version is current.
	// Errors: NotFound, Conflict (stale version or ID number taken), Invalid.
	UpdatePerson(ctx context.Context, scope Scope, p *Person) error

	// AddIncome records a declared income; an earlier record for the same
	// person, type and month is superseded, not changed.
	// Errors: NotFound, Invalid.
	AddIncome(ctx context.Context, scope Scope, in *Income) error

	// Incomes lists a household's current income records, newest month first.
	Incomes(ctx context.Context, scope Scope, householdID int64) ([]Income, error)

	// AddAsset records an asset. Errors: NotFound, Invalid.
	AddAsset(ctx context.Context, scope Scope, a *Asset) error

	// EndAsset records the day an asset stopped being held.
	EndAsset(ctx context.Context, scope Scope, assetID int64, on civil.Date) error

	// Assets lists a household's assets, current and past.
	Assets(ctx context.Context, scope Scope, householdID int64) ([]Asset, error)

	// CreateHouseholds stores many households in one transaction and
	// returns an error per household (nil where stored); see
	// CreateHousehold. The second result is a failure of the whole batch.
	CreateHouseholds(ctx context.Context, scope Scope, hs []*Household) ([]error, error)

	// ImportRecords stores many incomes and assets in one transaction,
	// skipping any identical to a current record, so that importing the
	// same file twice changes nothing. It returns how many were added.
	// Errors: NotFound (a household outside scope), Invalid.
	ImportRecords(ctx context.Context, scope Scope, incomes []Income, assets []Asset) (int, int, error)

	// Registered reports which of the ID numbers are registered, with the
	// person and their current household, in any jurisdiction (callers
	// compare RegionCode with their scope). Used by imports to match
	// whole files with a few queries.
	Registered(ctx context.Context, idNumbers []string) (map[string]Registration, error)

	// RefreshStatistics updates the query planner's statistics after a
	// large import: without it, PostgreSQL plans against the tables' old
	// sizes until autovacuum catches up, and a search can be 25× slower.
	RefreshStatistics(ctx context.Context) error

	// Versions lists the recorded versions of a household and its members.
	Versions(ctx context.Context, scope Scope, householdID int64) ([]Version, error)

	// Counts returns the numbers of households and persons in scope.
	Counts(ctx context.Context, scope Scope) (Counts, error)
}

// Scope is the part of the country a caller may see: a region code prefix
// ("" is the whole country).
type Scope struct{ Region string }

// HouseholdFilter selects households. Zero fields do not filter.
type HouseholdFilter struct {
	Region   string // a region code prefix inside the scope
	Number   string // exact household number
	Name     string // a current member's name, or its beginning ("张", "张三")
	IDNumber string // a member's exact ID number
	After    int64  // keyset cursor: households with a larger id
	Limit    int
}

// HouseholdSummary is one row of a household list.
type HouseholdSummary struct {
	ID         int64     `json:"id"`
	Number     string    `json:"number"`
	RegionCode string    `json:"region_code"`
	Address    string    `json:"address"`
	HukouType  HukouType `json:"hukou_type"`
	HeadName   string    `json:"head_name"`
	Size       int       `json:"size"`
	Version    int       `json:"version"`
}

// PersonFilter selects persons. Zero fields do not filter.
type PersonFilter struct {
	Region   string
	Name     string // the name, or its beginning
	IDNumber string // exact
	After    int64
	Limit    int
}

// PersonSummary is one row of a person list.
type PersonSummary struct {
	Person
	HouseholdID     int64  `json:"household_id,omitempty"`
	HouseholdNumber string `json:"household_number,omitempty"`
	RegionCode      string `json:"region_code,omitempty"`
}

// Counts are the registry's totals in a scope.
type Counts struct {
	Households int `json:"households"`
	Persons    int `json:"persons"`
	Disabled   int `json:"disabled"`
	Deceased   int `json:"deceased"`
}

// Registration is where a registered ID number belongs.
type Registration struct {
	PersonID        int64
	HouseholdID     int64 // 0 if the person is in no active household
	HouseholdNumber string
	RegionCode      string
}
