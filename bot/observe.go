package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/resolvebot/resolvebot/conversation"
)

// ObservationForm returns the form for logging an observed difference,
// with the directory's agencies, or nil when the protocol has no such
// report.
func (r *Router) ObservationForm() *conversation.Form {
	return conversation.ObservationForm(r.Engine.Protocol, r.People.Agencies())
}

// observeCommand answers "observe": the form for a conference chair or
// reviewing officer, and a refusal saying who can for anyone else.
func (r *Router) observeCommand(ctx context.Context, actor string) (Reply, error) {
	if err := r.Engine.MayLogObservation(ctx, actor); err != nil {
		return Reply{}, err
	}
	f := r.ObservationForm()
	return Reply{Messages: []Message{{Kind: "form", Title: f.Title, Text: f.Intro, Form: f}}}, nil
}

// observe logs a submitted observation. It opens no case: the reply says
// where the difference will be counted, and how to raise a disagreement
// instead.
func (r *Router) observe(ctx context.Context, in Inbound) (Reply, error) {
	val := func(k string) string { return strings.TrimSpace(in.Values[k]) }
	o, err := r.Engine.LogObservation(ctx, in.Actor, conversation.ObservationInput{
		AgencyA: val(conversation.FieldObservedAgencyA), AgencyB: val(conversation.FieldObservedAgencyB),
		Meeting: val(conversation.FieldObservedMeeting), Category: val(conversation.FieldCategory),
		Description: in.Values[conversation.FieldObservedText],
	})
	if err != nil {
		return Reply{}, err
	}
	r.Log.Info("observation logged", "observation", o.ID, "meeting", o.Meeting, "category", o.Category)
	od := r.Engine.Protocol.Observations
	text := fmt.Sprintf("The difference between %s and %s at a %s is logged as %s. It will be counted, by category and agencies, in the report to %s. No case has been opened: to challenge a decision, type \"raise\".",
		r.People.AgencyName(o.AgencyA), r.People.AgencyName(o.AgencyB), strings.ToLower(r.Engine.Protocol.MeetingLabel(o.Meeting)), o.ID, od.ReportTo)
	return Reply{Messages: []Message{{Kind: "notice", Tone: ToneSuccess, Title: "Difference logged", Text: text}}}, nil
}
