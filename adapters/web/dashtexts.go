package web

import "github.com/resolvebot/resolvebot/bot"

// dashTexts are the dashboard's fixed texts from the catalogue (with the
// partnership's overrides), by the name the templates use.
func dashTexts(say *bot.Cards) map[string]string {
	return map[string]string{
		"title": say.Say("dashboard.title", nil), "intro": say.Say("dashboard.intro", nil),
		"legend": say.Say("dashboard.period.legend", nil), "month": say.Say("dashboard.period.month", nil),
		"quarter": say.Say("dashboard.period.quarter", nil), "year": say.Say("dashboard.period.year", nil),
		"custom": say.Say("dashboard.period.custom", nil), "from": say.Say("dashboard.period.from", nil),
		"fromHint": say.Say("dashboard.period.from.hint", nil), "to": say.Say("dashboard.period.to", nil),
		"toHint": say.Say("dashboard.period.to.hint", nil), "show": say.Say("dashboard.period.show", nil),
		"day": say.Say("dashboard.date.day", nil), "monthPart": say.Say("dashboard.date.month", nil), "yearPart": say.Say("dashboard.date.year", nil),
		"caption": say.Say("dashboard.headline.caption", nil), "measure": say.Say("dashboard.col.measure", nil),
		"now": say.Say("dashboard.col.now", nil), "previous": say.Say("dashboard.col.previous", nil),
		"lastYear": say.Say("dashboard.col.last_year", nil), "cases": say.Say("dashboard.col.cases", nil),
		"raisedBy": say.Say("dashboard.col.raised_by", nil), "about": say.Say("dashboard.col.about", nil),
		"days": say.Say("dashboard.section.days", nil), "category": say.Say("dashboard.section.category", nil),
		"stage": say.Say("dashboard.section.stage", nil), "outcome": say.Say("dashboard.section.outcome", nil),
		"missed": say.Say("dashboard.section.missed", nil), "pairs": say.Say("dashboard.section.pairs", nil),
		"actions": say.Say("dashboard.section.actions", nil), "learning": say.Say("dashboard.section.learning", nil),
		"observed": say.Say("dashboard.section.observed", nil), "none": say.Say("dashboard.none", nil),
		"lowChallenge": say.Say("dashboard.low_challenge.title", nil), "colMonth": say.Say("dashboard.col.month", nil),
		"downloads": say.Say("dashboard.downloads", nil), "boardPack": say.Say("dashboard.download.board_pack", nil),
		"pdf": say.Say("dashboard.download.pdf", nil), "csv": say.Say("dashboard.download.csv", nil),
		"trendsCSV": say.Say("dashboard.download.trends", nil), "casesCSV": say.Say("dashboard.download.cases", nil),
		"listCSV": say.Say("dashboard.download.attention", nil), "back": say.Say("dashboard.cases.back", nil),
		"noCases": say.Say("dashboard.cases.none", nil), "privacy": say.Say("dashboard.cases.privacy", nil),
		"colCase": say.Say("dashboard.col.case", nil), "colAgencies": say.Say("dashboard.col.agencies", nil),
		"colCategory": say.Say("dashboard.col.category", nil), "colStage": say.Say("dashboard.col.stage", nil),
		"colStatus": say.Say("dashboard.col.status", nil), "colRaised": say.Say("dashboard.col.raised", nil),
		"colUpdated": say.Say("dashboard.col.updated", nil), "colDue": say.Say("dashboard.col.due", nil),
		"logWhen": say.Say("dashboard.log.col.when", nil), "logWho": say.Say("dashboard.log.col.who", nil),
		"logWhat": say.Say("dashboard.log.col.what", nil), "logPeriod": say.Say("dashboard.log.col.period", nil),
		"logDetail": say.Say("dashboard.log.col.detail", nil), "logScope": say.Say("dashboard.log.col.scope", nil),
		"logNone": say.Say("dashboard.log.none", nil), "logLink": say.Say("dashboard.log.link", nil),
		"attention": say.Say("dashboard.attention.link", nil), "attentionTitle": say.Say("dashboard.attention.title", nil),
	}
}

// measureLabel names a headline measure; "" for one that is not.
func measureLabel(say *bot.Cards, measure string) string {
	switch measure {
	case "raised":
		return say.Say("dashboard.measure.raised", nil)
	case "resolved":
		return say.Say("dashboard.measure.resolved", nil)
	case "withdrawn":
		return say.Say("dashboard.measure.withdrawn", nil)
	case "open":
		return say.Say("dashboard.measure.open", nil)
	case "deadlines_missed":
		return say.Say("dashboard.measure.deadlines_missed", nil)
	case "mediation":
		return say.Say("dashboard.measure.mediation", nil)
	case "referrals":
		return say.Say("dashboard.measure.referrals", nil)
	case "serious_concerns":
		return say.Say("dashboard.measure.serious_concerns", nil)
	}
	return ""
}
