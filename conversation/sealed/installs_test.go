package sealed_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// A Slack install's bot token is sealed at rest, bound to its install (a
// token moved to another install's record does not open), and re-sealed
// by Rekey under a new primary key.
func TestSlackInstallTokenSealed(t *testing.T) {
	ctx := context.Background()
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer bs.Close()
	s := sealed.Wrap(bs, ring(t, key("k1", 1)))
	inst := &conversation.SlackInstallation{TeamID: "T0AAA", BotToken: "xoxb-secret-a", InstalledAt: time.Now().UTC()}
	if err := s.PutSlackInstallation(ctx, inst); err != nil {
		t.Fatalf("PutSlackInstallation: %v", err)
	}
	if inst.BotToken != "xoxb-secret-a" {
		t.Fatalf("the caller's install was changed: %q", inst.BotToken)
	}
	raw, err := bs.SlackInstallation(ctx, "T:T0AAA")
	if err != nil {
		t.Fatalf("raw SlackInstallation: %v", err)
	}
	if !strings.HasPrefix(raw.BotToken, sealed.Prefix+"k1.") || strings.Contains(raw.BotToken, "secret") {
		t.Fatalf("token at rest = %q, want it sealed with k1", raw.BotToken)
	}
	got, err := s.SlackInstallation(ctx, "T:T0AAA")
	if err != nil || got.BotToken != "xoxb-secret-a" {
		t.Fatalf("SlackInstallation = %+v, %v", got, err)
	}
	moved := *raw
	moved.TeamID = "T0BBB"
	if err := bs.PutSlackInstallation(ctx, &moved); err != nil {
		t.Fatalf("raw put: %v", err)
	}
	if got, err := s.SlackInstallation(ctx, "T:T0BBB"); conversation.ErrorCode(err) != conversation.EINTERNAL {
		t.Fatalf("a token moved to another install opened: %+v, %v", got, err)
	}
	if err := bs.DeleteSlackInstallation(ctx, "T:T0BBB"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	s2 := sealed.Wrap(bs, ring(t, key("k2", 2), key("k1", 1)))
	rep, err := s2.Rekey(ctx, time.Now())
	if err != nil || rep.SlackInstalls != 1 || rep.SlackInstallsRekeyed != 1 {
		t.Fatalf("Rekey = %+v, %v; want one install re-sealed", rep, err)
	}
	raw, _ = bs.SlackInstallation(ctx, "T:T0AAA")
	if id, ok := sealed.KeyID(raw.BotToken); !ok || id != "k2" {
		t.Fatalf("after rekey the token is sealed with %q, want k2", id)
	}
	if all, err := s2.SlackInstallations(ctx); err != nil || len(all) != 1 || all[0].BotToken != "xoxb-secret-a" {
		t.Fatalf("SlackInstallations after rekey = %+v, %v", all, err)
	}
}
