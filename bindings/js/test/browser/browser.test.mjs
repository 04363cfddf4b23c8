// The package in Debian's headless Chromium, driven by playwright-core: every scenario file
// run in the page (in memory) and in a dedicated worker (on OPFS), the package in the page and
// in a dedicated worker, and OPFS in a worker across a page reload. Serves the repository
// over http://127.0.0.1:<free port> with the small static server below.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat, mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const PAGE = '/bindings/js/test/browser/index.html';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

/** A static file server for ROOT on 127.0.0.1 and a free port. */
async function serve(root) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const file = resolve(root, `.${path}`);
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside'), { status: 403 });
      const s = await stat(file);
      if (!s.isFile()) throw Object.assign(new Error('not a file'), { status: 404 });
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': s.size,
        'cache-control': 'no-store',
      });
      createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(e.status ?? 404, { 'content-type': 'text/plain' });
      res.end(`${e.status ?? 404} ${req.url}\n`);
      log.push(`[server] ${e.status ?? 404} ${req.url}`);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

const log = []; // console messages of the page and its workers, server refusals
let server;
let userDataDir;
let context;
let page;

async function load() {
  await page.goto(`${server.url}${PAGE}`);
  await page.waitForFunction(() => window.crmTest !== undefined, null, { timeout: 30_000 });
  await page.evaluate(() => window.crmTest.ready);
}

/** Runs `body`; on failure, prints what the browser said. */
function browserTest(name, body) {
  test(name, { timeout: 120_000 }, async () => {
    const from = log.length;
    try {
      await body();
    } catch (e) {
      console.error(`--- browser console during "${name}":\n${log.slice(from).join('\n') || '(nothing)'}\n---`);
      throw e;
    }
  });
}

before(async () => {
  server = await serve(ROOT);
  userDataDir = await mkdtemp(join(tmpdir(), 'crm-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const record = (where) => (msg) => log.push(`[${where} ${msg.type()}] ${msg.text()}`);
  page = context.pages()[0] ?? await context.newPage();
  page.on('console', (msg) => { if (!msg.worker?.()) record('page')(msg); });
  page.on('pageerror', (e) => log.push(`[page error] ${e.stack ?? e}`));
  page.on('worker', (w) => {
    w.on('console', record('worker'));
  });
  await load();
});

after(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

function checkInMemory(r, where) {
  assert.equal(r.count, 2, where);
  assert.match(r.created.id, /^contact_[0-9a-z]{26}$/, where);
  assert.equal(r.created.display_name, 'Łucja Wiśniewska', where);
  assert.equal(r.created.addresses[0].city, 'Łódź', where);
  assert.equal(r.created.phones[0].e164, '+48601234567', where);
  assert.ok(Math.abs(Date.parse(r.created.created_at) - Date.now()) < 5 * 60_000, `${where}: created_at ${r.created.created_at}`);
  assert.deepEqual(r.lodz.map((h) => h.record), [r.created.id], `${where}: "lodz" finds Łódź`);
  assert.deepEqual(r.wisniewska.map((h) => h.label), ['Łucja Wiśniewska'], where);
  assert.equal(r.backupIsBytes, true, where);
}

async function scenarioNames() {
  const names = (await readdir(join(ROOT, 'tests', 'scenarios'))).filter((f) => f.endsWith('.json')).sort();
  assert.ok(names.length > 0, 'scenario files exist');
  return names;
}

browserTest('every scenario file passes in the page, in memory', async () => {
  const names = await scenarioNames();
  const outcomes = await page.evaluate((n) => window.crmTest.scenarios(n), names);
  assert.deepEqual(outcomes.map((o) => o.name), names, 'every file ran');
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.error}`);
  assert.deepEqual(failed, [], 'scenarios failed in Chromium');
});

browserTest('every scenario file passes in a dedicated worker, on OPFS', async () => {
  const names = await scenarioNames();
  const outcomes = await page.evaluate((n) => window.crmTest.inWorker('scenarios', { names: n }), names);
  assert.deepEqual(outcomes.map((o) => o.name), names, 'every file ran');
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.error}`);
  assert.deepEqual(failed, [], 'scenarios failed on OPFS');
  for (const o of outcomes) {
    // The CRM lived in OPFS: its file was written (and closed) there.
    assert.ok(o.files[`scenario-${o.name}.crm`] > 0, `${o.name}: OPFS files ${JSON.stringify(o.files)}`);
  }
});

browserTest('the package works in the page', async () => {
  checkInMemory(await page.evaluate(() => window.crmTest.inPage()), 'page');
});

browserTest('the package works in a dedicated worker', async () => {
  checkInMemory(await page.evaluate(() => window.crmTest.inWorker('memory')), 'worker');
});

browserTest('OPFS outside a worker is refused with a storage CrmError', async () => {
  const e = await page.evaluate(async () => {
    const { Crm } = await import('../../pkg/index.js');
    try {
      await Crm.openOpfs('page.crm', {});
      return null;
    } catch (err) {
      return window.crmTest.describe(err);
    }
  });
  assert.ok(e, 'openOpfs in the page should fail');
  assert.equal(e.name, 'CrmError');
  assert.equal(e.code, 'storage');
});

browserTest('a CRM in OPFS survives a page reload', async () => {
  const people = [['Zofia', 'Łódzka', 'Łódź'], ['Ana', 'Popescu', 'Cluj'], ['Jan', 'Kowalski', 'Lodz']];
  const w = await page.evaluate((arg) => window.crmTest.inWorker('opfsWrite', arg), { name: 'test.crm', people });
  assert.equal(w.before, 0, 'a fresh profile starts with an empty file');
  assert.equal(w.ids.length, 3);
  assert.equal(w.after, 3);
  assert.equal(w.second.name, 'CrmError', `a second open of a held file: ${JSON.stringify(w.second)}`);
  assert.equal(w.second.code, 'storage');

  await page.reload();
  await page.waitForFunction(() => window.crmTest !== undefined, null, { timeout: 30_000 });
  await page.evaluate(() => window.crmTest.ready);

  const r = await page.evaluate((arg) => window.crmTest.inWorker('opfsRead', arg), { name: 'test.crm' });
  assert.deepEqual(r.ids, w.ids, 'the same records, in creation order');
  assert.deepEqual(r.names, ['Ana Popescu', 'Jan Kowalski', 'Zofia Łódzka']);
  assert.deepEqual(r.lodz.sort(), ['Jan Kowalski', 'Zofia Łódzka']);
  assert.deepEqual(r.problems, []);
  assert.ok(r.backupBytes > 0);
  assert.deepEqual(r.fromBackup, r.names, 'the backup taken there reopens with openBytes');
  assert.equal(r.restoredCount, 3, 'restoreOpfs writes the backup to another file');
  assert.equal(r.againCount, 3, 'close() releases the file');
});
