#!/usr/bin/env node
// toyvisor in JavaScript: the toyvisor example driver as an exec driver
// (protocol hvharness-exec/1, JSON lines on stdin/stdout), with no npm
// dependencies. Run it with: pytest --driver 'exec:node driver.js'.
"use strict";

const readline = require("node:readline");
const crypto = require("node:crypto");

class Rejected extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind; // "definition" | "command-line" | "other"
  }
}

// A small XML reader, enough for toy definitions: elements, attributes,
// text; no entities, comments or DTDs.
function parseXml(text) {
  let pos = 0;
  const fail = (what) => {
    throw new Rejected("definition", `malformed XML: ${what} at offset ${pos}`);
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const name = () => {
    const m = /^[A-Za-z_][\w.-]*/.exec(text.slice(pos));
    if (!m) fail("expected a name");
    pos += m[0].length;
    return m[0];
  };
  const element = () => {
    if (text[pos] !== "<") fail("expected '<'");
    pos++;
    const el = { tag: name(), attrs: {}, children: [], text: "" };
    for (;;) {
      skipSpace();
      if (text.startsWith("/>", pos)) {
        pos += 2;
        return el;
      }
      if (text[pos] === ">") {
        pos++;
        break;
      }
      const attr = name();
      skipSpace();
      if (text[pos] !== "=") fail("expected '='");
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== "'" && quote !== '"') fail("expected a quoted value");
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail("unterminated attribute value");
      el.attrs[attr] = text.slice(pos + 1, end);
      pos = end + 1;
    }
    for (;;) {
      const lt = text.indexOf("<", pos);
      if (lt < 0) fail(`unclosed <${el.tag}>`);
      el.text += text.slice(pos, lt);
      pos = lt;
      if (text.startsWith("</", pos)) {
        pos += 2;
        if (name() !== el.tag) fail(`mismatched </...> for <${el.tag}>`);
        skipSpace();
        if (text[pos] !== ">") fail("expected '>'");
        pos++;
        el.text = el.text.trim();
        return el;
      }
      el.children.push(element());
    }
  };
  skipSpace();
  if (text.startsWith("<?xml", pos)) pos = text.indexOf("?>", pos) + 2;
  skipSpace();
  const root = element();
  skipSpace();
  if (pos !== text.length) fail("content after the root element");
  return root;
}

const child = (el, tag) => el.children.find((c) => c.tag === tag);
const childText = (el, tag, fallback) => {
  const c = child(el, tag);
  return c === undefined ? fallback : c.text;
};

function machine(xml) {
  const root = parseXml(xml);
  if (root.tag !== "machine") {
    throw new Rejected("definition", `unexpected root element <${root.tag}>, expecting <machine>`);
  }
  if (!root.attrs.name) throw new Rejected("definition", "the machine has no name");
  return root;
}

function memory(root) {
  const text = childText(root, "memory", undefined);
  if (text === undefined) throw new Rejected("definition", "the machine has no <memory>");
  if (!/^-?\d+$/.test(text.trim())) {
    throw new Rejected("definition", `memory '${text}' is not a number`);
  }
  return String(parseInt(text, 10));
}

// What Python's shlex.quote does, so both toyvisors agree byte for byte.
function shellQuote(word) {
  if (word === "") return "''";
  if (!/[^\w@%+=:,./-]/.test(word)) return word;
  return "'" + word.replace(/'/g, "'\"'\"'") + "'";
}

function xmlToArgv(xml, caps, options) {
  const root = machine(xml);
  const env = Object.entries(caps.tables.env || {}).map(([k, v]) => `${k}=${shellQuote(String(v))}`);
  const emulator = (caps.tables.host || {}).emulator || "/usr/bin/toyvisor";
  const argv = [emulator, "-name", root.attrs.name, "-m", memory(root),
    "-smp", childText(root, "cpus", "1")];
  for (const disk of root.children.filter((c) => c.tag === "disk")) {
    if (!caps.flags.includes("drive")) {
      throw new Rejected("command-line", "this toyvisor cannot attach disks (no 'drive' flag)");
    }
    const bus = disk.attrs.bus || caps.config.default_bus || "virtio";
    argv.push("-drive", `file=${disk.attrs.file},if=${bus}`);
  }
  if ("vnc_listen" in caps.config) argv.push("-vnc", `${caps.config.vnc_listen}:0`);
  if (options.migrate_from !== null && options.migrate_from !== undefined) {
    const uri = options.migrate_from === "stdio" ? `fd:${options.migrate_fd}` : options.migrate_from;
    argv.push("-incoming", uri);
  }
  return [...env, ...argv.map(shellQuote)].join(" ");
}

function format(root, caps, active) {
  const lines = [`<machine name='${root.attrs.name}'${active ? " id='1'" : ""}>`,
    `  <memory>${memory(root)}</memory>`,
    `  <cpus>${childText(root, "cpus", "1")}</cpus>`];
  for (const disk of root.children.filter((c) => c.tag === "disk")) {
    const bus = disk.attrs.bus || caps.config.default_bus || "virtio";
    lines.push(`  <disk file='${disk.attrs.file}' bus='${bus}'/>`);
  }
  lines.push("</machine>");
  return lines.join("\n") + "\n";
}

function xmlToXml(xml, caps, options) {
  if (!options.status) return format(machine(xml), caps, options.active);
  const outer = parseXml(xml);
  const inner = child(outer, "machine");
  if (outer.tag !== "status" || inner === undefined) {
    throw new Rejected("definition", "a status document is <status><machine/></status>");
  }
  if (!inner.attrs.name) throw new Rejected("definition", "the machine has no name");
  const body = format(inner, caps, options.active).split("\n").filter((l) => l !== "");
  return `<status state='${outer.attrs.state}'>\n${body.map((l) => "  " + l + "\n").join("")}</status>\n`;
}

// Split as a POSIX shell would, for the quoting xmlToArgv produces.
function shellSplit(line) {
  const words = [];
  const re = /(?:[^\s'"\\]+|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)+/g;
  for (const m of line.matchAll(re)) {
    words.push(m[0].replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)/g,
      (_, single, double, escaped) =>
        single ?? escaped ?? double.replace(/\\(.)/g, "$1")));
  }
  return words;
}

function argvToXml(argv) {
  const words = shellSplit(argv);
  while (words.length && words[0].includes("=") && !words[0].startsWith("-")) words.shift();
  if (!words.length) throw new Rejected("command-line", "no program on the command line");
  const opts = {};
  const disks = [];
  const warnings = [];
  for (let i = 1; i < words.length; i += 2) {
    const opt = words[i];
    const value = i + 1 < words.length ? words[i + 1] : "";
    if (opt === "-drive") disks.push(value);
    else if (["-name", "-m", "-smp"].includes(opt)) opts[opt] = value;
    else warnings.push(`unknown option ${opt} ignored`);
  }
  if (!("-name" in opts)) throw new Rejected("command-line", "the command line has no -name");
  const lines = [`<machine name='${opts["-name"]}'>`,
    `  <uuid>${crypto.randomUUID()}</uuid>`,
    `  <memory>${opts["-m"] ?? "128"}</memory>`,
    `  <cpus>${opts["-smp"] ?? "1"}</cpus>`];
  for (const drive of disks) {
    const fields = Object.fromEntries(drive.split(",").filter((f) => f.includes("="))
      .map((f) => [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)]));
    lines.push(`  <disk file='${fields.file ?? ""}' bus='${fields.if ?? "virtio"}'/>`);
  }
  lines.push("</machine>");
  return { output: lines.join("\n") + "\n", warnings };
}

// The protocol: a handshake, then one reply per request line.
const capsByKey = new Map();

function answer(request) {
  if (request.caps !== undefined) capsByKey.set(request.caps_key, request.caps);
  const caps = capsByKey.get(request.caps_key);
  if (caps === undefined) throw new Error(`unknown caps_key ${request.caps_key}`);
  const options = request.options || {};
  switch (request.mode) {
    case "xml2argv":
      return { output: xmlToArgv(request.input, caps, options), warnings: [] };
    case "xml2xml":
      return { output: xmlToXml(request.input, caps, options), warnings: [] };
    case "argv2xml":
      return argvToXml(request.input);
    default:
      throw new Error(`unsupported mode ${request.mode}`);
  }
}

function send(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

send({ protocol: "hvharness-exec/1", name: "toyvisor-node", modes: ["xml2argv", "xml2xml", "argv2xml"] });
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    process.stderr.write(`toyvisor-node: a request that is not JSON: ${line.slice(0, 200)}\n`);
    return;
  }
  try {
    send({ id: request.id, ...answer(request) });
  } catch (err) {
    if (err instanceof Rejected) send({ id: request.id, rejected: err.kind, message: err.message });
    else send({ id: request.id, error: err.stack || String(err) });
  }
});
