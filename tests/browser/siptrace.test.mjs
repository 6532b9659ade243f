// Browser test of the SIP trace page (/kamailio/siptrace, manual §4): search a Call-ID, open
// its call flow (the ladder), click an arrow and read the raw INVITE, compare two messages,
// download the PCAP (pcap magic; tshark decodes it as SIP when present) and the text; the
// CDR page's Call-IDs link to the flow; screenshots in en and zh-CN. Debian's Chromium
// driven by playwright-core. Run: tests/browser/run.sh.
//
// Env:
//   KAMSCOPE_URL             base URL of a running kamscope (default http://127.0.0.1:8080)
//   KAMSCOPE_TRACE_CALL_ID   the Call-ID of an answered call Kamailio traced (INVITE … 200, ACK,
//                            BYE, 200); else the first answered INVITE of KAMSCOPE_CDR_CALLER in
//                            the CDRs (/api/v1/cdrs); the tests are skipped when neither is set
//   KAMSCOPE_CLEANUP_DB      the SQLite file kamscope and Kamailio share (optional): the search and
//                            the flow are checked against sip_trace there with the sqlite3 CLI too
//   KAMSCOPE_MSG_SCRIPT_FROM the sender of a MESSAGE whose body has HTML and a <script> (optional):
//                            its flow shows that text as text
//   KAMSCOPE_SCREENSHOT_DIR  where screenshots go (default tests/output/screenshots)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { BASE, sel, attr, launch, shot, setLang, uiWords, ZH_ALLOWED, apiGet } from "./common.mjs";

const GIVEN_CID = (process.env.KAMSCOPE_TRACE_CALL_ID || "").trim();
const CALLER = (process.env.KAMSCOPE_CDR_CALLER || "").trim();
const DB = (process.env.KAMSCOPE_CLEANUP_DB || "").trim();
const SCRIPT_FROM = (process.env.KAMSCOPE_MSG_SCRIPT_FROM || "").trim();
const NO_CALL = !GIVEN_CID && !CALLER && "neither KAMSCOPE_TRACE_CALL_ID nor KAMSCOPE_CDR_CALLER";

const LABELS = { en: "SIP trace", "zh-CN": "SIP 跟踪" };
// Kamailio's and SIP's names a zh-CN operator reads as they are.
const ZH_TRACE = new Set([...ZH_ALLOWED, "sip_trace", "siptrace", "trace_to_database", "traced_user", "IP", "udp", "tcp",
  "SDP", "PCAP", "B2BUA", "xx", "Kamailio"]);

let browser, page, consoleErrors;

/** A full-page screenshot from the top (the sticky bars stay where they belong). */
async function snap(name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, name);
}
let CID; // the call under test
let flow; // its flow as the API gives it

before(async () => {
  ({ browser, page, consoleErrors } = await launch());
  if (NO_CALL) return;
  await page.goto(`${BASE}/kamailio/siptrace`);
  CID = GIVEN_CID;
  if (!CID) {
    const r = await apiGet(page, `/api/v1/cdrs?caller=${encodeURIComponent(CALLER)}&method=INVITE&sip_code=200&limit=1`);
    assert.equal(r.status, 200);
    CID = r.body.items[0]?.call_id;
    assert.ok(CID, `an answered call of ${CALLER} in the CDRs`);
  }
  const f = await apiGet(page, `/api/v1/traces/calls/${encodeURIComponent(CID)}`);
  assert.equal(f.status, 200, `the flow of ${CID}`);
  flow = f.body;
});

after(async () => {
  await browser?.close();
});

/** sip_trace rows of a Call-ID, straight from the shared SQLite file (or null without it). */
function dbRows(callId, order) {
  if (!DB) return null;
  const q = `SELECT id || '|' || fromip || '|' || toip || '|' || method FROM sip_trace WHERE callid = '${callId.replace(/'/g, "''")}' ORDER BY ${order}`;
  const out = execFileSync("sqlite3", ["-cmd", ".timeout 10000", DB, q], { encoding: "utf8" }).trim();
  return out ? out.split("\n").map((l) => { const [id, fromip, toip, method] = l.split("|"); return { id: Number(id), fromip, toip, method }; }) : [];
}

async function waitList() {
  await page.waitForFunction(() => {
    const busy = document.querySelector('[data-testid="table-wrap"][aria-busy="true"]');
    const done = document.querySelector('[data-testid="traces-table"], [data-testid="empty"], [data-testid="error"]');
    return !busy && done && !document.querySelector('[data-testid="loading"]');
  });
}

async function waitFlow() {
  await page.waitForSelector(`${sel("flow")}, ${sel("error")}`);
  assert.ok(await page.$(sel("ladder")), "the ladder is drawn");
}

const rowIds = () => page.$$eval(sel("trace-row"), (rs) => rs.map((r) => Number(r.dataset.id)));
/** The raw message shown in `scope`, lines as text. */
const rawText = (scope) => page.$eval(`${scope} ${sel("raw-message")}`, (e) => e.textContent);
/** The microseconds of an RFC 3339 time ("…:27.1234+08:00" → "123400"). */
const usOf = (t) => ((t.match(/\.(\d+)/)?.[1] || "") + "000000").slice(0, 6);
const lines = (s) => s.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");

test("search a Call-ID: exactly its sip_trace rows, newest first, kept in the URL; a row opens its raw message", { skip: NO_CALL }, async () => {
  await page.goto(`${BASE}/kamailio/siptrace`);
  await setLang(page, "en", LABELS.en);
  await waitList();
  await page.fill(sel("filter-call-id"), CID);
  await page.press(sel("filter-call-id"), "Enter");
  await page.waitForFunction((c) => new URL(location.href).searchParams.get("call_id") === c, CID);
  await waitList();
  const api = await apiGet(page, `/api/v1/traces?call_id=${encodeURIComponent(CID)}&limit=1000`);
  assert.equal(api.status, 200);
  const ids = await rowIds();
  assert.deepEqual(ids, api.body.items.map((t) => t.id), "the table = the API's rows");
  const db = dbRows(CID, "time_stamp DESC, time_us DESC, id DESC");
  if (db) assert.deepEqual(ids, db.map((r) => r.id), "the table = sip_trace's rows of the Call-ID, newest first");
  assert.ok(ids.length >= 6, `a whole call (${ids.length} rows)`);
  const cids = await page.$$eval(sel("trace-row"), (rs) => [...new Set(rs.map((r) => r.dataset.callId))]);
  assert.deepEqual(cids, [CID]);
  // A Call-ID search is indexed: no time window, and the page says so.
  assert.equal(await page.getAttribute(sel("trace-window"), "data-defaulted"), "false");
  assert.match(await page.textContent(sel("window-range")), /no time bound/);
  // Times to the microsecond.
  assert.match(await page.textContent(`${sel("trace-row")} ${sel("cell-time")}`), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);

  // The oldest row is the caller's INVITE: its raw message, first line and header names set apart.
  const inv = api.body.items.at(-1);
  assert.equal(inv.method, "INVITE");
  assert.equal(inv.status, null);
  const row = `${sel("trace-row")}${attr("data-id", inv.id)}`;
  await page.click(`${row} ${sel("row-toggle")}`);
  await page.waitForSelector(`${sel("trace-message")}${attr("data-id", inv.id)}`);
  const one = await apiGet(page, `/api/v1/traces/${inv.id}`);
  assert.equal((await page.textContent(`${sel("trace-message")} ${sel("raw-first-line")}`)).trim(), inv.first_line);
  assert.match(inv.first_line, /^INVITE sip:/);
  assert.deepEqual(lines(await rawText(sel("trace-message"))), lines(one.body.msg), "the raw text as stored");
  const names = await page.$$eval(`${sel("trace-message")} ${sel("raw-header-name")}`, (es) => es.map((e) => e.textContent));
  assert.deepEqual(names, one.body.headers.map((h) => h.name), "every header name set apart, in order");
  await snap("siptrace-search-en.png");

  // A bad status is refused at the field, before any request.
  await page.fill(sel("filter-status"), "99");
  await page.press(sel("filter-status"), "Enter");
  await page.waitForSelector(sel("status-error"));
  assert.equal(new URL(page.url()).searchParams.get("status"), null);
  await page.fill(sel("filter-status"), "");
});

test("an unindexed search (method) carries the default window, stated with the maximum", { skip: NO_CALL }, async () => {
  await page.goto(`${BASE}/kamailio/siptrace?method=INVITE`);
  await waitList();
  const w = await page.$eval(sel("trace-window"), (e) => ({ ...e.dataset }));
  assert.equal(w.defaulted, "true", JSON.stringify(w));
  const span = (new Date(w.to) - new Date(w.from)) / 1000;
  assert.ok(Math.abs(span - 3600) < 2, `the default window is the last hour (${span} s)`);
  assert.ok(Math.abs(Date.now() - new Date(w.to)) < 120e3, "it ends now");
  assert.ok(Number(w.maxSeconds) > 0, "the maximum is stated");
  assert.ok(await page.$(sel("window-defaulted")));
  assert.ok(await page.$(sel("window-max")));
  assert.ok((await page.textContent(sel("window-reason"))).trim().length > 0, "the server's reason is shown");
  const methods = await page.$$eval(sel("trace-row"), (rs) => [...new Set(rs.map((r) => r.dataset.method))]);
  assert.deepEqual(methods, ["INVITE"]);
  // The 15-minute preset narrows the window the server uses.
  await page.click(`${sel("time-preset")}:nth-child(2)`);
  await page.waitForFunction(() => new URL(location.href).searchParams.get("from"));
  await waitList();
  await page.waitForFunction(() => document.querySelector('[data-testid="trace-window"]')?.dataset.defaulted === "false");
  const from = new URL(page.url()).searchParams.get("from");
  assert.equal(new Date(await page.getAttribute(sel("trace-window"), "data-from")).getTime(), new Date(from).getTime());
});

test("an address that is not one: the server's 400 is shown, naming the parameter", { skip: NO_CALL }, async () => {
  await page.goto(`${BASE}/kamailio/siptrace`);
  await waitList();
  await page.fill(sel("filter-to-ip"), "not-an-ip");
  await page.press(sel("filter-to-ip"), "Enter");
  await page.waitForSelector(`${sel("error")}[data-status="400"]`);
  assert.match(await page.textContent(sel("error-detail")), /to_ip/);
  assert.equal(await page.$(sel("trace-window")), null, "no window is claimed for a refused search");
});

test("View opens the ladder: a column per endpoint (Kamailio's marked), an arrow per message to the right columns", { skip: NO_CALL }, async () => {
  await page.goto(`${BASE}/kamailio/siptrace?call_id=${encodeURIComponent(CID)}`);
  await waitList();
  await page.click(`${sel("trace-row")} ${sel("view-button")}`);
  await page.waitForFunction((c) => new URL(location.href).searchParams.getAll("flow").join() === c, CID);
  await waitFlow();
  assert.equal((await page.textContent(`${sel("siptrace-call-id")} ${sel("call-id")}`)).trim(), CID);
  const cols = await page.$$eval(sel("ladder-col"), (cs) => cs.map((c) => ({
    label: c.dataset.label, own: c.dataset.own === "true", x: Number(c.querySelector("line").getAttribute("x1")),
  })));
  assert.deepEqual(cols.map((c) => c.label), flow.endpoints.map((e) => e.label));
  assert.deepEqual(cols.map((c) => c.own), flow.endpoints.map((e) => e.kamailio));
  assert.ok(cols.some((c) => c.own) && cols.some((c) => !c.own), "Kamailio's socket and the UAs");
  const arrows = await page.$$eval(sel("ladder-arrow"), (as) => as.map((a) => {
    const l = a.querySelector("line.ladder-line");
    const tip = a.querySelector("polygon").getAttribute("points").split(" ")[0].split(",").map(Number);
    return { key: Number(a.dataset.key), from: Number(a.dataset.from), to: Number(a.dataset.to), kind: a.dataset.kind,
      label: a.dataset.label, x1: l ? Number(l.getAttribute("x1")) : null, tip: tip[0] };
  }));
  assert.deepEqual(arrows.map((a) => a.key), flow.messages.map((m) => m.id), "an arrow per message, in time order");
  const kindOf = (m) => m.is_request ? "req" : m.status < 200 ? "1xx" : m.status < 300 ? "2xx" : m.status < 400 ? "3xx" : "err";
  flow.messages.forEach((m, i) => {
    const a = arrows[i];
    assert.equal(a.from, m.from);
    assert.equal(a.to, m.to);
    assert.equal(a.kind, kindOf(m), `kind of ${m.first_line}`);
    assert.equal(a.label, m.is_request ? m.method : m.first_line.replace(/^SIP\/2\.0\s+/, ""));
    // Drawn from the sender's lifeline to the receiver's (a few px off for the tip).
    assert.ok(Math.abs(a.x1 - cols[m.from].x) < 6, `${m.first_line} starts at column ${m.from}`);
    assert.ok(Math.abs(a.tip - cols[m.to].x) < 6, `${m.first_line} ends at column ${m.to}`);
  });
  // The columns are the stored addresses: each message goes from its fromip to its toip.
  const db = dbRows(CID, "time_stamp, time_us, id");
  if (db) {
    assert.deepEqual(flow.messages.map((m) => m.id), db.map((r) => r.id), "the flow = sip_trace's rows, oldest first");
    flow.messages.forEach((m, i) => {
      assert.equal(flow.endpoints[m.from].key, db[i].fromip);
      assert.equal(flow.endpoints[m.to].key, db[i].toip);
    });
  }
  // The INVITEs carry SDP (SIPp's offer): marked on their arrows.
  const sdp = await page.$$eval(`${sel("ladder-arrow")} .ladder-note`, (ns) => ns.length);
  assert.equal(sdp, flow.messages.filter((m) => m.has_sdp).length);
  assert.ok(sdp > 0, "SDP marks");
});

test("a click on an arrow shows that message (the raw INVITE), previous / next walk the flow, times absolute or delta", { skip: NO_CALL }, async () => {
  const first = flow.messages[0];
  assert.equal(first.method, "INVITE");
  await page.click(`${sel("ladder-arrow")}${attr("data-key", first.id)} .ladder-label`);
  await page.waitForSelector(`${sel("flow-message")}${attr("data-id", first.id)}`);
  assert.equal(await page.getAttribute(`${sel("ladder-arrow")}${attr("data-key", first.id)}`, "aria-selected"), "true");
  assert.equal((await page.textContent(`${sel("flow-message")} ${sel("raw-first-line")}`)).trim(), first.first_line);
  assert.match(first.first_line, /^INVITE sip:\S+ SIP\/2\.0$/);
  assert.deepEqual(lines(await rawText(sel("flow-message"))), lines(first.msg), "the raw INVITE as stored");
  const names = await page.$$eval(`${sel("flow-message")} ${sel("raw-header-name")}`, (es) => es.map((e) => e.textContent.toLowerCase()));
  for (const h of ["via", "call-id", "cseq", "from", "to"]) assert.ok(names.some((n) => n === h || n.startsWith(h)), `header ${h} set apart`);
  assert.match(await page.textContent(sel("msg-position")), new RegExp(`^Message 1 of ${flow.messages.length}$`));
  assert.ok(await page.isDisabled(sel("msg-prev")));
  await page.click(sel("msg-next"));
  await page.waitForSelector(`${sel("flow-message")}${attr("data-id", flow.messages[1].id)}`);
  assert.equal(new URL(page.url()).searchParams.get("msg"), String(flow.messages[1].id), "the selected message is in the URL");
  await page.click(sel("msg-prev"));
  await page.waitForSelector(`${sel("flow-message")}${attr("data-id", first.id)}`);

  // Absolute times to the microsecond, or the delta to the previous message.
  const times = () => page.$$eval(`${sel("ladder-arrow")} .ladder-time`, (ts) => ts.map((t) => t.textContent));
  const abs = await times();
  flow.messages.forEach((m, i) => assert.equal(abs[i].slice(-6), usOf(m.time), `µs of ${m.id}`));
  await page.click(sel("times-delta"));
  await page.waitForFunction(() => document.querySelector('.ladder-time')?.textContent.startsWith("+"));
  const del = await times();
  flow.messages.forEach((m, i) => {
    const us = Math.round(Number(del[i].replace(/^\+| s$/g, "")) * 1e6);
    assert.equal(us, m.delta_prev_us, `delta of ${m.id}`);
  });
  assert.equal(new URL(page.url()).searchParams.get("times"), "delta");
  await snap("siptrace-flow-en.png");
  await page.click(sel("times-abs"));
});

test("two ticked messages compared side by side: equal lines on one row, the others marked", { skip: NO_CALL }, async () => {
  // The caller's INVITE and the one Kamailio sent on to the callee (Kamailio added a Via).
  const [a] = flow.messages;
  const b = flow.messages.find((m, i) => i > 0 && m.is_request && m.method === "INVITE");
  assert.ok(b, "the INVITE Kamailio relayed");
  assert.ok(await page.isDisabled(sel("compare-button")), "nothing to compare yet");
  await page.click(`${sel("ladder-arrow")}${attr("data-key", a.id)} ${sel("ladder-mark")}`);
  await page.click(`${sel("ladder-arrow")}${attr("data-key", b.id)} ${sel("ladder-mark")}`);
  assert.equal(await page.textContent(sel("marked-count")), "2 / 2 ticked");
  await page.click(sel("compare-button"));
  await page.waitForSelector(sel("compare"));
  assert.equal(await page.getAttribute(sel("compare"), "data-left"), String(a.id));
  assert.equal(await page.getAttribute(sel("compare"), "data-right"), String(b.id));
  const rows = await page.$$eval(sel("diff-row"), (rs) => rs.map((r) => ({
    kind: r.dataset.kind, left: r.querySelector('[data-testid="diff-left"]').textContent,
    right: r.querySelector('[data-testid="diff-right"]').textContent,
  })));
  // Each side, read down, is its whole message; rows marked the same are the same.
  const side = (k, only) => rows.filter((r) => r.kind !== only).map((r) => r[k]);
  assert.deepEqual(side("left", "right-only"), lines(a.msg));
  assert.deepEqual(side("right", "left-only"), lines(b.msg));
  for (const r of rows.filter((r) => r.kind === "same")) assert.equal(r.left, r.right);
  for (const r of rows.filter((r) => r.kind === "changed")) assert.notEqual(r.left, r.right);
  const callIdLine = lines(a.msg).find((l) => /^(call-id|i)\s*:/i.test(l));
  assert.ok(rows.some((r) => r.kind === "same" && r.left === callIdLine), "the Call-ID line is the same in both");
  const differ = rows.filter((r) => r.kind !== "same").length;
  assert.ok(differ > 0, "the relayed INVITE differs (Via, Request-URI, Max-Forwards…)");
  assert.equal(Number(await page.getAttribute(sel("compare"), "data-differ")), differ);
  const viaRows = rows.filter((r) => /^(via|v)\s*:/i.test(r.right) && r.kind !== "same");
  assert.ok(viaRows.length > 0, "Kamailio's Via is marked");
  assert.equal(new URL(page.url()).searchParams.get("cmp"), `${a.id},${b.id}`);
  await snap("siptrace-compare-en.png");
});

test("PCAP and text downloads of the flow", { skip: NO_CALL }, async () => {
  const href = await page.getAttribute(sel("download-pcap"), "href");
  assert.equal(href, `/api/v1/traces/calls/${encodeURIComponent(CID)}/pcap`);
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(sel("download-pcap"))]);
  assert.match(dl.suggestedFilename(), /\.pcap$/);
  const file = await dl.path();
  const buf = await readFile(file);
  const magic = buf.readUInt32LE(0);
  assert.ok([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic), `pcap magic, got ${magic.toString(16)}`);
  let tshark = true;
  try { execFileSync("tshark", ["-v"], { stdio: "ignore" }); } catch { tshark = false; }
  if (tshark) {
    const out = execFileSync("tshark", ["-r", file, "-Y", "sip", "-T", "fields", "-e", "sip.Call-ID", "-e", "frame.time_epoch"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n");
    assert.equal(out.length, flow.messages.length, "tshark sees every message as SIP");
    out.forEach((l, i) => {
      const [cid, epoch] = l.split("\t");
      assert.equal(cid, CID);
      const us = Math.round(Number(epoch) * 1e6);
      assert.ok(Math.abs(us - new Date(flow.messages[i].time).getTime() * 1000) < 1000, `time of message ${i + 1}`);
      assert.equal(epoch.split(".")[1].slice(0, 6), usOf(flow.messages[i].time), `µs of message ${i + 1}`);
    });
  }
  const textHref = await page.getAttribute(sel("download-text"), "href");
  assert.equal(textHref, `/api/v1/traces/calls/${encodeURIComponent(CID)}/text`);
  const [tl] = await Promise.all([page.waitForEvent("download"), page.click(sel("download-text"))]);
  const text = await readFile(await tl.path(), "utf8");
  let at = 0;
  for (const m of flow.messages) {
    const i = text.indexOf(m.first_line, at);
    assert.ok(i >= at, `the text has ${m.first_line} in order`);
    at = i + 1;
  }
});

test("the flow and the search in zh-CN: no English left besides technical terms", { skip: NO_CALL }, async () => {
  await setLang(page, "zh-CN", LABELS["zh-CN"]);
  await page.waitForSelector(sel("compare"));
  assert.equal(await page.textContent(sel("marked-count")), "已勾选 2 / 2");
  await snap("siptrace-compare-zh-CN.png");
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_TRACE.has(w)), [], "English left on the zh-CN flow");
  await page.click(sel("compare-close"));
  await page.waitForSelector(sel("compare"), { state: "detached" });
  await snap("siptrace-flow-zh-CN.png");
  // Back to the search it came from.
  await page.click(sel("flow-back"));
  await waitList();
  assert.equal(new URL(page.url()).searchParams.get("call_id"), CID);
  assert.equal(await page.$(sel("flow")), null);
  await page.click(`${sel("trace-row")} ${sel("row-toggle")}`);
  await page.waitForSelector(sel("trace-message"));
  await snap("siptrace-search-zh-CN.png");
  assert.deepEqual((await uiWords(page)).filter((w) => !ZH_TRACE.has(w)), [], "English left on the zh-CN search");
  await setLang(page, "en", LABELS.en);
});

test("another leg added: one flow over both Call-IDs, both in the URL, and removed again", { skip: NO_CALL }, async () => {
  const inv = await apiGet(page, "/api/v1/traces?method=INVITE&limit=200");
  const other = inv.body.items.map((t) => t.call_id).find((c) => c !== CID);
  assert.ok(other, "another call's INVITE in the last hour");
  await page.goto(`${BASE}/kamailio/siptrace?flow=${encodeURIComponent(CID)}`);
  await waitFlow();
  await page.fill(sel("add-call-id"), other);
  await page.press(sel("add-call-id"), "Enter");
  await page.waitForFunction((n) => new URL(location.href).searchParams.getAll("flow").length === n, 2);
  await waitFlow();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="call-id"]').length === 2);
  assert.deepEqual(new URL(page.url()).searchParams.getAll("flow"), [CID, other]);
  const both = await apiGet(page, `/api/v1/traces/calls?call_id=${encodeURIComponent(CID)}&call_id=${encodeURIComponent(other)}`);
  assert.equal(both.status, 200);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ladder-arrow"]').length === n, both.body.messages.length);
  assert.deepEqual(await page.$$eval(sel("ladder-arrow"), (as) => as.map((a) => Number(a.dataset.key))), both.body.messages.map((m) => m.id));
  assert.equal(await page.getAttribute(sel("download-pcap"), "href"),
    `/api/v1/traces/calls?call_id=${encodeURIComponent(CID).replace(/%20/g, "+")}&call_id=${encodeURIComponent(other).replace(/%20/g, "+")}&format=pcap`);
  // The × on a chip removes that leg.
  await page.click(`.callid-chip:nth-child(2) ${sel("remove-call-id")}`);
  await page.waitForFunction(() => new URL(location.href).searchParams.getAll("flow").length === 1);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ladder-arrow"]').length === n, flow.messages.length);
});

test("SIP text written by strangers is shown as text: a MESSAGE with HTML and a script", { skip: !SCRIPT_FROM && "no KAMSCOPE_MSG_SCRIPT_FROM" }, async () => {
  const list = await apiGet(page, "/api/v1/traces?method=MESSAGE&limit=200");
  let found;
  for (const t of list.body.items) {
    const m = await apiGet(page, `/api/v1/traces/${t.id}`);
    if (m.body.msg.includes("<script>") && m.body.msg.includes(SCRIPT_FROM)) { found = m.body; break; }
  }
  assert.ok(found, `a MESSAGE from ${SCRIPT_FROM} with a script in the last hour`);
  await page.goto(`${BASE}/kamailio/siptrace?flow=${encodeURIComponent(found.call_id)}&msg=${found.id}`);
  await page.waitForSelector(`${sel("flow-message")}${attr("data-id", found.id)}`);
  const raw = await rawText(sel("flow-message"));
  assert.ok(raw.includes("<script>window.__xss=1</script>") && raw.includes("<b>frank</b>"), "the markup as text");
  assert.equal(await page.$$eval(`${sel("raw-message")} script, ${sel("raw-message")} b`, (es) => es.length), 0, "no element from the message");
  assert.equal(await page.evaluate(() => window.__xss), undefined, "the script did not run");
});

test("a Call-ID on the CDR page links straight to its flow", { skip: NO_CALL }, async () => {
  await page.goto(`${BASE}/kamailio/cdr?call_id=${encodeURIComponent(CID)}`);
  const link = `${sel("cdr-row")} ${sel("cell-call-id")} ${sel("flow-link")}`;
  await page.waitForSelector(link);
  assert.equal((await page.textContent(link)).trim(), CID);
  await page.click(link);
  await page.waitForSelector(sel("page-siptrace"));
  await waitFlow();
  assert.deepEqual(new URL(page.url()).searchParams.getAll("flow"), [CID]);
  assert.equal(await page.$$eval(sel("ladder-arrow"), (as) => as.length), flow.messages.length);
});

test("no console errors (besides the 400 the test asked for)", () => {
  const asked = consoleErrors.filter((e) => /status of 400 \(Bad Request\)/.test(e));
  assert.ok(asked.length <= 1, `400s: ${asked.length}`);
  assert.deepEqual(consoleErrors.filter((e) => !asked.includes(e)), []);
});
