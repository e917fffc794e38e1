package verify

import (
	"regexp"
	"slices"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/registry"
)

// FieldType is how a source's field is written in a file and kept.
type FieldType string

const (
	TypeID      FieldType = "id_number" // GB 11643 resident ID number, validated
	TypeText    FieldType = "text"
	TypeMoney   FieldType = "money"   // yuan with up to two decimals, kept as fen
	TypeInt     FieldType = "int"     // a whole number
	TypeDecimal FieldType = "decimal" // a number with up to two decimals (areas), kept ×100
	TypeDate    FieldType = "date"    // YYYY-MM-DD (also YYYY/MM/DD, YYYYMMDD)
	TypeMonth   FieldType = "month"   // YYYY-MM (also YYYYMM)
	TypeEnum    FieldType = "enum"    // one of Values (codes, or their Chinese labels)
	TypeBool    FieldType = "bool"    // 是/否, true/false, 1/0, Y/N
)

// FieldTypes lists every FieldType.
var FieldTypes = []FieldType{TypeID, TypeText, TypeMoney, TypeInt, TypeDecimal, TypeDate, TypeMonth, TypeEnum, TypeBool}

// Field is one column of a source's schema.
type Field struct {
	// Code names the field in mappings and in stored records. The codes in
	// the Use table below carry meaning for matching; any other code is
	// kept and shown but not interpreted.
	Code     string    `json:"code"`
	ZH       string    `json:"zh"`
	EN       string    `json:"en"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	// Min and Max bound money (in fen), int and decimal (×100) values;
	// nil means unbounded.
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
	// Values are an enum's codes; Labels, when given, their Chinese
	// labels in the same order (a file may use either).
	Values []string `json:"values,omitempty"`
	Labels []string `json:"labels,omitempty"`
	// Aliases are other headers departments use for the column.
	Aliases []string `json:"aliases,omitempty"`
}

// Use says what a source's records mean to verification, and so which
// field codes Matcher reads:
//
//	income      month, amount [, income_type]   income of IncomeType (or the record's income_type)
//	asset       value [, valid_from, valid_to, as_of, area]   an asset of AssetType
//	death       death_date                      the person died
//	prison      admitted_on [, released_on]     serving a sentence
//	hukou       event, event_date               household-registration change
//	medical     month, out_of_pocket            medical spending paid by the person
//	disability  category, grade [, valid_to]    a disability certificate
//	school      status, as_of                   school enrolment
//	unemployment month, amount                  unemployment insurance paid (income too)
//	contribution month [, base]                 social-insurance contributions paid
//	disaster    event_date [, loss]             hit by a natural disaster or an accident
//	info        -                               shown in the report only
type Use string

const (
	UseIncome       Use = "income"
	UseAsset        Use = "asset"
	UseDeath        Use = "death"
	UsePrison       Use = "prison"
	UseHukou        Use = "hukou"
	UseMedical      Use = "medical"
	UseDisability   Use = "disability"
	UseSchool       Use = "school"
	UseUnemployment Use = "unemployment"
	UseContribution Use = "contribution"
	UseDisaster     Use = "disaster"
	UseInfo         Use = "info"
)

// UseList lists every Use, in the order forms offer them.
var UseList = []Use{UseIncome, UseAsset, UseDeath, UsePrison, UseHukou, UseMedical, UseDisability, UseSchool, UseUnemployment, UseContribution, UseDisaster, UseInfo}

// Uses lists every Use with the field codes it needs.
var Uses = map[Use][]string{
	UseIncome:       {"month", "amount"},
	UseAsset:        {"value"},
	UseDeath:        {"death_date"},
	UsePrison:       {"admitted_on"},
	UseHukou:        {"event", "event_date"},
	UseMedical:      {"month", "out_of_pocket"},
	UseDisability:   {"category", "grade"},
	UseSchool:       {"status"},
	UseUnemployment: {"month", "amount"},
	UseContribution: {"month"},
	UseDisaster:     {"event_date"},
	UseInfo:         nil,
}

// Cadence is how often a department sends a new batch.
type Cadence string

// Cadences lists every Cadence.
var Cadences = []Cadence{"daily", "weekly", "monthly", "quarterly", "yearly", "on_request"}

// Source is one department's dataset (数据源).
type Source struct {
	Code         string  `json:"code"`
	ZH           string  `json:"zh"`
	EN           string  `json:"en"`
	Department   string  `json:"department"` // in Chinese, as on the data-sharing agreement
	DepartmentEN string  `json:"department_en"`
	Cadence      Cadence `json:"cadence"`
	Use          Use     `json:"use"`
	// IncomeType is the registry income type of an income (or
	// unemployment) source's amounts, unless a record names its own in an
	// income_type field.
	IncomeType registry.IncomeType `json:"income_type,omitempty"`
	// AssetType is the registry asset type of an asset source's records.
	AssetType registry.AssetType `json:"asset_type,omitempty"`
	Fields    []Field            `json:"fields"`
	// Key is the field codes that identify a record: a newer batch's
	// record with the same key supersedes the older one. It always starts
	// with id_number.
	Key     []string `json:"key"`
	Builtin bool     `json:"builtin,omitempty"`
}

// Field returns the field with code c, or nil.
func (s *Source) Field(c string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Code == c {
			return &s.Fields[i]
		}
	}
	return nil
}

// FieldIndex returns the index in Fields of the field with code c, or -1.
func (s *Source) FieldIndex(c string) int {
	for i := range s.Fields {
		if s.Fields[i].Code == c {
			return i
		}
	}
	return -1
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Validate checks a source definition, as an administrator enters it.
// Errors: Invalid, every fault with its field ("fields[2].type").
func (s *Source) Validate() error {
	var l apperr.List
	if !codePattern.MatchString(s.Code) {
		l.Addf("code", "the code must be 2 to 40 lower-case letters, digits or underscores, starting with a letter")
	}
	if s.ZH == "" {
		l.Addf("zh", "the Chinese name is required")
	}
	if s.Department == "" {
		l.Addf("department", "the department is required")
	}
	if !slices.Contains(Cadences, s.Cadence) {
		l.Addf("cadence", "unknown refresh cadence %q", string(s.Cadence))
	}
	need, ok := Uses[s.Use]
	if !ok {
		l.Addf("use", "unknown use %q", string(s.Use))
	}
	if (s.Use == UseIncome || s.Use == UseUnemployment) && s.IncomeType != "" && !slices.Contains(registry.IncomeTypes, s.IncomeType) {
		l.Addf("income_type", "unknown income type %q", string(s.IncomeType))
	}
	if s.Use == UseIncome && s.IncomeType == "" && s.Field("income_type") == nil {
		l.Addf("income_type", "an income source needs an income type, or an income_type field")
	}
	if s.Use == UseAsset && !slices.Contains(registry.AssetTypes, s.AssetType) {
		l.Addf("asset_type", "an asset source needs an asset type (one of %v)", registry.AssetTypes)
	}
	seen := map[string]bool{}
	for i, f := range s.Fields {
		p := "fields[" + strconv.Itoa(i) + "]"
		if !codePattern.MatchString(f.Code) {
			l.Addf(p+".code", "the code must be 2 to 40 lower-case letters, digits or underscores, starting with a letter")
		}
		if seen[f.Code] {
			l.Addf(p+".code", "field %s appears twice", f.Code)
		}
		seen[f.Code] = true
		if f.ZH == "" {
			l.Addf(p+".zh", "the Chinese name is required")
		}
		if !slices.Contains(FieldTypes, f.Type) {
			l.Addf(p+".type", "unknown field type %q", string(f.Type))
		}
		if f.Type == TypeEnum && len(f.Values) == 0 {
			l.Addf(p+".values", "an enum field needs its values")
		}
		if len(f.Labels) > 0 && len(f.Labels) != len(f.Values) {
			l.Addf(p+".labels", "give one label per value (%d values, %d labels)", len(f.Values), len(f.Labels))
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			l.Addf(p+".max", "the maximum is below the minimum")
		}
	}
	if id := s.Field("id_number"); id == nil || id.Type != TypeID || !id.Required {
		l.Addf("fields", "every source needs a required id_number field of type id_number: records are matched by it")
	}
	for _, c := range need {
		if s.Field(c) == nil {
			l.Addf("fields", "a source used as %s needs a %s field", string(s.Use), c)
		}
	}
	if len(s.Key) == 0 || s.Key[0] != "id_number" {
		l.Addf("key", "the key must start with id_number")
	}
	for _, k := range s.Key {
		if f := s.Field(k); f == nil {
			l.Addf("key", "key field %s is not a field of the source", k)
		} else if !f.Required {
			l.Addf("key", "key field %s must be required", k)
		}
	}
	return l.Err()
}
