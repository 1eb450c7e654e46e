// Package crossplatform holds the test of one case spanning Slack and
// Teams: the raiser on Slack, the respondent on Teams, through
// acknowledgement, escalation and resolution. It has no code of its own.
package crossplatform
