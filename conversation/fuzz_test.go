package conversation_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/config"
	c "github.com/resolvebot/resolvebot/conversation"
)

// fuzzSep separates the answers of a fuzzed intake, one per field in the
// form's order.
const fuzzSep = "\x1e"

// FuzzIntake fills the intake form with arbitrary answers (seeded from a
// valid intake and its edge cases) and checks ParseIntake and
// Field.CheckAnswer agree: an accepted intake has every answer acceptable
// to its field (a reference with a digit and no odd characters, choices
// from the options, texts within their lengths, valid UTF-8); a refused one
// is EINVALID with messages only on fields of the form. Run it with
//
//	go test ./conversation -run '^$' -fuzz '^FuzzIntake$' -fuzztime 5m
func FuzzIntake(f *testing.F) {
	p, err := config.Preset(config.PresetKeys()[0])
	if err != nil {
		f.Fatal(err)
	}
	form := c.IntakeForm(&p, []c.Option{{Value: "school", Label: "School"}, {Value: "csc", Label: "Children's social care"}})
	valid := map[string]string{
		c.FieldImmediateRisk: "no", c.FieldAbout: c.AboutOtherAgency, c.FieldChildRef: "CSC-204913",
		c.FieldRaiserAgency: "school", c.FieldRespondent: "jo.reed@csc.example.org", c.FieldRespondentAgency: "csc",
		c.FieldCategory: p.Categories[0].Key, c.FieldDecision: "The referral was closed with no further action.",
		c.FieldConcern: "Attendance has fallen.", c.FieldEvidenceKind: string(c.EvidenceDocumented),
		c.FieldEvidence: "Attendance records.", c.FieldOutcomeSought: "A strategy discussion.",
		c.FieldUrgency: string(c.UrgencyStandard), c.FieldReflection: "discussed_with_lead,child_best_interest",
		c.FieldFamilyInformed: "yes", c.FieldCrossBorder: "", c.FieldSeriousConcern: "no",
	}
	join := func(m map[string]string) string {
		var parts []string
		for _, fd := range form.Fields {
			parts = append(parts, m[fd.Key])
		}
		return strings.Join(parts, fuzzSep)
	}
	f.Add(join(valid))
	for k, v := range map[string]string{
		c.FieldImmediateRisk: "YES", c.FieldAbout: c.AboutCPConference, c.FieldChildRef: "Jane Smith",
		c.FieldConcern: strings.Repeat("x", 5000), c.FieldReflection: "discussed_with_lead,nonsense",
		c.FieldUrgency: "", c.FieldCategory: "\xff", c.FieldDecision: " \t\n ",
	} {
		m := map[string]string{}
		for kk, vv := range valid {
			m[kk] = vv
		}
		m[k] = v
		f.Add(join(m))
	}
	f.Fuzz(func(t *testing.T, blob string) {
		values := map[string]string{}
		for i, v := range strings.Split(blob, fuzzSep) {
			if i < len(form.Fields) {
				values[form.Fields[i].Key] = v
			}
		}
		in, err := c.ParseIntake(&form, values)
		if err != nil {
			if c.ErrorCode(err) != c.EINVALID {
				t.Fatalf("error code %s: %v", c.ErrorCode(err), err)
			}
			fields := fieldsSaid(err)
			if len(fields) == 0 {
				t.Fatalf("refused with no field named: %v", err)
			}
			for k, msg := range fields {
				if form.Field(k) == nil || msg == "" {
					t.Fatalf("error on %q, not a field of the form: %q", k, msg)
				}
			}
			return
		}
		if in.Route() != "" {
			return // the rest is not asked
		}
		for _, fd := range form.Fields {
			v := values[fd.Key]
			if msg := english(fd.CheckAnswer(v)); msg != "" {
				t.Fatalf("accepted %s=%q, which CheckAnswer refuses: %s", fd.Key, v, msg)
			}
			if !utf8.ValidString(strings.TrimSpace(v)) {
				t.Fatalf("accepted invalid UTF-8 in %s", fd.Key)
			}
			if fd.MaxLen > 0 && utf8.RuneCountInString(strings.TrimSpace(v)) > fd.MaxLen {
				t.Fatalf("accepted %s of %d characters, over %d", fd.Key, utf8.RuneCountInString(v), fd.MaxLen)
			}
		}
		if !strings.ContainsAny(in.ChildRef, "0123456789") && !strings.ContainsFunc(in.ChildRef, func(r rune) bool { return r > 127 }) {
			t.Fatalf("accepted a child reference without a digit: %q", in.ChildRef)
		}
		if strings.ContainsAny(in.ChildRef, "<>&@:;,\"'") {
			t.Fatalf("accepted odd characters in a child reference: %q", in.ChildRef)
		}
		if in.Category == "" || in.Urgency == "" || in.EvidenceKind == "" {
			t.Fatalf("accepted an intake without category, urgency or evidence kind: %+v", in)
		}
	})
}
