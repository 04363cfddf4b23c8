// Compiled with `tsc -p test/types --noEmit` against the built package: the declarations must
// give real types (a wrong argument or a misused result is a compile error below, which an
// `any` would hide: each `@ts-expect-error` fails the build when its line compiles).
import { init, Crm, CrmError as CrmErrorClass, operations } from '../../pkg/index.js';
import type {
  Contact, ContactInput, Company, ContactPage, ConvertedLead, CrmError, Currency, Deal, DealPage,
  Employment, ExchangeRate, FieldDef, Forecast, ImportReport, Lead, LeadInput, LeadPage,
  LeadStatus, Leaderboard, Money, OpenOptions, Pipeline, PriceListId, Product, Progress,
  ProgressCallback, Quote, QuoteStatus, RescuedBytes, RescueReport, SearchHit, StageChange, StageId,
  StageKind, TableRescue, WinRates,
} from '../../pkg/index.js';

export async function usage(): Promise<void> {
  await init();
  const options: OpenOptions = { clock_start: '2026-11-22T09:00:00Z', sequential_ids: true };
  const crm: Crm = Crm.openInMemory(options);

  const input: ContactInput = { given_name: 'Zofia', emails: [{ address: 'zofia@example.pl' }] };
  const c: Contact = crm.createContact({ given_name: 'Zofia' });
  const same: Contact = crm.getContact(c.id);
  const name: string = same.display_name;
  const family: string | null | undefined = c.family_name;
  crm.updateContact(c.id, input);

  const company: Company = crm.createCompany({ name: 'Łódzkie Młyny', size: '11-50', kinds: ['customer'] });
  const job: Employment = crm.linkContactToCompany({ contact: c.id, company: company.id, title: 'CFO' });
  const primary: boolean = job.primary;
  const page: ContactPage = crm.listContacts({ sort: { by: 'name' }, limit: 10 });
  const next: string | null | undefined = page.next_cursor;
  const hits: SearchHit[] = crm.search({ text: 'lodz' });
  const score: number = hits[0].score;
  const n: number = crm.countContacts({ archived: 'include' });
  const def: FieldDef = crm.defineField({ record_kind: 'contact', key: 'tier', label: 'Tier', kind: { type: 'single_select', options: ['a', 'b'] } });
  const ops: string[] = operations();
  const byEmail: Contact | null = crm.findContactByEmail('zofia@example.pl');
  const byPhone: Contact[] = crm.findContactsByPhone('601 234 567');
  const byDomain: Company[] = crm.findCompaniesByDomain('mlyny.pl');
  crm.deleteField('contact', 'tier');
  crm.deleteRelationType('mentor_of');

  // `options` and `progress` are optional parameters.
  const progress: ProgressCallback = (p: Progress) => p.done < p.total;
  const report: ImportReport = crm.importRecords({ contacts: [{ given_name: 'Ana' }] }, progress);
  const plain: ImportReport = crm.importRecords({ contacts: [{ given_name: 'Jan' }] });
  const bytes: Uint8Array = crm.backup();
  const copy: Crm = Crm.openBytes(bytes);
  const rescued: RescuedBytes = Crm.rescueBytes(bytes, { sequential_ids: true });
  const rescueReport: RescueReport = rescued.report;
  const savedContacts: number | undefined = rescueReport.tables.find((t: TableRescue) => t.table === 'contacts')?.saved;
  const rescuedCrm: Crm = Crm.openBytes(rescued.bytes);
  const fresh: Crm = Crm.openInMemory();
  const opfs: Promise<Crm> = Crm.openOpfs('test.crm', {});

  // Sales.
  const leadInput: LeadInput = { given_name: 'Ion', email: 'ion@pop.ro', source: 'event', score: 70 };
  const lead: Lead = crm.createLead(leadInput);
  const status: LeadStatus = lead.status;
  const leads: LeadPage = crm.listLeads({ filter: { statuses_any: ['new'], min_score: 50 }, limit: 10 });
  const converted: ConvertedLead = crm.convertLead(lead.id, {
    contact: { type: 'match_by_email' }, company: { type: 'new' }, deal: { title: 'Pop: pilot' },
  });
  const firstDeal: Deal | null | undefined = converted.deal;
  const sales: Pipeline = crm.defaultPipeline();
  const won: StageId = sales.stages.find((st) => st.kind === 'won')!.id;
  const kind: StageKind = sales.stages[0].kind;
  const pipeline: Pipeline = crm.addStage(sales.id, { name: 'Demo', probability: 30, kind: 'open' });
  const placed: Pipeline = crm.addStage(sales.id, { name: 'Trial', probability: 40, kind: 'open' }, 1);
  const amount: Money = { amount_minor: 4_000_000, currency: 'PLN' };
  const product: Product = crm.createProduct({ sku: 'LIC-1', name: 'Licence', prices: [amount], tax_rate: 2300 });
  const priceList: PriceListId = crm.createPriceList({ name: 'Partners', currency: 'PLN' }).id;
  const deal: Deal = crm.createDeal({
    title: 'Młyny: 40 licences', amount, expected_close: '2026-12-15', price_list: priceList,
    line_items: [{ product: product.id, quantity: '40', discount: { type: 'percent', basis_points: 1000 } }],
  });
  const moved: Deal = crm.moveDeal(deal.id, { stage: won, by: 'ana' });
  const history: StageChange[] = crm.dealHistory(moved.id);
  const deals: DealPage = crm.listDeals({ filter: { statuses_any: ['won'] } });
  const open: number = crm.countDeals({ statuses_any: ['open'] });
  const quote: Quote = crm.createQuote(deal.id, { valid_until: '2026-12-31' });
  const quoteStatus: QuoteStatus = crm.rejectQuote(quote.id).status;
  const rejected: Quote = crm.rejectQuote(quote.id, 'too expensive');
  const rate: ExchangeRate = crm.setExchangeRate({ date: '2026-11-01', base: 'EUR', quote: 'PLN', rate: '4.25' });
  const reporting: Currency = crm.setReportingCurrency('PLN');
  const inEuro: Money = crm.convertMoney(amount, 'EUR', '2026-11-22');
  const forecast: Forecast = crm.forecast({ period: 'quarter' });
  const rates: WinRates = crm.winRates({ closed: { since: '2026-01-01T00:00:00Z' }, group_by: 'owner' });
  const board: Leaderboard = crm.leaderboard({});
  const atRisk: Deal[] = crm.dealsAtRisk();
  const atRiskHere: Deal[] = crm.dealsAtRisk(sales.id);
  const sku: Product | null = crm.findProductBySku('lic-1');
  const now: string = crm.advanceClock(86_400_000);

  try {
    crm.createContact({});
  } catch (e) {
    const err = e as CrmError;
    const code: 'not_found' | 'validation' | 'conflict' | 'closed' | 'storage' | 'corrupt' | 'io' | 'version' | 'cancelled' | 'internal' = err.code;
    // @ts-expect-error: the code is one of the error kinds, not any string
    const bogus: CrmError['code'] = 'nope';
    void code; void bogus;
  }

  // `instanceof` narrows, then `code` does: `field` and `reason` are there on `validation`.
  try {
    crm.createDeal({ title: '' });
  } catch (e) {
    if (e instanceof CrmErrorClass) {
      const kind: CrmError['code'] = e.code;
      if (e.code === 'validation') {
        const field: string = e.field;
        const reason: string = e.reason;
        void field; void reason;
      } else if (e.code === 'conflict') {
        const existing: string = e.existing;
        void existing;
      } else {
        // @ts-expect-error only validation and conflict errors name a field
        const none: string = e.field;
        void none;
      }
      void kind;
    }
  }

  // Wrong uses must not compile.
  // @ts-expect-error a number is not a ContactInput
  crm.createContact(42);
  // @ts-expect-error an unknown property of ContactInput
  crm.createContact({ givenName: 'Zofia' });
  // @ts-expect-error emails are objects, not strings
  crm.createContact({ emails: ['zofia@example.pl'] });
  // @ts-expect-error display_name is a string
  const wrong: number = c.display_name;
  // @ts-expect-error ids are strings
  crm.getContact(7);
  // @ts-expect-error an email address is a string
  crm.findContactByEmail(42);
  // @ts-expect-error a phone number is a string
  crm.findContactsByPhone(601234567);
  // @ts-expect-error a web domain is a string
  crm.findCompaniesByDomain({ domain: 'mlyny.pl' });
  // @ts-expect-error a field's key is a string
  crm.deleteField('contact', 7);
  // @ts-expect-error a relation type's key is a string
  crm.deleteRelationType(['mentor_of']);
  // @ts-expect-error a size band is one of the listed strings
  crm.createCompany({ name: 'X', size: 'huge' });
  // @ts-expect-error search returns an array of hits
  const notAPage: ContactPage = crm.search({ text: 'x' });
  // @ts-expect-error countContacts returns a number
  const notAString: string = crm.countContacts({});
  // @ts-expect-error openOpfs returns a promise
  const notACrm: Crm = Crm.openOpfs('x.crm', {});
  // @ts-expect-error a lead status is one of the listed strings
  crm.createLead({ company_name: 'X', status: 'hot' });
  // @ts-expect-error amounts are Money objects, not numbers
  crm.createDeal({ title: 'X', amount: 100 });
  // @ts-expect-error a stage needs a kind
  crm.addStage(sales.id, { name: 'X', probability: 5 });
  // @ts-expect-error a deal needs a title
  crm.createDeal({});
  // @ts-expect-error a product needs a SKU and a name
  crm.createProduct({ name: 'Licence' });
  // @ts-expect-error a company needs a name
  crm.createCompany({ domains: ['mlyny.pl'] });
  // @ts-expect-error a deal move names the stage
  crm.moveDeal(deal.id, { by: 'ana' });
  // @ts-expect-error quantities are decimal strings
  crm.createDeal({ title: 'X', line_items: [{ description: 'x', quantity: 1.5 }] });
  // @ts-expect-error a forecast period is a month or a quarter
  crm.forecast({ period: 'week' });
  // @ts-expect-error advanceClock takes milliseconds
  crm.advanceClock('1 day');
  // @ts-expect-error countDeals returns a number
  const notDeals: Deal[] = crm.countDeals({});

  // Transactions: batch() returns what its body returns; begin() gives a Crm handle.
  const counted: number = crm.batch((tx) => {
    tx.createContact({ given_name: 'Ana' });
    return tx.countContacts({});
  });
  const inTx: Crm = crm.begin();
  const stillOpen: boolean = inTx.inTransaction();
  inTx.commit();
  // @ts-expect-error the body gets a Crm, whose methods are typed
  crm.batch((tx) => tx.createContact({ given_name: 7 }));

  void [name, family, primary, next, score, n, def, ops, byEmail, byPhone, byDomain, report, plain, bytes, copy, fresh, opfs, wrong, notAPage, notAString, notACrm];
  void [status, leads, firstDeal, kind, pipeline, placed, moved, history, deals, open, quoteStatus, rejected, rate, reporting, inEuro, forecast, rates, board, atRisk, atRiskHere, sku, now, notDeals];
  void [counted, inTx, stillOpen];
}
