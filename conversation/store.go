package conversation

import (
	"context"
	"time"
)

// Handle is a person's identity on one chat platform.
type Handle struct {
	Platform string `json:"platform"`          // "slack", "teams" or "console"
	Team     string `json:"team,omitempty"`    // Slack team id or Teams tenant id
	User     string `json:"user"`              // Slack user id, AAD object id, or console name
	Ref      string `json:"ref,omitempty"`     // opaque platform data: a Teams conversation reference; a Slack Enterprise Grid organisation id
	Channel  string `json:"channel,omitempty"` // the DM channel or conversation id, when known
}

// Key returns the handle's unique lookup key.
func (h Handle) Key() string { return h.Platform + ":" + h.Team + ":" + h.User }

// Person is someone who uses resolvebot, keyed by ID (their lowercased email
// where known). Agency and ManagerID are learned in chat.
type Person struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Agency    string    `json:"agency,omitempty"`
	ManagerID string    `json:"manager_id,omitempty"` // line manager's person id
	Handles   []Handle  `json:"handles,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`

	// Reach is the ordered list of ways to reach the person ("slack",
	// "teams", "email"): learned as they use each platform, email last,
	// or chosen by them in their profile (ReachChosen). Empty when nothing
	// has been learned yet.
	Reach []string `json:"reach,omitempty"`
	// ReachChosen marks Reach as the person's own choice: it then wins
	// over their agency's default and is not changed by what is learned.
	ReachChosen bool `json:"reach_chosen,omitempty"`
}

// Draft is a person's unfinished intake, kept so nothing they typed is lost.
type Draft struct {
	PersonID  string            `json:"person_id"`
	Values    map[string]string `json:"values"`
	Step      int               `json:"step"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// MessageRef points at one sent copy of a case card so it can be updated later.
type MessageRef struct {
	CaseID   string    `json:"case_id"`
	PersonID string    `json:"person_id"`
	Platform string    `json:"platform"`
	Channel  string    `json:"channel"` // Slack DM channel (D…) or Teams conversation id
	ID       string    `json:"id"`      // Slack ts or Teams activity id
	SentAt   time.Time `json:"sent_at"`
}

// DueItem is one entry of the due index: a case and when it needs attention.
type DueItem struct {
	CaseID string
	DueAt  time.Time
}

// CaseFilter selects cases for ListCases. Zero fields match everything.
type CaseFilter struct {
	Person   string   // involved in the case (see Case.Involves)
	Statuses []Status // any of these statuses
	Limit    int      // at most this many; 0 for no limit
}

// Store keeps cases, people and the scheduler's bookkeeping. Every
// implementation must pass the storetest conformance suite.
type Store interface {
	// NextCaseID allocates a new case id for year, such as CR-2026-0042.
	// Ids never repeat, even across restarts.
	NextCaseID(ctx context.Context, year int) (string, error)
	// CreateCase stores a new case with Version 1. Returns ECONFLICT if a
	// case with its id exists.
	CreateCase(ctx context.Context, c *Case) error
	// GetCase returns a copy of the case. Returns ENOTFOUND if there is none.
	GetCase(ctx context.Context, id string) (*Case, error)
	// UpdateCase reads the case, calls fn on a copy and, if fn returns nil,
	// writes it with Version incremented, atomically: a concurrent write
	// makes the store re-read and call fn again, so no update is lost. fn
	// must therefore have no side effects beyond the case. Errors from fn
	// are returned unchanged and nothing is written. Returns ENOTFOUND if
	// there is no such case. The due index follows the case's DueAt.
	UpdateCase(ctx context.Context, id string, fn func(*Case) error) (*Case, error)
	// ListCases returns the cases matching f, newest first.
	ListCases(ctx context.Context, f CaseFilter) ([]*Case, error)
	// DueBefore returns up to limit entries (all when limit <= 0) of the
	// due index with DueAt at or before t, earliest first. Its cost depends
	// on what is due, not on how many cases there are.
	DueBefore(ctx context.Context, t time.Time, limit int) ([]DueItem, error)
	// CaseSummaries returns the summary (see SummaryOf) of every case,
	// newest first, as ListCases orders them. The store keeps each case's
	// summary beside it, written with the case in the same atomic write
	// (its state rewritten, the summaries of new events appended), so
	// this reads no case record, no event log and nothing sealed: the
	// partnership's report and dashboard count from it. A case stored
	// before summaries were kept is summarised from the case itself, and
	// that summary written (never over one written meanwhile), so the next
	// call reads the summary alone; the stores' Migrate and an append to
	// such a case write it too.
	// DeleteCase removes the summary with the case. Returns EINTERNAL on
	// failure.
	CaseSummaries(ctx context.Context) ([]*Case, error)

	// SaveDraft stores a person's draft, replacing any earlier one.
	SaveDraft(ctx context.Context, d *Draft) error
	// GetDraft returns a person's draft. Returns ENOTFOUND if there is none
	// or it has expired (ExpiresAt at or before now; a zero ExpiresAt never
	// expires).
	GetDraft(ctx context.Context, personID string, now time.Time) (*Draft, error)
	// DeleteDraft removes a person's draft; removing none is not an error.
	DeleteDraft(ctx context.Context, personID string) error
	// DeleteExpiredDrafts removes every draft with a non-zero ExpiresAt at
	// or before now and returns how many it removed.
	DeleteExpiredDrafts(ctx context.Context, now time.Time) (int, error)

	// DeleteCase removes a case for good, as retention requires: the case,
	// its due index entry, its place in every list and index, its message
	// refs, its access log, and any claim or remembered key naming it. Returns ENOTFOUND if
	// there is no such case.
	DeleteCase(ctx context.Context, id string) error

	// PutPerson creates or replaces a person and indexes their email and handles.
	PutPerson(ctx context.Context, p *Person) error
	// GetPerson returns a person by id. Returns ENOTFOUND if unknown.
	GetPerson(ctx context.Context, id string) (*Person, error)
	// FindPersonByHandle returns the person holding a platform handle.
	// Returns ENOTFOUND if nobody does.
	FindPersonByHandle(ctx context.Context, platform, team, user string) (*Person, error)
	// FindPersonByEmail returns the person with an email (any case).
	// Returns ENOTFOUND if nobody has it.
	FindPersonByEmail(ctx context.Context, email string) (*Person, error)
	// ListPeople returns every known person, ordered by id.
	ListPeople(ctx context.Context) ([]*Person, error)

	// AddMessageRef records a sent copy of a case card.
	AddMessageRef(ctx context.Context, ref MessageRef) error
	// MessageRefs returns the sent copies of a case's cards, oldest first.
	MessageRefs(ctx context.Context, caseID string) ([]MessageRef, error)

	// Remember records an idempotency key for ttl. It returns true the
	// first time a key is seen and false while it is remembered.
	Remember(ctx context.Context, key string, ttl time.Duration, now time.Time) (bool, error)

	// Claim takes the lease on key for owner until now+lease. It returns
	// true if owner now holds it: it was free, expired, or already held by
	// owner (which extends it).
	Claim(ctx context.Context, key, owner string, lease time.Duration, now time.Time) (bool, error)
	// Release gives up owner's lease on key; releasing a lease held by
	// someone else does nothing.
	Release(ctx context.Context, key, owner string) error

	// AppendAudit adds r to case id's access log (views, exports, refused
	// attempts), kept beside the case and never inside it: the case is not
	// read or written, so the log's length costs a case's writes nothing.
	// The store sets r.Seq. When r.Merge is set and the log already holds
	// a record with the same Merge, that record's Count goes up by one and
	// its Last becomes r.At instead, and nothing is added. DeleteCase
	// removes the log with the case. Returns ENOTFOUND if there is no such
	// case, and EINTERNAL on failure.
	AppendAudit(ctx context.Context, id string, r AuditRecord) error
	// AuditLog returns case id's access log in the order it was written,
	// each record with its Seq, and with Count and Last for merged ones;
	// none is an empty result, not an error. Returns EINTERNAL on failure.
	AuditLog(ctx context.Context, id string) ([]AuditRecord, error)
	// Secrets keeps the web page's sign-in links and sessions.
	Secrets
	// SlackInstalls keeps the Slack app's installs into workspaces.
	SlackInstalls
	// Outbox holds every message a step causes until it is delivered:
	// UpdateCase and CreateCase enqueue the StepEffect of what they write
	// in the same atomic write, and DeleteCase removes the case's effects.
	Outbox
	// DownloadLog records every download from the partnership dashboard.
	DownloadLog

	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// Secrets keeps short-lived records under keys derived from secrets (the
// hashes of web sign-in links and session tokens), each until it expires,
// so they survive restarts and every replica sees the same ones.
type Secrets interface {
	// PutSecret stores value under key until expires, replacing any
	// earlier value. now is the caller's clock, for tidying up what has
	// expired. Returns EINTERNAL on failure.
	PutSecret(ctx context.Context, key string, value []byte, expires, now time.Time) error
	// GetSecret returns the value under key. Returns ENOTFOUND if there is
	// none or it expired at or before now, and EINTERNAL on failure.
	GetSecret(ctx context.Context, key string, now time.Time) ([]byte, error)
	// TakeSecret returns the value under key and removes it, atomically:
	// of two callers taking the same key at once, one gets it and the
	// other ENOTFOUND. Returns ENOTFOUND if there is none or it expired at
	// or before now, and EINTERNAL on failure.
	TakeSecret(ctx context.Context, key string, now time.Time) ([]byte, error)
}
