package bot

import "github.com/resolvebot/resolvebot/bot/messages"

// Say returns the text of a message catalogue key with args in its
// placeholders, in the wording the app presents itself in (the protocol's
// Messages overrides first), for the platform packages' manifests. The key
// must be a string literal, as for Cards.Say.
func (i AppInfo) Say(key string, args messages.Args) string {
	return i.catalogue().Text(key, args)
}
