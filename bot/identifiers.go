package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// FieldConfirmIdentifiers is the form field by which a person confirms that
// identifiers flagged in their free text are needed on the record. A
// submission whose free text looks like it holds an NHS number, a postcode,
// a date of birth, an email address or a phone number is refused with an
// EINVALID error naming each such field and this one; the same submission
// with this field set to "yes" goes through.
const FieldConfirmIdentifiers = "confirm_identifiers"

// IdentifierConfirmField returns the question adapters add to a form when a
// submission came back with an identifier warning (see
// NeedsIdentifierConfirm): one checkbox whose value is "yes".
func (k *Cards) IdentifierConfirmField() conversation.Field {
	return conversation.Field{
		Key: FieldConfirmIdentifiers, Type: conversation.FieldCheckboxes,
		Label: k.Say("form.identifiers.label", nil),
		Help:  k.Say("form.identifiers.help", nil),
		Options: []conversation.Option{
			{Value: "yes", Label: k.Say("form.identifiers.yes", nil)},
		},
	}
}

// NeedsIdentifierConfirm reports whether a reply's field errors are an
// identifier warning, to be answered by editing the flagged fields or by
// confirming with FieldConfirmIdentifiers.
func NeedsIdentifierConfirm(errs map[string]string) bool {
	_, ok := errs[FieldConfirmIdentifiers]
	return ok
}

// WithIdentifierConfirm returns a copy of f with the confirmation question
// added at the end, in the partnership's words, unless it is there
// already.
func (k *Cards) WithIdentifierConfirm(f *conversation.Form) *conversation.Form {
	out := *f
	out.Fields = slices.Clone(f.Fields)
	if out.Field(FieldConfirmIdentifiers) == nil {
		out.Fields = append(out.Fields, k.IdentifierConfirmField())
	}
	return &out
}

// IdentifiersConfirmed reports whether values confirm that flagged
// identifiers are needed: FieldConfirmIdentifiers is "yes" (or "true", "y"),
// or a checkbox list holding "yes".
func IdentifiersConfirmed(values map[string]string) bool {
	v := strings.TrimSpace(values[FieldConfirmIdentifiers])
	if yes, ok := conversation.ParseYesNo(v); ok {
		return yes
	}
	return slices.ContainsFunc(strings.Split(v, ","), func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "yes") })
}

// screenIdentifiers refuses a case form submission whose free text looks
// like it holds identifiers, unless the person confirmed them. The warning
// names the fields and the kinds of identifier, never the text; intake
// answers are kept as a draft so nothing typed is lost.
func (r *Router) screenIdentifiers(ctx context.Context, in Inbound) error {
	if IdentifiersConfirmed(in.Values) {
		return nil
	}
	var f *conversation.Form
	switch {
	case in.FormKey == FormIntake:
		if conversation.ImmediateRisk(in.Values) {
			return nil // pointed at the emergency route at once; nothing is kept
		}
		if a := in.Values[conversation.FieldAbout]; a == conversation.AboutCPConference || a == conversation.AboutOwnOrg {
			return nil
		}
		f = r.IntakeForm(ctx, in.Actor)
	case strings.HasPrefix(in.FormKey, ActionFormPrefix):
		f = r.ActionFormOn(ctx, in.CaseID, conversation.Verb(strings.TrimPrefix(in.FormKey, ActionFormPrefix)))
	}
	if f == nil {
		return nil
	}
	fe := conversation.FieldErrors{}
	var flagged, kinds []string
	for _, fd := range f.Fields {
		if fd.Type != conversation.FieldText && fd.Type != conversation.FieldTextarea {
			continue
		}
		text := in.Values[fd.Key]
		if fd.Key == "actions" && in.FormKey == ActionFormPrefix+string(conversation.VerbPropose) {
			text = withoutOwners(text) // an owner may be named by their work email
		}
		found := conversation.DetectIdentifiers(text)
		if len(found) == 0 {
			continue
		}
		fe.Add(fd.Key, conversation.Msg("identifiers.field", messages.Args{"kinds": conversation.IdentifierNames(found)}))
		flagged = append(flagged, fd.Key)
		for _, k := range found {
			if !slices.Contains(kinds, string(k)) {
				kinds = append(kinds, string(k))
			}
		}
	}
	if len(fe) == 0 {
		return nil
	}
	fe.Add(FieldConfirmIdentifiers, conversation.Msg("identifiers.confirm", nil))
	if in.FormKey == FormIntake {
		r.saveDraft(ctx, in.Actor, in.Values)
	}
	// Field names and kinds only: the text itself is never logged.
	r.Log.Info("identifier warning", "case", safeCase(in.CaseID), "form", in.FormKey,
		"fields", strings.Join(flagged, ","), "kinds", strings.Join(kinds, ","))
	e := conversation.Invalid("identifiers.warning", nil)
	e.Fields = fe
	return e
}

// withoutOwners returns a proposal's "what | who | by when" lines with the
// who left out, for the identifier check: the owner is a person on the
// record, often named by their work email, not a detail about a child.
func withoutOwners(text string) string {
	lines := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ';' })
	for i, l := range lines {
		if parts := strings.Split(l, "|"); len(parts) > 1 {
			parts[1] = ""
			lines[i] = strings.Join(parts, "|")
		}
	}
	return strings.Join(lines, "\n")
}
