package config

import (
	"fmt"
	"io"
	"strings"
)

// Severities of a Problem.
const (
	SeverityError   = "error"   // the configuration cannot be used
	SeverityWarning = "warning" // the configuration works but probably not as intended
)

// Problem is one thing wrong with the configuration. Place says where it
// comes from: "resolvebot.yaml:14:7 protocol.stages[1].days" for the file,
// "env REDIS_URL" for the environment, or just the setting's path when the
// value is a built-in default.
type Problem struct {
	Severity string
	Place    string
	Message  string
}

// String formats the problem on one line as "severity: place: message".
func (p Problem) String() string {
	msg := strings.ReplaceAll(p.Message, "\n", " ")
	if p.Place == "" {
		return p.Severity + ": " + msg
	}
	return p.Severity + ": " + p.Place + ": " + msg
}

// Problems is every problem found while loading a configuration, in the
// order they were found.
type Problems []Problem

// HasErrors reports whether any problem has severity error.
func (ps Problems) HasErrors() bool { return ps.Count(SeverityError) > 0 }

// Count returns how many problems have the given severity.
func (ps Problems) Count(severity string) int {
	n := 0
	for _, p := range ps {
		if p.Severity == severity {
			n++
		}
	}
	return n
}

// String lists every problem on its own line, each ending in a newline.
func (ps Problems) String() string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Print writes every problem to w, one per line, and returns the first write
// error.
func (ps Problems) Print(w io.Writer) error {
	if _, err := io.WriteString(w, ps.String()); err != nil {
		return fmt.Errorf("print problems: %w", err)
	}
	return nil
}

// Summary returns a one-line count of errors and warnings, for example
// "2 errors, 1 warning".
func (ps Problems) Summary() string {
	return plural(ps.Count(SeverityError), "error") + ", " + plural(ps.Count(SeverityWarning), "warning")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// collector gathers problems and remembers where each setting came from, so
// that a problem found late (after every layer is applied) can still point
// at the file line, environment variable or option that set the value.
type collector struct {
	probs  Problems
	origin map[string]string // setting path → "file:line:col", "env NAME" or "option NAME"
}

func newCollector() *collector { return &collector{origin: map[string]string{}} }

func (c *collector) add(severity, place, format string, args ...any) {
	c.probs = append(c.probs, Problem{Severity: severity, Place: place, Message: fmt.Sprintf(format, args...)})
}

// errorAt and warnAt report a problem about the setting at path, placed
// where the setting (or its nearest parent) was last set.
func (c *collector) errorAt(path, format string, args ...any) {
	c.add(SeverityError, c.place(path), format, args...)
}

func (c *collector) warnAt(path, format string, args ...any) {
	c.add(SeverityWarning, c.place(path), format, args...)
}

// set records that the setting at path was last set at from.
func (c *collector) set(path, from string) { c.origin[path] = from }

// place returns "origin path" for the setting, looking up the nearest parent
// path with a known origin ("a.b[2].c" → "a.b[2]" → "a.b" → "a"), or just the
// path when the value is a built-in default.
func (c *collector) place(path string) string {
	for p := path; p != ""; p = parentPath(p) {
		if o, ok := c.origin[p]; ok {
			return o + " " + path
		}
	}
	return path
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}
