//! `wasm_operations!`: `#[wasm_bindgen] impl Crm` in crm-wasm.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Ident, LitStr, Type};

use crate::docs;
use crate::shape::{self, Shape};
use crate::table::{Op, Param, Table};

/// How an operation runs: a read on the handle's transaction or a snapshot, a write on its
/// transaction or one of its own, or an operation of the handle itself.
#[derive(Clone, Copy)]
enum Kind {
    Read,
    Write,
    Handle,
}

pub fn expand(t: &Table) -> syn::Result<TokenStream> {
    let methods = t
        .reads
        .iter()
        .map(|op| method(op, Kind::Read))
        .chain(t.writes.iter().map(|op| method(op, Kind::Write)))
        .chain(t.handle.iter().map(|op| method(op, Kind::Handle)))
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        #[::wasm_bindgen::prelude::wasm_bindgen]
        impl Crm {
            #(#methods)*
        }
    })
}

fn method(op: &Op, kind: Kind) -> syn::Result<TokenStream> {
    let name = &op.name;
    let docs = docs::attrs(op, docs::camel_case);
    // TypeScript shows no default values and types dates as strings: the docs say what a
    // left-out argument means and how a date is written.
    let notes = op.params.iter().filter_map(note).collect::<Vec<_>>();
    let notes = (!notes.is_empty()).then(|| quote!(#[doc = ""] #(#[doc = #notes])*));
    let mut params = Vec::new();
    let mut reads = Vec::new();
    let mut args = Vec::new();
    let mut names = Vec::new();
    let mut listener = None;
    for (p, omittable) in op.params.iter().zip(op.omittable()) {
        let pname = js_safe(op, &p.name);
        if let Shape::Progress = Shape::of(&p.ty) {
            params.push(quote! {
                #[wasm_bindgen(unchecked_optional_param_type = "ProgressCallback")]
                #pname: ::core::option::Option<::js_sys::Function>
            });
            args.push(quote!(&mut |p| l.call(p)));
            listener = Some(quote! {
                let mut l = self::Listener::new(self::callback(#pname)?);
            });
            continue;
        }
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
        // Every argument is read first, into a value of the same name; the call borrows it.
        let (read, pass) = reader(p, &pname)?;
        reads.push(quote!(let #pname = #read;));
        args.push(pass);
        names.push(pname);
    }
    // The method's own `#[wasm_bindgen(…)]`: its JavaScript name and result type, as needed.
    let mut options = Vec::new();
    let camel = docs::camel_case(&name.to_string());
    if *name != camel {
        let camel = Ident::new(&camel, name.span());
        options.push(quote!(js_name = #camel));
    }
    // The operation, its result left in `r`. A read or a write goes through `reading` or
    // `writing`, which run it in the transaction of a handle that `begin` made, or else in one
    // of its own; each is one function for every operation, given the call as a trait object,
    // so that no operation's code is written twice (the WebAssembly package has a size limit).
    // The arguments move into the call through `args`, the call's result out through `r`.
    let args_in = quote!((#(#names,)*));
    let run = match kind {
        Kind::Read => quote! {
            let mut args = ::core::option::Option::Some(#args_in);
            let mut r = ::core::option::Option::None;
            self.reading(&mut |on| {
                if let ::core::option::Option::Some(#args_in) = args.take() {
                    r = ::core::option::Option::Some(on.#name(#(#args),*));
                }
            })?;
            let r = r.unwrap_or_else(self::not_run);
        },
        Kind::Write => quote! {
            let mut args = ::core::option::Option::Some(#args_in);
            let mut r = ::core::option::Option::None;
            self.writing(&mut |on| {
                let ::core::option::Option::Some(#args_in) = args.take() else {
                    return false;
                };
                let done = on.#name(#(#args),*);
                let ok = done.is_ok();
                r = ::core::option::Option::Some(done);
                ok
            })?;
            let r = r.unwrap_or_else(self::not_run);
        },
        Kind::Handle => quote!(let r = self.inner.#name(#(#args),*);),
    };
    // The core's result as `Result<T, JsValue>`: a callback's own exception wins over the
    // cancellation it caused.
    let (call, thrown) = match &listener {
        Some(_) => (quote!(r), quote!(l.finish(r))),
        None => (quote!(r), quote!(r.map_err(self::throw))),
    };
    let (ret, value) = match Shape::of(&op.ret) {
        Shape::Unit => (quote!(()), thrown),
        Shape::Named(n) if shape::is_number(n) => (
            quote!(f64),
            quote!(::core::result::Result::Ok(#thrown? as f64)),
        ),
        Shape::Named(n) if n == "String" || n == "bool" => (quote!(#n), thrown),
        Shape::Vec(t) if shape::name(t).is_some_and(|n| n == "u8") => {
            (quote!(::std::vec::Vec<u8>), thrown)
        }
        _ => {
            let ts = ts(&op.ret)?;
            options.push(quote!(unchecked_return_type = #ts));
            let value = match &listener {
                Some(_) => quote!(self::out(::core::result::Result::Ok(#thrown?))),
                None => quote!(self::out(#call)),
            };
            (quote!(::wasm_bindgen::JsValue), value)
        }
    };
    let body = quote! {
        #(#reads)*
        #listener
        #run
        #value
    };
    let options = (!options.is_empty()).then(|| quote!(#[wasm_bindgen(#(#options),*)]));
    Ok(quote! {
        #(#docs)*
        #notes
        #options
        pub fn #name(&self, #(#params),*) -> ::core::result::Result<#ret, ::wasm_bindgen::JsValue> {
            #body
        }
    })
}

/// What the docs say of a parameter that TypeScript cannot: its value when left out, how a
/// date or an instant is written.
fn note(p: &Param) -> Option<String> {
    let name = &p.name;
    if let Some(v) = &p.default {
        return Some(format!(" `{name}` is {} when absent.", quote!(#v)));
    }
    let written = |t: &Type| match Shape::of(t) {
        Shape::Date => Some("a date written `YYYY-MM-DD`"),
        Shape::Instant => Some("an instant written in RFC 3339"),
        _ => None,
    };
    match Shape::of(&p.ty) {
        Shape::Option(t) => written(t).map(|w| format!(" `{name}` is {w}, or null.")),
        _ => written(&p.ty).map(|w| format!(" `{name}` is {w}.")),
    }
}

/// The parameter's name in JavaScript: its own, unless that is a reserved word (`export`),
/// which takes the rest of the operation's name as a prefix (`ical_export` in `export_ical`).
fn js_safe(op: &Op, name: &Ident) -> Ident {
    let word = name.to_string();
    if !RESERVED.split_whitespace().any(|w| w == word) {
        return name.clone();
    }
    let others: Vec<String> = op
        .name
        .to_string()
        .split('_')
        .filter(|w| *w != word)
        .map(str::to_owned)
        .collect();
    Ident::new(&format!("{}_{word}", others.join("_")), Span::call_site())
}

/// JavaScript's reserved words (in strict mode), which cannot name a parameter.
const RESERVED: &str = "arguments break case catch class const continue debugger default delete \
    do else enum eval export extends false finally for function if implements import in \
    instanceof interface let new null package private protected public return static super \
    switch this throw true try typeof var void while with yield";

/// How a parameter is read with the crate's readers (`arg`, `text`, `parse`…), naming it in a
/// refusal by its Rust name (`js` is what it is called here): the expression that reads its
/// value, and the expression that hands that value (bound to `js`) to the core.
fn reader(p: &Param, js: &Ident) -> syn::Result<(TokenStream, TokenStream)> {
    let field = LitStr::new(&p.name.to_string(), p.name.span());
    let name = js;
    if let Some(v) = &p.default {
        return Ok((
            quote!(self::arg::<::core::option::Option<_>>(#field, &#name)?.unwrap_or(#v)),
            quote!(#name),
        ));
    }
    Ok(match Shape::of(&p.ty) {
        Shape::Str => (quote!(self::text(#field, &#name)?), quote!(&#name)),
        Shape::OptionStr => (
            quote!(self::text_optional(#field, &#name)?),
            quote!(#name.as_deref()),
        ),
        Shape::Named(n) if n == "String" => (quote!(self::text(#field, &#name)?), quote!(#name)),
        Shape::Named(n) if shape::is_parsed(n) => {
            (quote!(self::parse(#field, &#name)?), quote!(#name))
        }
        Shape::Option(t) if shape::name(t).is_some_and(shape::is_parsed) => {
            (quote!(self::parse_optional(#field, &#name)?), quote!(#name))
        }
        Shape::Ref(_) => (quote!(self::arg(#field, &#name)?), quote!(&#name)),
        Shape::Slice(_) => (
            quote!(self::arg::<::std::vec::Vec<_>>(#field, &#name)?),
            quote!(#name.as_slice()),
        ),
        Shape::Named(_) | Shape::Option(_) | Shape::Instant | Shape::Date | Shape::Vec(_) => {
            (quote!(self::arg(#field, &#name)?), quote!(#name))
        }
        _ => return Err(no_rule(&p.ty)),
    })
}

/// The TypeScript type of a Rust type: ids and records by name, `Page<X>` as `XPage`, dates
/// and instants as strings.
fn ts(ty: &Type) -> syn::Result<String> {
    Ok(match Shape::of(ty) {
        Shape::Str | Shape::Instant | Shape::Date => "string".into(),
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
        Shape::Unit | Shape::Progress | Shape::Other => return Err(no_rule(ty)),
    })
}

fn no_rule(ty: &Type) -> syn::Error {
    syn::Error::new_spanned(ty, "wasm_operations!: no rule maps this type yet")
}
