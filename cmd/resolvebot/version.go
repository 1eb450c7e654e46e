package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by release builds with
// -ldflags "-X main.version=v1.2.3 -X main.commit=… -X main.date=…";
// when empty, the Go toolchain's build information is used instead.
var (
	version = ""
	commit  = ""
	date    = ""
)

// buildInfo is what `resolvebot version` prints.
type buildInfo struct {
	Version  string // a release tag, the module version Go derived from git, or "(devel)"
	Commit   string // the git commit, "" when unknown
	Modified bool   // the build had uncommitted changes
	Date     string // when the built commit was made (RFC 3339), "" when unknown
	Go       string // the toolchain, such as "go1.26.8"
	Platform string // GOOS/GOARCH
}

// readBuildInfo combines the values set with -ldflags and the build
// information the Go toolchain stamps into every binary built in a git
// checkout (vcs.revision, vcs.time, vcs.modified). bi may be nil.
func readBuildInfo(bi *debug.BuildInfo, ok bool, version, commit, date string) buildInfo {
	out := buildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if !ok || bi == nil {
		if out.Version == "" {
			out.Version = "(devel)"
		}
		return out
	}
	if bi.GoVersion != "" {
		out.Go = bi.GoVersion
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if out.Version == "" {
		out.Version = bi.Main.Version
	}
	if out.Version == "" {
		out.Version = "(devel)"
	}
	if out.Commit == "" {
		out.Commit = settings["vcs.revision"]
		out.Modified = settings["vcs.modified"] == "true"
	}
	if out.Date == "" {
		out.Date = settings["vcs.time"]
	}
	if goos, goarch := settings["GOOS"], settings["GOARCH"]; goos != "" && goarch != "" {
		out.Platform = goos + "/" + goarch
	}
	return out
}

// currentBuild is the build information of the running binary.
func currentBuild() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	return readBuildInfo(bi, ok, version, commit, date)
}

// String is the version as `resolvebot version` prints it: the version on
// the first line, then the commit, its date and the toolchain.
func (b buildInfo) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "resolvebot %s\n", b.Version)
	c := b.Commit
	if c == "" {
		c = "unknown (built outside a git checkout, or with -buildvcs=false)"
	} else if b.Modified {
		c += " (with uncommitted changes)"
	}
	fmt.Fprintf(&s, "commit:   %s\n", c)
	d := b.Date
	if d == "" {
		d = "unknown"
	}
	fmt.Fprintf(&s, "date:     %s\n", d)
	fmt.Fprintf(&s, "go:       %s %s\n", b.Go, b.Platform)
	return s.String()
}

const versionUsage = `Usage: resolvebot version

Prints the version, the git commit it was built from (and whether the
checkout had uncommitted changes), the date of that commit, and the Go
toolchain and platform. resolvebot --version is the same.
`

// versionCommand is `resolvebot version`.
func versionCommand(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("version", versionUsage, stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "resolvebot version takes no arguments.\n\n%s", versionUsage)
		return 2
	}
	fmt.Fprint(stdout, currentBuild())
	return 0
}
