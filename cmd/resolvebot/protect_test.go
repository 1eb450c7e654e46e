package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testKey(id string, fill byte) string {
	return id + ":" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, 32))
}

// TestEncryptRotateRekeyPurge walks the data protection commands over the
// console walkthrough: the case is sealed in the file, stays readable after
// a rotation, rekey moves it to the new key, and purge removes it once its
// retention has passed.
func TestEncryptRotateRekeyPurge(t *testing.T) {
	clearPlatformEnv(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "adapters", "console", "testdata", "walkthrough.txt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	ctx := context.Background()
	k1, k2 := testKey("k1", 1), testKey("k2", 2)
	t.Setenv("RESOLVEBOT_ENCRYPTION_KEYS", k1)
	code, out, errs := run(t, ctx, string(script), "console")
	if code != 0 || !strings.Contains(out, "CR-2026-0001 is resolved.") {
		t.Fatalf("walkthrough: exit %d\nstderr: %s", code, errs)
	}
	if strings.Contains(errs, "encryption at rest is off") {
		t.Errorf("warned about plain text with a key set: %s", errs)
	}
	raw, err := os.ReadFile("resolvebot.db")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"SCH-2291", "hungry", "Joint visit"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the data file holds %q in the clear", secret)
		}
	}
	if !bytes.Contains(raw, []byte("rbenc1.k1.")) {
		t.Errorf("the data file holds nothing sealed with k1")
	}

	// Rotate: k2 first, k1 kept. The old case reads, and rekey moves it.
	t.Setenv("RESOLVEBOT_ENCRYPTION_KEYS", k2+","+k1)
	code, out, _ = run(t, ctx, "/as sam.patel@school.example.org\nlist\n", "console")
	if code != 0 || !strings.Contains(out, "CR-2026-0001 (SCH-2291)") {
		t.Fatalf("after rotation, list = exit %d:\n%s", code, out)
	}
	code, out, errs = run(t, ctx, "", "rekey")
	if code != 0 || !strings.Contains(out, "Re-encrypted 1 of 1 cases") {
		t.Fatalf("rekey = exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	t.Setenv("RESOLVEBOT_ENCRYPTION_KEYS", k2)
	code, out, _ = run(t, ctx, "/as sam.patel@school.example.org\nstatus CR-2026-0001\n", "console")
	if code != 0 || !strings.Contains(out, "SCH-2291") {
		t.Fatalf("with k2 alone, status = exit %d:\n%s", code, out)
	}

	// Purge: nothing before the retention period has passed; then the case goes.
	if err := os.WriteFile("resolvebot.yaml", []byte("retention:\n  closed_after: 30d\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, ctx, "", "purge", "--config", "resolvebot.yaml", "--dry-run")
	if code != 0 || !strings.Contains(out, "Would delete 0 cases") {
		t.Fatalf("purge --dry-run now = exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	defer func() { toolNow = time.Now }()
	toolNow = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
	code, out, _ = run(t, ctx, "", "purge", "--config", "resolvebot.yaml", "--dry-run")
	if code != 0 || !strings.Contains(out, "Would delete 1 case that") || !strings.Contains(out, "CR-2026-0001  resolved") {
		t.Fatalf("purge --dry-run later = exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "SCH-2291") || strings.Contains(out, "hungry") {
		t.Errorf("purge output holds case text:\n%s", out)
	}
	code, out, _ = run(t, ctx, "", "purge", "--config", "resolvebot.yaml")
	if code != 0 || !strings.Contains(out, "Deleted 1 case that") {
		t.Fatalf("purge = exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, ctx, "/as sam.patel@school.example.org\nstatus CR-2026-0001\n", "console")
	if code != 0 || !strings.Contains(out, "I can't find a case CR-2026-0001") {
		t.Errorf("after purge, status = exit %d:\n%s", code, out)
	}
}

func TestProtectionCommandErrors(t *testing.T) {
	clearPlatformEnv(t)
	t.Chdir(t.TempDir())
	t.Setenv("RESOLVEBOT_ENCRYPTION_KEYS", "")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"bolt without a key warns at startup", nil, []string{"console"}, 0, "encryption at rest is off"},
		{"redis without a key refuses to start", map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0"}, []string{"serve"}, 1, "store.allow_plaintext"},
		{"rekey without a key", nil, []string{"rekey"}, 1, "RESOLVEBOT_ENCRYPTION_KEYS"},
		{"purge without retention", nil, []string{"purge"}, 1, "retention.closed_after"},
		{"purge with an argument", nil, []string{"purge", "now"}, 2, "no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errs := run(t, context.Background(), "", tt.args...)
			if code != tt.code || !strings.Contains(out+errs, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, errs)
			}
			if strings.Contains(errs, "AQEBAQ") {
				t.Errorf("key material in output")
			}
		})
	}
}
