package livesettings_test

import (
	"context"
	"slices"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/botconfig"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

// hostedFile is a deployment hosting Wiltshire and Devon, each with its
// own ladder, agencies and partnership admin.
const hostedFile = `partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol: {routes: {front_door: "0300 456 0108"}}
    directory:
      agencies:
        - {key: wilts-school, name: Wiltshire School}
        - {key: wilts-csc, name: Wiltshire Children's Social Care}
      partnership_roles:
        - {name: Wil Admin, email: wil.admin@wiltshire.example.org, role: partnership admin}
  - id: devon
    partnership: devon
    protocol: {routes: {front_door: "0345 155 1071"}}
    directory:
      agencies:
        - {key: devon-school, name: Devon School}
        - {key: devon-csc, name: Devon Children's Social Care}
      partnership_roles:
        - {name: Dev Admin, email: dev.admin@devon.example.org, role: partnership admin}
`

// hostedLive seeds env's partnerships' settings and returns the live
// settings of each by id.
func hostedLive(t *testing.T, env *bottest.Env) map[string]*livesettings.Live {
	t.Helper()
	ctx := context.Background()
	cfg, versions, err := livesettings.EffectiveHosted(ctx, env.Config, env.Store, env.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*livesettings.Live{}
	for _, l := range livesettings.NewHosted(env.Config, cfg, versions, env.Store.(conversation.SettingsStore), env.Engine, env.People, env.Clock.Now, nil) {
		out[l.Partnership()] = l
	}
	return out
}

// firstDeadlineDays returns how many working days the first stage of a
// case raised now between the two agencies is given.
func firstDeadlineDays(t *testing.T, env *bottest.Env, raiser, raiserAgency, respondent, respondentAgency string) int {
	t.Helper()
	res, err := env.Engine.Raise(context.Background(), raiser, bottest.Intake(respondent, raiserAgency, respondentAgency))
	if err != nil {
		t.Fatal(err)
	}
	st := res.Case.Current()
	cal := env.Engine.RulesOf(res.Case).Calendar
	for d := 1; d <= 60; d++ {
		if st.Deadline.Equal(cal.AddWorkingDays(st.StartedAt, d)) {
			return d
		}
	}
	t.Fatalf("%s is due %v, not a whole number of working days", res.Case.ID, st.Deadline)
	return 0
}

// TestHostedSettings: each hosted partnership's settings are seeded from
// its own section of the file under its own id; changing Devon's first
// stage timescale gives Devon's new cases the new one and leaves
// Wiltshire's cases, agencies and roles as they were; another replica
// takes the change up; an agency of Wiltshire's cannot be put in Devon's
// directory.
func TestHostedSettings(t *testing.T) {
	env := bottest.New(t, bottest.Options{File: hostedFile})
	ctx := context.Background()
	lives := hostedLive(t, env)
	st := env.Store.(conversation.SettingsStore)
	for _, id := range []string{"wiltshire", "devon"} {
		cur, err := st.Settings(ctx, id)
		if err != nil || cur.Version != 1 || cur.By != livesettings.SeededBy {
			t.Fatalf("%s's stored settings: %+v, %v; want version 1 seeded by the file", id, cur, err)
		}
	}
	if _, err := st.Settings(ctx, conversation.DefaultPartnershipID); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Errorf("settings stored under the single partnership's id: %v", err)
	}
	wilSchool := env.Person(t, "ann.lee@wilts-school.example.org", "Ann Lee", "wilts-school", "")
	wilCSC := env.Person(t, "bob.ray@wilts-csc.example.org", "Bob Ray", "wilts-csc", "")
	devSchool := env.Person(t, "cat.fox@devon-school.example.org", "Cat Fox", "devon-school", "")
	devCSC := env.Person(t, "dan.oak@devon-csc.example.org", "Dan Oak", "devon-csc", "")
	wilBefore := firstDeadlineDays(t, env, wilSchool, "wilts-school", wilCSC, "wilts-csc")
	devBefore := firstDeadlineDays(t, env, devSchool, "devon-school", devCSC, "devon-csc")
	devon := lives["devon"]
	cur, v := devon.Current()
	want := cur.Protocol.Stages[0].Days + 4
	if _, err := devon.Change(ctx, "dev.admin@devon.example.org", "longer", v, func(c *config.Config) {
		c.Protocol.Stages[0].Days = want
	}); err != nil {
		t.Fatal(err)
	}
	if got := firstDeadlineDays(t, env, devSchool, "devon-school", devCSC, "devon-csc"); got != want || devBefore == want {
		t.Errorf("Devon's new case gets %d days (before %d); want %d", got, devBefore, want)
	}
	if got := firstDeadlineDays(t, env, wilSchool, "wilts-school", wilCSC, "wilts-csc"); got != wilBefore {
		t.Errorf("Wiltshire's new case gets %d days after Devon's change; want %d as before", got, wilBefore)
	}
	if p := env.People.AgencyPartnership("wilts-school"); p != "wiltshire" {
		t.Errorf("wilts-school is now of %q after Devon's change; want wiltshire", p)
	}
	for person, want := range map[string][]string{"wil.admin@wiltshire.example.org": {"wiltshire"}, "dev.admin@devon.example.org": {"devon"}} {
		if got, _ := env.People.RolePartnerships(ctx, person); !slices.Equal(got, want) {
			t.Errorf("%s holds roles in %v after Devon's change; want %v", person, got, want)
		}
	}
	if hist, err := lives["wiltshire"].History(ctx, 0); err != nil || len(hist) != 1 {
		t.Errorf("Wiltshire's history has %d changes (%v); want only its seed", len(hist), err)
	}

	// Another replica over the same store takes Devon's change up.
	agencies, roles := botconfig.Hosted(env.Config)
	people := bot.NewPeople(env.Store, agencies, roles, env.Clock.Now)
	engine := &conversation.Engine{Store: env.Store, Directory: people, Now: env.Clock.Now}
	engine.Use(env.Engine.Rules())
	botconfig.UseHosted(engine, engine.Rules(), env.Config)
	other := livesettings.NewHosted(env.Config, env.Config, map[string]int64{"wiltshire": 1, "devon": 1}, st, engine, people, env.Clock.Now, nil)
	for _, l := range other {
		if err := l.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := engine.RulesFor("devon").Protocol.Stages[0].Days; got != want {
		t.Errorf("the other replica's Devon first stage is %d days; want %d", got, want)
	}
	if got := engine.RulesFor("wiltshire").Protocol.Stages[0].Days; got != env.Engine.RulesFor("wiltshire").Protocol.Stages[0].Days {
		t.Errorf("the other replica's Wiltshire first stage changed to %d", got)
	}

	// Wiltshire's agency is refused in Devon's directory, and nothing changes.
	_, v = devon.Current()
	_, err := devon.Change(ctx, "dev.admin@devon.example.org", "steal", v, func(c *config.Config) {
		c.Directory.Agencies = append(c.Directory.Agencies, config.Agency{Key: "wilts-school", Name: "Wiltshire School"})
	})
	if conversation.ErrorCode(err) != conversation.EINVALID {
		t.Errorf("adding Wiltshire's agency to Devon: %v; want EINVALID", err)
	}
	if _, after := devon.Current(); after != v {
		t.Errorf("Devon's settings moved to version %d on a refused change", after)
	}
}
