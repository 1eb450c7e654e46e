package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// fileAPI is the part of the Slack Web API that uploads files: Slack's
// external upload flow (files.getUploadURLExternal, a POST of the bytes to
// the upload URL it returns, then files.completeUploadExternal sharing the
// file into a channel). *slack.Client implements it. It is separate from
// api so that an api without it still sends messages; files then fail with
// errNoUploads.
type fileAPI interface {
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
}

var _ fileAPI = (*slack.Client)(nil)

// errNoUploads is an api that cannot upload files.
var errNoUploads = errors.New("this slack client cannot upload files")

// files returns what to upload with m: its attachment, and the whole of its
// text as a Markdown file when the message had to be cut to fit Block Kit
// (a long report). Nothing for a message with neither.
func files(k *bot.Cards, m bot.Message) []bot.Attachment {
	var out []bot.Attachment
	for _, a := range m.Attachments {
		if len(a.Data) > 0 {
			out = append(out, a)
		}
	}
	if m.Kind == "report" || len(m.Attachments) > 0 {
		if _, _, cut := renderMessageCut(k, m, MaxMessageBlocks); cut && strings.TrimSpace(m.Text) != "" {
			out = append(out, bot.Attachment{Name: fileSlug(m.Title, "message") + ".md",
				ContentType: "text/markdown; charset=utf-8", Data: []byte(m.Text)})
		}
	}
	return out
}

// fileSlug makes a file name from a title: lower case letters, digits and
// hyphens only, or def when nothing is left.
func fileSlug(title, def string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			hyphen = false
		case !hyphen && b.Len() > 0:
			b.WriteByte('-')
			hyphen = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 80 {
		s = strings.Trim(s[:80], "-")
	}
	if s == "" {
		return def
	}
	return s
}

// upload shares one file into channel (a DM) through the external upload
// flow. Only the file's name and size reach the logs, never its contents.
func (a *Adapter) upload(ctx context.Context, channel string, f bot.Attachment, comment string) error {
	up, ok := a.api.(fileAPI)
	if !ok {
		return errNoUploads
	}
	err := a.call(ctx, "files.upload", func(ctx context.Context) error {
		_, err := up.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(f.Data), FileSize: len(f.Data), Filename: f.Name, Title: f.Name,
			Channel: channel, InitialComment: comment,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("upload %s (%d bytes): %w", f.Name, len(f.Data), err)
	}
	return nil
}

// uploadAll uploads the files of m into channel, each after the one before.
func (a *Adapter) uploadAll(ctx context.Context, channel string, m bot.Message) error {
	var errs []error
	for _, f := range files(a.router.Cards, m) {
		comment := ""
		if !slices.ContainsFunc(m.Attachments, func(a bot.Attachment) bool { return a.Name == f.Name }) {
			comment = a.router.Cards.Say("slack.file.full_text", nil) // introduces the Markdown copy of a message cut to fit
		}
		if err := a.upload(ctx, channel, f, comment); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// withFileNote returns msgs with a note on each message whose files will
// follow by direct message, and those messages.
func (a *Adapter) withFileNote(msgs []bot.Message) (out, withFiles []bot.Message) {
	for _, m := range msgs {
		if len(files(a.router.Cards, m)) > 0 {
			withFiles = append(withFiles, m)
			m.Text = strings.TrimSpace(m.Text + "\n\n" + a.router.Cards.Say("slack.file.note", nil))
		}
		out = append(out, m)
	}
	return out, withFiles
}

// sendFiles uploads the files of msgs into the person's DM, after the
// acknowledgement, and tells them by DM when a file could not be sent.
func (a *Adapter) sendFiles(ctx context.Context, per *conversation.Person, w who, msgs []bot.Message) {
	if len(msgs) == 0 {
		return
	}
	ch, err := a.dmChannel(ctx, w.handle())
	if err == nil {
		for _, m := range msgs {
			if err = a.uploadAll(ctx, ch, m); err != nil {
				break
			}
		}
	}
	if err != nil {
		a.log.Warn("slack file upload failed", "case", msgs[0].CaseID, "kind", msgs[0].Kind, "err", err)
		a.tell(ctx, per, w, []bot.Message{errorMessage(a.router.Cards.Say("slack.error.file_not_sent", nil))})
	}
}
