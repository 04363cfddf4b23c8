// What the JavaScript binding adds on top of the core, seen from JavaScript: error objects,
// null and omitted values, numbers, dates, close(), progress callbacks, backups, OPFS outside
// a worker, arguments that do not parse, the test clock (advanceClock), and the package's
// conversion of a WebAssembly trap into a CrmError `internal`.
// Business rules are the scenarios' job (scenarios.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { init, Crm, CrmError, operations, _guard } from '../pkg/index.js';

await init();

const START = '2026-11-22T09:00:00Z';
const FIXED = { clock_start: START, clock_step_millis: 1000, sequential_ids: true, default_phone_region: 'PL' };
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const camel = (op) => op.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Asserts `f` throws a CrmError with these properties and returns it. */
function throwsCrm(f, expected) {
  let thrown;
  assert.throws(f, (e) => { thrown = e; return true; });
  assert.ok(thrown instanceof Error, `not an Error: ${thrown}`);
  assert.equal(thrown.name, 'CrmError', `${thrown.stack ?? thrown}`);
  for (const [k, v] of Object.entries(expected)) assert.equal(thrown[k], v, `${k} of ${thrown.stack}`);
  return thrown;
}

test('initialising twice is harmless', async () => {
  await init();
  await Promise.all([init(), init()]);
});

test('a CrmError is an Error named CrmError with code, field, reason and existing', () => {
  const crm = Crm.openInMemory(FIXED);
  const v = throwsCrm(() => crm.createContact({}), { code: 'validation', field: 'display_name' });
  assert.equal(typeof v.message, 'string');
  assert.ok(v.message.length > 0);
  assert.equal(typeof v.reason, 'string');
  assert.ok(v.reason.length > 0);
  assert.equal(v.existing, undefined);
  assert.equal(typeof v.stack, 'string');

  const ana = crm.createContact({ emails: [{ address: 'ana@dacia.ro' }] });
  const c = throwsCrm(() => crm.createContact({ emails: [{ address: 'ANA@dacia.ro' }] }),
    { code: 'conflict', field: 'emails[0].address', existing: ana.id });
  assert.equal(typeof c.reason, 'string');

  const n = throwsCrm(() => crm.getContact('contact_00000000000000000000000000'), { code: 'not_found' });
  assert.equal(n.field, undefined);
  assert.equal(n.reason, undefined);
  assert.equal(n.existing, undefined);

  // The messages do not repeat the values given.
  const s = throwsCrm(() => crm.createContact({ emails: 'secret.person@example.com' }), { code: 'validation', field: 'emails' });
  assert.ok(!s.message.includes('secret.person'), s.message);
  assert.ok(!s.reason.includes('secret.person'), s.reason);
});

test('absent values are null; omitted, null and undefined optional properties are accepted', () => {
  const crm = Crm.openInMemory(FIXED);
  const a = crm.createContact({ given_name: 'Zofia' });
  for (const k of ['family_name', 'birthday', 'language', 'job_title', 'owner', 'source', 'lifecycle_stage', 'archived_at']) {
    assert.equal(a[k], null, k);
  }
  assert.deepEqual(a.emails, []);
  assert.deepEqual(a.tags, []);
  assert.deepEqual(a.custom_fields, {});
  assert.equal(Object.getPrototypeOf(a), Object.prototype, 'a plain object');
  assert.equal(Object.getPrototypeOf(a.custom_fields), Object.prototype, 'maps are plain objects');

  const b = crm.createContact({ given_name: 'Jan', family_name: null, emails: [{ address: 'jan@x.pl', label: null }], birthday: undefined });
  assert.equal(b.family_name, null);
  assert.equal(b.emails[0].label, null);
  assert.equal(b.emails[0].primary, true);

  assert.equal(crm.findContactByEmail('nobody@x.pl'), null);
  assert.deepEqual(crm.findContactsByPhone('+48 600 000 000'), []);
  assert.equal(crm.listContacts({}).next_cursor, null);
  assert.equal(crm.listContacts({ filter: {}, sort: { by: 'name' } }).items.length, 2);
  assert.equal(crm.deleteContact(b.id), undefined);
  assert.equal(crm.close(), undefined);
});

test('numbers are JavaScript numbers', () => {
  const crm = Crm.openInMemory(FIXED);
  crm.defineField({ record_kind: 'contact', key: 'visits', label: 'Visits', kind: { type: 'integer' } });
  crm.defineField({ record_kind: 'contact', key: 'budget', label: 'Budget', kind: { type: 'money', currency: 'PLN' } });
  const c = crm.createContact({
    given_name: 'Ana',
    custom_fields: { visits: { integer: 12 }, budget: { money: { amount_minor: 9007199254740991, currency: 'PLN' } } },
  });
  assert.equal(c.custom_fields.visits.integer, 12);
  assert.equal(c.custom_fields.budget.money.amount_minor, Number.MAX_SAFE_INTEGER);
  const count = crm.countContacts({});
  assert.equal(typeof count, 'number');
  assert.equal(count, 1);
  assert.equal(crm.countCompanies({}), 0);
  const hit = crm.search({ text: 'ana' })[0];
  assert.equal(typeof hit.score, 'number');
  const report = crm.verify();
  for (const k of ['records', 'index_entries', 'search_entries']) assert.equal(typeof report[k], 'number', k);
  assert.deepEqual(report.problems, []);
});

test('dates and instants are RFC 3339 strings', () => {
  const crm = Crm.openInMemory(FIXED);
  crm.defineField({ record_kind: 'contact', key: 'met', label: 'Met', kind: { type: 'date_time' } });
  const c = crm.createContact({ given_name: 'Ana', birthday: '1988-02-29', custom_fields: { met: { datetime: '2026-11-20T16:30:00.123456+01:00' } } });
  assert.equal(typeof c.created_at, 'string');
  assert.match(c.created_at, RFC3339_UTC);
  // Opening a new CRM reads the clock once (for its default pipeline), a step before this.
  assert.equal(Date.parse(c.created_at), Date.parse(START) + 1000);
  assert.equal(c.birthday, '1988-02-29');
  assert.match(c.custom_fields.met.datetime, RFC3339_UTC);
  assert.equal(c.custom_fields.met.datetime, '2026-11-20T15:30:00.123456Z');

  const later = crm.updateContact(c.id, { given_name: 'Ana' });
  assert.ok(Date.parse(later.updated_at) > Date.parse(later.created_at));

  // Without a clock_start the clock is Date.now().
  const now = Crm.openInMemory().createContact({ given_name: 'Now' });
  assert.ok(Math.abs(Date.parse(now.created_at) - Date.now()) < 60_000, now.created_at);

  // A Date object is read as the instant it holds (arguments go through JSON).
  const at = new Date('2026-01-02T03:04:05Z');
  const dated = Crm.openInMemory({ clock_start: at }).createContact({ given_name: 'Dated' });
  assert.equal(Date.parse(dated.created_at), at.getTime());
  throwsCrm(() => Crm.openInMemory({ clock_start: 'yesterday' }), { code: 'validation', field: 'clock_start' });
});

/** A valid call of every operation, on a CRM holding one of each record. */
function everyCall(crm) {
  const ana = crm.createContact({ given_name: 'Ana', emails: [{ address: 'ana@dacia.ro' }] });
  const jan = crm.createContact({ given_name: 'Jan' });
  const dacia = crm.createCompany({ name: 'Dacia', domains: ['dacia.ro'] });
  const job = crm.linkContactToCompany({ contact: ana.id, company: dacia.id });
  crm.defineRelationType({ key: 'mentor_of', name: 'mentor of', reverse_name: 'mentored by', record_kind: 'contact' });
  const rel = crm.relate({ relation_type: 'mentor_of', record: ana.id, other: jan.id });
  crm.defineRelationType({ key: 'unused_of', name: 'unused of', reverse_name: 'unused by', record_kind: 'company' });
  const field = { record_kind: 'contact', key: 'tier', label: 'Tier', kind: { type: 'text' } };
  crm.defineField(field);

  const sales = crm.defaultPipeline();
  const stage = (p, name) => p.stages.find((st) => st.name === name).id;
  const partners = crm.createPipeline({
    name: 'Partners',
    stages: [
      { name: 'Open', probability: 30, kind: 'open' },
      { name: 'Spare', probability: 40, kind: 'open' },
      { name: 'Won', probability: 100, kind: 'won' },
      { name: 'Lost', probability: 0, kind: 'lost' },
    ],
  });
  const lead = crm.createLead({ given_name: 'Ion', family_name: 'Pop', email: 'ion@pop.ro', company_name: 'Pop SRL' });
  const eur = (amount_minor) => ({ amount_minor, currency: 'EUR' });
  const licence = { sku: 'LIC-1', name: 'Licence', prices: [eur(10000)], tax_rate: 1900 };
  const product = crm.createProduct(licence);
  const prices = crm.createPriceList({ name: 'Partners', currency: 'EUR', entries: [{ product: product.id, unit_price: eur(9000) }] });
  const spare = crm.createPriceList({ name: 'Spare', currency: 'EUR' });
  const pop = crm.createCompany({ name: 'Pop SRL' });
  const deal = crm.createDeal({
    title: 'Pop: licences', company: pop.id, owner: 'ana', amount: eur(500000), expected_close: '2026-12-15',
    line_items: [{ product: product.id, quantity: '2' }],
  });
  const won = crm.moveDeal(crm.createDeal({ title: 'Pop: first order', company: pop.id }).id, { stage: stage(sales, 'Won') });
  const quote = crm.createQuote(deal.id, { valid_until: '2026-12-31' });
  crm.setExchangeRate({ date: '2026-11-01', base: 'EUR', quote: 'PLN', rate: '4.25' });
  const stages = { name: 'Renewals', stages: partners.stages.map(({ name, probability, kind }) => ({ name, probability, kind })) };
  const cal = crm.createCalendar({ name: 'Ana', owner: 'ana', time_zone: 'Europe/Bucharest' });
  const team = crm.createCalendar({ name: 'Team', members: ['ana', 'ion'] });
  const callInput = {
    kind: 'call', subject: 'Intro call', owner: 'ana', links: [ana.id, deal.id], calendar: cal.id,
    participants: [{ contact: ana.id }, { user: 'ion' }], reminders: [15],
    starts_at: '2026-11-23T10:00:00Z', ends_at: '2026-11-23T10:30:00Z', time_zone: 'Europe/Bucharest',
  };
  const call = crm.createActivity(callInput);
  const weekly = crm.createActivity({
    kind: 'meeting', subject: 'Weekly review', owner: 'ana', calendar: cal.id, time_zone: 'Europe/Bucharest',
    starts_at: '2026-11-23T08:00:00Z', ends_at: '2026-11-23T09:00:00Z', recurrence: { frequency: 'weekly', count: 4 },
  });
  const task = crm.createActivity({ kind: 'task', subject: 'Send the offer', owner: 'ana', due_at: '2026-11-24T12:00:00Z', links: [deal.id] });
  const sent = crm.completeActivity(task.id, { outcome: 'sent', next: { subject: 'Chase the offer', in_days: 3 } });
  const november = { from: '2026-11-01T00:00:00Z', until: '2026-12-01T00:00:00Z' };
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//crm//binding test//EN', 'BEGIN:VEVENT', 'UID:demo-1@example.com',
    'DTSTAMP:20261122T090000Z', 'DTSTART:20261125T090000Z', 'DTEND:20261125T100000Z', 'SUMMARY:Demo', 'END:VEVENT',
    'END:VCALENDAR', ''].join('\r\n');
  return {
    get_contact: [ana.id],
    find_contact_by_email: ['ana@dacia.ro'],
    find_contacts_by_phone: ['601 234 567'],
    list_contacts: [{}],
    count_contacts: [{}],
    get_company: [dacia.id],
    find_companies_by_domain: ['dacia.ro'],
    list_companies: [{}],
    count_companies: [{}],
    subsidiaries: [dacia.id],
    ancestors: [dacia.id],
    get_employment: [job.id],
    employments_of_contact: [ana.id],
    employments_at_company: [dacia.id],
    relation_types: [],
    relations_of: [ana.id],
    field_defs: ['contact'],
    search: [{ text: 'ana' }],
    backup: [undefined],
    create_contact: [{ given_name: 'Eva' }],
    update_contact: [ana.id, { given_name: 'Anna' }],
    add_contact_tags: [ana.id, ['vip']],
    remove_contact_tags: [ana.id, ['vip']],
    archive_contact: [jan.id],
    restore_contact: [jan.id],
    delete_contact: [jan.id],
    create_company: [{ name: 'Petrom' }],
    update_company: [dacia.id, { name: 'Dacia SA' }],
    add_company_tags: [dacia.id, ['auto']],
    remove_company_tags: [dacia.id, ['auto']],
    archive_company: [dacia.id],
    restore_company: [dacia.id],
    delete_company: [dacia.id],
    link_contact_to_company: [{ contact: jan.id, company: dacia.id }],
    update_employment: [job.id, { title: 'CFO' }],
    unlink_employment: [job.id],
    define_relation_type: [{ key: 'coach_of', name: 'coach of', reverse_name: 'coached by', record_kind: 'contact' }],
    delete_relation_type: ['unused_of'],
    relate: [{ relation_type: 'mentor_of', record: jan.id, other: ana.id }],
    unrelate: [rel.id],
    define_field: [{ ...field, key: 'tier2' }],
    update_field: [{ ...field, label: 'Level' }],
    delete_field: ['contact', 'tier'],
    import_records: [{ contacts: [{ given_name: 'Imported' }] }, undefined],
    verify: [],
    compact: [],
    close: [],
    get_lead: [lead.id],
    find_leads_by_email: ['ION@pop.ro'],
    list_leads: [{}],
    count_leads: [{}],
    get_pipeline: [partners.id],
    pipelines: [],
    default_pipeline: [],
    get_deal: [deal.id],
    list_deals: [{}],
    count_deals: [{}],
    deal_history: [deal.id],
    deal_stage_times: [deal.id],
    get_product: [product.id],
    find_product_by_sku: ['lic-1'],
    products: [true],
    search_products: ['lic'],
    get_price_list: [prices.id],
    price_lists: [],
    get_quote: [quote.id],
    quotes_of_deal: [deal.id],
    find_quotes_by_number: [quote.number],
    reporting_currency: [],
    exchange_rates: ['EUR', 'PLN'],
    convert_money: [eur(100), 'PLN', '2026-11-22'],
    pipeline_values: [],
    forecast: [{ period: 'quarter' }],
    win_rates: [{ group_by: 'owner' }],
    sales_cycle: [{}],
    deals_at_risk: [null],
    deals_closing: [{ since: '2026-12-01', until: '2026-12-31' }],
    leaderboard: [{}],
    create_lead: [{ company_name: 'Nowa Firma' }],
    update_lead: [lead.id, { given_name: 'Ioan', email: 'ion@pop.ro' }],
    add_lead_tags: [lead.id, ['hot']],
    remove_lead_tags: [lead.id, ['hot']],
    archive_lead: [lead.id],
    restore_lead: [lead.id],
    delete_lead: [lead.id],
    convert_lead: [lead.id, { deal: { title: 'Pop: pilot' } }],
    create_pipeline: [stages],
    rename_pipeline: [partners.id, 'Resellers'],
    set_default_pipeline: [partners.id],
    add_stage: [partners.id, { name: 'Demo', probability: 35, kind: 'open' }, 1],
    update_stage: [partners.id, stage(partners, 'Open'), { name: 'Contacted', probability: 25, kind: 'open' }],
    reorder_stages: [partners.id, ['Spare', 'Open', 'Won', 'Lost'].map((n) => stage(partners, n))],
    archive_stage: [partners.id, stage(partners, 'Spare'), null],
    delete_pipeline: [partners.id],
    create_deal: [{ title: 'Pop: support' }],
    update_deal: [deal.id, { title: 'Pop: more licences' }],
    move_deal: [deal.id, { stage: stage(sales, 'Proposal'), by: 'ana' }],
    add_deal_tags: [deal.id, ['q4']],
    remove_deal_tags: [deal.id, ['q4']],
    archive_deal: [deal.id],
    restore_deal: [deal.id],
    delete_deal: [deal.id],
    open_follow_up: [won.id, { title: 'Pop: upsell' }],
    create_product: [{ sku: 'SUP-1', name: 'Support' }],
    update_product: [product.id, { ...licence, name: 'Licence (yearly)' }],
    archive_product: [product.id],
    restore_product: [product.id],
    create_price_list: [{ name: 'Retail', currency: 'PLN' }],
    update_price_list: [prices.id, { name: 'Partners 2027', currency: 'EUR' }],
    delete_price_list: [spare.id],
    create_quote: [deal.id, { valid_until: '2026-12-31', notes: 'Net 30' }],
    revise_quote: [quote.id, { valid_until: '2027-01-15' }],
    send_quote: [quote.id],
    accept_quote: [quote.id, { set_deal_amount: true }],
    reject_quote: [quote.id, 'too expensive'],
    delete_quote: [quote.id],
    set_reporting_currency: ['PLN'],
    set_exchange_rate: [{ date: '2026-11-20', base: 'EUR', quote: 'RON', rate: '4.97' }],
    get_activity: [call.id],
    timeline: [{ record: deal.id, limit: 10 }],
    customer_journey: [ana.id],
    search_activities: ['call', 10],
    list_activities: [{ filter: { record: ana.id, kinds_any: ['call'] }, limit: 10 }],
    count_activities: [{ owner: 'ana' }],
    follow_ups: [task.id],
    activity_chain: [sent.next.id],
    tasks: [{ owner: 'ana', list: 'open', time_zone: 'Europe/Bucharest' }],
    activity_occurrences: [weekly.id, '2026-11-01T00:00:00Z', null],
    get_calendar: [cal.id],
    calendars: [],
    agenda: [{ calendar: cal.id, ...november }],
    free_busy: [{ user: 'ion', ...november }],
    reminders_due: [{ ...november, owner: 'ana' }],
    export_ical: [{ calendar: cal.id }],
    create_activity: [{ kind: 'note', subject: 'Met at the fair', links: [dacia.id] }],
    update_activity: [call.id, { ...callInput, subject: 'Intro call (moved)', starts_at: '2026-11-23T11:00:00Z', ends_at: '2026-11-23T11:30:00Z' }],
    complete_activity: [call.id, { outcome: 'interested', next: { kind: 'task', subject: 'Send the deck', in_days: 2 } }],
    reopen_activity: [task.id],
    cancel_activity: [call.id],
    respond_to_activity: [call.id, { user: 'ion', status: 'accepted' }],
    delete_activity: [call.id],
    create_calendar: [{ name: 'Sales', members: ['ana', 'ion'], time_zone: 'Europe/Warsaw' }],
    update_calendar: [cal.id, { name: 'Ana (work)', owner: 'ana' }],
    delete_calendar: [team.id],
    import_ical: [cal.id, ics],
  };
}

test('after close() every call throws closed, and close() again is harmless', () => {
  const crm = Crm.openInMemory(FIXED);
  const calls = everyCall(crm);
  assert.deepEqual(Object.keys(calls).sort(), [...operations()].sort(), 'one call per operation');
  crm.close();
  for (const [op, args] of Object.entries(calls)) {
    if (op === 'close') continue;
    throwsCrm(() => crm[camel(op)](...args), { code: 'closed' });
  }
  assert.equal(crm.close(), undefined);
});

test('the sample calls are valid on an open CRM', () => {
  // So that the previous test's `closed` errors come from closing, not from bad arguments.
  for (const op of operations()) {
    const crm = Crm.openInMemory(FIXED);
    const args = everyCall(crm)[op];
    assert.doesNotThrow(() => crm[camel(op)](...args), op);
  }
});

const TEN = { contacts: Array.from({ length: 10 }, (_, i) => ({ given_name: `C${i}` })) };

test('progress: the callback sees numbers; returning false cancels and writes nothing', () => {
  const crm = Crm.openInMemory(FIXED);
  const seen = [];
  const report = crm.importRecords(TEN, (p) => { seen.push(p); });
  assert.equal(report.contacts.length, 10);
  assert.ok(seen.length > 0, 'the callback was called');
  for (const p of seen) {
    assert.equal(typeof p.done, 'number');
    assert.equal(typeof p.total, 'number');
    assert.ok(p.done <= p.total);
  }
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].done >= seen[i - 1].done, 'done grows');

  throwsCrm(() => crm.importRecords(TEN, (p) => p.done < 3), { code: 'cancelled' });
  assert.equal(crm.countContacts({}), 10, 'the cancelled import wrote nothing');
  throwsCrm(() => crm.backup(() => false), { code: 'cancelled' });
  // Only false cancels.
  assert.equal(crm.importRecords(TEN, () => 0).contacts.length, 10);
  assert.equal(crm.countContacts({}), 20);
});

test('progress: an exception thrown by the callback is rethrown as it is, and nothing is written', () => {
  const crm = Crm.openInMemory(FIXED);
  class Mine extends Error {}
  const mine = new Mine('stop');
  assert.throws(() => crm.importRecords(TEN, (p) => { if (p.done >= 2) throw mine; return true; }), (e) => e === mine);
  assert.equal(crm.countContacts({}), 0);
  assert.throws(() => crm.importRecords(TEN, () => { throw 'a string'; }), (e) => e === 'a string');
  assert.equal(crm.countContacts({}), 0);
  assert.throws(() => crm.backup(() => { throw mine; }), (e) => e === mine);
  // The CRM is still usable.
  assert.equal(crm.importRecords(TEN).contacts.length, 10);
});

test('batch() commits what its body did, rolls back when it throws, and refuses an async body', () => {
  const crm = Crm.openInMemory(FIXED);
  const made = crm.batch((tx) => {
    assert.equal(tx.inTransaction(), true);
    assert.equal(crm.inTransaction(), false);
    const ana = tx.createContact({ given_name: 'Ana', emails: [{ address: 'ana@firma.pl' }] });
    const firma = tx.createCompany({ name: 'Firma' });
    tx.linkContactToCompany({ contact: ana.id, company: firma.id });
    // The transaction reads what it wrote; the CRM does not, until the commit.
    assert.equal(tx.findContactByEmail('ana@firma.pl').id, ana.id);
    assert.equal(crm.countContacts({}), 0);
    // A write through the CRM would wait for the transaction: refused.
    throwsCrm(() => crm.createContact({ given_name: 'Jan' }), { code: 'validation', field: 'batch' });
    return { ana: ana.id, firma: firma.id };
  });
  assert.equal(crm.countContacts({}), 1);
  assert.equal(crm.employmentsAtCompany(made.firma)[0].contact, made.ana);

  const boom = new Error('changed my mind');
  assert.throws(() => crm.batch((tx) => {
    tx.createContact({ given_name: 'Ola' });
    throw boom;
  }), (e) => e === boom);
  throwsCrm(() => crm.batch(async (tx) => { tx.createContact({ given_name: 'Ewa' }); }),
    { code: 'validation', field: 'body' });
  assert.equal(crm.countContacts({}), 1, 'nothing of the thrown or async bodies stayed');
  crm.createContact({ given_name: 'Jan' });
  assert.equal(crm.countContacts({}), 2);
});

test('begin() gives a handle whose calls run in one transaction until commit() or rollback()', () => {
  const crm = Crm.openInMemory(FIXED);
  const tx = crm.begin();
  tx.createContact({ given_name: 'Ana' });
  assert.equal(tx.countContacts({}), 1);
  tx.commit();
  assert.equal(tx.inTransaction(), false);
  throwsCrm(() => tx.countContacts({}), { code: 'validation', field: 'transaction' });
  throwsCrm(() => tx.commit(), { code: 'validation', field: 'transaction' });
  throwsCrm(() => crm.commit(), { code: 'validation', field: 'transaction' });
  const other = crm.begin();
  other.createContact({ given_name: 'Ola' });
  other.rollback();
  assert.equal(crm.countContacts({}), 1);
  // A call made from inside another call of the same transaction is refused, not a trap.
  const nested = crm.begin();
  let seen;
  nested.importRecords({ companies: [], contacts: [{ given_name: 'Ewa' }], employments: [] }, () => {
    try {
      nested.countContacts({});
    } catch (e) {
      seen = e;
    }
    return true;
  });
  assert.equal(seen?.code, 'validation');
  assert.equal(seen?.field, 'transaction');
  nested.commit();
  assert.equal(crm.countContacts({}), 2);
  assert.deepEqual(crm.verify().problems, []);
});

test('backup() returns a Uint8Array that openBytes() reopens', () => {
  const crm = Crm.openInMemory(FIXED);
  const ana = crm.createContact({ given_name: 'Ana', family_name: 'Popescu', addresses: [{ city: 'Łódź' }] });
  crm.createCompany({ name: 'Młyny' });
  const bytes = crm.backup();
  assert.ok(bytes instanceof Uint8Array, Object.prototype.toString.call(bytes));
  assert.ok(bytes.length > 0);

  // Default options (random ids): with sequential ids and the same clock start again, the
  // copy would hand out the ids of the records it already holds.
  const copy = Crm.openBytes(bytes);
  assert.deepEqual(copy.getContact(ana.id), crm.getContact(ana.id));
  assert.equal(copy.countCompanies({}), 1);
  assert.equal(copy.search({ text: 'lodz' })[0].record, ana.id);
  assert.deepEqual(copy.verify().problems, []);
  copy.createContact({ given_name: 'Jan' });
  assert.equal(copy.countContacts({}), 2);
  assert.equal(crm.countContacts({}), 1, 'the copy is independent');
  // The bytes are the caller's: reopening them again gives the backup's content.
  assert.equal(Crm.openBytes(bytes).countContacts({}), 1);
  assert.equal(Crm.openBytes(copy.backup()).countContacts({}), 2);

  throwsCrm(() => Crm.openBytes(new Uint8Array([1, 2, 3, 4]), FIXED), { code: 'corrupt' });
  throwsCrm(() => Crm.openBytes(42, FIXED), { code: 'validation', field: 'bytes' });
  throwsCrm(() => Crm.openBytes('bytes', FIXED), { code: 'validation', field: 'bytes' });
  throwsCrm(() => Crm.openBytes([1, 2, 300], FIXED), { code: 'validation', field: 'bytes[2]' });
});

test('openOpfs outside a dedicated worker rejects with a storage CrmError', async () => {
  await assert.rejects(Crm.openOpfs('test.crm', {}), (e) => e instanceof Error && e.name === 'CrmError' && e.code === 'storage');
});

test('a misshapen argument is refused on the full path of the value at fault, listing the names allowed', () => {
  const crm = Crm.openInMemory(FIXED);
  const e = throwsCrm(() => crm.listContacts({
    filter: { conditions: [{ field: 'given_name', op: 'eq', value: { text: 'Ana' } }, { field: 'given_name', op: 'equals', value: { text: 'Ana' } }] },
  }), { code: 'validation', field: 'filter.conditions[1].op' });
  assert.match(e.reason, /^is not one of the allowed values: eq, ne, /);
  assert.ok(!e.message.includes('equals'), e.message);
  const unknown = throwsCrm(() => crm.createContact({ given_name: 'Ana', emails: [{ adress: 'ana@dacia.ro' }] }),
    { code: 'validation', field: 'emails[0].adress' });
  assert.match(unknown.reason, /the fields are: .*address/);
  assert.ok(!unknown.message.includes('ana@dacia.ro'), unknown.message);
  // Every CrmError is an instance of the exported class, and of Error.
  assert.ok(e instanceof CrmError && e instanceof Error);
  assert.ok(!(new Error('x') instanceof CrmError));
});

test('arguments of the wrong JavaScript type are validation errors naming the argument', () => {
  // The declared types are strings and arrays of strings; a plain-JavaScript caller can pass
  // anything, and must get a CrmError like for any other argument of the wrong shape.
  const crm = Crm.openInMemory(FIXED);
  const ana = crm.createContact({ given_name: 'Ana' });
  const cases = [
    ['getContact', [42], 'id'],
    ['getContact', [null], 'id'],
    ['findContactByEmail', [undefined], 'email'],
    ['addContactTags', [ana.id, [1, 2]], 'tags[0]'],
    ['addContactTags', [ana.id, 'vip'], 'tags'],
    ['relationsOf', [{ id: ana.id }], 'record'],
    ['backup', [5], 'progress'],
    ['importRecords', [{ contacts: [] }, 'soon'], 'progress'],
  ];
  const wrong = [];
  for (const [method, args, field] of cases) {
    const fresh = Crm.openInMemory(FIXED);
    const id = fresh.createContact({ given_name: 'Ana' }).id;
    const real = args.map((a) => (a === ana.id ? id : a));
    try {
      fresh[method](...real);
      wrong.push(`${method}(${real.map((a) => JSON.stringify(a)).join(', ')}) did not throw`);
    } catch (e) {
      if (e?.name !== 'CrmError' || e.code !== 'validation' || e.field !== field) {
        wrong.push(`${method}(${real.map((a) => JSON.stringify(a)).join(', ')}) threw ${e?.name} ${e?.code ?? ''} ${e?.field ?? ''}: ${e?.message}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('sales arguments that do not parse are validation errors naming the argument', () => {
  // Ids of the wrong kind, unknown currencies, impossible dates, bad optional arguments: each
  // a CrmError `validation` on the argument (or the part of it) at fault, never a trap.
  const crm = Crm.openInMemory(FIXED);
  const lead = crm.createLead({ company_name: 'Pop SRL' });
  const pipe = crm.defaultPipeline();
  const open = pipe.stages[0].id;
  const noQuote = 'quote_00000000000000000000000000';
  const stageInput = { name: 'Demo', probability: 5, kind: 'open' };
  const money = (amount_minor, currency) => ({ amount_minor, currency });
  const cases = [
    ['getDeal', ['nope'], 'id'],
    ['getDeal', [lead.id], 'id'],
    ['getLead', [42], 'id'],
    ['getPriceList', [pipe.id], 'id'],
    ['updateStage', [pipe.id, pipe.id, stageInput], 'stage'],
    ['quotesOfDeal', ['deal_'], 'deal'],
    ['openFollowUp', ['won', { title: 'x' }], 'won'],
    ['archiveStage', [pipe.id, open, 'stage_nope'], 'move_to'],
    ['archiveStage', [pipe.id, lead.id], 'stage'],
    ['reorderStages', [pipe.id, ['nope']], 'order[0]'],
    ['dealsAtRisk', ['nope'], 'pipeline'],
    ['dealsAtRisk', [7], 'pipeline'],
    ['addStage', [pipe.id, stageInput, -1], 'position'],
    ['addStage', [pipe.id, stageInput, 'first'], 'position'],
    ['rejectQuote', [noQuote, 5], 'reason'],
    ['setReportingCurrency', ['XYZ'], 'currency'],
    ['setReportingCurrency', ['euro'], 'currency'],
    ['setReportingCurrency', ['XAU'], 'currency'],
    ['setReportingCurrency', [978], 'currency'],
    ['exchangeRates', ['EUR', 'ZZZ'], 'quote'],
    ['exchangeRates', [null, 'EUR'], 'base'],
    ['convertMoney', [money(1, 'XYZ'), 'PLN', '2026-11-22'], 'currency'],
    ['convertMoney', [money(1.5, 'EUR'), 'PLN', '2026-11-22'], 'amount_minor'],
    ['convertMoney', [money(1, 'EUR'), 'PLNN', '2026-11-22'], 'to'],
    ['convertMoney', [money(1, 'EUR'), 'PLN', '2026-02-30'], 'date'],
    ['convertMoney', [money(1, 'EUR'), 'PLN', 20261122], 'date'],
    ['setExchangeRate', [{ date: '2026-11-01', base: 'EUR', quote: 'PLN', rate: 4.25 }], 'rate'],
    ['setExchangeRate', [{ date: '2026-11-01', base: 'EUR', quote: 'PLZ', rate: '4.25' }], 'quote'],
    ['products', ['yes'], 'include_archived'],
    ['products', [], 'include_archived'],
    ['leaderboard', [{ since: 'yesterday' }], 'since'],
    ['createDeal', [{ title: 'X', amount: money(1, 'EURO') }], 'amount.currency'],
    ['createDeal', [{}], 'title'],
    ['createProduct', [{ sku: 'A', name: 'A', prices: [money(1, 'ABC')] }], 'prices[0].currency'],
  ];
  const wrong = [];
  for (const [method, args, field] of cases) {
    const shown = `${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
    try {
      crm[method](...args);
      wrong.push(`${shown} did not throw`);
    } catch (e) {
      if (e?.name !== 'CrmError' || e.code !== 'validation' || e.field !== field) {
        wrong.push(`${shown} threw ${e?.name} ${e?.code ?? ''} ${e?.field ?? ''}: ${e?.message}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.deepEqual(crm.verify().problems, [], 'the CRM is still whole');
  // A well-formed id of nothing is not found, as for contacts.
  throwsCrm(() => crm.getQuote(noQuote), { code: 'not_found' });
  // Currency codes ignore case; the result is the canonical code.
  assert.equal(crm.setReportingCurrency('pln'), 'PLN');
  assert.equal(crm.reportingCurrency(), 'PLN');
});

test('activity and calendar arguments that do not parse are validation errors naming the argument', () => {
  const crm = Crm.openInMemory(FIXED);
  const ana = crm.createContact({ given_name: 'Ana' });
  const cal = crm.createCalendar({ name: 'Ana', owner: 'ana' });
  const act = crm.createActivity({ kind: 'call', subject: 'Call', starts_at: '2026-11-23T10:00:00Z' });
  const from = '2026-11-01T00:00:00Z';
  const cases = [
    ['getActivity', [ana.id], 'id'],
    ['getActivity', [42], 'id'],
    ['getCalendar', [act.id], 'id'],
    ['customerJourney', [cal.id], 'contact'],
    ['activityOccurrences', [act.id, 'yesterday', null], 'from'],
    ['activityOccurrences', [act.id, from, 20261201], 'until'],
    ['createActivity', [{ kind: 'visit', subject: 'x' }], 'kind'],
    ['completeActivity', [act.id, { next: { in_days: -1 } }], 'next.in_days'],
    ['respondToActivity', [act.id, { user: 'ana', status: 'maybe' }], 'status'],
    ['tasks', [{ owner: 'ana', list: 'someday' }], 'list'],
    ['timeline', [{ record: ana.id, limit: '10' }], 'limit'],
    ['agenda', [{ calendar: cal.id, from }], 'until'],
    ['exportIcal', [{ calendar: cal.id, from: 'now' }], 'from'],
    ['importIcal', [cal.id, 42], 'ics'],
    ['importIcal', ['calendar_nope', ''], 'calendar'],
    ['updateCalendar', [cal.id, { name: 'X', members: 'ana' }], 'members'],
  ];
  const wrong = [];
  for (const [method, args, field] of cases) {
    const shown = `${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
    try {
      crm[method](...args);
      wrong.push(`${shown} did not throw`);
    } catch (e) {
      if (e?.name !== 'CrmError' || e.code !== 'validation' || e.field !== field) {
        wrong.push(`${shown} threw ${e?.name} ${e?.code ?? ''} ${e?.field ?? ''}: ${e?.message}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.deepEqual(crm.verify().problems, [], 'the CRM is still whole');
  // Instants come back as RFC 3339 strings in UTC, and an export is the file's text.
  assert.match(crm.getActivity(act.id).starts_at, RFC3339_UTC);
  const ics = crm.exportIcal({ calendar: cal.id });
  assert.equal(typeof ics, 'string');
  assert.ok(ics.startsWith('BEGIN:VCALENDAR'), ics);
});

test('amounts stay within what JavaScript numbers hold exactly', () => {
  // A conversion that would leave ±(2^53−1) minor units is refused, so no stored value (a
  // won deal's frozen value) is beyond what a JavaScript number holds.
  const crm = Crm.openInMemory(FIXED);
  crm.setReportingCurrency('EUR'); // not the first deal's (yen)
  crm.setExchangeRate({ date: '2026-11-01', base: 'JPY', quote: 'EUR', rate: '1' });
  const jpy = { amount_minor: Number.MAX_SAFE_INTEGER, currency: 'JPY' };
  throwsCrm(() => crm.convertMoney(jpy, 'EUR', '2026-11-22'), { code: 'validation', field: 'amount' });
  assert.deepEqual(crm.convertMoney({ amount_minor: 7, currency: 'JPY' }, 'EUR', '2026-11-22'), { amount_minor: 700, currency: 'EUR' });
  const won = crm.defaultPipeline().stages.find((st) => st.kind === 'won').id;
  const d = crm.createDeal({ title: 'Huge', amount: jpy });
  // Won, it would have no frozen value (the conversion does not fit): the move is refused,
  // naming the deal's amount, and the deal stays as it was.
  throwsCrm(() => crm.moveDeal(d.id, { stage: won }), { code: 'validation', field: `${d.id}.amount` });
  assert.equal(crm.getDeal(d.id).status, 'open');
  assert.equal(crm.getDeal(d.id).closed_value, null);
  assert.equal(crm.getDeal(d.id).amount.amount_minor, Number.MAX_SAFE_INTEGER);
  throwsCrm(() => crm.createDeal({ title: 'Too much', amount: { amount_minor: 2 ** 53, currency: 'EUR' } }), { code: 'validation', field: 'amount' });
});

test('advanceClock moves the manual clock of clock_start and says where it stands', () => {
  const crm = Crm.openInMemory(FIXED);
  const at = crm.advanceClock(0);
  assert.match(at, RFC3339_UTC);
  assert.equal(crm.advanceClock(0), at, 'advancing by 0 reads the clock without moving it');
  const a = crm.createContact({ given_name: 'Ana' });
  assert.equal(Date.parse(a.created_at), Date.parse(at), 'the next operation reads that instant');

  const hour = crm.advanceClock(3_600_000);
  assert.ok(Date.parse(hour) - Date.parse(a.created_at) >= 3_600_000, hour);
  assert.equal(Date.parse(crm.createContact({ given_name: 'Jan' }).created_at), Date.parse(hour));
  const back = crm.advanceClock(0);
  assert.equal(Date.parse(crm.advanceClock(-1000)), Date.parse(back) - 1000, 'a negative amount moves it back');

  // Time passing is what makes deals rot.
  const p = crm.createPipeline({
    name: 'Fast',
    stages: [
      { name: 'Call', probability: 10, kind: 'open', rotten_after_days: 1 },
      { name: 'Won', probability: 100, kind: 'won' },
      { name: 'Lost', probability: 0, kind: 'lost' },
    ],
  });
  const d = crm.createDeal({ title: 'Quick', pipeline: p.id });
  assert.equal(d.rotten, false);
  crm.advanceClock(2 * 86_400_000);
  assert.equal(crm.getDeal(d.id).rotten, true);
  assert.deepEqual(crm.dealsAtRisk(p.id).map((x) => x.id), [d.id]);

  // What the scenario runner does on reopening: the copy's clock goes on from there.
  const bytes = crm.backup();
  const now = crm.advanceClock(0);
  const copy = Crm.openBytes(bytes, { ...FIXED, clock_start: now });
  assert.equal(Date.parse(copy.createContact({ given_name: 'Eva' }).created_at), Date.parse(now));
  assert.equal(copy.getDeal(d.id).rotten, true);

  // The clock is the handle's: it can still be read and moved after close().
  crm.close();
  assert.equal(Date.parse(crm.advanceClock(1000)), Date.parse(now) + 1000);
});

test('advanceClock without clock_start, or with a bad amount, is a validation error', () => {
  for (const options of [undefined, null, {}, { sequential_ids: true }]) {
    throwsCrm(() => Crm.openInMemory(options).advanceClock(1000), { code: 'validation', field: 'clock_start' });
  }
  const crm = Crm.openInMemory(FIXED);
  const at = crm.advanceClock(0);
  for (const bad of [1.5, '1000', null, undefined, NaN, Infinity, 2 ** 64, {}, [1000]]) {
    throwsCrm(() => crm.advanceClock(bad), { code: 'validation', field: 'millis' });
  }
  assert.equal(crm.advanceClock(0), at, 'a refused amount does not move the clock');
  // The extremes do not trap: the clock stays where it was when it cannot move that far.
  for (const far of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
    assert.equal(crm.advanceClock(far), at);
  }
});

test('a WebAssembly trap becomes a CrmError internal and the object refuses later calls', async () => {
  let calls = 0;
  class StandIn {
    trap() { calls++; throw new WebAssembly.RuntimeError('unreachable'); }
    ok(x) { calls++; return [this.name, x]; }
    fails() { calls++; throw new TypeError('plain'); }
    async later() { calls++; throw new WebAssembly.RuntimeError('unreachable executed'); }
  }
  assert.equal(_guard(StandIn.prototype), StandIn.prototype);
  const a = Object.assign(new StandIn(), { name: 'a' });
  const b = Object.assign(new StandIn(), { name: 'b' });

  assert.deepEqual(a.ok(1), ['a', 1], 'results and this pass through');
  assert.throws(() => a.fails(), (e) => e instanceof TypeError && e.message === 'plain', 'other exceptions pass through');
  assert.deepEqual(a.ok(2), ['a', 2], 'other exceptions do not break the object');

  const e = throwsCrm(() => a.trap(), { code: 'internal' });
  assert.match(e.message, /unreachable/);
  assert.ok(e.cause instanceof WebAssembly.RuntimeError);
  const before = calls;
  throwsCrm(() => a.ok(3), { code: 'internal' });
  throwsCrm(() => a.fails(), { code: 'internal' });
  assert.equal(calls, before, 'a broken object is not called again');
  assert.deepEqual(b.ok(4), ['b', 4], 'other objects still work');

  await assert.rejects(b.later(), (x) => x.name === 'CrmError' && x.code === 'internal' && /unreachable executed/.test(x.message));
  throwsCrm(() => b.ok(5), { code: 'internal' });

  // Guarding twice does not wrap twice; plain objects work too.
  _guard(StandIn.prototype);
  const plain = _guard({ boom() { throw new WebAssembly.RuntimeError('memory access out of bounds'); }, fine: () => 1 });
  throwsCrm(() => plain.boom(), { code: 'internal' });
  throwsCrm(() => plain.fine(), { code: 'internal' });
});

test('the package guards every method of Crm with that function', () => {
  const guarded = (f) => typeof f === 'function' && f.__crmGuarded === true;
  for (const op of operations()) assert.ok(guarded(Crm.prototype[camel(op)]), `Crm.prototype.${camel(op)}`);
  assert.ok(guarded(Crm.prototype.free), 'free');
  assert.ok(guarded(Crm.prototype.advanceClock), 'advanceClock');
  for (const s of ['openInMemory', 'openBytes', 'openOpfs', 'restoreOpfs']) assert.ok(guarded(Crm[s]), `Crm.${s}`);
});
