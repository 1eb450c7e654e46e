// Package bot is resolvebot's platform-neutral chat layer: the message model
// every adapter renders, the people directory with identities per platform,
// and the Router that turns what people do into engine commands and what
// the engine did into messages for everyone who must hear it.
package bot

import (
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// Tone colours a message where the platform can show it.
type Tone string

// The tones a message can take.
const (
	ToneInfo    Tone = "info"
	ToneSuccess Tone = "success"
	ToneWarning Tone = "warning"
	ToneDanger  Tone = "danger"
)

// Field is a label and value shown side by side. Value may hold text people
// typed: renderers must escape it.
type Field struct {
	Label string
	Value string
}

// MaxPrimaryButtons is the most buttons a card shows as buttons; the rest
// of the steps a person may take go in its overflow ("More…"). Teams shows
// at most 6 actions on a card, counting the overflow's own button, and a
// row of more than a few is unreadable on a phone.
const MaxPrimaryButtons = 5

// Button is an action a person can take on a case.
type Button struct {
	Label   string
	Verb    conversation.Verb
	CaseID  string
	Version int64  // the case version the card showed
	Style   string // "primary", "danger" or ""
	Confirm string // when set, ask "are you sure" with this text first
	Form    bool   // pressing it opens a form (see ActionForm)
	// Secondary puts the button in the card's overflow ("More…") rather
	// than among its buttons: a step the person may take but is not among
	// the ones they most likely take next. A step that asks "are you sure"
	// without a form is never secondary (Slack's overflow menu cannot ask).
	Secondary bool
}

// Message is one neutral chat message. Adapters render it: Block Kit on
// Slack, Adaptive Cards on Teams, plain text on the console.
type Message struct {
	Kind   string // "card", "notice", "error", "help", "list", "timeline", "route", "form", "check"
	CaseID string // set for messages about one case
	Title  string
	// Text may hold text people typed: renderers must escape it. A blank
	// line separates paragraphs; a single newline is a line break that
	// renderers keep (Teams would otherwise run the lines together).
	Text string
	// List is shown after Text as a bulleted list, one item each. Items may
	// hold text people typed.
	List    []string
	Fields  []Field
	Buttons []Button
	Tone    Tone
	Form    *conversation.Form // a form to ask, for Kind "form"
	// FormCase and FormVersion say which case a form acts on.
	FormCase    string
	FormVersion int64
	// Errors holds one message per form field after a failed submission.
	Errors map[string]string
	// Focus, on a form, is the key of the question the person came back
	// to change: renderers that can put the cursor there do.
	Focus string
	// Check, for Kind "check", is the answers to check before they are
	// sent, each with a way to change it.
	Check *Check
	// Attachments are files to send with the message: a case record (Kind
	// "file") or a report's chart, CSV and PDF (Kind "report").
	Attachments []Attachment

	// What a renderer that must not show the text (email) builds from
	// instead: the nudge a Kind "nudge" message is, the ids of the cases a
	// Kind "digest" message lists (in order), and the report a Kind
	// "report" message presents.
	Nudge  conversation.NudgeKind
	Cases  []string
	Report *report.Report
	// Offered are the commands a "did you mean" notice quotes, as typed
	// without the platform's command, for NameCommand; nil otherwise.
	Offered []string
}

// Outbound is a message for one person.
type Outbound struct {
	To      string // person id
	Message Message
}
