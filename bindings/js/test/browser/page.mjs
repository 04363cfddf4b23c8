// The page: loads the package, runs the in-memory check and the scenarios (in memory) here, and
// drives a dedicated worker (worker.mjs) for the same check, for OPFS, and for the scenarios on
// OPFS. browser.test.mjs calls window.crmTest.
import { init, Crm, operations } from '../../pkg/index.js';
import { inMemory, describe } from './checks.mjs';
import { run } from '../scenario-runner.mjs';

/** Runs `cmd` in a fresh dedicated worker, which is then terminated. */
function inWorker(cmd, arg) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
    const done = (f, v) => { worker.terminate(); f(v); };
    worker.onmessage = ({ data }) => (data.ok ? done(resolve, data.result) : done(reject, Object.assign(new Error(`worker ${cmd}: ${data.error.name} ${data.error.code ?? ''}: ${data.error.message}\n${data.error.stack ?? ''}`), { detail: data.error })));
    worker.onerror = (e) => done(reject, new Error(`worker ${cmd} failed to run: ${e.message} (${e.filename}:${e.lineno})`));
    worker.onmessageerror = () => done(reject, new Error(`worker ${cmd}: a message could not be read`));
    worker.postMessage({ cmd, arg });
  });
}

window.crmTest = {
  ready: init().then(() => true),
  async inPage() {
    await window.crmTest.ready;
    return inMemory();
  },
  inWorker,
  describe,
  /** Runs the named files of tests/scenarios/ here, in the page; one outcome per file. */
  async scenarios(names) {
    await window.crmTest.ready;
    const outcomes = [];
    for (const name of names) {
      try {
        const response = await fetch(`/tests/scenarios/${encodeURIComponent(name)}`);
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        await run(await response.json(), { Crm, operations });
        outcomes.push({ name, ok: true });
      } catch (e) {
        outcomes.push({ name, ok: false, error: String(e?.message ?? e) });
      }
    }
    return outcomes;
  },
};
console.log('page.mjs loaded');
