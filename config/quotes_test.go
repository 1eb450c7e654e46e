package config

import (
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// presetText picks one text out of a preset.
type presetText func(p *conversation.Protocol) string

func stage(i int) presetText {
	return func(p *conversation.Protocol) string { return p.Stages[i].Name }
}

func category(key string) presetText {
	return func(p *conversation.Protocol) string { return p.CategoryName(key) }
}

func reflection(key string) presetText {
	return func(p *conversation.Protocol) string {
		for _, r := range p.ReflectionChecks() {
			if r.Key == key {
				return r.Label
			}
		}
		return ""
	}
}

// TestPresetTextsQuoteTheirDocuments checks each preset's texts against
// the source document it comes from: each row quotes the document (checked
// against the document itself when the shared seeds are at hand) and the
// words the preset must hold for it. Stage names, roles, routes, contacts
// and categories are facts and must match.
func TestPresetTextsQuoteTheirDocuments(t *testing.T) {
	o := func(f func(*conversation.ObservedDifferences) string) presetText {
		return func(p *conversation.Protocol) string {
			if p.Observations == nil {
				return ""
			}
			return f(p.Observations)
		}
	}
	tests := []struct {
		preset, doc string
		quote       string // the document's words
		text        presetText
		want        string // what the preset's text must contain
	}{
		// Wiltshire (001).
		{"wiltshire", "001", "Professional to Professional", stage(0), "Professional to Professional"},
		{"wiltshire", "001", "Manager to Manager", stage(1), "Manager to Manager"},
		{"wiltshire", "001", "Senior Manager to Senior Manager", stage(2), "Senior Manager to Senior Manager"},
		{"wiltshire", "001", "Leader to Leader", stage(3), "Leader to Leader"},
		{"wiltshire", "001", "Where your disagreement relates to a decision made at a Child Protection Conference follow the Dissent Procedure",
			func(p *conversation.Protocol) string { return p.Routes.DissentProcedure }, "the Dissent Procedure, for a decision made at a Child Protection Conference"},
		{"wiltshire", "001", "Useful contact: WSCB: lscb@wiltshire.gov.uk", func(p *conversation.Protocol) string { return p.Routes.PartnershipContact }, "lscb@wiltshire.gov.uk"},
		{"wiltshire", "001", "external mediation can be useful when needed and can be provided either by the Independent Chair or another partner organisation best suited to the issue",
			func(p *conversation.Protocol) string { return p.Routes.Mediation }, "the Independent Chair or another partner organisation best suited to the issue"},
		{"wiltshire", "001", "they should be automatically logged with the Chair of the WSCB QA&P Sub Group",
			func(p *conversation.Protocol) string { return p.SeriousConcernRole() }, "Chair of the WSCB QA&P Sub Group"},
		{"wiltshire", "001", "He/she will make a decision about whether the issues require a broader deep dive and investigation, beyond the detail of the specific case involved",
			func(p *conversation.Protocol) string {
				if p.SeriousConcern == nil {
					return ""
				}
				return p.SeriousConcern.Guidance
			}, "broader deep dive and investigation, beyond the detail of this case"},
		{"wiltshire", "001", "they should be formally logged with the QA&P Sub Group", func(p *conversation.Protocol) string { return p.Referral.Name }, "Formal logging with the QA&P Sub Group"},
		{"wiltshire", "001", "The QA&P Sub Group will also expect the Conference and Reviewing Service to report on any examples of inter-agency difference",
			o(func(od *conversation.ObservedDifferences) string { return od.Service + " → " + od.ReportTo }), "Conference and Reviewing Service → the QA&P Sub Group"},
		{"wiltshire", "001", "a report on the development of the culture and the detail of conflicts raised and resolved will be tabled with Executive",
			func(p *conversation.Protocol) string { return p.AnnualReportTo }, "the Executive"},
		{"wiltshire", "001", "Concerns have been thought through with safeguarding leads", reflection(conversation.ReflectionDiscussedWithLead), "thought it through with my safeguarding lead"},
		{"wiltshire", "001", "Ensuring that only the best interest of children drives the escalation", reflection(conversation.ReflectionChildBestInterest), "only the child's best interest drives this"},
		{"wiltshire", "001", "Understand where there might be an over identification with one family member at the expense of another",
			reflection(conversation.ReflectionMotivationConsidered), "over-identification with one family member at the expense of another"},
		{"wiltshire", "001", "Tenacity is not the same as stubbornness or inflexibility", func(p *conversation.Protocol) string { return p.Guidance }, "Tenacity is not the same as stubbornness or inflexibility"},
		{"wiltshire", "001", "Where you are working cross border with a case the same principles as set out in this document should be applied",
			func(p *conversation.Protocol) string { return p.CrossBorderHelp() }, "the same principles apply"},

		// Devon (002, 003).
		{"devon", "002", "contact our Front Door directly by calling 0345 155 1071", func(p *conversation.Protocol) string { return p.Routes.FrontDoor }, "0345 155 1071"},
		{"devon", "002", "please complete the request for support online form", func(p *conversation.Protocol) string { return p.Routes.RequestForSupport }, "the request for support online form"},
		{"devon", "002", "the matter should be referred to the Devon Safeguarding Children Partnership Manager", func(p *conversation.Protocol) string { return p.Referral.Role }, "Devon SCP Manager"},
		{"devon", "002", "Roles and responsibilities of workers", category("roles"), "Roles and responsibilities of workers"},
		{"devon", "002", "Communication and information sharing", category("communication"), "Communication and information sharing"},
		{"devon", "002", "Provision of services", category("services"), "Provision of services"},
		{"devon", "002", "Action or lack of action progressing plans", category("plans"), "Action or lack of action progressing plans"},
		{"devon", "002", "Cases being/not being stepped up or down and/or closed", category("step"), "Cases being or not being stepped up, stepped down or closed"},
		{"devon", "003", "inter-agency difference that becomes apparent in the conduct of child protection conferences and/or children in care reviews",
			category("conferences"), "child protection conferences or children in care reviews"},
		{"devon", "003", "The PDG will also expect the Independent Reviewing Unit to report",
			o(func(od *conversation.ObservedDifferences) string { return od.Service + " → " + od.ReportTo }), "Independent Reviewing Unit → the Practice Development Group (PDG)"},
		{"devon", "002", "The Business Group will also expect the Independent Reviewing Unit to report",
			o(func(od *conversation.ObservedDifferences) string { return od.ReportTo }), "the Business Group"},
		{"devon", "003", "the Devon SCP Practice Development Group (PDG) will be able to offer a restorative facilitator",
			func(p *conversation.Protocol) string { return p.Routes.Mediation }, "a restorative facilitator offered by the Practice Development Group"},
		{"devon", "003", "will be tabled with the Partnership Executive Group", func(p *conversation.Protocol) string { return p.AnnualReportTo }, "the Partnership Executive Group"},
		{"devon", "003", "Professional difference is raised within principles of Restorative approach: Relational, Responsible, Resilient, Reflective, Respectful",
			func(p *conversation.Protocol) string { return p.Guidance }, "relational, responsible, resilient, reflective and respectful"},
		{"devon", "003", "Concerns have been discussed and reflected with safeguarding leads/managers", reflection(conversation.ReflectionDiscussedWithLead),
			"discussed and reflected on it with my safeguarding lead or manager"},

		// Rotherham (004).
		{"rotherham", "004", "Practice Resolution Protocol", func(p *conversation.Protocol) string { return p.Name }, "Practice Resolution Protocol"},
		{"rotherham", "004", "Notifications, Contacts, Referrals (including the use of threshold criteria)", category("referrals"),
			"Notifications, contacts and referrals (including threshold criteria)"},
		{"rotherham", "004", "Assessments of Need and Risk and Care Planning", category("assessment"), "Assessments of need and risk, and care planning"},
		{"rotherham", "004", "Service Provision (including visits and direct work with the family)", category("services"),
			"Service provision (including visits and direct work with the family)"},
		{"rotherham", "004", "Reviewing Care Plans for Looked After Children", category("looked_after"), "Reviewing care plans for looked after children"},
		{"rotherham", "004", "Decisions made at Multi Agency Meetings, including Child Protection Conferences and Core Groups", category("meetings"),
			"Decisions at multi-agency meetings, including child protection conferences and core groups"},
		{"rotherham", "004", "see Section 4, Challenging Practice Issues that Arise in Child Protection Conferences",
			func(p *conversation.Protocol) string { return p.ConferenceGuidance("meetings") }, "Section 4 of the protocol, Challenging Practice Issues that Arise in Child Protection Conferences"},
		{"rotherham", "004", "all efforts should be made to resolve these issues at the lowest possible level", func(p *conversation.Protocol) string { return p.Guidance }, "at the lowest level you can"},

		// Plymouth (000).
		{"plymouth", "000", "The Plymouth Safeguarding Children Partnership Case Resolution Protocol", func(p *conversation.Protocol) string { return p.Partnership + " " + p.Name },
			"Plymouth Safeguarding Children Partnership Case Resolution Protocol"},
		{"plymouth", "000", "A useful question to help start a conversation is, ‘Can you help me understand why that decision was made?’",
			func(p *conversation.Protocol) string { return p.Stages[0].Guidance }, "Can you help me understand why that decision was made?"},
		{"plymouth", "000", "from frontline practitioners through to senior and strategic managers", stage(0), "Frontline practitioner to frontline practitioner"},
		{"plymouth", "000", "from frontline practitioners through to senior and strategic managers", stage(3), "Strategic manager to strategic manager"},
	}
	for _, tt := range tests {
		t.Run(tt.preset+"/"+tt.want, func(t *testing.T) {
			quoted(t, seed(t, tt.doc), tt.quote)
			p := loadPreset(t, tt.preset)
			if got := tt.text(p); !strings.Contains(got, tt.want) {
				t.Errorf("%s's text %q does not say %q (the document: %q)", tt.preset, got, tt.want, tt.quote)
			}
		})
	}
}

// TestPresetsSayNothingTheirDocumentsDoNot: words that belong to one
// document appear in no other preset's texts; where the owner is named its
// document says them, and no preset says what no document does.
func TestPresetsSayNothingTheirDocumentsDoNot(t *testing.T) {
	tests := []struct {
		phrase string
		owner  string // the only preset that may say it; "" for none
		doc    string // the owner's document
	}{
		{"restorative", "devon", "003"},
		{"Practice Development Group", "devon", "003"},
		{"Independent Reviewing Unit", "devon", "003"},
		{"Dissent Procedure", "wiltshire", "001"},
		{"QA&P", "wiltshire", "001"},
		{"deep dive", "wiltshire", "001"},
		{"Conference and Reviewing Service", "wiltshire", "001"},
		{"Section 4", "rotherham", "004"},
		{"core group", "rotherham", "004"},
		{"neglect", "plymouth", "000"},
		{"help me understand why that decision was made", "plymouth", "000"},
		{"conference chair first", "", ""},
		{"restorative facilitator", "devon", "003"},
	}
	for _, tt := range tests {
		if tt.doc != "" {
			quoted(t, strings.ToLower(seed(t, tt.doc)), strings.ToLower(tt.phrase))
		}
		for _, key := range PresetKeys() {
			if key == tt.owner {
				continue
			}
			p := loadPreset(t, key)
			for _, text := range allTexts(p) {
				if strings.Contains(strings.ToLower(text), strings.ToLower(tt.phrase)) {
					t.Errorf("%s says %q, which only %s's document says: %q", key, tt.phrase, or(tt.owner, "no"), text)
				}
			}
		}
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// loadPreset returns a preset's protocol as a configuration naming it gets it.
func loadPreset(t *testing.T, key string) *conversation.Protocol {
	t.Helper()
	cfg, _ := mustLoad(t, Options{Path: writeFile(t, "partnership: "+key+"\n")})
	return &cfg.Protocol
}

// allTexts returns every text of a protocol that people read.
func allTexts(p *conversation.Protocol) []string {
	out := []string{p.Name, p.Partnership, p.PartnershipShort, p.AnnualReportTo, p.Guidance,
		p.Referral.Name, p.Referral.Body, p.Referral.Role, p.Referral.Guidance, p.Referral.AcceptGuidance, p.Referral.ReturnGuidance,
		p.Routes.FrontDoor, p.Routes.Police, p.Routes.DissentProcedure, p.Routes.Whistleblowing, p.Routes.PartnershipContact,
		p.Routes.Mediation, p.Routes.RequestForSupport, p.CrossBorderHelp()}
	for _, s := range p.Stages {
		out = append(out, s.Name, s.Guidance)
	}
	for _, c := range p.Categories {
		out = append(out, c.Name)
	}
	for _, r := range p.ReflectionChecks() {
		out = append(out, r.Label)
	}
	if c := p.Conference; c != nil {
		out = append(out, c.Guidance, c.Answer)
	}
	if s := p.SeriousConcern; s != nil {
		out = append(out, s.Role, s.Guidance)
	}
	if o := p.Observations; o != nil {
		out = append(out, o.Service, o.Role, o.ReportTo)
	}
	return out
}
