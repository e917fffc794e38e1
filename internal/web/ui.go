package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// The UI is server-rendered: html/template pages from templates/, assets
// from static/, both embedded. Each page handler lives in its own ui_*.go
// file. Source strings are English and go through view.T, which looks them
// up in the catalogue (catalog.go); Chinese is the default language.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// registerUI registers the pages. Every route names its permission; a
// visitor without a session is sent to /login by authorize.
func (s *Server) registerUI() {
	s.handle("GET /{$}", auth.SignedIn, s.homePage)
	s.handle("GET /households", auth.HouseholdRead, s.householdsPage)
	s.handle("GET /households/new", auth.HouseholdWrite, s.newHouseholdPage)
	s.handle("POST /households", auth.HouseholdWrite, s.createHouseholdSubmit)
	s.handle("GET /households/{id}", auth.HouseholdRead, s.householdPage)
	s.handle("GET /households/{id}/eligibility", auth.HouseholdRead, s.eligibilityPage)
	s.handle("GET /households/{id}/apply", auth.CaseAct, s.applyPage)
	s.handle("POST /households/{id}/apply", auth.CaseAct, s.applySubmit)
	s.handle("GET /inbox", auth.CaseRead, s.inboxPage)
	s.handle("GET /dashboard", auth.CaseRead, s.dashboardPage)
	s.handle("GET /applications/new", auth.CaseAct, s.fileElsewherePage)
	s.handle("POST /applications/new", auth.CaseAct, s.fileElsewhereSubmit)
	s.handle("GET /applications/{id}", auth.CaseRead, s.applicationPageHandler)
	s.handle("GET /applications/{id}/letter", auth.CaseRead, s.letterPage)
	s.handle("GET /notices", auth.CaseRead, s.noticesPage)
	s.handle("POST /applications/{id}/actions/{action}", auth.CaseAct, s.actSubmit)
	s.handle("POST /applications/{id}/attachments", auth.CaseAct, s.uploadSubmit)
	s.handle("GET /attachments/{id}", auth.PIIView, s.downloadAttachment) // documents hold personal data
	s.handle("GET /households/{id}/edit", auth.HouseholdWrite, s.editHouseholdPage)
	s.handle("POST /households/{id}", auth.HouseholdWrite, s.editHouseholdSubmit)
	s.handle("POST /households/{id}/incomes", auth.HouseholdWrite, s.addIncomeSubmit)
	s.handle("POST /households/{id}/assets", auth.HouseholdWrite, s.addAssetSubmit)
	s.handle("POST /households/{id}/enrollments/{eid}/reviews", auth.CaseAct, s.reportChangeSubmit)
	s.handle("POST /households/{id}/enrollments/{eid}/refusals", auth.CaseAct, s.jobOfferSubmit)
	s.handle("GET /households/{id}/members/new", auth.HouseholdWrite, s.newMemberPage)
	s.handle("POST /households/{id}/members", auth.HouseholdWrite, s.addMemberSubmit)
	s.handle("GET /members/{id}/end", auth.HouseholdWrite, s.endMemberPage)
	s.handle("POST /members/{id}/end", auth.HouseholdWrite, s.endMemberSubmit)
	s.handle("POST /assets/{id}/end", auth.HouseholdWrite, s.endAssetSubmit)
	s.handle("GET /persons/{id}/edit", auth.HouseholdWrite, s.editPersonPage)
	s.handle("POST /persons/{id}/edit", auth.HouseholdWrite, s.editPersonSubmit)
	s.handle("GET /import", auth.RegistryImport, s.importPage)
	s.handle("POST /import", auth.RegistryImport, s.importSubmit)
	s.handle("GET /audit", auth.AuditRead, s.auditPage)
	s.handle("GET /parameters", auth.ParamRead, s.paramsPage)
	s.handle("POST /parameters", auth.ParamWrite, s.addParamSubmit)
	s.handle("GET /verification", auth.VerifyRead, s.verificationPage)
	s.handle("POST /verification/sources", auth.SourceAdmin, s.addSourceSubmit)
	s.handle("GET /verification/sources/{code}", auth.VerifyRead, s.sourcePage)
	s.handle("POST /verification/sources/{code}/imports", auth.VerifyImport, s.importSourceSubmit)
	s.handle("GET /verification/batches/{id}", auth.VerifyRead, s.batchPage)
	s.handle("GET /verification/batches/{id}/rejects.csv", auth.VerifyRead, s.rejectsCSV)
	s.handle("GET /households/{id}/verification", auth.HouseholdRead, s.householdVerificationPage)
	s.handle("POST /households/{id}/authorisations", auth.VerifyAuthorise, s.addAuthorisationSubmit)
	s.handle("GET /authorisations/{id}/scan", auth.PIIView, s.scanDownload)
	s.handle("POST /authorisations/{id}/revoke", auth.VerifyAuthorise, s.revokeSubmit)
	s.handle("POST /households/{id}/verify", auth.VerifyRun, s.verifySubmit)
	s.handle("GET /verification/reports/{id}", auth.VerifyRead, s.reportPage)
	s.handle("GET /verification/runs", auth.VerifyRead, s.runsPage)
	s.handle("POST /verification/runs", auth.VerifyRun, s.startRunSubmit)
	s.handle("GET /verification/runs/{id}", auth.VerifyRead, s.runPage)
	s.handle("POST /verification/runs/{id}/reviews", auth.CaseAct, s.runReviewsSubmit)
	s.handle("GET /monitor/runs", auth.MonitorRead, s.monitorRunsPage)
	s.handle("POST /monitor/runs", auth.MonitorRun, s.startMonitorRunSubmit)
	s.handle("GET /monitor/dashboard", auth.MonitorRead, s.monitorDashboardPage)
	s.handle("GET /monitor/dashboard.csv", auth.MonitorRead, s.monitorDashboardCSV)
	s.handle("GET /monitor/warnings", auth.MonitorRead, s.warningsPage)
	s.handle("GET /monitor/warnings/{id}", auth.MonitorRead, s.warningPage)
	s.handle("POST /monitor/warnings/{id}/visit", auth.WarningHandle, s.warningVisitSubmit)
	s.handle("POST /monitor/warnings/{id}/close", auth.WarningHandle, s.warningCloseSubmit)
	s.handle("POST /monitor/warnings/{id}/review", auth.WarningHandle, s.warningReviewSubmit)
	s.handle("GET /referrals", auth.ReferralRead, s.referralsPage)
	s.handle("GET /referrals/{id}", auth.ReferralRead, s.referralPage)
	s.handle("GET /referral-documents/{id}", auth.PIIView, s.referralDocumentDownload) // personal papers
	s.handle("GET /households/{id}/referrals/new", auth.ReferralSend, s.newReferralPage)
	s.handle("POST /households/{id}/referrals", auth.ReferralSend, s.sendReferralSubmit)
	s.handle("GET /partners", auth.ReferralRead, s.partnersPage)
	s.handle("POST /partners", auth.PartnerAdmin, s.addPartnerSubmit)
	s.handle("GET /partners/{id}", auth.PartnerAdmin, s.partnerPage)
	s.handle("POST /partners/{id}", auth.PartnerAdmin, s.updatePartnerSubmit)
	s.handle("POST /partners/{id}/logins", auth.PartnerAdmin, s.addPartnerLoginSubmit)
	s.handle("POST /partners/{id}/tokens", auth.PartnerAdmin, s.issuePartnerTokenSubmit)
	s.handle("GET /partner", auth.ReferralPartner, s.partnerReferralsPage)
	s.handle("GET /partner/referrals/{id}", auth.ReferralPartner, s.partnerReferralPage)
	s.handle("POST /partner/referrals/{id}/accept", auth.ReferralPartner, s.partnerStepSubmit(stepAccept))
	s.handle("POST /partner/referrals/{id}/decline", auth.ReferralPartner, s.partnerStepSubmit(stepDecline))
	s.handle("POST /partner/referrals/{id}/actions", auth.ReferralPartner, s.partnerStepSubmit(stepAction))
	s.handle("POST /partner/referrals/{id}/result", auth.ReferralPartner, s.partnerStepSubmit(stepResult))
	s.handle("GET /partner/documents/{id}", auth.ReferralPartner, s.partnerDocumentDownload)
	s.handle("GET /calendar", auth.SignedIn, s.calendarPage)
	s.handle("POST /calendar", calendarWrite, s.addCalendarSubmit)
	s.handle("GET /payrolls", auth.PayrollRead, s.payrollsPage)
	s.handle("POST /payrolls", auth.PayrollPrepare, s.generatePayrollSubmit)
	s.handle("GET /payrolls/{id}", auth.PayrollRead, s.payrollPage)
	s.handle("GET /payrolls/{id}/lines.csv", auth.PayrollRead, s.payrollLinesCSV)
	s.handle("POST /payrolls/{id}/approve", auth.PayrollApprove, s.approvePayrollSubmit)
	s.handle("POST /payrolls/{id}/adjustments", auth.PayrollPrepare, s.addAdjustmentSubmit)
	s.registerMonitorPages() // ui_monitor_rules.go
	// Anything else is a "not found" page (JSON under /api/).
	s.handle("GET /", auth.Public, s.notFoundPage)
}

// pages holds one template set per page: the layout, the shared partials
// and the page's own file, parsed once at start-up.
var pages = parsePages()

var templateFuncs = template.FuncMap{
	"static": staticURL,
	"yuan":   yuan,
	"ts":     timestamp,
	"add":    func(a, b int) int { return a + b },
}

func parsePages() map[string]*template.Template {
	// The portal's pages have their own layout (portal.go).
	return parseTemplates("templates/*.html", "templates/portal_*.html", "templates/layout.html", "templates/partials.html")
}

// parseTemplates parses each file matching glob, but those matching skip
// and the shared files themselves, together with the shared files (the
// layout and partials): one template set per page, by file name.
func parseTemplates(glob, skip string, shared ...string) map[string]*template.Template {
	names, err := fs.Glob(templateFS, glob)
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		if skipped, _ := path.Match(skip, n); skipped || slices.Contains(shared, n) {
			continue
		}
		base := path.Base(n)
		out[base] = template.Must(template.New(base).Funcs(templateFuncs).ParseFS(templateFS, append(slices.Clone(shared), n)...))
	}
	return out
}

// staticVersions maps each static file's name to a short hash of its
// content, computed at start-up, so that /static/app.css?v=<hash> can be
// cached for a year and still change with a release.
var staticVersions = hashStatic()

func hashStatic() map[string]string {
	out := map[string]string{}
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return out
}

// staticURL is the versioned URL of a static file.
func staticURL(name string) string {
	return "/static/" + name + "?v=" + staticVersions[name]
}

// serveStatic serves the embedded static files. A request carrying the
// current content hash may be cached for a year; others must revalidate.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	v, ok := staticVersions[name]
	if !ok || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		h.Set("Content-Type", ct)
	}
	h.Set("ETag", `"`+v+`"`)
	if r.URL.Query().Get("v") == v {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == `"`+v+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// view is what the layout needs; every page's data embeds it.
type view struct {
	Lang  lang
	User  *auth.Principal
	Title string
	// Here is the page's own address, for the language switch; a form
	// answered by POST sets it to the page that shows the form.
	Here   string
	Notice string
	Nav    []navItem

	srv *Server
}

type navItem struct {
	Href, Label string
	Active      bool
}

// pageData is implemented by every page's data through its view.
type pageData interface{ base() *view }

func (v *view) base() *view { return v }

// T translates an English source string into the page's language.
func (v *view) T(s string, args ...any) string { return v.Lang.T(s, args...) }

// Enum is the label of an enumeration value (a string or a registry
// enumeration type).
func (v *view) Enum(kind string, code any) string { return v.Lang.enumLabel(kind, fmt.Sprint(code)) }

// HTMLLang is the document's language tag.
func (v *view) HTMLLang() string {
	if v.Lang == langEN {
		return "en"
	}
	return "zh-CN"
}

// CSRF is the session's token for the hidden "csrf" field of every form.
func (v *view) CSRF() string {
	if v.User == nil {
		return ""
	}
	return v.User.CSRF
}

// Can reports whether the user holds a permission.
func (v *view) Can(perm string) bool { return v.User.Can(auth.Permission(perm)) }

// RoleLabel is the user's role in the page's language.
func (v *view) RoleLabel() string {
	if v.User == nil {
		return ""
	}
	return v.Enum("role", string(v.User.Role))
}

// Jurisdiction is the full name of the user's region.
func (v *view) Jurisdiction() string {
	if v.User == nil {
		return ""
	}
	return v.srv.regionName(v.User.Region)
}

// Region shows a region code with its name: "沙面街道（440103001）".
func (v *view) Region(code string) string {
	if code == "" {
		return ""
	}
	if r, ok := v.srv.Regions.Get(code); ok {
		return r.Name + " (" + code + ")"
	}
	return code
}

// RegionFull is a region's full name, or its code if unknown.
func (v *view) RegionFull(code string) string {
	if code == "" {
		return ""
	}
	return v.srv.regionName(code)
}

// SwitchLang is the link to the other language, returning here.
func (v *view) SwitchLang() string {
	to := "en"
	if v.Lang == langEN {
		to = "zh"
	}
	return "/lang/" + to + "?next=" + url.QueryEscape(v.Here)
}

// OtherLang names the language SwitchLang leads to, in that language.
func (v *view) OtherLang() string {
	if v.Lang == langEN {
		return "中文"
	}
	return "English"
}

// render writes a page inside the layout. Pages carry personal data, so
// they are never cached.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	v := data.base()
	v.srv = s
	v.Lang = langOf(r)
	v.User = principalOf(r)
	if v.Here == "" {
		v.Here = "/"
		if r.Method == http.MethodGet {
			v.Here = hereOf(r.URL)
		}
	}
	v.Nav = s.nav(r, v.Lang, v.Here)
	s.writePage(w, r, status, name, pages[name], "layout", data)
}

// writePage executes the template t (the page name) from its root
// template and writes the page; an error is logged and the user sees the
// request id. Pages carry personal data, so they are never cached.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, name string, t *template.Template, root string, data any) {
	if t == nil {
		s.Log.Error("no such page template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, root, data); err != nil {
		s.Log.ErrorContext(r.Context(), "render", "page", name, "err", err, "request_id", requestIDOf(r))
		http.Error(w, langOf(r).T("Internal error: please try again, and quote the request id if it happens again.")+" "+requestIDOf(r), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// hereOf is a request's address for the language switch to return to,
// without the parameters that must not repeat: lang, reveal (another
// audited unmasked view) and saved (a notice already shown).
func hereOf(u *url.URL) string {
	q := u.Query()
	if !q.Has("lang") && !q.Has("reveal") && !q.Has("saved") {
		return u.RequestURI()
	}
	q.Del("lang")
	q.Del("reveal")
	q.Del("saved")
	out := u.Path
	if len(q) > 0 {
		out += "?" + q.Encode()
	}
	return out
}

// nav lists the menu entries the user's role can use; the one for here
// (the page's own address) is marked active.
func (s *Server) nav(r *http.Request, l lang, here string) []navItem {
	p := principalOf(r)
	if p == nil {
		return nil
	}
	items := []struct {
		href, label string
		perm        auth.Permission
	}{
		{"/", l.T("Home"), auth.SignedIn},
		{"/inbox", l.T("Inbox"), auth.CaseRead},
		{"/notices", l.T("Public notices"), auth.CaseRead},
		{"/dashboard", l.T("Handling times"), auth.CaseRead},
		{"/households", l.T("Households"), auth.HouseholdRead},
		{"/households/new", l.T("New household"), auth.HouseholdWrite},
		{"/import", l.T("Import"), auth.RegistryImport},
		{"/verification", l.T("Verification"), auth.VerifyRead},
		{"/monitor/warnings", l.T("Monitoring"), auth.MonitorRead},
		{"/referrals", l.T("Referrals"), auth.ReferralRead},
		{"/partner", l.T("Referrals to us"), auth.ReferralPartner},
		{"/payrolls", l.T("Payrolls"), auth.PayrollRead},
		{"/parameters", l.T("Policy parameters"), auth.ParamRead},
		{"/calendar", l.T("Working-day calendar"), auth.SignedIn},
		{"/audit", l.T("Audit log"), auth.AuditRead},
	}
	var out []navItem
	for _, it := range items {
		if !p.Can(it.perm) {
			continue
		}
		p, _, _ := strings.Cut(here, "?")
		active := p == it.href
		if it.href == "/monitor/warnings" {
			active = strings.HasPrefix(p, "/monitor/")
		}
		if it.href == "/payrolls" {
			active = strings.HasPrefix(p, "/payrolls")
		}
		if it.href == "/referrals" {
			active = strings.HasPrefix(p, "/referrals") || strings.HasPrefix(p, "/partners")
		}
		if it.href == "/households" {
			active = strings.HasPrefix(p, "/households") && p != "/households/new" ||
				strings.HasPrefix(p, "/persons/") || strings.HasPrefix(p, "/members/")
		}
		out = append(out, navItem{Href: it.href, Label: it.label, Active: active})
	}
	return out
}

// errorPage is the data of error.html.
type errorPage struct {
	view
	Status    int
	Heading   string
	Message   string
	RequestID string
	Details   []string
}

// renderError answers a page request with an error page: the status and
// the localized message of an application error; an internal error shows
// only the request id. A record outside the jurisdiction is "not found".
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.IsCode(err, apperr.Unauthorized) && principalOf(r) == nil && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status, body := s.publicError(r, err)
	l := langOf(r)
	pg := &errorPage{Status: status, Message: body.Message, RequestID: body.RequestID}
	switch status {
	case http.StatusNotFound:
		pg.Heading = l.T("Not found")
		pg.Message = l.T("There is no such page or record in your jurisdiction.")
	case http.StatusForbidden:
		pg.Heading = l.T("Not allowed")
	case http.StatusUnauthorized:
		pg.Heading = l.T("Please sign in")
	case http.StatusInternalServerError:
		pg.Heading = l.T("Something went wrong")
	default:
		pg.Heading = l.T("The request could not be completed")
	}
	if len(body.Details) > 1 {
		for _, d := range body.Details {
			pg.Details = append(pg.Details, d.Message)
		}
	}
	pg.Title = pg.Heading
	s.render(w, r, status, "error.html", pg)
}

// notFoundPage answers every unregistered path.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	err := apperr.Errorf(apperr.NotFound, "no such page")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeError(w, r, err)
		return
	}
	s.renderError(w, r, err)
}

// yuan formats fen as yuan with two decimals and thousands separators.
func yuan(f money.Fen) string {
	s := f.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + "." + frac
}

// timestamp shows an instant in China Standard Time.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(civil.Shanghai).Format("2006-01-02 15:04")
}

// seeOther redirects after a successful POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
