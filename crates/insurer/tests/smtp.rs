//! Mail through a real SMTP server: Python's aiosmtpd on 127.0.0.1, which
//! stores what it receives in a maildir that the test reads back.
//!
//! The Python comes from `KENPO_TEST_PYTHON`, else from the venv that
//! `cargo xtask test` makes in `<target>/tools/py`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::DateTime;
use kenpo_insurer::mail::{Mailer, OutgoingMail, SmtpMailer};

const HOW_TO_INSTALL: &str = "`cargo xtask test` installs it (a venv with aiosmtpd in \
     <target>/tools/py); before a plain `cargo test`, run `eval \"$(cargo xtask test-env)\"`, \
     or point KENPO_TEST_PYTHON at a Python that has aiosmtpd";

fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("KENPO_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| workspace.join(dir))
        .unwrap_or_else(|| workspace.join("target"));
    target.join("tools/py/bin/python")
}

/// The Python to run aiosmtpd with; fails the test, never skips it, when
/// there is none.
fn python_with_aiosmtpd() -> PathBuf {
    let python = python();
    let probe = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .output();
    match probe {
        Ok(out) if out.status.success() => python,
        Ok(out) => panic!(
            "{} cannot import aiosmtpd ({}): {HOW_TO_INSTALL}",
            python.display(),
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        ),
        Err(err) => panic!("cannot run {} ({err}): {HOW_TO_INSTALL}", python.display()),
    }
}

/// The aiosmtpd process; killed when dropped, also when an assertion fails.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    log: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    async fn start(python: &Path, dir: &Path) -> Self {
        let maildir = dir.join("maildir");
        let log = dir.join("aiosmtpd.log");
        // Another process may take the free port between our probe and the
        // server's bind: try again with a new port then.
        for _ in 0..3 {
            let port = free_port();
            let log_file = std::fs::File::create(&log).expect("the log file can be created");
            let child = Command::new(python)
                .args(["-m", "aiosmtpd", "-n", "-l"])
                .arg(format!("127.0.0.1:{port}"))
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(&maildir)
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().expect("the log file can be shared"))
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|err| panic!("cannot start aiosmtpd: {err}: {HOW_TO_INSTALL}"));
            let mut server = Self {
                child,
                port,
                maildir: maildir.clone(),
                log: log.clone(),
            };
            if server.wait_until_listening().await {
                return server;
            }
        }
        panic!(
            "aiosmtpd did not start on 127.0.0.1 in three tries; its output:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// True once the port accepts; false when the server died first.
    async fn wait_until_listening(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "aiosmtpd did not accept connections within 30 s; its output:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// The raw messages delivered so far.
    fn delivered(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .map(|entry| std::fs::read(entry.expect("a maildir entry").path()).expect("readable"))
            .collect()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

#[tokio::test]
async fn a_japanese_mail_reaches_a_real_smtp_server() {
    let python = python_with_aiosmtpd();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let server = SmtpServer::start(&python, dir.path()).await;

    let mailer = SmtpMailer::from_url(
        &format!("smtp://127.0.0.1:{}", server.port),
        "noreply@kenpo.example",
    )
    .expect("a plain SMTP URL for a local relay");
    let body = "山田 花子 様\n\n認証キーの入力をお願いします。\n\
                このリンクは30分間有効です：\nkenpodesk://register/auth-key?token=xyz\n";
    let sent_at = DateTime::parse_from_rfc3339("2027-03-31T23:59:59+09:00").expect("a date");
    let mail = OutgoingMail {
        to: "Hanako@Example.jp".into(),
        subject: "【健康ポータル】認証キー入力のご案内".into(),
        body: body.into(),
    };
    mailer
        .send(&mail, sent_at)
        .await
        .unwrap_or_else(|err| panic!("aiosmtpd should accept the mail: {err} ({})", err.code()));

    // The handler stores the mail before it answers 250, but allow for a
    // slow disk rather than fail on timing.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut delivered = server.delivered();
    while delivered.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        delivered = server.delivered();
    }
    assert_eq!(delivered.len(), 1, "exactly one mail in the maildir");

    let message = mail_parser::MessageParser::default()
        .parse(&delivered[0])
        .expect("the stored mail parses");
    assert_eq!(
        message.header_raw("X-RcptTo").map(str::trim),
        Some("Hanako@Example.jp"),
        "the envelope recipient, as aiosmtpd saw it"
    );
    assert_eq!(
        message
            .to()
            .and_then(|to| to.first())
            .and_then(|addr| addr.address()),
        Some("Hanako@Example.jp")
    );
    assert_eq!(
        message
            .from()
            .and_then(|from| from.first())
            .and_then(|addr| addr.address()),
        Some("noreply@kenpo.example")
    );
    assert_eq!(
        message.subject(),
        Some("【健康ポータル】認証キー入力のご案内")
    );
    assert_eq!(
        message
            .body_text(0)
            .map(|text| text.replace("\r\n", "\n"))
            .as_deref(),
        Some(body),
        "the Japanese body arrives intact"
    );
    assert_eq!(
        message.date().map(|date| date.to_timestamp()),
        Some(sent_at.timestamp()),
        "the Date header is the server's clock, not the machine's"
    );
}

#[tokio::test]
async fn a_server_that_is_not_there_is_unavailable_not_rejected() {
    let mailer = SmtpMailer::from_url(
        &format!("smtp://127.0.0.1:{}", free_port()),
        "noreply@kenpo.example",
    )
    .expect("a plain SMTP URL");
    let mail = OutgoingMail {
        to: "a@example.jp".into(),
        subject: "件名".into(),
        body: "本文".into(),
    };
    let sent_at = DateTime::parse_from_rfc3339("2027-01-01T09:00:00+09:00").expect("a date");
    let err = mailer
        .send(&mail, sent_at)
        .await
        .expect_err("nothing listens on the port");
    assert_eq!(
        err.code(),
        "smtp_unavailable",
        "worth retrying later: {err}"
    );
}
