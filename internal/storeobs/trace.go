package storeobs

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/resolvebot/resolvebot/conversation"
)

// tracerName names the spans' instrumentation scope. The tracer is looked
// up on each use, so it follows whichever global provider is set: none
// (spans are not recorded) unless tracing is set up.
const tracerName = "github.com/resolvebot/resolvebot/internal/storeobs"

// Span attribute keys: the operation, the case id when the operation is
// about one case and it has the shape of one, and the outcome's code.
const (
	AttrOperation = attribute.Key("resolvebot.store.operation")
	AttrCaseID    = attribute.Key("resolvebot.case_id")
	AttrOutcome   = attribute.Key("resolvebot.outcome")
)

// untraced are the operations that run on a timer or a probe rather than
// for a step: the outbox worker's poll, the outbox metrics' read at each
// scrape and /readyz's ping. They are measured but make no span, as one a
// second would bury the traces that matter.
var untraced = map[string]bool{"claim_effects": true, "outbox_stats": true, "ping": true}

// startSpan starts the span of store operation op ("store get_case"),
// with its attributes only when the span is recorded, so tracing costs
// little while it is off.
func startSpan(ctx context.Context, op, caseID string) (context.Context, trace.Span) {
	if untraced[op] {
		return ctx, trace.SpanFromContext(context.Background()) // records nothing
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, "store "+op, trace.WithSpanKind(trace.SpanKindClient))
	if span.IsRecording() {
		span.SetAttributes(AttrOperation.String(op))
		if id := conversation.NormaliseCaseID(caseID); conversation.IsCaseID(id) {
			span.SetAttributes(AttrCaseID.String(id))
		}
	}
	return ctx, span
}

// endSpan records the outcome on span and ends it. A failure's status says
// only its code: an error's text may quote what is stored.
func endSpan(span trace.Span, err error) {
	if !span.IsRecording() {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = conversation.ErrorCode(err)
	}
	span.SetAttributes(AttrOutcome.String(outcome))
	if outcome == conversation.EINTERNAL {
		span.SetStatus(codes.Error, outcome)
	}
	span.End()
}
