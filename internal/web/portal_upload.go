package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/registry"
)

// The applicant's uploads on the portal: the materials of their own
// application, checked as the staff's are (casework.NewAttachment), each
// counted as received at once (add_materials, as the applicant).

// portalFile is an uploaded file as the applicant sees it: no staff names,
// no download (the office holds the documents).
type portalFile struct {
	Name, Purpose, Size string
	At                  time.Time
}

// portalUpload is the upload form: the materials the applicant may send,
// and a refused upload's choice.
type portalUpload struct {
	Purposes []option
	Purpose  string
	Accept   string
	MaxMB    string
}

// showPortalFiles puts the application's files and, while the applicant
// may add materials, the upload form on pg.
func (s *Server) showPortalFiles(r *http.Request, l lang, pg *portalApplication, c *citizenCase) error {
	files, err := s.Attachments.Attachments(r.Context(), registry.Scope{Region: c.a.County}, c.a.ID)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Purpose == casework.PurposeVisitPhoto {
			continue
		}
		pg.Files = append(pg.Files, portalFile{Name: f.Filename, Purpose: purposeLabel(l, f.Purpose), Size: sizeLabel(f.Size), At: f.UploadedAt})
	}
	if !slices.Contains(casework.Allowed(c.a, c.env), casework.AddMaterials) {
		return nil
	}
	// What is still missing first, then whatever the township asked for,
	// then the rest of the known materials.
	var codes []string
	add := func(m string) {
		if casework.CheckPurpose(m) == nil && m != casework.PurposeVisitPhoto && !slices.Contains(codes, m) {
			codes = append(codes, m)
		}
	}
	for _, m := range casework.Missing(c.a, nil, c.env) {
		add(m)
	}
	for _, m := range askedItems(c.events) {
		add(m)
	}
	up := &portalUpload{Purpose: pg.UploadPurpose, Accept: ".jpg,.jpeg,.png,.pdf", MaxMB: casework.Megabytes(s.MaxUpload)}
	for _, m := range codes {
		up.Purposes = append(up.Purposes, option{m, l.enumLabel("material", m)})
	}
	if len(up.Purposes) == 0 {
		return nil // nothing asked or missing: nothing to send
	}
	pg.Upload = up
	return nil
}

// portalUploadSubmit stores a material the applicant sends for their own
// application and counts it as received.
func (s *Server) portalUploadSubmit(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	c, err := s.citizenCase(r)
	if err != nil {
		s.portalError(w, r, err)
		return
	}
	up, err := s.readUpload(r)
	if err == nil {
		err = s.portalStoreUpload(r, c, up)
	}
	if err != nil {
		if e := apperr.As(err); e == nil || (e.Code != apperr.Invalid && e.Code != apperr.TooLarge && e.Code != apperr.Conflict) {
			s.portalError(w, r, err)
			return
		}
		pg := &portalApplication{Errors: errorsOf(l, err), UploadPurpose: up.purpose}
		status := http.StatusUnprocessableEntity
		if apperr.IsCode(err, apperr.TooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		s.showPortalApplication(w, r, pg, status)
		return
	}
	http.Redirect(w, r, "/portal/applications/"+strconv.FormatInt(c.a.ID, 10)+"?saved=upload", http.StatusSeeOther)
}

func (s *Server) portalStoreUpload(r *http.Request, c *citizenCase, up *upload) error {
	_, _, err := s.storeUpload(r.Context(), registry.Scope{Region: c.a.County}, c.a, up, c.env)
	return err
}
