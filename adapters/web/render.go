package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// page is what every page's layout shows around its content.
type page struct {
	Title   string
	Service string
	CSRF    string
	Person  string // the signed-in person's name; "" when signed out
	// Dashboard is the menu's link to the partnership dashboard; "" for
	// someone it is not for.
	Dashboard string
	Admin     bool // the menu offers the settings (a partnership admin)
	// Partnership is the id of the hosted partnership whose settings an
	// admin of several is changing, carried in each settings form so a form
	// opened before choosing another partnership still changes its own;
	// "" for an admin of one.
	Partnership string
	Flash       *flash
	Errors      []fieldError // the error summary
	Data        any
	Body        template.HTML
}

// fieldError is one problem with an answer, for the error summary and
// beside its field.
type fieldError struct {
	Field string // the field's key; its input's id is "f-"+Field
	Text  string
}

// funcs are the templates' functions. say and sayHTML give the English
// catalogue's texts here; each Server binds its own (templateFuncs).
var funcs = template.FuncMap{
	"fieldID": func(key string) string { return "f-" + key },
	"lines":   func(s string) []string { return strings.Split(s, "\n") },
	"paras":   paragraphs,
	"say":     sayText{}.Say,
	"sayHTML": sayHTML{}.Say,
	"strong":  strong,
	"link":    link,
}

// paragraphs splits text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// render writes the page name inside the layout with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Service = s.opts.Service
	p.Partnership = chosenPartnershipID(r.Context())
	var body bytes.Buffer
	if err := s.pages.ExecuteTemplate(&body, name, p); err != nil {
		s.opts.Log.Error("web: render page", "page", name, "err", err)
		http.Error(w, s.words().Say("web.internal.plain", nil), http.StatusInternalServerError)
		return
	}
	p.Body = template.HTML(body.String()) //nolint:gosec // produced by html/template
	if len(p.Errors) > 0 {
		p.Title = s.words().Say("web.error.title", messages.Args{"page": p.Title})
	}
	var out bytes.Buffer
	if err := s.pages.ExecuteTemplate(&out, "layout", p); err != nil {
		s.opts.Log.Error("web: render layout", "page", name, "err", err)
		http.Error(w, s.words().Say("web.internal.plain", nil), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(out.Bytes())
}

// problemData is a page that explains why something did not happen.
type problemData struct {
	Text string
	Back string // a link onwards
	More []bot.Message
}

// problem answers with a page saying what went wrong and that nothing changed.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, sess *session, status int, title, text string) {
	p := page{Title: title, Data: problemData{Text: text, Back: Prefix}}
	if sess != nil {
		p.CSRF = sess.CSRF
		p.Person = s.opts.Router.People.Name(r.Context(), sess.Person)
	}
	s.render(w, r, status, "problem", p)
}

// internal answers a failure of ours; only the error's context is logged.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.opts.Log.Error("web: request failed", "path", safePath(r.URL.Path), "err", err)
	s.problem(w, r, nil, http.StatusInternalServerError, s.words().Say("web.internal.title", nil), s.words().Say("web.internal.text", nil))
}

// safePath keeps a path's shape for logs: case ids and verbs, nothing typed.
func safePath(p string) string {
	if len(p) > 80 {
		return p[:80]
	}
	return p
}

// notFound answers a path that is no page, keeping the menu for someone
// signed in.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	sess, _ := s.currentSession(r)
	s.problem(w, r, sess, http.StatusNotFound, s.words().Say("web.not_found.title", nil), s.words().Say("web.not_found.text", nil))
}

// messageView is a neutral bot.Message as the web shows it.
type messageView struct {
	Kind    string
	Title   string
	Tone    string
	Paras   []string
	List    []string
	Fields  []bot.Field
	Primary []buttonView
	More    []buttonView
	CSRF    string
	// Heading is the level of the message's title (2 inside a page).
	Heading int
}

// buttonView is one step a person may take: a link to its form or
// confirmation page, or a form that posts the step at once.
type buttonView struct {
	Label   string
	Href    string // GET: the step's form or "are you sure" page
	Action  string // POST: the step itself
	Version int64
	Class   string
	CSRF    string
}

// viewMessage turns m into what the message template shows. csrf goes in
// the forms of buttons that post at once.
func viewMessage(m bot.Message, csrf string) messageView {
	v := messageView{Kind: m.Kind, Title: m.Title, Tone: string(m.Tone), Paras: paragraphs(m.Text), List: m.List,
		Fields: m.Fields, CSRF: csrf, Heading: 2}
	for _, b := range m.Buttons {
		bv := buttonView{Label: b.Label, Version: b.Version, Class: "govuk-button", CSRF: csrf}
		switch b.Style {
		case "danger":
			bv.Class += " govuk-button--warning"
		case "primary":
		default:
			bv.Class += " govuk-button--secondary"
		}
		path := "/web/cases/" + b.CaseID + "/" + string(b.Verb)
		if b.Form || b.Confirm != "" {
			bv.Href = path + "?version=" + strconv.FormatInt(b.Version, 10)
		} else {
			bv.Action = path
		}
		if b.Secondary {
			v.More = append(v.More, bv)
		} else {
			v.Primary = append(v.Primary, bv)
		}
	}
	return v
}

// RenderMessage renders m as HTML: its title, text, list, fields as a
// summary list, and its steps as buttons (the first few) and a "More
// steps" disclosure. Forms are rendered by their own pages. Every piece of
// text is escaped.
func (s *Server) RenderMessage(m bot.Message, csrf string) (template.HTML, error) {
	var b bytes.Buffer
	if err := s.pages.ExecuteTemplate(&b, "message", viewMessage(m, csrf)); err != nil {
		return "", fmt.Errorf("render message: %w", err)
	}
	return template.HTML(b.String()), nil //nolint:gosec // produced by html/template
}

// formView is a conversation.Form as the web shows it.
type formView struct {
	Action string
	Title  string
	Intro  []string
	Fields []fieldView
	Submit string
	Cancel string // where "Cancel" goes
	CSRF   string
	Hidden map[string]string
	// People are suggestions for the fields that name a person.
	People []optionView
}

// fieldView is one question.
type fieldView struct {
	Key      string
	Label    string
	Help     string
	Type     string
	Options  []optionView
	Required bool
	MaxLen   int
	Value    string
	Error    string
	Rows     int
	// Autofocus puts the focus on the field when the page opens (the
	// answer the person came back to change).
	Autofocus bool
}

// optionView is one choice.
type optionView struct {
	Value   string
	Label   string
	Checked bool
}

// viewForm turns f into what the form template shows, with the answers
// given so far (or each field's default) and the problems found, in the
// wording of k (nil: the English catalogue's).
func viewForm(k *bot.Cards, f *conversation.Form, values map[string]string, errs map[string]string) formView {
	fv := formView{Title: f.Title, Intro: paragraphs(f.Intro), Submit: k.Say("web.form.continue", nil)}
	for _, fd := range f.Fields {
		val, ok := values[fd.Key]
		if !ok {
			val = fd.Default
		}
		v := fieldView{Key: fd.Key, Label: fd.Label, Help: fd.Help, Type: string(fd.Type), Required: fd.Required,
			MaxLen: fd.MaxLen, Value: val, Error: errs[fd.Key], Rows: 5}
		opts := fd.Options
		if fd.Type == conversation.FieldYesNo {
			opts = []conversation.Option{{Value: "yes", Label: k.Say("check.yes", nil)}, {Value: "no", Label: k.Say("check.no", nil)}}
			if fd.Unsure {
				opts = append(opts, conversation.Option{Value: conversation.NotSure, Label: k.Say("check.not_sure", nil)})
			}
		}
		chosen := map[string]bool{}
		for _, c := range strings.Split(val, ",") {
			chosen[strings.TrimSpace(c)] = true
		}
		for _, o := range opts {
			checked := o.Value == val // a choice's value may hold commas (an order of ways to reach)
			if fd.Type == conversation.FieldCheckboxes {
				checked = chosen[o.Value]
			}
			v.Options = append(v.Options, optionView{Value: o.Value, Label: o.Label, Checked: checked})
		}
		fv.Fields = append(fv.Fields, v)
	}
	return fv
}

// formValues reads a posted form's answers to f: several ticked boxes
// join with commas, as every platform sends them.
func formValues(r *http.Request, f *conversation.Form) map[string]string {
	out := map[string]string{}
	if f == nil {
		return out
	}
	for _, fd := range f.Fields {
		vals := r.PostForm[fd.Key]
		if fd.Type == conversation.FieldCheckboxes {
			out[fd.Key] = strings.Join(vals, ",")
			continue
		}
		if len(vals) > 0 {
			out[fd.Key] = vals[0]
		}
	}
	return out
}

// summaryErrors lists a form's problems in its fields' order, for the
// error summary.
func summaryErrors(f *conversation.Form, errs map[string]string, general string) []fieldError {
	var out []fieldError
	seen := map[string]bool{}
	if f != nil {
		for _, fd := range f.Fields {
			if t, ok := errs[fd.Key]; ok {
				out = append(out, fieldError{Field: fd.Key, Text: t})
				seen[fd.Key] = true
			}
		}
	}
	for k, t := range errs {
		if !seen[k] {
			out = append(out, fieldError{Text: t})
		}
	}
	if len(out) == 0 && general != "" {
		out = append(out, fieldError{Text: general})
	}
	return out
}
