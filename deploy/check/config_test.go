package check

import (
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/resolvebot/resolvebot/config"
)

// TestExampleConfigurations loads the example resolvebot.yaml of the compose
// deployment and of the Kubernetes ConfigMap with resolvebot's own loader,
// as `resolvebot config check` does, with the secrets the deployments give.
func TestExampleConfigurations(t *testing.T) {
	var cm corev1.ConfigMap
	data, err := os.ReadFile("../kubernetes/configmap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeStrict(data, &cm); err != nil {
		t.Fatal(err)
	}
	k8s := filepath.Join(t.TempDir(), "resolvebot.yaml")
	if err := os.WriteFile(k8s, []byte(cm.Data["resolvebot.yaml"]), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"REDIS_URL":                  "redis://:pw@redis:6379/0",
		"RESOLVEBOT_ENCRYPTION_KEYS": "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		"SLACK_BOT_TOKEN":            "xoxb-test",
		"SLACK_SIGNING_SECRET":       "secret",
	}
	for _, path := range []string{"../resolvebot.yaml", k8s} {
		cfg, problems, err := config.Load(config.Options{Path: path, Getenv: func(k string) string { return env[k] }})
		if err != nil {
			t.Errorf("%s: %v\n%s", path, err, problems.String())
			continue
		}
		if cfg.Store.Driver != config.DriverRedis {
			t.Errorf("%s: store driver %s, want redis (two replicas, or compose's Redis)", path, cfg.Store.Driver)
		}
		if cfg.Retention.ClosedAfter == 0 {
			t.Errorf("%s: no retention period", path)
		}
	}
}
