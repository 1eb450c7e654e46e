// The card check's own test: it must pass a minimal valid card of each
// platform and catch each kind of defect in testdata/invalid.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function check(cards) {
  const out = mkdtempSync(join(tmpdir(), "cardcheck-test-"));
  try {
    const run = spawnSync(process.execPath, [join(here, "check.mjs"), "--cards", join(here, "testdata", cards), "--out", out, "--no-screenshots"], { encoding: "utf8" });
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    return { status: run.status, stdout: run.stdout, report };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test("a minimal valid card on each platform passes with 0 warnings", () => {
  const { status, stdout, report } = check("valid");
  assert.equal(report.warnings, 0, stdout);
  assert.equal(status, 0);
  assert.match(stdout, /4 cards checked .* warnings 0/);
  // Two buttons and five steps in the overflow menu: the library's
  // validator counts all seven against maxActions, its renderer shows the
  // five in the "..." menu; reported as a note, not a warning.
  assert.deepEqual(report.notes.filter((n) => n.kind === "TooManyActions").map((n) => n.file), ["teams/overflow.json"]);
  // Pressing "..." shows all five.
  const menu = report.notes.find((n) => n.kind === "OverflowMenu" && n.file === "teams/overflow.json");
  assert.equal(menu && menu.message, 'the "..." menu shows ["Escalate","Refer","Extend deadline","Add note","Hand over"]');
});

test("each defect is caught", () => {
  const { status, report } = check("invalid");
  assert.equal(status, 1);
  const kinds = (file) => new Set(report.findings.filter((f) => f.file === file).map((f) => f.kind));
  const want = {
    "teams/hex-colour.json": "InvalidPropertyValue", // the library refuses a colour outside the host's palette
    "teams/unknown-property.json": "UnknownProperty",
    "teams/unknown-element.json": "UnknownElementType",
    "teams/seven-actions.json": "TooManyPrimaryActions",
    "teams/long-label.json": "TruncatedButton",
    "teams/choice-cut.json": "TruncatedText", // a choice set that does not wrap
    "slack/long-button.json": "ButtonTextTooLong",
    "slack/modal-limits.json": "ViewTitleTooLong",
    "slack/unknown-block.json": "SlackTypeError",
    "slack/unknown-property.json": "SlackTypeError",
  };
  for (const [file, kind] of Object.entries(want)) {
    assert.ok(kinds(file).has(kind), `${file}: want ${kind}, got ${[...kinds(file)].join(", ") || "nothing"}`);
  }
  assert.ok(kinds("teams/seven-actions.json").has("TooManyActions"), "the library's own validator flags 7 actions too");
  assert.ok(kinds("slack/modal-limits.json").has("TooManyOverflowOptions"));
  const unknown = report.findings.filter((f) => f.kind === "UnknownProperty").map((f) => f.message).join("\n");
  assert.match(unknown, /"colour"/);
  assert.match(unknown, /"wrapp"/);
});
