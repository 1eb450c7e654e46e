package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// The example directory's conference chair, under a protocol whose
// document has conference chairs report what they see.
const conferenceChair = "conference.chair@example.org"

// Wiltshire (001, 3.1) and Devon (003, 2.8; 002): the Conference and
// Reviewing Service, or the Independent Reviewing Unit, reports examples of
// inter-agency difference seen in child protection conferences and children
// in care reviews. A conference chair logs one with "observe"; it is
// counted by category and agency pair in the report to the group the
// document names, and opens no case. Nobody else may log one.
func TestConferenceChairLogsAnObservedDifference(t *testing.T) {
	sourceSays(t, "001", "The QA&P Sub Group will also expect the Conference and Reviewing Service to report on any examples of inter-agency difference that becomes apparent in the conduct of child protection conferences and/or children in care reviews.")
	sourceSays(t, "003", "The PDG will also expect the Independent Reviewing Unit to report on any examples of inter-agency difference that becomes apparent in the conduct of child protection conferences and/or children in care reviews.")
	sourceSays(t, "002", "The Business Group will also expect the Independent Reviewing Unit to report on any examples of inter-agency difference")
	tests := []struct {
		preset, service, reportTo, refusal string
	}{
		{"wiltshire", "Conference and Reviewing Service", "the QA&P Sub Group",
			"Only a conference chair or reviewing officer of the Conference and Reviewing Service can log a difference seen in a conference or review."},
		{"devon", "Independent Reviewing Unit", "the Practice Development Group (PDG) and the Business Group",
			"Only a conference chair or independent reviewing officer of the Independent Reviewing Unit can log a difference seen in a conference or review."},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			ctx := context.Background()
			env := bottest.New(t, bottest.Options{Preset: tt.preset})
			sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
			const manager = "partnership.manager@example.org"
			for _, who := range []string{sam, manager} {
				r := env.Router.Handle(ctx, bot.Inbound{Actor: who, Text: "observe"})
				if text := messageText(r.Messages...); !strings.Contains(text, tt.refusal) {
					t.Errorf("%s typing observe got:\n%s", who, text)
				}
			}
			if help := messageText(env.Router.Handle(ctx, bot.Inbound{Actor: sam, Text: "help"}).Messages...); !strings.Contains(help, "observe — log an inter-agency difference seen in a conference or review, for "+tt.reportTo) {
				t.Errorf("help:\n%s", help)
			}
			r := env.Router.Handle(ctx, bot.Inbound{Actor: conferenceChair, Text: "log difference"})
			if len(r.Messages) != 1 || r.Messages[0].Form == nil || r.Messages[0].Form.Key != conversation.FormObservation {
				t.Fatalf("the chair got no form: %s", messageText(r.Messages...))
			}
			if intro := r.Messages[0].Form.Intro; !strings.Contains(intro, tt.service) || !strings.Contains(intro, tt.reportTo) || !strings.Contains(intro, "not a dissent route and opens no case") {
				t.Errorf("form intro: %s", intro)
			}
			good := map[string]string{conversation.FieldObservedAgencyA: "police", conversation.FieldObservedAgencyB: "csc",
				conversation.FieldObservedMeeting: conversation.MeetingConference, conversation.FieldCategory: "threshold",
				conversation.FieldObservedText: "Police and social care apart on whether the threshold for a plan was met."}
			bad := []struct {
				name, field, value, want string
			}{
				{"an NHS number", conversation.FieldObservedText, "Child 943 476 5919 discussed.", "an NHS number"},
				{"the same agency twice", conversation.FieldObservedAgencyB, "police", "a difference is between two agencies"},
				{"no meeting", conversation.FieldObservedMeeting, "", "conference or a review"},
			}
			for _, b := range bad {
				values := map[string]string{}
				for k, v := range good {
					values[k] = v
				}
				values[b.field] = b.value
				r := env.Router.Handle(ctx, bot.Inbound{Actor: conferenceChair, FormKey: conversation.FormObservation, Values: values})
				if !strings.Contains(r.Errors[b.field], b.want) {
					t.Errorf("%s: errors %v", b.name, r.Errors)
				}
			}
			r = env.Router.Handle(ctx, bot.Inbound{Actor: conferenceChair, FormKey: conversation.FormObservation, Values: good})
			text := messageText(r.Messages...)
			if !strings.Contains(text, "Difference logged") || !strings.Contains(text, "No case has been opened") || !strings.Contains(text, tt.reportTo) {
				t.Fatalf("logged: %s", text)
			}
			second := map[string]string{}
			for k, v := range good {
				second[k] = v
			}
			second[conversation.FieldObservedAgencyA], second[conversation.FieldObservedAgencyB] = "csc", "police" // the same pair, the other way round
			second[conversation.FieldObservedMeeting] = conversation.MeetingReview
			env.Router.Handle(ctx, bot.Inbound{Actor: conferenceChair, FormKey: conversation.FormObservation, Values: second})
			if cs, _ := env.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
				t.Errorf("logging a difference opened %d cases", len(cs))
			}
			rep := messageText(env.Router.Handle(ctx, bot.Inbound{Actor: manager, Text: "report 2026-11"}).Messages...)
			want := "Differences seen in conferences and reviews (" + tt.service + ", for " + tt.reportTo + "): Logged: 2."
			if !strings.Contains(rep, want) || !strings.Contains(rep, "Children's Social Care (example) and Police Public Protection (example) 2") ||
				!strings.Contains(rep, "Child protection conference 1; Children in care review 1") {
				t.Errorf("report:\n%s\nwant %q", rep, want)
			}
			if strings.Contains(rep, "threshold for a plan") {
				t.Error("the report holds what was written")
			}
		})
	}
}

// Under a protocol whose document names no such report, nobody logs one.
func TestNoObservationsWithoutTheDocument(t *testing.T) {
	for _, preset := range []string{"rotherham", "plymouth", "generic"} {
		env := bottest.New(t, bottest.Options{Preset: preset})
		r := env.Router.Handle(context.Background(), bot.Inbound{Actor: "partnership.manager@example.org", Text: "observe"})
		if text := messageText(r.Messages...); !strings.Contains(text, "has no report of differences seen in conferences and reviews") {
			t.Errorf("%s: %s", preset, text)
		}
	}
}
