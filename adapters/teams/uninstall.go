package teams

import (
	"context"
	"net/http"
	"slices"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/resolvebot/resolvebot/conversation"
)

// installationUpdate is the activity Teams sends when the app is
// installed (action "add", or "add-upgrade" when an upgrade brings the
// bot) or removed ("remove", or "remove-upgrade" when an upgrade drops
// it) for a person, a group chat or a team.
const installationUpdate = "installationUpdate"

// botRemoved reports whether act removes the bot: an installationUpdate
// whose action is remove or remove-upgrade, or a conversationUpdate whose
// membersRemoved names the bot.
func botRemoved(act *schema.Activity) bool {
	if act.Type == installationUpdate {
		return act.Action == "remove" || act.Action == "remove-upgrade"
	}
	return act.Type == schema.ConversationUpdate &&
		slices.ContainsFunc(act.MembersRemoved, func(m schema.ChannelAccount) bool { return m.ID == act.Recipient.ID })
}

// onRemoved forgets the conversation the bot was removed from. Removed
// from a person's 1:1 chat (they uninstalled the app), their stored
// reference to it is dropped, so the dispatcher reaches them their next
// way, such as email, until they install it again (which stores a new
// one). Removed from a team or group chat, nothing was stored for that
// conversation (members' references name no conversation): a send to a
// member the bot can no longer reach is refused by Teams (403) and falls
// back the same way. Answers 200, or 500 when the store fails (Teams
// retries).
func (a *Adapter) onRemoved(w http.ResponseWriter, r *http.Request, act *schema.Activity) {
	if personal(act) && act.From.ID != "" && act.From.ID != act.Recipient.ID {
		if err := a.forgetChat(r.Context(), tenantOf(act), aadOf(act.From, member{}), act.Conversation.ID); err != nil {
			a.log.Error("teams forget removed chat failed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	a.mu.Lock()
	delete(a.convURLs, urlKey(a.regFor(r.Context()), act.Conversation.ID))
	a.mu.Unlock()
	a.log.Info("teams app removed", "scope", act.Conversation.ConversationType)
	w.WriteHeader(http.StatusOK)
}

// forgetChat drops the conversation reference, and the 1:1 chat convID,
// from the Teams handle of user in tenant. Nobody holding it, or a handle
// holding another chat (or only a team membership, which may still reach
// them), changes nothing. Returns the store's error.
func (a *Adapter) forgetChat(ctx context.Context, tenant, user, convID string) error {
	per, err := a.store.FindPersonByHandle(ctx, Platform, tenant, user)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	changed := false
	for i, h := range per.Handles {
		if h.Platform == Platform && h.Team == tenant && h.User == user && h.Channel == convID && convID != "" {
			per.Handles[i].Ref, per.Handles[i].Channel = "", ""
			changed = true
		}
	}
	a.forget(per.ID)
	if !changed {
		return nil
	}
	per.UpdatedAt = a.now()
	return a.store.PutPerson(ctx, per)
}

// dropKnown forgets the person remember last identified by the handle
// key, so the next activity writes what it carries.
func (a *Adapter) dropKnown(key string) {
	a.mu.Lock()
	delete(a.known, key)
	a.mu.Unlock()
}
