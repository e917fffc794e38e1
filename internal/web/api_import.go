package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/registry/importfile"
)

// importError is one refused row or household in an import report.
type importError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// importReport is what an import did, with errors in the user's language.
type importReport struct {
	Households int           `json:"households"`
	Existing   int           `json:"existing_households"`
	Persons    int           `json:"persons"`
	Members    int           `json:"members_added"`
	Incomes    int           `json:"incomes"`
	Assets     int           `json:"assets"`
	Skipped    int           `json:"rejected_households"`
	Errors     []importError `json:"errors"`
	Encoding   string        `json:"encoding,omitempty"`
}

// maxImportRows bounds one upload's rows per table, so one file cannot
// hold a server's memory; larger loads go through `safetynet import`.
const maxImportRows = 200_000

// runImport reads the uploaded file(s) of a multipart request and stores
// what is valid. Form fields: "file" (an XLSX workbook, or persons.csv),
// and for CSV optionally "incomes" and "assets".
func (s *Server) runImport(r *http.Request) (*importReport, error) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return nil, apperr.Errorf(apperr.TooLarge, "the upload is larger than the limit of %d MB", s.MaxUpload>>20)
		}
		return nil, apperr.Fieldf("file", "the upload could not be read: send a multipart form with a \"file\" field")
	}
	fh := r.MultipartForm.File["file"]
	if len(fh) == 0 {
		return nil, apperr.Fieldf("file", "choose a file to import")
	}
	opt := importfile.Options{Today: civil.Today(), MaxRows: maxImportRows, Scope: principalOf(r).Region}
	data, err := readPart(fh[0])
	if err != nil {
		return nil, err
	}
	var batch *importfile.Batch
	var rowErrs []*apperr.Error
	enc := ""
	switch {
	case isXLSX(fh[0].Filename, data):
		batch, rowErrs, err = importfile.ReadXLSX(bytes.NewReader(data), int64(len(data)), opt)
	case isText(data):
		var incomes, assets io.Reader
		for name, dst := range map[string]*io.Reader{"incomes": &incomes, "assets": &assets} {
			if f := r.MultipartForm.File[name]; len(f) > 0 {
				b, err := readPart(f[0])
				if err != nil {
					return nil, err
				}
				*dst = bytes.NewReader(b)
			}
		}
		_, enc, _ = importfile.Decode(bytes.NewReader(data))
		batch, rowErrs, err = importfile.ReadCSV(bytes.NewReader(data), incomes, assets, opt)
	default:
		return nil, apperr.Fieldf("file", "the file is neither an XLSX workbook nor a CSV text file")
	}
	if err != nil {
		return nil, err
	}
	rep, err := importfile.Apply(r.Context(), s.Registry, scopeOf(r), batch)
	if err != nil {
		return nil, err
	}
	l := langOf(r)
	out := &importReport{Households: rep.Households, Existing: rep.Existing, Persons: rep.Persons, Members: rep.Members,
		Incomes: rep.Incomes, Assets: rep.Assets, Skipped: rep.Rejected, Encoding: enc}
	for _, e := range append(rowErrs, rep.Errors...) {
		out.Errors = append(out.Errors, importError{Field: e.Field, Message: l.errMsg(e)})
	}
	if out.Errors == nil {
		out.Errors = []importError{}
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, apperr.Fieldf("file", "the upload could not be read")
	}
	defer f.Close()
	return io.ReadAll(f)
}

// isXLSX recognises a workbook by its ZIP signature (an .xlsx renamed
// .csv is still read right; a .exe renamed .xlsx is not).
func isXLSX(name string, data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04"))
}

// isText accepts data with no NUL bytes in its first 8 KiB.
func isText(data []byte) bool {
	return !bytes.Contains(data[:min(len(data), 8192)], []byte{0})
}

func (s *Server) apiImportRegistry(w http.ResponseWriter, r *http.Request) {
	rep, err := s.runImport(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	switch format {
	case "", "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="safetynet-import-template.xlsx"`)
		format = "xlsx"
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="persons.csv"`)
	default:
		s.writeError(w, r, apperr.Fieldf("format", "the template comes as xlsx or csv"))
		return
	}
	var buf bytes.Buffer
	if err := importfile.Template(&buf, format); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Write(buf.Bytes())
}
