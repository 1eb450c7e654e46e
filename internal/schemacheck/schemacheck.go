// Package schemacheck validates what the bot hands to a platform (an app
// manifest, a package's manifest.json) against the platform's own JSON
// Schema, vendored in the repository. It is for tests: nothing in the
// running bot imports it.
package schemacheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// Schema is a compiled JSON Schema.
type Schema struct{ s *jsonschema.Schema }

// Load compiles the JSON Schema in the file at path; the draft is the one
// its $schema names. Returns an error when the file cannot be read or is
// not a valid schema.
func Load(path string) (*Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("read schema %s: %w", filepath.Base(path), err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(ecmaRegexp)
	loc := "file://" + filepath.ToSlash(abs)
	if err := c.AddResource(loc, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", filepath.Base(path), err)
	}
	return &Schema{s: s}, nil
}

// JSON validates a JSON document. Returns an error naming every place the
// document breaks the schema, or one saying it is not JSON.
func (s *Schema) JSON(doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return s.s.Validate(v)
}

// YAML validates a YAML document (such as a Slack app manifest) as the
// JSON it stands for. Returns an error naming every place the document
// breaks the schema, or one saying it is not YAML.
func (s *Schema) YAML(doc []byte) error {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return fmt.Errorf("not YAML: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("YAML that is not JSON: %w", err)
	}
	return s.JSON(b)
}

// ecmaRegexp compiles a pattern as JSON Schema means it: an ECMA-262
// regular expression. Slack's schema uses lookahead, which Go's regexp
// package does not have.
func ecmaRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecma)(re), nil
}

type ecma regexp2.Regexp

func (re *ecma) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecma) String() string { return (*regexp2.Regexp)(re).String() }
