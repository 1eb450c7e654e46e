package conversation

import (
	"context"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// RecordDownload is the record kind of a stored DownloadRecord, for
// EncodeRecord and DecodeRecord.
const RecordDownload = "download"

// DownloadRecord is one entry of the partnership's download log: who
// downloaded which view of the dashboard, for which period, in which
// format, and when. It names the view and its figure or list, never a
// case, a child reference or anything written about a case: the log is
// the partnership's, not a case's (a case's own exports go to its access
// log, see AuditRecord).
type DownloadRecord struct {
	// Seq is the record's place in the log, 1 for the first; the store
	// sets it.
	Seq   int64     `json:"seq,omitempty"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"` // person id
	// View is what was downloaded: "report", "board-pack", "trends",
	// "cases" (the cases behind a figure) or "attention" (a live list).
	View   string `json:"view"`
	Format string `json:"format"` // "pdf" or "csv"
	// From and To are the period's first and last days (YYYY-MM-DD), both
	// empty for a live list, which is as things stand at At.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Detail is which figure or list of the view: a measure and its key
	// ("category neglect", "pair school>police") or a live list's name.
	Detail string `json:"detail,omitempty"`
	// Scope is the agency keys of a safeguarding lead's download, which
	// covered only their agencies' cases; empty for the whole partnership.
	Scope []string `json:"scope,omitempty"`
}

// DownloadLog keeps the partnership's download log, beside the cases and
// touched by no case's write. Every implementation must pass the storetest
// conformance suite (Downloads).
type DownloadLog interface {
	// AppendDownload adds r to the log, setting its Seq. Returns EINVALID
	// for a record with no actor, view or time, EINTERNAL on failure.
	AppendDownload(ctx context.Context, r DownloadRecord) error
	// Downloads returns up to limit records of the log (all when limit <=
	// 0), newest first; none is an empty result. Returns EINTERNAL on
	// failure.
	Downloads(ctx context.Context, limit int) ([]DownloadRecord, error)
	// DeleteDownloadsBefore deletes every record made before cutoff, for
	// retention, and returns how many it deleted. Returns EINTERNAL on
	// failure.
	DeleteDownloadsBefore(ctx context.Context, cutoff time.Time) (int, error)
}

// CheckDownload returns EINVALID when r cannot be stored: no actor, view
// or time. Stores call it first.
func CheckDownload(r DownloadRecord) error {
	if r.Actor == "" || r.View == "" || r.At.IsZero() {
		return Invalid("dashboard.error.download_incomplete", messages.Args{"view": r.View})
	}
	return nil
}

// RecordDownload records in the partnership's download log that actor
// downloaded r's view now (r.At and r.Actor are set here). The caller has
// already checked actor may have the view. Returns EINVALID for a record
// with no view and EINTERNAL on store failure: a download that cannot be
// recorded must not be given.
func (e *Engine) RecordDownload(ctx context.Context, actor string, r DownloadRecord) error {
	r.Actor, r.At = actor, e.now()
	return e.Store.AppendDownload(ctx, r)
}
