// Shared by the browser tests: env, the browser, selectors, screenshots, i18n checks.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BASE = (process.env.KAMSCOPE_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");
export const SHOTS = path.resolve(process.env.KAMSCOPE_SCREENSHOT_DIR || path.join(HERE, "..", "output", "screenshots"));
const CHROMIUM = process.env.KAMSCOPE_CHROMIUM || "/usr/bin/chromium";

export const sel = (id) => `[data-testid="${id}"]`;
export const attr = (name, value) => `[${name}="${String(value).replace(/["\\]/g, "\\$&")}"]`;

/** Chromium with an en-US context; collects console errors. */
export async function launch({ locale = "en-US", width = 1440, height = 900 } = {}) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const context = await browser.newContext({ locale, viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  return { browser, context, page, consoleErrors };
}

export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Switches the UI language and waits until the page title reads `title`. */
export async function setLang(page, code, title) {
  await page.click(sel(`lang-${code}`));
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
  await page.waitForFunction(
    ([id, text]) => document.querySelector(id)?.textContent.trim() === text,
    [sel("page-title"), title],
  );
}

/** Visible words of the UI, minus technical values (class "tech") and the language switch. */
export async function uiWords(page) {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll(".tech, [data-i18n-exempt], script, style, noscript, option").forEach((e) => e.remove());
    const texts = [];
    const walker = document.createTreeWalker(clone, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) texts.push(walker.currentNode.nodeValue);
    document.querySelectorAll("[placeholder], [title], [aria-label]").forEach((e) => {
      if (e.closest(".tech, [data-i18n-exempt], [data-tech-title]")) return;
      for (const a of ["placeholder", "title", "aria-label"]) if (e.getAttribute(a)) texts.push(e.getAttribute(a));
    });
    texts.push(document.title);
    return texts.join(" ").match(/[A-Za-z][A-Za-z0-9+._-]*/g) || [];
  });
}

/** Latin words allowed on a zh-CN page: the manual's own terms and technical names. */
export const ZH_ALLOWED = new Set([
  "kamscope", "Kamailio", "SIP", "CDR", "User-Agent", "Socket", "usrloc", "HTTP", "API", "RPC",
  "AOR", "Call-ID", "CSeq", "q", "Path", "Reg-Id", "RUID", "flags", "cflags", "methods", "sip.instance",
  "Hash", "Entry", "ID", "From", "To", "URI", "tag", "ACK", "BYE", "dlg.list", "dialog", "acc_cdrs", "acc",
  "db_mode", "cdr_enable", "active_dialogs", "dlg.stats_active", "INVITE", "REGISTER", "ms", "sqlite", "mysql", "postgres",
]);

/** GET an API path from inside the page (same origin). */
export async function apiGet(page, p) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Accept: "application/json" } });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  }, p);
}
