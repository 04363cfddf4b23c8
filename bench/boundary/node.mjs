// The Node half of scripts/bench-boundary.sh: the workload of bench/src/bin/boundary.rs through
// the npm package (WebAssembly), printing the same JSON line. Usage: node node.mjs PKG_DIR DIR
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [pkg, dir] = process.argv.slice(2);
const { init, Crm } = await import(`${pkg}/index.js`);
await init();
const ids = readFileSync(`${dir}/ids.txt`, 'utf8').trim().split('\n');
const crm = Crm.openBytes(readFileSync(`${dir}/crm.bytes`));
const GETS = 20_000, CREATES = 5_000, PAGES = 2_000, COUNTS = 2_000;
const query = { limit: 50, sort: { by: 'name' } };
let gets = 0, creates = 0, pages = 0, counts = 0;
for (let round = 0; round < 2; round++) {
  let start = performance.now();
  for (let i = 0; i < GETS; i++) crm.getContact(ids[(i * 7) % ids.length]);
  gets = ((performance.now() - start) * 1e6) / GETS;
  start = performance.now();
  for (let i = 0; i < CREATES; i++) {
    crm.createContact({
      given_name: 'Nowy', family_name: `Kontakt ${i}`,
      emails: [{ address: `new${i + round * CREATES}@firma.pl` }], tags: ['new'],
    });
  }
  creates = ((performance.now() - start) * 1e6) / CREATES;
  start = performance.now();
  for (let i = 0; i < PAGES; i++) crm.listContacts(query);
  pages = ((performance.now() - start) * 1e6) / PAGES;
  start = performance.now();
  for (let i = 0; i < COUNTS; i++) crm.countContacts({});
  counts = ((performance.now() - start) * 1e6) / COUNTS;
}
console.log(JSON.stringify({
  runtime: 'node', get_contact: Math.round(gets), create_contact: Math.round(creates), page_of_50: Math.round(pages), count: Math.round(counts),
}));
