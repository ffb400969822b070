//! The standing API check: schemathesis (PyPI, in the tools venv) generates
//! requests for every operation of the served OpenAPI document against a
//! sandbox server with the demo data, on SQLite and PostgreSQL alike, and
//! every answer must be no server error and conform to the document (its
//! status codes, content types and schemas).
//!
//! The operations that would end the test's own session (logout, ending
//! sessions, a password change) or move the clock run last, in a pass of
//! their own. The seed is fixed, so a failure
//! repeats; `KENPO_SCHEMATHESIS_EXAMPLES` raises the count per operation.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Backend, TestServer};

const HOW_TO_INSTALL: &str = "`cargo xtask test` installs it (a venv with schemathesis in \
     <target>/tools/py); before a plain `cargo test`, run `eval \"$(cargo xtask test-env)\"`";

fn schemathesis() -> PathBuf {
    let python = match std::env::var_os("KENPO_TEST_PYTHON") {
        Some(python) => PathBuf::from(python),
        None => {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(|dir| workspace.join(dir))
                .unwrap_or_else(|| workspace.join("target"));
            target.join("tools/py/bin/python")
        }
    };
    let bin = python.with_file_name("schemathesis");
    assert!(bin.exists(), "no {}: {HOW_TO_INSTALL}", bin.display());
    bin
}

/// Run last, on their own: they end the session the run uses, or move the
/// clock, so that in the main pass every later request would be refused.
const RUN_LAST: [&str; 4] = [
    "session_delete",
    "account_session_delete",
    "account_password_change",
    "sandbox_clock",
];

async fn every_answer_conforms_to_the_document(backend: Backend) {
    let s = TestServer::start(backend).await;
    kenpo_insurer::admin::load_demo_content(&s.server.state)
        .await
        .unwrap();
    let token = s.taro().await;
    let examples = std::env::var("KENPO_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "25".into());
    let main = run(&s, &token, &examples, "--exclude-operation-id").await;
    println!("schemathesis ({backend:?}), all but the last four: {main}");
    let last = run(&s, &token, &examples, "--include-operation-id").await;
    println!("schemathesis ({backend:?}), the last four: {last}");
    s.finish().await;
}

/// One schemathesis run over the operations `selection` (an include or
/// exclude flag) makes of [`RUN_LAST`]; answers its summary line.
async fn run(s: &TestServer, token: &str, examples: &str, selection: &str) -> String {
    let report = tempfile::tempdir().unwrap();
    let mut run = Command::new(schemathesis());
    run.arg("run")
        .arg(format!("{}/api/v1/openapi.json", s.base))
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_schema_conformance,response_headers_conformance",
        ])
        .args(["--max-examples", examples, "--seed", "20261203"])
        // One worker for the last four: what one ends, the next meets, in
        // the same order every run.
        .args([
            "--workers",
            if selection == "--include-operation-id" {
                "1"
            } else {
                "2"
            },
        ])
        .arg("--no-color")
        .args(["--report", "junit", "--report-dir"])
        .arg(report.path())
        // Its cache of found crashes goes with the report, not into the tree.
        .current_dir(report.path())
        .env("SCHEMATHESIS_HOOKS", "")
        .env("NO_COLOR", "1");
    for operation in RUN_LAST {
        run.args([selection, operation]);
    }
    let output = tokio::task::spawn_blocking(move || run.output())
        .await
        .unwrap()
        .expect("schemathesis runs");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found failures:\n{out}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out.lines()
        .find(|l| {
            let l = l.trim_start();
            l.contains(" generated") && l.starts_with(|c: char| c.is_ascii_digit())
        })
        .unwrap_or("no summary")
        .trim()
        .to_owned()
}

stories!(every_answer_conforms_to_the_document);
