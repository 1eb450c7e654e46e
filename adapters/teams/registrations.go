package teams

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Registration is one Azure Bot registration the adapter answers for: its
// Microsoft App ID, its Entra tenant and its credential (a client secret,
// or a PEM certificate with its private key). Azure creates single-tenant
// bots only, so an agency on another tenant brings its own registration.
type Registration struct {
	AppID       string
	AppPassword string
	Certificate []byte
	TenantID    string
	// TokenAuthority overrides the Entra authority (see Authority); ""
	// for login.microsoftonline.com/{TenantID}.
	TokenAuthority string
	// ServiceURLs are Bot Connector service URLs this registration alone
	// trusts with its token before any activity for it arrives (see
	// Options.ServiceURLs for those every registration trusts).
	ServiceURLs []string
}

// registration is a Registration at work: its connector, whose app
// tokens are its own.
type registration struct {
	Registration
	conn *connector
}

// errNoRegistration is a conversation reference that names no bot
// registration the adapter has (one removed from the configuration).
var errNoRegistration = errors.New("the conversation belongs to a bot registration that is not configured")

// regKey is the context key of the registration a request is handled by.
type regKey struct{}

// withRegistration returns ctx acting as reg.
func withRegistration(ctx context.Context, reg *registration) context.Context {
	return context.WithValue(ctx, regKey{}, reg)
}

// connFor returns the connector to call for ctx: that of the registration
// the request or send was routed to, else the first (the only one, or the
// insecure emulator's).
func (a *Adapter) connFor(ctx context.Context) *connector {
	return a.regFor(ctx).conn
}

// regFor returns the registration ctx acts as (see connFor).
func (a *Adapter) regFor(ctx context.Context) *registration {
	if reg, ok := ctx.Value(regKey{}).(*registration); ok {
		return reg
	}
	return a.first
}

// urlKey is the key of a conversation's service URL learned for reg.
func urlKey(reg *registration, convID string) string { return reg.AppID + "\x00" + convID }

// learnURL remembers the service URL of conversation convID as reg
// learned it (from an activity whose token names reg, or a send).
func (a *Adapter) learnURL(reg *registration, convID, serviceURL string) {
	if convID == "" || serviceURL == "" {
		return
	}
	a.mu.Lock()
	a.convURLs[urlKey(reg, convID)] = serviceURL
	a.mu.Unlock()
}

// learnedURL returns the service URL reg learned for convID, or "".
func (a *Adapter) learnedURL(reg *registration, convID string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.convURLs[urlKey(reg, convID)]
}

// botAppID returns the app id of a bot's channel account id ("28:<app id>").
func botAppID(botID string) string {
	return strings.TrimPrefix(botID, "28:")
}

// registrationOf returns the registration a stored handle's conversation
// belongs to: the one whose app id its reference's bot names, else the one
// of its tenant, else, with a single registration, that one. Returns
// errNoRegistration (permanent: the person is reached the next way) when
// none fits.
func (a *Adapter) registrationOf(h conversation.Handle) (*registration, error) {
	if len(a.regs) <= 1 {
		return a.first, nil
	}
	var ref schema.ConversationReference
	if h.Ref != "" && json.Unmarshal([]byte(h.Ref), &ref) == nil {
		if reg, ok := a.regs[botAppID(ref.Bot.ID)]; ok {
			return reg, nil
		}
	}
	for _, reg := range a.regs {
		if h.Team != "" && strings.EqualFold(reg.TenantID, h.Team) {
			return reg, nil
		}
	}
	return nil, bot.Permanent(errNoRegistration)
}

// registrationByApp returns the registration of appID, the audience of a
// validated token; the first when the adapter checks no tokens.
func (a *Adapter) registrationByApp(appID string) *registration {
	if reg, ok := a.regs[appID]; ok {
		return reg
	}
	return a.first
}
