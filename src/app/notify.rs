//! Desktop notifications through the freedesktop Notifications service
//! (`org.freedesktop.Notifications` on the session D-Bus, Desktop Notifications Specification
//! 1.2), for OSC 9, OSC 777 `notify`, kitty's OSC 99 and long commands (OSC 133 D).
//!
//! The UI decides *whether* a notification is shown (the tab's focus, the configuration) and
//! [`Notifier::show`] applies the rate limits ([`RateLimit`]: a token bucket per tab and one
//! for the process) before anything leaves the UI thread. What passes goes through a bounded
//! queue to the notifier thread, started on the first notification, which owns the D-Bus
//! connection: it asks `GetCapabilities` once, offers the `default` action only to a server
//! that has `actions`, calls `Notify`, and listens for `ActionInvoked`, `ActivationToken` and
//! `NotificationClosed`; an invoked `default` action becomes an [`IoEvent::FocusTab`] for the
//! UI (through the same event sink the I/O thread uses, so `stats.ui_backlog` counts it).
//!
//! Everything is bounded: summaries to [`MAX_SUMMARY_BYTES`], bodies to [`MAX_BODY_BYTES`] (cut
//! at a character boundary), [`QUEUE_LEN`] notifications waiting for the thread,
//! [`MAX_REMEMBERED`] notification ids remembered. Every D-Bus call has a timeout
//! ([`CALL_TIMEOUT`], connecting [`CONNECT_TIMEOUT`]): a missing bus or server is one warning
//! in the log and dropped notifications, never a hang. The thread is joined when the
//! [`Notifier`] is dropped or shut down (at the latest after one call's timeout).
//!
//! Threads: zbus runs on async-io here; the connection's executor is ticked on the notifier
//! thread itself (`internal_executor(false)`), so zbus starts no thread of its own per
//! connection. async-io keeps one process-wide reactor thread of its own, started with the
//! first connection and parked while idle.
//!
//! Owns the connection and the rate limits; must not touch windows or tabs (it names tabs by
//! id and asks the UI to focus them).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use futures_lite::future;

use crate::io::{EventSink, IoEvent, TabId};

/// Longest summary sent, in bytes (cut at a character boundary).
pub const MAX_SUMMARY_BYTES: usize = 256;
/// Longest body sent, in bytes of the program's text (cut at a character boundary, before
/// markup escaping).
pub const MAX_BODY_BYTES: usize = 4096;
/// Notification ids (and their tabs) remembered for clicks; older ones are forgotten.
pub const MAX_REMEMBERED: usize = 64;
/// Notifications waiting for the notifier thread; more are dropped and counted.
pub const QUEUE_LEN: usize = 64;
/// Longest wait for one D-Bus method call's reply.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest wait for the session bus connection (authentication and `Hello`).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

const SERVICE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
/// The name of the desktop file (`desktop-entry` hint) and the icon.
const APP: &str = "uvterm";

/// The notification's urgency level (the `urgency` hint, a byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Low = 0,
    Normal = 1,
    Critical = 2,
}

/// One notification for the desktop, from the tab `tab`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub tab: TabId,
    pub summary: String,
    pub body: String,
    pub urgency: Urgency,
}

impl Notification {
    /// A notification with `summary` and `body` cut to [`MAX_SUMMARY_BYTES`] and
    /// [`MAX_BODY_BYTES`].
    pub fn new(tab: TabId, summary: &str, body: &str, urgency: Urgency) -> Notification {
        Notification {
            tab,
            summary: truncate(summary, MAX_SUMMARY_BYTES).to_owned(),
            body: truncate(body, MAX_BODY_BYTES).to_owned(),
            urgency,
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends at a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// A command's duration for people: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`.
pub fn format_duration(ms: u64) -> String {
    match ms {
        0..1000 => format!("{ms} ms"),
        1000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
        _ => format!("{} h {} min", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

/// `s` with `&`, `<` and `>` escaped, for a server that reads markup in bodies
/// (`body-markup`): a program's text is text.
fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A token bucket: holds up to `burst` tokens, refilled at `burst` per `period`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn full(burst: f64, now: Instant) -> Bucket {
        Bucket { tokens: burst, last: now }
    }

    fn refill(&mut self, burst: f64, period: Duration, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * burst / period.as_secs_f64()).min(burst);
        self.last = now;
    }
}

/// The rate limits: per tab [`RateLimit::TAB_BURST`] notifications per
/// [`RateLimit::TAB_PERIOD`], and for the whole process [`RateLimit::GLOBAL_BURST`] per
/// [`RateLimit::GLOBAL_PERIOD`] (token buckets: a burst up to the size, then the steady rate).
/// A program spamming notifications costs the desktop at most that; the rest is dropped.
#[derive(Debug, Default)]
pub struct RateLimit {
    tabs: HashMap<TabId, Bucket>,
    global: Option<Bucket>,
}

impl RateLimit {
    /// Notifications one tab may send at once.
    pub const TAB_BURST: f64 = 5.0;
    /// The time in which one tab's bucket refills.
    pub const TAB_PERIOD: Duration = Duration::from_secs(10);
    /// Notifications all tabs together may send at once.
    pub const GLOBAL_BURST: f64 = 20.0;
    /// The time in which the process's bucket refills.
    pub const GLOBAL_PERIOD: Duration = Duration::from_secs(60);
    /// Tabs whose buckets are kept; full buckets are forgotten past it (a full bucket is
    /// the same as none).
    const MAX_TABS: usize = 4096;

    /// Whether one more notification from `tab` may go at `now`; takes its tokens if so.
    pub fn allow(&mut self, tab: TabId, now: Instant) -> bool {
        let global = self.global.get_or_insert_with(|| Bucket::full(Self::GLOBAL_BURST, now));
        global.refill(Self::GLOBAL_BURST, Self::GLOBAL_PERIOD, now);
        if self.tabs.len() >= Self::MAX_TABS && !self.tabs.contains_key(&tab) {
            self.tabs.retain(|_, b| {
                b.refill(Self::TAB_BURST, Self::TAB_PERIOD, now);
                b.tokens < Self::TAB_BURST
            });
        }
        let bucket = self.tabs.entry(tab).or_insert_with(|| Bucket::full(Self::TAB_BURST, now));
        bucket.refill(Self::TAB_BURST, Self::TAB_PERIOD, now);
        if bucket.tokens < 1.0 || global.tokens < 1.0 {
            return false;
        }
        bucket.tokens -= 1.0;
        global.tokens -= 1.0;
        true
    }

    /// The tab closed: its bucket goes.
    pub fn forget(&mut self, tab: TabId) {
        self.tabs.remove(&tab);
    }
}

/// What the notifier has done, shared with `stats` (`notifications_sent`,
/// `notifications_dropped`).
#[derive(Debug, Default)]
pub struct Counters {
    /// Notifications the server accepted (`Notify` answered with an id).
    pub sent: AtomicU64,
    /// Notifications dropped: rate limits, a full queue, no bus or server, a failed call.
    pub dropped: AtomicU64,
}

impl Counters {
    fn drop_one(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// The UI thread's side: rate limits, and the notifier thread once started.
pub struct Notifier {
    counters: Arc<Counters>,
    limit: RateLimit,
    /// Where the thread sends [`IoEvent::FocusTab`]; taken when the thread starts.
    sink: Option<Box<dyn EventSink>>,
    worker: Option<Worker>,
}

struct Worker {
    queue: async_channel::Sender<Notification>,
    thread: JoinHandle<()>,
}

impl Notifier {
    /// A notifier that counts into `counters` and asks the UI to focus tabs through `sink`.
    /// Starts no thread yet.
    pub fn new(counters: Arc<Counters>, sink: Box<dyn EventSink>) -> Notifier {
        Notifier { counters, limit: RateLimit::default(), sink: Some(sink), worker: None }
    }

    /// Send `n` to the desktop unless the rate limits refuse it (then it is counted as
    /// dropped). Never blocks: a full queue drops it too.
    pub fn show(&mut self, n: Notification, now: Instant) {
        if !self.limit.allow(n.tab, now) {
            self.counters.drop_one();
            return;
        }
        if self.worker.is_none()
            && let Some(sink) = self.sink.take()
        {
            let (queue, rx) = async_channel::bounded(QUEUE_LEN);
            let counters = self.counters.clone();
            match std::thread::Builder::new()
                .name("uvterm-notify".into())
                .spawn(move || worker(rx, sink, counters))
            {
                Ok(thread) => self.worker = Some(Worker { queue, thread }),
                Err(e) => log::warn!("desktop notifications off: no thread ({e})"),
            }
        }
        match &self.worker {
            Some(w) if w.queue.try_send(n).is_ok() => (),
            _ => self.counters.drop_one(),
        }
    }

    /// The tab closed: forget its rate limit.
    pub fn forget_tab(&mut self, tab: TabId) {
        self.limit.forget(tab);
    }

    /// Stop the notifier thread and wait for it (at most about one call's timeout).
    pub fn shutdown(&mut self) {
        if let Some(w) = self.worker.take() {
            w.queue.close();
            if w.thread.join().is_err() {
                log::warn!("the notifier thread panicked");
            }
        }
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The notifier thread's body: connect, then serve until the queue closes.
fn worker(
    queue: async_channel::Receiver<Notification>,
    sink: Box<dyn EventSink>,
    counters: Arc<Counters>,
) {
    async_io::block_on(async move {
        let connected = future::or(connect(), async {
            async_io::Timer::after(CONNECT_TIMEOUT).await;
            Err(zbus::Error::Failure("timed out".into()))
        })
        .await;
        let conn = match connected {
            Ok(conn) => conn,
            Err(e) => {
                log::warn!("desktop notifications off: cannot reach the session bus ({e})");
                queue.close();
                while queue.try_recv().is_ok() {
                    counters.drop_one();
                }
                return;
            }
        };
        let executor = conn.executor().clone();
        // The connection's tasks (its socket reader among them) run while `serve` does.
        future::or(serve(&conn, &queue, &*sink, &counters), async move {
            loop {
                executor.tick().await;
            }
        })
        .await;
        queue.close();
        while queue.try_recv().is_ok() {
            counters.drop_one();
        }
    });
}

async fn connect() -> zbus::Result<zbus::Connection> {
    zbus::connection::Builder::session()?
        .internal_executor(false)
        .method_timeout(CALL_TIMEOUT)
        .build()
        .await
}

/// One step of the notifier's loop: a notification to send or a signal from the server.
enum Step {
    Send(Option<Notification>),
    Signal(Option<zbus::Result<zbus::Message>>),
}

/// Serve `queue` until it closes, and the server's signals meanwhile.
async fn serve(
    conn: &zbus::Connection,
    queue: &async_channel::Receiver<Notification>,
    sink: &dyn EventSink,
    counters: &Counters,
) {
    let caps: Vec<String> = match call(conn, "GetCapabilities", &()).await {
        Ok(reply) => reply.body().deserialize().unwrap_or_default(),
        Err(e) => {
            log::warn!("desktop notifications: no notification server on the session bus ({e})");
            Vec::new()
        }
    };
    let actions = caps.iter().any(|c| c == "actions");
    let markup = caps.iter().any(|c| c == "body-markup");
    let mut signals = if actions { signal_stream(conn).await } else { None };
    // Server id → tab, and the activation tokens that came before their `ActionInvoked`.
    let mut shown: VecDeque<(u32, TabId)> = VecDeque::new();
    let mut tokens: VecDeque<(u32, String)> = VecDeque::new();
    let mut warned = false;
    loop {
        let step = future::or(async { Step::Send(queue.recv().await.ok()) }, async {
            match signals.as_mut() {
                Some(s) => Step::Signal(s.next().await),
                None => future::pending().await,
            }
        })
        .await;
        match step {
            Step::Send(None) => break,
            Step::Send(Some(n)) => match send(conn, &n, actions, markup).await {
                Ok(id) => {
                    counters.sent.fetch_add(1, Ordering::Relaxed);
                    if actions {
                        remember(&mut shown, (id, n.tab));
                    }
                }
                Err(e) => {
                    counters.drop_one();
                    if !std::mem::replace(&mut warned, true) {
                        log::warn!("desktop notification not shown: {e}");
                    }
                }
            },
            Step::Signal(None) => signals = None,
            Step::Signal(Some(Err(_))) => (),
            Step::Signal(Some(Ok(msg))) => {
                signal(&msg, &mut shown, &mut tokens, sink);
            }
        }
    }
}

/// Call a method of the notification server (bounded by the connection's method timeout).
async fn call<B>(conn: &zbus::Connection, method: &str, body: &B) -> zbus::Result<zbus::Message>
where
    B: serde::Serialize + zbus::zvariant::DynamicType,
{
    conn.call_method(Some(SERVICE), PATH, Some(SERVICE), method, body).await
}

/// `Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)`;
/// the server's id for it.
async fn send(
    conn: &zbus::Connection,
    n: &Notification,
    actions: bool,
    markup: bool,
) -> zbus::Result<u32> {
    use zbus::zvariant::Value;
    let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
    hints.insert("desktop-entry", Value::from(APP));
    hints.insert("urgency", Value::U8(n.urgency as u8));
    let action_list: &[&str] = if actions { &["default", "Show"] } else { &[] };
    let body = if markup { escape_markup(&n.body) } else { n.body.clone() };
    let args = (APP, 0u32, APP, n.summary.as_str(), body.as_str(), action_list, hints, -1i32);
    let reply = call(conn, "Notify", &args).await?;
    reply.body().deserialize::<u32>()
}

/// The server's signals to us (a match rule on its interface and path).
async fn signal_stream(conn: &zbus::Connection) -> Option<zbus::MessageStream> {
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface(SERVICE)
        .and_then(|b| b.path(PATH))
        .map(|b| b.build());
    let stream = match rule {
        Ok(rule) => zbus::MessageStream::for_match_rule(rule, conn, Some(MAX_REMEMBERED)).await,
        Err(e) => Err(e),
    };
    stream.map_err(|e| log::warn!("desktop notifications: clicks not heard ({e})")).ok()
}

/// Handle one of the server's signals: remember tokens, forget closed notifications, and ask
/// the UI to focus the tab of one whose `default` action was invoked.
fn signal(
    msg: &zbus::Message,
    shown: &mut VecDeque<(u32, TabId)>,
    tokens: &mut VecDeque<(u32, String)>,
    sink: &dyn EventSink,
) {
    let header = msg.header();
    let Some(member) = header.member() else { return };
    match member.as_str() {
        "ActivationToken" => {
            if let Ok((id, token)) = msg.body().deserialize::<(u32, String)>()
                && shown.iter().any(|&(i, _)| i == id)
                && crate::io::check_activation_token(&token).is_ok()
            {
                remember(tokens, (id, token));
            }
        }
        "ActionInvoked" => {
            let Ok((id, action)) = msg.body().deserialize::<(u32, String)>() else { return };
            let Some(&(_, tab)) = shown.iter().find(|&&(i, _)| i == id) else { return };
            if action == "default" {
                let activation_token =
                    tokens.iter().position(|(i, _)| *i == id).and_then(|p| tokens.remove(p));
                sink.send(IoEvent::FocusTab {
                    tab,
                    activation_token: activation_token.map(|t| t.1),
                });
            }
        }
        "NotificationClosed" => {
            if let Ok((id, _reason)) = msg.body().deserialize::<(u32, u32)>() {
                shown.retain(|&(i, _)| i != id);
                tokens.retain(|(i, _)| *i != id);
            }
        }
        _ => (),
    }
}

/// Push `entry`, forgetting the oldest past [`MAX_REMEMBERED`].
fn remember<T>(list: &mut VecDeque<T>, entry: T) {
    if list.len() >= MAX_REMEMBERED {
        list.pop_front();
    }
    list.push_back(entry);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_stops_at_a_character_boundary() {
        assert_eq!(truncate("héllo", 2), "h", "é is two bytes: not cut in half");
        assert_eq!(truncate("héllo", 3), "hé");
        assert_eq!(truncate("abc", 10), "abc");
        let long = "€".repeat(2000);
        let n = Notification::new(TabId(1), &long, &long, Urgency::Normal);
        assert!(n.summary.len() <= MAX_SUMMARY_BYTES && n.summary.len() > MAX_SUMMARY_BYTES - 3);
        assert!(n.body.len() <= MAX_BODY_BYTES && n.body.len() > MAX_BODY_BYTES - 3);
        assert_eq!(format_duration(850), "850 ms");
        assert_eq!(format_duration(12_345), "12.3 s");
        assert_eq!(format_duration(245_000), "4 min 5 s");
        assert_eq!(format_duration(7_380_000), "2 h 3 min");
        assert_eq!(escape_markup("<b>a&b</b>"), "&lt;b&gt;a&amp;b&lt;/b&gt;");
    }

    #[test]
    fn a_tab_gets_its_burst_then_its_steady_rate() {
        let mut limit = RateLimit::default();
        let t0 = Instant::now();
        let tab = TabId(1);
        let sent = (0..1000).filter(|_| limit.allow(tab, t0)).count();
        assert_eq!(sent, RateLimit::TAB_BURST as usize, "a flood at once: the burst only");
        // One more every TAB_PERIOD / TAB_BURST (2 s).
        assert!(!limit.allow(tab, t0 + Duration::from_millis(1900)));
        assert!(limit.allow(tab, t0 + Duration::from_millis(2000)));
        assert!(!limit.allow(tab, t0 + Duration::from_millis(2100)));
        // Another tab has its own bucket.
        assert!(limit.allow(TabId(2), t0 + Duration::from_millis(2100)));
    }

    #[test]
    fn all_tabs_together_stay_under_the_process_limit() {
        let mut limit = RateLimit::default();
        let t0 = Instant::now();
        let sent = (0..100u64).filter(|&i| limit.allow(TabId(i), t0)).count();
        assert_eq!(sent, RateLimit::GLOBAL_BURST as usize);
        // Over a minute of flooding from 100 tabs: the burst plus one minute's refill.
        let mut later = 0;
        for s in 1..=60u64 {
            for i in 0..100u64 {
                later += limit.allow(TabId(i), t0 + Duration::from_secs(s)) as usize;
            }
        }
        assert_eq!(later, RateLimit::GLOBAL_BURST as usize, "20 more in the next minute");
        limit.forget(TabId(3));
        assert!(!limit.tabs.contains_key(&TabId(3)));
    }

    #[test]
    fn remembered_ids_are_bounded() {
        let mut list = VecDeque::new();
        for i in 0..1000u32 {
            remember(&mut list, (i, TabId(i as u64)));
        }
        assert_eq!(list.len(), MAX_REMEMBERED);
        assert_eq!(list.front().map(|e| e.0), Some(1000 - MAX_REMEMBERED as u32));
    }

    /// Without a session bus the thread warns, drops what it was given and ends: the
    /// notifier shuts down at once instead of hanging.
    #[test]
    fn no_bus_drops_and_never_hangs() {
        struct Nobody;
        impl EventSink for Nobody {
            fn send(&self, _: IoEvent) {}
        }
        // A bus address nobody listens on (the variable is read by this thread's connect,
        // and tests in this binary do not use the session bus otherwise).
        // SAFETY: set before the thread that reads it starts; no other test reads it.
        unsafe {
            std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/uvterm-test-bus")
        };
        let counters = Arc::new(Counters::default());
        let mut n = Notifier::new(counters.clone(), Box::new(Nobody));
        for i in 0..3 {
            n.show(Notification::new(TabId(i), "s", "b", Urgency::Normal), Instant::now());
        }
        n.shutdown();
        assert_eq!(counters.sent.load(Ordering::Relaxed), 0);
        assert_eq!(counters.dropped.load(Ordering::Relaxed), 3);
    }
}
