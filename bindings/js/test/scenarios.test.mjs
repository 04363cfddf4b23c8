// Runs every scenario of tests/scenarios/ against the npm package in Node, with the runner of
// scenario-runner.mjs (the semantics documented at the top of tests/src/scenario.rs), in
// memory: WebAssembly in Node has no file backend (OPFS runs in the browser test's worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

import { init, Crm, operations } from '../pkg/index.js';
import { camel, matches, run, show } from './scenario-runner.mjs';

const SCENARIOS = new URL('../../../tests/scenarios/', import.meta.url);

await init();

/** Every scenario file, by name, sorted (like `scenario::load_all`). */
function loadAll() {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(new URL(f, SCENARIOS), 'utf8'))]);
}

const all = loadAll();

test('the scenario directory holds scenarios', () => {
  assert.ok(all.length > 0, `no scenario in ${SCENARIOS.pathname}`);
});

for (const [name, scenario] of all) {
  test(`scenario ${name}: ${scenario.description}`, async () => {
    assert.ok(Array.isArray(scenario.steps) && scenario.steps.length > 0, 'a scenario has steps');
    await run(scenario, { Crm, operations });
  });
}

test('every operation is a method of Crm and has a scenario', () => {
  const used = new Set(all.flatMap(([, s]) => s.steps.map((st) => st.op)));
  const ops = operations();
  assert.ok(ops.length > 0);
  const missing = [];
  for (const op of ops) {
    if (typeof Crm.prototype[camel(op)] !== 'function') missing.push(`${op}: no method Crm.prototype.${camel(op)}`);
    if (!used.has(op)) missing.push(`${op} has no scenario`);
  }
  for (const op of used) {
    if (!op.startsWith('$') && !ops.includes(op)) missing.push(`scenarios use ${op}, which is not an operation`);
  }
  assert.deepEqual(missing, []);
});

// The runner's own matching rules, so that a broken matcher cannot pass everything.
test('the matcher refuses what the Rust runner refuses', () => {
  const refuses = (e, a) => assert.throws(() => matches(e, a, 'r'), /r/, `${show(e)} vs ${show(a)}`);
  matches({ a: 1 }, { a: 1, b: 2 }, 'r');
  refuses({ a: 1 }, { a: 2 });
  refuses({ a: 1 }, { b: 1 });
  matches({ a: null }, { b: 1 }, 'r');
  refuses([1], [1, 2]);
  refuses([{ a: 1 }], [{ a: 2 }]);
  matches({ $len: 2 }, [5, 6], 'r');
  refuses({ $len: 2 }, [5]);
  refuses({ $len: 0 }, {});
  refuses({ $len: 1, x: 1 }, [1]);
  matches('2026-11-22T09:00:00Z', '2026-11-22T10:00:00+01:00', 'r');
  matches('2026-11-22T09:00:00Z', '2026-11-22 09:00:00.000z', 'r');
  refuses('2026-11-22T09:00:00Z', '2026-11-22T09:00:00.000001Z');
  refuses('2026-11-22T09:00:00Z', '2026-11-22T09:00:01Z');
  refuses('2026-11-22', '2026-11-22T00:00:00Z');
  refuses('2026-02-30T00:00:00Z', '2026-03-02T00:00:00Z');
  refuses(1, '1');
  refuses(null, {});
  refuses({}, null);
  refuses({ a: 1 }, [1]);
  matches([], [], 'r');
  refuses(true, false);
});
