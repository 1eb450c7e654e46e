package config

import (
	"strings"
	"testing"
)

// TestTracing: tracing is off unless an OTLP endpoint or exporter is
// set, OTEL_SDK_DISABLED and "none" turn it off, and values resolvebot
// cannot use are errors that never print the endpoint.
func TestTracing(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		on      bool
		service string
		problem string // an error expected instead, naming this
	}{
		{"off by default", nil, false, "resolvebot", ""},
		{"endpoint turns it on", map[string]string{EnvOTelEndpoint: "http://collector:4318"}, true, "resolvebot", ""},
		{"traces endpoint", map[string]string{EnvOTelTracesEndpoint: "https://collector.example.org/v1/traces"}, true, "resolvebot", ""},
		{"exporter otlp alone", map[string]string{EnvOTelTracesExporter: "otlp"}, true, "resolvebot", ""},
		{"exporter none", map[string]string{EnvOTelEndpoint: "http://collector:4318", EnvOTelTracesExporter: "none"}, false, "resolvebot", ""},
		{"sdk disabled", map[string]string{EnvOTelEndpoint: "http://collector:4318", EnvOTelSDKDisabled: "TRUE"}, false, "resolvebot", ""},
		{"service name", map[string]string{EnvOTelEndpoint: "http://collector:4318", EnvOTelServiceName: "resolvebot-devon"}, true, "resolvebot-devon", ""},
		{"zipkin", map[string]string{EnvOTelTracesExporter: "zipkin"}, false, "", EnvOTelTracesExporter},
		{"grpc", map[string]string{EnvOTelEndpoint: "http://collector:4317", EnvOTelProtocol: "grpc"}, false, "", EnvOTelProtocol},
		{"not a URL", map[string]string{EnvOTelEndpoint: "collector:4318?token=SECRETTOKEN"}, false, "", EnvOTelEndpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Getenv: env(tt.env)}
			if tt.problem != "" {
				_, probs, err := Load(opts)
				if err == nil || !hasProblem(probs, SeverityError, "env "+tt.problem) {
					t.Errorf("want an error at %s; got:\n%s", tt.problem, probs)
				}
				if strings.Contains(probs.String(), "SECRETTOKEN") {
					t.Errorf("a problem prints the endpoint:\n%s", probs)
				}
				return
			}
			cfg, _ := mustLoad(t, opts)
			if cfg.Tracing.Enabled != tt.on || cfg.Tracing.ServiceName != tt.service {
				t.Errorf("tracing = %+v, want on %v as %q", cfg.Tracing, tt.on, tt.service)
			}
		})
	}
}
