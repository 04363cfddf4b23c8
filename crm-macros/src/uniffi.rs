//! `uniffi_operations!`: `#[uniffi::export] impl Crm` in crm-ffi.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Ident, Type};

use crate::docs;
use crate::shape::{self, Shape};
use crate::table::{Op, Table};

pub fn expand(t: &Table) -> syn::Result<TokenStream> {
    let methods = t.ops().map(method).collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        #[::uniffi::export]
        impl Crm {
            #(#methods)*
        }
    })
}

fn method(op: &Op) -> syn::Result<TokenStream> {
    let name = &op.name;
    let docs = docs::attrs(op, docs::same);
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut defaults = Vec::new();
    for (p, omittable) in op.params.iter().zip(op.omittable()) {
        let (ty, arg) = param(&p.name, &p.ty)?;
        let pname = &p.name;
        params.push(quote!(#pname: #ty));
        args.push(arg);
        match &p.default {
            Some(v) => defaults.push(quote!(#pname = #v)),
            None if omittable => defaults.push(quote!(#pname = None)),
            None => {}
        }
    }
    let defaults =
        (!defaults.is_empty()).then(|| quote!(#[uniffi::method(default(#(#defaults),*))]));
    let (ret, convert) = result(&op.ret)?;
    // A read or a write runs in the transaction of a handle that `begin` made, when it is one.
    let call = match op.run {
        Some(_) => quote! {
            (match self.transaction() {
                ::core::option::Option::Some(tx) => {
                    self::in_transaction(tx, |b| b.#name(#(#args),*))
                }
                ::core::option::Option::None => self.inner.#name(#(#args),*),
            })?
        },
        None => quote!(self.inner.#name(#(#args),*)?),
    };
    let value = convert(call);
    Ok(quote! {
        #(#docs)*
        #defaults
        pub fn #name(&self, #(#params),*) -> ::core::result::Result<#ret, CrmError> {
            ::core::result::Result::Ok(#value)
        }
    })
}

/// The binding's type of a parameter, and the expression that hands it to the core.
fn param(name: &Ident, ty: &Type) -> syn::Result<(TokenStream, TokenStream)> {
    Ok(match Shape::of(ty) {
        Shape::Str => (quote!(::std::string::String), quote!(&#name)),
        Shape::Slice(t) => (quote!(::std::vec::Vec<#t>), quote!(&#name)),
        Shape::OptionStr => (
            quote!(::core::option::Option<::std::string::String>),
            quote!(#name.as_deref()),
        ),
        Shape::Progress => (
            quote!(::core::option::Option<::std::sync::Arc<dyn ProgressListener>>),
            quote!(&mut self::listener(#name)),
        ),
        Shape::Ref(t) => (quote!(#t), quote!(&#name.into())),
        Shape::Named(_) | Shape::Instant | Shape::Date | Shape::Option(_) if as_is(ty) => {
            (binding_type(ty)?, quote!(#name))
        }
        Shape::Named(_) => (quote!(#ty), quote!(#name.into())),
        Shape::Option(_) => (quote!(#ty), quote!(#name.map(::core::convert::Into::into))),
        _ => return Err(no_rule(ty, "a parameter")),
    })
}

/// The binding's type of a result, and how the core's value becomes it.
type Convert = fn(TokenStream) -> TokenStream;

fn result(ty: &Type) -> syn::Result<(TokenStream, Convert)> {
    let same: Convert = |v| v;
    let into: Convert = |v| quote!(::core::convert::Into::into(#v));
    Ok(match Shape::of(ty) {
        Shape::Unit => (quote!(()), same),
        _ if as_is(ty) => (binding_type(ty)?, same),
        Shape::Named(_) => (quote!(#ty), into),
        Shape::Page(x) => {
            let page = format_ident!("{}Page", x, span = Span::call_site());
            (quote!(#page), into)
        }
        Shape::Option(t) => (
            quote!(::core::option::Option<#t>),
            |v| quote!(#v.map(::core::convert::Into::into)),
        ),
        Shape::Vec(t) => (
            quote!(::std::vec::Vec<#t>),
            |v| quote!(#v.into_iter().map(::core::convert::Into::into).collect()),
        ),
        _ => return Err(no_rule(ty, "a result")),
    })
}

/// Whether values of `ty` cross as they are, without a conversion: numbers, `bool`, `String`,
/// instants and dates (crm-ffi's custom types `Timestamp` and `Date`), and options and vectors
/// of those.
fn as_is(ty: &Type) -> bool {
    match Shape::of(ty) {
        Shape::Named(n) => shape::is_number(n) || n == "bool" || n == "String",
        Shape::Instant | Shape::Date => true,
        Shape::Option(t) | Shape::Vec(t) => as_is(t),
        _ => false,
    }
}

/// The binding's name of a type that crosses as it is.
fn binding_type(ty: &Type) -> syn::Result<TokenStream> {
    Ok(match Shape::of(ty) {
        Shape::Instant => quote!(Timestamp),
        Shape::Date => quote!(Date),
        Shape::Named(_) => quote!(#ty),
        Shape::Option(t) => {
            let t = binding_type(t)?;
            quote!(::core::option::Option<#t>)
        }
        Shape::Vec(t) => {
            let t = binding_type(t)?;
            quote!(::std::vec::Vec<#t>)
        }
        _ => return Err(no_rule(ty, "a value")),
    })
}

fn no_rule(ty: &Type, what: &str) -> syn::Error {
    syn::Error::new_spanned(
        ty,
        format!("uniffi_operations!: no rule maps this type as {what} yet"),
    )
}
