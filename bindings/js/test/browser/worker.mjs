// The dedicated worker: the in-memory check, a CRM kept in the Origin Private File System, and
// every scenario on OPFS.
import { init, Crm, operations } from '../../pkg/index.js';
import { inMemory, describe } from './checks.mjs';
import { run } from '../scenario-runner.mjs';

const ready = init();

/** Removes the OPFS file `name` if it exists. */
async function removeOpfsFile(name) {
  const root = await navigator.storage.getDirectory();
  try {
    await root.removeEntry(name);
  } catch (e) {
    if (e?.name !== 'NotFoundError') throw e;
  }
}

/**
 * The scenario runner's OPFS backend for the scenario file `name`: a new file
 * `scenario-<name>.crm` (`openOpfs`), and a backup reopened by restoring it to a new file name,
 * `scenario-<name>-reopened-<n>.crm` (`restoreOpfs`). A file left by an earlier run is removed
 * first, so that each run starts empty; `files` collects the names used.
 */
function opfsBackend(name, files) {
  const fresh = async (f) => {
    await removeOpfsFile(f);
    files.push(f);
    return f;
  };
  let reopened = 0;
  return {
    name: `OPFS (scenario-${name}*.crm)`,
    open: async (options) => Crm.openOpfs(await fresh(`scenario-${name}.crm`), options),
    reopen: async (bytes, options) => {
      reopened += 1;
      return Crm.restoreOpfs(await fresh(`scenario-${name}-reopened-${reopened}.crm`), bytes, options);
    },
  };
}

const commands = {
  memory: inMemory,

  /** Opens the OPFS file, adds contacts, and leaves without closing (like a closed tab). */
  async opfsWrite({ name, people }) {
    const crm = await Crm.openOpfs(name, {});
    const before = crm.countContacts({});
    const ids = people.map(([given, family, city]) =>
      crm.createContact({ given_name: given, family_name: family, addresses: [{ city }] }).id);
    // A second open of the same file in the same worker is refused while the first holds it.
    let second;
    try {
      await Crm.openOpfs(name, {});
      second = { opened: true };
    } catch (e) {
      second = describe(e);
    }
    return { before, ids, after: crm.countContacts({}), second };
  },

  /** Reopens the OPFS file and reads everything back; backs it up and restores the backup. */
  async opfsRead({ name }) {
    const crm = await Crm.openOpfs(name, {});
    const names = crm.listContacts({ sort: { by: 'name' } }).items.map((c) => c.display_name);
    const ids = crm.listContacts({ sort: { by: 'created_at' } }).items.map((c) => c.id);
    const lodz = crm.search({ text: 'lodz' }).map((h) => h.label);
    const problems = crm.verify().problems;
    const bytes = crm.backup();
    const copy = Crm.openBytes(bytes, {});
    const fromBackup = copy.listContacts({ sort: { by: 'name' } }).items.map((c) => c.display_name);
    const restored = await Crm.restoreOpfs('restored.crm', bytes, {});
    const restoredCount = restored.countContacts({});
    restored.close();
    crm.close();
    // Closing releases the file: it opens again in this worker.
    const again = await Crm.openOpfs(name, {});
    const againCount = again.countContacts({});
    again.close();
    return { names, ids, lodz, problems, backupBytes: bytes.length, fromBackup, restoredCount, againCount };
  },

  /**
   * Runs the named files of tests/scenarios/ here on OPFS, each on files of its own (see
   * opfsBackend), removed afterwards; one outcome per file.
   */
  async scenarios({ names }) {
    const root = await navigator.storage.getDirectory();
    const outcomes = [];
    for (const name of names) {
      const files = [];
      const outcome = { name, ok: true, files: {} };
      try {
        const response = await fetch(`/tests/scenarios/${encodeURIComponent(name)}`);
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        const scenario = await response.json();
        const started = performance.now();
        await run(scenario, { Crm, operations, backend: opfsBackend(name, files) });
        outcome.millis = Math.round(performance.now() - started);
      } catch (e) {
        Object.assign(outcome, { ok: false, error: String(e?.message ?? e) });
      }
      // The size each file had at the end (its CRM is closed and freed by then), then away.
      for (const f of files) {
        try {
          outcome.files[f] = (await (await root.getFileHandle(f)).getFile()).size;
          await removeOpfsFile(f);
        } catch (e) {
          Object.assign(outcome, { ok: false, error: `${outcome.error ?? ''} (removing ${f}: ${e?.message ?? e})` });
        }
      }
      outcomes.push(outcome);
    }
    return outcomes;
  },
};

self.onmessage = async ({ data: { cmd, arg } }) => {
  try {
    await ready;
    const f = commands[cmd];
    if (!f) throw new Error(`unknown command ${cmd}`);
    self.postMessage({ ok: true, result: await f(arg) });
  } catch (e) {
    console.error(`worker ${cmd}:`, e?.stack ?? e);
    self.postMessage({ ok: false, error: describe(e) });
  }
};
console.log('worker.mjs loaded');
