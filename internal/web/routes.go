package web

import (
	"net/http"
	"strings"

	"safetynet/internal/auth"
)

// route is one registered route and the permission it requires.
type route struct {
	pattern string
	perm    auth.Permission
}

// handle registers h for pattern behind a check of perm: auth.Public for
// anyone, auth.SignedIn for any signed-in user, or a role permission.
// Registering without a permission panics: no route can forget its check.
func (s *Server) handle(pattern string, perm auth.Permission, h http.HandlerFunc) {
	if perm == "" {
		panic("web: route " + pattern + " registered without a permission")
	}
	s.routes = append(s.routes, route{pattern, perm})
	api := strings.Contains(pattern, "/api/")
	s.mux.Handle(pattern, s.authorize(perm, api, h))
}

func (s *Server) registerRoutes() {
	// Operations.
	s.handle("GET /healthz", auth.Public, s.healthz)
	s.handle("GET /readyz", auth.Public, s.readyz)
	s.handle("GET /metrics", auth.Public, s.serveMetrics)
	s.handle("GET /static/", auth.Public, s.serveStatic)
	s.handle("GET /api/v1/openapi.json", auth.Public, s.openAPI)

	// Signing in and out.
	s.handle("GET /login", auth.Public, s.loginPage)
	s.handle("POST /login", auth.Public, s.loginSubmit)
	s.handle("POST /logout", auth.SignedIn, s.logout)
	s.handle("GET /lang/{lang}", auth.Public, s.switchLang)

	// JSON API.
	s.handle("GET /api/v1/me", auth.SignedIn, s.apiMe)
	s.handle("GET /api/v1/regions", auth.SignedIn, s.apiRegions)
	s.handle("GET /api/v1/regions/{code}", auth.SignedIn, s.apiRegion)
	s.handle("GET /api/v1/households", auth.HouseholdRead, s.apiHouseholds)
	s.handle("POST /api/v1/households", auth.HouseholdWrite, s.apiCreateHousehold)
	s.handle("GET /api/v1/households/{id}", auth.HouseholdRead, s.apiHousehold)
	s.handle("PUT /api/v1/households/{id}", auth.HouseholdWrite, s.apiUpdateHousehold)
	s.handle("GET /api/v1/households/{id}/snapshot", auth.HouseholdRead, s.apiHouseholdAt)
	s.handle("GET /api/v1/households/{id}/history", auth.HouseholdRead, s.apiHouseholdHistory)
	s.handle("GET /api/v1/households/{id}/timeline", auth.HouseholdRead, s.apiTimeline)
	s.handle("POST /api/v1/households/{id}/members", auth.HouseholdWrite, s.apiAddMember)
	s.handle("POST /api/v1/members/{id}/end", auth.HouseholdWrite, s.apiEndMember)
	s.handle("GET /api/v1/households/{id}/incomes", auth.HouseholdRead, s.apiIncomes)
	s.handle("POST /api/v1/households/{id}/incomes", auth.HouseholdWrite, s.apiAddIncome)
	s.handle("GET /api/v1/households/{id}/assets", auth.HouseholdRead, s.apiAssets)
	s.handle("POST /api/v1/households/{id}/assets", auth.HouseholdWrite, s.apiAddAsset)
	s.handle("POST /api/v1/assets/{id}/end", auth.HouseholdWrite, s.apiEndAsset)
	s.handle("GET /api/v1/persons", auth.HouseholdRead, s.apiPersons)
	s.handle("GET /api/v1/persons/{id}", auth.HouseholdRead, s.apiPerson)
	s.handle("PUT /api/v1/persons/{id}", auth.HouseholdWrite, s.apiUpdatePerson)
	s.handle("POST /api/v1/imports/registry", auth.RegistryImport, s.apiImportRegistry)
	s.handle("GET /api/v1/imports/template", auth.RegistryImport, s.importTemplate)
	s.handle("GET /api/v1/audit", auth.AuditRead, s.apiAudit)
	s.handle("POST /api/v1/calculate", auth.HouseholdRead, s.apiCalculate)
	s.handle("GET /api/v1/parameters", auth.ParamRead, s.apiParams)
	s.handle("POST /api/v1/parameters", auth.ParamWrite, s.apiAddParam)
	s.handle("GET /api/v1/calendar", auth.SignedIn, s.apiCalendar)
	s.handle("POST /api/v1/calendar", calendarWrite, s.apiAddCalendarDays)
	s.handle("GET /api/v1/applications", auth.CaseRead, s.apiApplications)
	s.handle("POST /api/v1/applications", auth.CaseAct, s.apiCreateApplication)
	s.handle("GET /api/v1/applications/{id}", auth.CaseRead, s.apiApplication)
	s.handle("POST /api/v1/applications/{id}/actions/{action}", auth.CaseAct, s.apiAct)
	s.handle("POST /api/v1/applications/{id}/attachments", auth.CaseAct, s.apiUploadAttachment)
	s.handle("GET /api/v1/applications/{id}/attachments", auth.CaseRead, s.apiAttachments)
	s.handle("GET /api/v1/attachments/{id}", auth.PIIView, s.apiDownloadAttachment) // documents hold personal data
	s.handle("GET /api/v1/inbox", auth.CaseRead, s.apiInbox)
	s.handle("GET /api/v1/notices", auth.CaseRead, s.apiNotices)
	s.handle("GET /api/v1/stats/handling", auth.CaseRead, s.apiHandlingStats)
	s.handle("GET /api/v1/households/{id}/enrollments", auth.CaseRead, s.apiEnrollments)
	s.handle("POST /api/v1/enrollments/{id}/reviews", auth.CaseAct, s.apiOpenReview)
	s.handle("POST /api/v1/enrollments/{id}/refusals", auth.CaseAct, s.apiRecordRefusal)
	s.handle("GET /api/v1/verification/sources", auth.VerifyRead, s.apiVerifySources)
	s.handle("POST /api/v1/verification/sources", auth.SourceAdmin, s.apiAddSource)
	s.handle("GET /api/v1/verification/sources/{code}/mapping", auth.VerifyRead, s.apiSourceMapping)
	s.handle("PUT /api/v1/verification/sources/{code}/mapping", auth.VerifyImport, s.apiSaveSourceMapping)
	s.handle("POST /api/v1/verification/sources/{code}/imports", auth.VerifyImport, s.apiStartImport)
	s.handle("GET /api/v1/verification/batches", auth.VerifyRead, s.apiBatches)
	s.handle("GET /api/v1/verification/batches/{id}", auth.VerifyRead, s.apiBatch)
	s.handle("GET /api/v1/verification/batches/{id}/rejects", auth.VerifyRead, s.apiRejects)
	s.handle("GET /api/v1/households/{id}/authorisations", auth.HouseholdRead, s.apiAuthorisations)
	s.handle("POST /api/v1/households/{id}/authorisations", auth.VerifyAuthorise, s.apiAddAuthorisation)
	s.handle("GET /api/v1/authorisations/{id}/scan", auth.PIIView, s.apiAuthorisationScan) // signatures and ID numbers
	s.handle("POST /api/v1/authorisations/{id}/revoke", auth.VerifyAuthorise, s.apiRevokeAuthorisation)
	s.handle("POST /api/v1/households/{id}/verify", auth.VerifyRun, s.apiVerifyHousehold)
	s.handle("GET /api/v1/households/{id}/verification-reports", auth.VerifyRead, s.apiHouseholdReports)
	s.handle("GET /api/v1/verification/reports/{id}", auth.VerifyRead, s.apiReport)
	s.handle("GET /api/v1/monitor/rules", auth.MonitorRead, s.apiRules)
	s.handle("POST /api/v1/monitor/rules", auth.MonitorRules, s.apiAddRule)
	s.handle("PUT /api/v1/monitor/rules/{id}", auth.MonitorRules, s.apiUpdateRule)
	s.handle("POST /api/v1/monitor/rules/{id}/dry-run", auth.MonitorRules, s.apiDryRunRule)
	s.handle("POST /api/v1/monitor/rules/{id}/activation", auth.MonitorRules, s.apiActivateRule)
	s.handle("GET /api/v1/monitor/population", auth.MonitorRead, s.apiPopulation)
	s.handle("GET /api/v1/monitor/population/households", auth.MonitorRead, s.apiMonitoredHouseholds)
	s.handle("GET /api/v1/monitor/runs", auth.MonitorRead, s.apiMonitorRuns)
	s.handle("POST /api/v1/monitor/runs", auth.MonitorRun, s.apiStartMonitorRun)
	s.handle("GET /api/v1/monitor/runs/{id}", auth.MonitorRead, s.apiMonitorRun)
	s.handle("GET /api/v1/monitor/stats", auth.MonitorRead, s.apiMonitorStats)
	s.handle("GET /api/v1/monitor/warnings", auth.MonitorRead, s.apiWarnings)
	s.handle("GET /api/v1/monitor/warnings/{id}", auth.MonitorRead, s.apiWarning)
	s.handle("POST /api/v1/monitor/warnings/{id}/visit", auth.WarningHandle, s.apiWarningVisit)
	s.handle("POST /api/v1/monitor/warnings/{id}/close", auth.WarningHandle, s.apiWarningClose)
	s.handle("POST /api/v1/monitor/warnings/{id}/review", auth.WarningHandle, s.apiWarningReview)
	s.handle("GET /api/v1/partners", auth.ReferralRead, s.apiPartners)
	s.handle("POST /api/v1/partners", auth.PartnerAdmin, s.apiAddPartner)
	s.handle("PUT /api/v1/partners/{id}", auth.PartnerAdmin, s.apiUpdatePartner)
	s.handle("POST /api/v1/partners/{id}/logins", auth.PartnerAdmin, s.apiAddPartnerLogin)
	s.handle("POST /api/v1/partners/{id}/tokens", auth.PartnerAdmin, s.apiIssuePartnerToken)
	s.handle("GET /api/v1/referrals", auth.ReferralRead, s.apiReferrals)
	s.handle("GET /api/v1/referrals/stats", auth.ReferralRead, s.apiReferralStats)
	s.handle("GET /api/v1/referrals/{id}", auth.ReferralRead, s.apiReferral)
	s.handle("POST /api/v1/households/{id}/referrals", auth.ReferralSend, s.apiSendReferral)
	s.handle("GET /api/v1/referral-documents/{id}", auth.PIIView, s.apiReferralDocument) // personal papers
	s.handle("GET /api/v1/partner/referrals", auth.ReferralPartner, s.apiPartnerReferrals)
	s.handle("GET /api/v1/partner/referrals/{id}", auth.ReferralPartner, s.apiPartnerReferral)
	s.handle("POST /api/v1/partner/referrals/{id}/accept", auth.ReferralPartner, s.apiPartnerStep(stepAccept))
	s.handle("POST /api/v1/partner/referrals/{id}/decline", auth.ReferralPartner, s.apiPartnerStep(stepDecline))
	s.handle("POST /api/v1/partner/referrals/{id}/actions", auth.ReferralPartner, s.apiPartnerStep(stepAction))
	s.handle("POST /api/v1/partner/referrals/{id}/result", auth.ReferralPartner, s.apiPartnerStep(stepResult))
	s.handle("GET /api/v1/partner/documents/{id}", auth.ReferralPartner, s.apiPartnerDocument)
	s.handle("GET /api/v1/verification/runs", auth.VerifyRead, s.apiRuns)
	s.handle("POST /api/v1/verification/runs", auth.VerifyRun, s.apiStartRun)
	s.handle("GET /api/v1/verification/runs/{id}", auth.VerifyRead, s.apiRun)
	s.handle("GET /api/v1/verification/runs/{id}/results", auth.VerifyRead, s.apiRunResults)
	s.handle("POST /api/v1/verification/runs/{id}/reviews", auth.CaseAct, s.apiRunReviews)
	s.handle("GET /api/v1/payrolls", auth.PayrollRead, s.apiPayrolls)
	s.handle("POST /api/v1/payrolls", auth.PayrollPrepare, s.apiStartPayroll)
	s.handle("GET /api/v1/payrolls/{id}", auth.PayrollRead, s.apiPayroll)
	s.handle("GET /api/v1/payrolls/{id}/lines", auth.PayrollRead, s.apiPayrollLines)
	s.handle("POST /api/v1/payrolls/{id}/approve", auth.PayrollApprove, s.apiApprovePayroll)
	s.handle("POST /api/v1/payrolls/{id}/adjustments", auth.PayrollPrepare, s.apiAddAdjustment)
	s.handle("GET /api/v1/adjustments", auth.PayrollRead, s.apiAdjustments)

	// The citizen portal, then the staff's pages.
	s.registerPortal()
	s.registerUI()
}
