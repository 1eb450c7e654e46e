package main

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/internal/schemacheck"
)

const installAppID = "6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8"

// The platforms' own schemas, vendored beside the adapters.
const (
	slackSchemaPath = "../../adapters/slack/testdata/manifest.schema.1.0.0.json"
	teamsSchemaPath = "../../adapters/teams/testdata/schema/v1.22/MicrosoftTeams.schema.json"
)

func loadSchema(t *testing.T, path string) *schemacheck.Schema {
	t.Helper()
	s, err := schemacheck.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// packageManifest returns manifest.json from a written package.
func packageManifest(t *testing.T, zipPath string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "manifest.json" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s holds no manifest.json", zipPath)
	return nil
}

// readmeCommands returns the resolvebot command lines of the README's code
// blocks that start with prefix, split as a shell would split them (double
// quotes; a trailing redirection or comment dropped).
func readmeCommands(t *testing.T, prefix string) [][]string {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "resolvebot "+prefix) {
			continue
		}
		var args []string
		var cur strings.Builder
		quoted, started := false, false
	split:
		for _, r := range strings.TrimPrefix(line, "resolvebot ") {
			switch {
			case r == '"':
				quoted, started = !quoted, true
			case (r == '>' || r == '#') && !quoted:
				break split
			case r == ' ' && !quoted:
				if started {
					args = append(args, cur.String())
					cur.Reset()
					started = false
				}
			default:
				cur.WriteRune(r)
				started = true
			}
		}
		if started {
			args = append(args, cur.String())
		}
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "YOUR-HOST", "bot.example.org")
		}
		cmds = append(cmds, args)
	}
	if len(cmds) == 0 {
		t.Fatalf("the README has no %q command", "resolvebot "+prefix)
	}
	return cmds
}

// TestREADMEInstallCommands: the README's own install commands, run as a
// workspace admin would copy them, write a Slack manifest and a Teams
// package that the platforms' schemas accept. The Teams package needs
// only the app id.
func TestREADMEInstallCommands(t *testing.T) {
	clearPlatformEnv(t)
	slackSchema, teamsSchema := loadSchema(t, slackSchemaPath), loadSchema(t, teamsSchemaPath)
	for _, args := range readmeCommands(t, "slack manifest") {
		code, out, errs := run(t, context.Background(), "", args...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errs)
		}
		if err := slackSchema.YAML([]byte(out)); err != nil {
			t.Errorf("%q: Slack's schema refuses the manifest:\n%v", args, err)
		}
	}
	t.Setenv("MICROSOFT_APP_ID", installAppID) // and no password or certificate
	for _, args := range readmeCommands(t, "teams package") {
		out := filepath.Join(t.TempDir(), "app.zip")
		args = append(args, "--out", out)
		code, stdout, stderr := run(t, context.Background(), "", args...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s%s", args, code, stdout, stderr)
		}
		if err := teamsSchema.JSON(packageManifest(t, out)); err != nil {
			t.Errorf("%q: the Teams schema refuses manifest.json:\n%v", args, err)
		}
	}
}

// TestTeamsPackageDeveloperTooLong: the developer name the README used to
// give (41 characters) is refused with Teams' limit and a short form, and
// no package is written.
func TestTeamsPackageDeveloperTooLong(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("MICROSOFT_APP_ID", installAppID)
	out := filepath.Join(t.TempDir(), "app.zip")
	code, stdout, stderr := run(t, context.Background(), "", "teams", "package", "--out", out,
		"--url", "https://bot.example.org", "--developer", "Example Safeguarding Children Partnership")
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s%s", code, stdout, stderr)
	}
	for _, w := range []string{"is 41 characters; Teams allows at most 32", `--developer "Example SCP"`} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a package was written")
	}
}

// TestInstallArtefactsPerPreset: for each preset, the Slack manifest and
// the Teams package (with no --developer) name that preset's protocol and
// partnership, and both pass the platforms' schemas.
func TestInstallArtefactsPerPreset(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("MICROSOFT_APP_ID", installAppID)
	slackSchema, teamsSchema := loadSchema(t, slackSchemaPath), loadSchema(t, teamsSchemaPath)
	want := map[string]struct{ protocol, partnership, developer string }{
		"generic":   {"Case Resolution Protocol", "Safeguarding Children Partnership", "SCP"},
		"devon":     {"Conflict Resolution and Case Resolution Protocol", "Devon Safeguarding Children Partnership (Devon SCP)", "Devon SCP"},
		"plymouth":  {"Case Resolution Protocol", "Plymouth Safeguarding Children Partnership", "Plymouth SCP"},
		"rotherham": {"Practice Resolution Protocol", "Rotherham Safeguarding Children Partnership", "Rotherham SCP"},
		"wiltshire": {"Case Resolution Protocol", "Wiltshire Safeguarding Children Board (WSCB)", "WSCB"},
	}
	for _, key := range config.PresetKeys() {
		t.Run(key, func(t *testing.T) {
			w, ok := want[key]
			if !ok {
				t.Fatalf("no expectation for preset %s", key)
			}
			dir := t.TempDir()
			cfgPath := filepath.Join(dir, "rb.yaml")
			if err := os.WriteFile(cfgPath, []byte("partnership: "+key+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			named := w.protocol + " of the " + w.partnership

			code, out, errs := run(t, context.Background(), "", "slack", "manifest", "--url", "https://bot.example.org", "--config", cfgPath)
			if code != 0 {
				t.Fatalf("slack manifest: exit %d: %s", code, errs)
			}
			if err := slackSchema.YAML([]byte(out)); err != nil {
				t.Errorf("Slack's schema refuses the manifest:\n%v", err)
			}
			if !strings.Contains(out, named) {
				t.Errorf("the Slack manifest does not name the %s:\n%s", named, out)
			}

			zipPath := filepath.Join(dir, "app.zip")
			code, stdout, stderr := run(t, context.Background(), "", "teams", "package", "--out", zipPath, "--config", cfgPath)
			if code != 0 {
				t.Fatalf("teams package: exit %d: %s%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "no --developer given; Teams will show \""+w.developer+"\"") {
				t.Errorf("no warning naming the developer %q:\n%s", w.developer, stderr)
			}
			m := packageManifest(t, zipPath)
			if err := teamsSchema.JSON(m); err != nil {
				t.Errorf("the Teams schema refuses manifest.json:\n%v", err)
			}
			var got struct {
				Developer   struct{ Name string }
				Name        struct{ Full string }
				Description struct{ Full string }
			}
			if err := json.Unmarshal(m, &got); err != nil {
				t.Fatal(err)
			}
			if got.Developer.Name != w.developer || !strings.Contains(got.Name.Full, w.protocol) || !strings.Contains(got.Description.Full, named) {
				t.Errorf("developer %q, full name %q, description %q; want %q and the %s", got.Developer.Name, got.Name.Full, got.Description.Full, w.developer, named)
			}
		})
	}
}
