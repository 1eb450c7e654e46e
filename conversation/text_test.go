package conversation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	c "github.com/resolvebot/resolvebot/conversation"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
		reorders       bool
	}{
		{"plain text is untouched", "The child arrives hungry.", "The child arrives hungry.", false},
		{"zero-width space", "hun\u200bgry", "hungry", false},
		{"byte-order mark and word joiner", "\ufeffhungry\u2060", "hungry", false},
		{"soft hyphen", "safe\u00adguarding", "safeguarding", false},
		{"invisible operators and fillers", "a\u2062b \u3164c\u115f", "ab c", false},
		{"tag characters", "note\U000E0041\U000E007F", "note", false},
		{"right-to-left override", "invoice \u202egnp.exe", "invoice gnp.exe", true},
		{"left-to-right embedding", "\u202aA\u202c", "A", true},
		{"isolates", "x \u2067y\u2069 z", "x y z", true},
		{"direction marks go silently", "Rashid\u200f says\u200e \u061cyes", "Rashid says yes", false},
		{"control characters", "a\x00b\x07c\x1b[31m", "abc[31m", false},
		{"tabs and newlines stay", "one\ttwo\nthree", "one\ttwo\nthree", false},
		{"line breaks become newlines", "a\r\nb\rc\u2028d\u2029e", "a\nb\nc\nd\ne", false},
		{"emoji joiner stays", "👩\u200d👧 family", "👩\u200d👧 family", false},
		{"Persian non-joiner stays", "می\u200cخواهم", "می\u200cخواهم", false},
		{"emoji variation selector stays", "ok \u2714\ufe0f", "ok \u2714\ufe0f", false},
		{"Arabic number sign stays", "\u0600١٢", "\u0600١٢", false},
		{"accents stay", "Zoë Brontë café", "Zoë Brontë café", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reorders := c.CleanText(tt.in)
			if got != tt.want || reorders != tt.reorders {
				t.Errorf("CleanText(%+q) = %+q, %v; want %+q, %v", tt.in, got, reorders, tt.want, tt.reorders)
			}
		})
	}
	// A case reference loses the joiners too.
	if got, _ := c.CleanRef("SCH\u200d-\u200c2291\u200b"); got != "SCH-2291" {
		t.Errorf("CleanRef = %+q, want SCH-2291", got)
	}
}

// TestHiddenCharactersBeforeSaving: hidden characters never reach the
// other side or the record: invisible ones are removed from every free
// text field and the reference, and text they would reorder is refused
// with a message on its field.
func TestHiddenCharactersBeforeSaving(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Time{})
	in := bottest.Intake(f.respondent, "school", "csc")
	in.Category = f.Engine.Protocol.Categories[0].Key
	in.ChildRef = "\u200bCSC-\u200d204913\ufeff"
	in.Concern = "The child\u200b arrives\u00ad hungry."
	in.Decision = "Closed\u2060 with no further action."
	in.CrossBorder = "Devon\u200b"
	res, err := f.Engine.Raise(ctx, f.raiser, in)
	if err != nil {
		t.Fatalf("raise with invisible characters: %v", err)
	}
	cs := res.Case
	stored, _ := f.Store.GetCase(ctx, cs.ID)
	for field, got := range map[string]string{"child_ref": stored.ChildRef, "concern": stored.Concern, "decision": stored.Decision, "cross_border": stored.CrossBorder} {
		if strings.ContainsFunc(got, func(r rune) bool { return r == 0x200b || r == 0x200d || r == 0xfeff || r == 0xad || r == 0x2060 }) {
			t.Errorf("%s saved with hidden characters: %+q", field, got)
		}
	}
	if stored.ChildRef != "CSC-204913" || stored.Concern != "The child arrives hungry." || stored.CrossBorder != "Devon" {
		t.Errorf("saved %+q, %+q, %+q", stored.ChildRef, stored.Concern, stored.CrossBorder)
	}

	for _, tt := range []struct {
		name, field string
		do          func() error
	}{
		{"reference with an override", c.FieldChildRef, func() error {
			in := in
			in.ChildRef = "CSC-\u202e319402"
			_, err := f.Engine.Raise(ctx, f.raiser, in)
			return err
		}},
		{"concern with an override", c.FieldConcern, func() error {
			in := in
			in.Concern = "Mum said \u202eon saw ti\u202c yes."
			_, err := f.Engine.Raise(ctx, f.raiser, in)
			return err
		}},
		{"note with an isolate", "text", func() error {
			_, err := f.Engine.AddNote(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, "Agreed \u2067not\u2069 to visit.")
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.Store.GetCase(ctx, cs.ID)
			err := tt.do()
			if c.ErrorCode(err) != c.EINVALID || !strings.Contains(fieldsSaid(err)[tt.field], "hidden characters") {
				t.Fatalf("error %v, want a message on %s about hidden characters", err, tt.field)
			}
			if after, _ := f.Store.GetCase(ctx, cs.ID); after.Version != before.Version {
				t.Error("a refused step changed the case")
			}
		})
	}

	res, err = f.Engine.AddNote(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID}, "Phoned\u200b the\u200f school.")
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Events[len(res.Events)-1].Text; got != "Phoned the school." {
		t.Errorf("note saved as %+q", got)
	}
	// An NHS number cannot hide behind zero-width spaces.
	if kinds := c.DetectIdentifiers("NHS 943\u200b476\u200b5919"); len(kinds) != 1 || kinds[0] != c.IdentifierNHSNumber {
		t.Errorf("DetectIdentifiers with zero-width spaces = %v", kinds)
	}
}
