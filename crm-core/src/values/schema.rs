//! JSON Schemas of the types whose serde form is written by hand: they all travel as strings.
//! Only built with the `schema` feature, which generates the TypeScript declarations.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::values::decimal::Decimal;
use crate::values::id::{Id, IdKind, RecordRef};
use crate::values::money::Currency;

fn string(description: &str) -> Schema {
    json_schema!({ "type": "string", "description": description })
}

impl<K: IdKind> JsonSchema for Id<K> {
    fn schema_name() -> Cow<'static, str> {
        let mut name: String = K::PREFIX[..1].to_uppercase();
        name.push_str(&K::PREFIX[1..]);
        name.push_str("Id");
        name.into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let article = if K::NAME.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        string(&format!(
            "The id of {article} {}: `{}_` then 26 base32 characters, sortable by creation time.",
            K::NAME,
            K::PREFIX
        ))
    }
}

impl JsonSchema for RecordRef {
    fn schema_name() -> Cow<'static, str> {
        "RecordRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string("The id of a contact, company, lead or deal; its prefix says which.")
    }
}

impl JsonSchema for Currency {
    fn schema_name() -> Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string("An ISO 4217 currency code, such as `PLN`, `EUR`, `RON`.")
    }
}

impl JsonSchema for Decimal {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string("An exact decimal number written as text, such as `\"12.5\"` (never a float).")
    }
}
