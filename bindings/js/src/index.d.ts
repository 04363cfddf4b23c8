// Types of the npm package's entry point. The record types (Contact, Company, ContactInput,
// …), OpenOptions, ProgressCallback and CrmError are generated from the Rust types and come
// from the wasm-bindgen declarations next to this file.

export type * from './crm_wasm.js';
export { Crm, operations } from './crm_wasm.js';
import type { CrmError as AnyCrmError, CrmErrorCode } from './crm_wasm.js';

/**
 * What every method throws: one of the error shapes by its `code`. `e instanceof CrmError`
 * tells it from other exceptions and narrows `e`; then `e.code` narrows it further:
 *
 * ```ts
 * try { crm.createDeal({ title: '' }); }
 * catch (e) {
 *   if (e instanceof CrmError && e.code === 'validation') console.log(e.field, e.reason);
 * }
 * ```
 */
export type CrmError = AnyCrmError;
export declare const CrmError: {
  new (code: CrmErrorCode, message: string): AnyCrmError;
  readonly prototype: Error;
  [Symbol.hasInstance](value: unknown): value is AnyCrmError;
};

/**
 * What `init` accepts: the `.wasm` bytes, a compiled `WebAssembly.Module`, a `Response`
 * (or a promise of one), or the URL of the `.wasm` file.
 */
export type InitSource =
  | BufferSource
  | WebAssembly.Module
  | Response
  | Promise<Response>
  | URL
  | string;

/**
 * Loads and instantiates the WebAssembly module; call (and await) it once before using `Crm`.
 * Later calls return the same promise (their `source` is ignored). By default the `.wasm`
 * file next to this module is read with `fs` in Node and fetched in pages and workers.
 */
export function init(source?: InitSource): Promise<void>;

/**
 * Internal (used by the package's own tests): wraps every method of `target` in place so that
 * a WebAssembly trap becomes a `CrmError` with code `internal`, after which the same object
 * refuses every call. The package already applies it to `Crm`.
 */
export function _guard<T extends object>(target: T): T;
