package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/conversation"
)

// RefreshMargin is how long before a rotating token expires it is
// refreshed: the first request or send that finds less than this left
// buys the next token (oauth.v2.access, grant_type=refresh_token).
const RefreshMargin = 10 * time.Minute

// findFresh is installs.find for acting in Slack: an install whose
// rotating token is about to expire is refreshed first.
func (a *Adapter) findFresh(ctx context.Context, team, enterprise string, enterpriseInstall bool) (*conversation.SlackInstallation, error) {
	inst, err := a.installs.find(ctx, team, enterprise, enterpriseInstall)
	if err != nil || !a.due(inst) {
		return inst, err
	}
	return a.refresh(ctx, inst)
}

// due reports whether inst's token rotates and has less than
// RefreshMargin left.
func (a *Adapter) due(inst *conversation.SlackInstallation) bool {
	return inst.RefreshToken != "" && !a.opts.Now().Before(inst.ExpiresAt.Add(-RefreshMargin))
}

// refresh buys the next token of inst from its refresh token and stores
// it, one refresh at a time on this replica. The store keeps a refreshed
// token only over the install it was refreshed from, so when another
// replica refreshed first (its write won, or it used the refresh token
// first and Slack refuses it here), the install it stored is used. When
// the refresh fails and the old token still works, the old token is used
// and the next request tries again. Returns ENOTFOUND when the install
// was removed, and an error when no working token is left.
func (a *Adapter) refresh(ctx context.Context, old *conversation.SlackInstallation) (*conversation.SlackInstallation, error) {
	in := a.installs
	in.refreshing.Lock()
	defer in.refreshing.Unlock()
	store := in.opts.Store
	cur, err := store.SlackInstallation(ctx, old.Key())
	if err != nil {
		return nil, err
	}
	if !a.due(cur) {
		in.keep(cur.Key(), cur) // refreshed meanwhile, here or on another replica
		return cur, nil
	}
	next, err := a.renew(ctx, cur)
	if err == nil {
		err = store.RefreshSlackInstallation(ctx, next, cur.ExpiresAt)
		if err == nil {
			in.keep(next.Key(), next)
			in.dropClient(cur.BotToken)
			a.log.Info("slack token refreshed", "install", logValue(next.Key()), "expires", next.ExpiresAt)
			return next, nil
		}
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			return nil, err
		}
	}
	a.log.Warn("slack token refresh not kept", "install", logValue(cur.Key()), "err", err)
	// Another replica may have refreshed first: what it stored wins.
	if again, gerr := store.SlackInstallation(ctx, cur.Key()); gerr == nil && !again.ExpiresAt.Equal(cur.ExpiresAt) {
		in.keep(again.Key(), again)
		return again, nil
	}
	if a.opts.Now().Before(cur.ExpiresAt) {
		return cur, nil // still good for now; the next use tries again
	}
	return nil, fmt.Errorf("refresh slack token of %s: %w", logValue(cur.Key()), err)
}

// renew calls oauth.v2.access with inst's refresh token and returns inst
// with the next token, its refresh token and expiry. Returns Slack's
// error, or an error when the answer holds no rotating bot token.
func (a *Adapter) renew(ctx context.Context, inst *conversation.SlackInstallation) (*conversation.SlackInstallation, error) {
	o := a.installs.opts
	ctx, cancel := context.WithTimeout(ctx, a.opts.CallTimeout)
	defer cancel()
	var opts []slack.OAuthOption
	if o.APIURL != "" {
		opts = append(opts, slack.OAuthOptionAPIURL(o.APIURL))
	}
	resp, err := slack.RefreshOAuthV2TokenContext(ctx, o.HTTPClient, o.ClientID, o.ClientSecret, inst.RefreshToken, opts...)
	a.metrics.Call(Platform, "oauth.v2.access", reason(err), err)
	if err != nil {
		return nil, err
	}
	next := *inst
	next.RefreshToken, next.ExpiresAt = rotation(resp, a.opts.Now())
	if !botToken(resp) || next.RefreshToken == "" {
		return nil, errors.New("oauth.v2.access gave no rotating bot token")
	}
	next.BotToken = resp.AccessToken
	return &next, nil
}
