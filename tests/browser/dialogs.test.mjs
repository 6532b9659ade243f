// Browser test of kamscope's dialogs page (/kamailio/dialogs, manual §2), in Debian's
// Chromium driven by playwright-core. Run: tests/browser/run.sh (or `node --test`).
//
// Env:
//   KAMSCOPE_URL             base URL of a running kamscope (default http://127.0.0.1:8080)
//   KAMSCOPE_EXPECT_DIALOGS  number of answered long calls up now (state 4); the test ends
//                            ONE of them through the UI (the tests needing calls are
//                            skipped when 0 or unset)
//   KAMSCOPE_SCREENSHOT_DIR  where screenshots go (default tests/output/screenshots)
//   KAMSCOPE_CHROMIUM        browser binary (default /usr/bin/chromium)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, sel, attr, launch, shot, setLang, uiWords, ZH_ALLOWED, apiGet } from "./common.mjs";

const EXPECT = Number.parseInt(process.env.KAMSCOPE_EXPECT_DIALOGS || "0", 10) || 0;
const noCalls = EXPECT === 0 && "KAMSCOPE_EXPECT_DIALOGS is 0 or unset";

const LABELS = {
  en: {
    title: "Dialogs",
    memory: "Active dialogs (memory)",
    db: "Dialog records (database)",
    history: "Ended calls (CDRs)",
    confirmed: "confirmed",
    end: "End",
    cols: { "h-entry": "Hash entry", "h-id": "Hash ID", "call-id": "Call-ID", "from-uri": "From URI", "to-uri": "To URI", state: "State", start: "Start", duration: "Duration" },
    stats: { active: "Active", ongoing: "Ongoing", early: "Setting up", processed: "Processed", failed: "Failed", expired: "Expired" },
  },
  "zh-CN": {
    title: "对话管理",
    memory: "活动对话（内存）",
    db: "对话记录（数据库）",
    history: "已结束通话（CDR）",
    confirmed: "已确认",
    end: "结束",
    cols: { "h-entry": "Hash Entry", "h-id": "Hash ID", "call-id": "Call-ID", "from-uri": "From URI", "to-uri": "To URI", state: "状态", start: "开始时间", duration: "时长" },
    stats: { active: "活动对话", ongoing: "通话中", early: "建立中", processed: "已处理", failed: "失败", expired: "已超时" },
  },
};

let browser, page, consoleErrors;
const section = (id) => sel(`section-${id}`);
const rows = (sec) => `${section(sec)} ${sel("dialog-row")}`;
const rowOf = (sec, callId) => `${rows(sec)}${attr("data-call-id", callId)}`;

/** Waits until every section has loaded and none shows an error. */
async function waitLoaded() {
  for (const s of ["memory", "db", "history"]) {
    await page.waitForSelector(`${section(s)} ${sel("table-wrap")}[aria-busy="false"]`);
    const err = await page.$(`${section(s)} ${sel("error")}`);
    if (err) assert.fail(`section ${s} shows an error: ${(await err.innerText()).replace(/\s+/g, " ")}`);
  }
  await page.waitForSelector(`${sel("dialog-stats")} ${sel("stat-active")}`);
}

async function callIds(sec) {
  return page.$$eval(rows(sec), (rs) => rs.map((r) => r.dataset.callId));
}

async function statValue(id) {
  return Number(await page.getAttribute(sel(`stat-${id}`), "data-value"));
}

/** Clicks Refresh until `cond()` holds (Kamailio answers a moment after the BYEs). */
async function refreshUntil(cond, what, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await waitLoaded();
    if (await cond()) return;
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await page.waitForTimeout(700);
    await page.click(sel("refresh-button"));
    await page.waitForTimeout(200);
  }
}

before(async () => {
  ({ browser, page, consoleErrors } = await launch());
});

after(async () => {
  await browser?.close();
});

test("the dialogs page is in the navigation (not 'soon') and shows the statistics and three labelled sections", async () => {
  await page.goto(`${BASE}/kamailio/locations`);
  await page.waitForSelector(sel("page-locations"));
  await setLang(page, "en", "Registrations");
  assert.equal(await page.$(`${sel("nav-dialogs")} .nav-soon`), null, "dialogs is still marked 'soon'");
  assert.equal(await page.$(`${sel("nav-monitoring")} .nav-soon`), null, "monitoring is still marked 'soon'");
  await page.click(`${sel("nav-dialogs")} a`);
  await page.waitForURL(/\/kamailio\/dialogs$/);
  await page.waitForSelector(sel("page-dialogs"));
  await waitLoaded();
  const L = LABELS.en;
  for (const s of ["memory", "db", "history"]) {
    assert.equal((await page.textContent(`${section(s)} ${sel("section-title")}`)).trim(), L[s]);
    assert.ok((await page.textContent(`${section(s)} ${sel("section-source")}`)).trim().length > 10, `section ${s} says where its data comes from`);
  }
  assert.match(await page.textContent(`${section("memory")} ${sel("section-source")}`), /dlg\.list/);
  assert.match(await page.textContent(`${section("db")} ${sel("section-source")}`), /dialog table/);
  assert.match(await page.textContent(`${section("history")} ${sel("section-source")}`), /acc_cdrs/);
  for (const [id, text] of Object.entries(L.stats)) {
    assert.match(await page.textContent(sel(`stat-${id}`)), new RegExp(text), `statistic ${id}`);
    assert.ok(Number.isInteger(await statValue(id)), `statistic ${id} is a number`);
  }
  // The numbers are the API's.
  const stats = await apiGet(page, "/api/v1/dialogs/stats");
  assert.equal(stats.status, 200);
  assert.equal(await statValue("processed"), stats.body.processed);
});

test("the active long calls are listed in memory and in the database, state 4 'confirmed'", { skip: noCalls }, async () => {
  await refreshUntil(async () => (await callIds("memory")).length === EXPECT && (await callIds("db")).length === EXPECT,
    `${EXPECT} dialogs in memory and in the database`);
  for (const s of ["memory", "db"]) {
    const states = await page.$$eval(rows(s), (rs) => rs.map((r) => r.dataset.state));
    assert.deepEqual(states, Array(EXPECT).fill("4"), `states in ${s}`);
    const labels = await page.$$eval(`${rows(s)} ${sel("state-label")}`, (ls) => ls.map((l) => l.textContent.trim()));
    assert.deepEqual(labels, Array(EXPECT).fill("confirmed"), `state labels in ${s}`);
    assert.equal(await page.getAttribute(section(s), "data-count"), String(EXPECT));
    assert.equal((await page.textContent(`${section(s)} ${sel("section-count")}`)).trim(), String(EXPECT));
  }
  // Same calls in both lists, each with From/To and a start time.
  assert.deepEqual((await callIds("memory")).sort(), (await callIds("db")).sort());
  const first = rows("memory");
  assert.match(await page.textContent(`${first} ${sel("cell-from-uri")}`), /^sip:/);
  assert.match(await page.textContent(`${first} ${sel("cell-to-uri")}`), /^sip:/);
  assert.match(await page.textContent(`${first} ${sel("cell-start")}`), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.match(await page.textContent(`${first} ${sel("cell-duration")}`), /^\d+:\d\d/);
  assert.equal(await statValue("active"), EXPECT, "the 'active' statistic");
  assert.equal(await statValue("ongoing"), EXPECT, "the 'ongoing' statistic");
  // Only active (memory) dialogs can be ended.
  assert.equal((await page.$$(`${section("memory")} ${sel("end-button")}`)).length, EXPECT);
  assert.equal((await page.$$(`${section("db")} ${sel("end-button")}`)).length, 0);
  // The detail expander: both legs and the variables.
  await page.click(`${first} ${sel("row-toggle")}`);
  await page.waitForSelector(`${section("memory")} ${sel("details-row")}`);
  for (const d of ["caller-tag", "callee-tag", "caller-contact", "callee-contact", "caller-socket", "callee-socket"]) {
    const text = (await page.textContent(`${section("memory")} ${sel("details-row")} ${sel(`detail-${d}`)} dd`)).trim();
    assert.ok(text && text !== "—", `detail ${d} is shown: ${text}`);
  }
  assert.ok((await page.$$(`${section("memory")} ${sel("details-row")} ${sel("variable")}`)).length > 0, "dialog variables are shown");
  await page.click(`${first} ${sel("row-toggle")}`);
  await page.waitForSelector(`${section("memory")} ${sel("details-row")}`, { state: "detached" });
});

test("filtering by Call-ID narrows memory and database to that one call", { skip: noCalls }, async () => {
  const [callId] = await callIds("memory");
  await page.fill(sel("filter-call-id"), callId);
  await page.press(sel("filter-call-id"), "Enter");
  await page.waitForFunction(
    ([r, id]) => {
      const rs = [...document.querySelectorAll(r)];
      return rs.length === 1 && rs[0].dataset.callId === id;
    },
    [rows("memory"), callId],
  );
  await waitLoaded();
  assert.deepEqual(await callIds("memory"), [callId]);
  assert.deepEqual(await callIds("db"), [callId]);
  // The filter is in the URL: a reload (or a shared link) shows the same.
  assert.match(page.url(), new RegExp(`[?&]call_id=${encodeURIComponent(callId).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(&|$)`));
  await page.reload();
  await page.waitForSelector(sel("page-dialogs"));
  await waitLoaded();
  assert.equal(await page.inputValue(sel("filter-call-id")), callId);
  assert.deepEqual(await callIds("memory"), [callId]);
  // A state filter that matches nothing: the empty state says the filters match nothing.
  await page.selectOption(sel("filter-state"), "2");
  await page.waitForSelector(`${section("memory")} ${sel("empty")}`);
  await page.selectOption(sel("filter-state"), "4");
  await page.waitForSelector(rowOf("memory", callId));
  await page.click(sel("filter-clear"));
  await page.waitForFunction(([r, n]) => document.querySelectorAll(r).length === n, [rows("memory"), EXPECT]);
  await waitLoaded();
  assert.equal(await page.inputValue(sel("filter-call-id")), "");
});

test("a 404 when ending says the dialog has already ended", { skip: noCalls }, async () => {
  // Kamailio forgot the dialog between the list and the click: the server answers 404.
  const route = /\/api\/v1\/dialogs\/\d+\/\d+\/end/;
  await page.route(route, (r) =>
    r.fulfill({ status: 404, contentType: "application/problem+json", body: JSON.stringify({ title: "Not Found", status: 404, detail: "no such dialog" }) }),
  );
  try {
    const [callId] = await callIds("memory");
    await page.click(`${rowOf("memory", callId)} ${sel("end-button")}`);
    await page.waitForSelector(sel("confirm-dialog"));
    await page.click(sel("confirm-ok"));
    await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
    await page.waitForSelector(`${sel("toast")}[data-tone="warn"]`);
    assert.match(await page.textContent(sel("toast")), /already ended/);
    assert.equal((await page.textContent(`${sel("toast")} ${sel("call-id")}`)).trim(), callId);
  } finally {
    await page.unroute(route);
  }
  await page.waitForSelector(sel("toast"), { state: "detached", timeout: 10000 });
  await waitLoaded();
});

test("ending one call through the confirmation dialog removes it from memory; the count drops", { skip: noCalls }, async () => {
  await waitLoaded();
  const before = await callIds("memory");
  assert.equal(before.length, EXPECT);
  const callId = before[before.length - 1];
  const newestCdr = () => page.$$eval(`${section("history")} ${sel("history-row")}`, (rs) => (rs.length ? Number(rs[0].dataset.id) : 0));
  const cdrBefore = await newestCdr();
  const row = rowOf("memory", callId);
  const from = (await page.textContent(`${row} ${sel("cell-from-uri")}`)).trim();
  const to = (await page.textContent(`${row} ${sel("cell-to-uri")}`)).trim();
  // Cancel first: nothing happens.
  await page.click(`${row} ${sel("end-button")}`);
  await page.waitForSelector(sel("confirm-dialog"));
  assert.equal(await page.getAttribute(sel("confirm-dialog"), "data-kind"), "end-dialog");
  assert.equal((await page.textContent(`${sel("confirm-call-id")} dd`)).trim(), callId, "the dialog names the Call-ID");
  assert.equal((await page.textContent(`${sel("confirm-from")} dd`)).trim(), from, "the dialog names the caller");
  assert.equal((await page.textContent(`${sel("confirm-to")} dd`)).trim(), to, "the dialog names the callee");
  assert.match(await page.textContent(sel("confirm-text")), /BYE/);
  await page.click(sel("confirm-cancel"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
  assert.ok(await page.$(row), "cancel keeps the call");
  // Now for real.
  await page.click(`${row} ${sel("end-button")}`);
  await page.waitForSelector(sel("confirm-dialog"));
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" }).catch(async () => {
    const err = await page.$(sel("confirm-error"));
    assert.fail(`ending failed: ${err ? await err.innerText() : "dialog stayed open"}`);
  });
  await page.waitForSelector(`${sel("toast")}[data-tone="ok"]`);
  assert.equal((await page.textContent(`${sel("toast")} ${sel("call-id")}`)).trim(), callId);
  await refreshUntil(async () => !(await callIds("memory")).includes(callId) && (await statValue("active")) === EXPECT - 1,
    `${callId} gone from memory and 'active' at ${EXPECT - 1}`);
  assert.equal((await callIds("memory")).length, EXPECT - 1);
  assert.equal(await page.getAttribute(section("memory"), "data-count"), String(EXPECT - 1));
  // Kamailio dropped it from the dialog table, and acc wrote a CDR (newest first). A
  // dialog ended by dlg.end_dlg gets a CDR without the Call-ID (no SIP message at hand).
  await refreshUntil(async () => !(await callIds("db")).includes(callId), `${callId} gone from the dialog table`);
  await refreshUntil(async () => (await newestCdr()) > cdrBefore, "a new CDR on top of the ended calls");
  // The API agrees.
  const res = await apiGet(page, `/api/v1/dialogs?call_id=${encodeURIComponent(callId)}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.items, [], `the API still lists ${callId}`);
});

test("the language switch changes the labels (en <-> zh-CN); screenshots in both", async () => {
  await waitLoaded();
  await page.waitForSelector(sel("toast"), { state: "detached", timeout: 10000 });
  const toggle = await page.$(`${section("memory")} ${sel("row-toggle")}`);
  if (toggle) {
    await toggle.click();
    await page.waitForSelector(sel("details-row"));
  }
  for (const code of ["en", "zh-CN"]) {
    const L = LABELS[code];
    await setLang(page, code, L.title);
    for (const s of ["memory", "db", "history"]) {
      assert.equal((await page.textContent(`${section(s)} ${sel("section-title")}`)).trim(), L[s], `section ${s} in ${code}`);
    }
    for (const [id, text] of Object.entries(L.stats)) {
      assert.equal((await page.textContent(`${sel(`stat-${id}`)} .stat-label`)).trim(), text, `statistic ${id} in ${code}`);
    }
    if (await page.$(rows("memory"))) {
      for (const [id, text] of Object.entries(L.cols)) {
        assert.equal((await page.textContent(`${section("memory")} ${sel(`col-${id}`)}`)).trim(), text, `column ${id} in ${code}`);
      }
      assert.equal((await page.textContent(`${rows("memory")} ${sel("state-label")}`)).trim(), L.confirmed);
      assert.equal((await page.textContent(`${rows("memory")} ${sel("end-button")}`)).trim(), L.end);
    }
    assert.ok((await page.title()).startsWith(L.title), `document.title in ${code}: ${await page.title()}`);
    if (code === "zh-CN") {
      const leftovers = (await uiWords(page)).filter((w) => !ZH_ALLOWED.has(w));
      assert.deepEqual([...new Set(leftovers)], [], "English words left on the zh-CN page");
    }
    console.log(`screenshot: ${await shot(page, `dialogs-${code}.png`)}`);
  }
  // The confirmation dialog in zh-CN too.
  if (await page.$(rows("memory"))) {
    await page.click(`${rows("memory")} ${sel("end-button")}`);
    await page.waitForSelector(sel("confirm-dialog"));
    assert.equal((await page.textContent(sel("confirm-ok"))).trim(), "结束");
    console.log(`screenshot: ${await shot(page, "dialogs-end-zh-CN.png", { fullPage: false })}`);
    await page.click(sel("confirm-cancel"));
    await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
  }
  await setLang(page, "en", LABELS.en.title);
});

test("no errors in the browser console", () => {
  // The simulated 404 above is logged by Chromium as a failed resource load.
  const real = consoleErrors.filter((e) => !/favicon/i.test(e) && !/status of 404/.test(e));
  assert.deepEqual(real, []);
});
