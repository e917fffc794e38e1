package casework

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/policy"
)

// PurposeVisitPhoto is the purpose of a photo taken on a home visit; every
// other attachment is a material, its purpose the material's code
// (policy.Materials).
const PurposeVisitPhoto = "visit_photo"

// MaxFilename is the longest file name kept, in characters.
const MaxFilename = 200

// Attachment is a file uploaded for an application: a material the
// applicant handed in, or a photo of a home visit (Visit.Photos names
// them). Attachments are never changed or deleted: a wrong upload is
// superseded by a new one that names it (Supersedes), and both are kept.
type Attachment struct {
	ID            int64  `json:"id"`
	ApplicationID int64  `json:"application_id"`
	County        string `json:"county_code"`
	// Purpose is a material's code (policy.Materials) or PurposeVisitPhoto.
	Purpose string `json:"purpose"`
	// Filename is the name it was uploaded with, without any folder.
	Filename string `json:"filename"`
	// ContentType is what the content is (CheckUpload), never what the
	// client said it was.
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // hex
	// Supersedes is the attachment this one replaces (0: none);
	// SupersededBy, filled in on reading, the one that replaced this.
	Supersedes   int64     `json:"supersedes,omitempty"`
	SupersededBy int64     `json:"superseded_by,omitempty"`
	UploadedBy   string    `json:"uploaded_by"`
	UploadedAt   time.Time `json:"uploaded_at"`
	// Data is the content. Lists leave it out; only AttachmentStore's
	// Attachment reads it, and that read is audited.
	Data []byte `json:"-"`
}

// The content types accepted.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	PDF  = "application/pdf"
)

// kind is a kind of file CheckUpload recognises by its first bytes. An
// accepted kind has a content type and the name endings that go with it;
// format is the message for a file of the kind that is refused (for an
// accepted kind: refused for its name), with the file's name as its
// argument.
type kind struct {
	contentType string
	endings     []string
	match       func(b []byte) bool
	format      string
}

// kinds are the accepted kinds, then the refused ones recognised so that
// the message can name them: programs and scripts disguised as images
// first, then containers that can carry them and markup that can run
// scripts, then files that are harmless but not accepted, with what to do.
var kinds = []kind{
	{contentType: JPEG, endings: []string{".jpg", ".jpeg"}, match: prefix("\xff\xd8\xff"),
		format: "%s is really a JPEG image: its name must end in .jpg or .jpeg"},
	{contentType: PNG, endings: []string{".png"}, match: prefix("\x89PNG\r\n\x1a\n"),
		format: "%s is really a PNG image: its name must end in .png"},
	{contentType: PDF, endings: []string{".pdf"}, match: prefix("%PDF-"),
		format: "%s is really a PDF document: its name must end in .pdf"},
	{match: prefix("MZ"), format: "%s is really a Windows program (.exe or .dll), not a picture or document: it is refused"},
	{match: prefix("\x7fELF"), format: "%s is really a Linux program (ELF), not a picture or document: it is refused"},
	{match: prefix("\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", "\xce\xfa\xed\xfe", "\xcf\xfa\xed\xfe", "\xca\xfe\xba\xbe"),
		format: "%s is really a macOS program (Mach-O), not a picture or document: it is refused"},
	{match: prefix("#!"), format: "%s is really a script, not a picture or document: it is refused"},
	{match: prefix("PK\x03\x04", "PK\x05\x06", "PK\x07\x08"),
		format: "%s is really a ZIP archive or an Office document (.docx, .xlsx), which can carry programs: only JPEG and PNG images and PDF documents are accepted"},
	{match: prefix("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
		format: "%s is really an Office document (.doc, .xls), which can carry macros: print it to PDF, or scan the paper"},
	{match: prefix("Rar!\x1a\x07", "7z\xbc\xaf\x27\x1c", "\x1f\x8b"),
		format: "%s is really a compressed archive (RAR, 7-Zip or gzip), which can carry programs: upload the pictures or documents themselves"},
	{match: func(b []byte) bool { return markup(b) && bytes.Contains(lowerHead(b), []byte("<svg")) },
		format: "%s is really an SVG image, which can carry scripts: only JPEG and PNG images and PDF documents are accepted"},
	{match: markup, format: "%s is really an HTML page or other markup, which can carry scripts: only JPEG and PNG images and PDF documents are accepted"},
	{match: func(b []byte) bool {
		return len(b) >= 12 && string(b[4:8]) == "ftyp" && slices.Contains([]string{"heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif"}, string(b[8:12]))
	}, format: "%s is really a HEIC photo: set the tablet or phone to take JPEG photos, or export the photo as JPEG"},
	{match: prefix("GIF87a", "GIF89a"), format: "%s is really a GIF image: save it as JPEG or PNG"},
	{match: func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" },
		format: "%s is really a WebP image: save it as JPEG or PNG"},
	{match: func(b []byte) bool {
		return len(b) >= 26 && string(b[:2]) == "BM" && string(b[6:10]) == "\x00\x00\x00\x00"
	},
		format: "%s is really a BMP image: save it as JPEG or PNG"},
	{match: prefix("II*\x00", "MM\x00*"), format: "%s is really a TIFF image: save it as JPEG or PNG, or PDF"},
	{match: func(b []byte) bool {
		head := b[:min(len(b), 1024)]
		return utf8.Valid(head) && !bytes.ContainsRune(head, 0)
	}, format: "%s is really a text file: only JPEG and PNG images and PDF documents are accepted"},
	{match: func([]byte) bool { return true }, format: "%s is a file of a kind that is not accepted: only JPEG and PNG images and PDF documents are"},
}

func prefix(p ...string) func([]byte) bool {
	return func(b []byte) bool {
		for _, s := range p {
			if bytes.HasPrefix(b, []byte(s)) {
				return true
			}
		}
		return false
	}
}

// lowerHead is the first 1 KiB in lower case, where markup declares
// itself.
func lowerHead(b []byte) []byte { return bytes.ToLower(b[:min(len(b), 1024)]) }

// markup reports text that begins with a tag, after any byte-order mark
// and white space: HTML, SVG, XML.
func markup(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeftFunc(b[:min(len(b), 1024)], unicode.IsSpace)
	return bytes.HasPrefix(b, []byte("<"))
}

// sniff returns the kind of data (the last kind matches anything).
func sniff(data []byte) *kind {
	for i := range kinds {
		if kinds[i].match(data) {
			return &kinds[i]
		}
	}
	return &kinds[len(kinds)-1]
}

// pdfActive are the PDF names of things that run or open when the document
// is opened: scripts, launched programs, embedded files, media. Only their
// plain spelling is found (a name can be written with #xx escapes): the
// download is served as an attachment, never shown inline, in any case.
var pdfActive = []string{"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/RichMedia"}

// pdfHas reports whether the name occurs in data as a whole PDF name (not
// the start of a longer one).
func pdfHas(data []byte, name string) bool {
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte(name))
		if j < 0 {
			return false
		}
		end := i + j + len(name)
		if end == len(data) || !isRegular(data[end]) {
			return true
		}
		i = end
	}
}

// isRegular reports a byte that continues a PDF name (PDF 32000 §7.2.2).
func isRegular(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune("()<>[]{}/%", rune(c))
}

// BaseName is the file name without any folder a browser may send with it
// (Windows sends a whole path), trimmed of white space.
func BaseName(filename string) string {
	if i := strings.LastIndexAny(filename, `/\`); i >= 0 {
		filename = filename[i+1:]
	}
	return strings.TrimSpace(filename)
}

// CheckPurpose checks an upload's purpose: a material's code
// (policy.Materials) or PurposeVisitPhoto. Errors: Invalid (field purpose).
func CheckPurpose(purpose string) error {
	if purpose == PurposeVisitPhoto || slices.Contains(policy.Materials, purpose) {
		return nil
	}
	if purpose == "" {
		return apperr.Fieldf("purpose", "say what the file is: one of the materials, or a photo of a home visit")
	}
	return apperr.Fieldf("purpose", "%q is neither a known material nor a home-visit photo", purpose)
}

// CheckUpload checks an uploaded file and returns its content type. Only
// JPEG, PNG and PDF are accepted (a visit photo: JPEG or PNG), recognised
// by their content, never by the name or what the client claims: a
// program, script, archive, Office document, HTML page or SVG image named
// photo.jpg is refused and named for what it is. The name's ending must
// agree with the content (a PDF named photo.jpg is refused too), and a PDF
// that runs scripts or programs, or carries files, when opened is refused.
//
// Errors: Invalid (field purpose for the purpose, field file for the
// file: empty, of a kind not accepted, misnamed) and TooLarge (field file:
// larger than max bytes).
func CheckUpload(purpose, filename string, data []byte, max int64) (contentType string, err error) {
	if err := CheckPurpose(purpose); err != nil {
		return "", err
	}
	name := BaseName(filename)
	switch {
	case name == "":
		return "", apperr.Fieldf("file", "choose a file to upload")
	case utf8.RuneCountInString(name) > MaxFilename:
		return "", apperr.Fieldf("file", "the file name is longer than %d characters: rename the file", MaxFilename)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", apperr.Fieldf("file", "the file name contains characters that are not allowed: rename the file")
	case len(data) == 0:
		return "", apperr.Fieldf("file", "%s is empty", name)
	case int64(len(data)) > max:
		return "", apperr.Prefix("file", apperr.Errorf(apperr.TooLarge, "%s is larger than the limit of %s MB", name, Megabytes(max)))
	}
	k := sniff(data)
	if k.contentType == "" {
		return "", apperr.Fieldf("file", k.format, name)
	}
	if purpose == PurposeVisitPhoto && k.contentType == PDF {
		return "", apperr.Fieldf("file", "%s is a PDF document: a photo of a home visit must be a JPEG or PNG image", name)
	}
	if dot := strings.LastIndexByte(name, '.'); dot < 0 || !slices.Contains(k.endings, strings.ToLower(name[dot:])) {
		return "", apperr.Fieldf("file", k.format, name)
	}
	if k.contentType == PDF {
		for _, n := range pdfActive {
			if pdfHas(data, n) {
				return "", apperr.Fieldf("file", "%s is a PDF document that runs scripts or programs, or carries other files, when opened: print it to a new PDF, or scan the paper", name)
			}
		}
	}
	return k.contentType, nil
}

// Megabytes shows a number of bytes in MB, as limits are stated: "32",
// "0.5".
func Megabytes(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64)
}

// MayAttach checks that env's actor may upload a file for purpose to a
// now: a material by whoever may add materials (add_materials), a visit
// photo by whoever may record a visit. Errors: as Apply's for that action
// (Conflict with the allowed actions, Forbidden, NotFound), and Invalid for
// an unknown purpose.
func MayAttach(a *Application, purpose string, env *Env) error {
	if err := CheckPurpose(purpose); err != nil {
		return err
	}
	act := AddMaterials
	if purpose == PurposeVisitPhoto {
		act = RecordVisit
	}
	return permitted(a, act, env)
}

// NewAttachment checks an upload to a by env's actor (MayAttach,
// CheckUpload) and returns it ready to store, its digest computed. Errors:
// those of MayAttach and CheckUpload.
func NewAttachment(a *Application, purpose, filename string, data []byte, max int64, env *Env) (*Attachment, error) {
	if err := MayAttach(a, purpose, env); err != nil {
		return nil, err
	}
	ct, err := CheckUpload(purpose, filename, data, max)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &Attachment{ApplicationID: a.ID, County: a.County, Purpose: purpose, Filename: BaseName(filename), ContentType: ct,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: env.Actor.Username, UploadedAt: env.Now, Data: data}, nil
}
