// Command resolvebot runs the resolvebot chatbot: `serve` (the default)
// connects the configured chat platforms, `console` is a terminal chat on the
// same engine, `config check` validates configuration, and `version` prints
// the build.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
