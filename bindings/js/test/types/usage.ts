// Compiled with `tsc -p test/types --noEmit` against the built package: the declarations must
// give real types (a wrong argument or a misused result is a compile error below, which an
// `any` would hide: each `@ts-expect-error` fails the build when its line compiles).
import { init, Crm, operations } from '../../pkg/index.js';
import type {
  Contact, ContactInput, Company, ContactPage, CrmError, Employment, FieldDef, ImportReport,
  OpenOptions, Progress, ProgressCallback, SearchHit,
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

  // `options` and `progress` are optional parameters.
  const progress: ProgressCallback = (p: Progress) => p.done < p.total;
  const report: ImportReport = crm.importRecords({ contacts: [{ given_name: 'Ana' }] }, progress);
  const plain: ImportReport = crm.importRecords({ contacts: [{ given_name: 'Jan' }] });
  const bytes: Uint8Array = crm.backup();
  const copy: Crm = Crm.openBytes(bytes);
  const fresh: Crm = Crm.openInMemory();
  const opfs: Promise<Crm> = Crm.openOpfs('test.crm', {});

  try {
    crm.createContact({});
  } catch (e) {
    const err = e as CrmError;
    const code: 'not_found' | 'validation' | 'conflict' | 'closed' | 'storage' | 'version' | 'cancelled' | 'internal' = err.code;
    // @ts-expect-error: the code is one of the error kinds, not any string
    const bogus: CrmError['code'] = 'nope';
    const field: string | undefined = err.field;
    void code; void field; void bogus;
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
  // @ts-expect-error a size band is one of the listed strings
  crm.createCompany({ name: 'X', size: 'huge' });
  // @ts-expect-error search returns an array of hits
  const notAPage: ContactPage = crm.search({ text: 'x' });
  // @ts-expect-error countContacts returns a number
  const notAString: string = crm.countContacts({});
  // @ts-expect-error openOpfs returns a promise
  const notACrm: Crm = Crm.openOpfs('x.crm', {});

  void [name, family, primary, next, score, n, def, ops, report, plain, bytes, copy, fresh, opfs, wrong, notAPage, notAString, notACrm];
}
