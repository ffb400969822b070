//! The exchange screen's commands: catalog, confirmation, order, orders,
//! cancel, and the offline postal-code look-up of the shipping form.

use kenpo_core::desk::{CatalogView, ExchangeQuote, OrdersView};
use kenpo_core::error::ErrorCode as CoreCode;
use kenpo_core::postal::{PostalArea, areas_in, chunk_of};
use kenpo_domain::api::{ExchangeCreated, ShippingAddress};
use tauri::{AppHandle, State};

use crate::{AppState, CommandError};

/// The catalog with pictures, the balance, a pending order and the last
/// address.
#[tauri::command]
#[specta::specta]
pub async fn catalog_get(state: State<'_, AppState>) -> Result<CatalogView, CommandError> {
    Ok(state.desk.catalog().await?)
}

/// Checks an order and keeps it for confirmation: the lots it draws from
/// and the balance after.
#[tauri::command]
#[specta::specta]
pub async fn exchange_quote(
    state: State<'_, AppState>,
    item_id: String,
    quantity: u32,
    address: ShippingAddress,
) -> Result<ExchangeQuote, CommandError> {
    Ok(state
        .desk
        .exchange_quote(&item_id, quantity, &address)
        .await?)
}

/// Places the confirmed order (once, however often it is pressed).
#[tauri::command]
#[specta::specta]
pub async fn exchange_place(
    state: State<'_, AppState>,
    key: String,
) -> Result<ExchangeCreated, CommandError> {
    Ok(state.desk.exchange_place(&key).await?)
}

/// Drops the order waiting for confirmation or for an answer.
#[tauri::command]
#[specta::specta]
pub async fn exchange_drop(state: State<'_, AppState>) -> Result<(), CommandError> {
    Ok(state.desk.exchange_drop().await?)
}

/// The member's orders, newest first.
#[tauri::command]
#[specta::specta]
pub async fn orders_get(state: State<'_, AppState>) -> Result<OrdersView, CommandError> {
    Ok(state.desk.orders().await?)
}

/// Cancels an order not yet shipped; the orders as they now are.
#[tauri::command]
#[specta::specta]
pub async fn exchange_cancel(
    state: State<'_, AppState>,
    exchange_id: i32,
) -> Result<OrdersView, CommandError> {
    Ok(state.desk.exchange_cancel(i64::from(exchange_id)).await?)
}

/// The areas of a 7-digit postal code, from the codes shipped in the app
/// (no network); empty for a code Japan Post does not list.
#[tauri::command]
#[specta::specta]
pub fn postal_lookup(app: AppHandle, code: String) -> Result<Vec<PostalArea>, CommandError> {
    let (path, rest) = chunk_of(&code).ok_or_else(|| {
        CommandError::core(CoreCode::Validation, "not a 7-digit postal code").field("postal_code")
    })?;
    let Some(asset) = app.asset_resolver().get(path) else {
        return Ok(Vec::new());
    };
    areas_in(&asset.bytes, &rest).map_err(|err| {
        tracing::error!(%err, "a postal-code file of the app cannot be read");
        CommandError::core(
            CoreCode::LocalCorrupt,
            "the app's postal codes cannot be read",
        )
    })
}
