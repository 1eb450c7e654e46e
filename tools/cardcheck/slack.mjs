// The Block Kit check: every payload is declared as a typed constant
// against @slack/types and compiled with tsc --strict, and checked against
// the limits Slack enforces that the types cannot say.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);

// Slack's documented limits (Block Kit reference, views reference).
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  buttonText: 75,
  sectionText: 3000,
  sectionFieldText: 2000,
  sectionFields: 10,
  headerText: 150,
  viewTitle: 24,
  viewButton: 24,
  actionsElements: 25,
  contextElements: 10,
  overflowOptions: 5,
  selectOptions: 100,
  checkboxOptions: 10,
  radioOptions: 10,
  optionText: 75,
  optionValue: 150,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  privateMetadata: 3000,
  inputLabel: 2000,
  placeholder: 150,
  textInputMaxLength: 3000,
};

// What a payload is: a message ({text, blocks}) or a view (modal, home).
export function slackShape(json) {
  if (json && json.type === "modal") return "modal";
  if (json && json.type === "home") return "home";
  if (json && Array.isArray(json.blocks)) return "message";
  return "unknown";
}

// checkLimits returns the limits payload breaks.
export function checkLimits(json) {
  const problems = [];
  const add = (kind, message) => problems.push({ kind, message });
  const shape = slackShape(json);
  if (shape === "unknown") {
    add("UnknownPayload", "neither a message (blocks) nor a modal or home view");
    return problems;
  }
  const L = LIMITS;
  const len = (t) => (typeof t === "string" ? [...t].length : 0);
  const text = (o) => (o && typeof o === "object" ? o.text : undefined);
  const over = (kind, what, value, max) => {
    if (len(value) > max) add(kind, `${what}: ${len(value)} characters, at most ${max}`);
  };
  const blocks = json.blocks || [];
  const maxBlocks = shape === "message" ? L.messageBlocks : L.viewBlocks;
  if (blocks.length > maxBlocks) add("TooManyBlocks", `${blocks.length} blocks in a ${shape}, at most ${maxBlocks}`);
  if (shape !== "message") {
    if (shape === "modal") {
      over("ViewTitleTooLong", "modal title", text(json.title), L.viewTitle);
      over("ViewButtonTooLong", "modal submit", text(json.submit), L.viewButton);
      over("ViewButtonTooLong", "modal close", text(json.close), L.viewButton);
    }
    over("PrivateMetadataTooLong", "private_metadata", json.private_metadata, L.privateMetadata);
  }
  const element = (el, where) => {
    if (!el || typeof el !== "object") return;
    over("IdTooLong", `${where} action_id`, el.action_id, L.actionId);
    over("PlaceholderTooLong", `${where} placeholder`, text(el.placeholder), L.placeholder);
    const options = el.options || [];
    const checkOptions = (max, kind) => {
      if (options.length > max) add(kind, `${where}: ${options.length} options, at most ${max}`);
      options.forEach((o, i) => {
        over("OptionTextTooLong", `${where} option ${i + 1}`, text(o.text), L.optionText);
        over("OptionValueTooLong", `${where} option ${i + 1} value`, o.value, L.optionValue);
      });
    };
    switch (el.type) {
      case "button":
        over("ButtonTextTooLong", `${where} button`, text(el.text), L.buttonText);
        over("ButtonValueTooLong", `${where} button value`, el.value, L.buttonValue);
        break;
      case "overflow":
        checkOptions(L.overflowOptions, "TooManyOverflowOptions");
        break;
      case "static_select":
      case "multi_static_select":
        checkOptions(L.selectOptions, "TooManySelectOptions");
        break;
      case "checkboxes":
        checkOptions(L.checkboxOptions, "TooManyCheckboxes");
        break;
      case "radio_buttons":
        checkOptions(L.radioOptions, "TooManyRadioButtons");
        break;
      case "plain_text_input":
        if (el.max_length > L.textInputMaxLength) add("InputTooLong", `${where}: max_length ${el.max_length}, at most ${L.textInputMaxLength}`);
        break;
    }
  };
  blocks.forEach((b, i) => {
    const where = `block ${i + 1} (${b.type})`;
    over("IdTooLong", `${where} block_id`, b.block_id, L.blockId);
    switch (b.type) {
      case "section":
        over("SectionTextTooLong", `${where} text`, text(b.text), L.sectionText);
        if ((b.fields || []).length > L.sectionFields) add("TooManyFields", `${where}: ${b.fields.length} fields, at most ${L.sectionFields}`);
        (b.fields || []).forEach((f, j) => over("FieldTextTooLong", `${where} field ${j + 1}`, text(f), L.sectionFieldText));
        element(b.accessory, `${where} accessory`);
        break;
      case "header":
        over("HeaderTextTooLong", `${where} text`, text(b.text), L.headerText);
        break;
      case "actions":
        if ((b.elements || []).length > L.actionsElements) add("TooManyActionElements", `${where}: ${b.elements.length} elements, at most ${L.actionsElements}`);
        (b.elements || []).forEach((el, j) => element(el, `${where} element ${j + 1}`));
        break;
      case "context":
        if ((b.elements || []).length > L.contextElements) add("TooManyContextElements", `${where}: ${b.elements.length} elements, at most ${L.contextElements}`);
        break;
      case "input":
        over("InputLabelTooLong", `${where} label`, text(b.label), L.inputLabel);
        element(b.element, `${where} element`);
        break;
    }
  });
  return problems;
}

// typeCheck writes every payload as a typed constant into dir and runs
// tsc --strict --noEmit over it. It returns the compiler's errors by file
// of the dump (the generated source names each const after it).
export function typeCheck(payloads, dir) {
  mkdirSync(dir, { recursive: true });
  const lines = [
    "// Generated by tools/cardcheck: every Block Kit payload resolvebot sends, typed with @slack/types.",
    'import type { HomeView, KnownBlock, ModalView } from "@slack/types";',
    "",
    "// A message as chat.postMessage, chat.update, chat.postEphemeral and a slash command's answer take it.",
    'interface Message { text?: string; blocks: KnownBlock[]; response_type?: "ephemeral" | "in_channel" }',
    "",
  ];
  const names = [];
  payloads.forEach(({ file, json }, i) => {
    const type = { message: "Message", modal: "ModalView", home: "HomeView" }[slackShape(json)] || "never";
    const name = `p${String(i + 1).padStart(3, "0")}`;
    names.push({ name, file });
    lines.push(`// ${file}`);
    lines.push(`export const ${name}: ${type} = ${JSON.stringify(json, null, 2)};`);
    lines.push("");
  });
  writeFileSync(join(dir, "payloads.ts"), lines.join("\n"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: "ES2022", module: "ES2022", moduleResolution: "Bundler",
      skipLibCheck: false, types: [], noErrorTruncation: true,
      typeRoots: [],
      baseUrl: ".", paths: { "@slack/types": [require.resolve("@slack/types").replace(/index\.js$/, "index.d.ts")] },
    },
    files: ["payloads.ts"],
  }, null, 2));
  const tsc = require.resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8" });
  if (run.error) throw run.error;
  const errors = new Map(); // file → messages
  const out = `${run.stdout}${run.stderr}`;
  const source = lines.join("\n").split("\n");
  for (const line of out.split("\n")) {
    const m = line.match(/^(.*payloads\.ts)\((\d+),(\d+)\): error (TS\d+): (.*)$/);
    if (!m) continue;
    // The const a line belongs to is the nearest "export const" above it.
    let at = Number(m[2]) - 1;
    while (at > 0 && !source[at].startsWith("export const ")) at--;
    const name = (source[at].match(/^export const (p\d+)/) || [])[1];
    const file = (names.find((n) => n.name === name) || {}).file || "payloads.ts";
    if (!errors.has(file)) errors.set(file, []);
    errors.get(file).push(`${m[4]} at line ${m[2]}: ${m[5]}`);
  }
  if (run.status !== 0 && errors.size === 0) {
    throw new Error(`tsc failed without a readable error:\n${out}`);
  }
  return { errors, output: out };
}
