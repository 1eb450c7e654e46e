package config

import (
	"slices"
	"testing"
)

// TestAgencyReach: an agency's default order of the ways to reach its
// people is read as written; config check places an unknown way, a way
// listed twice and an empty list at their line, and warns when email is
// named with no email section to send it.
func TestAgencyReach(t *testing.T) {
	file := `directory:
  agencies:
    - key: gp
      name: GP practices
      reach: [email]
    - key: csc
      name: Children's Social Care
      reach: [teams, email]
    - key: school
      name: Riverside School
  partnership_roles:
    - {name: Pat, email: pat@example.org, role: partnership manager}
email:
  host: smtp.example.org
  from: resolvebot@example.org
  user: resolvebot@example.org
  base_url: https://resolve.example.org
`
	cfg, probs := mustLoad(t, Options{Path: writeFile(t, file), Getenv: env(map[string]string{"RESOLVEBOT_SMTP_PASSWORD": "x"})})
	ag := cfg.Directory.Agencies
	if !slices.Equal(ag[0].Reach, []string{"email"}) || !slices.Equal(ag[1].Reach, []string{"teams", "email"}) || ag[2].Reach != nil {
		t.Errorf("reach = %v, %v, %v", ag[0].Reach, ag[1].Reach, ag[2].Reach)
	}
	if hasProblem(probs, SeverityWarning, "reach") {
		t.Errorf("a warning about reach with email configured:\n%s", probs)
	}

	for _, tc := range []struct {
		name, agency string
		severity     string
		want         string
	}{
		{"unknown way", "      reach: [email, fax]\n", SeverityError,
			"resolvebot.yaml:5:22 directory.agencies[0].reach[1]: unknown way \"fax\"; use slack, teams, email"},
		{"twice", "      reach: [slack, email, slack]\n", SeverityError,
			"resolvebot.yaml:5:29 directory.agencies[0].reach[2]: slack is listed twice"},
		{"empty", "      reach: []\n", SeverityError,
			"directory.agencies[0].reach: name at least one way"},
		{"not a list", "      reach: email\n", SeverityError,
			"directory.agencies[0].reach: expected a list"},
		{"email with no email section", "      reach: [email]\n", SeverityWarning,
			"directory.agencies[0].reach: csc's people are to be reached by email, but there is no email section"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := "directory:\n  agencies:\n    - key: csc\n      name: CSC\n" + tc.agency
			_, probs, _ := Load(Options{Path: writeFile(t, bad), Getenv: env(nil)})
			if !hasProblem(probs, tc.severity, tc.want) {
				t.Errorf("want a problem %q; problems:\n%s", tc.want, probs)
			}
		})
	}
}
