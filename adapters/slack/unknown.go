package slack

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// unknownPress reports whether a press on a message or the App Home is one
// the bot cannot act on: an action id its cards never send, or a case
// button whose value names no known step and case (an old or altered
// card). Inputs inside a form (a modal) are left to the form.
func unknownPress(ic slack.InteractionCallback, act *slack.BlockAction) bool {
	if ic.View.Type == slack.VTModal {
		return false
	}
	switch {
	case act.ActionID == actionView:
		return strings.TrimSpace(act.Value) == ""
	case strings.HasPrefix(act.ActionID, actionPrefix):
		value := act.Value
		if value == "" { // a step chosen from a menu
			value = act.SelectedOption.Value
		}
		verb, caseID, _, ok := parseButtonValue(value)
		if parts := strings.Split(value, "|"); !ok && len(parts) == 3 {
			// A known step on a case with a version we did not write is
			// damaged, not unknown: the router shows the case as it stands.
			verb, caseID = conversation.Verb(parts[0]), parts[1]
		}
		return !bot.KnownPress(string(verb), caseID)
	}
	return true
}

// unknownButton tells the person, calmly and only them, that the button
// they pressed is not one the bot knows; nothing changes.
func (a *Adapter) unknownButton(w who, per *conversation.Person, channel string) outcome {
	a.metrics.Command(Platform, "verb", "unknown")
	msgs := []bot.Message{bot.UnknownButton()}
	return outcome{after: func(ctx context.Context) {
		if channel != "" {
			a.ephemeral(ctx, channel, w.user, msgs)
		} else {
			a.tell(ctx, per, w, msgs)
		}
	}}
}
