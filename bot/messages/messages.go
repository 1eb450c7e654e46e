// Package messages is the bot's wording: one catalogue of texts per
// language, embedded in the binary (the YAML files of en/, one per part of
// the bot, read as one catalogue), each text under a key, with
// named placeholders ("{case}") and, where a count is shown, plural forms
// ("1 case", "2 cases"). A partnership overrides any text for its preset or
// deployment with a `messages:` mapping of key to text; Check says whether
// such overrides name known keys and keep the catalogue's placeholders.
//
// golang.org/x/text/message/catalog was considered: its texts are printf
// patterns built in Go code, with positional arguments, which a partnership
// manager cannot read or change in a file. This package keeps the texts in
// plain YAML and uses golang.org/x/text only for what it does well, choosing
// a language's plural form for a count.
package messages

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

//go:embed */*.yaml
var files embed.FS

// Args are a text's placeholders by name: Args{"case": "CR-2026-0001"}
// fills "{case}". A plural text chooses its form by the "count" argument,
// which must be an int.
type Args map[string]any

// CountArg is the argument a plural text's form is chosen by.
const CountArg = "count"

// forms are the plural forms a text may give, as CLDR names them.
var forms = []string{"zero", "one", "two", "few", "many", "other"}

// placeholder matches "{name}" in a text.
var placeholder = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)

// entry is one text of the catalogue: a single text, or plural forms by
// their CLDR name ("one", "other").
type entry struct {
	text  string
	forms map[string]string
}

// Catalogue is one language's texts, with a deployment's overrides on top.
// The zero value is not usable; see Load and English.
type Catalogue struct {
	tag     language.Tag
	entries map[string]entry
	over    map[string]string
}

// Load reads the embedded catalogue of a language ("en"): every YAML file
// of its directory, as one catalogue. It returns an error when there is no
// directory for the language, a file is not a mapping of key to text or to
// plural forms that include "other", or two files give the same key.
func Load(lang string) (*Catalogue, error) {
	return load(files, lang)
}

// load reads the catalogue of a language from fsys, as Load does.
func load(fsys fs.FS, lang string) (*Catalogue, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("messages: language %q: %w", lang, err)
	}
	paths, _ := fs.Glob(fsys, lang+"/*.yaml")
	if len(paths) == 0 || !validLang.MatchString(lang) {
		return nil, fmt.Errorf("messages: no catalogue for language %q", lang)
	}
	c := &Catalogue{tag: tag, entries: map[string]entry{}}
	from := map[string]string{} // key → the file that gave it
	for _, path := range paths {
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, fmt.Errorf("messages: %s: %w", path, err)
		}
		if err := c.add(path, data, from); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// validLang is a language directory's name: letters, digits and hyphens.
var validLang = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// add reads one file of a catalogue into c; from records which file gave
// each key, so a key given twice is reported with both files.
func (c *Catalogue) add(path string, data []byte, from map[string]string) error {
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("messages: %s: %w", path, err)
	}
	for key, n := range raw {
		if _, form, ok := cutForm(key); ok {
			return fmt.Errorf("messages: %s:%d: %s: a key may not end in a plural form's name (.%s), which overrides use", path, n.Line, key, form)
		}
		if other, ok := from[key]; ok {
			return fmt.Errorf("messages: %s:%d: %s is already in %s", path, n.Line, key, other)
		}
		var e entry
		switch n.Kind {
		case yaml.ScalarNode:
			e.text = n.Value
		case yaml.MappingNode:
			if err := n.Decode(&e.forms); err != nil {
				return fmt.Errorf("messages: %s:%d: %s: %w", path, n.Line, key, err)
			}
			for f := range e.forms {
				if !slices.Contains(forms, f) {
					return fmt.Errorf("messages: %s:%d: %s: %q is not a plural form (%s)", path, n.Line, key, f, strings.Join(forms, ", "))
				}
			}
			if _, ok := e.forms["other"]; !ok {
				return fmt.Errorf("messages: %s:%d: %s: a plural text needs an \"other\" form", path, n.Line, key)
			}
		default:
			return fmt.Errorf("messages: %s:%d: %s: want a text or plural forms", path, n.Line, key)
		}
		c.entries[key] = e
		from[key] = path
	}
	return nil
}

// English returns the English catalogue, loaded once. It panics if the
// embedded file is broken, which the package's tests rule out.
var English = sync.OnceValue(func() *Catalogue {
	c, err := Load("en")
	if err != nil {
		panic(err)
	}
	return c
})

// With returns the catalogue with overrides on top: each maps a key to its
// new text, or, for a plural text, "key.one", "key.other" and so on to a
// form. Overrides are not checked here (see Check); an empty map returns c.
func (c *Catalogue) With(overrides map[string]string) *Catalogue {
	if len(overrides) == 0 {
		return c
	}
	return &Catalogue{tag: c.tag, entries: c.entries, over: overrides}
}

// Keys returns the catalogue's keys, sorted.
func (c *Catalogue) Keys() []string {
	return slices.Sorted(maps.Keys(c.entries))
}

// Placeholders returns the names of a key's placeholders, sorted, once
// each, across all its forms ("count" included for a plural text), and
// whether the key exists.
func (c *Catalogue) Placeholders(key string) ([]string, bool) {
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	if e.forms == nil {
		return names(e.text), true
	}
	var all []string
	for _, t := range e.forms {
		all = append(all, names(t)...)
	}
	all = append(all, CountArg)
	slices.Sort(all)
	return slices.Compact(all), true
}

// names returns the placeholders of one text, sorted, once each.
func names(text string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Check reports what is wrong with overrides, one sentence per key, keyed
// by the override's key: a key the catalogue does not have (with the
// nearest it does), a plural form the text has no use for, or a text whose
// placeholders are not the catalogue's. An empty map means all is well.
func (c *Catalogue) Check(overrides map[string]string) map[string]string {
	probs := map[string]string{}
	for key, text := range overrides {
		base, form := key, ""
		if _, ok := c.entries[key]; !ok {
			if b, f, ok := cutForm(key); ok {
				base, form = b, f
			}
		}
		e, ok := c.entries[base]
		switch {
		case !ok:
			probs[key] = fmt.Sprintf("%q is not a message key", key) + c.nearest(key)
			continue
		case e.forms != nil && form == "":
			probs[key] = fmt.Sprintf("%q has plural forms: override %s.one, %s.other and so on", key, key, key)
			continue
		case e.forms == nil && form != "":
			probs[key] = fmt.Sprintf("%q has no plural forms: override %s itself", base, base)
			continue
		}
		want := names(e.text)
		if form != "" {
			want = names(e.forms["other"])
			if t, ok := e.forms[form]; ok {
				want = names(t)
			}
		}
		got := names(text)
		if form != "" { // a form may leave the count out ("one case")
			want = slices.DeleteFunc(want, func(s string) bool { return s == CountArg })
			got = slices.DeleteFunc(got, func(s string) bool { return s == CountArg })
		}
		if !slices.Equal(got, want) {
			probs[key] = fmt.Sprintf("the text's placeholders are %s; %s must have %s", braces(got), key, braces(want))
		}
	}
	return probs
}

// cutForm splits "key.one" into "key" and "one" when the last part is a
// plural form.
func cutForm(key string) (base, form string, ok bool) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 || !slices.Contains(forms, key[i+1:]) {
		return key, "", false
	}
	return key[:i], key[i+1:], true
}

// braces lists placeholders as they are written: "{case} {date}", or "none".
func braces(ns []string) string {
	if len(ns) == 0 {
		return "none"
	}
	return "{" + strings.Join(ns, "} {") + "}"
}

// nearest suggests the catalogue key closest to key, as " (did you mean
// …?)", or "" when none is close.
func (c *Catalogue) nearest(key string) string {
	best, bestD := "", len(key)/3+1
	for k := range c.entries {
		if d := distance(key, k); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Text returns the text of key with args in its placeholders, the
// override's when there is one. A plural text chooses its form by
// args["count"]. A missing key, a missing or unused argument, or a plural
// text without an int count is a bug: under `go test` it panics, so tests
// fail loudly; in production it is logged and the text is given as well as
// it can be (the key itself for a missing key, a placeholder left as
// written for a missing argument).
func (c *Catalogue) Text(key string, args Args) string {
	e, ok := c.entries[key]
	if !ok {
		fail("messages: no text for key %q", key)
		return key
	}
	text := e.text
	if e.forms != nil {
		n, ok := args[CountArg].(int)
		if !ok {
			fail("messages: %s needs an int %q argument, got %T", key, CountArg, args[CountArg])
		}
		form := formName(c.tag, n)
		text, ok = e.forms[form]
		if !ok {
			form, text = "other", e.forms["other"]
		}
		if o, ok := c.over[key+"."+form]; ok {
			text = o
		}
	} else if o, ok := c.over[key]; ok {
		text = o
	}
	out, used := fill(key, text, args)
	if used < len(args) {
		// An argument the text did not use: it must be a placeholder of
		// the key (of another plural form), or the caller is wrong.
		want, _ := c.Placeholders(key)
		for name := range args {
			if !slices.Contains(want, name) {
				fail("messages: %s has no placeholder {%s}", key, name)
			}
		}
	}
	return out
}

// fill replaces each placeholder of text ({name}, as the placeholder
// pattern matches) with its argument, and returns the text and how many
// distinct arguments it used. A placeholder without an argument is left as
// written (and fails loudly in tests). It scans the text by hand rather
// than with the pattern: it is on every reply's path, and a text without
// placeholders is returned as it is.
func fill(key, text string, args Args) (string, int) {
	var b strings.Builder
	var seenBuf [8]string // most texts have a few placeholders: no allocation
	seen := seenBuf[:0]
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '{' {
			continue
		}
		end := placeholderEnd(text, i)
		if end < 0 {
			continue
		}
		name := text[i+1 : end]
		if b.Len() == 0 && last == 0 {
			b.Grow(len(text) + 16)
		}
		b.WriteString(text[last:i])
		v, ok := args[name]
		if !ok {
			fail("messages: %s needs a %q argument", key, name)
			b.WriteString(text[i : end+1])
		} else {
			if s, isStr := v.(string); isStr {
				b.WriteString(s)
			} else {
				fmt.Fprint(&b, v)
			}
			if !slices.Contains(seen, name) {
				seen = append(seen, name)
			}
		}
		last = end + 1
		i = end
	}
	if last == 0 {
		return text, 0
	}
	b.WriteString(text[last:])
	return b.String(), len(seen)
}

// placeholderEnd returns the index of the "}" closing a placeholder that
// starts at text[i] == '{', a name of a lower-case letter then lower-case
// letters, digits and underscores, or -1 when none starts there.
func placeholderEnd(text string, i int) int {
	j := i + 1
	if j >= len(text) || text[j] < 'a' || text[j] > 'z' {
		return -1
	}
	for j++; j < len(text); j++ {
		switch c := text[j]; {
		case c == '}':
			return j
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
		default:
			return -1
		}
	}
	return -1
}

// formName is the CLDR plural form of n in the language.
func formName(tag language.Tag, n int) string {
	abs := n
	if abs < 0 {
		abs = -abs
	}
	switch plural.Cardinal.MatchPlural(tag, abs, 0, 0, 0, 0) {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

// fail reports a misuse of the catalogue: a panic under test, a logged
// error otherwise.
func fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if testing.Testing() {
		panic(msg)
	}
	slog.Error(msg)
}
