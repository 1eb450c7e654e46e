package check

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

const kubeDir = "../kubernetes"

// kustomization is the part of a kustomize file the example uses.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace"`
	Resources  []string `json:"resources"`
}

// manifests decodes every file of deploy/kubernetes strictly into its API
// type: an unknown or misspelt field, or a value of the wrong type, fails.
type manifests struct {
	kustomization kustomization
	deployment    appsv1.Deployment
	service       corev1.Service
	pdb           policyv1.PodDisruptionBudget
	configMap     corev1.ConfigMap
	secret        corev1.Secret
	namespace     corev1.Namespace
}

func loadManifests(t *testing.T) *manifests {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(kubeDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s: %v", kubeDir, err)
	}
	m := &manifests{}
	seen := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "\n---") {
			t.Errorf("%s: keep one object per file", f)
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(data, &tm); err != nil {
			t.Errorf("%s: not YAML: %v", f, err)
			continue
		}
		var dst any
		switch tm.APIVersion + " " + tm.Kind {
		case "kustomize.config.k8s.io/v1beta1 Kustomization":
			dst = &m.kustomization
		case "apps/v1 Deployment":
			dst = &m.deployment
		case "v1 Service":
			dst = &m.service
		case "policy/v1 PodDisruptionBudget":
			dst = &m.pdb
		case "v1 ConfigMap":
			dst = &m.configMap
		case "v1 Secret":
			dst = &m.secret
		case "v1 Namespace":
			dst = &m.namespace
		default:
			t.Errorf("%s: unexpected kind %q %q", f, tm.APIVersion, tm.Kind)
			continue
		}
		if prev, dup := seen[tm.Kind]; dup {
			t.Errorf("%s: a second %s (first in %s)", f, tm.Kind, prev)
		}
		seen[tm.Kind] = f
		if err := decodeStrict(data, dst); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return m
}

// decodeStrict decodes YAML as the Kubernetes API server does: field names
// match case-sensitively, and an unknown or repeated field is an error.
func decodeStrict(data []byte, dst any) error {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return err
	}
	strict, err := sigsjson.UnmarshalStrict(j, dst, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

func TestKubernetesManifests(t *testing.T) {
	m := loadManifests(t)

	// Every resource the kustomization names exists; the example Secret is
	// not applied (it would overwrite the real one).
	for _, r := range m.kustomization.Resources {
		if _, err := os.Stat(filepath.Join(kubeDir, r)); err != nil {
			t.Errorf("kustomization names %s: %v", r, err)
		}
	}
	if slices.Contains(m.kustomization.Resources, "secret.example.yaml") {
		t.Error("the kustomization applies the example Secret, which would replace the real one with empty values")
	}
	if m.kustomization.Namespace != m.namespace.Name || m.secret.Namespace != m.namespace.Name {
		t.Errorf("namespaces differ: kustomization %q, namespace %q, secret %q", m.kustomization.Namespace, m.namespace.Name, m.secret.Namespace)
	}

	d := m.deployment
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("replicas = %v, want 2", d.Spec.Replicas)
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	podLabels := labels.Set(d.Spec.Template.Labels)
	if !sel.Matches(podLabels) {
		t.Errorf("the Deployment's selector does not match its pods' labels")
	}
	if !labels.SelectorFromSet(m.service.Spec.Selector).Matches(podLabels) {
		t.Errorf("the Service selects no pod of the Deployment")
	}
	pdbSel, err := metav1.LabelSelectorAsSelector(m.pdb.Spec.Selector)
	if err != nil || !pdbSel.Matches(podLabels) {
		t.Errorf("the PodDisruptionBudget selects no pod of the Deployment (%v)", err)
	}
	if m.pdb.Spec.MinAvailable == nil || m.pdb.Spec.MinAvailable.IntValue() < 1 || m.pdb.Spec.MinAvailable.IntValue() >= int(*d.Spec.Replicas) {
		t.Errorf("the PodDisruptionBudget must keep at least one replica and allow one to go: minAvailable %v", m.pdb.Spec.MinAvailable)
	}

	pod := d.Spec.Template.Spec
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot ||
		pod.SecurityContext.RunAsUser == nil || *pod.SecurityContext.RunAsUser == 0 {
		t.Error("the pod must run as a non-root user")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Fatal("the container has no securityContext")
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Error("readOnlyRootFilesystem must be true")
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Error("allowPrivilegeEscalation must be false")
	case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0:
		t.Error("capabilities must drop ALL and add none")
	}

	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for name, probe := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
		want := map[string]string{"readiness": "/readyz", "liveness": "/healthz"}[name]
		if probe == nil || probe.HTTPGet == nil {
			t.Errorf("no %s probe over HTTP", name)
			continue
		}
		if probe.HTTPGet.Path != want {
			t.Errorf("%s probe asks %s, want %s", name, probe.HTTPGet.Path, want)
		}
		if _, ok := ports[probe.HTTPGet.Port.String()]; !ok {
			t.Errorf("%s probe uses port %s, which the container does not name", name, probe.HTTPGet.Port.String())
		}
	}

	// Secrets come from the Secret, never as literal values.
	secretKeys := map[string]bool{}
	for k := range m.secret.StringData {
		secretKeys[k] = true
	}
	for _, e := range c.Env {
		if secretKeys[e.Name] || strings.Contains(e.Name, "TOKEN") || strings.Contains(e.Name, "SECRET") || strings.Contains(e.Name, "PASSWORD") || e.Name == "REDIS_URL" || e.Name == "RESOLVEBOT_ENCRYPTION_KEYS" {
			if e.Value != "" {
				t.Errorf("the secret %s is written into the Deployment", e.Name)
			}
		}
	}
	fromSecret := false
	for _, ef := range c.EnvFrom {
		if ef.SecretRef != nil && ef.SecretRef.Name == m.secret.Name {
			fromSecret = true
		}
	}
	if !fromSecret {
		t.Errorf("the container does not read the Secret %s", m.secret.Name)
	}
	for k, v := range m.secret.StringData {
		if v != "" {
			t.Errorf("secret.example.yaml holds a value for %s; keep the example empty", k)
		}
	}

	// The config file mounted from the ConfigMap is the one RESOLVEBOT_CONFIG names.
	var configPath string
	for _, e := range c.Env {
		if e.Name == "RESOLVEBOT_CONFIG" {
			configPath = e.Value
		}
	}
	mounted := false
	for _, vm := range c.VolumeMounts {
		for _, v := range pod.Volumes {
			if v.Name == vm.Name && v.ConfigMap != nil && v.ConfigMap.Name == m.configMap.Name {
				if _, ok := m.configMap.Data[filepath.Base(configPath)]; ok && filepath.Dir(configPath) == vm.MountPath {
					mounted = true
				}
			}
		}
	}
	if !mounted {
		t.Errorf("RESOLVEBOT_CONFIG=%s is not a file of the mounted ConfigMap %s", configPath, m.configMap.Name)
	}
}
