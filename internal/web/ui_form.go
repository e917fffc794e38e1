package web

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
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
	// Key, when set, makes the element id instead of Name, for a field
	// repeated on one page (the date of each asset row's form).
	Key string
}

// ID is the element id: the name (or Key) with brackets and dots made safe.
func (f formField) ID() string {
	if f.Key != "" {
		return fieldID(f.Key)
	}
	return fieldID(f.Name)
}

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

// otherReason is the value of the "other" choice of a reason select, whose
// details field must then say what the reason is.
const otherReason = "其他"

// maxReasonLen bounds a reason for joining or leaving, in characters.
const maxReasonLen = 200

// joinReasons and leaveReasons are the common reasons for joining or
// leaving a household. The value stored is the Chinese term of the
// household register, whatever the user's language; the label is in it.
func joinReasons(l lang) []option {
	return []option{{"出生", l.T("Birth")}, {"婚入", l.T("Married in")}, {"迁入", l.T("Moved in")},
		{"收养", l.T("Adopted")}, {otherReason, l.T("Other")}}
}

func leaveReasons(l lang) []option {
	return []option{{"迁出", l.T("Moved out")}, {"分户", l.T("Split off into a new household")}, {"婚出", l.T("Married out")},
		{"死亡", l.T("Died")}, {"入伍", l.T("Joined the army")}, {otherReason, l.T("Other")}}
}

// reasonFields are a reason select (name) and its free-text details
// (name + "_detail").
func reasonFields(l lang, name, label, hint string, opts []option, required bool, vals map[string]string, errs formErrors) []formField {
	all := append([]option{{"", l.T("Choose…")}}, opts...)
	return []formField{
		{Name: name, Label: label, Kind: "select", Value: vals[name], Required: required, Hint: hint,
			Groups: []optGroup{{Options: all}}, Error: errs.take(name)},
		{Name: name + "_detail", Label: l.T("Details"), Value: vals[name+"_detail"],
			Hint: l.T("Such as where from or where to; required with Other."), Error: errs.take(name + "_detail")},
	}
}

// reasonFromForm reads what reasonFields sent: the chosen reason, with its
// details after a colon ("迁出：迁往佛山市"), or the details alone for Other.
func reasonFromForm(pre *apperr.List, vals map[string]string, name string, opts []option, required bool) string {
	r := strings.TrimSpace(vals[name])
	d := strings.TrimSpace(vals[name+"_detail"])
	known := slices.ContainsFunc(opts, func(o option) bool { return o.Value == r })
	switch {
	case r == "" && required: // only leaving needs a reason
		pre.Addf(name, "say why the member left")
		return ""
	case r != "" && !known:
		pre.Addf(name, "choose one of the listed reasons")
		return ""
	case r == otherReason && d == "":
		pre.Addf(name+"_detail", "describe the reason")
		return ""
	}
	out := r
	switch {
	case r == otherReason || r == "":
		out = d
	case d != "":
		out = r + "：" + d
	}
	if utf8.RuneCountInString(out) > maxReasonLen {
		pre.Addf(name+"_detail", "the reason is longer than %d characters", maxReasonLen)
	}
	return out
}

// dateFromForm reads a date that cannot be in the future into field;
// blank is false for an empty value, which the caller words.
func dateFromForm(pre *apperr.List, field, v string) (d civil.Date, blank bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return d, true
	}
	d, err := civil.ParseDate(v)
	switch {
	case err != nil:
		pre.Addf(field, "enter the date as YYYY-MM-DD")
	case d.After(civil.Today()):
		pre.Addf(field, "the date %s is in the future", d)
	}
	return d, false
}

// pageLinks builds the links of a keyset-paged list at path: next (when
// the page is full, continuing from cursor) and first (when not on the
// first page), both keeping the non-empty filters.
func pageLinks(path string, filters map[string]string, cursorName string, cursor int64, full, notFirst bool) (next, first string) {
	keep := url.Values{}
	for k, v := range filters {
		if v != "" {
			keep.Set(k, v)
		}
	}
	if full {
		n := url.Values{}
		for k, v := range keep {
			n[k] = v
		}
		n.Set(cursorName, strconv.FormatInt(cursor, 10))
		next = path + "?" + n.Encode()
	}
	if notFirst {
		first = path
		if len(keep) > 0 {
			first += "?" + keep.Encode()
		}
	}
	return next, first
}
