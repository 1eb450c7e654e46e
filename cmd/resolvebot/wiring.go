package main

import (
	"context"
	"io"
)

// This file is the composition root: the one place that names every
// subcommand, every service serve starts and everything /readyz checks.
// Nothing registers itself; add a new part here.

// command runs one subcommand that parses its own flags, such as "slack"
// for "resolvebot slack manifest", and returns its exit code.
type command func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// commands returns the subcommands by name. serve, console and help are
// Run's own.
func commands() map[string]command {
	return map[string]command{
		"backup":      runBackup,
		"config":      configCommand,
		"export":      exportCommand,
		"healthcheck": healthcheckCommand,
		"loadtest":    loadtestCommand,
		"migrate":     runMigrate,
		"purge":       runPurge,
		"rekey":       runRekey,
		"report":      reportCommand,
		"restore":     runRestore,
		"slack":       slackCommand,
		"store":       runStore,
		"teams":       teamsCommand,
		"version":     versionCommand,
	}
}

// platforms returns what serve starts before the scheduler, in order: the
// backup socket, the purge job, the chat platforms, then the web page.
// Each starts only when its configuration asks for it.
func platforms() []platform {
	return []platform{startBackupSocket, startPurge, startSlack, startTeams, startWeb}
}

// readyChecks returns what /readyz checks, in order.
func readyChecks() []readyCheck {
	return []readyCheck{storeAnswers}
}
