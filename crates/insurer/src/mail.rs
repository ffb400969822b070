//! Outgoing mail: registration links, confirmation links, password resets.
//!
//! Handlers send through the [`Mailer`] trait and pass the server's clock
//! reading, so that a sandbox clock moved forward shows in the mail too:
//!
//! ```no_run
//! # async fn demo() -> Result<(), kenpo_insurer::mail::MailError> {
//! use kenpo_insurer::mail::{Mailer, OutboxMailer, OutgoingMail, SmtpMailer};
//!
//! let mailer: Box<dyn Mailer> = if let Ok(url) = std::env::var("SMTP_URL") {
//!     Box::new(SmtpMailer::from_url(&url, "健康保険組合 <noreply@kenpo.example>")?)
//! } else {
//!     Box::new(OutboxMailer::new("outbox".into(), "noreply@kenpo.example")?)
//! };
//! let mail = OutgoingMail {
//!     to: "hanako@example.jp".into(),
//!     subject: "【健康ポータル】ご登録のご案内".into(),
//!     body: "以下のリンクから登録を続けてください。\n".into(),
//! };
//! mailer.send(&mail, chrono::Local::now().fixed_offset()).await?;
//! # Ok(()) }
//! ```
//!
//! [`SmtpMailer`] is for production. [`OutboxMailer`] is for the sandbox:
//! it writes each mail as an `.eml` file that [`OutboxMailer::messages`]
//! reads back for the sandbox mail endpoint, and that a person can open in
//! any mail program.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Serialize;

/// A mail to one member. The body is plain text (Japanese, UTF-8).
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A mail read back from the outbox, as the sandbox mail endpoint shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredMail {
    /// The recipient's address (without a display name).
    pub to: String,
    pub subject: String,
    /// Line ends are `\n`, as in [`OutgoingMail::body`].
    pub body: String,
    /// Exactly the instant and offset given to [`Mailer::send`].
    pub sent_at: DateTime<FixedOffset>,
}

/// Something that delivers mail: SMTP in production, the outbox in the sandbox.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Sends `mail`, dated `sent_at` (the server's clock, which in the
    /// sandbox may run ahead of the real one).
    async fn send(
        &self,
        mail: &OutgoingMail,
        sent_at: DateTime<FixedOffset>,
    ) -> Result<(), MailError>;
}

/// Why a mail could not be sent or read. The texts never hold a password or
/// a mail's subject or body (so never a token), and may be logged; only an
/// SMTP server's own refusal text may quote the recipient's address.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid `{field}` mail address: {source}")]
    InvalidAddress {
        field: &'static str,
        #[source]
        source: lettre::address::AddressError,
    },
    #[error("invalid SMTP URL: {reason}")]
    InvalidSmtpUrl { reason: String },
    /// Credentials over a connection that may stay unencrypted.
    #[error("the SMTP URL has credentials but allows a connection without TLS")]
    InsecureSmtpUrl,
    #[error("the mail date must lie between 1970 and 9999")]
    InvalidSentAt,
    #[error("cannot build the mail: {0}")]
    Build(#[source] lettre::error::Error),
    /// The server refused the mail for good (5xx): retrying will not help.
    #[error("the SMTP server refused the mail: {0}")]
    SmtpRejected(#[source] lettre::transport::smtp::Error),
    /// Network, TLS, timeout or a temporary refusal (4xx): worth retrying.
    #[error("the SMTP server is unavailable: {0}")]
    SmtpUnavailable(#[source] lettre::transport::smtp::Error),
    #[error("outbox: cannot {action} {}: {source}", path.display())]
    Outbox {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl MailError {
    /// A stable snake_case code for logs and error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidAddress { .. } => "invalid_address",
            Self::InvalidSmtpUrl { .. } => "invalid_smtp_url",
            Self::InsecureSmtpUrl => "insecure_smtp_url",
            Self::InvalidSentAt => "invalid_sent_at",
            Self::Build(_) => "mail_build_failed",
            Self::SmtpRejected(_) => "smtp_rejected",
            Self::SmtpUnavailable(_) => "smtp_unavailable",
            Self::Outbox { .. } => "outbox_io",
        }
    }
}

fn parse_mailbox(field: &'static str, text: &str) -> Result<Mailbox, MailError> {
    text.trim()
        .parse()
        .map_err(|source| MailError::InvalidAddress { field, source })
}

/// The Date header has whole seconds and the offset is lost on the way
/// through lettre, so the outbox keeps the exact `sent_at` here as well.
#[derive(Debug, Clone)]
struct SentAtHeader(String);

const SENT_AT_HEADER: &str = "X-Kenpo-Sent-At";

impl Header for SentAtHeader {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str(SENT_AT_HEADER)
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The first instant that the Date header cannot show (year 10000).
const DATE_HEADER_END: i64 = 253_402_300_800;

fn build_message(
    from: &Mailbox,
    mail: &OutgoingMail,
    sent_at: DateTime<FixedOffset>,
    sent_at_header: bool,
) -> Result<Message, MailError> {
    // lettre's Date header panics outside these years.
    if !(0..DATE_HEADER_END).contains(&sent_at.timestamp()) {
        return Err(MailError::InvalidSentAt);
    }
    let mut builder = Message::builder()
        .from(from.clone())
        .to(parse_mailbox("to", &mail.to)?)
        .subject(mail.subject.as_str())
        .date(SystemTime::from(sent_at))
        // Spam filters frown on mail without one.
        .message_id(None)
        .header(ContentType::TEXT_PLAIN);
    if sent_at_header {
        builder = builder.header(SentAtHeader(
            sent_at.to_rfc3339_opts(SecondsFormat::AutoSi, false),
        ));
    }
    builder.body(mail.body.clone()).map_err(MailError::Build)
}

// ---- SMTP ------------------------------------------------------------------

/// Sends through an SMTP server given by URL:
///
/// - `smtp://host:port`: plain SMTP, for a relay on the same machine or network;
/// - `smtp://user:pass@host:587`: STARTTLS, required (lettre alone would send
///   the password unencrypted when the URL says nothing about TLS);
/// - `smtps://user:pass@host:465`: TLS from the first byte.
///
/// `?tls=required` and `?tls=opportunistic` are lettre's own; the latter is
/// refused together with credentials.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    // The transport holds the SMTP password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Checks the URL and the sender; connects only when a mail is sent.
    pub fn from_url(url: &str, from: &str) -> Result<Self, MailError> {
        let from = parse_mailbox("from", from)?;
        let url = smtp_url(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            .map_err(|err| MailError::InvalidSmtpUrl {
                reason: err.to_string(),
            })?
            .build();
        Ok(Self { transport, from })
    }
}

/// Makes credentials imply TLS. Errors never quote the URL: it may hold the password.
fn smtp_url(text: &str) -> Result<url::Url, MailError> {
    let mut url = url::Url::parse(text.trim()).map_err(|err| MailError::InvalidSmtpUrl {
        reason: err.to_string(),
    })?;
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    let tls = url
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    match (url.scheme(), tls.as_deref(), has_credentials) {
        ("smtp", None, true) => {
            url.query_pairs_mut().append_pair("tls", "required");
        }
        ("smtp", Some("opportunistic"), true) => return Err(MailError::InsecureSmtpUrl),
        ("smtp" | "smtps", _, _) => {}
        (scheme, _, _) => {
            return Err(MailError::InvalidSmtpUrl {
                reason: format!("the scheme is `{scheme}`, not `smtp` or `smtps`"),
            });
        }
    }
    Ok(url)
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(
        &self,
        mail: &OutgoingMail,
        sent_at: DateTime<FixedOffset>,
    ) -> Result<(), MailError> {
        let message = build_message(&self.from, mail, sent_at, false)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(err) if err.is_permanent() => Err(MailError::SmtpRejected(err)),
            Err(err) => Err(MailError::SmtpUnavailable(err)),
        }
    }
}

// ---- outbox ----------------------------------------------------------------

/// Writes each mail as an RFC 5322 `.eml` file into one folder.
///
/// File names sort in send order: the UTC `sent_at` with nanoseconds, then a
/// write stamp that only grows (ties on `sent_at` are common with a fixed
/// test clock), then random hex so that several processes sharing the folder
/// never pick the same name. Files appear whole (written beside, then renamed).
#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl OutboxMailer {
    /// Creates `dir` if needed.
    pub fn new(dir: PathBuf, from: &str) -> Result<Self, MailError> {
        let from = parse_mailbox("from", from)?;
        fs::create_dir_all(&dir).map_err(|source| MailError::Outbox {
            action: "create",
            path: dir.clone(),
            source,
        })?;
        Ok(Self { dir, from })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The mails in the outbox, oldest first, only those to `to` when given
    /// (compared without regard to case). Files that are not readable mails
    /// are skipped with a warning. Blocking: call it from `spawn_blocking`
    /// where the outbox may be large.
    pub fn messages(&self, to: Option<&str>) -> Result<Vec<StoredMail>, MailError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            // Someone removed the folder to empty the outbox.
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(MailError::Outbox {
                    action: "list",
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| MailError::Outbox {
                action: "list",
                path: self.dir.clone(),
                source,
            })?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Temporary files start with a dot and end in `.tmp`.
            if name.ends_with(".eml") && !name.starts_with('.') {
                paths.push(entry.path());
            }
        }
        paths.sort();
        let wanted = to.map(|to| to.trim().to_lowercase());
        let mut mails = Vec::with_capacity(paths.len());
        for path in paths {
            let bytes = match fs::read(&path) {
                Ok(bytes) => bytes,
                // Deleted between listing and reading: it is simply gone.
                Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
                Err(err) => {
                    tracing::warn!(
                        file = %path.display(),
                        error = %err,
                        "outbox: skipping an unreadable file"
                    );
                    continue;
                }
            };
            let Some(mail) = parse_stored(&bytes) else {
                tracing::warn!(
                    file = %path.display(),
                    "outbox: skipping a file that is not a Kenpo mail"
                );
                continue;
            };
            if wanted
                .as_ref()
                .is_none_or(|wanted| mail.to.to_lowercase() == *wanted)
            {
                mails.push(mail);
            }
        }
        Ok(mails)
    }

    fn write(&self, message: &Message, sent_at: DateTime<FixedOffset>) -> Result<(), MailError> {
        let name = format!(
            "{}-{:020}-{:016x}.eml",
            sent_at.with_timezone(&Utc).format("%Y%m%dT%H%M%S%.9fZ"),
            write_stamp(),
            rand::random::<u64>(),
        );
        let path = self.dir.join(&name);
        let temp = self.dir.join(format!(".{name}.tmp"));
        let outbox_error = |action, path: &Path| {
            let path = path.to_owned();
            move |source| MailError::Outbox {
                action,
                path,
                source,
            }
        };
        // Emptying the sandbox's outbox may have removed the folder itself.
        fs::create_dir_all(&self.dir).map_err(outbox_error("create", &self.dir))?;
        // No fsync: losing the last sandbox mail on power loss is fine; a
        // half-written file is not, and writing beside then renaming rules it out.
        let written = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .and_then(|mut file| file.write_all(&message.formatted()))
            .map_err(outbox_error("write", &temp))
            .and_then(|()| fs::rename(&temp, &path).map_err(outbox_error("rename", &temp)));
        if written.is_err() {
            // Best effort: `messages` ignores a leftover temporary file anyway.
            let _ = fs::remove_file(&temp);
        }
        written
    }
}

/// Nanoseconds since the epoch, but always above the last value this process
/// handed out, so that two mails written in the same clock tick keep their order.
fn write_stamp() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX)
        });
    let next = |last: u64| now.max(last.saturating_add(1));
    let previous = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(next(last))
        })
        .unwrap_or_else(|last| last);
    next(previous)
}

fn parse_stored(bytes: &[u8]) -> Option<StoredMail> {
    let message = mail_parser::MessageParser::default().parse(bytes)?;
    let sent_at = DateTime::parse_from_rfc3339(message.header_raw(SENT_AT_HEADER)?.trim()).ok()?;
    let to = message.to()?.first()?.address()?.to_owned();
    let subject = message.subject().unwrap_or_default().to_owned();
    let body = message
        .body_text(0)
        .map(|body| body.replace("\r\n", "\n"))
        .unwrap_or_default();
    Some(StoredMail {
        to,
        subject,
        body,
        sent_at,
    })
}

#[async_trait::async_trait]
impl Mailer for OutboxMailer {
    async fn send(
        &self,
        mail: &OutgoingMail,
        sent_at: DateTime<FixedOffset>,
    ) -> Result<(), MailError> {
        let message = build_message(&self.from, mail, sent_at, true)?;
        let outbox = self.clone();
        tokio::task::spawn_blocking(move || outbox.write(&message, sent_at))
            .await
            .unwrap_or_else(|join| std::panic::resume_unwind(join.into_panic()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jst(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("a valid RFC 3339 test date")
    }

    fn mail(to: &str, subject: &str, body: &str) -> OutgoingMail {
        OutgoingMail {
            to: to.into(),
            subject: subject.into(),
            body: body.into(),
        }
    }

    fn outbox() -> (tempfile::TempDir, OutboxMailer) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let outbox = OutboxMailer::new(
            dir.path().join("outbox"),
            "健康保険組合 <noreply@kenpo.example>",
        )
        .expect("the outbox folder can be created");
        (dir, outbox)
    }

    #[tokio::test]
    async fn japanese_subject_and_body_survive_the_outbox() {
        let (_dir, outbox) = outbox();
        let body = "山田 花子 様\n\n健康ポータルへのご登録ありがとうございます。\n\
                    次のリンクは3時間有効です：\nkenpodesk://register/identity?token=abc\n";
        let sent_at = jst("2027-03-31T23:59:59.123456789+09:00");
        outbox
            .send(
                &mail("hanako@example.jp", "【健康ポータル】ご登録のご案内", body),
                sent_at,
            )
            .await
            .expect("the outbox accepts the mail");

        let messages = outbox.messages(None).expect("the outbox is readable");
        assert_eq!(messages.len(), 1, "one mail was sent");
        let stored = &messages[0];
        assert_eq!(stored.to, "hanako@example.jp");
        assert_eq!(stored.subject, "【健康ポータル】ご登録のご案内");
        assert_eq!(stored.body, body, "the body must come back byte for byte");
        assert_eq!(stored.sent_at, sent_at);
        assert_eq!(
            stored.sent_at.offset(),
            sent_at.offset(),
            "the offset given is the one read back"
        );
    }

    #[tokio::test]
    async fn the_file_is_a_real_mail_with_encoded_headers() {
        let (_dir, outbox) = outbox();
        let sent_at = jst("2026-11-21T09:00:00+09:00");
        outbox
            .send(&mail("a@example.jp", "認証キーのご案内", "本文"), sent_at)
            .await
            .expect("sent");
        let files: Vec<_> = fs::read_dir(outbox.dir())
            .expect("listable")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        assert_eq!(
            files.len(),
            1,
            "one file per mail, no temp file left: {files:?}"
        );
        let name = files[0]
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with("20261121T000000.000000000Z-") && name.ends_with(".eml"),
            "named by UTC send time: {name}"
        );
        let raw = fs::read_to_string(&files[0]).expect("a mail file is ASCII text");
        assert!(raw.is_ascii(), "headers and body are transfer-encoded");
        assert!(
            raw.contains("Date: Sat, 21 Nov 2026 00:00:00 +0000\r\n"),
            "{raw}"
        );
        assert!(
            raw.contains("X-Kenpo-Sent-At: 2026-11-21T09:00:00+09:00\r\n"),
            "{raw}"
        );
        assert!(raw.contains("Subject: =?utf-8?b?"), "{raw}");
    }

    #[tokio::test]
    async fn mails_sent_in_the_same_instant_come_back_in_send_order() {
        let (_dir, outbox) = outbox();
        // A fixed test clock gives every mail the same `sent_at`.
        let sent_at = jst("2027-03-31T12:00:00+09:00");
        for n in 0..20 {
            outbox
                .send(&mail("a@example.jp", &format!("第{n}便"), "本文"), sent_at)
                .await
                .expect("sent");
        }
        let later = jst("2027-03-31T12:00:00.5+09:00");
        outbox
            .send(&mail("a@example.jp", "最後", "本文"), later)
            .await
            .expect("sent");
        let subjects: Vec<String> = outbox
            .messages(None)
            .expect("readable")
            .into_iter()
            .map(|stored| stored.subject)
            .collect();
        let mut expected: Vec<String> = (0..20).map(|n| format!("第{n}便")).collect();
        expected.push("最後".into());
        assert_eq!(subjects, expected, "newest last");
    }

    #[tokio::test]
    async fn the_recipient_filter_ignores_case() {
        let (_dir, outbox) = outbox();
        let sent_at = jst("2027-01-01T00:00:00+09:00");
        for to in ["Hanako@Example.JP", "taro@example.jp", "hanako@example.jp"] {
            outbox
                .send(&mail(to, "件名", "本文"), sent_at)
                .await
                .expect("sent");
        }
        let hanako = outbox
            .messages(Some(" HANAKO@example.jp "))
            .expect("readable");
        assert_eq!(
            hanako.len(),
            2,
            "both spellings of Hanako's address: {hanako:?}"
        );
        let taro = outbox.messages(Some("Taro@Example.jp")).expect("readable");
        assert_eq!(taro.len(), 1);
        assert!(
            outbox
                .messages(Some("nobody@example.jp"))
                .expect("readable")
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_missing_or_empty_outbox_has_no_mail() {
        let (dir, outbox) = outbox();
        assert!(outbox.dir().is_dir(), "new() creates the folder");
        assert!(outbox.messages(None).expect("readable").is_empty());
        fs::remove_dir_all(dir.path().join("outbox")).expect("removable");
        assert!(
            outbox
                .messages(None)
                .expect("a missing folder is empty")
                .is_empty(),
            "a removed outbox reads as empty"
        );
        let sent_at = jst("2027-01-01T00:00:00+09:00");
        outbox
            .send(&mail("a@example.jp", "件名", "本文"), sent_at)
            .await
            .expect("sending recreates a removed outbox");
        assert_eq!(outbox.messages(None).expect("readable").len(), 1);
    }

    #[tokio::test]
    async fn garbage_in_the_folder_is_skipped() {
        let (_dir, outbox) = outbox();
        let sent_at = jst("2027-01-01T00:00:00+09:00");
        fs::write(
            outbox.dir().join("00000000-garbage.eml"),
            [0xff, 0x00, 0xfe, b'\n'],
        )
        .expect("writable");
        fs::write(
            outbox.dir().join("00000001-plain.eml"),
            "Subject: no recipient\r\n\r\nhi",
        )
        .expect("writable");
        fs::write(outbox.dir().join("notes.txt"), "not a mail").expect("writable");
        fs::write(outbox.dir().join(".half-written.eml.tmp"), "To: a@b").expect("writable");
        outbox
            .send(&mail("a@example.jp", "件名", "本文"), sent_at)
            .await
            .expect("sent");
        let messages = outbox.messages(None).expect("garbage is not an error");
        assert_eq!(messages.len(), 1, "only the real mail: {messages:?}");
        assert_eq!(messages[0].subject, "件名");
    }

    #[tokio::test]
    async fn a_newline_in_the_subject_cannot_add_a_header() {
        let (_dir, outbox) = outbox();
        let sent_at = jst("2027-01-01T00:00:00+09:00");
        outbox
            .send(
                &mail("a@example.jp", "件名\r\nBcc: evil@example.com", "本文"),
                sent_at,
            )
            .await
            .expect("sent");
        let file = fs::read_dir(outbox.dir())
            .expect("listable")
            .next()
            .expect("one file")
            .expect("an entry")
            .path();
        let raw = fs::read_to_string(file).expect("text");
        assert!(!raw.contains("\r\nBcc:"), "no injected header: {raw}");
    }

    #[tokio::test]
    async fn bad_addresses_and_dates_are_refused_with_codes() {
        let (_dir, outbox) = outbox();
        let sent_at = jst("2027-01-01T00:00:00+09:00");
        let err = outbox
            .send(&mail("not an address", "件名", "本文"), sent_at)
            .await
            .expect_err("an invalid recipient");
        assert_eq!(err.code(), "invalid_address");
        let err = outbox
            .send(
                &mail("a@example.jp", "件名", "本文"),
                jst("1969-12-31T00:00:00Z"),
            )
            .await
            .expect_err("a date the Date header cannot show");
        assert_eq!(err.code(), "invalid_sent_at");
        let err = OutboxMailer::new(outbox.dir().to_owned(), "").expect_err("no sender");
        assert_eq!(err.code(), "invalid_address");
    }

    #[test]
    fn smtp_credentials_require_tls() {
        let url = smtp_url("smtp://user:s3cret@mail.example:587").expect("valid");
        assert_eq!(url.query(), Some("tls=required"), "STARTTLS is required");
        let url = smtp_url("smtp://127.0.0.1:2525").expect("valid");
        assert_eq!(
            url.query(),
            None,
            "a local relay without credentials stays plain"
        );
        let url = smtp_url("smtps://user:s3cret@mail.example:465").expect("valid");
        assert_eq!(url.query(), None, "smtps is TLS from the start");
        SmtpMailer::from_url(
            "smtp://user:s3cret@mail.example:587",
            "noreply@kenpo.example",
        )
        .expect("a STARTTLS mailer builds without connecting");
        SmtpMailer::from_url("smtps://user:s3cret@mail.example", "noreply@kenpo.example")
            .expect("an implicit TLS mailer builds without connecting");

        let err = smtp_url("smtp://user:s3cret@mail.example:587?tls=opportunistic")
            .expect_err("credentials could go out unencrypted");
        assert_eq!(err.code(), "insecure_smtp_url");
        for bad in ["http://user:s3cret@mail.example", "user:s3cret@mail", "::"] {
            let err = SmtpMailer::from_url(bad, "noreply@kenpo.example").expect_err(bad);
            assert_eq!(err.code(), "invalid_smtp_url", "{bad}");
            assert!(
                !err.to_string().contains("s3cret"),
                "the password must never reach an error text: {err}"
            );
        }
    }
}
