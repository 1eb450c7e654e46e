package bot

import (
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Form keys that are not actions on a case.
const (
	FormIntake  = "intake"
	FormProfile = "profile"
	// ActionFormPrefix starts the key of every action form: "action:respond".
	ActionFormPrefix = "action:"
)

// MaxLabelRunes is the longest a button label may be.
const MaxLabelRunes = 16

// ParseVerb returns the verb a person typed or a button carried, accepting
// a few everyday words ("ack", "escalate"). ok is false for unknown words.
func ParseVerb(s string) (conversation.Verb, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	v, ok := verbWords[s]
	return v, ok
}

func textField(key, label, help string, required bool) conversation.Field {
	return conversation.Field{Key: key, Label: label, Help: help, Type: conversation.FieldTextarea,
		Required: required, MaxLen: conversation.MaxLongText}
}

// ActionForm returns the form a verb needs, or nil for verbs that need no words.
func ActionForm(p *conversation.Protocol, v conversation.Verb) *conversation.Form {
	k := &Cards{Protocol: p} // the protocol's own wording, with its overrides
	f := &conversation.Form{Key: ActionFormPrefix + string(v), Title: k.VerbTitle(v), Submit: k.SubmitLabel(ActionFormPrefix + string(v))}
	switch v {
	case conversation.VerbAcknowledge, conversation.VerbConfirm:
		return nil
	case conversation.VerbRespond:
		f.Intro = k.Say("form.respond.intro", nil)
		f.Fields = []conversation.Field{textField("text", k.Say("form.respond.text", nil), "", true)}
	case conversation.VerbNote:
		f.Fields = []conversation.Field{textField("text", k.Say("form.note.text", nil), k.Say("form.note.text.help", nil), true)}
	case conversation.VerbEscalate:
		f.Intro = k.Say("form.escalate.intro", nil)
		f.Fields = []conversation.Field{
			textField("reason", k.Say("form.escalate.reason", nil), "", true),
			{Key: "raiser_side", Label: k.Say("form.escalate.raiser_side", nil), Type: conversation.FieldPerson,
				MaxLen: conversation.MaxShortText, Help: k.Say("form.escalate.manager.help", nil)},
			{Key: "respondent_side", Label: k.Say("form.escalate.respondent_side", nil), Type: conversation.FieldPerson,
				MaxLen: conversation.MaxShortText, Help: k.Say("form.escalate.manager.help", nil)},
		}
	case conversation.VerbPropose:
		f.Intro = k.Say("form.propose.intro", nil)
		f.Fields = []conversation.Field{
			textField("way_forward", k.Say("form.propose.way_forward", nil), "", true),
			{Key: "actions", Label: k.Say("form.propose.actions", nil), Type: conversation.FieldTextarea, MaxLen: conversation.MaxLongText,
				Help: k.Say("form.propose.actions.help", nil)},
		}
	case conversation.VerbDispute:
		f.Fields = []conversation.Field{textField("reason", k.Say("form.dispute.reason", nil), "", true)}
	case conversation.VerbWithdraw:
		f.Fields = []conversation.Field{textField("reason", k.Say("form.withdraw.reason", nil), "", true)}
	case conversation.VerbRefer:
		f.Intro = k.Say("form.refer.intro", messages.Args{"role": partnershipRole(k)})
		f.Fields = []conversation.Field{textField("reason", k.Say("form.refer.reason", nil), "", true)}
	case conversation.VerbMediation:
		f.Intro = mediationIntro(p)
		f.Fields = []conversation.Field{textField("reason", k.Say("form.mediation.reason", nil), "", true), supervisionField(k)}
	case conversation.VerbExtend:
		f.Fields = []conversation.Field{
			{Key: "days", Label: k.Say("form.extend.days", nil), Type: conversation.FieldText, Required: true, MaxLen: 30,
				Help: k.Say("form.extend.days.help", nil)},
			textField("reason", k.Say("form.extend.reason", nil), "", true),
		}
	case conversation.VerbReassign:
		f.Fields = []conversation.Field{
			{Key: "from", Label: k.Say("form.reassign.from", nil), Type: conversation.FieldPerson, MaxLen: conversation.MaxShortText,
				Help: k.Say("form.reassign.from.help", nil)},
			{Key: "to", Label: k.Say("form.reassign.to", nil), Type: conversation.FieldPerson, Required: true, MaxLen: conversation.MaxShortText},
			textField("reason", k.Say("form.reassign.reason", nil), "", true),
		}
	case conversation.VerbAcceptReferral:
		f.Intro = strings.TrimSpace(p.Referral.AcceptGuidance)
		if f.Intro == "" {
			f.Intro = k.Say("form.accept_referral.intro", messages.Args{"body": p.Referral.Body})
		}
		f.Fields = []conversation.Field{textField("text", k.Say("form.accept_referral.text", nil), "", false)}
	case conversation.VerbReturnReferral:
		f.Intro = strings.TrimSpace(p.Referral.ReturnGuidance)
		opts := make([]conversation.Option, 0, len(p.Stages))
		for _, s := range p.Stages {
			opts = append(opts, conversation.Option{Value: s.Key, Label: s.Name})
		}
		f.Fields = []conversation.Field{
			{Key: "stage", Label: k.Say("form.return_referral.stage", nil), Type: conversation.FieldSelect, Required: true, Options: opts},
			textField("text", k.Say("form.return_referral.text", nil), "", true),
		}
	case conversation.VerbOfferMediation:
		if m := strings.TrimSpace(p.Routes.Mediation); m != "" {
			f.Intro = k.Say("form.offer_mediation.intro", messages.Args{"mediator": m})
		}
		f.Fields = []conversation.Field{textField("text", k.Say("form.offer_mediation.text", nil), "", true)}
	case conversation.VerbClose:
		f.Fields = []conversation.Field{textField("reason", k.Say("form.close.reason", nil), "", true)}
	case conversation.VerbActionDone:
		return nil // one press; which action, when the owner has several, is asked then (see actionDone)
	case conversation.VerbLearning:
		f.Intro = k.Say("form.learning.intro", nil)
		f.Fields = []conversation.Field{
			{Key: conversation.FieldLearned, Label: k.Say("form.learning.learned", nil), Type: conversation.FieldTextarea,
				MaxLen: conversation.MaxShortText * 5},
			{Key: conversation.FieldPrevention, Label: k.Say("form.learning.prevention", nil), Type: conversation.FieldTextarea,
				MaxLen: conversation.MaxShortText * 5, Help: k.Say("form.learning.prevention.help", nil)},
		}
	case conversation.VerbDeepDive:
		f.Intro = deepDiveIntro(k)
		f.Fields = []conversation.Field{
			{Key: conversation.FieldDeepDive, Label: k.Say("form.deep_dive.decision", nil), Type: conversation.FieldSelect, Required: true,
				Options: []conversation.Option{
					{Value: conversation.DeepDiveNeeded, Label: k.Say("form.deep_dive.needed", nil)},
					{Value: conversation.DeepDiveNotNeeded, Label: k.Say("form.deep_dive.not_needed", nil)},
				}},
			{Key: "reason", Label: k.Say("form.deep_dive.reason", nil), Type: conversation.FieldTextarea, Required: true, MaxLen: conversation.MaxDeepDiveReason,
				Help: k.Say("form.deep_dive.reason.help", nil)},
		}
	default:
		return nil
	}
	return f
}

// ProfileForm asks for the person's name, agency and line manager, in
// the partnership's words.
func (k *Cards) ProfileForm(agencies []conversation.Option) *conversation.Form {
	return &conversation.Form{
		Key:    FormProfile,
		Title:  k.Say("form.profile.title", nil),
		Intro:  k.Say("form.profile.intro", nil),
		Submit: k.SubmitLabel(FormProfile),
		Fields: []conversation.Field{
			{Key: "name", Label: k.Say("form.profile.name", nil), Type: conversation.FieldText, MaxLen: conversation.MaxShortText},
			{Key: "agency", Label: k.Say("form.profile.agency", nil), Type: conversation.FieldAgency, Required: true, Options: agencies},
			{Key: "manager", Label: k.Say("form.profile.manager", nil), Type: conversation.FieldPerson, MaxLen: conversation.MaxShortText,
				Help: k.Say("form.profile.manager.help", nil)},
		},
	}
}

// deepDiveIntro says what the serious-concern role decides, in the
// protocol's words where it has them.
func deepDiveIntro(k *Cards) string {
	if p := k.Protocol; p.SeriousConcern != nil {
		if g := strings.TrimSpace(p.SeriousConcern.Guidance); g != "" {
			return g
		}
	}
	return k.Say("form.deep_dive.intro", nil)
}

func partnershipRole(k *Cards) string {
	if r := k.Protocol.Referral.Role; r != "" {
		return r
	}
	return k.Say("form.refer.role", nil)
}
