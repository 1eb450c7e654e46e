package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
)

// This file holds the store's safety commands and checks: the store
// identity logged at start and checked by /readyz, and "resolvebot store
// reset-identity" for an operator who accepts a Redis that came back empty.

// identified is a store that knows the identity it opened (the Redis store).
type identified interface {
	Identity() conversation.StoreIdentity
}

// unwrapper is a store wrapping another (the sealing store).
type unwrapper interface {
	Unwrap() conversation.Store
}

// storeIdentity returns the identity of s or of the store it wraps.
func storeIdentity(s conversation.Store) (conversation.StoreIdentity, bool) {
	for s != nil {
		if id, ok := s.(identified); ok {
			return id.Identity(), true
		}
		u, ok := s.(unwrapper)
		if !ok {
			break
		}
		s = u.Unwrap()
	}
	return conversation.StoreIdentity{}, false
}

// logStoreIdentity logs, at start, which store this process opened; a new
// identity on a Redis is a warning, as it is also what a Redis that lost
// its data looks like to a process that starts after the loss.
func logStoreIdentity(log *slog.Logger, s conversation.Store) {
	id, ok := storeIdentity(s)
	if !ok {
		return
	}
	switch {
	case id.New:
		log.Warn("store identity created: the Redis store was empty, so this is a new store; if it should have held cases, stop and restore it. "+
			"Pin it with store.id in the configuration file, so no replica ever starts a new store on a Redis that lost its data",
			"store_id", id.ID)
	case id.Adopted:
		log.Info("store identity created for an existing store", "store_id", id.ID)
	default:
		log.Info("store identity", "store_id", id.ID, "created", id.Created, "previous", id.Previous)
	}
}

// storeProblem is the /readyz line for a store that failed its check; a
// store that lost its data is logged as an error each time.
func storeProblem(log *slog.Logger, err error) string {
	if errors.Is(err, conversation.ErrStoreLost) {
		log.Error("the store has lost its data: restore it, or accept the empty store with resolvebot store reset-identity (see the README)", "err", err)
		return "store has lost its data; an operator must restore it"
	}
	return "store not answering"
}

const storeUsage = `Usage: resolvebot store reset-identity --last-id CR-YYYY-NNNN [--replaces STORE-ID]

Accepts a Redis store that has lost its data (its identity record is gone,
as after a Redis without persistence restarted) as a new, empty store.
Restore the data instead if you can: then nothing else is needed. A store
that holds cases is never reset.

  --last-id   the highest case id ever issued (from exported records, cards
              or the logs); new case ids continue after it, so none is reused
  --replaces  the store id the running replicas report (in /readyz's log
              line "store identity … is missing"); they then carry on with
              the new store without a restart. Without it, restart them.
`

// runStore runs "resolvebot store reset-identity".
func runStore(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "reset-identity" {
		fmt.Fprint(stderr, storeUsage)
		return 2
	}
	var lastID, replaces string
	cfg, code, ok := loadForTool("store reset-identity", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&lastID, "last-id", "", "the highest case id ever issued")
		fs.StringVar(&replaces, "replaces", "", "the store id the running replicas opened")
		fs.Usage = func() { fmt.Fprint(stderr, storeUsage) }
	})
	if !ok {
		return code
	}
	if cfg.Store.Driver != config.DriverRedis {
		fmt.Fprintln(stderr, "resolvebot store reset-identity is for the Redis store; set REDIS_URL. The embedded store cannot come back empty under a running bot.")
		return 1
	}
	if lastID == "" {
		fmt.Fprint(stderr, "resolvebot store reset-identity: --last-id is required, so that no case id is issued twice.\n\n"+storeUsage)
		return 2
	}
	s, err := redisstore.Connect(ctx, cfg.Store.RedisURL, cfg.Store.KeyPrefix)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: open redis store: %v\n", err)
		return 1
	}
	defer s.Close()
	rec, err := s.ResetIdentity(ctx, lastID, replaces)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot store reset-identity: %s\n", operatorError(err))
		return 1
	}
	fmt.Fprintf(stdout, "The store is now %s, an empty store replacing %q. New case ids continue after %s.\n",
		rec.ID, rec.Previous, conversation.NormaliseCaseID(lastID))
	return 0
}

// clearOldBytes removes what a rekey rewrote from where the store keeps
// old bytes: the bolt file is compacted into a fresh one and swapped in;
// Redis is asked to rewrite its append-only file. It returns the exit code.
func clearOldBytes(ctx context.Context, s conversation.Store, stdout, stderr io.Writer) int {
	switch st := s.(type) {
	case *boltstore.Store:
		before, after, err := st.Compact()
		if err != nil {
			fmt.Fprintf(stderr, "resolvebot rekey: the records are re-encrypted, but compacting the data file failed: %v\nRun resolvebot rekey again to compact it; until then old values may remain in its free space.\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "Compacted the data file (%d KiB to %d KiB): no old values remain in it.\n", before/1024, after/1024)
	case *redisstore.Store:
		if err := st.RewriteLog(ctx); err != nil {
			fmt.Fprintf(stderr, "resolvebot rekey: Redis refused to rewrite its append-only file (%v); run BGREWRITEAOF yourself, or let your Redis service rewrite it, so old values leave it.\n", err)
			return 0
		}
		fmt.Fprintln(stdout, "Asked Redis to rewrite its append-only file, so old values leave it. Older RDB snapshots and backups still hold them until they are replaced.")
	}
	return 0
}
