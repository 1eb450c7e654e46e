package check

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads deploy/compose.yaml as `docker compose config` would,
// validating it against the Compose Specification, from a copy of deploy/
// whose .env is the example with values filled in.
func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"compose.yaml", "resolvebot.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	example, err := os.ReadFile("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(example), "\n") {
		if k, _, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			if v, set := env[k]; set {
				l = k + "=" + v
			}
		}
		lines = append(lines, l)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(dir, "compose.yaml")},
		cli.WithWorkingDirectory(dir), cli.WithEnvFiles(), cli.WithDotEnv)
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

func TestComposeFile(t *testing.T) {
	if _, err := loadCompose(t, nil); err == nil || !strings.Contains(err.Error(), "set REDIS_PASSWORD in deploy/.env") {
		t.Errorf("without REDIS_PASSWORD the compose file loads, or says something else: %v", err)
	}
	p, err := loadCompose(t, map[string]string{"REDIS_PASSWORD": "test-password", "SLACK_BOT_TOKEN": "xoxb-test"})
	if err != nil {
		t.Fatalf("compose.yaml does not load: %v", err)
	}
	bot, err := p.GetService("resolvebot")
	if err != nil {
		t.Fatal(err)
	}
	redis, err := p.GetService("redis")
	if err != nil {
		t.Fatal(err)
	}

	cmd := strings.Join(redis.Command, " ")
	for _, want := range []string{"--appendonly yes", "--appendfsync everysec", "--maxmemory-policy noeviction", "--requirepass test-password"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("redis command lacks %q: %s", want, cmd)
		}
	}
	if !slices.ContainsFunc(redis.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Type == types.VolumeTypeVolume && v.Target == "/data" }) {
		t.Error("redis keeps its data on no named volume at /data")
	}
	if !slices.ContainsFunc(bot.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Type == types.VolumeTypeVolume && v.Target == "/data" }) {
		t.Error("resolvebot has no named volume at /data")
	}
	if !bot.ReadOnly || !redis.ReadOnly {
		t.Error("the root file systems must be read-only")
	}
	if !slices.Contains(bot.CapDrop, "ALL") {
		t.Error("resolvebot must drop all capabilities")
	}
	if got := bot.Environment["REDIS_URL"]; got == nil || *got != "redis://:test-password@redis:6379/0" {
		t.Errorf("REDIS_URL = %v", got)
	}
	if got := bot.Environment["SLACK_BOT_TOKEN"]; got == nil || *got != "xoxb-test" {
		t.Errorf("the .env file does not reach resolvebot: SLACK_BOT_TOKEN = %v", got)
	}
	if dep, ok := bot.DependsOn["redis"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Error("resolvebot must wait for a healthy redis")
	}
	for _, port := range bot.Ports {
		if port.HostIP != "127.0.0.1" {
			t.Errorf("port %s is published on %q; publish on 127.0.0.1 behind the TLS proxy", port.Published, port.HostIP)
		}
	}

	// No secret is written in the compose file itself.
	raw, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") || strings.Contains(l, "${") || strings.HasPrefix(l, "- --") {
			continue // a comment, an interpolation from .env, or a flag name
		}
		for _, name := range []string{"TOKEN", "SECRET", "PASSWORD", "ENCRYPTION_KEYS", "REDIS_URL", "REDISCLI_AUTH", "requirepass"} {
			if _, v, ok := strings.Cut(l, ":"); ok && strings.Contains(l, name) && strings.TrimSpace(v) != "" {
				t.Errorf("compose.yaml writes a secret inline: %s", l)
			}
		}
	}
}
