// Every metric the alert rules and the Grafana dashboard (deploy/) query is one the built server
// exports: a renamed metric would otherwise leave an alert that never fires and an empty panel.
// Run by ctest (monitoring_metrics) with IGNITION_API and IGNITION_TEST_PG_DIR.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startServer } from "../support/ignition_server.mjs";

const deploy = new URL("../../deploy/", import.meta.url);
let server;

before(async () => {
  server = await startServer("monitoring");
});

after(async () => {
  assert.equal(await server?.stop(), 0, "the server stops cleanly (a sanitizer report fails it)");
});

// Names of the metrics /metrics declares (`# TYPE name kind`); a histogram's series carry the
// _bucket, _sum and _count suffixes.
async function exported() {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const names = new Set();
  for (const [, name, kind] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (kind === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

// PromQL's own words, and Prometheus's `up`, are not the server's metrics.
const promql = new Set(
  "sum avg min max count topk bottomk rate irate increase histogram_quantile by without on ignoring group_left group_right and or unless bool offset up".split(
    " ",
  ),
);

// The metric names of a PromQL expression: identifiers outside strings, label matchers,
// grouping clauses and ranges.
function metricsOf(expr) {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, "")
    .replace(/\[[^\]]*\]/g, "");
  return [...bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)].map((m) => m[0]).filter((w) => !promql.has(w));
}

// The `expr:` of each rule, block scalars included (the file is plain YAML of one shape).
function ruleExpressions(yaml) {
  const exprs = [];
  const lines = yaml.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^(\s*)expr:\s*(.*)$/);
    if (!m) continue;
    if (m[2] !== "|") {
      exprs.push(m[2]);
      continue;
    }
    const body = [];
    while (i + 1 < lines.length && (lines[i + 1].trim() === "" || lines[i + 1].search(/\S/) > m[1].length)) {
      body.push(lines[++i]);
    }
    exprs.push(body.join("\n"));
  }
  return exprs;
}

test("the alert rules query only metrics the server exports", async () => {
  const names = await exported();
  const exprs = ruleExpressions(readFileSync(new URL("prometheus/ignition-api.rules.yml", deploy), "utf8"));
  assert.equal(exprs.length, 8);
  for (const expr of exprs) {
    for (const name of metricsOf(expr)) assert.ok(names.has(name), `${name} (in ${expr.trim()}) is not exported`);
  }
  assert.ok(exprs.flatMap(metricsOf).length >= exprs.length);
});

test("every dashboard panel queries only metrics the server exports", async () => {
  const names = await exported();
  const dashboard = JSON.parse(readFileSync(new URL("grafana/ignition-api.dashboard.json", deploy), "utf8"));
  const targets = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
  assert.ok(targets.length >= dashboard.panels.length);
  for (const { panel, expr } of targets) {
    for (const name of metricsOf(expr)) assert.ok(names.has(name), `${panel}: ${name} is not exported`);
  }
  // The seeds' numbers each have a panel.
  const queried = new Set(targets.flatMap((t) => metricsOf(t.expr)));
  for (const name of [
    "auth_sign_ins_total",
    "auth_session_validation_duration_seconds_bucket",
    "db_query_duration_seconds_bucket",
    "db_pool_acquire_duration_seconds_bucket",
    "db_pool_connections",
    "http_requests_total",
  ]) {
    assert.ok(queried.has(name), `no panel shows ${name}`);
  }
});

test("the checker notices a metric the server does not export", () => {
  assert.deepEqual(metricsOf('sum by (le) (rate(made_up_seconds_bucket{job="x",le="1"}[5m])) / up'), [
    "made_up_seconds_bucket",
  ]);
});
