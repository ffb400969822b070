//! よくある質問 and お問い合わせ: both need no login, so the start screen
//! reaches them too, at the insurer it names. The FAQ is searched here by
//! kenpo-domain's rule, and kept for offline once a member is logged in.

use kenpo_domain::api::{FaqEntry, InquiryCreated, InquiryRequest};
use serde::Serialize;

use super::{Desk, DeskError, DeskResult};
use crate::client::InsurerClient;
use crate::lock::Closed;

/// The FAQ as last fetched.
const FAQ: &str = "faq";

/// The FAQ screen: the entries the search found, out of how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FaqView {
    pub entries: Vec<FaqEntry>,
    pub total: u32,
    /// The insurer did not answer: the FAQ as last fetched.
    pub offline: bool,
}

impl Desk {
    /// The insurer's client for a call that needs no login: the open
    /// profile's insurer, else `server` (the start screen's). Refused
    /// while the app is locked.
    fn public_client(&self, server: Option<&str>) -> DeskResult<InsurerClient> {
        match self.gate.open() {
            Ok(active) => match &active.session {
                Some(session) => Ok(session.client().clone()),
                None => {
                    let profile = self
                        .book
                        .get(&active.id)?
                        .ok_or(DeskError::UnknownProfile)?;
                    Ok(InsurerClient::new(&profile.server)?)
                }
            },
            Err(Closed::Locked) => Err(DeskError::Locked),
            Err(Closed::NoProfile) => Ok(InsurerClient::new(server.ok_or(DeskError::NoProfile)?)?),
        }
    }

    /// The FAQ entries `query` finds (all for a blank query).
    pub async fn faq(&self, server: Option<&str>, query: &str) -> DeskResult<FaqView> {
        let client = self.public_client(server)?;
        let active = self.gate.open().ok();
        let (entries, offline) = match client.faq().await {
            Ok(list) => {
                if let Some(active) = &active {
                    active.store.set_setting(FAQ, &list.entries).await?;
                }
                (list.entries, false)
            }
            Err(err) => match &active {
                Some(active) if err.is_offline() => {
                    (active.store.setting(FAQ).await?.unwrap_or_default(), true)
                }
                _ => return Err(err.into()),
            },
        };
        let found = kenpo_domain::faq::search(&entries, query)
            .into_iter()
            .cloned()
            .collect();
        Ok(FaqView {
            entries: found,
            total: u32::try_from(entries.len()).unwrap_or(u32::MAX),
            offline,
        })
    }

    /// Sends an inquiry to the insurer (logged in or not). A refusal for
    /// too many keeps the insurer's `Retry-After`.
    pub async fn inquiry(
        &self,
        server: Option<&str>,
        request: &InquiryRequest,
    ) -> DeskResult<InquiryCreated> {
        let client = self.public_client(server)?;
        Ok(client.inquiry(request).await?)
    }
}
