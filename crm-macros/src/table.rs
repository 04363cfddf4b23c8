//! Parsing the operation table (its grammar is in the crate docs).

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, Token, Type, braced, parenthesized};

/// The whole table: the reads, then the writes.
pub struct Table {
    pub reads: Vec<Op>,
    pub writes: Vec<Op>,
}

/// One operation.
pub struct Op {
    /// Its outer attributes (the doc comments), as written.
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub params: Vec<Param>,
    /// The type of a successful result (`()` included).
    pub ret: Type,
    /// The closure's first parameter: the transaction (`r` or `w`).
    pub tx: Ident,
    /// The closure's second parameter: the context.
    pub ctx: Ident,
    /// The closure's body, used by the core only.
    pub body: Expr,
}

/// One parameter of an operation.
pub struct Param {
    pub name: Ident,
    pub ty: Type,
    /// The value of `#[default(…)]`: what the bindings pass when the caller leaves it out.
    pub default: Option<Expr>,
}

impl Op {
    /// The doc attributes only (the bindings carry nothing else over).
    pub fn docs(&self) -> impl Iterator<Item = &Attribute> {
        self.attrs.iter().filter(|a| a.path().is_ident("doc"))
    }

    /// Which parameters a caller may leave out: the last run of parameters that are each an
    /// `Option` or have a `#[default]` (a left-out parameter can only be followed by others).
    pub fn omittable(&self) -> Vec<bool> {
        let mut out = vec![false; self.params.len()];
        for (i, p) in self.params.iter().enumerate().rev() {
            if p.default.is_some() || crate::shape::is_option(&p.ty) {
                out[i] = true;
            } else {
                break;
            }
        }
        out
    }
}

impl Parse for Table {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let reads = section(input, "reads")?;
        let writes = section(input, "writes")?;
        if !input.is_empty() {
            return Err(input.error("expected the end of the table after `writes { … }`"));
        }
        Ok(Table { reads, writes })
    }
}

/// `keyword { op* }`
fn section(input: ParseStream, keyword: &str) -> syn::Result<Vec<Op>> {
    let kw: Ident = input.parse()?;
    if kw != keyword {
        return Err(syn::Error::new(kw.span(), format!("expected `{keyword}`")));
    }
    let content;
    braced!(content in input);
    let mut ops = Vec::new();
    while !content.is_empty() {
        ops.push(content.parse()?);
    }
    Ok(ops)
}

impl Parse for Op {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        input.parse::<Token![fn]>()?;
        let name: Ident = input.parse()?;
        let content;
        parenthesized!(content in input);
        let params: Punctuated<Param, Token![,]> = Punctuated::parse_terminated(&content)?;
        input.parse::<Token![->]>()?;
        let ret: Type = input.parse()?;
        input.parse::<Token![=]>()?;
        input.parse::<Token![|]>()?;
        let tx: Ident = input.parse()?;
        input.parse::<Token![,]>()?;
        let ctx: Ident = input.parse()?;
        input.parse::<Token![|]>()?;
        let body: Expr = input.parse()?;
        input.parse::<Token![;]>()?;
        Ok(Op {
            attrs,
            name,
            params: params.into_iter().collect(),
            ret,
            tx,
            ctx,
            body,
        })
    }
}

impl Parse for Param {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut default = None;
        for attr in input.call(Attribute::parse_outer)? {
            if attr.path().is_ident("default") && default.is_none() {
                default = Some(attr.parse_args::<Expr>()?);
            } else {
                return Err(syn::Error::new_spanned(
                    attr,
                    "a parameter takes only one attribute: `#[default(value)]`",
                ));
            }
        }
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        Ok(Param { name, ty, default })
    }
}
