package config

import (
	"strings"
	"testing"
)

func TestReferenceFormats(t *testing.T) {
	file := `directory:
  agencies:
    - key: csc
      name: Children's Social Care
      reference_formats: ["CSC-\\d{6}", 'ECM/\d{5}']
      reference_example: CSC-123456
    - key: school
      name: Riverside School
  partnership_roles:
    - {name: Pat, email: pat@example.org, role: partnership manager}
`
	cfg, _ := mustLoad(t, Options{Path: writeFile(t, file), Getenv: env(nil)})
	a := cfg.Directory.Agencies[0]
	if strings.Join(a.ReferenceFormats, " ") != `CSC-\d{6} ECM/\d{5}` || a.ReferenceExample != "CSC-123456" || len(cfg.Directory.Agencies[1].ReferenceFormats) != 0 {
		t.Errorf("reference formats = %+v", cfg.Directory.Agencies)
	}

	for _, tc := range []struct{ name, agency, want string }{
		{"bad pattern", "      reference_formats: ['CSC-(\\d{6}']\n      reference_example: CSC-123456\n",
			"resolvebot.yaml:5:27 directory.agencies[0].reference_formats[0]: \"CSC-(\\\\d{6}\" is not a valid pattern: missing closing )"},
		{"second pattern bad", "      reference_formats: ['CSC-\\d{6}', '[0-9']\n      reference_example: CSC-123456\n",
			"resolvebot.yaml:5:40 directory.agencies[0].reference_formats[1]: \"[0-9\" is not a valid pattern"},
		{"no example", "      reference_formats: ['CSC-\\d{6}']\n",
			"directory.agencies[0].reference_example: reference_example is needed with reference_formats"},
		{"example matches none", "      reference_formats: ['CSC-\\d{6}']\n      reference_example: LCS 1234567\n",
			"resolvebot.yaml:6:26 directory.agencies[0].reference_example: \"LCS 1234567\" matches none of reference_formats"},
		{"example is an NHS number", "      reference_formats: ['\\d{10}']\n      reference_example: \"9434765919\"\n",
			"directory.agencies[0].reference_example: \"9434765919\" would be refused as a case reference: That could be an NHS number"},
		{"example without formats", "      reference_example: CSC-123456\n",
			"directory.agencies[0].reference_example: a reference_example needs reference_formats"},
		{"not a list", "      reference_formats: {a: b}\n      reference_example: CSC-123456\n",
			"directory.agencies[0].reference_formats: expected a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := "directory:\n  agencies:\n    - key: csc\n      name: CSC\n" + tc.agency
			_, probs, err := Load(Options{Path: writeFile(t, bad), Getenv: env(nil)})
			if err == nil || !hasProblem(probs, SeverityError, tc.want) {
				t.Errorf("err %v, want a problem %q; problems:\n%s", err, tc.want, probs)
			}
		})
	}
}
