package bot

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	edlib "github.com/hbollon/go-edlib"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// verbWords are the words people type for each step, as buttons send them
// and as people say them ("ack", "handover").
var verbWords = map[string]conversation.Verb{
	"ack": conversation.VerbAcknowledge, "acknowledge": conversation.VerbAcknowledge,
	"respond": conversation.VerbRespond, "reply": conversation.VerbRespond,
	"note": conversation.VerbNote, "escalate": conversation.VerbEscalate,
	"propose": conversation.VerbPropose, "resolve": conversation.VerbPropose,
	"confirm": conversation.VerbConfirm, "agree": conversation.VerbConfirm,
	"dispute": conversation.VerbDispute, "withdraw": conversation.VerbWithdraw,
	"refer": conversation.VerbRefer, "mediation": conversation.VerbMediation, "mediate": conversation.VerbMediation,
	"extend": conversation.VerbExtend, "reassign": conversation.VerbReassign, "handover": conversation.VerbReassign,
	"accept": conversation.VerbAcceptReferral, "accept_referral": conversation.VerbAcceptReferral,
	"return": conversation.VerbReturnReferral, "return_referral": conversation.VerbReturnReferral,
	"offer": conversation.VerbOfferMediation, "offer_mediation": conversation.VerbOfferMediation,
	"close":    conversation.VerbClose,
	"learning": conversation.VerbLearning, "learned": conversation.VerbLearning, "record_learning": conversation.VerbLearning,
	"action_done": conversation.VerbActionDone,
	"deep_dive":   conversation.VerbDeepDive, "deepdive": conversation.VerbDeepDive,
}

// lookWords are the typed commands that only show something (nothing about
// a case changes), so a clear misspelling of one is simply carried out.
var lookWords = []string{"help", "list", "cases", "status", "show", "report"}

// otherWords are the typed commands that open a form or a record; a
// misspelling of one is offered back rather than carried out.
var otherWords = []string{"raise", "new", "profile", "export", "audit", "access", "cancel", "done", "observe"}

// commandWords are every word a typed command may start with.
func commandWords() []string {
	words := slices.Concat(lookWords, otherWords)
	for w := range verbWords {
		words = append(words, w)
	}
	slices.Sort(words)
	return words
}

// twoWords are steps people type as two words, or with a hyphen, where a
// button sends one: "accept referral" is accept_referral.
var twoWords = map[string]string{
	"accept referral": "accept_referral", "return referral": "return_referral",
	"offer mediation": "offer_mediation", "hand over": "handover", "ask mediation": "mediation",
	"request mediation": "mediation", "add note": "note", "my cases": "list", "mark done": "done",
	"record learning": "learning",
	"deep dive":       "deep_dive",
	"log difference":  "observe", "log observation": "observe",
}

// SplitCommand splits typed text into its command word, in lower case with
// a two-word step joined ("Accept referral CR-2026-0002" gives
// "accept_referral", "CR-2026-0002"), and the rest, trimmed.
func SplitCommand(text string) (word, rest string) {
	text = strings.TrimSpace(text)
	word, rest, _ = strings.Cut(text, " ")
	word = strings.ToLower(strings.ReplaceAll(word, "-", "_"))
	rest = strings.TrimSpace(rest)
	if a, b, ok := strings.Cut(word, "_"); ok {
		if w, ok := twoWords[a+" "+b]; ok {
			return w, rest
		}
	}
	next, after, _ := strings.Cut(rest, " ")
	if w, ok := twoWords[word+" "+strings.ToLower(next)]; ok {
		return w, strings.TrimSpace(after)
	}
	return word, rest
}

// maxTypos is how many typing slips a word of n letters may have and still
// be taken for a command: one in a short word, two from six letters. A
// shorter word gets none, so "lst" is not mistaken for anything it isn't.
func maxTypos(n int) int {
	switch {
	case n < 3:
		return 0
	case n < 6:
		return 1
	}
	return 2
}

// Nearest returns the command words a mistyped word is closest to, nearest
// first and only those within maxTypos of it (counting a swap of two
// letters, "rasie", as one slip). Words that name the same step count once.
// It returns nil when nothing is near.
func Nearest(word string) []string {
	word = strings.ToLower(word)
	limit := maxTypos(len([]rune(word)))
	best := limit + 1
	var out []string
	seen := map[string]bool{}
	for _, w := range commandWords() {
		d := edlib.OSADamerauLevenshteinDistance(word, w)
		if d > limit || d > best {
			continue
		}
		if d < best {
			best, out, seen = d, nil, map[string]bool{}
		}
		if id := stepOf(w); !seen[id] {
			seen[id] = true
			out = append(out, w)
		}
	}
	return out
}

// stepOf names what a command word does, so aliases of one step compare equal.
func stepOf(w string) string {
	if v, ok := verbWords[w]; ok {
		return string(v)
	}
	switch w {
	case "cases":
		return "list"
	case "show":
		return "status"
	case "new":
		return "raise"
	case "access":
		return "audit"
	}
	return w
}

// caseIDPattern finds a case id in a sentence.
var caseIDPattern = regexp.MustCompile(`(?i)\bCR-\d{4}-\d{4}\b`)

// intents map words people use in a sentence to the command most likely
// meant, in order of preference: the first that matches is offered.
var intents = []struct {
	words []string
	cmd   string
}{
	{[]string{"withdraw", "withdrawn", "drop"}, "withdraw"},
	{[]string{"escalate", "escalation", "managers", "senior", "higher"}, "escalate"},
	{[]string{"extend", "extension", "longer", "more time", "deadline"}, "extend"},
	{[]string{"acknowledge", "acknowledged", "ack", "received"}, "acknowledge"},
	{[]string{"respond", "response", "reply", "answer"}, "respond"},
	{[]string{"mediation", "mediator", "mediate"}, "mediation"},
	{[]string{"refer", "referral", "partnership"}, "refer"},
	{[]string{"resolve", "resolved", "agreement", "way forward", "propose"}, "propose"},
	{[]string{"note"}, "note"},
	{[]string{"export", "pdf", "download", "record", "file"}, "export"},
	{[]string{"report", "figures", "statistics", "stats"}, "report"},
	{[]string{"profile", "agency", "line manager"}, "profile"},
	{[]string{"raise", "disagree", "disagreement", "concern", "challenge", "decision", "new case", "open a case", "start"}, "raise"},
	{[]string{"my cases", "cases", "list", "waiting"}, "list"},
	{[]string{"status", "progress", "where is", "what's happening", "update"}, "status"},
	{[]string{"help", "how do", "what can"}, "help"},
}

// caseCommands are the commands that need a case id.
var caseCommands = []string{"withdraw", "escalate", "extend", "ack", "respond", "mediation", "refer", "propose", "note", "export", "status",
	"show", "audit", "access", "acknowledge", "reply", "resolve", "confirm", "agree", "dispute", "mediate", "reassign", "handover",
	"accept", "accept_referral", "return", "return_referral", "offer", "offer_mediation", "close", "done", "learning", "learned", "record_learning",
	"deep_dive", "deepdive"}

// Guess returns the command a free sentence most likely asks for, with a
// case id when the sentence names one ("I want to escalate CR-2026-0001"
// gives "escalate CR-2026-0001"), or "" when no word in it points to one.
// A word matches its typing slips too ("esclate").
func Guess(text string) string {
	lower := " " + strings.ToLower(text) + " "
	words := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	has := func(w string) bool {
		if strings.Contains(w, " ") {
			return strings.Contains(lower, " "+w)
		}
		for _, x := range words {
			if x == w || len(w) >= 6 && edlib.OSADamerauLevenshteinDistance(x, w) <= maxTypos(len(x))-1 {
				return true
			}
		}
		return false
	}
	id := strings.ToUpper(caseIDPattern.FindString(text))
	for _, in := range intents {
		if !slices.ContainsFunc(in.words, has) {
			continue
		}
		switch {
		case id != "" && slices.Contains(caseCommands, in.cmd):
			return in.cmd + " " + id
		case id != "" && (in.cmd == "list" || in.cmd == "help"):
			return "status " + id
		}
		return in.cmd
	}
	if id != "" {
		return "status " + id
	}
	return ""
}

// unrecognised answers text that starts with no command word: a clear slip
// of a command that only shows something is carried out, saying so; a slip
// of a step, or several near words, is offered back without doing anything;
// a sentence gets the command it most likely means offered; anything else
// gets the help, introduced by what to try.
func (r *Router) unrecognised(ctx context.Context, in Inbound, word, rest string) (Reply, error) {
	near := Nearest(word)
	// Words after the command other than a case id make it a sentence,
	// unless the command takes words (a report's month).
	sentence := strings.TrimSpace(caseIDPattern.ReplaceAllString(rest, "")) != "" && !slices.Contains(near, "report")
	if !sentence && len(near) == 1 && slices.Contains(lookWords, near[0]) {
		reply, err := r.command(ctx, Inbound{Actor: in.Actor, Text: strings.TrimSpace(near[0] + " " + rest)})
		if err != nil {
			return Reply{}, err
		}
		note := Message{Kind: "notice", Text: r.Cards.Say("command.took_to_mean",
			messages.Args{"typed": strconv.Quote(clip(word)), "command": strconv.Quote(near[0])})}
		reply.Messages = append([]Message{note}, reply.Messages...)
		return reply, nil
	}
	var options []string
	for _, w := range near {
		options = append(options, strings.TrimSpace(w+" "+strings.ToUpper(caseIDPattern.FindString(rest))))
	}
	if g := Guess(in.Text); g != "" && (sentence || len(near) == 0) {
		options = []string{g}
	}
	if len(options) > 0 {
		return Reply{Messages: []Message{r.offer(ctx, in.Actor, options)}}, nil
	}
	m := r.help(ctx, in.Actor)
	m.Text = r.Cards.Say("command.unrecognised", nil) + " " + m.Text
	return Reply{Messages: []Message{m}}, nil
}

// offer asks "did you mean" for one or more typed commands, saying nothing
// has changed, with a button for a step on a case the person may take now.
func (r *Router) offer(ctx context.Context, actor string, options []string) Message {
	prefix := r.Command
	if prefix != "" {
		prefix += " "
	}
	var quoted []string
	for _, o := range options {
		q := "\"" + prefix + o + "\""
		if w, id := SplitCommand(o); id == "" && slices.Contains(caseCommands, w) {
			q = r.Cards.Say("command.needs_case_id", messages.Args{"command": prefix + o})
		}
		quoted = append(quoted, q)
	}
	text := r.Cards.Say("command.did_you_mean", messages.Args{"options": r.Cards.orList(quoted)})
	m := Message{Kind: "notice", Tone: ToneInfo}
	if prefix == "" {
		m.Offered = options
	}
	if len(options) == 1 {
		word, id := SplitCommand(options[0])
		if v, ok := verbWords[word]; ok && id != "" {
			for _, b := range r.stepButtons(ctx, actor, id, v) {
				b.Secondary = false
				m.Buttons = append(m.Buttons, b)
				m.CaseID = b.CaseID
			}
		}
		if len(m.Buttons) > 0 {
			text += r.Cards.Say("command.or_press_button", nil)
		}
		if about := r.Cards.commandHelp(word); about != "" {
			text += ".\n" + prefix + word + " — " + about
		}
	}
	m.Text = text + "."
	return m
}

// stepButtons returns the card button for verb on the case, if the person
// may see the case and take that step now; otherwise none. Looking does not
// count as viewing the case.
func (r *Router) stepButtons(ctx context.Context, actor, id string, v conversation.Verb) []Button {
	c, err := r.Store.GetCase(ctx, conversation.NormaliseCaseID(id))
	if err != nil {
		return nil
	}
	a, err := r.Engine.Actor(ctx, actor)
	if err != nil || !conversation.CanSee(c, a) {
		return nil
	}
	var out []Button
	for _, b := range r.Cards.Buttons(ctx, c, actor) {
		if b.Verb == v {
			out = append(out, b)
		}
	}
	return out
}

// NameCommand puts the platform's command before the commands a "did you
// mean" offer quotes ("/resolve raise" where people type a slash command),
// as m.Offered names them; any other message comes back as it is.
func NameCommand(m Message, command string) Message {
	if command == "" || len(m.Offered) == 0 {
		return m
	}
	for _, o := range m.Offered {
		for _, end := range []string{`"`, ` CR-…"`} {
			m.Text = strings.ReplaceAll(m.Text, `"`+o+end, `"`+command+" "+o+end)
		}
	}
	m.Offered = nil
	return m
}

// commandHelp says in a few words what a command word does.
func (k *Cards) commandHelp(word string) string {
	switch stepOf(word) {
	case "raise":
		return k.Say("command.about.raise", nil)
	case "list":
		return k.Say("command.about.list", nil)
	case "status":
		return k.Say("command.about.status", nil)
	case "profile":
		return k.Say("command.about.profile", nil)
	case "export":
		return k.Say("command.about.export", nil)
	case "report":
		return k.Say("command.about.report", nil)
	case "audit":
		return k.Say("command.about.audit", nil)
	case "help":
		return k.Say("command.about.help", nil)
	case "done":
		return k.Say("command.about.done", nil)
	case "observe":
		return k.Say("command.about.observe", nil)
	}
	if v, ok := verbWords[word]; ok && strings.ToLower(k.VerbTitle(v)) != word {
		return strings.ToLower(k.VerbTitle(v))
	}
	return ""
}

// clip shortens typed text for quoting back.
func clip(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
