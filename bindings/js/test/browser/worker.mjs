// The dedicated worker: the in-memory check, and a CRM kept in the Origin Private File System.
import { init, Crm } from '../../pkg/index.js';
import { inMemory, describe } from './checks.mjs';

const ready = init();

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
