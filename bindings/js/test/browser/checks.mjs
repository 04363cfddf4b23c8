// The in-memory check, run both in the page and in a worker: create, then search ignoring
// case and diacritics. Returns plain data for the test to assert on.
import { Crm } from '../../pkg/index.js';

export function inMemory() {
  const crm = Crm.openInMemory({ default_phone_region: 'PL' });
  const lucja = crm.createContact({
    given_name: 'Łucja',
    family_name: 'Wiśniewska',
    addresses: [{ city: 'Łódź', country: 'PL' }],
    phones: [{ number: '601 234 567' }],
  });
  crm.createContact({ given_name: 'Ana', family_name: 'Popescu', addresses: [{ city: 'Cluj' }] });
  const result = {
    created: lucja,
    lodz: crm.search({ text: 'lodz' }),
    wisniewska: crm.search({ text: 'WISNIEWSKA' }),
    count: crm.countContacts({}),
    backupIsBytes: crm.backup() instanceof Uint8Array,
  };
  crm.close();
  return result;
}

/** A thrown value as plain data (it crosses postMessage and page.evaluate). */
export function describe(e) {
  return {
    name: e?.name, code: e?.code, field: e?.field, message: String(e?.message ?? e), stack: e?.stack,
  };
}
