package teams

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// toggle returns the identifier confirmation input of a card, or nil.
func toggle(card map[string]any) map[string]any {
	body, _ := card["body"].([]any)
	for _, e := range body {
		if m, _ := e.(map[string]any); m["id"] == bot.FieldConfirmIdentifiers {
			return m
		}
	}
	return nil
}

// TestTeamsIdentifierWarning: an NHS number in the intake's concern brings
// the card back with every answer, the warning on the concern and a toggle
// to confirm, and opens nothing; with the toggle on the same answers go
// through; with the number taken out they go through without it.
func TestTeamsIdentifierWarning(t *testing.T) {
	for _, then := range []string{"confirm", "edit"} {
		t.Run(then, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
			h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
			sam := h.user("Sam Teacher", "sam.teacher@example.org")
			h.post(t, h.client.Install(sam), http.StatusOK)
			h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
			formID := h.activityIDOf(t, h.lastSent(t, sam))

			values := intakeValues("alex.worker@example.org")
			values["concern"] = "Attendance has fallen; NHS number 943 476 5919 is on the referral."
			card := cardOf(t, h.post(t, h.client.Execute(sam, formID, "submit", values), http.StatusOK))
			tg := toggle(card)
			if tg == nil || tg["type"] != "Input.Toggle" || tg["valueOn"] != "yes" {
				t.Fatalf("no confirmation toggle:\n%s", teamstest.Text(card))
			}
			text := teamstest.Text(card)
			for _, want := range []string{"NHS number", "943 476 5919", "CSC-204913", "Some answers look like"} {
				if !strings.Contains(text, want) {
					t.Errorf("the card lacks %q:\n%s", want, text)
				}
			}
			if cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
				t.Fatal("a case was opened before the warning was answered")
			}

			if then == "confirm" {
				values[bot.FieldConfirmIdentifiers] = "yes"
			} else {
				values["concern"] = "Attendance has fallen; the NHS number is on the referral."
				values[bot.FieldConfirmIdentifiers] = "no"
			}
			card = cardOf(t, h.raise(t, sam, formID, values))
			if text := teamstest.Text(card); !strings.Contains(text, "is open at") {
				t.Fatalf("%s: not raised:\n%s", then, text)
			}
			cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
			if len(cs) != 1 || cs[0].Concern != values["concern"] {
				t.Fatalf("%s: %d cases", then, len(cs))
			}
		})
	}
}

// TestTeamsStaleIdentifierQuestionGoes: after an identifier warning,
// taking the details out while another answer still needs a look brings
// the card back without the toggle or the old warning, with the remaining
// problem shown and the answers as now typed.
func TestTeamsStaleIdentifierQuestionGoes(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	formID := h.activityIDOf(t, h.lastSent(t, sam))
	values := intakeValues("alex.worker@example.org")
	values["concern"] = "Attendance has fallen; NHS number 943 476 5919 is on the referral."
	card := cardOf(t, h.post(t, h.client.Execute(sam, formID, verbSubmit, values), http.StatusOK))
	if toggle(card) == nil {
		t.Fatalf("no identifier warning:\n%s", teamstest.Text(card))
	}
	values["concern"] = "Attendance has fallen; the number is on the referral."
	values["decision"] = ""
	values[bot.FieldConfirmIdentifiers] = "no"
	card = cardOf(t, h.post(t, h.client.Execute(sam, formID, verbSubmit, values), http.StatusOK))
	text := teamstest.Text(card)
	if toggle(card) != nil || strings.Contains(text, "NHS number") || strings.Contains(text, "Some answers look like") {
		t.Errorf("the identifier question or warning outlived the details:\n%s", text)
	}
	if !strings.Contains(text, "Please answer this question.") || !strings.Contains(text, "the number is on the referral") {
		t.Errorf("the card lacks the remaining problem or the answers as typed:\n%s", text)
	}
}
