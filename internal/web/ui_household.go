package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// householdView is the data of household.html: the household with its
// members, incomes, assets and history, and the small forms that add an
// income or an asset.
type householdView struct {
	view
	H        *registry.Household
	Revealed bool
	Incomes  []registry.Income
	Assets   []registry.Asset
	Versions []registry.Version

	// At is the day asked for in the "state on date" form; Snapshot is the
	// household as it stood then.
	At       string
	AtError  string
	Snapshot *registry.Snapshot

	IncomeForm     []formField
	IncomeProblems []string
	AssetForm      []formField
	AssetProblems  []string

	// Benefits: the user may see the household's enrollments
	// (Enrollments, ui_enrollments.go).
	Benefits    bool
	Enrollments []enrollmentRow

	// Timeline is everything that happened to the household that the
	// user may see, newest first (timeline.go).
	Timeline *timelineSection

	// EndAssetID is the asset whose "deregister" form came back with a
	// message (EndAssetProblems, or endAssetError beside its date).
	EndAssetID       int64
	EndAssetProblems []string
	endAssetValue    string
	endAssetError    string

	// names are the persons the page mentions by id: the members, and
	// former members named in the history, incomes or assets.
	names map[int64]string
	today civil.Date
	// form, values and errs are a rejected income or asset form, shown
	// again as typed with its messages.
	form   string
	values map[string]string
	errs   formErrors
	// failed is a rejected enrollment form; recorded is the address's
	// account of a job offer just recorded.
	failed   *enrollmentFailure
	recorded url.Values
}

// PersonName names a member by person id, for incomes, assets and history.
func (v *householdView) PersonName(id int64) string {
	if id == 0 {
		return v.T("Household as a whole")
	}
	if n, ok := v.names[id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// Age is a person's age in whole years today, or at death.
func (v *householdView) Age(p registry.Person) string {
	if p.Birth.IsZero() {
		return ""
	}
	at := v.today
	if !p.Death.IsZero() {
		at = p.Death
	}
	return strconv.Itoa(p.Birth.YearsAt(at))
}

// Disability describes a certified disability: "肢体 二级".
func (v *householdView) Disability(p registry.Person) string {
	if p.DisabilityCategory == "" {
		return ""
	}
	return v.Enum("disability_category", p.DisabilityCategory) + " " + v.T("Grade %d", p.DisabilityGrade)
}

// EntityLabel names a history entry's record.
func (v *householdView) EntityLabel(ver registry.Version) string {
	if ver.Entity == "household" {
		return v.T("Household")
	}
	return v.T("Member") + " " + v.PersonName(ver.EntityID)
}

// RevealURL and HideURL switch between masked and full personal data.
func (v *householdView) RevealURL() string {
	return "/households/" + strconv.FormatInt(v.H.ID, 10) + "?reveal=1"
}
func (v *householdView) HideURL() string { return "/households/" + strconv.FormatInt(v.H.ID, 10) }

func (s *Server) householdPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	pg := &householdView{view: view{}}
	switch r.URL.Query().Get("saved") {
	case "household":
		pg.Notice = l.T("The household was saved.")
	case "person":
		pg.Notice = l.T("The member was saved.")
	case "income":
		pg.Notice = l.T("The income was recorded.")
	case "asset":
		pg.Notice = l.T("The asset was recorded.")
	case "member":
		pg.Notice = l.T("The member was added.")
	case "left":
		pg.Notice = l.T("The member's departure was recorded: they are no longer a current member.")
	case "asset_ended":
		pg.Notice = l.T("The asset was deregistered.")
	case "job_offer":
		pg.recorded = r.URL.Query()
	}
	s.showHousehold(w, r, pg, http.StatusOK)
}

// showHousehold loads the household of the {id} path value into pg and
// renders it.
func (s *Server) showHousehold(w http.ResponseWriter, r *http.Request, pg *householdView, status int) {
	l := langOf(r)
	h, err := s.household(r) // masked unless ?reveal=1, which is checked and audited
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.H = h
	pg.Revealed = r.URL.Query().Get("reveal") == "1" || r.URL.Query().Get("reveal") == "true"
	pg.today = civil.Today()
	pg.Title = l.T("Household %s", h.Number)
	pg.names = map[int64]string{}
	for _, m := range h.Members {
		pg.names[m.Person.ID] = m.Person.Name
	}
	ctx, scope := r.Context(), scopeOf(r)
	if pg.Incomes, err = s.Registry.Incomes(ctx, scope, h.ID); err == nil {
		if pg.Assets, err = s.Registry.Assets(ctx, scope, h.ID); err == nil {
			pg.Versions, err = s.Registry.Versions(ctx, scope, h.ID)
		}
	}
	if err == nil {
		err = s.formerMemberNames(r, pg)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if at := strings.TrimSpace(r.URL.Query().Get("at")); at != "" {
		pg.At = at
		if d, err := civil.ParseDate(at); err != nil {
			pg.AtError = l.T("Enter the date as YYYY-MM-DD.")
		} else if snap, err := s.Registry.HouseholdAt(ctx, scope, h.ID, d); err != nil {
			if !apperr.IsCode(err, apperr.NotFound) {
				s.renderError(w, r, err)
				return
			}
			pg.AtError = l.T("The household was not registered yet on %s.", d.String())
		} else {
			if !pg.Revealed {
				maskHousehold(&snap.Household)
			}
			pg.Snapshot = snap
		}
	}
	if pg.Benefits = principalOf(r).Can(auth.CaseRead); pg.Benefits {
		if pg.Enrollments, err = s.enrollmentRows(r, pg); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if pg.Timeline, err = s.timelineSection(r, h.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if principalOf(r).Can(auth.HouseholdWrite) {
		var incomeValues, assetValues map[string]string
		var incomeErrs, assetErrs formErrors
		switch pg.form {
		case "income":
			incomeValues, incomeErrs = pg.values, pg.errs
		case "asset":
			assetValues, assetErrs = pg.values, pg.errs
		}
		pg.IncomeForm = incomeFields(l, h, incomeValues, incomeErrs)
		pg.AssetForm = assetFields(l, h, assetValues, assetErrs)
		pg.IncomeProblems = incomeErrs.rest(l)
		pg.AssetProblems = assetErrs.rest(l)
		if pg.form == "asset_end" {
			pg.endAssetValue = pg.values["valid_to"]
			pg.endAssetError = pg.errs.take("valid_to")
			pg.EndAssetProblems = pg.errs.rest(l)
		}
	}
	s.render(w, r, status, "household.html", pg)
}

// formerMemberNames names the persons that the history, incomes and
// assets mention and who are no longer members, as former members.
func (s *Server) formerMemberNames(r *http.Request, pg *householdView) error {
	var ids []int64
	want := func(id int64) {
		if _, ok := pg.names[id]; id != 0 && !ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, v := range pg.Versions {
		if v.Entity == "person" {
			want(v.EntityID)
		}
	}
	for _, in := range pg.Incomes {
		want(in.PersonID)
	}
	for _, a := range pg.Assets {
		want(a.PersonID)
	}
	for _, id := range ids {
		p, err := s.Registry.Person(r.Context(), scopeOf(r), id)
		if apperr.IsCode(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return err
		}
		pg.names[id] = langOf(r).T("%s (former member)", p.Name)
	}
	return nil
}

// EndAssetField is the date of an asset row's "deregister" form; each
// row's has its own element id.
func (v *householdView) EndAssetField(a registry.Asset) formField {
	f := formField{Name: "valid_to", Key: "asset-" + strconv.FormatInt(a.ID, 10) + ".valid_to", Label: v.T("No longer held since"),
		Kind: "date", Required: true}
	if a.ID == v.EndAssetID {
		f.Value, f.Error = v.endAssetValue, v.endAssetError
	}
	return f
}

// memberOptions lists the household's members for a "whose" select.
func memberOptions(l lang, h *registry.Household) []optGroup {
	opts := []option{{"", l.T("Household as a whole")}}
	for _, m := range h.Members {
		opts = append(opts, option{strconv.FormatInt(m.Person.ID, 10), m.Person.Name})
	}
	return []optGroup{{Options: opts}}
}

func incomeFields(l lang, h *registry.Household, v map[string]string, errs formErrors) []formField {
	if v == nil {
		v = map[string]string{"month": civil.Today().MonthOf().String()}
	}
	return []formField{
		{Name: "person_id", Label: l.T("Whose income"), Kind: "select", Value: v["person_id"], Groups: memberOptions(l, h), Error: errs.take("person_id")},
		{Name: "type", Label: l.T("Income type"), Kind: "select", Value: v["type"], Required: true,
			Groups: enumOptions(l, "income_type", enumValues["income_type"], l.T("Choose…")), Error: errs.take("type")},
		{Name: "month", Label: l.T("Month"), Kind: "month", Value: v["month"], Required: true, Placeholder: "2025-01", Error: errs.take("month")},
		{Name: "amount", Label: l.T("Amount (yuan)"), Value: v["amount"], Required: true, InputMode: "decimal", Placeholder: "0.00", Error: errs.take("amount")},
		{Name: "employment_cost", Label: l.T("Cost of earning it (yuan)"), Value: v["employment_cost"], InputMode: "decimal", Placeholder: "0.00", Error: errs.take("employment_cost")},
		{Name: "note", Label: l.T("Note"), Value: v["note"], Wide: true, Error: errs.take("note")},
	}
}

func assetFields(l lang, h *registry.Household, v map[string]string, errs formErrors) []formField {
	if v == nil {
		v = map[string]string{}
	}
	return []formField{
		{Name: "person_id", Label: l.T("Whose asset"), Kind: "select", Value: v["person_id"], Groups: memberOptions(l, h), Error: errs.take("person_id")},
		{Name: "type", Label: l.T("Asset type"), Kind: "select", Value: v["type"], Required: true,
			Groups: enumOptions(l, "asset_type", enumValues["asset_type"], l.T("Choose…")), Error: errs.take("type")},
		{Name: "description", Label: l.T("Description"), Value: v["description"], Wide: true,
			Hint: l.T("Bank and product, make and plate, address of a property, or a business's name"), Error: errs.take("description")},
		{Name: "value", Label: l.T("Value (yuan)"), Value: v["value"], InputMode: "decimal", Placeholder: "0.00", Error: errs.take("value")},
		{Name: "area", Label: l.T("Floor area (m²)"), Value: v["area"], InputMode: "decimal", Error: errs.take("area")},
		{Name: "valid_from", Label: l.T("Held since"), Kind: "date", Value: v["valid_from"], Required: true, Error: errs.take("valid_from")},
	}
}

// formValues copies the named form values, trimmed.
func formValues(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return out
}

// parseYuan reads an optional amount in yuan into fen.
func parseYuan(l *apperr.List, field, v string) money.Fen {
	if v == "" {
		return 0
	}
	f, err := money.Parse(v)
	if err != nil {
		l.Addf(field, "enter an amount in yuan, such as 1234.50")
	}
	return f
}

func parsePersonID(l *apperr.List, v string) int64 {
	if v == "" {
		return 0
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		l.Addf("person_id", "choose a member of the household")
	}
	return id
}

func (s *Server) addIncomeSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "person_id", "type", "month", "amount", "employment_cost", "note")
	var errs apperr.List
	in := registry.Income{HouseholdID: id, PersonID: parsePersonID(&errs, v["person_id"]),
		Type: registry.IncomeType(v["type"]), Note: v["note"]}
	if v["month"] != "" {
		if in.Month, err = civil.ParseMonth(v["month"]); err != nil {
			errs.Addf("month", "enter the month as YYYY-MM")
		}
	}
	if v["amount"] == "" {
		errs.Addf("amount", "the amount is required")
	}
	in.Amount = parseYuan(&errs, "amount", v["amount"])
	in.EmploymentCost = parseYuan(&errs, "employment_cost", v["employment_cost"])
	err = errs.Err()
	if err == nil {
		err = s.Registry.AddIncome(r.Context(), scopeOf(r), &in)
	}
	if err == nil {
		seeOther(w, r, "/households/"+strconv.FormatInt(id, 10)+"?saved=income#incomes")
		return
	}
	s.householdFormFailed(w, r, err, "income", v)
}

func (s *Server) addAssetSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "person_id", "type", "description", "value", "area", "valid_from")
	var errs apperr.List
	a := registry.Asset{HouseholdID: id, PersonID: parsePersonID(&errs, v["person_id"]),
		Type: registry.AssetType(v["type"]), Description: v["description"]}
	a.Value = parseYuan(&errs, "value", v["value"])
	if v["area"] != "" {
		if a.Area, err = strconv.ParseFloat(v["area"], 64); err != nil {
			errs.Addf("area", "enter the area in square metres, such as 65.5")
		}
	}
	if v["valid_from"] != "" {
		if a.ValidFrom, err = civil.ParseDate(v["valid_from"]); err != nil {
			errs.Addf("valid_from", "enter the date as YYYY-MM-DD")
		}
	}
	err = errs.Err()
	if err == nil {
		err = s.Registry.AddAsset(r.Context(), scopeOf(r), &a)
	}
	if err == nil {
		seeOther(w, r, "/households/"+strconv.FormatInt(id, 10)+"?saved=asset#assets")
		return
	}
	s.householdFormFailed(w, r, err, "asset", v)
}

// householdFormFailed shows the household page again with the income or
// asset form as typed and its messages; an error that is not about the
// input (not found, internal) gets the error page.
func (s *Server) householdFormFailed(w http.ResponseWriter, r *http.Request, err error, form string, v map[string]string) {
	if code := apperr.CodeOf(err); code != apperr.Invalid && code != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	pg := &householdView{view: view{Here: "/households/" + r.PathValue("id")},
		form: form, values: v, errs: errorsOf(langOf(r), err)}
	s.showHousehold(w, r, pg, statusOf[apperr.CodeOf(err)])
}
