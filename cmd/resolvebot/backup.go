package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
)

// This file holds backup, restore and migrate, and the socket through
// which a running serve hands out a consistent copy of its data file.
//
// bbolt lets one process open the data file for writing, and no other
// process may read it meanwhile. So while serve runs, "resolvebot backup"
// asks serve for the copy: serve listens on a Unix socket beside the data
// file (DATA.backup.sock, mode 0600, so only the account that can read the
// data file can use it) and answers each connection with a read
// transaction's WriteTo of the whole file, without stopping writes.

// backupSocket is where serve answers backup requests for the data file at path.
func backupSocket(path string) string { return path + ".backup.sock" }

// boltOf returns the bolt store under s, if it is one.
func boltOf(s conversation.Store) (*boltstore.Store, bool) {
	for s != nil {
		if b, ok := s.(*boltstore.Store); ok {
			return b, true
		}
		u, ok := s.(unwrapper)
		if !ok {
			return nil, false
		}
		s = u.Unwrap()
	}
	return nil, false
}

// startBackupSocket serves backups of the bolt store on its Unix socket.
func startBackupSocket(ctx context.Context, a *app, cfg *config.Config, _ *http.ServeMux) (func(), error) {
	bs, ok := boltOf(a.store)
	if !ok {
		return nil, nil
	}
	path := backupSocket(cfg.Store.Path)
	_ = os.Remove(path) // left by a killed serve; we hold the data file's lock, so it is ours
	ln, err := net.Listen("unix", path)
	if err != nil {
		a.log.Warn("backups while serving are off: cannot listen on the backup socket", "socket", path, "err", err)
		return nil, nil
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			n, err := bs.Backup(conn)
			conn.Close()
			if err != nil {
				a.log.Error("backup failed", "err", err)
				continue
			}
			a.log.Info("backup taken", "bytes", n)
		}
	}()
	return func() { ln.Close(); os.Remove(path) }, nil
}

// writeFileAtomically writes FILE through a temp file beside it, synced and
// renamed into place, then syncs the directory. fill writes the content.
func writeFileAtomically(file string, fill func(w io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(file))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// oneFile parses an admin command taking flags, then one FILE argument,
// and loads the configuration. ok is false when the command must stop
// with code.
func oneFile(name string, args []string, stderr io.Writer) (cfg *config.Config, file string, code int, ok bool) {
	usage := fmt.Sprintf("Usage: resolvebot %s [--config FILE] [--data FILE] FILE\n", name)
	fs := newFlags(name, usage, stderr)
	var opts config.Options
	fs.StringVar(&opts.Path, "config", "", "configuration file")
	fs.StringVar(&opts.Data, "data", "", "embedded store file")
	if code, ok := parseFlags(fs, args); !ok {
		return nil, "", code, false
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, usage)
		return nil, "", 2, false
	}
	cfg, _, loaded := loadConfig(opts, stderr)
	if !loaded {
		return nil, "", 1, false
	}
	return cfg, fs.Arg(0), 0, true
}

const redisBackupHint = "The Redis store is backed up by Redis itself: copy its append-only file or an RDB snapshot, or use your managed Redis's backups (see \"Backups and restores\" in the README)."

// runBackup writes a consistent copy of the embedded store to FILE, from
// the file itself when nothing holds it, or from the running serve.
func runBackup(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, file, code, ok := oneFile("backup", args, stderr)
	if !ok {
		return code
	}
	if cfg.Store.Driver == config.DriverRedis {
		fmt.Fprintln(stderr, "resolvebot backup: "+redisBackupHint)
		return 1
	}
	if _, err := os.Stat(cfg.Store.Path); err != nil {
		fmt.Fprintf(stderr, "resolvebot backup: there is no data file at %s (set --data or RESOLVEBOT_DATA)\n", cfg.Store.Path)
		return 1
	}
	from := "the data file"
	err := writeFileAtomically(file, func(w io.Writer) error {
		_, err := boltstore.BackupFile(cfg.Store.Path, w, 500*time.Millisecond)
		if !errors.Is(err, boltstore.ErrInUse) {
			return err
		}
		from = "the running resolvebot"
		var d net.Dialer
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		conn, err := d.DialContext(dctx, "unix", backupSocket(cfg.Store.Path))
		if err != nil {
			return fmt.Errorf("the data file is in use, and the running resolvebot does not answer on %s: %w", backupSocket(cfg.Store.Path), err)
		}
		defer conn.Close()
		_, err = io.Copy(w, conn)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot backup: %v\nNothing was written to %s.\n", err, file)
		return 1
	}
	sum, err := boltstore.Check(file)
	if err != nil {
		os.Remove(file)
		fmt.Fprintf(stderr, "resolvebot backup: the copy does not check out, so it was removed: %s\n", operatorError(err))
		return 1
	}
	fmt.Fprintf(stdout, "Backed up %s and %s from %s to %s. Keep it as safe as the data file: encrypted or not, it holds the same records.\n",
		count(sum.Cases, "case"), count(sum.People, "person record"), from, file)
	return 0
}

// runRestore replaces the embedded store with a backup, keeping the file
// it replaces, and refuses while a resolvebot uses the store.
func runRestore(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, file, code, ok := oneFile("restore", args, stderr)
	if !ok {
		return code
	}
	if cfg.Store.Driver == config.DriverRedis {
		fmt.Fprintln(stderr, "resolvebot restore: "+redisBackupHint)
		return 1
	}
	sum, err := boltstore.Check(file)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot restore: %s Nothing was changed.\n", operatorError(err))
		return 1
	}
	path := cfg.Store.Path
	kept := "" // the data file the backup replaces
	if _, err := os.Stat(path); err == nil {
		if _, err := boltstore.Check(path); errors.Is(err, boltstore.ErrInUse) {
			fmt.Fprintf(stderr, "resolvebot restore: a resolvebot is running on %s; stop it first. Nothing was changed.\n", path)
			return 1
		}
		kept = fmt.Sprintf("%s.before-restore-%s", path, toolNow().UTC().Format("20060102T150405Z"))
		if err := os.Rename(path, kept); err != nil {
			fmt.Fprintf(stderr, "resolvebot restore: %v. Nothing was changed.\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "Kept the data file it replaces as %s.\n", kept)
	}
	carried := 0 // case number counters raised to those of the replaced file
	err = writeFileAtomically(path, func(w io.Writer) error {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err = io.Copy(w, f); err != nil || kept == "" {
			return err
		}
		// An older backup must not issue again the case ids the replaced
		// file issued: they may be in a child's file and in people's
		// messages. The copy is raised before it is put in place.
		tmp, ok := w.(*os.File)
		if !ok {
			return nil
		}
		if err := tmp.Sync(); err != nil {
			return err
		}
		carried, err = boltstore.KeepCaseNumbers(tmp.Name(), kept)
		return err
	})
	if err != nil {
		if kept != "" && os.Rename(kept, path) == nil {
			fmt.Fprintf(stderr, "resolvebot restore: %v. Nothing was changed.\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "resolvebot restore: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Restored %s and %s from %s into %s. Start resolvebot again.\n",
		count(sum.Cases, "case"), count(sum.People, "person record"), file, path)
	if carried > 0 {
		fmt.Fprintln(stdout, "New case numbers carry on from those of the data file it replaces, so no case id is issued twice.")
	}
	if sum.OldRecords == 1 {
		fmt.Fprintln(stdout, "1 record is in an older format; it is read as it is, and resolvebot migrate rewrites it.")
	} else if sum.OldRecords > 1 {
		fmt.Fprintf(stdout, "%d records are in an older format; they are read as they are, and resolvebot migrate rewrites them.\n", sum.OldRecords)
	}
	return 0
}

// runMigrate rewrites every record older than the current schema version.
func runMigrate(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, code, ok := loadForTool("migrate", args, stderr, nil)
	if !ok {
		return code
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	defer store.Close()
	var rep conversation.MigrateReport
	if bs, ok := boltOf(store); ok {
		rep, err = bs.Migrate()
	} else if rs, ok := redisOf(store); ok {
		rep, err = rs.Migrate(ctx)
	}
	for _, kind := range []string{conversation.RecordCase, conversation.RecordPerson, conversation.RecordDraft, conversation.RecordRef} {
		fmt.Fprintf(stdout, "%-7s %d read, %d rewritten\n", kind+"s", rep.Read[kind], rep.Upgraded[kind])
	}
	// Cases stored before summaries were kept get one (see conversation.SummaryOf).
	fmt.Fprintf(stdout, "summaries written for %d of %d cases\n", rep.Upgraded[conversation.RecordSummary], rep.Read[conversation.RecordSummary])
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot migrate stopped: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Every record is now in format %d.\n", conversation.SchemaVersion)
	return 0
}

// redisOf returns the Redis store under s, if it is one.
func redisOf(s conversation.Store) (*redisstore.Store, bool) {
	for s != nil {
		if r, ok := s.(*redisstore.Store); ok {
			return r, true
		}
		u, ok := s.(unwrapper)
		if !ok {
			return nil, false
		}
		s = u.Unwrap()
	}
	return nil, false
}
