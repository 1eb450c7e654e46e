package bot

import (
	"fmt"
	"strings"

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
	f := &conversation.Form{Key: ActionFormPrefix + string(v), Title: VerbTitle(v)}
	switch v {
	case conversation.VerbAcknowledge, conversation.VerbConfirm:
		return nil
	case conversation.VerbRespond:
		f.Intro = "Share your view calmly and with your reasons. It helps to say what you understood the concern to be."
		f.Fields = []conversation.Field{textField("text", "Your response", "", true)}
	case conversation.VerbNote:
		f.Fields = []conversation.Field{textField("text", "Note for the record", "Everyone on the case can read it.", true)}
	case conversation.VerbEscalate:
		f.Intro = "The case will move to the next stage and the people there will be asked to take it up."
		f.Fields = []conversation.Field{
			textField("reason", "Why hasn't this stage resolved it?", "", true),
			{Key: "raiser_side", Label: "Manager on your side (if the bot doesn't know them)", Type: conversation.FieldPerson,
				MaxLen: conversation.MaxShortText, Help: "Name or work email. Leave blank to use who the bot already knows."},
			{Key: "respondent_side", Label: "Manager on their side (if the bot doesn't know them)", Type: conversation.FieldPerson,
				MaxLen: conversation.MaxShortText, Help: "Name or work email. Leave blank to use who the bot already knows."},
		}
	case conversation.VerbPropose:
		f.Intro = "The other side will be asked to confirm or dispute it."
		f.Fields = []conversation.Field{
			textField("way_forward", "Agreed way forward", "", true),
			{Key: "actions", Label: "Actions", Type: conversation.FieldTextarea, MaxLen: conversation.MaxLongText,
				Help: "One per line, or separated by ;, as: what | who (name or work email) | by when (a date such as 4 Dec, or working days such as 10). Owners are reminded before it is due."},
		}
	case conversation.VerbDispute:
		f.Fields = []conversation.Field{textField("reason", "What does the proposal leave unresolved?", "", true)}
	case conversation.VerbWithdraw:
		f.Fields = []conversation.Field{textField("reason", "Why are you withdrawing it?", "", true)}
	case conversation.VerbRefer:
		f.Intro = fmt.Sprintf("The %s will check which stages have been followed before taking it further.", partnershipRole(p))
		f.Fields = []conversation.Field{textField("reason", "Why does this need the partnership?", "", true)}
	case conversation.VerbMediation:
		f.Intro = mediationIntro(p)
		f.Fields = []conversation.Field{textField("reason", "What should mediation help with?", "", true), supervisionField}
	case conversation.VerbExtend:
		f.Fields = []conversation.Field{
			{Key: "days", Label: "New deadline, or extra working days", Type: conversation.FieldText, Required: true, MaxLen: 30,
				Help: "A date such as 4 Dec, 2026-12-04 or next friday, or a number of working days such as 3."},
			textField("reason", "Reason for the extension", "", true),
		}
	case conversation.VerbReassign:
		f.Fields = []conversation.Field{
			{Key: "from", Label: "Whose place is being handed over", Type: conversation.FieldPerson, MaxLen: conversation.MaxShortText,
				Help: "Leave blank for your own."},
			{Key: "to", Label: "Who takes it on", Type: conversation.FieldPerson, Required: true, MaxLen: conversation.MaxShortText},
			textField("reason", "Reason", "", true),
		}
	case conversation.VerbAcceptReferral:
		f.Intro = strings.TrimSpace(p.Referral.AcceptGuidance)
		if f.Intro == "" {
			f.Intro = fmt.Sprintf("The case will go to the next meeting of the %s. The agencies remain the decision-makers.", p.Referral.Body)
		}
		f.Fields = []conversation.Field{textField("text", "Note", "", false)}
	case conversation.VerbReturnReferral:
		f.Intro = strings.TrimSpace(p.Referral.ReturnGuidance)
		opts := make([]conversation.Option, 0, len(p.Stages))
		for _, s := range p.Stages {
			opts = append(opts, conversation.Option{Value: s.Key, Label: s.Name})
		}
		f.Fields = []conversation.Field{
			{Key: "stage", Label: "Stage still to follow", Type: conversation.FieldSelect, Required: true, Options: opts},
			textField("text", "Your advice", "", true),
		}
	case conversation.VerbOfferMediation:
		if m := strings.TrimSpace(p.Routes.Mediation); m != "" {
			f.Intro = "The protocol says who mediates: " + m + "."
		}
		f.Fields = []conversation.Field{textField("text", "Who will mediate, and how to reach them", "", true)}
	case conversation.VerbClose:
		f.Fields = []conversation.Field{textField("reason", "Why is the case being closed?", "", true)}
	case conversation.VerbActionDone:
		return nil // one press; which action, when the owner has several, is asked then (see actionDone)
	case conversation.VerbLearning:
		f.Intro = "Resolving a disagreement is a chance to learn. Answer either question, or both; the partnership sees the themes, never the case. Please leave out anything that identifies a child or family."
		f.Fields = []conversation.Field{
			{Key: conversation.FieldLearned, Label: "What did you learn from this disagreement?", Type: conversation.FieldTextarea,
				MaxLen: conversation.MaxShortText * 5},
			{Key: conversation.FieldPrevention, Label: "What would have prevented it?", Type: conversation.FieldTextarea,
				MaxLen: conversation.MaxShortText * 5, Help: "For example: an earlier joint meeting, or clearer thresholds."},
		}
	case conversation.VerbDeepDive:
		f.Intro = deepDiveIntro(p)
		f.Fields = []conversation.Field{
			{Key: conversation.FieldDeepDive, Label: "Do the issues need a broader deep dive and investigation?", Type: conversation.FieldSelect, Required: true,
				Options: []conversation.Option{
					{Value: conversation.DeepDiveNeeded, Label: "Yes, a broader deep dive is needed"},
					{Value: conversation.DeepDiveNotNeeded, Label: "No, no broader deep dive is needed"},
				}},
			{Key: "reason", Label: "Short reason", Type: conversation.FieldTextarea, Required: true, MaxLen: conversation.MaxDeepDiveReason,
				Help: "Everyone on the case can read it. Name no child: use the agency case reference."},
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
func deepDiveIntro(p *conversation.Protocol) string {
	if p.SeriousConcern != nil {
		if g := strings.TrimSpace(p.SeriousConcern.Guidance); g != "" {
			return g
		}
	}
	return "This case was logged with you as a serious concern. Decide whether the issues need a broader deep dive and investigation, beyond this case, to understand and resolve them."
}

func partnershipRole(p *conversation.Protocol) string {
	if p.Referral.Role != "" {
		return p.Referral.Role
	}
	return "partnership manager"
}
