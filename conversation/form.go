package conversation

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// FieldType says how an adapter should ask for a form field.
type FieldType string

// The field types every adapter must render.
const (
	FieldYesNo      FieldType = "yesno"      // value "yes" or "no"
	FieldText       FieldType = "text"       // one line
	FieldTextarea   FieldType = "textarea"   // several lines
	FieldSelect     FieldType = "select"     // one of Options
	FieldPerson     FieldType = "person"     // a person id
	FieldAgency     FieldType = "agency"     // one of Options (the directory's agencies)
	FieldCheckboxes FieldType = "checkboxes" // a comma-separated subset of Options
)

// Option is one choice of a select or checkbox field.
type Option struct {
	Value string
	Label string
}

// Field is one question of a form.
type Field struct {
	Key         string
	Label       string
	Help        string
	Type        FieldType
	Options     []Option
	Required    bool
	MaxLen      int // in characters, for text fields
	Placeholder string
	Default     string // the answer to offer, e.g. from the person's profile
	// Unsure offers a yes/no field a third answer, "Not sure" (value
	// NotSure), which counts as yes: for a question where a doubt must be
	// treated as the worse answer.
	Unsure bool
}

// Form is a set of questions asked the same way on every platform.
type Form struct {
	Key    string
	Title  string
	Intro  string
	Fields []Field
	// Submit is the label of the form's submit button, as the bot words
	// it for the partnership; empty for a form built without the bot's
	// wording (renderers then use bot.SubmitOf's English default).
	Submit string
	// ReferenceFormats holds, per agency key, the formats of the agency's
	// case references; Form.CheckAnswer checks the case reference against
	// those of the raiser's agency.
	ReferenceFormats map[string]*ReferenceFormat
}

// Field returns the field with key, or nil.
func (f *Form) Field(key string) *Field {
	for i := range f.Fields {
		if f.Fields[i].Key == key {
			return &f.Fields[i]
		}
	}
	return nil
}

// Intake form field keys.
const (
	FieldImmediateRisk    = "immediate_risk"
	FieldAbout            = "about"
	FieldChildRef         = "child_ref"
	FieldRaiserAgency     = "raiser_agency"
	FieldRespondent       = "respondent"
	FieldRespondentAgency = "respondent_agency"
	FieldCategory         = "category"
	FieldDecision         = "decision"
	FieldConcern          = "concern"
	FieldEvidenceKind     = "evidence_kind"
	FieldEvidence         = "evidence"
	FieldOutcomeSought    = "outcome_sought"
	FieldUrgency          = "urgency"
	FieldReflection       = "reflection"
	FieldFamilyInformed   = "family_informed"
	FieldCrossBorder      = "cross_border"
	FieldSeriousConcern   = "serious_concern"
)

// Values of the "about" question. AboutCPConference and AboutOwnOrg lead out
// of the ladder; AboutConference, offered instead of AboutCPConference by a
// protocol whose Conference is set, opens a case in the conference category.
const (
	AboutOtherAgency  = "other_agency"
	AboutCPConference = "cp_conference"
	AboutOwnOrg       = "own_organisation"
	AboutConference   = "conference"
)

// Length limits for free text, in characters.
const (
	MaxShortText = 200
	MaxLongText  = 2500
	MaxChildRef  = 40
)

// IntakeForm returns the questions for raising a disagreement under p, with
// agencies as the choices for both agency fields. Its words come from the
// protocol's catalogue (Protocol.Wording), so a partnership's overrides of
// the intake.* keys reach every platform.
func IntakeForm(p *Protocol, agencies []Option) Form {
	w := p.Wording()
	cats := make([]Option, 0, len(p.Categories))
	for _, c := range p.Categories {
		cats = append(cats, Option{Value: c.Key, Label: c.Name})
	}
	return Form{
		Key:   "intake",
		Title: w.Text("intake.title", nil),
		Intro: strings.TrimSpace(p.Guidance),
		Fields: []Field{
			{Key: FieldImmediateRisk, Type: FieldYesNo, Required: true, Unsure: true,
				Label: w.Text("intake.immediate_risk", nil),
				Help:  w.Text("intake.immediate_risk.help", nil)},
			{Key: FieldAbout, Type: FieldSelect, Required: true,
				Label:   w.Text("intake.about", nil),
				Options: aboutOptions(p)},
			{Key: FieldChildRef, Type: FieldText, Required: true, MaxLen: MaxChildRef,
				Label:       w.Text("intake.child_ref", nil),
				Help:        w.Text("intake.child_ref.help", nil),
				Placeholder: w.Text("intake.child_ref.placeholder", messages.Args{"example": DefaultReferenceExample})},
			{Key: FieldRaiserAgency, Type: FieldAgency, Required: true, Options: agencies,
				Label: w.Text("intake.raiser_agency", nil)},
			{Key: FieldRespondent, Type: FieldPerson, Required: true,
				Label: w.Text("intake.respondent", nil),
				Help:  w.Text("intake.respondent.help", nil)},
			{Key: FieldRespondentAgency, Type: FieldAgency, Required: true, Options: agencies,
				Label: w.Text("intake.respondent_agency", nil)},
			{Key: FieldCategory, Type: FieldSelect, Required: true, Options: cats,
				Label: w.Text("intake.category", nil)},
			{Key: FieldDecision, Type: FieldTextarea, Required: true, MaxLen: MaxShortText * 5,
				Label: w.Text("intake.decision", nil)},
			{Key: FieldConcern, Type: FieldTextarea, Required: true, MaxLen: MaxLongText,
				Label: w.Text("intake.concern", nil)},
			{Key: FieldEvidenceKind, Type: FieldSelect, Required: true,
				Label: w.Text("intake.evidence_kind", nil),
				Options: []Option{
					{Value: string(EvidenceDocumented), Label: w.Text("intake.evidence_kind.documented", nil)},
					{Value: string(EvidenceGutFeeling), Label: w.Text("intake.evidence_kind.gut_feeling", nil)},
				}},
			{Key: FieldEvidence, Type: FieldTextarea, Required: true, MaxLen: MaxLongText,
				Label: w.Text("intake.evidence", nil)},
			{Key: FieldOutcomeSought, Type: FieldTextarea, Required: true, MaxLen: MaxShortText * 5,
				Label: w.Text("intake.outcome_sought", nil)},
			{Key: FieldUrgency, Type: FieldSelect, Required: true,
				Label: w.Text("intake.urgency", nil),
				Options: []Option{
					{Value: string(UrgencyStandard), Label: w.Text("intake.urgency.standard", nil)},
					{Value: string(UrgencyUrgent), Label: w.Text("intake.urgency.urgent", nil)},
				}},
			{Key: FieldReflection, Type: FieldCheckboxes,
				Label:   w.Text("intake.reflection", nil),
				Options: reflectionOptions(p)},
			{Key: FieldFamilyInformed, Type: FieldYesNo, Required: true,
				Label: w.Text("intake.family_informed", nil)},
			{Key: FieldCrossBorder, Type: FieldText, MaxLen: MaxShortText,
				Label: w.Text("intake.cross_border", nil),
				Help:  p.CrossBorderHelp()},
			{Key: FieldSeriousConcern, Type: FieldYesNo, Required: true,
				Label: w.Text("intake.serious_concern", nil),
				Help:  w.Text("intake.serious_concern.help", nil)},
		},
	}
}

// reflectionOptions are the protocol's reflection checklist as choices.
func reflectionOptions(p *Protocol) []Option {
	checks := p.ReflectionChecks()
	opts := make([]Option, 0, len(checks))
	for _, r := range checks {
		opts = append(opts, Option{Value: r.Key, Label: r.Label})
	}
	return opts
}

// aboutOptions are the answers to "What is the disagreement about?": a
// conference decision leads out to the dissent procedure, unless the
// protocol handles multi-agency meeting decisions itself (Conference).
func aboutOptions(p *Protocol) []Option {
	w := p.Wording()
	conference := Option{Value: AboutCPConference, Label: w.Text("intake.about.cp_conference", nil)}
	if p.Conference != nil {
		conference = Option{Value: AboutConference, Label: p.ConferenceAnswer()}
	}
	return []Option{
		{Value: AboutOtherAgency, Label: w.Text("intake.about.other_agency", nil)},
		conference,
		{Value: AboutOwnOrg, Label: w.Text("intake.about.own_organisation", nil)},
	}
}

// RouteKind names a way out of the ladder.
type RouteKind string

// The routes out of the ladder that intake can take.
const (
	RouteImmediateRisk  RouteKind = "immediate_risk"
	RouteDissent        RouteKind = "dissent_procedure"
	RouteWhistleblowing RouteKind = "whistleblowing"
)

// RaiseInput is a validated intake.
type RaiseInput struct {
	ImmediateRisk    bool
	About            string
	ChildRef         string
	RaiserAgency     string
	RespondentID     string
	RespondentAgency string
	Category         string
	Decision         string
	Concern          string
	EvidenceKind     EvidenceKind
	Evidence         string
	OutcomeSought    string
	Urgency          Urgency
	Reflection       Reflection
	FamilyInformed   bool
	CrossBorder      string
	SeriousConcern   bool
}

// Route returns where intake must send the person instead of opening a case,
// or "" when a case should be opened.
func (in RaiseInput) Route() RouteKind {
	switch {
	case in.ImmediateRisk:
		return RouteImmediateRisk
	case in.About == AboutCPConference:
		return RouteDissent
	case in.About == AboutOwnOrg:
		return RouteWhistleblowing
	}
	return ""
}

// CheckAnswer validates one answer against its field and returns a message
// for the person, or the zero Text when it is acceptable. It is used both
// for question-at-a-time adapters and for whole-form validation.
func (f *Field) CheckAnswer(v string) Text { return f.checkAnswer(v, nil) }

// checkAnswer is CheckAnswer, checking a case reference against rf (the
// formats of the raiser's agency) when it is not nil.
func (f *Field) checkAnswer(v string, rf *ReferenceFormat) Text {
	v = strings.TrimSpace(v)
	if v == "" {
		if f.Required {
			return Msg("form.answer_needed", nil)
		}
		return Text{}
	}
	if !utf8.ValidString(v) {
		return Msg("error.answer.unreadable", nil)
	}
	switch f.Type {
	case FieldYesNo:
		if _, ok := f.YesNo(v); !ok && f.Unsure {
			return Msg("error.answer.yes_no_unsure", nil)
		} else if !ok {
			return Msg("error.answer.yes_no", nil)
		}
	case FieldSelect, FieldAgency:
		if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == v }) {
			return Msg("error.answer.option", nil)
		}
	case FieldCheckboxes:
		for _, part := range splitList(v) {
			if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == part }) {
				return Msg("error.answer.not_an_option", messages.Args{"answer": strconv.Quote(part)})
			}
		}
	case FieldText, FieldTextarea, FieldPerson:
		if f.MaxLen > 0 && utf8.RuneCountInString(v) > f.MaxLen {
			return Msg("error.text.too_long", messages.Args{"max": f.MaxLen, "length": utf8.RuneCountInString(v)})
		}
	}
	if f.Key == FieldChildRef {
		return CheckReference(v, rf)
	}
	return Text{}
}

// ParseYesNo reads yes/no answers in the forms people type.
func ParseYesNo(v string) (yes bool, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "y", "true":
		return true, true
	case "no", "n", "false":
		return false, true
	}
	return false, false
}

// NotSure is the value of the "Not sure" answer of a yes/no field that
// offers one (Field.Unsure).
const NotSure = "not_sure"

// ParseNotSure reports whether an answer means "not sure", however typed:
// "not sure", "unsure", "don't know", "maybe".
func ParseNotSure(v string) bool {
	v = strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(v, "_", " "))), " ")
	v = strings.NewReplacer("’", "'", ".", "", "!", "").Replace(v)
	switch v {
	case "not sure", "unsure", "don't know", "dont know", "i don't know", "i dont know", "maybe", "not certain", "i'm not sure", "im not sure", "perhaps", "possibly", "?":
		return true
	}
	return false
}

// YesNo reads an answer to a yes/no field: yes or no as ParseYesNo reads
// them, and, where the field offers it, "not sure" as yes.
func (f *Field) YesNo(v string) (yes, ok bool) {
	if yes, ok := ParseYesNo(v); ok {
		return yes, true
	}
	if f.Unsure && ParseNotSure(v) {
		return true, true
	}
	return false, false
}

// ImmediateRisk reports whether intake answers say a child may be at
// immediate risk: yes, or not sure, which is treated as yes and pointed to
// the front door.
func ImmediateRisk(values map[string]string) bool {
	v := values[FieldImmediateRisk]
	yes, _ := ParseYesNo(v)
	return yes || ParseNotSure(v)
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseIntake validates the values of an intake form. When an answer leads
// out of the ladder (immediate risk, a conference decision, one's own
// organisation) the rest is not required and the input's Route says where to
// go. Returns an EINVALID error with one message per field otherwise.
func ParseIntake(f *Form, values map[string]string) (RaiseInput, error) {
	get := func(k string) string { return strings.TrimSpace(values[k]) }
	fe := FieldErrors{}
	check := func(k string) {
		if fd := f.Field(k); fd != nil {
			if msg := f.CheckAnswer(k, values[k], values); msg.Key != "" {
				fe.Add(k, msg)
			}
		}
	}
	check(FieldImmediateRisk)
	var in RaiseInput
	in.ImmediateRisk = ImmediateRisk(values)
	if len(fe) > 0 || in.ImmediateRisk {
		return in, fe.Err()
	}
	check(FieldAbout)
	in.About = get(FieldAbout)
	if len(fe) > 0 || in.Route() != "" {
		return in, fe.Err()
	}
	for _, fd := range f.Fields {
		check(fd.Key)
	}
	in.ChildRef = get(FieldChildRef)
	in.RaiserAgency = get(FieldRaiserAgency)
	in.RespondentID = get(FieldRespondent)
	in.RespondentAgency = get(FieldRespondentAgency)
	in.Category = get(FieldCategory)
	in.Decision = get(FieldDecision)
	in.Concern = get(FieldConcern)
	in.EvidenceKind = EvidenceKind(get(FieldEvidenceKind))
	in.Evidence = get(FieldEvidence)
	in.OutcomeSought = get(FieldOutcomeSought)
	in.Urgency = Urgency(get(FieldUrgency))
	for _, r := range splitList(get(FieldReflection)) {
		switch r {
		case ReflectionDiscussedWithLead:
			in.Reflection.DiscussedWithLead = true
		case ReflectionChildBestInterest:
			in.Reflection.ChildBestInterest = true
		case ReflectionMotivationConsidered:
			in.Reflection.MotivationConsidered = true
		}
	}
	in.FamilyInformed, _ = ParseYesNo(get(FieldFamilyInformed))
	in.CrossBorder = get(FieldCrossBorder)
	in.SeriousConcern, _ = ParseYesNo(get(FieldSeriousConcern))
	return in, fe.Err()
}
