package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRekeyAfterPlainTextLeavesNoneInTheFile runs the console walkthrough
// with encryption off, then turns it on with resolvebot rekey: afterwards
// no free text of the case is anywhere in the data file, free pages
// included, and the case still reads.
func TestRekeyAfterPlainTextLeavesNoneInTheFile(t *testing.T) {
	clearPlatformEnv(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "adapters", "console", "testdata", "walkthrough.txt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	ctx := context.Background()
	t.Setenv("RESOLVEBOT_ENCRYPTION_KEYS", "")
	if code, out, errs := run(t, ctx, string(script), "console"); code != 0 || !strings.Contains(out, "CR-2026-0001 is resolved.") {
		t.Fatalf("walkthrough: exit %d\nstderr: %s", code, errs)
	}
	secrets := []string{"SCH-2291", "hungry", "Joint visit"}
	count := func() int {
		raw, err := os.ReadFile("resolvebot.db")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range secrets {
			n += bytes.Count(raw, []byte(s))
		}
		return n
	}
	if count() == 0 {
		t.Fatal("the plain-text walkthrough left no free text in the file to look for")
	}
	t.Setenv("RESOLVEBOT_ENCRYPTION_KEYS", testKey("k1", 1))
	code, out, errs := run(t, ctx, "", "rekey")
	if code != 0 || !strings.Contains(out, "Re-encrypted 1 of 1 cases") || !strings.Contains(out, "Compacted the data file") {
		t.Fatalf("rekey = exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if n := count(); n != 0 {
		t.Errorf("%d copies of the case's free text remain in the data file after rekey", n)
	}
	code, out, _ = run(t, ctx, "/as sam.patel@school.example.org\nstatus CR-2026-0001\n", "console")
	if code != 0 || !strings.Contains(out, "SCH-2291") {
		t.Fatalf("after rekey, status = exit %d:\n%s", code, out)
	}
}
