// The page: loads the package, runs the in-memory check here, and drives a dedicated worker
// (worker.mjs) for the same check and for OPFS. browser.test.mjs calls window.crmTest.
import { init } from '../../pkg/index.js';
import { inMemory, describe } from './checks.mjs';

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
};
console.log('page.mjs loaded');
