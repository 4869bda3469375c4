// The client against the real server: a database cloned from the test cluster's migrated
// template, the built ignition-api with dev sign-in, and the scenario a frontend runs. Run by
// ctest (typescript_client) with IGNITION_API (the binary) and IGNITION_TEST_PG_DIR (the cluster).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../../../tests/support/ignition_server.mjs";
import { ApiError, createIgnitionClient, createServerClient, downloadBlob, ok, uploadBlob } from "../dist/index.js";

let server;
let baseUrl;

before(async () => {
  server = await startServer("ts_client");
  baseUrl = server.baseUrl;
});

after(async () => {
  assert.equal(await server?.stop(), 0, "the server stops cleanly (a sanitizer report fails it)");
});

// Signs in as a browser would and answers the browser's Cookie header.
async function signIn(email) {
  const anonymous = createIgnitionClient({ baseUrl });
  const { response } = await anonymous.POST("/auth/dev-login", { body: { email } });
  assert.equal(response.status, 200);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

test("a frontend's day: focus, wallet, ideas page by page, a refused purchase, a file up and down", async () => {
  const cookie = await signIn("ts-client@example.com");
  // The SSR helper: the browser's cookies and address, the CSRF token taken from them.
  const api = createServerClient({ headers: { cookie }, remoteAddress: "203.0.113.7" }, { baseUrl });

  const me = await ok(api.GET("/api/v1/me"));
  assert.equal(me.email, "ts-client@example.com");

  // A focus session started and completed (unsafe methods: the CSRF header is added).
  const session = await ok(api.POST("/api/v1/focus", { body: { mode: "focus", duration_seconds: 60 } }));
  assert.equal(session.status, "active");
  const done = await ok(api.POST("/api/v1/focus/{id}/complete", { params: { path: { id: session.id } } }));
  assert.equal(done.status, "completed");

  const wallet = await ok(api.GET("/api/v1/wallet"));
  assert.equal(typeof wallet.coins, "number");
  assert.ok(wallet.level >= 1);

  // Ideas created and listed two at a time, newest first, until next_cursor is null.
  for (const title of ["one", "two", "three"]) await ok(api.POST("/api/v1/ideas", { body: { title, tags: ["ts"] } }));
  const titles = [];
  let cursor;
  let pages = 0;
  do {
    const page = await ok(api.GET("/api/v1/ideas", { params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } } }));
    titles.push(...page.items.map((i) => i.title));
    cursor = page.next_cursor ?? undefined;
    pages += 1;
  } while (cursor);
  assert.deepEqual(titles, ["three", "two", "one"]);
  assert.equal(pages, 2);

  // The dearest item of the market is more than a new user has: 409 insufficient_funds, typed.
  const items = (await ok(api.GET("/api/v1/market/items"))).items;
  const dearest = items.reduce((a, b) => (b.cost_coins > a.cost_coins ? b : a));
  assert.ok(dearest.cost_coins > wallet.coins);
  await assert.rejects(ok(api.POST("/api/v1/market/items/{id}/purchase", { params: { path: { id: dearest.id } } })), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 409);
    assert.equal(e.code, "insufficient_funds");
    return true;
  });

  // A PNG uploaded, then read back as a stream, whole and in part.
  const png = new Uint8Array(4096);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < png.length; i++) png[i] = i % 251;
  const blob = await uploadBlob(api, "dot.png", "image/png", png);
  assert.equal(blob.size, png.length);
  const whole = await downloadBlob(api, blob.id);
  assert.deepEqual(new Uint8Array(await new Response(whole.stream).arrayBuffer()), png);
  const part = await downloadBlob(api, blob.id, "bytes=100-199");
  assert.equal(part.response.status, 206);
  assert.deepEqual(new Uint8Array(await new Response(part.stream).arrayBuffer()), png.slice(100, 200));
});

test("validation errors carry their fields; a CSRF token that does not match is refused", async () => {
  const cookie = await signIn("ts-fields@example.com");
  const api = createServerClient({ headers: { cookie } }, { baseUrl });
  await assert.rejects(ok(api.POST("/api/v1/ideas", { body: { title: "" } })), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.code, "validation_failed");
    assert.ok("title" in e.fields);
    return true;
  });
  const forged = createIgnitionClient({ baseUrl, headers: { Cookie: cookie }, csrfToken: () => "forged" });
  await assert.rejects(ok(forged.POST("/api/v1/ideas", { body: { title: "x" } })), (e) => e.status === 403 && e.code === "csrf_failed");
});

test("a 401 calls the hook, then fails the call", async () => {
  const seen = [];
  const api = createIgnitionClient({ baseUrl, onUnauthorized: (response) => seen.push(response.status) });
  await assert.rejects(ok(api.GET("/api/v1/me")), (e) => e instanceof ApiError && e.code === "unauthorized");
  assert.deepEqual(seen, [401]);
});
