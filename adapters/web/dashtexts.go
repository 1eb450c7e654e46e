package web

import "github.com/resolvebot/resolvebot/bot/messages"

// dashTexts are the dashboard's fixed texts from the catalogue (with the
// partnership's overrides), by the name the templates use.
func dashTexts(say func(string, messages.Args) string) map[string]string {
	return map[string]string{
		"title": say("dashboard.title", nil), "intro": say("dashboard.intro", nil),
		"legend": say("dashboard.period.legend", nil), "month": say("dashboard.period.month", nil),
		"quarter": say("dashboard.period.quarter", nil), "year": say("dashboard.period.year", nil),
		"custom": say("dashboard.period.custom", nil), "from": say("dashboard.period.from", nil),
		"fromHint": say("dashboard.period.from.hint", nil), "to": say("dashboard.period.to", nil),
		"toHint": say("dashboard.period.to.hint", nil), "show": say("dashboard.period.show", nil),
		"caption": say("dashboard.headline.caption", nil), "measure": say("dashboard.col.measure", nil),
		"now": say("dashboard.col.now", nil), "previous": say("dashboard.col.previous", nil),
		"lastYear": say("dashboard.col.last_year", nil), "cases": say("dashboard.col.cases", nil),
		"raisedBy": say("dashboard.col.raised_by", nil), "about": say("dashboard.col.about", nil),
		"days": say("dashboard.section.days", nil), "category": say("dashboard.section.category", nil),
		"stage": say("dashboard.section.stage", nil), "outcome": say("dashboard.section.outcome", nil),
		"missed": say("dashboard.section.missed", nil), "pairs": say("dashboard.section.pairs", nil),
		"actions": say("dashboard.section.actions", nil), "learning": say("dashboard.section.learning", nil),
		"observed": say("dashboard.section.observed", nil), "none": say("dashboard.none", nil),
		"lowChallenge": say("dashboard.low_challenge.title", nil), "colMonth": say("dashboard.col.month", nil),
		"downloads": say("dashboard.downloads", nil), "boardPack": say("dashboard.download.board_pack", nil),
		"pdf": say("dashboard.download.pdf", nil), "csv": say("dashboard.download.csv", nil),
		"trendsCSV": say("dashboard.download.trends", nil), "casesCSV": say("dashboard.download.cases", nil),
		"listCSV": say("dashboard.download.attention", nil), "back": say("dashboard.cases.back", nil),
		"noCases": say("dashboard.cases.none", nil), "privacy": say("dashboard.cases.privacy", nil),
		"colCase": say("dashboard.col.case", nil), "colAgencies": say("dashboard.col.agencies", nil),
		"colCategory": say("dashboard.col.category", nil), "colStage": say("dashboard.col.stage", nil),
		"colStatus": say("dashboard.col.status", nil), "colRaised": say("dashboard.col.raised", nil),
		"colUpdated": say("dashboard.col.updated", nil), "colDue": say("dashboard.col.due", nil),
		"attention": say("dashboard.attention.link", nil), "attentionTitle": say("dashboard.attention.title", nil),
	}
}

// measureLabel names a headline measure; "" for one that is not.
func measureLabel(say func(string, messages.Args) string, measure string) string {
	switch measure {
	case "raised":
		return say("dashboard.measure.raised", nil)
	case "resolved":
		return say("dashboard.measure.resolved", nil)
	case "withdrawn":
		return say("dashboard.measure.withdrawn", nil)
	case "open":
		return say("dashboard.measure.open", nil)
	case "deadlines_missed":
		return say("dashboard.measure.deadlines_missed", nil)
	case "mediation":
		return say("dashboard.measure.mediation", nil)
	case "referrals":
		return say("dashboard.measure.referrals", nil)
	case "serious_concerns":
		return say("dashboard.measure.serious_concerns", nil)
	}
	return ""
}
