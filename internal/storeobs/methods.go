package storeobs

// Code below is one measured method per conversation.Store method.

import (
	"context"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// NextCaseID is the wrapped store's NextCaseID, measured as "next_case_id".
func (s *Store) NextCaseID(ctx context.Context, year int) (v string, err error) {
	ctx, o := s.start(ctx, "next_case_id", "")
	defer func() { s.end(o, err) }()
	return s.Store.NextCaseID(ctx, year)
}

// CreateCase is the wrapped store's CreateCase, measured as "create_case".
func (s *Store) CreateCase(ctx context.Context, c *conversation.Case) (err error) {
	ctx, o := s.start(ctx, "create_case", c.ID)
	defer func() { s.end(o, err) }()
	return s.Store.CreateCase(ctx, c)
}

// GetCase is the wrapped store's GetCase, measured as "get_case".
func (s *Store) GetCase(ctx context.Context, id string) (v *conversation.Case, err error) {
	ctx, o := s.start(ctx, "get_case", id)
	defer func() { s.end(o, err) }()
	return s.Store.GetCase(ctx, id)
}

// UpdateCase is the wrapped store's UpdateCase, measured as "update_case".
func (s *Store) UpdateCase(ctx context.Context, id string, fn func(*conversation.Case) error) (v *conversation.Case, err error) {
	ctx, o := s.start(ctx, "update_case", id)
	defer func() { s.end(o, err) }()
	return s.Store.UpdateCase(ctx, id, fn)
}

// ListCases is the wrapped store's ListCases, measured as "list_cases".
func (s *Store) ListCases(ctx context.Context, f conversation.CaseFilter) (v []*conversation.Case, err error) {
	ctx, o := s.start(ctx, "list_cases", "")
	defer func() { s.end(o, err) }()
	return s.Store.ListCases(ctx, f)
}

// CaseSummaries is the wrapped store's CaseSummaries, measured as
// "case_summaries".
func (s *Store) CaseSummaries(ctx context.Context) (v []*conversation.Case, err error) {
	ctx, o := s.start(ctx, "case_summaries", "")
	defer func() { s.end(o, err) }()
	return s.Store.CaseSummaries(ctx)
}

// DueBefore is the wrapped store's DueBefore, measured as "due_before".
func (s *Store) DueBefore(ctx context.Context, t time.Time, limit int) (v []conversation.DueItem, err error) {
	ctx, o := s.start(ctx, "due_before", "")
	defer func() { s.end(o, err) }()
	return s.Store.DueBefore(ctx, t, limit)
}

// SaveDraft is the wrapped store's SaveDraft, measured as "save_draft".
func (s *Store) SaveDraft(ctx context.Context, d *conversation.Draft) (err error) {
	ctx, o := s.start(ctx, "save_draft", "")
	defer func() { s.end(o, err) }()
	return s.Store.SaveDraft(ctx, d)
}

// GetDraft is the wrapped store's GetDraft, measured as "get_draft".
func (s *Store) GetDraft(ctx context.Context, personID string, now time.Time) (v *conversation.Draft, err error) {
	ctx, o := s.start(ctx, "get_draft", "")
	defer func() { s.end(o, err) }()
	return s.Store.GetDraft(ctx, personID, now)
}

// DeleteDraft is the wrapped store's DeleteDraft, measured as "delete_draft".
func (s *Store) DeleteDraft(ctx context.Context, personID string) (err error) {
	ctx, o := s.start(ctx, "delete_draft", "")
	defer func() { s.end(o, err) }()
	return s.Store.DeleteDraft(ctx, personID)
}

// DeleteExpiredDrafts is the wrapped store's DeleteExpiredDrafts, measured as "delete_expired_drafts".
func (s *Store) DeleteExpiredDrafts(ctx context.Context, now time.Time) (v int, err error) {
	ctx, o := s.start(ctx, "delete_expired_drafts", "")
	defer func() { s.end(o, err) }()
	return s.Store.DeleteExpiredDrafts(ctx, now)
}

// DeleteCase is the wrapped store's DeleteCase, measured as "delete_case".
func (s *Store) DeleteCase(ctx context.Context, id string) (err error) {
	ctx, o := s.start(ctx, "delete_case", id)
	defer func() { s.end(o, err) }()
	return s.Store.DeleteCase(ctx, id)
}

// PutPerson is the wrapped store's PutPerson, measured as "put_person".
func (s *Store) PutPerson(ctx context.Context, p *conversation.Person) (err error) {
	ctx, o := s.start(ctx, "put_person", "")
	defer func() { s.end(o, err) }()
	return s.Store.PutPerson(ctx, p)
}

// GetPerson is the wrapped store's GetPerson, measured as "get_person".
func (s *Store) GetPerson(ctx context.Context, id string) (v *conversation.Person, err error) {
	ctx, o := s.start(ctx, "get_person", "")
	defer func() { s.end(o, err) }()
	return s.Store.GetPerson(ctx, id)
}

// FindPersonByHandle is the wrapped store's FindPersonByHandle, measured as "find_person_by_handle".
func (s *Store) FindPersonByHandle(ctx context.Context, platform, team, user string) (v *conversation.Person, err error) {
	ctx, o := s.start(ctx, "find_person_by_handle", "")
	defer func() { s.end(o, err) }()
	return s.Store.FindPersonByHandle(ctx, platform, team, user)
}

// FindPersonByEmail is the wrapped store's FindPersonByEmail, measured as "find_person_by_email".
func (s *Store) FindPersonByEmail(ctx context.Context, email string) (v *conversation.Person, err error) {
	ctx, o := s.start(ctx, "find_person_by_email", "")
	defer func() { s.end(o, err) }()
	return s.Store.FindPersonByEmail(ctx, email)
}

// ListPeople is the wrapped store's ListPeople, measured as "list_people".
func (s *Store) ListPeople(ctx context.Context) (v []*conversation.Person, err error) {
	ctx, o := s.start(ctx, "list_people", "")
	defer func() { s.end(o, err) }()
	return s.Store.ListPeople(ctx)
}

// AddMessageRef is the wrapped store's AddMessageRef, measured as "add_message_ref".
func (s *Store) AddMessageRef(ctx context.Context, ref conversation.MessageRef) (err error) {
	ctx, o := s.start(ctx, "add_message_ref", ref.CaseID)
	defer func() { s.end(o, err) }()
	return s.Store.AddMessageRef(ctx, ref)
}

// MessageRefs is the wrapped store's MessageRefs, measured as "message_refs".
func (s *Store) MessageRefs(ctx context.Context, caseID string) (v []conversation.MessageRef, err error) {
	ctx, o := s.start(ctx, "message_refs", caseID)
	defer func() { s.end(o, err) }()
	return s.Store.MessageRefs(ctx, caseID)
}

// Remember is the wrapped store's Remember, measured as "remember".
func (s *Store) Remember(ctx context.Context, key string, ttl time.Duration, now time.Time) (v bool, err error) {
	ctx, o := s.start(ctx, "remember", "")
	defer func() { s.end(o, err) }()
	return s.Store.Remember(ctx, key, ttl, now)
}

// Claim is the wrapped store's Claim, measured as "claim".
func (s *Store) Claim(ctx context.Context, key, owner string, lease time.Duration, now time.Time) (v bool, err error) {
	ctx, o := s.start(ctx, "claim", "")
	defer func() { s.end(o, err) }()
	return s.Store.Claim(ctx, key, owner, lease, now)
}

// Release is the wrapped store's Release, measured as "release".
func (s *Store) Release(ctx context.Context, key, owner string) (err error) {
	ctx, o := s.start(ctx, "release", "")
	defer func() { s.end(o, err) }()
	return s.Store.Release(ctx, key, owner)
}

// Ping is the wrapped store's Ping, measured as "ping".
func (s *Store) Ping(ctx context.Context) (err error) {
	ctx, o := s.start(ctx, "ping", "")
	defer func() { s.end(o, err) }()
	return s.Store.Ping(ctx)
}

// AppendAudit is the wrapped store's AppendAudit, measured as "append_audit".
func (s *Store) AppendAudit(ctx context.Context, id string, r conversation.AuditRecord) (err error) {
	ctx, o := s.start(ctx, "append_audit", id)
	defer func() { s.end(o, err) }()
	return s.Store.AppendAudit(ctx, id, r)
}

// AuditLog is the wrapped store's AuditLog, measured as "audit_log".
func (s *Store) AuditLog(ctx context.Context, id string) (v []conversation.AuditRecord, err error) {
	ctx, o := s.start(ctx, "audit_log", id)
	defer func() { s.end(o, err) }()
	return s.Store.AuditLog(ctx, id)
}

// ClaimEffects is the wrapped store's ClaimEffects, measured as "claim_effects".
func (s *Store) ClaimEffects(ctx context.Context, owner string, lease time.Duration, now time.Time, limit int) (v []conversation.Effect, err error) {
	ctx, o := s.start(ctx, "claim_effects", "")
	defer func() { s.end(o, err) }()
	return s.Store.ClaimEffects(ctx, owner, lease, now, limit)
}

// EnqueueOnce is the wrapped store's EnqueueOnce, measured as "enqueue_once".
func (s *Store) EnqueueOnce(ctx context.Context, key string, ttl time.Duration, e conversation.Effect, now time.Time) (v bool, err error) {
	ctx, o := s.start(ctx, "enqueue_once", "")
	defer func() { s.end(o, err) }()
	return s.Store.EnqueueOnce(ctx, key, ttl, e, now)
}

// CompleteEffect is the wrapped store's CompleteEffect, measured as "complete_effect".
func (s *Store) CompleteEffect(ctx context.Context, id, owner string, follow []conversation.Effect, now time.Time) (err error) {
	ctx, o := s.start(ctx, "complete_effect", "")
	defer func() { s.end(o, err) }()
	return s.Store.CompleteEffect(ctx, id, owner, follow, now)
}

// RetryEffect is the wrapped store's RetryEffect, measured as "retry_effect".
func (s *Store) RetryEffect(ctx context.Context, id, owner string, next, now time.Time) (err error) {
	ctx, o := s.start(ctx, "retry_effect", "")
	defer func() { s.end(o, err) }()
	return s.Store.RetryEffect(ctx, id, owner, next, now)
}

// PendingEffects is the wrapped store's PendingEffects, measured as "pending_effects".
func (s *Store) PendingEffects(ctx context.Context) (v []conversation.Effect, err error) {
	ctx, o := s.start(ctx, "pending_effects", "")
	defer func() { s.end(o, err) }()
	return s.Store.PendingEffects(ctx)
}

// OutboxStats is the wrapped store's OutboxStats, measured as "outbox_stats".
func (s *Store) OutboxStats(ctx context.Context) (v conversation.OutboxStats, err error) {
	ctx, o := s.start(ctx, "outbox_stats", "")
	defer func() { s.end(o, err) }()
	return s.Store.OutboxStats(ctx)
}

// PutSecret is the wrapped store's PutSecret, measured as "put_secret".
func (s *Store) PutSecret(ctx context.Context, key string, value []byte, expires, now time.Time) (err error) {
	ctx, o := s.start(ctx, "put_secret", "")
	defer func() { s.end(o, err) }()
	return s.Store.PutSecret(ctx, key, value, expires, now)
}

// GetSecret is the wrapped store's GetSecret, measured as "get_secret".
func (s *Store) GetSecret(ctx context.Context, key string, now time.Time) (v []byte, err error) {
	ctx, o := s.start(ctx, "get_secret", "")
	defer func() { s.end(o, err) }()
	return s.Store.GetSecret(ctx, key, now)
}

// TakeSecret is the wrapped store's TakeSecret, measured as "take_secret".
func (s *Store) TakeSecret(ctx context.Context, key string, now time.Time) (v []byte, err error) {
	ctx, o := s.start(ctx, "take_secret", "")
	defer func() { s.end(o, err) }()
	return s.Store.TakeSecret(ctx, key, now)
}

// EnqueueEffect is the wrapped store's EnqueueEffect, measured as "enqueue_effect".
func (s *Store) EnqueueEffect(ctx context.Context, e conversation.Effect) (err error) {
	ctx, o := s.start(ctx, "enqueue_effect", "")
	defer func() { s.end(o, err) }()
	return s.Store.EnqueueEffect(ctx, e)
}

// PutSlackInstallation is the wrapped store's PutSlackInstallation,
// measured as "put_slack_installation".
func (s *Store) PutSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation) (err error) {
	ctx, o := s.start(ctx, "put_slack_installation", "")
	defer func() { s.end(o, err) }()
	return s.Store.PutSlackInstallation(ctx, inst)
}

// SlackInstallation is the wrapped store's SlackInstallation, measured as
// "slack_installation".
func (s *Store) SlackInstallation(ctx context.Context, key string) (v *conversation.SlackInstallation, err error) {
	ctx, o := s.start(ctx, "slack_installation", "")
	defer func() { s.end(o, err) }()
	return s.Store.SlackInstallation(ctx, key)
}

// SlackInstallations is the wrapped store's SlackInstallations, measured
// as "slack_installations".
func (s *Store) SlackInstallations(ctx context.Context) (v []*conversation.SlackInstallation, err error) {
	ctx, o := s.start(ctx, "slack_installations", "")
	defer func() { s.end(o, err) }()
	return s.Store.SlackInstallations(ctx)
}

// DeleteSlackInstallation is the wrapped store's DeleteSlackInstallation,
// measured as "delete_slack_installation".
func (s *Store) DeleteSlackInstallation(ctx context.Context, key string) (err error) {
	ctx, o := s.start(ctx, "delete_slack_installation", "")
	defer func() { s.end(o, err) }()
	return s.Store.DeleteSlackInstallation(ctx, key)
}

// RefreshSlackInstallation is the wrapped store's
// RefreshSlackInstallation, measured as "refresh_slack_installation".
func (s *Store) RefreshSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation, expiresAt time.Time) (err error) {
	ctx, o := s.start(ctx, "refresh_slack_installation", "")
	defer func() { s.end(o, err) }()
	return s.Store.RefreshSlackInstallation(ctx, inst, expiresAt)
}

// AppendDownload is the wrapped store's AppendDownload, measured as
// "append_download".
func (s *Store) AppendDownload(ctx context.Context, r conversation.DownloadRecord) (err error) {
	ctx, o := s.start(ctx, "append_download", "")
	defer func() { s.end(o, err) }()
	return s.Store.AppendDownload(ctx, r)
}

// Downloads is the wrapped store's Downloads, measured as "downloads".
func (s *Store) Downloads(ctx context.Context, limit int) (v []conversation.DownloadRecord, err error) {
	ctx, o := s.start(ctx, "downloads", "")
	defer func() { s.end(o, err) }()
	return s.Store.Downloads(ctx, limit)
}

// DeleteDownloadsBefore is the wrapped store's DeleteDownloadsBefore,
// measured as "delete_downloads_before".
func (s *Store) DeleteDownloadsBefore(ctx context.Context, cutoff time.Time) (v int, err error) {
	ctx, o := s.start(ctx, "delete_downloads_before", "")
	defer func() { s.end(o, err) }()
	return s.Store.DeleteDownloadsBefore(ctx, cutoff)
}
