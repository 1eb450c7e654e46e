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

// verbLabels are the button labels of each verb: a word or two, so a row
// of buttons shows whole on a phone (at most 16 characters).
var verbLabels = map[conversation.Verb]string{
	conversation.VerbAcknowledge:    "Acknowledge",
	conversation.VerbRespond:        "Respond",
	conversation.VerbPropose:        "Propose",
	conversation.VerbConfirm:        "Confirm",
	conversation.VerbDispute:        "Dispute",
	conversation.VerbEscalate:       "Escalate",
	conversation.VerbMediation:      "Seek mediation",
	conversation.VerbRefer:          "Refer",
	conversation.VerbExtend:         "Extend deadline",
	conversation.VerbNote:           "Add note",
	conversation.VerbReassign:       "Hand over",
	conversation.VerbWithdraw:       "Withdraw",
	conversation.VerbAcceptReferral: "Accept",
	conversation.VerbReturnReferral: "Return",
	conversation.VerbOfferMediation: "Mediation",
	conversation.VerbClose:          "Close case",
	conversation.VerbActionDone:     "Mark done",
	conversation.VerbLearning:       "Record learning",
	conversation.VerbDeepDive:       "Deep dive",
}

// MaxLabelRunes is the longest a button label may be.
const MaxLabelRunes = 16

// VerbLabel returns the button label of a verb.
func VerbLabel(v conversation.Verb) string {
	if l, ok := verbLabels[v]; ok {
		return l
	}
	return string(v)
}

// verbTitles are the titles of the forms (and "are you sure" questions)
// steps open, where there is room to say in full what the step is. At most
// 24 characters, the longest title a Slack modal takes.
var verbTitles = map[conversation.Verb]string{
	conversation.VerbPropose:        "Propose a resolution",
	conversation.VerbConfirm:        "Confirm the resolution",
	conversation.VerbDispute:        "Dispute the resolution",
	conversation.VerbMediation:      "Ask for mediation",
	conversation.VerbRefer:          "Refer to the partnership",
	conversation.VerbExtend:         "Extend the deadline",
	conversation.VerbNote:           "Add a note",
	conversation.VerbWithdraw:       "Withdraw the case",
	conversation.VerbAcceptReferral: "Accept the referral",
	conversation.VerbReturnReferral: "Return with advice",
	conversation.VerbOfferMediation: "Offer mediation",
	conversation.VerbClose:          "Close the case",
	conversation.VerbActionDone:     "Mark an action done",
	conversation.VerbLearning:       "What you learned",
	conversation.VerbDeepDive:       "Decide on a deep dive",
}

// VerbTitle returns what a step is called in full, for the title of its
// form: "Propose a resolution" where the button says "Propose".
func VerbTitle(v conversation.Verb) string {
	if t, ok := verbTitles[v]; ok {
		return t
	}
	return VerbLabel(v)
}

// confirmTexts are the "are you sure" prompts of irreversible steps.
var confirmTexts = map[conversation.Verb]string{
	conversation.VerbConfirm:  "Confirm this resolution? The case will be marked resolved.",
	conversation.VerbWithdraw: "Withdraw this case? It will end here for everyone.",
	conversation.VerbEscalate: "Escalate to the next stage? Managers on both sides will be brought in.",
	conversation.VerbRefer:    "Refer this case to the partnership?",
	conversation.VerbClose:    "Close this case for good?",
}

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
	k := CardsFor(p) // the protocol's own wording, with its overrides
	f := &conversation.Form{Key: ActionFormPrefix + string(v), Title: VerbTitle(v)}
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

// ProfileForm asks for the person's name, agency and line manager.
func ProfileForm(agencies []conversation.Option) *conversation.Form {
	return &conversation.Form{
		Key:   FormProfile,
		Title: "Your profile",
		Intro: "Tell me your agency and line manager once and I'll remember them. You can change them any time with \"profile\".",
		Fields: []conversation.Field{
			{Key: "name", Label: "Your name", Type: conversation.FieldText, MaxLen: conversation.MaxShortText},
			{Key: "agency", Label: "Your agency", Type: conversation.FieldAgency, Required: true, Options: agencies},
			{Key: "manager", Label: "Your line manager", Type: conversation.FieldPerson, MaxLen: conversation.MaxShortText,
				Help: "Name or work email. They are brought in if a case moves to the manager stage."},
		},
	}
}

// deepDiveIntro says what the serious-concern role decides, in the
// protocol's words where it has them.
func deepDiveIntro(k *Cards) string {
	if p := k.Protocol(); p.SeriousConcern != nil {
		if g := strings.TrimSpace(p.SeriousConcern.Guidance); g != "" {
			return g
		}
	}
	return k.Say("form.deep_dive.intro", nil)
}

func partnershipRole(k *Cards) string {
	if r := k.Protocol().Referral.Role; r != "" {
		return r
	}
	return k.Say("form.refer.role", nil)
}
