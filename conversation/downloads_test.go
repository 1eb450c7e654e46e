package conversation_test

import (
	"context"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	c "github.com/resolvebot/resolvebot/conversation"
)

// TestDownloadsRecordedAndPurged: a download is recorded with who and the
// engine's time; one with no view is refused; the retention purge counts
// on a dry run, and then deletes, exactly the downloads recorded before
// its cutoff.
func TestDownloadsRecordedAndPurged(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	manager := "partnership.manager@example.org"
	first := env.Clock.Now()
	if err := env.Engine.RecordDownload(ctx, manager, c.DownloadRecord{View: "board-pack", Format: "pdf", From: "2026-05-01", To: "2026-06-30"}); err != nil {
		t.Fatal(err)
	}
	if err := env.Engine.RecordDownload(ctx, manager, c.DownloadRecord{Format: "pdf"}); c.ErrorCode(err) != c.EINVALID {
		t.Errorf("a download with no view: %v, want EINVALID", err)
	}
	env.Clock.Advance(40 * 24 * time.Hour)
	if err := env.Engine.RecordDownload(ctx, manager, c.DownloadRecord{View: "attention", Format: "csv", Detail: "stuck"}); err != nil {
		t.Fatal(err)
	}
	log, err := env.Store.Downloads(ctx, 0)
	if err != nil || len(log) != 2 || log[1].Actor != manager || !log[1].At.Equal(first) || log[0].At.Equal(first) {
		t.Fatalf("recorded %+v, %v; want two, by the manager, at the engine's times", log, err)
	}
	for _, dry := range []bool{true, false} {
		rep, err := env.Engine.Purge(ctx, 30*24*time.Hour, dry)
		if err != nil || rep.Downloads != 1 {
			t.Fatalf("Purge(dry run %v) = %d downloads, %v; want the 1 older than 30 days", dry, rep.Downloads, err)
		}
	}
	log, err = env.Store.Downloads(ctx, 0)
	if err != nil || len(log) != 1 || log[0].View != "attention" {
		t.Fatalf("after the purge %+v, %v; want the recent download only", log, err)
	}
}
