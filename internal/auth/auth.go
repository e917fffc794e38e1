package auth

import (
	"context"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/region"
)

// Role is one of the roles of DESIGN.md §1; a role is a fixed set of
// permissions.
type Role string

const (
	VillageAssistant    Role = "village_assistant"    // 村居协理员
	TownshipCaseworker  Role = "township_caseworker"  // 乡镇经办
	CountyApprover      Role = "county_approver"      // 县级审批
	Supervisor          Role = "supervisor"           // 市/省级监管
	VerificationOfficer Role = "verification_officer" // 核对
	HotlineOperator     Role = "hotline_operator"     // 12349 热线
	Partner             Role = "partner"              // 协作部门/慈善组织
	Auditor             Role = "auditor"              // 审计（只读）
	Admin               Role = "admin"                // 系统管理员
)

// Roles lists every role, in the order screens show them.
var Roles = []Role{VillageAssistant, TownshipCaseworker, CountyApprover, Supervisor,
	VerificationOfficer, HotlineOperator, Partner, Auditor, Admin}

// Permission names one thing a role may do.
type Permission string

const (
	// Public marks a route anyone may call (login page, health checks).
	// It is never granted; the router treats it specially.
	Public Permission = "public"
	// Citizen marks a route of the citizen portal (/portal) for an
	// applicant signed in with a one-time code (otp.go). It is never
	// granted to a role: the router checks the citizen's own session, and
	// a staff session never passes it.
	Citizen Permission = "citizen"
	// SignedIn is held by every signed-in user (own profile, home page).
	SignedIn Permission = "signed_in"

	HouseholdRead  Permission = "household.read"
	HouseholdWrite Permission = "household.write"
	// PIIView lets a user see ID numbers, phones and bank accounts in full.
	// Every unmasked view is audited.
	PIIView        Permission = "pii.view"
	RegistryImport Permission = "registry.import"
	RegionImport   Permission = "region.import"
	AuditRead      Permission = "audit.read"
	UserAdmin      Permission = "user.admin"
	// ParamRead shows the policy parameters in force in any region (they
	// are public policy); ParamWrite adds a dated value for a scope inside
	// the user's jurisdiction (DESIGN.md §1: counties set county
	// parameters, supervisors those of their city or province).
	ParamRead  Permission = "param.read"
	ParamWrite Permission = "param.write"
	// CaseRead shows applications, their history and the inbox; CaseAct
	// files applications and takes workflow actions (casework decides
	// which action each role may take, and recuses near relatives).
	CaseRead Permission = "case.read"
	CaseAct  Permission = "case.act"
	// CalendarWrite enters a year's holiday notice: reference data for the
	// whole system, so administrators' alone.
	CalendarWrite Permission = "calendar.write"
	// Household economic-status verification (核对). VerifyRead shows the
	// data sources, import batches and verification reports; VerifyImport
	// imports departments' data; VerifyRun verifies a household (with its
	// authorisation); VerifyAuthorise records a household's signed
	// authorisation, which those who take applications collect;
	// SourceAdmin adds a data source to the catalogue.
	VerifyRead      Permission = "verify.read"
	VerifyImport    Permission = "verify.import"
	VerifyRun       Permission = "verify.run"
	VerifyAuthorise Permission = "verify.authorise"
	SourceAdmin     Permission = "verify.source"
	// MonitorRead shows the monitoring rules; MonitorRules writes, dry-runs
	// and activates them: city and province supervisors, and county
	// approvers for their county's own rules (DESIGN.md §1).
	MonitorRead  Permission = "monitor.read"
	MonitorRules Permission = "monitor.rules"
	// MonitorRun starts a monitoring run of a region on demand (the
	// monthly runs start by themselves); WarningHandle records a warning's
	// home visit and its outcome, which the township's staff and the
	// village assistants who visit do.
	MonitorRun    Permission = "monitor.run"
	WarningHandle Permission = "warning.handle"
	// Referrals (转介, internal/referral). ReferralRead shows the partner
	// directory and the referrals of the jurisdiction; ReferralSend refers
	// a household's needs to a partner; PartnerAdmin keeps the directory
	// and the partners' logins. ReferralPartner is the partner's own:
	// only the referrals sent to its organisation, to accept or decline
	// and to report actions and the result.
	ReferralRead    Permission = "referral.read"
	ReferralSend    Permission = "referral.send"
	PartnerAdmin    Permission = "partner.admin"
	ReferralPartner Permission = "referral.partner"
	// Payments (internal/payment). PayrollRead shows payrolls and their
	// lines; PayrollPrepare generates them and records corrections;
	// PayrollApprove approves one another user prepared (maker-checker:
	// the store refuses one's own) and handles the bank's returns.
	PayrollRead    Permission = "payroll.read"
	PayrollPrepare Permission = "payroll.prepare"
	PayrollApprove Permission = "payroll.approve"
)

var rolePermissions = map[Role][]Permission{
	// Village assistants register households and take applications; they
	// visit homes, so they see the full contact details of their village.
	VillageAssistant: {HouseholdRead, HouseholdWrite, PIIView, ParamRead, CaseRead, CaseAct, VerifyAuthorise,
		MonitorRead, WarningHandle, ReferralRead, ReferralSend},
	TownshipCaseworker: {HouseholdRead, HouseholdWrite, PIIView, RegistryImport, ParamRead, CaseRead, CaseAct, VerifyRead, VerifyAuthorise,
		MonitorRead, WarningHandle, ReferralRead, ReferralSend},
	CountyApprover: {HouseholdRead, HouseholdWrite, PIIView, RegistryImport, AuditRead, ParamRead, ParamWrite, CaseRead, CaseAct, VerifyRead, VerifyRun, VerifyAuthorise,
		MonitorRead, MonitorRules, MonitorRun, WarningHandle, ReferralRead, ReferralSend, PartnerAdmin,
		PayrollRead, PayrollPrepare, PayrollApprove},
	// Supervisors look at statistics and cases across a city or province;
	// they have no need for full ID numbers.
	Supervisor: {HouseholdRead, AuditRead, ParamRead, ParamWrite, CaseRead, VerifyRead, MonitorRead, MonitorRules, MonitorRun, ReferralRead, PartnerAdmin,
		PayrollRead},
	// The county's verification centre imports departments' data and
	// issues the reports (DESIGN.md §1; policy reference §6).
	VerificationOfficer: {HouseholdRead, PIIView, RegistryImport, ParamRead, CaseRead, CaseAct, VerifyRead, VerifyImport, VerifyRun, VerifyAuthorise},
	// The hotline passes callers' needs on (12349: 一门受理、协同办理).
	HotlineOperator: {HouseholdRead, ParamRead, CaseRead, ReferralRead, ReferralSend},
	// Partners are outside the civil-affairs staff: no registry, no
	// parameters; only the referrals sent to their organisation.
	Partner: {ReferralPartner},
	Auditor: {HouseholdRead, AuditRead, ParamRead, CaseRead, VerifyRead, MonitorRead, ReferralRead, PayrollRead},
	Admin:   {HouseholdRead, UserAdmin, RegionImport, AuditRead, ParamRead, ParamWrite, CalendarWrite, VerifyRead, SourceAdmin},
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := rolePermissions[r]; return ok }

// Can reports whether the role holds permission p.
func (r Role) Can(p Permission) bool {
	if p == SignedIn {
		return r.Valid()
	}
	for _, q := range rolePermissions[r] {
		if q == p {
			return true
		}
	}
	return false
}

// Permissions returns the role's permissions.
func (r Role) Permissions() []Permission { return rolePermissions[r] }

// User is a person who signs in to SafetyNet.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	// Region is the user's jurisdiction: a region code prefix. "" is the
	// whole country (a national deployment's administrators).
	Region       string    `json:"region"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	FailedLogins int       `json:"-"`
	LockedUntil  time.Time `json:"locked_until"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
}

// Principal is who is making a request: the user and how they signed in.
type Principal struct {
	User
	// SessionID is set for a browser session; TokenID for an API token.
	SessionID string
	TokenID   int64
	CSRF      string
}

// Can reports whether the principal holds permission p.
func (p *Principal) Can(perm Permission) bool { return p != nil && !p.Disabled && p.Role.Can(perm) }

// MaySetParam reports whether the principal may add a parameter value for
// scope ("" national, or a 2-, 4- or 6-digit region code): it needs
// ParamWrite and the scope must lie inside the jurisdiction. So a county
// approver sets only their county's values, a supervisor those of their
// city or province and of the divisions in it, and only a user whose
// jurisdiction is the whole country ("") national ones.
func (p *Principal) MaySetParam(scope string) bool {
	if !p.Can(ParamWrite) {
		return false
	}
	if scope == "" {
		return p.Region == ""
	}
	return region.Within(scope, p.Region)
}

// Session is a signed-in browser session. The cookie carries a random
// secret; the store keeps only its hash.
type Session struct {
	IDHash     string
	UserID     int64
	CSRF       string
	ClientAddr string
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// Token is a bearer token for machines; only its hash is stored.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at"`
}

// Store keeps users, sessions and tokens.
type Store interface {
	// CreateUser stores u. Errors: Conflict (username taken), Invalid.
	CreateUser(ctx context.Context, u *User) error
	// UserByUsername and User find a user. Errors: NotFound.
	UserByUsername(ctx context.Context, username string) (*User, error)
	User(ctx context.Context, id int64) (*User, error)
	// Users lists users inside region.
	Users(ctx context.Context, region string) ([]User, error)
	// SetDisabled disables or enables a user and ends their sessions.
	SetDisabled(ctx context.Context, id int64, disabled bool) error
	// SetPassword replaces a user's password hash and clears the lockout.
	SetPassword(ctx context.Context, id int64, hash string) error
	// RecordLogin records a failed or successful sign-in: a success clears
	// the failure count; a failure increments it and, at the limit, locks
	// the account until lockUntil. Not audited by the caller: the store
	// writes the audit record.
	RecordLogin(ctx context.Context, id int64, ok bool, lockAfter int, lockUntil time.Time) error

	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns a live session. Errors: NotFound (also expired).
	SessionByHash(ctx context.Context, idHash string, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, idHash string) error

	// CreateToken stores t. TokenByHash returns an unrevoked token.
	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
}

// Validate checks a new user's fields.
func (u *User) Validate() error {
	var l apperr.List
	if n := len(u.Username); n < 2 || n > 64 {
		l.Addf("username", "a username has 2 to 64 characters")
	}
	for _, c := range u.Username {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			l.Addf("username", "a username uses lower-case letters, digits, '.', '_' and '-'")
			break
		}
	}
	if !u.Role.Valid() {
		l.Addf("role", "unknown role %q", string(u.Role))
	}
	return l.Err()
}
