package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	stdmaps "maps"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// The intake's check-your-answers step. A complete intake submission
// (FormIntake) does not open a case: its answers are kept as the person's
// draft and shown back as a Check, each with a way to change it. Sending
// the checked answers (FormIntakeSend) opens the case from the draft;
// changing one (FormIntakeChange) shows the intake form again with every
// answer in place.
const (
	// FormIntakeSend sends the answers a Check showed: Values[CheckDigest]
	// is the Check's Digest.
	FormIntakeSend = "intake_send"
	// FormIntakeChange asks for the intake form again to change the
	// answer to the question Values[ChangeField].
	FormIntakeChange = "intake_change"
	// CheckDigest is the value key of a Check's Digest in FormIntakeSend.
	CheckDigest = "digest"
	// ChangeField is the value key of the question to change in
	// FormIntakeChange.
	ChangeField = "field"
)

// Answer is one row of a check-your-answers summary: a question, the
// answer in plain words and the form field that changes it.
type Answer struct {
	// Key is the form field the answer belongs to, for its Change action.
	Key string
	// Question is the question as the form asked it.
	Question string
	// Answer is what was answered, in words: an option's label, "Yes",
	// a person's name, or the text typed (which renderers must escape). A
	// single newline separates the items of a list.
	Answer string
}

// Check is a form's answers shown back for checking before they are sent
// (the GOV.UK "Check your answers" pattern). Renderers show each answer
// with a Change action (FormIntakeChange with ChangeField set to its Key)
// and one Send action (FormIntakeSend with CheckDigest set to Digest).
type Check struct {
	// Form is the key of the form whose answers these are.
	Form    string
	Answers []Answer
	// Digest identifies the answers shown: a Send carrying another digest
	// (the draft changed in between, say in another window) is shown the
	// answers again rather than sent.
	Digest string
}

// SubmitLabel is the label of a form's submit button, in the
// partnership's words: "Continue" on the intake, whose answers are
// checked before anything is sent, "Send" on every other form.
func (k *Cards) SubmitLabel(formKey string) string {
	if formKey == FormIntake {
		return k.Say("form.submit.continue", nil)
	}
	return k.Say("form.submit.send", nil)
}

// SubmitOf is the label renderers put on a form's submit button: the
// form's own Submit, as the bot worded it for the partnership, or, for a
// form built without it, SubmitLabel in the catalogue's English.
func SubmitOf(f *conversation.Form) string {
	if f == nil {
		return (*Cards)(nil).SubmitLabel("")
	}
	if f.Submit != "" {
		return f.Submit
	}
	return (*Cards)(nil).SubmitLabel(f.Key)
}

// digest identifies a set of answers regardless of their order.
func digest(values map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(stdmaps.Keys(values)) {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(values[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// checkMessage shows the answers of form f for checking before they are
// sent; note, when set, is said first (why they are shown again).
func (r *Router) checkMessage(ctx context.Context, f *conversation.Form, values map[string]string, note string) Message {
	c := &Check{Form: f.Key, Digest: digest(values)}
	for i := range f.Fields {
		fd := &f.Fields[i]
		c.Answers = append(c.Answers, Answer{Key: fd.Key, Question: fd.Label, Answer: r.answerWords(ctx, fd, values[fd.Key])})
	}
	text := r.Cards.Say("check.intro", nil)
	if note != "" {
		text = note + "\n\n" + text
	}
	return Message{Kind: "check", Title: r.Cards.Say("check.title", nil), Text: text, Check: c}
}

// answerWords says an answer in the words the person chose it by.
func (r *Router) answerWords(ctx context.Context, fd *conversation.Field, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return r.Cards.Say("check.not_answered", nil)
	}
	switch fd.Type {
	case conversation.FieldYesNo:
		if fd.Unsure && conversation.ParseNotSure(v) {
			return r.Cards.Say("check.not_sure", nil)
		}
		if yes, ok := conversation.ParseYesNo(v); ok {
			if yes {
				return r.Cards.Say("check.yes", nil)
			}
			return r.Cards.Say("check.no", nil)
		}
	case conversation.FieldCheckboxes:
		var labels []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				labels = append(labels, OptionLabel(fd, p))
			}
		}
		return strings.Join(labels, "\n")
	case conversation.FieldPerson:
		if name := r.People.Name(ctx, v); name != "" && name != v {
			return r.Cards.Say("check.person", messages.Args{"name": name, "id": v})
		}
	}
	return OptionLabel(fd, v)
}

// OptionLabel returns the label of the option of fd whose value is v, or v
// itself when fd has no such option.
func OptionLabel(fd *conversation.Field, v string) string {
	for _, o := range fd.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// intakeWithAnswers is the intake form with values as its answers.
func (r *Router) intakeWithAnswers(ctx context.Context, actor string, values map[string]string) *conversation.Form {
	f := r.IntakeForm(ctx, actor)
	for i := range f.Fields {
		if v, ok := values[f.Fields[i].Key]; ok {
			f.Fields[i].Default = v
		}
	}
	return f
}

// intakeAgain is the intake form shown again with the person's answers in
// place: to change one (focus), or after sending failed (errs).
func (r *Router) intakeAgain(ctx context.Context, actor string, values map[string]string, text, focus string, errs map[string]string) Message {
	f := r.intakeWithAnswers(ctx, actor, values)
	m := Message{Kind: "form", Title: f.Title, Text: text, Form: f, Focus: focus, Errors: errs}
	if len(errs) > 0 {
		m.Tone = ToneWarning
	}
	return m
}

// noDraft is the refusal when answers to check or send are no longer kept.
func (r *Router) noDraft() error {
	return conversation.Invalid("check.no_draft", messages.Args{"age": r.Cards.draftAge(r.DraftTTL)})
}

// draftAge says how long a draft is kept, in days or hours.
func (k *Cards) draftAge(d time.Duration) string {
	h := int(d.Hours())
	switch {
	case h >= 24 && h%24 == 0:
		return k.Say("draft.age.days", messages.Args{"count": h / 24})
	case h <= 1:
		return k.Say("draft.age.hours", messages.Args{"count": 1})
	}
	return k.Say("draft.age.hours", messages.Args{"count": h})
}

// changeAnswer shows the intake form again, every answer from the draft in
// place, to change the answer to one question.
func (r *Router) changeAnswer(ctx context.Context, in Inbound) (Reply, error) {
	d, err := r.Draft(ctx, in.Actor)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return Reply{}, r.noDraft()
	}
	if err != nil {
		return Reply{}, err
	}
	key := in.Values[ChangeField]
	f := r.IntakeForm(ctx, in.Actor)
	text := r.Cards.Say("check.change", nil)
	if fd := f.Field(key); fd != nil {
		text = r.Cards.Say("check.change_question", messages.Args{"question": fd.Label})
	} else {
		key = ""
	}
	return Reply{Messages: []Message{r.intakeAgain(ctx, in.Actor, d.Values, text, key, nil)}}, nil
}

// sendChecked opens the case from the answers the person checked, kept as
// their draft. Answers changed since they were shown (another window) are
// shown again; answers that no longer pass (a colleague left the
// directory) come back as the form with the problems on their questions.
func (r *Router) sendChecked(ctx context.Context, in Inbound) (Reply, error) {
	d, err := r.Draft(ctx, in.Actor)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return Reply{}, r.noDraft()
	}
	if err != nil {
		return Reply{}, err
	}
	f := r.IntakeForm(ctx, in.Actor)
	if digest(d.Values) != strings.TrimSpace(in.Values[CheckDigest]) {
		return Reply{Messages: []Message{r.checkMessage(ctx, f, d.Values,
			r.Cards.Say("check.changed_elsewhere", nil))}}, nil
	}
	reply, err := r.raise(ctx, Inbound{Actor: in.Actor, FormKey: FormIntake, Values: d.Values}, true)
	if fe := r.Cards.ErrorFields(err); len(fe) > 0 {
		m := r.intakeAgain(ctx, in.Actor, d.Values, r.Cards.ErrorMessage(err), "", fe)
		return Reply{Messages: []Message{m}, Errors: fe}, nil
	}
	return reply, err
}

// CheckOf returns the check-your-answers message among msgs, or nil.
func CheckOf(msgs []Message) *Message {
	for i := range msgs {
		if msgs[i].Kind == "check" && msgs[i].Check != nil {
			return &msgs[i]
		}
	}
	return nil
}

// SendChecked is the inbound event of pressing Send on a Check shown to
// actor.
func SendChecked(actor string, c *Check) Inbound {
	return Inbound{Actor: actor, FormKey: FormIntakeSend, Values: map[string]string{CheckDigest: c.Digest}}
}

// ChangeChecked is the inbound event of pressing Change beside the answer
// to the question key on a Check shown to actor.
func ChangeChecked(actor, key string) Inbound {
	return Inbound{Actor: actor, FormKey: FormIntakeChange, Values: map[string]string{ChangeField: key}}
}
