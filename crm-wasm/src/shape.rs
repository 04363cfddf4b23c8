//! Reading an argument's JSON form into a core type, with a refusal that says where and what:
//! the full path of the value at fault (`filter.conditions[0].value`) and, for an unknown
//! name, the names allowed there. Never the value given, which may be personal data (a name
//! or variant the library defines is not).
//!
//! It is a serde deserializer over a parsed [`serde_json::Value`] that keeps the path as it
//! descends. There is one such deserializer for every type, so each type's reader is compiled
//! once, as it was over the `Value` itself (a wrapper around `serde_json`'s deserializer would
//! compile every reader a second time, which the WebAssembly size budget cannot take).

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use serde_json::{Map, Value};

/// One step of a path: a field of an object or an item of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Field(String),
    Item(usize),
}

/// Why a value does not have its type's shape, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The path, innermost step first (steps are pushed as the error climbs out).
    steps: Vec<Step>,
    /// What is wrong, without the value given.
    pub(crate) reason: String,
}

impl Refusal {
    fn new(reason: String) -> Refusal {
        Refusal {
            steps: Vec::new(),
            reason,
        }
    }

    fn at(reason: String, field: &str) -> Refusal {
        Refusal {
            steps: vec![Step::Field(field.to_string())],
            reason,
        }
    }

    fn within(mut self, step: Step) -> Refusal {
        self.steps.push(step);
        self
    }

    /// The path of the value at fault, below the argument (`""` for the argument itself).
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        for step in self.steps.iter().rev() {
            match step {
                Step::Field(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Step::Item(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path().as_str() {
            "" => f.write_str(&self.reason),
            path => write!(f, "{path}: {}", self.reason),
        }
    }
}

impl std::error::Error for Refusal {}

/// What kind of value was given, without the value.
fn kind_of(unexpected: de::Unexpected<'_>) -> &'static str {
    use de::Unexpected as U;
    match unexpected {
        U::Bool(_) => "a boolean",
        U::Unsigned(_) | U::Signed(_) => "a whole number",
        U::Float(_) => "a number with a fraction",
        U::Char(_) | U::Str(_) => "a string",
        U::Bytes(_) => "bytes",
        U::Unit => "null",
        U::Option => "an optional value",
        U::NewtypeStruct | U::NewtypeVariant => "a wrapped value",
        U::Seq => "a list",
        U::Map => "an object",
        U::Enum => "a variant",
        U::UnitVariant | U::TupleVariant | U::StructVariant => "a variant",
        U::Other(_) => "another kind of value",
    }
}

fn listed(names: &'static [&'static str]) -> String {
    names.join(", ")
}

/// What serde's readers expect, in words: its primitive readers say `u32` or `i64`.
fn expected(what: &dyn de::Expected) -> String {
    let said = what.to_string();
    let range = |low: &str, high: &str| format!("a whole number from {low} to {high}");
    match said.as_str() {
        "u8" => range("0", "255"),
        "u16" => range("0", "65535"),
        "u32" => range("0", "4294967295"),
        "u64" | "usize" => range("0", "18446744073709551615"),
        "i8" => range("-128", "127"),
        "i16" => range("-32768", "32767"),
        "i32" => range("-2147483648", "2147483647"),
        "i64" | "isize" => "a whole number".into(),
        "a sequence" => "a list".into(),
        "a borrowed string" => "a string".into(),
        _ => said,
    }
}

/// chrono's reasons for refusing an instant or a date, which do not say what it wanted.
const TIME_REFUSALS: [&str; 6] = [
    "input contains invalid characters",
    "premature end of input",
    "trailing input",
    "input is out of range",
    "input is not enough for unique date and time",
    "no possible date and time matching input",
];

impl de::Error for Refusal {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let msg = msg.to_string();
        if TIME_REFUSALS.contains(&msg.as_str()) {
            return Refusal::new(format!(
                "{msg}: an instant is written 2026-11-22T09:00:00Z (RFC 3339), a date 2026-11-22"
            ));
        }
        Refusal::new(msg)
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, what: &dyn de::Expected) -> Self {
        Refusal::new(format!(
            "must be {}, not {}",
            expected(what),
            kind_of(unexpected)
        ))
    }

    fn invalid_value(_: de::Unexpected<'_>, what: &dyn de::Expected) -> Self {
        Refusal::new(format!("must be {}", expected(what)))
    }

    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Self {
        Refusal::new(format!("has {len} items, where {expected} is expected"))
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        Refusal::new(match expected {
            [] => "must not be given: there is no variant here".into(),
            _ => format!("is not one of the allowed values: {}", listed(expected)),
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        // The field's name is the caller's key, not data: it is the path.
        Refusal::at(
            match expected {
                [] => "is not a field here: this object has no fields".into(),
                _ => format!("is not a field here; the fields are: {}", listed(expected)),
            },
            field,
        )
    }

    fn missing_field(field: &'static str) -> Self {
        Refusal::at("is required".into(), field)
    }

    fn duplicate_field(field: &'static str) -> Self {
        Refusal::at("is given twice".into(), field)
    }
}

/// Reads `T` from `value`.
pub(crate) fn read<T: DeserializeOwned>(value: &Value) -> Result<T, Refusal> {
    T::deserialize(Tracked(value))
}

/// The deserializer: a value, its path kept by the errors that climb out of it.
struct Tracked<'a>(&'a Value);

impl<'de> de::Deserializer<'de> for Tracked<'de> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Items {
                items: items.iter(),
                at: 0,
            }),
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(Variant {
                name: s,
                value: None,
            }),
            Value::Object(map) if map.len() == 1 => {
                let (name, value) = map.iter().next().expect("one entry");
                visitor.visit_enum(Variant {
                    name,
                    value: Some(value),
                })
            }
            Value::Object(_) => Err(Refusal::new(
                "must be a variant: a name, or an object of one name and its value".into(),
            )),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Float(0.0),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct Items<'a> {
    items: std::slice::Iter<'a, Value>,
    at: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = Refusal;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Refusal> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let at = self.at;
        self.at += 1;
        seed.deserialize(Tracked(item))
            .map(Some)
            .map_err(|e| e.within(Step::Item(at)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Fields<'a> {
    entries: serde_json::map::Iter<'a>,
    value: Option<(&'a str, &'a Value)>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Map<String, Value>) -> Fields<'a> {
        Fields {
            entries: map.iter(),
            value: None,
        }
    }
}

impl<'de> de::MapAccess<'de> for Fields<'de> {
    type Error = Refusal;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refusal> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        let key = de::value::BorrowedStrDeserializer::<Refusal>::new(key);
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refusal> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| Refusal::new("a value was read before its key".into()))?;
        seed.deserialize(Tracked(value))
            .map_err(|e| e.within(Step::Field(key.to_string())))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A variant: its name, and the value of one written `{ "name": value }`.
struct Variant<'a> {
    name: &'a str,
    value: Option<&'a Value>,
}

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = Refusal;
    type Variant = Payload<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Payload<'de>), Refusal> {
        let name = de::value::BorrowedStrDeserializer::<Refusal>::new(self.name);
        let chosen = seed.deserialize(name)?;
        Ok((
            chosen,
            Payload {
                name: self.name,
                value: self.value,
            },
        ))
    }
}

/// What a variant carries.
struct Payload<'a> {
    name: &'a str,
    value: Option<&'a Value>,
}

impl<'a> Payload<'a> {
    fn inside(&self) -> impl Fn(Refusal) -> Refusal + '_ {
        move |e| e.within(Step::Field(self.name.to_string()))
    }

    fn needed(&self, what: &str) -> Result<&'a Value, Refusal> {
        self.value.ok_or_else(|| {
            Refusal::at(
                format!("needs {what}: write {{ \"{}\": … }}", self.name),
                self.name,
            )
        })
    }
}

impl<'de> de::VariantAccess<'de> for Payload<'de> {
    type Error = Refusal;

    fn unit_variant(self) -> Result<(), Refusal> {
        match self.value {
            None | Some(Value::Null) => Ok(()),
            Some(_) => Err(Refusal::at(
                "carries no value: write the name alone".into(),
                self.name,
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Refusal> {
        let value = self.needed("a value")?;
        seed.deserialize(Tracked(value)).map_err(self.inside())
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Refusal> {
        let value = self.needed("a list")?;
        de::Deserializer::deserialize_seq(Tracked(value), visitor).map_err(self.inside())
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        let value = self.needed("an object")?;
        de::Deserializer::deserialize_map(Tracked(value), visitor).map_err(self.inside())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refusal<T: DeserializeOwned + fmt::Debug>(v: Value) -> (String, String) {
        let e = read::<T>(&v).unwrap_err();
        (e.path(), e.reason)
    }

    #[test]
    fn a_misspelt_variant_deep_in_a_query_names_its_path_and_the_allowed_names() {
        let (path, reason) = refusal::<crm_core::ContactQuery>(json!({
            "filter": { "conditions": [
                { "field": "given_name", "op": "eq", "value": { "text": "Ana" } },
                { "field": "given_name", "op": "equals", "value": { "text": "Ana" } }
            ] }
        }));
        assert_eq!(path, "filter.conditions[1].op");
        assert!(
            reason.starts_with("is not one of the allowed values: "),
            "{reason}"
        );
        assert!(
            reason.contains("eq") && !reason.contains("equals"),
            "{reason}"
        );
    }

    #[test]
    fn an_unknown_field_is_the_path_and_the_fields_are_listed() {
        let (path, reason) = refusal::<crm_core::ContactInput>(json!({
            "given_name": "Zofia", "emails": [{ "adress": "zofia@firma.pl" }]
        }));
        assert_eq!(path, "emails[0].adress");
        assert!(reason.contains("address"), "{reason}");
        assert!(!reason.contains("zofia@"), "no value in {reason}");
    }

    #[test]
    fn a_missing_required_field_and_a_wrong_type_name_their_field() {
        let (path, reason) = refusal::<crm_core::ContactQuery>(json!({
            "filter": { "conditions": [{ "field": "given_name" }] }
        }));
        assert_eq!(path, "filter.conditions[0].op");
        assert_eq!(reason, "is required");
        let (path, reason) = refusal::<crm_core::DealInput>(json!({ "title": 7 }));
        assert_eq!(path, "title");
        assert_eq!(reason, "must be a string, not a whole number");
        let (path, reason) =
            refusal::<crm_core::DealInput>(json!({ "title": "Młyny", "stage": "Won" }));
        assert_eq!(path, "stage");
        assert!(reason.contains("is not a well-formed stage id"), "{reason}");
        assert!(!reason.contains("Won"), "no value in {reason}");
    }

    #[test]
    fn a_negative_limit_says_so_without_the_value() {
        let (path, reason) = refusal::<crm_core::ContactQuery>(json!({ "limit": -5 }));
        assert_eq!(path, "limit");
        assert!(!reason.contains("-5"), "{reason}");
    }

    #[test]
    fn values_that_fit_are_read() {
        let q: crm_core::ContactQuery =
            read(&json!({ "filter": { "tags_all": ["vip"] }, "limit": 10 })).unwrap();
        assert_eq!(q.limit, 10);
        assert_eq!(q.filter.tags_all, vec!["vip".to_string()]);
        let none: Option<String> = read(&Value::Null).unwrap();
        assert_eq!(none, None);
    }
}
