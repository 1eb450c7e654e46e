package teams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation/caserecord"
)

// Files on Teams. A bot can hand a person a file in Teams only through the
// file consent flow (a FileConsentCard, a fileConsent/invoke, an upload to
// the person's OneDrive), which needs the supportsFiles manifest flag and
// puts the record in a OneDrive folder outside the partnership's control.
// The adapter does not use it. Instead:
//
//   - a case record is sent as a secure message: the record laid out as
//     cards in the 1:1 chat with the bot (never a channel), split over as
//     many messages as it needs, each marked OFFICIAL-SENSITIVE, with a note
//     on how to get the PDF;
//   - a report's PNG chart is sent inline, as an image attachment with a
//     data URI, when it fits in a Teams message;
//   - a long text (a report) is split over several cards rather than cut.

// Size limits for what the adapter sends. Microsoft documents about 40 KB
// for a bot's message, and Teams has been seen to refuse less (see
// maxCardBytes): cards are packed well under either, and an image is
// tried inline up to maxActivityBytes, with a notice in its place if
// Teams refuses it as too large (sendActivity).
const (
	maxActivityBytes = 38 * 1024
	packBytes        = 20 * 1024
)

// recordNote tells a Teams user how to get the record as a file.
func recordNote(k *bot.Cards, caseID string) string {
	return k.Say("teams.record.note", messages.Args{"case": caseID})
}

// exportText rewrites a typed "export CR-… [format]" so the record comes
// back as JSON, which the adapter lays out as cards: Teams cannot receive the
// file itself. Other text is returned unchanged.
func exportText(text string) string {
	f := strings.Fields(text)
	if len(f) < 2 || !strings.EqualFold(f[0], "export") {
		return text
	}
	return "export " + f[1] + " json"
}

// activities turns one message into what Teams is sent: one card for most
// messages; a case record as a series of marked cards; a long report over
// several cards, with its chart inline. The adapter's own words are k's.
func activities(k *bot.Cards, m bot.Message) []*outActivity {
	switch {
	case m.Kind == "file" && len(m.Attachments) > 0:
		return recordActivities(k, m)
	case m.Kind == "report":
		return longActivities(k, m)
	}
	card := Render(k, m)
	if m.Kind == "form" && m.Form != nil {
		card = formCard(k, m)
	}
	return []*outActivity{cardActivity(card, m.Title)}
}

// longActivities sends a long text over as many cards as it needs, the
// first with the title, then the message's image inline if it has one.
func longActivities(k *bot.Cards, m bot.Message) []*outActivity {
	var items []any
	for _, part := range splitText(m.Text, maxTextRunes) {
		items = append(items, textBlock(paragraphs(part), nil))
	}
	rest := m
	rest.Text = ""
	cards := packCards(items, func(i, n int) []any {
		if i > 0 {
			return []any{textBlock(escapeMarkdown(k.Say("teams.report.part", messages.Args{"title": m.Title, "part": i + 1, "parts": n})),
				map[string]any{"weight": "Bolder"})}
		}
		return renderCard(k, rest, nil)["body"].([]any)
	}, nil)
	var out []*outActivity
	for i, c := range cards {
		if i == len(cards)-1 {
			if acts := renderCard(k, rest, nil)["actions"]; acts != nil {
				c["actions"] = acts
			}
		}
		out = append(out, cardActivity(c, m.Title))
	}
	others := false
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "image/") {
			out = append(out, imageActivity(k, a))
		} else {
			others = true
		}
	}
	if others {
		n := bot.Message{Kind: "notice", Title: k.Say("teams.report.files_not_sent", nil),
			Text: k.Say("teams.report.files_not_sent.text", nil)}
		out = append(out, cardActivity(Render(k, n), n.Title))
	}
	return out
}

// imageActivity sends an image inline as a data URI, or, when it is too
// large for a Teams message, a card saying how to get it.
func imageActivity(k *bot.Cards, a bot.Attachment) *outActivity {
	act := &outActivity{Type: "message", Summary: a.Name, Attachments: []attachment{{
		ContentType: a.ContentType, Name: a.Name,
		ContentURL: "data:" + a.ContentType + ";base64," + base64.StdEncoding.EncodeToString(a.Data)}}}
	if b, err := json.Marshal(act); err == nil && len(b) <= maxActivityBytes {
		return act
	}
	return chartNotShown(k)
}

// chartNotShown stands in for an image Teams cannot take.
func chartNotShown(k *bot.Cards) *outActivity {
	m := bot.Message{Kind: "notice", Title: k.Say("teams.report.chart_not_shown", nil),
		Text: k.Say("teams.report.chart_not_shown.text", nil)}
	return cardActivity(Render(k, m), m.Title)
}

// isImage reports whether an activity carries an inline image.
func isImage(act *outActivity) bool {
	return len(act.Attachments) == 1 && act.Attachments[0].ContentURL != ""
}

// sendActivity sends one activity. An inline image Teams refuses as too
// large (413) is replaced by a notice saying how to get it.
func (a *Adapter) sendActivity(ctx context.Context, serviceURL, convID string, act *outActivity) (string, error) {
	id, err := a.conn.send(ctx, serviceURL, convID, act)
	var ce *ConnectorError
	if err != nil && isImage(act) && errors.As(err, &ce) && ce.Status == http.StatusRequestEntityTooLarge {
		a.log.Warn("teams refused an inline image as too large", "bytes", len(act.Attachments[0].ContentURL))
		return a.conn.send(ctx, serviceURL, convID, chartNotShown(a.router.Cards))
	}
	return id, err
}

// recordActivities lays a case record out as cards for the 1:1 chat, each
// marked OFFICIAL-SENSITIVE and numbered. A record that is not JSON (it
// always is from a Teams export) is described, not shown.
func recordActivities(k *bot.Cards, m bot.Message) []*outActivity {
	var rec caserecord.Record
	a := m.Attachments[0]
	if !strings.HasPrefix(a.ContentType, "application/json") || json.Unmarshal(a.Data, &rec) != nil || rec.CaseID == "" {
		n := bot.Message{Kind: "notice", Title: m.Title, CaseID: m.CaseID,
			Text: k.Say("teams.record.not_a_file", messages.Args{"note": recordNote(k, m.CaseID)})}
		return []*outActivity{cardActivity(Render(k, n), n.Title)}
	}
	marking := rec.Marking
	if marking == "" {
		marking = caserecord.Marking
	}
	heading := func(s string) any {
		return textBlock(escapeMarkdown(s), map[string]any{"weight": "Bolder", "size": "Medium", "spacing": "Large"})
	}
	lines := func(ls []caserecord.Line) []any {
		fs := make([]bot.Field, 0, len(ls))
		for _, l := range ls {
			fs = append(fs, bot.Field{Label: l.Label, Value: l.Value})
		}
		return fieldBlocks(fs)
	}
	items := []any{
		textBlock(paragraphs(m.Text), nil),
		textBlock(escapeMarkdown(recordNote(k, rec.CaseID)), map[string]any{"isSubtle": true}),
		textBlock(escapeMarkdown(k.Say("teams.record.exported", messages.Args{"partnership": rec.Partnership, "protocol": rec.Protocol,
			"when": rec.ExportedAt.Format("2 Jan 2006 15:04"), "who": rec.ExportedBy})), map[string]any{"isSubtle": true}),
		heading(k.Say("teams.record.disagreement", nil)),
	}
	items = append(items, lines(rec.Summary)...)
	items = append(items, heading(k.Say("teams.record.stages", nil)))
	for _, s := range rec.Stages {
		overdue := k.Say("teams.record.overdue.no", nil)
		if s.Overdue {
			overdue = k.Say("teams.record.overdue.yes", nil)
		}
		items = append(items, textBlock(escapeMarkdown(fmt.Sprintf("%d. %s", s.Number, s.Name)), map[string]any{"weight": "Bolder"}))
		items = append(items, lines([]caserecord.Line{
			{Label: k.Say("teams.record.raiser_side", nil), Value: s.RaiserSide},
			{Label: k.Say("teams.record.respondent_side", nil), Value: s.RespondentSide},
			{Label: k.Say("teams.record.started", nil), Value: s.Started},
			{Label: k.Say("teams.record.ack_by", nil), Value: s.AckDeadline},
			{Label: k.Say("teams.record.acknowledged", nil), Value: dash(s.Acknowledged)},
			{Label: k.Say("teams.record.deadline", nil), Value: s.Deadline},
			{Label: k.Say("teams.record.overdue", nil), Value: overdue},
		})...)
	}
	items = append(items, heading(k.Say("teams.record.timeline", nil)))
	for _, e := range rec.Timeline {
		items = append(items, textBlock(escapeMarkdown(k.Say("teams.record.event",
			messages.Args{"seq": e.Seq, "when": e.When, "what": e.What, "who": e.Who, "stage": e.Stage})),
			map[string]any{"spacing": "Small"}))
		if e.Text != "" {
			for _, part := range splitText(e.Text, maxTextRunes) {
				items = append(items, textBlock(paragraphs(part), map[string]any{"isSubtle": true, "spacing": "None"}))
			}
		}
	}
	if len(rec.Outcome) > 0 {
		items = append(items, heading(k.Say("teams.record.outcome", nil)))
		items = append(items, lines(rec.Outcome)...)
	}
	mark := func() any {
		return textBlock(escapeMarkdown(marking), map[string]any{"weight": "Bolder", "color": "Attention"})
	}
	cards := packCards(items, func(i, n int) []any {
		return []any{mark(), textBlock(escapeMarkdown(k.Say("teams.record.part", messages.Args{"case": rec.CaseID, "part": i + 1, "parts": n})),
			map[string]any{"size": "Medium", "weight": "Bolder", "style": "heading"})}
	}, []any{mark()})
	out := make([]*outActivity, 0, len(cards))
	for i, c := range cards {
		out = append(out, cardActivity(c, k.Say("teams.record.summary", messages.Args{"marking": marking, "case": rec.CaseID, "part": i + 1, "parts": len(cards)})))
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// packCards puts items into as few cards as keep each under packBytes,
// in order, each with header(i, n) above its items and footer below.
func packCards(items []any, header func(i, n int) []any, footer []any) []map[string]any {
	size := func(v any) int {
		b, _ := json.Marshal(v)
		return len(b)
	}
	overhead := size(newCard(append(header(0, 99), footer...), nil)) + 200
	var groups [][]any
	var cur []any
	used := overhead
	for _, it := range items {
		n := size(it) + 1
		if len(cur) > 0 && used+n > packBytes {
			groups = append(groups, cur)
			cur, used = nil, overhead
		}
		cur = append(cur, it)
		used += n
	}
	if len(cur) > 0 || len(groups) == 0 {
		groups = append(groups, cur)
	}
	out := make([]map[string]any, 0, len(groups))
	for i, g := range groups {
		body := append(append(header(i, len(groups)), g...), footer...)
		out = append(out, newCard(body, nil))
	}
	return out
}

// splitText cuts s into pieces of at most n runes, at line breaks where it
// can.
func splitText(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > n {
		cut := n
		for i := n; i > n/2; i-- {
			if r[i-1] == '\n' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(r[:cut]), "\n"))
		r = r[cut:]
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
