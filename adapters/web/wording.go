package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
)

// The web page's wording is the message catalogue's (bot/messages/en/,
// keys "web.…"), with the deployment's overrides applied. Go code looks a
// text up with s.words().Say("web.key", messages.Args{…}); templates with
// the functions bound per Server:
//
//	{{say "web.signin.title"}}
//	{{say "web.case.title" "case" .ID}}   pairs of a placeholder's name and its value
//	{{sayHTML "web.checkemail.sent" "email" (strong .Email)}}
//	{{sayHTML "web.checkemail.still_none" "link" (link .Href (say "web.checkemail.new_link"))}}
//
// say gives plain text, which html/template escapes as any other. sayHTML
// gives HTML: the catalogue's text escaped, each value escaped too unless it
// is HTML made by strong or link. The key must be a string literal and the
// names those of the text's placeholders: bot/messages' test reads the
// templates and checks both.

// words is the catalogue with the deployment's overrides, through bot's
// Cards.
func (s *Server) words() *bot.Cards { return s.opts.Router.Cards }

// templateFuncs are the functions that give the templates their wording,
// bound to cards.
func templateFuncs(cards *bot.Cards) template.FuncMap {
	return template.FuncMap{"say": sayText{cards}.Say, "sayHTML": sayHTML{cards}.Say}
}

// sayText is the templates' say function.
type sayText struct{ cards *bot.Cards }

// Say returns the text of key with the placeholders named in pairs (name,
// value, name, value …). It returns an error when pairs has an odd length
// or a name is not a string; a key or name the catalogue does not know is
// the catalogue's failure (see messages.Catalogue.Text).
func (w sayText) Say(key string, pairs ...any) (string, error) {
	args, err := pairArgs(key, pairs)
	if err != nil {
		return "", err
	}
	return w.cards.Say(key, args), nil
}

// pairArgs turns the template's pairs into Args; nil for none.
func pairArgs(key string, pairs []any) (messages.Args, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("say %q: arguments come in pairs of name and value", key)
	}
	var args messages.Args
	for i := 0; i < len(pairs); i += 2 {
		name, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("say %q: argument %d is not a placeholder's name", key, i+1)
		}
		if args == nil {
			args = messages.Args{}
		}
		args[name] = pairs[i+1]
	}
	return args, nil
}

// sayHTML is the templates' sayHTML function.
type sayHTML struct{ cards *bot.Cards }

// mark stands for a placeholder's value while the text is escaped; no
// catalogue text holds a NUL.
const mark = "\x00"

// Say returns the text of key as HTML: the text escaped, and in each
// placeholder its value, escaped unless it is template.HTML (from strong or
// link). Errors are sayText.Say's.
func (w sayHTML) Say(key string, pairs ...any) (template.HTML, error) {
	args, err := pairArgs(key, pairs)
	if err != nil {
		return "", err
	}
	marked := messages.Args{}
	for name := range args {
		marked[name] = mark + name + mark
	}
	out := html.EscapeString(w.cards.Say(key, marked))
	for name, v := range args {
		h, ok := v.(template.HTML)
		if !ok {
			h = template.HTML(html.EscapeString(fmt.Sprint(v))) //nolint:gosec // escaped
		}
		out = strings.ReplaceAll(out, mark+name+mark, string(h))
	}
	return template.HTML(out), nil //nolint:gosec // every part escaped
}

// strong is text in bold, for a placeholder of sayHTML.
func strong(text string) template.HTML {
	return template.HTML("<strong>" + html.EscapeString(text) + "</strong>") //nolint:gosec // escaped
}

// link is a link to one of the page's own paths, for a placeholder of
// sayHTML.
func link(href, text string) template.HTML {
	return template.HTML(`<a class="govuk-link" href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + "</a>") //nolint:gosec // escaped
}
