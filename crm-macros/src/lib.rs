//! One description of each CRM operation, expanded into every place that needs it.
//!
//! The operations live in crm-core, one table per group, each in its own file of
//! `crm-core/src/api/`: `people_operations!` (`people.rs`), `sales_operations!`,
//! `activities_operations!`, `records_operations!` and `maintenance_operations!`. Each is a
//! `macro_rules!` that hands its table's tokens to the macro it is given. Each macro of this
//! crate takes one table and writes one target from it:
//!
//! | macro | invoked in | writes |
//! | --- | --- | --- |
//! | [`core_operations!`] | `crm-core/src/api/people.rs`… (the table's own file) | the reads of `View` (which `Snapshot` and `Batch` dereference to), the writes of `Batch`, the methods of `Crm`, and `PEOPLE_OPERATIONS` (the group's names) |
//! | [`uniffi_operations!`] | `crm-ffi/src/people.rs`… | `#[uniffi::export] impl Crm { … }` |
//! | [`wasm_operations!`] | `crm-wasm/src/people.rs`… | `#[wasm_bindgen] impl Crm { … }` |
//! | [`scenario_operations!`] | `tests/src/scenario.rs` | `fn dispatch_people` (on a `Crm`) and `fn dispatch_people_in_batch` (in a transaction), the runner's arms |
//!
//! ```ignore
//! crate::people_operations!(crm_macros::core_operations);      // in crm-core, for each group
//! crm_core::people_operations!(crm_macros::uniffi_operations); // in crm-ffi/src/people.rs, and so on
//! ```
//!
//! Names in a table (types, and in the core the functions the bodies call) resolve where the
//! macro is invoked: `ContactQuery` is the core's type in crm-core and crm-ffi's own record in
//! crm-ffi. The bodies are used by the core only. This crate's tests check what each macro
//! writes from the real tables against `expanded/<target>/<group>.rs` (kept for review;
//! `UPDATE_EXPANDED=1 cargo test -p crm-macros` rewrites them), and that no operation is in two
//! tables.
//!
//! # The table
//!
//! ```text
//! table   := "group" NAME ";" "reads" "{" op* "}" "writes" "{" op* "}" ("handle" "{" sig* "}")?
//! op      := sig-head "=" "|" TX "," CTX "|" EXPR ";"
//! sig     := sig-head ";"
//! sig-head:= doc-comment* "fn" NAME "(" param ("," param)* ","? ")" "->" TYPE
//! param   := ("#[default(" EXPR ")]")? NAME ":" TYPE
//! ```
//!
//! `NAME` after `group` is the group's, which names what a target writes for the whole table
//! (`PEOPLE_OPERATIONS`, `dispatch_people`). `TYPE` is the core's type; `->` names the value of
//! a success (`()` for none), and every operation returns `crm_core::Result` of it. In a read
//! the body sees `TX: &mut AnyTx` (a snapshot, or a batch's write transaction), in a write
//! `TX: &mut WriteTx`; `CTX: &Ctx` in both, and the parameters by name. `#[default(v)]`
//! is what the bindings and the scenario runner pass when a caller leaves the parameter out;
//! the core has no defaults. A caller may leave out the last parameters that each are an
//! `Option`, a progress callback or have a default.
//!
//! The operations of `handle` have no body: they are methods of `Crm` itself that the core
//! writes by hand (`verify`, `compact`, `close`: not transactions run by `Snapshot` or
//! `Batch`). The core takes only their names from the table; the bindings and the scenario
//! runner expose them like the others, with the table's docs.
//!
//! The docs are written once, for Rust. The bindings rewrite rustdoc's intra-doc links, which
//! mean nothing to their readers: a link to a method of `Crm` or `CrmBuilder` becomes the
//! binding's name of it (`` [`CrmBuilder::open_bytes`] `` is `` `open_bytes` `` in uniffi,
//! `` `openBytes` `` in JavaScript), a remark only pointing elsewhere in Rust
//! (`` (see [`Contact::to_input`]) ``) is dropped, any other link keeps its text in backticks.
//!
//! # Type mapping
//!
//! A type a table uses that no rule below covers is a compile error at that type, naming
//! the target.
//!
//! **uniffi** (each read and write runs in the handle's transaction when `begin` made the
//! handle, through `in_transaction(tx, |b| b.op(…))`, else on `self.inner`; the handle's own
//! operations always on `self.inner`; errors go through `?` into `CrmError`):
//!
//! | core parameter | binding parameter | passed as |
//! | --- | --- | --- |
//! | `&str` | `String` | `&x` |
//! | `&[T]` | `Vec<T>` | `&x` |
//! | `Option<&str>` | `Option<String>` | `x.as_deref()` |
//! | `&T` | `T` | `&x.into()` |
//! | numbers, `bool`, `String` | the same | `x` |
//! | `DateTime<Utc>`, `NaiveDate` (and in an `Option`) | `Timestamp`, `Date` | `x` |
//! | `T`, `Option<T>` | the same | `x.into()`, `x.map(Into::into)` |
//! | `&mut dyn FnMut(Progress) -> bool` | `Option<Arc<dyn ProgressListener>>` | `&mut listener(x)` |
//!
//! `T` is the name as crm-ffi sees it: its own record with a `From` impl, or the core's
//! (a remote type), for which `into()` is the identity; `Timestamp` and `Date` are crm-ffi's
//! custom types. A result `T` is converted with `Into`, `Vec<T>` and `Option<T>` item by item
//! (`Vec<StageChange>`, `TimelinePage`: crm-ffi's own records), `Page<X>` becomes `XPage`;
//! numbers, `bool`, `String`, instants, dates, vectors of them (`Vec<u8>`) and `()` cross as
//! they are. Left-out parameters get `default(x = None)` (a listener: none, which never
//! cancels), or `default(x = v)` from `#[default(v)]`.
//!
//! **wasm-bindgen** (each parameter is a `JsValue` typed for TypeScript with
//! `unchecked_param_type`, or `unchecked_optional_param_type` when it may be left out, and read
//! with the crate's own readers, so that refusals name the parameter as before; the values
//! read then move into the call, which the crate's `reading` (on a `View`) or `writing` (on a
//! `Batch`, the write's success deciding the commit) runs in the handle's transaction or in
//! one of its own: one function for every operation, given the call as a trait object, so that
//! no operation's code is in the package twice):
//!
//! | core type | TypeScript | read with |
//! | --- | --- | --- |
//! | `&str`, `String` | `string` | `text` |
//! | `Option<&str>` | `string \| null` | `text_optional` |
//! | ids (`…Id`), `RecordRef`, `Currency` | their name | `parse` (`parse_optional` in an `Option`) |
//! | numbers, `bool` | `number`, `boolean` | `arg` |
//! | `DateTime<Utc>`, `NaiveDate` | `string` | `arg` |
//! | `&T`, `T` (records, queries, enums, `Money`, `RecordKind`, `TimeRange`) | `T` | `arg` |
//! | `&[T]`, `Vec<T>` | `T[]` | `arg` |
//! | `Option<T>` | `T \| null` | `arg` |
//! | `&mut dyn FnMut(Progress) -> bool` | `ProgressCallback` | an `Option<js_sys::Function>` in a `Listener` |
//! | `Page<X>` (result) | `XPage` | |
//!
//! A `#[default(v)]` parameter is typed `T | null` and read as an `Option`, `v` when absent; the
//! docs say so, as TypeScript shows no defaults, and say how a date (`YYYY-MM-DD`) or an instant
//! (RFC 3339) is written. A progress callback may always be left out; the core is called with
//! the `Listener`'s `call`, and its result goes through `Listener::finish`, so that an exception
//! the callback threw is what the caller sees. Results go through `out` and are typed with
//! `unchecked_return_type`, except `()` (nothing), numbers (a JavaScript `number`, `f64`),
//! `String`, `bool` and `Vec<u8>` (a `Uint8Array`), which cross as they are. Methods are named
//! in camelCase (`js_name`). A parameter named after a JavaScript reserved word (`export`)
//! takes the rest of the operation's name as a prefix (`ical_export` in `exportIcal`); a
//! refusal still names it as the table does (`export`).
//!
//! **scenario runner** (arguments read by name from the step's `args` with the runner's
//! `arg`, results turned into JSON with its `value`): `&str` is read as a `String`, `&[T]` as
//! a `Vec`, `Option<&str>` as an `Option<String>`, `#[default(v)]` as an `Option`, `v` when
//! absent, a progress callback with the runner's `progress`; everything else as its own type.
//! A `Vec<u8>` result (a backup) is kept as `Outcome::Bytes`.
//!
//! The targets name what they use from the module they are invoked in: `Snapshot`, `Batch`,
//! `Crm` and `Result` in the core (`View` too); `Crm`, `CrmError`, `Timestamp`, `Date`,
//! `ProgressListener`, `listener` and `in_transaction` in crm-ffi; `Crm`, `arg`, `text`,
//! `text_optional`, `parse`, `parse_optional`, `out`, `throw`, `not_run`, `Listener` and
//! `callback` in crm-wasm (and the methods `transaction`, `reading`, `writing` of its `Crm`);
//! `Crm`, `Batch`, `Error`, `Map`, `Value`, `Outcome`, `arg`, `value` and `progress` in the
//! scenario runner.

mod core_methods;
mod docs;
mod scenario;
mod shape;
mod table;
#[cfg(test)]
mod tests;
mod uniffi;
mod wasm;

use proc_macro::TokenStream;
use syn::parse_macro_input;

use table::Table;

/// The methods of `Snapshot`, `Batch` and `Crm` for every operation of the table (reads on
/// all three, writes on `Batch` through `Batch::run` and on `Crm`; none for the handle's, which
/// the core writes by hand), and `const <GROUP>_OPERATIONS: &[&str]` with the names of all of
/// them. For crm-core's `api/crm.rs` only: the methods use those types' private fields.
#[proc_macro]
pub fn core_operations(input: TokenStream) -> TokenStream {
    let table = parse_macro_input!(input as Table);
    core_methods::expand(&table).into()
}

/// `#[uniffi::export] impl Crm { … }`: one method per operation of the table, each a call to
/// `self.inner` (a `crm_core::Crm`) with the types mapped as the crate docs say.
#[proc_macro]
pub fn uniffi_operations(input: TokenStream) -> TokenStream {
    let table = parse_macro_input!(input as Table);
    uniffi::expand(&table)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[wasm_bindgen] impl Crm { … }`: one camelCase method per operation of the table, each
/// reading its arguments with the crate's readers and calling `self.inner`.
#[proc_macro]
pub fn wasm_operations(input: TokenStream) -> TokenStream {
    let table = parse_macro_input!(input as Table);
    wasm::expand(&table)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `fn dispatch_<group>(crm: &Crm, op: &str, a: &Map<String, Value>) ->
/// Option<Result<Outcome, Error>>`: runs the table's operation named `op` with the arguments
/// of a scenario step, `None` for a name that is not in the table.
#[proc_macro]
pub fn scenario_operations(input: TokenStream) -> TokenStream {
    let table = parse_macro_input!(input as Table);
    scenario::expand(&table)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
