package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// The verification centre's pages: the catalogue of data sources
// (/verification), a source with its mapping, upload form and batches
// (/verification/sources/{code}), and an import batch with its progress and
// rejected rows (/verification/batches/{id}).

// sourceRow is one source in the catalogue.
type sourceRow struct {
	Code, Name, Department, Cadence, Use string
	Builtin                              bool
	Latest                               *verify.Batch
	LatestOn                             string
	Current                              int64
}

// verificationView is the data of verification.html.
type verificationView struct {
	view
	Sources []sourceRow
	Batches []batchRow
	// The form that adds a source (administrators).
	CanAdd      bool
	AddOpen     bool
	AddForm     []formField
	AddProblems []string
}

// batchRow is one batch in a list.
type batchRow struct {
	ID                                int64
	Source, File, Status, StatusLabel string
	Started                           string
	Rows, Imported, Rejected          int64
	Percent                           int
}

func (s *Server) sourceName(l lang, src *verify.Source) string {
	if l == langEN && src.EN != "" {
		return src.EN
	}
	return src.ZH
}

func (s *Server) batchRows(r *http.Request, l lang, source string, names map[string]string) ([]batchRow, error) {
	bs, err := s.Verify.Batches(r.Context(), source, 50)
	if err != nil {
		return nil, err
	}
	var out []batchRow
	for i := range bs {
		b := &bs[i]
		if !visibleBatch(principalOf(r), b) {
			continue
		}
		v := s.batchView(l, b)
		out = append(out, batchRow{ID: b.ID, Source: names[b.Source], File: b.FileName, Status: b.Status, StatusLabel: l.enumLabel("batch_status", b.Status),
			Started: timestamp(b.StartedAt), Rows: b.Rows, Imported: b.Imported, Rejected: b.Rejected, Percent: v.Percent})
	}
	return out, nil
}

func (s *Server) verificationPage(w http.ResponseWriter, r *http.Request) {
	s.showVerification(w, r, &verificationView{}, http.StatusOK)
}

func (s *Server) showVerification(w http.ResponseWriter, r *http.Request, pg *verificationView, status int) {
	l := langOf(r)
	pg.Title = l.T("Verification")
	infos, err := s.Verify.Sources(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := map[string]string{}
	for i := range infos {
		in := &infos[i]
		row := sourceRow{Code: in.Code, Name: s.sourceName(l, &in.Source), Department: in.Department, Cadence: l.enumLabel("cadence", string(in.Cadence)),
			Use: l.enumLabel("source_use", string(in.Use)), Builtin: in.Builtin, Latest: in.Latest, Current: in.Current}
		if l == langEN && in.DepartmentEN != "" {
			row.Department = in.DepartmentEN
		}
		if in.Latest != nil {
			row.LatestOn = timestamp(in.Latest.FinishedAt)
		}
		names[in.Code] = row.Name
		pg.Sources = append(pg.Sources, row)
	}
	if pg.Batches, err = s.batchRows(r, l, "", names); err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.CanAdd = principalOf(r).Can(auth.SourceAdmin)
	if pg.CanAdd && pg.AddForm == nil {
		pg.AddForm = sourceFields(l, map[string]string{"cadence": "monthly", "use": "income"}, nil)
	}
	s.render(w, r, status, "verification.html", pg)
}

// sourceFields are the fields of the form that adds a source.
func sourceFields(l lang, vals map[string]string, errs formErrors) []formField {
	if errs == nil {
		errs = formErrors{}
	}
	var cad, uses, incs, assets []string
	for _, c := range verify.Cadences {
		cad = append(cad, string(c))
	}
	for _, u := range verify.UseList {
		uses = append(uses, string(u))
	}
	for _, t := range registry.IncomeTypes {
		incs = append(incs, string(t))
	}
	for _, t := range registry.AssetTypes {
		assets = append(assets, string(t))
	}
	f := func(name, label, kind string, required bool) formField {
		return formField{Name: name, Label: label, Kind: kind, Value: vals[name], Required: required, Error: errs.take(name)}
	}
	code := f("code", l.T("Source code"), "", true)
	code.Hint = l.T("Lower-case letters, digits and underscores, such as water_fee")
	cadence := f("cadence", l.T("Refresh cadence"), "select", true)
	cadence.Groups = enumOptions(l, "cadence", cad, "")
	use := f("use", l.T("Use in verification"), "select", true)
	use.Groups = enumOptions(l, "source_use", uses, "")
	inc := f("income_type", l.T("Income type (income sources)"), "select", false)
	inc.Groups = enumOptions(l, "income_type", incs, l.T("(none)"))
	ast := f("asset_type", l.T("Asset type (asset sources)"), "select", false)
	ast.Groups = enumOptions(l, "asset_type", assets, l.T("(none)"))
	fields := f("fields", l.T("Fields, one a line: code, Chinese name, type, required"), "textarea", true)
	fields.Wide = true
	fields.Hint = l.T("Types: id_number, text, money, int, decimal, date, month, enum (values after a bar: status,状态,enum,required|a|b), bool. The first field must be id_number,公民身份号码,id_number,required.")
	key := f("key", l.T("Key fields, separated by commas"), "", true)
	key.Hint = l.T("A newer batch's record with the same key replaces the older one, such as id_number,month")
	out := []formField{code, f("zh", l.T("Chinese name"), "", true), f("en", l.T("English name"), "", false), f("department", l.T("Department"), "", true),
		f("department_en", l.T("Department in English"), "", false), cadence, use, inc, ast, fields, key}
	for k := range errs {
		if strings.HasPrefix(k, "fields") {
			out[9].Error = strings.TrimSpace(out[9].Error + " " + errs.take(k))
		}
	}
	return out
}

// parseSourceForm builds a source from the add-source form.
func parseSourceForm(vals map[string]string) (verify.Source, error) {
	src := verify.Source{Code: vals["code"], ZH: vals["zh"], EN: vals["en"], Department: vals["department"], DepartmentEN: vals["department_en"],
		Cadence: verify.Cadence(vals["cadence"]), Use: verify.Use(vals["use"]), IncomeType: registry.IncomeType(vals["income_type"]),
		AssetType: registry.AssetType(vals["asset_type"])}
	var l apperr.List
	for i, line := range strings.Split(vals["fields"], "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		spec, values, _ := strings.Cut(line, "|")
		parts := strings.Split(strings.ReplaceAll(spec, "，", ","), ",")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		if len(parts) < 3 {
			l.Addf("fields", "line %d: write the code, the Chinese name and the type, separated by commas", i+1)
			continue
		}
		fd := verify.Field{Code: parts[0], ZH: parts[1], Type: verify.FieldType(parts[2]), Required: len(parts) > 3 && parts[3] == "required"}
		if values != "" {
			for _, v := range strings.Split(values, "|") {
				fd.Values = append(fd.Values, strings.TrimSpace(v))
			}
		}
		src.Fields = append(src.Fields, fd)
	}
	for _, k := range strings.Split(vals["key"], ",") {
		if k = strings.TrimSpace(k); k != "" {
			src.Key = append(src.Key, k)
		}
	}
	return src, l.Err()
}

func (s *Server) addSourceSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, err)
		return
	}
	vals := postedValues(r)
	src, err := parseSourceForm(vals)
	if err == nil {
		if err = s.Verify.AddSource(r.Context(), &src); err == nil {
			seeOther(w, r, "/verification/sources/"+src.Code+"?saved=source")
			return
		}
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	l := langOf(r)
	fe := errorsOf(l, err)
	pg := &verificationView{AddOpen: true}
	pg.Here = "/verification"
	pg.AddForm = sourceFields(l, vals, fe)
	pg.AddProblems = fe.rest(l)
	s.showVerification(w, r, pg, statusOf[apperr.CodeOf(err)])
}

// fieldRow is one field of a source's schema.
type fieldRow struct {
	Code, Name, Type, Values string
	Required, Key            bool
	Mapped                   formField
}

// sourceView is the data of verify_source.html.
type sourceView struct {
	view
	Code, Name, Department, Cadence, Use string
	Fields                               []fieldRow
	Key                                  string
	Latest                               *verify.Batch
	Batches                              []batchRow
	CanImport                            bool
	AsOf, Sheet                          formField
	Problems                             []string
}

func (s *Server) sourcePage(w http.ResponseWriter, r *http.Request) {
	pg := &sourceView{}
	if r.URL.Query().Get("saved") == "source" {
		pg.Notice = langOf(r).T("The data source was added. Import its first batch below.")
	}
	s.showSource(w, r, pg, nil, nil, http.StatusOK)
}

func (s *Server) showSource(w http.ResponseWriter, r *http.Request, pg *sourceView, vals map[string]string, errs formErrors, status int) {
	l := langOf(r)
	ctx := r.Context()
	src, err := s.DB.Source(ctx, r.PathValue("code"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m, err := s.Verify.Mapping(ctx, src.Code)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if errs == nil {
		errs = formErrors{}
	}
	pg.Code, pg.Name, pg.Department = src.Code, s.sourceName(l, src), src.Department
	pg.Title = l.T("Data source: %s", pg.Name)
	pg.Cadence, pg.Use = l.enumLabel("cadence", string(src.Cadence)), l.enumLabel("source_use", string(src.Use))
	pg.Key = strings.Join(src.Key, " + ")
	for _, f := range src.Fields {
		row := fieldRow{Code: f.Code, Name: f.ZH, Type: l.enumLabel("field_type", string(f.Type)), Required: f.Required, Key: slices.Contains(src.Key, f.Code)}
		if l == langEN && f.EN != "" {
			row.Name = f.EN
		}
		if len(f.Labels) > 0 {
			row.Values = strings.Join(f.Labels, "、")
		} else {
			row.Values = strings.Join(f.Values, ", ")
		}
		v := m[f.Code]
		if vals != nil {
			v = vals["mapping."+f.Code]
		}
		row.Mapped = formField{Name: "mapping." + f.Code, Label: f.Code, Value: v, Placeholder: f.ZH, Error: errs.take("mapping." + f.Code)}
		pg.Fields = append(pg.Fields, row)
	}
	names := map[string]string{src.Code: pg.Name}
	if pg.Batches, err = s.batchRows(r, l, src.Code, names); err != nil {
		s.renderError(w, r, err)
		return
	}
	pg.CanImport = principalOf(r).Can(auth.VerifyImport)
	pg.AsOf = formField{Name: "as_of", Label: l.T("Data as of"), Kind: "date", Value: vals["as_of"], Error: errs.take("as_of"),
		Hint: l.T("The day the department's data stands at, when it says")}
	pg.Sheet = formField{Name: "sheet", Label: l.T("Worksheet (XLSX)"), Value: vals["sheet"], Error: errs.take("sheet"), Hint: l.T("Empty: the first sheet")}
	pg.Problems = append(pg.Problems, errs.rest(l)...)
	s.render(w, r, status, "verify_source.html", pg)
}

// importSubmit starts an import from the source page and goes to the
// batch's page, where the progress shows. A refused upload comes back to
// the source page with its messages and the mapping as typed.
func (s *Server) importSourceSubmit(w http.ResponseWriter, r *http.Request) {
	up, err := s.readImportUpload(r)
	var b *verify.Batch
	if err == nil {
		b, err = s.startImport(r, r.PathValue("code"), up)
	}
	if err != nil {
		up.remove()
		if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.TooLarge {
			s.renderError(w, r, err)
			return
		}
		l := langOf(r)
		pg := &sourceView{}
		pg.Here = "/verification/sources/" + r.PathValue("code")
		s.showSource(w, r, pg, up.values, errorsOf(l, err), statusOf[apperr.CodeOf(err)])
		return
	}
	to := "/verification/batches/" + strconv.FormatInt(b.ID, 10)
	if b.Again {
		to += "?again=1"
	}
	seeOther(w, r, to)
}

// batchPageView is the data of verify_batch.html.
type batchPageView struct {
	view
	B          batchView
	SourceName string
	Started    string
	Finished   string
	Size       string
	AsOf       string
	Rejects    []rejectView
	More       bool
	Loading    bool
}

func (s *Server) batchPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	b, err := s.batchOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pg := &batchPageView{B: s.batchView(l, b), Started: timestamp(b.StartedAt), Loading: b.Status == verify.BatchLoading, Size: sizeLabel(b.FileSize)}
	if !b.FinishedAt.IsZero() {
		pg.Finished = timestamp(b.FinishedAt)
	}
	if !b.DataAsOf.IsZero() {
		pg.AsOf = b.DataAsOf.String()
	}
	if src, err := s.DB.Source(r.Context(), b.Source); err == nil {
		pg.SourceName = s.sourceName(l, src)
	} else {
		pg.SourceName = b.Source
	}
	pg.Title = l.T("Import batch %d", b.ID)
	if r.URL.Query().Get("again") != "" {
		pg.Notice = l.T("This file was imported already, as this batch: nothing changed.")
	}
	rs, err := s.Verify.Rejects(r.Context(), b.ID, 0, 201)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(rs) > 200 {
		rs, pg.More = rs[:200], true
	}
	pg.Rejects = rejectViews(l, rs)
	s.render(w, r, http.StatusOK, "verify_batch.html", pg)
}

// rejectsCSV downloads a batch's rejected rows (the API's CSV).
func (s *Server) rejectsCSV(w http.ResponseWriter, r *http.Request) {
	b, err := s.batchOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeRejectsCSV(w, r, langOf(r), b)
}
