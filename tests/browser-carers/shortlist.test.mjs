// The shortlist in a real browser (Debian's Chromium through playwright-core), with
// JavaScript on and off. Builds the sample site with --today 2026-11-27 and serves it on
// 127.0.0.1. Run with `node --test` in this folder (scripts/test.sh does).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const project = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "signpost-carers-"));
const site = join(work, "public");
let server;
let base;
let browser;

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".jpg": "image/jpeg",
  ".png": "image/png",
};

before(async () => {
  const built = spawnSync(
    "cargo",
    ["run", "--quiet", "--", "build", "--today", "2026-11-27", "--output", site],
    { cwd: project, stdio: ["ignore", "ignore", "inherit"] },
  );
  assert.equal(built.status, 0, "the sample site builds");
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = join(site, path);
    if (!file.startsWith(site)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      res.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A page that fails the test on any script error or request off our server. */
async function open(context) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base)) return route.continue();
    errors.push(`third-party request: ${url}`);
    return route.abort();
  });
  return { page, errors };
}

test("with JavaScript: save, list, copy a link and reopen it elsewhere", async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context);
  await page.goto(`${base}activities/oakfield-day-centre/`);
  const save = page.getByRole("button", { name: "Save to my list" });
  assert.ok(await save.isVisible(), "the button is shown with JavaScript");
  await save.click();
  await page.getByRole("button", { name: "Remove from my list" }).waitFor();
  assert.match(await page.locator(".shortlist-status").textContent(), /Saved to your list/);

  await page.goto(`${base}activities/arc-day-support/`);
  await page.getByRole("button", { name: "Save to my list" }).click();

  await page.goto(`${base}my-list/`);
  const items = page.locator("#my-list-items > li");
  await items.first().waitFor();
  assert.equal(await items.count(), 2);
  const names = await page.locator("#my-list-items h2 a").allTextContents();
  assert.ok(names.includes("Day support for complex needs"), names.join());
  assert.equal(await page.locator("#my-list-nojs").isVisible(), false, "no-JS notice hidden");
  assert.ok(await page.getByRole("button", { name: "Print my list" }).isVisible());

  await page.getByRole("button", { name: "Copy a link to my list" }).click();
  const link = await page.locator("#my-list-link").inputValue();
  assert.match(link, /\/my-list\/\?ids=oakfield-day-centre,arc-day-support$/);

  // Remove one: the list and the link follow.
  await page.getByRole("button", { name: /^Remove Day support/ }).click();
  assert.equal(await items.count(), 1);
  assert.match(await page.locator("#my-list-link").inputValue(), /\?ids=oakfield-day-centre$/);

  // A new browser profile (nothing saved) opening the copied link sees the same list.
  const fresh = await browser.newContext();
  const other = await open(fresh);
  await other.page.goto(link);
  await other.page.locator("#my-list-items > li").nth(1).waitFor();
  assert.equal(await other.page.locator("#my-list-items > li").count(), 2);
  assert.deepEqual(other.errors, []);
  await fresh.close();

  assert.deepEqual(errors, []);
  await context.close();
});

test("without JavaScript: no button, and My list explains what to do", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const { page, errors } = await open(context);
  await page.goto(`${base}activities/oakfield-day-centre/`);
  const save = page.locator(".shortlist-save");
  assert.equal(await save.count(), 1);
  assert.equal(await save.isVisible(), false, "the button stays hidden");
  // Everything else still works: calendar and report links are plain links.
  assert.ok(await page.getByRole("link", { name: "Add to my calendar" }).isVisible());
  assert.equal(await page.locator(".report__topics a").count(), 5);

  await page.goto(`${base}my-list/`);
  const notice = page.locator("#my-list-nojs");
  assert.ok(await notice.isVisible());
  assert.match(await notice.textContent(), /needs JavaScript/);
  assert.ok(await page.getByRole("link", { name: "What's on this week" }).first().isVisible());
  assert.equal(await page.locator("#my-list-app").isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("printing an activity keeps the Easy Read pictures and drops navigation and tools", async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context);
  await page.goto(`${base}activities/oakfield-day-centre/`);
  await page.emulateMedia({ media: "print" });
  const pictures = page.locator(".easy-read img");
  const n = await pictures.count();
  assert.ok(n >= 10, `${n} Easy Read pictures`);
  for (let i = 0; i < n; i += 1) {
    const box = await pictures.nth(i).boundingBox();
    assert.ok(box && box.width >= 20, `picture ${i} is printed`);
  }
  for (const hidden of [".nav", ".breadcrumbs", ".tools", ".report", ".footer", "#details"]) {
    assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is not printed`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
