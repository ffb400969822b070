//! The insurer API over HTTP, with the wire types of kenpo-domain. Errors
//! keep the server's code; a server that cannot be reached is
//! [`ClientError::Offline`], with the reason as a code, so the UI can say
//! "offline" and why in its own language.
//!
//! Passwords and health data never travel in the clear: a remote insurer
//! is reached over `https://` only (plain `http://` stays for the loopback
//! address, where the demo insurer and tests run), and a redirect is
//! followed only within the same origin.

use std::time::Duration;

use kenpo_domain::api::{
    AccountSetupRequest, AuthKeyRequest, AuthKeyResponse, Captcha, Change, CheckInResponse,
    DependentRegistrationRequest, ErrorBody, ErrorCode, ErrorDetail, GoalList, GoalsUpdate,
    IdentityRequest, IdentityResponse, InsurerInfo, MemberCreated, PasswordChangeRequest,
    PasswordResetCompletion, PasswordResetRequest, PointsSummary, RecordsRequest, RecordsResponse,
    RegistrationRequest, SandboxMailbox, Secret, SessionResponse,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Coded, ErrorCode as CoreCode, OfflineReason};

mod portal;
pub use portal::Picture;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// No answer: no network, the server is down, or it timed out.
    #[error("the insurer cannot be reached ({0:?})")]
    Offline(OfflineReason),
    /// Not a server address.
    #[error("not an insurer's address")]
    BadAddress,
    /// A remote server over plain HTTP.
    #[error("an insurer is reached over https:// only")]
    Insecure,
    /// The server answered with an error; the message is the insurer's.
    #[error("{}", detail.message)]
    Api {
        status: u16,
        detail: ErrorDetail,
        retry_after: Option<u64>,
    },
    /// The server answered something this client cannot read.
    #[error("the insurer's answer cannot be read: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The server's error code, when it sent one.
    pub fn api_code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { detail, .. } => Some(detail.code),
            _ => None,
        }
    }

    pub fn is_offline(&self) -> bool {
        matches!(self, Self::Offline(_))
    }
}

impl Coded for ClientError {
    fn code(&self) -> CoreCode {
        match self {
            Self::Offline(_) => CoreCode::Offline,
            Self::BadAddress => CoreCode::ServerAddress,
            Self::Insecure => CoreCode::InsecureServer,
            Self::Api { .. } => CoreCode::Insurer,
            Self::Protocol(_) => CoreCode::Protocol,
        }
    }
}

/// Whether `url` may carry a member's data: `https://`, or `http://` to
/// this PC itself (the demo insurer, tests).
fn is_safe_origin(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        },
        _ => false,
    }
}

/// Follows a redirect only to the same origin, at most five times: another
/// origin could be plain HTTP, or somebody else's server.
fn same_origin_redirects(base: &url::Url) -> reqwest::redirect::Policy {
    let origin = base.origin();
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 || attempt.url().origin() != origin {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// One item of a feed page, read on its own: a change this client knows,
/// or one it must skip (so that one item never fails the whole page).
#[derive(Debug, Clone, PartialEq)]
pub enum FeedItem {
    Change(Change),
    /// A change type newer than this client.
    Unknown {
        kind: String,
    },
    /// A known type whose item cannot be read.
    Unreadable {
        kind: String,
    },
}

const KNOWN_CHANGES: [&str; 6] = ["record", "goal", "ledger", "checkup", "exchange", "notice"];

impl<'de> Deserialize<'de> for FeedItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        let kind = raw
            .get("type")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_owned();
        Ok(match serde_json::from_value::<Change>(raw) {
            Ok(change) => Self::Change(change),
            Err(_) if !KNOWN_CHANGES.contains(&kind.as_str()) => Self::Unknown { kind },
            Err(_) => Self::Unreadable { kind },
        })
    }
}

/// A page of `GET /api/v1/changes`, read item by item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<FeedItem>,
    pub cursor: String,
    pub has_more: bool,
}

pub type ClientResult<T> = Result<T, ClientError>;

/// A client for one insurer's server.
#[derive(Debug, Clone)]
pub struct InsurerClient {
    base: url::Url,
    http: reqwest::Client,
}

impl InsurerClient {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8787`).
    pub fn new(base: &str) -> ClientResult<Self> {
        let mut base = url::Url::parse(base.trim()).map_err(|_| ClientError::BadAddress)?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(ClientError::BadAddress);
        }
        if !is_safe_origin(&base) {
            return Err(ClientError::Insecure);
        }
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .redirect(same_origin_redirects(&base))
            .build()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok(Self { base, http })
    }

    pub fn base(&self) -> &str {
        self.base.as_str()
    }

    async fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        token: Option<&Secret>,
        idempotency_key: Option<&str>,
        body: Option<&B>,
    ) -> ClientResult<reqwest::Response> {
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let mut request = self.http.request(method, url);
        if let Some(token) = token {
            request = request.bearer_auth(token.expose());
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::Offline(without_url(&e)))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let text = response
            .text()
            .await
            .map_err(|e| ClientError::Offline(without_url(&e)))?;
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => Err(ClientError::Api {
                status: status.as_u16(),
                detail: body.error,
                retry_after,
            }),
            // A proxy's page, or a server that is starting: treat as offline.
            Err(_) if status.is_server_error() || status == StatusCode::BAD_GATEWAY => {
                tracing::info!(%status, "the insurer's address answered without an error body");
                Err(ClientError::Offline(OfflineReason::ServerUnavailable))
            }
            Err(_) => Err(ClientError::Protocol(format!(
                "{status} without an error body"
            ))),
        }
    }

    async fn json<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        token: Option<&Secret>,
        idempotency_key: Option<&str>,
        body: Option<&B>,
    ) -> ClientResult<T> {
        let response = self
            .send(method, path, token, idempotency_key, body)
            .await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ClientError::Offline(without_url(&e)))?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol(e.to_string()))
    }

    pub async fn insurer(&self) -> ClientResult<InsurerInfo> {
        self.json::<_, ()>(Method::GET, "api/v1/insurer", None, None, None)
            .await
    }

    pub async fn login(&self, login_id: &str, password: &Secret) -> ClientResult<SessionResponse> {
        self.login_with(login_id, password, None).await
    }

    /// A login with the captcha the insurer asked for (`captcha_required`):
    /// (captcha id, answer).
    pub async fn login_with(
        &self,
        login_id: &str,
        password: &Secret,
        captcha: Option<(&str, &str)>,
    ) -> ClientResult<SessionResponse> {
        let mut body = serde_json::json!({"login_id": login_id, "password": password.expose()});
        if let Some((id, answer)) = captcha {
            body["captcha_id"] = serde_json::json!(id);
            body["captcha_answer"] = serde_json::json!(answer);
        }
        self.json(Method::POST, "api/v1/sessions", None, None, Some(&body))
            .await
    }

    pub async fn refresh(&self, refresh_token: &Secret) -> ClientResult<SessionResponse> {
        let body = serde_json::json!({"refresh_token": refresh_token.expose()});
        self.json(
            Method::POST,
            "api/v1/sessions/refresh",
            None,
            None,
            Some(&body),
        )
        .await
    }

    pub async fn logout(&self, access: &Secret) -> ClientResult<()> {
        self.send::<()>(Method::DELETE, "api/v1/sessions", Some(access), None, None)
            .await
            .map(drop)
    }

    // ---- registration (no login): the three ways in and password resets

    pub async fn registration_start(&self, email: &str) -> ClientResult<()> {
        let body = RegistrationRequest {
            email: email.to_owned(),
        };
        self.send(
            Method::POST,
            "api/v1/registrations",
            None,
            None,
            Some(&body),
        )
        .await
        .map(drop)
    }

    pub async fn captcha(&self) -> ClientResult<Captcha> {
        self.json::<_, ()>(Method::GET, "api/v1/captcha", None, None, None)
            .await
    }

    pub async fn registration_identity(
        &self,
        request: &IdentityRequest,
    ) -> ClientResult<IdentityResponse> {
        self.json(
            Method::POST,
            "api/v1/registrations/identity",
            None,
            None,
            Some(request),
        )
        .await
    }

    pub async fn registration_auth_key(
        &self,
        request: &AuthKeyRequest,
    ) -> ClientResult<AuthKeyResponse> {
        self.json(
            Method::POST,
            "api/v1/registrations/auth-key",
            None,
            None,
            Some(request),
        )
        .await
    }

    pub async fn registration_account(
        &self,
        request: &AccountSetupRequest,
    ) -> ClientResult<MemberCreated> {
        self.json(
            Method::POST,
            "api/v1/registrations/account",
            None,
            None,
            Some(request),
        )
        .await
    }

    pub async fn registration_dependent(
        &self,
        request: &DependentRegistrationRequest,
    ) -> ClientResult<MemberCreated> {
        self.json(
            Method::POST,
            "api/v1/registrations/dependent",
            None,
            None,
            Some(request),
        )
        .await
    }

    pub async fn password_reset_start(&self, login_id: &str) -> ClientResult<()> {
        let body = PasswordResetRequest {
            login_id: login_id.to_owned(),
        };
        self.send(
            Method::POST,
            "api/v1/password-resets",
            None,
            None,
            Some(&body),
        )
        .await
        .map(drop)
    }

    pub async fn password_reset_complete(
        &self,
        request: &PasswordResetCompletion,
    ) -> ClientResult<()> {
        self.send(
            Method::POST,
            "api/v1/password-resets/complete",
            None,
            None,
            Some(request),
        )
        .await
        .map(drop)
    }

    pub async fn change_password(
        &self,
        access: &Secret,
        request: &PasswordChangeRequest,
    ) -> ClientResult<()> {
        self.send(
            Method::PUT,
            "api/v1/account/password",
            Some(access),
            None,
            Some(request),
        )
        .await
        .map(drop)
    }

    pub async fn check_in(&self, access: &Secret) -> ClientResult<CheckInResponse> {
        self.json(
            Method::POST,
            "api/v1/check-ins",
            Some(access),
            None,
            Some(&serde_json::json!({})),
        )
        .await
    }

    pub async fn post_records(
        &self,
        access: &Secret,
        idempotency_key: &str,
        request: &RecordsRequest,
    ) -> ClientResult<RecordsResponse> {
        self.json(
            Method::POST,
            "api/v1/records",
            Some(access),
            Some(idempotency_key),
            Some(request),
        )
        .await
    }

    pub async fn changes(
        &self,
        access: &Secret,
        since: Option<&str>,
        limit: u32,
    ) -> ClientResult<ChangesPage> {
        let mut path = format!("api/v1/changes?limit={limit}");
        if let Some(since) = since {
            path.push_str("&since=");
            path.push_str(
                &url::form_urlencoded::byte_serialize(since.as_bytes()).collect::<String>(),
            );
        }
        self.json::<_, ()>(Method::GET, &path, Some(access), None, None)
            .await
    }

    /// The sandbox outbox (a demo insurer's mails to `to`), newest last.
    pub async fn sandbox_mail(&self, to: &str) -> ClientResult<SandboxMailbox> {
        let to: String = url::form_urlencoded::byte_serialize(to.as_bytes()).collect();
        self.json::<_, ()>(
            Method::GET,
            &format!("api/v1/sandbox/mail?to={to}"),
            None,
            None,
            None,
        )
        .await
    }

    /// Replaces the member's goals (the whole list; a goal left out is deactivated).
    pub async fn put_goals(&self, access: &Secret, update: &GoalsUpdate) -> ClientResult<GoalList> {
        self.json(
            Method::PUT,
            "api/v1/goals",
            Some(access),
            None,
            Some(update),
        )
        .await
    }

    pub async fn points(&self, access: &Secret) -> ClientResult<PointsSummary> {
        self.json::<_, ()>(Method::GET, "api/v1/points", Some(access), None, None)
            .await
    }
}

/// Why a request got no answer, as a code. The network layer's own text
/// goes to the log (without the URL, which may carry a token in its query).
fn without_url(err: &reqwest::Error) -> OfflineReason {
    let reason = if err.is_timeout() {
        OfflineReason::Timeout
    } else if err.is_connect() {
        OfflineReason::NoConnection
    } else if err.is_body() || err.is_decode() {
        OfflineReason::BrokeOff
    } else {
        OfflineReason::NetworkFailed
    };
    let mut source = std::error::Error::source(err);
    let mut detail = String::new();
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    tracing::info!(?reason, %detail, "the insurer did not answer");
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_insurers_only_over_https_and_loopback_http_stays() {
        for ok in [
            "https://kenpo.example.jp",
            "http://127.0.0.1:8787",
            "http://localhost:8787/",
            "http://[::1]:8787",
        ] {
            assert!(InsurerClient::new(ok).is_ok(), "{ok} is allowed");
        }
        for (bad, code) in [
            ("http://kenpo.example.jp", CoreCode::InsecureServer),
            ("http://192.168.1.10:8787", CoreCode::InsecureServer),
            ("http://127.0.0.1.example.jp", CoreCode::InsecureServer),
            ("ftp://kenpo.example.jp", CoreCode::ServerAddress),
            ("kenpo.example.jp", CoreCode::ServerAddress),
        ] {
            let err = InsurerClient::new(bad).expect_err(bad);
            assert_eq!(err.code(), code, "{bad}");
        }
    }

    #[test]
    fn an_unknown_change_type_is_read_as_unknown_not_as_a_failed_page() {
        let page: ChangesPage = serde_json::from_str(
            r#"{"changes":[{"type":"badge","id":1},{"type":"goal","id":"x"}],"cursor":"c","has_more":true}"#,
        )
        .unwrap();
        assert_eq!(
            page.changes,
            [
                FeedItem::Unknown {
                    kind: "badge".into()
                },
                FeedItem::Unreadable {
                    kind: "goal".into()
                }
            ]
        );
    }
}
