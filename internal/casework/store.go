package casework

import (
	"context"

	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Store keeps applications, their events, tasks and decisions. The SQL
// implementation is in internal/store. Every write is audited in its own
// transaction, with the actor from ctx. Reads take a registry.Scope: an
// application is in scope when the region that handles it or the one that
// filed it lies inside; anything else is NotFound.
type Store interface {
	// CreateApplication stores c (from New): the application, its filing
	// event and its tasks, and registers a declared near relative
	// separately (单独登记备案). It fills in the IDs.
	//
	// Errors: NotFound (the household is not in scope), Invalid (the
	// applicant is not a current member, field applicant_id), Conflict
	// (the household has an open application for the program, named).
	CreateApplication(ctx context.Context, scope registry.Scope, c *Change) error

	// Application returns one application. Errors: NotFound.
	Application(ctx context.Context, scope registry.Scope, id int64) (*Application, error)

	// Act loads the application, refuses if its version is not version
	// (Conflict: someone else acted first), calls fn with it, and writes
	// the change fn returns: the application with the next version, the
	// event, the tasks (Reconcile), the decision and, for an approval, the
	// enrollment. All in one transaction, audited.
	Act(ctx context.Context, scope registry.Scope, id int64, version int, fn func(Application) (*Change, error)) (*Change, error)

	// Events returns an application's events in order.
	Events(ctx context.Context, scope registry.Scope, id int64) ([]Event, error)
	// Tasks returns an application's tasks, open and done, in order.
	Tasks(ctx context.Context, scope registry.Scope, id int64) ([]Task, error)
	// Decision returns an application's decision. Errors: NotFound.
	Decision(ctx context.Context, scope registry.Scope, id int64) (*Decision, error)

	// Applications lists applications in scope matching f, newest first.
	Applications(ctx context.Context, scope registry.Scope, f Filter) ([]Summary, error)

	// Inbox lists the open tasks a role holds in a jurisdiction, its own
	// and those escalated to it, by due date (tasks without one last).
	Inbox(ctx context.Context, q InboxQuery) ([]InboxItem, error)

	// EscalateOverdue moves every task overdue on today, and not yet
	// escalated today, one level up. It returns how many moved.
	EscalateOverdue(ctx context.Context, today civil.Date) (int, error)
}

// Filter selects applications. Zero fields do not filter.
type Filter struct {
	Region      string // a region code prefix inside the scope
	Program     policy.Program
	State       State
	HouseholdID int64
	ApplicantID int64 // the applicant's own (the citizen portal)
	// NoReviews leaves out reviews of enrollments (the portal lists the
	// applicant's applications; a review is the office's).
	NoReviews bool
	Open      bool  // not approved, rejected or withdrawn
	Before    int64 // keyset cursor: ids below it
	Limit     int   // default 50, at most 500
}

// Summary is one row of an application list.
type Summary struct {
	ID            int64          `json:"id"`
	Program       policy.Program `json:"program"`
	Kind          string         `json:"kind,omitempty"`
	State         State          `json:"state"`
	HouseholdID   int64          `json:"household_id"`
	HouseholdNo   string         `json:"household_number"`
	ApplicantName string         `json:"applicant_name"`
	Region        string         `json:"region"`
	FiledIn       string         `json:"filed_in"`
	FiledOn       civil.Date     `json:"filed_on"`
	Due           civil.Date     `json:"due,omitzero"`
	NearRelative  bool           `json:"near_relative,omitempty"`
}

// InboxQuery asks for a role's open tasks in a jurisdiction.
type InboxQuery struct {
	Role   string
	Region string
	// AfterDue and AfterID are the keyset cursor of the last row seen.
	AfterDue civil.Date
	AfterID  int64
	Limit    int // default 100, at most 500
}

// InboxItem is an open task with what the inbox shows of its application.
type InboxItem struct {
	Task
	Program       policy.Program `json:"program"`
	Kind          string         `json:"kind,omitempty"`
	State         State          `json:"state"`
	HouseholdID   int64          `json:"household_id"`
	HouseholdNo   string         `json:"household_number"`
	ApplicantName string         `json:"applicant_name"`
	AppRegion     string         `json:"application_region"`
	// Escalated: the task reached this role by escalation.
	Escalated bool `json:"escalated,omitempty"`
}

// AttachmentStore keeps the files uploaded for applications (attachment.go).
// An attachment is never changed or deleted.
type AttachmentStore interface {
	// AddAttachment stores att for its application, filling in its ID,
	// County and UploadedAt, audited (entity attachment, without the
	// content or the file name). att.Supersedes may name an earlier
	// upload to the same application that this one replaces.
	//
	// Errors: NotFound (the application is not in scope), Invalid (field
	// supersedes: not an attachment of the application), Conflict (that
	// one was already superseded).
	AddAttachment(ctx context.Context, scope registry.Scope, att *Attachment) error
	// Attachments lists an application's attachments, oldest first, without
	// their content; a superseded one has SupersededBy set. Errors:
	// NotFound (the application is not in scope).
	Attachments(ctx context.Context, scope registry.Scope, appID int64) ([]Attachment, error)
	// Attachment returns one attachment with its content. The read is
	// audited (entity attachment, action read): the files are personal
	// documents. Errors: NotFound (no such attachment, or its application
	// is not in scope).
	Attachment(ctx context.Context, scope registry.Scope, id int64) (*Attachment, error)
}

// EnrollmentStore keeps enrollments. A confirmed application creates one
// and a confirmed review changes it (Store.Act); these read them and record
// refusals of work.
type EnrollmentStore interface {
	// Enrollment returns one enrollment in scope. Errors: NotFound.
	Enrollment(ctx context.Context, scope registry.Scope, id int64) (*Enrollment, error)
	// Enrollments returns a household's enrollments, the latest first.
	Enrollments(ctx context.Context, scope registry.Scope, householdID int64) ([]Enrollment, error)
	// DueReviews lists active or suspended enrollments whose scheduled
	// re-check is due by today and that have had no review since it fell
	// due (open or closed), by id after afterID.
	DueReviews(ctx context.Context, today civil.Date, afterID int64, limit int) ([]Enrollment, error)
	// RecordRefusal records a member's refusal of suitable work (or its
	// end) and returns the consecutive count and whether it reached the
	// limit (Enrollment.Refusal). Errors: NotFound, Invalid (person_id not
	// a current member), Conflict (the enrollment ended).
	RecordRefusal(ctx context.Context, scope registry.Scope, id, person int64, refused bool, note string, env *Env) (int, bool, error)
}

// StatsStore reads what the handling-time statistics need.
type StatsStore interface {
	// HandlingRows calls fn for every application (not review) in scope
	// under region that was decided between from and to, or is still
	// open.
	HandlingRows(ctx context.Context, scope registry.Scope, region string, from, to civil.Date, fn func(HandlingRow) error) error
}

// NoticeStore reads public notices (notice.go).
type NoticeStore interface {
	// Notices lists the lines of the public notice of place (a township,
	// or a village) for the days from to to: the applications handled
	// there whose notice period overlaps them and that may be published
	// (Publicised), each with its applicant's name masked and the number
	// of the household's current members, by the notice's first day.
	//
	// Errors: Invalid (CheckNoticeQuery: township, from, to), NotFound
	// (place outside the scope).
	Notices(ctx context.Context, scope registry.Scope, township string, from, to civil.Date) ([]NoticeEntry, error)
}
