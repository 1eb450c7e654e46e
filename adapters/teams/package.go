package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// ManifestSchema and ManifestVersion are the Teams app manifest schema the
// package is written for.
const (
	ManifestVersion = "1.22"
	ManifestSchema  = "https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json"
)

// Limits of the Teams app manifest schema v1.22 (a copy is in
// testdata/schema). Manifest refuses names and URLs beyond them and
// shortens the texts it writes itself to fit.
const (
	MaxShortName        = 30   // name.short
	MaxFullName         = 100  // name.full
	MaxShortDescription = 80   // description.short
	MaxFullDescription  = 4000 // description.full
	MaxDeveloperName    = 32   // developer.name
	MaxURL              = 2048 // developer.websiteUrl, privacyUrl, termsOfUseUrl
	MaxValidDomains     = 16   // validDomains
	MaxValidDomain      = 2048 // validDomains[]
)

// accent is the app's colour: a calm teal.
var accent = color.RGBA{R: 0x1f, G: 0x6f, B: 0x78, A: 0xff}

// PackageOptions describe the Teams app package.
type PackageOptions struct {
	AppID   string // the bot's Microsoft app id; also the app's id
	Name    string // short name, at most MaxShortName characters; "" for resolvebot
	Version string // app version, e.g. "1.0.0"; "" for 1.0.0
	// Developer names who runs the bot (the partnership), at most
	// MaxDeveloperName characters; "" for DefaultDeveloper(App). The
	// pages Teams shows must be https URLs.
	Developer  string
	WebsiteURL string
	PrivacyURL string
	TermsURL   string
	// ValidDomains are the domains the app may open, such as the host of
	// the public URL of resolvebot serve.
	ValidDomains []string
	// App names the partnership and its protocol in the app's full name
	// and description.
	App bot.AppInfo
}

// Limits of a command in the manifest's command lists.
const (
	maxCommandTitle       = 32
	maxCommandDescription = 128
)

// commands are the bot's typed commands as listed in Teams: each as it is
// typed, and what it does as app's catalogue words it.
func commands(app bot.AppInfo) []any {
	out := []any{}
	for _, c := range []struct{ title, description string }{
		{"raise", app.Say("teams.command.raise", nil)},
		{"list", app.Say("teams.command.list", nil)},
		{"status", app.Say("teams.command.status", nil)},
		{"profile", app.Say("teams.command.profile", nil)},
		{"report", app.Say("teams.command.report", nil)},
		{"help", app.Say("teams.command.help", nil)},
	} {
		out = append(out, map[string]string{"title": bot.Fit(maxCommandTitle, c.title), "description": bot.Fit(maxCommandDescription, c.description)})
	}
	return out
}

// PlaceholderURL stands in for a website, privacy or terms page that
// PackageOptions leaves empty. Teams shows these links to people, so a
// real deployment should give its own.
const PlaceholderURL = "https://example.org/resolvebot"

// ValidAppID reports whether id is a GUID such as
// 6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8, the form of every Microsoft app id
// (and of a Teams app's id).
func ValidAppID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i, r := range id {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
				return false
			}
		}
	}
	return true
}

// DefaultDeveloper is the developer name used when none is given: the
// partnership's name when Teams allows it, else its short name.
func DefaultDeveloper(app bot.AppInfo) string {
	if app == (bot.AppInfo{}) {
		app = bot.AppInfoFrom(conversation.Protocol{})
	}
	if bot.Chars(app.Partnership) <= MaxDeveloperName {
		return app.Partnership
	}
	if s := app.PartnershipShort; s != "" && bot.Chars(s) <= MaxDeveloperName {
		return s
	}
	return bot.Fit(MaxDeveloperName, strings.Replace(app.Partnership, "Safeguarding Children Partnership", "SCP", 1))
}

// semver is the form the Teams schema requires of the app's version.
var semver = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// shortForms are the everyday abbreviations of partnerships' names.
var shortForms = strings.NewReplacer(
	"Safeguarding Children Partnership", "SCP",
	"Safeguarding Children Board", "SCB",
	"Safeguarding Partnership", "SP",
)

// tooLong is the error for a name longer than Teams allows: it names the
// limit and, where there is one, a short form that fits.
func tooLong(what, flag, value string, max int) error {
	msg := fmt.Sprintf("the %s %q is %d characters; Teams allows at most %d", what, value, bot.Chars(value), max)
	if s := shortForms.Replace(value); s != value && bot.Chars(s) <= max {
		msg += fmt.Sprintf(": give a shorter %s, such as %s %q", flag, flag, s)
	} else {
		msg += ": give a shorter " + flag
	}
	return errors.New(msg)
}

// Manifest returns manifest.json for o, valid against the Teams app
// manifest schema of ManifestVersion. Its full name and description name
// the partnership and its protocol. Returns an error when the app id is
// missing or not a GUID, the version is not three numbers, the name or
// developer name is longer than Teams allows, or a URL is not https or too
// long. Empty page URLs become PlaceholderURL.
func Manifest(o PackageOptions) ([]byte, error) {
	if strings.TrimSpace(o.AppID) == "" {
		return nil, errors.New("the Teams app package needs the bot's app id (MICROSOFT_APP_ID)")
	}
	if !ValidAppID(o.AppID) {
		return nil, fmt.Errorf("the app id %q is not a GUID such as 6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8: "+
			"set MICROSOFT_APP_ID to the bot's Microsoft App ID from its Azure Bot resource (Configuration)", o.AppID)
	}
	if o.App == (bot.AppInfo{}) {
		o.App = bot.AppInfoFrom(conversation.Protocol{})
	}
	if o.Name == "" {
		o.Name = "resolvebot"
	}
	if bot.Chars(o.Name) > MaxShortName {
		return nil, tooLong("app name", "--name", o.Name, MaxShortName)
	}
	if o.Version == "" {
		o.Version = "1.0.0"
	}
	if !semver.MatchString(o.Version) {
		return nil, fmt.Errorf("the app version %q must be three numbers, such as 1.0.0", o.Version)
	}
	if o.Developer == "" {
		o.Developer = DefaultDeveloper(o.App)
	}
	if bot.Chars(o.Developer) > MaxDeveloperName {
		return nil, tooLong("developer name", "--developer", o.Developer, MaxDeveloperName)
	}
	for _, u := range []*string{&o.WebsiteURL, &o.PrivacyURL, &o.TermsURL} {
		if *u == "" {
			*u = PlaceholderURL
		}
		p, err := url.Parse(*u)
		if err != nil || p.Scheme != "https" || p.Host == "" {
			return nil, fmt.Errorf("%q must be an https URL", *u)
		}
		if n := len(*u); n > MaxURL {
			return nil, fmt.Errorf("a page URL is %d characters; Teams allows at most %d", n, MaxURL)
		}
	}
	domains := []string{}
	for _, d := range o.ValidDomains {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(domains, d) {
			if len(d) > MaxValidDomain {
				return nil, fmt.Errorf("the domain %.40q… is %d characters; Teams allows at most %d", d, len(d), MaxValidDomain)
			}
			domains = append(domains, d)
		}
	}
	if len(domains) > MaxValidDomains {
		return nil, fmt.Errorf("%d valid domains; Teams allows at most %d", len(domains), MaxValidDomains)
	}
	commands := commands(o.App)
	var full []string
	for _, n := range o.App.Names() {
		full = append(full, o.Name+": "+n)
	}
	m := map[string]any{
		"$schema":         ManifestSchema,
		"manifestVersion": ManifestVersion,
		"version":         o.Version,
		"id":              o.AppID,
		"developer": map[string]string{"name": o.Developer, "websiteUrl": o.WebsiteURL,
			"privacyUrl": o.PrivacyURL, "termsOfUseUrl": o.TermsURL},
		"name": map[string]string{"short": o.Name, "full": bot.Fit(MaxFullName, full...)},
		"description": map[string]string{
			"short": o.App.Description(MaxShortDescription),
			"full":  bot.Fit(MaxFullDescription, o.App.LongDescription("Microsoft Teams")),
		},
		"icons":       map[string]string{"color": "color.png", "outline": "outline.png"},
		"accentColor": fmt.Sprintf("#%02X%02X%02X", accent.R, accent.G, accent.B),
		"bots": []any{map[string]any{
			"botId":              o.AppID,
			"scopes":             []string{"personal", "team"},
			"supportsFiles":      false,
			"isNotificationOnly": false,
			"commandLists": []any{
				map[string]any{"scopes": []string{"personal"}, "commands": commands},
				map[string]any{"scopes": []string{"team"}, "commands": commands},
			},
		}},
		"permissions":  []string{"identity", "messageTeamMembers"},
		"validDomains": domains,
	}
	return json.MarshalIndent(m, "", "  ")
}

// WritePackage writes the app package zip (manifest.json, color.png and
// outline.png) to w. Returns the errors of Manifest and of writing.
func WritePackage(w io.Writer, o PackageOptions) error {
	manifest, err := Manifest(o)
	if err != nil {
		return err
	}
	var colour, outline bytes.Buffer
	if err := png.Encode(&colour, ColorIcon()); err != nil {
		return err
	}
	if err := png.Encode(&outline, OutlineIcon()); err != nil {
		return err
	}
	z := zip.NewWriter(w)
	for _, f := range []struct {
		name string
		data []byte
	}{{"manifest.json", manifest}, {"color.png", colour.Bytes()}, {"outline.png", outline.Bytes()}} {
		fw, err := z.Create(f.name)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return z.Close()
}

// glyph reports how much of the point (x, y), in a unit square centred on
// the origin, the app's mark covers: two facing speech bubbles joined by a
// bar, a picture of two sides talking it through.
func glyph(x, y, stroke float64) bool {
	ring := func(cx, cy, r float64) bool {
		d := math.Hypot(x-cx, y-cy)
		return d <= r && d >= r-stroke
	}
	return ring(-0.17, -0.05, 0.25) || ring(0.17, 0.05, 0.25) ||
		(math.Abs(y) <= stroke/2 && math.Abs(x) <= 0.12)
}

// ColorIcon returns the 192×192 colour icon: the mark in white on the
// accent colour.
func ColorIcon() image.Image {
	const n = 192
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	for py := 0; py < n; py++ {
		for px := 0; px < n; px++ {
			x, y := (float64(px)+0.5)/n-0.5, (float64(py)+0.5)/n-0.5
			c := accent
			if glyph(x, y, 0.06) {
				c = white
			}
			img.SetRGBA(px, py, c)
		}
	}
	return img
}

// OutlineIcon returns the 32×32 outline icon: the mark in white on a
// transparent background, as Teams requires.
func OutlineIcon() image.Image {
	const n = 32
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	for py := 0; py < n; py++ {
		for px := 0; px < n; px++ {
			x, y := (float64(px)+0.5)/n-0.5, (float64(py)+0.5)/n-0.5
			if glyph(x, y, 0.08) {
				img.SetNRGBA(px, py, color.NRGBA{0xff, 0xff, 0xff, 0xff})
			}
		}
	}
	return img
}
