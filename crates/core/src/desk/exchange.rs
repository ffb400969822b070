//! 商品交換 as the member does it: the catalog with its pictures (kept
//! for offline), a confirmation that names the expiry days an order draws
//! from, the order sent once with its Idempotency-Key kept beside it in
//! the encrypted store, and the orders with their cancel.

use base64::Engine as _;
use kenpo_domain::api::{
    CatalogItem, Change, ExchangeCreated, ExchangeInfo, ExchangeRequest, ShippingAddress,
};
use kenpo_domain::exchange::{affordable, order_points, spend_by_expiry};
use kenpo_domain::ledger::{Expiring, LedgerError};
use serde::{Deserialize, Serialize};

use super::{Active, Desk, DeskError, DeskResult};
use crate::client::ClientError;

/// The catalog as last fetched (shown offline, and by the expiry planner).
pub(super) const CATALOG: &str = "catalog";
/// The address of the last order, offered for the next.
const ADDRESS: &str = "shipping_address";
/// The order confirmed on screen and not yet settled.
const PENDING: &str = "exchange_pending";
/// The last order placed: a second press of the same confirmation
/// answers it again instead of ordering twice.
const PLACED: &str = "exchange_placed";

/// One item as the exchange screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogEntry {
    pub item: CatalogItem,
    /// The picture as a `data:` URL, when the item has one and it was
    /// fetched (now or earlier).
    pub picture: Option<String>,
    /// In stock and within the balance now.
    pub affordable: bool,
}

/// The exchange screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogView {
    pub items: Vec<CatalogEntry>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub balance: i64,
    /// The insurer did not answer: the catalog and balance of the last sync.
    pub offline: bool,
    /// An order confirmed and not settled (e.g. sent while the network
    /// broke off): to send again or to drop.
    pub pending: Option<PendingOrder>,
    /// The last order's address, for the form.
    pub address: Option<ShippingAddress>,
}

/// What the confirmation shows before an order is placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExchangeQuote {
    /// The Idempotency-Key of this order: placing it twice orders once.
    pub key: String,
    pub item: CatalogItem,
    pub quantity: u32,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub points: i64,
    /// The points taken from each expiry day, soonest first.
    pub lots: Vec<Expiring>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub balance: i64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub balance_after: i64,
    /// The address as checked (postal code as 123-4567, phone as digits).
    pub address: ShippingAddress,
}

/// An order confirmed and not yet settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PendingOrder {
    pub quote: ExchangeQuote,
    /// It went out at least once without an answer: the server may have
    /// taken it, and only its own key may settle it.
    pub sent: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PlacedOrder {
    key: String,
    created: ExchangeCreated,
}

/// The member's orders, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrdersView {
    pub orders: Vec<ExchangeInfo>,
    pub offline: bool,
}

impl Desk {
    /// The catalog with pictures and what the balance affords: from the
    /// insurer when it answers, else as last fetched.
    pub async fn catalog(&self) -> DeskResult<CatalogView> {
        let active = self.gate.open()?;
        let fresh = fetch_catalog(&active).await;
        let offline = fresh.is_none();
        let items: Vec<CatalogItem> = match fresh {
            Some(items) => items,
            None => active.store.setting(CATALOG).await?.unwrap_or_default(),
        };
        let balance = match self.points_summary(&active).await {
            Some(summary) => summary.balance,
            None => active.store.balance().await?,
        };
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            let picture = picture(&active, &item, offline).await;
            entries.push(CatalogEntry {
                affordable: affordable(&item, balance),
                picture,
                item,
            });
        }
        if !offline {
            let urls: Vec<&str> = entries
                .iter()
                .filter_map(|e| e.item.image_url.as_deref())
                .collect();
            active.store.keep_only_pictures(&urls).await?;
        }
        Ok(CatalogView {
            items: entries,
            balance,
            offline,
            pending: active.store.setting(PENDING).await?,
            address: active.store.setting(ADDRESS).await?,
        })
    }

    /// Checks an order against the catalog and the member's points as the
    /// insurer has them now, and keeps it, with a new key, for
    /// [`Desk::exchange_place`]. The same order confirmed again keeps its
    /// key.
    pub async fn exchange_quote(
        &self,
        item_id: &str,
        quantity: u32,
        address: &ShippingAddress,
    ) -> DeskResult<ExchangeQuote> {
        let address = address.checked()?;
        let active = self.gate.open()?;
        let _turn = self.exchange_turn.lock().await;
        let pending: Option<PendingOrder> = active.store.setting(PENDING).await?;
        let session = active.session()?;
        let client = session.client();
        let catalog = session
            .authorized(|access| async move { client.catalog(&access).await })
            .await?;
        active.store.set_setting(CATALOG, &catalog.items).await?;
        let item = catalog
            .items
            .into_iter()
            .find(|item| item.id == item_id)
            .ok_or(DeskError::UnknownItem)?;
        let points = order_points(&item, quantity).ok_or(DeskError::Quantity)?;
        if item.stock < quantity {
            return Err(DeskError::OutOfStock);
        }
        let summary = session
            .authorized(|access| async move { client.points(&access).await })
            .await?;
        let lots =
            spend_by_expiry(&summary.lots, points, self.clock.today()).map_err(
                |err| match err {
                    LedgerError::InsufficientPoints { .. } => DeskError::InsufficientPoints,
                    _ => DeskError::Quantity,
                },
            )?;
        let same = |quote: &ExchangeQuote| {
            quote.item.id == item.id && quote.quantity == quantity && quote.address == address
        };
        let key = match &pending {
            Some(p) if same(&p.quote) => p.quote.key.clone(),
            Some(p) if p.sent => return Err(DeskError::ExchangeUnsettled),
            _ => format!("kx-{}", hex::encode(rand::random::<[u8; 16]>())),
        };
        let quote = ExchangeQuote {
            key,
            item,
            quantity,
            points,
            lots,
            balance: summary.balance,
            balance_after: summary.balance - points,
            address,
        };
        let sent = pending.is_some_and(|p| p.sent && p.quote.key == quote.key);
        active
            .store
            .set_setting(
                PENDING,
                &PendingOrder {
                    quote: quote.clone(),
                    sent,
                },
            )
            .await?;
        Ok(quote)
    }

    /// Places the order confirmed as `key`: once, whatever the number of
    /// presses or retries (the key goes with it; the server answers a
    /// repeat with the first answer).
    pub async fn exchange_place(&self, key: &str) -> DeskResult<ExchangeCreated> {
        let active = self.gate.open()?;
        let _turn = self.exchange_turn.lock().await;
        if let Some(placed) = active.store.setting::<PlacedOrder>(PLACED).await?
            && placed.key == key
        {
            return Ok(placed.created);
        }
        let mut pending: PendingOrder = active
            .store
            .setting(PENDING)
            .await?
            .filter(|p: &PendingOrder| p.quote.key == key)
            .ok_or(DeskError::ExchangeNotPrepared)?;
        let session = active.session()?;
        let client = session.client();
        // Marked before it goes: after a crash mid-request, only this key
        // may settle it.
        pending.sent = true;
        active.store.set_setting(PENDING, &pending).await?;
        let quote = &pending.quote;
        let request = ExchangeRequest {
            item_id: quote.item.id.clone(),
            quantity: quote.quantity,
            shipping_address: quote.address.clone(),
        };
        let result = session
            .authorized(|access| {
                let request = &request;
                async move { client.exchange_create(&access, key, request).await }
            })
            .await;
        match result {
            Ok(created) => {
                active.store.set_setting(ADDRESS, &quote.address).await?;
                active
                    .store
                    .set_setting(
                        PLACED,
                        &PlacedOrder {
                            key: key.to_owned(),
                            created,
                        },
                    )
                    .await?;
                active.store.remove_setting(PENDING).await?;
                active.syncer.soon();
                Ok(created)
            }
            Err(err) => {
                let err = DeskError::from(err);
                let refused = matches!(
                    err.client(),
                    Some(ClientError::Api { status, .. }) if (400..500).contains(status)
                );
                if refused {
                    // The insurer said no, so nothing was spent: the
                    // member may prepare another.
                    active.store.remove_setting(PENDING).await?;
                }
                Err(err)
            }
        }
    }

    /// Drops the order waiting for confirmation (or for an answer).
    pub async fn exchange_drop(&self) -> DeskResult<()> {
        let active = self.gate.open()?;
        let _turn = self.exchange_turn.lock().await;
        active.store.remove_setting(PENDING).await?;
        Ok(())
    }

    /// The member's orders: from the insurer when it answers, else as
    /// last synced.
    pub async fn orders(&self) -> DeskResult<OrdersView> {
        let active = self.gate.open()?;
        let fresh = match &active.session {
            Some(session) => {
                let client = session.client();
                session
                    .authorized(|access| async move { client.exchanges(&access).await })
                    .await
                    .ok()
            }
            None => None,
        };
        let offline = fresh.is_none();
        let mut orders = match fresh {
            Some(list) => list.exchanges,
            None => active
                .store
                .mirrored("exchange")
                .await?
                .into_iter()
                .filter_map(|change| match change {
                    Change::Exchange(info) => Some(info),
                    _ => None,
                })
                .collect(),
        };
        orders.sort_by(|a, b| {
            b.ordered_at
                .cmp(&a.ordered_at)
                .then_with(|| b.exchange_id.cmp(&a.exchange_id))
        });
        Ok(OrdersView { orders, offline })
    }

    /// Cancels an order not yet shipped: its points come back to their
    /// lots, with their expiry.
    pub async fn exchange_cancel(&self, exchange_id: i64) -> DeskResult<OrdersView> {
        {
            let active = self.gate.open()?;
            let session = active.session()?;
            let client = session.client();
            session
                .authorized(
                    |access| async move { client.exchange_cancel(&access, exchange_id).await },
                )
                .await?;
            active.syncer.soon();
        }
        self.orders().await
    }
}

/// The catalog from the insurer, kept for offline; `None` when it does not
/// answer.
async fn fetch_catalog(active: &Active) -> Option<Vec<CatalogItem>> {
    let session = active.session.as_ref()?;
    let client = session.client();
    let catalog = session
        .authorized(|access| async move { client.catalog(&access).await })
        .await
        .ok()?;
    if let Err(err) = active.store.set_setting(CATALOG, &catalog.items).await {
        tracing::warn!(%err, "the catalog was not kept for offline");
    }
    Some(catalog.items)
}

/// An item's picture as a `data:` URL: kept, or fetched and kept. A picture
/// that cannot be had is left out (the item shows without it).
async fn picture(active: &Active, item: &CatalogItem, offline: bool) -> Option<String> {
    let url = item.image_url.as_deref()?;
    let (content_type, bytes) = match active.store.picture(url).await {
        Ok(Some(kept)) => kept,
        Ok(None) if !offline => {
            let session = active.session.as_ref()?;
            match session.client().catalog_picture(url).await {
                Ok(fetched) => {
                    if let Err(err) = active
                        .store
                        .keep_picture(url, fetched.content_type, &fetched.bytes)
                        .await
                    {
                        tracing::warn!(%err, "a catalog picture was not kept");
                    }
                    (fetched.content_type.to_owned(), fetched.bytes)
                }
                Err(err) => {
                    tracing::info!(%err, item = %item.id, "a catalog picture was not fetched");
                    return None;
                }
            }
        }
        Ok(None) => return None,
        Err(err) => {
            tracing::warn!(%err, "a kept catalog picture cannot be read");
            return None;
        }
    };
    Some(format!(
        "data:{content_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}
