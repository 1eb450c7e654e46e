package livesettings

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// Web returns the settings pages' editor over l.
func Web(l *Live) web.SettingsEditor { return webSettings{l} }

// webSettings is the settings pages' view of the live settings: it turns
// the configuration's types into the web page's and back.
type webSettings struct{ l *Live }

var _ web.SettingsEditor = webSettings{}

// View returns the settings in use.
func (w webSettings) View(context.Context) (web.SettingsView, error) {
	cfg, version := w.l.Current()
	v := web.SettingsView{Version: version}
	for _, s := range cfg.Protocol.Stages {
		v.Stages = append(v.Stages, web.StageTimes{Key: s.Key, Name: s.Name, Guidance: s.Guidance, Days: s.Days, UrgentDays: s.UrgentDays, AckDays: s.AckDays})
	}
	for _, a := range cfg.Directory.Agencies {
		v.Agencies = append(v.Agencies, web.AgencySettings{Key: a.Key, Name: a.Name, EmailOnly: slices.Equal(a.Reach, []string{"email"}),
			Managers: webContacts(a.Contacts.Manager), SeniorManagers: webContacts(a.Contacts.SeniorManager),
			Leaders: webContacts(a.Contacts.Leader), SafeguardingLeads: webContacts(a.SafeguardingLeads),
			Reach: slices.Clone(a.Reach), ReferenceFormats: slices.Clone(a.ReferenceFormats), ReferenceExample: a.ReferenceExample})
	}
	for _, d := range cfg.Calendar.ClosureDays {
		v.ClosureDays = append(v.ClosureDays, d.Format(time.DateOnly))
	}
	for _, r := range cfg.Directory.PartnershipRoles {
		v.Roles = append(v.Roles, web.RoleSettings{Name: r.Name, Email: r.Email, Role: r.Role})
	}
	v.Chairs, v.ChairsAsked = webContacts(cfg.Directory.ConferenceChairs), cfg.Protocol.Observations != nil
	return v, nil
}

// Change applies the page's edit through liveSettings.Change, which checks
// it with config check's rules and records it.
func (w webSettings) Change(ctx context.Context, by string, version int64, e web.SettingsEdit) ([]web.SettingsProblem, error) {
	change := func(f func(*config.Config)) (config.Problems, error) { return w.l.Change(ctx, by, e.Note, version, f) }
	if e.Check {
		change = func(f func(*config.Config)) (config.Problems, error) { return w.l.Check(ctx, version, f) }
	}
	probs, err := change(func(c *config.Config) {
		if st := e.Stage; st != nil {
			for i := range c.Protocol.Stages {
				if c.Protocol.Stages[i].Key == st.Key {
					c.Protocol.Stages[i].Name, c.Protocol.Stages[i].Guidance = st.Name, st.Guidance
					c.Protocol.Stages[i].Days, c.Protocol.Stages[i].UrgentDays, c.Protocol.Stages[i].AckDays = st.Days, st.UrgentDays, st.AckDays
				}
			}
		}
		if a := e.Agency; a != nil {
			putAgency(c, *a)
		}
		editClosures(c, e.AddClosure, e.RemoveClosure)
		if e.RetireAgency != "" {
			c.Directory.Demo = false
			c.Directory.Agencies = slices.DeleteFunc(c.Directory.Agencies, func(a config.Agency) bool { return a.Key == e.RetireAgency })
		}
		putPeople(c, e.Roles, e.Chairs)
	})
	out := make([]web.SettingsProblem, 0, len(probs))
	for _, p := range probs {
		out = append(out, web.SettingsProblem{Path: problemPath(p.Place), Message: p.Message, Error: p.Severity == config.SeverityError})
	}
	return out, err
}

// History returns the recorded changes.
func (w webSettings) History(ctx context.Context, limit int) ([]conversation.SettingsChange, error) {
	return w.l.History(ctx, limit)
}

// putAgency adds a, or replaces the agency with its key, whole (a page
// edits an agency as View gave it); the directory is then a configured
// one, no longer the built-in example. EmailOnly wins over a's Reach: on
// it is [email], off it is anything but [email].
func putAgency(c *config.Config, a web.AgencySettings) {
	c.Directory.Demo = false
	ag := config.Agency{Key: a.Key, Name: a.Name}
	i := slices.IndexFunc(c.Directory.Agencies, func(x config.Agency) bool { return x.Key == a.Key })
	ag.Contacts = config.AgencyContacts{Manager: configContacts(a.Managers), SeniorManager: configContacts(a.SeniorManagers), Leader: configContacts(a.Leaders)}
	ag.SafeguardingLeads = configContacts(a.SafeguardingLeads)
	ag.ReferenceFormats, ag.ReferenceExample = slices.Clone(a.ReferenceFormats), a.ReferenceExample
	ag.Reach = slices.Clone(a.Reach)
	switch {
	case a.EmailOnly:
		ag.Reach = []string{"email"}
	case slices.Equal(ag.Reach, []string{"email"}):
		ag.Reach = nil
	}
	if i >= 0 {
		c.Directory.Agencies[i] = ag
	} else {
		c.Directory.Agencies = append(c.Directory.Agencies, ag)
	}
}

// editClosures adds the closure day add and takes out the closure day
// remove (each YYYY-MM-DD, or empty for none), keeping the days in date
// order. A day that does not parse is left alone: the page checks them.
func editClosures(c *config.Config, add, remove string) {
	loc := c.Calendar.Location
	if loc == nil {
		loc = time.UTC
	}
	if d, err := time.ParseInLocation(time.DateOnly, add, loc); err == nil {
		c.Calendar.ClosureDays = append(c.Calendar.ClosureDays, d)
	}
	c.Calendar.ClosureDays = slices.DeleteFunc(c.Calendar.ClosureDays, func(d time.Time) bool { return d.Format(time.DateOnly) == remove })
	slices.SortStableFunc(c.Calendar.ClosureDays, func(a, b time.Time) int { return a.Compare(b) })
}

func webContacts(cs []config.Contact) []web.SettingsContact {
	out := make([]web.SettingsContact, 0, len(cs))
	for _, c := range cs {
		out = append(out, web.SettingsContact{Name: c.Name, Email: c.Email})
	}
	return out
}

func configContacts(cs []web.SettingsContact) []config.Contact {
	var out []config.Contact
	for _, c := range cs {
		out = append(out, config.Contact{Name: c.Name, Email: c.Email})
	}
	return out
}

// problemPath returns the setting's path of a problem's place, such as
// "protocol.stages[0].days" of "stored settings:12:5 protocol.stages[0].days".
func problemPath(place string) string {
	if i := strings.LastIndexByte(place, ' '); i >= 0 {
		return place[i+1:]
	}
	return place
}
