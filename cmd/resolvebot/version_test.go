package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestReadBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/resolvebot/resolvebot", Version: "v0.0.0-20261122101010-1761fa8e0b8d"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "1761fa8e0b8d4b1a"}, {Key: "vcs.time", Value: "2026-11-22T10:10:10Z"},
			{Key: "vcs.modified", Value: "true"}, {Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}}}
	unstamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/resolvebot/resolvebot", Version: "(devel)"}}
	tests := []struct {
		name                  string
		bi                    *debug.BuildInfo
		ok                    bool
		version, commit, date string // -ldflags values
		want                  buildInfo
		lines                 []string
	}{
		{"a git checkout", stamped, true, "", "", "",
			buildInfo{Version: "v0.0.0-20261122101010-1761fa8e0b8d", Commit: "1761fa8e0b8d4b1a", Modified: true, Date: "2026-11-22T10:10:10Z", Go: "go1.26.8", Platform: "linux/arm64"},
			[]string{"resolvebot v0.0.0-20261122101010-1761fa8e0b8d", "commit:   1761fa8e0b8d4b1a (with uncommitted changes)", "date:     2026-11-22T10:10:10Z", "go:       go1.26.8 linux/arm64"}},
		{"a release build overrides", stamped, true, "v1.2.3", "abc123", "2026-12-01T00:00:00Z",
			buildInfo{Version: "v1.2.3", Commit: "abc123", Date: "2026-12-01T00:00:00Z", Go: "go1.26.8", Platform: "linux/arm64"},
			[]string{"resolvebot v1.2.3", "commit:   abc123", "date:     2026-12-01T00:00:00Z"}},
		{"no VCS stamp", unstamped, true, "", "", "",
			buildInfo{Version: "(devel)", Go: "go1.26.8"},
			[]string{"resolvebot (devel)", "commit:   unknown (built outside a git checkout, or with -buildvcs=false)", "date:     unknown"}},
		{"no build information at all", nil, false, "", "", "",
			buildInfo{Version: "(devel)"},
			[]string{"resolvebot (devel)", "commit:   unknown (built outside a git checkout, or with -buildvcs=false)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readBuildInfo(tt.bi, tt.ok, tt.version, tt.commit, tt.date)
			want := tt.want
			if want.Go == "" {
				want.Go = got.Go // the running toolchain
			}
			if want.Platform == "" {
				want.Platform = got.Platform
			}
			if got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
			s := got.String()
			for _, l := range tt.lines {
				if !strings.Contains(s, l+"\n") {
					t.Errorf("output lacks the line %q:\n%s", l, s)
				}
			}
		})
	}
}

func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, out, errs := run(t, context.Background(), "", args...)
		if code != 0 {
			t.Errorf("%v: exit %d, stderr %s", args, code, errs)
		}
		for _, want := range []string{"resolvebot ", "commit:", "date:", "go:"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, out)
			}
		}
	}
	if code, _, errs := run(t, context.Background(), "", "version", "extra"); code != 2 || !strings.Contains(errs, "no arguments") {
		t.Errorf("version extra: exit %d, stderr %s", code, errs)
	}
}

// TestGoBuildStampsTheCommit: `go build -buildvcs=true` in a git checkout
// gives a binary whose version names the checked-out commit and its date, so
// an operator can always tell what is running. (-buildvcs=true is Go's
// default in a checkout; it is explicit here because GOFLAGS may turn it
// off, as it does on some build machines.)
func TestGoBuildStampsTheCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		skipOrFail(t, "git is not installed")
	}
	head, err := exec.Command(git, "rev-parse", "HEAD").Output()
	if err != nil {
		skipOrFail(t, "not in a git checkout (%v)", err)
	}
	top, err := exec.Command(git, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !fi.IsDir() {
		// Go finds a repository only by a .git directory; a worktree
		// has a .git file. scripts/release passes the commit itself.
		skipOrFail(t, "this checkout is a git worktree, which Go does not stamp; run the test in a clone")
	}
	bin := filepath.Join(t.TempDir(), "resolvebot")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("resolvebot --version: %v\n%s", err, out)
	}
	if want := "commit:   " + strings.TrimSpace(string(head)); !strings.Contains(string(out), want) {
		t.Errorf("--version does not name the checked-out commit (%s):\n%s", want, out)
	}
	if strings.Contains(string(out), "date:     unknown") {
		t.Errorf("--version has no commit date:\n%s", out)
	}
}

// skipOrFail skips the test with the reason, or fails it under CI=true,
// where everything a test needs must be present.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
