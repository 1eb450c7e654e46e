package report_test

import (
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

// TestWordingOverride: a preset's messages reword the report's fixed words
// (a section heading, a headline row, an outcome, the page footer) in the
// PDF, the Markdown and the chat text, and the catalogue's words are gone;
// the override is checked by config as a partnership's would be.
func TestWordingOverride(t *testing.T) {
	over := map[string]string{
		"reportdoc.by_category":      "Kinds of disagreement",
		"reportdoc.total.raised":     "Disagreements raised",
		"reportdoc.outcome.resolved": "Settled",
		"reportdoc.page":             "Sheet {page} of {pages}",
	}
	tests := []struct {
		name      string
		messages  map[string]string
		want, not []string
	}{
		{"catalogue", nil, []string{"By category", "Raised", "Resolved", "Page 1 of"}, []string{"Kinds of disagreement", "Settled", "Sheet 1"}},
		{"overridden", over, []string{"Kinds of disagreement", "Disagreements raised", "Settled", "Sheet 1 of"}, []string{"By category", "Page 1 of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proto, err := config.Preset("generic")
			if err != nil {
				t.Fatal(err)
			}
			proto.Messages = tt.messages
			if probs := conversationWording(proto.Messages); len(probs) > 0 {
				t.Fatalf("the override is refused: %v", probs)
			}
			cal := conversation.NewCalendar(london, nil, 0, 0)
			r := report.Build(fixture(&proto), &proto, cal, nil, report.Period{From: at(5, 1, 0), To: at(7, 1, 0)})
			out, err := r.Render("pdf")
			if err != nil {
				t.Fatal(err)
			}
			text, err := pdftext.Text(out)
			if err != nil {
				t.Fatal(err)
			}
			text = strings.Join(strings.Fields(text), " ")
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the report PDF lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("the report PDF still says %q", n)
				}
			}
			md := r.Markdown()
			if w := tt.want[0]; !strings.Contains(md, "## "+w) {
				t.Errorf("the Markdown has no %q section:\n%s", w, md)
			}
			if w := tt.want[1]; !strings.Contains(r.Text(), "• "+w+":") {
				t.Errorf("the chat text has no %q row:\n%s", w, r.Text())
			}
		})
	}
}

// conversationWording checks overrides against the catalogue, as config
// does for a partnership's messages.
func conversationWording(over map[string]string) map[string]string {
	return (&conversation.Protocol{}).Wording().Check(over)
}

// TestBoardPackWordingOverride: the board pack's own words (its headings
// and the trend charts' titles) follow a preset's messages too.
func TestBoardPackWordingOverride(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	proto.Messages = map[string]string{
		"reportdoc.boardpack.themes": "What we learned",
		"reportdoc.trend.raised":     "New disagreements each month",
	}
	if probs := conversationWording(proto.Messages); len(probs) > 0 {
		t.Fatalf("the override is refused: %v", probs)
	}
	cal := conversation.NewCalendar(london, nil, 0, 0)
	cases := fixture(&proto)
	r := report.Build(cases, &proto, cal, nil, report.Period{From: at(5, 1, 0), To: at(7, 1, 0)})
	pack, err := r.BoardPack(report.TrendTo(cases, r.Period.To, 24))
	if err != nil {
		t.Fatal(err)
	}
	text, err := pdftext.Text(pack)
	if err != nil {
		t.Fatal(err)
	}
	text = strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"What we learned", "New disagreements each month", "Trends over the last 24 months"} {
		if !strings.Contains(text, want) {
			t.Errorf("the board pack lacks %q", want)
		}
	}
	for _, not := range []string{"Themes", "Disagreements raised each month"} {
		if strings.Contains(text, not) {
			t.Errorf("the board pack still says %q", not)
		}
	}
}
