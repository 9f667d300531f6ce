//! The desktop's colour-scheme preference from the XDG settings portal
//! (`org.freedesktop.portal.Settings` on the session bus: `ReadOne`/`Read` of
//! `org.freedesktop.appearance` `color-scheme`, and its `SettingChanged` signal), for
//! `theme = "light:X,dark:Y"`. A small thread of its own, running only while such a theme is
//! configured: it stores the preference and wakes the UI, which reloads the configuration
//! with it. Dropping the [`Portal`] stops the thread (a socket pair's end closes) and joins
//! it.
//!
//! Must not touch: the configuration and the windows (the UI reads the stored preference).

use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::thread::JoinHandle;

use futures_lite::StreamExt;

use super::themes::Appearance;

const DESTINATION: &str = "org.freedesktop.portal.Desktop";
const PATH: &str = "/org/freedesktop/portal/desktop";
const INTERFACE: &str = "org.freedesktop.portal.Settings";
const NAMESPACE: &str = "org.freedesktop.appearance";
const KEY: &str = "color-scheme";

/// The preference as the watcher stores it: 0 unknown (no portal), else 1 + the portal's
/// value.
pub type Shared = Arc<AtomicU8>;

/// What the stored preference means: `None` while the portal has not answered.
pub fn appearance(shared: &Shared) -> Option<Appearance> {
    match shared.load(Ordering::Acquire) {
        0 => None,
        v => Some(Appearance::from_portal(u32::from(v - 1))),
    }
}

/// The watcher thread.
pub struct Portal {
    thread: Option<JoinHandle<()>>,
    /// Closing it wakes the thread to stop.
    stop: Option<UnixStream>,
}

impl Portal {
    /// Start watching; `changed` runs (on the watcher thread) after each new preference.
    ///
    /// # Errors
    /// The thread or its socket pair could not be made (a missing session bus is not an
    /// error: the thread logs it and ends, the preference stays unknown).
    pub fn start(shared: Shared, changed: Box<dyn Fn() + Send>) -> std::io::Result<Portal> {
        let (stop, wake) = UnixStream::pair()?;
        let thread = std::thread::Builder::new().name("uvterm-portal".into()).spawn(move || {
            if let Err(e) = zbus::block_on(watch(wake, &shared, changed.as_ref())) {
                log::info!("desktop colour-scheme preference unavailable: {e}");
            }
        })?;
        Ok(Portal { thread: Some(thread), stop: Some(stop) })
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The portal's value: `ReadOne` (version 2) gives it, `Read` (version 1) wraps it once more.
fn scheme(value: &zbus::zvariant::Value<'_>) -> Option<u32> {
    match value {
        zbus::zvariant::Value::U32(v) => Some(*v),
        zbus::zvariant::Value::Value(inner) => scheme(inner),
        _ => None,
    }
}

fn store(shared: &Shared, value: u32, changed: &dyn Fn()) {
    let v = value.min(2) as u8 + 1;
    if shared.swap(v, Ordering::AcqRel) != v {
        changed();
    }
}

async fn watch(wake: UnixStream, shared: &Shared, changed: &dyn Fn()) -> zbus::Result<()> {
    let stop = async_io::Async::new(wake)?;
    let conn = zbus::Connection::session().await?;
    let proxy = zbus::Proxy::new(&conn, DESTINATION, PATH, INTERFACE).await?;
    let mut signals = proxy.receive_signal("SettingChanged").await?;
    let read = match proxy.call_method("ReadOne", &(NAMESPACE, KEY)).await {
        Ok(reply) => reply,
        Err(_) => proxy.call_method("Read", &(NAMESPACE, KEY)).await?,
    };
    if let Some(v) =
        read.body().deserialize::<zbus::zvariant::OwnedValue>().ok().and_then(|v| scheme(&v))
    {
        store(shared, v, changed);
    }
    loop {
        let next = async { Some(signals.next().await) };
        let stopped = async {
            let _ = stop.readable().await;
            None
        };
        match futures_lite::future::or(next, stopped).await {
            None | Some(None) => return Ok(()),
            Some(Some(message)) => {
                let body = message.body();
                let Ok((ns, key, value)) =
                    body.deserialize::<(String, String, zbus::zvariant::OwnedValue)>()
                else {
                    continue;
                };
                if ns == NAMESPACE
                    && key == KEY
                    && let Some(v) = scheme(&value)
                {
                    store(shared, v, changed);
                }
            }
        }
    }
}
