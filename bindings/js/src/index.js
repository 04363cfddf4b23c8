// The entry point of the npm package: loads the WebAssembly module and re-exports the
// binding made by wasm-bindgen (crm_wasm.js). The binding itself converts every argument and
// error; this file adds only what JavaScript needs around it: loading the module in Node, in
// a page and in a worker, and turning a WebAssembly trap (what a Rust panic becomes) into a
// `CrmError` with code `internal`.

import initWasm, { Crm, operations, takeLastPanic } from './crm_wasm.js';

export { Crm, operations };

const WASM_FILE = 'crm_wasm_bg.wasm';

let ready; // the promise of the first successful init()

async function defaultSource() {
  const url = new URL(WASM_FILE, import.meta.url);
  // Node's fetch cannot read file: URLs; pages and workers load the module over http(s).
  if (url.protocol === 'file:' && typeof process === 'object' && process?.versions?.node) {
    // A variable keeps bundlers from trying to resolve a Node module for the browser.
    const fs = 'node:fs/promises';
    const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ fs);
    return readFile(url);
  }
  return url;
}

/**
 * Loads and instantiates the WebAssembly module. Call (and await) it once before using `Crm`;
 * later calls return the same promise. `source` is optional: the `.wasm` bytes, a
 * `WebAssembly.Module`, a `Response`, or a URL; by default the file next to this module is
 * read (with `fs` in Node, with `fetch` in pages and workers).
 */
export function init(source) {
  if (!ready) {
    ready = (async () => {
      const module_or_path = source === undefined ? await defaultSource() : source;
      await initWasm({ module_or_path });
    })();
    // A failed load can be retried.
    ready.catch(() => { ready = undefined; });
  }
  return ready;
}

/**
 * What every method throws: an `Error` named `CrmError` with a `code` (and, by code, `field`,
 * `reason`, `existing`, `table`, `record`). `e instanceof CrmError` is true of every such
 * error, whichever part of the package made it (the WebAssembly module makes most of them).
 */
export class CrmError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'CrmError';
    this.code = code;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === 'CrmError' && typeof value.code === 'string';
  }
}

function crmError(code, message) {
  return new CrmError(code, message);
}

// Objects whose WebAssembly state may be inconsistent after a trap.
const broken = new WeakSet();

function translate(target, e) {
  if (e instanceof WebAssembly.RuntimeError) {
    // Only instances are marked: a trap in a static method (a constructor) leaves no object.
    if (typeof target === 'object' && target !== null) broken.add(target);
    let panic;
    try {
      panic = takeLastPanic();
    } catch {
      // The module itself is unusable; the trap's own message is all there is.
    }
    const err = crmError('internal', `internal error: ${panic ?? e.message}`);
    err.cause = e;
    return err;
  }
  return e;
}

/**
 * Internal, exported for the package's own tests: wraps every method of `proto` (a class
 * prototype, a class for its static methods, or any object) in place so that a WebAssembly
 * trap (`WebAssembly.RuntimeError`, also as the rejection of a returned promise) is thrown as
 * a `CrmError` with code `internal` carrying the message of the Rust panic, and every later
 * call on the same `this` throws that error instead of touching a broken instance. Other
 * exceptions pass through unchanged.
 */
export function _guard(proto) {
  for (const key of Reflect.ownKeys(proto)) {
    // The constructor and wasm-bindgen's own helpers (`__wrap`, `__destroy_into_raw`) stay.
    if (key === 'constructor' || key === 'prototype'
      || (typeof key === 'string' && key.startsWith('__'))) continue;
    const desc = Object.getOwnPropertyDescriptor(proto, key);
    if (!desc || typeof desc.value !== 'function' || desc.value.__crmGuarded) continue;
    const method = desc.value;
    const guarded = {
      [key](...args) {
        if (broken.has(this)) {
          throw crmError('internal', 'internal error: this object is unusable after an earlier internal error');
        }
        let result;
        try {
          result = method.apply(this, args);
        } catch (e) {
          throw translate(this, e);
        }
        if (result instanceof Promise) {
          return result.catch((e) => { throw translate(this, e); });
        }
        return result;
      },
    }[key];
    Object.defineProperty(guarded, '__crmGuarded', { value: true });
    Object.defineProperty(proto, key, { ...desc, value: guarded });
  }
  return proto;
}

_guard(Crm.prototype);
_guard(Crm);
