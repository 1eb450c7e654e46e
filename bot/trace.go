package bot

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/resolvebot/resolvebot/conversation"
)

// tracerName names the spans' instrumentation scope. The tracer is looked
// up on each use, so it follows whichever global provider is set: none
// (spans are not recorded) unless tracing is set up.
const tracerName = "github.com/resolvebot/resolvebot/bot"

// Span attribute keys. Values are ids, verbs, form keys, command words,
// stage keys, event kinds and error codes: never case text, child
// references or people.
const (
	AttrCaseID  = attribute.Key("resolvebot.case_id")
	AttrVerb    = attribute.Key("resolvebot.verb")
	AttrForm    = attribute.Key("resolvebot.form")
	AttrCommand = attribute.Key("resolvebot.command")
	AttrStage   = attribute.Key("resolvebot.stage")
	AttrEvents  = attribute.Key("resolvebot.event_kinds")
	AttrOutcome = attribute.Key("resolvebot.outcome")
)

// startStep starts the span of one inbound step, named by what the person
// did ("step acknowledge", "step form", "step list").
func startStep(ctx context.Context, in Inbound) (context.Context, trace.Span) {
	var attrs []attribute.KeyValue
	what := "command"
	switch {
	case in.FormKey != "":
		what = "form"
		attrs = append(attrs, AttrForm.String(formKind(in.FormKey)))
	case in.Verb != "":
		what = verbKind(string(in.Verb))
		attrs = append(attrs, AttrVerb.String(what))
	default:
		what = commandKind(in.Text)
		attrs = append(attrs, AttrCommand.String(what))
	}
	if id := conversation.NormaliseCaseID(in.CaseID); conversation.IsCaseID(id) {
		attrs = append(attrs, AttrCaseID.String(id))
	}
	return otel.Tracer(tracerName).Start(ctx, "step "+what, trace.WithAttributes(attrs...))
}

// endStep records how the step went on span and ends it: the case, its
// stage and the kinds of the events it appended, or the error's code.
func endStep(span trace.Span, reply Reply, err error) {
	defer span.End()
	if err != nil {
		code := conversation.ErrorCode(err)
		span.SetAttributes(AttrOutcome.String(code))
		if code == conversation.EINTERNAL {
			span.SetStatus(codes.Error, code) // the code only: an error's text may quote the case
		}
		return
	}
	span.SetAttributes(AttrOutcome.String("ok"))
	c := reply.Step
	if c == nil {
		return
	}
	kinds := make([]string, len(reply.stepEvents))
	for i, e := range reply.stepEvents {
		kinds[i] = string(e.Kind)
	}
	span.SetAttributes(AttrCaseID.String(c.ID), AttrEvents.StringSlice(kinds))
	if cur := c.Current(); cur != nil {
		span.SetAttributes(AttrStage.String(cur.Key))
	}
}

// verbKind is a verb from the fixed set, or "unknown".
func verbKind(v string) string {
	if pv, ok := ParseVerb(v); ok {
		return string(pv)
	}
	return "unknown"
}

// formKind is a form key from the fixed set: the intake, the profile or
// an action form by its verb; "unknown" otherwise.
func formKind(key string) string {
	switch {
	case key == FormIntake, key == FormProfile:
		return key
	case strings.HasPrefix(key, ActionFormPrefix):
		return ActionFormPrefix + verbKind(strings.TrimPrefix(key, ActionFormPrefix))
	}
	return "unknown"
}

// commandKind is the typed command's first word from the fixed set, or
// "other"; the rest of the text is never kept.
func commandKind(text string) string {
	word, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(text)), " ")
	switch word {
	case "", "?":
		return "help"
	case "help", "raise", "new", "profile", "list", "cases", "status", "show", "export", "report":
		return word
	}
	if v, ok := ParseVerb(word); ok {
		return string(v)
	}
	return "other"
}

// AttrEffect is the kind of outbox effect a delivery handles.
const AttrEffect = attribute.Key("resolvebot.effect")

// startDelivery starts the span of one outbox effect's delivery ("deliver
// message"), under which its store calls and platform calls appear, with
// the case id and the attempt.
func startDelivery(ctx context.Context, e conversation.Effect) (context.Context, trace.Span) {
	kind := "unknown"
	switch e.Kind {
	case conversation.EffectStep, conversation.EffectMessage, conversation.EffectRefresh, conversation.EffectUnreached,
		conversation.EffectDigest, conversation.EffectSummary:
		kind = string(e.Kind)
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, "deliver "+kind)
	if span.IsRecording() {
		span.SetAttributes(AttrEffect.String(kind), attribute.Int("resolvebot.attempt", e.Attempts))
		if conversation.IsCaseID(e.CaseID) {
			span.SetAttributes(AttrCaseID.String(e.CaseID))
		}
	}
	return ctx, span
}
