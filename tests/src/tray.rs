//! A tray host for a test desktop: a StatusNotifierWatcher on the
//! desktop's session bus, as a panel has it. The app's tray icon
//! (libayatana-appindicator) registers with it, and its menu is read and
//! clicked over D-Bus (com.canonical.dbusmenu), as a panel would when the
//! member picks an item.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use crate::PATIENCE;

#[derive(Default)]
struct Watcher {
    /// (bus name, object path) of each registered item.
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // Items give either their bus name or their object path.
        let item = if service.starts_with('/') {
            (sender, service.to_owned())
        } else {
            (service.to_owned(), "/StatusNotifierItem".to_owned())
        };
        if let Ok(mut items) = self.items.lock() {
            items.push(item);
        }
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .map(|items| items.iter().map(|(n, p)| format!("{n}{p}")).collect())
            .unwrap_or_default()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// A dbusmenu node: its id, properties and children (nodes as variants).
type Node = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The watcher, serving until dropped.
pub struct TrayHost {
    conn: zbus::Connection,
    items: Arc<Mutex<Vec<(String, String)>>>,
}

/// One item of a tray menu.
#[derive(Debug, Clone)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
    pub enabled: bool,
}

impl TrayHost {
    /// Serves a StatusNotifierWatcher on the session bus at `bus`.
    pub async fn start(bus: &str) -> Result<Self> {
        let watcher = Watcher::default();
        let items = watcher.items.clone();
        let conn = zbus::connection::Builder::address(bus)?
            .name("org.kde.StatusNotifierWatcher")?
            .serve_at("/StatusNotifierWatcher", watcher)?
            .build()
            .await
            .context("a StatusNotifierWatcher on the test bus")?;
        Ok(Self { conn, items })
    }

    /// The first tray item registered, waiting for one.
    async fn item(&self) -> Result<(String, String)> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(item) = self.items.lock().ok().and_then(|i| i.first().cloned()) {
                return Ok(item);
            }
            if Instant::now() > deadline {
                bail!("no tray icon registered with the tray host within {PATIENCE:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn menu(&self) -> Result<zbus::Proxy<'static>> {
        let (name, path) = self.item().await?;
        let item = zbus::Proxy::new_owned(
            self.conn.clone(),
            name.clone(),
            path,
            "org.kde.StatusNotifierItem".to_owned(),
        )
        .await?;
        let menu: OwnedObjectPath = item.get_property("Menu").await?;
        Ok(zbus::Proxy::new_owned(
            self.conn.clone(),
            name,
            menu,
            "com.canonical.dbusmenu".to_owned(),
        )
        .await?)
    }

    /// The menu's items, top level, in order (separators left out).
    pub async fn entries(&self) -> Result<Vec<MenuEntry>> {
        let menu = self.menu().await?;
        let (_revision, (_id, _props, children)): (u32, Node) = menu
            .call("GetLayout", &(0i32, 1i32, Vec::<String>::new()))
            .await
            .context("the tray menu's layout")?;
        let mut entries = Vec::new();
        for child in children {
            let (id, props, _): Node = child.try_into().context("a tray menu item")?;
            let text = |key: &str| {
                props
                    .get(key)
                    .and_then(|v| String::try_from(v.clone()).ok())
            };
            if text("type").as_deref() == Some("separator") {
                continue;
            }
            let enabled = props
                .get("enabled")
                .and_then(|v| bool::try_from(v.clone()).ok())
                .unwrap_or(true);
            entries.push(MenuEntry {
                id,
                // GTK's mnemonic marks are not part of the words.
                label: text("label").unwrap_or_default().replace('_', ""),
                enabled,
            });
        }
        Ok(entries)
    }

    /// Waits until an item reads `label`, and returns the menu then.
    pub async fn wait_for_label(&self, label: &str) -> Result<Vec<MenuEntry>> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let entries = self.entries().await;
            if let Ok(entries) = &entries
                && entries.iter().any(|e| e.label == label)
            {
                return Ok(entries.clone());
            }
            if Instant::now() > deadline {
                bail!("the tray menu never read {label:?}: {entries:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks the item reading `label`, as a panel does.
    pub async fn click(&self, label: &str) -> Result<()> {
        let entries = self.wait_for_label(label).await?;
        let entry = entries
            .iter()
            .find(|e| e.label == label)
            .context("the item went")?;
        let menu = self.menu().await?;
        let _: () = menu
            .call("Event", &(entry.id, "clicked", Value::I32(0), 0u32))
            .await
            .with_context(|| format!("clicking {label:?} in the tray menu"))?;
        Ok(())
    }
}
