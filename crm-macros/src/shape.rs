//! The shapes of the types the table uses, which each target maps by its own rules.

use syn::{GenericArgument, Ident, PathArguments, Type, TypePath};

/// A type of a parameter or result, as far as the targets care.
pub enum Shape<'a> {
    /// `()`
    Unit,
    /// `&str`
    Str,
    /// `&[T]`
    Slice(&'a Type),
    /// `&T`, `T` being neither `str` nor a slice
    Ref(&'a Type),
    /// `Option<&str>`
    OptionStr,
    /// `Option<T>`
    Option(&'a Type),
    /// `Vec<T>`
    Vec(&'a Type),
    /// `Page<X>`: a page of records, which the bindings name `XPage`
    Page(&'a Ident),
    /// `DateTime<Utc>`: an instant
    Instant,
    /// `NaiveDate`: a calendar date
    Date,
    /// `&mut dyn FnMut(Progress) -> bool`: told how a long operation is going, returns
    /// `false` to cancel it
    Progress,
    /// A plain name: a number, `bool`, `String`, an id, a record, an enum
    Named(&'a Ident),
    /// Anything else (no target has a rule for it yet)
    Other,
}

impl Shape<'_> {
    /// The shape of `ty`.
    pub fn of(ty: &Type) -> Shape<'_> {
        match ty {
            Type::Tuple(t) if t.elems.is_empty() => Shape::Unit,
            Type::Paren(p) => Shape::of(&p.elem),
            Type::Reference(r) if r.mutability.is_some() => {
                if is_progress(&r.elem) {
                    Shape::Progress
                } else {
                    Shape::Other
                }
            }
            Type::Reference(r) => match &*r.elem {
                Type::Slice(s) => Shape::Slice(&s.elem),
                t if name(t).is_some_and(|n| n == "str") => Shape::Str,
                t => Shape::Ref(t),
            },
            Type::Path(p) => {
                if let Some(inner) = generic(p, "Option") {
                    match Shape::of(inner) {
                        Shape::Str => Shape::OptionStr,
                        _ => Shape::Option(inner),
                    }
                } else if let Some(inner) = generic(p, "Vec") {
                    Shape::Vec(inner)
                } else if let Some(inner) = generic(p, "Page") {
                    name(inner).map_or(Shape::Other, Shape::Page)
                } else if let Some(inner) = generic(p, "DateTime") {
                    match name(inner) {
                        Some(utc) if utc == "Utc" => Shape::Instant,
                        _ => Shape::Other,
                    }
                } else {
                    match name(ty) {
                        Some(n) if n == "NaiveDate" => Shape::Date,
                        Some(n) => Shape::Named(n),
                        None => Shape::Other,
                    }
                }
            }
            _ => Shape::Other,
        }
    }
}

/// Whether a caller may leave out a parameter of type `ty` (when only such parameters follow
/// it): an `Option` is then `None`, a progress callback one that never cancels.
pub fn may_be_left_out(ty: &Type) -> bool {
    matches!(
        Shape::of(ty),
        Shape::Option(_) | Shape::OptionStr | Shape::Progress
    )
}

/// Whether `ty` is `dyn FnMut(Progress) -> bool`.
fn is_progress(ty: &Type) -> bool {
    let Type::TraitObject(t) = ty else {
        return false;
    };
    let [syn::TypeParamBound::Trait(bound)] = t.bounds.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let Some(seg) = bound.path.segments.last() else {
        return false;
    };
    let PathArguments::Parenthesized(args) = &seg.arguments else {
        return false;
    };
    let takes_progress =
        args.inputs.len() == 1 && name(&args.inputs[0]).is_some_and(|n| n == "Progress");
    let returns_bool = match &args.output {
        syn::ReturnType::Type(_, out) => name(out).is_some_and(|n| n == "bool"),
        syn::ReturnType::Default => false,
    };
    seg.ident == "FnMut" && takes_progress && returns_bool
}

/// The name of a plain one-segment path type without generics (`ContactId`, `u32`).
pub fn name(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(TypePath { qself: None, path }) if path.segments.len() == 1 => {
            let seg = &path.segments[0];
            matches!(seg.arguments, PathArguments::None).then_some(&seg.ident)
        }
        _ => None,
    }
}

/// `T` when `p` is `wrapper<T>` (one segment, one type argument).
fn generic<'a>(p: &'a TypePath, wrapper: &str) -> Option<&'a Type> {
    if p.qself.is_some() || p.path.segments.len() != 1 {
        return None;
    }
    let seg = &p.path.segments[0];
    if seg.ident != wrapper {
        return None;
    }
    match &seg.arguments {
        PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// Rust's number types.
pub fn is_number(name: &Ident) -> bool {
    [
        "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize", "f32", "f64",
    ]
    .iter()
    .any(|n| name == n)
}

/// Types that cross as a string the core parses (`FromStr` with the core's error): ids,
/// record references and currencies.
pub fn is_parsed(name: &Ident) -> bool {
    let n = name.to_string();
    (n.ends_with("Id") && n.len() > 2) || n == "RecordRef" || n == "Currency"
}
