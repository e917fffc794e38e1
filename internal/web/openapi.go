package web

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/monitor"
	"safetynet/internal/policy"
	"safetynet/internal/referral"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// apiDoc describes one API operation for the OpenAPI document. Every
// /api/v1 route must have one (TestOpenAPIMatchesRoutes).
type apiDoc struct {
	Summary  string
	Query    []string // query parameter names
	Request  any      // a value of the request body's type, or nil
	Response any      // a value of the response type, or nil
	Status   int      // the success status (200 if zero)
}

var apiDocs = map[string]apiDoc{
	"GET /api/v1/openapi.json":                         {Summary: "This document"},
	"GET /api/v1/me":                                   {Summary: "The signed-in user, their jurisdiction and permissions", Response: me{}},
	"GET /api/v1/regions":                              {Summary: "Children of a region (?parent=, default the jurisdiction) or a name search (?q=)", Query: []string{"parent", "q"}, Response: []region.Region{}},
	"GET /api/v1/regions/{code}":                       {Summary: "One region with its chain and children", Response: regionDetail{}},
	"GET /api/v1/households":                           {Summary: "Search households in the jurisdiction; keyset pagination with ?after=", Query: []string{"region", "number", "name", "id_number", "after", "limit"}, Response: page[registry.HouseholdSummary]{}},
	"POST /api/v1/households":                          {Summary: "Register a household with its members", Request: registry.Household{}, Response: registry.Household{}, Status: http.StatusCreated},
	"GET /api/v1/households/{id}":                      {Summary: "A household with its members; personal data masked unless ?reveal=true (audited, needs pii.view)", Query: []string{"reveal"}, Response: registry.Household{}},
	"PUT /api/v1/households/{id}":                      {Summary: "Update a household's own fields; send the version read (409 if stale)", Request: registry.Household{}, Response: registry.Household{}},
	"GET /api/v1/households/{id}/snapshot":             {Summary: "The household as it stood on ?at=YYYY-MM-DD", Query: []string{"at"}, Response: registry.Snapshot{}},
	"GET /api/v1/households/{id}/history":              {Summary: "Recorded versions of the household and its members", Response: []registry.Version{}},
	"POST /api/v1/households/{id}/members":             {Summary: "Add a member (a new person, or an existing one by ID number)", Request: registry.Member{}, Response: registry.Member{}, Status: http.StatusCreated},
	"POST /api/v1/members/{id}/end":                    {Summary: "End a membership on a day, with a reason", Request: endRequest{}},
	"GET /api/v1/households/{id}/incomes":              {Summary: "Current declared incomes, newest month first", Response: []registry.Income{}},
	"POST /api/v1/households/{id}/incomes":             {Summary: "Declare an income; supersedes the record for the same person, type and month", Request: registry.Income{}, Response: registry.Income{}, Status: http.StatusCreated},
	"GET /api/v1/households/{id}/assets":               {Summary: "Assets, current and past", Response: []registry.Asset{}},
	"POST /api/v1/households/{id}/assets":              {Summary: "Record an asset", Request: registry.Asset{}, Response: registry.Asset{}, Status: http.StatusCreated},
	"POST /api/v1/assets/{id}/end":                     {Summary: "Record the day an asset stopped being held", Request: endRequest{}},
	"GET /api/v1/persons":                              {Summary: "Search persons in the jurisdiction", Query: []string{"region", "name", "id_number", "after", "limit"}, Response: page[registry.PersonSummary]{}},
	"GET /api/v1/persons/{id}":                         {Summary: "A person; masked unless ?reveal=true", Query: []string{"reveal"}, Response: registry.Person{}},
	"PUT /api/v1/persons/{id}":                         {Summary: "Update a person; send the version read and the full ID number", Request: registry.Person{}, Response: registry.Person{}},
	"POST /api/v1/imports/registry":                    {Summary: "Import households and persons from CSV or XLSX (multipart field \"file\"; for CSV also \"incomes\" and \"assets\")", Response: importReport{}},
	"GET /api/v1/imports/template":                     {Summary: "The import template (?format=csv or xlsx)", Query: []string{"format"}},
	"POST /api/v1/calculate":                           {Summary: "Programs' verdicts, amounts and explanations for a registered household (household_id) or households given inline (docs/rules.md)", Request: calcRequest{}, Response: calcResponse{}},
	"GET /api/v1/audit":                                {Summary: "Audit records in the jurisdiction, newest first", Query: []string{"region", "entity", "entity_id", "before", "limit"}, Response: []audit.Entry{}},
	"GET /api/v1/parameters":                           {Summary: "Every policy parameter with the value in force in ?region= (a 2-, 4- or 6-digit code; default the jurisdiction) on ?date= (default today), required ones without a value marked missing; with ?key=, that parameter's history there", Query: []string{"region", "date", "key"}, Response: paramTree{}},
	"POST /api/v1/parameters":                          {Summary: "Add a dated value of a parameter for a scope in the jurisdiction (region \"\" is national); a date before today needs a reason; audited", Request: paramRequest{}, Response: policy.Param{}, Status: http.StatusCreated},
	"GET /api/v1/applications":                         {Summary: "Applications handled or filed in the jurisdiction, newest first", Query: []string{"region", "program", "state", "household_id", "open", "before", "limit"}, Response: []casework.Summary{}},
	"POST /api/v1/applications":                        {Summary: "File an application for a registered household (counter, residence or entrusted); a near-relative declaration registers the case separately; audited (docs/casework.md)", Request: newApplication{}, Response: applicationView{}, Status: http.StatusCreated},
	"GET /api/v1/applications/{id}":                    {Summary: "One application with the actions the caller may take, required and missing materials, working days left, events, tasks and decision", Response: applicationView{}},
	"POST /api/v1/applications/{id}/actions/{action}":  {Summary: "Take a workflow action (accept, request_materials, record_visit, propose, object, end_notice, confirm, reject, ...) with the version last seen: 409 if someone acted first or the state does not allow it (with the allowed actions)", Request: casework.Input{}, Response: applicationView{}},
	"POST /api/v1/applications/{id}/attachments":       {Summary: "Upload a material (multipart: purpose = its code, file) or a home-visit photo (purpose visit_photo): JPEG, PNG or PDF recognised by content, never by name; programs, scripts, archives, Office files, HTML and SVG refused (422), over the upload limit 413; a material then counts as received (add_materials); optional supersedes = the number of a wrong upload it replaces; audited (docs/casework.md)", Response: uploadResult{}, Status: http.StatusCreated},
	"GET /api/v1/applications/{id}/attachments":        {Summary: "An application's uploaded files, oldest first, without their content; a replaced one names the file that superseded it", Response: []casework.Attachment{}},
	"GET /api/v1/attachments/{id}":                     {Summary: "Download an uploaded file (Content-Disposition: attachment); audited as a read of personal documents"},
	"GET /api/v1/inbox":                                {Summary: "The caller's open tasks, own and escalated, by due date, with working days left", Query: []string{"after_due", "after_id"}, Response: []inboxItem{}},
	"GET /api/v1/notices":                              {Summary: "The public notice (公示) of a township (or village) in the jurisdiction for a period (default: the township of a township's staff, this month): the applications proposed for approval whose notice overlaps it, names masked, household size, program, proposed amount; minors never; with the complaint phone (docs/casework.md)", Query: []string{"township", "from", "to"}, Response: noticeDoc{}},
	"GET /api/v1/stats/handling":                       {Summary: "Handling times of applications (not reviews) decided from ?from= (default 1 January) to ?to= (default today) in ?region= (default the jurisdiction): per program for the region (totals) and per child region and program (rows): decided, average working days from acceptance to decision, on-time share among those with an overall limit, and open ones past it today (docs/casework.md)", Query: []string{"region", "from", "to"}, Response: handlingReport{}},
	"GET /api/v1/households/{id}/enrollments":          {Summary: "A household's enrollments (benefits from decisions), the latest first, with status, amount, months and next re-check", Response: []casework.Enrollment{}},
	"GET /api/v1/verification/sources":                 {Summary: "The departments' data sources (核对数据源): schema (fields, types, key), department, refresh cadence, use, and the latest applied batch with the number of current records (docs/verification.md)", Response: []verify.SourceInfo{}},
	"POST /api/v1/verification/sources":                {Summary: "Add a data source to the catalogue (administrators); validated, audited", Request: verify.Source{}, Response: verify.Source{}, Status: http.StatusCreated},
	"GET /api/v1/verification/sources/{code}/mapping":  {Summary: "The saved column mapping of a source: field code → the column header in the department's file", Response: verify.Mapping{}},
	"PUT /api/v1/verification/sources/{code}/mapping":  {Summary: "Save a source's column mapping for its next batches; audited", Request: verify.Mapping{}, Response: verify.Mapping{}},
	"POST /api/v1/verification/sources/{code}/imports": {Summary: "Import a department's file (multipart: optional as_of, sheet and mapping.<field> fields, then file): CSV in UTF-8 or GB18030, XLSX or JSON Lines, streamed to disk and loaded in the background (202 with the batch; poll it for progress); a file already applied changes nothing (200, again = true)", Response: batchView{}, Status: http.StatusAccepted},
	"GET /api/v1/verification/batches":                 {Summary: "Import batches visible in the jurisdiction, newest first, optionally of ?source=", Query: []string{"source"}, Response: []batchView{}},
	"GET /api/v1/verification/batches/{id}":            {Summary: "One import batch with its provenance (file name, SHA-256, format, encoding), counts and progress", Response: batchView{}},
	"GET /api/v1/verification/batches/{id}/rejects":    {Summary: "A batch's rejected rows in row order (?after=row, ?limit= up to 1000) with every problem and the row's cells, ID numbers masked; ?format=csv downloads them all", Query: []string{"after", "limit", "format"}, Response: []rejectView{}},
	"GET /api/v1/households/{id}/authorisations":       {Summary: "A household's authorisations for verification (授权书), newest first", Response: []verify.Authorisation{}},
	"POST /api/v1/households/{id}/authorisations":      {Summary: "Record a signed authorisation (multipart: signed_on, signers as JSON [{person_id, for:[…]}], scope = source codes or empty for all, scan = JPEG, PNG or PDF); every member signs or a guardian for a minor; expiry from verify.authorisation.valid_months; audited", Response: verify.Authorisation{}, Status: http.StatusCreated},
	"GET /api/v1/authorisations/{id}/scan":             {Summary: "Download an authorisation's scanned form; audited as a read of personal documents"},
	"POST /api/v1/authorisations/{id}/revoke":          {Summary: "Record that the household withdrew an authorisation on a day, with how; verification is refused from then on; audited", Request: revokeRequest{}, Response: revokeRequest{}},
	"POST /api/v1/households/{id}/verify":              {Summary: "Verify a household against the departments' current data (needs a valid authorisation covering every member) and issue the verification report (核对报告), optionally for an application", Request: verifyRequest{}, Response: verify.Report{}, Status: http.StatusCreated},
	"GET /api/v1/households/{id}/verification-reports": {Summary: "A household's verification reports, newest first, without the members' records", Response: []verify.Report{}},
	"GET /api/v1/verification/reports/{id}":            {Summary: "One verification report as issued", Response: verify.Report{}},
	"GET /api/v1/partners":                             {Summary: "The partner directory (协作单位) serving the jurisdiction or a part of it: kind, region served, needs met, contact (phone masked without pii.view) (docs/referral.md)", Response: []referral.Partner{}},
	"POST /api/v1/partners":                            {Summary: "Add a partner whose region lies in the jurisdiction; validated, audited", Request: referral.Partner{}, Response: referral.Partner{}, Status: http.StatusCreated},
	"PUT /api/v1/partners/{id}":                        {Summary: "Change a partner with the version read (409 if stale); audited", Request: referral.Partner{}, Response: referral.Partner{}},
	"POST /api/v1/partners/{id}/logins":                {Summary: "Create a login (role partner) for the partner: it sees only the referrals sent to it; audited", Request: partnerLogin{}, Response: auth.User{}, Status: http.StatusCreated},
	"POST /api/v1/partners/{id}/tokens":                {Summary: "Issue an API token to a login of the partner (shown once); audited", Request: partnerToken{}, Response: tokenJSON{}, Status: http.StatusCreated},
	"GET /api/v1/referrals":                            {Summary: "Referrals of households in the jurisdiction, newest first; ?escalated=1 those escalated to the caller", Query: []string{"status", "overdue", "escalated", "household_id", "before", "limit"}, Response: []referralJSON{}},
	"GET /api/v1/referrals/stats":                      {Summary: "Referral outcomes per child region of ?region= (default the jurisdiction): sent, waiting, accepted, declined, done, overdue", Query: []string{"region"}, Response: []referral.RegionStats{}},
	"GET /api/v1/referrals/{id}":                       {Summary: "One referral with its documents (without content) and log", Response: referralJSON{}},
	"POST /api/v1/households/{id}/referrals":           {Summary: "Refer a household's needs to a partner, with the household's consent (JSON, or multipart: referral = the JSON, documents = files checked by content); refused with the reason for a partner outside its region, inactive, or not serving a need; needs referral.accept_wd and referral.result_wd set for the county; audited", Request: referralRequest{}, Response: referralJSON{}, Status: http.StatusCreated},
	"GET /api/v1/referral-documents/{id}":              {Summary: "Download a referral's document; audited"},
	"GET /api/v1/partner/referrals":                    {Summary: "A partner's own referrals (the caller's organisation only), newest first", Query: []string{"status", "overdue", "before", "limit"}, Response: []referralJSON{}},
	"GET /api/v1/partner/referrals/{id}":               {Summary: "One referral sent to the caller's organisation, with the household (ID numbers and phones masked)", Response: partnerReferralJSON{}},
	"POST /api/v1/partner/referrals/{id}/accept":       {Summary: "Accept a referral (version read; optional note): the result's deadline starts", Request: stepRequest{}, Response: referralJSON{}},
	"POST /api/v1/partner/referrals/{id}/decline":      {Summary: "Decline a referral with the reason (version read)", Request: stepRequest{}, Response: referralJSON{}},
	"POST /api/v1/partner/referrals/{id}/actions":      {Summary: "Record an action on an accepted referral (version read, note)", Request: stepRequest{}, Response: referralJSON{}},
	"POST /api/v1/partner/referrals/{id}/result":       {Summary: "Record the result of an accepted referral (version read, result): it is done", Request: stepRequest{}, Response: referralJSON{}},
	"GET /api/v1/partner/documents/{id}":               {Summary: "Download a document of a referral sent to the caller's organisation; audited"},
	"GET /api/v1/monitor/rules":                        {Summary: "Monitoring risk rules (预警规则) whose scope covers or lies in the jurisdiction (docs/monitoring.md)", Response: []monitor.Rule{}},
	"POST /api/v1/monitor/rules":                       {Summary: "Add a risk rule in the jurisdiction: the expression is type-checked (errors give line and column); it starts inactive; audited", Request: monitor.Rule{}, Response: monitor.Rule{}, Status: http.StatusCreated},
	"PUT /api/v1/monitor/rules/{id}":                   {Summary: "Change a rule with the version read (409 if stale); a changed rule becomes inactive until activated again", Request: monitor.Rule{}, Response: monitor.Rule{}},
	"POST /api/v1/monitor/rules/{id}/dry-run":          {Summary: "Run a rule over the monitored population of the jurisdiction now: persons, hits, run-time errors, example households, and whether activating it needs confirmation (more than 20%)", Response: dryRunView{}},
	"POST /api/v1/monitor/rules/{id}/activation":       {Summary: "Activate (after a fresh dry run; above 20% only with confirm) or deactivate a rule, with the version read; audited", Request: ruleActivation{}, Response: monitor.Rule{}},
	"GET /api/v1/monitor/population":                   {Summary: "The monitored population (监测对象) of ?region= (default the jurisdiction) by child region and category, in households and their current members, with totals; exits and rejections within each county's monitor.exited.months and monitor.rejected.months (docs/monitoring.md)", Query: []string{"region"}, Response: populationView{}},
	"GET /api/v1/monitor/population/households":        {Summary: "The monitored households of a county, township or village (?region=), optionally of one ?category=, by id; keyset pagination with ?after=", Query: []string{"region", "category", "after", "limit"}, Response: page[monitor.MonitoredSummary]{}},
	"GET /api/v1/verification/runs":                    {Summary: "Verification runs (核对批次任务) in the jurisdiction, newest first", Response: []runView{}},
	"POST /api/v1/verification/runs":                   {Summary: "Start, or resume, the verification run of a county or township on a day (default today): every household with an active benefit or a pending application, in the background (202); a finished run is returned as is (200)", Request: runRequest{}, Response: runView{}, Status: http.StatusAccepted},
	"GET /api/v1/verification/runs/{id}":               {Summary: "One run with its counts and progress", Response: runView{}},
	"GET /api/v1/verification/runs/{id}/results":       {Summary: "A run's results by household (?changed=true: those whose eligibility or amount would change; ?status=; keyset ?after=household id; ?limit=)", Query: []string{"changed", "status", "after", "limit"}, Response: []verify.Result{}},
	"POST /api/v1/verification/runs/{id}/reviews":      {Summary: "Open a review of the benefit of every household of a finished run whose eligibility or amount would change (idempotent)", Response: verify.Reviews{}},
	"POST /api/v1/enrollments/{id}/reviews":            {Summary: "Open a review of an enrollment: a change report (birth, death, income change) or another finding, with a note; it runs through investigation, the township's proposed outcome and the county's confirmation (docs/casework.md)", Request: reviewRequest{}, Response: applicationView{}, Status: http.StatusCreated},
	"POST /api/v1/enrollments/{id}/refusals":           {Summary: "Record a member's refusal (or acceptance) of a suitable job offer; at the limit of consecutive refusals a review opens", Request: refusalRequest{}, Response: refusalResult{}},
	"GET /api/v1/calendar":                             {Summary: "The holidays and make-up working days of ?year= (default this year), whether its State Council notice has been entered, the notices and the number of working days (docs/calendar.md)", Query: []string{"year"}, Response: calendarYear{}},
	"POST /api/v1/calendar":                            {Summary: "Enter days of a year's notice, or corrections (a day replaces the one for its date); administrators only; audited", Request: calendarRequest{}, Response: []calendarYear{}, Status: http.StatusCreated},
}

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	openAPIOnce.Do(func() { openAPIDoc = s.buildOpenAPI() })
	writeJSON(w, http.StatusOK, openAPIDoc)
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (s *Server) buildOpenAPI() map[string]any {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		d := apiDocs[rt.pattern]
		op := map[string]any{"summary": d.Summary, "x-permission": string(rt.perm)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range d.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if d.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(d.Request), schemas)}}}
		}
		status := d.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if d.Response != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(d.Response), schemas)}}
		}
		errRef := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		op["responses"] = map[string]any{strconv.Itoa(status): ok, "default": errRef}
		if rt.perm == auth.Public {
			op["security"] = []any{}
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = op
	}
	schemas["Error"] = map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object",
		"properties": map[string]any{"code": map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "conflict", "unauthorized", "forbidden", "too_large", "unavailable", "internal"}},
			"message": map[string]any{"type": "string"}, "field": map[string]any{"type": "string"}, "request_id": map[string]any{"type": "string"}}}}}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "SafetyNet API", "version": "1", "description": "Social-assistance registry. Errors are {\"error\":{\"code\",\"message\",\"field\"}}. Authenticate with a bearer token (safetynet user token) or a session cookie plus X-CSRF-Token."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{
			"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie}}},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

var (
	timeType  = reflect.TypeOf(time.Time{})
	dateType  = reflect.TypeOf(civil.Date{})
	monthType = reflect.TypeOf(civil.Month{})
	fenType   = reflect.TypeOf(money.Fen(0))
)

// schemaOf returns a JSON schema for t, adding named structs to schemas.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateType:
		return map[string]any{"type": "string", "format": "date", "nullable": true}
	case monthType:
		return map[string]any{"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}
	case fenType:
		return map[string]any{"type": "integer", "format": "int64", "description": "amount in fen (1/100 yuan)"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), schemas)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "object", "description": "JSON"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object"}
	case reflect.Struct:
		name := strings.NewReplacer("[", "_", "]", "", "/", "_", ".", "_", "*", "").Replace(t.Name())
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // placeholder against recursion
			props := map[string]any{}
			addFields(t, props, schemas)
			schemas[name] = map[string]any{"type": "object", "properties": props}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any, schemas map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			addFields(f.Type, props, schemas)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, schemas)
	}
}
