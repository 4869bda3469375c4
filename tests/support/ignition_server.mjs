// The built ignition-api for the Node tests, as a user runs it: a database cloned from the test
// cluster's migrated template, local storage in a temporary directory, dev sign-in, an
// ephemeral port. Needs IGNITION_API (the binary) and IGNITION_TEST_PG_DIR (the cluster).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Runs `sql` on `conninfo`; answers psql's output, trimmed.
export const psql = (conninfo, sql) =>
  execFileSync("psql", [conninfo, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql]).toString().trim();

// The test cluster's admin conninfo, and the one of its database `name`.
export const adminConninfo = () => readFileSync(join(process.env.IGNITION_TEST_PG_DIR, "conninfo"), "utf8").trim();
export const conninfoOf = (database) => adminConninfo().replace(/dbname=\S+/, `dbname=${database}`);
export const psqlAdmin = (sql) => psql(adminConninfo(), sql);

// Starts the server with `env` over the defaults below, on a new database (dropped by stop())
// or on `database` when given; `stop()` answers its exit code (a sanitizer report makes it
// non-zero).
export async function startServer(name, env = {}, { database: existing } = {}) {
  const admin = adminConninfo();
  const database = existing ?? `t_${name}_${process.pid}`;
  const storage = mkdtempSync(join(tmpdir(), `${name}-`));
  if (!existing) psql(admin, `CREATE DATABASE ${database} TEMPLATE ignition_template`);
  const server = spawn(process.env.IGNITION_API, [], {
    env: {
      PATH: process.env.PATH,
      ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? "",
      UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? "",
      DATABASE_URL: conninfoOf(database),
      APP_ENV: "test",
      PORT: "0",
      LOG_FORMAT: "json",
      DEV_LOGIN: "1",
      AUTH_SECRET: "test-secret-test-secret-test-secret-0001",
      APP_URL: "https://app.example.com",
      STORAGE_DIR: storage,
      RATE_LIMIT_AUTH: "0",
      RATE_LIMIT_API: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => server.on("exit", resolve));
  const port = await new Promise((resolve, reject) => {
    let partial = ""; // a line not yet ended
    const read = (chunk) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop();
      const listening = lines.find((line) => line.includes('"msg":"listening"'));
      if (listening) {
        server.stdout.off("data", read);
        server.stdout.resume(); // the rest of the log is not read
        resolve(JSON.parse(listening).port);
      }
    };
    server.stdout.on("data", read);
    exited.then((code) => reject(new Error(`ignition-api exited with ${code}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      if (server.exitCode === null) server.kill("SIGTERM");
      const code = await exited;
      if (!existing) psql(admin, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      rmSync(storage, { recursive: true, force: true });
      return code;
    },
  };
}

// A port free now, for a server that must know its own origin before it starts.
export async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
