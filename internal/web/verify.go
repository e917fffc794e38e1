package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// Household economic-status verification (核对, internal/verify): what the
// API (api_verify.go) and the pages (ui_verify_*.go) share. Imports of
// departments' files run in the background: the request stores the upload
// in a temporary file, records the batch (verify.Begin) and answers; the
// rows load while the batch page shows the progress.

// imports tracks the imports this server is loading: bytes read of the
// file, by batch.
type imports struct {
	mu   sync.Mutex
	read map[int64]int64
	wg   sync.WaitGroup
}

func (im *imports) set(batch, n int64) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.read == nil {
		im.read = map[int64]int64{}
	}
	im.read[batch] = n
}

func (im *imports) get(batch int64) (int64, bool) {
	im.mu.Lock()
	defer im.mu.Unlock()
	n, ok := im.read[batch]
	return n, ok
}

func (im *imports) done(batch int64) {
	im.mu.Lock()
	defer im.mu.Unlock()
	delete(im.read, batch)
}

// WaitImports waits for the background jobs in progress, imports and
// verification runs, to finish (tests, and a graceful stop).
func (s *Server) WaitImports() { s.imports.wg.Wait() }

// staleImport is how long a loading batch may go without storing a chunk
// before it counts as stopped (a chunk takes well under a second).
const staleImport = 10 * time.Minute

// batchView is a batch with its progress, as the API and the page show it.
type batchView struct {
	verify.Batch
	// Percent of the file read, while loading.
	Percent int `json:"percent"`
	// Message is why a failed batch failed, in the caller's language.
	Message string `json:"message,omitempty"`
}

func (s *Server) batchView(l lang, b *verify.Batch) batchView {
	v := batchView{Batch: *b}
	switch b.Status {
	case verify.BatchLoading:
		if n, ok := s.imports.get(b.ID); ok && b.FileSize > 0 {
			v.Percent = int(min(99, n*100/b.FileSize))
		}
	default:
		v.Percent = 100
	}
	if p, ok := b.Problem(); ok {
		v.Message = l.errMsg(p.Err(0))
		v.Error = ""
	} else {
		v.Message = b.Error
	}
	return v
}

// visibleBatch reports whether a batch is in the user's sight: imported
// within their jurisdiction or above it (a province's batch serves its
// counties).
func visibleBatch(p *auth.Principal, b *verify.Batch) bool {
	return strings.HasPrefix(b.Scope, p.Region) || strings.HasPrefix(p.Region, b.Scope)
}

// batchOf returns a batch the caller may see. Errors: NotFound.
func (s *Server) batchOf(r *http.Request) (*verify.Batch, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	b, err := s.Verify.Batch(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !visibleBatch(principalOf(r), b) {
		return nil, apperr.Errorf(apperr.NotFound, "no import batch %d", id)
	}
	return b, nil
}

// importUpload is a department's file posted for import, stored in a
// temporary file, with the form's other fields.
type importUpload struct {
	path, name string
	values     map[string]string
}

func (u *importUpload) remove() {
	if u.path != "" {
		os.Remove(u.path)
	}
}

// readImportUpload streams a multipart upload to a temporary file without
// holding it in memory: "file" (the data), and the fields before it
// ("as_of", "sheet", "mapping.<field code>"). What was read comes back with
// an error too, so a form shows it again.
func (s *Server) readImportUpload(r *http.Request) (*importUpload, error) {
	up := &importUpload{values: map[string]string{}}
	if r.MultipartForm != nil {
		// A signed-in page's form was parsed for its CSRF token already:
		// its file is on disk (or, if small, in memory) there.
		return up, s.importFromForm(r.MultipartForm, up)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, apperr.Fieldf("file", "the upload could not be read: send a multipart form with a \"file\" field")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return up, s.importReadError(err)
		}
		if part.FormName() != "file" {
			v, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return up, s.importReadError(err)
			}
			up.values[part.FormName()] = strings.TrimSpace(string(v))
			continue
		}
		if up.path != "" || part.FileName() == "" {
			continue
		}
		if err := up.save(part, part.FileName(), s.MaxImport); err != nil {
			up.remove()
			up.path = ""
			return up, s.importReadError(err)
		}
	}
	if up.path == "" {
		return up, apperr.Fieldf("file", "choose the department's file to import")
	}
	return up, nil
}

// importFromForm takes the upload from a parsed multipart form.
func (s *Server) importFromForm(f *multipart.Form, up *importUpload) error {
	for k, v := range f.Value {
		if len(v) > 0 {
			up.values[k] = strings.TrimSpace(v[0])
		}
	}
	fs := f.File["file"]
	if len(fs) == 0 || fs[0].Filename == "" {
		return apperr.Fieldf("file", "choose the department's file to import")
	}
	src, err := fs[0].Open()
	if err != nil {
		return s.importReadError(err)
	}
	defer src.Close()
	if err := up.save(src, fs[0].Filename, s.MaxImport); err != nil {
		up.remove()
		up.path = ""
		return s.importReadError(err)
	}
	return nil
}

func (up *importUpload) save(r io.Reader, name string, limit int64) error {
	f, err := os.CreateTemp("", "safetynet-import-*")
	if err != nil {
		return err
	}
	up.path, up.name = f.Name(), name
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = &http.MaxBytesError{Limit: limit}
	}
	return err
}

func (s *Server) importReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.Prefix("file", apperr.Errorf(apperr.TooLarge, "the file is larger than the import limit of %s MB", casework.Megabytes(s.MaxImport)))
	}
	if apperr.As(err) != nil {
		return err
	}
	return apperr.Fieldf("file", "the upload was interrupted: send the file again")
}

// startImport records the uploaded file's batch for source code and loads
// it in the background. A file already applied returns its batch with
// Again set and loads nothing.
// Errors: NotFound (no such source), Invalid (a bad mapping or date).
func (s *Server) startImport(r *http.Request, code string, up *importUpload) (*verify.Batch, error) {
	ctx := r.Context()
	src, err := s.DB.Source(ctx, code)
	if err != nil {
		return nil, err
	}
	m, err := s.Verify.Mapping(ctx, code)
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = verify.Mapping{}
	}
	changed := false
	for _, f := range src.Fields {
		if v, ok := up.values["mapping."+f.Code]; ok && v != m[f.Code] {
			if v == "" {
				delete(m, f.Code)
			} else {
				m[f.Code] = v
			}
			changed = true
		}
	}
	var asOf civil.Date
	if v := up.values["as_of"]; v != "" {
		if asOf, err = civil.ParseDate(v); err != nil {
			return nil, apperr.Fieldf("as_of", "%q is not a date: write YYYY-MM-DD", v)
		}
		if asOf.After(s.today()) {
			return nil, apperr.Fieldf("as_of", "the date %s is in the future", asOf)
		}
	}
	if changed {
		if err := s.Verify.SaveMapping(ctx, code, m); err != nil {
			return nil, err
		}
	}
	if _, err := s.Verify.FailStale(ctx, s.now().Add(-staleImport)); err != nil {
		return nil, err
	}
	f, err := os.Open(up.path)
	if err != nil {
		return nil, err
	}
	p := principalOf(r)
	o := verify.ImportOptions{Source: src, Mapping: m, FileName: up.name, Sheet: up.values["sheet"], DataAsOf: asOf, Today: s.today(),
		Scope: p.Region, By: p.Username, Index: s.DB.IDIndex}
	b, err := verify.Begin(ctx, s.Verify, f, o)
	if err != nil || b.Again {
		f.Close()
		up.remove()
		return b, err
	}
	o.Progress = func(b *verify.Batch, read int64) { s.imports.set(b.ID, read) }
	s.imports.set(b.ID, 0)
	begun := *b // the load goes on changing b
	s.imports.wg.Add(1)
	// The request ends now; the load goes on with the user as its actor.
	bg := context.WithoutCancel(ctx)
	go func() {
		defer s.imports.wg.Done()
		defer s.imports.done(b.ID)
		defer up.remove()
		defer f.Close()
		if _, err := verify.Load(bg, s.Verify, b, f, o); err != nil && apperr.As(err) == nil {
			s.Log.Error("import", "batch", b.ID, "source", code, "err", err)
		}
	}()
	return &begun, nil
}

// verifier returns a Verifier with the parameters in force.
func (s *Server) verifier(ctx context.Context) (*verify.Verifier, error) {
	set, err := s.paramSet(ctx)
	if err != nil {
		return nil, err
	}
	return &verify.Verifier{Store: s.Verify, Index: s.DB.IDIndex, Params: set}, nil
}

// verifyHousehold verifies a household in the caller's jurisdiction on
// today's data, for an application (0: none), and issues the report.
// The programs assessed are the application's, else those the household
// is enrolled in, else Dibao and the marginal test.
// Errors: NotFound (household or application outside the jurisdiction),
// Invalid (no authorisation, parameters not set).
func (s *Server) verifyHousehold(r *http.Request, householdID, applicationID int64) (*verify.Report, error) {
	ctx := r.Context()
	scope := scopeOf(r)
	var programs []policy.Program
	if applicationID != 0 {
		a, err := s.Cases.Application(ctx, scope, applicationID)
		if err != nil {
			return nil, err
		}
		if a.HouseholdID != householdID {
			return nil, apperr.Fieldf("application_id", "application %d is not this household's", applicationID)
		}
		programs = []policy.Program{a.Program}
	} else {
		es, err := s.Enrollments.Enrollments(ctx, scope, householdID)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if (e.Status == "active" || e.Status == "suspended") && !slices.Contains(programs, e.Program) {
				programs = append(programs, e.Program)
			}
		}
		if len(programs) == 0 {
			programs = []policy.Program{policy.Dibao, policy.Marginal}
		}
	}
	today := s.today()
	snap, err := s.Registry.HouseholdAt(ctx, scope, householdID, today)
	if err != nil {
		return nil, err
	}
	v, err := s.verifier(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := v.Verify(ctx, verify.Request{Snapshot: snap, AsOf: today, ApplicationID: applicationID, Programs: programs})
	if err != nil {
		return nil, err
	}
	return rep, s.Verify.SaveReport(ctx, rep)
}

// reportOf returns a report the caller may see: of a household in their
// jurisdiction. Errors: NotFound.
func (s *Server) reportOf(r *http.Request) (*verify.Report, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	rep, err := s.Verify.Report(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Registry.Household(r.Context(), scopeOf(r), rep.HouseholdID); err != nil {
		return nil, apperr.Errorf(apperr.NotFound, "no verification report %d", id)
	}
	return rep, nil
}

// householdOf returns the household of path value "id" in the caller's
// jurisdiction, as it stands today. Errors: NotFound.
func (s *Server) householdOf(r *http.Request) (*registry.Household, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Registry.Household(r.Context(), scopeOf(r), id)
}

// recordAuthorisation completes and stores a household's authorisation
// from a posted form or API request: signed_on, signers (person ids),
// guardian_for.<person id> = the signer's id, scope (source codes; none
// for all) and the scan.
func (s *Server) recordAuthorisation(r *http.Request, h *registry.Household, a *verify.Authorisation) error {
	ctx := r.Context()
	infos, err := s.Verify.Sources(ctx)
	if err != nil {
		return err
	}
	sources := make([]verify.Source, len(infos))
	for i := range infos {
		sources[i] = infos[i].Source
	}
	set, err := s.paramSet(ctx)
	if err != nil {
		return err
	}
	if err := a.Complete(h, sources, set, s.today()); err != nil {
		return err
	}
	return s.Verify.AddAuthorisation(ctx, a)
}

// scanOf checks an authorisation scan like any uploaded material: JPEG,
// PNG or PDF by content, within the upload limit.
func (s *Server) scanOf(name string, data []byte) (verify.Scan, error) {
	ct, err := casework.CheckUpload("verification_authorisation", name, data, s.MaxUpload)
	if err != nil {
		return verify.Scan{}, err
	}
	sum := sha256.Sum256(data)
	return verify.Scan{Filename: casework.BaseName(name), ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

// signersFrom reads the signatures of a posted form: signed.<person id>
// checked for each member who signed, guardian.<person id> naming the
// member who signed for them.
func signersFrom(h *registry.Household, values map[string][]string) []verify.Signer {
	by := map[int64]*verify.Signer{}
	var out []verify.Signer
	for _, m := range h.Members {
		id := m.Person.ID
		if v := values["signed."+strconv.FormatInt(id, 10)]; len(v) > 0 && v[0] != "" {
			out = append(out, verify.Signer{PersonID: id})
		}
	}
	for i := range out {
		by[out[i].PersonID] = &out[i]
	}
	for _, m := range h.Members {
		v := values["guardian."+strconv.FormatInt(m.Person.ID, 10)]
		if len(v) == 0 || v[0] == "" {
			continue
		}
		g, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil {
			continue
		}
		if sg := by[g]; sg != nil {
			sg.For = append(sg.For, m.Person.ID)
		} else {
			out = append(out, verify.Signer{PersonID: g, For: []int64{m.Person.ID}})
			by[g] = &out[len(out)-1]
		}
	}
	return out
}
