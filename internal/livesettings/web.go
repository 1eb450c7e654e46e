package livesettings

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot/messages"
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
	protocolView(cfg, &v)
	return v, nil
}

// protocolView puts cfg's routes, categories, nudge policy and referral in
// v.
func protocolView(cfg *config.Config, v *web.SettingsView) {
	p := &cfg.Protocol
	v.Routes = map[string]string{}
	for _, k := range web.RouteKeys {
		v.Routes[k] = *routeOf(&p.Routes, k)
	}
	v.SeriousConcernRole = p.SeriousConcernRole()
	for _, c := range p.Categories {
		v.Categories = append(v.Categories, web.CategorySettings{Key: c.Key, Name: c.Name})
	}
	sc := cfg.Scheduler
	v.Nudges = web.NudgeSettings{ReminderDaysBefore: sc.ReminderDaysBefore, MaxOverdueReminders: sc.MaxOverdueReminders,
		QuietStart: clock(sc.QuietStart), QuietEnd: clock(sc.QuietEnd)}
	r := p.Referral
	v.Referral = web.ReferralSettings{Name: r.Name, Body: r.Body, Role: r.Role, Guidance: r.Guidance, Days: r.Days, AckDays: r.AckDays}
}

// routeOf returns the route with key (one of web.RouteKeys) in rs.
func routeOf(rs *conversation.Routes, key string) *string {
	return map[string]*string{"front_door": &rs.FrontDoor, "request_for_support": &rs.RequestForSupport, "police": &rs.Police,
		"emergency": &rs.Emergency, "dissent_procedure": &rs.DissentProcedure, "whistleblowing": &rs.Whistleblowing,
		"partnership_contact": &rs.PartnershipContact, "mediation": &rs.Mediation}[key]
}

// clock writes a time of day from midnight as HH:MM.
func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// Change applies the page's edit through liveSettings.Change, which checks
// it with config check's rules and records it. A quiet hour that is not a
// time of day is refused with config check's message before that.
func (w webSettings) Change(ctx context.Context, by string, version int64, e web.SettingsEdit) ([]web.SettingsProblem, error) {
	quiet, probs := quietHours(e.Nudges)
	var err error
	switch {
	case probs.HasErrors():
		err = conversation.Invalid("settings.error.refused", messages.Args{"problems": probs.Summary()})
	case e.Check:
		probs, err = w.l.Check(ctx, version, func(c *config.Config) { edit(c, e, quiet) })
	default:
		probs, err = w.l.Change(ctx, by, e.Note, version, func(c *config.Config) { edit(c, e, quiet) })
	}
	out := make([]web.SettingsProblem, 0, len(probs))
	for _, p := range probs {
		out = append(out, web.SettingsProblem{Path: problemPath(p.Place), Message: p.Message, Error: p.Severity == config.SeverityError})
	}
	return out, err
}

// edit applies the page's edit e to c, with the quiet hours read.
func edit(c *config.Config, e web.SettingsEdit, quiet [2]time.Duration) {
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
	editProtocol(c, e, quiet)
}

// editProtocol applies e's routes, serious-concern role, category, nudge policy (with the quiet
// hours read, from midnight) and referral to c.
func editProtocol(c *config.Config, e web.SettingsEdit, quiet [2]time.Duration) {
	p := &c.Protocol
	for k, v := range e.Routes {
		if r := routeOf(&p.Routes, k); r != nil {
			*r = v
		}
	}
	if role := e.SeriousConcernRole; role != nil {
		switch {
		case *role == "":
			p.SeriousConcern = nil
		case p.SeriousConcern == nil:
			p.SeriousConcern = &conversation.SeriousConcernRoute{Role: *role}
		default:
			sc := *p.SeriousConcern // keeps its guidance
			sc.Role = *role
			p.SeriousConcern = &sc
		}
	}
	if cat := e.Category; cat != nil {
		p.Categories = slices.Clone(p.Categories)
		if i := slices.IndexFunc(p.Categories, func(x conversation.Category) bool { return x.Key == cat.Key }); i >= 0 {
			p.Categories[i].Name = cat.Name
		} else {
			p.Categories = append(p.Categories, conversation.Category{Key: cat.Key, Name: cat.Name})
		}
	}
	if e.RemoveCategory != "" {
		p.Categories = slices.DeleteFunc(slices.Clone(p.Categories), func(x conversation.Category) bool { return x.Key == e.RemoveCategory })
	}
	if n := e.Nudges; n != nil {
		c.Scheduler.ReminderDaysBefore, c.Scheduler.MaxOverdueReminders = n.ReminderDaysBefore, n.MaxOverdueReminders
		c.Scheduler.QuietStart, c.Scheduler.QuietEnd = quiet[0], quiet[1]
	}
	if r := e.Referral; r != nil {
		p.Referral.Name, p.Referral.Body, p.Referral.Role, p.Referral.Guidance = r.Name, r.Body, r.Role, r.Guidance
		p.Referral.Days, p.Referral.AckDays = r.Days, r.AckDays
	}
}

// quietHours reads the quiet hours of n (nil for no change) as config
// check does, returning its problems for a time that is not one.
func quietHours(n *web.NudgeSettings) (out [2]time.Duration, bad config.Problems) {
	if n == nil {
		return out, nil
	}
	for i, t := range []struct{ key, v string }{{"start", n.QuietStart}, {"end", n.QuietEnd}} {
		d, err := config.ParseClock(t.v)
		if err != nil {
			bad = append(bad, config.Problem{Severity: config.SeverityError, Place: "scheduler.quiet_hours." + t.key, Message: err.Error()})
		}
		out[i] = d
	}
	return out, bad
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
