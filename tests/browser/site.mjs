// Shared helpers for the browser suite: the built site, a static server on 127.0.0.1
// and Debian's chromium driven by playwright-core. Never downloads a browser.
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, extname, relative, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const SITE = process.env.SIGNPOST_SITE;
if (!SITE || !existsSync(join(SITE, 'index.html'))) {
  throw new Error('Set SIGNPOST_SITE to a built Signpost site (a folder with index.html).');
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The policy the pages must work under: nothing inline, nothing from elsewhere.
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

/** Every generated HTML page as a URL path: `/`, `/activities/x/`, `/404.html`. */
export function allPages() {
  return walk(SITE)
    .filter((f) => f.endsWith('.html'))
    .map((f) => '/' + relative(SITE, f).split(sep).join('/'))
    .map((p) => (p.endsWith('/index.html') ? p.slice(0, -'index.html'.length) : p));
}

/** The file behind a URL path. */
export function fileOf(path) {
  const rel = decodeURIComponent(path.split(/[?#]/)[0]);
  const f = join(SITE, rel.endsWith('/') ? rel + 'index.html' : rel);
  return f;
}

/** The page kind from `<body class="page page--KIND">`. */
export function kindOf(path) {
  const html = readFileSync(fileOf(path), 'utf8');
  const m = html.match(/<body class="page page--([a-z-]+)"/);
  return m ? m[1] : 'unknown';
}

/**
 * One page of each type, the first in URL order, with readable names. A text page is
 * the accessibility statement, so the page people check for this is itself checked.
 */
export function pagesByType() {
  const pages = allPages();
  const first = (kind, pred = () => true) => pages.find((p) => kindOf(p) === kind && pred(p));
  const pick = {
    home: '/',
    activity: first('activity'),
    provider: first('provider'),
    venue: first('venue'),
    'changing-place': first('changing-place'),
    browse: first('browse', (p) => p.startsWith('/what/')),
    hub: first('hub'),
    list: first('list'),
    timetable: first('timetable'),
    text: pages.includes('/accessibility/') ? '/accessibility/' : first('text'),
    search: first('search'),
    'not-found': '/404.html',
  };
  for (const [k, v] of Object.entries(pick)) {
    if (!v) throw new Error(`the site has no page of type ${k}`);
  }
  return pick;
}

/** Serves the site on 127.0.0.1 on a free port, with the CSP above. 404.html for misses. */
export async function startServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = fileOf(url.pathname);
    let status = 200;
    const inside = file.startsWith(SITE);
    if (inside && existsSync(file) && statSync(file).isDirectory()) {
      res.writeHead(301, { Location: url.pathname + '/' });
      return res.end();
    }
    if (!inside || !existsSync(file)) {
      file = join(SITE, '404.html');
      status = 404;
    }
    res.writeHead(status, {
      'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Debian's chromium with a fresh profile. `options` go to the browser context
 * (viewport, javaScriptEnabled, bypassCSP ...); `textSize` is the default font size in px.
 */
export async function launch(options = {}, { textSize = 16 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'signpost-chromium-'));
  if (textSize !== 16) {
    // The browser's own text-size setting (Settings → Appearance → Font size), which
    // also scales em-based media queries, exactly as a person's setting would.
    mkdirSync(join(profile, 'Default'));
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({ webkit: { webprefs: { default_font_size: textSize, default_fixed_font_size: Math.round(textSize * 0.8125) } } }),
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** How many tabs work at once (BROWSER_WORKERS, default 2: CI has 2 cores). */
export const WORKERS = Math.max(1, Number(process.env.BROWSER_WORKERS) || 2);

/**
 * Runs `work(page, path)` over every path with WORKERS tabs of one browser context, and
 * returns the non-empty results flattened, in path order.
 */
export async function eachPage(context, paths, setup, work) {
  const results = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    const page = await context.newPage();
    await setup(page);
    while (next < paths.length) {
      const i = next++;
      results[i] = await work(page, paths[i]);
    }
    await page.close();
  };
  await Promise.all(Array.from({ length: Math.min(WORKERS, paths.length) }, worker));
  return results.flat().filter(Boolean);
}

/** Seconds since `t`, one decimal. */
export const since = (t) => ((Date.now() - t) / 1000).toFixed(1);
