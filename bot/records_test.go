package bot_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

func TestExportAndReportCommands(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.raise(t)
	f.Clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, bottest.London))
	tests := []struct {
		name     string
		actor    string
		text     string
		kind     string
		contains string // in the text or the attachment
		file     string // attachment name, "" for none
	}{
		{"a party exports the record as PDF", f.sam, "export " + cs.ID, "file", "%PDF", cs.ID + ".pdf"},
		{"as Markdown", f.priya, "export " + strings.ToLower(cs.ID) + " md", "file", "OFFICIAL-SENSITIVE", cs.ID + ".md"},
		{"an outsider may not", f.olu, "export " + cs.ID, "error", "I can't find a case " + cs.ID + " that you're part of", ""},
		{"an unknown format", f.sam, "export " + cs.ID + " docx", "error", "pdf, md or json", ""},
		{"the partnership gets last month's report", "partnership.manager@example.org", "report", "report", "• Raised: 1 (0)", "cases-by-month-2026-11.png"},
		{"or a month it names", "partnership.manager@example.org", "report 2026-10", "report", "• Raised: 0 (0)", "cases-by-month-2026-10.png"},
		{"a month by its name", "partnership.manager@example.org", "report October", "report", "• Raised: 0 (0)", "cases-by-month-2026-10.png"},
		{"a short name and a year", "partnership.manager@example.org", "report nov 2026", "report", "• Raised: 1 (0)", "cases-by-month-2026-11.png"},
		{"or the annual report for a year", "partnership.manager@example.org", "report 2026", "report", "Annual report 2026: Case Resolution Protocol", "cases-by-month-2026.png"},
		{"a bad month", "partnership.manager@example.org", "report Octember", "error", "report nov 2026", ""},
		{"a bad year", "partnership.manager@example.org", "report 20266", "error", "a year as YYYY", ""},
		{"practitioners get no report", f.sam, "report", "error", "partnership team", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: tt.actor, Text: tt.text})
			m := r.Messages[0]
			if m.Kind != tt.kind {
				t.Fatalf("kind = %s (%s), want %s", m.Kind, m.Text, tt.kind)
			}
			var data []byte
			if len(m.Attachments) > 0 {
				data = m.Attachments[0].Data
				if m.Attachments[0].Name != tt.file {
					t.Errorf("attachment %q, want %q", m.Attachments[0].Name, tt.file)
				}
			} else if tt.file != "" {
				t.Fatalf("no attachment, want %s", tt.file)
			}
			if tt.kind == "report" {
				var names []string
				for _, a := range m.Attachments {
					names = append(names, a.Name)
				}
				month := strings.TrimSuffix(strings.TrimPrefix(tt.file, "cases-by-month-"), ".png")
				if want := []string{tt.file, "case-resolution-report-" + month + ".csv", "case-resolution-report-" + month + ".pdf"}; !slices.Equal(names, want) {
					t.Errorf("report files = %v, want %v", names, want)
				}
			}
			if !strings.Contains(m.Text, tt.contains) && !bytes.Contains(data, []byte(tt.contains)) {
				t.Errorf("reply lacks %q: %s", tt.contains, m.Text)
			}
			if tt.kind == "report" && (strings.Contains(m.Text, cs.ChildRef) || strings.Contains(m.Text, cs.ID)) {
				t.Errorf("report names the case: %s", m.Text)
			}
		})
	}
	// Every export, and every refused attempt, is in the case's access log.
	log, err := f.Store.AuditLog(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	exports, refused := map[string]string{}, 0
	for _, e := range log {
		switch e.Kind {
		case conversation.EventExported:
			exports[e.Actor] = e.Fields["format"]
		case conversation.EventAccessRefused:
			refused += e.Times()
		}
	}
	if exports[f.sam] != "pdf" || exports[f.priya] != "md" || len(exports) != 2 {
		t.Errorf("exports in the access log = %v, want Sam's pdf and Priya's md", exports)
	}
	if refused != 1 {
		t.Errorf("%d refused attempts recorded, want the outsider's one", refused)
	}
}
