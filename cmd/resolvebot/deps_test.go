package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoFontsReadAtStart: the program links no package whose
// initialisation reads fonts. gonum's plot package read all twelve
// Liberation faces (4.6 MB embedded) in every process as it started, so
// every serve kept about 2 MiB more resident though it rarely draws a chart;
// the report chart reads the one face it needs when it first draws.
func TestNoFontsReadAtStart(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		skipOrFail(t, "no go command to list the program's packages: %v", err)
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, banned := range []string{"gonum.org/v1/plot", "gonum.org/v1/plot/font/liberation"} {
		if slices.Contains(deps, banned) {
			t.Errorf("resolvebot links %s, whose initialisation reads every Liberation face as the program starts", banned)
		}
	}
	if !slices.Contains(deps, "codeberg.org/go-fonts/liberation/liberationsansregular") {
		t.Errorf("the chart's own face, Liberation Sans, is not linked: go list found %d packages", len(deps))
	}
}
