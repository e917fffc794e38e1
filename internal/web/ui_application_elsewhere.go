package web

import (
	"net/http"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
)

// The cross-region filing form (/applications/new): an office takes an
// application for a person registered in another county, named by ID
// number (docs/casework.md, "Cross-region handling"). It is the household
// filing form (applyView.fill) with the ID number in place of the
// household's member; fileApplication hands the application over to the
// township of the person's household.

// elsewherePath is the form's address, linked from the inbox.
const elsewherePath = "/applications/new"

func (s *Server) fileElsewherePage(w http.ResponseWriter, r *http.Request) {
	// Filed at the place of residence, by default (DB57 Art. 5).
	s.showFileElsewhere(w, r, http.StatusOK, map[string]string{"channel": string(casework.Residence)}, nil, nil)
}

// fileElsewhereSubmit files the application (fileSubmit); an ID number
// that is not valid or names no registered household is refused beside
// the field.
func (s *Server) fileElsewhereSubmit(w http.ResponseWriter, r *http.Request) {
	s.fileSubmit(w, r, s.showFileElsewhere, func(vals map[string]string, req *newApplication, pre *apperr.List) {
		req.IDNumber = strings.TrimSpace(vals["id_number"])
		if req.IDNumber == "" {
			pre.Addf("id_number", "enter the applicant's ID number")
		}
	})
}

// showFileElsewhere renders the cross-region filing form with the values
// and messages given.
func (s *Server) showFileElsewhere(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, materials []string, errs formErrors) {
	l := langOf(r)
	pg := &applyView{Action: elsewherePath, Back: "/inbox"}
	pg.Title = l.T("File for a person registered elsewhere")
	pg.Here = elsewherePath
	if errs == nil {
		errs = formErrors{}
	}
	// The household is the other county's: the office does not see its
	// members, so the near relative's member is typed.
	applicant := formField{Name: "id_number", Label: l.T("Applicant's ID number"), Value: vals["id_number"], Required: true,
		Hint:  l.T("The applicant's household must be registered in the county of its household registration."),
		Error: errs.take("id_number")}
	member := formField{Name: "near_relative.member_name", Label: l.T("Which member"), Value: vals["near_relative.member_name"],
		Error: errs.take("near_relative.member_name")}
	pg.fill(l, vals, materials, errs, applicant, member)
	s.render(w, r, status, "application_new.html", pg)
}
