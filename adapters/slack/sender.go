package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Platform implements bot.Sender.
func (a *Adapter) Platform() string { return Platform }

// Send implements bot.Sender: it delivers m by direct message (opening the
// DM with conversations.open when its channel is not yet known) and returns
// the channel (D…) and ts of the copy. A message's attachment (a case
// record, a report's chart), and the whole of a report cut to fit, follow
// it into the DM as uploaded files. A handle with no team, as the
// dispatcher's fallback passes, is found by the person's email with
// users.lookupByEmail. Returns an error when the person cannot be found on
// Slack or Slack refuses the message.
func (a *Adapter) Send(ctx context.Context, to *conversation.Person, h conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	ref, err := a.send(ctx, to, h, m)
	return ref, sendError(err)
}

// permanentErrors are the Slack Web API errors no retry will cure: the
// person is not on Slack, has left, or cannot be messaged by the app.
var permanentErrors = map[string]bool{
	"users_not_found": true, "user_not_found": true, "channel_not_found": true, "account_inactive": true,
	"user_disabled": true, "cannot_dm_bot": true, "not_in_channel": true, "is_archived": true,
	"message_not_found": true, "cant_update_message": true, "edit_window_closed": true,
}

// sendError tells the delivery worker what a failed call means: a rate
// limit says when to try again (Slack's Retry-After), and an error that no
// retry will cure is permanent.
func sendError(err error) error {
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return bot.RetryAfter(err, rl.RetryAfter)
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && permanentErrors[se.Err] || errors.Is(err, errNoEmail) {
		return bot.Permanent(err)
	}
	return err
}

// errNoEmail is the failure to find someone on Slack without a handle or
// an email to look them up by.
var errNoEmail = errors.New("no slack handle and no email")

func (a *Adapter) send(ctx context.Context, to *conversation.Person, h conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	if h.Team == "" && !isSlackUserID(h.User) {
		found, err := a.findByEmail(ctx, to)
		if err != nil {
			return conversation.MessageRef{}, err
		}
		h = found
	}
	ch, err := a.dmChannel(ctx, h)
	if err != nil {
		return conversation.MessageRef{}, err
	}
	blocks, fallback := renderMessage(a.router.Cards, m, MaxMessageBlocks)
	var channel, ts string
	err = a.callIn(ctx, "chat.postMessage", ch, func(ctx context.Context) error {
		var err error
		channel, ts, err = a.api.PostMessageContext(ctx, ch, slack.MsgOptionText(fallback, false), slack.MsgOptionBlocks(blocks...))
		return err
	})
	if err != nil {
		return conversation.MessageRef{}, fmt.Errorf("post message: %w", err)
	}
	if channel == "" {
		channel = ch
	}
	ref := conversation.MessageRef{Platform: Platform, Channel: channel, ID: ts, SentAt: a.opts.Now()}
	if err := a.uploadAll(ctx, channel, m); err != nil {
		return ref, err
	}
	return ref, nil
}

// Update implements bot.Sender: it replaces a sent copy with chat.update on
// its DM channel and ts. Returns an error when Slack refuses.
func (a *Adapter) Update(ctx context.Context, ref conversation.MessageRef, m bot.Message) error {
	blocks, fallback := renderMessage(a.router.Cards, m, MaxMessageBlocks)
	err := a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, ref.Channel, ref.ID, slack.MsgOptionText(fallback, false), slack.MsgOptionBlocks(blocks...))
		return err
	})
	if err != nil {
		return sendError(fmt.Errorf("update message: %w", err))
	}
	return nil
}

// findByEmail finds a person on Slack by their email and links the handle.
func (a *Adapter) findByEmail(ctx context.Context, to *conversation.Person) (conversation.Handle, error) {
	if to.Email == "" {
		return conversation.Handle{}, errNoEmail
	}
	var u *slack.User
	err := a.call(ctx, "users.lookupByEmail", func(ctx context.Context) error {
		var err error
		u, err = a.api.GetUserByEmailContext(ctx, to.Email)
		return err
	})
	if err != nil {
		return conversation.Handle{}, fmt.Errorf("look up by email: %w", err)
	}
	h := conversation.Handle{Platform: Platform, Team: u.TeamID, User: u.ID}
	name := u.Profile.RealName
	if _, err := a.people.Identify(ctx, h, name, to.Email); err != nil {
		return conversation.Handle{}, err
	}
	return h, nil
}

// dmChannel returns the bot's DM channel with the handle's user, opening it
// and remembering it on the person when it is not known yet.
func (a *Adapter) dmChannel(ctx context.Context, h conversation.Handle) (string, error) {
	if h.Channel != "" {
		return h.Channel, nil
	}
	var ch *slack.Channel
	err := a.call(ctx, "conversations.open", func(ctx context.Context) error {
		var err error
		ch, _, _, err = a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{h.User}, ReturnIM: true})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("open dm: %w", err)
	}
	if ch == nil || ch.ID == "" {
		return "", fmt.Errorf("open dm: no channel")
	}
	h.Channel = ch.ID
	if _, err := a.people.Identify(ctx, h, "", ""); err != nil {
		a.log.Warn("remember dm channel failed", "err", err)
	}
	return ch.ID, nil
}

// tell sends messages to the person who acted, by DM, and records each case
// card so later changes update it too.
func (a *Adapter) tell(ctx context.Context, per *conversation.Person, w who, msgs []bot.Message) {
	for _, m := range msgs {
		if m.Kind == "form" {
			continue
		}
		ref, err := a.Send(ctx, per, w.handle(), m)
		if err != nil {
			a.log.Warn("slack reply failed", "case", m.CaseID, "kind", m.Kind, "err", err)
			continue
		}
		if m.Kind == "card" && m.CaseID != "" && ref.ID != "" {
			ref.CaseID, ref.PersonID = m.CaseID, per.ID
			if err := a.store.AddMessageRef(ctx, ref); err != nil {
				a.log.Error("record sent card failed", "case", m.CaseID, "err", err)
			}
		}
	}
}

// ephemeral shows messages only to the person, in channel.
func (a *Adapter) ephemeral(ctx context.Context, channel, user string, msgs []bot.Message) {
	for _, m := range msgs {
		blocks, fallback := renderMessage(a.router.Cards, m, MaxMessageBlocks)
		err := a.call(ctx, "chat.postEphemeral", func(ctx context.Context) error {
			_, err := a.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(fallback, false), slack.MsgOptionBlocks(blocks...))
			return err
		})
		if err != nil {
			a.log.Warn("slack ephemeral failed", "case", m.CaseID, "kind", m.Kind, "err", err)
		}
	}
}

// finish brings the cards of a case up to date after a press on an old
// card. A recorded step's messages are not sent here: they are in the
// outbox, which the delivery worker sends.
func (a *Adapter) finish(ctx context.Context, r bot.Reply) {
	if r.Refresh != nil {
		_ = a.dispatcher.Refresh(ctx, r.Refresh) // failures are logged by the dispatcher
	}
}
