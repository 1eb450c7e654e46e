// Package check holds the tests that validate the deployment files in
// deploy/: the compose file against the Compose Specification (compose-go),
// the Kubernetes manifests by strict decoding into the Kubernetes API types
// and the project's own rules (replicas, probes, secrets, security context).
// The example configuration files are loaded by resolvebot's own loader in
// the config package's tests (TestDeployExamples).
//
// It is a module of its own so the main module does not depend on the
// Kubernetes and Compose libraries. Run it with: cd deploy/check && go test ./...
package check
