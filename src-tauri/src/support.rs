//! よくある質問 and お問い合わせ: reachable logged out too, at the insurer
//! the start screen names (`server`), else at the open profile's.

use kenpo_core::desk::FaqView;
use kenpo_domain::api::{InquiryCreated, InquiryRequest};
use tauri::State;

use crate::{AppState, CommandError};

/// The FAQ entries `query` finds (full-width and half-width alike).
#[tauri::command]
#[specta::specta]
pub async fn faq_get(
    state: State<'_, AppState>,
    server: Option<String>,
    query: String,
) -> Result<FaqView, CommandError> {
    Ok(state.desk.faq(server.as_deref(), &query).await?)
}

/// Sends an inquiry; `rate_limited` comes with `retry_after` (seconds).
#[tauri::command]
#[specta::specta]
pub async fn inquiry_send(
    state: State<'_, AppState>,
    server: Option<String>,
    inquiry: InquiryRequest,
) -> Result<InquiryCreated, CommandError> {
    Ok(state.desk.inquiry(server.as_deref(), &inquiry).await?)
}
