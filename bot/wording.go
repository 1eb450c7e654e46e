package bot

import (
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Say returns the text of a message catalogue key (bot/messages/en/)
// with args in its placeholders, as the partnership words it: the
// protocol's Messages overrides, from its preset and the deployment's
// configuration, come first. The key must be a string literal (a test
// checks every key used exists and every key is used).
func (k *Cards) Say(key string, args messages.Args) string {
	return k.catalogue().Text(key, args)
}

// catalogue is the English catalogue with the protocol's overrides.
func (k *Cards) catalogue() *messages.Catalogue {
	if k == nil || k.Protocol == nil {
		return messages.English()
	}
	return messages.English().With(k.Protocol.Messages)
}

// orList joins choices as the catalogue says: "a", "a or b", "a, b or c".
func (k *Cards) orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return k.Say("list.or", messages.Args{"items": strings.Join(items[:len(items)-1], ", "), "last": items[len(items)-1]})
}

// ErrorMessage returns what the person is told of err, worded as the
// partnership words it (see conversation.ErrorMessage); "" for nil.
func (k *Cards) ErrorMessage(err error) string {
	return conversation.ErrorMessage(k.catalogue(), err)
}

// ErrorFields returns the per-field messages of an EINVALID error worded
// as the partnership words them, or nil when it has none.
func (k *Cards) ErrorFields(err error) map[string]string {
	return conversation.FieldMessages(k.catalogue(), err)
}

// Words returns t worded as the partnership words it; "" for the zero
// Text.
func (k *Cards) Words(t conversation.Text) string {
	return t.In(k.catalogue())
}
