package email

import (
	"bytes"
	"context"
	"errors"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// signIn is everything a sign-in email says: no case, only the link.
type signIn struct {
	Subject string
	Link    string
	Footer  string
	// The sentences, in the partnership's wording: the heading (HTML),
	// the words before the link (text), when the link stops working (in
	// the partnership's time; the HTML's own sentence in UntilHTML), and
	// what to do if it was not asked for.
	Heading, UseLink, Until, UntilHTML, Ignore string
}

const signInText = `{{.UseLink}}
{{.Link}}

{{.Until}}

{{.Ignore}}

-- 
{{.Footer}}
`

const signInHTML = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c; margin: 0; padding: 16px;">
<p style="font-size: 19px; font-weight: bold; margin: 0 0 16px;">{{.Heading}}</p>
<p style="margin: 0 0 16px;"><a href="{{.Link}}" style="color: #1d70b8;">{{.Heading}}</a></p>
<p style="margin: 0 0 16px;">{{.UntilHTML}}</p>
<p style="margin: 0 0 16px;">{{.Ignore}}</p>
<hr style="border: 0; border-top: 1px solid #b1b4b6; margin: 24px 0 16px;">
<p style="margin: 0; font-size: 14px; color: #505a5f;">{{.Footer}}</p>
</body>
</html>
`

var (
	signInTextTemplate = texttemplate.Must(texttemplate.New("signin-text").Parse(signInText))
	signInHTMLTemplate = htmltemplate.Must(htmltemplate.New("signin-html").Parse(signInHTML))
)

// SendSignIn emails a sign-in link for the web page to the person's
// address on record. The email names no case. It returns an error marked
// permanent when the person has no address or the relay refuses it for
// good, and a temporary one otherwise.
func (s *Sender) SendSignIn(ctx context.Context, to *conversation.Person, link string, expires time.Time) error {
	if to.Email == "" {
		return errors.New("email: the person has no address on record")
	}
	n := s.signIn(to.Agency, link, expires)
	var t, h bytes.Buffer
	if err := signInTextTemplate.Execute(&t, n); err != nil {
		return err
	}
	if err := signInHTMLTemplate.Execute(&h, n); err != nil {
		return err
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(s.opts.FromName, s.opts.From); err != nil {
		return err
	}
	if err := msg.To(to.Email); err != nil {
		return err
	}
	msg.Subject(n.Subject)
	msg.SetDateWithValue(s.opts.Now())
	msg.SetMessageID()
	msg.SetGenHeaderPreformatted("Auto-Submitted", "auto-generated")
	msg.SetGenHeaderPreformatted(mail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(mail.TypeTextPlain, t.String())
	msg.AddAlternativeString(mail.TypeTextHTML, h.String())
	return s.send(ctx, msg)
}

// signIn composes a sign-in email for someone at agency, naming their
// partnership (on a deployment hosting several, "your partnership" when
// their agency is not known to be in one).
func (s *Sender) signIn(agency, link string, expires time.Time) signIn {
	k := s.cards.ForAgency(agency)
	loc := k.Calendar().Location()
	partnership, operator := s.partnership(k)
	at := expires.In(loc)
	until := k.Say("mail.signin.at", messages.Args{"time": at.Format("15:04"), "day": at.Format("Monday 2 January")})
	ignore := k.Say("mail.signin.ignore", nil)
	if s.opts.Contact != "" {
		ignore = k.Say("mail.signin.ignore.contact", messages.Args{"contact": s.opts.Contact})
	}
	return signIn{Subject: k.Say("mail.signin.subject", nil), Link: link,
		Heading: k.Say("mail.signin.heading", nil), UseLink: k.Say("mail.signin.use_link", nil),
		Until: k.Say("mail.signin.until", messages.Args{"until": until}), UntilHTML: k.Say("mail.signin.until.html", messages.Args{"until": until}),
		Ignore: ignore,
		Footer: k.Say("mail.signin.footer", messages.Args{"partnership": partnership, "operator": operator})}
}
