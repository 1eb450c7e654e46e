package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/resolvebot/resolvebot/conversation"
)

// accessCommand answers "audit CR-…": the case's access log, for
// partnership roles only.
func (r *Router) accessCommand(ctx context.Context, actor, rest string) (Reply, error) {
	id, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	if id == "" {
		return Reply{}, conversation.Errorf(conversation.EINVALID, "Which case? For example: audit CR-2026-0001")
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
	m := Message{Kind: "timeline", CaseID: c.ID, Title: "Access log of " + c.ID}
	if len(log) == 0 {
		m.Text = "Nobody has viewed or exported this case yet, and nobody outside it has tried to."
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
		line += " · tried: " + strings.ReplaceAll(at, "_", " ")
	}
	if n := a.Times(); n > 1 {
		line += fmt.Sprintf(" · %d times, the last %s", n, k.When(a.Last))
	}
	return line
}
