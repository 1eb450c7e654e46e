package conversation

import (
	"strings"
	"testing"
)

// Real-looking references from the agencies of a partnership: each must be
// accepted by the generic rules.
func TestCheckReferenceAcceptsAgencyReferences(t *testing.T) {
	for _, ref := range []string{
		"CSC-123456", "csc-123456", "LCS 1234567", "MOSAIC 123456", "Mosaic 123456", "ECM/12345", "2026/00123",
		"SCH-0042", "CRN 12/3456/26", "EHM-778812", "CAMHS 40021", "Ref 556677", "EH/2026/0456",
		"1234567", "123456", "CP-2026-0113", "MARAC 2026 0031", "YOT_44512", "1234567890", // fails the NHS check
		"POL 44/12345/26", "CIN 00876", "NE-12345-A", "P-2026-000123", "CP/2026/045", "A123456", "Mosaic ID 1234567", "EHCP 2024 1187", "HV.55123", "Case No 889012", "UPN A12345678901",
		"CSC123456", "csc123456", "ECM12345", "Mosaic123456", "SCH0042A",
	} {
		if msg := english(CheckReference(ref, nil)); msg != "" {
			t.Errorf("english(CheckReference(%q)) refused a reference: %s", ref, msg)
		}
	}
}

// Each of these passed the old check (letters, digits and separators with
// one digit) and would have shown a child's name, date of birth, NHS number,
// postcode or address on the other side's card, in list and in the PDF.
func TestCheckReferenceRefusesIdentifiers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Jayden Smith 12/03/2015", "a date of birth"},
		{"Jayden Smith 2015", "a name"},
		{"jayden smith 1", "a name"},
		{"jo ali 123", "a name"},
		{"Smith 123456", "a name"},
		{"J Smith 1234", "a name"},
		{"Jayden 12", "a name"},
		{"SMITH JAYDEN 2201", "a name"},
		{"AMELIA-2015", "a name"},
		{"Ali 4412", "a name"},
		{"Olivia.Brown.1", "a name"},
		{"Oliver2019", "a name"}, // a name touching a number was one word of letters and digits
		{"2019oliver", "a name"},
		{"SMITH123", "a name"},
		{"CSC123Jayden", "a name"},
		{"12/03/2015", "a date of birth"},
		{"12/3/15", "a date of birth"},
		{"12-03-2015", "a date of birth"},
		{"12.03.2015", "a date of birth"},
		{"12 03 2015", "a date of birth"},
		{"2015-03-12", "a date of birth"},
		{"CSC 2015/03/12", "a date of birth"},
		{"12032015", "a date of birth"},
		{"20150312", "a date of birth"},
		{"12 March 2015", "a date of birth"},
		{"12th Mar 2015", "a date of birth"},
		{"12Mar2015", "a date of birth"},
		{"March 12 2015", "a date of birth"},
		{"Mar 2015", "a date of birth"},
		{"DOB 2015", "a date of birth"},
		{"CSC-123 DOB 1.3.15", "a date of birth"},
		{"943 476 5919", "NHS number"},
		{"9434765919", "NHS number"},
		{"943-476-5919", "NHS number"},
		{"CSC-9434765919", "NHS number"},
		{"BS1 4DJ", "a postcode"},
		{"PL1 2AA 123", "a postcode"},
		{"sw1a1aa", "a postcode"},
		{"12 Acacia Avenue", "an address"},
		{"12 acacia avenue", "an address"},
		{"Flat 3 44 High St", "an address"},
		{"4 Mill Lane", "an address"},
		{"07700 900123", "a phone number"},
		{"CSC 12", "digits from your agency"},
	} {
		msg := english(CheckReference(tc.in, nil))
		if !strings.Contains(msg, tc.want) {
			t.Errorf("english(CheckReference(%q)) = %q, want a message about %s", tc.in, msg, tc.want)
			continue
		}
		if !strings.Contains(msg, DefaultReferenceExample) {
			t.Errorf("english(CheckReference(%q)) = %q: shows no example of a reference", tc.in, msg)
		}
		if strings.Contains(msg, tc.in) {
			t.Errorf("english(CheckReference(%q)) repeats what was typed: %q", tc.in, msg)
		}
	}
}

func TestCheckReferenceWithAgencyFormats(t *testing.T) {
	rf, err := CompileReferenceFormat([]string{`CSC-\d{6}`, `ECM/\d{5}`}, "CSC-123456")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		want string // "" when accepted
	}{
		{"CSC-654321", ""},
		{"csc-654321", ""},
		{"ECM/12345", ""},
		{"LCS 1234567", "such as CSC-123456"},   // another agency's shape
		{"CSC-1234567", "such as CSC-123456"},   // too long for the pattern
		{"Jayden 123456", "such as CSC-123456"}, // a name matches no format
		{"CSC-12/03/15", "a date of birth"},
		{"9434765919", "NHS number"},
	} {
		got := english(CheckReference(tc.in, rf))
		switch {
		case tc.want == "" && got != "":
			t.Errorf("english(CheckReference(%q)) with formats refused: %s", tc.in, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("english(CheckReference(%q)) with formats = %q, want %q in it", tc.in, got, tc.want)
		}
	}
	// A format may allow what the generic rules would not, such as a long
	// word of capitals.
	rf2, err := CompileReferenceFormat([]string{`RIVERSIDE-\d{4}`}, "RIVERSIDE-0042")
	if err != nil {
		t.Fatal(err)
	}
	if msg := english(CheckReference("RIVERSIDE-0101", rf2)); msg != "" {
		t.Errorf("a reference matching the agency's format was refused: %s", msg)
	}
	if msg := english(CheckReference("RIVERSIDE-0101", nil)); msg == "" {
		t.Error("without formats, a long capital word should read as a name")
	}
}

func TestCompileReferenceFormatErrors(t *testing.T) {
	for _, tc := range []struct {
		patterns []string
		example  string
		want     string
	}{
		{[]string{`CSC-(\d{6}`}, "CSC-123456", "not a valid pattern"},
		{[]string{`CSC-\d{6}`}, "", "reference_example is needed"},
		{[]string{`CSC-\d{6}`}, "LCS-123456", "matches none"},
		{[]string{`\d{10}`}, "9434765919", "would be refused as a case reference"},
	} {
		_, err := CompileReferenceFormat(tc.patterns, tc.example)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CompileReferenceFormat(%q, %q) = %v, want %q", tc.patterns, tc.example, err, tc.want)
		}
	}
}

// The intake form checks the reference against the formats of the agency
// answered as the raiser's; another agency's reference uses its own.
func TestFormCheckAnswerUsesRaiserAgencyFormats(t *testing.T) {
	rf, err := CompileReferenceFormat([]string{`CSC-\d{6}`}, "CSC-123456")
	if err != nil {
		t.Fatal(err)
	}
	f := IntakeForm(&Protocol{}, []Option{{Value: "csc", Label: "CSC"}, {Value: "school", Label: "School"}})
	f.ReferenceFormats = map[string]*ReferenceFormat{"csc": rf}
	if msg := english(f.CheckAnswer(FieldChildRef, "SCH-0042", map[string]string{FieldRaiserAgency: "csc"})); !strings.Contains(msg, "CSC-123456") {
		t.Errorf("a school-shaped reference for social care: %q", msg)
	}
	if msg := english(f.CheckAnswer(FieldChildRef, "SCH-0042", map[string]string{FieldRaiserAgency: "school"})); msg != "" {
		t.Errorf("the school has no formats, so the generic rules apply: %q", msg)
	}
	// Before the agency question is answered, the person's own agency
	// (the question's default) decides.
	f.Field(FieldRaiserAgency).Default = "csc"
	if msg := english(f.CheckAnswer(FieldChildRef, "SCH-0042", map[string]string{})); !strings.Contains(msg, "CSC-123456") {
		t.Errorf("before the agency question, the person's own agency's formats apply: %q", msg)
	}
}

// A reference is checked as it will be saved: hidden characters are
// removed first, so they neither hide a name nor refuse a good reference.
func TestCheckReferenceLooksThroughHiddenCharacters(t *testing.T) {
	if msg := english(CheckReference("CSC-12\u200b3456", nil)); msg != "" {
		t.Errorf("a reference with a zero-width space is refused: %s", msg)
	}
	if msg := english(CheckReference("Jay\u200bden Smith 2015", nil)); !strings.Contains(msg, "a name") {
		t.Errorf("a name split by a zero-width space: %q", msg)
	}
	if msg := english(CheckReference("CSC-\u202e123456", nil)); !strings.Contains(msg, "hidden characters") {
		t.Errorf("a direction override: %q", msg)
	}
}
