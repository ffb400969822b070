//! How `cargo xtask run` starts the app on this machine: as it is in a
//! desktop session, or with a private session bus and GNOME keyring where
//! no session bus answers (SSH with X forwarding, a bare window manager,
//! WSLg), under Xvfb too where there is no display at all.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

/// What the app is started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// A desktop session: its display, bus and keychain.
    Direct,
    /// A private session bus with GNOME keyring; `xvfb`: under Xvfb, as
    /// there is no display.
    PrivateBus { xvfb: bool },
}

/// The decision, from whether there is a display and whether a session
/// bus answers. Without a display there is no desktop session either: a
/// bus that answers there (a server's user bus) has no keychain to offer.
pub fn plan(display: bool, bus_answers: bool) -> Launch {
    match (display, bus_answers) {
        (true, true) => Launch::Direct,
        (true, false) => Launch::PrivateBus { xvfb: false },
        (false, _) => Launch::PrivateBus { xvfb: true },
    }
}

/// What `cargo xtask run` says of its decision, in one line.
pub fn line(launch: Launch, keyring: &Path) -> Option<String> {
    match launch {
        Launch::Direct => None,
        Launch::PrivateBus { xvfb: false } => Some(format!(
            "xtask: no session bus answers: starting a private one with GNOME keyring (kept in {}); \
             desktop notifications will not show",
            keyring.display()
        )),
        Launch::PrivateBus { xvfb: true } => Some(format!(
            "xtask: no display: running under Xvfb (the window is not visible), \
             with a private session bus and GNOME keyring (kept in {})",
            keyring.display()
        )),
    }
}

pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
}

/// Whether the session bus the app would use answers: the address in
/// `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus` (zbus's order).
pub fn session_bus_answers() -> bool {
    let address = match std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        Ok(address) if !address.is_empty() => address,
        _ => match std::env::var("XDG_RUNTIME_DIR") {
            Ok(runtime) if !runtime.is_empty() => format!("unix:path={runtime}/bus"),
            _ => return false,
        },
    };
    Command::new("dbus-send")
        .arg(format!("--bus={address}"))
        .args([
            "--print-reply",
            "--reply-timeout=2000",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetId",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The command that starts `app` as `launch` says. The private keyring
/// lives in `keyring` with a fixed password: for trying the app on such a
/// machine, not for real data (the app's own passphrase protects that
/// wherever no keychain answers).
pub fn command(launch: Launch, app: &Path, keyring: &Path) -> std::io::Result<Command> {
    if launch == Launch::Direct {
        return Ok(Command::new(app));
    }
    std::fs::create_dir_all(keyring.join("data"))?;
    std::fs::create_dir_all(keyring.join("run"))?;
    let wrap = match launch {
        Launch::PrivateBus { xvfb: true } => "exec xvfb-run -a -s '-screen 0 1280x800x24' \"$@\"",
        _ => "exec \"$@\"",
    };
    let script = format!(
        "printf '%s' kenpo-desk-run | \
         XDG_DATA_HOME=\"$KEYRING/data\" XDG_RUNTIME_DIR=\"$KEYRING/run\" \
         gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null && {wrap}"
    );
    let mut cmd = Command::new("dbus-run-session");
    cmd.args([
        OsStr::new("--"),
        "sh".as_ref(),
        "-c".as_ref(),
        script.as_ref(),
        "sh".as_ref(),
    ])
    .arg(app)
    .env("KEYRING", keyring);
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_bus_whenever_no_session_bus_answers_display_or_not() {
        assert_eq!(plan(true, true), Launch::Direct);
        assert_eq!(plan(true, false), Launch::PrivateBus { xvfb: false });
        assert_eq!(plan(false, false), Launch::PrivateBus { xvfb: true });
        assert_eq!(
            plan(false, true),
            Launch::PrivateBus { xvfb: true },
            "a server's bus is no desktop session"
        );
    }

    #[test]
    fn each_decision_but_the_plain_one_is_said_in_one_line() {
        let keyring = Path::new("target/run-keyring");
        assert_eq!(line(Launch::Direct, keyring), None);
        for launch in [
            Launch::PrivateBus { xvfb: false },
            Launch::PrivateBus { xvfb: true },
        ] {
            let said = line(launch, keyring).unwrap();
            assert!(!said.contains('\n'), "{said}");
            assert!(said.contains("GNOME keyring") && said.contains("target/run-keyring"));
        }
    }

    #[test]
    fn only_xvfb_where_there_is_no_display() {
        let dir = std::env::temp_dir().join("kenpo-xtask-launch-test");
        let app = Path::new("/bin/true");
        let args = |launch| {
            let cmd = command(launch, app, &dir).unwrap();
            cmd.get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(args(Launch::PrivateBus { xvfb: true }).contains("xvfb-run"));
        let with_display = args(Launch::PrivateBus { xvfb: false });
        assert!(
            !with_display.contains("xvfb-run") && with_display.contains("gnome-keyring-daemon")
        );
        assert_eq!(
            command(Launch::Direct, app, &dir).unwrap().get_program(),
            app
        );
    }
}
