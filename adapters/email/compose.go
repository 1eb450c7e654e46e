package email

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/resolvebot/resolvebot/bot"
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
}

// Item is one line of a digest or a summary, with a link when it is a case.
type Item struct {
	Text string
	Link string
}

// asks are what each step a card leads with asks of its recipient: the
// sentence in the email and the words in its subject. The deadline is the
// acknowledgement's for acknowledge and the stage's for the rest.
var asks = map[conversation.Verb]struct{ text, subject string }{
	conversation.VerbAcknowledge:    {"Please acknowledge it", "please acknowledge"},
	conversation.VerbRespond:        {"Please respond to it", "please respond"},
	conversation.VerbConfirm:        {"Please confirm the proposed way forward, or say what it leaves unresolved", "please confirm or dispute the way forward"},
	conversation.VerbDispute:        {"Please confirm the proposed way forward, or say what it leaves unresolved", "please confirm or dispute the way forward"},
	conversation.VerbAcceptReferral: {"Please decide on the referral to the partnership", "please decide on the referral"},
	conversation.VerbReturnReferral: {"Please decide on the referral to the partnership", "please decide on the referral"},
	conversation.VerbPropose:        {"Please work it through with the other side", "please work it through"},
	conversation.VerbEscalate:       {"Please work it through with the other side", "please work it through"},
	conversation.VerbRefer:          {"Please work it through with the other side", "please work it through"},
	conversation.VerbMediation:      {"Please work it through with the other side", "please work it through"},
}

// endings name a case's state once it has left the ladder, for emails that
// ask nothing.
var endings = map[conversation.Status]string{
	conversation.StatusResolved:  "resolved",
	conversation.StatusWithdrawn: "withdrawn",
	conversation.StatusClosed:    "closed",
}

// compose builds the notice for m, a message about c for its recipient.
// Of m it reads only the kind and the verbs of its buttons; the rest comes
// from c's structured state and s's settings.
func (s *Sender) compose(m bot.Message, c *conversation.Case, to string) Notice {
	cards := s.cards
	loc := cards.Calendar.Location()
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
	ask, asking := asks[verb]
	asking = asking && c.Status.Active()
	due := cur.Deadline
	if verb == conversation.VerbAcknowledge {
		due = cur.AckDeadline
	}
	unreached := m.Kind == "notice" && m.Title == bot.UnreachedNotice(c.ID, "").Title
	nudge, nudging := s.nudge(m, c, to)
	switch {
	case nudging && (c.Status.Active() || m.Nudge.IsAction()):
		n.Lead, n.Ask, n.Subject = nudge.lead, nudge.ask, c.ID+": "+nudge.subject
	case unreached:
		n.Lead = "Some of the people on case " + c.ID + " could not be reached, so they have not heard of its latest step."
		n.Ask = "Please contact them directly, and record that you did with a note on the case."
		n.Subject = c.ID + ": some people could not be reached"
	case asking:
		n.Lead = "Case " + c.ID + " needs you."
		n.Ask = ask.text + "."
		n.Subject = c.ID + ": " + ask.subject
		if !due.IsZero() {
			n.Ask = ask.text + " by " + cards.Deadline(due) + "."
			n.Subject += " by " + when(due, loc)
		}
	case endings[c.Status] != "":
		n.Lead = "Case " + c.ID + " is now " + endings[c.Status] + "."
		n.Subject = c.ID + ": " + endings[c.Status]
	default:
		n.Lead = "There is news on case " + c.ID + "."
		n.Subject = c.ID + ": there is news on this case"
	}
	p := cards.Protocol
	what := "a disagreement between professionals about a decision for a child"
	if p.Name != "" {
		what += ", being resolved under the " + p.Name
		if p.Partnership != "" {
			what += " of " + the(p.Partnership)
		}
	}
	n.Context = "It is " + what + "."
	if c.Status.Active() {
		n.Context += " It is at " + stageText(p, cur.Key) + "."
	}
	partnership, operator := s.partnership()
	n.Footer = "You are receiving this because you are named on case " + c.ID + " under " + partnership +
		"'s case resolution process, and email is how resolvebot reaches you. resolvebot is run by " + operator + "."
	return n
}

// partnership names the partnership for a sentence, and who runs the
// service (the configured operator, or the partnership).
func (s *Sender) partnership() (partnership, operator string) {
	partnership = "your safeguarding partnership"
	if p := s.cards.Protocol.Partnership; p != "" {
		partnership = the(p)
	}
	operator = s.opts.Operator
	if operator == "" {
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
	switch m.Nudge {
	case conversation.NudgeAckReminder:
		return nudgeText{"A reminder: case " + id + " is waiting for your acknowledgement, which was due " + s.cards.When(cur.AckDeadline) + ".",
			"Please acknowledge it as soon as you can. A quick acknowledgement lets the other side know it is in hand.", "reminder to acknowledge"}, true
	case conversation.NudgeAckUnanswered:
		return nudgeText{"Case " + id + " has still not been acknowledged by the other side.",
			"You may want to contact them directly, extend the deadline with a reason, or escalate.", "not yet acknowledged"}, true
	case conversation.NudgeBeforeDeadline:
		return nudgeText{"Case " + id + " reaches its stage deadline on " + s.cards.Deadline(cur.Deadline) + ".",
			"If you can agree a way forward, propose it on the case page.", "deadline " + when(cur.Deadline, s.cards.Calendar.Location())}, true
	case conversation.NudgeOverdue:
		if raising {
			return nudgeText{"The stage deadline for case " + id + " passed at " + deadline + " without a resolution.",
				"You can take it to the next stage, propose a resolution, or extend the deadline with a reason.", "deadline passed"}, true
		}
		return nudgeText{"The stage deadline for case " + id + " passed at " + deadline + ".",
			"Please respond or agree a way forward as soon as you can.", "deadline passed"}, true
	case conversation.NudgeOverdueReminder:
		days := s.cards.Calendar.WorkingDaysUntil(cur.Deadline, s.opts.Now())
		return nudgeText{fmt.Sprintf("Case %s is %d working day%s past its stage deadline.", id, days, plural(days)),
			"Please pick it up today.", "past its deadline"}, true
	case conversation.NudgeActionBefore, conversation.NudgeActionDue:
		return nudgeText{"A reminder about an action you agreed to resolve case " + id + ".",
			"Please open the case to see when it is due, and mark it done there once it is done.", "a reminder about your agreed action"}, true
	case conversation.NudgeActionOverdue:
		if slices.ContainsFunc(m.Buttons, func(b bot.Button) bool { return b.Verb == conversation.VerbActionDone }) {
			return nudgeText{"An action you agreed to resolve case " + id + " is past its due date and not marked done.",
				"If it is done, please mark it done on the case page; if not, let the person who raised the case know when it will be.", "your agreed action is overdue"}, true
		}
		return nudgeText{"An action agreed to resolve case " + id + " is past its due date and not marked done.",
			"Please open the case to see which, and who owns it.", "an agreed action is overdue"}, true
	case conversation.NudgeStuck:
		if raising {
			return nudgeText{"Case " + id + " is still past its stage deadline, so the partnership has been told.",
				"They may offer mediation.", "the partnership has been told"}, true
		}
		return nudgeText{"Case " + id + " looks stuck: it is past its stage deadline at " + stageText(s.cards.Protocol, cur.Key) + ".",
			"You may want to offer mediation.", "looks stuck"}, true
	}
	return nudgeText{}, false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// digest composes the morning digest to the person to: one line per case
// in m.Cases, each with what is asked of them, by when, and its link.
// Returns an error when a case cannot be loaded; a case gone since the
// digest was made is left out.
func (s *Sender) digest(ctx context.Context, m bot.Message, to string) (Notice, error) {
	loc := s.cards.Calendar.Location()
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
		line := c.ID + ", at " + stageText(s.cards.Protocol, cur.Key)
		due := cur.Deadline
		ask := "its stage deadline is " + s.cards.Deadline(due)
		for _, b := range s.cards.Buttons(ctx, c, to) {
			if b.Secondary {
				continue
			}
			if b.Verb == conversation.VerbAcknowledge {
				due = cur.AckDeadline
			}
			if a, ok := asks[b.Verb]; ok {
				ask = strings.ToLower(a.text[:1]) + a.text[1:] + " by " + s.cards.Deadline(due)
			}
			break
		}
		if c.Urgency == conversation.UrgencyUrgent {
			line += " (urgent)"
		}
		n.Items = append(n.Items, Item{Text: line + ": " + ask + ".", Link: s.opts.BaseURL + "/web/cases/" + c.ID})
	}
	if len(n.Items) == 0 {
		return Notice{}, errNoCase
	}
	count := fmt.Sprintf("%d case%s", len(n.Items), plural(len(n.Items)))
	verb := " are"
	if len(n.Items) == 1 {
		verb = " is"
	}
	n.Lead = "Good morning. " + count + verb + " waiting for you."
	n.Subject = count + verb + " waiting for you, " + s.opts.Now().In(loc).Format("Mon 2 Jan")
	n.More = "Open a case to see it and act on it. If you use resolvebot in Microsoft Teams or Slack, you can also find each case there by its number."
	partnership, operator := s.partnership()
	n.Context = "They are disagreements between professionals about decisions for children, being resolved under " + partnership + "'s case resolution process."
	n.Footer = "You are receiving this because cases under " + partnership + "'s case resolution process are waiting for you, and email is how resolvebot reaches you. " +
		"resolvebot is run by " + operator + "."
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
	partnership, operator := s.partnership()
	n := Notice{Lead: "The case resolution summary for " + period + " is ready.", Subject: "Case resolution summary, " + period,
		Context: "These are the counts of disagreements between professionals under " + partnership + "'s case resolution process.",
		More: "The full report, with the categories, the agencies, the stages reached and its chart, CSV and PDF, is in resolvebot: " +
			"type \"report " + arg + "\" to it in Microsoft Teams or Slack.",
		Footer: "You are receiving this because you receive the case resolution summary of " + partnership + ", and email is how resolvebot reaches you. " +
			"resolvebot is run by " + operator + ".",
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

// stageText names the stage with key: "stage 2, Manager to manager".
func stageText(p *conversation.Protocol, key string) string {
	if key == conversation.ReferralStageKey {
		return "the partnership (" + p.StageName(key) + ")"
	}
	return "stage " + strconv.Itoa(p.StageNumber(key)) + ", " + p.StageName(key)
}

const textBody = `{{.Lead}}
{{if .Ask}}
{{.Ask}}
{{end}}{{if .Urgent}}
It is marked urgent.
{{end}}{{if .Items}}
{{range .Items}}- {{.Text}}{{if .Link}}
  {{.Link}}{{end}}
{{end}}{{end}}
{{.Context}}
{{if .CaseID}}
Open the case to see it and act on it:
{{.Link}}

If you use resolvebot in Microsoft Teams or Slack, you can also find the case there by its number, {{.CaseID}}.{{if .Contact}} If neither works for you, contact {{.Contact}}.{{end}}

This email leaves out the details of the case on purpose. They stay in resolvebot, where only the people on the case can see them.
{{else}}
{{.More}}{{if .Contact}} If that doesn't work for you, contact {{.Contact}}.{{end}}

This email leaves out the details of the cases on purpose. They stay in resolvebot, where only the people on each case can see them.
{{end}}
-- 
{{.Footer}}
`

const htmlBody = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c; margin: 0; padding: 16px;">
<p style="font-size: 19px; font-weight: bold; margin: 0 0 16px;">{{.Lead}}</p>
{{if .Ask}}<p style="margin: 0 0 16px;">{{.Ask}}</p>
{{end}}{{if .Urgent}}<p style="margin: 0 0 16px; font-weight: bold;">It is marked urgent.</p>
{{end}}{{if .Items}}<ul style="margin: 0 0 16px; padding-left: 20px;">
{{range .Items}}<li style="margin: 0 0 8px;">{{if .Link}}<a href="{{.Link}}" style="color: #1d70b8;">{{.Text}}</a>{{else}}{{.Text}}{{end}}</li>
{{end}}</ul>
{{end}}<p style="margin: 0 0 16px;">{{.Context}}</p>
{{if .CaseID}}<p style="margin: 0 0 16px;"><a href="{{.Link}}" style="color: #1d70b8;">Open case {{.CaseID}}</a></p>
<p style="margin: 0 0 16px;">If you use resolvebot in Microsoft Teams or Slack, you can also find the case there by its number, {{.CaseID}}.{{if .Contact}} If neither works for you, contact {{.Contact}}.{{end}}</p>
<p style="margin: 0 0 16px;">This email leaves out the details of the case on purpose. They stay in resolvebot, where only the people on the case can see them.</p>
{{else}}<p style="margin: 0 0 16px;">{{.More}}{{if .Contact}} If that doesn't work for you, contact {{.Contact}}.{{end}}</p>
<p style="margin: 0 0 16px;">This email leaves out the details of the cases on purpose. They stay in resolvebot, where only the people on each case can see them.</p>
{{end}}<hr style="border: 0; border-top: 1px solid #b1b4b6; margin: 24px 0 16px;">
<p style="margin: 0; font-size: 14px; color: #505a5f;">{{.Footer}}</p>
</body>
</html>
`

var (
	textTemplate = texttemplate.Must(texttemplate.New("text").Parse(textBody))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Parse(htmlBody))
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
