package teams

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Sizes of the people a person field offers.
const (
	// maxListedPeople is how many of the directory's people a person
	// field lists for a client without typeahead.
	maxListedPeople = 30
	// maxSearchResults is how many people one search answers when Teams
	// does not say (Teams shows at most 15), and the most it may ask for.
	maxSearchResults = 15
	maxSearchAsked   = 50
)

// searchInvoke is the name of the invoke Teams sends as someone types in
// an Input.ChoiceSet whose choices.data is a Data.Query.
const searchInvoke = "application/search"

// searchResponseType is the type of a search invoke's answer.
const searchResponseType = "application/vnd.microsoft.search.searchResponse"

// withPeople returns msgs with every person field of their forms offering
// the people of the directory, and the field's current answer, as static
// choices: what a Teams client without typeahead shows.
func (a *Adapter) withPeople(ctx context.Context, msgs []bot.Message) []bot.Message {
	out := slices.Clone(msgs)
	for i := range out {
		if out[i].Form != nil {
			out[i].Form = a.peopleForm(ctx, out[i].Form)
		}
	}
	return out
}

// peopleForm returns f, copied, with its person fields' choices filled in
// (see withPeople). A failed search leaves a field with the current answer
// only; typeahead still finds everyone.
func (a *Adapter) peopleForm(ctx context.Context, f *conversation.Form) *conversation.Form {
	if !slices.ContainsFunc(f.Fields, func(fd conversation.Field) bool { return fd.Type == conversation.FieldPerson }) {
		return f
	}
	listed, err := a.people.Search(ctx, "", maxListedPeople)
	if err != nil {
		a.log.Error("teams list people failed", "err", err)
	}
	c := *f
	c.Fields = slices.Clone(f.Fields)
	for i := range c.Fields {
		fd := &c.Fields[i]
		if fd.Type != conversation.FieldPerson {
			continue
		}
		opts := make([]conversation.Option, 0, len(listed)+1)
		if fd.Default != "" && !slices.ContainsFunc(listed, func(m bot.Match) bool { return m.PersonID == fd.Default }) {
			if m, err := a.people.MatchOf(ctx, fd.Default); err == nil {
				opts = append(opts, conversation.Option{Value: m.PersonID, Label: m.Label()})
			}
		}
		for _, m := range listed {
			opts = append(opts, conversation.Option{Value: m.PersonID, Label: m.Label()})
		}
		fd.Options = opts
	}
	return &c
}

// onSearch answers the application/search invoke of a person field with
// the bot's people search: anyone the directory knows or the bot has met,
// best first, as {title, value} results (the person id is the value), and
// a work email typed in full offered as it is ("Use jo@nhs.net"), created
// and reached by email when the form is sent. The activity's token was
// checked before it got here, as for every activity.
func (a *Adapter) onSearch(w http.ResponseWriter, r *http.Request, act *schema.Activity) {
	dataset, _ := act.Value["dataset"].(string)
	if dataset != PeopleDataset {
		a.metrics.Command(Platform, "search", "unknown")
		writeInvoke(w, http.StatusBadRequest, "application/vnd.microsoft.error", map[string]any{"code": "BadRequest", "message": "unknown dataset"})
		return
	}
	query, _ := act.Value["queryText"].(string)
	top, skip := maxSearchResults, 0
	if opts, ok := act.Value["queryOptions"].(map[string]any); ok {
		if n, ok := opts["top"].(float64); ok && n >= 1 {
			top = min(int(n), maxSearchAsked)
		}
		if n, ok := opts["skip"].(float64); ok && n >= 0 && n < 1000 {
			skip = int(n)
		}
	}
	found, err := a.people.Search(r.Context(), strings.TrimSpace(query), skip+top)
	if err != nil {
		a.log.Error("teams people search failed", "err", err)
		a.metrics.Command(Platform, "search", "error")
		writeInvoke(w, http.StatusInternalServerError, "application/vnd.microsoft.error", map[string]any{"code": "InternalError", "message": a.router.Cards.Say("teams.error.general", nil)})
		return
	}
	results := []any{}
	for i, m := range found {
		if i >= skip {
			results = append(results, map[string]any{"title": plain(m.Label(), 200), "value": m.PersonID})
		}
	}
	a.metrics.Command(Platform, "search", "ok")
	writeInvoke(w, http.StatusOK, searchResponseType, map[string]any{"results": results})
}
