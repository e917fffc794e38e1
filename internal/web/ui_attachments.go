package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/policy"
)

// The application page's files: the list of what was uploaded, the upload
// form, the photos of the home-visit form, and downloads. They go through
// the API's helpers (api_attachments.go).

// fileField is a file input, as application.html's "file" template draws
// it.
type fileField struct {
	Name, ID, Label, Hint, Error string
	// Accept lists the name endings the browser offers (the server checks
	// the content whatever the name).
	Accept   string
	Multiple bool
}

// uploadForm is the form that uploads a file to the application.
type uploadForm struct {
	Purpose  formField
	Replaces *formField // offered once there is a file to replace
	File     fileField
	Problems []string
	Open     bool // a refused upload: the form is shown open
}

// fileRow is one uploaded file in the application's list.
type fileRow struct {
	ID           int64
	Name         string
	Purpose      string
	Size         string
	By           string
	At           time.Time
	Supersedes   int64
	SupersededBy int64
}

// purposeLabel names what a file is for: a material, or a visit photo.
func purposeLabel(l lang, purpose string) string {
	if purpose == casework.PurposeVisitPhoto {
		return l.T("Photo of a home visit")
	}
	return l.enumLabel("material", purpose)
}

// sizeLabel shows a number of bytes: "512 B", "34 KB", "1.2 MB".
func sizeLabel(n int64) string {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatInt((n+1<<9)>>10, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// showAttachments puts the application's files and, when the user may add
// a material or record a visit, the upload form on pg; a refused upload
// comes back with its messages and choices.
func (s *Server) showAttachments(r *http.Request, l lang, pg *applicationPage, v *applicationView) error {
	pg.maxUpload = s.MaxUpload
	files, err := s.Attachments.Attachments(r.Context(), scopeOf(r), v.Application.ID)
	if err != nil {
		return err
	}
	var current []option
	for _, f := range files {
		pg.Files = append(pg.Files, fileRow{ID: f.ID, Name: f.Filename, Purpose: purposeLabel(l, f.Purpose), Size: sizeLabel(f.Size),
			By: f.UploadedBy, At: f.UploadedAt, Supersedes: f.Supersedes, SupersededBy: f.SupersededBy})
		if f.SupersededBy == 0 {
			current = append(current, option{strconv.FormatInt(f.ID, 10), l.T("No. %d: %s (%s)", f.ID, f.Filename, purposeLabel(l, f.Purpose))})
		}
	}
	errs := formErrors{}
	for k, m := range pg.uploadErrs {
		errs[k] = m
	}
	materials, photos := slices.Contains(v.Allowed, casework.AddMaterials), slices.Contains(v.Allowed, casework.RecordVisit)
	if !materials && !photos {
		if len(errs) > 0 && pg.Conflict == "" {
			// The upload is no longer open to the user.
			pg.Conflict = strings.Join(errs.rest(l), " ")
		}
		return nil
	}
	purposes := []option{{"", l.T("Choose…")}}
	if materials {
		// The missing ones first, marked.
		for _, m := range v.Missing {
			purposes = append(purposes, option{m, l.enumLabel("material", m) + " (" + l.T("Missing") + ")"})
		}
		for _, m := range policy.Materials {
			if !slices.Contains(v.Missing, m) {
				purposes = append(purposes, option{m, l.enumLabel("material", m)})
			}
		}
	}
	if photos {
		purposes = append(purposes, option{casework.PurposeVisitPhoto, purposeLabel(l, casework.PurposeVisitPhoto)})
	}
	vals := pg.uploadVals
	u := &uploadForm{Open: len(errs) > 0,
		Purpose: formField{Name: "purpose", Key: "upload.purpose", Label: l.T("What the file is"), Kind: "select", Value: vals["purpose"],
			Required: true, Groups: []optGroup{{Options: purposes}}, Error: errs.take("purpose"),
			Hint: l.T("A material counts as received once uploaded.")},
		File: fileField{Name: "file", ID: fieldID("upload.file"), Label: l.T("File"), Accept: ".jpg,.jpeg,.png,.pdf",
			Hint:  l.T("JPEG or PNG photos and PDF documents, at most %s MB. Programs, archives and Office files are refused.", casework.Megabytes(s.MaxUpload)),
			Error: errs.take("file")},
	}
	if len(current) > 0 {
		u.Replaces = &formField{Name: "supersedes", Key: "upload.supersedes", Label: l.T("Replaces"), Kind: "select", Value: vals["supersedes"],
			Groups: []optGroup{{Options: append([]option{{"", l.T("Nothing: a new file")}}, current...)}},
			Hint:   l.T("A wrong upload is never deleted: choose it here, and the new file replaces it."), Error: errs.take("supersedes")}
	}
	u.Problems = errs.rest(l)
	pg.Upload = u
	return nil
}

// visitPhotos stores the photos posted with a home visit's form (field
// "photos") and names them in the visit. The visit is checked first, so a
// form with a fault stores no photo; nor does a form on a version someone
// has changed since (the action then answers the conflict).
func (s *Server) visitPhotos(r *http.Request, id int64, in *casework.Input) error {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			return nil
		}
		return apperr.Prefix("photos", s.uploadError(err))
	}
	posted := r.MultipartForm.File["photos"]
	if len(posted) == 0 || in.Visit == nil {
		return nil
	}
	a, env, err := s.caseAndEnv(r, id)
	if err != nil || a.Version != in.Version {
		return err // nil for a stale version: the action answers the conflict
	}
	if _, err := casework.Apply(*a, casework.RecordVisit, *in, env, nil); err != nil {
		return err
	}
	var photos []*casework.Attachment
	for _, fh := range posted {
		data, err := readPart(fh)
		if err == nil {
			var f *casework.Attachment
			if f, err = casework.NewAttachment(a, casework.PurposeVisitPhoto, fh.Filename, data, s.MaxUpload, env); err == nil {
				photos = append(photos, f)
			}
		}
		if err != nil {
			return apperr.Prefix("photos", err)
		}
	}
	for _, f := range photos {
		if err := s.Attachments.AddAttachment(r.Context(), scopeOf(r), f); err != nil {
			return err
		}
		in.Visit.Photos = append(in.Visit.Photos, f.ID)
	}
	return nil
}

// uploadSubmit uploads a file from the application page (upload) and
// shows the page again: the files with the new one, or the form with the
// message beside its field and the choices kept.
func (s *Server) uploadSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	path := "/applications/" + strconv.FormatInt(id, 10)
	up, err := s.readUpload(r)
	if err == nil {
		_, err = s.upload(r, id, up)
	}
	if err == nil {
		seeOther(w, r, path+"?saved=upload#files")
		return
	}
	code := apperr.CodeOf(err)
	switch code {
	case apperr.Invalid, apperr.TooLarge, apperr.Conflict, apperr.Forbidden:
	default:
		s.renderError(w, r, err)
		return
	}
	pg := &applicationPage{view: view{Here: path}, uploadErrs: errorsOf(langOf(r), err), uploadVals: map[string]string{"purpose": up.purpose}}
	if up.supersedes != 0 {
		pg.uploadVals["supersedes"] = strconv.FormatInt(up.supersedes, 10)
	}
	s.showApplication(w, r, pg, id, statusOf[code])
}

// downloadAttachment sends a file from the application page; a file out of
// reach is the "not found" page.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request) {
	if err := s.serveAttachment(w, r); err != nil {
		s.renderError(w, r, err)
	}
}
