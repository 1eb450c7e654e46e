package bot

import (
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
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
	if k == nil || k.Protocol() == nil {
		return messages.English()
	}
	return messages.English().With(k.Protocol().Messages)
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
