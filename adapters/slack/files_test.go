package slack

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestExportUploadsTheRecord asks for a case record with the slash command,
// over HTTP and Socket Mode: the private answer says the file is in the DM,
// the PDF arrives in Sam's DM through the external upload flow with every
// byte, and the export is on the case's timeline.
func TestExportUploadsTheRecord(t *testing.T) {
	for _, socket := range []bool{false, true} {
		h := newHarness(t, socket)
		c := withCase(t, h)
		r := h.command(sam, "export "+c.ID+" pdf", "trig-e")
		if r.Status != 200 || r.Body["response_type"] != "ephemeral" || !strings.Contains(r.Raw, "direct messages") {
			t.Fatalf("export answer: %d %s", r.Status, r.Raw)
		}
		ups := h.fake.Uploads()
		if len(ups) != 1 {
			t.Fatalf("%d files uploaded, want 1; calls %v", len(ups), slackfake.Methods(h.fake.Calls("")))
		}
		up := ups[0]
		if up.Name != c.ID+".pdf" || up.Channel != "D01SAM" || !bytes.HasPrefix(up.Data, []byte("%PDF")) || len(up.Data) != up.Length {
			t.Fatalf("upload: name %s, channel %s, %d of %d bytes", up.Name, up.Channel, len(up.Data), up.Length)
		}
		// The upload came after the acknowledgement's work: the order of
		// the three steps is Slack's.
		var steps []string
		for _, m := range slackfake.Methods(h.fake.Calls("")) {
			if strings.HasPrefix(m, "files.") || m == "upload" {
				steps = append(steps, m)
			}
		}
		if strings.Join(steps, ",") != "files.getUploadURLExternal,upload,files.completeUploadExternal" {
			t.Fatalf("upload steps %v", steps)
		}
		log, _ := h.env.Store.AuditLog(context.Background(), c.ID)
		if last := log[len(log)-1]; last.Kind != conversation.EventExported || last.Fields["format"] != "pdf" {
			t.Fatalf("last access record %s %v, want the export", last.Kind, last.Fields)
		}
	}
}

// TestExportRefusedUploadsNothing: someone outside the case gets a clear
// refusal and no file, and the attempt is recorded.
func TestExportRefusedUploadsNothing(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	h.env.Person(t, cscMg.Email, cscMg.Name, "csc", "")
	r := h.command(cscMg, "export "+c.ID+" md", "trig-e")
	if r.Status != 200 || strings.Contains(r.Raw, "direct messages") {
		t.Fatalf("refused export answer: %s", r.Raw)
	}
	if n := len(h.fake.Uploads()); n != 0 {
		t.Fatalf("%d files uploaded to someone outside the case", n)
	}
	log, _ := h.env.Store.AuditLog(context.Background(), c.ID)
	if len(log) == 0 {
		t.Fatal("the refused export is not in the access log")
	}
	if last := log[len(log)-1]; last.Kind != conversation.EventAccessRefused || last.Fields["attempt"] != "export" {
		t.Fatalf("last access record %s %v, want the refused export", last.Kind, last.Fields)
	}
}

// TestReportUploadsChart: a partnership manager's report comes with its
// chart, CSV and PDF as files in their DM.
func TestReportUploadsChart(t *testing.T) {
	h := newHarness(t, false)
	withCase(t, h)
	r := h.command(pm, "report 2026-11", "trig-r")
	if r.Status != 200 || !strings.Contains(r.Raw, "Case resolution report") {
		t.Fatalf("report answer: %s", r.Raw)
	}
	ups := h.fake.Uploads()
	if len(ups) != 3 || !strings.HasSuffix(ups[0].Name, ".png") || !bytes.HasPrefix(ups[0].Data, []byte("\x89PNG")) || ups[0].Channel != "D05PM" ||
		!strings.HasSuffix(ups[1].Name, ".csv") || !bytes.HasPrefix(ups[2].Data, []byte("%PDF")) {
		t.Fatalf("uploads %+v", names(ups))
	}
}

// TestLongMessageSendsFullText: a report too long for Block Kit is cut in
// the message, and the whole text follows as a Markdown file, with the
// chart.
func TestLongMessageSendsFullText(t *testing.T) {
	h := newHarness(t, false)
	var b strings.Builder
	for i := 0; b.Len() < 200_000; i++ {
		b.WriteString("| Agency pair line with counts | 3 | 4 | +1 |\n")
	}
	b.WriteString("THE END")
	m := bot.Message{Kind: "report", Title: "Case resolution report, November 2026", Text: b.String(),
		Attachments: []bot.Attachment{{Name: "cases-by-month-2026-11.png", ContentType: "image/png", Data: []byte("\x89PNG fake")}}}
	per := &conversation.Person{ID: pm.Email, Email: pm.Email}
	ref, err := h.ad.Send(context.Background(), per, conversation.Handle{Platform: Platform, Team: slackfake.Team, User: pm.ID, Channel: "D05PM"}, m)
	if err != nil || ref.ID == "" {
		t.Fatalf("send: %v", err)
	}
	blocks := jsonString(h.fake.Message("D05PM", ref.ID))
	if strings.Contains(blocks, "THE END") || !strings.Contains(blocks, "too long to show here") {
		t.Fatal("the long report was not cut in the message")
	}
	ups := h.fake.Uploads()
	if len(ups) != 2 || ups[0].Name != "cases-by-month-2026-11.png" || ups[1].Name != "case-resolution-report-november-2026.md" {
		t.Fatalf("uploads %v", names(ups))
	}
	if string(ups[1].Data) != m.Text || ups[1].Comment != "The full text of the message above, as a Markdown file." {
		t.Fatalf("the Markdown file does not hold the whole text (%d of %d bytes)", len(ups[1].Data), len(m.Text))
	}
}

func names(fs []slackfake.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name+"→"+f.Channel)
	}
	return out
}

func TestFileSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Case resolution report, November 2026": "case-resolution-report-november-2026",
		"  ***  ":                               "message",
		"CR-2026-0001 · record":                 "cr-2026-0001-record",
	} {
		if got := fileSlug(in, "message"); got != want {
			t.Errorf("fileSlug(%q) = %q, want %q", in, got, want)
		}
	}
}
