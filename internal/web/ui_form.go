package web

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/registry"
)

// formField is one labelled input of a form, as partials.html draws it.
// Name is also the field's path in the store's errors
// ("members[1].person.id_number"), so a message finds its field.
type formField struct {
	Name        string
	Label       string
	Kind        string // text, select, date, month, number, password, textarea, checkbox
	Value       string
	Error       string
	Hint        string
	Placeholder string
	InputMode   string // numeric, decimal, tel
	Required    bool
	Wide        bool // takes a whole row
	Checked     bool
	Groups      []optGroup
}

// ID is the element id: the name with brackets and dots made safe.
func (f formField) ID() string { return fieldID(f.Name) }

func fieldID(name string) string {
	return "f-" + strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(name)
}

// optGroup is a group of select options; Label "" means no <optgroup>.
type optGroup struct {
	Label   string
	Options []option
}

type option struct{ Value, Label string }

// Selected reports whether the option is the field's value.
func (f formField) Selected(v string) bool { return f.Value == v }

// formSection is a titled group of fields.
type formSection struct {
	Title  string
	Fields []formField
}

// formErrors holds a submitted form's messages, localized, keyed by field
// path; "" keys a message that concerns no one field.
type formErrors map[string]string

// errorsOf turns a store error into messages by field. Only application
// errors are shown on the form; others go to the error page.
func errorsOf(l lang, err error) formErrors {
	e := apperr.As(err)
	if e == nil {
		return nil
	}
	out := formErrors{}
	all := e.Details
	if len(all) == 0 {
		all = []*apperr.Error{e}
	}
	for _, d := range all {
		msg := l.errMsg(d)
		// Two conflicts the store words without a format, so the catalogue
		// cannot translate them: a stale version, and an ID number that is
		// already a member elsewhere (naming that household).
		switch {
		case d.Code == apperr.Conflict && d.Field == "version":
			msg = l.T("Someone else changed this record while you were editing it. Nothing was saved: reload the page to see their change, then apply yours again.")
		case d.Code == apperr.Conflict && d.Format() == "" && strings.HasSuffix(d.Field, "id_number"):
			if m := memberOfHousehold.FindStringSubmatch(d.Message); m != nil {
				msg = l.T("This person is already an active member of household %s: record the move there first.", m[1])
			}
		}
		if _, ok := out[d.Field]; !ok {
			out[d.Field] = msg
		}
	}
	return out
}

// take removes and returns the message for a field.
func (fe formErrors) take(name string) string {
	m := fe[name]
	delete(fe, name)
	return m
}

// rest returns the messages no field claimed, in a stable order.
func (fe formErrors) rest(l lang) []string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		msg := fe[k]
		if m := memberIndex.FindStringSubmatch(k); m != nil {
			i, _ := strconv.Atoi(m[1])
			msg = l.T("Member %d", i+1) + ": " + msg
		}
		out = append(out, msg)
	}
	return out
}

// enumOptions lists an enumeration's values with their labels, after an
// empty choice when blank is not "".
func enumOptions(l lang, kind string, values []string, blank string) []optGroup {
	var opts []option
	if blank != "" {
		opts = append(opts, option{"", blank})
	}
	for _, v := range values {
		opts = append(opts, option{v, l.enumLabel(kind, v)})
	}
	return []optGroup{{Options: opts}}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// enumValues are the registry's enumerations by label kind.
var enumValues = map[string][]string{
	"hukou_type":          strs(registry.HukouTypes),
	"sex":                 {string(registry.Male), string(registry.Female)},
	"relationship":        strs(registry.Relationships),
	"school_status":       strs(registry.SchoolStatuses),
	"employment_status":   strs(registry.EmploymentStatuses),
	"labour_capacity":     strs(registry.LabourCapacities),
	"disability_category": strs(registry.DisabilityCategories),
	"self_care":           strs(registry.SelfCareLevels),
	"income_type":         strs(registry.IncomeTypes),
	"asset_type":          strs(registry.AssetTypes),
}

// gradeOptions are the disability grades: none, then 1 (most severe) to 4.
func gradeOptions(l lang) []optGroup {
	opts := []option{{"", l.T("None")}}
	for g := 1; g <= 4; g++ {
		opts = append(opts, option{strconv.Itoa(g), l.T("Grade %d", g)})
	}
	return []optGroup{{Options: opts}}
}

var (
	memberIndex       = regexp.MustCompile(`^members\[(\d+)\]`)
	memberOfHousehold = regexp.MustCompile(`active member of household ([0-9]{6}-[0-9]+)`)
)

// remapMembers rewrites "members[k]..." fields of errs through rows, which
// maps the index of a member sent to the store to the form row it came from
// (blank rows are not sent).
func remapMembers(errs formErrors, rows []int) formErrors {
	out := formErrors{}
	for k, v := range errs {
		if m := memberIndex.FindStringSubmatch(k); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < len(rows) {
				k = fmt.Sprintf("members[%d]", rows[i]) + k[len(m[0]):]
			}
		}
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}
