package slack

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit). Lengths are
// counted in UTF-16 code units, which is at least what Slack counts.
const (
	MaxMessageBlocks   = 50
	MaxModalBlocks     = 100
	MaxSectionText     = 3000
	MaxSectionField    = 2000
	MaxSectionFields   = 10
	MaxHeaderText      = 150
	MaxButtonText      = 75
	MaxButtonValue     = 2000
	MaxActionElements  = 25
	MaxModalTitle      = 24
	MaxModalButton     = 24
	MaxPrivateMetadata = 3000
	MaxSelectOptions   = 100
	MaxCheckboxOptions = 10
	MaxOptionText      = 75
	MaxOptionValue     = 150
	// MinPersonQuery is how many letters a person field waits for before
	// it asks the bot for people (Slack's min_query_length).
	MinPersonQuery = 2
	// MaxPersonOptions is the most people a person field's search offers
	// at once; Slack takes up to MaxSelectOptions.
	MaxPersonOptions   = 20
	MaxInputLabel      = 2000
	MaxInputHint       = 2000
	MaxPlaceholder     = 150
	MaxInputLength     = 3000
	MaxConfirmTitle    = 100
	MaxConfirmText     = 300
	MaxConfirmButton   = 30
	MaxContextElements = 10
	MaxFallbackText    = 3000
	// MaxOverflowOptions is the most options an overflow menu takes, and
	// MinOverflowOptions the fewest.
	MaxOverflowOptions = 5
	MinOverflowOptions = 2
	// MaxCardButtons is the most buttons a message's actions block shows,
	// so a row stays readable; the other steps go in its overflow.
	MaxCardButtons = 5
)

// Action ids of the buttons and inputs the adapter renders.
const (
	actionPrefix       = "rb_"     // every case button: rb_<verb>
	actionView         = "rb_view" // "View full case"
	actionMore         = "rb_more" // the overflow menu of a card's other steps
	actionChange       = "change"  // "Change" beside an answer on check your answers; value: the question's key
	callbackForm       = "rb_form" // every modal that collects a form
	callbackInfo       = "rb_info" // a modal that only shows something
	shortcutRaise      = "raise_disagreement"
	shortcutRaiseAbout = "raise_about_message"
)

// slen returns the length of s as Slack counts it.
func slen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// esc escapes the three characters Slack treats as markup in text: &, < and
// >. Every piece of text placed in a block passes through it, so
// "<!channel>" or "<@U123>" typed by a person is shown, never acted on.
func esc(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escaper.Replace(s)
}

// escaper is built once: it is safe for concurrent use.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// cutEscaped cuts already-escaped text to max, ending with an ellipsis, and
// never splits an entity such as &amp;. It reports whether it cut.
func cutEscaped(s string, max int) (string, bool) {
	if slen(s) <= max {
		return s, false
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := utf16.RuneLen(r)
		if n+w > max-1 {
			break
		}
		b.WriteRune(r)
		n += w
	}
	out := b.String()
	if i := strings.LastIndexByte(out, '&'); i >= 0 && !strings.Contains(out[i:], ";") {
		out = out[:i]
	}
	return strings.TrimRight(out, " \n") + "…", true
}

// truncate shortens plain text to at most max UTF-16 code units, at a
// rune boundary.
func truncate(s string, max int) string {
	if slen(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > max {
			return s[:i]
		}
	}
	return s
}

// text escapes s and cuts it to max.
func text(s string, max int) (string, bool) { return cutEscaped(esc(s), max) }

func plainText(s string, max int) *slack.TextBlockObject {
	t, _ := text(s, max)
	return &slack.TextBlockObject{Type: slack.PlainTextType, Text: t}
}

func mrkdwnText(escaped string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: escaped}
}

// chunks splits escaped text into pieces of at most max, at line breaks
// where it can, never inside an entity.
func chunks(s string, max int) []string {
	var out []string
	for slen(s) > max {
		cut, _ := cutEscaped(s, max)
		cut = strings.TrimSuffix(cut, "…")
		if i := strings.LastIndexByte(cut, '\n'); i > len(cut)/2 {
			cut = cut[:i]
		}
		if cut == "" { // one entity longer than max cannot happen; guard anyway
			break
		}
		out = append(out, cut)
		s = strings.TrimLeft(s[len(cut):], "\n")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// buttonValue packs what a case button needs back: verb, case id and the
// case version the card showed.
func buttonValue(v conversation.Verb, caseID string, version int64) string {
	return string(v) + "|" + caseID + "|" + strconv.FormatInt(version, 10)
}

// parseButtonValue reverses buttonValue. ok is false for anything else.
func parseButtonValue(s string) (v conversation.Verb, caseID string, version int64, ok bool) {
	parts := strings.Split(s, "|")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return "", "", 0, false
	}
	n, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || n < 0 {
		return "", "", 0, false
	}
	return conversation.Verb(parts[0]), parts[1], n, true
}

// blockBudget collects blocks up to a limit and remembers whether anything
// had to be left out or cut.
type blockBudget struct {
	blocks []slack.Block
	max    int
	cut    bool
}

func (b *blockBudget) room() int { return b.max - len(b.blocks) }

func (b *blockBudget) add(bl slack.Block) bool {
	if b.room() <= 0 {
		b.cut = true
		return false
	}
	b.blocks = append(b.blocks, bl)
	return true
}

// addText adds escaped text as sections of at most MaxSectionText, keeping
// reserve blocks free.
func (b *blockBudget) addText(escaped string, reserve int) {
	cs := chunks(escaped, MaxSectionText)
	if n := max(b.room()-reserve, 0); len(cs) > n {
		b.cut = true
		cs = cs[:n]
		if n > 0 { // end what is shown with an ellipsis
			last := strings.TrimRight(cs[n-1], " \n")
			if slen(last)+1 > MaxSectionText {
				last, _ = cutEscaped(last, MaxSectionText)
			} else {
				last += "…"
			}
			cs[n-1] = last
		}
	}
	for _, c := range cs {
		b.add(slack.NewSectionBlock(mrkdwnText(c), nil, nil))
	}
}

var toneEmoji = map[bot.Tone]string{
	bot.ToneSuccess: ":white_check_mark: ",
	bot.ToneWarning: ":warning: ",
	bot.ToneDanger:  ":rotating_light: ",
}

// renderMessage renders a neutral message as Block Kit for a chat message,
// within maxBlocks, with a fallback text for notifications. Text that does
// not fit is cut with an ellipsis and, for a message about a case, a "View
// full case" button is added. The adapter's own words come from k's
// catalogue (nil: the catalogue's own), as they do in every render function.
func renderMessage(k *bot.Cards, m bot.Message, maxBlocks int) (blocks []slack.Block, fallback string) {
	blocks, fallback, _ = renderMessageCut(k, m, maxBlocks)
	return blocks, fallback
}

// renderMessageCut is renderMessage that also reports whether anything had
// to be cut or left out to fit.
func renderMessageCut(k *bot.Cards, m bot.Message, maxBlocks int) (blocks []slack.Block, fallback string, cut bool) {
	b := &blockBudget{max: maxBlocks}
	reserve := 2 // the "cut" note and the actions block
	if m.Title != "" {
		t, cut := text(toneEmoji[m.Tone]+m.Title, MaxHeaderText)
		b.cut = b.cut || cut
		b.add(slack.NewHeaderBlock(&slack.TextBlockObject{Type: slack.PlainTextType, Text: t}))
	}
	if m.Text != "" {
		prefix := ""
		if m.Title == "" {
			prefix = toneEmoji[m.Tone]
		}
		b.addText(prefix+esc(m.Text), reserve+1)
	}
	if len(m.List) > 0 {
		items := make([]string, 0, len(m.List))
		for _, it := range m.List {
			items = append(items, "• "+esc(it))
		}
		b.addText(strings.Join(items, "\n"), reserve+1)
	}
	renderFields(b, m.Fields, reserve+1)
	if len(m.Errors) > 0 {
		var lines []string
		for _, k := range slices.Sorted(maps.Keys(m.Errors)) {
			lines = append(lines, "• "+esc(m.Errors[k]))
		}
		b.addText(strings.Join(lines, "\n"), reserve+1)
	}
	elems := renderButtons(k, m.Buttons)
	if b.cut && b.room() > 0 {
		note := slack.NewSectionBlock(mrkdwnText("_"+esc(k.Say("slack.cut", nil))+"_"), nil, nil)
		if m.CaseID != "" {
			note.Accessory = slack.NewAccessory(viewButton(k, m.CaseID))
		}
		b.add(note)
	} else if b.cut && m.CaseID != "" {
		elems = append(elems, viewButton(k, m.CaseID))
	}
	if len(elems) > 0 {
		b.blocks = append(b.blocks[:min(len(b.blocks), maxBlocks-1)], slack.NewActionBlock("actions", elems...))
	}
	fb := m.Title
	if m.Text != "" {
		first, _, _ := strings.Cut(m.Text, "\n")
		if fb != "" {
			fb += ": "
		}
		fb += first
	}
	fallback, _ = text(fb, MaxFallbackText)
	return b.blocks, fallback, b.cut
}

// renderFields adds fields: short ones two to a row in a section's fields,
// long ones as their own section.
func renderFields(b *blockBudget, fields []bot.Field, reserve int) {
	var row []*slack.TextBlockObject
	flush := func() {
		if len(row) == 0 {
			return
		}
		if b.room() <= reserve {
			b.cut = true
		} else {
			b.add(slack.NewSectionBlock(nil, row, nil))
		}
		row = nil
	}
	for _, f := range fields {
		label := "*" + esc(f.Label) + "*"
		value := esc(f.Value)
		if value == "" {
			value = "—"
		}
		if slen(f.Value) <= 120 && !strings.Contains(f.Value, "\n") && slen(label) < 200 {
			row = append(row, mrkdwnText(label+"\n"+value))
			if len(row) == MaxSectionFields {
				flush()
			}
			continue
		}
		flush()
		if b.room() <= reserve {
			b.cut = true
			continue
		}
		t, cut := cutEscaped(label+"\n"+value, MaxSectionText)
		b.cut = b.cut || cut
		b.add(slack.NewSectionBlock(mrkdwnText(t), nil, nil))
	}
	flush()
}

// renderButtons renders a card's steps: its primary ones as buttons (at
// most MaxCardButtons) and the rest, in order, in an overflow menu ("…"),
// or a "More actions…" select when there are more than an overflow menu
// takes. A lone other step is a button when there is room, as an overflow
// menu needs two options. No step is left out.
func renderButtons(k *bot.Cards, btns []bot.Button) []slack.BlockElement {
	var elems []slack.BlockElement
	var more []bot.Button
	for _, btn := range btns {
		if btn.Secondary || len(elems) == MaxCardButtons {
			more = append(more, btn)
			continue
		}
		elems = append(elems, renderButton(k, btn))
	}
	if len(more) == 1 && len(elems) < MaxCardButtons {
		return append(elems, renderButton(k, more[0]))
	}
	if len(more) == 0 {
		return elems
	}
	opts := make([]*slack.OptionBlockObject, 0, len(more))
	for _, btn := range more {
		if len(opts) == MaxSelectOptions {
			break
		}
		opts = append(opts, &slack.OptionBlockObject{Text: plainText(btn.Label, MaxOptionText),
			Value: buttonValue(btn.Verb, btn.CaseID, btn.Version)})
	}
	if len(opts) >= MinOverflowOptions && len(opts) <= MaxOverflowOptions {
		return append(elems, slack.NewOverflowBlockElement(actionMore, opts...))
	}
	return append(elems, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic,
		plainText(k.Say("slack.more_actions", nil), MaxPlaceholder), actionMore, opts...))
}

func renderButton(k *bot.Cards, btn bot.Button) slack.BlockElement {
	label, _ := text(btn.Label, MaxButtonText)
	el := slack.NewButtonBlockElement(actionPrefix+string(btn.Verb), buttonValue(btn.Verb, btn.CaseID, btn.Version),
		&slack.TextBlockObject{Type: slack.PlainTextType, Text: label})
	switch btn.Style {
	case "primary":
		el.Style = slack.StylePrimary
	case "danger":
		el.Style = slack.StyleDanger
	}
	if btn.Confirm != "" {
		el.Confirm = &slack.ConfirmationBlockObject{
			Title:   plainText(k.Say("slack.confirm.title", nil), MaxConfirmTitle),
			Text:    plainText(btn.Confirm, MaxConfirmText),
			Confirm: plainText(btn.Label, MaxConfirmButton),
			Deny:    plainText(k.Say("slack.confirm.deny", nil), MaxConfirmButton),
		}
		if btn.Style == "danger" {
			el.Confirm.Style = slack.StyleDanger
		}
	}
	return el
}

func viewButton(k *bot.Cards, caseID string) slack.BlockElement {
	return slack.NewButtonBlockElement(actionView, caseID, plainText(k.Say("slack.view_case", nil), MaxButtonText))
}

// formMeta is what a modal carries in private_metadata: which form it is,
// which case and version an action form acts on, and what comes next.
type formMeta struct {
	Form    string `json:"f"`
	Case    string `json:"c,omitempty"`
	Version int64  `json:"v,omitempty"`
	// Then is "intake" when a profile form was asked before raising.
	Then string `json:"t,omitempty"`
	// Concern pre-fills the intake's concern (a link to a message).
	Concern string `json:"p,omitempty"`
	// Digest, on check your answers, identifies the answers shown (see
	// bot.Check).
	Digest string `json:"d,omitempty"`
}

func (m formMeta) encode() string {
	b, _ := json.Marshal(m)
	if len(b) > MaxPrivateMetadata {
		m.Concern = ""
		b, _ = json.Marshal(m)
	}
	return string(b)
}

func decodeMeta(s string) (formMeta, bool) {
	var m formMeta
	if s == "" || len(s) > MaxPrivateMetadata || json.Unmarshal([]byte(s), &m) != nil || m.Form == "" {
		return formMeta{}, false
	}
	return m, true
}

// personLabel returns how a person reads as a chosen option, or "" when
// nobody has the id.
type personLabel func(personID string) string

// renderForm renders a form message as a modal that collects it. Each
// field is an input block whose block id and action id are the field key, so
// field errors land on their own field. A message's Errors (a form shown
// again, such as after an identifier warning) appear as a warning context
// block under each field.
func renderForm(k *bot.Cards, m bot.Message, meta formMeta, lookup personLabel) slack.ModalViewRequest {
	f := m.Form
	title := f.Title
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plainText(title, MaxModalTitle),
		Submit:          plainText(bot.SubmitOf(f), MaxModalButton),
		Close:           plainText(k.Say("slack.modal.cancel", nil), MaxModalButton),
		CallbackID:      callbackForm,
		PrivateMetadata: meta.encode(),
	}
	b := &blockBudget{max: MaxModalBlocks}
	reserve := len(f.Fields)
	for _, fd := range f.Fields {
		if m.Errors[fd.Key] != "" {
			reserve++
		}
	}
	body := esc(m.Text)
	if m.Text != "" && len(m.Errors) > 0 {
		body = toneEmoji[bot.ToneWarning] + body
	}
	if meta.Case != "" {
		b.addText(strings.TrimSpace("*"+esc(meta.Case)+"*\n"+body), reserve)
	} else if m.Text != "" {
		b.addText(body, reserve)
	}
	for i := range f.Fields {
		fd := f.Fields[i]
		if fd.Key == conversation.FieldConcern && meta.Concern != "" && fd.Default == "" {
			fd.Default = meta.Concern
		}
		in := renderInput(k, fd, lookup)
		if fd.Key == m.Focus {
			focus(in.Element)
		}
		b.add(in)
		if msg := m.Errors[fd.Key]; msg != "" {
			t, _ := cutEscaped(toneEmoji[bot.ToneWarning]+esc(msg), MaxSectionField)
			b.add(slack.NewContextBlock("error_"+fd.Key, mrkdwnText(t)))
		}
	}
	v.Blocks = slack.Blocks{BlockSet: b.blocks}
	return v
}

// focus puts the cursor in an input element when the modal opens: the
// question a person came back to change.
func focus(el slack.BlockElement) {
	switch e := el.(type) {
	case *slack.PlainTextInputBlockElement:
		e.FocusOnLoad = true
	case *slack.SelectBlockElement:
		e.FocusOnLoad = true
	case *slack.RadioButtonsBlockElement:
		e.FocusOnLoad = true
	case *slack.CheckboxGroupsBlockElement:
		e.FocusOnLoad = true
	}
}

// renderCheck renders the answers to check before an intake is sent as a
// modal: each question in bold with its answer under it and a Change
// button beside it, and Send as the modal's submit (GOV.UK's "Check your
// answers"). Cancel keeps the answers as the person's draft.
func renderCheck(k *bot.Cards, m bot.Message, meta formMeta) slack.ModalViewRequest {
	meta.Form, meta.Case, meta.Version, meta.Digest = bot.FormIntakeSend, "", 0, m.Check.Digest
	b := &blockBudget{max: MaxModalBlocks}
	body := esc(m.Text)
	if m.Tone == bot.ToneWarning {
		body = toneEmoji[bot.ToneWarning] + body
	}
	b.addText(body, len(m.Check.Answers))
	for _, a := range m.Check.Answers {
		t, _ := cutEscaped("*"+esc(a.Question)+"*\n"+esc(a.Answer), MaxSectionText)
		change := slack.NewButtonBlockElement(actionChange, a.Key, plainText(k.Say("slack.change", nil), MaxButtonText))
		change.AccessibilityLabel = k.Say("slack.change.label", messages.Args{"question": truncate(a.Question, 60)})
		b.add(slack.NewSectionBlock(mrkdwnText(t), nil, slack.NewAccessory(change)))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plainText(m.Title, MaxModalTitle),
		Submit:          plainText(k.Say("slack.modal.send", nil), MaxModalButton),
		Close:           plainText(k.Say("slack.modal.cancel", nil), MaxModalButton),
		CallbackID:      callbackForm,
		PrivateMetadata: meta.encode(),
		Blocks:          slack.Blocks{BlockSet: b.blocks},
	}
}

func option(o conversation.Option, withDescription bool) *slack.OptionBlockObject {
	label := o.Label
	if label == "" {
		label = o.Value
	}
	ob := &slack.OptionBlockObject{Value: o.Value}
	t, cut := text(label, MaxOptionText)
	if cut && withDescription {
		// Put the words that did not fit in the description.
		head := []rune(strings.TrimSuffix(t, "…"))
		rest := string([]rune(esc(label))[len(head):])
		ob.Description = &slack.TextBlockObject{Type: slack.PlainTextType}
		ob.Description.Text, _ = cutEscaped("…"+strings.TrimSpace(rest), MaxOptionText)
	}
	ob.Text = &slack.TextBlockObject{Type: slack.PlainTextType, Text: t}
	return ob
}

// yesNoFor returns the answers a yes/no field offers: yes and no, and
// "Not sure" where the field counts a doubt as yes, worded as check your
// answers shows them.
func yesNoFor(k *bot.Cards, fd conversation.Field) []conversation.Option {
	opts := []conversation.Option{{Value: "yes", Label: k.Say("check.yes", nil)}, {Value: "no", Label: k.Say("check.no", nil)}}
	if fd.Unsure {
		opts = append(opts, conversation.Option{Value: conversation.NotSure, Label: k.Say("check.not_sure", nil)})
	}
	return opts
}

// dispatched are the fields whose answer is acted on at once: these can
// lead out of the ladder, so the rest of the form is not needed.
func dispatched(key string) bool {
	return key == conversation.FieldImmediateRisk || key == conversation.FieldAbout
}

func renderInput(k *bot.Cards, fd conversation.Field, lookup personLabel) *slack.InputBlock {
	in := &slack.InputBlock{
		Type:     slack.MBTInput,
		BlockID:  fd.Key,
		Label:    plainText(fd.Label, MaxInputLabel),
		Optional: !fd.Required,
	}
	if fd.Help != "" {
		in.Hint = plainText(fd.Help, MaxInputHint)
	}
	var placeholder *slack.TextBlockObject
	if fd.Placeholder != "" {
		placeholder = plainText(fd.Placeholder, MaxPlaceholder)
	}
	opts := func(list []conversation.Option, max int, desc bool) []*slack.OptionBlockObject {
		var out []*slack.OptionBlockObject
		for _, o := range list {
			if len(out) == max || slen(o.Value) > MaxOptionValue {
				continue
			}
			out = append(out, option(o, desc))
		}
		return out
	}
	find := func(list []*slack.OptionBlockObject, v string) *slack.OptionBlockObject {
		for _, o := range list {
			if o.Value == v {
				return o
			}
		}
		return nil
	}
	switch fd.Type {
	case conversation.FieldYesNo:
		el := slack.NewRadioButtonsBlockElement(fd.Key, opts(yesNoFor(k, fd), 10, false)...)
		if yes, ok := conversation.ParseYesNo(fd.Default); ok {
			el.InitialOption = el.Options[map[bool]int{true: 0, false: 1}[yes]]
		} else if fd.Unsure && conversation.ParseNotSure(fd.Default) {
			el.InitialOption = find(el.Options, conversation.NotSure)
		}
		in.Element = el
	case conversation.FieldSelect, conversation.FieldAgency:
		if placeholder == nil {
			placeholder = plainText(k.Say("slack.choose_one", nil), MaxPlaceholder)
		}
		el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, placeholder, fd.Key, opts(fd.Options, MaxSelectOptions, false)...)
		el.InitialOption = find(el.Options, fd.Default)
		in.Element = el
	case conversation.FieldCheckboxes:
		el := slack.NewCheckboxGroupsBlockElement(fd.Key, opts(fd.Options, MaxCheckboxOptions, true)...)
		for _, v := range strings.Split(fd.Default, ",") {
			if o := find(el.Options, strings.TrimSpace(v)); o != nil {
				el.InitialOptions = append(el.InitialOptions, o)
			}
		}
		in.Element = el
	case conversation.FieldPerson:
		// Anyone the directory knows, or any work email: the options
		// come from the bot's people search (block_suggestion), not
		// from this workspace's members.
		if placeholder == nil {
			placeholder = plainText(k.Say("slack.person.placeholder", nil), MaxPlaceholder)
		}
		el := slack.NewOptionsSelectBlockElement(slack.OptTypeExternal, placeholder, fd.Key)
		el.MinQueryLength = ptr(MinPersonQuery)
		if fd.Default != "" && lookup != nil && slen(fd.Default) <= MaxOptionValue {
			if label := lookup(fd.Default); label != "" {
				el.InitialOption = option(conversation.Option{Value: fd.Default, Label: label}, false)
			}
		}
		in.Element = el
	default: // text and textarea
		el := slack.NewPlainTextInputBlockElement(placeholder, fd.Key)
		el.Multiline = fd.Type == conversation.FieldTextarea
		if fd.MaxLen > 0 {
			el.MaxLength = min(fd.MaxLen, MaxInputLength)
		}
		if fd.Default != "" {
			// An input's value is not markup, but it must fit the input, or
			// Slack refuses the whole modal: a draft typed elsewhere (such
			// as on Teams) may be longer.
			max := MaxInputLength
			if el.MaxLength > 0 {
				max = el.MaxLength
			}
			el.InitialValue = truncate(fd.Default, max)
		}
		in.Element = el
	}
	in.DispatchAction = dispatched(fd.Key)
	return in
}

// renderInfoModal renders messages as a read-only modal: a result after a
// form (such as the emergency route) or a full case.
func renderInfoModal(k *bot.Cards, title string, msgs ...bot.Message) slack.ModalViewRequest {
	var blocks []slack.Block
	for i, m := range msgs {
		m.Buttons, m.CaseID = nil, "" // a modal shows; it does not act
		room := MaxModalBlocks - len(blocks)
		if room <= 1 {
			break
		}
		if i > 0 {
			blocks = append(blocks, slack.NewDividerBlock())
			room--
		}
		bl, _ := renderMessage(k, m, room)
		blocks = append(blocks, bl...)
	}
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		Title:      plainText(title, MaxModalTitle),
		Close:      plainText(k.Say("slack.modal.close", nil), MaxModalButton),
		CallbackID: callbackInfo,
		Blocks:     slack.Blocks{BlockSet: blocks},
	}
}

// fullCase renders a message in full for a modal: fields one to a section,
// long text split over sections rather than cut.
func fullCase(m bot.Message) bot.Message {
	out := m
	out.Fields = nil
	var b strings.Builder
	b.WriteString(m.Text)
	for _, f := range m.Fields {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "%s:\n%s", f.Label, f.Value)
	}
	out.Text = b.String()
	return out
}

// homeCase is one line of the App Home.
type homeCase struct {
	ID, Line string
}

// renderHome renders the App Home tab: the cases waiting on the person with
// their deadlines, their other open cases, and the recently closed ones.
func renderHome(k *bot.Cards, waiting, open, closed []homeCase, command string) slack.HomeTabViewRequest {
	return renderHomeSections(k, []homeSection{
		{Title: k.Say("overview.waiting", nil), Empty: k.Say("overview.waiting.none", nil), Cases: waiting},
		{Title: k.Say("overview.open", nil), Empty: k.Say("overview.open.none", nil), Cases: open},
		{Title: k.Say("slack.home.closed", nil), Empty: k.Say("slack.home.closed.none", nil), Cases: closed},
	}, command)
}

// homeSection is one part of the App Home: a header, its cases (or what to
// say when there are none) and how many more were left out.
type homeSection struct {
	Title, Empty string
	Cases        []homeCase
	More         int
}

// renderHomeSections renders the App Home tab from its sections, in order.
func renderHomeSections(k *bot.Cards, sections []homeSection, command string) slack.HomeTabViewRequest {
	b := &blockBudget{max: MaxModalBlocks}
	b.add(slack.NewHeaderBlock(plainText(k.Say("slack.home.title", nil), MaxHeaderText)))
	b.add(slack.NewContextBlock("", mrkdwnText(esc(k.Say("slack.home.intro",
		messages.Args{"command": command, "shortcut": k.Say("slack.shortcut.raise", nil)})))))
	section := func(sec homeSection) {
		if b.room() < 3 {
			b.cut = true
			return
		}
		b.add(slack.NewHeaderBlock(plainText(sec.Title, MaxHeaderText)))
		if len(sec.Cases) == 0 {
			b.add(slack.NewSectionBlock(mrkdwnText("_"+esc(sec.Empty)+"_"), nil, nil))
			return
		}
		for _, c := range sec.Cases {
			if b.room() < 2 {
				b.cut = true
				break
			}
			t, _ := cutEscaped("*"+esc(c.ID)+"*\n"+esc(c.Line), MaxSectionText)
			b.add(slack.NewSectionBlock(mrkdwnText(t), nil, slack.NewAccessory(viewButton(k, c.ID))))
		}
		if sec.More > 0 && b.room() > 1 {
			b.add(slack.NewContextBlock("", mrkdwnText(esc(k.Say("slack.home.more", messages.Args{"count": sec.More, "command": command})))))
		}
	}
	for _, sec := range sections {
		section(sec)
	}
	if b.cut && b.room() > 0 {
		b.add(slack.NewContextBlock("", mrkdwnText(esc(k.Say("slack.home.cut", messages.Args{"command": command})))))
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: b.blocks}}
}
