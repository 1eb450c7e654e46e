package teams

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// teamsCase raises a case by Sam against Alex, both installed on Teams.
func teamsCase(t *testing.T, h *harness) (sam, alex teamstest.User, c *conversation.Case) {
	t.Helper()
	samID := h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	alexID := h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	sam = h.user("Sam Teacher", "sam.teacher@example.org")
	alex = h.user("Alex Worker", "alex.worker@example.org")
	for _, u := range []teamstest.User{sam, alex} {
		h.post(t, h.client.Install(u), http.StatusOK)
	}
	res, err := h.env.Engine.Raise(context.Background(), samID, bottest.Intake(alexID, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	return sam, alex, res.Case
}

// TestExportIsASecureMessage: "export CR-… pdf" in Teams sends the record
// as cards in the 1:1 chat, every one marked OFFICIAL-SENSITIVE, holding the
// timeline, with a note on how to get the PDF; the export is recorded.
func TestExportIsASecureMessage(t *testing.T) {
	h := newHarness(t)
	sam, _, c := teamsCase(t, h)
	for i := range 40 { // a long timeline, so the record takes several messages
		if _, err := h.env.Engine.AddNote(context.Background(), conversation.Cmd{Actor: c.Raiser.PersonID, CaseID: c.ID},
			strings.Repeat("Phoned the duty desk again. ", 30)+"note "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	h.env.Discard(t) // the notes' messages are not what this is about
	h.connector.Reset()
	h.post(t, h.client.Message(sam, "export "+c.ID+" pdf"), http.StatusOK)
	sent := h.connector.Sent(sam.Conversation())
	if len(sent) < 2 {
		t.Fatalf("%d messages, want the record over several", len(sent))
	}
	var all strings.Builder
	for i, call := range sent {
		b, _ := json.Marshal(call.Body)
		if len(b) > maxCardBytes {
			t.Errorf("message %d is %d bytes", i, len(b))
		}
		text := teamstest.Text(call.Card())
		if !strings.HasPrefix(text, "OFFICIAL-SENSITIVE\n") || !strings.HasSuffix(text, "OFFICIAL-SENSITIVE\n") {
			t.Errorf("message %d is not marked top and bottom:\n%s", i, text)
		}
		if !strings.Contains(text, "Case record "+c.ID+" (part "+strconv.Itoa(i+1)+" of "+strconv.Itoa(len(sent))+")") {
			t.Errorf("message %d is not numbered", i)
		}
		all.WriteString(text)
	}
	for _, want := range []string{"resolvebot export " + c.ID + " --format pdf", "The disagreement", "Timeline", "note 39", c.ChildRef} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the record lacks %q", want)
		}
	}
	log, _ := h.env.Store.AuditLog(context.Background(), c.ID)
	if len(log) == 0 || log[len(log)-1].Kind != conversation.EventExported {
		t.Fatalf("access log %+v, want the export last", log)
	}
}

// TestExportRefusedInTeams: someone outside the case gets a clear refusal
// and nothing of the record.
func TestExportRefusedInTeams(t *testing.T) {
	h := newHarness(t)
	_, _, c := teamsCase(t, h)
	h.env.Person(t, "csc.manager@example.org", "CSC Manager", "csc", "")
	mgr := h.user("CSC Manager", "csc.manager@example.org")
	h.post(t, h.client.Install(mgr), http.StatusOK)
	h.post(t, h.client.Message(mgr, "export "+c.ID), http.StatusOK)
	text := teamstest.Text(h.lastSent(t, mgr).Card())
	if strings.Contains(text, "OFFICIAL-SENSITIVE") || strings.Contains(text, c.ChildRef) {
		t.Fatalf("a refused export shows the record:\n%s", text)
	}
	log, _ := h.env.Store.AuditLog(context.Background(), c.ID)
	if len(log) == 0 || log[len(log)-1].Kind != conversation.EventAccessRefused {
		t.Fatalf("access log %+v, want the refusal last", log)
	}
}

// TestReportChartInline: the partnership manager's report arrives as a card,
// its chart as an inline PNG, and a note on getting the CSV and PDF, which
// Teams cannot take from a bot.
func TestReportChartInline(t *testing.T) {
	h := newHarness(t)
	teamsCase(t, h)
	pm := h.user("Partnership Manager", "partnership.manager@example.org")
	h.post(t, h.client.Install(pm), http.StatusOK)
	h.connector.Reset()
	h.post(t, h.client.Message(pm, "report 2026-11"), http.StatusOK)
	sent := h.connector.Sent(pm.Conversation())
	if len(sent) != 3 || !strings.Contains(teamstest.Text(sent[0].Card()), "Case resolution report") ||
		!strings.Contains(teamstest.Text(sent[2].Card()), "resolvebot report --format csv") {
		t.Fatalf("%d messages", len(sent))
	}
	atts, _ := sent[1].Body["attachments"].([]any)
	img, _ := atts[0].(map[string]any)
	if img["contentType"] != "image/png" || !strings.HasPrefix(img["contentUrl"].(string), "data:image/png;base64,iVBOR") {
		t.Fatalf("chart attachment %v", img["contentType"])
	}
}

// TestImageTooLargeForTeams: an inline image Teams refuses with 413 is
// replaced by a notice saying how to get the chart.
func TestImageTooLargeForTeams(t *testing.T) {
	h := newHarness(t)
	sam, _, _ := teamsCase(t, h)
	h.connector.Reset()
	h.connector.FailNext("", http.StatusRequestEntityTooLarge)
	img := imageActivity(nil, bot.Attachment{Name: "c.png", ContentType: "image/png", Data: []byte("\x89PNG")})
	if _, err := h.adapter.sendActivity(context.Background(), h.connector.URL(), sam.Conversation(), img); err != nil {
		t.Fatal(err)
	}
	if text := teamstest.Text(h.lastSent(t, sam).Card()); !strings.Contains(text, "resolvebot report --format png") {
		t.Fatalf("no notice in place of the chart:\n%s", text)
	}
	// An image over the size Teams takes is not even tried.
	big := imageActivity(nil, bot.Attachment{Name: "c.png", ContentType: "image/png", Data: make([]byte, maxActivityBytes)})
	if isImage(big) {
		t.Fatal("an oversized image was sent inline")
	}
}

// TestSplitText keeps every rune and cuts at line breaks.
func TestSplitText(t *testing.T) {
	s := strings.Repeat("line of text\n", 1000)
	parts := splitText(s, 4000)
	if strings.Join(parts, "\n") != s {
		t.Fatal("splitText lost text")
	}
	for _, p := range parts {
		if len([]rune(p)) > 4000 {
			t.Fatalf("part of %d runes", len([]rune(p)))
		}
	}
}

// TestOutsiderCannotProbeCaseIds: a card action or a typed status from
// someone outside a case is answered exactly as for an id that does not
// exist.
func TestOutsiderCannotProbeCaseIds(t *testing.T) {
	h := newHarness(t)
	_, _, c := teamsCase(t, h)
	h.env.Person(t, "csc.manager@example.org", "CSC Manager", "csc", "")
	mgr := h.user("CSC Manager", "csc.manager@example.org")
	h.post(t, h.client.Install(mgr), http.StatusOK)
	const unknown = "CR-2026-0404"
	invoke := func(id string) string {
		answer := h.post(t, h.client.Execute(mgr, "act-x", string(conversation.VerbAcknowledge),
			map[string]any{dataCase: id, dataVersion: strconv.FormatInt(c.Version, 10)}), http.StatusOK)
		b, _ := json.Marshal(answer)
		return strings.ReplaceAll(string(b), id, "ID")
	}
	typed := func(id string) string {
		h.post(t, h.client.Message(mgr, "status "+id), http.StatusOK)
		return strings.ReplaceAll(teamstest.Text(h.lastSent(t, mgr).Card()), id, "ID")
	}
	for name, answer := range map[string]func(string) string{"invoke": invoke, "typed status": typed} {
		real, none := answer(c.ID), answer(unknown)
		if real != none {
			t.Errorf("%s: a real case and an unknown one differ:\nreal:    %s\nunknown: %s", name, real, none)
		}
		if !strings.Contains(real, "I can't find a case ID that you're part of") {
			t.Errorf("%s answer: %s", name, real)
		}
	}
	log, _ := h.env.Store.AuditLog(context.Background(), c.ID)
	if len(log) != 2 {
		t.Errorf("access log %+v, want the refused press and the refused view", log)
	}
}

// TestTamperedCardData: an Action.Execute whose version was tampered with
// (negative, too big, not a number) is answered with the case as it
// stands, never silence, and changes nothing. (A step that does not exist
// gets bot.UnknownButton; see TestUnknownButtons.)
func TestTamperedCardData(t *testing.T) {
	h := newHarness(t)
	_, alex, c := teamsCase(t, h)
	for _, tt := range []struct{ verb, version string }{
		{string(conversation.VerbAcknowledge), "-5"},
		{string(conversation.VerbAcknowledge), "99999999999999999999"},
		{string(conversation.VerbAcknowledge), "two"},
		{string(conversation.VerbAcknowledge), strconv.FormatInt(1<<62, 10)},
	} {
		t.Run(tt.verb+" "+tt.version, func(t *testing.T) {
			answer := h.post(t, h.client.Execute(alex, "act-x", tt.verb, map[string]any{dataCase: c.ID, dataVersion: tt.version}), http.StatusOK)
			b, _ := json.Marshal(answer)
			if !strings.Contains(string(b), "That button is out of date or damaged.") || !strings.Contains(string(b), c.ChildRef) {
				t.Errorf("answer %s, want the case with a word on the damaged button", b)
			}
			if got, _ := h.env.Store.GetCase(context.Background(), c.ID); got.Version != c.Version {
				t.Error("a tampered card changed the case")
			}
		})
	}
}
