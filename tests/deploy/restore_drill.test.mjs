// The restore drill of docs/operations.md ("Back up and restore"), followed as written: a database
// with data in every domain (the legacy dataset imported), dumped with pg_dump, restored with
// pg_restore into a new database; every table's rows equal, the migrations intact, and the server
// started on the copy serves a user's data as it did before. Run by ctest (restore_drill) with
// IGNITION_API, IGNITION_MIGRATE and IGNITION_TEST_PG_DIR.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conninfoOf, psql, psqlAdmin, startServer } from "../support/ignition_server.mjs";

const dataset = new URL("../data/d1/d1.sqlite", import.meta.url).pathname;
const original = `t_drill_original_${process.pid}`;
const restored = `t_drill_restored_${process.pid}`;
const work = mkdtempSync(join(tmpdir(), "restore-drill-"));
const dump = join(work, "ignition.dump");

const migrate = (database, ...args) =>
  execFileSync(process.env.IGNITION_MIGRATE, args, {
    env: { PATH: process.env.PATH, APP_ENV: "test", DATABASE_URL: conninfoOf(database) },
    cwd: work,
  }).toString();
const query = (database, sql) => psql(conninfoOf(database), sql);

before(() => {
  psqlAdmin(`CREATE DATABASE ${original} TEMPLATE ignition_template`);
  migrate(original, "import-d1", "--from", dataset);
  // The drill, as docs/operations.md writes it.
  execFileSync("pg_dump", ["--format=custom", `--file=${dump}`, conninfoOf(original)]);
  psqlAdmin(`CREATE DATABASE ${restored} TEMPLATE template0`);
  execFileSync("pg_restore", ["--exit-on-error", "--no-owner", `--dbname=${conninfoOf(restored)}`, dump]);
});

after(() => {
  psqlAdmin(`DROP DATABASE IF EXISTS ${original} WITH (FORCE)`);
  psqlAdmin(`DROP DATABASE IF EXISTS ${restored} WITH (FORCE)`);
  rmSync(work, { recursive: true, force: true });
});

test("every table of the copy holds the same rows, and the schema is this build's", () => {
  const tables = query(original, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split("\n");
  assert.ok(tables.length > 40, `only ${tables.length} tables`);
  let filled = 0;
  for (const table of tables) {
    const digest = `SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "${table}" t`;
    const before = query(original, digest);
    assert.equal(query(restored, digest), before, table);
    if (!before.startsWith("0 ")) filled++;
  }
  assert.ok(filled >= 30, `only ${filled} tables hold rows: the drill needs data in every domain`);
  assert.match(migrate(restored, "status"), /applied/);
  assert.doesNotMatch(migrate(restored, "status"), /pending|unknown|changed/);
  migrate(restored, "verify", "--from", dataset);  // the import's own check passes on the copy
});

test("the server on the copy serves a user's data as it did before", async () => {
  const email = query(original, "SELECT email FROM users u WHERE EXISTS (SELECT 1 FROM focus_sessions f WHERE f.user_id = u.id) ORDER BY email LIMIT 1");
  const exportOn = async (database) => {
    const server = await startServer("drill", {}, { database });
    let exported;
    let stopped;
    try {
      assert.equal((await fetch(`${server.baseUrl}/ready`)).status, 200);
      const signIn = await fetch(`${server.baseUrl}/auth/dev-login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email }),
      });
      assert.equal(signIn.status, 200);
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const answer = await fetch(`${server.baseUrl}/api/v1/me/export`, { headers: { Cookie: cookie } });
      assert.equal(answer.status, 200);
      exported = await answer.json();
    } finally {
      stopped = await server.stop();
    }
    assert.equal(stopped, 0, "the server stops cleanly");
    // What the sign-in itself wrote differs between the two; the rest must not.
    delete exported.exported_at;
    delete exported.user.last_login_at;
    delete exported.tables.sessions;
    return exported;
  };
  const before = await exportOn(original);
  const after = await exportOn(restored);
  assert.ok(before.tables.focus_sessions.length > 0);
  assert.deepEqual(after, before);
});
