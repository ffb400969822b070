//! The test display's windows as a window manager sees them: found by
//! title, closed with WM_DELETE_WINDOW (the title bar's ×), and asked
//! whether they are shown.

use anyhow::{Context, Result};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState, Window,
};
use x11rb::rust_connection::RustConnection;

/// A connection to one display.
pub struct Display {
    conn: RustConnection,
    root: Window,
}

impl Display {
    pub fn open(name: &str) -> Result<Self> {
        let (conn, screen) =
            x11rb::connect(Some(name)).with_context(|| format!("X display {name}"))?;
        let root = conn.setup().roots[screen].root;
        Ok(Self { conn, root })
    }

    fn atom(&self, name: &str) -> Result<u32> {
        Ok(self.conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
    }

    fn title(&self, window: Window) -> Result<String> {
        let utf8 = self.atom("UTF8_STRING")?;
        let net_name = self.atom("_NET_WM_NAME")?;
        let reply = self
            .conn
            .get_property(false, window, net_name, utf8, 0, 1024)?
            .reply()?;
        if !reply.value.is_empty() {
            return Ok(String::from_utf8_lossy(&reply.value).into_owned());
        }
        let reply = self
            .conn
            .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::STRING, 0, 1024)?
            .reply()?;
        Ok(String::from_utf8_lossy(&reply.value).into_owned())
    }

    /// The top-level windows titled `title` (GTK's toplevels are the
    /// root's children: no window manager runs here).
    pub fn windows_titled(&self, title: &str) -> Result<Vec<Window>> {
        let tree = self.conn.query_tree(self.root)?.reply()?;
        let mut found = Vec::new();
        for window in tree.children {
            if self.title(window)? == title {
                found.push(window);
            }
        }
        Ok(found)
    }

    /// Whether any window titled `title` is mapped (shown).
    pub fn shown(&self, title: &str) -> Result<bool> {
        for window in self.windows_titled(title)? {
            let attrs = self.conn.get_window_attributes(window)?.reply()?;
            if attrs.map_state == MapState::VIEWABLE {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Asks every window titled `title` to close, as the × of a title bar
    /// does: a WM_DELETE_WINDOW message.
    pub fn close(&self, title: &str) -> Result<usize> {
        let protocols = self.atom("WM_PROTOCOLS")?;
        let delete = self.atom("WM_DELETE_WINDOW")?;
        let windows = self.windows_titled(title)?;
        for &window in &windows {
            let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
            self.conn
                .send_event(false, window, EventMask::NO_EVENT, event)?;
        }
        self.conn.flush()?;
        Ok(windows.len())
    }
}
