package conversation

import (
	"fmt"
	"slices"
	"strings"
)

// Tiers pair one person from each side at the same level of seniority.
const (
	TierProfessional  = "professional"
	TierManager       = "manager"
	TierSeniorManager = "senior_manager"
	TierLeader        = "leader"
	TierPartnership   = "partnership"
)

// Stage is one rung of a partnership's ladder.
type Stage struct {
	Key            string `yaml:"key" json:"key"`
	Name           string `yaml:"name" json:"name"`
	RaiserTier     string `yaml:"raiser_tier" json:"raiser_tier"`
	RespondentTier string `yaml:"respondent_tier" json:"respondent_tier"`
	Days           int    `yaml:"days" json:"days"`               // working days to resolve
	UrgentDays     int    `yaml:"urgent_days" json:"urgent_days"` // working days when urgent
	AckDays        int    `yaml:"ack_days" json:"ack_days"`       // working days to acknowledge
	Guidance       string `yaml:"guidance" json:"guidance"`
}

// Referral is the formal referral to the partnership above the ladder.
type Referral struct {
	Name     string `yaml:"name" json:"name"`         // e.g. "Referral to the Practice Development Group"
	Body     string `yaml:"body" json:"body"`         // the body that hears it, e.g. "Practice Development Group"
	Role     string `yaml:"role" json:"role"`         // who receives it, e.g. "partnership manager"
	Days     int    `yaml:"days" json:"days"`         // working days to consider it
	AckDays  int    `yaml:"ack_days" json:"ack_days"` // working days to acknowledge
	Guidance string `yaml:"guidance" json:"guidance"`
	// AcceptGuidance tells the partnership's role what accepting a referral
	// leads to, as the document describes it; empty uses a general sentence.
	AcceptGuidance string `yaml:"accept_guidance,omitempty" json:"accept_guidance,omitempty"`
	// ReturnGuidance tells the partnership's role when and how a referral
	// goes back with advice; empty shows none.
	ReturnGuidance string `yaml:"return_guidance,omitempty" json:"return_guidance,omitempty"`
}

// Routes are the ways out of the ladder: where a person is sent instead of
// opening a case.
type Routes struct {
	FrontDoor          string `yaml:"front_door" json:"front_door"`                   // children's services front door number
	Police             string `yaml:"police" json:"police"`                           // police non-emergency number
	Emergency          string `yaml:"emergency" json:"emergency"`                     // 999
	DissentProcedure   string `yaml:"dissent_procedure" json:"dissent_procedure"`     // where the CP conference dissent procedure lives
	Whistleblowing     string `yaml:"whistleblowing" json:"whistleblowing"`           // the whistleblowing policy
	PartnershipContact string `yaml:"partnership_contact" json:"partnership_contact"` // email or phone of the partnership
	Mediation          string `yaml:"mediation" json:"mediation"`                     // who offers mediation or a facilitator
	// RequestForSupport is the partnership's way to ask children's services
	// for support about a child who is not at immediate risk (Devon's
	// "request for support online form"), shown beside the front door.
	RequestForSupport string `yaml:"request_for_support,omitempty" json:"request_for_support,omitempty"`
}

// Category is one kind of disagreement a partnership recognises.
type Category struct {
	Key  string `yaml:"key" json:"key"`
	Name string `yaml:"name" json:"name"`
}

// DefaultCategories are the categories named in the source protocols.
func DefaultCategories() []Category {
	return []Category{
		{Key: "threshold", Name: "Threshold, level of need or risk"},
		{Key: "roles", Name: "Roles and responsibilities"},
		{Key: "communication", Name: "Communication and information sharing"},
		{Key: "services", Name: "Provision of services"},
		{Key: "plans", Name: "Action or lack of action on plans"},
		{Key: "step", Name: "Step up, step down or closure"},
		{Key: "meetings", Name: "Decisions at multi-agency meetings"},
	}
}

// Protocol is one partnership's case resolution protocol.
type Protocol struct {
	Key         string `yaml:"key" json:"key"`
	Name        string `yaml:"name" json:"name"`               // e.g. "Case Resolution Protocol"
	Partnership string `yaml:"partnership" json:"partnership"` // e.g. "Devon Safeguarding Children Partnership"
	// PartnershipShort is the partnership's short name, e.g. "Devon SCP",
	// for where space is tight (the developer name of the Teams app).
	PartnershipShort string     `yaml:"partnership_short,omitempty" json:"partnership_short,omitempty"`
	Stages           []Stage    `yaml:"stages" json:"stages"`
	Referral         Referral   `yaml:"referral" json:"referral"`
	Routes           Routes     `yaml:"routes" json:"routes"`
	Categories       []Category `yaml:"categories" json:"categories"`

	// AnnualReportTo is who the protocol's annual report is tabled with,
	// as the document names them, e.g. "the Partnership Executive Group";
	// empty when the document names no one.
	AnnualReportTo string `yaml:"annual_report_to,omitempty" json:"annual_report_to,omitempty"`

	// Conference, when set, says that disagreements about decisions made
	// at multi-agency meetings, child protection conferences included, are
	// handled inside this protocol: intake opens a case in its category
	// instead of sending the person to a dissent procedure. When nil, a
	// conference decision leads out to Routes.DissentProcedure.
	Conference *Conference `yaml:"conference,omitempty" json:"conference,omitempty"`

	// SeriousConcern, when set, names the partnership role a serious
	// concern is logged with at once and who decides whether a broader
	// deep dive is needed (see SeriousConcernRoute). When nil, a serious
	// concern is logged with every partnership role and no deep-dive
	// decision is recorded.
	SeriousConcern *SeriousConcernRoute `yaml:"serious_concern,omitempty" json:"serious_concern,omitempty"`

	// Observations, when set, says who reports inter-agency differences
	// seen in conferences and reviews, and to whom (see
	// ObservedDifferences); nil when the document names no such report.
	Observations *ObservedDifferences `yaml:"observations,omitempty" json:"observations,omitempty"`

	// Guidance is the protocol's own advice to someone about to raise a
	// disagreement, from its document, shown before the intake questions;
	// empty shows none.
	Guidance string `yaml:"guidance,omitempty" json:"guidance,omitempty"`

	// Reflection words the intake's "Before raising it, I have…"
	// checklist as the document does. Each key is one of ReflectionKeys;
	// when empty, the catalogue's checklist (intake.reflection.*) is asked.
	Reflection []ReflectionCheck `yaml:"reflection,omitempty" json:"reflection,omitempty"`

	// ActionReminderDays is how many working days before an agreed
	// action falls due its owner is reminded: 0 for the default
	// (DefaultActionReminderDays), negative for no reminder before the
	// due date (the owner is still reminded on it).
	ActionReminderDays int `yaml:"action_reminder_days,omitempty" json:"action_reminder_days,omitempty"`

	// Messages overrides the bot's wording for this partnership: each key
	// is a key of the message catalogue (bot/messages/en/), or
	// "key.one", "key.other" for a form of a plural text, and each value
	// its new text, with the same placeholders. Config checks them.
	Messages map[string]string `yaml:"messages,omitempty" json:"messages,omitempty"`
}

// ReflectionCheck is one item of the reflection checklist: its key (one of
// ReflectionKeys, which the case keeps) and the words shown for it.
type ReflectionCheck struct {
	Key   string `yaml:"key" json:"key"`
	Label string `yaml:"label" json:"label"`
}

// Keys of the reflection checklist, as kept on a case (Reflection).
const (
	ReflectionDiscussedWithLead    = "discussed_with_lead"
	ReflectionChildBestInterest    = "child_best_interest"
	ReflectionMotivationConsidered = "motivation_considered"
)

// ReflectionKeys are the keys a protocol's reflection checklist may use.
func ReflectionKeys() []string {
	return []string{ReflectionDiscussedWithLead, ReflectionChildBestInterest, ReflectionMotivationConsidered}
}

// defaultReflection is the reflection checklist of a protocol that words
// none of its own, in p's wording (the catalogue's intake.reflection.*).
func defaultReflection(p *Protocol) []ReflectionCheck {
	w := p.Wording()
	return []ReflectionCheck{
		{Key: ReflectionDiscussedWithLead, Label: w.Text("intake.reflection.discussed_with_lead", nil)},
		{Key: ReflectionChildBestInterest, Label: w.Text("intake.reflection.child_best_interest", nil)},
		{Key: ReflectionMotivationConsidered, Label: w.Text("intake.reflection.motivation_considered", nil)},
	}
}

// ReflectionChecks returns the protocol's reflection checklist, or
// the catalogue's (intake.reflection.*, in the protocol's wording) when it
// words none.
func (p *Protocol) ReflectionChecks() []ReflectionCheck {
	if len(p.Reflection) == 0 {
		return defaultReflection(p)
	}
	return p.Reflection
}

// Conference is how a protocol that covers conference decisions handles
// them: the category such cases take, the guidance shown on them, and the
// intake's answer for them.
type Conference struct {
	Category string `yaml:"category" json:"category"`
	Guidance string `yaml:"guidance" json:"guidance"`
	// Answer words the intake's answer for such a decision, as the
	// document names the meetings it covers; empty uses a general one.
	Answer string `yaml:"answer,omitempty" json:"answer,omitempty"`
}

// ConferenceAnswer returns the intake's answer for a conference decision
// under a protocol that keeps them inside: the protocol's own words
// (Conference.Answer), or the catalogue's general one.
func (p *Protocol) ConferenceAnswer() string {
	if p.Conference != nil {
		if a := strings.TrimSpace(p.Conference.Answer); a != "" {
			return a
		}
	}
	return p.Wording().Text("intake.about.conference", nil)
}

// ReferralStageKey is the stage key a case takes when referred to the partnership.
const ReferralStageKey = "partnership"

// StageIndex returns the ladder position of key, len(Stages) for the
// partnership referral, and -1 when key is unknown.
func (p *Protocol) StageIndex(key string) int {
	if key == ReferralStageKey {
		return len(p.Stages)
	}
	for i, s := range p.Stages {
		if s.Key == key {
			return i
		}
	}
	return -1
}

// StageName returns the display name of a stage key.
func (p *Protocol) StageName(key string) string {
	if key == ReferralStageKey {
		if p.Referral.Name != "" {
			return p.Referral.Name
		}
		return p.Wording().Text("label.stage.referral", nil)
	}
	for _, s := range p.Stages {
		if s.Key == key {
			return s.Name
		}
	}
	return key
}

// StageNumber returns the 1-based position of a stage for display.
func (p *Protocol) StageNumber(key string) int { return p.StageIndex(key) + 1 }

// CategoryName returns the display name of a category key.
func (p *Protocol) CategoryName(key string) string {
	for _, c := range p.Categories {
		if c.Key == key {
			return c.Name
		}
	}
	return key
}

// Problems are what is wrong with a configuration, one sentence per
// setting, for whoever deploys the bot. They are in English, as all of the
// configuration's problems are (package config reports them), and never
// reach the people using the bot.
type Problems map[string]string

// Add records msg for setting unless it already has a problem.
func (p Problems) Add(setting, msg string) {
	if _, ok := p[setting]; !ok {
		p[setting] = msg
	}
}

// Validate checks the protocol is usable and returns every problem by its
// setting, or nil when there is none.
func (p *Protocol) Validate() Problems {
	fe := Problems{}
	if len(p.Stages) == 0 {
		fe.Add("stages", "at least one stage is needed")
	}
	seen := map[string]bool{}
	for i, s := range p.Stages {
		at := fmt.Sprintf("stages[%d]", i)
		switch {
		case s.Key == "":
			fe.Add(at+".key", "a stage needs a key")
		case s.Key == ReferralStageKey:
			fe.Add(at+".key", "the key \"partnership\" is kept for the referral")
		case seen[s.Key]:
			fe.Add(at+".key", "the key "+s.Key+" is used twice")
		}
		seen[s.Key] = true
		if s.Name == "" {
			fe.Add(at+".name", "a stage needs a name")
		}
		if s.Days < 1 || s.UrgentDays < 1 || s.AckDays < 1 {
			fe.Add(at+".days", "days, urgent_days and ack_days must each be at least 1")
		}
		if s.UrgentDays > s.Days {
			fe.Add(at+".urgent_days", "the urgent timescale cannot be longer than the standard one")
		}
		for _, t := range []string{s.RaiserTier, s.RespondentTier} {
			if !validTier(t) {
				fe.Add(at+".tier", fmt.Sprintf("unknown tier %q", t))
			}
		}
	}
	if p.Referral.Days < 1 || p.Referral.AckDays < 1 {
		fe.Add("referral.days", "days and ack_days must each be at least 1")
	}
	if p.Referral.Body == "" {
		fe.Add("referral.body", "name the partnership body that hears referrals")
	}
	if p.Routes.FrontDoor == "" {
		fe.Add("routes.front_door", "the front door number is needed for the immediate-risk route")
	}
	if p.Routes.Emergency == "" {
		fe.Add("routes.emergency", "the emergency number is needed")
	}
	if len(p.Categories) == 0 {
		fe.Add("categories", "at least one category is needed")
	}
	seenCheck := map[string]bool{}
	for i, r := range p.Reflection {
		at := fmt.Sprintf("reflection[%d]", i)
		switch {
		case !slices.Contains(ReflectionKeys(), r.Key):
			fe.Add(at+".key", fmt.Sprintf("unknown reflection key %q (use %s)", r.Key, strings.Join(ReflectionKeys(), ", ")))
		case seenCheck[r.Key]:
			fe.Add(at+".key", "the key "+r.Key+" is used twice")
		}
		seenCheck[r.Key] = true
		if strings.TrimSpace(r.Label) == "" {
			fe.Add(at+".label", "a reflection item needs a label")
		}
	}
	if p.Conference != nil && p.CategoryName(p.Conference.Category) == p.Conference.Category {
		fe.Add("conference.category", fmt.Sprintf("the conference category %q is not one of the categories", p.Conference.Category))
	}
	if p.Conference == nil && strings.TrimSpace(p.Routes.DissentProcedure) == "" {
		fe.Add("routes.dissent_procedure", "conference decisions lead out to the dissent procedure, which is not named: name it, or set conference to keep them inside the protocol")
	}
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func validTier(t string) bool {
	switch t {
	case TierProfessional, TierManager, TierSeniorManager, TierLeader:
		return true
	}
	return false
}
