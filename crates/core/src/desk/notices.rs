//! The insurer's お知らせ as the member reads them: mirrored by the sync,
//! with what this member has read kept in their encrypted store.

use std::collections::BTreeSet;

use kenpo_domain::api::{Change, Notice};
use serde::Serialize;

use super::{Desk, DeskResult};

/// The ids of the notices read on this PC.
const READ: &str = "notices_read";

/// One notice and whether the member has opened it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoticeItem {
    pub notice: Notice,
    pub read: bool,
}

/// The お知らせ screen: newest first, and how many are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoticesView {
    pub notices: Vec<NoticeItem>,
    pub unread: u32,
}

impl Desk {
    /// The notices the insurer posted, as last synced.
    pub async fn notices(&self) -> DeskResult<NoticesView> {
        let active = self.gate.open()?;
        let read: BTreeSet<i64> = active.store.setting(READ).await?.unwrap_or_default();
        let mut notices: Vec<Notice> = active
            .store
            .mirrored("notice")
            .await?
            .into_iter()
            .filter_map(|change| match change {
                Change::Notice(notice) => Some(notice),
                _ => None,
            })
            .collect();
        notices.sort_by(|a, b| {
            b.published_at
                .cmp(&a.published_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        let items: Vec<NoticeItem> = notices
            .into_iter()
            .map(|notice| NoticeItem {
                read: read.contains(&notice.id),
                notice,
            })
            .collect();
        let unread = u32::try_from(items.iter().filter(|n| !n.read).count()).unwrap_or(u32::MAX);
        Ok(NoticesView {
            notices: items,
            unread,
        })
    }

    /// Marks a notice read (opened); answers the screen as it now is.
    pub async fn notice_read(&self, id: i64) -> DeskResult<NoticesView> {
        {
            let active = self.gate.open()?;
            // One read-modify-write at a time: two notices opened at once
            // must both stay read.
            let _turn = self.notices_turn.lock().await;
            let mut read: BTreeSet<i64> = active.store.setting(READ).await?.unwrap_or_default();
            if read.insert(id) {
                active.store.set_setting(READ, &read).await?;
            }
        }
        self.notices().await
    }
}
