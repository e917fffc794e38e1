package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// householdFormView is the data of household_form.html, for a new
// household with its members or for an existing household's own fields.
type householdFormView struct {
	view
	Edit     bool
	Action   string
	Cancel   string
	Version  string
	Sections []formSection
	Members  []memberRow
	// MembersError is a message about the members as a whole ("a household
	// has exactly one head").
	MembersError string
	// Problems are messages that belong to no field on the form.
	Problems []string
	// HasErrors is set when the form comes back with any message.
	HasErrors bool
	// Conflict is set when someone else saved the record meanwhile.
	Conflict bool
}

// memberRow is one member's fields; More holds the less common ones,
// shown folded unless one of them has a value or a message.
type memberRow struct {
	Index    int
	Main     []formField
	More     []formField
	MoreOpen bool
}

// initialMemberRows is the number of empty member rows on a new form;
// app.js adds more, and the server takes any number.
const initialMemberRows = 3

// maxMemberRows bounds the rows read from one form.
const maxMemberRows = 200

func (s *Server) newHouseholdPage(w http.ResponseWriter, r *http.Request) {
	vals := map[string]string{"members[0].relationship": string(registry.RelHead)}
	rows := make([]int, initialMemberRows)
	for i := range rows {
		rows[i] = i
	}
	s.renderHouseholdForm(w, r, http.StatusOK, false, 0, vals, rows, nil, "")
}

// createHouseholdSubmit registers a household from the form. Blank member
// rows are ignored; on a fault, the form comes back as typed, with each
// message beside its field.
func (s *Server) createHouseholdSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	var pre apperr.List
	h := householdOwnFromForm(vals)
	rows := memberRowsOf(vals)
	if len(rows) > maxMemberRows {
		pre.Addf("members", "a form takes at most %d members: register a larger household with an import", maxMemberRows)
	}
	var sent []int // form row of each member sent to the store
	for _, i := range rows {
		m, ok := memberFromForm(&pre, vals, fmt.Sprintf("members[%d].", i))
		if ok {
			h.Members = append(h.Members, m)
			sent = append(sent, i)
		}
	}
	l := langOf(r)
	var err error
	if pre.Len() == 0 {
		err = s.Registry.CreateHousehold(r.Context(), scopeOf(r), &h)
		if err == nil {
			seeOther(w, r, "/households/"+strconv.FormatInt(h.ID, 10)+"?saved=household")
			return
		}
		if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
			s.renderError(w, r, err)
			return
		}
	} else {
		// Show every fault at once: what the form could not read, and what
		// validation finds in the rest.
		err = h.Validate(scopeOf(r), civil.Today())
	}
	errs := remapMembers(errorsOf(l, err), sent)
	for k, v := range errorsOf(l, pre.Err()) {
		errs[k] = v
	}
	status := http.StatusUnprocessableEntity
	if apperr.CodeOf(err) == apperr.Conflict {
		status = http.StatusConflict
	}
	s.renderHouseholdForm(w, r, status, false, 0, vals, rows, errs, "")
}

func (s *Server) editHouseholdPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h, err := s.Registry.Household(r.Context(), scopeOf(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := map[string]string{"region_code": h.RegionCode, "address": h.Address, "hukou_type": string(h.HukouType),
		"residence_region": h.ResidenceRegion, "residence_address": h.ResidenceAddress,
		"bank_name": h.BankName, "bank_holder": h.BankHolder, "version": strconv.Itoa(h.Version)}
	s.renderHouseholdForm(w, r, http.StatusOK, true, id, vals, nil, nil, pii.Mask(pii.BankAccount, h.BankAccount))
}

// editHouseholdSubmit saves the household's own fields if the version the
// form was read at is still current. The bank account is never sent to the
// form: a blank account field keeps the stored one.
func (s *Server) editHouseholdSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	cur, err := s.Registry.Household(r.Context(), scopeOf(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h := householdOwnFromForm(vals)
	h.ID = id
	h.Version, _ = strconv.Atoi(vals["version"])
	switch {
	case vals["bank_account_remove"] != "":
		h.BankAccount = ""
	case strings.TrimSpace(vals["bank_account"]) == "":
		h.BankAccount = cur.BankAccount
	}
	masked := pii.Mask(pii.BankAccount, cur.BankAccount)
	if h.Version == 0 {
		err = apperr.Fieldf("version", "send the version you read, so a concurrent change is not overwritten")
	} else {
		err = s.Registry.UpdateHousehold(r.Context(), scopeOf(r), &h)
	}
	if err == nil {
		seeOther(w, r, "/households/"+strconv.FormatInt(id, 10)+"?saved=household")
		return
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	status := statusOf[apperr.CodeOf(err)]
	s.renderHouseholdForm(w, r, status, true, id, vals, nil, errorsOf(langOf(r), err), masked)
}

// postedValues is the posted form, one value per name.
func postedValues(r *http.Request) map[string]string {
	out := make(map[string]string, len(r.PostForm))
	for k, v := range r.PostForm {
		if len(v) > 0 && k != "csrf" {
			out[k] = v[0]
		}
	}
	return out
}

// memberRowsOf returns the member row indices present in the form, sorted.
// An index too large to come from the form (app.js numbers rows 0, 1, 2…)
// is ignored.
func memberRowsOf(vals map[string]string) []int {
	seen := map[int]bool{}
	for k := range vals {
		if m := memberIndex.FindStringSubmatch(k); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < 100*maxMemberRows {
				seen[i] = true
			}
		}
	}
	rows := make([]int, 0, len(seen))
	for i := range seen {
		rows = append(rows, i)
	}
	sort.Ints(rows)
	return rows
}

func householdOwnFromForm(vals map[string]string) registry.Household {
	t := func(k string) string { return strings.TrimSpace(vals[k]) }
	return registry.Household{RegionCode: t("region_code"), Address: t("address"),
		HukouType: registry.HukouType(t("hukou_type")), ResidenceRegion: t("residence_region"),
		ResidenceAddress: t("residence_address"), BankName: t("bank_name"), BankAccount: t("bank_account"),
		BankHolder: t("bank_holder")}
}

// personTextFields are the person's fields a row is blank without.
var personTextFields = []string{"name", "id_number", "phone", "school_status", "employment_status",
	"labour_capacity", "disability_category", "disability_grade", "serious_illness", "self_care", "death_date"}

// memberFromForm reads the member row with the prefix ("members[2].");
// ok is false for a blank row. Values the form cannot read are added to
// pre under their field path.
func memberFromForm(pre *apperr.List, vals map[string]string, prefix string) (m registry.Member, ok bool) {
	t := func(k string) string { return strings.TrimSpace(vals[prefix+k]) }
	for _, f := range personTextFields {
		if t("person."+f) != "" {
			ok = true
		}
	}
	if !ok {
		return m, false
	}
	m.Relationship = registry.Relationship(t("relationship"))
	if m.Relationship == "" {
		pre.Addf(prefix+"relationship", "choose the member's relationship to the head of household")
	}
	m.Person = personFromForm(pre, vals, prefix+"person.")
	return m, true
}

// personFromForm reads a person's fields under prefix.
func personFromForm(pre *apperr.List, vals map[string]string, prefix string) registry.Person {
	t := func(k string) string { return strings.TrimSpace(vals[prefix+k]) }
	p := registry.Person{Name: t("name"), IDNumber: t("id_number"), Phone: t("phone"), HukouRegion: t("hukou_region"),
		SchoolStatus: registry.SchoolStatus(t("school_status")), EmploymentStatus: registry.EmploymentStatus(t("employment_status")),
		LabourCapacity: registry.LabourCapacity(t("labour_capacity")), DisabilityCategory: registry.DisabilityCategory(t("disability_category")),
		SeriousIllness: t("serious_illness"), SelfCare: registry.SelfCareLevel(t("self_care"))}
	if v := t("disability_grade"); v != "" {
		g, err := strconv.Atoi(v)
		if err != nil {
			pre.Addf(prefix+"disability_grade", "the disability grade is 1 (most severe) to 4")
		}
		p.DisabilityGrade = g
	}
	if v := t("death_date"); v != "" {
		d, err := civil.ParseDate(v)
		if err != nil {
			pre.Addf(prefix+"death_date", "enter the date as YYYY-MM-DD")
		}
		p.Death = d
	}
	return p
}

// renderHouseholdForm draws the household form from what was typed (vals)
// and the messages by field (errs). rows are the member rows to draw (none
// when editing). maskedAccount is the stored account, masked, as a hint.
func (s *Server) renderHouseholdForm(w http.ResponseWriter, r *http.Request, status int, edit bool, id int64,
	vals map[string]string, rows []int, errs formErrors, maskedAccount string) {
	l := langOf(r)
	if errs == nil {
		errs = formErrors{}
	}
	pg := &householdFormView{Edit: edit, Version: vals["version"], HasErrors: len(errs) > 0}
	if edit {
		pg.Title = l.T("Edit household")
		pg.Action = "/households/" + strconv.FormatInt(id, 10)
		pg.Cancel = pg.Action
		pg.Here = pg.Action + "/edit"
	} else {
		pg.Title = l.T("New household")
		pg.Action = "/households"
		pg.Cancel = "/households"
		pg.Here = "/households/new"
	}
	v := func(k string) string { return vals[k] }
	regionField := formField{Name: "region_code", Label: l.T("Township or village"), Value: v("region_code"),
		Required: true, Error: errs.take("region_code")}
	if groups := s.regionGroups(l, principalOf(r).Region, v("region_code")); groups != nil {
		regionField.Kind, regionField.Groups = "select", groups
	} else {
		regionField.InputMode, regionField.Hint = "numeric", l.T("The 9-digit township or 12-digit village code")
	}
	account := formField{Name: "bank_account", Label: l.T("Account number"), Value: v("bank_account"),
		InputMode: "numeric", Error: errs.take("bank_account")}
	if edit && maskedAccount != "" {
		account.Placeholder = maskedAccount
		account.Hint = l.T("Leave blank to keep the account on file (%s).", maskedAccount)
	}
	pg.Sections = []formSection{
		{Title: l.T("Household registration"), Fields: []formField{
			regionField,
			{Name: "hukou_type", Label: l.T("Hukou type"), Kind: "select", Value: v("hukou_type"), Required: true,
				Groups: enumOptions(l, "hukou_type", enumValues["hukou_type"], l.T("Choose…")), Error: errs.take("hukou_type")},
			{Name: "address", Label: l.T("Address"), Value: v("address"), Required: true, Wide: true, Error: errs.take("address")},
		}},
		{Title: l.T("Place of residence, if different"), Fields: []formField{
			{Name: "residence_region", Label: l.T("Residence region code"), Value: v("residence_region"), InputMode: "numeric",
				Hint: l.T("A county, township or village code"), Error: errs.take("residence_region")},
			{Name: "residence_address", Label: l.T("Residence address"), Value: v("residence_address"), Wide: true, Error: errs.take("residence_address")},
		}},
		{Title: l.T("Bank account for payments"), Fields: []formField{
			{Name: "bank_name", Label: l.T("Bank"), Value: v("bank_name"), Error: errs.take("bank_name")},
			account,
			{Name: "bank_holder", Label: l.T("Account holder"), Value: v("bank_holder"), Error: errs.take("bank_holder")},
		}},
	}
	if edit && maskedAccount != "" {
		last := &pg.Sections[len(pg.Sections)-1]
		last.Fields = append(last.Fields, formField{Name: "bank_account_remove", Label: l.T("Remove the account on file"),
			Kind: "checkbox", Checked: v("bank_account_remove") != ""})
	}
	for _, i := range rows {
		pg.Members = append(pg.Members, memberFields(l, i, vals, errs))
	}
	pg.MembersError = errs.take("members")
	_, pg.Conflict = errs["version"]
	pg.Problems = errs.rest(l)
	s.render(w, r, status, "household_form.html", pg)
}

// memberFields builds member row i of the form.
func memberFields(l lang, i int, vals map[string]string, errs formErrors) memberRow {
	p := fmt.Sprintf("members[%d].", i)
	row := memberRow{Index: i}
	row.Main = append([]formField{{Name: p + "relationship", Label: l.T("Relationship to head"), Kind: "select",
		Value: vals[p+"relationship"], Required: true, Error: errs.take(p + "relationship"),
		Groups: enumOptions(l, "relationship", enumValues["relationship"], l.T("Choose…"))}},
		personMainFields(l, p+"person.", vals, errs, nil)...)
	row.More = personMoreFields(l, p+"person.", vals, errs)
	for _, f := range row.More {
		if f.Value != "" || f.Error != "" {
			row.MoreOpen = true
		}
	}
	return row
}

// personPlaceholders are the masked stored values shown in an edit form's
// blank ID number and phone fields.
type personPlaceholders struct{ IDNumber, Phone string }

func personMainFields(l lang, p string, vals map[string]string, errs formErrors, ph *personPlaceholders) []formField {
	id := formField{Name: p + "id_number", Label: l.T("ID number"), Value: vals[p+"id_number"], Required: ph == nil,
		Error: errs.take(p + "id_number")}
	phone := formField{Name: p + "phone", Label: l.T("Phone"), Value: vals[p+"phone"], InputMode: "tel", Error: errs.take(p + "phone")}
	if ph != nil {
		id.Placeholder = ph.IDNumber
		id.Hint = l.T("Leave blank to keep the number on file.")
		if ph.Phone != "" {
			phone.Placeholder = ph.Phone
			phone.Hint = l.T("Leave blank to keep the number on file.")
		}
	}
	return []formField{
		{Name: p + "name", Label: l.T("Name"), Value: vals[p+"name"], Required: true, Error: errs.take(p + "name")},
		id, phone,
	}
}

func personMoreFields(l lang, p string, vals map[string]string, errs formErrors) []formField {
	sel := func(name, label, kind string) formField {
		return formField{Name: p + name, Label: label, Kind: "select", Value: vals[p+name], Error: errs.take(p + name),
			Groups: enumOptions(l, kind, enumValues[kind], l.T("Not recorded"))}
	}
	return []formField{
		sel("school_status", l.T("Schooling"), "school_status"),
		sel("employment_status", l.T("Employment"), "employment_status"),
		sel("labour_capacity", l.T("Capacity to work"), "labour_capacity"),
		sel("disability_category", l.T("Disability category"), "disability_category"),
		{Name: p + "disability_grade", Label: l.T("Disability grade"), Kind: "select", Value: vals[p+"disability_grade"],
			Groups: gradeOptions(l), Error: errs.take(p + "disability_grade")},
		sel("self_care", l.T("Self-care"), "self_care"),
		{Name: p + "serious_illness", Label: l.T("Serious illness"), Value: vals[p+"serious_illness"], Error: errs.take(p + "serious_illness")},
		{Name: p + "death_date", Label: l.T("Date of death"), Kind: "date", Value: vals[p+"death_date"], Error: errs.take(p + "death_date")},
	}
}

// maxRegionOptions bounds the region select; a jurisdiction with more
// townships and villages (a whole country) gets a code field instead.
const maxRegionOptions = 5000

// regionGroups lists the townships and villages in the jurisdiction root,
// grouped by county, for the household's region select; nil if there are
// too many. current is kept as an option even if the table lacks it (a
// village not yet imported).
func (s *Server) regionGroups(l lang, root, current string) []optGroup {
	groups := []optGroup{{Options: []option{{"", l.T("Choose…")}}}}
	n := 0
	label := func(rg region.Region) string { return rg.Name + " (" + rg.Code + ")" }
	township := func(g *optGroup, t region.Region) {
		g.Options = append(g.Options, option{t.Code, label(t)})
		villages := s.Regions.Children(t.Code)
		for _, v := range villages {
			g.Options = append(g.Options, option{v.Code, "— " + label(v)})
		}
		n += 1 + len(villages)
	}
	var walk func(code string) bool
	walk = func(code string) bool {
		lv, _ := region.LevelOf(code)
		if code == "" {
			lv = 0
		}
		switch {
		case lv == region.County:
			g := optGroup{Label: s.regionName(code)}
			for _, t := range s.Regions.Children(code) {
				township(&g, t)
			}
			groups = append(groups, g)
			return n <= maxRegionOptions
		case lv < region.County:
			for _, c := range s.Regions.Children(code) {
				if !walk(c.Code) {
					return false
				}
			}
			return true
		}
		return true
	}
	lv, ok := region.LevelOf(root)
	switch {
	case ok && lv == region.Village:
		rg, _ := s.Regions.Get(root)
		if rg.Code == "" {
			rg = region.Region{Code: root, Name: root}
		}
		groups = append(groups, optGroup{Label: s.regionName(region.ParentCode(root)), Options: []option{{root, label(rg)}}})
	case ok && lv == region.Township:
		rg, _ := s.Regions.Get(root)
		g := optGroup{Label: s.regionName(region.CountyOf(root))}
		township(&g, rg)
		groups = append(groups, g)
	default:
		if !walk(root) {
			return nil
		}
	}
	if current != "" {
		found := false
		for _, g := range groups {
			for _, o := range g.Options {
				found = found || o.Value == current
			}
		}
		if !found {
			groups[0].Options = append(groups[0].Options, option{current, current})
		}
	}
	return groups
}
