// Package webtest drives the web page in real headless Chromium for tests
// (github.com/chromedp/chromedp), and checks pages with axe-core from
// tools/axe. A test that needs the browser skips with a clear message when
// Chromium or axe-core is missing, unless CI=true, when it fails.
package webtest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// need skips tb (or, under CI=true, fails it) saying what is missing.
func need(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s (CI=true: the browser tests must run; .ci/run installs both)", what)
	}
	tb.Skipf("skipping the browser test: %s", what)
}

// chromium returns the Chromium to drive.
func chromium(tb testing.TB) string {
	tb.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	need(tb, "Chromium is not installed (apt-get install chromium)")
	return ""
}

// axeSource reads axe-core as tools/axe installs it (npm ci), found from
// the module's root above the test's directory.
func axeSource(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("webtest: no go.mod above the test's directory")
		}
		dir = parent
	}
	b, err := os.ReadFile(filepath.Join(dir, "tools", "axe", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		need(tb, "axe-core is not installed (cd tools/axe && npm ci)")
	}
	return string(b)
}

// Tab is one tab of a fresh headless Chromium with its own profile.
type Tab struct {
	tb   testing.TB
	ctx  context.Context
	axe  string
	base string
	// Screenshots, when set, is a directory to write a PNG of every page
	// Check checks to.
	Screenshots string
	// Checked counts the pages Check has checked.
	Checked int
}

// New starts Chromium for the test; paths given to Open are relative to
// base (the web page's server).
func New(tb testing.TB, base string) *Tab {
	tb.Helper()
	path := chromium(tb)
	axe := axeSource(tb)
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(tb.TempDir()), chromedp.WindowSize(1024, 800))
	tb.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	tb.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 5*time.Minute)
	tb.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start Chromium: %v", err)
	}
	return &Tab{tb: tb, ctx: ctx, axe: axe, base: base}
}

// Open loads a path of the web page, or a full URL.
func (b *Tab) Open(path string) *Tab {
	b.tb.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.base + path
	}
	if _, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(path)); err != nil {
		b.tb.Fatalf("open %s: %v", path, err)
	}
	return b
}

// Press runs steps that load a new page (a click, Enter) and waits for it.
func (b *Tab) Press(steps ...chromedp.Action[chromedp.Void]) *Tab {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, steps...); err != nil {
		b.tb.Fatalf("press: %v (now at %s)", err, Eval[string](b, `location.href + "\n" + document.body.innerText`))
	}
	return b
}

// Click clicks the element matching css and waits for the page it loads.
func (b *Tab) Click(css string) *Tab {
	b.tb.Helper()
	return b.Press(chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// Choose clicks the element matching css (a radio button, a checkbox)
// without waiting for a page.
func (b *Tab) Choose(css string) *Tab {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible)); err != nil {
		b.tb.Fatalf("choose %s: %v", css, err)
	}
	return b
}

// Enter presses Enter and waits for the page it loads.
func (b *Tab) Enter() *Tab {
	b.tb.Helper()
	return b.Press(chromedp.KeyEvent(kb.Enter))
}

// Fill types text into the field matching css.
func (b *Tab) Fill(css, text string) *Tab {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible)); err != nil {
		b.tb.Fatalf("fill %s: %v", css, err)
	}
	return b
}

// Keys types text into the focused element.
func (b *Tab) Keys(text string) *Tab {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, chromedp.KeyEvent(text)); err != nil {
		b.tb.Fatal(err)
	}
	return b
}

// Eval evaluates a JavaScript expression on the page and decodes its value.
func Eval[T any](b *Tab, js string) T {
	b.tb.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.tb.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// Text is the page's visible text.
func (b *Tab) Text() string {
	b.tb.Helper()
	return Eval[string](b, `document.body.innerText`)
}

// Says fails unless the page's text holds every text.
func (b *Tab) Says(texts ...string) *Tab {
	b.tb.Helper()
	body := b.Text()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			b.tb.Fatalf("%s does not say %q:\n%s", Eval[string](b, `location.href`), s, body)
		}
	}
	return b
}

// violation is one axe rule a page breaks.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeTags are the rule sets run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const axeTags = `["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa"]`

// Check runs axe-core on the page and fails the test on any violation,
// and writes a screenshot named name when Screenshots is set.
func (b *Tab) Check(name string) *Tab {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		b.tb.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
		b.tb.Fatalf("%s: inject axe-core: %v", name, err)
	}
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.tb.Fatalf("%s: run axe-core: %v", name, err)
	}
	var vs []violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.tb.Fatalf("%s: axe-core's answer: %v", name, err)
	}
	for _, v := range vs {
		b.tb.Errorf("%s (%s): axe %s (%s): %s\n  %s", name, Eval[string](b, `location.pathname`), v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	b.Checked++
	if b.Screenshots != "" {
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.tb.Fatalf("%s: screenshot: %v", name, err)
		}
		file := filepath.Join(b.Screenshots, regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(name), "-")+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.tb.Fatal(err)
		}
	}
	return b
}

// focused describes the focused element: its text, or its label's, and
// whether the focus can be seen (the yellow of the focus state as
// background, outline or border).
const focused = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return {text: "", visible: false};
	let text = (e.innerText || e.value || "").trim();
	if (e.labels && e.labels.length) text = e.labels[0].innerText.trim();
	const s = getComputedStyle(e);
	const yellow = "rgb(255, 221, 0)";
	const visible = s.backgroundColor === yellow || s.outlineColor === yellow || s.borderColor === yellow;
	return {text, visible};
})()`

// TabTo presses Tab until the focus is on an element whose text (or
// label) starts with text, failing after 40 presses or when the focus
// cannot be seen there.
func (b *Tab) TabTo(text string) *Tab {
	b.tb.Helper()
	type focus struct {
		Text    string `json:"text"`
		Visible bool   `json:"visible"`
	}
	var path []string
	for range 40 {
		if err := chromedp.Do(b.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			b.tb.Fatal(err)
		}
		f := Eval[focus](b, focused)
		path = append(path, f.Text)
		if strings.HasPrefix(f.Text, text) {
			if !f.Visible {
				b.tb.Fatalf("the focus on %q cannot be seen", f.Text)
			}
			return b
		}
	}
	b.tb.Fatalf("Tab never reached %q; it went %q", text, path)
	return b
}

// Download clicks the link matching css as a person would, lets Chromium
// save the file it answers with, and returns the file's bytes.
func (b *Tab) Download(css string) []byte {
	b.tb.Helper()
	dir := b.tb.TempDir()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	events := true
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events})
			return err
		}),
		chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible),
	); err != nil {
		b.tb.Fatalf("download %s: %v", css, err)
	}
	for ev, err := range progress {
		if err != nil {
			b.tb.Fatalf("download %s: %v", css, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.tb.Fatal(err)
			}
			return data
		case browser.DownloadProgressStateCanceled:
			b.tb.Fatalf("download %s: cancelled", css)
		}
	}
	b.tb.Fatalf("download %s: no file", css)
	return nil
}

// stopJS describes an element as a stop of the Tab order: its tag, then
// its id, the address it links to, or its name, then its words.
const stopJS = `const stop = e => e.tagName.toLowerCase() + " " + (e.id || e.getAttribute("href") || e.name || "") + " " +
	((e.labels && e.labels.length ? e.labels[0].innerText : e.innerText || e.value || "").trim().replace(/\s+/g, " ").slice(0, 60));`

// reachable lists, in the page's order, the stops a person should reach
// with Tab after the element that has the focus (from the top when none
// has): every link, button, field and details summary that is drawn, and
// of each group of radios the one chosen (the first when none is).
const reachable = `(() => { ` + stopJS + `
	const from = document.activeElement && document.activeElement !== document.body ? document.activeElement : null;
	const radios = new Set();
	return [...document.querySelectorAll("a[href], button, input:not([type=hidden]), textarea, select, summary")].filter(e => {
		if (e.disabled || e.getClientRects().length === 0 || getComputedStyle(e).visibility === "hidden") return false;
		if (from && !(from.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)) return false;
		if (e.type === "radio") {
			const group = [...document.getElementsByName(e.name)];
			const chosen = group.find(r => r.checked) || group[0];
			if (e !== chosen || radios.has(e.name)) return false;
			radios.add(e.name);
		}
		return true;
	}).map(stop);
})()`

// focusStop describes the element with the focus as reachable does, or ""
// when none has it, and whether the focus can be seen on it.
const focusStop = `(() => { ` + stopJS + `
	const e = document.activeElement;
	if (!e || e === document.body) return {stop: "", visible: false};
	const s = getComputedStyle(e), yellow = "rgb(255, 221, 0)";
	return {stop: stop(e), visible: s.backgroundColor === yellow || s.outlineColor === yellow || s.borderColor === yellow};
})()`

// CheckKeyboard fails the test unless pressing Tab from where the focus is
// now (the top of a page just opened, or the error summary a refused form
// puts it on) reaches every link, button, field and summary after it, in
// the page's order, each with the focus drawn so it can be seen. It
// returns b with the focus left where Tab went last.
func (b *Tab) CheckKeyboard(name string) *Tab {
	b.tb.Helper()
	want := Eval[[]string](b, reachable)
	type focus struct {
		Stop    string `json:"stop"`
		Visible bool   `json:"visible"`
	}
	var got []string
	for range want {
		if err := chromedp.Do(b.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			b.tb.Fatal(err)
		}
		f := Eval[focus](b, focusStop)
		if !f.Visible {
			b.tb.Errorf("%s: the focus on %q cannot be seen", name, f.Stop)
		}
		got = append(got, f.Stop)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		b.tb.Errorf("%s: Tab went\n  %s\nwant, in the page's order,\n  %s", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	return b
}

// Focused describes the element with the focus as CheckKeyboard does
// ("div error-summary There is a problem ..."), or "" when none has it.
func (b *Tab) Focused() string {
	b.tb.Helper()
	return Eval[struct {
		Stop string `json:"stop"`
	}](b, focusStop).Stop
}
