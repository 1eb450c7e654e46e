package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// maxAckPayload keeps an acknowledgement's payload under Socket Mode's 20 KB
// limit; a larger reply goes by DM instead.
const maxAckPayload = 19 * 1024

// outcome is how to acknowledge one inbound request and the slow work to
// do after it.
type outcome struct {
	status int                       // HTTP status; 0 for 200
	body   any                       // JSON payload, or json.RawMessage already encoded; nil for an empty acknowledgement
	after  func(ctx context.Context) // work after the acknowledgement
}

// commandResponse is the immediate, private answer to a slash command.
type commandResponse struct {
	ResponseType string       `json:"response_type"`
	Text         string       `json:"text"`
	Blocks       slack.Blocks `json:"blocks"`
}

func errorMessage(text string) bot.Message {
	return bot.Message{Kind: "error", Tone: bot.ToneWarning, Text: text}
}

// generalError tells the person something failed on the bot's side and
// nothing changed.
func (a *Adapter) generalError() bot.Message {
	return errorMessage(a.router.Cards.Say("slack.error.general", nil))
}

// notSaved is the title of a modal that says a form was not saved.
func (a *Adapter) notSaved() string { return a.router.Cards.Say("slack.modal.not_saved", nil) }

// commandKind names a typed command for metrics, from a fixed set.
func commandKind(word string) string {
	switch word {
	case "", "raise", "new", "list", "cases", "status", "show", "help", "profile", "report":
		if word == "" {
			return "raise"
		}
		return word
	}
	if v, ok := bot.ParseVerb(word); ok {
		return string(v)
	}
	return "other"
}

// outcomeOf names what a reply says about how a command went.
func outcomeOf(r bot.Reply) string {
	for _, m := range r.Messages {
		if m.Kind == "error" {
			if len(r.Errors) > 0 {
				return "invalid"
			}
			return "refused"
		}
	}
	return "ok"
}

// handle sends one inbound event to the router and counts it.
func (a *Adapter) handle(ctx context.Context, kind string, in bot.Inbound) bot.Reply {
	r := a.router.Handle(ctx, in)
	a.metrics.Command(Platform, kind, outcomeOf(r))
	return r
}

// record is handle for an event acknowledged as soon as it is stored: a
// recorded step's messages, the confirmation to the person who acted
// included, are in the outbox with it, for the delivery worker to send.
func (a *Adapter) record(ctx context.Context, kind string, in bot.Inbound) bot.Reply {
	r := a.router.Record(ctx, in)
	a.metrics.Command(Platform, kind, outcomeOf(r))
	return r
}

// formOf returns the form a reply asks for, if any.
func formOf(r bot.Reply) *bot.Message {
	for i := range r.Messages {
		if r.Messages[i].Kind == "form" && r.Messages[i].Form != nil {
			return &r.Messages[i]
		}
	}
	return nil
}

// others returns the reply's messages other than forms, with the
// commands of help texts and offers naming the slash command.
func (a *Adapter) others(r bot.Reply) []bot.Message {
	var out []bot.Message
	for _, m := range r.Messages {
		switch m.Kind {
		case "form":
			continue
		case "help":
			// The router's help (with the partnership's contact), its
			// commands named as people type them here.
			m.List = slices.Clone(m.List)
			for i, item := range m.List {
				if !strings.HasPrefix(item, a.opts.Command+" ") {
					m.List[i] = a.opts.Command + " " + item
				}
			}
		case "notice":
			m = bot.NameCommand(m, a.opts.Command)
		}
		out = append(out, m)
	}
	return out
}

// openModal opens a view with a trigger id, before the acknowledgement.
func (a *Adapter) openModal(ctx context.Context, trigger string, v slack.ModalViewRequest) error {
	return a.call(ctx, "views.open", func(ctx context.Context) error {
		_, err := a.client(ctx).OpenViewContext(ctx, trigger, v)
		return err
	})
}

// openForm opens the form a reply asks for as a modal.
func (a *Adapter) openForm(ctx context.Context, w who, trigger string, f *bot.Message, meta formMeta) error {
	meta.Form, meta.Case, meta.Version = f.Form.Key, f.FormCase, f.FormVersion
	return a.openModal(ctx, trigger, renderForm(a.router.Cards, *f, meta, a.personLabels(ctx)))
}

// handleCommand handles the slash command: no text opens the intake modal;
// other text goes to the router's text commands, whose answer comes back
// privately at once.
func (a *Adapter) handleCommand(ctx context.Context, cmd slack.SlashCommand) (out outcome) {
	ctx, installed := a.route(ctx, cmd.TeamID, cmd.EnterpriseID, cmd.IsEnterpriseInstall)
	defer func() { out.after = carryClient(ctx, out.after) }()
	if !installed {
		return outcome{body: rawBody(a.commandBody([]bot.Message{a.notInstalledMessage()}))}
	}
	actx, cancel := a.ackCtx(ctx)
	defer cancel()
	w := who{team: cmd.TeamID, user: cmd.UserID, enterprise: cmd.EnterpriseID}
	per, err := a.identify(actx, w)
	if err != nil {
		a.log.Error("identify failed", "err", err)
		return outcome{body: rawBody(a.commandBody([]bot.Message{a.generalError()}))}
	}
	text := strings.TrimSpace(cmd.Text)
	word, _, _ := strings.Cut(strings.ToLower(text), " ")
	in := bot.Inbound{Actor: per.ID, Text: text}
	if text == "" {
		in.Text = "raise"
	}
	reply := a.handle(actx, commandKind(word), in)
	if f := formOf(reply); f != nil {
		meta := formMeta{}
		if (text == "" || word == "raise" || word == "new") && f.Form.Key == bot.FormProfile {
			meta.Then = bot.FormIntake
		}
		if err := a.openForm(actx, w, cmd.TriggerID, f, meta); err != nil {
			a.log.Warn("open form failed", "form", f.Form.Key, "err", err)
			reply.Messages = append(reply.Messages, errorMessage(a.router.Cards.Say("slack.error.form_not_opened", nil)))
		}
	}
	msgs := a.others(reply)
	noted, uploads := a.withFileNote(msgs)
	body := a.commandBody(noted)
	var dm []bot.Message
	if body == nil && len(msgs) > 0 {
		dm, uploads = msgs, nil // Send uploads their files with them
		body = a.commandBody([]bot.Message{longAnswer(a.router.Cards, msgs)})
	}
	if len(dm) == 0 && len(uploads) == 0 && reply.Refresh == nil {
		return outcome{body: rawBody(body)} // nothing to do after the answer
	}
	// Files (a case record, a report's chart) are uploaded to the person's
	// DM after the acknowledgement: the export is already on the record.
	return outcome{body: rawBody(body), after: func(ctx context.Context) {
		a.tell(ctx, per, w, dm)
		a.sendFiles(ctx, per, w, uploads)
		a.finish(ctx, reply)
	}}
}

// longAnswer is the private answer to a slash command whose real answer
// is too long for it and goes to the person's DM instead: it names the
// case when the answer is about one.
func longAnswer(k *bot.Cards, msgs []bot.Message) bot.Message {
	id := msgs[0].CaseID
	for _, m := range msgs {
		if m.CaseID != id {
			id = ""
		}
	}
	if id == "" {
		return bot.Message{Kind: "notice", Text: k.Say("slack.long_answer", nil)}
	}
	return bot.Message{Kind: "notice", CaseID: id, Text: k.Say("slack.long_answer.case", messages.Args{"case": id})}
}

// rawBody is an outcome's body of encoded JSON: nil (an empty
// acknowledgement) when there is none.
func rawBody(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return b
}

// commandBody renders messages as a private answer to a slash command, or
// returns nil when they do not fit in one.
func (a *Adapter) commandBody(msgs []bot.Message) json.RawMessage {
	if len(msgs) == 0 {
		return nil
	}
	// The help is the same for everyone: rendered and encoded once, by its
	// words (a help with anything else on it is rendered each time).
	var key string
	if m := msgs[0]; len(msgs) == 1 && m.Kind == "help" && m.CaseID == "" && len(m.Fields) == 0 && len(m.Buttons) == 0 &&
		m.Form == nil && len(m.Attachments) == 0 && len(m.Errors) == 0 {
		key = string(m.Tone) + "\x00" + m.Title + "\x00" + m.Text + "\x00" + strings.Join(m.List, "\x00")
		if b, ok := a.helpBodies.Load(key); ok {
			return b.(json.RawMessage)
		}
	}
	var blocks []slack.Block
	var fallback []string
	for i, m := range msgs {
		if i > 0 {
			blocks = append(blocks, slack.NewDividerBlock())
		}
		bl, fb := renderMessage(a.router.Cards, m, MaxMessageBlocks)
		blocks = append(blocks, bl...)
		fallback = append(fallback, fb)
	}
	if len(blocks) > MaxMessageBlocks {
		return nil
	}
	fb, _ := cutEscaped(strings.Join(fallback, "\n"), MaxFallbackText)
	body := commandResponse{ResponseType: "ephemeral", Text: fb, Blocks: slack.Blocks{BlockSet: blocks}}
	b, err := json.Marshal(body)
	if err != nil || len(b) > maxAckPayload {
		return nil
	}
	if key != "" {
		a.helpBodies.Store(key, json.RawMessage(b))
	}
	return b
}

// handleInteraction handles shortcuts, button presses and modal submissions.
func (a *Adapter) handleInteraction(ctx context.Context, ic slack.InteractionCallback) (out outcome) {
	team := ic.Team.ID
	if team == "" {
		team = ic.User.TeamID
	}
	ctx, installed := a.route(ctx, team, ic.Enterprise.ID, ic.IsEnterpriseInstall)
	if !installed {
		return outcome{} // nothing can be opened, sent or searched there
	}
	defer func() { out.after = carryClient(ctx, out.after) }()
	actx, cancel := a.ackCtx(ctx)
	defer cancel()
	w := who{team: team, user: ic.User.ID, enterprise: ic.Enterprise.ID}
	if ic.Type == slack.InteractionTypeBlockActions && ic.Container.Type == "message" && strings.HasPrefix(ic.Container.ChannelID, "D") {
		w.channel = ic.Container.ChannelID // our own DM with them: the card was ours
	}
	switch ic.Type {
	case slack.InteractionTypeBlockSuggestion:
		// Answered from the directory alone: nothing is recorded, so
		// nobody needs identifying, and the answer is quick.
		return a.suggest(actx, ic)
	case slack.InteractionTypeShortcut, slack.InteractionTypeMessageAction, slack.InteractionTypeBlockActions, slack.InteractionTypeViewSubmission:
	default:
		return outcome{} // view_closed and the rest need nothing
	}
	per, err := a.identify(actx, w)
	if err != nil {
		a.log.Error("identify failed", "err", err)
		if ic.Type == slack.InteractionTypeViewSubmission {
			return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderInfoModal(a.router.Cards, a.notSaved(), a.generalError())))}
		}
		return outcome{}
	}
	switch ic.Type {
	case slack.InteractionTypeShortcut:
		if ic.CallbackID != shortcutRaise {
			return outcome{}
		}
		return a.openRaise(actx, w, per, ic.TriggerID, "")
	case slack.InteractionTypeMessageAction:
		if ic.CallbackID != shortcutRaiseAbout {
			return outcome{}
		}
		link := a.permalink(actx, ic)
		concern := ""
		if link != "" {
			concern = a.router.Cards.Say("slack.about_message", messages.Args{"link": link}) + "\n"
		}
		return a.openRaise(actx, w, per, ic.TriggerID, concern)
	case slack.InteractionTypeBlockActions:
		return a.blockAction(actx, ic, w, per)
	default:
		if ic.View.CallbackID != callbackForm {
			return outcome{}
		}
		return a.submit(actx, ic, w, per)
	}
}

func ptr[T any](v T) *T { return &v }

// optionsResponse is the answer to a block_suggestion: the options of an
// external_select, in Slack's wire format ({"options":[...]}, an empty
// list when nothing matches).
type optionsResponse struct {
	Options []*slack.OptionBlockObject `json:"options"`
}

// suggest answers what someone types in a person field (a block_suggestion
// sent to the options load URL) with the bot's people search: anyone the
// directory knows or the bot has met, best first, each as "Name
// (Agency)" with their person id as the value, and a work email typed in
// full offered as it is ("Use jo@nhs.net"), to be created and reached by
// email when chosen. A failed search offers nothing and is logged.
func (a *Adapter) suggest(ctx context.Context, ic slack.InteractionCallback) outcome {
	found, err := a.people.Search(ctx, ic.Value, MaxPersonOptions)
	resp := optionsResponse{Options: []*slack.OptionBlockObject{}}
	if err != nil {
		a.log.Error("people search failed", "err", err)
		a.metrics.Command(Platform, "suggest", "error")
		return outcome{body: resp}
	}
	for _, m := range found {
		if slen(m.PersonID) > MaxOptionValue || len(resp.Options) == MaxSelectOptions {
			continue
		}
		resp.Options = append(resp.Options, option(conversation.Option{Value: m.PersonID, Label: m.Label()}, false))
	}
	a.metrics.Command(Platform, "suggest", "ok")
	return outcome{body: resp}
}

// openRaise opens the intake modal, or the profile modal first for someone
// whose agency is not known yet.
func (a *Adapter) openRaise(ctx context.Context, w who, per *conversation.Person, trigger, concern string) outcome {
	reply := a.handle(ctx, "raise", bot.Inbound{Actor: per.ID, Text: "raise"})
	f := formOf(reply)
	if f == nil {
		msgs := a.others(reply)
		return outcome{after: func(ctx context.Context) { a.tell(ctx, per, w, msgs) }}
	}
	meta := formMeta{Concern: concern}
	if f.Form.Key == bot.FormProfile {
		meta.Then = bot.FormIntake
	}
	if err := a.openForm(ctx, w, trigger, f, meta); err != nil {
		a.log.Warn("open form failed", "form", f.Form.Key, "err", err)
		return outcome{after: func(ctx context.Context) {
			a.tell(ctx, per, w, []bot.Message{errorMessage(a.router.Cards.Say("slack.error.form_not_opened", nil))})
		}}
	}
	return outcome{}
}

// permalink returns a link to the message a shortcut was used on: from
// chat.getPermalink, or built from the workspace domain if that fails.
func (a *Adapter) permalink(ctx context.Context, ic slack.InteractionCallback) string {
	ts := ic.Message.Timestamp
	if ts == "" {
		ts = ic.MessageTs
	}
	if ic.Channel.ID == "" || ts == "" {
		return ""
	}
	var link string
	err := a.call(ctx, "chat.getPermalink", func(ctx context.Context) error {
		var err error
		link, err = a.client(ctx).GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ic.Channel.ID, Ts: ts})
		return err
	})
	if err == nil && strings.HasPrefix(link, "https://") {
		return link
	}
	if ic.Team.Domain == "" {
		return ""
	}
	return fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", ic.Team.Domain, ic.Channel.ID, strings.ReplaceAll(ts, ".", ""))
}

// blockAction handles a button or a dispatched input.
func (a *Adapter) blockAction(ctx context.Context, ic slack.InteractionCallback, w who, per *conversation.Person) outcome {
	if len(ic.ActionCallback.BlockActions) == 0 {
		return outcome{}
	}
	act := ic.ActionCallback.BlockActions[0]
	if unknownPress(ic, act) {
		return a.unknownButton(w, per, ic.Container.ChannelID)
	}
	switch {
	case act.ActionID == actionView:
		return a.openCase(ctx, w, per, ic.TriggerID, act.Value)
	case dispatched(act.ActionID) && ic.View.ID != "":
		return a.routeOut(ic, act)
	case act.ActionID == actionChange && ic.View.ID != "":
		return a.changeAnswer(ctx, ic, w, per, act.Value)
	case strings.HasPrefix(act.ActionID, actionPrefix):
	default:
		return outcome{}
	}
	value := act.Value
	if act.ActionID == actionMore { // a step chosen from a card's overflow menu
		value = act.SelectedOption.Value
	}
	// unknownPress has made sure the value names a step and a case.
	in := bot.Inbound{Actor: per.ID}
	kind := "damaged"
	if verb, caseID, version, ok := parseButtonValue(value); ok {
		in.Verb, in.CaseID, in.Version, kind = verb, caseID, version, string(verb)
	} else {
		// A version we did not write (tampered, negative, too big): the
		// router says so and shows the case as it stands.
		in.Damaged = true
		if parts := strings.Split(value, "|"); len(parts) > 1 {
			in.CaseID = parts[1]
		}
	}
	reply := a.record(ctx, kind, in)
	if f := formOf(reply); f != nil {
		if err := a.openForm(ctx, w, ic.TriggerID, f, formMeta{}); err != nil {
			a.log.Warn("open form failed", "form", f.Form.Key, "case", f.FormCase, "err", err)
			reply.Messages = append(reply.Messages, errorMessage(a.router.Cards.Say("slack.error.form_not_opened.press", nil)))
		}
	}
	channel := ic.Container.ChannelID
	return outcome{after: func(ctx context.Context) {
		var refused, said []bot.Message
		for _, m := range a.others(reply) {
			if m.Kind == "error" {
				refused = append(refused, m)
			} else {
				said = append(said, m)
			}
		}
		if len(refused) > 0 {
			if channel != "" {
				a.ephemeral(ctx, channel, w.user, refused)
			} else {
				a.tell(ctx, per, w, refused)
			}
		}
		a.tell(ctx, per, w, said)
		a.finish(ctx, reply)
	}}
}

// routeOut answers a dispatched intake answer that leads out of the
// ladder: the modal turns into the route's message.
func (a *Adapter) routeOut(ic slack.InteractionCallback, act *slack.BlockAction) outcome {
	var route conversation.RouteKind
	switch act.ActionID + "=" + act.SelectedOption.Value {
	case conversation.FieldImmediateRisk + "=yes", conversation.FieldImmediateRisk + "=" + conversation.NotSure:
		route = conversation.RouteImmediateRisk
	case conversation.FieldAbout + "=" + conversation.AboutCPConference:
		route = conversation.RouteDissent
	case conversation.FieldAbout + "=" + conversation.AboutOwnOrg:
		route = conversation.RouteWhistleblowing
	default:
		return outcome{}
	}
	a.metrics.Command(Platform, "route", string(route))
	view := renderInfoModal(a.router.Cards, a.router.Cards.Say("slack.modal.raise", nil), a.router.Cards.Route(route))
	id, hash := ic.View.ID, ic.View.Hash
	return outcome{after: func(ctx context.Context) {
		err := a.call(ctx, "views.update", func(ctx context.Context) error {
			_, err := a.client(ctx).UpdateViewContext(ctx, view, "", hash, id)
			return err
		})
		if err != nil {
			a.log.Warn("update view failed", "err", err)
		}
	}}
}

// changeAnswer answers "Change" beside an answer on check your answers:
// the modal turns back into the intake form with every answer in place
// and the cursor on the one to change.
func (a *Adapter) changeAnswer(ctx context.Context, ic slack.InteractionCallback, w who, per *conversation.Person, key string) outcome {
	reply := a.handle(ctx, "change", bot.ChangeChecked(per.ID, key))
	meta, _ := decodeMeta(ic.View.PrivateMetadata)
	var view slack.ModalViewRequest
	if f := formOf(reply); f != nil {
		view = renderForm(a.router.Cards, *f, formMeta{Form: f.Form.Key, Concern: meta.Concern}, a.personLabels(ctx))
	} else {
		view = renderInfoModal(a.router.Cards, a.notSaved(), a.others(reply)...)
	}
	id, hash := ic.View.ID, ic.View.Hash
	return outcome{after: func(ctx context.Context) {
		err := a.call(ctx, "views.update", func(ctx context.Context) error {
			_, err := a.client(ctx).UpdateViewContext(ctx, view, "", hash, id)
			return err
		})
		if err != nil {
			a.log.Warn("update view failed", "err", err)
		}
	}}
}

// openCase shows a whole case and its timeline in a modal. The view is
// recorded on the case's timeline (Engine.View); a refusal is recorded too
// and the person is told why in the modal.
func (a *Adapter) openCase(ctx context.Context, w who, per *conversation.Person, trigger, caseID string) outcome {
	var view slack.ModalViewRequest
	c, err := a.router.Engine.View(ctx, per.ID, caseID)
	a.metrics.Command(Platform, "view", codeOf(err))
	if err != nil {
		view = renderInfoModal(a.router.Cards, a.router.Cards.Say("slack.modal.case", nil), errorMessage(a.router.Cards.ErrorMessage(err)))
	} else {
		card := a.router.Cards.Card(ctx, c, per.ID, "")
		view = renderInfoModal(a.router.Cards, c.ID, fullCase(card), a.router.Cards.Timeline(ctx, c))
	}
	if err := a.openModal(ctx, trigger, view); err != nil {
		a.log.Warn("open case view failed", "err", err)
	}
	return outcome{}
}

func codeOf(err error) string {
	if err == nil {
		return "ok"
	}
	return conversation.ErrorCode(err)
}

// submit handles a modal's submission: field errors stay on their fields,
// a route or a refusal replaces the modal, a profile asked first leads on to
// the intake, and success closes it and sends the rest after the ack.
func (a *Adapter) submit(ctx context.Context, ic slack.InteractionCallback, w who, per *conversation.Person) outcome {
	meta, ok := decodeMeta(ic.View.PrivateMetadata)
	if !ok {
		return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderInfoModal(a.router.Cards, a.notSaved(),
			errorMessage(a.router.Cards.Say("slack.error.form_out_of_date", nil)))))}
	}
	values, err := a.formValues(ctx, w, ic.View.State)
	if err != nil {
		a.log.Error("read form failed", "form", meta.Form, "err", err)
		return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderInfoModal(a.router.Cards, a.notSaved(), a.generalError())))}
	}
	if meta.Form == bot.FormIntakeSend {
		values = map[string]string{bot.CheckDigest: meta.Digest} // check your answers has no inputs
	}
	kind := meta.Form
	if strings.HasPrefix(kind, bot.ActionFormPrefix) {
		kind = strings.TrimPrefix(kind, bot.ActionFormPrefix)
	}
	reply := a.record(ctx, kind, bot.Inbound{Actor: per.ID, FormKey: meta.Form, CaseID: meta.Case, Version: meta.Version, Values: values})
	if meta.Form == bot.FormProfile {
		a.users.forgetPerson(userKey(w.team, w.user)) // their name or agency may have changed
	}
	confirm := bot.NeedsIdentifierConfirm(reply.Errors)
	if confirm || len(reply.Errors) > 0 && warned(ic.View) {
		// response_action "errors" can neither add the confirmation
		// question nor take away one gone stale (the details were taken
		// out, another answer still needs a look), so the modal is
		// rebuilt with what was typed, each problem under its field, and
		// the question at the end only while it is needed.
		if m := a.identifierForm(ctx, per.ID, meta, values, reply, confirm); m != nil {
			return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderForm(a.router.Cards, *m, meta, a.personLabels(ctx))))}
		}
	}
	if len(reply.Errors) > 0 {
		blocks := inputBlockIDs(ic.View)
		errs := map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(reply.Errors)) {
			// "actions[0].owner" belongs to the "actions" question.
			block := k
			if i := strings.IndexAny(k, "[."); i > 0 {
				block = k[:i]
			}
			if slices.Contains(blocks, block) {
				errs[block] = strings.TrimSpace(errs[block] + " " + reply.Errors[k])
			}
		}
		for k, v := range errs {
			errs[k], _ = cutEscaped(v, 300)
		}
		if len(errs) > 0 {
			return outcome{body: slack.NewErrorsViewSubmissionResponse(errs)}
		}
	}
	if m := bot.CheckOf(reply.Messages); m != nil {
		// Complete answers: shown back to check before anything is sent.
		return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderCheck(a.router.Cards, *m, formMeta{Concern: meta.Concern})))}
	}
	if f := formOf(reply); f != nil {
		next := formMeta{Form: f.Form.Key, Case: f.FormCase, Version: f.FormVersion, Concern: meta.Concern}
		if meta.Form == bot.FormIntake && f.Form.Key == bot.FormProfile {
			next.Then = bot.FormIntake
		}
		return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderForm(a.router.Cards, *f, next, a.personLabels(ctx))))}
	}
	msgs := a.others(reply)
	for _, m := range msgs {
		if m.Kind == "route" || m.Kind == "error" {
			title := a.notSaved()
			if m.Kind == "route" {
				title = a.router.Cards.Say("slack.modal.raise", nil)
			}
			return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderInfoModal(a.router.Cards, title, msgs...)))}
		}
	}
	if meta.Form == bot.FormProfile && meta.Then == bot.FormIntake {
		r2 := a.handle(ctx, "raise", bot.Inbound{Actor: per.ID, Text: "raise"})
		if f := formOf(r2); f != nil && f.Form.Key == bot.FormIntake {
			return outcome{body: slack.NewUpdateViewSubmissionResponse(ptr(renderForm(a.router.Cards, *f, formMeta{Form: f.Form.Key, Concern: meta.Concern}, a.personLabels(ctx))))}
		}
	}
	return outcome{body: slack.NewClearViewSubmissionResponse(), after: func(ctx context.Context) {
		a.tell(ctx, per, w, msgs)
		a.finish(ctx, reply)
	}}
}

// warned reports whether a submitted modal shows an identifier warning:
// the confirmation question, or a warning under a field.
func warned(v slack.View) bool {
	for _, b := range v.Blocks.BlockSet {
		switch x := b.(type) {
		case *slack.InputBlock:
			if x.BlockID == bot.FieldConfirmIdentifiers {
				return true
			}
		case *slack.ContextBlock:
			if strings.HasPrefix(x.BlockID, "error_") {
				return true
			}
		}
	}
	return v.State != nil && v.State.Values[bot.FieldConfirmIdentifiers] != nil
}

// identifierForm rebuilds the form a submission came from after an
// identifier warning: the person's answers as its values, each field's
// problem on the field, and, when confirm is set, the confirmation question
// added. nil when the form is not one that is screened.
func (a *Adapter) identifierForm(ctx context.Context, actor string, meta formMeta, values map[string]string, reply bot.Reply, confirm bool) *bot.Message {
	var f *conversation.Form
	title := ""
	switch {
	case meta.Form == bot.FormIntake:
		f = a.router.IntakeForm(ctx, actor)
		title = f.Title
	case strings.HasPrefix(meta.Form, bot.ActionFormPrefix):
		f = a.router.ActionFormOn(ctx, meta.Case, conversation.Verb(strings.TrimPrefix(meta.Form, bot.ActionFormPrefix)))
		if f != nil {
			title = f.Title + " · " + meta.Case
		}
	}
	if f == nil {
		return nil
	}
	if confirm {
		f = a.router.Cards.WithIdentifierConfirm(f)
	}
	for i := range f.Fields {
		if v, ok := values[f.Fields[i].Key]; ok {
			f.Fields[i].Default = v
		}
	}
	text := f.Intro
	for _, m := range reply.Messages {
		if m.Kind == "error" && m.Text != "" {
			text = m.Text
		}
	}
	return &bot.Message{Kind: "form", Title: title, Text: text, Tone: bot.ToneWarning, Form: f,
		CaseID: meta.Case, FormCase: meta.Case, FormVersion: meta.Version, Errors: reply.Errors}
}

// inputBlockIDs lists the block ids of a view's input blocks.
func inputBlockIDs(v slack.View) []string {
	var out []string
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			out = append(out, in.BlockID)
		}
	}
	if v.State != nil {
		for id := range v.State.Values {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// formValues reads a submitted modal's answers, keyed by field, for w who
// submitted it. A Slack user picked for a person field becomes that
// person's id, known in w's workspace (and organisation).
func (a *Adapter) formValues(ctx context.Context, w who, state *slack.ViewState) (map[string]string, error) {
	values := map[string]string{}
	if state == nil {
		return values, nil
	}
	for blockID, acts := range state.Values {
		for _, act := range acts {
			var v string
			switch act.Type {
			case "static_select", "radio_buttons", "external_select":
				v = act.SelectedOption.Value
			case "checkboxes":
				var parts []string
				for _, o := range act.SelectedOptions {
					parts = append(parts, o.Value)
				}
				v = strings.Join(parts, ",")
			case "users_select":
				if act.SelectedUser != "" {
					id, err := a.personID(ctx, who{team: w.team, user: act.SelectedUser, enterprise: w.enterprise})
					if err != nil {
						return nil, err
					}
					v = id
				}
			default:
				v = act.Value
			}
			values[blockID] = v
		}
	}
	return values, nil
}

// handleEvent handles an Events API callback. Retries of an event already
// seen (by event_id) are acknowledged and ignored.
func (a *Adapter) handleEvent(ctx context.Context, ev slackevents.EventsAPIEvent) outcome {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if ok && cb.EventID != "" {
		first, err := a.store.Remember(ctx, "slack:event:"+cb.EventID, a.opts.DedupeTTL, a.opts.Now())
		if err != nil {
			a.log.Error("remember event failed", "err", err)
			return outcome{status: 500}
		}
		if !first {
			a.metrics.Command(Platform, "event", "duplicate")
			return outcome{}
		}
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppUninstalledEvent, *slackevents.TokensRevokedEvent:
		if cb == nil {
			return outcome{}
		}
		return a.uninstalled(ctx, cb, e)
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "" && e.Tab != "home" {
			return outcome{}
		}
		team := ev.TeamID
		orgWide := false
		if cb != nil {
			for _, au := range cb.Authorizations {
				orgWide = orgWide || au.IsEnterpriseInstall
			}
		}
		ctx, installed := a.route(ctx, team, ev.EnterpriseID, orgWide)
		if !installed {
			return outcome{}
		}
		w := who{team: team, user: e.User, enterprise: ev.EnterpriseID}
		if strings.HasPrefix(e.Channel, "D") {
			w.channel = e.Channel
		}
		a.metrics.Command(Platform, "app_home", "ok")
		return outcome{after: carryClient(ctx, func(ctx context.Context) { a.publishHome(ctx, w) })}
	}
	return outcome{}
}

// publishHome publishes a person's App Home: the cases waiting on them with
// their deadlines, their other open cases, and those closed in the last 30
// days.
func (a *Adapter) publishHome(ctx context.Context, w who) {
	per, err := a.identify(ctx, w)
	if err != nil {
		a.log.Error("identify failed", "err", err)
		return
	}
	ov, err := a.router.Overview(ctx, per.ID)
	if err != nil {
		a.log.Error("list cases failed", "err", err)
		return
	}
	view := renderHomeSections(a.router.Cards, a.homeSections(ov), a.opts.Command)
	err = a.call(ctx, "views.publish", func(ctx context.Context) error {
		_, err := a.client(ctx).PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: w.user, View: view})
		return err
	})
	if err != nil {
		a.log.Warn("publish home failed", "err", err)
	}
}
