//! What the About section says of the insurer: its name and number, from
//! the insurer when it answers, else as last heard.

use kenpo_domain::api::InsurerInfo;
use serde::Serialize;

use super::{Desk, DeskResult};

/// The insurer's settings as last fetched.
const INSURER: &str = "insurer_info";

/// The insurer of the profile in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InsurerAbout {
    pub name: String,
    /// 保険者番号 (8 digits).
    pub insurer_number: String,
    /// The server's address.
    pub server: String,
}

impl Desk {
    /// The insurer of the profile in use; `None` with no profile open.
    pub async fn insurer_about(&self) -> DeskResult<Option<InsurerAbout>> {
        let Ok(active) = self.gate.open() else {
            return Ok(None);
        };
        let profile = self.book.get(&active.id)?;
        let server = profile
            .as_ref()
            .map(|p| p.server.clone())
            .unwrap_or_default();
        let fresh = match &active.session {
            Some(session) => session.client().insurer().await.ok(),
            None => None,
        };
        let info: Option<InsurerInfo> = match fresh {
            Some(info) => {
                active.store.set_setting(INSURER, &info).await?;
                Some(info)
            }
            None => active.store.setting(INSURER).await?,
        };
        Ok(Some(match info {
            Some(info) => InsurerAbout {
                name: info.name,
                insurer_number: info.insurer_number.to_string(),
                server,
            },
            None => InsurerAbout {
                name: profile.map(|p| p.insurer_name).unwrap_or_default(),
                insurer_number: String::new(),
                server,
            },
        }))
    }
}
