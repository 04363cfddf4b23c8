//! Generates the TypeScript declarations of the core's types (`crm-wasm/src/types.d.ts`)
//! from their JSON Schemas, so that the npm package's records are typed objects that follow
//! the Rust types, documentation included.
//!
//! The schemas come from `schemars` (the core's `schema` feature), which follows the serde
//! attributes: a field with a default is optional (`key?:`), an `Option` is `T | null`, an
//! externally tagged enum is a union of one-key objects, an internally tagged one a union of
//! objects with a `type` tag.

use serde_json::{Map, Value};

use crm_core::*;

/// The path of the generated declarations.
pub fn path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crm-wasm/src/types.d.ts")
}

/// Names for generic instantiations, which schemars names after their parameters, and for
/// ids whose name the schema makes from their prefix (`pricelist_`).
const RENAMES: &[(&str, &str)] = &[
    ("ListQuery_for_ContactFilter", "ContactQuery"),
    ("ListQuery_for_CompanyFilter", "CompanyQuery"),
    ("ListQuery_for_LeadFilter", "LeadQuery"),
    ("ListQuery_for_DealFilter", "DealQuery"),
    ("PricelistId", "PriceListId"),
];

fn rename(name: &str) -> &str {
    RENAMES
        .iter()
        .find(|(from, _)| *from == name)
        .map_or(name, |(_, to)| to)
}

/// The declarations, as the text of a `.d.ts` file.
pub fn generate() -> String {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    macro_rules! roots {
        ($($t:ty),* $(,)?) => {$( generator.subschema_for::<$t>(); )*};
    }
    roots!(
        Contact,
        ContactInput,
        Company,
        CompanyInput,
        Employment,
        EmploymentInput,
        EmploymentUpdate,
        RelationType,
        Relation,
        RelationInput,
        RelationView,
        FieldDef,
        FieldKind,
        FieldValue,
        RecordKind,
        ContactQuery,
        CompanyQuery,
        ContactFilter,
        CompanyFilter,
        Page<Contact>,
        Page<Company>,
        SearchQuery,
        SearchHit,
        IntegrityReport,
        RescueReport,
        TableRescue,
        Progress,
        ImportData,
        ImportReport,
        ContactId,
        CompanyId,
        EmploymentId,
        RelationId,
        RecordRef,
        // Sales: leads.
        Lead,
        LeadInput,
        LeadStatus,
        LeadSource,
        LeadConversion,
        ContactChoice,
        CompanyChoice,
        Conversion,
        ConvertedLead,
        LeadQuery,
        LeadFilter,
        Page<Lead>,
        // Pipelines and deals.
        Pipeline,
        PipelineInput,
        Stage,
        StageInput,
        StageKind,
        Deal,
        DealInput,
        DealContact,
        DealMove,
        FollowUpInput,
        StageChange,
        StageTime,
        DealQuery,
        DealFilter,
        Page<Deal>,
        // Products, line items and quotes.
        Product,
        ProductInput,
        PriceList,
        PriceListInput,
        PriceListEntry,
        LineItem,
        LineItemInput,
        Discount,
        Totals,
        Quote,
        QuoteInput,
        QuoteAcceptance,
        QuoteStatus,
        // Money and reports.
        Currency,
        Money,
        Decimal,
        ExchangeRate,
        TimeRange,
        PipelineValue,
        StageValue,
        Forecast,
        ForecastQuery,
        ForecastPeriod,
        OwnerForecast,
        Period,
        GroupBy,
        WinRateQuery,
        WinRate,
        WinRates,
        SalesCycleQuery,
        SalesCycle,
        StageDuration,
        ClosingQuery,
        Leaderboard,
        LeaderboardRow,
        LeadId,
        DealId,
        PipelineId,
        StageId,
        ProductId,
        PriceListId,
        QuoteId,
        // Activities, calendars and timelines.
        Activity,
        ActivityInput,
        ActivityKind,
        ActivityStatus,
        Channel,
        InteractionDirection,
        Participant,
        ParticipantStatus,
        Priority,
        Completion,
        NextActivity,
        CompletedActivity,
        ParticipantResponse,
        TaskList,
        TaskQuery,
        ActivityQuery,
        ActivityFilter,
        Page<Activity>,
        Frequency,
        Weekday,
        Recurrence,
        Calendar,
        CalendarInput,
        AgendaQuery,
        EventInstance,
        FreeBusyQuery,
        TimeSpan,
        ReminderQuery,
        DueReminder,
        IcalExport,
        IcalImportReport,
        IcalSkipped,
        RecordChange,
        TimelineQuery,
        TimelineEntryKind,
        TimelineEntry,
        TimelinePage,
        Touchpoint,
        ChannelCount,
        Journey,
        ActivityId,
        CalendarId,
    );
    let mut defs: Vec<(String, Value)> = generator
        .definitions()
        .iter()
        .map(|(k, v)| (rename(k).to_string(), v.clone()))
        .collect();
    defs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::from(
        "// Generated from the Rust types of crm-core by tests/src/typescript.rs; do not edit.\n\
         // Regenerate with: UPDATE_TYPES=1 cargo test -p crm-tests --test typescript\n",
    );
    for (name, schema) in &defs {
        out.push('\n');
        doc(&mut out, schema, "");
        if is_object(schema) {
            out.push_str(&format!("export interface {name} "));
            object(&mut out, schema, "");
            out.push('\n');
        } else {
            out.push_str(&format!("export type {name} = {};\n", ty(schema, "")));
        }
    }
    out
}

fn doc(out: &mut String, schema: &Value, indent: &str) {
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        out.push_str(indent);
        out.push_str("/**");
        let lines: Vec<&str> = d.lines().collect();
        if lines.len() == 1 {
            out.push_str(&format!(" {} */\n", lines[0].replace("*/", "* /")));
        } else {
            out.push('\n');
            for l in lines {
                out.push_str(
                    &format!("{indent} * {}\n", l.replace("*/", "* /")).replace(" \n", "\n"),
                );
            }
            out.push_str(&format!("{indent} */\n"));
        }
    }
}

fn is_object(schema: &Value) -> bool {
    schema.get("properties").is_some()
        && schema.get("oneOf").is_none()
        && schema.get("anyOf").is_none()
}

fn object(out: &mut String, schema: &Value, indent: &str) {
    let empty = Map::new();
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("{\n");
    let inner = format!("{indent}    ");
    for (key, prop) in props {
        doc(out, prop, &inner);
        let optional = if required.contains(&key.as_str()) {
            ""
        } else {
            "?"
        };
        out.push_str(&format!("{inner}{key}{optional}: {};\n", ty(prop, &inner)));
    }
    out.push_str(&format!("{indent}}}"));
}

fn ref_name(r: &str) -> &str {
    rename(r.rsplit('/').next().unwrap_or(r))
}

/// The TypeScript type of a schema.
fn ty(schema: &Value, indent: &str) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return ref_name(r).to_string();
    }
    if let Some(c) = schema.get("const") {
        return c.to_string();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            return options
                .iter()
                .map(|o| match o.get("description").and_then(Value::as_str) {
                    Some(d) => format!(
                        "/** {} */ {}",
                        d.replace("*/", "* /").replace('\n', " "),
                        ty(o, indent)
                    ),
                    None => ty(o, indent),
                })
                .collect::<Vec<_>>()
                .join(" | ");
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        return all
            .iter()
            .map(|o| ty(o, indent))
            .collect::<Vec<_>>()
            .join(" & ");
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.is_empty() {
        return "unknown".into();
    }
    types
        .iter()
        .map(|t| match *t {
            "string" => "string".to_string(),
            "integer" | "number" => "number".to_string(),
            "boolean" => "boolean".to_string(),
            "null" => "null".to_string(),
            "array" => {
                let item = schema
                    .get("items")
                    .map_or("unknown".to_string(), |i| ty(i, indent));
                if item.contains(' ') {
                    format!("({item})[]")
                } else {
                    format!("{item}[]")
                }
            }
            "object" if schema.get("properties").is_some() => {
                let mut s = String::new();
                object(&mut s, schema, indent);
                s
            }
            "object" => {
                let value = schema
                    .get("additionalProperties")
                    .map_or("unknown".to_string(), |v| ty(v, indent));
                format!("{{ [key: string]: {value} }}")
            }
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
