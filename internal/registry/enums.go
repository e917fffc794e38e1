package registry

// The enumerations below are stored as their string codes. Each has a list of
// all values (for validation and form options); the labels in Chinese and
// English live in the web layer's catalogue under "enum.<kind>.<code>".

// HukouType is urban or rural household registration (城镇/农村户籍), which
// selects the urban or rural Dibao standard.
type HukouType string

const (
	Urban HukouType = "urban"
	Rural HukouType = "rural"
)

// HukouTypes lists every HukouType.
var HukouTypes = []HukouType{Urban, Rural}

// Sex is derived from the ID number's sequence digit.
type Sex string

const (
	Male   Sex = "male"
	Female Sex = "female"
)

// Relationship is a member's relation to the head of household (与户主关系).
type Relationship string

const (
	RelHead        Relationship = "head"
	RelSpouse      Relationship = "spouse"
	RelChild       Relationship = "child"
	RelChildInLaw  Relationship = "child_in_law"
	RelGrandchild  Relationship = "grandchild"
	RelParent      Relationship = "parent"
	RelParentInLaw Relationship = "parent_in_law"
	RelGrandparent Relationship = "grandparent"
	RelSibling     Relationship = "sibling"
	RelOther       Relationship = "other"
)

// Relationships lists every Relationship.
var Relationships = []Relationship{RelHead, RelSpouse, RelChild, RelChildInLaw, RelGrandchild,
	RelParent, RelParentInLaw, RelGrandparent, RelSibling, RelOther}

// SchoolStatus is a person's schooling (在学状况).
type SchoolStatus string

const (
	SchoolNone       SchoolStatus = "none"
	SchoolPreschool  SchoolStatus = "preschool"
	SchoolPrimary    SchoolStatus = "primary"
	SchoolJunior     SchoolStatus = "junior"
	SchoolSenior     SchoolStatus = "senior"
	SchoolVocational SchoolStatus = "vocational"
	SchoolHigher     SchoolStatus = "higher"
	SchoolDropout    SchoolStatus = "dropout"
)

// SchoolStatuses lists every SchoolStatus.
var SchoolStatuses = []SchoolStatus{SchoolNone, SchoolPreschool, SchoolPrimary, SchoolJunior,
	SchoolSenior, SchoolVocational, SchoolHigher, SchoolDropout}

// EmploymentStatus is a person's work situation (就业状况).
type EmploymentStatus string

const (
	Employed     EmploymentStatus = "employed"
	SelfEmployed EmploymentStatus = "self_employed"
	Farming      EmploymentStatus = "farming"
	Flexible     EmploymentStatus = "flexible"
	Unemployed   EmploymentStatus = "unemployed"
	Retired      EmploymentStatus = "retired"
	Student      EmploymentStatus = "student"
	NotWorking   EmploymentStatus = "not_working" // a child, or unable to work
)

// EmploymentStatuses lists every EmploymentStatus.
var EmploymentStatuses = []EmploymentStatus{Employed, SelfEmployed, Farming, Flexible,
	Unemployed, Retired, Student, NotWorking}

// LabourCapacity is a person's capacity to work (劳动能力).
type LabourCapacity string

const (
	LabourFull    LabourCapacity = "full"
	LabourPartial LabourCapacity = "partial"
	LabourNone    LabourCapacity = "none"
)

// LabourCapacities lists every LabourCapacity.
var LabourCapacities = []LabourCapacity{LabourFull, LabourPartial, LabourNone}

// DisabilityCategory is a category of GB/T 26341-2010 (残疾类别).
type DisabilityCategory string

const (
	DisVisual       DisabilityCategory = "visual"
	DisHearing      DisabilityCategory = "hearing"
	DisSpeech       DisabilityCategory = "speech"
	DisPhysical     DisabilityCategory = "physical"
	DisIntellectual DisabilityCategory = "intellectual"
	DisMental       DisabilityCategory = "mental"
	DisMultiple     DisabilityCategory = "multiple"
)

// DisabilityCategories lists every DisabilityCategory.
var DisabilityCategories = []DisabilityCategory{DisVisual, DisHearing, DisSpeech, DisPhysical,
	DisIntellectual, DisMental, DisMultiple}

// SelfCareLevel is the result of the six-item daily-living assessment of
// TK43 (生活自理能力): full, partly lost, or completely lost.
type SelfCareLevel string

const (
	SelfCareFull    SelfCareLevel = "full"
	SelfCarePartial SelfCareLevel = "partial"
	SelfCareNone    SelfCareLevel = "none"
)

// SelfCareLevels lists every SelfCareLevel.
var SelfCareLevels = []SelfCareLevel{SelfCareFull, SelfCarePartial, SelfCareNone}

// IncomeType is a DB57 income category (policy reference §1.5).
type IncomeType string

const (
	IncomeWage     IncomeType = "wage"     // 工资性收入
	IncomeBusiness IncomeType = "business" // 经营净收入
	IncomeProperty IncomeType = "property" // 财产净收入
	IncomeTransfer IncomeType = "transfer" // 转移净收入
	IncomeOther    IncomeType = "other"    // 其他收入
)

// IncomeTypes lists every IncomeType.
var IncomeTypes = []IncomeType{IncomeWage, IncomeBusiness, IncomeProperty, IncomeTransfer, IncomeOther}

// AssetType is a DB57 asset category (policy reference §1.6).
type AssetType string

const (
	AssetDeposit    AssetType = "deposit"     // 存款
	AssetSecurities AssetType = "securities"  // 有价证券、基金、商业保险
	AssetVehicle    AssetType = "vehicle"     // 机动车辆
	AssetRealEstate AssetType = "real_estate" // 房产
	AssetBusiness   AssetType = "business"    // 市场主体登记
	AssetOther      AssetType = "other"
)

// AssetTypes lists every AssetType.
var AssetTypes = []AssetType{AssetDeposit, AssetSecurities, AssetVehicle, AssetRealEstate, AssetBusiness, AssetOther}

// oneOf reports whether v is one of vs.
func oneOf[T comparable](v T, vs []T) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}
