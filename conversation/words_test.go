package conversation

import "github.com/resolvebot/resolvebot/bot/messages"

// english words t as a person is told it, in the English catalogue.
func english(t Text) string { return t.In(messages.English()) }
