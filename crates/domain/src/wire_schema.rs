//! Test helper: checks a JSON value against the OpenAPI schema that a type's
//! `utoipa::ToSchema` gives, so that the round-trip samples of the wire
//! types (`api::tests`) also show that each schema describes what serde
//! writes.
//!
//! It knows the keywords these schemas use: `$ref`, `type` (one or a list),
//! `enum`, `properties` and `required`, `items`, `oneOf`, `allOf`, `minimum`
//! and `maximum`, `minLength` and `maxLength`, and the `date` and
//! `date-time` formats. An object may hold no property its schema does not
//! declare. Annotations (`description`, `examples`, …) and `pattern` are
//! not checked; any other keyword fails the check, so that a new kind of
//! schema is not waved through unread.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate};
use serde_json::Value;
use utoipa::ToSchema;

/// Panics unless `value` fits the schema of `T`.
pub(crate) fn assert_fits<T: ToSchema>(value: &Value) {
    if let Err(why) = fits::<T>(value) {
        panic!(
            "{} must describe what serde writes: {why}\nvalue: {value}",
            T::name()
        );
    }
}

/// Whether `value` fits the schema of `T`, and if not, why.
pub(crate) fn fits<T: ToSchema>(value: &Value) -> Result<(), String> {
    let mut named = vec![(T::name().into_owned(), T::schema())];
    T::schemas(&mut named);
    let schemas: BTreeMap<String, Value> = named
        .into_iter()
        .map(|(name, schema)| {
            (
                name,
                serde_json::to_value(schema).expect("schemas serialize"),
            )
        })
        .collect();
    let checker = Checker { schemas: &schemas };
    checker.check(value, &schemas[T::name().as_ref()], "$", true)
}

struct Checker<'a> {
    /// The named schemas that `$ref`s point to.
    schemas: &'a BTreeMap<String, Value>,
}

impl Checker<'_> {
    /// `closed`: whether properties that `schema` does not declare are an
    /// error (not inside `allOf`, where each part declares a share).
    fn check(&self, value: &Value, schema: &Value, at: &str, closed: bool) -> Result<(), String> {
        let Value::Object(keywords) = schema else {
            return Err(format!("{at}: the schema {schema} is not an object"));
        };
        for (keyword, rule) in keywords {
            match keyword.as_str() {
                "$ref" => self.check(value, self.resolve(rule, at)?, at, closed)?,
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::Array(types) => types.iter().filter_map(Value::as_str).collect(),
                        other => other.as_str().into_iter().collect(),
                    };
                    if !types.iter().any(|t| is_of_type(value, t)) {
                        return Err(format!("{at}: {value} is not of type {rule}"));
                    }
                }
                "enum" => {
                    if !rule.as_array().is_some_and(|values| values.contains(value)) {
                        return Err(format!("{at}: {value} is not one of {rule}"));
                    }
                }
                "properties" => {
                    if let (Value::Object(fields), Value::Object(properties)) = (value, rule) {
                        for (name, property) in properties {
                            if let Some(field) = fields.get(name) {
                                self.check(field, property, &format!("{at}.{name}"), true)?;
                            }
                        }
                    }
                }
                "required" => {
                    if let Value::Object(fields) = value {
                        let names = rule
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str);
                        if let Some(missing) = names.into_iter().find(|n| !fields.contains_key(*n))
                        {
                            return Err(format!("{at}: `{missing}` is required but missing"));
                        }
                    }
                }
                "items" => {
                    if let Value::Array(items) = value {
                        for (i, item) in items.iter().enumerate() {
                            self.check(item, rule, &format!("{at}[{i}]"), true)?;
                        }
                    }
                }
                "oneOf" => {
                    let choices = rule.as_array().map_or(&[][..], Vec::as_slice);
                    let fitting = choices
                        .iter()
                        .filter(|choice| self.check(value, choice, at, closed).is_ok())
                        .count();
                    if fitting != 1 {
                        return Err(format!("{at}: {value} fits {fitting} of {rule}, not one"));
                    }
                }
                "allOf" => {
                    for part in rule.as_array().into_iter().flatten() {
                        self.check(value, part, at, false)?;
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(number), Some(bound)) = (value.as_f64(), rule.as_f64()) {
                        let within = if keyword == "minimum" {
                            number >= bound
                        } else {
                            number <= bound
                        };
                        if !within {
                            return Err(format!("{at}: {value} is outside {keyword} {bound}"));
                        }
                    }
                }
                "minLength" | "maxLength" => {
                    if let (Value::String(text), Some(bound)) = (value, rule.as_u64()) {
                        let length = text.chars().count() as u64;
                        let within = if keyword == "minLength" {
                            length >= bound
                        } else {
                            length <= bound
                        };
                        if !within {
                            return Err(format!("{at}: {value} is outside {keyword} {bound}"));
                        }
                    }
                }
                "format" => {
                    if let Value::String(text) = value {
                        let parses = match rule.as_str() {
                            Some("date") => NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
                            Some("date-time") => DateTime::parse_from_rfc3339(text).is_ok(),
                            _ => true,
                        };
                        if !parses {
                            return Err(format!("{at}: {value} is not a {rule}"));
                        }
                    }
                }
                "description" | "title" | "examples" | "default" | "pattern"
                | "contentEncoding" | "contentMediaType" => {}
                other => return Err(format!("{at}: the check does not know `{other}`")),
            }
        }
        let describes_object =
            keywords.contains_key("properties") || keywords.contains_key("allOf");
        if let (true, true, Value::Object(fields)) = (closed, describes_object, value) {
            let declared = self.declared(schema, at)?;
            if let Some(extra) = fields.keys().find(|name| !declared.contains(name.as_str())) {
                return Err(format!("{at}: `{extra}` is not declared"));
            }
        }
        Ok(())
    }

    /// The properties that `schema` declares, its `allOf` parts included.
    fn declared<'s>(&'s self, schema: &'s Value, at: &str) -> Result<BTreeSet<&'s str>, String> {
        let mut names: BTreeSet<&str> = schema["properties"]
            .as_object()
            .into_iter()
            .flat_map(|properties| properties.keys().map(String::as_str))
            .collect();
        if let Some(target) = schema.get("$ref") {
            names.extend(self.declared(self.resolve(target, at)?, at)?);
        }
        for part in schema["allOf"].as_array().into_iter().flatten() {
            names.extend(self.declared(part, at)?);
        }
        Ok(names)
    }

    /// The schema a `$ref` points to.
    fn resolve(&self, reference: &Value, at: &str) -> Result<&Value, String> {
        reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .and_then(|name| self.schemas.get(name))
            .ok_or_else(|| format!("{at}: {reference} names no schema that the type brings"))
    }
}

/// JSON Schema's types; an integer is a number written without a fraction,
/// as serde writes Rust's integers.
fn is_of_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

mod tests {
    use serde_json::{Value, json};

    use super::fits;
    use crate::api::{Change, Checkup, LedgerEntryInfo, RecordResult, RecordsRequest};

    /// `base` with `field` set to `to` (or removed, for `None`).
    fn with(base: &Value, field: &str, to: Option<Value>) -> Value {
        let mut value = base.clone();
        let fields = value.as_object_mut().expect("an object");
        match to {
            Some(to) => fields.insert(field.to_owned(), to),
            None => fields.remove(field),
        };
        value
    }

    #[test]
    fn the_check_refuses_what_a_schema_does_not_allow() {
        let record = json!({"date": "2026-11-21", "kind": "goal", "goal_id": 3, "value": true,
            "updated_at": "2026-11-21T21:00:00+09:00"});
        let records = |record: Value| json!({"records": [record]});
        assert_eq!(fits::<RecordsRequest>(&records(record.clone())), Ok(()));
        for (refused, why) in [
            (
                with(&record, "value", Some(json!("8000"))),
                "a value is a boolean or a number",
            ),
            (
                with(&record, "goal_id", Some(Value::Null)),
                "an absent goal_id is left out",
            ),
            (
                with(&record, "date", Some(json!("21.11.2026"))),
                "dates are YYYY-MM-DD",
            ),
            (
                with(&record, "kind", Some(json!("sleep"))),
                "kinds are listed",
            ),
            (with(&record, "updated_at", None), "updated_at is required"),
            (
                with(&record, "extra", Some(json!(1))),
                "no undeclared fields",
            ),
        ] {
            assert!(fits::<RecordsRequest>(&records(refused)).is_err(), "{why}");
        }

        let result = json!({"date": "2026-11-21", "kind": "steps", "status": "accepted"});
        assert_eq!(fits::<RecordResult>(&result), Ok(()));
        assert!(
            fits::<RecordResult>(&with(&result, "error", Some(Value::Null))).is_err(),
            "no error is no field, not null"
        );

        let entry = json!({"id": 1, "date": "2026-11-21", "code": "steps", "points": 10,
            "expires_on": null, "note": null});
        assert_eq!(fits::<LedgerEntryInfo>(&entry), Ok(()));
        assert!(
            fits::<LedgerEntryInfo>(&with(&entry, "note", None)).is_err(),
            "serde writes note even when null"
        );
        assert!(
            fits::<LedgerEntryInfo>(&with(&entry, "points", Some(json!(10.5)))).is_err(),
            "points are integers"
        );

        let checkup = json!({"date": "2026-10-01", "height_cm": 170.2, "weight_kg": 65.4,
            "bmi": 22.6, "smoker": false, "health_age": null, "real_age": 46});
        assert_eq!(fits::<Checkup>(&checkup), Ok(()));
        assert!(
            fits::<Checkup>(&with(&checkup, "height_cm", Some(json!(99.9)))).is_err(),
            "heights start at 100 cm"
        );
        assert!(
            fits::<Checkup>(&with(&checkup, "weight_kg", Some(json!("65.4")))).is_err(),
            "weights are numbers"
        );

        let change = with(&checkup, "type", Some(json!("checkup")));
        assert_eq!(fits::<Change>(&change), Ok(()));
        for (refused, why) in [
            (with(&change, "type", None), "a change has a type"),
            (
                with(&change, "type", Some(json!("record"))),
                "the type matches the body",
            ),
            (
                with(&change, "extra", Some(json!(1))),
                "no undeclared fields",
            ),
        ] {
            assert!(fits::<Change>(&refused).is_err(), "{why}");
        }
    }
}
