package bot

import (
	"context"

	"github.com/resolvebot/resolvebot/conversation"
)

// DeliverTo is the dispatcher's deliver, for the tests of the reach order.
func DeliverTo(ctx context.Context, d *Dispatcher, per *conversation.Person, m Message) (string, error) {
	return d.deliver(ctx, per, m)
}
