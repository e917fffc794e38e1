package web

import (
	"net/http"

	"safetynet/internal/apperr"
)

// importView is the data of import.html.
type importView struct {
	view
	Report *importReport
	Error  string
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "import.html", &importView{view: view{Title: langOf(r).T("Import")}})
}

// importSubmit runs the same import as POST /api/v1/imports/registry and
// shows its report: the counts, then every refused row with its reason.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	pg := &importView{view: view{Title: l.T("Import"), Here: "/import"}}
	rep, err := s.runImport(r)
	if err != nil {
		if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.TooLarge {
			s.renderError(w, r, err)
			return
		}
		_, body := s.publicError(r, err)
		pg.Error = body.Message
		s.render(w, r, statusOf[apperr.CodeOf(err)], "import.html", pg)
		return
	}
	pg.Report = rep
	s.render(w, r, http.StatusOK, "import.html", pg)
}
