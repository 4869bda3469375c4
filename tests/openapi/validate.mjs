// Checks every answer the end-to-end suites received against the OpenAPI document: the
// operation of the route must list the answer's status, and a JSON answer must match the schema
// the document gives for that status. The suites write what they received to
// <exchanges dir>/*.ndjson (IGNITION_EXCHANGE_LOG, tests/support/server_process.cpp).
//
//   node validate.mjs <ignition-api binary> <exchanges dir>
//
// Not checked: paths no route matches and methods a path does not have (their 404, 405 or 413
// are the server's, not a route's), and 431s (a head too large to be routed).
import { execFileSync } from "node:child_process";
import { createReadStream, readdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [binary, dir] = process.argv.slice(2);
if (!binary || !dir) {
  console.error("usage: node validate.mjs <ignition-api binary> <exchanges dir>");
  process.exit(2);
}
const doc = JSON.parse(execFileSync(binary, ["--print-openapi"], { maxBuffer: 64 << 20 }).toString());

// OpenAPI keeps keywords of its own beside the schemas (description, example…): not strict.
const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addSchema(doc, "openapi.json");

const pointer = (ref) =>
  ref
    .replace(/^#\//, "")
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((node, key) => node?.[key], doc);
const escape = (key) => key.replace(/~/g, "~0").replace(/\//g, "~1");

// Templates as the router matches them: a literal segment wins over a parameter.
const templates = Object.keys(doc.paths).map((path) => {
  const segments = path.split("/");
  return {
    path,
    rank: segments.map((s) => (s.startsWith("{") ? "1" : "0")).join(""),
    regex: new RegExp("^" + segments.map((s) => (s.startsWith("{") ? "[^/]+" : s.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))).join("/") + "$"),
  };
});
function route(target) {
  const path = target.split("?")[0];
  const matches = templates.filter((t) => t.regex.test(path));
  matches.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  return matches[0]?.path;
}

// The validator of a JSON answer, or null when the response has no JSON schema. A response may
// be a $ref (the shared ones of components/responses): Ajv compiles the schema where it lies.
const validators = new Map();
function validator(path, method, status) {
  const key = `${path} ${method} ${status}`;
  if (!validators.has(key)) {
    let where = `#/paths/${escape(path)}/${method}/responses/${status}`;
    while (pointer(where).$ref) where = pointer(where).$ref;
    const schema = `${where}/content/application~1json/schema`;
    validators.set(key, pointer(schema) ? ajv.compile({ $ref: `openapi.json${schema}` }) : null);
  }
  return validators.get(key);
}

let exchanges = 0;
let validated = 0;
let skipped = 0;
const failures = new Map(); // problem → [count, example]
const fail = (problem, example) => {
  const seen = failures.get(problem) ?? [0, example];
  seen[0] += 1;
  failures.set(problem, seen);
};

for (const file of readdirSync(dir).filter((f) => f.endsWith(".ndjson")).sort()) {
  // Line by line: the sweep's file is hundreds of MB (long lists of long fields).
  for await (const line of createInterface({ input: createReadStream(join(dir, file)), crlfDelay: Infinity })) {
    if (!line) continue;
    const x = JSON.parse(line);
    exchanges += 1;
    const path = route(x.target);
    const method = (x.method === "HEAD" ? "GET" : x.method).toLowerCase();
    if (!path || x.status === 405 || x.status === 431 || x.method === "OPTIONS") {
      skipped += 1;
      continue;
    }
    const operation = doc.paths[path][method];
    if (!operation) {
      skipped += 1;
      continue;
    }
    const what = `${x.method} ${path} → ${x.status}`;
    if (!(String(x.status) in operation.responses)) {
      fail(`${what}: a status the operation does not list`, `${x.target} ${x.body ?? ""}`.slice(0, 300));
      continue;
    }
    if (x.body === undefined || x.method === "HEAD") continue;
    const validate = validator(path, method, String(x.status));
    if (!validate) {
      if (x.body !== "") fail(`${what}: a JSON body the document does not describe`, x.body.slice(0, 300));
      continue;
    }
    let body;
    try {
      body = JSON.parse(x.body);
    } catch {
      fail(`${what}: the body is not JSON`, x.body.slice(0, 300));
      continue;
    }
    validated += 1;
    if (!validate(body)) {
      const e = validate.errors[0];
      fail(`${what}: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`, x.body.slice(0, 300));
    }
  }
}

console.log(`${exchanges} answers: ${validated} validated against their schema, ${skipped} not a route's`);
if (failures.size > 0) {
  const sorted = [...failures.entries()].sort((a, b) => b[1][0] - a[1][0]);
  for (const [problem, [count, example]] of sorted) console.log(`FAIL ×${count} ${problem}\n    e.g. ${example}`);
  console.log(`${failures.size} problems`);
  process.exit(1);
}
if (exchanges === 0) {
  console.log("no answers recorded: run the end-to-end suites first");
  process.exit(1);
}
