// axe-core on every generated page, at a phone size and a desktop size: zero violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { allPages, startServer, launch, eachPage, since } from './site.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const VIEWPORTS = [
  { name: 'mobile 390×844', width: 390, height: 844 },
  { name: 'desktop 1280×800', width: 1280, height: 800 },
];

let server;
let browser;
before(async () => {
  server = await startServer();
  // axe is injected by the test, so the page's CSP is bypassed for it alone; the CSP
  // itself is checked in keyboard.test.mjs.
  browser = await launch({ bypassCSP: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

for (const viewport of VIEWPORTS) {
  test(`axe (${TAGS.join(', ')}) on every page at ${viewport.name}`, async () => {
    const pages = allPages();
    assert.ok(pages.length > 0, 'no pages found');
    const started = Date.now();
    const failures = await eachPage(
      browser.context,
      pages,
      async (page) => {
        await page.setViewportSize({ width: viewport.width, height: viewport.height });
        await page.addInitScript(AXE);
      },
      async (page, path) => {
        await page.goto(server.origin + path, { waitUntil: 'load' });
        const violations = await page.evaluate(async (tags) => {
          const r = await window.axe.run(document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations'],
          });
          return r.violations.map((v) => ({
            id: v.id,
            help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
          }));
        }, TAGS);
        return violations.map((v) => `${path}: ${v.id} (${v.help}) at ${v.nodes.join(' | ')}`);
      },
    );
    console.log(
      `axe ${viewport.name}: ${pages.length} pages in ${since(started)} s, ${failures.length} violations`,
    );
    assert.ok(failures.length === 0, `${failures.length} axe violations:\n${failures.join("\n")}`);
  });
}
