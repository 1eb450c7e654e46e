package teams

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Card data keys carried by every action, so Action.Execute and its
// Action.Submit fallback arrive with the same data.
const (
	dataVerb    = "verb"
	dataCase    = "case"
	dataVersion = "version"
	dataForm    = "form"
	// verbSubmit is the Action.Execute verb of a form's submit button.
	verbSubmit = "submit"
)

// PeopleDataset is the Data.Query dataset of every person field: Teams
// asks for it with the application/search invoke as the person types.
const PeopleDataset = "people"

// cardVersion is the Adaptive Card schema version rendered.
const cardVersion = "1.5"

// Limits that keep cards inside Teams' message size.
const (
	maxTextRunes   = 4000
	maxButtonRunes = 40
	// maxCardBytes is the most a card may take as JSON: a Teams message
	// holds about 28 KB, and the activity around the card needs some.
	maxCardBytes = 26 * 1024
)

// mdInline are the characters Adaptive Card markdown (and its date
// functions) give meaning to anywhere in a line; mdLineStart are those that
// matter only at the start of a line (headings, lists, quotes).
const (
	mdInline    = "\\`*_[]~<>{}"
	mdLineStart = "#-+>="
)

// escapeMarkdown makes user text show as typed in an Adaptive Card
// TextBlock or fact: markdown characters are backslash-escaped, nothing can
// start a heading, list or quote ("1." included), and control characters
// are dropped.
func escapeMarkdown(s string) string {
	s = cut(s, maxTextRunes)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	lineStart, digits := true, false
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
			lineStart, digits = true, false
			continue
		case r == '\r' || r == '\t':
			b.WriteRune(' ')
			r = ' ' // a space, also for what counts as the start of a line
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			continue // dropped, leaving the line's state as it was
		case strings.ContainsRune(mdInline, r), lineStart && strings.ContainsRune(mdLineStart, r):
			b.WriteRune('\\')
			b.WriteRune(r)
		case (r == '.' || r == ')') && digits:
			b.WriteRune('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		digits = (lineStart || digits) && r >= '0' && r <= '9'
		lineStart = lineStart && r == ' '
	}
	return b.String()
}

// cut shortens s to n runes.
func cut(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s // counted without converting: most texts are short
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// plain cleans text for places that show no markdown (titles of buttons,
// input labels, choices, placeholders).
func plain(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	return cut(s, n)
}

// toneStyle is the container style that carries a message's tone: a
// background from the host's own palette, which Teams adapts to light, dark
// and high-contrast themes. Text on it keeps the default colour: Teams'
// "warning" and "good" text colours (yellow and pale green) are hard to
// read on a light background.
func toneStyle(t bot.Tone) string {
	switch t {
	case bot.ToneSuccess:
		return "good"
	case bot.ToneWarning:
		return "warning"
	case bot.ToneDanger:
		return "attention"
	}
	return "emphasis"
}

// paragraphs escapes text for a TextBlock and keeps its line breaks: Teams
// markdown runs lines separated by a single newline together, so every
// line becomes a paragraph of its own.
func paragraphs(s string) string {
	lines := strings.Split(escapeMarkdown(s), "\n")
	out := lines[:0]
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n\n")
}

// bulletList renders items as a markdown list in a TextBlock of its own,
// so nothing comes before the list on its block. Each item is escaped and
// kept to one line, as a line break would end the list.
func bulletList(items []string) map[string]any {
	lines := make([]string, 0, len(items))
	for _, it := range items {
		it = strings.Join(strings.Fields(strings.ReplaceAll(it, "\n", " ")), " ")
		lines = append(lines, "- "+escapeMarkdown(it))
	}
	return textBlock(strings.Join(lines, "\n"), nil)
}

func textBlock(text string, extra map[string]any) map[string]any {
	tb := map[string]any{"type": "TextBlock", "text": text, "wrap": true}
	for k, v := range extra {
		tb[k] = v
	}
	return tb
}

func newCard(body []any, actions []any) map[string]any {
	card := map[string]any{
		"type":    "AdaptiveCard",
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"version": cardVersion,
		"body":    body,
		"msteams": map[string]any{"width": "Full"},
	}
	if len(actions) > 0 {
		card["actions"] = actions
	}
	return card
}

// Render returns m as an Adaptive Card 1.5, the card's own words (its
// Cancel, Send and Change, its hints) as k's catalogue has them, with the
// partnership's overrides (nil: the catalogue's own). Every piece of text
// from the message is escaped, so nothing a person typed is read as
// markdown. Forms become inputs with validation; buttons become
// Action.Execute with an Action.Submit fallback.
func Render(k *bot.Cards, m bot.Message) map[string]any {
	return renderCard(k, m, nil)
}

// renderCard renders m, filling form inputs from values when given (a form
// shown again after a failed submission keeps what was typed).
func renderCard(k *bot.Cards, m bot.Message, values map[string]string) map[string]any {
	var body []any
	if m.Title != "" {
		body = append(body, map[string]any{
			"type":  "Container",
			"style": toneStyle(m.Tone),
			"bleed": true,
			"items": []any{textBlock(escapeMarkdown(m.Title), map[string]any{
				"size": "Medium", "weight": "Bolder", "style": "heading"})},
		})
	}
	if m.Text != "" {
		body = append(body, textBlock(paragraphs(m.Text), nil))
	}
	if len(m.List) > 0 {
		body = append(body, bulletList(m.List))
	}
	if m.Kind == "check" && m.Check != nil {
		return fitCard(newCard(append(body, checkRows(k, m.Check)...), checkActions(k, m.Check)))
	}
	if m.Kind == "form" && m.Form != nil {
		body = append(body, errorSummary(k, m.Form, m.Errors)...)
		body = append(body, formInputs(k, m.Form, m.Errors, values)...)
		data := map[string]any{dataForm: m.Form.Key}
		if m.FormCase != "" {
			data[dataCase] = m.FormCase
			data[dataVersion] = strconv.FormatInt(m.FormVersion, 10)
		}
		// Cancel is always there, also after a failed send: back to the
		// case for an action form, the form closed otherwise. It sends no
		// answers, so empty required ones do not hold it up.
		back := map[string]any{dataForm: m.Form.Key}
		if m.FormCase != "" {
			back = map[string]any{dataCase: m.FormCase, dataVersion: strconv.FormatInt(m.FormVersion, 10)}
		}
		cancel := executeAction(k.Say("teams.cancel", nil), verbCancel, back, "")
		cancel["associatedInputs"] = "none"
		cancel["fallback"].(map[string]any)["associatedInputs"] = "none"
		return fitCard(newCard(body, []any{executeAction(bot.SubmitOf(m.Form), verbSubmit, data, "positive"), cancel}))
	}
	if len(m.Fields) > 0 {
		body = append(body, fieldBlocks(m.Fields)...)
	}
	if len(m.Errors) > 0 {
		var items []string
		for _, k := range slices.Sorted(maps.Keys(m.Errors)) {
			items = append(items, m.Errors[k])
		}
		list := bulletList(items)
		list["color"] = "attention"
		body = append(body, list)
	}
	var actions []any
	for _, b := range m.Buttons {
		actions = append(actions, buttonAction(k, b))
	}
	return fitCard(newCard(body, actions))
}

// checkRows lays out the answers to check as GOV.UK's summary list does:
// each question in bold with the answer under it, and a Change button
// beside it in a set of its own (one action per set, within Teams' limit).
func checkRows(k *bot.Cards, c *bot.Check) []any {
	rows := make([]any, 0, len(c.Answers))
	for _, a := range c.Answers {
		change := executeAction(k.Say("teams.change", nil), verbSubmit, map[string]any{dataForm: bot.FormIntakeChange, bot.ChangeField: a.Key}, "")
		change["tooltip"] = plain(k.Say("teams.change.tooltip", messages.Args{"question": a.Question}), 200)
		rows = append(rows, map[string]any{
			"type": "ColumnSet", "separator": true, "spacing": "Medium",
			"columns": []any{
				map[string]any{"type": "Column", "width": "stretch", "items": []any{
					textBlock(escapeMarkdown(a.Question), map[string]any{"weight": "Bolder"}),
					textBlock(paragraphs(a.Answer), map[string]any{"spacing": "Small"}),
				}},
				map[string]any{"type": "Column", "width": "auto", "verticalContentAlignment": "Center", "items": []any{
					map[string]any{"type": "ActionSet", "actions": []any{change}},
				}},
			},
		})
	}
	return rows
}

// checkActions are the answers' Send, carrying their digest, and Cancel,
// which closes the card and keeps the answers as a draft.
func checkActions(k *bot.Cards, c *bot.Check) []any {
	cancel := executeAction(k.Say("teams.cancel", nil), verbCancel, map[string]any{dataForm: c.Form}, "")
	return []any{
		executeAction(k.Say("teams.send", nil), verbSubmit, map[string]any{dataForm: bot.FormIntakeSend, bot.CheckDigest: c.Digest}, "positive"),
		cancel,
	}
}

// errorKey returns the form field an error belongs to: "actions[0].owner"
// belongs to "actions".
func errorKey(k string) string {
	if i := strings.IndexAny(k, "[."); i > 0 {
		return k[:i]
	}
	return k
}

// fieldErrors gathers a form's errors by field, in the form's order; the
// errors of no field come last, in key order.
func fieldErrors(f *conversation.Form, errs map[string]string) (byField map[string][]string, order []string, other []string) {
	byField = map[string][]string{}
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		if f.Field(errorKey(k)) == nil {
			other = append(other, errs[k])
			continue
		}
		byField[errorKey(k)] = append(byField[errorKey(k)], errs[k])
	}
	for _, fd := range f.Fields {
		if len(byField[fd.Key]) > 0 {
			order = append(order, fd.Key)
		}
	}
	return byField, order, other
}

// labelled puts a question's label before an error about it.
func labelled(label, msg string) string {
	label = strings.TrimRight(strings.TrimSpace(label), ":")
	if strings.HasSuffix(label, "?") {
		return label + " " + msg
	}
	return label + ": " + msg
}

// errorSummary is what the top of a form says after a failed send: that
// some answers need another look, and every problem with the question it
// is about (each is shown under its question too).
func errorSummary(k *bot.Cards, f *conversation.Form, errs map[string]string) []any {
	if len(errs) == 0 {
		return nil
	}
	byField, order, other := fieldErrors(f, errs)
	var items []string
	for _, k := range order {
		for _, msg := range byField[k] {
			items = append(items, labelled(f.Field(k).Label, msg))
		}
	}
	items = append(items, other...)
	// Default text on the attention background: attention-coloured text
	// on it is too faint to read.
	out := []any{textBlock(escapeMarkdown(k.Say("teams.form.needs_look", nil)), map[string]any{"weight": "Bolder"})}
	if len(items) > 0 {
		list := bulletList(items)
		list["spacing"] = "Small"
		out = append(out, list)
	}
	return []any{map[string]any{"type": "Container", "style": "attention", "items": out}}
}

// fitCard shortens the longest texts of card (text blocks, facts and typed
// input values) until its JSON fits in maxCardBytes, so Teams never refuses
// a card because of how much someone wrote. Each text is already escaped;
// a cut never leaves a lone backslash before the ellipsis.
func fitCard(card map[string]any) map[string]any {
	if n, ok := jsonBound(card); ok && n <= maxCardBytes {
		return card // surely fits: no need to encode it to know
	}
	for range 64 {
		b, err := json.Marshal(card)
		if err != nil || len(b) <= maxCardBytes {
			return card
		}
		var longest map[string]any
		var key string
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if _, ok := x["choices"]; ok {
					return // an input with choices: their values must stay whole
				}
				for _, k := range []string{"text", "value", "title"} {
					s, ok := x[k].(string)
					if !ok || (k == "title" && x["type"] != nil) || (k == "value" && x["type"] != nil && x["type"] != "Input.Text") {
						continue // titles of actions and values of choices stay whole
					}
					if longest == nil || len(s) > len(longest[key].(string)) {
						longest, key = x, k
					}
				}
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(card)
		if longest == nil {
			return card
		}
		s := longest[key].(string)
		n := len([]rune(s))
		if n < 8 {
			return card
		}
		short := strings.TrimSuffix(cut(s, n/2), "…")
		if trailing := len(short) - len(strings.TrimRight(short, "\\")); trailing%2 == 1 {
			short = short[:len(short)-1]
		}
		longest[key] = short + "…"
	}
	return card
}

// jsonBound returns an upper bound on the length of v encoded as JSON, and
// false when v holds a type it does not know (the caller then encodes v
// to know). Each byte of a string or key counts 6, the most JSON's
// escaping makes of one (\u00XX), so most cards are known to fit without
// being encoded twice on their way out (once here, once when sent).
func jsonBound(v any) (int, bool) {
	switch x := v.(type) {
	case nil, bool:
		return 5, true
	case string:
		return 2 + 6*len(x), true
	case int, int64, float64:
		return 24, true
	case map[string]any:
		n := 2
		for k, e := range x {
			m, ok := jsonBound(e)
			if !ok {
				return 0, false
			}
			n += 4 + 6*len(k) + m
		}
		return n, true
	case []any:
		n := 2
		for _, e := range x {
			m, ok := jsonBound(e)
			if !ok {
				return 0, false
			}
			n += 1 + m
		}
		return n, true
	case []string:
		n := 2
		for _, e := range x {
			n += 3 + 6*len(e)
		}
		return n, true
	}
	return 0, false
}

// fieldBlocks shows short fields as facts and long ones as label and text.
func fieldBlocks(fields []bot.Field) []any {
	var out []any
	var facts []any
	flush := func() {
		if len(facts) > 0 {
			out = append(out, map[string]any{"type": "FactSet", "facts": facts})
			facts = nil
		}
	}
	for _, f := range fields {
		if len([]rune(f.Value)) <= 80 && !strings.Contains(f.Value, "\n") {
			facts = append(facts, map[string]any{"title": escapeMarkdown(f.Label), "value": escapeMarkdown(f.Value)})
			continue
		}
		flush()
		out = append(out,
			textBlock(escapeMarkdown(f.Label), map[string]any{"weight": "Bolder", "spacing": "Medium"}),
			textBlock(paragraphs(f.Value), map[string]any{"spacing": "Small"}))
	}
	flush()
	return out
}

// executeAction is an Action.Execute with an Action.Submit fallback
// carrying the same verb and data.
func executeAction(title, verb string, data map[string]any, style string) map[string]any {
	d := map[string]any{dataVerb: verb}
	for k, v := range data {
		d[k] = v
	}
	title = plain(title, maxButtonRunes)
	a := map[string]any{"type": "Action.Execute", "title": title, "verb": verb, "data": d,
		"fallback": map[string]any{"type": "Action.Submit", "title": title, "data": d}}
	if style != "" {
		a["style"] = style
		a["fallback"].(map[string]any)["style"] = style
	}
	return a
}

// buttonAction renders a case button. Steps that need an "are you sure"
// and no form open a small card asking it first.
func buttonAction(k *bot.Cards, b bot.Button) map[string]any {
	data := map[string]any{dataCase: b.CaseID, dataVersion: strconv.FormatInt(b.Version, 10)}
	style := ""
	switch b.Style {
	case "primary":
		style = "positive"
	case "danger":
		style = "destructive"
	}
	act := executeAction(b.Label, string(b.Verb), data, style)
	if b.Confirm != "" && !b.Form {
		act["title"] = k.Say("teams.confirm_step", messages.Args{"step": strings.ToLower(plain(b.Label, maxButtonRunes))})
		act["fallback"].(map[string]any)["title"] = act["title"]
		act = map[string]any{
			"type":  "Action.ShowCard",
			"title": plain(b.Label, maxButtonRunes),
			"card": map[string]any{
				"type":    "AdaptiveCard",
				"body":    []any{textBlock(escapeMarkdown(b.Confirm), nil)},
				"actions": []any{act},
			},
		}
	}
	if b.Secondary {
		// In the card's overflow ("…"), on a host that falls back to
		// Action.Submit too; a form or a confirmation opens from there as
		// it does from a button.
		act["mode"] = "secondary"
		if fb, ok := act["fallback"].(map[string]any); ok {
			fb["mode"] = "secondary"
		}
	}
	return act
}

// formInputs renders a form's fields as inputs with labels, required marks,
// lengths and error messages, in the form's order (so the immediate-risk
// question comes first on intake).
func formInputs(k *bot.Cards, f *conversation.Form, errs map[string]string, values map[string]string) []any {
	var out []any
	byField, _, _ := fieldErrors(f, errs)
	for _, fd := range f.Fields {
		in := map[string]any{"id": fd.Key, "label": plain(fd.Label, 200), "isRequired": fd.Required}
		if fd.Required {
			in["errorMessage"] = k.Say("teams.form.required", nil)
		}
		value := fd.Default
		if v, ok := values[fd.Key]; ok {
			value = v
		}
		switch {
		case fd.Key == bot.FieldConfirmIdentifiers && len(fd.Options) > 0:
			// The identifier confirmation: one toggle, "yes" when on.
			in["type"] = "Input.Toggle"
			in["wrap"] = true
			in["title"] = plain(fd.Options[0].Label, 200)
			in["valueOn"] = fd.Options[0].Value
			in["valueOff"] = "no"
		case fd.Type == conversation.FieldYesNo:
			in["type"] = "Input.ChoiceSet"
			in["style"] = "expanded"
			in["choices"] = []any{choice(k.Say("check.yes", nil), "yes"), choice(k.Say("check.no", nil), "no")}
			if fd.Unsure {
				in["choices"] = append(in["choices"].([]any), choice(k.Say("check.not_sure", nil), conversation.NotSure))
			}
		case fd.Type == conversation.FieldSelect, fd.Type == conversation.FieldAgency:
			in["type"] = "Input.ChoiceSet"
			in["style"] = "compact"
			in["choices"] = choices(fd.Options)
			in["placeholder"] = k.Say("teams.choose_one", nil)
		case fd.Type == conversation.FieldPerson:
			// Anyone the directory knows, or any work email: Teams asks
			// the bot as the person types (choices.data, answered by the
			// application/search invoke); the choices are what a client
			// without typeahead offers instead, with the current answer
			// among them so it shows by name.
			in["type"] = "Input.ChoiceSet"
			in["style"] = "filtered"
			list := choices(fd.Options)
			if value != "" && !slices.ContainsFunc(fd.Options, func(o conversation.Option) bool { return o.Value == value }) {
				list = append(list, choice(value, value))
			}
			in["choices"] = list
			in["choices.data"] = map[string]any{"type": "Data.Query", "dataset": PeopleDataset}
			ph := fd.Placeholder
			if ph == "" {
				ph = k.Say("teams.person.placeholder", nil)
			}
			in["placeholder"] = plain(ph, 100)
		case fd.Type == conversation.FieldCheckboxes:
			in["type"] = "Input.ChoiceSet"
			in["style"] = "expanded"
			in["isMultiSelect"] = true
			in["choices"] = choices(fd.Options)
		case fd.Type == conversation.FieldTextarea:
			in["type"] = "Input.Text"
			in["isMultiline"] = true
		default: // text
			in["type"] = "Input.Text"
		}
		if in["type"] == "Input.Text" {
			if fd.MaxLen > 0 {
				in["maxLength"] = fd.MaxLen
			}
			ph := fd.Placeholder
			if ph != "" {
				in["placeholder"] = plain(ph, 100)
			}
		}
		if in["type"] == "Input.ChoiceSet" {
			in["wrap"] = true // long choices would otherwise be cut mid-word
		}
		if value != "" {
			in["value"] = value
		}
		out = append(out, in)
		if fd.Help != "" {
			out = append(out, textBlock(escapeMarkdown(fd.Help), map[string]any{"isSubtle": true, "size": "Small", "spacing": "None"}))
		}
		for _, msg := range byField[fd.Key] {
			out = append(out, textBlock(escapeMarkdown(msg), map[string]any{"color": "attention", "spacing": "None"}))
		}
	}
	return out
}

func choice(title, value string) map[string]any {
	return map[string]any{"title": plain(title, 200), "value": value}
}

func choices(opts []conversation.Option) []any {
	out := make([]any, 0, len(opts))
	for _, o := range opts {
		out = append(out, choice(o.Label, o.Value))
	}
	return out
}
