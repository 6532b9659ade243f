// Browser test of the topology hiding page (/kamailio/topos, manual §5) and the cleanups
// (manual §4.6 SIP trace 30 days, §5.3 topos 7 days) on it and on the SIP trace page, in
// Debian's Chromium driven by playwright-core. Run: tests/browser/run.sh.
//
// Env:
//   KAMSCOPE_URL             base URL of a running kamscope (default http://127.0.0.1:8080)
//   KAMSCOPE_CLEANUP_DB      the SQLite file that kamscope and Kamailio share, holding back-dated
//                            copies of Kamailio's own topos_d/topos_t rows (older than 7 days,
//                            Call-IDs "old-...") and sip_trace rows (older than 30 days); every
//                            count is checked there with the sqlite3 CLI (the cleanup tests are
//                            skipped when unset). Kamailio's own topos cleaner must be slowed
//                            (KAMSCOPE_TOPOS_CLEAN_INTERVAL) so that only the UI removes them.
//   KAMSCOPE_SCREENSHOT_DIR  where screenshots go (default tests/output/screenshots)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { BASE, sel, attr, launch, shot, setLang, uiWords, ZH_ALLOWED, apiGet } from "./common.mjs";

const DB = (process.env.KAMSCOPE_CLEANUP_DB || "").trim();
const NO_DB = !DB && "no KAMSCOPE_CLEANUP_DB";

const LABELS = {
  en: { topos: "Topology hiding", siptrace: "SIP trace", clean: "Clean", done: "Done", cancelled: "Cancelled" },
  "zh-CN": { topos: "拓扑隐藏", siptrace: "SIP 跟踪", clean: "清理", done: "已完成", cancelled: "已取消" },
};
// Kamailio's names a zh-CN operator reads as they are.
const ZH_TOPOS = new Set([...ZH_ALLOWED, "topos", "topos_d", "topos_t", "sip_trace", "siptrace", "storage", "db",
  "db_url", "dialog_expire", "branch_expire", "Socket", "UUID", "Via", "branch", "atpsh", "btpsh", "Call", "A", "B",
  // the SIP trace search's filters (address forms, siptrace's traced_user)
  "traced_user", "IP", "udp", "tcp"]);
// Each table's time column (what the cleanup compares with its cutoff).
const TIME_COL = { topos_d: "rectime", topos_t: "rectime", sip_trace: "time_stamp" };

let browser, page, consoleErrors;

before(async () => {
  if (DB) {
    // Old rows as Kamailio writes them: copies of its own, N days back (db_sqlite writes a
    // REAL Julian day), enough of them that the bar has something to show (~50k rows/s).
    backdate("topos_d", "a_callid", 10, 50000);
    backdate("topos_t", "a_callid", 10, 150000);
    backdate("sip_trace", "callid", 40, 250000);
  }
  ({ browser, page, consoleErrors } = await launch());
});

after(async () => {
  await browser?.close();
});

/** One number from the shared SQLite file (db_sqlite's times are REAL Julian days). */
function sql(q) {
  return Number(execFileSync("sqlite3", ["-cmd", ".timeout 10000", DB, q], { encoding: "utf8" }).trim());
}
function exec(q) {
  execFileSync("sqlite3", ["-cmd", ".timeout 10000", DB, q]);
}

/** Copies `table`'s rows written by Kamailio (Call-ID not "old-..."), `days` back, with
 *  Call-IDs "old-<id>-<Call-ID>", then doubles the copies until there are `atLeast`. */
function backdate(table, callCol, days, atLeast) {
  const cols = execFileSync("sqlite3", [DB, `SELECT name FROM pragma_table_info('${table}') WHERE name <> 'id'`], { encoding: "utf8" })
    .trim().split("\n");
  const pick = cols.map((c) => c === TIME_COL[table] ? `julianday('now', '-${days} days')`
    : c === callCol ? `'old-' || id || '-' || ${callCol}` : c);
  const real = sql(`SELECT COUNT(*) FROM ${table} WHERE ${callCol} NOT LIKE 'old-%'`);
  assert.ok(real > 0, `Kamailio wrote ${table} rows to copy`);
  exec(`INSERT INTO ${table} (${cols}) SELECT ${pick} FROM ${table} WHERE ${callCol} NOT LIKE 'old-%'`);
  while (sql(`SELECT COUNT(*) FROM ${table} WHERE ${callCol} LIKE 'old-%'`) < atLeast) {
    exec(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM ${table} WHERE ${callCol} LIKE 'old-%'`);
  }
}
const julian = (rfc3339) => `julianday('${new Date(rfc3339).toISOString()}')`;
const older = (table, cutoff) => sql(`SELECT COUNT(*) FROM ${table} WHERE ${TIME_COL[table]} < ${julian(cutoff)}`);
const newer = (table, cutoff) => sql(`SELECT COUNT(*) FROM ${table} WHERE ${TIME_COL[table]} >= ${julian(cutoff)}`);

async function waitLoaded() {
  await page.waitForFunction(() => {
    const busy = document.querySelector('[data-testid="table-wrap"][aria-busy="true"]');
    const done = document.querySelector('[data-testid="topos-dialogs-table"], [data-testid="topos-transactions-table"], [data-testid="empty"], [data-testid="error"]');
    return !busy && done;
  });
  const err = await page.$(sel("error"));
  if (err) assert.fail(`the page shows an error: ${(await err.innerText()).replace(/\s+/g, " ")}`);
}

/** Opens the Clean dialog and waits for the dry run; returns its rows per table and total. */
async function openClean() {
  await page.click(sel("clean-button"));
  await page.waitForSelector(sel("confirm-dialog"));
  await page.waitForSelector(`${sel("cleanup-preview")}, ${sel("cleanup-preview-error")}`);
  assert.equal(await page.$(sel("cleanup-preview-error")), null, "the dry run failed");
  return previewRows();
}

async function previewRows() {
  const rows = await page.$$eval(`${sel("cleanup-preview-row")}`, (rs) =>
    rs.map((r) => ({ table: r.dataset.table, rows: Number(r.dataset.rows), cutoff: r.dataset.cutoff })));
  const total = Number(await page.getAttribute(sel("cleanup-preview"), "data-total"));
  return { rows, total };
}

/** Types a number of days and waits for the dry run to be counted again for it. */
async function setDays(n) {
  const before = await page.getAttribute(sel("cleanup-preview"), "data-total").catch(() => null);
  await page.fill(sel("cleanup-days"), String(n));
  await page.waitForSelector(`${sel("cleanup-preview")}, ${sel("cleanup-bad-days")}`);
  return before;
}

/** Clicks "Start" and follows the bar until the job has finished: every sample's state and
 *  done count. The first running sample with rows done (else the first running one) is
 *  screenshotted as `progressShot`; with `cancel`, "Cancel job" is clicked then. */
async function runToEnd(progressShot, { cancel = false } = {}) {
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("job-progress"));
  const samples = [];
  let shotTaken = false, cancelled = false;
  for (let i = 0; i < 600; i++) {
    const s = await page.$eval(sel("job-progress"), (e) => ({
      state: e.dataset.state, done: Number(e.dataset.done), total: e.dataset.total,
      text: e.querySelector('[data-testid="job-state"]')?.textContent.trim(),
      pct: e.querySelector('[role="progressbar"]')?.getAttribute("aria-valuenow"),
    }));
    samples.push(s);
    if (s.state === "running" && !shotTaken && s.done > 0) {
      await page.waitForTimeout(350); // the bar's width transition
      await shot(page, progressShot, { fullPage: false });
      shotTaken = true;
      if (cancel) {
        await page.click(sel("job-cancel"));
        cancelled = true;
      }
    }
    if (s.state !== "running") break;
    await page.waitForTimeout(100);
  }
  assert.ok(shotTaken, `the bar was seen running with rows done: ${JSON.stringify(samples)}`);
  assert.equal(cancelled, cancel, "cancel was clicked while it ran");
  await page.waitForTimeout(350);
  for (let i = 1; i < samples.length; i++) {
    assert.ok(samples[i].done >= samples[i - 1].done, `progress never goes back: ${JSON.stringify(samples)}`);
  }
  await page.waitForSelector(sel("cleanup-result"));
  return samples;
}

async function resultRows() {
  return page.$$eval(sel("cleanup-result-row"), (rs) => rs.map((r) => ({ table: r.dataset.table, rows: Number(r.dataset.rows) })));
}

test("the topos page lists topos_d and topos_t with both sides' contacts, filters in the URL, details and the trace link", async () => {
  await page.goto(`${BASE}/kamailio/topos`);
  await page.waitForSelector(sel("page-topos"));
  await setLang(page, "en", LABELS.en.topos);
  assert.equal(await page.$(`${sel("nav-topos")} .nav-soon`), null, "topos is still marked 'soon'");
  assert.equal(await page.$(`${sel("nav-siptrace")} .nav-soon`), null, "SIP trace is still marked 'soon'");
  await waitLoaded();
  const api = (await apiGet(page, "/api/v1/topos/dialogs?limit=50")).body;
  assert.ok(api.items.length > 0, "Kamailio's calls wrote topos_d rows");
  const ids = await page.$$eval(sel("topos-dialog-row"), (rs) => rs.map((r) => r.dataset.id));
  assert.deepEqual(ids, api.items.map((d) => String(d.id)), "the rows are the API's, newest first");
  for (const c of ["time", "method", "call-id", "a-uri", "b-uri", "a-contact", "b-contact", "sockets"]) {
    assert.ok(await page.$(sel(`col-${c}`)), `column ${c}`);
  }
  // The first row: Call-ID, the real Contacts and the atpsh/btpsh ones topos puts on the wire.
  const d = api.items[0];
  const row = `${sel("topos-dialog-row")}${attr("data-id", d.id)}`;
  assert.equal((await page.textContent(`${row} ${sel("cell-call-id")}`)).trim(), d.a_callid);
  const a = await page.textContent(`${row} ${sel("cell-a-contact")}`);
  const b = await page.textContent(`${row} ${sel("cell-b-contact")}`);
  assert.ok(a.includes(d.a_contact) && a.includes(d.as_contact) && d.as_contact.includes("atpsh-"), `a-side contacts: ${a}`);
  assert.ok(b.includes(d.b_contact) && b.includes(d.bs_contact) && d.bs_contact.includes("btpsh-"), `b-side contacts: ${b}`);
  // Details.
  await page.click(`${row} ${sel("row-toggle")}`);
  await page.waitForSelector(sel("details-row"));
  assert.equal((await page.textContent(`${sel("detail-a-tag")} dd`)).trim(), d.a_tag);
  assert.equal((await page.textContent(`${sel("detail-b-uuid")} dd`)).trim(), d.b_uuid);
  await shot(page, "topos-dialogs-en.png");

  // The Call-ID filter narrows both tabs to that call; it is kept in the URL (and a reload).
  await page.fill(sel("filter-call-id"), d.a_callid);
  await page.press(sel("filter-call-id"), "Enter");
  await page.waitForURL((u) => new URL(u).searchParams.get("call_id") === d.a_callid);
  await waitLoaded();
  const mine = (await apiGet(page, `/api/v1/topos/dialogs?call_id=${encodeURIComponent(d.a_callid)}`)).body.items;
  assert.deepEqual(await page.$$eval(sel("topos-dialog-row"), (rs) => rs.map((r) => r.dataset.callId)), mine.map((x) => x.a_callid));
  await page.click(sel("tab-transactions"));
  await page.waitForURL((u) => new URL(u).searchParams.get("tab") === "transactions");
  await waitLoaded();
  const tx = (await apiGet(page, `/api/v1/topos/transactions?call_id=${encodeURIComponent(d.a_callid)}`)).body.items;
  assert.ok(tx.length > 0, "the call has topos_t rows");
  await page.reload();
  await page.waitForSelector(`${sel("tab-transactions")}[aria-selected="true"]`);
  await waitLoaded();
  assert.equal(await page.inputValue(sel("filter-call-id")), d.a_callid, "the filter survives a reload");
  assert.deepEqual(await page.$$eval(sel("topos-transaction-row"), (rs) => rs.map((r) => r.dataset.id)), tx.map((t) => String(t.id)));
  for (const t of tx) {
    const dir = await page.textContent(`${sel("topos-transaction-row")}${attr("data-id", t.id)} ${sel("cell-direction")}`);
    assert.match(dir, t.direction === 1 ? /upstream/ : /downstream/);
  }
  await shot(page, "topos-transactions-en.png");

  // The trace link opens that Call-ID's call flow (the SIP trace ladder), inside the app.
  const href = await page.getAttribute(`${sel("topos-transaction-row")} ${sel("trace-link")}`, "href");
  assert.equal(href, tx[0].trace_link);
  await page.click(`${sel("topos-transaction-row")} ${sel("trace-link")}`);
  await page.waitForSelector(sel("page-siptrace"));
  await page.waitForSelector(sel("flow"));
  assert.equal((await page.textContent(`${sel("siptrace-call-id")} ${sel("call-id")}`)).trim(), d.a_callid);
  await page.goBack();
  await page.waitForSelector(sel("page-topos"));

  // A time range that ends before any row: the filtered empty state.
  await page.goto(`${BASE}/kamailio/topos?to=2000-01-01T00:00:00%2B00:00`);
  await waitLoaded();
  assert.ok(await page.$(sel("empty")), "nothing before 2000");
  assert.match(await page.textContent(sel("empty")), /No records match the filters/);
  // A preset is kept in the URL.
  await page.goto(`${BASE}/kamailio/topos`);
  await waitLoaded();
  await page.click(`${sel("time-preset")}:has-text("Last 24 hours")`);
  await page.waitForURL((u) => new URL(u).searchParams.has("from"));
  await waitLoaded();
});

test("topos cleanup (7 days): the dry run equals the table, the bar runs to the end, the old rows are gone at the source", { skip: NO_DB }, async () => {
  await page.goto(`${BASE}/kamailio/topos`);
  await waitLoaded();
  await setLang(page, "zh-CN", LABELS["zh-CN"].topos);
  await shot(page, "topos-dialogs-zh-CN.png");
  const words = (await uiWords(page)).filter((w) => !ZH_TOPOS.has(w));
  assert.deepEqual(words, [], "English left on the zh-CN topos page");
  // The dialog in zh-CN first (only looked at, then cancelled).
  await openClean();
  assert.equal(await page.inputValue(sel("cleanup-days")), "7", "7 days by default (manual §5.3)");
  await shot(page, "topos-clean-confirm-zh-CN.png", { fullPage: false });
  const zhDialog = (await uiWords(page)).filter((w) => !ZH_TOPOS.has(w));
  assert.deepEqual(zhDialog, [], "English left in the zh-CN cleanup dialog");
  await page.click(sel("confirm-cancel"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });

  await setLang(page, "en", LABELS.en.topos);
  const { rows, total } = await openClean();
  assert.deepEqual(rows.map((r) => r.table), ["topos_d", "topos_t"]);
  const cutoff = rows[0].cutoff;
  // The cutoff is 7 days back (the dialog shows it), the counts are the table's.
  const back = (Date.now() - new Date(cutoff).getTime()) / 86400e3;
  assert.ok(Math.abs(back - 7) < 0.01, `cutoff ${cutoff} is 7 days back`);
  for (const r of rows) {
    assert.ok(r.rows > 0, `back-dated ${r.table} rows exist`);
    assert.equal(r.rows, older(r.table, r.cutoff), `the dry run's ${r.table} count vs the table`);
  }
  assert.equal(total, rows[0].rows + rows[1].rows);
  const oldCallId = execFileSync("sqlite3", [DB, `SELECT a_callid FROM topos_d WHERE rectime < ${julian(cutoff)} LIMIT 1`], { encoding: "utf8" }).trim();
  const keep = { topos_d: newer("topos_d", cutoff), topos_t: newer("topos_t", cutoff) };
  assert.ok(keep.topos_d > 0 && keep.topos_t > 0, "Kamailio's own recent rows are there");

  // Days are editable: 3650 finds nothing and cannot start; a bad number is refused.
  await page.fill(sel("cleanup-days"), "3650");
  await page.waitForSelector(`${sel("cleanup-preview")}[data-total="0"]`);
  await page.waitForSelector(sel("cleanup-nothing"));
  assert.ok(await page.isDisabled(sel("confirm-ok")), "nothing to clean: Start is disabled");
  await page.fill(sel("cleanup-days"), "0");
  await page.waitForSelector(sel("cleanup-bad-days"));
  assert.ok(await page.isDisabled(sel("confirm-ok")));
  await page.fill(sel("cleanup-days"), "7");
  await page.waitForSelector(`${sel("cleanup-preview")}[data-total="${total}"]`);

  // A 409 (another cleanup of these tables runs) is said in words and keeps the dialog.
  await page.route("**/api/v1/topos/cleanup", async (route) => {
    const body = JSON.parse(route.request().postData() || "{}");
    if (body.dry_run) return route.continue();
    return route.fulfill({ status: 409, contentType: "application/problem+json",
      body: JSON.stringify({ type: "about:blank", title: "Conflict", status: 409, detail: "a topos_d+topos_t cleanup is running (job 99)" }) });
  });
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(`${sel("cleanup-error")}[data-status="409"]`);
  assert.match(await page.textContent(sel("cleanup-error")), /Another cleanup of these tables is running/);
  await page.unroute("**/api/v1/topos/cleanup");
  assert.equal(older("topos_d", cutoff), rows[0].rows, "the refused start removed nothing");

  await shot(page, "topos-clean-confirm-en.png", { fullPage: false });
  const samples = await runToEnd("topos-clean-progress-en.png");
  const last = samples.at(-1);
  assert.equal(last.state, "succeeded", JSON.stringify(samples));
  assert.equal(last.text, LABELS.en.done);
  assert.equal(last.done, total, "the bar ends at the dry run's count");
  assert.equal(last.total, String(total));
  assert.equal(last.pct, "100");
  assert.deepEqual(await resultRows(), rows.map((r) => ({ table: r.table, rows: r.rows })), "removed per table = the dry run");
  await shot(page, "topos-clean-done-en.png", { fullPage: false });
  // At the source: nothing older than the cutoff is left, and every newer row stayed.
  assert.equal(older("topos_d", cutoff), 0, "old topos_d rows are gone");
  assert.equal(older("topos_t", cutoff), 0, "old topos_t rows are gone");
  assert.ok(newer("topos_d", cutoff) >= keep.topos_d && newer("topos_t", cutoff) >= keep.topos_t, "newer rows stay");
  await page.click(sel("confirm-cancel"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
  assert.match(await page.textContent(sel("cleanup-last")), new RegExp(`topos_d ${rows[0].rows} rows, topos_t ${rows[1].rows} rows`));
  // The list reloaded: a removed call's Call-ID finds nothing any more.
  await page.fill(sel("filter-call-id"), oldCallId);
  await page.press(sel("filter-call-id"), "Enter");
  await waitLoaded();
  assert.ok(await page.$(sel("empty")), `${oldCallId} is no longer listed`);
});

test("SIP trace cleanup (30 days) from the SIP trace page: cancel keeps the rest, a second run removes it", { skip: NO_DB }, async () => {
  await page.goto(`${BASE}/kamailio/siptrace`);
  await page.waitForSelector(sel("page-siptrace"));
  await setLang(page, "en", LABELS.en.siptrace);
  await page.waitForSelector(sel("section-traces"));
  await shot(page, "siptrace-en.png");
  const first = await openClean();
  assert.equal(await page.inputValue(sel("cleanup-days")), "30", "30 days by default (manual §4.6)");
  assert.deepEqual(first.rows.map((r) => r.table), ["sip_trace"]);
  const cutoff = first.rows[0].cutoff;
  assert.ok(Math.abs((Date.now() - new Date(cutoff).getTime()) / 86400e3 - 30) < 0.01, `cutoff ${cutoff} is 30 days back`);
  assert.ok(first.total > 0, "back-dated sip_trace rows exist");
  assert.equal(first.total, older("sip_trace", cutoff), "the dry run vs sip_trace");
  await shot(page, "siptrace-clean-confirm-en.png", { fullPage: false });
  await page.click(sel("confirm-cancel"));

  await setLang(page, "zh-CN", LABELS["zh-CN"].siptrace);
  await shot(page, "siptrace-zh-CN.png");
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_TOPOS.has(w)), [], "English left on the zh-CN SIP trace page");
  const again = await openClean();
  assert.equal(again.total, older("sip_trace", again.rows[0].cutoff));
  await shot(page, "siptrace-clean-confirm-zh-CN.png", { fullPage: false });
  // Started, then cancelled from the bar: what went is reported, the rest stays.
  const samples = await runToEnd("siptrace-clean-progress-zh-CN.png", { cancel: true });
  const last = samples.at(-1);
  assert.equal(last.state, "cancelled", JSON.stringify(samples));
  assert.equal(last.text, LABELS["zh-CN"].cancelled);
  const [removed] = await resultRows();
  assert.equal(removed.table, "sip_trace");
  assert.ok(removed.rows < again.total, `cancel stopped it early (${removed.rows} of ${again.total})`);
  assert.equal(removed.rows, last.done, "the result is what the bar counted");
  await shot(page, "siptrace-clean-cancelled-zh-CN.png", { fullPage: false });
  assert.equal(older("sip_trace", again.rows[0].cutoff), again.total - removed.rows, "the rows not yet removed stay");
  await page.click(sel("confirm-cancel"));
  await page.waitForSelector(sel("cleanup-last"));

  // Again, to the end; meanwhile the server refuses a second sip_trace cleanup (409).
  const rest = await openClean();
  assert.equal(rest.total, older("sip_trace", rest.rows[0].cutoff), "the dry run counts what is left");
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(`${sel("job-progress")}[data-state="running"]`);
  const second = await page.evaluate(async () => {
    const r = await fetch("/api/v1/traces/cleanup", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return r.status;
  });
  assert.equal(second, 409, "a second SIP trace cleanup while one runs");
  await page.waitForSelector(`${sel("job-progress")}[data-state="succeeded"]`, { timeout: 60000 });
  assert.equal(Number(await page.getAttribute(sel("job-progress"), "data-done")), rest.total);
  assert.deepEqual(await resultRows(), [{ table: "sip_trace", rows: rest.total }]);
  await shot(page, "siptrace-clean-done-zh-CN.png", { fullPage: false });
  assert.equal(older("sip_trace", rest.rows[0].cutoff), 0, "no sip_trace row older than 30 days is left");
  const zh = (await uiWords(page)).filter((w) => !ZH_TOPOS.has(w));
  assert.deepEqual(zh, [], "English left in the zh-CN cleanup dialog");
  await page.click(sel("confirm-cancel"));
  await setLang(page, "en", LABELS.en.siptrace);
});

test("no console errors (besides the two 409s the tests asked for)", () => {
  const asked = consoleErrors.filter((e) => /status of 409 \(Conflict\)/.test(e));
  assert.deepEqual(consoleErrors.filter((e) => !asked.includes(e)), []);
  assert.ok(asked.length <= 2, `409s: ${asked.length}`);
});
