package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// TestSuggestionsAreTheirOwnCasesPeople: a form that names a person
// suggests the people on the person's own cases, and nobody else known to
// the bot.
func TestSuggestionsAreTheirOwnCasesPeople(t *testing.T) {
	w := newWorld(t)
	w.raise()
	gp := w.browser().signIn(gpEmail)
	gp.get("/web/profile").expect(http.StatusOK, `<datalist id="people-list">`, `<option value="`+samEmail+`">Sam Patel</option>`)
	if strings.Contains(gp.body, robinEmail) {
		t.Fatal("the suggestions name someone on none of the GP's cases")
	}
	robin := w.browser().signIn(robinEmail)
	robin.get("/web/profile").expect(http.StatusOK, `<datalist id="people-list">`)
	if strings.Contains(robin.body, samEmail) || strings.Contains(robin.body, gpEmail) {
		t.Fatal("Robin, on no case, is offered people from others' cases")
	}
}

// TestProfileAndRaiseOnTheWeb: someone without an agency who asks to
// raise is asked for their profile first, then raises through the same
// questions as in chat and lands on the new case; a wrong answer keeps
// every answer and says what to fix.
func TestProfileAndRaiseOnTheWeb(t *testing.T) {
	w := newWorld(t)
	w.raise()
	gp := w.browser().signIn(gpEmail)
	gp.get("/web/raise").expect(http.StatusOK, "Before you raise a disagreement", "Your agency")
	if !strings.Contains(gp.url, "/web/profile?next=%2Fweb%2Fraise") && !strings.Contains(gp.url, "/web/profile?next=/web/raise") {
		t.Fatalf("not sent to the profile first: %s", gp.url)
	}
	gp.submit("/web/profile", url.Values{"name": {"Dr Jones"}, "agency": {"health-visiting"}, "manager": {""}, "next": {"/web/raise"}}).
		expect(http.StatusOK, "Profile saved", "Is a child at immediate risk")
	answers := url.Values{"immediate_risk": {"no"}, "about": {conversation.AboutOtherAgency}, "child_ref": {"NHS-99812"}, "raiser_agency": {"health-visiting"},
		"respondent": {samEmail}, "respondent_agency": {"school"}, "category": {"threshold"},
		"decision": {"The school declined to refer."}, "concern": {"Repeated injuries noted at appointments."},
		"evidence_kind": {string(conversation.EvidenceDocumented)}, "evidence": {"Clinic notes."}, "outcome_sought": {"A referral to children's services."},
		"urgency": {string(conversation.UrgencyStandard)}, "reflection": {"discussed_with_lead", "child_best_interest"}, "family_informed": {"no"}, "serious_concern": {"no"}}
	bad := url.Values{}
	for k, v := range answers {
		bad[k] = v
	}
	bad.Del("decision")
	gp.submit("/web/raise", bad).expect(http.StatusBadRequest, "There is a problem", "NHS-99812", "Repeated injuries noted")
	// A child at immediate risk is sent to the front door, not into the process.
	urgent := url.Values{"immediate_risk": {"yes"}}
	gp.get("/web/raise")
	gp.submit("/web/raise", urgent).expect(http.StatusOK, "Please act now")
	gp.get("/web/raise")
	gp.submit("/web/raise", answers).expect(http.StatusOK, "Check your answers before sending", "NHS-99812", "Sam Patel ("+samEmail+")",
		`href="/web/raise?change=child_ref"`)
	if cs, _ := w.env.Store.ListCases(context.Background(), conversation.CaseFilter{}); len(cs) != 1 {
		t.Fatalf("checking the answers opened a case: %d cases", len(cs))
	}
	// Change one answer: the form comes back with every answer in place
	// and the focus on that question.
	gp.get("/web/raise?change=child_ref").expect(http.StatusOK, `value="NHS-99812" autofocus`, "Repeated injuries noted")
	answers.Set("child_ref", "NHS-99813")
	gp.submit("/web/raise", answers).expect(http.StatusOK, "Check your answers before sending", "NHS-99813")
	digest := hiddenValue(t, gp.body, "digest")
	gp.submit("/web/raise/send", url.Values{"digest": {"stale"}}).expect(http.StatusOK, "Your answers changed after they were shown")
	gp.submit("/web/raise/send", url.Values{"digest": {digest}}).expect(http.StatusOK, "Your disagreement is raised as case CR-2026-0002", "NHS-99813")
	if !strings.HasSuffix(gp.url, "/web/cases/CR-2026-0002") {
		t.Fatalf("after raising the GP is at %s", gp.url)
	}
}

// TestStepPagesChangeNothing: opening a step's page (a GET: its form, or
// its "are you sure" question) changes nothing; only its POST takes the
// step, and a person who may not take it is told so and nothing changes.
func TestStepPagesChangeNothing(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	gp := w.browser().signIn(gpEmail)
	gp.get("/web/cases/"+c.ID+"/acknowledge?version=1").expect(http.StatusOK, "Acknowledge")
	gp.get("/web/cases/"+c.ID+"/respond?version=1").expect(http.StatusOK, "Your response")
	sam := w.browser().signIn(samEmail)
	sam.get("/web/cases/"+c.ID+"/acknowledge?version=1").expect(http.StatusConflict, "You cannot take this step now")
	sam.get("/web/cases/" + c.ID)
	sam.submit("/web/cases/"+c.ID+"/acknowledge", url.Values{"version": {"1"}}).expect(http.StatusConflict)
	got, err := w.env.Store.GetCase(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != c.Version || got.Current().Acknowledged() {
		t.Fatalf("opening step pages changed the case (version %d → %d)", c.Version, got.Version)
	}
	gp.get("/web/cases/"+c.ID+"/acknowledge?version=1").submit("/web/cases/"+c.ID+"/acknowledge", url.Values{"version": {"1"}}).
		expect(http.StatusOK, "You acknowledged")
}
