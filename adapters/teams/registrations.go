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
	if reg, ok := ctx.Value(regKey{}).(*registration); ok {
		return reg.conn
	}
	return a.conn
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
