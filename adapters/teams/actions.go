package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// verbCancel puts the case card back in place of an action form.
const verbCancel = "cancel"

// mentionRe matches an @mention of the bot in a message's text.
var mentionRe = regexp.MustCompile(`(?is)<at\b[^>]*>.*?</at>`)

// tagRe matches any other markup Teams adds to typed text.
var tagRe = regexp.MustCompile(`<[^>]+>`)

// entities are the HTML entities Teams puts in message text; the replacer
// is built once, as building one per message cost a dozen allocations.
var entities = strings.NewReplacer("&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'")

// commandText returns typed text with mentions and markup removed.
func commandText(s string) string {
	s = mentionRe.ReplaceAllString(s, " ")
	s = tagRe.ReplaceAllString(s, " ")
	s = entities.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// dataString turns a card data value into a string.
func dataString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// inboundFromData maps the data of a pressed card action to an inbound
// event. submitted holds the form's inputs, for showing a failed form again.
func inboundFromData(actor, verb string, data map[string]any) (in bot.Inbound, submitted map[string]string) {
	in = bot.Inbound{Actor: actor}
	if verb == "" {
		verb = dataString(data[dataVerb])
	}
	in.CaseID = dataString(data[dataCase])
	if v := dataString(data[dataVersion]); v != "" {
		// A version we did not write (tampered, negative, too big) makes
		// the press damaged: the person is told and shown the case.
		n, err := strconv.ParseInt(v, 10, 64)
		in.Version, in.Damaged = n, err != nil || n < 0
		if in.Damaged {
			in.Version = 0
		}
	}
	switch verb {
	case verbSubmit:
		in.FormKey = dataString(data[dataForm])
		in.Values = map[string]string{}
		for k, v := range data {
			switch k {
			case dataVerb, dataCase, dataVersion, dataForm:
				continue
			}
			in.Values[k] = dataString(v)
		}
		if in.FormKey == "" {
			in.FormKey = "?"
		}
		return in, in.Values
	case verbCancel:
		in.Text = "status " + in.CaseID
		if in.CaseID == "" { // a form that acts on no case (intake, profile)
			in.Text = "cancel"
		}
		return in, nil
	}
	if v, ok := bot.ParseVerb(verb); ok {
		in.Verb = v
	} else {
		in.Verb = conversation.Verb(verb)
	}
	return in, nil
}

// onMessage handles typed text and Action.Submit presses.
func (a *Adapter) onMessage(w http.ResponseWriter, r *http.Request, act *schema.Activity) {
	ctx := r.Context()
	if act.From.ID == act.Recipient.ID {
		w.WriteHeader(http.StatusOK)
		return
	}
	per, err := a.actor(ctx, act)
	if err != nil {
		a.log.Error("teams identify failed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var in bot.Inbound
	var submitted map[string]string
	if len(act.Value) > 0 {
		in, submitted = inboundFromData(per.ID, "", act.Value)
	} else {
		// A case record comes back as JSON, laid out as cards: Teams
		// cannot take the file itself (see files.go).
		in = bot.Inbound{Actor: per.ID, Text: exportText(commandText(act.Text))}
	}
	var reply bot.Reply
	if len(act.Value) > 0 && !knownAction(map[string]any{"data": map[string]any(act.Value)}) {
		reply = bot.Reply{Messages: []bot.Message{a.router.Cards.UnknownButton()}} // an Action.Submit no card of ours sends
	} else {
		// A step is stored with everything it causes, the confirmation to
		// the person included, before the acknowledgement: nothing said
		// about it after the acknowledgement lives only in memory.
		reply = a.router.Record(ctx, in)
	}
	if in.FormKey == bot.FormProfile {
		a.forget(per.ID) // their name or agency may have changed
	}
	a.countCommand(in, reply)
	card, rest := a.answer(ctx, in, reply, submitted)
	w.WriteHeader(http.StatusOK)
	a.background(r, func(ctx context.Context) {
		convID := act.Conversation.ID
		if !personal(act) {
			convID = a.personalChat(ctx, per)
		}
		if card != nil && act.ReplyToID != "" && personal(act) {
			if err := a.connFor(ctx).update(ctx, act.ServiceURL, convID, act.ReplyToID, cardActivity(card.card, card.msg.Title)); err != nil {
				a.log.Warn("teams update pressed card failed", "err", err)
				rest = append([]bot.Message{card.msg}, rest...)
			} else {
				a.recordRef(ctx, per.ID, card.msg, convID, act.ReplyToID)
			}
		} else if card != nil {
			rest = append([]bot.Message{card.msg}, rest...)
		}
		if convID != "" {
			a.sendMessages(ctx, act.ServiceURL, convID, per.ID, rest)
		}
		a.finish(ctx, act.ServiceURL, convID, per.ID, reply)
	})
}

// onInvoke handles Action.Execute: the HTTP answer carries the refreshed
// card (or a short message), and the rest happens after it. A person
// field's typeahead (application/search) is answered by onSearch.
func (a *Adapter) onInvoke(w http.ResponseWriter, r *http.Request, act *schema.Activity) {
	ctx := r.Context()
	if act.Name == searchInvoke {
		a.onSearch(w, r, act)
		return
	}
	if act.Name != "adaptiveCard/action" {
		w.WriteHeader(http.StatusOK)
		return
	}
	action, _ := act.Value["action"].(map[string]any)
	if action == nil {
		writeInvoke(w, http.StatusBadRequest, "application/vnd.microsoft.error", map[string]any{"code": "BadRequest", "message": "no action"})
		return
	}
	if !knownAction(action) {
		a.metrics.Command(Platform, "verb", "unknown")
		writeInvoke(w, http.StatusOK, "application/vnd.microsoft.activity.message", a.router.Cards.UnknownButton().Text)
		return
	}
	per, err := a.actor(ctx, act)
	if err != nil {
		a.log.Error("teams identify failed", "err", err)
		writeInvoke(w, http.StatusInternalServerError, "application/vnd.microsoft.error", map[string]any{"code": "InternalError", "message": a.router.Cards.Say("teams.error.general", nil)})
		return
	}
	verb, _ := action["verb"].(string)
	data, _ := action["data"].(map[string]any)
	in, submitted := inboundFromData(per.ID, verb, data)
	reply := a.router.Handle(ctx, in) // written before the acknowledgement
	if in.FormKey == bot.FormProfile {
		a.forget(per.ID) // their name or agency may have changed
	}
	a.countCommand(in, reply)
	card, rest := a.answer(ctx, in, reply, submitted)
	if card != nil {
		writeInvoke(w, http.StatusOK, adaptiveCardType, card.card)
	} else {
		text := a.router.Cards.Say("teams.done", nil)
		if len(rest) > 0 {
			text = plain(strings.TrimSpace(rest[0].Title+" "+rest[0].Text), 500)
			if rest[0].Kind == "error" || rest[0].Kind == "notice" {
				rest = rest[1:]
			}
		}
		writeInvoke(w, http.StatusOK, "application/vnd.microsoft.activity.message", text)
	}
	a.background(r, func(ctx context.Context) {
		convID := act.Conversation.ID
		if !personal(act) {
			convID = a.personalChat(ctx, per)
		} else if card != nil && act.ReplyToID != "" {
			a.recordRef(ctx, per.ID, card.msg, convID, act.ReplyToID)
		}
		if convID != "" {
			a.sendMessages(ctx, act.ServiceURL, convID, per.ID, rest)
		}
		a.finish(ctx, act.ServiceURL, convID, per.ID, reply)
	})
}

// knownAction reports whether an Action.Execute carries a verb this bot's
// cards send: a form's Send or Cancel (the router answers those), or a
// step with the case it is for. Anything else (an old or altered card)
// gets bot.UnknownButton, not a confusing answer about a case with no id.
func knownAction(action map[string]any) bool {
	data, _ := action["data"].(map[string]any)
	verb, _ := action["verb"].(string)
	if verb == "" {
		verb = dataString(data[dataVerb])
	}
	if verb == verbSubmit || verb == verbCancel {
		return true
	}
	return bot.KnownPress(verb, dataString(data[dataCase]))
}

// countCommand counts one command passed to the router and its outcome.
func (a *Adapter) countCommand(in bot.Inbound, reply bot.Reply) {
	kind := "text"
	switch {
	case in.FormKey != "":
		kind = "form"
	case in.Verb != "":
		kind = "verb"
	}
	outcome := "ok"
	if len(reply.Messages) > 0 && reply.Messages[0].Kind == "error" {
		outcome = "refused"
	}
	a.metrics.Command(Platform, kind, outcome)
}

func writeInvoke(w http.ResponseWriter, status int, typ string, value any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(map[string]any{"statusCode": status, "type": typ, "value": value})
}

// answerCard is the card that replaces the one a person pressed.
type answerCard struct {
	msg  bot.Message
	card map[string]any
}

// answer decides what replaces the pressed card: a form (shown again with
// its errors and what was typed, when a submission failed), the case card
// refreshed with the step's confirmation on top, or nothing. rest are the
// messages still to send.
func (a *Adapter) answer(ctx context.Context, in bot.Inbound, reply bot.Reply, submitted map[string]string) (*answerCard, []bot.Message) {
	msgs := a.withPeople(ctx, reply.Messages)
	if len(reply.Errors) > 0 && in.FormKey != "" {
		if f := a.formFor(ctx, in); f != nil {
			f = a.peopleForm(ctx, f)
			text := f.Intro
			if bot.NeedsIdentifierConfirm(reply.Errors) {
				// An identifier warning: the same card with the answers,
				// each warning on its field, and a toggle to confirm.
				f = a.router.Cards.WithIdentifierConfirm(f)
				if len(msgs) > 0 && msgs[0].Kind == "error" {
					text = msgs[0].Text
				}
			}
			m := bot.Message{Kind: "form", Title: f.Title, Text: text, Form: f, Errors: reply.Errors,
				CaseID: in.CaseID, FormCase: in.CaseID, FormVersion: in.Version}
			if len(msgs) > 0 && msgs[0].Kind == "error" {
				msgs = msgs[1:]
			}
			return &answerCard{msg: m, card: renderCard(a.router.Cards, m, submitted)}, msgs
		}
	}
	cancel := in.Text != "" && in.Text == "status "+in.CaseID && in.CaseID != ""
	if in.Text == "cancel" && len(msgs) > 0 && msgs[0].Kind == "notice" {
		return &answerCard{msg: msgs[0], card: Render(a.router.Cards, msgs[0])}, msgs[1:] // the closed form's place
	}
	if len(msgs) == 0 || (in.Text != "" && !cancel) {
		return nil, msgs
	}
	if cancel {
		msgs = msgs[:1] // the card only, not the timeline
	}
	first := msgs[0]
	switch {
	case first.Kind == "form" && first.Form != nil:
		return &answerCard{msg: first, card: formCard(a.router.Cards, first)}, msgs[1:]
	case first.Kind == "card":
		return &answerCard{msg: first, card: Render(a.router.Cards, first)}, msgs[1:]
	case caseOf(reply) != nil && first.Kind != "error":
		m := a.router.Cards.Card(ctx, caseOf(reply), in.Actor, first.Text)
		m.Tone = first.Tone
		return &answerCard{msg: m, card: Render(a.router.Cards, m)}, msgs[1:]
	case in.FormKey != "" && first.Kind != "error":
		return &answerCard{msg: first, card: Render(a.router.Cards, first)}, msgs[1:]
	}
	return nil, msgs
}

// caseOf is the case a reply shows: the one its step left, or the latest
// after a press on an old card.
func caseOf(r bot.Reply) *conversation.Case {
	if r.Step != nil {
		return r.Step
	}
	return r.Refresh
}

// formCard renders a form; an action form's Cancel (back to the case) is
// the renderer's, so it is there after a failed send too.
func formCard(k *bot.Cards, m bot.Message) map[string]any { return Render(k, m) }

// formFor rebuilds the form a submission came from.
func (a *Adapter) formFor(ctx context.Context, in bot.Inbound) *conversation.Form {
	switch {
	case in.FormKey == bot.FormIntake:
		return a.router.IntakeForm(ctx, in.Actor)
	case in.FormKey == bot.FormProfile:
		return a.router.ProfileForm(ctx, in.Actor)
	case in.FormKey == conversation.FormObservation:
		return a.router.ObservationFormFor(in.Actor)
	case strings.HasPrefix(in.FormKey, bot.ActionFormPrefix):
		v := conversation.Verb(strings.TrimPrefix(in.FormKey, bot.ActionFormPrefix))
		if f := a.router.ActionFormOn(ctx, in.CaseID, v); f != nil {
			f.Title += " · " + in.CaseID
			return f
		}
	}
	return nil
}

// recordRef remembers a case card shown in place of a pressed one, so later
// changes update it too.
func (a *Adapter) recordRef(ctx context.Context, personID string, m bot.Message, convID, activityID string) {
	if m.Kind != "card" || m.CaseID == "" {
		return
	}
	refs, err := a.store.MessageRefs(ctx, m.CaseID)
	if err == nil && slices.ContainsFunc(refs, func(r conversation.MessageRef) bool {
		return r.Platform == Platform && r.Channel == convID && r.ID == activityID
	}) {
		return
	}
	ref := conversation.MessageRef{CaseID: m.CaseID, PersonID: personID, Platform: Platform, Channel: convID, ID: activityID, SentAt: a.now()}
	if err := a.store.AddMessageRef(ctx, ref); err != nil {
		a.log.Error("teams record card failed", "case", m.CaseID, "err", err)
	}
}

// sendMessages sends messages to a conversation, one card each, recording
// case cards so they are kept up to date. A failure to send tells the
// person, in the same conversation, once.
func (a *Adapter) sendMessages(ctx context.Context, serviceURL, convID, personID string, msgs []bot.Message) {
	for _, m := range msgs {
		var first string
		for i, act := range activities(a.router.Cards, m) {
			id, err := a.sendActivity(ctx, serviceURL, convID, act)
			if err != nil {
				a.log.Warn("teams send failed", "case", m.CaseID, "kind", m.Kind, "err", err)
				a.tellFailure(ctx, serviceURL, convID, err)
				return
			}
			if i == 0 {
				first = id
			}
		}
		if personID != "" {
			a.recordRef(ctx, personID, m, convID, first)
		}
	}
}

// tellFailure makes one last plain attempt to tell the person a reply
// could not be delivered.
func (a *Adapter) tellFailure(ctx context.Context, serviceURL, convID string, cause error) {
	k := a.router.Cards
	m := bot.Message{Kind: "error", Tone: bot.ToneWarning, Title: k.Say("teams.failure.title", nil),
		Text: failureText(k, cause)}
	_, _ = a.connFor(ctx).send(ctx, serviceURL, convID, cardActivity(Render(k, m), m.Title))
}

// failureText explains a connector failure to a person.
func failureText(k *bot.Cards, err error) string {
	var ce *ConnectorError
	if errors.As(err, &ce) && ce.Status != 0 {
		return k.Say("teams.failure.refused", messages.Args{"status": ce.Status, "tries": ce.Tries})
	}
	return k.Say("teams.failure.unreachable", nil)
}

// finish brings the cards of a case up to date after a press on an old
// card. A recorded step's messages to everyone else, and the notice naming
// anyone who could not be reached, are in the outbox, which the delivery
// worker sends.
func (a *Adapter) finish(ctx context.Context, _, _, _ string, reply bot.Reply) {
	if reply.Refresh != nil {
		_ = a.dispatcher.Refresh(ctx, reply.Refresh) // failures are logged by the dispatcher
	}
}

// UnreachedNotice tells the person who acted that names could not be
// reached on Slack or Teams, and how to bring them in (bot.UnreachedNotice
// for no case in particular).
func UnreachedNotice(names string) bot.Message { return bot.UnreachedNotice("", names) }

// personalChat returns the 1:1 conversation with a person that the
// registration ctx acts as holds, opening it when only a team membership
// is known. "" when there is none.
func (a *Adapter) personalChat(ctx context.Context, per *conversation.Person) string {
	for _, h := range per.Handles {
		if h.Platform != Platform {
			continue
		}
		if reg, err := a.registrationOf(h); err != nil || reg != a.regFor(ctx) {
			continue // a chat of another registration's, answered with this one's token
		}
		conv, _, err := a.conversationFor(ctx, per, h)
		if err == nil {
			return conv
		}
		a.log.Warn("teams open chat failed", "err", err)
	}
	return ""
}

// errNoReference is a person with no stored way to reach them on Teams.
var errNoReference = errors.New("no Teams conversation reference")

// conversationFor returns the 1:1 conversation and service URL for a Teams
// handle, creating the conversation (and storing it) when only a team
// membership is known.
func (a *Adapter) conversationFor(ctx context.Context, per *conversation.Person, h conversation.Handle) (convID, serviceURL string, err error) {
	if h.Ref == "" {
		return "", "", errNoReference
	}
	var ref schema.ConversationReference
	if err := json.Unmarshal([]byte(h.Ref), &ref); err != nil || ref.ServiceURL == "" {
		return "", "", errNoReference
	}
	// Stored references came only from validated activities, each for the
	// registration its bot names: its service URL is trusted with that
	// registration's token, and no other's.
	if reg := a.regFor(ctx); len(a.regs) <= 1 || strings.EqualFold(botAppID(ref.Bot.ID), reg.AppID) {
		reg.conn.trusted.add(ref.ServiceURL)
	}
	if h.Channel != "" {
		return h.Channel, ref.ServiceURL, nil
	}
	if ref.User.ID == "" || ref.Bot.ID == "" {
		return "", "", errNoReference
	}
	convID, err = a.connFor(ctx).createConversation(ctx, ref.ServiceURL, ref.Bot.ID, ref.User.ID, ref.Conversation.TenantID)
	if err != nil {
		return "", "", err
	}
	ref.Conversation = schema.ConversationAccount{ID: convID, TenantID: ref.Conversation.TenantID, ConversationType: "personal"}
	data, _ := json.Marshal(ref)
	h.Ref, h.Channel = string(data), convID
	if _, err := a.people.Identify(ctx, h, "", per.Email); err != nil {
		a.log.Error("teams store chat failed", "err", err)
	}
	return convID, ref.ServiceURL, nil
}

// Send implements bot.Sender: it sends m proactively to the person's 1:1
// chat with the bot (opening it from a team membership when needed) and
// returns the conversation id and activity id (of the first activity, when
// a case record or a long report takes several). Returns an error when the
// handle holds no reference or Teams refuses the message.
func (a *Adapter) Send(ctx context.Context, to *conversation.Person, h conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	reg, err := a.registrationOf(h)
	if err != nil {
		return conversation.MessageRef{}, err
	}
	ctx = withRegistration(ctx, reg)
	convID, serviceURL, err := a.conversationFor(ctx, to, h)
	if err != nil {
		return conversation.MessageRef{}, sendError(err)
	}
	var id string
	for i, act := range activities(a.router.Cards, m) {
		aid, err := a.sendActivity(ctx, serviceURL, convID, act)
		if err != nil {
			return conversation.MessageRef{}, sendError(err)
		}
		if i == 0 {
			id = aid
		}
	}
	a.learnURL(reg, convID, serviceURL)
	return conversation.MessageRef{Platform: Platform, Channel: convID, ID: id, SentAt: a.now()}, nil
}

// sendError tells the delivery worker when no retry will cure a failed
// send: no conversation reference for the person, or Teams answering that
// the bot is not installed for them (403) or the chat is gone (404).
func sendError(err error) error {
	var ce *ConnectorError
	if errors.Is(err, errNoReference) || errors.As(err, &ce) && (ce.Status == http.StatusForbidden || ce.Status == http.StatusNotFound) {
		return bot.Permanent(err)
	}
	return err
}

// Update implements bot.Sender: it replaces the sent card in place through
// the connector, with the token of the registration the card's
// conversation belongs to. Returns an error when the conversation's
// service URL is unknown or Teams refuses the update.
func (a *Adapter) Update(ctx context.Context, ref conversation.MessageRef, m bot.Message) error {
	reg, su, err := a.routeOf(ctx, ref)
	if err != nil {
		return err
	}
	return reg.conn.update(ctx, su, ref.Channel, ref.ID, cardActivity(Render(a.router.Cards, m), m.Title))
}

// Delete removes a sent message, with the token of the registration its
// conversation belongs to. Returns an error when the service URL is
// unknown or Teams refuses.
func (a *Adapter) Delete(ctx context.Context, ref conversation.MessageRef) error {
	reg, su, err := a.routeOf(ctx, ref)
	if err != nil {
		return err
	}
	return reg.conn.delete(ctx, su, ref.Channel, ref.ID)
}

// routeOf returns the registration a sent message's conversation belongs
// to and the service URL that registration knows for it. With one
// registration a URL learned on this replica needs no store call; else
// the card's owner names the registration (and the URL, when this
// replica has not learned it). Returns errNoReference when the owner holds
// no such conversation, errNoRegistration when its registration is gone,
// and the store's error.
func (a *Adapter) routeOf(ctx context.Context, ref conversation.MessageRef) (*registration, string, error) {
	if len(a.regs) <= 1 {
		if su := a.learnedURL(a.first, ref.Channel); su != "" {
			return a.first, su, nil
		}
	}
	per, err := a.store.GetPerson(ctx, ref.PersonID)
	if err != nil {
		return nil, "", fmt.Errorf("load card owner: %w", err)
	}
	for _, h := range per.Handles {
		if h.Platform != Platform || h.Channel != ref.Channel {
			continue
		}
		reg, err := a.registrationOf(h)
		if err != nil {
			return nil, "", err
		}
		if su := a.learnedURL(reg, ref.Channel); su != "" {
			return reg, su, nil
		}
		if _, su, err := a.conversationFor(withRegistration(ctx, reg), per, h); err == nil {
			return reg, su, nil
		}
	}
	return nil, "", errNoReference
}
