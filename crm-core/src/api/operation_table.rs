//! The operation table: each operation described once — its docs, parameters, result and
//! body — and expanded by the macros of `crm-macros` into the core's methods (`api/crm.rs`), the
//! uniffi and wasm-bindgen bindings and the Rust scenario runner. The table's grammar and how
//! each target maps the types are in `crm-macros`' crate docs.
//!
//! Operations move here from the `operations!` table of `api/crm.rs` one by one; an operation is
//! in one table or the other, never both.

/// Hands the operation table to the macro named: `operation_table!(crm_macros::uniffi_operations)`
/// expands to `crm_macros::uniffi_operations! { group table; reads { … } writes { … } }`. Names in the
/// table resolve where this is invoked. Public only so that the binding crates can expand it.
#[macro_export]
#[doc(hidden)]
macro_rules! operation_table {
    ($($target:ident)::+) => {
        $($target)::+! {
            group table;
            reads {
                /// One page of contacts matching a filter, in the requested order.
                fn list_contacts(query: &ContactQuery) -> Page<Contact> = |r, ctx| {
                    query::list_records::<Contact>(r, ctx, query)
                };
                /// Activities whose subject, body, location, outcome or kind name has a word
                /// starting with each word of `text` (ignoring case and diacritics), newest
                /// first, at most `limit` (1 to 1,000).
                fn search_activities(text: &str, #[default(50)] limit: u32) -> Vec<Activity> = |r, ctx| activity::search(r, text, limit);
            }
            writes {
                /// Creates a contact.
                fn create_contact(input: ContactInput) -> Contact = |w, ctx| contact::create(w, ctx, &input);
                /// Records the customer's rejection of a quote, with an optional reason.
                fn reject_quote(id: QuoteId, reason: Option<&str>) -> Quote = |w, ctx| quote::reject(w, ctx, id, reason);
            }
        }
    };
}
