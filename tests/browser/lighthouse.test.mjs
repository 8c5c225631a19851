// Lighthouse (mobile, its default) on one page of each type: accessibility 100,
// performance ≥ 95, best practices 100, SEO ≥ 95.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM, CHROMIUM_ARGS, pagesByType, startServer } from './site.mjs';

const MIN = { accessibility: 100, performance: 95, 'best-practices': 100, seo: 95 };

let server;
let chrome;
let profile;
before(async () => {
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), 'signpost-lighthouse-'));
  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || CHROMIUM,
    chromeFlags: CHROMIUM_ARGS,
    userDataDir: profile,
    logLevel: 'silent',
  });
});
after(async () => {
  await chrome?.kill();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('Lighthouse on one page of each type', async () => {
  const failures = [];
  const rows = [];
  for (const [kind, path] of Object.entries(pagesByType())) {
    const result = await lighthouse(server.origin + path, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: Object.keys(MIN),
    });
    const lhr = result.lhr;
    if (lhr.runtimeError) {
      failures.push(`${kind} ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      continue;
    }
    const scores = Object.fromEntries(
      Object.keys(MIN).map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]),
    );
    rows.push(`${kind.padEnd(15)} ${path.padEnd(44)} ${Object.values(scores).map((s) => String(s).padStart(4)).join(' ')}`);
    if (kind === 'not-found') {
      // The 404 page must tell search engines not to index it, which Lighthouse scores as
      // "blocked from indexing". Require exactly that, and every other SEO audit to pass.
      if (lhr.audits['is-crawlable'].score !== 0) failures.push(`${kind} ${path}: the 404 page is indexable`);
      const others = lhr.categories.seo.auditRefs.filter(
        (r) => r.weight > 0 && r.id !== 'is-crawlable' && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1,
      );
      if (others.length) failures.push(`${kind} ${path}: seo: ${others.map((r) => r.id).join(', ')}`);
      scores.seo = Math.max(scores.seo, MIN.seo);
    }
    for (const [c, min] of Object.entries(MIN)) {
      if (scores[c] >= min) continue;
      const lost = lhr.categories[c].auditRefs
        .filter((r) => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
        .map((r) => `${r.id} (${lhr.audits[r.id].displayValue || lhr.audits[r.id].score})`);
      failures.push(`${kind} ${path}: ${c} ${scores[c]} < ${min}: ${lost.join(', ')}`);
    }
  }
  console.log(`Lighthouse (mobile)\n${'page type'.padEnd(15)} ${'page'.padEnd(44)} a11y perf best  seo\n${rows.join('\n')}`);
  if (process.env.LIGHTHOUSE_SCORES) writeFileSync(process.env.LIGHTHOUSE_SCORES, rows.join('\n') + '\n');
  assert.ok(failures.length === 0, `${failures.length} failures:\n${failures.join('\n')}`);
});
