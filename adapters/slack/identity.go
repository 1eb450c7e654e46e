package slack

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/conversation"
)

// slackUser is what users.info says about a person.
type slackUser struct {
	name, email string
}

// userCache keeps users.info answers briefly, so a burst of clicks costs one
// call, and with each answer the person it identified: a user seen again
// within the ttl, with the same answer and DM channel, has nothing new to
// record and is the same person, so identifying them costs no store call.
type userCache struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]userEntry
}

type userEntry struct {
	u       slackUser
	expires time.Time
	// person is who u identified, with the DM channel then known; nil
	// until identified.
	person  *conversation.Person
	channel string
}

func newUserCache(ttl time.Duration, now func() time.Time) *userCache {
	return &userCache{ttl: ttl, now: now, m: map[string]userEntry{}}
}

func (c *userCache) get(key string) (slackUser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !c.now().Before(e.expires) {
		delete(c.m, key)
		return slackUser{}, false
	}
	return e.u, true
}

// person returns the person identified from key's cached answer if
// channel is empty or the one they were identified with. The person is a
// copy.
func (c *userCache) person(key, channel string) (*conversation.Person, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.person == nil || !c.now().Before(e.expires) || (channel != "" && channel != e.channel) {
		return nil, false
	}
	return copyPerson(e.person), true
}

// setPerson records per as identified from key's cached answer u, with
// channel when known. It does nothing if the cached answer is not u.
func (c *userCache) setPerson(key string, u slackUser, per *conversation.Person, channel string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.u != u {
		return
	}
	e.person = copyPerson(per)
	if channel != "" {
		e.channel = channel
	}
	c.m[key] = e
}

// forgetPerson drops the person identified from key's answer, so the next
// event reads them from the store again.
func (c *userCache) forgetPerson(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		e.person, e.channel = nil, ""
		c.m[key] = e
	}
}

func copyPerson(p *conversation.Person) *conversation.Person {
	cp := *p
	cp.Handles = slices.Clone(p.Handles)
	return &cp
}

func (c *userCache) put(key string, u slackUser) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 { // keep memory bounded; the cache refills on demand
		c.m = map[string]userEntry{}
	}
	c.m[key] = userEntry{u: u, expires: c.now().Add(c.ttl)}
}

// who is the Slack identity behind one inbound event. Channel is the bot's
// DM channel with the person, when the event tells us.
type who struct {
	team, user, channel string
	// enterprise is the Enterprise Grid organisation of the team, if any:
	// kept on the handle (Ref) so a send finds an org-wide install.
	enterprise string
}

func (w who) handle() conversation.Handle {
	return conversation.Handle{Platform: Platform, Team: w.team, User: w.user, Channel: w.channel, Ref: w.enterprise}
}

// lookupUser returns the name and email Slack holds for a user, from the
// cache or users.info. A failure gives an empty answer, so the person is
// still known by their handle.
func (a *Adapter) lookupUser(ctx context.Context, team, user string) slackUser {
	key := userKey(team, user)
	if u, ok := a.users.get(key); ok {
		return u
	}
	var info *slack.User
	err := a.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		info, err = a.client(ctx).GetUserInfoContext(ctx, user)
		return err
	})
	if err != nil || info == nil {
		a.log.Warn("slack users.info failed; using the handle only", "err", err)
		return slackUser{}
	}
	u := slackUser{name: info.Profile.RealName, email: strings.ToLower(strings.TrimSpace(info.Profile.Email))}
	if u.name == "" {
		u.name = info.RealName
	}
	if u.name == "" {
		u.name = info.Profile.DisplayName
	}
	if u.name == "" {
		u.name = info.Name
	}
	a.users.put(key, u)
	return u
}

// identify maps a Slack user to a person, creating or linking them by email.
// A user identified within UserCacheTTL, with the same users.info answer
// and DM channel, is answered from the cache. Returns EINTERNAL on store
// failure.
func (a *Adapter) identify(ctx context.Context, w who) (*conversation.Person, error) {
	key := userKey(w.team, w.user)
	if per, ok := a.users.person(key, w.channel); ok {
		return per, nil
	}
	u := a.lookupUser(ctx, w.team, w.user)
	per, err := a.people.Identify(ctx, w.handle(), u.name, u.email)
	if err != nil {
		return nil, err
	}
	a.users.setPerson(key, u, per, w.channel)
	return per, nil
}

// userKey is the cache key of a Slack user.
func userKey(team, user string) string { return team + ":" + user }

// personID maps the Slack user w (picked in a form, in the workspace and
// organisation of who picked them) to a person id, so the engine sees a
// person it knows. Returns EINTERNAL on store failure.
func (a *Adapter) personID(ctx context.Context, w who) (string, error) {
	per, err := a.identify(ctx, who{team: w.team, user: w.user, enterprise: w.enterprise})
	if err != nil {
		return "", err
	}
	return per.ID, nil
}

// personLabels returns how a person field's current answer reads as the
// select's chosen option: "Priya Shah (Children's Social Care)", "Use
// jo@nhs.net" for a work email chosen but not yet sent, or "" when the
// answer names nobody.
func (a *Adapter) personLabels(ctx context.Context) personLabel {
	return func(personID string) string {
		if m, err := a.people.MatchOf(ctx, personID); err == nil {
			return m.Label()
		}
		if strings.Contains(personID, "@") {
			if found, err := a.people.Search(ctx, personID, 1); err == nil && len(found) == 1 && found[0].Exact {
				return found[0].Label()
			}
		}
		return ""
	}
}
