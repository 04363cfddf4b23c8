// Runs the JavaScript code blocks of bindings/js/README.md, so that the README stays true.
//
// The fence's info string decides what happens to a block:
//   ```js             runs. All such blocks, in the README's order, are joined into one ES
//                     module (like a notebook: a block may use the names an earlier block
//                     declared; top-level await works), written to a temporary .mjs file and
//                     imported. Repeated imports are merged, so every block may import what it
//                     uses.
//   ```js standalone  runs too, but alone, as its own module (an example that starts from
//                     scratch and would otherwise clash with the names of the notebook).
//   ```js browser     is skipped: code for pages and workers (OPFS), which Node cannot run;
//                     the browser test (test/browser/) covers those paths.
//   anything else     (```html, ```ts, ```sh) is not run by this test.
// The package specifier '@crm/core-wasm' is rewritten to the built package (../pkg/index.js).
// A failure names the README line of the block it happened in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const README = join(HERE, '..', 'README.md');
const PKG = pathToFileURL(join(HERE, '..', 'pkg', 'index.js')).href;
const SPECIFIER = '@crm/core-wasm';

/** The fenced blocks of `text`: { line (of the first code line), lang, flags, code }. */
function codeBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    let j = i + 1;
    while (j < lines.length && !lines[j].trim().startsWith(fence)) j++;
    assert.ok(j < lines.length, `README.md:${i + 1}: the code fence is never closed`);
    const [lang = '', ...flags] = info.trim().split(/\s+/);
    const code = lines.slice(i + 1, j).map((l) => l.slice(Math.min(indent.length, l.search(/\S|$/)))).join('\n');
    blocks.push({ line: i + 2, lang, flags, code });
    i = j;
  }
  return blocks;
}

const IMPORT = /^import\s+(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*(['"])([^'"]+)\3;?[ \t]*$/gm;

/**
 * One module from `blocks`: their imports merged at the top (the package's specifier
 * rewritten), then each block's code, preceded by a marker comment that maps the module's
 * lines back to the README's.
 */
function moduleOf(blocks) {
  const imports = new Map(); // specifier -> { default, names: Set }
  const body = [];
  const lineMap = []; // [module line, README line] at the start of each block
  for (const b of blocks) {
    const code = b.code.replace(IMPORT, (_, def, names, _q, from) => {
      const spec = from === SPECIFIER ? PKG : from;
      const entry = imports.get(spec) ?? { def: undefined, names: new Set() };
      if (def) entry.def = def;
      for (const n of (names ?? '').split(',').map((s) => s.trim()).filter(Boolean)) entry.names.add(n);
      imports.set(spec, entry);
      return ''; // keeps the block's line count (the import lines become empty)
    });
    assert.ok(!code.includes(SPECIFIER), `README.md:${b.line}: an import of ${SPECIFIER} this test cannot merge`);
    body.push({ b, code });
  }
  const head = [...imports].map(([spec, { def, names }]) => {
    const parts = [def, names.size ? `{ ${[...names].join(', ')} }` : undefined].filter(Boolean);
    return `import ${parts.join(', ')} from ${JSON.stringify(spec)};`;
  });
  const out = [...head]; // one line per item
  for (const { b, code } of body) {
    out.push(`// ---- README.md:${b.line}`);
    lineMap.push([out.length + 1, b.line]);
    out.push(...code.split('\n'));
  }
  return { source: out.join('\n') + '\n', lineMap };
}

/** The README line of line `n` of a module made by moduleOf. */
function readmeLine(lineMap, n) {
  let at;
  for (const [start, line] of lineMap) if (start <= n) at = line + (n - start);
  return at;
}

async function run(name, blocks, dir) {
  const { source, lineMap } = moduleOf(blocks);
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  // A CrmError is made inside the WebAssembly call: with the default limit of 10 frames its
  // stack holds only wasm frames, not the README line that called.
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 100);
  try {
    await import(pathToFileURL(file).href);
  } catch (e) {
    // Point at the README: the first frame in the generated module.
    const m = new RegExp(`${name}\\.mjs:(\\d+)`).exec(String(e?.stack ?? ''));
    const where = m ? `README.md:${readmeLine(lineMap, Number(m[1]))}` : `the blocks at README.md:${blocks.map((b) => b.line).join(', ')}`;
    const err = new Error(`${where}: ${e?.name ?? 'Error'}${e?.code ? ` (${e.code}${e.field ? ` on ${e.field}` : ''})` : ''}: ${e?.message ?? e}`);
    err.cause = e;
    throw err;
  }
}

const blocks = codeBlocks(readFileSync(README, 'utf8')).filter((b) => b.lang === 'js');
const notebook = blocks.filter((b) => b.flags.length === 0);
const standalone = blocks.filter((b) => b.flags.includes('standalone'));
const unknown = blocks.filter((b) => b.flags.some((f) => f !== 'standalone' && f !== 'browser'));

test('the README marks every js block as notebook, standalone or browser', () => {
  assert.deepEqual(unknown.map((b) => `README.md:${b.line} ${b.flags.join(' ')}`), []);
  assert.ok(notebook.length >= 10, `expected the Tour's blocks, found ${notebook.length}`);
});

const dir = mkdtempSync(join(tmpdir(), 'crm-readme-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const b of standalone) {
  test(`standalone block at README.md:${b.line}`, () => run(`standalone-${b.line}`, [b], dir));
}

test(`the notebook: ${notebook.length} js blocks in order`, () => run('notebook', notebook, dir));
