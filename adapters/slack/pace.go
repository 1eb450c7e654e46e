package slack

import (
	"strings"
	"sync"
	"time"
)

// Rate is how fast calls to one Web API method may go: on average one per
// Every, with up to Burst at once after a quiet spell. A Rate with Every 0
// leaves the method unpaced.
type Rate struct {
	Every time.Duration
	Burst int
	// PerChannel paces each channel on its own, as Slack limits
	// chat.postMessage per channel.
	PerChannel bool
}

// Slack's Web API tiers, paced a little under Slack's published limits
// (Tier 3 about 50 calls a minute, Tier 4 about 100), with bursts large
// enough that ordinary use never waits.
var (
	tier3 = Rate{Every: 1200 * time.Millisecond, Burst: 20}
	tier4 = Rate{Every: 600 * time.Millisecond, Burst: 40}
)

// DefaultRate paces methods that neither Options.Pace nor DefaultPace
// names, as Slack's Tier 3.
var DefaultRate = tier3

// DefaultPace is the pace of each Web API method the adapter calls, after
// Slack's rate limit tiers: chat.postMessage about one a second in each
// channel with short bursts, chat.update and the lookups Tier 3, views.*
// and users.info Tier 4. Options.Pace overrides single methods.
var DefaultPace = map[string]Rate{
	"chat.postMessage":    {Every: time.Second, Burst: 6, PerChannel: true},
	"chat.postEphemeral":  tier4,
	"chat.update":         tier3,
	"chat.getPermalink":   tier4,
	"conversations.open":  tier3,
	"users.info":          tier4,
	"users.lookupByEmail": tier3,
	"views.open":          tier4,
	"views.update":        tier4,
	"views.push":          tier4,
	"views.publish":       tier4,
}

// maxBuckets bounds the per-channel buckets kept; past it, full ones are
// dropped.
const maxBuckets = 4096

// pacer is a token bucket per Web API method (and per channel where the
// method's Rate says so). A caller reserves a token and waits until it is
// due; callers queue in order, so a burst is spread at the method's rate.
type pacer struct {
	now   func() time.Time
	rates map[string]Rate
	def   Rate

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64   // may go below zero: calls already waiting
	at     time.Time // when tokens was last brought up to date
}

// newPacer returns a pacer with DefaultPace overridden by overrides; nil
// when off, which paces nothing.
func newPacer(off bool, overrides map[string]Rate, now func() time.Time) *pacer {
	if off {
		return nil
	}
	rates := make(map[string]Rate, len(DefaultPace)+len(overrides))
	for m, r := range DefaultPace {
		rates[m] = r
	}
	for m, r := range overrides {
		rates[m] = r
	}
	return &pacer{now: now, rates: rates, def: DefaultRate, buckets: map[string]*bucket{}}
}

// reserve takes a token for a call to method in channel and returns how
// long the caller must wait before calling. When the wait would end after
// deadline (if hasDeadline), it takes nothing and returns ok false.
func (p *pacer) reserve(method, channel string, deadline time.Time, hasDeadline bool) (wait time.Duration, ok bool) {
	if p == nil {
		return 0, true
	}
	r, found := p.rates[method]
	if !found {
		r = p.def
	}
	if r.Every <= 0 {
		return 0, true
	}
	burst := float64(max(r.Burst, 1))
	key := method
	if r.PerChannel && channel != "" {
		key += "\x00" + channel
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	b := p.buckets[key]
	if b == nil {
		if len(p.buckets) >= maxBuckets {
			p.prune(now)
		}
		b = &bucket{tokens: burst, at: now}
		p.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(burst, b.tokens+float64(d)/float64(r.Every))
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	wait = time.Duration((1 - b.tokens) * float64(r.Every))
	if hasDeadline && now.Add(wait).After(deadline) {
		return wait, false
	}
	b.tokens--
	return wait, true
}

// prune drops the buckets that have filled up again, which behave as new
// ones would. Called with p.mu held.
func (p *pacer) prune(now time.Time) {
	for k, b := range p.buckets {
		method, _, _ := strings.Cut(k, "\x00")
		r, found := p.rates[method]
		if !found {
			r = p.def
		}
		if b.tokens >= 0 && now.Sub(b.at) >= time.Duration((float64(max(r.Burst, 1))-b.tokens)*float64(r.Every)) {
			delete(p.buckets, k)
		}
	}
}
