package conversation

import (
	"github.com/resolvebot/resolvebot/bot/messages"

	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ObservedDifferences says who reports the inter-agency differences that
// become apparent in child protection conferences and children in care
// reviews, and to whom. Wiltshire (001, 3.1): "The QA&P Sub Group will
// also expect the Conference and Reviewing Service to report on any
// examples of inter-agency difference that becomes apparent in the conduct
// of child protection conferences and/or children in care reviews." Devon
// (003, 2.8) says the same of the Independent Reviewing Unit and the
// Practice Development Group, and 002 of the Business Group. It is a report,
// not a dissent route: logging a difference opens no case.
type ObservedDifferences struct {
	// Service is the service that reports them, as the document names it,
	// e.g. "Conference and Reviewing Service".
	Service string `yaml:"service" json:"service"`
	// Role is who in the service logs one, e.g. "conference chair or
	// reviewing officer"; the directory's conference_chairs hold it.
	Role string `yaml:"role" json:"role"`
	// ReportTo is who they are reported to, e.g. "the QA&P Sub Group".
	ReportTo string `yaml:"report_to" json:"report_to"`
}

// RoleConferenceChair is the role of the people who may log an observed
// inter-agency difference (see ObservedDifferences): conference chairs and
// reviewing officers. It grants no sight of any case.
const RoleConferenceChair = "conference_chair"

// Meetings where a difference can be observed.
const (
	MeetingConference = "conference" // a child protection conference
	MeetingReview     = "review"     // a children in care review
)

// MeetingLabel names a meeting kind in plain English, in the protocol's
// wording.
func (p *Protocol) MeetingLabel(m string) string {
	switch m {
	case MeetingConference:
		return p.Wording().Text("label.meeting.conference", nil)
	case MeetingReview:
		return p.Wording().Text("label.meeting.review", nil)
	}
	return m
}

// MaxObservationText is the longest description of an observed
// difference, in characters.
const MaxObservationText = 500

// Observation is one inter-agency difference a conference chair or
// reviewing officer saw in a conference or review. It names agencies, the
// kind of meeting and a category, and describes the difference in a few
// words that name no child; it belongs to no case.
type Observation struct {
	ID          string    `json:"id"` // set by the store, e.g. OB-2026-11-27-0001
	At          time.Time `json:"at"`
	By          string    `json:"by"` // person id of who logged it
	AgencyA     string    `json:"agency_a"`
	AgencyB     string    `json:"agency_b"`
	Meeting     string    `json:"meeting"` // MeetingConference or MeetingReview
	Category    string    `json:"category"`
	Description string    `json:"description"` // free text; never logged
	// Partnership is the id of the partnership whose directory lists who
	// logged it, on a deployment of several; "" on one of one, and on one
	// logged before partnerships were recorded, which counts for the first
	// partnership (see Engine.ObservationsOf).
	Partnership string `json:"partnership,omitempty"`
}

// ObservationStore is an optional capability of a Store: it keeps logged
// observations. Every implementation must pass storetest.Observations.
type ObservationStore interface {
	// AddObservation stores o, setting its ID. Returns EINTERNAL on
	// failure.
	AddObservation(ctx context.Context, o *Observation) error
	// Observations returns the observations logged in [from, to), oldest
	// first. Returns EINTERNAL on failure.
	Observations(ctx context.Context, from, to time.Time) ([]Observation, error)
	// RewriteObservations calls fn on every stored observation, oldest
	// first, and stores again, in place, each one fn reports changed (fn
	// must not change its ID or At). It is for re-sealing under a new key.
	// Returns how many it rewrote, fn's error unchanged, or EINTERNAL on
	// failure; what was rewritten before an error stays rewritten.
	RewriteObservations(ctx context.Context, fn func(o *Observation) (changed bool, err error)) (int, error)
	// DeleteObservationsBefore deletes every observation logged before
	// cutoff, for retention, and returns how many it deleted. Returns
	// EINTERNAL on failure.
	DeleteObservationsBefore(ctx context.Context, cutoff time.Time) (int, error)
}

// ObservationInput is what a conference chair or reviewing officer logs.
type ObservationInput struct {
	AgencyA, AgencyB string
	Meeting          string
	Category         string
	Description      string
}

// LogObservation records an inter-agency difference the actor saw in a
// conference or review, for the partnership report; it opens no case.
// Returns EINVALID when the protocol has no such report, for a missing or
// unknown answer, the same agency twice, or a description that holds an
// identifier (it is reported upward and must name no child or family);
// EFORBIDDEN for anyone who is not a conference chair or reviewing officer;
// EINTERNAL when the store cannot keep observations or fails.
func (e *Engine) LogObservation(ctx context.Context, actor string, in ObservationInput) (*Observation, error) {
	if err := e.MayLogObservation(ctx, actor); err != nil {
		return nil, err
	}
	partnership := e.chairPartnership(actor)
	proto := e.RulesFor(partnership).Protocol
	od := proto.Observations
	fe := FieldErrors{}
	in.AgencyA, in.AgencyB = strings.TrimSpace(in.AgencyA), strings.TrimSpace(in.AgencyB)
	if in.AgencyA == "" {
		fe.Add(FieldObservedAgencyA, Msg("error.observation.agency_a", nil))
	}
	if in.AgencyB == "" {
		fe.Add(FieldObservedAgencyB, Msg("error.observation.agency_b", nil))
	} else if in.AgencyB == in.AgencyA {
		fe.Add(FieldObservedAgencyB, Msg("error.observation.same_agency", nil))
	}
	if in.Meeting != MeetingConference && in.Meeting != MeetingReview {
		fe.Add(FieldObservedMeeting, Msg("error.observation.meeting", nil))
	}
	if !slices.ContainsFunc(proto.Categories, func(c Category) bool { return c.Key == in.Category }) {
		fe.Add(FieldCategory, Msg("error.category.choose", nil))
	}
	desc := checkText(fe, FieldObservedText, in.Description, MaxObservationText, Msg("error.add.observation", nil))
	if found := DetectIdentifiers(desc); len(found) > 0 && fe[FieldObservedText].Key == "" {
		fe.Add(FieldObservedText, Msg("error.observation.identifiers", messages.Args{"kinds": IdentifierNames(found), "body": od.ReportTo}))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	st, ok := e.Store.(ObservationStore)
	if !ok {
		return nil, Internal("log observation", fmt.Errorf("the store keeps no observations"))
	}
	o := &Observation{At: e.now(), By: actor, AgencyA: in.AgencyA, AgencyB: in.AgencyB, Meeting: in.Meeting, Category: in.Category, Description: desc,
		Partnership: partnership}
	if err := st.AddObservation(ctx, o); err != nil {
		return nil, Internal("add observation", err)
	}
	return o, nil
}

// MayLogObservation returns nil when actor may log an observed difference:
// the protocol has such a report and they are a conference chair or
// reviewing officer. Returns EINVALID when the protocol has none,
// EFORBIDDEN for anyone else, saying who can, and EINTERNAL when the
// directory fails.
func (e *Engine) MayLogObservation(ctx context.Context, actor string) error {
	p := e.RulesFor(e.chairPartnership(actor)).Protocol
	od := p.Observations
	if od == nil {
		return Invalid("refusal.observation.not_in_protocol", messages.Args{"protocol": p.Name})
	}
	a, err := e.Actor(ctx, actor)
	if err != nil {
		return err
	}
	if !a.Holds(RoleConferenceChair) {
		return Forbidden("refusal.observation.role_only", messages.Args{"role": od.Role, "service": od.Service})
	}
	return nil
}

// Observations returns the observations logged in [from, to), for the
// partnership report, or none when the store keeps none. Returns EINTERNAL
// on store failure.
func (e *Engine) Observations(ctx context.Context, from, to time.Time) ([]Observation, error) {
	st, ok := e.Store.(ObservationStore)
	if !ok {
		return nil, nil
	}
	obs, err := st.Observations(ctx, from, to)
	if err != nil {
		return nil, Internal("list observations", err)
	}
	return obs, nil
}

// The observation form's fields.
const (
	FieldObservedAgencyA = "agency_a"
	FieldObservedAgencyB = "agency_b"
	FieldObservedMeeting = "meeting"
	FieldObservedText    = "description"
)

// ObservationForm returns the questions for logging an observed difference
// under p, with agencies as the choices, or nil when p has no such report.
func ObservationForm(p *Protocol, agencies []Option) *Form {
	od := p.Observations
	if od == nil {
		return nil
	}
	w := p.Wording()
	cats := make([]Option, 0, len(p.Categories))
	for _, c := range p.Categories {
		cats = append(cats, Option{Value: c.Key, Label: c.Name})
	}
	return &Form{
		Key:   FormObservation,
		Title: w.Text("observation.title", nil),
		Intro: w.Text("observation.intro", messages.Args{"role": od.Role, "service": od.Service, "report_to": od.ReportTo}),
		Fields: []Field{
			{Key: FieldObservedAgencyA, Type: FieldAgency, Required: true, Options: agencies, Label: w.Text("observation.agency_a", nil)},
			{Key: FieldObservedAgencyB, Type: FieldAgency, Required: true, Options: agencies, Label: w.Text("observation.agency_b", nil)},
			{Key: FieldObservedMeeting, Type: FieldSelect, Required: true, Label: w.Text("observation.meeting", nil),
				Options: []Option{{Value: MeetingConference, Label: p.MeetingLabel(MeetingConference)}, {Value: MeetingReview, Label: p.MeetingLabel(MeetingReview)}}},
			{Key: FieldCategory, Type: FieldSelect, Required: true, Options: cats, Label: w.Text("observation.category", nil)},
			{Key: FieldObservedText, Type: FieldTextarea, Required: true, MaxLen: MaxObservationText, Label: w.Text("observation.text", nil),
				Help: w.Text("observation.text.help", nil)},
		},
	}
}

// FormObservation is the key of the observation form.
const FormObservation = "observation"

// RecordObservation is the record kind of a stored Observation, for
// DecodeRecord.
const RecordObservation = "observation"

// ObservationID makes an observation's id from when it was logged and the
// store's sequence number for it: "OB-2026-0007".
func ObservationID(at time.Time, seq uint64) string {
	return fmt.Sprintf("OB-%d-%04d", at.Year(), seq)
}
