package main

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestoreMigrate backs the embedded store up cold and while
// serve runs, restores a copy (refusing while serve runs, and refusing a
// file that is not a store), and migrates a file written before schema
// versions.
func TestBackupRestoreMigrate(t *testing.T) {
	clearPlatformEnv(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "adapters", "console", "testdata", "walkthrough.txt"))
	if err != nil {
		t.Fatal(err)
	}
	fixture := filepath.Join("..", "..", "conversation", "boltstore", "testdata", "bolt-2026-11.db.gz")
	fixture, _ = filepath.Abs(fixture)
	t.Chdir(t.TempDir())
	ctx := context.Background()
	if code, _, errs := run(t, ctx, string(script), "console"); code != 0 {
		t.Fatalf("walkthrough: %s", errs)
	}

	code, out, errs := run(t, ctx, "", "backup", "cold.db")
	if code != 0 || !strings.Contains(out, "Backed up 1 case") || !strings.Contains(out, "from the data file") {
		t.Fatalf("cold backup = %d\n%s%s", code, out, errs)
	}

	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
	srv, resp := startServe(t, "/healthz", "--data", "resolvebot.db")
	resp.Body.Close()
	code, out, errs = run(t, ctx, "", "backup", "hot.db")
	if code != 0 || !strings.Contains(out, "Backed up 1 case") || !strings.Contains(out, "from the running resolvebot") {
		t.Errorf("backup while serving = %d\n%s%s", code, out, errs)
	}
	code, _, errs = run(t, ctx, "", "restore", "cold.db")
	if code != 1 || !strings.Contains(errs, "stop it first") {
		t.Errorf("restore while serving = %d: %s", code, errs)
	}
	if code := srv.stop(); code != 0 {
		t.Fatalf("serve stopped with %d", code)
	}
	t.Setenv("SLACK_BOT_TOKEN", "")
	t.Setenv("SLACK_SIGNING_SECRET", "")

	// The hot copy is a whole store: restore it in place of the data file.
	code, out, errs = run(t, ctx, "", "restore", "hot.db")
	if code != 0 || !strings.Contains(out, "Restored 1 case") || !strings.Contains(out, "Kept the data file it replaces as resolvebot.db.before-restore-") {
		t.Fatalf("restore = %d\n%s%s", code, out, errs)
	}
	code, out, _ = run(t, ctx, "/as sam.patel@school.example.org\nstatus CR-2026-0001\n", "console")
	if code != 0 || !strings.Contains(out, "SCH-2291") {
		t.Fatalf("after restore, status = %d:\n%s", code, out)
	}

	if err := os.WriteFile("notes.txt", []byte("not a store"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, ctx, "", "restore", "notes.txt")
	if code != 1 || !strings.Contains(errs, "not a resolvebot data file") || !strings.Contains(errs, "Nothing was changed") {
		t.Errorf("restore of a text file = %d: %s", code, errs)
	}
	if code, _, errs := run(t, ctx, "", "restore"); code != 2 || !strings.Contains(errs, "Usage: resolvebot restore") {
		t.Errorf("restore without a file = %d: %s", code, errs)
	}

	// A data file written before schema versions: migrate rewrites it.
	unzip(t, fixture, "old.db")
	code, out, errs = run(t, ctx, "", "migrate", "--data", "old.db")
	if code != 0 || !strings.Contains(out, "cases   2 read, 2 rewritten") || !strings.Contains(out, "summaries written for 2 of 2 cases") || !strings.Contains(out, "Every record is now in format 2") {
		t.Fatalf("migrate = %d\n%s%s", code, out, errs)
	}
	code, out, _ = run(t, ctx, "", "migrate", "--data", "old.db")
	if code != 0 || !strings.Contains(out, "cases   2 read, 0 rewritten") || !strings.Contains(out, "summaries written for 0 of 2 cases") {
		t.Fatalf("migrate again = %d\n%s", code, out)
	}

	// A backup in that older format is restored too, and restore says
	// migrate brings it up to date.
	unzip(t, fixture, "older-backup.db")
	code, out, errs = run(t, ctx, "", "restore", "older-backup.db")
	if code != 0 || !strings.Contains(out, "Restored 2 cases") || !strings.Contains(out, "resolvebot migrate rewrites them") {
		t.Fatalf("restore of an older backup = %d\n%s%s", code, out, errs)
	}
}

func unzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreOlderBackupIssuesNoCaseIDAgain restores a backup taken before
// a case was raised: the next case gets a new number, not the one the
// replaced file had given (it may be in a child's file already).
func TestRestoreOlderBackupIssuesNoCaseIDAgain(t *testing.T) {
	clearPlatformEnv(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "adapters", "console", "testdata", "walkthrough.txt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	ctx := context.Background()
	if code, _, errs := run(t, ctx, string(script), "console"); code != 0 {
		t.Fatalf("walkthrough: %s", errs)
	}
	if code, out, errs := run(t, ctx, "", "backup", "before.db"); code != 0 {
		t.Fatalf("backup = %d\n%s%s", code, out, errs)
	}
	raise := "/as sam.patel@school.example.org\nraise\nno\n1\nSCH-3001\n\npriya.shah@csc.example.org\n1\n1\nClosed.\nHungry.\n1\nRecords.\nA meeting.\n1\n1\nno\n\nno\nsend\n"
	for _, want := range []string{"CR-2026-0002", "CR-2026-0003"} {
		code, out, errs := run(t, ctx, raise, "console")
		if code != 0 || !strings.Contains(out, "Case "+want+" is open") {
			t.Fatalf("raise = %d, want %s opened:\n%s%s", code, want, out, errs)
		}
	}
	code, out, errs := run(t, ctx, "", "restore", "before.db")
	if code != 0 || !strings.Contains(out, "Restored 1 case") || !strings.Contains(out, "no case id is issued twice") {
		t.Fatalf("restore = %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, ctx, raise, "console")
	if code != 0 || !strings.Contains(out, "Case CR-2026-0004 is open") {
		t.Fatalf("raise after restoring the older backup = %d, want CR-2026-0004 (0002 and 0003 were issued before):\n%s%s", code, out, errs)
	}

}
