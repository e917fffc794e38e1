package web

import (
	"net/http"

	"safetynet/internal/auth"
	"safetynet/internal/registry"
)

// homeView is the data of home.html.
type homeView struct {
	view
	Counts registry.Counts
}

// homePage greets the user with the registry's numbers in their
// jurisdiction and a quick search.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request) {
	pg := &homeView{view: view{Title: langOf(r).T("Home")}}
	if principalOf(r).Can(auth.HouseholdRead) {
		c, err := s.Registry.Counts(r.Context(), scopeOf(r))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		pg.Counts = c
	}
	s.render(w, r, http.StatusOK, "home.html", pg)
}
