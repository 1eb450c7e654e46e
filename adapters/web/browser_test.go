package web_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var screenshots = flag.String("screenshots", "", "write a PNG of every page the browser tests check to this directory")

// axePath is where tools/axe installs axe-core (npm ci).
var axePath = filepath.Join("..", "..", "tools", "axe", "node_modules", "axe-core", "axe.min.js")

// needBrowser returns the Chromium to drive and the axe-core source. Outside
// CI a missing one skips the test with a clear message; under CI=true it
// fails it.
func needBrowser(t *testing.T) (chromium string, axe []byte) {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (CI=true: the browser tests must run; .ci/run installs both)", what)
		}
		t.Skipf("skipping the browser test: %s", what)
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if _, err := os.Stat("/usr/bin/chromium"); err != nil {
			missing("Chromium is not installed (apt-get install chromium)")
		}
		chromium = "/usr/bin/chromium"
	}
	axe, err = os.ReadFile(axePath)
	if err != nil {
		missing("axe-core is not installed (cd tools/axe && npm ci)")
	}
	return chromium, axe
}

// tab is one headless Chromium tab on the world's web page.
type tab struct {
	t   *testing.T
	w   *world
	ctx context.Context
	axe string
	// checked counts the pages axe-core checked.
	checked int
}

// newTab starts a fresh headless Chromium (its own profile) for the test.
func (w *world) newTab(t *testing.T) *tab {
	t.Helper()
	chromium, axe := needBrowser(t)
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1024, 800))
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &tab{t: t, w: w, ctx: ctx, axe: string(axe)}
}

// open loads a path of the web page (or a full URL).
func (b *tab) open(path string) *tab {
	b.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.w.srv.URL + path
	}
	if _, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(path)); err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return b
}

// press runs steps that load a new page (a click, Enter) and waits for it.
func (b *tab) press(steps ...chromedp.Action[chromedp.Void]) *tab {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, steps...); err != nil {
		b.t.Fatalf("press: %v (now at %s)", err, eval[string](b, `location.href + "\n" + document.body.innerText`))
	}
	return b
}

// click clicks the element matching css and waits for the page it loads.
func (b *tab) click(css string) *tab {
	b.t.Helper()
	return b.press(chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// fill types text into the field matching css.
func (b *tab) fill(css, text string) *tab {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible)); err != nil {
		b.t.Fatalf("fill %s: %v", css, err)
	}
	return b
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// says fails unless the page's main text holds every text.
func (b *tab) says(texts ...string) *tab {
	b.t.Helper()
	body := eval[string](b, `document.body.innerText`)
	for _, s := range texts {
		if !strings.Contains(body, s) {
			b.t.Fatalf("%s does not say %q:\n%s", eval[string](b, `location.href`), s, body)
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

// check runs axe-core on the page and fails on any violation, and saves a
// screenshot as name when -screenshots is given.
func (b *tab) check(name string) *tab {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
		b.t.Fatalf("%s: inject axe-core: %v", name, err)
	}
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: run axe-core: %v", name, err)
	}
	var vs []violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("%s: axe-core's answer: %v", name, err)
	}
	for _, v := range vs {
		b.t.Errorf("%s (%s): axe %s (%s): %s\n  %s", name, eval[string](b, `location.pathname`), v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	b.checked++
	if *screenshots != "" {
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("%s: screenshot: %v", name, err)
		}
		file := filepath.Join(*screenshots, regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(name), "-")+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	return b
}

// TestEveryPageAccessible walks every page of the web page in headless
// Chromium, signing in by emailed link, acting on a case, raising one and
// meeting every refusal, and runs axe-core (WCAG 2.2 AA) on each: any
// violation fails.
func TestEveryPageAccessible(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	b := w.newTab(t)

	b.open("/web/cases/"+c.ID).says("Sign in", "Work email address").check("sign in")
	b.click("form[action='/web/sign-in'] button").says("There is a problem", "Enter your work email address").check("sign in with an error")
	b.fill("#f-email", gpEmail).click("form[action='/web/sign-in'] button").says("Check your email").check("check your email")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	link := linkIn(t, msgs[len(msgs)-1])
	b.open(link).says("Continue", gpEmail).check("sign-in link")
	b.click("form[action='/web/sign-in/link'] button").says(c.ID, "CSC-204913", "Acknowledge").check("case page")
	b.click("form[action$='/acknowledge'] button").says("You acknowledged " + c.ID).check("case page after a step")
	b.open("/web/").says("Waiting on you", "Your cases", c.ID).check("your cases")
	b.open("/web/cases/" + c.ID + "/respond?version=2").says("Your response").check("respond form")
	b.click("form[action$='/respond'] button").says("There is a problem").check("respond form with an error")
	b.fill("#f-text", "We closed it because the threshold for a statutory assessment was not met; happy to talk it through.").
		click("form[action$='/respond'] button").says("Your response is recorded")
	b.open("/web/cases/" + c.ID + "/propose?version=3").says("Agreed way forward").check("propose form")
	b.fill("#f-way_forward", "An early help assessment led by the school, with health visiting.").
		fill("#f-actions", "Start the early help assessment | Sam Patel | 2026-12-04").
		click("form[action$='/propose'] button").says("Your proposal has been sent")
	b.open("/web/profile").says("Your profile", "Your agency").check("profile")
	b.open("/web/cases/CR-2026-9999").says("You cannot see this case").check("refused case")
	b.open("/web/no-such-page").says("Page not found").check("not found")
	b.click("form[action='/web/sign-out'] button").says("You have signed out").check("signed out")

	// Sam confirms the proposal and raises another disagreement.
	b.open("/web/sign-in").fill("#f-email", samEmail).click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs = w.smtp.Messages()
	b.open(linkIn(t, msgs[len(msgs)-1])).click("form[action='/web/sign-in/link'] button").says("Waiting on you", c.ID)
	b.open("/web/cases/" + c.ID).says("Confirm").check("case page with a proposal")
	b.click("a[href^='/web/cases/" + c.ID + "/confirm']").says("The case will be marked resolved").check("are you sure")
	b.click("form[action$='/confirm'] button").says(c.ID + " is resolved")
	b.open("/web/raise").says("Raise").check("raise a disagreement")
	b.click("form[action='/web/raise'] button").says("There is a problem").check("raise with errors")
	b.open(link).says("This sign-in link does not work").check("used link")
	if b.checked < 19 {
		t.Fatalf("checked %d pages, want every page (19)", b.checked)
	}
}

// TestKeyboardOnly signs in and acknowledges a case with the keyboard
// alone (Tab and Enter), checking that each control is reached in a
// sensible order and shows where the focus is.
func TestKeyboardOnly(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	b := w.newTab(t)
	b.open("/web/cases/" + c.ID)
	b.tabTo("Skip to main content")
	b.tabTo("Work email address")
	b.keys(gpEmail)
	b.tabTo("Email me a link")
	b.press(chromedp.KeyEvent(kb.Enter)).says("Check your email")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.open(linkIn(t, msgs[len(msgs)-1]))
	b.tabTo("Continue")
	b.press(chromedp.KeyEvent(kb.Enter)).says(c.ID, "Acknowledge")
	b.tabTo("Acknowledge")
	b.press(chromedp.KeyEvent(kb.Enter)).says("You acknowledged " + c.ID)
	b.tabTo("Respond")
	b.press(chromedp.KeyEvent(kb.Enter)).says("Your response")
	b.tabTo("Your response")
	b.keys("Closed under threshold; glad to meet.")
	b.tabTo("Respond")
	b.press(chromedp.KeyEvent(kb.Enter)).says("Your response is recorded")
}

// keys types text into the focused element.
func (b *tab) keys(text string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.KeyEvent(text)); err != nil {
		b.t.Fatal(err)
	}
}

// focused describes the focused element: its text, or its label's, and
// whether the focus can be seen (a yellow background or outline).
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

// tabTo presses Tab until the focus is on an element whose text (or
// label) starts with text, failing after 40 presses or when the focus
// cannot be seen there.
func (b *tab) tabTo(text string) {
	b.t.Helper()
	type focus struct {
		Text    string `json:"text"`
		Visible bool   `json:"visible"`
	}
	var path []string
	for range 40 {
		if err := chromedp.Do(b.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			b.t.Fatal(err)
		}
		f := eval[focus](b, focused)
		path = append(path, f.Text)
		if strings.HasPrefix(f.Text, text) {
			if !f.Visible {
				b.t.Fatalf("the focus on %q cannot be seen", f.Text)
			}
			return
		}
	}
	b.t.Fatalf("Tab never reached %q; it went %q", text, path)
}

// TestOIDCPagesAccessible: signing in with the organisation's provider in
// headless Chromium, the sign-in page with its button and the page the
// provider sends the browser back to pass axe-core, and Continue lands on
// the case.
func TestOIDCPagesAccessible(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	p := newIdP(t)
	p.email = gpEmail
	w.withIdP(p)
	b := w.newTab(t)
	b.open("/web/cases/" + c.ID).says("Sign in with Exampleshire NHS").check("sign in with a provider")
	b.click("form[action='/web/sign-in/oidc'] button").says("Your organisation has confirmed who you are").check("back from the provider")
	b.click("form[action='/web/sign-in/oidc/callback'] button").says(c.ID, "Acknowledge")
	if b.checked != 2 {
		t.Fatalf("checked %d pages, want 2", b.checked)
	}
}
