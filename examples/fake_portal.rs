//! A stand-in for xdg-desktop-portal's Settings interface, for tests/gui_config.rs (the real
//! portal needs a desktop session's backends, which a headless test box has not): it owns
//! `org.freedesktop.portal.Desktop` on the session bus, answers `ReadOne` of
//! `org.freedesktop.appearance` `color-scheme` with the value given as its argument, prints
//! `ready`, and then, for each number read on standard input, stores it and emits
//! `SettingChanged` as the real portal does when the desktop's preference changes.

use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use zbus::zvariant::{OwnedValue, Value};

const PATH: &str = "/org/freedesktop/portal/desktop";

struct Settings {
    scheme: Arc<AtomicU32>,
}

#[zbus::interface(name = "org.freedesktop.portal.Settings")]
impl Settings {
    fn read_one(&self, namespace: &str, key: &str) -> zbus::fdo::Result<OwnedValue> {
        if namespace == "org.freedesktop.appearance" && key == "color-scheme" {
            Ok(OwnedValue::from(self.scheme.load(Ordering::SeqCst)))
        } else {
            Err(zbus::fdo::Error::Failed(format!("no setting {namespace} {key}")))
        }
    }

    #[zbus(signal)]
    async fn setting_changed(
        emitter: &zbus::object_server::SignalEmitter<'_>,
        namespace: &str,
        key: &str,
        value: Value<'_>,
    ) -> zbus::Result<()>;

    #[zbus(property)]
    fn version(&self) -> u32 {
        2
    }
}

fn main() -> zbus::Result<()> {
    let initial = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let scheme = Arc::new(AtomicU32::new(initial));
    let conn = zbus::blocking::connection::Builder::session()?
        .name("org.freedesktop.portal.Desktop")?
        .serve_at(PATH, Settings { scheme: scheme.clone() })?
        .build()?;
    println!("ready");
    for line in std::io::stdin().lock().lines() {
        let Ok(v) = line.unwrap_or_default().trim().parse::<u32>() else { continue };
        scheme.store(v, Ordering::SeqCst);
        let iface = conn.object_server().interface::<_, Settings>(PATH)?;
        zbus::block_on(Settings::setting_changed(
            iface.signal_emitter(),
            "org.freedesktop.appearance",
            "color-scheme",
            Value::U32(v),
        ))?;
        println!("sent {v}");
    }
    Ok(())
}
