package web

import (
	"net/http"
	"strconv"

	"safetynet/internal/apperr"
)

// endAssetSubmit records the day an asset stopped being held (sold,
// closed, scrapped), from the small form in its row on the household page.
// The form names its household, which must be in the user's jurisdiction
// and hold the asset; a fault shows the household page again with the
// row's form open, as typed, and its message.
func (s *Server) endAssetSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := formValues(r, "valid_to", "household")
	hid := householdParam(v["household"])
	notFound := apperr.Errorf(apperr.NotFound, "no such record")
	if hid == "" {
		s.renderError(w, r, notFound)
		return
	}
	h64, _ := strconv.ParseInt(hid, 10, 64)
	assets, err := s.Registry.Assets(r.Context(), scopeOf(r), h64)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	found := false
	for _, a := range assets {
		found = found || a.ID == id
	}
	if !found {
		s.renderError(w, r, notFound)
		return
	}
	var pre apperr.List
	on, blank := dateFromForm(&pre, "valid_to", v["valid_to"])
	if blank {
		pre.Addf("valid_to", "the date the asset ended is required")
	}
	err = pre.Err()
	if err == nil {
		err = s.Registry.EndAsset(r.Context(), scopeOf(r), id, on)
	}
	if err == nil {
		seeOther(w, r, "/households/"+hid+"?saved=asset_ended#assets")
		return
	}
	code := apperr.CodeOf(err)
	if code != apperr.Invalid && code != apperr.Conflict {
		s.renderError(w, r, err)
		return
	}
	// showHousehold reads the household from the {id} path value.
	hr := r.Clone(r.Context())
	hr.SetPathValue("id", hid)
	pg := &householdView{view: view{Here: "/households/" + hid}, form: "asset_end", values: v,
		errs: errorsOf(langOf(r), err), EndAssetID: id}
	s.showHousehold(w, hr, pg, statusOf[code])
}
