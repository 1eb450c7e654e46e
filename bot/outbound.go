package bot

import (
	"context"
	"log/slog"

	"github.com/resolvebot/resolvebot/conversation"
)

// Sender delivers messages to people on one platform. Adapters implement it.
type Sender interface {
	// Platform names the platform whose handles this sender can reach.
	Platform() string
	// Send delivers m to the person through handle h and returns where the
	// copy landed, so it can be updated later.
	Send(ctx context.Context, to *conversation.Person, h conversation.Handle, m Message) (conversation.MessageRef, error)
	// Update replaces a sent copy with m.
	Update(ctx context.Context, ref conversation.MessageRef, m Message) error
}

// Dispatcher sends each Outbound on the recipient's own platform and keeps
// every copy of a case card up to date.
type Dispatcher struct {
	Store   conversation.Store
	Cards   *Cards
	Log     *slog.Logger
	senders map[string]Sender
	// Fallback, when set, reaches anyone with no handle on a registered
	// platform (the console uses it to show what each person would receive).
	Fallback Sender
}

// NewDispatcher returns a dispatcher over the given senders.
func NewDispatcher(store conversation.Store, cards *Cards, log *slog.Logger, senders ...Sender) *Dispatcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{Store: store, Cards: cards, Log: log, senders: map[string]Sender{}}
	for _, s := range senders {
		d.senders[s.Platform()] = s
	}
	return d
}

// Register adds a sender for its platform, replacing any earlier one.
func (d *Dispatcher) Register(s Sender) { d.senders[s.Platform()] = s }

// Finish does the slow part of a reply after the platform has had its
// acknowledgement: it sends every outbound message and refreshes every copy
// of the changed case's card. It returns the ids of people it could not reach.
func (d *Dispatcher) Finish(ctx context.Context, r Reply) (unreached []string) {
	unreached = d.Deliver(ctx, r.Out)
	d.Refresh(ctx, r.Refresh)
	return unreached
}

// Deliver sends every outbound message and returns the ids of the people it
// could not reach, so the bot can tell the person who acted.
func (d *Dispatcher) Deliver(ctx context.Context, outs []Outbound) (unreached []string) {
	for _, o := range outs {
		per, err := d.Store.GetPerson(ctx, o.To)
		if err != nil {
			d.Log.Error("load recipient failed", "case", o.Message.CaseID, "err", err)
			unreached = append(unreached, o.To)
			continue
		}
		if !d.send(ctx, per, o.Message) {
			unreached = append(unreached, o.To)
		}
	}
	return unreached
}

// send tries the person's handles in order, then the fallback.
func (d *Dispatcher) send(ctx context.Context, per *conversation.Person, m Message) bool {
	try := func(s Sender, h conversation.Handle) bool {
		ref, err := s.Send(ctx, per, h, m)
		if err != nil {
			d.Log.Warn("send failed", "platform", s.Platform(), "case", m.CaseID, "kind", m.Kind, "err", err)
			return false
		}
		if m.CaseID != "" && m.Kind == "card" && ref.ID != "" {
			ref.CaseID, ref.PersonID = m.CaseID, per.ID
			if err := d.Store.AddMessageRef(ctx, ref); err != nil {
				d.Log.Error("record sent card failed", "case", m.CaseID, "err", err)
			}
		}
		return true
	}
	for _, h := range per.Handles {
		if s, ok := d.senders[h.Platform]; ok && try(s, h) {
			return true
		}
	}
	if d.Fallback != nil {
		return try(d.Fallback, conversation.Handle{Platform: d.Fallback.Platform(), User: per.ID})
	}
	return false
}

// Refresh re-renders every sent copy of the case's card for its recipient,
// so buttons and state match the case everywhere.
func (d *Dispatcher) Refresh(ctx context.Context, c *conversation.Case) {
	if c == nil {
		return
	}
	refs, err := d.Store.MessageRefs(ctx, c.ID)
	if err != nil {
		d.Log.Error("load sent cards failed", "case", c.ID, "err", err)
		return
	}
	for _, ref := range refs {
		s, ok := d.senders[ref.Platform]
		if !ok && d.Fallback != nil && d.Fallback.Platform() == ref.Platform {
			s, ok = d.Fallback, true
		}
		if !ok {
			continue
		}
		if err := s.Update(ctx, ref, d.Cards.Card(ctx, c, ref.PersonID, "")); err != nil {
			d.Log.Warn("update card failed", "platform", ref.Platform, "case", c.ID, "err", err)
		}
	}
}
