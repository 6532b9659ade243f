// Browser test of kamscope's CDR page (/kamailio/cdr, manual §3), in Debian's Chromium
// driven by playwright-core. Run: tests/browser/run.sh.
//
// Env:
//   KAMSCOPE_URL             base URL of a running kamscope (default http://127.0.0.1:8080)
//   KAMSCOPE_CDR_CALLER      a caller whose calls today are known (the caller tests are skipped when unset):
//   KAMSCOPE_CDR_ANSWERED      how many of its calls were answered (and hung up by the caller),
//   KAMSCOPE_CDR_BUSY          how many got 486 Busy Here,
//   KAMSCOPE_CDR_FAILED        how many failed in all (486s included),
//   KAMSCOPE_CDR_HOLD_S        how long each answered call was held (seconds)
//   KAMSCOPE_SCREENSHOT_DIR  where screenshots go (default tests/output/screenshots)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { BASE, sel, launch, shot, setLang, uiWords, ZH_ALLOWED, apiGet } from "./common.mjs";

const CALLER = (process.env.KAMSCOPE_CDR_CALLER || "").trim();
const ANSWERED = Number(process.env.KAMSCOPE_CDR_ANSWERED || 0);
const BUSY = Number(process.env.KAMSCOPE_CDR_BUSY || 0);
const FAILED = Number(process.env.KAMSCOPE_CDR_FAILED || 0);
const HOLD_S = Number(process.env.KAMSCOPE_CDR_HOLD_S || 1);
const NO_CALLER = !CALLER && "no KAMSCOPE_CDR_CALLER";

const LABELS = {
  en: { title: "CDR records", tabs: { records: "CDR records", missed: "Missed calls", calls: "Calls", kpis: "KPIs" }, total: "Calls today" },
  "zh-CN": { title: "CDR 记录", tabs: { records: "CDR 记录", missed: "未接来电", calls: "通话", kpis: "KPI 指标" }, total: "今日呼叫总数" },
};
// Telecom and acc terms a zh-CN operator reads as they are.
const ZH_CDR = new Set([...ZH_ALLOWED, "IP", "KPI", "CSV", "ASR", "NER", "SER", "SEER", "ACD", "ITU-T", "E.411", "E.425",
  "RFC", "re-INVITE", "missed_calls", "db_missed_flag", "db_url", "db_flag", "db_extra", "Call", "tag"]);

let browser, page, consoleErrors;

before(async () => {
  ({ browser, page, consoleErrors } = await launch());
});

after(async () => {
  await browser?.close();
});

/** Waits until the current tab's list (or KPI table) has loaded. */
async function waitLoaded() {
  await page.waitForFunction(() => {
    const busy = document.querySelector('[data-testid="table-wrap"][aria-busy="true"], [data-testid="section-kpis"] .state-loading');
    const done = document.querySelector('[data-testid="cdr-table"], [data-testid="calls-table"], [data-testid="kpi-table"], [data-testid="empty"], [data-testid="error"]');
    return !busy && done && !document.querySelector('[data-testid="loading"]');
  });
}

const rowsOf = (rowSel, ...attrs) =>
  page.$$eval(rowSel, (rs, as) => rs.map((r) => Object.fromEntries(as.map((a) => [a, r.getAttribute(`data-${a}`)]))), attrs);

/** Waits until the page's rows carry exactly `ids` (in order) in `data-{attr}`. */
async function waitRows(rowSel, attr, ids) {
  try {
    await page.waitForFunction(
      ([s, a, want]) => JSON.stringify([...document.querySelectorAll(s)].map((r) => r.getAttribute(`data-${a}`))) === JSON.stringify(want),
      [rowSel, attr, ids], { timeout: 10000 },
    );
  } catch {
    const got = (await rowsOf(rowSel, attr)).map((r) => r[attr]);
    assert.deepEqual(got, ids, `rows (${attr}) on the page vs the API`);
  }
}

/** RFC 4180: quoted fields, doubled quotes, CRLF or LF. */
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/** Clicks the CSV button, returns its link and the downloaded file, parsed. */
async function downloadCsv() {
  const href = await page.getAttribute(sel("download-csv"), "href");
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(sel("download-csv"))]);
  const file = await dl.path();
  return { href, rows: parseCsv(await readFile(file, "utf8")) };
}

async function openTab(id) {
  await page.click(sel(`tab-${id}`));
  await page.waitForSelector(`${sel(`tab-${id}`)}[aria-selected="true"]`);
  await waitLoaded();
}

const limit = async () => Number(await page.$eval(`${sel("limit-select")}`, (s) => s.value));

test("the CDR page is built: today's four cards equal /api/v1/cdrs/stats, with the day and the zone", async () => {
  await page.goto(`${BASE}/kamailio/cdr`);
  await page.waitForSelector(sel("page-cdr"));
  await setLang(page, "en", LABELS.en.title);
  assert.equal(await page.$(`${sel("nav-cdr")} .nav-soon`), null, "CDR is still marked 'soon'");
  await waitLoaded();
  // Read the API, then have the page read it again: both see the same calls.
  const stats = (await apiGet(page, "/api/v1/cdrs/stats")).body;
  await page.click(sel("refresh-button"));
  await waitLoaded();
  for (const k of ["total", "answered", "failed", "missed"]) {
    await page.waitForSelector(`${sel(`stat-${k}`)}[data-value="${stats[k]}"]`, { timeout: 10000 })
      .catch(async () => assert.equal(await page.getAttribute(sel(`stat-${k}`), "data-value"), String(stats[k]), `card ${k}`));
  }
  assert.match(await page.textContent(sel("stat-total")), new RegExp(`${stats.total}\\s*${LABELS.en.total}`));
  assert.equal(await page.getAttribute(sel("stats-day"), "data-date"), stats.date);
  assert.equal(await page.getAttribute(sel("stats-day"), "data-tz"), stats.timezone);
  const day = await page.textContent(sel("stats-day"));
  assert.ok(day.includes(stats.date) && day.includes(stats.timezone), `the day and zone are shown: ${day}`);
  if (CALLER) {
    assert.ok(stats.answered >= ANSWERED, `answered today ${stats.answered} >= ${ANSWERED}`);
    assert.ok(stats.failed >= FAILED, `failed today ${stats.failed} >= ${FAILED}`);
  }
  assert.equal(stats.total, stats.answered + stats.failed);
  // The list says which zone its times are in.
  assert.ok((await page.textContent(sel("time-zone"))).trim().length > 0);
});

test("filtering the CDR records by caller shows exactly the API's rows; method and SIP code narrow them", { skip: NO_CALLER }, async () => {
  await page.fill(sel("filter-caller"), CALLER);
  await page.press(sel("filter-caller"), "Enter");
  await page.waitForURL(new RegExp(`[?&]caller=${CALLER}(&|$)`));
  await waitLoaded();
  const api = (await apiGet(page, `/api/v1/cdrs?caller=${CALLER}&limit=${await limit()}`)).body;
  await waitRows(sel("cdr-row"), "id", api.items.map((c) => String(c.id)));
  const rows = await rowsOf(sel("cdr-row"), "src-user", "method", "sip-code");
  assert.ok(rows.every((r) => r["src-user"] === CALLER), "every row is the caller's");
  const invites = rows.filter((r) => r.method === "INVITE");
  assert.equal(invites.filter((r) => /^2/.test(r["sip-code"])).length, ANSWERED, "answered INVITEs of the caller");
  assert.equal(invites.filter((r) => Number(r["sip-code"]) >= 300).length, FAILED, "failed INVITEs of the caller");
  assert.equal(rows.filter((r) => r.method === "BYE").length, ANSWERED, "one BYE per answered call (the caller hung up)");
  // The row's cells show what the API says, as text.
  const first = api.items[0];
  assert.equal((await page.textContent(`${sel("cdr-row")}[data-id="${first.id}"] ${sel("cell-call-id")}`)).trim(), first.call_id);
  assert.equal((await page.textContent(`${sel("cdr-row")}[data-id="${first.id}"] ${sel("cell-sip-reason")}`)).trim(), first.sip_reason);

  // Method INVITE and SIP code 486: only the busy calls.
  await page.selectOption(sel("filter-method"), "INVITE");
  await page.fill(sel("filter-sip-code"), "486");
  await page.click(sel("filter-apply"));
  await page.waitForURL(/[?&]sip_code=486(&|$)/);
  assert.match(page.url(), /[?&]method=INVITE(&|$)/);
  await waitLoaded();
  const busy = (await apiGet(page, `/api/v1/cdrs?caller=${CALLER}&method=INVITE&sip_code=486&limit=${await limit()}`)).body;
  assert.equal(busy.items.length, BUSY, "the API's 486s of the caller");
  await waitRows(sel("cdr-row"), "id", busy.items.map((c) => String(c.id)));
  // A code that is not one is refused before asking the server.
  await page.fill(sel("filter-sip-code"), "99x");
  await page.click(sel("filter-apply"));
  await page.waitForSelector(sel("sip-code-error"));
  assert.match(page.url(), /[?&]sip_code=486(&|$)/, "the bad code was not applied");
  await page.fill(sel("filter-sip-code"), "");
  await page.selectOption(sel("filter-method"), "");
  await page.click(sel("filter-apply"));
  await page.waitForFunction(() => !/[?&](sip_code|method)=/.test(location.search));
  await waitLoaded();
  await waitRows(sel("cdr-row"), "id", api.items.map((c) => String(c.id)));
  // The filter survives a reload (it is in the URL).
  await page.reload();
  await waitLoaded();
  assert.equal(await page.inputValue(sel("filter-caller")), CALLER);
  await waitRows(sel("cdr-row"), "id", api.items.map((c) => String(c.id)));
});

test("the CSV download is exactly the filtered records shown", { skip: NO_CALLER }, async () => {
  const { href, rows } = await downloadCsv();
  assert.match(href, new RegExp(`^/api/v1/cdrs\\?.*caller=${CALLER}.*format=csv`));
  assert.doesNotMatch(href, /[?&](limit|cursor)=/, "an export is the whole filtered list");
  const shown = await rowsOf(sel("cdr-row"), "id", "call-id", "method", "sip-code", "src-user");
  assert.deepEqual(rows.map((r) => ({ id: r.id, "call-id": r.call_id, method: r.method, "sip-code": r.sip_code, "src-user": r.src_user })), shown);
});

test("a time range preset is kept in the URL and the list is the API's for that range", { skip: NO_CALLER }, async () => {
  await page.click(`${sel("time-range")} ${sel("time-preset")}:nth-child(4)`); // last 24 hours
  await page.waitForURL(/[?&]from=/);
  await waitLoaded();
  const from = new URL(page.url()).searchParams.get("from");
  assert.ok(Math.abs(Date.parse(from) - (Date.now() - 86400e3)) < 120e3, `from = now - 24 h: ${from}`);
  const api = (await apiGet(page, `/api/v1/cdrs?caller=${CALLER}&from=${encodeURIComponent(from)}&limit=${await limit()}`)).body;
  assert.ok(api.items.length > 0, "the caller's calls are within the last 24 hours");
  await waitRows(sel("cdr-row"), "id", api.items.map((c) => String(c.id)));
  assert.match(await page.getAttribute(sel("download-csv"), "href"), /[?&]from=/, "the export keeps the time range");
});

test("the missed calls tab lists the API's missed calls for the filter, and its CSV", { skip: NO_CALLER }, async () => {
  await openTab("missed");
  assert.match(page.url(), /[?&]tab=missed(&|$)/);
  assert.match(await page.textContent(`${sel("section-missed")} ${sel("section-source")}`), /missed_calls/);
  const api = (await apiGet(page, `/api/v1/missed-calls?caller=${CALLER}&limit=${await limit()}`)).body;
  assert.equal(api.items.length, FAILED, "the API lists the caller's failed calls as missed");
  await waitRows(sel("cdr-row"), "id", api.items.map((c) => String(c.id)));
  const { href, rows } = await downloadCsv();
  assert.match(href, /^\/api\/v1\/missed-calls\?/);
  assert.deepEqual(rows.map((r) => r.id), api.items.map((c) => String(c.id)));
});

test("the calls tab pairs each answered call with its end, duration and who hung up; both sources; CSV", { skip: NO_CALLER }, async () => {
  await openTab("calls");
  assert.match(page.url(), /[?&]tab=calls(&|$)/);
  const api = (await apiGet(page, `/api/v1/calls?caller=${CALLER}&limit=${await limit()}`)).body;
  assert.equal(api.items.length, ANSWERED, "one call per answered INVITE of the caller");
  await waitRows(sel("call-row"), "call-id", api.items.map((c) => c.call_id));
  for (const r of await rowsOf(sel("call-row"), "caller", "outcome", "ended-by", "duration")) {
    assert.equal(r.caller, CALLER);
    assert.equal(r.outcome, "ended");
    assert.equal(r["ended-by"], "caller");
    assert.ok(Math.abs(Number(r.duration) - HOLD_S) <= 1, `duration ${r.duration} s for a ${HOLD_S} s call`);
  }
  const cell = (await page.textContent(`${sel("call-row")} ${sel("cell-duration")}`)).trim();
  assert.match(cell, /^0:0\d$/, `duration shown as m:ss: ${cell}`);
  assert.equal((await page.textContent(`${sel("call-row")} ${sel("cell-ended-by")}`)).trim(), "caller");
  const { href, rows } = await downloadCsv();
  assert.match(href, /^\/api\/v1\/calls\?/);
  assert.deepEqual(rows.map((r) => r.call_id), api.items.map((c) => c.call_id));
  assert.deepEqual(rows.map((r) => r.outcome), api.items.map((c) => c.outcome));

  await page.selectOption(sel("call-source"), "acc_cdrs");
  await page.waitForURL(/[?&]source=acc_cdrs(&|$)/);
  await waitLoaded();
  assert.match(await page.textContent(`${sel("section-calls")} ${sel("section-source")}`), /acc_cdrs/);
  const cdrs = (await apiGet(page, `/api/v1/calls?source=acc_cdrs&caller=${CALLER}&limit=${await limit()}`)).body;
  await waitRows(sel("call-row"), "call-id", cdrs.items.map((c) => c.call_id || ""));
  const answered = cdrs.items.filter((c) => c.outcome === "ended").length;
  assert.equal(answered, ANSWERED, "acc_cdrs: the caller's answered calls ended");
  await page.selectOption(sel("call-source"), "acc");
  await page.waitForFunction(() => !/[?&]source=/.test(location.search));
  await waitLoaded();
});

test("the KPI tab: per hour and per caller as the API computes them, the caller's figures as the calls were, a chart", { skip: NO_CALLER }, async () => {
  await openTab("kpis");
  assert.match(page.url(), /[?&]tab=kpis(&|$)/);
  // The KPIs use only the time range: drop the 24 h preset so both read today.
  await page.click(`${sel("time-range")} ${sel("time-preset")}:nth-child(1)`);
  await page.waitForFunction(() => !/[?&]from=/.test(location.search));
  await waitLoaded();
  const hourly = (await apiGet(page, "/api/v1/cdrs/kpis?group_by=hour")).body;
  await waitRows(sel("kpi-row"), "key", hourly.rows.map((r) => r.key));
  const shown = await rowsOf(sel("kpi-row"), "seizures", "answered");
  assert.deepEqual(shown, hourly.rows.map((r) => ({ seizures: String(r.seizures), answered: String(r.answered) })));
  assert.equal(await page.getAttribute(sel("kpi-total"), "data-seizures"), String(hourly.total.seizures));
  assert.equal(await page.$$eval(`${sel("chart-seizures")} .bar`, (b) => b.length), hourly.rows.length, "a bar per hour");
  const bars = await page.$$eval(`${sel("chart-seizures")} .bar`, (b) => b.map((x) => Number(x.dataset.value)));
  assert.deepEqual(bars, hourly.rows.map((r) => r.seizures));
  assert.ok(await page.$(`${sel("chart-asr")} polyline`), "the ASR line");
  assert.equal(await page.getAttribute(sel("kpi-range"), "data-tz"), hourly.timezone);

  await page.selectOption(sel("kpi-group"), "caller");
  await page.waitForURL(/[?&]group_by=caller(&|$)/);
  await waitLoaded();
  const byCaller = (await apiGet(page, "/api/v1/cdrs/kpis?group_by=caller")).body;
  await waitRows(sel("kpi-row"), "key", byCaller.rows.map((r) => r.key));
  const row = `${sel("kpi-row")}[data-key="${CALLER}"]`;
  // Counted from what the scenarios did, not from kamscope: each call one seizure.
  const seizures = ANSWERED + FAILED;
  assert.equal(await page.getAttribute(row, "data-seizures"), String(seizures));
  assert.equal(await page.getAttribute(row, "data-answered"), String(ANSWERED));
  assert.equal((await page.textContent(`${row} ${sel("cell-asr")}`)).trim(), `${((100 * ANSWERED) / seizures).toFixed(1)}%`);
  assert.equal((await page.textContent(`${row} ${sel("cell-ner")}`)).trim(), `${((100 * (ANSWERED + BUSY)) / seizures).toFixed(1)}%`);
  assert.ok(Math.abs(Number(await page.getAttribute(row, "data-acd")) - HOLD_S) <= 1, "ACD ≈ the hold time");
  assert.equal(await page.$(sel("chart-seizures")), null, "no time chart per caller");
  await page.selectOption(sel("kpi-group"), "hour");
  await waitLoaded();
});

test("every tab in en and zh-CN: labels, no English left on the zh-CN page, screenshots", async () => {
  for (const lang of ["en", "zh-CN"]) {
    const L = LABELS[lang];
    await setLang(page, lang, L.title);
    for (const id of ["records", "missed", "calls", "kpis"]) {
      await openTab(id);
      assert.equal((await page.textContent(sel(`tab-${id}`))).trim(), L.tabs[id]);
      if (lang === "zh-CN") {
        const stray = (await uiWords(page)).filter((w) => !ZH_CDR.has(w));
        assert.deepEqual(stray, [], `English words on the zh-CN ${id} tab`);
      }
      await shot(page, `cdr-${id}-${lang}.png`);
    }
  }
  await setLang(page, "en", LABELS.en.title);
  await openTab("records");
});

test("no console errors", () => {
  assert.deepEqual(consoleErrors, []);
});
