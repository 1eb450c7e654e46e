package bot

import (
	"context"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// accessCommand answers "audit CR-…": the case's access log, for
// partnership roles only.
func (r *Router) accessCommand(ctx context.Context, actor, rest string) (Reply, error) {
	id, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	if id == "" {
		return Reply{}, conversation.Invalid("access.which_case", nil)
	}
	c, log, err := r.Engine.AccessLog(ctx, actor, id)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Messages: []Message{r.Cards.AccessLog(ctx, c, log)}}, nil
}

// AccessLog lists who viewed or exported a case and the refused attempts
// of people outside it, one line each, for the partnership.
func (k *Cards) AccessLog(ctx context.Context, c *conversation.Case, log []conversation.AuditRecord) Message {
	m := Message{Kind: "timeline", CaseID: c.ID, Title: k.Say("access.title", messages.Args{"case": c.ID})}
	if len(log) == 0 {
		m.Text = k.Say("access.empty", nil)
		return m
	}
	for _, a := range log {
		m.List = append(m.List, k.AccessLine(ctx, a))
	}
	return m
}

// AccessLine describes one access record in a line: when, what and who,
// and for merged refusals how many and the latest.
func (k *Cards) AccessLine(ctx context.Context, a conversation.AuditRecord) string {
	line := k.EventLine(ctx, conversation.Event{Kind: a.Kind, At: a.At, Actor: a.Actor, Stage: a.Stage, Fields: a.Fields})
	if at := a.Fields["attempt"]; a.Kind == conversation.EventAccessRefused && at != "" {
		line += k.Say("access.tried", messages.Args{"attempt": strings.ReplaceAll(at, "_", " ")})
	}
	if n := a.Times(); n > 1 {
		line += k.Say("access.times", messages.Args{"count": n, "when": k.When(a.Last)})
	}
	return line
}
