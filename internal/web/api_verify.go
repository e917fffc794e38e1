package web

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/verify"
)

// The verification API (核对, docs/verification.md): sources, imports of
// departments' data, authorisations, verification and reports.

func (s *Server) apiVerifySources(w http.ResponseWriter, r *http.Request) {
	infos, err := s.Verify.Sources(r.Context())
	s.answer(w, r, http.StatusOK, infos, err)
}

func (s *Server) apiAddSource(w http.ResponseWriter, r *http.Request) {
	var src verify.Source
	if err := decode(r, &src); err != nil {
		s.writeError(w, r, err)
		return
	}
	err := s.Verify.AddSource(r.Context(), &src)
	s.answer(w, r, http.StatusCreated, src, err)
}

func (s *Server) apiSourceMapping(w http.ResponseWriter, r *http.Request) {
	src, err := s.DB.Source(r.Context(), r.PathValue("code"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	m, err := s.Verify.Mapping(r.Context(), src.Code)
	if m == nil {
		m = verify.Mapping{}
	}
	s.answer(w, r, http.StatusOK, m, err)
}

func (s *Server) apiSaveSourceMapping(w http.ResponseWriter, r *http.Request) {
	src, err := s.DB.Source(r.Context(), r.PathValue("code"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var m verify.Mapping
	if err := decode(r, &m); err != nil {
		s.writeError(w, r, err)
		return
	}
	for code := range m {
		if src.Field(code) == nil {
			s.writeError(w, r, apperr.Fieldf(code, "%s is not a field of source %s", code, src.Code))
			return
		}
	}
	err = s.Verify.SaveMapping(r.Context(), src.Code, m)
	s.answer(w, r, http.StatusOK, m, err)
}

func (s *Server) apiStartImport(w http.ResponseWriter, r *http.Request) {
	up, err := s.readImportUpload(r)
	if err != nil {
		up.remove()
		s.writeError(w, r, err)
		return
	}
	b, err := s.startImport(r, r.PathValue("code"), up)
	if err != nil {
		up.remove()
		s.writeError(w, r, err)
		return
	}
	status := http.StatusAccepted
	if b.Again {
		status = http.StatusOK
	}
	writeJSON(w, status, s.batchView(langOf(r), b))
}

func (s *Server) apiBatches(w http.ResponseWriter, r *http.Request) {
	bs, err := s.Verify.Batches(r.Context(), r.URL.Query().Get("source"), 200)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []batchView{}
	p, l := principalOf(r), langOf(r)
	for i := range bs {
		if visibleBatch(p, &bs[i]) {
			out = append(out, s.batchView(l, &bs[i]))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiBatch(w http.ResponseWriter, r *http.Request) {
	b, err := s.batchOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.batchView(langOf(r), b))
}

// rejectView is a rejected row with its problems in the caller's language.
type rejectView struct {
	Row      int      `json:"row"`
	Problems []string `json:"problems"`
	Cells    []string `json:"cells"`
}

func rejectViews(l lang, rs []verify.Reject) []rejectView {
	out := make([]rejectView, 0, len(rs))
	for _, r := range rs {
		v := rejectView{Row: r.Row, Cells: r.Cells}
		for _, p := range r.Problems {
			v.Problems = append(v.Problems, p.Column+": "+l.errMsg(p.Err(r.Row)))
		}
		out = append(out, v)
	}
	return out
}

// apiRejects lists a batch's rejected rows (?after=row, ?limit=), or with
// ?format=csv all of them as a CSV file to correct and import again.
func (s *Server) apiRejects(w http.ResponseWriter, r *http.Request) {
	b, err := s.batchOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	l := langOf(r)
	q := r.URL.Query()
	if q.Get("format") == "csv" {
		s.writeRejectsCSV(w, r, l, b)
		return
	}
	after, _ := strconv.Atoi(q.Get("after"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 || limit > 1000 {
		limit = 200
	}
	rs, err := s.Verify.Rejects(r.Context(), b.ID, after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rejectViews(l, rs))
}

// writeRejectsCSV streams every reject of b as CSV (UTF-8 with a byte-order
// mark, which Excel needs to read Chinese): row, problems, then the row's
// cells as the file had them, ID numbers masked.
func (s *Server) writeRejectsCSV(w http.ResponseWriter, r *http.Request, l lang, b *verify.Batch) {
	name := strings.TrimSuffix(b.FileName, ".csv") + "-" + l.T("rejected rows") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Write([]string{l.T("Row"), l.T("Problems"), l.T("Cells of the row")})
	after := 0
	for {
		rs, err := s.Verify.Rejects(r.Context(), b.ID, after, 1000)
		if err != nil {
			s.Log.ErrorContext(r.Context(), "rejects csv", "batch", b.ID, "err", err)
			return
		}
		for _, v := range rejectViews(l, rs) {
			cw.Write(append([]string{strconv.Itoa(v.Row), strings.Join(v.Problems, "; ")}, v.Cells...))
			after = v.Row
		}
		if len(rs) < 1000 {
			break
		}
	}
	cw.Flush()
}

func (s *Server) apiAuthorisations(w http.ResponseWriter, r *http.Request) {
	h, err := s.householdOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	as, err := s.Verify.Authorisations(r.Context(), h.ID)
	if as == nil {
		as = []verify.Authorisation{}
	}
	s.answer(w, r, http.StatusOK, as, err)
}

// apiAddAuthorisation records a signed authorisation: multipart with
// signed_on, signers (JSON: [{"person_id":…, "for":[…]}]), scope (source
// codes separated by commas; empty for every source) and scan (the file).
func (s *Server) apiAddAuthorisation(w http.ResponseWriter, r *http.Request) {
	h, err := s.householdOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.readAuthorisation(r, func(vals map[string][]string) ([]verify.Signer, error) {
		var signers []verify.Signer
		if v := first(vals["signers"]); v != "" {
			if err := json.Unmarshal([]byte(v), &signers); err != nil {
				return nil, apperr.Fieldf("signers", "signers must be a JSON list of {\"person_id\": …, \"for\": […]}")
			}
		}
		return signers, nil
	})
	if err == nil {
		err = s.recordAuthorisation(r, h, a)
	}
	s.answer(w, r, http.StatusCreated, a, err)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return strings.TrimSpace(v[0])
}

// readAuthorisation reads the multipart form of an authorisation; signers
// reads the signatures, which the API and the page post differently.
func (s *Server) readAuthorisation(r *http.Request, signers func(map[string][]string) ([]verify.Signer, error)) (*verify.Authorisation, error) {
	a := &verify.Authorisation{}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return a, s.uploadError(err)
	}
	vals := r.MultipartForm.Value
	var l apperr.List
	if v := first(vals["signed_on"]); v != "" {
		d, err := civil.ParseDate(v)
		if err != nil {
			l.Addf("signed_on", "%q is not a date: write YYYY-MM-DD", v)
		}
		a.SignedOn = d
	}
	for _, c := range strings.FieldsFunc(first(vals["scope"]), func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		a.Scope = append(a.Scope, c)
	}
	a.Scope = append(a.Scope, vals["scope[]"]...)
	sg, err := signers(vals)
	l.Add("", err)
	a.Signers = sg
	if fs := r.MultipartForm.File["scan"]; len(fs) > 0 {
		f, err := fs[0].Open()
		if err != nil {
			return a, err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, s.MaxUpload+1))
		if err != nil {
			return a, err
		}
		scan, err := s.scanOf(fs[0].Filename, data)
		if err != nil {
			l.Add("scan", apperr.Prefix("scan", err))
		}
		a.Scan = scan
	}
	return a, l.Err()
}

// apiAuthorisationScan downloads an authorisation's scanned form: a
// document with every member's signature and ID number, so its reading is
// audited.
func (s *Server) apiAuthorisationScan(w http.ResponseWriter, r *http.Request) {
	if err := s.serveScan(w, r); err != nil {
		s.writeError(w, r, err)
	}
}

func (s *Server) serveScan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Verify.Authorisation(r.Context(), id)
	if err != nil {
		return err
	}
	h, err := s.Registry.Household(r.Context(), scopeOf(r), a.HouseholdID)
	if err != nil {
		return apperr.Errorf(apperr.NotFound, "no authorisation %d", id)
	}
	if err := s.DB.Audit(r.Context(), "verify_authorisation", a.ID, h.RegionCode, "read_scan", map[string]any{"household_id": h.ID, "file": a.Scan.Filename}); err != nil {
		return err
	}
	return serveFile(w, a.Scan.Filename, a.Scan.ContentType, a.Scan.Data)
}

func (s *Server) apiVerifyHousehold(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req verifyRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	rep, err := s.verifyHousehold(r, id, req.ApplicationID)
	s.answer(w, r, http.StatusCreated, rep, err)
}

// verifyRequest asks for a household's verification.
type verifyRequest struct {
	// ApplicationID attaches the report to an application of the
	// household (its program is assessed).
	ApplicationID int64 `json:"application_id,omitempty"`
}

func (s *Server) apiHouseholdReports(w http.ResponseWriter, r *http.Request) {
	h, err := s.householdOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, err := s.Verify.Reports(r.Context(), h.ID)
	if rs == nil {
		rs = []verify.Report{}
	}
	s.answer(w, r, http.StatusOK, rs, err)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.reportOf(r)
	s.answer(w, r, http.StatusOK, rep, err)
}

// revokeRequest records a household's withdrawal of its authorisation.
type revokeRequest struct {
	RevokedOn civil.Date `json:"revoked_on"`
	Reason    string     `json:"reason"`
}

// revokeAuthorisation records the withdrawal of an authorisation of a
// household in the caller's jurisdiction, and returns the household's id.
// Errors: NotFound, Invalid, Conflict (withdrawn already).
func (s *Server) revokeAuthorisation(r *http.Request, req revokeRequest) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	a, err := s.Verify.Authorisation(r.Context(), id)
	if err != nil {
		return 0, err
	}
	if _, err := s.Registry.Household(r.Context(), scopeOf(r), a.HouseholdID); err != nil {
		return 0, apperr.Errorf(apperr.NotFound, "no authorisation %d", id)
	}
	if err := a.Revoke(req.RevokedOn, s.today(), req.Reason); err != nil {
		return a.HouseholdID, err
	}
	return a.HouseholdID, s.Verify.RevokeAuthorisation(r.Context(), id, req.RevokedOn, strings.TrimSpace(req.Reason))
}

func (s *Server) apiRevokeAuthorisation(w http.ResponseWriter, r *http.Request) {
	var req revokeRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	_, err := s.revokeAuthorisation(r, req)
	s.answer(w, r, http.StatusOK, req, err)
}
