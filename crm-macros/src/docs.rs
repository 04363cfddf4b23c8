//! The table's doc comments as the bindings show them: rustdoc's intra-doc links mean nothing
//! to Python, Kotlin, Swift or TypeScript readers, so they are rewritten.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, ExprLit, Lit, Meta};

use crate::table::Op;

/// The doc attributes of `op` for a binding that names the methods of `Crm` with `rename`:
/// - a link to a method of `Crm` or `CrmBuilder` (`` [`Crm::open`] ``) becomes that method's
///   name in the binding (`` `open` ``, `` `openBytes` ``);
/// - a remark that only points elsewhere in Rust (`` (see [`Contact::to_input`]) ``) is
///   dropped: the bindings have no such item;
/// - any other link keeps its text (`` [`Money`] `` becomes `` `Money` ``).
pub fn attrs(op: &Op, rename: fn(&str) -> String) -> Vec<TokenStream> {
    let text = op
        .docs()
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    render(&text, rename)
        .split('\n')
        .map(|line| quote!(#[doc = #line]))
        .collect()
}

/// `text` with its intra-doc links rewritten (see [`attrs`]).
pub fn render(text: &str, rename: fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let Some(len) = rest[start + 2..].find("`]") else {
            break;
        };
        let path = &rest[start + 2..start + 2 + len];
        let after = &rest[start + 2 + len + 2..];
        let own = ["Crm::", "CrmBuilder::"]
            .iter()
            .find_map(|owner| path.strip_prefix(owner));
        let before = &rest[..start];
        match own {
            Some(method) => {
                out.push_str(before);
                out.push('`');
                out.push_str(&rename(method));
                out.push('`');
            }
            None if before.ends_with("(see ") && after.starts_with(')') => {
                let kept = before.trim_end_matches("(see ").trim_end();
                out.push_str(kept);
                rest = &after[1..];
                continue;
            }
            None => {
                out.push_str(before);
                out.push('`');
                out.push_str(path);
                out.push('`');
            }
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The name unchanged (uniffi's names are the Rust ones).
pub fn same(name: &str) -> String {
    name.to_string()
}

/// `search_activities` → `searchActivities`, as JavaScript names the methods.
pub fn camel_case(snake: &str) -> String {
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
