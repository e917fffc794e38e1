package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// Kind is the type of a parameter's value.
type Kind string

const (
	KindAmount Kind = "amount" // fen per month (per person where the key says so)
	KindRatio  Kind = "ratio"  // a multiple, share or rate: 1.5, 60%, 1/6
	KindCount  Kind = "count"  // a whole number: months, years, items, grades
	KindEnum   Kind = "enum"   // one of Definition.Options
	KindBool   Kind = "bool"
	KindList   Kind = "list"   // a set of codes, such as excluded income kinds
	KindRatios Kind = "ratios" // a schedule of ratios, such as a gradual exit
	KindTiers  Kind = "tiers"  // a tiered payment schedule
	KindText   Kind = "text"   // a short text, such as a complaint phone number
)

// Tier is one row of a tiered Dibao schedule (DB57 Art. 23, 分档): a
// household whose per-capita income is below Below × the standard is paid
// Pay × the standard per counted member. Rows are in ascending Below.
type Tier struct {
	Below Ratio `json:"below"`
	Pay   Ratio `json:"pay"`
}

// Value is a parameter value; which field is set depends on the Kind.
type Value struct {
	Amount money.Fen
	Ratio  Ratio
	Count  int
	Enum   string
	Bool   bool
	List   []string
	Ratios []Ratio
	Tiers  []Tier
	Text   string
}

// Param is one dated value of a parameter in a region scope.
type Param struct {
	Key string `json:"key"`
	// Region is the scope: "" for national, or a province (2 digits), city
	// (4) or county (6) code. The most specific scope that covers a
	// household's region wins.
	Region string     `json:"region"`
	From   civil.Date `json:"valid_from"`
	Value  Value      `json:"-"`
	// Text is the value as written ("1395", "1.5", "60%", "gap", ...).
	Text string `json:"value"`
	// Source cites the document and article; Note says anything a reader
	// needs (how a local rule was read, what is unverified).
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
	// Reason is required when a value is added with a past date.
	Reason     string    `json:"reason,omitempty"`
	By         string    `json:"by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// Scope names the scope level of a region code for display.
func Scope(region string) string {
	switch len(region) {
	case 0:
		return "national"
	case 2:
		return "province"
	case 4:
		return "city"
	default:
		return "county"
	}
}

// ParseValue reads text as a value of the definition's kind.
func (d *Definition) ParseValue(text string) (Value, error) {
	var v Value
	var err error
	t := strings.TrimSpace(text)
	switch d.Kind {
	case KindAmount:
		v.Amount, err = money.Parse(t)
		if err == nil && (v.Amount < 0 || v.Amount > MaxAmount) {
			err = fmt.Errorf("%s is outside 0 to %s", t, MaxAmount)
		}
	case KindRatio:
		v.Ratio, err = ParseRatio(t)
	case KindCount:
		v.Count, err = strconv.Atoi(t)
		if err != nil || v.Count < 0 || v.Count > 10000 {
			err = fmt.Errorf("%q is not a whole number from 0 to 10000", t)
		}
	case KindEnum:
		if !slices.Contains(d.Options, t) {
			err = fmt.Errorf("%q is not one of %s", t, strings.Join(d.Options, ", "))
		}
		v.Enum = t
	case KindBool:
		v.Bool, err = strconv.ParseBool(t)
	case KindList:
		for _, s := range splitList(t) {
			if len(d.Options) > 0 && !slices.Contains(d.Options, s) {
				return v, fmt.Errorf("%q is not one of %s", s, strings.Join(d.Options, ", "))
			}
			v.List = append(v.List, s)
		}
	case KindRatios:
		for _, s := range splitList(t) {
			r, err := ParseRatio(s)
			if err != nil {
				return v, err
			}
			v.Ratios = append(v.Ratios, r)
		}
		if len(v.Ratios) == 0 {
			err = fmt.Errorf("an empty schedule")
		}
	case KindTiers:
		// "below:pay" pairs: "0.3:1, 0.6:0.7, 1:0.4"
		for _, s := range splitList(t) {
			a, b, ok := strings.Cut(s, ":")
			if !ok {
				return v, fmt.Errorf("tier %q is not below:pay, such as 0.5:0.8", s)
			}
			below, err := ParseRatio(a)
			if err != nil {
				return v, err
			}
			pay, err := ParseRatio(b)
			if err != nil {
				return v, err
			}
			if n := len(v.Tiers); n > 0 && !v.Tiers[n-1].Below.Less(below) {
				return v, fmt.Errorf("tier %q: the bounds must increase", s)
			}
			v.Tiers = append(v.Tiers, Tier{below, pay})
		}
		if len(v.Tiers) == 0 {
			err = fmt.Errorf("an empty schedule")
		}
	case KindText:
		v.Text = t
		if t == "" || len([]rune(t)) > 200 {
			err = fmt.Errorf("give a text of 1 to 200 characters")
		}
	default:
		err = fmt.Errorf("unknown kind %q", d.Kind)
	}
	return v, err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Format writes a value as text without its unit, the same in every
// language: amounts in yuan with two decimals (1120.00), ratios as 1.5× or
// 60%. Display adds the unit, for people.
func (d *Definition) Format(v Value) string {
	switch d.Kind {
	case KindAmount:
		return v.Amount.String()
	case KindRatio:
		return v.Ratio.String()
	case KindCount:
		return strconv.Itoa(v.Count)
	case KindEnum:
		return v.Enum
	case KindText:
		return v.Text
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindList:
		return strings.Join(v.List, ", ")
	case KindRatios:
		s := make([]string, len(v.Ratios))
		for i, r := range v.Ratios {
			s[i] = r.String()
		}
		return strings.Join(s, ", ")
	case KindTiers:
		s := make([]string, len(v.Tiers))
		for i, t := range v.Tiers {
			s[i] = "<" + t.Below.String() + ":" + t.Pay.String()
		}
		return strings.Join(s, ", ")
	}
	return ""
}

// Display writes a value for people in lang ("zh" or "en"): Format's text
// with its unit, as 1120.00 元 or 1120.00 yuan.
func (d *Definition) Display(v Value, lang string) string { return d.WithUnit(d.Format(v), lang) }

// WithUnit adds to s, a value of d as Format writes it, its unit in lang
// ("zh" or "en"): yuan for amounts, none for the other kinds.
func (d *Definition) WithUnit(s, lang string) string {
	if d.Kind == KindAmount {
		return s + " " + texts(lang).word("yuan")
	}
	return s
}

// Set holds every dated value of every parameter. It is safe for concurrent
// reads once built; Add is not concurrent with reads (the store builds a new
// Set when values change).
type Set struct {
	byKey map[string][]Param // each sorted by region length desc, then From desc
}

// NewSet returns a Set of the given values, each checked against its
// definition.
//
// Errors: Invalid naming the value's index and field.
func NewSet(ps []Param) (*Set, error) {
	s := &Set{byKey: map[string][]Param{}}
	var errs apperr.List
	for i, p := range ps {
		if err := s.Add(p); err != nil {
			errs.Add(fmt.Sprintf("[%d]", i), err)
		}
	}
	return s, errs.Err()
}

// Add parses p.Text by p.Key's definition and adds p.
//
// Errors: Invalid with the field (key, region, valid_from, value) at fault.
func (s *Set) Add(p Param) error {
	d, ok := Lookup(p.Key)
	if !ok {
		return apperr.Fieldf("key", "%q is not a known parameter", p.Key)
	}
	if n := len(p.Region); !(n == 0 || n == 2 || n == 4 || n == 6) || strings.Trim(p.Region, "0123456789") != "" {
		return apperr.Fieldf("region", "%q is not a scope: want empty (national), or a 2-, 4- or 6-digit region code", p.Region)
	}
	if p.From.IsZero() {
		return apperr.Fieldf("valid_from", "a parameter value needs the date it takes effect")
	}
	v, err := d.ParseValue(p.Text)
	if err != nil {
		return apperr.Fieldf("value", "%s: %v", p.Key, err)
	}
	p.Value = v
	list := s.byKey[p.Key]
	for i, q := range list {
		if q.Region == p.Region && q.From == p.From {
			list[i] = p // a later record for the same scope and day replaces it
			return nil
		}
	}
	list = append(list, p)
	slices.SortFunc(list, func(a, b Param) int {
		if c := cmp.Compare(len(b.Region), len(a.Region)); c != 0 {
			return c
		}
		return b.From.Compare(a.From)
	})
	s.byKey[p.Key] = list
	return nil
}

// All returns every value, by key, scope and date.
func (s *Set) All() []Param {
	var out []Param
	for _, k := range sortedKeys(s.byKey) {
		out = append(out, s.byKey[k]...)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Resolve returns the value of key that applies in region on day at: among
// the values whose scope contains region and that took effect on or before
// at, the most specific scope's latest one. ok is false when none applies.
func (s *Set) Resolve(key, region string, at civil.Date) (Param, bool) {
	for _, p := range s.byKey[key] {
		if strings.HasPrefix(region, p.Region) && !p.From.After(at) {
			return p, true
		}
	}
	return Param{}, false
}

// Clone returns a copy of s that can be changed without changing s.
func (s *Set) Clone() *Set {
	c := &Set{byKey: make(map[string][]Param, len(s.byKey))}
	for k, v := range s.byKey {
		c.byKey[k] = slices.Clone(v)
	}
	return c
}

// NotSet is the error for a parameter with no value in force.
func NotSet(key, region string, at civil.Date) *apperr.Error {
	e := apperr.Errorf(apperr.Invalid, "parameter %s is not set for region %s on %s", key, region, at)
	e.Field = "parameters." + key
	return e
}
