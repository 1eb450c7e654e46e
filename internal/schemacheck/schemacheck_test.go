package schemacheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSchema: patterns are ECMA-262 (lookahead works), YAML is checked as
// the JSON it stands for, and each broken rule is named.
func TestSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	schema := `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": false,
		"properties": {"name": {"type": "string", "maxLength": 5}, "domain": {"type": "string", "pattern": "^(?![.-])[a-z.-]+$"}}}`
	if err := os.WriteFile(path, []byte(schema), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc string
		yaml      bool
		want      string // "" for valid
	}{
		{"valid JSON", `{"name": "abc", "domain": "example.org"}`, false, ""},
		{"valid YAML", "name: abc\ndomain: example.org\n", true, ""},
		{"too long", `{"name": "abcdef"}`, false, "maxLength: got 6, want 5"},
		{"lookahead refuses", "domain: .example.org\n", true, "/domain"},
		{"unknown field", "colour: red\n", true, "additional properties 'colour'"},
		{"not JSON", `{"name": `, false, "not JSON"},
		{"not YAML", "name: [abc\n", true, "not YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.yaml {
				err = s.YAML([]byte(tt.doc))
			} else {
				err = s.JSON([]byte(tt.doc))
			}
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing schema file loaded")
	}
}
