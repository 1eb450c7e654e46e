package bot

import (
	"context"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// ObservationForm returns the form for logging an observed difference,
// with the directory's agencies, or nil when the protocol has no such
// report: the first partnership's, on a deployment of several (see
// ObservationFormFor).
func (r *Router) ObservationForm() *conversation.Form { return r.ObservationFormFor("") }

// chairProtocol returns the protocol a conference chair's observations are
// logged under: that of the partnership whose directory lists them (see
// People.ChairPartnership), else the first partnership's.
func (r *Router) chairProtocol(person string) *conversation.Protocol {
	return r.Engine.RulesFor(r.People.ChairPartnership(person)).Protocol
}

// ObservationFormFor returns the form for logging an observed difference
// as ObservationForm does, under the protocol of the partnership that
// lists person as a conference chair.
func (r *Router) ObservationFormFor(person string) *conversation.Form {
	f := conversation.ObservationForm(r.chairProtocol(person), r.People.Agencies())
	if f != nil {
		f.Submit = r.Cards.SubmitLabel(f.Key)
	}
	return f
}

// observeCommand answers "observe": the form for a conference chair or
// reviewing officer, and a refusal saying who can for anyone else.
func (r *Router) observeCommand(ctx context.Context, actor string) (Reply, error) {
	if err := r.Engine.MayLogObservation(ctx, actor); err != nil {
		return Reply{}, err
	}
	f := r.ObservationFormFor(actor)
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
	p := r.chairProtocol(in.Actor)
	od := p.Observations
	text := r.Cards.Say("observe.logged", messages.Args{"agency_a": r.People.AgencyName(o.AgencyA), "agency_b": r.People.AgencyName(o.AgencyB),
		"meeting": strings.ToLower(p.MeetingLabel(o.Meeting)), "id": o.ID, "report_to": od.ReportTo})
	return Reply{Messages: []Message{{Kind: "notice", Tone: ToneSuccess, Title: r.Cards.Say("observe.logged.title", nil), Text: text}}}, nil
}
