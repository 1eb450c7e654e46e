package slack

import (
	"maps"
	"sync"
	"time"

	"golang.org/x/time/rate"
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

// pacer is a token bucket (a rate.Limiter) per Web API method, and per
// channel where the method's Rate says so. A caller reserves a turn and
// waits until it is due; callers queue in order, so a burst is spread at
// the method's rate.
type pacer struct {
	now   func() time.Time
	rates map[string]Rate
	def   Rate

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// newPacer returns a pacer with DefaultPace overridden by overrides; nil
// when off, which paces nothing.
func newPacer(off bool, overrides map[string]Rate, now func() time.Time) *pacer {
	if off {
		return nil
	}
	rates := maps.Clone(DefaultPace)
	maps.Copy(rates, overrides)
	return &pacer{now: now, rates: rates, def: DefaultRate, buckets: map[string]*rate.Limiter{}}
}

// rateOf returns the Rate of method.
func (p *pacer) rateOf(method string) Rate {
	if r, found := p.rates[method]; found {
		return r
	}
	return p.def
}

// reserve takes a turn for a call to method in channel and returns how
// long the caller must wait before calling. When the wait would end after
// deadline (if hasDeadline), it takes nothing and returns ok false.
func (p *pacer) reserve(method, channel string, deadline time.Time, hasDeadline bool) (wait time.Duration, ok bool) {
	if p == nil {
		return 0, true
	}
	r := p.rateOf(method)
	if r.Every <= 0 {
		return 0, true
	}
	key := method
	if r.PerChannel && channel != "" {
		key += "\x00" + channel
	}
	now := p.now()
	p.mu.Lock()
	lim := p.buckets[key]
	if lim == nil {
		if len(p.buckets) >= maxBuckets {
			p.prune(now)
		}
		lim = rate.NewLimiter(rate.Every(r.Every), max(r.Burst, 1))
		p.buckets[key] = lim
	}
	p.mu.Unlock()
	res := lim.ReserveN(now, 1)
	wait = res.DelayFrom(now)
	if hasDeadline && now.Add(wait).After(deadline) {
		res.CancelAt(now) // gives the turn back
		return wait, false
	}
	return wait, true
}

// prune drops the buckets that have filled up again, which behave as new
// ones would. Called with p.mu held.
func (p *pacer) prune(now time.Time) {
	for k, lim := range p.buckets {
		if lim.TokensAt(now) >= float64(lim.Burst()) {
			delete(p.buckets, k)
		}
	}
}
