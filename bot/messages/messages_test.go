package messages

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// testCatalogue is a small catalogue of known texts, apart from the embedded catalogue,
// whose wording changes.
func testCatalogue() *Catalogue {
	return &Catalogue{tag: English().tag, entries: map[string]entry{
		"case.opened": {text: "Case {case} is open, due {date}."},
		"cases.count": {forms: map[string]string{"one": "{count} case waits on you", "other": "{count} cases wait on you"}},
		"plain":       {text: "Nothing has changed."},
	}}
}

func TestEnglishLoads(t *testing.T) {
	c := English()
	if len(c.Keys()) == 0 {
		t.Fatal("the English catalogue has no texts")
	}
	for _, k := range c.Keys() {
		if _, ok := c.Placeholders(k); !ok {
			t.Errorf("key %s listed but has no text", k)
		}
	}
}

func TestText(t *testing.T) {
	c := testCatalogue()
	over := c.With(map[string]string{"case.opened": "We opened {case}; the deadline is {date}.", "cases.count.one": "One case is waiting"})
	tests := []struct {
		name string
		cat  *Catalogue
		key  string
		args Args
		want string
	}{
		{"placeholders filled", c, "case.opened", Args{"case": "CR-2026-0001", "date": "Tue 24 Nov"}, "Case CR-2026-0001 is open, due Tue 24 Nov."},
		{"one", c, "cases.count", Args{"count": 1}, "1 case waits on you"},
		{"other", c, "cases.count", Args{"count": 2}, "2 cases wait on you"},
		{"none is other in English", c, "cases.count", Args{"count": 0}, "0 cases wait on you"},
		{"no placeholders", c, "plain", nil, "Nothing has changed."},
		{"override", over, "case.opened", Args{"case": "CR-2026-0001", "date": "Tue 24 Nov"}, "We opened CR-2026-0001; the deadline is Tue 24 Nov."},
		{"override of one form", over, "cases.count", Args{"count": 1}, "One case is waiting"},
		{"other form not overridden", over, "cases.count", Args{"count": 3}, "3 cases wait on you"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cat.Text(tt.key, tt.args); got != tt.want {
				t.Errorf("Text(%s) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

// TestTextFailsLoudly: a missing key or argument, an argument the text has
// no place for, or a plural text without a count panics under test.
func TestTextFailsLoudly(t *testing.T) {
	c := testCatalogue()
	tests := []struct {
		name, key string
		args      Args
		want      string
	}{
		{"missing key", "case.closed", nil, `no text for key "case.closed"`},
		{"missing argument", "case.opened", Args{"case": "CR-2026-0001"}, `needs a "date" argument`},
		{"extra argument", "plain", Args{"case": "CR-2026-0001"}, "has no placeholder {case}"},
		{"plural without a count", "cases.count", nil, `needs an int "count" argument`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, tt.want) {
					t.Errorf("Text(%s) panicked with %v, want a panic saying %q", tt.key, r, tt.want)
				}
			}()
			c.Text(tt.key, tt.args)
		})
	}
}

func TestCheck(t *testing.T) {
	c := testCatalogue()
	tests := []struct {
		name string
		over map[string]string
		want map[string]string
	}{
		{"good overrides", map[string]string{"case.opened": "{case} opened; due {date}", "cases.count.other": "{count} waiting", "cases.count.one": "one waiting"}, nil},
		{"unknown key, with the nearest", map[string]string{"case.opend": "x"}, map[string]string{"case.opend": `"case.opend" is not a message key (did you mean case.opened?)`}},
		{"placeholder missing", map[string]string{"case.opened": "Case {case} is open."}, map[string]string{"case.opened": "the text's placeholders are {case}; case.opened must have {case} {date}"}},
		{"placeholder misspelt", map[string]string{"case.opened": "{case} due {dat}"}, map[string]string{"case.opened": "the text's placeholders are {case} {dat}; case.opened must have {case} {date}"}},
		{"plural given as one text", map[string]string{"cases.count": "{count} cases"}, map[string]string{"cases.count": `"cases.count" has plural forms: override cases.count.one, cases.count.other and so on`}},
		{"form of a plain text", map[string]string{"plain.one": "x"}, map[string]string{"plain.one": `"plain" has no plural forms: override plain itself`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Check(tt.over)
			if len(got) != len(tt.want) {
				t.Fatalf("Check = %v, want %v", got, tt.want)
			}
			for k, w := range tt.want {
				if got[k] != w {
					t.Errorf("Check[%s] = %q, want %q", k, got[k], w)
				}
			}
		})
	}
}

// TestLoadReadsEveryFileOfTheLanguage: the files of a language's directory
// are one catalogue, and a key given by two of them is refused with both
// files named.
func TestLoadReadsEveryFileOfTheLanguage(t *testing.T) {
	parts := fstest.MapFS{
		"en/bot.yaml":   {Data: []byte("a.one_text: \"A\"\n")},
		"en/email.yaml": {Data: []byte("b.text: \"B {case}\"\n")},
	}
	c, err := load(parts, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Text("b.text", Args{"case": "CR-1"}); got != "B CR-1" {
		t.Errorf("b.text = %q, want the second file's text", got)
	}
	if got := c.Text("a.one_text", nil); got != "A" {
		t.Errorf("a.one_text = %q, want the first file's text", got)
	}
	parts["en/web.yaml"] = &fstest.MapFile{Data: []byte("a.one_text: \"again\"\n")}
	_, err = load(parts, "en")
	if err == nil || !strings.Contains(err.Error(), "en/web.yaml") || !strings.Contains(err.Error(), "en/bot.yaml") {
		t.Errorf("a key in two files: err = %v, want one naming both files", err)
	}
	if _, err := load(parts, "cy"); err == nil {
		t.Error("a language with no directory loaded")
	}
}

// TestFillMatchesPattern: the hand-written placeholder scan replaces
// exactly what the placeholder pattern matches, and counts the distinct
// arguments it used.
func TestFillMatchesPattern(t *testing.T) {
	args := Args{"a": "A", "b_2": 7, "case": "CR-2026-0001"}
	tests := []struct {
		text string
		used int
	}{
		{"no placeholders", 0},
		{"", 0},
		{"{a}", 1},
		{"{a}{a} and {b_2}", 2},
		{"{{a}}", 1},
		{"{A} {1a} {} {a", 0},
		{"x{a-b}y{case}z", 1},
		{"trailing {", 0},
		{"{case}: {b_2}{a}.", 3},
	}
	for _, tc := range tests {
		want := placeholder.ReplaceAllStringFunc(tc.text, func(m string) string { return fmt.Sprint(args[m[1:len(m)-1]]) })
		got, used := fill("k", tc.text, args)
		if got != want || used != tc.used {
			t.Errorf("fill(%q) = %q, %d; want %q, %d", tc.text, got, used, want, tc.used)
		}
	}
}
