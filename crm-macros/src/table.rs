//! Parsing an operation table (its grammar is in the crate docs).

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, Token, Type, braced, parenthesized};

/// One group's table: its name, its reads, its writes, and the operations of `Crm` itself.
pub struct Table {
    /// The group's name (`people`), which names what the targets write for the whole table.
    pub group: Ident,
    pub reads: Vec<Op>,
    pub writes: Vec<Op>,
    /// Operations the core writes by hand on `Crm` (they are not transactions of `Snapshot`
    /// or `Batch`); the bindings and the scenario runner expose them like the others.
    pub handle: Vec<Op>,
}

impl Table {
    /// Every operation: reads, writes, then those of the handle.
    pub fn ops(&self) -> impl Iterator<Item = &Op> {
        self.reads.iter().chain(&self.writes).chain(&self.handle)
    }
}

/// One operation.
pub struct Op {
    /// Its outer attributes (the doc comments), as written.
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub params: Vec<Param>,
    /// The type of a successful result (`()` included).
    pub ret: Type,
    /// How the core runs it: absent for the operations of the handle.
    pub run: Option<Run>,
}

/// The closure of a read or a write, used by the core only.
pub struct Run {
    /// The closure's first parameter: the transaction (`r` or `w`).
    pub tx: Ident,
    /// The closure's second parameter: the context.
    pub ctx: Ident,
    /// The closure's body.
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

    /// Which parameters a caller may leave out: the last run of parameters that each are an
    /// `Option`, a progress callback or have a `#[default]` (a left-out parameter can only be
    /// followed by others).
    pub fn omittable(&self) -> Vec<bool> {
        let mut out = vec![false; self.params.len()];
        for (i, p) in self.params.iter().enumerate().rev() {
            if p.default.is_some() || crate::shape::may_be_left_out(&p.ty) {
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
        keyword(input, "group")?;
        let group: Ident = input.parse()?;
        input.parse::<Token![;]>()?;
        keyword(input, "reads")?;
        let reads = section(input, true)?;
        keyword(input, "writes")?;
        let writes = section(input, true)?;
        let handle = if input.is_empty() {
            Vec::new()
        } else {
            keyword(input, "handle")?;
            section(input, false)?
        };
        if !input.is_empty() {
            return Err(input.error("expected the end of the table after `handle { … }`"));
        }
        Ok(Table {
            group,
            reads,
            writes,
            handle,
        })
    }
}

fn keyword(input: ParseStream, keyword: &str) -> syn::Result<()> {
    let kw: Ident = input.parse()?;
    if kw != keyword {
        return Err(syn::Error::new(kw.span(), format!("expected `{keyword}`")));
    }
    Ok(())
}

/// `{ op* }`, the operations with a body (`= |tx, ctx| body`) or without one.
fn section(input: ParseStream, with_body: bool) -> syn::Result<Vec<Op>> {
    let content;
    braced!(content in input);
    let mut ops = Vec::new();
    while !content.is_empty() {
        ops.push(op(&content, with_body)?);
    }
    Ok(ops)
}

fn op(input: ParseStream, with_body: bool) -> syn::Result<Op> {
    let attrs = input.call(Attribute::parse_outer)?;
    input.parse::<Token![fn]>()?;
    let name: Ident = input.parse()?;
    let content;
    parenthesized!(content in input);
    let params: Punctuated<Param, Token![,]> = Punctuated::parse_terminated(&content)?;
    input.parse::<Token![->]>()?;
    let ret: Type = input.parse()?;
    let run = if with_body {
        input.parse::<Token![=]>()?;
        input.parse::<Token![|]>()?;
        let tx: Ident = input.parse()?;
        input.parse::<Token![,]>()?;
        let ctx: Ident = input.parse()?;
        input.parse::<Token![|]>()?;
        let body: Expr = input.parse()?;
        Some(Run { tx, ctx, body })
    } else {
        None
    };
    input.parse::<Token![;]>()?;
    Ok(Op {
        attrs,
        name,
        params: params.into_iter().collect(),
        ret,
        run,
    })
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
