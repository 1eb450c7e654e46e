package conversation

import (
	"slices"
	"testing"
)

func TestValidNHSNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"9434765919", true},  // the commonly published test number
		{"4010232137", true},  // remainder gives check digit 7
		{"4505577104", true},  // check digit 4
		{"9434765918", false}, // wrong check digit
		{"4010232138", false},
		{"1234567890", false}, // check digit would be 10: never valid
		{"1234567891", false},
		{"943476591", false},   // nine digits
		{"94347659190", false}, // eleven digits
		{"94347659a9", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidNHSNumber(tt.in); got != tt.want {
			t.Errorf("ValidNHSNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDetectIdentifiers(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []IdentifierKind
	}{
		{"empty", "", nil},
		{"plain concern", "Attendance has fallen and the child arrives hungry most days.", nil},
		{"agency reference", "Our reference is CSC-204913 and the case is CR-2026-0042.", nil},
		{"meeting date is not a birth date", "The strategy meeting on 12/03/2026 closed the referral.", nil},
		{"counts and years", "Seen 3 times in 2025; 14 missed sessions out of 120.", nil},
		{"nhs number together", "NHS no 9434765919 on file", []IdentifierKind{IdentifierNHSNumber}},
		{"nhs number spaced", "NHS 943 476 5919.", []IdentifierKind{IdentifierNHSNumber}},
		{"nhs number hyphens", "ref 401-023-2137", []IdentifierKind{IdentifierNHSNumber}},
		{"ten digits with a bad check digit", "number 9434765918", nil},
		{"ten digits never valid", "number 1234567890", nil},
		{"postcode", "Lives near PL4 8AA with an aunt.", []IdentifierKind{IdentifierPostcode}},
		{"postcode no space lower case", "moved to sw1a1aa last week", []IdentifierKind{IdentifierPostcode}},
		{"postcode London style", "address EC1A 1BB", []IdentifierKind{IdentifierPostcode}},
		{"dob numeric", "DOB: 04/05/2017", []IdentifierKind{IdentifierDateOfBirth}},
		{"dob words", "born on 4th May 2017", []IdentifierKind{IdentifierDateOfBirth}},
		{"date of birth iso", "date of birth 2017-05-04", []IdentifierKind{IdentifierDateOfBirth}},
		{"dob month first", "D.O.B. May 4, 2017", []IdentifierKind{IdentifierDateOfBirth}},
		{"email", "Ask jo.bloggs@example.org for the notes", []IdentifierKind{IdentifierEmail}},
		{"mobile", "mum's mobile is 07700 900123", []IdentifierKind{IdentifierPhone}},
		{"landline", "call 01632 960 123", []IdentifierKind{IdentifierPhone}},
		{"international", "on +44 7700 900123", []IdentifierKind{IdentifierPhone}},
		{"several kinds, reported once each in order",
			"Email a@b.co or ring 07700900123; NHS 9434765919, DOB 1/2/2016, TQ1 1AA, also c@d.org",
			[]IdentifierKind{IdentifierNHSNumber, IdentifierDateOfBirth, IdentifierPostcode, IdentifierEmail, IdentifierPhone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectIdentifiers(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("DetectIdentifiers(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestIdentifierNames(t *testing.T) {
	tests := []struct {
		in   []IdentifierKind
		want string
	}{
		{nil, ""},
		{[]IdentifierKind{IdentifierEmail}, "an email address"},
		{[]IdentifierKind{IdentifierNHSNumber, IdentifierPostcode}, "an NHS number and a postcode"},
		{[]IdentifierKind{IdentifierNHSNumber, IdentifierPostcode, IdentifierPhone}, "an NHS number, a postcode and a phone number"},
	}
	for _, tt := range tests {
		if got := IdentifierNames(tt.in); got != tt.want {
			t.Errorf("IdentifierNames(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
