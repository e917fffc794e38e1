// Package registry is the social registry: households, persons, membership,
// declared incomes and assets, and the special conditions (disability, illness,
// self-care) that the programs look at.
//
// History is kept: memberships and assets are valid-from/valid-to records,
// incomes are declared per month and superseded rather than overwritten, and
// every version of a household or person is kept, so the state of a household
// at any past date can be recovered (see Store.HouseholdAt).
//
// Values here are plain: ID numbers, phones and bank accounts are clear text
// in memory. The store encrypts them at rest; the web layer masks them for
// viewers without the permission to see them.
package registry

import (
	"time"

	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// Household is one family unit registered for assistance (家庭/户).
type Household struct {
	ID int64 `json:"id"`
	// Number is the household number (户编号), county code and a sequence:
	// "440103-0000123". Assigned by the store.
	Number string `json:"number"`
	// CountyCode is the 6-digit county of RegionCode: the partition key.
	CountyCode string `json:"county_code"`
	// RegionCode is where the household is registered: a village (12 digits)
	// or at least a township (9 digits).
	RegionCode string    `json:"region_code"`
	Address    string    `json:"address"`
	HukouType  HukouType `json:"hukou_type"`
	// ResidenceRegion and ResidenceAddress are the place of residence when
	// it differs from the household registration (居住地).
	ResidenceRegion  string `json:"residence_region,omitempty"`
	ResidenceAddress string `json:"residence_address,omitempty"`
	// Bank account for payments (代发账户).
	BankName    string `json:"bank_name,omitempty"`
	BankAccount string `json:"bank_account,omitempty"`
	BankHolder  string `json:"bank_holder,omitempty"`

	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// Members are the memberships active at the date the household was read
	// for, each with its person.
	Members []Member `json:"members"`
}

// Head returns the member recorded as head of household, if any.
func (h *Household) Head() *Member {
	for i := range h.Members {
		if h.Members[i].Relationship == RelHead {
			return &h.Members[i]
		}
	}
	return nil
}

// Member is a person's membership of a household over a period.
type Member struct {
	ID           int64        `json:"id"`
	HouseholdID  int64        `json:"household_id"`
	Relationship Relationship `json:"relationship"`
	JoinedOn     civil.Date   `json:"joined_on"`
	JoinReason   string       `json:"join_reason,omitempty"`
	LeftOn       civil.Date   `json:"left_on"`
	LeaveReason  string       `json:"leave_reason,omitempty"`
	Person       Person       `json:"person"`
}

// Active reports whether the membership covers day d.
func (m *Member) Active(d civil.Date) bool {
	return !m.JoinedOn.After(d) && (m.LeftOn.IsZero() || m.LeftOn.After(d))
}

// Person is one resident, identified by a GB 11643 ID number.
type Person struct {
	ID       int64      `json:"id"`
	Name     string     `json:"name"`
	IDNumber string     `json:"id_number"`
	Sex      Sex        `json:"sex"`
	Birth    civil.Date `json:"birth_date"`
	Phone    string     `json:"phone,omitempty"`
	// HukouRegion is the region of household registration (户籍地).
	HukouRegion      string           `json:"hukou_region,omitempty"`
	SchoolStatus     SchoolStatus     `json:"school_status,omitempty"`
	EmploymentStatus EmploymentStatus `json:"employment_status,omitempty"`
	LabourCapacity   LabourCapacity   `json:"labour_capacity,omitempty"`
	// Disability per GB/T 26341: category and grade 1 (most severe) to 4;
	// zero grade means no certified disability.
	DisabilityCategory DisabilityCategory `json:"disability_category,omitempty"`
	DisabilityGrade    int                `json:"disability_grade,omitempty"`
	// SeriousIllness names a serious illness (重病), empty for none.
	SeriousIllness string        `json:"serious_illness,omitempty"`
	SelfCare       SelfCareLevel `json:"self_care,omitempty"`
	Death          civil.Date    `json:"death_date"`

	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Income is a declared income of one type for one month, of a person or of
// the household as a whole (PersonID 0). A correction supersedes the earlier
// record instead of changing it.
type Income struct {
	ID          int64       `json:"id"`
	HouseholdID int64       `json:"household_id"`
	PersonID    int64       `json:"person_id,omitempty"`
	Type        IncomeType  `json:"type"`
	Month       civil.Month `json:"month"`
	Amount      money.Fen   `json:"amount"`
	// EmploymentCost is the necessary cost of earning a wage income (就业成本),
	// which local rules may deduct.
	EmploymentCost money.Fen `json:"employment_cost,omitempty"`
	Note           string    `json:"note,omitempty"`
	RecordedAt     time.Time `json:"recorded_at"`
	SupersededAt   time.Time `json:"superseded_at"`
}

// Asset is something a household or member owns, valid over a period.
type Asset struct {
	ID          int64     `json:"id"`
	HouseholdID int64     `json:"household_id"`
	PersonID    int64     `json:"person_id,omitempty"`
	Type        AssetType `json:"type"`
	// Description says what it is: bank and product, make and plate, the
	// address of a property, a business's name and credit code.
	Description string    `json:"description"`
	Value       money.Fen `json:"value"`
	// Area is a property's floor area in square metres (0 otherwise).
	Area      float64    `json:"area,omitempty"`
	ValidFrom civil.Date `json:"valid_from"`
	ValidTo   civil.Date `json:"valid_to"`
}

// Active reports whether the asset was held on day d.
func (a *Asset) Active(d civil.Date) bool {
	return !a.ValidFrom.After(d) && (a.ValidTo.IsZero() || a.ValidTo.After(d))
}

// Snapshot is a household as it stood on a day: its version then, the
// memberships active then (each person as they were then), the incomes
// declared up to then (latest record per person, type and month), and the
// assets held then.
type Snapshot struct {
	At        civil.Date `json:"at"`
	Household Household  `json:"household"`
	Incomes   []Income   `json:"incomes"`
	Assets    []Asset    `json:"assets"`
}

// IncomeKey names one person's (0: the household's) income of one type.
type IncomeKey struct {
	Person int64
	Type   IncomeType
}

// LatestIncomes returns, for each person and type, the declaration for the
// latest month up to m: what a monthly assessment of m reads.
func (s *Snapshot) LatestIncomes(m civil.Month) map[IncomeKey]Income {
	latest := map[IncomeKey]Income{}
	for _, in := range s.Incomes {
		if in.Month.Compare(m) > 0 {
			continue
		}
		k := IncomeKey{in.PersonID, in.Type}
		if cur, ok := latest[k]; !ok || in.Month.Compare(cur.Month) > 0 {
			latest[k] = in
		}
	}
	return latest
}

// Version is one recorded version of a household or person, for the history
// view.
type Version struct {
	Entity    string    `json:"entity"` // "household" or "person"
	EntityID  int64     `json:"entity_id"`
	Version   int       `json:"version"`
	ValidFrom time.Time `json:"valid_from"`
	By        string    `json:"by"`
}
