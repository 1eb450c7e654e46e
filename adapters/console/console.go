// Package console is a terminal chat for trying resolvebot locally and for
// whole-bot tests: act as any person, raise a case through the same intake
// questions, press buttons by typing their verb and case id, and see what
// each person would receive.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Platform is the handle platform name of console people.
const Platform = "console"

// Console runs a line-based chat over a reader and a writer.
type Console struct {
	router     *bot.Router
	people     *bot.People
	dispatcher *bot.Dispatcher
	worker     *bot.Worker // delivers the outbox after each command
	in         *bufio.Scanner
	out        io.Writer
	prompt     bool
	dir        string // where attachments are saved

	// pending is a console command typed in the middle of a form: the form
	// stops and the command runs next.
	pending string

	// clock, when set, lets /wait move time on (see SetClock).
	clock *Clock

	// undelivered is the delivery problem last shown, so a store that
	// stays down is reported once, not after every line.
	undelivered string

	mu    sync.Mutex
	actor *conversation.Person
	inbox map[string][]bot.Message // person id → messages received
	seq   int
}

// New returns a console over router reading from in and writing to out.
// With prompt set it prints a prompt before each line (for a terminal).
// It registers itself as the dispatcher's fallback, so every message to
// anyone is shown, and delivers the store's outbox with its own worker
// after each command, so what a step causes shows right after it.
func New(router *bot.Router, people *bot.People, dispatcher *bot.Dispatcher, in io.Reader, out io.Writer, prompt bool) *Console {
	c := &Console{router: router, people: people, dispatcher: dispatcher, in: bufio.NewScanner(in), out: out,
		prompt: prompt, inbox: map[string][]bot.Message{}}
	c.in.Buffer(make([]byte, 64*1024), 1024*1024)
	dispatcher.Fallback = c
	c.worker = bot.NewWorker(router, dispatcher, router.Log)
	c.worker.Parallel = 1 // one at a time, so the transcript reads in order
	return c
}

// Clock lets a console on a test clock move time on: Advance moves the
// clock the engine reads, and DuePass runs the scheduler's due pass (the
// nudges and follow-ups that fall due), as serve does every minute.
type Clock struct {
	Advance func(time.Duration)
	DuePass func(context.Context) (int, error)
}

// MaxWaitDays is the most days one /wait moves time on.
const MaxWaitDays = 60

// SetClock lets /wait move time on with k, for whole-bot tests and
// walkthroughs of what happens over days; a console on the real clock has
// none, and /wait says so.
func (c *Console) SetClock(k Clock) { c.clock = &k }

// wait moves time on by a number of days, then runs the due pass and
// delivers what it recorded.
func (c *Console) wait(ctx context.Context, arg string) {
	if c.clock == nil {
		c.line(c.router.Cards.Say("console.wait.real_clock", nil))
		return
	}
	word, _, _ := strings.Cut(arg, " ")
	n, err := strconv.Atoi(word)
	if err != nil || n < 1 || n > MaxWaitDays {
		c.line(c.router.Cards.Say("console.wait.how_many", messages.Args{"max": MaxWaitDays}))
		return
	}
	c.clock.Advance(time.Duration(n) * 24 * time.Hour)
	k := c.router.Cards
	c.line(k.Say("console.wait.passed", messages.Args{"count": n, "now": k.When(k.Now())}))
	if _, err := c.clock.DuePass(ctx); err != nil {
		c.line(k.Say("console.wait.not_recorded", messages.Args{"problem": k.ErrorMessage(err)}))
	}
	c.deliver(ctx)
}

// Worker returns the console's delivery worker.
func (c *Console) Worker() *bot.Worker { return c.worker }

// Platform implements bot.Sender.
func (c *Console) Platform() string { return Platform }

// Send implements bot.Sender: it shows the message under the recipient's
// name and keeps it in their inbox.
func (c *Console) Send(_ context.Context, to *conversation.Person, _ conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.inbox[to.ID] = append(c.inbox[to.ID], m)
	fmt.Fprintf(c.out, "\n--> to %s <%s>\n%s", clean(to.Name), clean(to.ID), Render(c.router.Cards, m))
	return conversation.MessageRef{Platform: Platform, Channel: to.ID, ID: strconv.Itoa(c.seq), SentAt: time.Now()}, nil
}

// Update implements bot.Sender. The console shows messages once, so an
// update is only counted.
func (c *Console) Update(context.Context, conversation.MessageRef, bot.Message) error { return nil }

// Inbox returns the messages person has received so far.
func (c *Console) Inbox(person string) []bot.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bot.Message(nil), c.inbox[person]...)
}

func (c *Console) say(format string, args ...any) { fmt.Fprintf(c.out, format, args...) }

// line writes a text of the catalogue as a line of its own.
func (c *Console) line(text string) { c.say("%s\n", text) }

// readLine prompts and reads one line; ok is false at the end of input.
func (c *Console) readLine(prompt string) (string, bool) {
	if c.prompt {
		c.say("%s", prompt)
	}
	if !c.in.Scan() {
		return "", false
	}
	line := strings.TrimSpace(c.in.Text())
	if !c.prompt {
		c.say("%s%s\n", prompt, line) // echo, so a transcript reads like a chat
	}
	return line, true
}

// Run reads commands until the input ends or the person types /quit.
// Returns only errors from reading the input.
func (c *Console) Run(ctx context.Context) error {
	c.line(c.router.Cards.Say("console.welcome", nil))
	c.deliver(ctx) // anything a previous run left undelivered
	for {
		if ctx.Err() != nil {
			return nil
		}
		line, ok := c.pending, c.pending != ""
		c.pending = ""
		if !ok {
			line, ok = c.readLine(c.promptText())
		}
		if !ok {
			return c.in.Err()
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "/quit" || line == "/exit" {
			return nil
		}
		c.Exec(ctx, line)
	}
}

func (c *Console) promptText() string {
	if c.actor == nil {
		return c.router.Cards.Say("console.prompt.nobody", nil) + "> "
	}
	return c.actor.Name + "> "
}

// Exec carries out one console line.
func (c *Console) Exec(ctx context.Context, line string) {
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch word {
	case "/help":
		c.line(c.router.Cards.Say("console.help", nil))
		return
	case "/as":
		c.as(ctx, rest)
		return
	case "/people":
		c.listPeople(ctx)
		return
	case "/wait":
		c.wait(ctx, rest)
		return
	case "/inbox":
		if c.actor == nil {
			c.line(c.router.Cards.Say("console.as.first", nil))
			return
		}
		msgs := c.Inbox(c.actor.ID)
		if len(msgs) == 0 {
			c.line(c.router.Cards.Say("console.inbox.empty", nil))
		}
		for _, m := range msgs {
			c.say("%s", Render(c.router.Cards, m))
		}
		return
	}
	if strings.HasPrefix(word, "/") {
		c.line(c.router.Cards.Say("console.unknown_command", messages.Args{"command": clean(word)}))
		return
	}
	if c.actor == nil {
		c.line(c.router.Cards.Say("console.as.first", nil))
		return
	}
	c.dispatch(ctx, bot.Inbound{Actor: c.actor.ID, Text: line})
}

// as switches the current person, creating them if the name is new.
func (c *Console) as(ctx context.Context, who string) {
	if who == "" {
		c.line(c.router.Cards.Say("console.as.who", nil))
		return
	}
	per, err := c.people.Resolve(ctx, who)
	if err != nil && strings.Contains(who, "@") {
		c.say("%s\n", c.router.Cards.ErrorMessage(err))
		return
	}
	if err != nil {
		per, err = c.people.Identify(ctx, conversation.Handle{Platform: Platform, User: strings.ToLower(who)}, who, "")
		if err != nil {
			c.say("%s\n", c.router.Cards.ErrorMessage(err))
			return
		}
	}
	per, err = c.people.Identify(ctx, conversation.Handle{Platform: Platform, User: per.ID}, per.Name, per.Email)
	if err != nil {
		c.say("%s\n", c.router.Cards.ErrorMessage(err))
		return
	}
	c.actor = per
	c.line(c.router.Cards.Say("console.as.now", messages.Args{"name": clean(per.Name), "id": clean(per.ID)}))
}

func (c *Console) listPeople(ctx context.Context) {
	all, err := c.router.Store.ListPeople(ctx)
	if err != nil {
		c.say("%s\n", c.router.Cards.ErrorMessage(err))
		return
	}
	for _, p := range all {
		agency := p.Agency
		if agency != "" {
			agency = ", " + c.people.AgencyName(agency)
		}
		c.say("  %s <%s>%s\n", clean(p.Name), clean(p.ID), clean(agency))
	}
}

// dispatch sends an inbound event to the router, shows the reply, fills in
// any form it asks for, and delivers messages to others.
func (c *Console) dispatch(ctx context.Context, in bot.Inbound) {
	for {
		reply := c.router.Handle(ctx, in)
		var form *bot.Message
		for i, m := range reply.Messages {
			if m.Kind == "form" && m.Form != nil {
				form = &reply.Messages[i]
				continue
			}
			c.say("%s", Render(c.router.Cards, m))
			c.save(m)
		}
		c.finish(ctx, reply)
		if form == nil {
			return
		}
		values, ok := c.fill(ctx, form, in)
		if !ok {
			return
		}
		next := bot.Inbound{Actor: in.Actor, FormKey: form.Form.Key, Values: values, CaseID: form.FormCase, Version: form.FormVersion}
		if reply2 := c.submitLoop(ctx, next, form.Form); reply2 == nil {
			return
		}
		// A profile asked before another step: carry on with what was asked.
		if form.Form.Key == bot.FormProfile && in.Text != "" && in.Text != "profile" {
			continue
		}
		return
	}
}

// save writes a message's attachment into the working directory, where a
// person trying the console can open it.
func (c *Console) save(m bot.Message) {
	for _, a := range m.Attachments {
		name := filepath.Base(a.Name)
		if c.dir != "" {
			name = filepath.Join(c.dir, name)
		}
		if err := os.WriteFile(name, a.Data, 0o600); err != nil {
			c.line(c.router.Cards.Say("console.not_saved", messages.Args{"file": clean(a.Name), "problem": err.Error()}))
			continue
		}
		c.line(c.router.Cards.Say("console.saved", messages.Args{"file": clean(filepath.Base(a.Name)), "count": len(a.Data)}))
	}
}

// SaveTo sets the directory attachments are saved in; "" is the working directory.
func (c *Console) SaveTo(dir string) { c.dir = dir }

// finish delivers what the step caused, from the outbox, and brings the
// cards of a case up to date after a press on an old card.
func (c *Console) finish(ctx context.Context, reply bot.Reply) {
	if reply.Refresh != nil {
		_ = c.dispatcher.Refresh(ctx, reply.Refresh)
	}
	c.deliver(ctx)
}

// deliver sends everything deliverable in the outbox. A failure is
// logged every time but shown only when it differs from the last one
// shown; a delivery that works again clears it.
func (c *Console) deliver(ctx context.Context) {
	_, err := c.worker.Drain(ctx)
	if err == nil {
		c.undelivered = ""
		return
	}
	c.worker.Log.Error("outbox delivery failed", "err", err)
	msg := c.router.Cards.ErrorMessage(err)
	if msg == c.undelivered {
		return
	}
	c.undelivered = msg
	c.line(c.router.Cards.Say("console.undelivered", messages.Args{"problem": msg}))
}

// submitLoop submits a filled form, re-asking only the fields with errors
// until it goes through or the person cancels. An intake's answers come
// back to be checked first (check). It returns nil if cancelled.
func (c *Console) submitLoop(ctx context.Context, in bot.Inbound, f *conversation.Form) *bot.Reply {
	answers := in // the intake as last submitted, for a Send that fails
	for {
		reply := c.router.Handle(ctx, in)
		if m := bot.CheckOf(reply.Messages); m != nil && f.Key == bot.FormIntake {
			next, ok := c.check(ctx, m, f, in.Values, in.Actor)
			if !ok {
				return nil
			}
			if next.FormKey == bot.FormIntakeSend {
				answers = in
			}
			in = next
			continue
		}
		if in.FormKey == bot.FormIntakeSend && len(reply.Errors) > 0 {
			// The checked answers no longer pass (say, a colleague left
			// the directory): ask again what needs another look.
			in = answers
		}
		for _, m := range reply.Messages {
			if m.Kind == "form" && m.Form != nil && m.Form.Key != f.Key {
				// The router needs another form first (a profile): fill it and retry.
				if _, ok := c.fillAndSubmit(ctx, in.Actor, &m); !ok {
					return nil
				}
				continue
			}
			if (m.Kind == "error" && m.Form == nil) || (m.Kind == "form" && len(m.Errors) > 0) {
				m.Kind, m.Form = "error", f // so its errors name the questions
				m.Errors = maps.Clone(m.Errors)
				delete(m.Errors, bot.FieldConfirmIdentifiers) // asked as a question below
			}
			c.say("%s", Render(c.router.Cards, m))
		}
		c.finish(ctx, reply)
		if len(reply.Errors) == 0 {
			return &reply
		}
		// An identifier warning re-asks the flagged answers with Enter
		// keeping them, then asks whether they are needed.
		confirm := bot.NeedsIdentifierConfirm(reply.Errors)
		for _, key := range slices.Sorted(maps.Keys(reply.Errors)) {
			fd := f.Field(key)
			if fd == nil {
				continue
			}
			current := ""
			if confirm {
				current = in.Values[key]
			}
			v, ok := c.ask(ctx, fd, current, func(v string) string { return c.router.Cards.Words(f.CheckAnswer(fd.Key, v, in.Values)) })
			if !ok {
				return nil
			}
			in.Values[key] = v
		}
		if confirm && stillIdentifying(in.Values, reply.Errors) {
			q := c.identifierQuestion()
			v, ok := c.ask(ctx, &q, "", func(v string) string { return c.router.Cards.Words(q.CheckAnswer(v)) })
			if !ok {
				return nil
			}
			in.Values[bot.FieldConfirmIdentifiers] = v
		}
	}
}

// stillIdentifying reports whether any answer flagged for identifying
// details still holds some after the person was asked again: if they took
// them all out, there is nothing to confirm.
func stillIdentifying(values, flagged map[string]string) bool {
	for k := range flagged {
		if k != bot.FieldConfirmIdentifiers && len(conversation.DetectIdentifiers(values[k])) > 0 {
			return true
		}
	}
	return false
}

// identifierQuestion asks whether flagged identifiers are needed.
func (c *Console) identifierQuestion() conversation.Field {
	return conversation.Field{Key: bot.FieldConfirmIdentifiers, Type: conversation.FieldYesNo, Required: true,
		Label: c.router.Cards.Say("console.identifiers.question", nil),
		Help:  c.router.Cards.Say("console.identifiers.help", nil)}
}

func (c *Console) fillAndSubmit(ctx context.Context, actor string, m *bot.Message) (*bot.Reply, bool) {
	values, ok := c.fill(ctx, m, bot.Inbound{Actor: actor})
	if !ok {
		return nil, false
	}
	r := c.submitLoop(ctx, bot.Inbound{Actor: actor, FormKey: m.Form.Key, Values: values, CaseID: m.FormCase, Version: m.FormVersion}, m.Form)
	return r, r != nil
}

// fill asks a form's questions one at a time. Intake answers are saved as a
// draft after each one, and an unfinished draft is offered back.
func (c *Console) fill(ctx context.Context, m *bot.Message, in bot.Inbound) (map[string]string, bool) {
	f := m.Form
	c.say("== %s ==\n", clean(m.Title))
	if m.Text != "" {
		c.say("%s\n", clean(m.Text))
	}
	c.line(c.router.Cards.Say("console.form.how", nil))
	values := map[string]string{}
	start := 0
	intake := f.Key == bot.FormIntake
	if intake {
		if d, err := c.router.Draft(ctx, in.Actor); err == nil && len(d.Values) > 0 {
			values, start = d.Values, d.Step
		}
	}
	for i := start; i < len(f.Fields); i++ {
		fd := &f.Fields[i]
		v, ok := c.ask(ctx, fd, values[fd.Key], func(v string) string { return c.router.Cards.Words(f.CheckAnswer(fd.Key, v, values)) })
		if !ok {
			if intake {
				c.line(c.router.Cards.Say("console.form.stopped_draft", nil))
			} else {
				c.line(c.router.Cards.Say("console.form.stopped", nil))
			}
			return nil, false
		}
		values[fd.Key] = v
		if intake {
			if err := c.router.SaveDraft(ctx, in.Actor, values, i+1); err != nil {
				c.say("%s\n", c.router.Cards.ErrorMessage(err))
			}
			if leavesLadder(values) {
				return values, true
			}
		}
	}
	return values, true
}

// check shows the answers the router gives back to check before the case
// is sent, numbered, and lets the person change any of them ("change 3")
// until they send it. It returns what to submit next: Send, or the intake
// with an answer changed (checked again by the router, and pointed the
// right way at once if it now leads out of the ladder). Stopping keeps
// the answers as a draft. ok is false when stopped.
func (c *Console) check(ctx context.Context, m *bot.Message, f *conversation.Form, values map[string]string, actor string) (bot.Inbound, bool) {
	for {
		c.say("%s", Render(c.router.Cards, *m))
		c.line(c.router.Cards.Say("console.check.how", nil))
		line, ok := c.readLine("> ")
		if !ok || strings.HasPrefix(line, "/") || midFormCommand(line) == "cancel" || midFormCommand(line) == "command" {
			if ok && line != "/cancel" && midFormCommand(line) != "cancel" {
				c.pending = line
			}
			c.line(c.router.Cards.Say("console.form.stopped_draft", nil))
			return bot.Inbound{}, false
		}
		word, rest := bot.SplitCommand(line)
		switch {
		case word == "send" || word == "yes" || word == "y" || word == "ok":
			return bot.SendChecked(actor, m.Check), true
		case word == "change" || word == "edit":
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil || n < 1 || n > len(m.Check.Answers) {
				c.say("  ! %s\n", c.router.Cards.Say("console.check.which", messages.Args{"max": len(m.Check.Answers)}))
				continue
			}
			fd := f.Field(m.Check.Answers[n-1].Key)
			if fd == nil {
				continue
			}
			v, ok := c.ask(ctx, fd, values[fd.Key], func(v string) string { return c.router.Cards.Words(f.CheckAnswer(fd.Key, v, values)) })
			if !ok {
				c.line(c.router.Cards.Say("console.form.stopped_draft", nil))
				return bot.Inbound{}, false
			}
			values[fd.Key] = v
			if err := c.router.SaveDraft(ctx, actor, values, len(f.Fields)); err != nil {
				c.say("%s\n", c.router.Cards.ErrorMessage(err))
			}
			return bot.Inbound{Actor: actor, FormKey: bot.FormIntake, Values: values}, true
		default:
			c.say("  ! %s\n", c.router.Cards.Say("console.check.again", nil))
		}
	}
}

// personText shows a person field's answer by name and email, as the
// directory knows them.
func (c *Console) personText(ctx context.Context, v string) string {
	if name := c.people.Name(ctx, v); name != v {
		return name + " <" + v + ">"
	}
	return v
}

// leavesLadder reports whether intake answers so far lead out of the ladder,
// so the remaining questions need not be asked.
func leavesLadder(v map[string]string) bool {
	if conversation.ImmediateRisk(v) {
		return true
	}
	a := v[conversation.FieldAbout]
	return a == conversation.AboutCPConference || a == conversation.AboutOwnOrg
}

// ask asks one question until the answer passes check (the form's check of
// the field, given the answers so far).
func (c *Console) ask(ctx context.Context, fd *conversation.Field, current string, check func(string) string) (string, bool) {
	k := c.router.Cards
	for {
		q := fd.Label
		if !fd.Required {
			q = k.Say("console.form.optional", messages.Args{"question": q})
		}
		c.say("? %s\n", clean(q))
		if fd.Help != "" {
			c.say("  %s\n", clean(fd.Help))
		}
		def := current
		if def == "" {
			def = fd.Default
		}
		for i, o := range fd.Options {
			c.say("  %d) %s\n", i+1, clean(o.Label))
		}
		if def != "" && fd.Type == conversation.FieldPerson {
			c.say("  %s\n", k.Say("console.form.keep", messages.Args{"answer": clean(c.personText(ctx, def))}))
		} else if def != "" {
			c.say("  %s\n", k.Say("console.form.keep", messages.Args{"answer": clean(bot.OptionLabel(fd, def))}))
		}
		switch fd.Type {
		case conversation.FieldYesNo:
			if fd.Unsure {
				c.say("  %s\n", k.Say("console.form.yes_no_unsure", nil))
			} else {
				c.say("  %s\n", k.Say("console.form.yes_no", nil))
			}
		case conversation.FieldCheckboxes:
			c.say("  %s\n", k.Say("console.form.numbers", nil))
		}
		line, ok := c.readLine("> ")
		if !ok || line == "/cancel" {
			return "", false
		}
		if strings.HasPrefix(line, "/") {
			c.pending = line
			return "", false
		}
		switch midFormCommand(line) {
		case "cancel":
			return "", false
		case "help":
			c.say("  %s\n", k.Say("console.form.help", nil))
			continue
		case "command":
			c.pending = line
			return "", false
		}
		v := optionValue(fd, line)
		if v == "" && def != "" {
			v = def
		}
		if fd.Type == conversation.FieldSelect || fd.Type == conversation.FieldAgency {
			// Words of an option's label choose it: "social care".
			chosen, problem := c.router.Cards.Choose(fd, v)
			if problem.Key != "" {
				c.say("  ! %s\n", clean(c.router.Cards.Words(problem)))
				continue
			}
			if chosen != "" {
				v = chosen
			}
		}
		if msg := check(v); msg != "" {
			c.say("  ! %s\n", msg)
			continue
		}
		if fd.Type == conversation.FieldPerson && v != "" {
			id, next := c.settlePerson(ctx, v)
			switch next {
			case askAgain:
				continue
			case stopForm:
				return "", false
			}
			v = id
		}
		return v, true
	}
}

// What settlePerson leaves the question at.
const (
	settled  = iota // the person is known
	askAgain        // ask the question again
	stopForm        // the person stopped the form (or typed a command)
)

// settlePerson finds the person an answer names before the next question:
// their whole name or email settles it (an unknown work email is taken
// as it is, to be reached by email); a part of a name, a slip, or a name
// several people share gets "Did you mean …?" with a numbered choice; a
// name nobody has is asked again. It returns the person's id.
func (c *Console) settlePerson(ctx context.Context, typed string) (string, int) {
	k := c.router.Cards
	found1 := func(m bot.Match) {
		c.say("  %s\n", k.Say("console.person.found", messages.Args{"person": clean(personLine(m))}))
	}
	chooseNumber := func(n int) {
		c.say("  ! %s\n", k.Say("console.person.choose_number", messages.Args{"max": n}))
	}
	for {
		found, err := c.people.Search(ctx, typed, 6)
		if err != nil {
			c.say("  ! %s\n", c.router.Cards.ErrorMessage(err))
			return "", askAgain
		}
		var exact []bot.Match
		for _, m := range found {
			if m.Exact {
				exact = append(exact, m)
			}
		}
		if len(exact) == 1 {
			m := exact[0]
			if m.New {
				c.say("  %s\n", k.Say("console.person.new", messages.Args{"email": clean(m.Email)}))
			} else {
				found1(m)
			}
			return m.PersonID, settled
		}
		if len(exact) > 1 {
			found = exact
		}
		switch len(found) {
		case 0:
			c.say("  ! %s\n", k.Say("console.person.nobody", messages.Args{"name": clean(typed)}))
			return "", askAgain
		case 1:
			c.say("  %s\n  %s\n", k.Say("console.person.did_you_mean", messages.Args{"person": clean(personLine(found[0]))}),
				k.Say("console.person.yes_or_another", nil))
		default:
			c.say("  %s\n", k.Say("console.person.did_you_mean_list", nil))
			for i, m := range found {
				c.say("  %d) %s\n", i+1, clean(personLine(m)))
			}
			c.say("  %s\n", k.Say("console.person.number_or_another", nil))
		}
		line, ok := c.readLine("> ")
		if !ok || line == "/cancel" {
			return "", stopForm
		}
		if strings.HasPrefix(line, "/") || midFormCommand(line) == "command" {
			c.pending = line
			return "", stopForm
		}
		switch midFormCommand(line) {
		case "cancel":
			return "", stopForm
		case "help":
			c.say("  %s\n", k.Say("console.person.help", nil))
			continue
		}
		if yes, isYesNo := conversation.ParseYesNo(line); isYesNo {
			if !yes {
				return "", askAgain
			}
			if len(found) > 1 {
				chooseNumber(len(found))
				continue
			}
			found1(found[0])
			return found[0].PersonID, settled
		}
		if n, err := strconv.Atoi(line); err == nil {
			if n >= 1 && n <= len(found) {
				found1(found[n-1])
				return found[n-1].PersonID, settled
			}
			chooseNumber(len(found))
			continue
		}
		if line == "" {
			return "", askAgain
		}
		typed = line
	}
}

// personLine shows a person found: "Priya Shah (Children's Social
// Care), priya.shah@csc.example.org".
func personLine(m bot.Match) string {
	if m.Email == "" || m.New {
		return m.Label()
	}
	return m.Label() + ", " + m.Email
}

// midFormCommand reports whether a line typed as an answer is a command
// instead (see bot.MidFormCommand).
func midFormCommand(line string) string { return bot.MidFormCommand(line) }

// optionValue maps "2" or "2,3" to option values for choice fields.
func optionValue(fd *conversation.Field, line string) string {
	if len(fd.Options) == 0 {
		return line
	}
	pick := func(s string) string {
		s = strings.TrimSpace(s)
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(fd.Options) {
			return fd.Options[n-1].Value
		}
		return s
	}
	if fd.Type == conversation.FieldCheckboxes {
		if all := checkAll(fd, line); all != "" {
			return all
		}
		var out []string
		for _, p := range strings.Split(line, ",") {
			if p = pick(p); p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, ",")
	}
	return pick(line)
}

// checkAll reads a checklist answer typed as people write it: "all" (or
// "all of them", "all of the above") ticks every option, and numbers
// separated by spaces, "and", "&" or ";" as well as commas ("1, 2 and 3")
// tick those. It returns the values joined by commas, or "" when line is
// neither (it is then read as a comma-separated list).
func checkAll(fd *conversation.Field, line string) string {
	words := strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
		return r == ',' || r == ';' || r == '&' || r == '+' || unicode.IsSpace(r)
	})
	var out []string
	switch strings.Join(words, " ") {
	case "all", "all of them", "all of the above", "all the above":
		for _, o := range fd.Options {
			out = append(out, o.Value)
		}
		return strings.Join(out, ",")
	}
	for _, w := range words {
		if w == "and" {
			continue
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > len(fd.Options) {
			return ""
		}
		if v := fd.Options[n-1].Value; !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, ",")
}
