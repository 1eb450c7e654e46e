package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/resolvebot/resolvebot/conversation"
)

// This file is the table of every setting: each key of the file with where
// its value goes, its meaning, and the environment variable that overrides
// it or alone sets it. The decoder (decodeFile), the environment layer
// (applyEnv) and `resolvebot config reference` (Reference) all read it, so
// a key cannot be decoded without being documented.

// fileKeys returns the top-level keys of the file, in the order they are
// applied, writing into cfg and f. Built on defaults(), the values behind
// each dst are the defaults.
func fileKeys(cfg *Config, f *fileSettings) []field {
	return []field{
		{key: "partnership", typ: "string", def: DefaultPartnership,
			doc:   "the protocol preset the partnership starts from: " + strings.Join(PresetKeys(), ", "),
			parse: func(d *nodeDecoder, e entry, at string) { d.partnership(e, at, cfg) }},
		{key: "protocol", doc: "overrides on the preset's protocol", items: protocolKeys(&cfg.Protocol),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, protocolKeys(&cfg.Protocol)) }},
		{key: "calendar", doc: "which days and hours are working time", items: calendarKeys(&cfg.Calendar, f),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, calendarKeys(&cfg.Calendar, f)) }},
		{key: "directory", doc: "the agencies and the partnership's roles; without it a fictional example directory is used",
			items: directoryKeys(&Directory{}),
			parse: func(d *nodeDecoder, e entry, at string) {
				f.directorySet = true
				cfg.Directory = Directory{}
				d.section(e, at, directoryKeys(&cfg.Directory))
			}},
		{key: "store", doc: "where cases are kept", items: storeKeys(&cfg.Store, f),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, storeKeys(&cfg.Store, f)) }},
		{key: "addr", dst: &cfg.Addr, env: EnvAddr, doc: "the HTTP listen address of serve (also --addr)"},
		{key: "admin_addr", dst: &cfg.AdminAddr, env: EnvAdminAddr,
			doc: "the admin listener of /metrics, /healthz, /readyz and /debug/pprof (also --admin-addr; " + AdminOff + " for none)"},
		{key: "server", doc: "the HTTP listener's timeouts and its caps on slow and greedy clients", items: serverKeys(&cfg.Server),
			parse: func(d *nodeDecoder, e entry, at string) { d.server(e, at, &cfg.Server) }},
		{key: "drafts", doc: "unfinished intake forms", items: draftsKeys(&cfg.Drafts),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, draftsKeys(&cfg.Drafts)) }},
		{key: "scheduler", doc: "when nudges, digests and summaries go out", items: schedulerKeys(&cfg.Scheduler),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, schedulerKeys(&cfg.Scheduler)) }},
		{key: "retention", doc: "how long ended cases are kept", items: retentionKeys(&cfg.Retention),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, retentionKeys(&cfg.Retention)) }},
		{key: "slack", doc: "the Slack adapter", items: slackKeys(&cfg.Slack),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, slackKeys(&cfg.Slack)) }},
		{key: "teams", doc: "the Microsoft Teams adapter", items: teamsKeys(&cfg.Teams),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, teamsKeys(&cfg.Teams)) }},
		{key: "email", doc: "notifications by email over SMTP, with TLS; no section, no email", items: emailKeys(&cfg.Email),
			parse: func(d *nodeDecoder, e entry, at string) { d.emailSection(e, at, &cfg.Email) }},
		{key: "web", doc: "the web page (on whenever email is): sign-in with an identity provider", items: webKeys(&cfg.Web),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, webKeys(&cfg.Web)) }},
		{key: "log", doc: "logging", items: logKeys(&cfg.Log),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, logKeys(&cfg.Log)) }},
		{key: "messages", typ: "mapping", def: "none", doc: messagesDoc,
			parse: func(d *nodeDecoder, e entry, at string) { d.messagesSection(e, at, cfg) }},
		{key: "partnerships", typ: "list", def: "(none: the top level is the one partnership)",
			doc:   "several partnerships on one deployment, each with its own preset, protocol, closure days and directory; the top-level partnership, protocol and directory are then not given",
			items: partnershipKeys(&Partnership{}, &partnershipSettings{}),
			parse: func(d *nodeDecoder, e entry, at string) { d.partnershipsSection(e, at, cfg, f) }},
		{key: "neighbours", typ: "list", def: "(none)",
			doc:   "partnerships not on this deployment, whose contact is given to someone raising a case that crosses into their area",
			items: neighbourKeys(&Neighbour{}),
			parse: func(d *nodeDecoder, e entry, at string) { d.neighboursSection(e, at, cfg) }},
	}
}

// envOnlyKeys are settings with no key in the file: where the file is found.
func envOnlyKeys(cfg *Config) []field {
	return []field{
		{key: "config", dst: &cfg.File, env: EnvConfig, envOnly: true, doc: "the YAML file to read (also --config); none means defaults and the environment only"},
	}
}

func protocolKeys(p *conversation.Protocol) []field {
	return []field{
		{key: "name", dst: &p.Name, doc: "the protocol's name, as people see it"},
		{key: "partnership", typ: "string", shown: &p.Partnership, doc: "the partnership's name, as people see it; giving it drops the preset's short name and annual_report_to",
			parse: func(d *nodeDecoder, e entry, at string) {
				p.PartnershipShort = "" // the preset's short name is of another partnership
				p.AnnualReportTo = ""   // and so is its executive
				d.str(e, at, &p.Partnership)
			}},
		{key: "partnership_short", dst: &p.PartnershipShort, doc: "a short form of the partnership's name, such as Devon SCP, where space is tight"},
		{key: "annual_report_to", dst: &p.AnnualReportTo, doc: "who the protocol's annual report is tabled with, such as the Partnership Executive Group"},
		{key: "guidance", dst: &p.Guidance, doc: "the protocol's own guidance, shown before the intake questions"},
		{key: "action_reminder_days", typ: "integer", def: "2",
			doc: "working days before an action agreed at resolution is due that its owner is reminded (0: only on the day it is due)",
			parse: func(d *nodeDecoder, e entry, at string) {
				n := conversation.DefaultActionReminderDays
				d.integer(e, at, &n)
				switch {
				case n < 0 || n > 20:
					d.errorf(e.val, at, "choose between 0 (only on the day) and 20 working days")
				case n == 0:
					p.ActionReminderDays = -1
				default:
					p.ActionReminderDays = n
				}
			}},
		{key: "reflection", typ: "list", def: "(the preset's checklist)", doc: "the \"Before raising it, I have…\" checklist; replaces the preset's whole list",
			items: reflectionKeys(&conversation.ReflectionCheck{}), parse: func(d *nodeDecoder, e entry, at string) { d.reflection(e, at, p) }},
		{key: "stages", typ: "list", def: "(the preset's stages)", doc: "the ladder, lowest first; replaces the preset's whole list",
			items: stageKeys(&conversation.Stage{}), parse: func(d *nodeDecoder, e entry, at string) { d.stages(e, at, p) }},
		{key: "referral", doc: "the formal referral to the partnership above the top stage", items: referralKeys(&p.Referral),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, referralKeys(&p.Referral)) }},
		{key: "routes", doc: "where people are sent instead of raising a case; an empty value keeps the preset's",
			items: routeKeys(&p.Routes), parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, routeKeys(&p.Routes)) }},
		{key: "conference", typ: "mapping, or null", def: "(the preset's choice)", items: conferenceKeys(&conversation.Conference{}),
			doc:   "when set, disagreements about child protection conference decisions are cases in this protocol, in this category; null sends them to the dissent procedure",
			parse: func(d *nodeDecoder, e entry, at string) { d.conference(e, at, p) }},
		{key: "serious_concern", typ: "mapping, or null", def: "(the preset's choice)", items: seriousConcernKeys(&conversation.SeriousConcernRoute{}),
			doc:   "when set, a serious concern is logged at once with this partnership role, who records whether a broader deep dive is needed; null logs it with every partnership role",
			parse: func(d *nodeDecoder, e entry, at string) { d.seriousConcern(e, at, p) }},
		{key: "observations", typ: "mapping, or null", def: "(the preset's choice)", items: observationKeys(&conversation.ObservedDifferences{}),
			doc:   "when set, the directory's conference_chairs can log inter-agency differences seen in conferences and reviews, counted in the partnership report; null turns it off",
			parse: func(d *nodeDecoder, e entry, at string) { d.observations(e, at, p) }},
		{key: "categories", typ: "list", def: "(the seven categories of the source protocols)",
			doc:   "the kinds of disagreement people choose from; replaces the preset's whole list",
			items: categoryKeys(&conversation.Category{}), parse: func(d *nodeDecoder, e entry, at string) { d.categories(e, at, p) }},
		{key: "key", refused: "the protocol key is the partnership preset: set the top-level partnership instead"},
	}
}

func conferenceKeys(c *conversation.Conference) []field {
	return []field{
		{key: "category", dst: &c.Category, doc: "the category such cases take; one of protocol.categories"},
		{key: "guidance", dst: &c.Guidance, doc: "the guidance shown on them"},
		{key: "answer", dst: &c.Answer, doc: "the intake's answer for such a decision, naming the meetings the protocol covers"},
	}
}

func seriousConcernKeys(c *conversation.SeriousConcernRoute) []field {
	return []field{
		{key: "role", dst: &c.Role, doc: "the partnership role (as in directory.partnership_roles) told at once, who decides on a deep dive"},
		{key: "guidance", dst: &c.Guidance, doc: "what the role decides, shown on its decision form"},
	}
}

func observationKeys(o *conversation.ObservedDifferences) []field {
	return []field{
		{key: "service", dst: &o.Service, doc: "the service that reports them, such as the Conference and Reviewing Service"},
		{key: "role", dst: &o.Role, doc: "who in it logs one, such as conference chair or reviewing officer"},
		{key: "report_to", dst: &o.ReportTo, doc: "who they are reported to, such as the QA&P Sub Group"},
	}
}

func stageKeys(s *conversation.Stage) []field {
	return []field{
		{key: "key", dst: &s.Key, doc: "a short unique name for the stage, such as manager"},
		{key: "name", dst: &s.Name, doc: "the stage's name, as people see it"},
		{key: "raiser_tier", dst: &s.RaiserTier, doc: "the raiser's side: professional, manager, senior_manager, leader or partnership (the other side's when only one is given)"},
		{key: "respondent_tier", dst: &s.RespondentTier, doc: "the respondent's side, usually the same tier"},
		{key: "days", dst: &s.Days, doc: "working days to resolve the stage"},
		{key: "urgent_days", dst: &s.UrgentDays, doc: "working days to resolve it when the case is urgent"},
		{key: "ack_days", dst: &s.AckDays, doc: "working days to acknowledge"},
		{key: "guidance", dst: &s.Guidance, doc: "guidance shown to the people brought into the stage"},
		{key: "tier", refused: "give raiser_tier and respondent_tier (usually the same)"},
	}
}

func referralKeys(r *conversation.Referral) []field {
	return []field{
		{key: "name", dst: &r.Name, doc: "the referral's name, such as \"Referral to the Practice Development Group\""},
		{key: "body", dst: &r.Body, doc: "the body that hears it"},
		{key: "role", dst: &r.Role, doc: "the partnership role that receives it, such as partnership manager"},
		{key: "days", dst: &r.Days, doc: "working days to consider it"},
		{key: "ack_days", dst: &r.AckDays, doc: "working days to acknowledge it"},
		{key: "guidance", dst: &r.Guidance, doc: "guidance shown with the referral"},
		{key: "accept_guidance", dst: &r.AcceptGuidance, doc: "what accepting a referral means, shown on the Accept form"},
		{key: "return_guidance", dst: &r.ReturnGuidance, doc: "what returning a referral with advice means, shown on the Return form"},
	}
}

func reflectionKeys(r *conversation.ReflectionCheck) []field {
	return []field{
		{key: "key", dst: &r.Key, doc: "which stored check this is: one of the checks a case keeps"},
		{key: "label", dst: &r.Label, doc: "the check as people read it"},
	}
}

func routeKeys(r *conversation.Routes) []field {
	route := func(key string, dst *string, doc string) field {
		return field{key: key, typ: "string", doc: doc, shown: dst, parse: func(d *nodeDecoder, e entry, at string) {
			var v string
			if d.str(e, at, &v) && v != "" {
				*dst = v
			}
		}}
	}
	return []field{
		route("front_door", &r.FrontDoor, "the children's services front door, for immediate risk"),
		route("police", &r.Police, "the police non-emergency number"),
		route("emergency", &r.Emergency, "the emergency number (999 when empty)"),
		route("dissent_procedure", &r.DissentProcedure, "where the child protection conference dissent procedure is"),
		route("whistleblowing", &r.Whistleblowing, "the whistleblowing policy, for a disagreement with one's own organisation"),
		route("partnership_contact", &r.PartnershipContact, "the partnership's email or phone"),
		route("mediation", &r.Mediation, "who offers mediation or a restorative facilitator for a stuck case"),
		route("request_for_support", &r.RequestForSupport, "the online request for support form offered beside the front door"),
	}
}

func categoryKeys(c *conversation.Category) []field {
	return []field{
		{key: "key", dst: &c.Key, doc: "a short unique name, kept in the records and reports"},
		{key: "name", dst: &c.Name, doc: "the category as people see it"},
	}
}

func calendarKeys(c *Calendar, f *fileSettings) []field {
	return []field{
		{key: "nation", dst: &c.Nation, doc: "whose bank holidays apply; only " + NationEnglandAndWales + " is supported"},
		{key: "time_zone", dst: &c.TimeZone, doc: "the IANA time zone of working days and schedules"},
		{key: "closure_days", typ: "list of dates (YYYY-MM-DD)", def: "(none)",
			doc:   "extra days that are not working days, such as office closures",
			parse: func(d *nodeDecoder, e entry, at string) { d.closureDays(e, at, f) }},
		{key: "workday_start", dst: &c.WorkdayStart, typ: "time of day (HH:MM)", parse: clockParser(&c.WorkdayStart), doc: "when the working day starts"},
		{key: "workday_end", dst: &c.WorkdayEnd, typ: "time of day (HH:MM)", parse: clockParser(&c.WorkdayEnd), doc: "when the working day ends"},
	}
}

func directoryKeys(dir *Directory) []field {
	return []field{
		{key: "agencies", typ: "list", doc: "the partner organisations", items: agencyKeys(&Agency{}),
			parse: func(d *nodeDecoder, e entry, at string) { d.agencies(e, at, dir) }},
		{key: "partnership_roles", typ: "list", doc: "the people who act for the partnership; they see every case",
			items: partnershipRoleKeys(&PartnershipRole{}), parse: func(d *nodeDecoder, e entry, at string) { d.partnershipRoles(e, at, dir) }},
		{key: "conference_chairs", typ: "list", doc: "conference chairs and reviewing officers, who may log inter-agency differences seen in conferences and reviews (protocol.observations); they see no cases",
			items: contactKeys(&Contact{}), parse: func(d *nodeDecoder, e entry, at string) { dir.ConferenceChairs = d.contacts(e, at) }},
	}
}

func agencyKeys(a *Agency) []field {
	contacts := func(key, doc string, dst *[]Contact) field {
		return field{key: key, typ: "list", doc: doc, items: contactKeys(&Contact{}),
			parse: func(d *nodeDecoder, e entry, at string) { *dst = d.contacts(e, at) }}
	}
	return []field{
		{key: "key", dst: &a.Key, doc: "a short unique name for the agency, such as csc"},
		{key: "name", dst: &a.Name, doc: "the agency's name, as people see it"},
		{key: "contacts", doc: "the escalation contacts for each tier; practitioners are learned in chat, not listed",
			items: agencyContactKeys(&AgencyContacts{}), parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, agencyContactKeys(&a.Contacts)) }},
		contacts("safeguarding_leads", "people who see every case their agency is party to, without acting on them", &a.SafeguardingLeads),
		{key: "reference_formats", dst: &a.ReferenceFormats, typ: "list of patterns",
			doc: "the agency's case-reference formats (Go regular expressions, matched whole, ignoring case); a reference raised by someone at the agency must match one"},
		{key: "reference_example", dst: &a.ReferenceExample, doc: "an example reference, shown to people who type something else (needed with reference_formats)"},
		{key: "reach", dst: &a.Reach, typ: "list of slack, teams, email", def: "(learned per person)",
			doc: "the default order of the ways to reach the agency's people, for anyone who has not chosen their own in their profile: [email] for an agency on email only; otherwise each person's platforms as they use them, email last"},
	}
}

func agencyContactKeys(c *AgencyContacts) []field {
	contacts := func(key, doc string, dst *[]Contact) field {
		return field{key: key, typ: "list", doc: doc, items: contactKeys(&Contact{}),
			parse: func(d *nodeDecoder, e entry, at string) { *dst = d.contacts(e, at) }}
	}
	return []field{
		contacts(conversation.TierManager, "the agency's managers, brought in at the manager stage", &c.Manager),
		contacts(conversation.TierSeniorManager, "its senior managers", &c.SeniorManager),
		contacts(conversation.TierLeader, "its leaders", &c.Leader),
		{key: conversation.TierProfessional, refused: "practitioners are not listed: they are learned in chat; list managers, senior managers and leaders"},
		{key: conversation.TierPartnership, refused: "partnership people go under directory.partnership_roles"},
	}
}

func contactKeys(c *Contact) []field {
	return []field{
		{key: "name", dst: &c.Name, doc: "the person's name"},
		{key: "email", dst: &c.Email, typ: "email address", parse: emailParser(&c.Email), doc: "their work email, which identifies them on every platform"},
	}
}

func partnershipRoleKeys(r *PartnershipRole) []field {
	return []field{
		{key: "name", dst: &r.Name, doc: "the person's name"},
		{key: "email", dst: &r.Email, typ: "email address", parse: emailParser(&r.Email), doc: "their work email"},
		{key: "role", dst: &r.Role, doc: "their role, such as partnership manager or QA&P chair; \"" + conversation.RolePartnershipAdmin + "\" may change the partnership's directory and timescales on the web page (Settings)"},
	}
}

func storeKeys(s *Store, f *fileSettings) []field {
	return []field{
		{key: "driver", dst: &s.Driver, doc: "bolt (an embedded file, one process) or redis (several replicas); redis when REDIS_URL is set and the file chooses none",
			parse: func(d *nodeDecoder, e entry, at string) {
				if d.str(e, at, &s.Driver) {
					f.storeDriver = s.Driver
				}
			}},
		{key: "path", dst: &s.Path, env: EnvData, doc: "the bolt store's file (also --data)"},
		{key: "key_prefix", dst: &s.KeyPrefix, doc: "the prefix of every Redis key"},
		{key: "id", dst: &s.ID, doc: "pins the Redis store's identity, logged at its first start: a Redis without it, or with another, is refused as one that lost its data"},
		{key: "allow_plaintext", dst: &s.AllowPlaintext, doc: "let the Redis store start without encryption keys, and quieten the bolt store's warning"},
		{key: "redis_url", dst: &s.RedisURL, env: EnvRedisURL, envOnly: true, secret: true,
			doc: "the Redis server (redis:// or rediss://, Sentinel and Cluster forms); selects the Redis store"},
		{key: "encryption_keys", dst: &s.EncryptionKeys, env: EnvEncryptionKeys, envOnly: true, secret: true,
			doc: "comma-separated id:base64key pairs of 32-byte keys sealing case text, child references and drafts; the first seals new writes"},
		{key: "url", refused: secret(EnvRedisURL)},
		{key: "encryption_key", refused: secret(EnvEncryptionKeys)},
	}
}

func draftsKeys(dr *Drafts) []field {
	return []field{
		{key: "ttl", dst: &dr.TTL, doc: "how long an unfinished intake form is kept"},
	}
}

func schedulerKeys(s *Scheduler) []field {
	days := func(key string, dst *int, doc, outOfRange string) field {
		return field{key: key, dst: dst, doc: doc, parse: func(d *nodeDecoder, e entry, at string) {
			d.integer(e, at, dst)
			if *dst < 0 || *dst > 20 {
				d.errorf(e.val, at, "%s", outOfRange)
			}
		}}
	}
	return []field{
		{key: "due_pass", dst: &s.DuePass, typ: "cron schedule", parse: cronParser(&s.DuePass), doc: "how often the store is asked what is due"},
		{key: "digest", dst: &s.Digest, typ: "cron schedule", parse: cronParser(&s.Digest), doc: "when the morning digest of waiting cases goes out"},
		{key: "summary", dst: &s.Summary, typ: "cron schedule", parse: cronParser(&s.Summary), doc: "when the partnership's monthly summary goes out"},
		days("reminder_days_before", &s.ReminderDaysBefore, "working days before a deadline that people are reminded (0: no reminder)", "choose between 0 (no reminder) and 20 working days"),
		days("max_overdue_reminders", &s.MaxOverdueReminders, "daily reminders after a missed deadline before the partnership hears the case is stuck", "choose between 0 and 20"),
		{key: "quiet_hours", doc: "nothing is sent from start until end", items: quietKeys(s),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, quietKeys(s)) }},
		{key: "summary_to", typ: "list of email addresses", def: "(the partnership roles)", doc: "who receives the monthly summary",
			parse: func(d *nodeDecoder, e entry, at string) { d.emails(e, at, &s.SummaryTo) }},
	}
}

func quietKeys(s *Scheduler) []field {
	return []field{
		{key: "start", dst: &s.QuietStart, typ: "time of day (HH:MM)", parse: clockParser(&s.QuietStart), doc: "when quiet hours start"},
		{key: "end", dst: &s.QuietEnd, typ: "time of day (HH:MM)", parse: clockParser(&s.QuietEnd), doc: "when they end"},
	}
}

func retentionKeys(r *Retention) []field {
	return []field{
		{key: "closed_after", dst: &r.ClosedAfter, typ: "period (2y, 730d, 104w or 17520h)", def: "(none: kept forever)",
			doc: "how long a resolved, withdrawn or closed case is kept before purge deletes it",
			parse: func(d *nodeDecoder, e entry, at string) {
				var s string
				if d.str(e, at, &s) {
					if v, ok := parseRetention(s); ok {
						r.ClosedAfter = v
					} else {
						d.errorf(e.val, at, "expected a period such as 2y, 730d or 17520h, got %q", s)
					}
				}
			}},
		{key: "purge", dst: &r.Purge, typ: "cron schedule", doc: "when serve runs the purge (only with closed_after)"},
	}
}

func slackKeys(s *Slack) []field {
	return []field{
		{key: "command", dst: &s.Command, doc: "the slash command"},
		{key: "api_url", dst: &s.APIURL, env: EnvSlackAPIURL, doc: "Slack's Web API, for GovSlack or a local fake; empty for Slack's own"},
		{key: "pace", dst: &s.Pace, doc: "pace Web API calls at Slack's published rates; turn off only against a fake Slack"},
		{key: "bot_token", dst: &s.BotToken, env: EnvSlackBotToken, envOnly: true, secret: true, doc: "the Bot User OAuth Token (xoxb-…); turns Slack on"},
		{key: "signing_secret", dst: &s.SigningSecret, env: EnvSlackSigningSecret, envOnly: true, secret: true, doc: "verifies every HTTP request from Slack"},
		{key: "app_token", dst: &s.AppToken, env: EnvSlackAppToken, envOnly: true, secret: true, doc: "an app-level token (xapp-…): Socket Mode instead of HTTP"},
		{key: "client_id", dst: &s.ClientID, env: EnvSlackClientID, envOnly: true, doc: "the app's Client ID: installs into any number of workspaces through Slack's OAuth flow, at /slack/install"},
		{key: "client_secret", dst: &s.ClientSecret, env: EnvSlackClientSecret, envOnly: true, secret: true, doc: "the app's Client Secret, for the OAuth flow"},
		{key: "redirect_url", dst: &s.RedirectURL, def: "(email.base_url + /slack/oauth_redirect)", doc: "the public address of /slack/oauth_redirect (https), as listed in the app's redirect URLs"},
		{key: "token", refused: secret(EnvSlackBotToken)},
	}
}

func teamsKeys(t *Teams) []field {
	return []field{
		{key: "insecure_no_auth", dst: &t.InsecureNoAuth, doc: "switch token checks off, for the local Bot Framework Emulator only; never in production"},
		{key: "openid_metadata_url", dst: &t.OpenIDMetadataURL, env: EnvTeamsOpenIDMetadataURL, doc: "where the keys that sign the Bot Framework's requests are found"},
		{key: "token_authority", dst: &t.TokenAuthority, env: EnvTeamsTokenAuthority, doc: "the Entra authority for app tokens; empty derives it from the app type and tenant"},
		{key: "service_urls", dst: &t.ServiceURLs, doc: "Bot Connector URLs trusted with app tokens before any request from them (https)"},
		{key: "issuers", dst: &t.Issuers, def: "(the Bot Framework's, https://api.botframework.com)", doc: "accepted issuers of inbound tokens, replacing the Bot Framework's own"},
		{key: "app_id", dst: &t.AppID, env: EnvTeamsAppID, envOnly: true, doc: "the Azure Bot's Microsoft App ID; turns Teams on"},
		{key: "app_password", dst: &t.AppPassword, env: EnvTeamsAppPassword, envOnly: true, secret: true, doc: "the app registration's client secret"},
		{key: "app_certificate", env: EnvTeamsAppCertificate, envOnly: true, secret: true, typ: "PEM text or file path",
			setEnv: func(v string, col *collector) { t.AppCertificate = loadCertificate(v, col) },
			doc:    "a certificate and its unencrypted private key, instead of the client secret"},
		{key: "tenant_id", dst: &t.TenantID, env: EnvTeamsTenantID, envOnly: true, doc: "the bot's Entra tenant"},
		{key: "app_type", dst: &t.AppType, env: EnvTeamsAppType, envOnly: true, def: "(SingleTenant with a tenant id, else MultiTenant)",
			doc: "SingleTenant, MultiTenant (older bots) or UserAssignedMSI"},
		{key: "registrations", typ: "list", def: "(none)", items: teamsRegistrationKeys(&TeamsRegistration{}),
			doc: "more Azure Bot registrations, one for each agency on another tenant; each activity is answered by the registration its token names",
			parse: func(d *nodeDecoder, e entry, at string) {
				if regs, ok := sections(d, e, at, teamsRegistrationKeys); ok {
					t.Registrations = regs
				}
			}},
		{key: "password", refused: secret(EnvTeamsAppPassword)},
		{key: "certificate", refused: secret(EnvTeamsAppCertificate)},
	}
}

func logKeys(l *Log) []field {
	return []field{
		{key: "level", dst: &l.Level, doc: "debug, info, warn or error"},
		{key: "format", dst: &l.Format, doc: "auto (text on a terminal, JSON otherwise), text or json"},
	}
}

// clockParser decodes a time of day as HH:MM into dst.
func clockParser(dst *time.Duration) func(d *nodeDecoder, e entry, at string) {
	return func(d *nodeDecoder, e entry, at string) { d.clockTime(e, at, dst) }
}

// emailParser decodes one email address into dst.
func emailParser(dst *string) func(d *nodeDecoder, e entry, at string) {
	return func(d *nodeDecoder, e entry, at string) { d.email(e, at, dst) }
}

// cronParser decodes a cron schedule into dst, reporting one that does not
// parse.
func cronParser(dst *string) func(d *nodeDecoder, e entry, at string) {
	return func(d *nodeDecoder, e entry, at string) {
		if d.str(e, at, dst) {
			if _, err := cron.ParseStandard(*dst); err != nil {
				d.errorf(e.val, at, "not a cron schedule: %v (for example \"0 8 * * 1-5\" or \"@every 1m\")", err)
			}
		}
	}
}

// isList reports whether f is a list, whose items each have the keys f.items.
func (f field) isList() bool { return strings.HasPrefix(f.typ, "list") }

// typeName is the type of f as the reference shows it.
func (f field) typeName() string {
	if f.typ != "" {
		return f.typ
	}
	switch f.dst.(type) {
	case *string:
		return "string"
	case *bool:
		return "true or false"
	case *int:
		return "whole number"
	case *time.Duration:
		return "duration (72h, 30m)"
	case *[]string:
		return "list of strings"
	}
	if f.items != nil {
		return "mapping"
	}
	return "string"
}

// defaultText is f's default as the reference shows it.
func (f field) defaultText() string {
	if f.def != "" {
		return f.def
	}
	v := f.dst
	if f.shown != nil {
		v = f.shown
	}
	switch v := v.(type) {
	case *string:
		if *v == "" {
			return ""
		}
		return *v
	case *bool:
		return fmt.Sprint(*v)
	case *int:
		return fmt.Sprint(*v)
	case *time.Duration:
		if strings.Contains(f.typeName(), "HH:MM") {
			return clock(*v)
		}
		return shortDuration(*v)
	case *[]string:
		return strings.Join(*v, ", ")
	}
	return ""
}

// shortDuration writes 72h0m0s as 72h and 1m30s as 1m30s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
