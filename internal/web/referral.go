package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/pii"
	"safetynet/internal/referral"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Referrals (转介, docs/referral.md): what the API and the pages share.
// Staff see the referrals of the households in their jurisdiction; a
// partner's login sees only those sent to its own organisation, with ID
// numbers masked. Anything else is "not found".

// referralEnv is the environment of a step taken by the request's user.
func (s *Server) referralEnv(r *http.Request) (*referral.Env, error) {
	set, err := s.paramSet(r.Context())
	if err != nil {
		return nil, err
	}
	return &referral.Env{Today: s.today(), Now: s.now().UTC(), By: principalOf(r).Username, Calendar: s.calendar(r.Context()), Params: set}, nil
}

// shortRegion is a region's own name ("沙面街道"), or its code if unknown.
func (s *Server) shortRegion(code string) string {
	if rg, ok := s.Regions.Get(code); ok {
		return rg.Name
	}
	return code
}

// staffReferral returns referral id if its household lies in the
// caller's jurisdiction. Errors: NotFound.
func (s *Server) staffReferral(r *http.Request, id int64) (*referral.Referral, error) {
	ref, err := s.DB.Referral(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !region.Within(ref.RegionCode, principalOf(r).Region) {
		return nil, apperr.Errorf(apperr.NotFound, "no referral %d", id)
	}
	return ref, nil
}

// myPartner is the partner the caller signs in for.
// Errors: NotFound (a login of no partner).
func (s *Server) myPartner(r *http.Request) (*referral.Partner, error) {
	id, err := s.DB.PartnerOfUser(r.Context(), principalOf(r).ID)
	if err != nil {
		return nil, err
	}
	return s.DB.Partner(r.Context(), id)
}

// partnerReferral returns referral id if it was sent to the caller's
// partner. Errors: NotFound.
func (s *Server) partnerReferral(r *http.Request, id int64) (*referral.Referral, *referral.Partner, error) {
	p, err := s.myPartner(r)
	if err != nil {
		return nil, nil, err
	}
	ref, err := s.DB.Referral(r.Context(), id)
	if err != nil || ref.PartnerID != p.ID {
		return nil, nil, apperr.Errorf(apperr.NotFound, "no referral %d", id)
	}
	return ref, p, nil
}

// mayManagePartner reports whether the caller keeps partner p: a partner
// whose region lies in the jurisdiction. Errors: NotFound otherwise.
func mayManagePartner(r *http.Request, p *referral.Partner) error {
	if !region.Within(p.Region, principalOf(r).Region) {
		return apperr.Errorf(apperr.NotFound, "no partner %d", p.ID)
	}
	return nil
}

// visiblePartner reports whether a staff member sees partner p: one
// serving the jurisdiction or a part of it.
func visiblePartner(r *http.Request, p *referral.Partner) bool {
	j := principalOf(r).Region
	return strings.HasPrefix(j, p.Region) || strings.HasPrefix(p.Region, j)
}

// maskPartner hides the contact's phone from those who may not see it.
func maskPartner(r *http.Request, p *referral.Partner) {
	if !principalOf(r).Can(auth.PIIView) {
		p.Phone = pii.Mask(pii.Phone, p.Phone)
	}
}

// referralRequest is a new referral as the API takes it.
type referralRequest struct {
	PartnerID     int64            `json:"partner_id"`
	Needs         []referral.Need  `json:"needs"`
	Note          string           `json:"note,omitempty"`
	ApplicationID int64            `json:"application_id,omitempty"`
	WarningID     int64            `json:"warning_id,omitempty"`
	Consent       referral.Consent `json:"consent"`
}

// sendReferral completes and stores a referral of household h with its
// documents (already checked). Errors: those of Complete (Invalid, naming
// the field), NotFound (a partner outside the directory's view).
func (s *Server) sendReferral(r *http.Request, h *registry.Household, req referralRequest, docs []referral.Document) (*referral.Referral, error) {
	ctx := r.Context()
	env, err := s.referralEnv(r)
	if err != nil {
		return nil, err
	}
	ref := &referral.Referral{PartnerID: req.PartnerID, Needs: req.Needs, Note: req.Note, ApplicationID: req.ApplicationID,
		WarningID: req.WarningID, Consent: req.Consent, Documents: docs}
	var p *referral.Partner
	if req.PartnerID != 0 {
		if p, err = s.DB.Partner(ctx, req.PartnerID); err != nil {
			if !apperr.IsCode(err, apperr.NotFound) {
				return nil, err
			}
			return nil, apperr.Fieldf("partner_id", "partner %d is not in the directory", req.PartnerID)
		}
	}
	if err := ref.Complete(h, p, env, s.shortRegion); err != nil {
		return nil, err
	}
	if ref.Documents == nil {
		ref.Documents = []referral.Document{}
	}
	return ref, s.DB.CreateReferral(ctx, ref)
}

// referralDocuments checks the files of a multipart form's field by
// content, as an application's attachments are (casework.CheckUpload
// through scanOf): JPEG, PNG or PDF only.
// Errors: Invalid (field documents[i]), TooLarge.
func (s *Server) referralDocuments(r *http.Request, files []*multipart.FileHeader) ([]referral.Document, error) {
	var out []referral.Document
	var l apperr.List
	by := principalOf(r).Username
	for i, fh := range files {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the form's empty file input
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, s.MaxUpload+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		sc, err := s.scanOf(fh.Filename, data)
		if err != nil {
			l.Add("documents["+strconv.Itoa(i)+"]", err)
			continue
		}
		sum := sha256.Sum256(data)
		out = append(out, referral.Document{Filename: sc.Filename, ContentType: sc.ContentType, Size: sc.Size, SHA256: hex.EncodeToString(sum[:]),
			UploadedBy: by, UploadedAt: s.now().UTC(), Data: data})
	}
	return out, l.Err()
}

// serveReferralDocument downloads a document of ref: personal papers,
// so the reading is audited.
func (s *Server) serveReferralDocument(w http.ResponseWriter, r *http.Request, ref *referral.Referral, docID int64) error {
	d, err := s.DB.Document(r.Context(), docID)
	if err != nil || d.ReferralID != ref.ID {
		return apperr.Errorf(apperr.NotFound, "no document %d", docID)
	}
	if err := s.DB.Audit(r.Context(), "referral_document", d.ID, ref.RegionCode, "read",
		map[string]any{"referral_id": ref.ID, "household_id": ref.HouseholdID, "file": d.Filename}); err != nil {
		return err
	}
	return serveFile(w, d.Filename, d.ContentType, d.Data)
}

// partnerLogin is a new login for a partner.
type partnerLogin struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
}

// addPartnerLogin creates a user of role partner for partner p, its
// jurisdiction the partner's region, and links it.
// Errors: Invalid (username, password), Conflict (username taken).
func (s *Server) addPartnerLogin(ctx context.Context, p *referral.Partner, in partnerLogin) (*auth.User, error) {
	in.Username = strings.TrimSpace(in.Username)
	if err := auth.ValidatePassword(in.Password); err != nil {
		return nil, apperr.Prefix("password", err)
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.DisplayName)
	if name == "" {
		name = p.Name
	}
	u := &auth.User{Username: in.Username, DisplayName: name, Role: auth.Partner, Region: p.Region, PasswordHash: hash}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := s.DB.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, s.DB.LinkPartnerUser(ctx, u.ID, p.ID)
}

// issuePartnerToken issues an API token to a login of partner p.
// Errors: Invalid (username: not a login of p; name).
func (s *Server) issuePartnerToken(ctx context.Context, p *referral.Partner, username, name string) (string, error) {
	u, err := s.DB.UserByUsername(ctx, strings.TrimSpace(username))
	if err == nil {
		var pid int64
		if pid, err = s.DB.PartnerOfUser(ctx, u.ID); err == nil && pid != p.ID {
			err = apperr.Errorf(apperr.NotFound, "no such login")
		}
	}
	if err != nil {
		return "", apperr.Fieldf("username", "%q is not a login of %s", username, p.Name)
	}
	tok, err := s.Auth.IssueToken(ctx, u.ID, strings.TrimSpace(name))
	if err != nil {
		return "", err
	}
	return tok, s.DB.Audit(ctx, "partner_user", u.ID, p.Region, "issue_token", map[string]any{"partner_id": p.ID, "name": name, "by": audit.ActorFrom(ctx).Username})
}
