// Browser test of the presence page (/kamailio/presence, manual §6) and the offline
// messages page (/kamailio/msilo, manual §7), in Debian's Chromium driven by playwright-core.
// Run: tests/browser/run.sh.
//
// The lab: SIPp PUBLISHed alice's presence, bob SUBSCRIBEd to it (pending: no pres-rules
// document), and MESSAGEs to the offline user dave were stored by msilo, one of them with
// HTML and a script in its body (KAMSCOPE_MSG_SCRIPT_FROM sent it).
//
// Env:
//   KAMSCOPE_URL              base URL of a running kamscope (default http://127.0.0.1:8080)
//   KAMSCOPE_PRESENCE_DB      the SQLite file that kamscope and Kamailio share: the delete and the
//                             cleanups are checked there with the sqlite3 CLI (skipped when unset).
//                             Kamailio's own cleaners must be slowed (KAMSCOPE_PRESENCE_CLEAN_PERIOD,
//                             KAMSCOPE_MSILO_CHECK_TIME) so that only the UI removes the back-dated rows.
//   KAMSCOPE_MSG_SCRIPT_FROM  the user who sent the MESSAGE whose body has <b> and <script> (default carol)
//   KAMSCOPE_SCREENSHOT_DIR   where screenshots go (default tests/output/screenshots)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { BASE, sel, attr, launch, shot, setLang, uiWords, ZH_ALLOWED, apiGet } from "./common.mjs";

const DB = (process.env.KAMSCOPE_PRESENCE_DB || "").trim();
const NO_DB = !DB && "no KAMSCOPE_PRESENCE_DB";
const SCRIPT_FROM = (process.env.KAMSCOPE_MSG_SCRIPT_FROM || "carol").trim();

const TITLES = {
  en: { presence: "Presence", msilo: "Offline messages" },
  "zh-CN": { presence: "存在服务", msilo: "离线消息" },
};
// Kamailio's and SIP's names a zh-CN operator reads as they are.
const ZH_PRES = new Set([...ZH_ALLOWED, "Presentity", "Watchers", "Watcher", "presentity", "active_watchers",
  "watchers", "presence", "PUBLISH", "SUBSCRIBE", "NOTIFY", "db_url", "presence.cleanup", "presence.refreshWatchers",
  "ETag", "xcap", "pres-rules", "silo", "msilo", "MESSAGE", "m_store", "user", "domain", "kamscope"]);

let browser, page, consoleErrors;

before(async () => {
  ({ browser, page, consoleErrors } = await launch());
});

after(async () => {
  await browser?.close();
});

function sql(q) {
  return execFileSync("sqlite3", ["-cmd", ".timeout 10000", DB, q], { encoding: "utf8" }).trim();
}
const count = (q) => Number(sql(q));

async function waitLoaded(table) {
  await page.waitForFunction((t) => {
    const busy = document.querySelector('[data-testid="table-wrap"][aria-busy="true"]');
    const done = document.querySelector(`[data-testid="${t}"], [data-testid="empty"], [data-testid="error"]`);
    return !busy && done;
  }, table);
  const err = await page.$(sel("error"));
  if (err) assert.fail(`the page shows an error: ${(await err.innerText()).replace(/\s+/g, " ")}`);
}

const ids = (rowId) => page.$$eval(sel(rowId), (rs) => rs.map((r) => r.dataset.id));

test("presence: presentities and watchers equal the API, the document is text, labels, filters in the URL, refresh watchers", async () => {
  await page.goto(`${BASE}/kamailio/presence`);
  await page.waitForSelector(sel("page-presence"));
  await setLang(page, "en", TITLES.en.presence);
  assert.equal(await page.$(`${sel("nav-presence")} .nav-soon`), null, "presence is still marked 'soon'");
  await waitLoaded("presentity-table");
  const pres = (await apiGet(page, "/api/v1/presence/presentities?limit=50")).body.items;
  assert.ok(pres.length > 0, "SIPp's PUBLISH made a presentity row");
  assert.deepEqual(await ids("presentity-row"), pres.map((p) => String(p.id)), "the rows are the API's");
  for (const c of ["username", "domain", "event", "expires"]) assert.ok(await page.$(sel(`col-${c}`)), `column ${c}`);
  const p = pres[0];
  const row = `${sel("presentity-row")}${attr("data-id", p.id)}`;
  assert.equal((await page.textContent(`${row} ${sel("cell-username")}`)).trim(), p.username);
  assert.equal((await page.textContent(`${row} ${sel("cell-event")}`)).trim(), p.event);
  // The published document on the row's details: exactly the API's, as text.
  const one = (await apiGet(page, `/api/v1/presence/presentities/${p.id}`)).body;
  assert.ok(one.body && one.body.includes("<presence"), "the API has the PIDF document");
  await page.click(`${row} ${sel("row-toggle")}`);
  await page.waitForSelector(sel("document-text"));
  assert.equal(await page.textContent(sel("document-text")), one.body, "the document, character for character");
  assert.equal(await page.$eval(sel("document-text"), (e) => e.children.length), 0, "the XML is text, not elements");
  assert.equal((await page.textContent(`${sel("detail-etag")} dd`)).trim(), p.etag);
  await shot(page, "presence-presentity-en.png");

  // Filters: a user that has no presentity, kept in the URL; then cleared.
  await page.fill(sel("filter-user"), "nobody-here");
  await page.press(sel("filter-user"), "Enter");
  await page.waitForURL((u) => new URL(u).searchParams.get("user") === "nobody-here");
  await waitLoaded("presentity-table");
  assert.match(await page.textContent(sel("empty")), /No records match the filters/);
  await page.click(sel("filter-clear"));
  await page.waitForURL((u) => !new URL(u).searchParams.has("user"));
  await waitLoaded("presentity-table");

  // Watchers: the API's rows, status and authorization with their labels.
  await page.click(sel("tab-watchers"));
  await page.waitForURL((u) => new URL(u).searchParams.get("tab") === "watchers");
  await waitLoaded("watchers-table");
  const ws = (await apiGet(page, "/api/v1/presence/watchers?limit=50")).body.items;
  assert.ok(ws.length > 0, "SIPp's SUBSCRIBE made an active_watchers row");
  assert.deepEqual(await ids("watcher-row"), ws.map((w) => String(w.id)));
  for (const w of ws) {
    const r = `${sel("watcher-row")}${attr("data-id", w.id)}`;
    assert.equal((await page.textContent(`${r} ${sel("cell-presentity")}`)).trim(), w.presentity_uri);
    assert.equal((await page.textContent(`${r} ${sel("cell-watcher")}`)).trim(), w.watcher_uri);
    assert.equal(await page.getAttribute(`${r} ${sel("cell-status")}`, "data-status"), String(w.status));
    assert.equal((await page.textContent(`${r} ${sel("cell-status")}`)).trim(), `${w.status} · ${w.status_label}`);
    if (w.authorization) {
      assert.equal((await page.textContent(`${r} ${sel("cell-auth")}`)).trim(),
        `${w.authorization.status} · ${w.authorization.status_label}`);
    }
  }
  // The lab stores no pres-rules document in xcap: every subscription waits for one.
  assert.deepEqual(ws.map((w) => w.status_label), ws.map(() => "pending"), "no pres-rules document: pending");
  const bob = ws[0];
  // The status filter (2 = pending) narrows to the API's, and a reload keeps it.
  await page.selectOption(sel("filter-status"), "2");
  await page.waitForURL((u) => new URL(u).searchParams.get("status") === "2");
  await waitLoaded("watchers-table");
  const pending = (await apiGet(page, "/api/v1/presence/watchers?status=2")).body.items;
  assert.deepEqual(await ids("watcher-row"), pending.map((w) => String(w.id)));
  await page.reload();
  await page.waitForSelector(`${sel("tab-watchers")}[aria-selected="true"]`);
  await waitLoaded("watchers-table");
  assert.equal(await page.inputValue(sel("filter-status")), "2", "the filter survives a reload");
  await page.click(`${sel("watcher-row")}${attr("data-id", bob.id)} ${sel("row-toggle")}`);
  await page.waitForSelector(sel("details-row"));
  assert.equal((await page.textContent(`${sel("detail-callid")} dd`)).trim(), bob.callid);
  await shot(page, "presence-watchers-en.png");

  // Refresh watchers, type 0 (authorization): no pres-rules document, Kamailio refuses; the
  // dialog says what the API says. Then type 1 (published state) succeeds.
  const uri = bob.presentity_uri;
  const want = await page.evaluate(async (u) => {
    const r = await fetch("/api/v1/presence/refresh-watchers", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ presentity_uri: u, event: "presence", type: 0 }) });
    return { status: r.status, body: await r.json() };
  }, uri);
  assert.equal(want.status, 422, "the API refuses type 0 without pres-rules");
  await page.click(`${sel("watcher-row")}${attr("data-id", bob.id)} ${sel("row-refresh-watchers")}`);
  await page.waitForSelector(`${sel("confirm-dialog")}[data-kind="refresh-watchers"]`);
  assert.equal(await page.inputValue(sel("refresh-uri-input")), uri, "the row's presentity is filled in");
  assert.equal(await page.inputValue(sel("refresh-event-input")), bob.event);
  await page.selectOption(sel("refresh-type-select"), "0");
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("confirm-error"));
  const said = (await page.textContent(sel("confirm-error"))).replace(/\s+/g, " ");
  assert.ok(said.includes(want.body.detail.replace(/\s+/g, " ")), `the dialog shows the API's words: ${said}`);
  assert.match(said, /pres-rules/);
  await shot(page, "presence-refresh-refused-en.png", { fullPage: false });
  await page.selectOption(sel("refresh-type-select"), "1");
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
  assert.equal((await page.textContent(`${sel("toast")} ${sel("refresh-uri")}`)).trim(), uri);
});

test("offline messages: the list equals the API, bodies with <b> and <script> are shown as text", async () => {
  await page.goto(`${BASE}/kamailio/msilo`);
  await page.waitForSelector(sel("page-msilo"));
  await setLang(page, "en", TITLES.en.msilo);
  assert.equal(await page.$(`${sel("nav-msilo")} .nav-soon`), null, "msilo is still marked 'soon'");
  await waitLoaded("messages-table");
  const msgs = (await apiGet(page, "/api/v1/offline-messages?limit=50")).body.items;
  assert.ok(msgs.length >= 3, `msilo stored the MESSAGEs (${msgs.length})`);
  assert.deepEqual(await ids("message-row"), msgs.map((m) => String(m.id)), "the rows are the API's, oldest first");
  for (const c of ["src", "dst", "stored", "expires", "ctype"]) assert.ok(await page.$(sel(`col-${c}`)), `column ${c}`);
  for (const m of msgs) {
    const r = `${sel("message-row")}${attr("data-id", m.id)}`;
    assert.equal((await page.textContent(`${r} ${sel("cell-src")}`)).trim(), m.src_addr);
    assert.equal((await page.textContent(`${r} ${sel("cell-dst")}`)).trim(), m.dst_addr);
    assert.equal((await page.textContent(`${r} ${sel("cell-ctype")}`)).trim(), m.ctype);
    assert.equal(await page.textContent(`${r} ${sel("body-preview")}`), m.body_preview);
  }
  const evil = msgs.find((m) => m.src_addr.includes(`sip:${SCRIPT_FROM}@`) && m.body_preview.includes("<script>"));
  assert.ok(evil, `${SCRIPT_FROM}'s MESSAGE with a <script> is listed`);
  const evilRow = `${sel("message-row")}${attr("data-id", evil.id)}`;
  assert.equal(await page.$$eval(`${sel("messages-table")} script, ${sel("messages-table")} b`, (e) => e.length), 0,
    "no element was made from a body");
  // The whole body on the details: the API's, as literal text; the script never ran.
  const full = (await apiGet(page, `/api/v1/offline-messages/${evil.id}`)).body;
  await page.click(`${evilRow} ${sel("row-toggle")}`);
  await page.waitForSelector(sel("body-text"));
  assert.equal(await page.textContent(sel("body-text")), full.body);
  assert.ok((await page.innerText(sel("body-text"))).includes("<script>"), "the <script> tag is visible text");
  assert.ok((await page.innerText(sel("body-text"))).includes("<b>"), "the <b> tag is visible text");
  assert.equal(await page.$eval(sel("body-text"), (e) => e.children.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined, "the body's script did not run");
  await shot(page, "msilo-en.png");
  // The src filter narrows to the API's, and is kept in the URL.
  await page.fill(sel("filter-src"), SCRIPT_FROM);
  await page.press(sel("filter-src"), "Enter");
  await page.waitForURL((u) => new URL(u).searchParams.get("src") === SCRIPT_FROM);
  await waitLoaded("messages-table");
  const mine = (await apiGet(page, `/api/v1/offline-messages?src=${encodeURIComponent(SCRIPT_FROM)}`)).body.items;
  assert.deepEqual(await ids("message-row"), mine.map((m) => String(m.id)));
  await page.click(sel("filter-clear"));
  await page.waitForURL((u) => !new URL(u).searchParams.has("src"));
  await waitLoaded("messages-table");
});

test("offline messages: delete one (gone at the source), clean expired removes only the back-dated one", { skip: NO_DB }, async () => {
  await page.goto(`${BASE}/kamailio/msilo`);
  await waitLoaded("messages-table");
  const msgs = (await apiGet(page, "/api/v1/offline-messages?limit=50")).body.items;
  const plain = msgs.filter((m) => !m.body_preview.includes("<script>"));
  assert.ok(plain.length >= 2, "two plain messages to delete and to expire");
  const [gone, old] = plain;
  // Delete: the dialog names the message; cancel keeps it, OK removes it from silo.
  const row = (id) => `${sel("message-row")}${attr("data-id", id)}`;
  await page.click(`${row(gone.id)} ${sel("delete-message")}`);
  await page.waitForSelector(`${sel("confirm-dialog")}[data-kind="delete-message"]`);
  assert.equal((await page.textContent(`${sel("confirm-src")} dd`)).trim(), gone.src_addr);
  assert.equal((await page.textContent(`${sel("confirm-body")} dd`)).trim(), gone.body_preview.trim());
  await page.click(sel("confirm-cancel"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
  assert.equal(count(`SELECT COUNT(*) FROM silo WHERE id = ${gone.id}`), 1, "cancel removed nothing");
  await page.click(`${row(gone.id)} ${sel("delete-message")}`);
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("confirm-dialog"), { state: "detached" });
  assert.equal((await page.textContent(`${sel("toast")} ${sel("message-id")}`)).trim(), String(gone.id));
  await page.waitForSelector(row(gone.id), { state: "detached" });
  assert.equal(count(`SELECT COUNT(*) FROM silo WHERE id = ${gone.id}`), 0, "the message is gone from silo");

  // Clean expired: one message back-dated (msilo keeps epoch seconds), only it goes.
  sql(`UPDATE silo SET exp_time = strftime('%s','now') - 120 WHERE id = ${old.id}`);
  const before = count("SELECT COUNT(*) FROM silo");
  const expired = count("SELECT COUNT(*) FROM silo WHERE exp_time < strftime('%s','now')");
  assert.equal(expired, 1, "one expired message at the source");
  await page.click(sel("refresh-button"));
  await page.waitForSelector(`${row(old.id)} ${sel("cell-expires")}[data-expired="true"]`);
  await page.click(sel("msilo-clean-button"));
  await page.waitForSelector(`${sel("confirm-dialog")}[data-kind="msilo-cleanup"]`);
  await shot(page, "msilo-clean-confirm-en.png", { fullPage: false });
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("msilo-cleanup-result"));
  assert.equal(await page.getAttribute(sel("msilo-cleanup-result"), "data-removed"), "1", "the result says 1");
  assert.equal((await page.textContent(`${sel("toast")} ${sel("clean-count")}`)).trim(), "1");
  assert.equal(count(`SELECT COUNT(*) FROM silo WHERE id = ${old.id}`), 0, "the expired message went");
  assert.equal(count("SELECT COUNT(*) FROM silo"), before - 1, "every other message stayed");
  await page.waitForSelector(row(old.id), { state: "detached" });
});

test("presence: clean expired removes only the back-dated presentity and says so per table", { skip: NO_DB }, async () => {
  // A copy of alice's presentity under another user, expired a minute ago (epoch seconds).
  const cols = sql("SELECT group_concat(name) FROM pragma_table_info('presentity') WHERE name NOT IN ('id')").split(",");
  const pick = cols.map((c) => (c === "username" ? "'old-' || username" : c === "expires" ? "strftime('%s','now') - 60"
    : c === "etag" ? "'old-' || etag" : c === "ruid" ? "'old-' || ruid" : c));
  sql(`INSERT INTO presentity (${cols}) SELECT ${pick} FROM presentity WHERE username NOT LIKE 'old-%' LIMIT 1`);
  const oldId = count("SELECT id FROM presentity WHERE username LIKE 'old-%'");
  const live = count("SELECT COUNT(*) FROM presentity WHERE username NOT LIKE 'old-%'");
  const liveW = count("SELECT COUNT(*) FROM active_watchers");
  assert.ok(live > 0 && liveW > 0);
  await page.goto(`${BASE}/kamailio/presence`);
  await setLang(page, "en", TITLES.en.presence);
  await waitLoaded("presentity-table");
  await page.waitForSelector(`${sel("presentity-row")}${attr("data-id", oldId)}[data-expired="true"]`);
  await page.click(sel("presence-clean-button"));
  await page.waitForSelector(`${sel("confirm-dialog")}[data-kind="presence-cleanup"]`);
  await shot(page, "presence-clean-confirm-en.png", { fullPage: false });
  await page.click(sel("confirm-ok"));
  await page.waitForSelector(sel("presence-cleanup-result"));
  const rows = await page.$$eval(sel("cleanup-table-row"), (rs) => rs.map((r) => ({ table: r.dataset.table, removed: Number(r.dataset.removed) })));
  const byTable = Object.fromEntries(rows.map((r) => [r.table, r.removed]));
  assert.equal(byTable.presentity, 1, `presentity: the back-dated row (${JSON.stringify(rows)})`);
  assert.equal(byTable.active_watchers ?? 0, 0, "no live subscription went");
  assert.equal(count(`SELECT COUNT(*) FROM presentity WHERE id = ${oldId}`), 0, "the expired presentity is gone");
  assert.equal(count("SELECT COUNT(*) FROM presentity"), live, "the live presentity stays");
  assert.equal(count("SELECT COUNT(*) FROM active_watchers"), liveW, "the subscription stays");
  const total = rows.reduce((s, r) => s + r.removed, 0);
  assert.equal((await page.textContent(`${sel("toast")} ${sel("clean-count")}`)).trim(), String(total));
  await page.waitForSelector(`${sel("presentity-row")}${attr("data-id", oldId)}`, { state: "detached" });
  await shot(page, "presence-cleaned-en.png");
});

test("both pages in zh-CN: no English left, screenshots", async () => {
  await page.goto(`${BASE}/kamailio/presence`);
  await setLang(page, "zh-CN", TITLES["zh-CN"].presence);
  await waitLoaded("presentity-table");
  await page.click(`${sel("presentity-row")} ${sel("row-toggle")}`);
  await page.waitForSelector(sel("document-text"));
  await shot(page, "presence-presentity-zh-CN.png");
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_PRES.has(w)), [], "English left on the zh-CN presentity tab");
  await page.click(sel("tab-watchers"));
  await waitLoaded("watchers-table");
  assert.match(await page.textContent(sel("cell-status")), /待定/);
  await shot(page, "presence-watchers-zh-CN.png");
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_PRES.has(w)), [], "English left on the zh-CN watchers tab");
  await page.click(sel("refresh-watchers-button"));
  await page.waitForSelector(`${sel("confirm-dialog")}[data-kind="refresh-watchers"]`);
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_PRES.has(w)), [], "English left in the zh-CN refresh dialog");
  await shot(page, "presence-refresh-zh-CN.png", { fullPage: false });
  await page.click(sel("confirm-cancel"));

  await page.goto(`${BASE}/kamailio/msilo`);
  await page.waitForSelector(sel("page-msilo"));
  await waitLoaded("messages-table");
  await page.waitForFunction((t) => document.querySelector('[data-testid="page-title"]')?.textContent.trim() === t, TITLES["zh-CN"].msilo);
  const evil = await page.$(`${sel("message-row")}:has(${sel("body-preview")}:text("<script>"))`);
  if (evil) {
    await (await evil.$(sel("row-toggle"))).click();
    await page.waitForSelector(sel("body-text"));
  }
  await shot(page, "msilo-zh-CN.png");
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_PRES.has(w)), [], "English left on the zh-CN msilo page");
  await page.click(sel("msilo-clean-button"));
  await page.waitForSelector(`${sel("confirm-dialog")}[data-kind="msilo-cleanup"]`);
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_PRES.has(w)), [], "English left in the zh-CN clean dialog");
  await page.click(sel("confirm-cancel"));
  assert.equal(await page.evaluate(() => window.__xss), undefined, "no body's script ran");
  await setLang(page, "en", TITLES.en.msilo);
});

test("no console errors (besides the 422 the refresh test asked for)", () => {
  const asked = consoleErrors.filter((e) => /status of 422/.test(e));
  assert.deepEqual(consoleErrors.filter((e) => !asked.includes(e)), []);
  assert.ok(asked.length <= 2, `422s: ${asked.length}`);
});
