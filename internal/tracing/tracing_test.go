package tracing_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/internal/tracing"
)

const canary = "CANARY-Jamie-Smith-SCH-0001"

// SpanText is everything a span would export as text: name, attribute
// values, events, links and status, for canary checks.
func SpanText(s tracetest.SpanStub) string {
	var b strings.Builder
	attrs := func(kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			b.WriteString(string(kv.Key) + "=" + kv.Value.Emit() + "\n")
		}
	}
	b.WriteString(s.Name + "\n" + s.Status.Description + "\n")
	attrs(s.Attributes)
	for _, e := range s.Events {
		b.WriteString(e.Name + "\n")
		attrs(e.Attributes)
	}
	for _, l := range s.Links {
		attrs(l.Attributes)
	}
	return b.String()
}

// TestFilter: only allowed attributes leave, on spans and their events,
// and no status message does; span names, kinds, ids and status codes
// are kept.
func TestFilter(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp, err := tracing.NewProvider(context.Background(), exp, tracing.Options{Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("test").Start(context.Background(), "step note", trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
		attribute.String("resolvebot.case_id", "CR-2026-0001"),
		attribute.String("http.request.method", "POST"),
		attribute.String("url.full", "https://slack.com/api/users.lookupByEmail?email="+canary),
		attribute.String("url.query", "text="+canary),
		attribute.String("db.statement", "set case "+canary),
		attribute.String("db.query.text", canary),
		attribute.String("http.request.header.x", canary),
	))
	span.RecordError(&os.PathError{Op: "open", Path: canary, Err: os.ErrNotExist})
	span.SetStatus(codes.Error, "failed on "+canary)
	span.End()
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans exported, want 1", len(spans))
	}
	s := spans[0]
	if text := SpanText(s); strings.Contains(text, canary) {
		t.Errorf("the exported span holds the canary:\n%s", text)
	}
	got := map[attribute.Key]string{}
	for _, kv := range s.Attributes {
		got[kv.Key] = kv.Value.Emit()
	}
	if got["resolvebot.case_id"] != "CR-2026-0001" || got["http.request.method"] != "POST" || len(got) != 2 {
		t.Errorf("attributes = %v, want the case id and the method only", got)
	}
	if s.Name != "step note" || s.SpanKind != trace.SpanKindServer || s.Status.Code != codes.Error || len(s.Events) != 1 || !s.SpanContext.IsValid() {
		t.Errorf("span = %q %v %v, %d events", s.Name, s.SpanKind, s.Status, len(s.Events))
	}
	res := map[attribute.Key]string{}
	for _, kv := range s.Resource.Attributes() {
		res[kv.Key] = kv.Value.Emit()
	}
	if res["service.name"] != "resolvebot" || res["service.version"] != "v1" {
		t.Errorf("resource = %v", res)
	}
}

// TestRedisCommandsWithoutArguments: a traced Redis client makes a span
// per command, named by the command, and no span holds a value written,
// even before the export filter.
func TestRedisCommandsWithoutArguments(t *testing.T) {
	s, prefix := redistest.Open(t) // skips without Redis, fails under CI=true
	s.Close()
	opt, err := redis.ParseURL(redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp)) // no filter: what the hook itself records
	defer tp.Shutdown(context.Background())
	if err := tracing.InstrumentRedis(rdb, tp); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	key := prefix + ":case"
	if err := rdb.Set(ctx, key, `{"concern":"`+canary+`"}`, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := rdb.Get(ctx, key).Result(); err != nil {
		t.Fatal(err)
	}
	_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, key, canary, time.Minute)
		p.Expire(ctx, key, time.Minute)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, sp := range exp.GetSpans() {
		names[sp.Name] = true
		if text := SpanText(sp); strings.Contains(text, canary) || strings.Contains(text, "db.statement") || strings.Contains(text, "db.query.text") {
			t.Errorf("span %q records the command's arguments:\n%s", sp.Name, text)
		}
	}
	if !names["set"] || !names["get"] {
		t.Errorf("spans = %v, want set and get among them", names)
	}
}
