// Browser test of kamscope's monitoring dashboard (/kamailio/monitoring, manual §8), in
// Debian's Chromium driven by playwright-core. Run: tests/browser/run.sh.
//
// Env:
//   KAMSCOPE_URL             base URL of a running kamscope (default http://127.0.0.1:8080)
//   KAMSCOPE_SCREENSHOT_DIR  where screenshots go (default tests/output/screenshots)
//   KAMSCOPE_CHROMIUM        browser binary (default /usr/bin/chromium)
// Expects a healthy lab: every node up, the database up, some users registered.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, sel, attr, launch, shot, setLang, uiWords, ZH_ALLOWED, apiGet } from "./common.mjs";

const LABELS = {
  en: {
    title: "Monitoring dashboard", running: "Running", registered: "Registered users", dialogs: "Active dialogs",
    calls: "Calls today", health: "Health checks", ok: "OK", updated: /^Last updated \d\d:\d\d:\d\d$/,
  },
  "zh-CN": {
    title: "监控面板", running: "运行中", registered: "注册用户数", dialogs: "活动对话数",
    calls: "今日呼叫", health: "健康检查", ok: "正常", updated: /^最后更新 \d\d:\d\d:\d\d$/,
  },
};
const GREEN = "rgb(33, 137, 74)"; // --ok

let browser, page, consoleErrors;

before(async () => {
  ({ browser, page, consoleErrors } = await launch());
});

after(async () => {
  await browser?.close();
});

async function lastUpdated() {
  return Number(await page.getAttribute(sel("last-updated"), "data-ts"));
}

test("every node is shown running, in green, with the numbers the API gives", async () => {
  await page.goto(`${BASE}/kamailio/monitoring`);
  await page.waitForSelector(sel("page-monitoring"));
  await setLang(page, "en", LABELS.en.title);
  await page.waitForSelector(sel("node-card"));
  const dash = await apiGet(page, "/api/v1/dashboard");
  assert.equal(dash.status, 200);
  assert.ok(dash.body.nodes.length > 0, "the server has nodes");
  // The page may have loaded a moment before: let it refresh once more after our read.
  const t0 = await lastUpdated();
  await page.waitForFunction(([id, t]) => Number(document.querySelector(id)?.dataset.ts) > t, [sel("last-updated"), t0], { timeout: 15000 });
  for (const n of dash.body.nodes) {
    const card = `${sel("node-card")}${attr("data-node", n.name)}`;
    await page.waitForSelector(card);
    assert.equal(await page.getAttribute(card, "data-status"), "ok", `node ${n.name} is up`);
    assert.equal((await page.textContent(`${card} ${sel("node-status")}`)).trim(), LABELS.en.running);
    const dot = await page.$eval(`${card} ${sel("node-status")} .dot`, (e) => getComputedStyle(e).backgroundColor);
    assert.equal(dot, GREEN, "the running dot is green");
    const reg = Number(await page.getAttribute(`${card} ${sel("node-registered-users")}`, "data-value"));
    assert.ok(reg > 0, `registered users of ${n.name}: ${reg}`);
    assert.equal(reg, n.registered_users, `registered users of ${n.name}: page ${reg}, API ${n.registered_users}`);
    assert.match(await page.textContent(`${card} ${sel("node-registered-users")}`), new RegExp(`${LABELS.en.registered}\\s*${reg}`));
    const dlg = await page.getAttribute(`${card} ${sel("node-active-dialogs")}`, "data-value");
    assert.match(dlg, /^\d+$/, "active dialogs are shown");
    assert.match(await page.textContent(`${card} ${sel("node-active-dialogs")}`), new RegExp(`${LABELS.en.dialogs}\\s*${dlg}`));
    assert.match(await page.textContent(`${card} ${sel("node-version")} dd`), /kamailio/i);
    assert.ok(Number(await page.getAttribute(`${card} ${sel("node-uptime")}`, "data-value")) > 0, "uptime");
    assert.ok(Number(await page.getAttribute(`${card} ${sel("node-processes")}`, "data-value")) > 0, "processes");
    for (const c of ["requests", "invites", "registers", "transactions", "2xx", "4xx"]) {
      assert.match(await page.getAttribute(`${card} ${sel(`counter-${c}`)}`, "data-value"), /^\d+$/, `counter ${c}`);
    }
    assert.ok(Number(await page.getAttribute(`${card} ${sel("counter-registers")}`, "data-value")) > 0, "REGISTERs were counted");
  }
});

test("the calls today card shows total, answered, failed and missed with date and timezone", async () => {
  await page.waitForSelector(sel("calls-today"));
  assert.equal(await page.$(sel("calls-error")), null, "calls today are available");
  const dash = await apiGet(page, "/api/v1/dashboard");
  const c = dash.body.calls_today;
  assert.ok(c, "the API has calls_today");
  assert.equal(await page.getAttribute(sel("calls-date"), "data-date"), c.date);
  assert.equal(await page.getAttribute(sel("calls-date"), "data-tz"), c.timezone);
  assert.match(await page.textContent(sel("calls-date")), new RegExp(`${c.date}.*${c.timezone.replace("/", "\\/")}`));
  for (const k of ["total", "answered", "failed", "missed"]) {
    const v = Number(await page.getAttribute(sel(`calls-${k}`), "data-value"));
    assert.ok(Number.isInteger(v) && v >= 0, `calls ${k}: ${v}`);
  }
  const total = Number(await page.getAttribute(sel("calls-total"), "data-value"));
  const answered = Number(await page.getAttribute(sel("calls-answered"), "data-value"));
  const failed = Number(await page.getAttribute(sel("calls-failed"), "data-value"));
  assert.equal(total, answered + failed, "total = answered + failed");
});

test("the health checks are listed, each green", async () => {
  await page.waitForSelector(`${sel("check-list")}`);
  const checks = await page.$$eval(sel("check-row"), (rs) => rs.map((r) => ({ name: r.dataset.name, status: r.dataset.status })));
  const names = checks.map((c) => c.name);
  for (const n of ["database", "kamailio_rpc", "kamailio_processes"]) assert.ok(names.includes(n), `check ${n} is listed: ${names.join(", ")}`);
  for (const c of checks) assert.equal(c.status, "ok", `check ${c.name} is ${c.status}`);
  const colors = await page.$$eval(`${sel("check-row")} .dot`, (ds) => ds.map((d) => getComputedStyle(d).backgroundColor));
  for (const col of colors) assert.equal(col, GREEN, "check dots are green");
  const texts = await page.$$eval(sel("check-status"), (ss) => ss.map((s) => s.textContent.trim()));
  assert.deepEqual([...new Set(texts)], [LABELS.en.ok]);
  assert.equal(await page.$(sel("check-error")), null, "no check has an error");
});

test("it refreshes itself every 5 s, shows when, and can be paused", async () => {
  assert.match((await page.textContent(sel("last-updated"))).trim(), LABELS.en.updated);
  const t1 = await lastUpdated();
  const text1 = (await page.textContent(sel("last-updated"))).trim();
  await page.waitForFunction(([id, t]) => Number(document.querySelector(id)?.dataset.ts) > t, [sel("last-updated"), t1], { timeout: 12000 });
  const t2 = await lastUpdated();
  assert.ok(t2 - t1 >= 3000 && t2 - t1 <= 11000, `refreshed ${t2 - t1} ms later`);
  await page.waitForFunction(([id, t]) => document.querySelector(id)?.textContent.trim() !== t, [sel("last-updated"), text1]);
  // Pause: nothing for 7 s.
  await page.click(sel("pause-toggle"));
  assert.equal(await page.getAttribute(sel("pause-toggle"), "aria-pressed"), "true");
  await page.waitForTimeout(300); // a round already out may still land
  const t3 = await lastUpdated();
  await page.waitForTimeout(7000);
  assert.equal(await lastUpdated(), t3, "paused, yet it refreshed");
  // Resume.
  await page.click(sel("pause-toggle"));
  assert.equal(await page.getAttribute(sel("pause-toggle"), "aria-pressed"), "false");
  await page.waitForFunction(([id, t]) => Number(document.querySelector(id)?.dataset.ts) > t, [sel("last-updated"), t3], { timeout: 12000 });
});

test("the language switch changes the labels (en <-> zh-CN); screenshots in both", async () => {
  for (const code of ["en", "zh-CN"]) {
    const L = LABELS[code];
    await setLang(page, code, L.title);
    const card = sel("node-card");
    assert.equal((await page.textContent(`${card} ${sel("node-status")}`)).trim(), L.running);
    assert.equal((await page.textContent(`${card} ${sel("node-registered-users")} .metric-label`)).trim(), L.registered);
    assert.equal((await page.textContent(`${card} ${sel("node-active-dialogs")} .metric-label`)).trim(), L.dialogs);
    assert.equal((await page.textContent(`${sel("calls-today")} h2`)).trim(), L.calls);
    assert.equal((await page.textContent(`${sel("health-panel")} h2`)).trim(), L.health);
    assert.match((await page.textContent(sel("last-updated"))).trim(), L.updated);
    assert.ok((await page.title()).startsWith(L.title), `document.title in ${code}: ${await page.title()}`);
    if (code === "zh-CN") {
      const leftovers = (await uiWords(page)).filter((w) => !ZH_ALLOWED.has(w));
      assert.deepEqual([...new Set(leftovers)], [], "English words left on the zh-CN page");
    }
    console.log(`screenshot: ${await shot(page, `monitoring-${code}.png`)}`);
  }
  await setLang(page, "en", LABELS.en.title);
});

test("no errors in the browser console", () => {
  const real = consoleErrors.filter((e) => !/favicon/i.test(e));
  assert.deepEqual(real, []);
});
