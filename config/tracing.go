package config

import (
	"net/url"
	"strings"
)

// The OpenTelemetry variables that decide whether resolvebot exports
// traces, read here like every other setting. The OTLP exporter reads the
// rest of its standard OTEL_EXPORTER_OTLP_* settings (headers, TLS
// certificates, timeout, compression) and the SDK its OTEL_TRACES_SAMPLER*,
// OTEL_BSP_* and OTEL_RESOURCE_ATTRIBUTES itself: that is the one place
// outside this package where the environment is read, so that operators
// configure tracing as for any OpenTelemetry service.
const (
	EnvOTelSDKDisabled    = "OTEL_SDK_DISABLED"                  // "true" turns tracing off
	EnvOTelTracesExporter = "OTEL_TRACES_EXPORTER"               // "otlp" or "none"
	EnvOTelEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"        // base URL; /v1/traces is added
	EnvOTelTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" // the traces URL as it is
	EnvOTelProtocol       = "OTEL_EXPORTER_OTLP_PROTOCOL"        // only http/protobuf
	EnvOTelTracesProtocol = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" // only http/protobuf
	EnvOTelServiceName    = "OTEL_SERVICE_NAME"                  // default resolvebot
)

// Tracing says whether spans are exported over OTLP. It is off unless an
// OTLP endpoint is set or OTEL_TRACES_EXPORTER is otlp.
type Tracing struct {
	Enabled bool
	// Endpoint is the OTLP endpoint as configured, for showing; the
	// exporter reads it from the environment itself. "" for the
	// exporter's default, http://localhost:4318.
	Endpoint    string
	ServiceName string
}

// applyTracingEnv reads the OTEL_* variables that turn tracing on and
// name the service, and reports values resolvebot cannot use.
func applyTracingEnv(cfg *Config, getenv func(string) string, col *collector) {
	t := &cfg.Tracing
	t.ServiceName = "resolvebot"
	if v := strings.TrimSpace(getenv(EnvOTelServiceName)); v != "" {
		t.ServiceName = v
	}
	t.Endpoint = strings.TrimSpace(getenv(EnvOTelTracesEndpoint))
	endpointEnv := EnvOTelTracesEndpoint
	if t.Endpoint == "" {
		t.Endpoint, endpointEnv = strings.TrimSpace(getenv(EnvOTelEndpoint)), EnvOTelEndpoint
	}
	exporter := strings.ToLower(strings.TrimSpace(getenv(EnvOTelTracesExporter)))
	switch exporter {
	case "":
		t.Enabled = t.Endpoint != ""
	case "otlp":
		t.Enabled = true
	case "none":
		t.Enabled = false
	default:
		col.add(SeverityError, "env "+EnvOTelTracesExporter, "resolvebot exports traces with otlp only; set %s to otlp or none, not %q", EnvOTelTracesExporter, exporter)
	}
	if strings.EqualFold(strings.TrimSpace(getenv(EnvOTelSDKDisabled)), "true") {
		t.Enabled = false
	}
	if !t.Enabled {
		return
	}
	if t.Endpoint != "" {
		if u, err := url.Parse(t.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// Never print the value: it may carry credentials.
			col.add(SeverityError, "env "+endpointEnv, "is not an http:// or https:// URL such as http://otel-collector:4318")
		}
	}
	for _, name := range []string{EnvOTelTracesProtocol, EnvOTelProtocol} {
		if p := strings.TrimSpace(getenv(name)); p != "" && p != "http/protobuf" {
			col.add(SeverityError, "env "+name, "resolvebot sends OTLP over HTTP with protobuf; set %s to http/protobuf (port 4318), not %q", name, p)
		}
	}
}

// tracingSummary shows the tracing settings without any secret.
func tracingSummary(t Tracing) string {
	if !t.Enabled {
		return "off"
	}
	where := "http://localhost:4318 (the OTLP default)"
	if u, err := url.Parse(t.Endpoint); err == nil && t.Endpoint != "" {
		where = u.Scheme + "://" + u.Host + u.Path // no user, password or query
	}
	return "otlp to " + where + " as " + t.ServiceName
}
