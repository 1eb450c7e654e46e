package config

import "testing"

// TestCategoriesChecked: config check refuses a category without a key or
// a name, and a key two categories use, placing each at the category, and
// accepts a list of distinct, named categories.
func TestCategoriesChecked(t *testing.T) {
	cases := []struct {
		name, cats, want string // want "" for no problem
	}{
		{"no key", "[{key: '', name: Housing}]", "protocol.categories[0].key: a category needs a key"},
		{"no name", "[{key: housing, name: ' '}]", "protocol.categories[0].name: a category needs a name"},
		{"a key twice", "[{key: housing, name: Housing}, {key: housing, name: Homes}]", "protocol.categories[1].key: the key housing is used by two categories"},
		{"distinct and named", "[{key: housing, name: Housing}, {key: meetings, name: Meetings}]", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, probs, _ := Load(Options{Path: writeFile(t, "protocol:\n  categories: "+c.cats+"\n"), Getenv: env(nil)})
			if c.want == "" {
				if probs.HasErrors() {
					t.Fatalf("config check refuses %s:\n%s", c.cats, probs)
				}
				return
			}
			if !hasProblem(probs, SeverityError, c.want) {
				t.Fatalf("config check does not say %q of %s:\n%s", c.want, c.cats, probs)
			}
		})
	}
}
