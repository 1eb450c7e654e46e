// The Adaptive Card check: each card is parsed, validated and rendered by
// Microsoft's adaptivecards library in headless Chromium, under Microsoft
// Teams' host configuration, at a phone's width and a normal one.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const WIDTHS = [360, 560];

// The flags every Chromium here is started with: no sandbox (root), no
// GPU, and none of the background connections this closed network refuses.
const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export function chromiumPath() {
  return process.env.CHROMIUM || "/usr/bin/chromium";
}

// checkInPage runs inside the page: it parses card with the library,
// collects every parse and validation event, every property the library
// does not know, every action the host would not show, renders it at each
// width and measures each button. It returns the findings and the
// rendered hosts' ids for screenshots.
function checkInPage({ card, widths, hostConfigJSON, id }) {
  const AC = window.AdaptiveCards;
  const hostConfig = new AC.HostConfig(hostConfigJSON);
  const maxActions = hostConfig.actions.maxActions;
  const problems = [];
  const notes = [];
  const add = (kind, message) => problems.push({ kind, message });
  // Properties Teams reads that the library does not: the card's width
  // ("msteams": {"width": "Full"}) and the schema link.
  const hostOnly = { AdaptiveCard: ["msteams", "$schema"] };
  // Properties the library parses in code rather than through its schema.
  const known = (obj) => {
    const names = new Set(["type", "fallback"]);
    if (obj.getItemsCollectionPropertyName) names.add(obj.getItemsCollectionPropertyName());
    if (obj instanceof AC.AdaptiveCard || obj instanceof AC.ActionSet) names.add("actions");
    if (obj instanceof AC.ColumnSet) names.add("columns");
    if (obj instanceof AC.ShowCardAction) names.add("card");
    if (obj instanceof AC.RichTextBlock) names.add("inlines");
    const schema = obj.getSchema();
    for (let i = 0; i < schema.getCount(); i++) names.add(schema.getItemAt(i).name);
    return names;
  };
  const unknownProps = (obj, source, where) => {
    if (!obj || !source || typeof source !== "object") return;
    const names = known(obj);
    const typeName = obj.getJsonTypeName ? obj.getJsonTypeName() : "";
    for (const k of Object.keys(source)) {
      if (!names.has(k) && !(hostOnly[typeName] || []).includes(k)) {
        add("UnknownProperty", `${where}: property "${k}" is not one the library knows`);
      }
    }
    // Facts and choices are objects the library parses without the hooks.
    if (Array.isArray(source.facts) && obj.facts) {
      source.facts.forEach((f, i) => unknownProps(obj.facts[i], f, `${where}.facts[${i}]`));
    }
    if (Array.isArray(source.choices) && obj.choices) {
      source.choices.forEach((c, i) => unknownProps(obj.choices[i], c, `${where}.choices[${i}]`));
    }
  };
  const describe = (o, source) => {
    const t = (source && source.type) || (o && o.getJsonTypeName && o.getJsonTypeName()) || "?";
    const label = source && (source.id || source.title || (typeof source.text === "string" && source.text.slice(0, 30)));
    return label ? `${t} "${label}"` : t;
  };
  // Too many primary actions in one place: the library's renderer shows
  // the first maxActions and drops the rest without a word.
  const countActions = (actions, where) => {
    if (!Array.isArray(actions)) return;
    const primary = actions.filter((a) => (a.mode || "primary").toLowerCase() !== "secondary");
    if (primary.length > maxActions) {
      const hidden = primary.slice(maxActions).map((a) => JSON.stringify(a.title)).join(", ");
      add("TooManyPrimaryActions", `${where}: ${primary.length} primary actions; Teams shows ${maxActions}, so these never show: ${hidden}`);
    }
    for (const a of actions) {
      if (a && a.card) countCard(a.card, `${where} > ${a.type} ${JSON.stringify(a.title)}`);
    }
  };
  const countCard = (c, where) => {
    countActions(c.actions, where);
    const walk = (items) => {
      for (const it of items || []) {
        if (!it || typeof it !== "object") continue;
        if (it.type === "ActionSet") countActions(it.actions, `${where} > ActionSet`);
        walk(it.items);
        walk(it.columns);
      }
    };
    walk(c.body);
  };
  countCard(card, "card");

  const ctx = new AC.SerializationContext();
  ctx.onParseElement = (el, source) => unknownProps(el, source, describe(el, source));
  ctx.onParseAction = (act, source) => {
    unknownProps(act, source, describe(act, source));
    if (act instanceof AC.ShowCardAction && act.card && source.card) {
      unknownProps(act.card, source.card, `${describe(act, source)} > card`);
    }
  };
  const parsed = new AC.AdaptiveCard();
  parsed.hostConfig = hostConfig;
  parsed.parse(card, ctx);
  unknownProps(parsed, card, "AdaptiveCard");
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    add(AC.ValidationEvent[e.event] || String(e.event), `parse: ${e.message}`);
  }
  const results = parsed.validateProperties();
  for (const e of results.validationEvents) {
    const kind = AC.ValidationEvent[e.event] || String(e.event);
    const where = describe(e.source);
    if (kind === "TooManyActions" && !problems.some((p) => p.kind === "TooManyPrimaryActions")) {
      // The validator counts overflow (mode "secondary") actions too,
      // which its own renderer puts in the "..." menu: not a hidden
      // button. Kept visible in the report, not counted as a failure.
      notes.push({ kind, message: `validate: ${where}: ${e.message} (counting actions in the overflow menu)` });
      continue;
    }
    add(kind, `validate: ${where}: ${e.message}`);
  }

  // Every step in the card's overflow menu must be there when the "..."
  // button is pressed: press it and read the menu the library opens.
  const secondary = (card.actions || []).filter((a) => (a.mode || "").toLowerCase() === "secondary").map((a) => a.title || "");
  if (secondary.length > 0) {
    const before = new Set(document.body.children);
    const host = document.createElement("div");
    host.style.width = `${widths[widths.length - 1]}px`;
    document.body.appendChild(host);
    const c = new AC.AdaptiveCard();
    c.hostConfig = hostConfig;
    c.parse(card, new AC.SerializationContext());
    const el = c.render();
    if (el) host.appendChild(el);
    // The library's overflow button is labelled "More options"; the root's
    // is the last one visible (the body's action sets come first, and
    // those of closed ShowCards are hidden).
    const more = [...host.querySelectorAll("button")]
      .filter((b) => b.getAttribute("aria-label") === "More options" && b.offsetParent !== null).pop();
    if (!more) {
      add("OverflowMissing", `${secondary.length} steps have mode "secondary" but no overflow button was rendered`);
    } else {
      more.click();
      const shown = [...document.querySelectorAll("[role=menuitem]")].map((m) => (m.textContent || "").trim());
      const missing = secondary.filter((t) => !shown.includes(t));
      if (missing.length > 0) add("OverflowMissing", `the overflow menu shows ${JSON.stringify(shown)}; missing ${JSON.stringify(missing)}`);
      else notes.push({ kind: "OverflowMenu", message: `the "..." menu shows ${JSON.stringify(shown)}` });
    }
    for (const n of [...document.body.children]) if (!before.has(n)) n.remove();
  }

  const rendered = [];
  for (const width of widths) {
    const host = document.createElement("div");
    host.className = "teams-card";
    host.id = `card-${id}-${width}`;
    host.style.width = `${width}px`;
    host.style.boxSizing = "border-box";
    document.body.appendChild(host);
    const c = new AC.AdaptiveCard();
    c.hostConfig = hostConfig;
    c.parse(card, new AC.SerializationContext());
    const el = c.render();
    if (!el) {
      add("RenderFailed", `${width} px: the library rendered nothing`);
      continue;
    }
    host.appendChild(el);
    for (const b of host.querySelectorAll("button, .ac-pushButton")) {
      if (b.offsetParent === null) continue; // inside a closed ShowCard or menu
      // The label may be cut on the button or on the element inside it
      // that holds the title.
      const cut = [b, ...b.querySelectorAll("*")].find((e) => e.scrollWidth > e.clientWidth + 1);
      if (cut) {
        add("TruncatedButton", `${width} px: button "${(b.getAttribute("aria-label") || b.title || b.textContent || "").trim()}" is cut to fit (${cut.clientWidth} of ${cut.scrollWidth} px)`);
      }
    }
    // Any other text the host cuts with an ellipsis: a choice or a text
    // block that does not wrap.
    for (const e of host.querySelectorAll("*")) {
      if (e.offsetParent === null || e.closest("button, .ac-pushButton")) continue;
      if (e.scrollWidth <= e.clientWidth + 1) continue;
      const style = getComputedStyle(e);
      if (style.textOverflow === "ellipsis") {
        add("TruncatedText", `${width} px: "${(e.textContent || "").trim().slice(0, 80)}" is cut to fit (${e.clientWidth} of ${e.scrollWidth} px)`);
      } else if (e.classList.contains("ac-textBlock") && style.overflowX !== "visible") {
        // The library gives a markdown list in a text block width: 100%
        // on top of the browser's 40 px indent, so its lines run 40 px past
        // the block's edge and are clipped. A note, not a warning: it is
        // how this renderer lays out every list, not something a card says.
        notes.push({ kind: "ClippedText", message: `${width} px: "${(e.textContent || "").trim().slice(0, 60)}" runs ${e.scrollWidth - e.clientWidth} px past the text block's edge and is clipped` });
      }
    }
    if (el.scrollWidth > el.clientWidth + 1) {
      add("WiderThanScreen", `${width} px: the card is ${el.scrollWidth} px wide`);
    }
    rendered.push({ width, selector: `#${host.id}` });
  }
  return { problems, notes, rendered };
}

// checkTeams checks every card and saves a PNG of each at each width into
// outDir (when not ""). cards are { file, json }.
export async function checkTeams(cards, outDir, { screenshots = true } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), "cardcheck-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 700, height: 800 },
    deviceScaleFactor: 1,
  });
  const results = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.setContent("<!doctype html><html><head><meta charset=utf-8></head><body style='margin:0;padding:8px;background:#fff;font-family:\"Segoe UI\",sans-serif'></body></html>");
    await page.addStyleTag({ path: join(here, "teams", "teams-container-light.css") });
    // The library renders markdown with markdown-it when the page has it,
    // as the Adaptive Cards designer does; without it every text shows raw.
    // Like Teams, it joins lines split by a single newline.
    await page.addScriptTag({ path: join(here, "node_modules", "markdown-it", "dist", "browser", "markdown-it.umd.min.js") });
    await page.addScriptTag({ path: require.resolve("adaptivecards/dist/adaptivecards.min.js") });
    const hostConfigJSON = JSON.parse(readFileSync(join(here, "teams", "microsoft-teams-light.json"), "utf8"));
    let n = 0;
    for (const { file, json } of cards) {
      n++;
      const found = await page.evaluate(checkInPage, { card: json, widths: WIDTHS, hostConfigJSON, id: n });
      const pngs = [];
      if (screenshots && outDir) {
        for (const r of found.rendered) {
          const png = join(outDir, file.replace(/\.json$/, `.${r.width}.png`));
          await page.locator(r.selector).screenshot({ path: png });
          pngs.push(png);
        }
      }
      await page.evaluate(() => { document.body.innerHTML = ""; });
      results.push({ file, problems: found.problems, notes: found.notes, pngs });
    }
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return results;
}
