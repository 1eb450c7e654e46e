package slack

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// nhsConcern holds a valid NHS number (check digit verified).
const nhsConcern = "Attendance has fallen; NHS number 943 476 5919 is on the referral."

// inputOf returns the input block with blockID in a view, or nil.
func inputOf(view map[string]any, blockID string) map[string]any {
	for _, b := range view["blocks"].([]any) {
		if bm := b.(map[string]any); bm["type"] == "input" && bm["block_id"] == blockID {
			return bm
		}
	}
	return nil
}

// TestIntakeIdentifierWarning: an NHS number in the concern keeps the modal
// open with every answer, a warning under the concern and the confirmation
// question, and opens nothing; ticked, the same answers go through; with the
// number taken out, they go through without confirming.
func TestIntakeIdentifierWarning(t *testing.T) {
	for _, socket := range []bool{false, true} {
		for _, then := range []string{"confirm", "edit"} {
			h := newHarness(t, socket)
			ctx := context.Background()
			h.env.Person(t, sam.Email, sam.Name, "school", schoolMg.Email)
			h.command(sam, "", "trig-i")
			intake := h.openedView("trig-i")
			answers := copyAnswers(intakeAnswers)
			answers[conversation.FieldConcern] = nhsConcern

			r := h.submit(sam, "Vtrig-i", intake, answers)
			if r.Body["response_action"] != "update" {
				t.Fatalf("submission with an NHS number: %s", r.Raw)
			}
			warned := r.Body["view"].(map[string]any)
			if inputOf(warned, bot.FieldConfirmIdentifiers) == nil {
				t.Fatalf("no confirmation question: %s", r.Raw)
			}
			concern := inputOf(warned, conversation.FieldConcern)
			if v, _ := concern["element"].(map[string]any)["initial_value"].(string); v != nhsConcern {
				t.Fatalf("the concern was not kept: %q", v)
			}
			ref := inputOf(warned, conversation.FieldChildRef)
			if v, _ := ref["element"].(map[string]any)["initial_value"].(string); v != "CSC-204913" {
				t.Fatalf("other answers were not kept: %q", v)
			}
			if !strings.Contains(r.Raw, "error_"+conversation.FieldConcern) || !strings.Contains(r.Raw, "NHS number") {
				t.Fatalf("no warning under the concern: %s", r.Raw)
			}
			if meta, _ := decodeMeta(warned["private_metadata"].(string)); meta.Form != bot.FormIntake {
				t.Fatalf("metadata %+v", meta)
			}
			if cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
				t.Fatal("a case was opened before the warning was answered")
			}

			want := nhsConcern
			if then == "confirm" {
				answers[bot.FieldConfirmIdentifiers] = "yes"
			} else {
				want = "Attendance has fallen; the NHS number is on the referral."
				answers[conversation.FieldConcern] = want
			}
			r = h.submit(sam, "Vtrig-i", warned, answers)
			r = h.sendChecked(sam, "Vtrig-i", r)
			if r.Body["response_action"] != "clear" {
				t.Fatalf("%s: %s", then, r.Raw)
			}
			cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
			if len(cs) != 1 || cs[0].Concern != want {
				t.Fatalf("%s: %d cases", then, len(cs))
			}
		}
	}
}

// TestActionFormIdentifierWarning: a response with an NHS number is held
// back with the warning; confirmed, it is recorded.
func TestActionFormIdentifierWarning(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	h.command(jo, "list", "t0") // links Jo's Slack user
	r0 := h.interact(pressPayload(h, jo, "D02JO", "rb_respond", "respond|"+c.ID+"|"+strconv.FormatInt(c.Version, 10), "trig-r"))
	if r0.Status != 200 {
		t.Fatalf("press: %d", r0.Status)
	}
	form := h.openedView("trig-r")
	answers := map[string]string{"text": "Seen the child at home, " + "NHS number 943 476 5919."}
	r := h.submit(jo, "Vtrig-r", form, answers)
	if r.Body["response_action"] != "update" || inputOf(r.Body["view"].(map[string]any), bot.FieldConfirmIdentifiers) == nil {
		t.Fatalf("response with an NHS number: %s", r.Raw)
	}
	got, _ := h.env.Store.GetCase(context.Background(), c.ID)
	if got.Version != c.Version {
		t.Fatal("the warned response changed the case")
	}
	answers[bot.FieldConfirmIdentifiers] = "yes"
	if r := h.submit(jo, "Vtrig-r", r.Body["view"].(map[string]any), answers); r.Body["response_action"] != "clear" {
		t.Fatalf("confirmed response: %s", r.Raw)
	}
	got, _ = h.env.Store.GetCase(context.Background(), c.ID)
	if last := got.Events[len(got.Events)-1]; last.Kind != conversation.EventResponse || last.Text != answers["text"] {
		t.Fatalf("last event %s", last.Kind)
	}
}

// TestStaleIdentifierQuestionGoes: after an identifier warning, taking the
// details out while another answer still needs a look brings the modal
// back without the confirmation question or the old warning, with the
// remaining problem under its question and every answer kept.
func TestStaleIdentifierQuestionGoes(t *testing.T) {
	h := newHarness(t, false)
	h.env.Person(t, sam.Email, sam.Name, "school", schoolMg.Email)
	h.command(sam, "", "trig-s")
	answers := copyAnswers(intakeAnswers)
	answers[conversation.FieldConcern] = nhsConcern
	r := h.submit(sam, "Vtrig-s", h.openedView("trig-s"), answers)
	warnedView, _ := r.Body["view"].(map[string]any)
	if inputOf(warnedView, bot.FieldConfirmIdentifiers) == nil {
		t.Fatalf("no identifier warning: %s", r.Raw)
	}
	answers[conversation.FieldConcern] = "Attendance has fallen; the number is on the referral."
	answers[conversation.FieldDecision] = ""
	r = h.submit(sam, "Vtrig-s", warnedView, answers)
	if r.Body["response_action"] != "update" {
		t.Fatalf("the stale question stays (response_action %v): %s", r.Body["response_action"], r.Raw)
	}
	again := r.Body["view"].(map[string]any)
	if inputOf(again, bot.FieldConfirmIdentifiers) != nil || strings.Contains(r.Raw, "NHS number") || strings.Contains(r.Raw, "error_"+conversation.FieldConcern) {
		t.Errorf("the identifier question or warning outlived the details: %s", r.Raw)
	}
	if !strings.Contains(r.Raw, "error_"+conversation.FieldDecision) || !strings.Contains(r.Raw, "Please answer this question.") {
		t.Errorf("the missing answer is not shown under its question: %s", r.Raw)
	}
	c := inputOf(again, conversation.FieldConcern)
	if v, _ := c["element"].(map[string]any)["initial_value"].(string); v != answers[conversation.FieldConcern] {
		t.Errorf("the concern as now typed was not kept: %q", v)
	}
	if meta, _ := decodeMeta(again["private_metadata"].(string)); meta.Form != bot.FormIntake {
		t.Errorf("metadata %+v", meta)
	}
}
