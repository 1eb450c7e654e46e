package email

import (
	"bytes"
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
	Link    string // the case page
	Footer  string // why they received it and who runs the service
	Contact string // where to ask; "" when not configured
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
func (s *Sender) compose(m bot.Message, c *conversation.Case) Notice {
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
	owner := slices.ContainsFunc(m.Buttons, func(b bot.Button) bool { return b.Verb == conversation.VerbActionDone })
	followUp := m.Kind == "nudge" && c.Status == conversation.StatusResolved
	switch {
	case followUp && owner:
		n.Lead = "A reminder about an action you agreed to resolve case " + c.ID + "."
		n.Ask = "Please open the case to see when it is due, and mark it done there once it is done."
		n.Subject = c.ID + ": a reminder about your agreed action"
	case followUp:
		n.Lead = "An action agreed to resolve case " + c.ID + " is past its due date and not marked done."
		n.Ask = "Please open the case to see which, and who owns it."
		n.Subject = c.ID + ": an agreed action is overdue"
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
	partnership := "your safeguarding partnership"
	if p.Partnership != "" {
		partnership = the(p.Partnership)
	}
	operator := s.opts.Operator
	if operator == "" {
		operator = partnership
	}
	n.Footer = "You are receiving this because you are named on case " + c.ID + " under " + partnership +
		"'s case resolution process, and email is how resolvebot reaches you. resolvebot is run by " + operator + "."
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
{{end}}
{{.Context}}

Open the case to see it and act on it:
{{.Link}}

If you use resolvebot in Microsoft Teams or Slack, you can also find the case there by its number, {{.CaseID}}.{{if .Contact}} If neither works for you, contact {{.Contact}}.{{end}}

This email leaves out the details of the case on purpose. They stay in resolvebot, where only the people on the case can see them.

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
{{end}}<p style="margin: 0 0 16px;">{{.Context}}</p>
<p style="margin: 0 0 16px;"><a href="{{.Link}}" style="color: #1d70b8;">Open case {{.CaseID}}</a></p>
<p style="margin: 0 0 16px;">If you use resolvebot in Microsoft Teams or Slack, you can also find the case there by its number, {{.CaseID}}.{{if .Contact}} If neither works for you, contact {{.Contact}}.{{end}}</p>
<p style="margin: 0 0 16px;">This email leaves out the details of the case on purpose. They stay in resolvebot, where only the people on the case can see them.</p>
<hr style="border: 0; border-top: 1px solid #b1b4b6; margin: 24px 0 16px;">
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
