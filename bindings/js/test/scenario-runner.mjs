// The scenario runner of the JavaScript binding, shared by Node (scenarios.test.mjs) and
// headless Chromium (browser/): the semantics documented at the top of tests/src/scenario.rs,
// mirroring its Rust runner. No Node or browser API here: the caller loads the files and
// passes the package's `Crm` and `operations`, and the storage backend to run on (in memory
// unless it gives another: the browser test gives OPFS in a dedicated worker).

export const camel = (op) => op.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** `Open`'s defaults apply per missing field. */
function openOptions(open = {}) {
  return {
    clock_start: open.now ?? '2026-11-22T09:00:00Z',
    clock_step_millis: open.step_millis ?? 1000,
    sequential_ids: true,
    default_phone_region: open.phone_region === undefined ? 'PL' : open.phone_region,
  };
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Replaces every `"$name.path"` string by the saved value it names. */
function resolve(v, saved) {
  if (typeof v === 'string' && v.startsWith('$')) {
    const [name, ...parts] = v.slice(1).split('.');
    if (!Object.hasOwn(saved, name)) throw new Error(`nothing saved as ${JSON.stringify(name)}`);
    let cur = saved[name];
    for (const p of parts) {
      if (isObject(cur) && Object.hasOwn(cur, p)) cur = cur[p];
      else if (Array.isArray(cur) && /^\d+$/.test(p) && Number(p) < cur.length) cur = cur[Number(p)];
      else throw new Error(`${v} does not resolve`);
    }
    return structuredClone(cur);
  }
  if (Array.isArray(v)) return v.map((x) => resolve(x, saved));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, saved)]));
  return v;
}

// chrono's DateTime::parse_from_rfc3339: 'T', 't' or ' ' between date and time, any number
// of fraction digits (the first nine count), 'Z', 'z' or ±hh:mm (also U+2212), leap second 60.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+\-\u2212])(\d{2}):(\d{2}))$/;

/** An instant as [seconds since the epoch, nanoseconds], or null if `v` is not RFC 3339. */
function instant(v) {
  if (typeof v !== 'string') return null;
  const m = RFC3339.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  if (h > 23 || mi > 59 || s > 60) return null;
  let nanos = m[7] ? Number(m[7].slice(0, 9).padEnd(9, '0')) : 0;
  let sec = s;
  if (s === 60) { sec = 59; nanos += 1e9; }
  let offset = 0;
  if (m[8]) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return null;
    offset = (m[8] === '+' ? 1 : -1) * (oh * 3600 + om * 60);
  }
  return [date.getTime() / 1000 + h * 3600 + mi * 60 + sec - offset, nanos];
}

function jsonEqual(a, b) {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

export const show = (v) => JSON.stringify(v);

/** Whether `actual` matches `expected`; throws saying where not. */
export function matches(expected, actual, path) {
  const fail = () => { throw new Error(`${path}: expected ${show(expected)}, got ${show(actual)}`); };
  if (isObject(expected) && Object.keys(expected).length === 1 && Object.hasOwn(expected, '$len')) {
    const n = expected.$len;
    if (!(Array.isArray(actual) && Number.isSafeInteger(n) && n >= 0 && actual.length === n)) fail();
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const [k, ev] of Object.entries(expected)) {
      matches(ev, Object.hasOwn(actual, k) ? actual[k] : null, `${path}.${k}`);
    }
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      throw new Error(`${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`);
    }
    expected.forEach((ev, i) => matches(ev, actual[i], `${path}[${i}]`));
    return;
  }
  if (typeof expected === 'string' && typeof actual === 'string') {
    const e = instant(expected);
    const a = instant(actual);
    if (e && a) {
      if (e[0] !== a[0] || e[1] !== a[1]) fail();
      return;
    }
  }
  if (!jsonEqual(expected, actual)) fail();
}

/**
 * A result as JSON. The binding must return JSON values only (plain objects, arrays,
 * strings, finite numbers, booleans, null); `undefined` (a method returning nothing) is null.
 */
function toJson(v, path = 'result') {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${path} is the number ${v}, not JSON`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${path}[${i}]`));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x, `${path}.${k}`)]));
  }
  throw new Error(`${path} is not a JSON value: ${Object.prototype.toString.call(v)}`);
}

/** A progress callback: `null` never cancels, `{"cancel_at": n}` cancels once done >= n. */
function progress(p) {
  const n = isObject(p) && Number.isSafeInteger(p.cancel_at) && p.cancel_at >= 0 ? p.cancel_at : null;
  return (pr) => n === null || pr.done < n;
}

const describeError = (e) => (e && typeof e === 'object' && 'code' in e
  ? `${e.code}/${e.field ?? null}: ${e.message}`
  : `a non-CrmError exception: ${e?.stack ?? e}`);

/** `$rescue`'s damage: the first byte of each text's first occurrence XORed with 0x01. */
function damage(backup, texts, at) {
  const out = Uint8Array.from(backup);
  for (const text of texts) {
    const needle = new TextEncoder().encode(String(text));
    let found = -1;
    for (let i = 0; found < 0 && i + needle.length <= out.length; i++) {
      let j = 0;
      while (j < needle.length && out[i + j] === needle[j]) j++;
      if (j === needle.length) found = i;
    }
    if (found < 0) throw at(`${JSON.stringify(text)} is not in the backup`);
    out[found] ^= 0x01;
  }
  return out;
}

/**
 * A storage backend: where the runner opens a scenario's CRM.
 * @typedef {object} Backend
 * @property {string} name - says where, in failure messages (`memory`, `OPFS`, ...)
 * @property {(options: object) => Crm | Promise<Crm>} open - a new, empty CRM
 * @property {(bytes: Uint8Array, options: object) => Crm | Promise<Crm>} reopen - a new CRM
 *   holding a copy of a backup's bytes (`$reopen_from_backup`)
 */

/** In memory: `openInMemory`, and `openBytes` to reopen a backup. */
export function memoryBackend(Crm) {
  return {
    name: 'memory',
    open: (options) => Crm.openInMemory(options),
    reopen: (bytes, options) => Crm.openBytes(bytes, options),
  };
}

/**
 * Runs a scenario on the package's `Crm`, on `backend` (a `Backend`; in memory by default);
 * throws saying on which backend and at which step it failed, and how. At the end the CRM is
 * closed (a close that fails fails the scenario) and freed, as is every CRM a reopening
 * replaces (freed without `close`, as the Rust runner drops it).
 */
export async function run(scenario, { Crm, operations, backend = memoryBackend(Crm) }) {
  try {
    await runSteps(scenario, Crm, operations, backend);
  } catch (e) {
    throw new Error(`on ${backend.name}: ${e?.message ?? e}`, { cause: e });
  }
}

async function runSteps(scenario, Crm, operations, backend) {
  const options = openOptions(scenario.open);
  const ops = new Set(operations());
  let crm;
  try {
    crm = await backend.open(options);
  } catch (e) {
    throw new Error(`the scenario's CRM does not open: ${describeError(e)}`);
  }
  const saved = {};
  const bytes = {};
  let tx; // the handle of `$begin`, while its transaction is open
  try {
    for (const [i, step] of scenario.steps.entries()) {
      const at = (msg) => new Error(`step ${i} (${step.op}): ${msg}`);
      const stepArgs = step.args ?? {};
      if (step.op === '$advance_clock') {
        // Moves the scenario's one clock (the manual clock of `clock_start`) without reading it.
        if (step.expect !== undefined || step.error != null || step.save != null) {
          throw at('takes no expect, error or save');
        }
        const { millis } = stepArgs;
        if (!Number.isSafeInteger(millis) || millis < 0) {
          throw at('args.millis must be a whole, non-negative number');
        }
        crm.advanceClock(millis);
        continue;
      }
      if (step.op === '$begin') {
        if (tx) throw at('a transaction is already open');
        tx = crm.begin();
        continue;
      }
      if (step.op === '$reopen_from_backup') {
        if (tx) throw at('a transaction is open');
        const name = typeof stepArgs.backup === 'string' ? stepArgs.backup : '';
        if (!Object.hasOwn(bytes, name)) throw at(`no backup saved as ${JSON.stringify(name)}`);
        // One clock for the whole scenario, as the Rust runner's: the new CRM's manual clock
        // starts where the old one stands (advanceClock(0) reads it without moving it), with
        // the same step.
        const now = crm.advanceClock(0);
        crm.free();
        crm = undefined;
        try {
          crm = await backend.reopen(bytes[name], { ...options, clock_start: now });
        } catch (e) {
          throw at(`the backup does not reopen: ${describeError(e)}`);
        }
        continue;
      }
      let args;
      try {
        args = resolve(stepArgs, saved);
      } catch (e) {
        throw at(e.message);
      }
      if (step.op === '$rescue') {
        // The backup's bytes, damaged, rescued with a clock that starts where the CRM's stands
        // (and leaves it there), then reopened as `$reopen_from_backup` does.
        if (tx) throw at('a transaction is open');
        const name = typeof args.backup === 'string' ? args.backup : '';
        if (!Object.hasOwn(bytes, name)) throw at(`no backup saved as ${JSON.stringify(name)}`);
        const damaged = damage(bytes[name], args.damage ?? [], at);
        const now = crm.advanceClock(0);
        let rescued;
        try {
          rescued = Crm.rescueBytes(damaged, { ...options, clock_start: now });
        } catch (e) {
          if (step.error && e?.code === step.error.code) continue;
          throw at(`failed: ${describeError(e)}`);
        }
        if (step.error) throw at(`expected error ${step.error.code} but the rescue worked`);
        const v = toJson(rescued.report);
        if (step.expect !== undefined) {
          try {
            matches(resolve(step.expect, saved), v, 'result');
          } catch (e) {
            throw at(e.message);
          }
        }
        if (step.save != null) saved[step.save] = v;
        crm.free();
        crm = undefined;
        try {
          crm = await backend.reopen(rescued.bytes, { ...options, clock_start: now });
        } catch (e) {
          throw at(`the rescued bytes do not reopen: ${describeError(e)}`);
        }
        continue;
      }
      const ending = step.op === '$commit' || step.op === '$rollback';
      const method = ending ? step.op.slice(1) : camel(step.op);
      if (ending && !tx) throw at('no transaction is open');
      if (!ending && (!ops.has(step.op) || typeof Crm.prototype[method] !== 'function')) {
        throw at('not an operation');
      }
      const argv = Object.entries(args).map(([k, v]) => (k === 'progress' ? progress(v) : v));
      // In a transaction every call goes to its handle (whose verify, compact and close run on
      // the CRM).
      const target = tx ?? crm;
      if (ending) tx = undefined;

      let result;
      let error;
      let failed = false;
      try {
        result = target[method](...argv);
      } catch (e) {
        failed = true;
        error = e;
      } finally {
        if (ending) target.free();
      }
      if (!failed && !step.error) {
        let v;
        if (result instanceof Uint8Array) {
          v = { bytes: result.length };
          if (step.save != null) bytes[step.save] = result;
        } else {
          try {
            v = toJson(result);
          } catch (e) {
            throw at(e.message);
          }
        }
        if (step.expect !== undefined) {
          try {
            matches(resolve(step.expect, saved), v, 'result');
          } catch (e) {
            throw at(e.message);
          }
        }
        if (step.save != null) saved[step.save] = v;
      } else if (!failed && step.error) {
        const shown = result instanceof Uint8Array ? `${result.length} bytes` : show(toJson(result));
        throw at(`expected error ${step.error.code} but got ${shown}`);
      } else if (failed && step.error) {
        const e = step.error;
        const code = error?.code;
        const field = error?.field;
        if (code !== e.code || (e.field != null && field !== e.field)) {
          throw at(`expected error ${e.code}/${e.field ?? null}, got ${describeError(error)}`);
        }
      } else {
        throw at(`failed: ${describeError(error)}`);
      }
    }
    if (tx) throw new Error('the steps ended with a transaction open');
    try {
      crm.close(); // harmless when a step closed it
    } catch (e) {
      throw new Error(`closing at the end: ${describeError(e)}`);
    }
  } finally {
    tx?.free();
    crm?.free();
  }
}
