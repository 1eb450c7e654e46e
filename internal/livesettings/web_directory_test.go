package livesettings_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

// liveOf returns env's settings, stored and live.
func liveOf(t *testing.T, env *bottest.Env) *livesettings.Live {
	t.Helper()
	cfg, seed, err := livesettings.Effective(context.Background(), env.Config, env.Store, conversation.DefaultPartnershipID, env.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return livesettings.New(env.Config, cfg, seed.Version, env.Store.(conversation.SettingsStore), env.Engine, env.People,
		conversation.DefaultPartnershipID, env.Clock.Now, nil)
}

// TestWebDirectoryChanges: the directory pages' changes (an agency's
// reference formats, reach and safeguarding leads; the partnership roles
// and conference chairs) are stored whole and used at once: a reference the
// new formats do not match is refused when raising, the new roles are held,
// and the agency keeps what the change did not touch. A pattern that does
// not compile is refused with config check's message, and nothing changes.
func TestWebDirectoryChanges(t *testing.T) {
	env := bottest.New(t, bottest.Options{Configure: func(c *config.Config) { c.Directory.Demo = false }})
	ctx := context.Background()
	live := liveOf(t, env)
	ed := livesettings.Web(live)
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "")
	gp := env.Person(t, "dr.jones@gp.example.nhs.uk", "Dr Jones", "health-visiting", "")

	v, err := ed.View(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(v.Agencies, func(a web.AgencySettings) bool { return a.Key == "school" })
	school := v.Agencies[i]
	school.ReferenceFormats, school.ReferenceExample = []string{`SCH-\d{6}`}, "SCH-447193"
	school.Reach = []string{"teams", "email"}
	school.SafeguardingLeads = append(school.SafeguardingLeads, web.SettingsContact{Name: "Lee Lead", Email: "lee.lead@school.example.org"})
	if _, err := ed.Change(ctx, "ada@example.org", v.Version, web.SettingsEdit{Agency: &school, Note: "formats"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.Raise(ctx, sam, bottest.Intake(gp, "school", "health-visiting")); conversation.ErrorCode(err) != conversation.EINVALID {
		t.Errorf("a reference the school's new formats do not match was not refused: %v", err)
	}
	in := bottest.Intake(gp, "school", "health-visiting")
	in.ChildRef = "SCH-118204"
	if _, err := env.Engine.Raise(ctx, sam, in); err != nil {
		t.Errorf("a reference in the school's new format was refused: %v", err)
	}
	if leads, _ := env.People.LeadAgencies(ctx, "lee.lead@school.example.org"); !slices.Equal(leads, []string{"school"}) {
		t.Errorf("the new safeguarding lead leads %v, want [school]", leads)
	}
	cfg, version := live.Current()
	got := cfg.Directory.Agencies[i]
	if !slices.Equal(got.Reach, []string{"teams", "email"}) || got.Name != school.Name || len(got.Contacts.Manager) != len(school.Managers) {
		t.Errorf("the school is now %+v", got)
	}

	roles := []web.RoleSettings{{Name: "Pat Manager", Email: "pat@partnership.example.org", Role: "partnership manager"}}
	chairs := []web.SettingsContact{{Name: "Cy Chair", Email: "cy.chair@partnership.example.org"}}
	if _, err := ed.Change(ctx, "ada@example.org", version, web.SettingsEdit{Roles: &roles, Chairs: &chairs, Note: "people"}); err != nil {
		t.Fatal(err)
	}
	if r, _ := env.People.Roles(ctx, "pat@partnership.example.org"); !slices.Equal(r, []string{"partnership manager"}) {
		t.Errorf("the new partnership role holder has roles %v", r)
	}
	if v, _ := ed.View(ctx); !slices.Equal(v.Roles, roles) || !slices.Equal(v.Chairs, chairs) {
		t.Errorf("the view shows roles %v and chairs %v", v.Roles, v.Chairs)
	}

	_, version = live.Current()
	bad := school
	bad.ReferenceFormats = []string{`SCH-(\d{6}`}
	probs, err := ed.Change(ctx, "ada@example.org", version, web.SettingsEdit{Agency: &bad, Note: "bad"})
	if conversation.ErrorCode(err) != conversation.EINVALID {
		t.Fatalf("a pattern that does not compile was taken: %v", err)
	}
	want := `"SCH-(\\d{6}" is not a valid pattern: missing closing )`
	if !slices.ContainsFunc(probs, func(p web.SettingsProblem) bool {
		return p.Error && p.Message == want && strings.HasSuffix(p.Path, ".reference_formats[0]")
	}) {
		t.Errorf("problems %+v, want %q at reference_formats[0]", probs, want)
	}
	if _, now := live.Current(); now != version {
		t.Errorf("a refused change moved the settings from version %d to %d", version, now)
	}
}

// TestRenamedContact: a contact renamed in the settings (the same email)
// is called by the new name from then on, on cards and in emails; someone
// whose name did not change keeps the one they have.
func TestRenamedContact(t *testing.T) {
	env := bottest.New(t, bottest.Options{Configure: func(c *config.Config) { c.Directory.Demo = false }})
	ctx := context.Background()
	live := liveOf(t, env)
	ed := livesettings.Web(live)
	v, err := ed.View(ctx)
	if err != nil {
		t.Fatal(err)
	}
	school := v.Agencies[1]
	mgr, senior := school.Managers[0], school.SeniorManagers[0]
	if got := env.People.Name(ctx, bot.PersonID(mgr.Email)); got != mgr.Name {
		t.Fatalf("the school's manager is called %q before the change, want %q", got, mgr.Name)
	}
	school.Managers[0].Name = "Mo Renamed"
	if _, err := ed.Change(ctx, "ada@example.org", v.Version, web.SettingsEdit{Agency: &school, Note: "rename"}); err != nil {
		t.Fatal(err)
	}
	if got := env.People.Name(ctx, bot.PersonID(mgr.Email)); got != "Mo Renamed" {
		t.Errorf("the renamed manager is called %q, want Mo Renamed", got)
	}
	if got := env.People.Name(ctx, bot.PersonID(senior.Email)); got != senior.Name {
		t.Errorf("the senior manager, not renamed, is called %q, want %q", got, senior.Name)
	}
}
