//! The OpenAPI document: generated from the handlers, committed as
//! `crates/insurer/openapi.json`, served at `GET /api/v1/openapi.json`, and
//! in agreement with INSURER_API.md. After changing a handler or a wire type,
//! `KENPO_WRITE_OPENAPI=1 cargo test -p kenpo-insurer --test openapi`
//! rewrites the committed copy.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{Backend, TestServer};
use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

const REGENERATE: &str = "KENPO_WRITE_OPENAPI=1 cargo test -p kenpo-insurer --test openapi";

/// Every endpoint of INSURER_API.md that the server implements today: its
/// method, path, the one success status, and the schema component of the
/// success body (`None`: no body, or not one of ours).
// A table: one endpoint a line reads better than rustfmt's layout.
#[rustfmt::skip]
const ENDPOINTS: [(&str, &str, u16, Option<&str>); 40] = [
    ("get",    "/healthz",                         200, Some("Health")),
    ("get",    "/api/v1/openapi.json",             200, None),
    ("get",    "/api/v1/insurer",                  200, Some("InsurerInfo")),
    ("get",    "/api/v1/captcha",                  200, Some("Captcha")),
    ("post",   "/api/v1/registrations",            202, Some("Empty")),
    ("post",   "/api/v1/registrations/identity",   200, Some("IdentityResponse")),
    ("post",   "/api/v1/registrations/auth-key",   200, Some("AuthKeyResponse")),
    ("post",   "/api/v1/registrations/account",    201, Some("MemberCreated")),
    ("post",   "/api/v1/registrations/dependent",  201, Some("MemberCreated")),
    ("post",   "/api/v1/sessions",                 200, Some("SessionResponse")),
    ("delete", "/api/v1/sessions",                 204, None),
    ("post",   "/api/v1/sessions/refresh",         200, Some("SessionResponse")),
    ("get",    "/api/v1/account",                  200, Some("Account")),
    ("patch",  "/api/v1/account",                  200, Some("Account")),
    ("put",    "/api/v1/account/password",         204, None),
    ("get",    "/api/v1/account/sessions",         200, Some("SessionList")),
    ("delete", "/api/v1/account/sessions/{id}",    204, None),
    ("post",   "/api/v1/password-resets",          202, Some("Empty")),
    ("post",   "/api/v1/password-resets/complete", 204, None),
    ("get",    "/api/v1/sandbox/mail",             200, Some("SandboxMailbox")),
    ("get",    "/api/v1/sandbox/captcha/{id}",     200, Some("SandboxCaptchaAnswer")),
    ("post",   "/api/v1/sandbox/clock",            200, Some("ClockNow")),
    ("post",   "/api/v1/check-ins",                200, Some("CheckInResponse")),
    ("post",   "/api/v1/records",                  200, Some("RecordsResponse")),
    ("get",    "/api/v1/records",                  200, Some("RecordList")),
    ("get",    "/api/v1/goals",                    200, Some("GoalList")),
    ("put",    "/api/v1/goals",                    200, Some("GoalList")),
    ("get",    "/api/v1/changes",                  200, Some("ChangesResponse")),
    ("get",    "/api/v1/points",                   200, Some("PointsSummary")),
    ("get",    "/api/v1/points/ledger",            200, Some("LedgerPage")),
    ("get",    "/api/v1/checkups",                 200, Some("CheckupList")),
    ("post",   "/api/v1/reports",                  201, Some("ReportCreated")),
    ("get",    "/api/v1/catalog",                  200, Some("Catalog")),
    ("get",    "/api/v1/catalog/{id}/image",       200, None),
    ("post",   "/api/v1/exchanges",                201, Some("ExchangeCreated")),
    ("get",    "/api/v1/exchanges",                200, Some("ExchangeList")),
    ("post",   "/api/v1/exchanges/{id}/cancel",    200, Some("ExchangeInfo")),
    ("get",    "/api/v1/notices",                  200, Some("NoticeList")),
    ("get",    "/api/v1/faq",                      200, Some("FaqList")),
    ("post",   "/api/v1/inquiries",                201, Some("InquiryCreated")),
];

/// The paths anybody may call: everything else needs the bearer token.
const PUBLIC: [&str; 17] = [
    "/healthz",
    "/api/v1/openapi.json",
    "/api/v1/insurer",
    "/api/v1/captcha",
    "/api/v1/registrations",
    "/api/v1/registrations/identity",
    "/api/v1/registrations/auth-key",
    "/api/v1/registrations/account",
    "/api/v1/registrations/dependent",
    "/api/v1/sessions/refresh",
    "/api/v1/password-resets",
    "/api/v1/password-resets/complete",
    "/api/v1/catalog/{id}/image",
    "/api/v1/notices",
    "/api/v1/faq",
    "/api/v1/inquiries",
    "/api/v1/sandbox",
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

fn generated() -> String {
    kenpo_insurer::http::openapi_json().expect("the document serializes")
}

fn document() -> Value {
    serde_json::from_str(&generated()).expect("the document is JSON")
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method.to_owned(), path.clone(), operation));
            }
        }
    }
    found
}

/// What a `$ref` points at, e.g. `#/components/schemas/Captcha`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// A response, through its `$ref` if it is a shared one.
fn response<'a>(doc: &'a Value, operation: &'a Value, status: &str) -> Option<&'a Value> {
    let response = operation["responses"].get(status)?;
    match response["$ref"].as_str() {
        Some(reference) => resolve(doc, reference),
        None => Some(response),
    }
}

fn json_schema_ref(response: &Value) -> Option<&str> {
    response["content"]["application/json"]["schema"]["$ref"].as_str()
}

fn every_ref(value: &Value, refs: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => {
                        refs.insert(reference.clone());
                    }
                    _ => every_ref(value, refs),
                }
            }
        }
        Value::Array(values) => values.iter().for_each(|v| every_ref(v, refs)),
        _ => {}
    }
}

#[test]
fn the_committed_document_is_fresh() {
    let fresh = generated();
    if std::env::var_os("KENPO_WRITE_OPENAPI").is_some() {
        std::fs::write(committed_path(), &fresh).expect("writing openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        fresh == committed,
        "crates/insurer/openapi.json is stale: a handler or a wire type changed. Run \
         `{REGENERATE}` and commit the result."
    );
}

#[test]
fn every_implemented_endpoint_is_documented_and_nothing_else() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let expected: BTreeSet<(String, String)> = ENDPOINTS
        .iter()
        .map(|(method, path, ..)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let missing: Vec<_> = expected.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "served endpoints of INSURER_API.md missing from the document (is the handler \
         registered with `routes!` and annotated with `#[utoipa::path]`?): {missing:?}"
    );
    let unlisted: Vec<_> = documented.difference(&expected).collect();
    assert!(
        unlisted.is_empty(),
        "documented endpoints this test does not know: add them to INSURER_API.md and to \
         ENDPOINTS here: {unlisted:?}"
    );
}

#[test]
fn each_operation_answers_its_success_with_the_right_schema() {
    let doc = document();
    for (method, path, status, component) in ENDPOINTS {
        let operation = &doc["paths"][path][method];
        let successes: Vec<&String> = operation["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} has no responses"))
            .keys()
            .filter(|s| s.starts_with('2'))
            .collect();
        assert_eq!(
            successes,
            [&status.to_string()],
            "{method} {path}: one success, {status}"
        );
        let success = response(&doc, operation, &status.to_string()).unwrap();
        let expected = component.map(|c| format!("#/components/schemas/{c}"));
        assert_eq!(
            json_schema_ref(success),
            expected.as_deref(),
            "{method} {path}: the success body's schema"
        );
        if status == 204 {
            assert!(
                success.get("content").is_none(),
                "{method} {path}: a 204 has no body"
            );
        }
    }
}

#[test]
fn schemas_describe_the_json_not_the_rust_types() {
    let doc = document();
    let schema = |name: &str| {
        doc["components"]["schemas"]
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name}"))
            .clone()
    };
    let identity = schema("IdentityResponse");
    assert_eq!(
        identity["properties"]["auth_key"]["$ref"],
        "#/components/schemas/AuthKey"
    );
    assert_eq!(identity["required"], json!(["auth_key"]));
    let auth_key = schema("AuthKey");
    assert_eq!(
        (&auth_key["type"], &auth_key["pattern"]),
        (&json!("string"), &json!("^[0-9]{8}$")),
        "the auth key is a string of 8 digits"
    );
    let insurer_number = schema("InsurerNumber");
    assert_eq!(
        (&insurer_number["type"], &insurer_number["pattern"]),
        (&json!("string"), &json!("^[0-9]{8}$"))
    );

    let session = schema("SessionResponse");
    // From utoipa's own map: serde_json's map would sort the keys.
    let components = kenpo_insurer::http::openapi().components.unwrap();
    let RefOr::T(Schema::Object(object)) = &components.schemas["SessionResponse"] else {
        panic!("SessionResponse is an object schema");
    };
    assert_eq!(
        object.properties.keys().collect::<Vec<_>>(),
        [
            "access_token",
            "refresh_token",
            "expires_in",
            "password_change_required",
            "member"
        ],
        "the fields in the order of the Rust struct and the JSON"
    );
    assert_eq!(
        session["properties"]["access_token"]["$ref"],
        "#/components/schemas/Secret"
    );
    assert_eq!(
        schema("Secret")["type"],
        "string",
        "a Secret is a plain string"
    );
    assert_eq!(schema("MemberId")["type"], "integer");
    assert_eq!(
        schema("LoginId")["type"],
        "string",
        "one string, either form"
    );
    assert_eq!(schema("Email")["format"], "email");
    assert_eq!(schema("EntryWindow")["type"], "integer");
    assert_eq!(schema("RuleCode")["type"], "string");
    assert_eq!(schema("Sex")["enum"], json!(["male", "female"]));
    assert_eq!(
        schema("Relationship")["enum"],
        json!(["insured", "dependent_spouse"])
    );

    let codes = schema("ErrorCode")["enum"].clone();
    let codes: Vec<&str> = codes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for code in kenpo_domain::api::ErrorCode::ALL {
        let listed = codes.contains(&code.as_str());
        assert_eq!(
            listed,
            code != kenpo_domain::api::ErrorCode::Unknown,
            "{code}: every code the server sends, and not the client's catch-all"
        );
    }
}

#[test]
fn errors_are_error_bodies_and_nothing_dangles() {
    let doc = document();
    let mut operation_ids = BTreeSet::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(
            operation_ids.insert(id.to_owned()),
            "{method} {path}: operationId {id:?} is not unique"
        );
        assert!(
            operation["tags"].as_array().is_some_and(|t| t.len() == 1),
            "{method} {path}: one tag"
        );
        for status in operation["responses"].as_object().unwrap().keys() {
            let answer = response(&doc, operation, status).unwrap();
            if status.starts_with(['4', '5']) && answer.get("content").is_some() {
                assert_eq!(
                    json_schema_ref(answer),
                    Some("#/components/schemas/ErrorBody"),
                    "{method} {path} {status}: errors are ErrorBody"
                );
            }
            if status == "429" {
                assert!(
                    answer["headers"].get("Retry-After").is_some(),
                    "{method} {path}: 429 says when to retry"
                );
            }
        }
        // OpenAPI requires every `{name}` of a path to be a declared parameter.
        for name in path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        {
            let declared = operation["parameters"].as_array().is_some_and(|params| {
                params
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true)
            });
            assert!(declared, "{method} {path}: path parameter {name} declared");
        }
        let bearer = operation["security"] == json!([{"bearer": []}]);
        let needs_login = if path == "/api/v1/sessions" {
            method == "delete"
        } else {
            !PUBLIC
                .iter()
                .any(|public| path == *public || path.starts_with("/api/v1/sandbox/"))
        };
        assert_eq!(
            bearer, needs_login,
            "{method} {path}: the bearer token exactly where a login is needed"
        );
        if bearer {
            let unauthorized = response(&doc, operation, "401").expect("a 401");
            assert!(
                unauthorized["description"]
                    .as_str()
                    .unwrap()
                    .contains("`unauthorized`"),
                "{method} {path}: a 401 for a missing token"
            );
        }
    }
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (&scheme["type"], &scheme["scheme"]),
        (&json!("http"), &json!("bearer"))
    );

    let mut refs = BTreeSet::new();
    every_ref(&doc, &mut refs);
    for reference in refs {
        assert!(
            resolve(&doc, &reference).is_some(),
            "{reference} points at nothing"
        );
    }
}

/// The server serves exactly the committed document, sandbox or not, and
/// routes every documented operation (no fallback 404, no 405).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_the_committed_document_and_every_operation() {
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    let fallback = json!({"error": {"code": "not_found", "message": "no such endpoint"}});
    for sandbox in [true, false] {
        let s = TestServer::start_with(Backend::Sqlite, sandbox, |_| {}).await;
        let res = s.client.get(s.url("/openapi.json")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-type"],
            "application/json",
            "served as JSON"
        );
        let served = res.text().await.unwrap();
        assert!(
            served == committed,
            "the served document (sandbox: {sandbox}) differs from the committed one; run \
             `{REGENERATE}`"
        );
        if sandbox {
            for (method, path, ..) in ENDPOINTS {
                let url = format!("{}{}", s.base, path.replace("{id}", "1"));
                let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let res = s.client.request(method.clone(), url).send().await.unwrap();
                let status = res.status();
                let body: Value = res.json().await.unwrap_or(Value::Null);
                assert!(
                    status != 405 && body != fallback,
                    "{method} {path} is documented but not routed ({status} {body})"
                );
            }
        }
        s.finish().await;
    }
}

/// The schemas match what the server really sends, for the answers that
/// need no login.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_answers_have_the_documented_fields() {
    let doc = document();
    let s = TestServer::start(Backend::Sqlite).await;
    for (path, component) in [("/insurer", "InsurerInfo"), ("/captcha", "Captcha")] {
        let (status, body) = s.get(path).await;
        assert_eq!(status, 200, "{body}");
        let schema = &doc["components"]["schemas"][component];
        let documented: BTreeSet<&String> =
            schema["properties"].as_object().unwrap().keys().collect();
        let sent: BTreeSet<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(sent, documented, "GET {path}: the fields of {component}");
    }
    let (_, insurer) = s.get("/insurer").await;
    assert!(insurer["insurer_number"].is_string());
    assert!(insurer["entry_window_days"].is_u64());
    s.finish().await;
}

/// The answers that need a login match their schemas too: every field sent
/// is documented, and every required field is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_answers_have_the_documented_fields() {
    let doc = document();
    let s = TestServer::start(Backend::Sqlite).await;
    kenpo_insurer::admin::load_demo_content(&s.server.state)
        .await
        .unwrap();
    let token = s.taro().await;
    let (_, goals) = s
        .put_auth("/goals", &token, json!({"goals": [{"label": "歩く"}]}))
        .await;
    let goal = goals["goals"][0]["id"].clone();
    let (_, records) = s
        .post_auth(
            "/records",
            &token,
            json!({"records": [
                {"date": "2026-11-22", "kind": "steps", "value": 8000, "updated_at": "2026-11-22T10:00:00+09:00"},
                {"date": "2026-11-22", "kind": "goal", "goal_id": goal, "value": true, "updated_at": "2026-11-22T10:00:00+09:00"},
                {"date": "2026-11-23", "kind": "weight", "value": 60.0, "updated_at": "2026-11-22T10:00:00+09:00"}
            ]}),
        )
        .await;
    let (_, check_in) = s.post_auth("/check-ins", &token, json!({})).await;
    let address = json!({"name": "山田 太郎", "postal_code": "1000001", "prefecture": "東京都",
                         "city": "千代田区", "line1": "千代田1-1", "phone": "0312345678"});
    // 1,000 + 5 + 15 + 300 points: enough for the tea set (1,200).
    let (_, report) = s
        .post_auth(
            "/reports",
            &token,
            json!({"kind": "flu_vaccine", "date": "2026-11-01"}),
        )
        .await;
    let (_, exchange) = s
        .post_auth(
            "/exchanges",
            &token,
            json!({"item_id": "tea-set", "quantity": 1, "shipping_address": address}),
        )
        .await;
    let mut answers = vec![
        ("RecordsResponse", records.clone()),
        ("RecordResult", records["results"][0].clone()),
        ("RecordResult", records["results"][2].clone()),
        ("ErrorDetail", records["results"][2]["error"].clone()),
        ("PointsGranted", records["points_granted"][0].clone()),
        ("CheckInResponse", check_in),
        ("ExchangeCreated", exchange),
        ("ReportCreated", report),
    ];
    for (path, component, list) in [
        ("/points", "PointsSummary", Some(("lots", "LotInfo"))),
        (
            "/points/ledger",
            "LedgerPage",
            Some(("entries", "LedgerEntryInfo")),
        ),
        (
            "/records?from=2026-11-01&to=2026-11-30",
            "RecordList",
            Some(("records", "Record")),
        ),
        ("/goals", "GoalList", Some(("goals", "Goal"))),
        ("/catalog", "Catalog", Some(("items", "CatalogItem"))),
        (
            "/exchanges",
            "ExchangeList",
            Some(("exchanges", "ExchangeInfo")),
        ),
        ("/checkups", "CheckupList", None),
        ("/notices", "NoticeList", Some(("notices", "Notice"))),
        ("/faq", "FaqList", Some(("entries", "FaqEntry"))),
        ("/changes", "ChangesResponse", None),
    ] {
        let (status, body) = s.get_auth(path, &token).await;
        assert_eq!(status, 200, "{path}: {body}");
        if let Some((field, item)) = list {
            let first = body[field][0].clone();
            assert!(first.is_object(), "{path}: a {item} to look at");
            answers.push((item, first));
        }
        answers.push((component, body));
    }
    let (_, points) = s.get_auth("/points", &token).await;
    assert!(
        points["expiring"].as_array().unwrap().is_empty(),
        "nothing expires within 90 days"
    );
    for (component, body) in answers {
        let schema = &doc["components"]["schemas"][component];
        let documented: BTreeSet<&String> = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{component} has properties"))
            .keys()
            .collect();
        let sent: BTreeSet<&String> = body.as_object().unwrap().keys().collect();
        assert!(
            sent.is_subset(&documented),
            "{component}: {sent:?} within {documented:?}"
        );
        for required in schema["required"].as_array().into_iter().flatten() {
            assert!(
                body.get(required.as_str().unwrap()).is_some(),
                "{component}: required {required} is sent"
            );
        }
    }
    // The feed's entries carry the `type` tag their schema names.
    let (_, feed) = s.get_auth("/changes", &token).await;
    let types: BTreeSet<&str> = feed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from(["exchange", "goal", "ledger", "notice", "record"])
    );
    let change = serde_json::to_string(&doc["components"]["schemas"]["Change"]).unwrap();
    for tag in types {
        assert!(
            change.contains(&format!("\"{tag}\"")),
            "Change documents type {tag}"
        );
    }
    s.finish().await;
}
