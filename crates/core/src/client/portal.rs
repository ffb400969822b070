//! The member portal's calls beyond the daily records: the catalog and its
//! pictures, exchanges, reports, FAQ, inquiries and the account.

use kenpo_domain::api::{
    Account, AccountPatch, Catalog, CheckupList, ExchangeCreated, ExchangeInfo, ExchangeList,
    ExchangeRequest, FaqList, InquiryCreated, InquiryRequest, ReportCreated, ReportRequest, Secret,
    SessionList,
};
use kenpo_domain::exchange::{MAX_PICTURE_BYTES, picture_type};
use reqwest::Method;

use super::{ClientError, ClientResult, InsurerClient, without_url};

/// A catalog picture as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl InsurerClient {
    pub async fn catalog(&self, access: &Secret) -> ClientResult<Catalog> {
        self.json::<_, ()>(Method::GET, "api/v1/catalog", Some(access), None, None)
            .await
    }

    /// An item's picture at `image_url` (a path on this insurer's server).
    /// Another origin, a body too large, or anything but PNG, JPEG or WebP
    /// is refused: the picture is shown inside the app.
    pub async fn catalog_picture(&self, image_url: &str) -> ClientResult<Picture> {
        let url = self
            .base
            .join(image_url)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        if url.origin() != self.base.origin() {
            return Err(ClientError::Protocol(
                "a picture on another server".to_owned(),
            ));
        }
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ClientError::Offline(without_url(&e)))?;
        if !response.status().is_success() {
            return Err(ClientError::Protocol(format!(
                "the picture answered {}",
                response.status()
            )));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ClientError::Offline(without_url(&e)))?
        {
            if bytes.len() + chunk.len() > MAX_PICTURE_BYTES {
                return Err(ClientError::Protocol("the picture is too large".to_owned()));
            }
            bytes.extend_from_slice(&chunk);
        }
        let content_type = picture_type(&bytes)
            .ok_or_else(|| ClientError::Protocol("not a picture this app shows".to_owned()))?;
        Ok(Picture {
            content_type,
            bytes,
        })
    }

    /// Orders; `key` (kept with the pending order) makes a retry safe.
    pub async fn exchange_create(
        &self,
        access: &Secret,
        key: &str,
        request: &ExchangeRequest,
    ) -> ClientResult<ExchangeCreated> {
        self.json(
            Method::POST,
            "api/v1/exchanges",
            Some(access),
            Some(key),
            Some(request),
        )
        .await
    }

    pub async fn exchanges(&self, access: &Secret) -> ClientResult<ExchangeList> {
        self.json::<_, ()>(Method::GET, "api/v1/exchanges", Some(access), None, None)
            .await
    }

    pub async fn exchange_cancel(&self, access: &Secret, id: i64) -> ClientResult<ExchangeInfo> {
        self.json::<_, ()>(
            Method::POST,
            &format!("api/v1/exchanges/{id}/cancel"),
            Some(access),
            None,
            None,
        )
        .await
    }

    pub async fn checkups(&self, access: &Secret) -> ClientResult<CheckupList> {
        self.json::<_, ()>(Method::GET, "api/v1/checkups", Some(access), None, None)
            .await
    }

    pub async fn report(
        &self,
        access: &Secret,
        request: &ReportRequest,
    ) -> ClientResult<ReportCreated> {
        self.json(
            Method::POST,
            "api/v1/reports",
            Some(access),
            None,
            Some(request),
        )
        .await
    }

    pub async fn faq(&self) -> ClientResult<FaqList> {
        self.json::<_, ()>(Method::GET, "api/v1/faq", None, None, None)
            .await
    }

    /// Sends an inquiry (no login needed).
    pub async fn inquiry(&self, request: &InquiryRequest) -> ClientResult<InquiryCreated> {
        self.json(Method::POST, "api/v1/inquiries", None, None, Some(request))
            .await
    }

    pub async fn account(&self, access: &Secret) -> ClientResult<Account> {
        self.json::<_, ()>(Method::GET, "api/v1/account", Some(access), None, None)
            .await
    }

    pub async fn patch_account(
        &self,
        access: &Secret,
        patch: &AccountPatch,
    ) -> ClientResult<Account> {
        self.json(
            Method::PATCH,
            "api/v1/account",
            Some(access),
            None,
            Some(patch),
        )
        .await
    }

    pub async fn sessions(&self, access: &Secret) -> ClientResult<SessionList> {
        self.json::<_, ()>(
            Method::GET,
            "api/v1/account/sessions",
            Some(access),
            None,
            None,
        )
        .await
    }

    pub async fn end_session(&self, access: &Secret, id: i64) -> ClientResult<()> {
        self.send::<()>(
            Method::DELETE,
            &format!("api/v1/account/sessions/{id}"),
            Some(access),
            None,
            None,
        )
        .await
        .map(drop)
    }
}
