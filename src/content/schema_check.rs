//! Checks a listing against the JSON Schema generated from the model types, and turns every
//! schema error into a diagnostic a member of staff can act on.
//!
//! Using the schema (rather than serde alone) means every structural mistake in a file is
//! reported in one run, not just the first one serde meets.

use super::model::TIME_PATTERN;
use super::model::{
    ChangingPlaceFile, PageFile, ProviderFile, SiteFile, VenueFile, VocabularyFile,
};
use super::positions::{child_index, child_key, Positions};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::schedule::{parse_date, parse_time};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::Validator;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The JSON Schema of one kind of listing file.
pub fn schema_of(kind: &str) -> Option<Value> {
    let schema = match kind {
        "site" => schemars::schema_for!(SiteFile),
        "vocabulary" => schemars::schema_for!(VocabularyFile),
        "provider" => schemars::schema_for!(ProviderFile),
        "venue" => schemars::schema_for!(VenueFile),
        "changing-place" => schemars::schema_for!(ChangingPlaceFile),
        "page" => schemars::schema_for!(PageFile),
        _ => return None,
    };
    let mut value = schema.to_value();
    strip_null(&mut value);
    Some(value)
}

/// Optional fields come out of schemars as `anyOf [T, null]` or `type: [T, "null"]`. Staff
/// never need to write null, and the plain `T` gives far better messages (a misspelt choice
/// gets "did you mean", a typo inside an optional group is found at its own line), so the
/// null branches are removed.
fn strip_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(branches)) = map.get("anyOf") {
                let non_null: Vec<Value> = branches
                    .iter()
                    .filter(|b| b.get("type") != Some(&Value::from("null")))
                    .cloned()
                    .collect();
                if non_null.len() == 1 && non_null.len() < branches.len() {
                    map.remove("anyOf");
                    if let Value::Object(inner) = &non_null[0] {
                        for (k, x) in inner {
                            map.entry(k.clone()).or_insert_with(|| x.clone());
                        }
                    }
                }
            }
            if let Some(Value::Array(types)) = map.get("type") {
                let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                if kept.len() == 1 {
                    map.insert("type".into(), kept[0].clone());
                }
            }
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            if let Some(Value::Array(options)) = map.get_mut("enum") {
                options.retain(|o| !o.is_null());
            }
            for x in map.values_mut() {
                strip_null(x);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// Every kind of listing file, for `signpost schema`.
pub const KINDS: [&str; 6] = [
    "provider",
    "venue",
    "changing-place",
    "page",
    "site",
    "vocabulary",
];

struct Compiled {
    schema: Value,
    validator: Validator,
}

fn compiled(kind: &str) -> &'static Compiled {
    static ALL: OnceLock<HashMap<&'static str, Compiled>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        KINDS
            .iter()
            .map(|k| {
                let schema = schema_of(k).expect("every kind has a schema");
                let validator =
                    jsonschema::validator_for(&schema).expect("generated schemas are valid");
                (*k, Compiled { schema, validator })
            })
            .collect()
    });
    &all[kind]
}

/// Checks `instance` (one file's YAML as JSON) and returns its problems.
pub fn check(kind: &str, instance: &Value, file: &str, positions: &Positions) -> Vec<Diagnostic> {
    let compiled = compiled(kind);
    let mut out = Vec::new();
    for error in compiled.validator.iter_errors(instance) {
        let segments: Vec<LocationSegment> = error.instance_path().segments().collect();
        let path = dotted_path(&segments);
        let found = error.instance();
        let subschema = schema_at(&compiled.schema, &segments);
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = subschema.map(property_names).unwrap_or_default();
                for name in unexpected {
                    let field = child_key(&path, name);
                    let pos = positions.key(&field);
                    let mut d = Diagnostic::error(file, format!("unknown field \"{name}\""))
                        .at(pos.line, pos.column)
                        .field(&field);
                    d = match did_you_mean(name, known.iter().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean \"{s}\"?")),
                        None => d.help(format!("the fields here are: {}", known.join(", "))),
                    };
                    out.push(d);
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or("?");
                let pos = positions.value(&path);
                out.push(
                    Diagnostic::error(file, format!("the required field \"{name}\" is missing"))
                        .at(pos.line, pos.column)
                        .field(child_key(&path, name))
                        .help(format!("add `{name}:` here")),
                );
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let pos = positions.value(&path);
                let shown = show_value(found);
                let noun = noun_for(last_key(&segments));
                let mut d = Diagnostic::error(file, format!("{shown} is not {noun}"))
                    .at(pos.line, pos.column)
                    .field(&path);
                let suggestion = found
                    .as_str()
                    .and_then(|s| did_you_mean(s, allowed.iter().copied()));
                d = match suggestion {
                    Some(s) => d.help(format!("did you mean \"{s}\"?")),
                    None => d.help(format!("use one of: {}", allowed.join(", "))),
                };
                out.push(d);
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => type_words(&t.to_string()),
                    TypeKind::Multiple(set) => set
                        .iter()
                        .map(|t| t.to_string())
                        .filter(|t| t != "null")
                        .map(|t| type_words(&t))
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                let key = last_key(&segments).unwrap_or("");
                out.push(type_error(file, positions, &path, key, &expected, found));
            }
            ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
                // Optional structs are `anyOf [struct, null]`: say what the struct wants.
                let expected = subschema
                    .map(|s| expected_words(&compiled.schema, s))
                    .unwrap_or_else(|| "something else".into());
                let key = last_key(&segments).unwrap_or("");
                out.push(type_error(file, positions, &path, key, &expected, found));
            }
            ValidationErrorKind::Pattern { pattern } => {
                let pos = positions.value(&path);
                let text = found.as_str().unwrap_or_default();
                let (message, help) = if pattern == TIME_PATTERN {
                    (
                        parse_time(text)
                            .err()
                            .unwrap_or_else(|| format!("\"{text}\" is not a time")),
                        "write times in 24-hour HH:MM, such as 09:30 or 18:15",
                    )
                } else {
                    (
                        parse_date(text)
                            .err()
                            .unwrap_or_else(|| format!("\"{text}\" is not a date")),
                        "write dates as YYYY-MM-DD, such as 2026-12-01",
                    )
                };
                out.push(
                    Diagnostic::error(file, message)
                        .at(pos.line, pos.column)
                        .field(&path)
                        .help(help),
                );
            }
            _ => {
                let pos = positions.value(&path);
                out.push(
                    Diagnostic::error(file, error.to_string())
                        .at(pos.line, pos.column)
                        .field(&path)
                        .help("see docs/listing-format.md for what this field holds"),
                );
            }
        }
    }
    out
}

fn type_error(
    file: &str,
    positions: &Positions,
    path: &str,
    key: &str,
    expected: &str,
    found: &Value,
) -> Diagnostic {
    let pos = positions.value(path);
    let d = Diagnostic::error(
        file,
        format!("expected {expected}, but found {}", describe(found)),
    )
    .at(pos.line, pos.column)
    .field(path);
    let date_field = matches!(key, "from" | "until" | "date" | "reviewed");
    match (expected, found) {
        (_, Value::Null) => d.help("fill in a value, or remove the field if it is optional"),
        (e, Value::Number(_)) if e.contains("text") && date_field => {
            d.help("write dates as YYYY-MM-DD, such as 2026-12-01")
        }
        (e, Value::Number(_) | Value::Bool(_)) if e.contains("text") => {
            d.help("put the value in quotes, such as \"01632 960123\"")
        }
        (e, _) if e.contains("list") => {
            d.help("write a list, such as [first, second], or one `- item` per line")
        }
        ("true or false", _) => d.help("write true or false (not yes or no)"),
        ("a number" | "a whole number", _) => {
            d.help("write just the number, such as 5 or 3.50, with no £ sign or words")
        }
        ("text", Value::Array(_)) => d.help("write one value, not a list"),
        (e, _) if e.starts_with("a group of fields") => {
            d.help("write the fields on the lines below, indented, such as `  provided: true`")
        }
        _ => d.help("see docs/listing-format.md for what this field holds"),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing (the value is empty)".into(),
        Value::Bool(b) => format!("yes/no ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("text (\"{s}\")"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a group of fields".into(),
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn type_words(json_type: &str) -> String {
    match json_type {
        "string" => "text".into(),
        "number" => "a number".into(),
        "integer" => "a whole number".into(),
        "boolean" => "true or false".into(),
        "array" => "a list".into(),
        "object" => "a group of fields".into(),
        other => other.into(),
    }
}

/// Words for what a field holds, used as "\"x\" is not {noun}".
fn noun_for(key: Option<&str>) -> String {
    match key {
        Some("day") => "a day".into(),
        Some("every") => "a frequency".into(),
        Some("week") => "a week of the month".into(),
        Some("status") => "a status".into(),
        Some("per") => "a unit for the cost".into(),
        Some("hoist") => "a type of hoist".into(),
        Some("pay_with") | None => "a way to pay".into(),
        Some("join") => "a way to join".into(),
        Some(k) => format!("an allowed value for {k}"),
    }
}

fn last_key<'a>(segments: &'a [LocationSegment<'a>]) -> Option<&'a str> {
    segments.iter().rev().find_map(|s| match s {
        LocationSegment::Property(p) => Some(p.as_ref()),
        LocationSegment::Index(_) => None,
    })
}

/// `activities[0].sessions[1].day` from a JSON pointer's segments.
fn dotted_path(segments: &[LocationSegment]) -> String {
    let mut path = String::new();
    for s in segments {
        path = match s {
            LocationSegment::Property(p) => child_key(&path, p),
            LocationSegment::Index(i) => child_index(&path, *i),
        };
    }
    path
}

/// Follows `$ref`, and the non-null branch of `anyOf`, to the schema that describes a value.
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or("");
            match root.get("$defs").and_then(|d| d.get(name)) {
                Some(s) => schema = s,
                None => return schema,
            }
        } else if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
            match branches
                .iter()
                .find(|b| b.get("type") != Some(&Value::from("null")))
            {
                Some(b) => schema = b,
                None => return schema,
            }
        } else {
            return schema;
        }
    }
    schema
}

/// The schema describing the value at `segments`, if the path exists in the schema.
fn schema_at<'a>(root: &'a Value, segments: &[LocationSegment]) -> Option<&'a Value> {
    let mut schema = resolve(root, root);
    for s in segments {
        let next = match s {
            LocationSegment::Property(p) => schema.get("properties")?.get(p.as_ref())?,
            LocationSegment::Index(_) => schema.get("items")?,
        };
        schema = resolve(root, next);
    }
    Some(schema)
}

fn property_names(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn expected_words(root: &Value, schema: &Value) -> String {
    let schema = resolve(root, schema);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let names: Vec<&str> = props.keys().map(String::as_str).take(4).collect();
        return format!("a group of fields ({} …)", names.join(", "));
    }
    match schema.get("type") {
        Some(Value::String(t)) => type_words(t),
        _ => "something else".into(),
    }
}

/// What `repair` does about one schema error.
enum Fix {
    /// Remove these unknown fields.
    Drop(Vec<String>),
    /// Add this missing required field.
    Add(String),
    /// Replace (or remove, when optional) the value at the error's path.
    Replace,
}

/// One step of a path into a JSON value, owned so it can outlive the validation error.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Makes a schema-invalid listing valid enough to type, so the rest of the file still gets
/// its semantic checks (times, terms, references) in the same run. Unknown fields are
/// dropped; a wrong or missing value becomes a neutral placeholder, and the object holding
/// it is returned as "tainted" so no check reports on the placeholder. Returns None when
/// the file is beyond repair (its top level is not a group of fields, say).
pub fn repair(kind: &str, instance: &Value) -> Option<(Value, Vec<String>)> {
    let compiled = compiled(kind);
    let root = &compiled.schema;
    let mut value = instance.clone();
    let mut tainted = Vec::new();
    for _ in 0..8 {
        let errors: Vec<(Vec<Step>, Fix)> = compiled
            .validator
            .iter_errors(&value)
            .map(|e| {
                let steps = e
                    .instance_path()
                    .segments()
                    .map(|s| match s {
                        LocationSegment::Property(p) => Step::Key(p.to_string()),
                        LocationSegment::Index(i) => Step::Index(i),
                    })
                    .collect();
                let fix = match e.kind() {
                    ValidationErrorKind::AdditionalProperties { unexpected } => {
                        Fix::Drop(unexpected.clone())
                    }
                    ValidationErrorKind::Required { property } => {
                        Fix::Add(property.as_str().unwrap_or_default().to_string())
                    }
                    _ => Fix::Replace,
                };
                (steps, fix)
            })
            .collect();
        if errors.is_empty() {
            return Some((value, tainted));
        }
        for (steps, kind) in errors {
            let here = steps_schema(root, &steps);
            match kind {
                Fix::Drop(unexpected) => {
                    if let Some(Value::Object(map)) = value_at(&mut value, &steps) {
                        for k in unexpected {
                            map.remove(&k);
                        }
                    }
                }
                Fix::Add(name) => {
                    let placeholder = here
                        .and_then(|s| s.get("properties"))
                        .and_then(|p| p.get(&name))
                        .map(|s| placeholder(root, s))?;
                    // Only the placeholder itself is tainted: its siblings are real.
                    tainted.push(child_key(&steps_path(&steps), &name));
                    if let Some(Value::Object(map)) = value_at(&mut value, &steps) {
                        map.insert(name, placeholder);
                    }
                }
                Fix::Replace => {
                    let (last, parent) = steps.split_last()?;
                    let parent_schema = steps_schema(root, parent);
                    let replacement = here.map(|s| placeholder(root, s));
                    let target = value_at(&mut value, parent)?;
                    match (last, target) {
                        (Step::Key(k), Value::Object(map)) => {
                            let required = parent_schema
                                .and_then(|s| s.get("required"))
                                .and_then(Value::as_array)
                                .is_some_and(|r| r.iter().any(|x| x == k.as_str()));
                            match (required, replacement) {
                                (true, Some(r)) => {
                                    map.insert(k.clone(), r);
                                }
                                _ => {
                                    map.remove(k);
                                }
                            }
                        }
                        (Step::Index(i), Value::Array(items)) if *i < items.len() => {
                            items[*i] = replacement?;
                        }
                        _ => return None,
                    }
                    // A placeholder can upset checks on its siblings (a changed day makes a
                    // change date look wrong), so the whole group is tainted, except at the
                    // top of the file, where fields are independent.
                    tainted.push(if parent.is_empty() {
                        steps_path(&steps)
                    } else {
                        steps_path(parent)
                    });
                }
            }
        }
    }
    None
}

fn steps_path(steps: &[Step]) -> String {
    let mut path = String::new();
    for s in steps {
        path = match s {
            Step::Key(k) => child_key(&path, k),
            Step::Index(i) => child_index(&path, *i),
        };
    }
    path
}

fn steps_schema<'a>(root: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    let mut schema = resolve(root, root);
    for s in steps {
        let next = match s {
            Step::Key(k) => schema.get("properties")?.get(k)?,
            Step::Index(_) => schema.get("items")?,
        };
        schema = resolve(root, next);
    }
    Some(schema)
}

fn value_at<'a>(value: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    let mut v = value;
    for s in steps {
        v = match (s, v) {
            (Step::Key(k), Value::Object(map)) => map.get_mut(k)?,
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A neutral value that satisfies `schema`: the first choice, an empty list, a zero time.
fn placeholder(root: &Value, schema: &Value) -> Value {
    let schema = resolve(root, schema);
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|o| o.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("pattern").and_then(Value::as_str) {
            Some(TIME_PATTERN) => Value::from("00:00"),
            Some(_) => Value::from("2000-01-01"),
            None => Value::from(""),
        },
        Some("number") | Some("integer") => Value::from(0),
        Some("boolean") => Value::from(false),
        Some("array") => Value::Array(Vec::new()),
        _ => {
            let mut map = serde_json::Map::new();
            let required = schema
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for name in required.iter().filter_map(Value::as_str) {
                if let Some(s) = schema.get("properties").and_then(|p| p.get(name)) {
                    map.insert(name.to_string(), placeholder(root, s));
                }
            }
            Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_a_broken_session_and_taints_only_it() {
        let provider = serde_json::json!({
            "name": "A", "summary": "B", "reviewed": "2026-01-01", "phnoe": "1",
            "activities": [{
                "name": "x", "summary": "y", "categories": ["music"], "who_for": ["autism"],
                "support": "online", "join": ["turn-up"], "cost": {"free": true},
                "sessions": [
                    {"online": true, "day": "satruday", "start": "10:00", "end": "11:00"},
                    {"online": true, "day": "monday", "start": "25:00"}
                ]
            }]
        });
        let (fixed, tainted) = repair("provider", &provider).expect("repairable");
        assert!(fixed.get("phnoe").is_none());
        assert_eq!(fixed["activities"][0]["sessions"][0]["day"], "monday");
        assert_eq!(fixed["activities"][0]["sessions"][1]["start"], "00:00");
        assert!(tainted.contains(&"activities[0].sessions[0]".to_string()));
        assert!(tainted.contains(&"activities[0].sessions[1]".to_string()));
        assert!(serde_json::from_value::<ProviderFile>(fixed).is_ok());
        assert!(repair("provider", &serde_json::json!(["a list"])).is_none());
    }
}
