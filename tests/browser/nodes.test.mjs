// Browser test of the Kamailio node selector (registrations memory source, dialogs) against
// a kamscope configured with several nodes (KAMSCOPE_KAMAILIO_NODES). Skipped without
// KAMSCOPE_MULTI_NODE_URL. Run: tests/browser/run.sh.
//
// Env:
//   KAMSCOPE_MULTI_NODE_URL  base URL of a kamscope with two or more nodes
//   KAMSCOPE_SCREENSHOT_DIR  where screenshots go (default tests/output/screenshots)
//   KAMSCOPE_CHROMIUM        browser binary (default /usr/bin/chromium)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { sel, launch, shot, setLang, apiGet } from "./common.mjs";

const URL = (process.env.KAMSCOPE_MULTI_NODE_URL || "").replace(/\/+$/, "");
const skip = !URL && "no KAMSCOPE_MULTI_NODE_URL";

let browser, page, consoleErrors, names;

before(async () => {
  if (skip) return;
  ({ browser, page, consoleErrors } = await launch());
  await page.goto(`${URL}/kamailio/locations`);
  await page.waitForSelector(sel("page-locations"));
  await setLang(page, "en", "Registrations");
  const dash = await apiGet(page, "/api/v1/dashboard");
  names = dash.body.nodes.map((n) => n.name);
});

after(async () => {
  await browser?.close();
});

const options = () => page.$$eval(`${sel("node-select")} option`, (os) => os.map((o) => o.value));
const waitIdle = () => page.waitForSelector(`${sel("table-wrap")}[aria-busy="false"]`);

test("registrations: the node selector offers the default node, each node and all (memory only)", { skip }, async () => {
  assert.ok(names.length >= 2, `the server has several nodes: ${names.join(", ")}`);
  await waitIdle();
  assert.equal(await page.$(sel("node-select")), null, "no node selector for the database source");
  await page.click(sel("source-toggle"));
  await page.waitForSelector(`${sel("source-badge")}[data-source="memory"]`);
  await page.waitForSelector(sel("node-select"));
  assert.deepEqual(await options(), ["", ...names, "all"]);
  await page.selectOption(sel("node-select"), "all");
  await page.waitForURL(/[?&]node=all(&|$)/);
  await waitIdle();
  await page.waitForSelector(sel("reg-row"));
  const nodes = await page.$$eval(sel("reg-row"), (rs) => rs.map((r) => r.dataset.node));
  for (const n of names) assert.ok(nodes.includes(n), `rows from node ${n}: ${[...new Set(nodes)].join(", ")}`);
  assert.ok(nodes.every((n) => names.includes(n)), "every row names its node");
  assert.ok((await page.$$(sel("row-node"))).length === nodes.length, "each row shows its node");
  console.log(`screenshot: ${await shot(page, "locations-all-nodes-en.png", { fullPage: false })}`);
  const last = names[names.length - 1];
  await page.selectOption(sel("node-select"), last);
  await page.waitForURL(new RegExp(`[?&]node=${encodeURIComponent(last)}(&|$)`));
  await waitIdle();
  const one = await page.$$eval(sel("reg-row"), (rs) => rs.map((r) => r.dataset.node));
  assert.ok(one.length > 0 && one.every((n) => n === last || n === ""), `rows of node ${last}: ${[...new Set(one)].join(", ")}`);
  assert.equal((await page.$$(sel("row-node"))).length, 0, "one node: no node badges");
});

test("dialogs: with all nodes, statistics per node and each active dialog names its node", { skip }, async () => {
  await page.goto(`${URL}/kamailio/dialogs`);
  await page.waitForSelector(sel("node-select"));
  assert.deepEqual(await options(), ["", ...names, "all"]);
  await page.selectOption(sel("node-select"), "all");
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="stats-row"]').length === n, names.length);
  assert.deepEqual(await page.$$eval(sel("stats-row"), (rs) => rs.map((r) => r.dataset.node)), names);
  const mem = `${sel("section-memory")} ${sel("table-wrap")}[aria-busy="false"]`;
  await page.waitForSelector(mem);
  const rows = await page.$$eval(`${sel("section-memory")} ${sel("dialog-row")}`, (rs) => rs.map((r) => r.dataset.node));
  assert.ok(rows.every((n) => names.includes(n)), `memory rows name their node: ${rows.join(", ")}`);
  if (rows.length > 0) {
    assert.ok(await page.$(`${sel("section-memory")} ${sel("col-node")}`), "a node column");
    for (const n of names) assert.ok(rows.includes(n), `dialogs of node ${n}`);
  }
  console.log(`screenshot: ${await shot(page, "dialogs-all-nodes-en.png")}`);
});

test("no errors in the browser console", { skip }, () => {
  assert.deepEqual(consoleErrors.filter((e) => !/favicon/i.test(e)), []);
});
