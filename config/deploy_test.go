package config

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDeployExamples loads the example resolvebot.yaml of the compose
// deployment and of the Kubernetes ConfigMap, as `resolvebot config check`
// would, with the secrets those deployments give in the environment.
func TestDeployExamples(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "deploy", "kubernetes", "configmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatal(err)
	}
	k8s := filepath.Join(t.TempDir(), "resolvebot.yaml")
	if err := os.WriteFile(k8s, []byte(cm.Data["resolvebot.yaml"]), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		EnvRedisURL:           "redis://:pw@redis:6379/0",
		EnvEncryptionKeys:     "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		EnvSlackBotToken:      "xoxb-test",
		EnvSlackSigningSecret: "secret",
	}
	for _, path := range []string{filepath.Join("..", "deploy", "resolvebot.yaml"), k8s} {
		cfg, problems, err := Load(Options{Path: path, Getenv: func(k string) string { return env[k] }})
		if err != nil {
			t.Errorf("%s: %v\n%s", path, err, problems.String())
			continue
		}
		if cfg.Store.Driver != DriverRedis {
			t.Errorf("%s: store driver %s, want redis (two replicas, or compose's Redis)", path, cfg.Store.Driver)
		}
		if cfg.Retention.ClosedAfter == 0 {
			t.Errorf("%s: no retention period", path)
		}
	}
}
