package conversation_test

import (
	"github.com/resolvebot/resolvebot/bot/messages"
	c "github.com/resolvebot/resolvebot/conversation"
)

// english words t as a person is told it, in the English catalogue.
func english(t c.Text) string { return t.In(messages.English()) }

// said is what a person is told of err, in the English catalogue.
func said(err error) string { return c.ErrorMessage(messages.English(), err) }

// fieldsSaid are the per-field messages of err as a person is told them,
// in the English catalogue.
func fieldsSaid(err error) map[string]string { return c.FieldMessages(messages.English(), err) }
