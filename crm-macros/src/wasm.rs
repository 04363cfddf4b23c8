//! `wasm_operations!`: `#[wasm_bindgen] impl Crm` in crm-wasm.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Ident, LitStr, Type};

use crate::shape::{self, Shape};
use crate::table::{Op, Param, Table};

pub fn expand(t: &Table) -> syn::Result<TokenStream> {
    let methods = t
        .reads
        .iter()
        .chain(&t.writes)
        .map(method)
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        #[::wasm_bindgen::prelude::wasm_bindgen]
        impl Crm {
            #(#methods)*
        }
    })
}

fn method(op: &Op) -> syn::Result<TokenStream> {
    let name = &op.name;
    let docs = op.docs();
    // TypeScript shows no default values: the docs say what a left-out argument means.
    let defaults = op.params.iter().filter_map(|p| {
        let v = p.default.as_ref()?;
        let line = format!(" `{}` is {} when absent.", p.name, quote!(#v));
        Some(quote!(#[doc = ""] #[doc = #line]))
    });
    let mut params = Vec::new();
    let mut args = Vec::new();
    for (p, omittable) in op.params.iter().zip(op.omittable()) {
        let pname = &p.name;
        let mut ts = ts(&p.ty)?;
        if p.default.is_some() {
            ts.push_str(" | null");
        }
        let attr = if omittable {
            quote!(#[wasm_bindgen(unchecked_optional_param_type = #ts)])
        } else {
            quote!(#[wasm_bindgen(unchecked_param_type = #ts)])
        };
        params.push(quote!(#attr #pname: ::wasm_bindgen::JsValue));
        args.push(reader(p)?);
    }
    // The method's own `#[wasm_bindgen(…)]`: its JavaScript name and result type, as needed.
    let mut options = Vec::new();
    let camel = camel_case(&name.to_string());
    if *name != camel {
        let camel = Ident::new(&camel, name.span());
        options.push(quote!(js_name = #camel));
    }
    let call = quote!(self.inner.#name(#(#args),*));
    let (ret, body) = match Shape::of(&op.ret) {
        Shape::Unit => (quote!(()), quote!(#call.map_err(self::throw))),
        Shape::Named(n) if shape::is_number(n) => (
            quote!(f64),
            quote!(::core::result::Result::Ok(#call.map_err(self::throw)? as f64)),
        ),
        Shape::Named(n) if n == "String" || n == "bool" => {
            (quote!(#n), quote!(#call.map_err(self::throw)))
        }
        _ => {
            let ts = ts(&op.ret)?;
            options.push(quote!(unchecked_return_type = #ts));
            (quote!(::wasm_bindgen::JsValue), quote!(self::out(#call)))
        }
    };
    let options = (!options.is_empty()).then(|| quote!(#[wasm_bindgen(#(#options),*)]));
    Ok(quote! {
        #(#docs)*
        #(#defaults)*
        #options
        pub fn #name(&self, #(#params),*) -> ::core::result::Result<#ret, ::wasm_bindgen::JsValue> {
            #body
        }
    })
}

/// The expression that reads a parameter with the crate's readers (`arg`, `text`, `parse`…),
/// naming the parameter in a refusal.
fn reader(p: &Param) -> syn::Result<TokenStream> {
    let name = &p.name;
    let field = LitStr::new(&name.to_string(), name.span());
    if let Some(v) = &p.default {
        return Ok(quote!(self::arg::<::core::option::Option<_>>(#field, &#name)?.unwrap_or(#v)));
    }
    Ok(match Shape::of(&p.ty) {
        Shape::Str => quote!(&self::text(#field, &#name)?),
        Shape::OptionStr => quote!(self::text_optional(#field, &#name)?.as_deref()),
        Shape::Named(n) if n == "String" => quote!(self::text(#field, &#name)?),
        Shape::Named(n) if shape::is_parsed(n) => quote!(self::parse(#field, &#name)?),
        Shape::Option(t) if shape::name(t).is_some_and(shape::is_parsed) => {
            quote!(self::parse_optional(#field, &#name)?)
        }
        Shape::Ref(_) => quote!(&self::arg(#field, &#name)?),
        Shape::Slice(_) => {
            quote!(self::arg::<::std::vec::Vec<_>>(#field, &#name)?.as_slice())
        }
        Shape::Named(_) | Shape::Option(_) => quote!(self::arg(#field, &#name)?),
        _ => return Err(no_rule(&p.ty)),
    })
}

/// The TypeScript type of a Rust type: ids and records by name, `Page<X>` as `XPage`.
fn ts(ty: &Type) -> syn::Result<String> {
    Ok(match Shape::of(ty) {
        Shape::Str => "string".into(),
        Shape::OptionStr => "string | null".into(),
        Shape::Ref(t) => ts(t)?,
        Shape::Slice(t) | Shape::Vec(t) => {
            let item = ts(t)?;
            if item.contains(' ') {
                format!("({item})[]")
            } else {
                format!("{item}[]")
            }
        }
        Shape::Option(t) => format!("{} | null", ts(t)?),
        Shape::Page(x) => format!("{x}Page"),
        Shape::Named(n) if shape::is_number(n) => "number".into(),
        Shape::Named(n) if n == "bool" => "boolean".into(),
        Shape::Named(n) if n == "String" => "string".into(),
        Shape::Named(n) => n.to_string(),
        Shape::Unit | Shape::Other => return Err(no_rule(ty)),
    })
}

/// `search_activities` → `searchActivities`.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn no_rule(ty: &Type) -> syn::Error {
    syn::Error::new_spanned(ty, "wasm_operations!: no rule maps this type yet")
}
