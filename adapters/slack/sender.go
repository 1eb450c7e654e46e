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
	if a.installs != nil && refusedToken(err) {
		// Removed through another replica, which this one has not read
		// yet: the next send reads the store again.
		a.installs.drop(h.Team, h.Ref)
	}
	return ref, sendError(err)
}

// refusedToken reports whether Slack refused the token a call was made
// with: the app was uninstalled or the token revoked.
func refusedToken(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && (se.Err == "token_revoked" || se.Err == "invalid_auth" || se.Err == "not_authed")
}

// permanentErrors are the Slack Web API errors no retry will cure: the
// person is not on Slack, has left, or cannot be messaged by the app.
var permanentErrors = map[string]bool{
	"users_not_found": true, "user_not_found": true, "channel_not_found": true, "account_inactive": true,
	"user_disabled": true, "cannot_dm_bot": true, "not_in_channel": true, "is_archived": true,
	"message_not_found": true, "cant_update_message": true, "edit_window_closed": true,
	// The app was uninstalled or its token revoked (a removal this
	// replica has not heard of yet).
	"token_revoked": true, "invalid_auth": true, "not_authed": true,
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
	if errors.As(err, &se) && permanentErrors[se.Err] || errors.Is(err, errNoEmail) || errors.Is(err, errNotInstalled) {
		return bot.Permanent(err)
	}
	return err
}

// errNoEmail is the failure to find someone on Slack without a handle or
// an email to look them up by.
var errNoEmail = errors.New("no slack handle and no email")

func (a *Adapter) send(ctx context.Context, to *conversation.Person, h conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	if h.Team == "" && !isSlackUserID(h.User) {
		found, fctx, err := a.findAnywhere(ctx, to)
		if err != nil {
			return conversation.MessageRef{}, err
		}
		h, ctx = found, fctx
	} else if rctx, err := a.routeHandle(ctx, h); err != nil {
		return conversation.MessageRef{}, err
	} else {
		ctx = rctx
	}
	ch, err := a.dmChannel(ctx, h)
	if err != nil {
		return conversation.MessageRef{}, err
	}
	blocks, fallback := renderMessage(a.router.Cards, m, MaxMessageBlocks)
	var channel, ts string
	err = a.callIn(ctx, "chat.postMessage", ch, func(ctx context.Context) error {
		var err error
		channel, ts, err = a.client(ctx).PostMessageContext(ctx, ch, slack.MsgOptionText(fallback, false), slack.MsgOptionBlocks(blocks...))
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
	ctx, err := a.routeRef(ctx, ref)
	if err != nil {
		return sendError(err)
	}
	blocks, fallback := renderMessage(a.router.Cards, m, MaxMessageBlocks)
	err = a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.client(ctx).UpdateMessageContext(ctx, ref.Channel, ref.ID, slack.MsgOptionText(fallback, false), slack.MsgOptionBlocks(blocks...))
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
		u, err = a.client(ctx).GetUserByEmailContext(ctx, to.Email)
		return err
	})
	if err != nil {
		return conversation.Handle{}, fmt.Errorf("look up by email: %w", err)
	}
	h := conversation.Handle{Platform: Platform, Team: u.TeamID, User: u.ID, Ref: u.Enterprise.ID}
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
		ch, _, _, err = a.client(ctx).OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{h.User}, ReturnIM: true})
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
			_, err := a.client(ctx).PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(fallback, false), slack.MsgOptionBlocks(blocks...))
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

// findAnywhere finds a person on Slack by their email: with one bot token
// in its workspace; with installs, in each workspace in turn (a rotating
// token due for renewal is refreshed first), returning the context that
// acts in the one they were found in. When no workspace has them, it
// returns a failure that may cure itself (Slack was busy or unreachable
// in one of them) if there was one, so they are tried again later rather
// than reached by email for good; else what findByEmail returned from the
// last workspace tried, or errNotInstalled (permanent) when there are no
// installs.
func (a *Adapter) findAnywhere(ctx context.Context, to *conversation.Person) (conversation.Handle, context.Context, error) {
	if a.installs == nil {
		h, err := a.findByEmail(ctx, to)
		return h, ctx, err
	}
	all, err := a.installs.opts.Store.SlackInstallations(ctx)
	if err != nil {
		return conversation.Handle{}, ctx, err
	}
	err = bot.Permanent(errNotInstalled)
	var passing error // a failure that may cure itself
	for _, inst := range all {
		if a.due(inst) {
			if inst, err = a.refresh(ctx, inst); err != nil {
				if conversation.ErrorCode(err) != conversation.ENOTFOUND { // removed meanwhile: nothing to try
					passing = err
				}
				continue
			}
		}
		ictx := context.WithValue(ctx, clientKey{}, a.installs.clientFor(inst.BotToken))
		var h conversation.Handle
		if h, err = a.findByEmail(ictx, to); err == nil {
			return h, ictx, nil
		}
		var se *bot.SendError
		if e := sendError(err); !errors.As(e, &se) || !se.Permanent {
			passing = err
		}
	}
	if passing != nil {
		return conversation.Handle{}, ctx, passing
	}
	return conversation.Handle{}, ctx, err
}
