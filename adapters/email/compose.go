package email

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Notice is everything an email says. It is built only from what cannot
// hold case content: the case id, its status, stage and deadlines, the
// steps the recipient may take (verbs), and the configuration. Never the
// neutral message's text, title, fields or list, which carry what people
// typed about a child.
type Notice struct {
	CaseID  string
	Subject string
	Lead    string // the first sentence: what this is about
	Ask     string // what is asked, with its deadline; "" when nothing is
	Urgent  bool
	Context string // what kind of case this is and where it stands
	Link    string // the case page; "" for an email about no one case
	Footer  string // why they received it and who runs the service
	Contact string // where to ask; "" when not configured
	// Items list the cases of a digest (each with its link) or the counts
	// of a summary; More says what to do with them.
	Items []Item
	More  string
	// The fixed sentences around the rest, in the partnership's wording
	// (see Sender.fixed): that the case is urgent, the words before and of
	// the case link, where else to find the case (or, for a digest or a
	// summary, More) with whom to contact, and why the details are left out.
	MarkedUrgent, OpenCase, OpenLink, Elsewhere, LeftOut string
}

// fixed fills in a notice's fixed sentences from the catalogue, with the
// protocol's overrides.
func (s *Sender) fixed(n Notice) Notice {
	k := s.cards
	n.MarkedUrgent = k.Say("mail.urgent", nil)
	if n.CaseID != "" {
		n.OpenCase = k.Say("mail.open_case", nil)
		n.OpenLink = k.Say("mail.open_case.link", messages.Args{"case": n.CaseID})
		n.Elsewhere = k.Say("mail.find_case", messages.Args{"case": n.CaseID})
		if n.Contact != "" {
			n.Elsewhere = k.Say("mail.find_case.contact", messages.Args{"case": n.CaseID, "contact": n.Contact})
		}
		n.LeftOut = k.Say("mail.left_out.case", nil)
		return n
	}
	n.Elsewhere = n.More
	if n.Contact != "" {
		n.Elsewhere = k.Say("mail.more.contact", messages.Args{"more": n.More, "contact": n.Contact})
	}
	n.LeftOut = k.Say("mail.left_out.cases", nil)
	return n
}

// Item is one line of a digest or a summary, with a link when it is a case.
type Item struct {
	Text string
	Link string
}

// ask is what a step a card leads with asks of its recipient: the
// sentence in the email and the words in its subject, or ok false for a
// step that asks nothing by email. The deadline is the acknowledgement's
// for acknowledge and the stage's for the rest.
func (s *Sender) ask(v conversation.Verb) (text, subject string, ok bool) {
	k := s.cards
	switch v {
	case conversation.VerbAcknowledge:
		return k.Say("email.ask.acknowledge", nil), k.Say("email.ask.acknowledge.subject", nil), true
	case conversation.VerbRespond:
		return k.Say("email.ask.respond", nil), k.Say("email.ask.respond.subject", nil), true
	case conversation.VerbConfirm, conversation.VerbDispute:
		return k.Say("email.ask.confirm", nil), k.Say("email.ask.confirm.subject", nil), true
	case conversation.VerbAcceptReferral, conversation.VerbReturnReferral:
		return k.Say("email.ask.referral", nil), k.Say("email.ask.referral.subject", nil), true
	case conversation.VerbPropose, conversation.VerbEscalate, conversation.VerbRefer, conversation.VerbMediation:
		return k.Say("email.ask.work_through", nil), k.Say("email.ask.work_through.subject", nil), true
	}
	return "", "", false
}

// ending names a case's state once it has left the ladder, for emails
// that ask nothing, or "" while it is on the ladder.
func (s *Sender) ending(st conversation.Status) string {
	switch st {
	case conversation.StatusResolved:
		return s.cards.Say("email.ending.resolved", nil)
	case conversation.StatusWithdrawn:
		return s.cards.Say("email.ending.withdrawn", nil)
	case conversation.StatusClosed:
		return s.cards.Say("email.ending.closed", nil)
	}
	return ""
}

// compose builds the notice for m, a message about c for its recipient.
// Of m it reads only the kind and the verbs of its buttons; the rest comes
// from c's structured state and s's settings.
func (s *Sender) compose(m bot.Message, c *conversation.Case, to string) Notice {
	cards := s.cards.For(c) // in its partnership's protocol
	loc := cards.Calendar().Location()
	cur := c.Current()
	n := Notice{CaseID: c.ID, Link: s.opts.BaseURL + "/web/cases/" + c.ID, Urgent: c.Urgency == conversation.UrgencyUrgent && c.Status.Active(),
		Contact: s.opts.Contact}
	var verb conversation.Verb
	for _, b := range m.Buttons {
		if !b.Secondary && b.CaseID == c.ID {
			verb = b.Verb
			break
		}
	}
	askText, askSubject, asking := s.ask(verb)
	asking = asking && c.Status.Active()
	due := cur.Deadline
	if verb == conversation.VerbAcknowledge {
		due = cur.AckDeadline
	}
	unreached := m.Kind == "notice" && m.Title == s.cards.UnreachedNotice(c.ID, "").Title
	nudge, nudging := s.nudge(m, c, to)
	switch {
	case nudging && (c.Status.Active() || m.Nudge.IsAction()):
		n.Lead, n.Ask, n.Subject = nudge.lead, nudge.ask, c.ID+": "+nudge.subject
	case unreached:
		n.Lead = cards.Say("email.unreached.lead", messages.Args{"case": c.ID})
		n.Ask = cards.Say("email.unreached.ask", nil)
		n.Subject = cards.Say("email.unreached.subject", messages.Args{"case": c.ID})
	case asking:
		n.Lead = cards.Say("email.asking.lead", messages.Args{"case": c.ID})
		n.Ask = cards.Say("email.asking.ask", messages.Args{"ask": askText})
		n.Subject = cards.Say("email.asking.subject", messages.Args{"case": c.ID, "ask": askSubject})
		if !due.IsZero() {
			n.Ask = cards.Say("email.asking.ask_by", messages.Args{"ask": askText, "deadline": cards.Deadline(due)})
			n.Subject = cards.Say("email.asking.subject_by", messages.Args{"case": c.ID, "ask": askSubject, "date": when(due, loc)})
		}
	case s.ending(c.Status) != "":
		n.Lead = cards.Say("email.ended.lead", messages.Args{"case": c.ID, "ending": s.ending(c.Status)})
		n.Subject = cards.Say("email.ended.subject", messages.Args{"case": c.ID, "ending": s.ending(c.Status)})
	default:
		n.Lead = cards.Say("email.news.lead", messages.Args{"case": c.ID})
		n.Subject = cards.Say("email.news.subject", messages.Args{"case": c.ID})
	}
	p := cards.Protocol()
	switch {
	case p.Name != "" && p.Partnership != "":
		n.Context = cards.Say("email.context.protocol_of", messages.Args{"protocol": p.Name, "partnership": the(p.Partnership)})
	case p.Name != "":
		n.Context = cards.Say("email.context.protocol", messages.Args{"protocol": p.Name})
	default:
		n.Context = cards.Say("email.context", nil)
	}
	if c.Status.Active() {
		n.Context += " " + cards.Say("email.context.stage", messages.Args{"stage": s.stageText(c, cur.Key)})
	}
	partnership, operator := s.partnership(cards)
	n.Footer = cards.Say("email.footer.case", messages.Args{"case": c.ID, "partnership": partnership, "operator": operator})
	return n
}

// partnership names k's partnership for a sentence (k narrowed to a case
// or an agency; on a deployment hosting several, an email about no one
// partnership says "your safeguarding partnership"), and who runs the
// service (the configured operator, or the partnership, with "the").
func (s *Sender) partnership(k *bot.Cards) (partnership, operator string) {
	partnership = k.Say("email.your_partnership", nil)
	name := k.Protocol().Partnership
	if k == s.cards && s.cards.Several() {
		name = ""
	}
	if name != "" {
		partnership = the(name)
	}
	operator = strings.TrimSpace(s.opts.Operator)
	if operator == "" || strings.EqualFold(operator, name) {
		// Configuration defaults the operator to the partnership's bare
		// name; in a sentence it needs its article, as the partnership has.
		operator = partnership
	}
	return partnership, operator
}

// nudgeText is what a nudge's email says: its lead, its ask and the words
// of its subject after the case id.
type nudgeText struct{ lead, ask, subject string }

// nudge returns what the email of nudge m about c says to the person to,
// built from the nudge's kind and the case's state, never the message's
// text (which names people, agencies and the category). ok is false when
// m is no nudge.
func (s *Sender) nudge(m bot.Message, c *conversation.Case, to string) (nudgeText, bool) {
	if m.Kind != "nudge" || m.Nudge == "" {
		return nudgeText{}, false
	}
	cur := c.Current()
	raising := slices.Contains(cur.Raiser, to)
	deadline := s.cards.When(cur.Deadline)
	id := c.ID
	k, a := s.cards.For(c), messages.Args{"case": id}
	say := func(lead, ask, subject string) (nudgeText, bool) { return nudgeText{lead, ask, subject}, true }
	switch m.Nudge {
	case conversation.NudgeAckReminder:
		return say(k.Say("email.nudge.ack_reminder.lead", messages.Args{"case": id, "when": k.When(cur.AckDeadline)}),
			k.Say("email.nudge.ack_reminder.ask", nil), k.Say("email.nudge.ack_reminder.subject", nil))
	case conversation.NudgeAckUnanswered:
		return say(k.Say("email.nudge.ack_unanswered.lead", a),
			k.Say("email.nudge.ack_unanswered.ask", nil), k.Say("email.nudge.ack_unanswered.subject", nil))
	case conversation.NudgeBeforeDeadline:
		return say(k.Say("email.nudge.before_deadline.lead", messages.Args{"case": id, "deadline": k.Deadline(cur.Deadline)}),
			k.Say("email.nudge.before_deadline.ask", nil),
			k.Say("email.nudge.before_deadline.subject", messages.Args{"date": when(cur.Deadline, k.Calendar().Location())}))
	case conversation.NudgeOverdue:
		if raising {
			return say(k.Say("email.nudge.overdue_raiser.lead", messages.Args{"case": id, "when": deadline}),
				k.Say("email.nudge.overdue_raiser.ask", nil), k.Say("email.nudge.overdue.subject", nil))
		}
		return say(k.Say("email.nudge.overdue.lead", messages.Args{"case": id, "when": deadline}),
			k.Say("email.nudge.overdue.ask", nil), k.Say("email.nudge.overdue.subject", nil))
	case conversation.NudgeOverdueReminder:
		days := k.Calendar().WorkingDaysUntil(cur.Deadline, s.opts.Now())
		return say(k.Say("email.nudge.overdue_reminder.lead", messages.Args{"case": id, "count": days}),
			k.Say("email.nudge.overdue_reminder.ask", nil), k.Say("email.nudge.overdue_reminder.subject", nil))
	case conversation.NudgeActionBefore, conversation.NudgeActionDue:
		return say(k.Say("mail.action.reminder.lead", a),
			k.Say("mail.action.reminder.ask", nil), k.Say("mail.action.reminder.subject", nil))
	case conversation.NudgeActionOverdue:
		if slices.ContainsFunc(m.Buttons, func(b bot.Button) bool { return b.Verb == conversation.VerbActionDone }) {
			return say(k.Say("mail.action.overdue_owner.lead", a),
				k.Say("mail.action.overdue_owner.ask", nil), k.Say("mail.action.overdue_owner.subject", nil))
		}
		return say(k.Say("mail.action.overdue.lead", a),
			k.Say("mail.action.overdue.ask", nil), k.Say("mail.action.overdue.subject", nil))
	case conversation.NudgeStuck:
		if raising {
			return say(k.Say("email.nudge.stuck_raiser.lead", a),
				k.Say("email.nudge.stuck_raiser.ask", nil), k.Say("email.nudge.stuck_raiser.subject", nil))
		}
		return say(k.Say("email.nudge.stuck.lead", messages.Args{"case": id, "stage": s.stageText(c, cur.Key)}),
			k.Say("email.nudge.stuck.ask", nil), k.Say("email.nudge.stuck.subject", nil))
	}
	return nudgeText{}, false
}

// digest composes the morning digest to the person to: one line per case
// in m.Cases, each with what is asked of them, by when, and its link.
// Returns an error when a case cannot be loaded; a case gone since the
// digest was made is left out.
func (s *Sender) digest(ctx context.Context, m bot.Message, to string) (Notice, error) {
	loc := s.cards.Calendar().Location()
	var n Notice
	for _, id := range m.Cases {
		c, err := s.store.GetCase(ctx, id)
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			continue
		}
		if err != nil {
			return Notice{}, fmt.Errorf("load case %s: %w", id, err)
		}
		cur := c.Current()
		due := cur.Deadline
		ask := s.cards.Say("email.digest.deadline", messages.Args{"deadline": s.cards.Deadline(due)})
		for _, b := range s.cards.Buttons(ctx, c, to) {
			if b.Secondary {
				continue
			}
			if b.Verb == conversation.VerbAcknowledge {
				due = cur.AckDeadline
			}
			if text, _, ok := s.ask(b.Verb); ok {
				ask = s.cards.Say("email.digest.ask_by", messages.Args{"ask": lowerFirst(text), "deadline": s.cards.Deadline(due)})
			}
			break
		}
		line := s.cards.Say("email.digest.line", messages.Args{"case": c.ID, "stage": s.stageText(c, cur.Key), "ask": ask})
		if c.Urgency == conversation.UrgencyUrgent {
			line = s.cards.Say("email.digest.line_urgent", messages.Args{"case": c.ID, "stage": s.stageText(c, cur.Key), "ask": ask})
		}
		n.Items = append(n.Items, Item{Text: line, Link: s.opts.BaseURL + "/web/cases/" + c.ID})
	}
	if len(n.Items) == 0 {
		return Notice{}, errNoCase
	}
	n.Lead = s.cards.Say("email.digest.lead", messages.Args{"count": len(n.Items)})
	n.Subject = s.cards.Say("email.digest.subject", messages.Args{"count": len(n.Items), "date": s.opts.Now().In(loc).Format("Mon 2 Jan")})
	n.More = s.cards.Say("email.digest.more", nil)
	partnership, operator := s.partnership(s.cards)
	n.Context = s.cards.Say("email.digest.context", messages.Args{"partnership": partnership})
	n.Footer = s.cards.Say("email.digest.footer", messages.Args{"partnership": partnership, "operator": operator})
	n.Contact = s.opts.Contact
	return n, nil
}

// summary composes the periodic summary for the partnership: the period's
// counts, never a case or an agency, and where the full report is.
func (s *Sender) summary(m bot.Message) Notice {
	rep := m.Report
	period := rep.Period.From.Format("January 2006")
	arg := rep.Period.From.Format("2006-01")
	if rep.Period.IsYear() {
		period, arg = rep.Period.From.Format("2006"), rep.Period.From.Format("2006")
	}
	partnership, operator := s.partnership(s.cards)
	k := s.cards
	n := Notice{Lead: k.Say("email.summary.lead", messages.Args{"period": period}),
		Subject: k.Say("email.summary.subject", messages.Args{"period": period}),
		Context: k.Say("email.summary.context", messages.Args{"partnership": partnership}),
		More:    k.Say("email.summary.more", messages.Args{"command": "report " + arg}),
		Footer:  k.Say("email.summary.footer", messages.Args{"partnership": partnership, "operator": operator}),
		Contact: s.opts.Contact}
	for _, h := range rep.Headlines() {
		n.Items = append(n.Items, Item{Text: h})
	}
	return n
}

// the puts "the" before a body's name ("the Devon Safeguarding Children
// Partnership") unless it already starts with an article or "your".
func the(name string) string {
	lower := strings.ToLower(name)
	for _, p := range []string{"the ", "a ", "an ", "your "} {
		if strings.HasPrefix(lower, p) {
			return name
		}
	}
	return "the " + name
}

// stageText names case c's stage with key in its partnership's protocol:
// "stage 2, Manager to manager".
func (s *Sender) stageText(c *conversation.Case, key string) string {
	p := s.cards.For(c).Protocol()
	if key == conversation.ReferralStageKey {
		return s.cards.Say("email.stage.referral", messages.Args{"stage": p.StageName(key)})
	}
	return s.cards.Say("email.stage", messages.Args{"number": p.StageNumber(key), "stage": p.StageName(key)})
}

// lowerFirst lowers the first letter of a sentence, to go on from another.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

const textBody = `{{.Lead}}
{{if .Ask}}
{{.Ask}}
{{end}}{{if .Urgent}}
{{.MarkedUrgent}}
{{end}}{{if .Items}}
{{range .Items}}- {{.Text}}{{if .Link}}
  {{.Link}}{{end}}
{{end}}{{end}}
{{.Context}}
{{if .CaseID}}
{{.OpenCase}}
{{.Link}}

{{.Elsewhere}}

{{.LeftOut}}
{{else}}
{{.Elsewhere}}

{{.LeftOut}}
{{end}}
-- 
{{.Footer}}
`

// caseIDInText finds case ids ("CR-2026-0001") in a sentence.
var caseIDInText = regexp.MustCompile(`\bCR-[0-9]{4}-[0-9]{4,9}\b`)

// whole escapes text for HTML and keeps each case id in it on one line:
// a narrow window would otherwise break "CR-2026-0001" at a hyphen.
func whole(text string) htmltemplate.HTML {
	var b strings.Builder
	last := 0
	for _, m := range caseIDInText.FindAllStringIndex(text, -1) {
		b.WriteString(htmltemplate.HTMLEscapeString(text[last:m[0]]))
		b.WriteString(`<span style="white-space: nowrap;">`)
		b.WriteString(htmltemplate.HTMLEscapeString(text[m[0]:m[1]]))
		b.WriteString(`</span>`)
		last = m[1]
	}
	b.WriteString(htmltemplate.HTMLEscapeString(text[last:]))
	return htmltemplate.HTML(b.String())
}

const htmlBody = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c; margin: 0; padding: 16px;">
<p style="font-size: 19px; font-weight: bold; margin: 0 0 16px;">{{whole .Lead}}</p>
{{if .Ask}}<p style="margin: 0 0 16px;">{{whole .Ask}}</p>
{{end}}{{if .Urgent}}<p style="margin: 0 0 16px; font-weight: bold;">{{whole .MarkedUrgent}}</p>
{{end}}{{if .Items}}<ul style="margin: 0 0 16px; padding-left: 20px;">
{{range .Items}}<li style="margin: 0 0 8px;">{{if .Link}}<a href="{{.Link}}" style="color: #1d70b8;">{{whole .Text}}</a>{{else}}{{whole .Text}}{{end}}</li>
{{end}}</ul>
{{end}}<p style="margin: 0 0 16px;">{{whole .Context}}</p>
{{if .CaseID}}<p style="margin: 0 0 16px;"><a href="{{.Link}}" style="color: #1d70b8;">{{whole .OpenLink}}</a></p>
<p style="margin: 0 0 16px;">{{whole .Elsewhere}}</p>
<p style="margin: 0 0 16px;">{{whole .LeftOut}}</p>
{{else}}<p style="margin: 0 0 16px;">{{whole .Elsewhere}}</p>
<p style="margin: 0 0 16px;">{{whole .LeftOut}}</p>
{{end}}<hr style="border: 0; border-top: 1px solid #b1b4b6; margin: 24px 0 16px;">
<p style="margin: 0; font-size: 14px; color: #505a5f;">{{whole .Footer}}</p>
</body>
</html>
`

var (
	textTemplate = texttemplate.Must(texttemplate.New("text").Parse(textBody))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Funcs(htmltemplate.FuncMap{"whole": whole}).Parse(htmlBody))
)

// render returns the notice's plain-text and HTML bodies. The HTML is
// escaped by html/template.
func (n Notice) render() (text, html string, err error) {
	var t, h bytes.Buffer
	if err := textTemplate.Execute(&t, n); err != nil {
		return "", "", err
	}
	if err := htmlTemplate.Execute(&h, n); err != nil {
		return "", "", err
	}
	return strings.ReplaceAll(t.String(), "\n\n\n", "\n\n"), h.String(), nil
}

// when formats t for a subject line.
func when(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan") }
