// Browser test of kamscope's registrations page (/kamailio/locations), in Debian's
// Chromium driven by playwright-core. Run: tests/browser/run.sh (or `node --test`).
//
// Env:
//   KAMSCOPE_URL             base URL of a running kamscope (default http://127.0.0.1:8080)
//   KAMSCOPE_EXPECT_USERS    comma-separated usernames that must be listed (db and memory)
//   KAMSCOPE_DELETE_USER     a username to delete through the UI (skipped when empty)
//   KAMSCOPE_SCREENSHOT_DIR  where screenshots go (default tests/output/screenshots)
//   KAMSCOPE_CHROMIUM        browser binary (default /usr/bin/chromium)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";
import { uiWords } from "./common.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.KAMSCOPE_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");
const EXPECT_USERS = (process.env.KAMSCOPE_EXPECT_USERS || "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const DELETE_USER = (process.env.KAMSCOPE_DELETE_USER || "").trim();
const SHOTS = path.resolve(process.env.KAMSCOPE_SCREENSHOT_DIR || path.join(HERE, "..", "output", "screenshots"));
const CHROMIUM = process.env.KAMSCOPE_CHROMIUM || "/usr/bin/chromium";
const STILL_LISTED = EXPECT_USERS.filter((u) => u !== DELETE_USER);

// Column headers and page title in each language (manual §1.3; zh-CN is authoritative).
const LABELS = {
  en: {
    title: "Registrations",
    cols: { username: "Username", domain: "Domain", contact: "Contact", expires: "Expires", "user-agent": "User-Agent", received: "Received", socket: "Socket" },
    refresh: "Refresh",
  },
  "zh-CN": {
    title: "注册监控",
    cols: { username: "用户名", domain: "域", contact: "联系地址", expires: "过期时间", "user-agent": "User-Agent", received: "接收来源", socket: "Socket" },
    refresh: "刷新",
  },
};
// Latin words allowed on the zh-CN page: the manual's own terms and technical names.
const ZH_ALLOWED = new Set([
  "kamscope", "Kamailio", "SIP", "CDR", "User-Agent", "Socket", "usrloc", "HTTP", "API", "RPC",
  "AOR", "Call-ID", "CSeq", "q", "Path", "Reg-Id", "RUID", "flags", "cflags", "methods", "sip.instance",
]);

let browser, context, page;
const consoleErrors = [];

const sel = (id) => `[data-testid="${id}"]`;
const rowOf = (user) => `${sel("reg-row")}[data-username="${user.replace(/["\\]/g, "\\$&")}"]`;

async function waitLoaded() {
  await page.waitForSelector(`${sel("table-wrap")}[aria-busy="false"]`);
  const err = await page.$(sel("error"));
  if (err) assert.fail(`the page shows an error: ${(await err.innerText()).replace(/\s+/g, " ")}`);
}

async function listedUsers() {
  return page.$$eval(sel("reg-row"), (rows) => rows.map((r) => r.dataset.username));
}

async function waitForUsers(users) {
  for (const u of users) {
    await page.waitForSelector(rowOf(u), { timeout: 15000 }).catch(async () => {
      assert.fail(`user ${u} is not listed; the table shows: ${(await listedUsers()).join(", ") || "(nothing)"}`);
    });
  }
}

async function setLang(code) {
  await page.click(sel(`lang-${code}`));
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
  await page.waitForFunction(
    ([id, text]) => document.querySelector(id)?.textContent.trim() === text,
    [sel("page-title"), LABELS[code].title],
  );
}

async function checkLabels(code) {
  const L = LABELS[code];
  assert.equal((await page.textContent(sel("page-title"))).trim(), L.title);
  for (const [id, text] of Object.entries(L.cols)) {
    assert.equal((await page.textContent(sel(`col-${id}`))).trim(), text, `header of column ${id} in ${code}`);
  }
  assert.match(await page.textContent(sel("refresh-button")), new RegExp(L.refresh));
  assert.ok((await page.title()).startsWith(L.title), `document.title in ${code}: ${await page.title()}`);
}


async function shot(name) {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
});

test("/ redirects to the registrations page, which lists the expected users", async () => {
  await page.goto(`${BASE}/`);
  await page.waitForURL(/\/kamailio\/locations$/);
  await page.waitForSelector(sel("page-locations"));
  await waitLoaded();
  await page.waitForSelector(`${sel("source-badge")}[data-source="db"]`);
  // All expected users on one page, whatever the default page size.
  await page.selectOption(sel("limit-select"), "1000");
  await waitLoaded();
  await waitForUsers(EXPECT_USERS);
  if (EXPECT_USERS.length === 0) {
    const n = (await page.$$(sel("reg-row"))).length + (await page.$$(sel("empty"))).length;
    assert.ok(n > 0, "neither rows nor the empty state are shown");
  }
});

test("the shell links the manual's eight pages; unbuilt pages and unknown paths say so", async () => {
  const slugs = ["locations", "dialogs", "cdr", "siptrace", "topos", "presence", "msilo", "monitoring"];
  for (const s of slugs) {
    assert.ok(await page.$(sel(`nav-${s}`)), `nav entry ${s}`);
    // Every entry opens its page: a built one shows itself, an unbuilt one says so, and
    // the sidebar marks exactly the unbuilt ones "soon" (pages get built over time).
    const soon = Boolean(await page.$(`${sel(`nav-${s}`)} .nav-soon`));
    await page.click(`${sel(`nav-${s}`)} a`);
    await page.waitForURL(new RegExp(`/kamailio/${s}(\\?|$)`));
    const shown = await page.waitForSelector(`${sel(`page-${s}`)}, ${sel("not-built")}`);
    const notBuilt = (await shown.getAttribute("data-testid")) === "not-built";
    assert.equal(notBuilt, soon, `${s}: the sidebar says ${soon ? "soon" : "built"}, the page ${notBuilt ? "is not built" : "is there"}`);
  }
  await page.goto(`${BASE}/kamailio/no-such-page`);
  await page.waitForSelector(sel("page-not-found"));
  await page.click(`${sel("nav-locations")} a`);
  await page.waitForSelector(sel("page-locations"));
  await waitLoaded();
});

test("paging: next page follows next_cursor, first page comes back", async () => {
  await page.selectOption(sel("limit-select"), "20");
  await waitLoaded();
  assert.match(page.url(), /[?&]limit=20(&|$)/);
  const firstPage = await page.$$eval(sel("reg-row"), (rows) => rows.map((r) => r.dataset.aor + " " + r.dataset.contact));
  assert.ok(firstPage.length <= 20, `${firstPage.length} rows with a page size of 20`);
  if (await page.isEnabled(sel("next-page"))) {
    await page.click(sel("next-page"));
    await page.waitForFunction((id) => document.querySelector(id)?.textContent.includes("2"), sel("page-number"));
    await waitLoaded();
    const second = await page.$$eval(sel("reg-row"), (rows) => rows.map((r) => r.dataset.aor + " " + r.dataset.contact));
    assert.ok(second.length > 0, "the second page is not empty");
    for (const row of second) assert.ok(!firstPage.includes(row), `${row} is on both pages`);
    await page.click(sel("first-page"));
    await page.waitForFunction((id) => document.querySelector(id)?.textContent.includes("1"), sel("page-number"));
    await waitLoaded();
  }
  await page.selectOption(sel("limit-select"), "1000");
  await waitLoaded();
});

test("searching by username narrows the table to that user", { skip: EXPECT_USERS.length === 0 && "no KAMSCOPE_EXPECT_USERS" }, async () => {
  const user = STILL_LISTED[0] || EXPECT_USERS[0];
  await page.fill(sel("search-input"), user);
  await page.press(sel("search-input"), "Enter");
  await page.waitForFunction(
    ([rowSel, u]) => {
      const rows = [...document.querySelectorAll(rowSel)];
      return rows.length > 0 && rows.every((r) => r.dataset.username.toLowerCase().includes(u.toLowerCase()));
    },
    [sel("reg-row"), user],
  );
  await waitLoaded();
  const users = await listedUsers();
  assert.ok(users.includes(user), `${user} is listed after searching for it`);
  for (const u of users) assert.ok(u.toLowerCase().includes(user.toLowerCase()), `${u} does not match the search ${user}`);
  assert.match(page.url(), new RegExp(`[?&]q=${encodeURIComponent(user)}(&|$)`), "the search is kept in the URL");
  const others = EXPECT_USERS.filter((u) => !u.toLowerCase().includes(user.toLowerCase()));
  for (const u of others) assert.ok(!users.includes(u), `${u} is still listed after searching for ${user}`);
  // Clear the search: everyone is back.
  await page.fill(sel("search-input"), "");
  await page.press(sel("search-input"), "Enter");
  await waitLoaded();
  await waitForUsers(EXPECT_USERS);
});

test("deleting a user through the confirmation dialog removes it", { skip: !DELETE_USER && "no KAMSCOPE_DELETE_USER" }, async () => {
  await waitForUsers([DELETE_USER]);
  // Cancel first: nothing happens.
  await page.click(`${rowOf(DELETE_USER)} ${sel("delete-user")}`);
  await page.waitForSelector(sel("confirm-dialog"));
  assert.equal((await page.textContent(`${sel("confirm-dialog")} ${sel("user-name")}`)).trim(), DELETE_USER, "the dialog names the user");
  await page.click(sel("confirm-cancel"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
  assert.ok(await page.$(rowOf(DELETE_USER)), "cancel keeps the user");
  // Now for real.
  await page.click(`${rowOf(DELETE_USER)} ${sel("delete-user")}`);
  await page.waitForSelector(sel("confirm-dialog"));
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" }).catch(async () => {
    const err = await page.$(sel("confirm-error"));
    assert.fail(`delete failed: ${err ? await err.innerText() : "dialog stayed open"}`);
  });
  await page.waitForSelector(sel("toast"));
  await page.waitForSelector(rowOf(DELETE_USER), { state: "detached" });
  await waitLoaded();
  assert.ok(!(await listedUsers()).includes(DELETE_USER));
  await waitForUsers(STILL_LISTED);
  // The API agrees.
  const res = await page.evaluate(async (u) => {
    const r = await fetch(`/api/v1/registrations?source=db&limit=1000&q=${encodeURIComponent(u)}`);
    return { status: r.status, body: await r.json() };
  }, DELETE_USER);
  assert.equal(res.status, 200);
  assert.ok(!res.body.items.some((r) => r.username === DELETE_USER), `the API still lists ${DELETE_USER}`);
});

test("Load from memory switches the source and lists the users from Kamailio's memory", async () => {
  await page.click(sel("source-toggle"));
  await page.waitForSelector(`${sel("source-badge")}[data-source="memory"]`);
  await waitLoaded();
  await waitForUsers(STILL_LISTED);
  const sources = await page.$$eval(sel("reg-row"), (rows) => rows.map((r) => r.dataset.source));
  assert.ok(sources.every((s) => s === "memory"), `rows from: ${[...new Set(sources)].join(", ")}`);
  if (DELETE_USER) assert.ok(!(await listedUsers()).includes(DELETE_USER), `${DELETE_USER} is still in memory`);
  // The source is in the URL: a reload (or a shared link) shows memory again.
  assert.match(page.url(), /[?&]source=memory(&|$)/);
  await page.reload();
  await page.waitForSelector(`${sel("source-badge")}[data-source="memory"]`);
  await waitLoaded();
  await waitForUsers(STILL_LISTED);
  // And back to the database.
  await page.click(sel("source-toggle"));
  await page.waitForSelector(`${sel("source-badge")}[data-source="db"]`);
  await waitLoaded();
});

test("the language switch changes every label (en <-> zh-CN) and is remembered", async () => {
  await waitLoaded();
  // Open one row's details so that their labels are checked (and shown in the screenshots).
  const toggle = await page.$(sel("row-toggle"));
  if (toggle) {
    await toggle.click();
    await page.waitForSelector(sel("details-row"));
  }

  // Let a toast from an earlier step go, for clean screenshots.
  await page.waitForSelector(sel("toast"), { state: "detached", timeout: 10000 });
  await setLang("en");
  await checkLabels("en");
  console.log(`screenshot: ${await shot("locations-en.png")}`);

  await setLang("zh-CN");
  await checkLabels("zh-CN");
  const leftovers = (await uiWords(page)).filter((w) => !ZH_ALLOWED.has(w));
  assert.deepEqual([...new Set(leftovers)], [], "English words left on the zh-CN page");
  console.log(`screenshot: ${await shot("locations-zh-CN.png")}`);

  // The choice survives a reload (localStorage), whatever the browser language.
  await page.reload();
  await page.waitForSelector(sel("page-locations"));
  await page.waitForFunction(() => document.documentElement.lang === "zh-CN");
  await waitLoaded();
  await checkLabels("zh-CN");
  await setLang("en");
});

test("without a stored choice the language follows the browser", async () => {
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const p = await ctx.newPage();
  await p.goto(`${BASE}/kamailio/locations`);
  await p.waitForFunction(() => document.documentElement.lang === "zh-CN");
  assert.equal((await p.textContent(sel("page-title"))).trim(), LABELS["zh-CN"].title);
  await ctx.close();
});

test("no errors in the browser console on the kamscope pages", () => {
  const real = consoleErrors.filter((e) => !/favicon/i.test(e));
  assert.deepEqual(real, []);
});

test("Swagger UI at /docs lists the registrations operations", async () => {
  await page.goto(`${BASE}/docs`);
  await page.waitForSelector(".opblock-summary-path", { timeout: 30000 });
  const ops = await page.$$eval(".opblock", (blocks) =>
    blocks.map((b) => {
      const p = b.querySelector(".opblock-summary-path");
      const method = b.querySelector(".opblock-summary-method")?.textContent.trim().toUpperCase();
      const pathText = (p?.getAttribute("data-path") || p?.textContent || "").replace(/\u200b/g, "").trim();
      return `${method} ${pathText}`;
    }),
  );
  // Swagger UI shows paths relative to the spec's server URL (`/api/v1`) or in full.
  const reg = ops.map((o) => o.replace(" /api/v1/", " /")).filter((o) => / \/registrations/.test(o));
  const has = (re) => assert.ok(reg.some((o) => re.test(o)), `${re} not among the operations: ${ops.join("; ")}`);
  has(/^GET \/registrations$/);
  has(/^DELETE \/registrations\/\{[^}]+\}$/);
  has(/^DELETE \/registrations\/\{[^}]+\}\/contacts$/);
  console.log(`screenshot: ${await shot("docs.png")}`);
});
