// The reference page (/api/v1/docs) in headless Chromium against the built server: it loads under
// its CSP with no console error and no request elsewhere, shows every tag of the document, and
// "Try it out" creates an idea with the reader's session and CSRF token. Run by ctest
// (openapi_reference_page) with IGNITION_API, IGNITION_TEST_PG_DIR and Debian's chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { freePort, startServer } from "../support/ignition_server.mjs";

let server;
let browser;

before(async () => {
  // The page's origin is the app's here, as when the API is served under the app's domain: an
  // unsafe call from another origin is refused (docs/api.md, "Reference page").
  const port = await freePort();
  server = await startServer("reference_page", { PORT: `${port}`, APP_URL: `http://127.0.0.1:${port}` });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
});

after(async () => {
  await browser?.close();
  assert.equal(await server?.stop(), 0, "the server stops cleanly (a sanitizer report fails it)");
});

// A page that records every console error or warning, uncaught exception, failed request and
// request to another origin.
async function watchedPage() {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(`console ${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(server.baseUrl) && !url.startsWith("data:")) problems.push(`elsewhere: ${url}`);
  });
  return { page, problems };
}

test("the page is served under a CSP that allows this origin only", async () => {
  const response = await fetch(`${server.baseUrl}/api/v1/docs`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /^text\/html/);
  const csp = response.headers.get("content-security-policy");
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe|https?:|\*/, "nothing inline, evaluated or from elsewhere");
  assert.equal((await fetch(`${server.baseUrl}/api/v1/docs/index.html`)).status, 404);
  assert.equal((await fetch(`${server.baseUrl}/api/v1/docs/unknown.js`)).status, 404);
});

test("it shows every tag of the document with no console error", async () => {
  const document = await (await fetch(`${server.baseUrl}/api/v1/openapi.json`)).json();
  const tags = document.tags.map((t) => t.name);
  const { page, problems } = await watchedPage();
  await page.goto(`${server.baseUrl}/api/v1/docs`);
  await page.waitForFunction((n) => window.document.querySelectorAll("h3[data-tag]").length >= n, tags.length);
  const shown = await page.$$eval("h3[data-tag]", (headings) => headings.map((h) => h.dataset.tag));
  assert.deepEqual(shown, tags);
  // A tag opens on its operations.
  await page.click('h3[data-tag="focus"]');
  await page.waitForSelector('.opblock-summary-path[data-path="/api/v1/focus/active"]');
  assert.deepEqual(problems, []);
  await page.close();
});

test("Try it out sends the reader's session and CSRF token", async () => {
  const { page, problems } = await watchedPage();
  // Signed in as a browser is: the session and csrf_token cookies on this origin.
  const signIn = await page.request.post(`${server.baseUrl}/auth/dev-login`, { data: { email: "reader@example.com" } });
  assert.equal(signIn.status(), 200);
  await page.goto(`${server.baseUrl}/api/v1/docs`);
  await page.click('h3[data-tag="ideas"]');
  const operation = page.locator("#operations-ideas-createIdea");
  await operation.locator(".opblock-summary").click();
  await operation.locator(".try-out__btn").click();
  await operation.locator("textarea.body-param__text").fill(JSON.stringify({ title: "from the reference page" }));
  await operation.locator(".execute").click();
  await operation.locator(".live-responses-table tbody .response-col_status").first().waitFor();
  assert.equal((await operation.locator(".live-responses-table tbody .response-col_status").first().innerText()).trim(), "201");
  const ideas = await page.request.get(`${server.baseUrl}/api/v1/ideas`);
  assert.deepEqual(
    (await ideas.json()).items.map((i) => i.title),
    ["from the reference page"],
  );
  assert.deepEqual(problems, []);
  await page.close();
});
