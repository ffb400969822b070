//! The member's account (設定 → アカウント): nickname, notification
//! address (with the password again), sessions on other devices; and the
//! removal of a profile from this PC.

use kenpo_domain::api::{Account, AccountPatch, Secret, SessionSummary};
use serde::Serialize;

use super::{Desk, DeskError, DeskResult, retire};
use crate::keychain::{PROFILE_ENTRIES, account};

/// The account screen: the account and its sessions, this one first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountView {
    pub account: Account,
    pub sessions: Vec<SessionSummary>,
}

/// What a profile's removal takes from this PC, for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProfileRemoval {
    pub insurer_name: String,
    pub login_id: String,
    pub nickname: Option<String>,
    /// Records, goals and settings that never reached the insurer go too.
    pub unsent: u32,
    /// The files deleted (after a removal) or to delete.
    pub files: Vec<String>,
}

impl Desk {
    /// The account and its sessions, from the insurer.
    pub async fn account(&self) -> DeskResult<AccountView> {
        let active = self.gate.open()?;
        let session = active.session()?;
        let client = session.client();
        let account = session
            .authorized(|access| async move { client.account(&access).await })
            .await?;
        let mut sessions = session
            .authorized(|access| async move { client.sessions(&access).await })
            .await?
            .sessions;
        sessions.sort_by(|a, b| {
            b.current
                .cmp(&a.current)
                .then_with(|| b.last_used_at.cmp(&a.last_used_at))
        });
        Ok(AccountView { account, sessions })
    }

    /// Changes the nickname; kept in this PC's profile list too, so that
    /// the header shows it at the next start.
    pub async fn set_nickname(&self, nickname: &str) -> DeskResult<AccountView> {
        self.patch_account(AccountPatch {
            nickname: Some(nickname.trim().to_owned()),
            ..AccountPatch::default()
        })
        .await
    }

    /// Changes the notification address; the insurer asks for the
    /// password again.
    pub async fn set_notification_email(
        &self,
        email: &str,
        current_password: &Secret,
    ) -> DeskResult<AccountView> {
        self.patch_account(AccountPatch {
            notification_email: Some(email.trim().to_owned()),
            current_password: Some(current_password.clone()),
            ..AccountPatch::default()
        })
        .await
    }

    async fn patch_account(&self, patch: AccountPatch) -> DeskResult<AccountView> {
        {
            let active = self.gate.open()?;
            let session = active.session()?;
            let client = session.client();
            let account = session
                .authorized(|access| {
                    let patch = &patch;
                    async move { client.patch_account(&access, patch).await }
                })
                .await?;
            let nickname = account.nickname.as_ref().map(ToString::to_string);
            self.book.update(|list| {
                if let Some(profile) = list.get_mut(&active.id) {
                    profile.nickname = nickname;
                }
            })?;
        }
        self.account().await
    }

    /// Ends one of the member's sessions on another device.
    pub async fn end_session(&self, id: i64) -> DeskResult<AccountView> {
        {
            let active = self.gate.open()?;
            let session = active.session()?;
            let client = session.client();
            session
                .authorized(|access| async move { client.end_session(&access, id).await })
                .await?;
        }
        self.account().await
    }

    /// What removing profile `id` would take, for the confirmation.
    pub async fn profile_removal(&self, id: &str) -> DeskResult<ProfileRemoval> {
        self.gate.ensure_unlocked()?;
        let profile = self.book.get(id)?.ok_or(DeskError::UnknownProfile)?;
        let unsent = match self.gate.open() {
            Ok(active) if active.id == id => {
                u32::try_from(active.store.pending().await?).unwrap_or(u32::MAX)
            }
            _ => 0,
        };
        let files = [self.book.db_path(id), self.book.key_path(id)]
            .iter()
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        Ok(ProfileRemoval {
            insurer_name: profile.insurer_name,
            login_id: profile.login_id,
            nickname: profile.nickname,
            unsent,
            files,
        })
    }

    /// Removes profile `id` from this PC: logs it out if it is in use,
    /// deletes its database and wrapped key, and its keychain entries.
    /// Nothing on the insurer's side changes.
    pub async fn remove_profile(&self, id: &str) -> DeskResult<ProfileRemoval> {
        let mut removal = self.profile_removal(id).await?;
        if self.gate.any().is_some_and(|a| a.id == id)
            && let Some(active) = self.gate.take_open()?
        {
            retire(&active).await;
            if let Some(session) = &active.session
                && let Err(err) = session.logout().await
            {
                tracing::info!(%err, "the session of a removed profile ended on this PC only");
            }
        }
        for name in PROFILE_ENTRIES {
            self.keychain.delete(&account(id, name)).await?;
        }
        removal.files = self
            .book
            .remove(id)?
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        tracing::info!("a profile was removed from this PC");
        Ok(removal)
    }
}
