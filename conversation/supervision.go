package conversation

import (
	"context"
	"time"
)

// FieldSupervisionSought is the question, asked with a request for
// mediation, whether the person has sought supervision about the
// disagreement. Wiltshire's protocol (4.1c): "Any review of individual
// escalations will necessarily involve a review of the supervision and
// guidance available to those involved."
const FieldSupervisionSought = "supervision_sought"

// MediationInput is a request for mediation on a stuck case: what it
// should help with, and whether supervision was sought ("yes", "no", or ""
// when not asked).
type MediationInput struct {
	Reason            string
	SupervisionSought string
}

// RequestMediationWith asks the partnership for mediation for a case the
// managers could not resolve, recording whether the person sought
// supervision about it (the event's "supervision_sought" field). Returns
// EINVALID without a reason or with an answer other than yes or no, and the
// errors of the step otherwise (see Protocol.Allowed).
func (e *Engine) RequestMediationWith(ctx context.Context, cmd Cmd, in MediationInput) (*Result, error) {
	fe := FieldErrors{}
	reason := checkText(fe, "reason", in.Reason, MaxLongText, Msg("error.add.mediation_reason", nil))
	sought := ""
	if in.SupervisionSought != "" {
		yes, ok := ParseYesNo(in.SupervisionSought)
		switch {
		case !ok:
			fe.Add(FieldSupervisionSought, Msg("error.supervision.answer", nil))
		case yes:
			sought = "yes"
		default:
			sought = "no"
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbMediation, func(c *Case, a Actor, now time.Time) error {
		c.Mediation = true
		ev := event(c, EventMediationRequested, a, now, reason)
		if sought != "" {
			ev.Fields = map[string]string{FieldSupervisionSought: sought}
		}
		c.append(ev)
		return nil
	})
}
