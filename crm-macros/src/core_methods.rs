//! `core_operations!`: the methods of `Snapshot`, `Batch` and `Crm` in crm-core.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::table::{Op, Run, Table};

pub fn expand(t: &Table) -> TokenStream {
    let names = t.ops().map(|op| op.name.to_string());
    let group = &t.group;
    let list = Ident::new(
        &format!("{}_OPERATIONS", group.to_string().to_uppercase()),
        Span::call_site(),
    );
    let doc = [
        format!(" The operations of the `{group}` table by name: reads, writes, then those"),
        format!(" of the handle (see `crate::{group}_operations!`)."),
    ];
    // Reads are methods of `View`, which a `Snapshot` and a `Batch` dereference to: one copy
    // of each read for both kinds of transaction.
    let view_reads = t.reads.iter().map(read);
    let batch_writes = t.writes.iter().map(write);
    let crm_reads = t.reads.iter().map(|op| on_crm(op, quote!(read), quote!(s)));
    let crm_writes = t
        .writes
        .iter()
        .map(|op| on_crm(op, quote!(batch), quote!(b)));
    quote! {
        #(#[doc = #doc])*
        pub(crate) const #list: &[&str] = &[#(#names),*];

        impl View<'_, '_> {
            #(#view_reads)*
        }

        impl Batch<'_, '_> {
            #(#batch_writes)*
        }

        impl Crm {
            #(#crm_reads)*
            #(#crm_writes)*
        }
    }
}

/// A read on `View`: `fn name(&mut self, params) -> Result<ret>`, the body run on its
/// transaction.
fn read(op: &Op) -> TokenStream {
    let Op {
        attrs, name, ret, ..
    } = op;
    let Some(Run { tx, ctx, body }) = &op.run else {
        return TokenStream::new();
    };
    let params = params(op);
    quote! {
        #(#attrs)*
        pub fn #name(&mut self, #(#params),*) -> Result<#ret> {
            let (#tx, #ctx) = (&mut self.tx, self.ctx);
            let _ = &#ctx;
            #body
        }
    }
}

/// A write on `Batch`: the body run through `Batch::run`.
fn write(op: &Op) -> TokenStream {
    let Op {
        attrs, name, ret, ..
    } = op;
    let Some(Run { tx, ctx, body }) = &op.run else {
        return TokenStream::new();
    };
    let params = params(op);
    quote! {
        #(#attrs)*
        pub fn #name(&mut self, #(#params),*) -> Result<#ret> {
            self.run(|#tx, #ctx| {
                let _ = &#ctx;
                #body
            })
        }
    }
}

/// The method of `Crm`: the `Snapshot` or `Batch` one in a transaction of its own.
fn on_crm(op: &Op, run: TokenStream, handle: TokenStream) -> TokenStream {
    let Op {
        attrs, name, ret, ..
    } = op;
    let params = params(op);
    let args = op.params.iter().map(|p| &p.name);
    quote! {
        #(#attrs)*
        pub fn #name(&self, #(#params),*) -> Result<#ret> {
            self.#run(|#handle| #handle.#name(#(#args),*))
        }
    }
}

/// `name: Type` for each parameter, without its `#[default]` (the core has no defaults).
fn params(op: &Op) -> impl Iterator<Item = TokenStream> + '_ {
    op.params.iter().map(|p| {
        let (name, ty) = (&p.name, &p.ty);
        quote!(#name: #ty)
    })
}
