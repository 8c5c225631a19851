// Every page: valid HTML (Nu checker), reflow at 320 CSS px, nothing cut off at 200% text,
// the first Tab reaches a working skip link, no request leaves the site and the CSP holds.
// Each page type: every interactive element reached by Tab with a visible focus indicator,
// the search form by keyboard alone, content and links with JavaScript off, screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SITE, allPages, fileOf, pagesByType, startServer, launch, eachPage, since } from './site.mjs';

const require = createRequire(import.meta.url);

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('Nu HTML Checker: every page, zero errors', () => {
  const pages = allPages();
  const started = Date.now();
  const jar = join(require.resolve('vnu-jar').replace(/vnu-jar\.js$/, ''), 'build', 'dist', 'vnu.jar');
  const r = spawnSync(
    'java',
    ['-Xss4m', '-jar', jar, '--errors-only', '--format', 'json', ...pages.map(fileOf)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.error, undefined, `could not run java: ${r.error}`);
  const out = JSON.parse(r.stderr || r.stdout || '{"messages":[]}');
  const errors = out.messages
    .filter((m) => m.type === 'error' || m.subType === 'fatal' || m.type === 'non-document-error')
    .map((m) => `${(m.url || '').replace('file:' + SITE, '')}:${m.lastLine ?? 0}: ${m.message}`);
  console.log(`vnu: ${pages.length} pages in ${since(started)} s, ${errors.length} errors`);
  none(errors);
  assert.equal(r.status, 0, `vnu exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
});

/** Fails with the list itself, one line each, when it is not empty. */
function none(failures) {
  assert.ok(failures.length === 0, `${failures.length} failures:\n${failures.join('\n')}`);
}

/** Watches a tab for requests that leave the site and for CSP or script errors. */
function watch(page, origin, sink) {
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith('data:')) sink.push(`request to ${u}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/404 \(Not Found\)/.test(msg.text())) sink.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => sink.push(`page error: ${e.message}`));
}

test('every page: reflows at 320 CSS px, first Tab reaches a working skip link, CSP holds', async () => {
  const pages = allPages();
  const started = Date.now();
  const failures = await eachPage(
    browser.context,
    pages,
    async (page) => {
      await page.setViewportSize({ width: 320, height: 640 });
      page.problems = [];
      watch(page, server.origin, page.problems);
    },
    async (page, path) => {
      page.problems.length = 0;
      await page.goto(server.origin + path, { waitUntil: 'load' });
      const out = [];
      const reflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > width + 0.5)
          .filter((el) => getComputedStyle(el).position !== 'absolute' || el.getBoundingClientRect().width > 1)
          .slice(0, 3)
          .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
        return { scrollWidth: document.documentElement.scrollWidth, width, wide };
      });
      if (reflow.scrollWidth > 320) {
        out.push(`${path}: scrolls sideways at 320px (scrollWidth ${reflow.scrollWidth}; ${reflow.wide.join(', ')})`);
      }
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return { cls: el.className, href: el.getAttribute('href'), w: r.width, h: r.height };
      });
      if (first.cls !== 'skip-link' || first.href !== '#main') {
        out.push(`${path}: first Tab focuses ${first.cls || 'nothing'}, not the skip link`);
      } else if (first.w < 20 || first.h < 20) {
        out.push(`${path}: the focused skip link is not visible (${first.w}×${first.h})`);
      } else {
        await page.keyboard.press('Enter');
        const landed = await page.evaluate(() => document.activeElement?.id);
        if (landed !== 'main') out.push(`${path}: the skip link moves focus to ${landed || 'nothing'}, not main`);
      }
      out.push(...page.problems.map((p) => `${path}: ${p}`));
      return out;
    },
  );
  console.log(`reflow, skip link, CSP: ${pages.length} pages in ${since(started)} s, ${failures.length} failures`);
  none(failures);
});

test('every page at 200% text size (browser font size 32px), phone and desktop: nothing cut off, no sideways scroll', async () => {
  const normal = await browser.context.newPage();
  await normal.goto(server.origin + '/', { waitUntil: 'load' });
  const base = await normal.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await normal.close();
  const big = await launch({}, { textSize: 32 });
  const failures = [];
  try {
    for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
      const pages = allPages();
      const started = Date.now();
      failures.push(...await eachPage(
        big.context,
        pages,
        (page) => page.setViewportSize(viewport),
        async (page, path) => {
          await page.goto(server.origin + path, { waitUntil: 'load' });
          const r = await page.evaluate((base) => {
            const root = document.documentElement;
            const size = parseFloat(getComputedStyle(document.body).fontSize);
            const problems = [];
            if (size < 1.99 * base) problems.push(`text is ${size}px, not 200% of ${base}px`);
            if (root.scrollWidth > root.clientWidth) {
              problems.push(`scrolls sideways (scrollWidth ${root.scrollWidth} > ${root.clientWidth})`);
            }
            const hidden = (el) => {
              for (let e = el; e; e = e.parentElement) {
                const s = getComputedStyle(e);
                if (s.display === 'none' || s.visibility === 'hidden') return true;
                if (e.classList.contains('visually-hidden') || e.classList.contains('skip-link')) return true;
                // The visually-hidden pattern (for screen readers only): a 1px clipped box.
                const r = e.getBoundingClientRect();
                if (r.width <= 1 && r.height <= 1 && (s.overflow === 'hidden' || s.clipPath !== 'none')) return true;
              }
              return false;
            };
            const clips = (v) => v === 'hidden' || v === 'clip';
            for (const el of document.querySelectorAll('body *')) {
              if (!el.innerText || !el.innerText.trim() || hidden(el)) continue;
              const s = getComputedStyle(el);
              const cutX = clips(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
              const cutY = clips(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
              const ellipsis = s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1;
              if (cutX || cutY || ellipsis) {
                problems.push(`text cut off in ${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]} ("${el.innerText.trim().slice(0, 40)}")`);
              }
            }
            // Text pushed past either edge of the page is cut off too.
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (!n.textContent.trim() || hidden(n.parentElement)) continue;
              const range = document.createRange();
              range.selectNodeContents(n);
              const b = range.getBoundingClientRect();
              if (b.width > 0 && (b.left < -1 || b.right > root.clientWidth + 1)) {
                problems.push(`text off the page: "${n.textContent.trim().slice(0, 40)}"`);
                break;
              }
            }
            return problems;
          }, base);
          return r.map((p) => `${path} at ${viewport.width}px: ${p}`);
        },
      ));
      console.log(`200% text at ${viewport.width}px: ${pages.length} pages in ${since(started)} s`);
    }
  } finally {
    await big.close();
  }
  none(failures);
});

/** Styles that can show focus. */
const FOCUS_PROPS = [
  'outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color',
  'color', 'border-top-color', 'border-bottom-color', 'border-bottom-width', 'text-decoration-line',
];

test('each page type: Tab reaches every interactive element, each with a visible focus indicator', async () => {
  const failures = [];
  const page = await browser.context.newPage();
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    await page.setViewportSize(viewport);
    for (const [kind, path] of Object.entries(pagesByType())) {
      await page.goto(server.origin + path, { waitUntil: 'load' });
      // Every element a keyboard user must reach, with how it looks unfocused.
      const expected = await page.evaluate((props) => {
        const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
        // Only what is shown: the filters in a closed <details> are reached by opening its
        // summary (which is checked), and the shortlist button is hidden until its script runs.
        const els = [...document.querySelectorAll(sel)].filter((el) => !el.disabled && el.checkVisibility());
        els.forEach((el, i) => el.setAttribute('data-kb', i));
        return els.map((el) => {
          const s = getComputedStyle(el);
          return { i: el.getAttribute('data-kb'), name: (el.innerText || el.name || el.id || el.tagName).trim().slice(0, 40), style: props.map((p) => s.getPropertyValue(p)) };
        });
      }, FOCUS_PROPS);
      const reached = new Set();
      for (let n = 0; n < expected.length + 5; n++) {
        await page.keyboard.press('Tab');
        const now = await page.evaluate((props) => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          return { i: el.getAttribute('data-kb'), style: props.map((p) => s.getPropertyValue(p)), w: r.width, h: r.height };
        }, FOCUS_PROPS);
        if (!now || now.i === null) break;
        if (reached.has(now.i)) break;
        reached.add(now.i);
        const before = expected[Number(now.i)];
        const changed = FOCUS_PROPS.filter((p, k) => before.style[k] !== now.style[k]);
        const outline = now.style[0] !== 'none' && parseFloat(now.style[1]) >= 2 && !/rgba\(\d+, \d+, \d+, 0\)/.test(now.style[2]);
        const visible = changed.some((p) => ['box-shadow', 'background-color', 'color', 'border-bottom-color', 'border-bottom-width'].includes(p)) ||
          (changed.some((p) => p.startsWith('outline')) && outline);
        if (!visible) failures.push(`${kind} ${path} ${viewport.width}px: no visible focus on "${before.name}" (changed: ${changed.join(', ') || 'nothing'})`);
        if (now.w < 1 || now.h < 1) failures.push(`${kind} ${path}: focused "${before.name}" is not on screen`);
      }
      for (const e of expected) {
        if (!reached.has(e.i)) failures.push(`${kind} ${path} ${viewport.width}px: Tab never reaches "${e.name}"`);
      }
    }
  }
  await page.close();
  none(failures);
});

test('the search form works by keyboard alone', async () => {
  const page = await browser.context.newPage();
  for (const path of ['/', '/search/', '/404.html']) {
    await page.goto(server.origin + path, { waitUntil: 'load' });
    let focused = null;
    for (let n = 0; n < 80 && focused !== 'search-q'; n++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id);
    }
    assert.equal(focused, 'search-q', `${path}: Tab never reaches the search box`);
    await page.keyboard.type('day centre');
    await Promise.all([page.waitForURL(/\/search\/\?q=/), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/search/', `${path}: the form went to ${url.pathname}`);
    assert.equal(url.searchParams.get('q'), 'day centre');
    // The button works by keyboard too: Tab to it and press Space.
    await page.goto(server.origin + path, { waitUntil: 'load' });
    await page.focus('#search-q');
    await page.keyboard.type('art');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), 'Search');
    await Promise.all([page.waitForURL(/q=art/), page.keyboard.press('Space')]);
  }
  // The filters by keyboard alone: open them from their summary, tick Saturday and
  // "Evening", and send the form; the page script then shows the results.
  await page.goto(server.origin + '/search/', { waitUntil: 'load' });
  await page.focus('#search-q');
  let on = null;
  for (let n = 0; n < 10 && on !== 'SUMMARY'; n++) {
    await page.keyboard.press('Tab');
    on = await page.evaluate(() => document.activeElement?.tagName);
  }
  assert.equal(on, 'SUMMARY', 'Tab reaches the filters');
  await page.keyboard.press('Enter');
  const ticks = ['f-day-saturday', 'f-when-evening'];
  for (let n = 0; n < 40 && ticks.length; n++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.id);
    if (id === ticks[0]) {
      await page.keyboard.press('Space');
      ticks.shift();
    }
  }
  assert.deepEqual(ticks, [], 'Tab reaches the Saturday and Evening boxes');
  await Promise.all([page.waitForURL(/day=saturday/), page.keyboard.press('Enter')]);
  const url = new URL(page.url());
  assert.deepEqual([url.searchParams.get('day'), url.searchParams.get('when')], ['saturday', 'evening']);
  await page.waitForSelector('#search-results .results__count');
  const count = await page.textContent('#search-results .results__count');
  assert.match(count, /^\d+ results?$/, 'the page script shows the result count');
  await page.close();
});

test('JavaScript off: every page type shows its content and its links work', async () => {
  const nojs = await launch({ javaScriptEnabled: false });
  const failures = [];
  try {
    const page = await nojs.context.newPage();
    for (const [kind, path] of Object.entries(pagesByType())) {
      const res = await page.goto(server.origin + path, { waitUntil: 'load' });
      const status = res.status();
      if (status !== 200) failures.push(`${kind} ${path}: status ${status}`);
      const { h1, text, links } = await page.evaluate(() => ({
        h1: document.querySelector('h1')?.innerText.trim(),
        text: document.querySelector('main')?.innerText.trim().length ?? 0,
        links: [...new Set([...document.querySelectorAll('a[href]')].map((a) => a.href))],
      }));
      if (!h1) failures.push(`${kind} ${path}: no visible h1`);
      if (text < 100) failures.push(`${kind} ${path}: main shows only ${text} characters`);
      const internal = links.filter((l) => l.startsWith(server.origin));
      for (const l of internal) {
        const r = await page.request.get(l.split('#')[0]);
        if (r.status() !== 200) failures.push(`${kind} ${path}: link ${l} gives ${r.status()}`);
      }
      // Follow the first link in the main content by clicking it, like a person would.
      const first = page.locator('main a[href^="/"], main a[href^="."], main a[href]:not([href^="mailto"]):not([href^="tel"]):not([href^="http"])').first();
      if ((await first.count()) > 0) {
        const href = await first.getAttribute('href');
        await Promise.all([page.waitForLoadState('load'), first.click()]);
        const h = await page.evaluate(() => document.querySelector('h1')?.innerText.trim());
        if (!h) failures.push(`${kind} ${path}: clicking ${href} lands on a page with no h1`);
      }
    }
    await page.close();
  } finally {
    await nojs.close();
  }
  none(failures);
});

test('screenshots of each page type at mobile and desktop', async () => {
  const dir = process.env.SCREENSHOTS || mkdtempSync(join(tmpdir(), 'signpost-screenshots-'));
  mkdirSync(dir, { recursive: true });
  const page = await browser.context.newPage();
  let count = 0;
  for (const [name, viewport] of [['mobile', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 800 }]]) {
    await page.setViewportSize(viewport);
    for (const [kind, path] of Object.entries(pagesByType())) {
      await page.goto(server.origin + path, { waitUntil: 'load' });
      await page.screenshot({ path: join(dir, `${kind}-${name}.png`), fullPage: true });
      count++;
    }
  }
  await page.close();
  console.log(`screenshots: ${count} in ${dir}`);
  assert.equal(count, 2 * Object.keys(pagesByType()).length);
});
