package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/registry"
)

// Uploads of an application's materials and home-visit photos
// (casework/attachment.go). The API and the application page go through
// the same helpers: readUpload, upload and serveAttachment.

// upload is one file posted for an application.
type upload struct {
	purpose    string
	supersedes int64
	name       string
	data       []byte
}

// uploadResult answers an upload: the file stored, and the application's
// version and missing materials after it.
type uploadResult struct {
	Attachment *casework.Attachment `json:"attachment"`
	Version    int                  `json:"version"`
	Missing    []string             `json:"missing_materials"`
}

// uploadError is the error of a multipart body that could not be read:
// larger than the limit, or not multipart at all.
func (s *Server) uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
		return apperr.Prefix("file", apperr.Errorf(apperr.TooLarge, "the upload is larger than the limit of %s MB", casework.Megabytes(s.MaxUpload)))
	}
	return apperr.Fieldf("file", "the upload could not be read: send a multipart form with a \"file\" field")
}

// readUpload reads a multipart upload: "purpose" (a material's code or
// visit_photo), "file", and optionally "supersedes" (the number of a wrong
// upload it replaces). What it could read is returned with an error too,
// so a form shows it again.
func (s *Server) readUpload(r *http.Request) (*upload, error) {
	up := &upload{}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return up, s.uploadError(err)
	}
	value := func(name string) string {
		if v := r.MultipartForm.Value[name]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	up.purpose = value("purpose")
	if v := value("supersedes"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return up, apperr.Fieldf("supersedes", "%q is not a file number", v)
		}
		up.supersedes = n
	}
	files := r.MultipartForm.File["file"]
	switch len(files) {
	case 0:
		return up, apperr.Fieldf("file", "choose a file to upload")
	case 1:
	default:
		return up, apperr.Fieldf("file", "send one file at a time")
	}
	data, err := readPart(files[0])
	if err != nil {
		return up, err
	}
	up.name, up.data = files[0].Filename, data
	return up, nil
}

// upload checks and stores a file for application id. A material then
// counts as received (countMaterial).
func (s *Server) upload(r *http.Request, id int64, up *upload) (*uploadResult, error) {
	a, env, err := s.caseAndEnv(r, id)
	if err != nil {
		return nil, err
	}
	f, a, err := s.storeUpload(r.Context(), scopeOf(r), a, up, env)
	if err != nil {
		return nil, err
	}
	res := &uploadResult{Attachment: f, Version: a.Version, Missing: casework.Missing(a, nil, env)}
	if res.Missing == nil {
		res.Missing = []string{}
	}
	return res, nil
}

// storeUpload checks and stores a file for a by env's actor (staff, or the
// applicant on the portal); a material then counts as received
// (countMaterial). It returns the file and the application after it.
func (s *Server) storeUpload(ctx context.Context, scope registry.Scope, a *casework.Application, up *upload, env *casework.Env) (*casework.Attachment, *casework.Application, error) {
	f, err := casework.NewAttachment(a, up.purpose, up.name, up.data, s.MaxUpload, env)
	if err != nil {
		return nil, nil, err
	}
	f.Supersedes = up.supersedes
	if err := s.Attachments.AddAttachment(ctx, scope, f); err != nil {
		return nil, nil, err
	}
	if f.Purpose != casework.PurposeVisitPhoto {
		if a, err = s.countMaterial(ctx, scope, a, f, env); err != nil {
			return nil, nil, err
		}
	}
	return f, a, nil
}

// countMaterial records an uploaded material as received (add_materials)
// by env's actor, unless it already is, and returns the application after
// it. The action carries the version read before the upload: if someone
// acted since, the application is read again and the action tried once
// more. The staff's upload and the applicant's on the portal both use it.
func (s *Server) countMaterial(ctx context.Context, scope registry.Scope, a *casework.Application, f *casework.Attachment, env *casework.Env) (*casework.Application, error) {
	for try := 0; ; try++ {
		if slices.Contains(a.Materials, f.Purpose) {
			return a, nil
		}
		c, err := s.Cases.Act(ctx, scope, a.ID, a.Version, func(cur casework.Application) (*casework.Change, error) {
			return casework.Apply(cur, casework.AddMaterials, casework.Input{Materials: []string{f.Purpose}, Attachment: f.ID}, env, nil)
		})
		if err == nil {
			return &c.App, nil
		}
		if try > 0 || !apperr.IsCode(err, apperr.Conflict) {
			return nil, err
		}
		if a, err = s.Cases.Application(ctx, scope, a.ID); err != nil {
			return nil, err
		}
	}
}

// checkPhotos checks that the photos a visit names are home-visit photos
// uploaded to application id.
func (s *Server) checkPhotos(r *http.Request, id int64, photos []int64) error {
	files, err := s.Attachments.Attachments(r.Context(), scopeOf(r), id)
	if err != nil {
		return err
	}
	for _, p := range photos {
		if !slices.ContainsFunc(files, func(f casework.Attachment) bool { return f.ID == p && f.Purpose == casework.PurposeVisitPhoto }) {
			return apperr.Fieldf("visit.photos", "file %d is not a photo of a home visit uploaded to this application", p)
		}
	}
	return nil
}

// serveAttachment sends the file of the {id} path value for download. The
// store audits the read; the headers keep a browser from showing or
// running it in the page's origin.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.Attachments.Attachment(r.Context(), scopeOf(r), id)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(f.Data); hex.EncodeToString(sum[:]) != f.SHA256 {
		return errors.New("attachment " + strconv.FormatInt(id, 10) + " does not match its SHA-256 digest")
	}
	return serveFile(w, f.Filename, f.ContentType, f.Data)
}

// serveFile sends an uploaded document as a download that the browser
// never renders in the application's origin.
func serveFile(w http.ResponseWriter, name, contentType string, data []byte) error {
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
	return nil
}

func (s *Server) apiUploadAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	up, err := s.readUpload(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.upload(r, id, up)
	s.answer(w, r, http.StatusCreated, res, err)
}

func (s *Server) apiAttachments(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) { return s.Attachments.Attachments(r.Context(), scopeOf(r), id) })
}

func (s *Server) apiDownloadAttachment(w http.ResponseWriter, r *http.Request) {
	if err := s.serveAttachment(w, r); err != nil {
		s.writeError(w, r, err)
	}
}
