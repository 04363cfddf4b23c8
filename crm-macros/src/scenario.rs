//! `scenario_operations!`: the Rust scenario runner's dispatch of a table's operations.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Ident, LitStr};

use crate::shape::{self, Shape};
use crate::table::{Op, Param, Table};

pub fn expand(t: &Table) -> syn::Result<TokenStream> {
    let arms = t
        .ops()
        .map(|op| arm(op, quote!(crm)))
        .collect::<syn::Result<Vec<_>>>()?;
    // In a transaction, the reads and writes run on its batch; the handle's own operations
    // are not transactions and run on the CRM.
    let batch_arms = t
        .ops()
        .filter(|op| op.run.is_some())
        .map(|op| arm(op, quote!(b)))
        .collect::<syn::Result<Vec<_>>>()?;
    let group = &t.group;
    let function = Ident::new(&format!("dispatch_{group}"), Span::call_site());
    let in_batch = Ident::new(&format!("dispatch_{group}_in_batch"), Span::call_site());
    let doc = [
        format!(" Runs one operation of the `{group}` table by name, its arguments read from"),
        " `a`; `None` when the name is not one of the table's.".to_string(),
    ];
    let batch_doc = [
        format!(" Runs one read or write of the `{group}` table by name in a transaction's"),
        " batch; `None` when the name is not one of the table's reads or writes.".to_string(),
    ];
    Ok(quote! {
        #(#[doc = #doc])*
        fn #function(
            crm: &Crm,
            op: &str,
            a: &Map<::std::string::String, Value>,
        ) -> ::core::option::Option<::core::result::Result<Outcome, Error>> {
            type Run = fn(
                &Crm,
                &Map<::std::string::String, Value>,
            ) -> ::core::result::Result<Outcome, Error>;
            let run: Run = match op {
                #(#arms)*
                _ => return ::core::option::Option::None,
            };
            ::core::option::Option::Some(run(crm, a))
        }

        #(#[doc = #batch_doc])*
        fn #in_batch(
            b: &mut Batch<'_, '_>,
            op: &str,
            a: &Map<::std::string::String, Value>,
        ) -> ::core::option::Option<::core::result::Result<Outcome, Error>> {
            type Run = fn(
                &mut Batch<'_, '_>,
                &Map<::std::string::String, Value>,
            ) -> ::core::result::Result<Outcome, Error>;
            let run: Run = match op {
                #(#batch_arms)*
                _ => return ::core::option::Option::None,
            };
            ::core::option::Option::Some(run(b, a))
        }
    })
}

/// The match arm of an operation, run on `on` (`crm` or a batch `b`).
fn arm(op: &Op, on: TokenStream) -> syn::Result<TokenStream> {
    let name = &op.name;
    let key = name.to_string();
    let args = op
        .params
        .iter()
        .map(reader)
        .collect::<syn::Result<Vec<_>>>()?;
    let call = quote!(#on.#name(#(#args),*));
    // Bytes (a backup) are kept as they are, for a later step to reopen.
    let outcome = match Shape::of(&op.ret) {
        Shape::Vec(t) if shape::name(t).is_some_and(|n| n == "u8") => {
            quote!(#call.map(Outcome::Bytes))
        }
        _ => quote!(self::value(#call)),
    };
    Ok(quote! {
        #key => |#on, a| #outcome,
    })
}

/// The expression that reads a parameter from the step's `args` by its name.
fn reader(p: &Param) -> syn::Result<TokenStream> {
    let key = LitStr::new(&p.name.to_string(), p.name.span());
    if let Some(v) = &p.default {
        return Ok(quote!(self::arg::<::core::option::Option<_>>(a, #key)?.unwrap_or(#v)));
    }
    Ok(match Shape::of(&p.ty) {
        Shape::Str => quote!(&self::arg::<::std::string::String>(a, #key)?),
        Shape::OptionStr => {
            quote!(self::arg::<::core::option::Option<::std::string::String>>(a, #key)?.as_deref())
        }
        Shape::Slice(_) => quote!(self::arg::<::std::vec::Vec<_>>(a, #key)?.as_slice()),
        Shape::Ref(_) => quote!(&self::arg(a, #key)?),
        Shape::Progress => quote!(&mut self::progress(a)),
        Shape::Named(_)
        | Shape::Option(_)
        | Shape::Vec(_)
        | Shape::Page(_)
        | Shape::Instant
        | Shape::Date => {
            quote!(self::arg(a, #key)?)
        }
        Shape::Unit | Shape::Other => {
            return Err(syn::Error::new_spanned(
                &p.ty,
                "scenario_operations!: no rule reads this type from a scenario yet",
            ));
        }
    })
}
