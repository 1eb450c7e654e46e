// Package tracing sets up OpenTelemetry tracing for resolvebot: an OTLP
// exporter over HTTP, configured by the standard OTEL_EXPORTER_OTLP_*
// environment that the exporter reads itself, behind a filter that lets
// only known-safe span attributes out. Spans carry case ids, verbs, event
// kinds, stage keys, platforms and method names; case text, child
// references, URLs with their ids, query strings, database statements and
// error messages never leave the process, whatever an instrumentation
// library records.
package tracing

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// Options name the service in every span's resource.
type Options struct {
	ServiceName string // default "resolvebot"
	Version     string
}

// Start exports spans over OTLP/HTTP to the endpoint in the environment
// (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT,
// default http://localhost:4318) and makes that the global tracer
// provider. The returned stop flushes what is buffered and shuts the
// exporter down. Returns an error when the exporter cannot be built.
func Start(ctx context.Context, opts Options) (stop func(context.Context) error, err error) {
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("otlp trace exporter: %w", err)
	}
	tp, err := NewProvider(ctx, exp, opts)
	if err != nil {
		return nil, err
	}
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

// NewProvider returns a tracer provider that batches spans to exp through
// the attribute filter (see Filter), with the service's name and version
// and any OTEL_RESOURCE_ATTRIBUTES as its resource. No trace context is
// propagated to or accepted from the platforms.
func NewProvider(ctx context.Context, exp sdktrace.SpanExporter, opts Options) (*sdktrace.TracerProvider, error) {
	if opts.ServiceName == "" {
		opts.ServiceName = "resolvebot"
	}
	res, err := resource.New(ctx, resource.WithFromEnv(), resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName(opts.ServiceName), semconv.ServiceVersion(opts.Version)))
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(Filter(exp)), sdktrace.WithResource(res)), nil
}

// Handler traces each request to the public listener as a server span
// named by its method and route, with resolvebot.platform set from
// platforms (route path → platform, such as "/slack/events" → "slack");
// other paths are named "other". Trace context sent by callers is not
// trusted as a parent.
func Handler(h http.Handler, platforms map[string]string) http.Handler {
	tagged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := platforms[r.URL.Path]; ok {
			trace.SpanFromContext(r.Context()).SetAttributes(AttrPlatform.String(p))
		}
		h.ServeHTTP(w, r)
	})
	return otelhttp.NewHandler(tagged, "resolvebot", otelhttp.WithPublicEndpointFn(func(*http.Request) bool { return true }),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if _, ok := platforms[r.URL.Path]; ok {
				return r.Method + " " + r.URL.Path
			}
			return r.Method + " other"
		}))
}

// AttrPlatform is the chat platform a request came from or a call went to.
const AttrPlatform = attribute.Key("resolvebot.platform")

// Transport traces each call through next as a client span named
// "platform method", the method from name (which must return a word from
// a fixed set).
func Transport(platform string, name func(*http.Request) string, next http.RoundTripper) http.RoundTripper {
	return otelhttp.NewTransport(next, otelhttp.WithSpanOptions(trace.WithAttributes(AttrPlatform.String(platform))),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			return platform + " " + name(r)
		}))
}

// InstrumentRedis traces every Redis command of rdb as a span named by
// the command, without its arguments (db.statement off), which hold case
// records, on tp (nil for the global provider). Returns an error for a
// client type redisotel does not know.
func InstrumentRedis(rdb redis.UniversalClient, tp trace.TracerProvider) error {
	opts := []redisotel.TracingOption{redisotel.WithDBStatement(false), redisotel.WithCallerEnabled(false)}
	if tp != nil {
		opts = append(opts, redisotel.WithTracerProvider(tp))
	}
	return redisotel.InstrumentTracing(rdb, opts...)
}

// allowed reports whether a span attribute may leave the process: ours
// (resolvebot.*) and the HTTP, network and database ones that name a
// method, a status, an address or a system, never a URL, query,
// statement, header or message.
func allowed(k attribute.Key) bool {
	key := string(k)
	if strings.HasPrefix(key, "resolvebot.") {
		return true
	}
	switch key {
	case "http.request.method", "http.request.method_original", "http.response.status_code", "http.route",
		"server.address", "server.port", "client.address", "network.peer.address", "network.peer.port",
		"network.protocol.name", "network.protocol.version", "network.transport", "url.scheme",
		"db.system", "db.system.name", "db.operation", "db.operation.name", "db.redis.database_index", "db.namespace",
		"error.type", "exception.type":
		return true
	}
	return false
}

func keep(attrs []attribute.KeyValue) []attribute.KeyValue {
	out := attrs[:0:0]
	for _, a := range attrs {
		if allowed(a.Key) {
			out = append(out, a)
		}
	}
	return out
}

// filter is a SpanExporter that passes on only allowed attributes, on
// spans, their events and links, and no status message.
type filter struct{ next sdktrace.SpanExporter }

// Filter wraps exp so that every span it receives keeps only the
// attributes allowed out (ours, and HTTP, network and database ones that
// carry no URL, query, statement, header or message) and loses its status
// message; span names are kept, so every span name must be a fixed word.
func Filter(exp sdktrace.SpanExporter) sdktrace.SpanExporter { return filter{exp} }

// ExportSpans passes the filtered spans to the wrapped exporter and
// returns its error.
func (f filter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		stub := tracetest.SpanStubFromReadOnlySpan(s)
		stub.Attributes = keep(stub.Attributes)
		for j := range stub.Events {
			stub.Events[j].Attributes = keep(stub.Events[j].Attributes)
		}
		for j := range stub.Links {
			stub.Links[j].Attributes = keep(stub.Links[j].Attributes)
		}
		stub.Status.Description = ""
		out[i] = stub.Snapshot()
	}
	return f.next.ExportSpans(ctx, out)
}

// Shutdown shuts the wrapped exporter down and returns its error.
func (f filter) Shutdown(ctx context.Context) error { return f.next.Shutdown(ctx) }
