package email

import (
	"bytes"
	"context"
	"errors"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/resolvebot/resolvebot/conversation"
)

// signIn is everything a sign-in email says: no case, only the link.
type signIn struct {
	Subject string
	Link    string
	Until   string // when the link stops working, in the partnership's time
	Footer  string
	Contact string
}

const signInText = `Use this link to sign in to resolvebot:
{{.Link}}

It works once, until {{.Until}}. The page it opens asks you to press Continue.

If you did not ask to sign in, you can ignore this email: nobody can sign in without the link.{{if .Contact}} If you keep getting these emails, contact {{.Contact}}.{{end}}

-- 
{{.Footer}}
`

const signInHTML = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c; margin: 0; padding: 16px;">
<p style="font-size: 19px; font-weight: bold; margin: 0 0 16px;">Sign in to resolvebot</p>
<p style="margin: 0 0 16px;"><a href="{{.Link}}" style="color: #1d70b8;">Sign in to resolvebot</a></p>
<p style="margin: 0 0 16px;">The link works once, until {{.Until}}. The page it opens asks you to press Continue.</p>
<p style="margin: 0 0 16px;">If you did not ask to sign in, you can ignore this email: nobody can sign in without the link.{{if .Contact}} If you keep getting these emails, contact {{.Contact}}.{{end}}</p>
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
	n := s.signIn(link, expires)
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

// signIn composes a sign-in email.
func (s *Sender) signIn(link string, expires time.Time) signIn {
	loc := s.cards.Calendar().Location()
	p := s.cards.Protocol()
	partnership := "your safeguarding partnership"
	if p.Partnership != "" {
		partnership = the(p.Partnership)
	}
	operator := s.opts.Operator
	if operator == "" {
		operator = partnership
	}
	return signIn{Subject: "Your link to sign in to resolvebot", Link: link,
		Until: strings.TrimSpace(expires.In(loc).Format("15:04 on Monday 2 January")), Contact: s.opts.Contact,
		Footer: "You are receiving this because someone asked to sign in to resolvebot with this address. resolvebot keeps the record of disagreements between professionals under " +
			partnership + "'s case resolution process, and is run by " + operator + "."}
}
