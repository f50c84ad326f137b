//! A fake Discord (REST + gateway) on 127.0.0.1 for end-to-end tests.
//!
//! No test may reach discord.com, so serenity is pointed at this fake instead:
//! `HttpBuilder::new(token).proxy(fake.api_url()).ratelimiter_disabled(true)`. Serenity then asks
//! `GET /api/v10/gateway` for the websocket URL and connects to the fake's gateway listener.
//!
//! Serenity silently drops a gateway event it cannot deserialize (it becomes `Event::Unknown`), so
//! a fixture with a missing field makes a test hang instead of fail. Every fixture here is checked
//! against serenity's own model types in `tests/fake_discord_fixtures.rs`; keep it that way when
//! adding fields or fixtures.
//!
//! Ids: every fixture call and every message the fake creates takes a fresh id from one counter
//! ([`next_id`]), so ids are unique within a test binary. Interaction tokens encode the interaction,
//! channel and guild ids, so follow-up messages can carry the right `channel_id`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

// ---------------------------------------------------------------------------------------------
// Well-known ids and permission bits
// ---------------------------------------------------------------------------------------------

/// Application id in [`FakeOptions::default`] (and in every interaction fixture).
pub const APPLICATION_ID: u64 = 1000;
/// The bot's user id in [`FakeOptions::default`].
pub const BOT_USER_ID: u64 = 1001;
/// The bot's username.
pub const BOT_NAME: &str = "Harbor";
/// The one guild in [`FakeOptions::default`].
pub const GUILD_ID: u64 = 2000;
/// First text channel of the default guild.
pub const CHANNEL_ID: u64 = 3001;
/// Second text channel of the default guild.
pub const OTHER_CHANNEL_ID: u64 = 3002;
/// Owner of every fake guild and of the application (not the bot).
pub const OWNER_ID: u64 = 4000;
/// User id of [`Member::moderator`].
pub const MODERATOR_ID: u64 = 5001;
/// User id of [`Member::member`].
pub const MEMBER_ID: u64 = 5002;
/// Guild ids of [`Guild::many`] start here (channel ids at [`MANY_CHANNEL_BASE`]).
pub const MANY_GUILD_BASE: u64 = 1_000_000;
/// Channel ids of [`Guild::many`] start here, one text channel per guild.
pub const MANY_CHANNEL_BASE: u64 = 2_000_000;

/// Application flag that lets a (verified-later) bot read message content; the default flags.
pub const GATEWAY_MESSAGE_CONTENT_LIMITED: u64 = 1 << 19;
/// Application flag for a verified bot granted message content.
pub const GATEWAY_MESSAGE_CONTENT: u64 = 1 << 18;

pub const ADD_REACTIONS: u64 = 1 << 6;
pub const MANAGE_GUILD: u64 = 1 << 5;
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const MANAGE_MESSAGES: u64 = 1 << 13;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;

/// What the bot may do in every fake guild (its role; `@everyone` grants nothing), and the
/// `app_permissions` of every interaction fixture.
pub const DEFAULT_BOT_PERMISSIONS: u64 = VIEW_CHANNEL
    | SEND_MESSAGES
    | SEND_MESSAGES_IN_THREADS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS;
/// A plain member's permissions: see and write, nothing else.
pub const MEMBER_PERMISSIONS: u64 = VIEW_CHANNEL | SEND_MESSAGES;

/// `joined_at` of every member; a fixed time keeps fixtures reproducible.
const JOINED_AT: &str = "2024-01-01T00:00:00.000Z";
/// The gateway heartbeat interval the fake announces (ms); long enough never to matter in tests.
const HEARTBEAT_INTERVAL_MS: u64 = 41250;
/// 25 MiB, what Discord gives a guild without boosts.
const ATTACHMENT_SIZE_LIMIT: u64 = 26_214_400;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/// A guild the fake announces in READY and then sends as GUILD_CREATE.
#[derive(Clone, Debug)]
pub struct Guild {
    pub id: u64,
    /// Text channel ids; each is named `channel-{id}`.
    pub channels: Vec<u64>,
    pub name: String,
}

impl Guild {
    pub fn new(id: u64, name: &str, channels: Vec<u64>) -> Self {
        Guild { id, channels, name: name.to_string() }
    }

    /// `n` guilds with one text channel each: guild `MANY_GUILD_BASE + i`, channel
    /// `MANY_CHANNEL_BASE + i` (for measuring memory with many guilds).
    pub fn many(n: usize) -> Vec<Guild> {
        (0..n as u64)
            .map(|i| Guild::new(MANY_GUILD_BASE + i, &format!("Guild {i}"), vec![MANY_CHANNEL_BASE + i]))
            .collect()
    }
}

impl Default for Guild {
    /// Guild [`GUILD_ID`] with channels [`CHANNEL_ID`] and [`OTHER_CHANNEL_ID`].
    fn default() -> Self {
        Guild::new(GUILD_ID, "Harbor Test Guild", vec![CHANNEL_ID, OTHER_CHANNEL_ID])
    }
}

/// A guild member who invokes interactions. `permissions` is what Discord computes for the
/// channel and sends in `member.permissions` (poise checks `required_permissions` against it).
#[derive(Clone, Debug)]
pub struct Member {
    pub user_id: u64,
    pub name: String,
    pub permissions: u64,
}

impl Member {
    pub fn new(user_id: u64, name: &str, permissions: u64) -> Self {
        Member { user_id, name: name.to_string(), permissions }
    }

    /// [`MODERATOR_ID`], with Manage Server.
    pub fn moderator() -> Self {
        Member::new(MODERATOR_ID, "moderator", MEMBER_PERMISSIONS | MANAGE_GUILD)
    }

    /// [`MEMBER_ID`], with only View Channel and Send Messages.
    // Named to read as `Member::moderator()` / `Member::member()` in tests.
    #[allow(clippy::self_named_constructors)]
    pub fn member() -> Self {
        Member::new(MEMBER_ID, "member", MEMBER_PERMISSIONS)
    }
}

/// How the fake behaves. Use `..Default::default()` for the fields a test does not care about.
#[derive(Clone, Debug)]
pub struct FakeOptions {
    pub application_id: u64,
    pub bot_user_id: u64,
    pub guilds: Vec<Guild>,
    /// `flags` of the application (REST and READY); default [`GATEWAY_MESSAGE_CONTENT_LIMITED`].
    pub application_flags: u64,
    /// Answer every REST request 401, as Discord does for a bad token.
    pub reject_token: bool,
    /// Faults to inject: `(path contains, status, retry_after seconds)`. The first entry whose
    /// substring occurs in a request's path answers that request and is used up, so two entries
    /// for the same path fail the next two matching requests. 429s carry a `retry-after` header
    /// and Discord's rate-limit JSON.
    pub fail_next: Vec<(String, u16, Option<f64>)>,
    /// Permissions of the bot's role in every guild; default [`DEFAULT_BOT_PERMISSIONS`].
    /// Serenity's cache checks them before sending a channel message.
    pub bot_permissions: u64,
}

impl Default for FakeOptions {
    fn default() -> Self {
        FakeOptions {
            application_id: APPLICATION_ID,
            bot_user_id: BOT_USER_ID,
            guilds: vec![Guild::default()],
            application_flags: GATEWAY_MESSAGE_CONTENT_LIMITED,
            reject_token: false,
            fail_next: Vec::new(),
            bot_permissions: DEFAULT_BOT_PERMISSIONS,
        }
    }
}

/// One REST request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The full path, e.g. `/api/v10/channels/3001/messages`.
    pub path: String,
    pub query: Option<String>,
    /// The JSON body; for multipart requests (attachments) the `payload_json` part; `Null` when
    /// empty or not JSON.
    pub body: Value,
    /// The status the fake answered with.
    pub status: u16,
    /// When it arrived (for latency measurements).
    pub at: Instant,
    /// Files sent with it (multipart parts with a filename): name and text.
    pub files: Vec<(String, String)>,
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let query = self.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
        let mut body = self.body.to_string();
        if body.len() > 300 {
            let mut cut = 300;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
            body.push('…');
        }
        write!(f, "{} {}{} -> {}", self.method, self.path, query, self.status)?;
        if !self.body.is_null() {
            write!(f, ", body {body}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

/// A running fake Discord. Its listeners live on tokio tasks until it is dropped.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    rest_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

/// State shared by the REST server, the gateway sessions and the test.
struct Shared {
    opts: FakeOptions,
    gateway_url: String,
    state: Mutex<State>,
    /// Bumped on every change, so waiters re-check their condition instead of polling.
    changed: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    faults: Vec<(String, u16, Option<f64>)>,
    identifies: Vec<Value>,
    resumes: usize,
    next_session: u64,
    sessions: Vec<SessionHandle>,
    /// Interaction token → the original response message (for `@original` GET/PATCH).
    originals: HashMap<String, Value>,
    /// Guild id (None = global) → the commands last registered with PUT.
    commands: HashMap<Option<u64>, Value>,
    /// Files served at `/files/{name}` (attachments people upload).
    hosted: HashMap<String, String>,
}

struct SessionHandle {
    id: u64,
    tx: mpsc::UnboundedSender<SessionCmd>,
    /// READY (or RESUMED) has been sent, so dispatches will be processed.
    ready: bool,
}

enum SessionCmd {
    Dispatch { name: String, d: Value, done: oneshot::Sender<()> },
    Close { code: u16, done: oneshot::Sender<()> },
    Drop { done: oneshot::Sender<()> },
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

impl FakeDiscord {
    /// Binds REST and gateway listeners on ephemeral loopback ports and serves them on tasks.
    pub async fn start(opts: FakeOptions) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind fake REST listener");
        let gateway = TcpListener::bind("127.0.0.1:0").await.expect("bind fake gateway listener");
        let rest_addr = rest.local_addr().expect("REST listener address");
        let gateway_addr = gateway.local_addr().expect("gateway listener address");
        let state = State { faults: opts.fail_next.clone(), ..State::default() };
        let shared = Arc::new(Shared {
            opts,
            gateway_url: format!("ws://{gateway_addr}"),
            state: Mutex::new(state),
            changed: watch::channel(0).0,
        });
        let tasks = vec![
            tokio::spawn(serve_rest(Arc::clone(&shared), rest)),
            tokio::spawn(serve_gateway(Arc::clone(&shared), gateway)),
        ];
        FakeDiscord { shared, rest_addr, tasks }
    }

    /// `http://127.0.0.1:PORT`, for `HttpBuilder::proxy`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.rest_addr)
    }

    /// `ws://127.0.0.1:PORT`, what `GET /gateway` answers.
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url.clone()
    }

    pub fn options(&self) -> &FakeOptions {
        &self.shared.opts
    }

    /// Waits until a client has identified and been sent READY and every GUILD_CREATE; returns the
    /// latest IDENTIFY `d` (token, intents, shard, properties, ...).
    pub async fn identified(&self, timeout: Duration) -> Value {
        self.wait_for("an IDENTIFY followed by READY", timeout, |st| {
            if st.sessions.iter().any(|s| s.ready) { st.identifies.last().cloned() } else { None }
        })
        .await
    }

    /// Every IDENTIFY `d` received so far.
    pub fn identifies(&self) -> Vec<Value> {
        self.shared.lock().identifies.clone()
    }

    pub fn identify_count(&self) -> usize {
        self.shared.lock().identifies.len()
    }

    pub fn resume_count(&self) -> usize {
        self.shared.lock().resumes
    }

    /// Open gateway connections (ready or not).
    pub fn connected_sessions(&self) -> usize {
        self.shared.lock().sessions.len()
    }

    /// Sends `{"op":0,"t":name,"s":seq,"d":d}` to every ready gateway session (seq counts per
    /// session) and returns once it is written. Waits up to 20 s for a ready session first, so it
    /// also serves right after `close_gateway`/`drop_gateway` while the client reconnects.
    pub async fn send_event(&self, name: &str, d: Value) {
        let senders = self
            .wait_for(&format!("a ready gateway session to send {name} to"), Duration::from_secs(20), |st| {
                let ready: Vec<_> = st.sessions.iter().filter(|s| s.ready).map(|s| s.tx.clone()).collect();
                (!ready.is_empty()).then_some(ready)
            })
            .await;
        for tx in senders {
            let (done, written) = oneshot::channel();
            if tx.send(SessionCmd::Dispatch { name: name.to_string(), d: d.clone(), done }).is_ok() {
                let _ = tokio::time::timeout(Duration::from_secs(5), written).await;
            }
        }
    }

    /// Every REST request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// Waits for the first request matching `pred` (among all recorded so far, then new ones).
    /// Waiting twice with the same predicate returns the same request: name something unique (an
    /// interaction id) or use [`FakeDiscord::wait_requests`]. Panics on timeout, listing every
    /// request seen.
    pub async fn wait_request(&self, pred: impl Fn(&Request) -> bool, timeout: Duration) -> Request {
        self.wait_requests(pred, 1, timeout).await.swap_remove(0)
    }

    /// Waits until at least `count` requests match `pred`; returns all that match, in order.
    pub async fn wait_requests(
        &self,
        pred: impl Fn(&Request) -> bool,
        count: usize,
        timeout: Duration,
    ) -> Vec<Request> {
        self.wait_for(&format!("{count} matching REST request(s)"), timeout, |st| {
            let matching: Vec<Request> = st.requests.iter().filter(|r| pred(r)).cloned().collect();
            (matching.len() >= count).then_some(matching)
        })
        .await
    }

    /// Panics if a request matching `pred` arrives within `within` from now (earlier ones do not
    /// count), e.g. to check the bot stays silent after an event.
    pub async fn expect_no_request(&self, pred: impl Fn(&Request) -> bool, within: Duration) {
        let start = self.shared.lock().requests.len();
        tokio::time::sleep(within).await;
        let st = self.shared.lock();
        let unexpected: Vec<String> =
            st.requests[start..].iter().filter(|r| pred(r)).map(|r| format!("  {r}")).collect();
        assert!(unexpected.is_empty(), "fake Discord: unexpected request(s):\n{}", unexpected.join("\n"));
    }

    /// Serves `text` as an uploaded file; returns its URL (for an attachment's `url`).
    pub fn host_file(&self, name: &str, text: &str) -> String {
        self.shared.lock().hosted.insert(name.to_string(), text.to_string());
        format!("{}/files/{name}", self.api_url())
    }

    /// Adds a fault at run time; same meaning as an entry of [`FakeOptions::fail_next`].
    pub fn fail_next(&self, path_contains: &str, status: u16, retry_after: Option<f64>) {
        self.shared.lock().faults.push((path_contains.to_string(), status, retry_after));
    }

    /// Closes every gateway connection with a close frame carrying `code` (4000–4009 decide whether
    /// serenity resumes or re-identifies). Returns once the frames are written.
    pub async fn close_gateway(&self, code: u16) {
        self.command_sessions(|done| SessionCmd::Close { code, done }).await;
    }

    /// Drops every gateway TCP connection without a close frame.
    pub async fn drop_gateway(&self) {
        self.command_sessions(|done| SessionCmd::Drop { done }).await;
    }

    /// Waits until `cond` holds (re-checked on every change: request, identify, resume, session).
    pub async fn wait_until(&self, what: &str, timeout: Duration, cond: impl Fn(&FakeDiscord) -> bool) {
        let deadline = Instant::now() + timeout;
        let mut changed = self.shared.changed.subscribe();
        while !cond(self) {
            if tokio::time::timeout_at(deadline, changed.changed()).await.is_err() && !cond(self) {
                panic!("fake Discord: timed out after {timeout:?} waiting for {what}\n{}", self.summary());
            }
        }
    }

    /// Marks every session not ready (so `send_event` waits for the reconnect), then sends each a
    /// command and waits until it has been carried out.
    async fn command_sessions(&self, make: impl Fn(oneshot::Sender<()>) -> SessionCmd) {
        let mut pending = Vec::new();
        {
            let mut st = self.shared.lock();
            for session in &mut st.sessions {
                session.ready = false;
                let (done, finished) = oneshot::channel();
                if session.tx.send(make(done)).is_ok() {
                    pending.push(finished);
                }
            }
        }
        self.shared.bump();
        for finished in pending {
            let _ = tokio::time::timeout(Duration::from_secs(5), finished).await;
        }
    }

    /// Re-checks `check` on every state change until it yields a value; panics after `timeout`.
    async fn wait_for<T>(&self, what: &str, timeout: Duration, mut check: impl FnMut(&mut State) -> Option<T>) -> T {
        let deadline = Instant::now() + timeout;
        let mut changed = self.shared.changed.subscribe();
        loop {
            if let Some(value) = check(&mut self.shared.lock()) {
                return value;
            }
            if tokio::time::timeout_at(deadline, changed.changed()).await.is_err() {
                if let Some(value) = check(&mut self.shared.lock()) {
                    return value;
                }
                panic!("fake Discord: timed out after {timeout:?} waiting for {what}\n{}", self.summary());
            }
        }
    }

    /// What the fake has seen, for panic messages.
    fn summary(&self) -> String {
        let st = self.shared.lock();
        let mut out = format!(
            "gateway: {} identify(s), {} resume(s), {} open session(s) ({} ready)\nREST requests seen ({}):\n",
            st.identifies.len(),
            st.resumes,
            st.sessions.len(),
            st.sessions.iter().filter(|s| s.ready).count(),
            st.requests.len()
        );
        for request in &st.requests {
            out.push_str(&format!("  {request}\n"));
        }
        out
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

async fn serve_rest(shared: Arc<Shared>, listener: TcpListener) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle_rest(&shared, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

/// A REST answer before it becomes an HTTP response.
struct Reply {
    status: u16,
    body: Option<Value>,
    retry_after: Option<f64>,
    /// A plain-text body instead of JSON (a hosted file).
    text: Option<String>,
}

impl Reply {
    fn json(body: Value) -> Reply {
        Reply { status: 200, body: Some(body), retry_after: None, text: None }
    }

    fn no_content() -> Reply {
        Reply { status: 204, body: None, retry_after: None, text: None }
    }

    fn error(status: u16, message: &str, code: u64) -> Reply {
        Reply { status, body: Some(json!({"message": message, "code": code})), retry_after: None, text: None }
    }
}

async fn handle_rest(shared: &Shared, req: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let at = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let content_type =
        req.headers().get(hyper::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let bytes = req.into_body().collect().await.map(|c| c.to_bytes()).unwrap_or_default();
    let (body, files) = if content_type.starts_with("multipart/form-data") {
        multipart(&content_type, &bytes)
    } else {
        (serde_json::from_slice(&bytes).unwrap_or(Value::Null), Vec::new())
    };

    let reply = route(shared, &method, &path, &body);

    {
        let mut st = shared.lock();
        st.requests.push(Request { method, path, query, body, status: reply.status, at, files });
    }
    shared.bump();

    let mut response = hyper::Response::builder().status(reply.status);
    if let Some(secs) = reply.retry_after {
        response = response.header("retry-after", secs.to_string());
    }
    let bytes = match reply.body {
        _ if reply.text.is_some() => {
            response = response.header(hyper::header::CONTENT_TYPE, "text/plain; charset=utf-8");
            Bytes::from(reply.text.unwrap_or_default())
        }
        Some(body) => {
            response = response.header(hyper::header::CONTENT_TYPE, "application/json");
            Bytes::from(body.to_string())
        }
        None => Bytes::new(),
    };
    response.body(Full::new(bytes)).expect("valid fake response")
}

/// The `payload_json` part of a multipart body (how serenity sends messages with attachments)
/// and its files, by name.
fn multipart(content_type: &str, bytes: &[u8]) -> (Value, Vec<(String, String)>) {
    let mut payload = Value::Null;
    let mut files = Vec::new();
    let Some(boundary) = content_type.split(';').find_map(|p| p.trim().strip_prefix("boundary=")) else {
        return (payload, files);
    };
    let delimiter = format!("--{}", boundary.trim_matches('"'));
    let text = String::from_utf8_lossy(bytes);
    for part in text.split(delimiter.as_str()) {
        let Some((headers, content)) = part.split_once("\r\n\r\n") else { continue };
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        if headers.contains("name=\"payload_json\"") {
            payload = serde_json::from_str(content).unwrap_or(Value::Null);
        } else if let Some(name) = headers.split("filename=\"").nth(1).and_then(|rest| rest.split('"').next()) {
            files.push((name.to_string(), content.to_string()));
        }
    }
    (payload, files)
}

fn take_fault(shared: &Shared, path: &str) -> Option<(u16, Option<f64>)> {
    let mut st = shared.lock();
    let index = st.faults.iter().position(|(contains, _, _)| path.contains(contains.as_str()))?;
    let (_, status, retry_after) = st.faults.remove(index);
    Some((status, retry_after))
}

fn route(shared: &Shared, method: &str, path: &str, body: &Value) -> Reply {
    let opts = &shared.opts;
    if opts.reject_token {
        return Reply::error(401, "401: Unauthorized", 0);
    }
    if let Some((status, retry_after)) = take_fault(shared, path) {
        let body = if status == 429 {
            json!({"message": "You are being rate limited.", "retry_after": retry_after.unwrap_or(0.0), "global": false})
        } else {
            json!({"message": format!("{status}: fault injected by the fake"), "code": 0})
        };
        return Reply { status, body: Some(body), retry_after, text: None };
    }

    let app = opts.application_id.to_string();
    let segments: Vec<&str> = path.strip_prefix("/api/v10").unwrap_or(path).trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::json(json!({"url": shared.gateway_url})),
        ("GET", ["files", name]) => match shared.lock().hosted.get(*name) {
            Some(text) => Reply { status: 200, text: Some(text.clone()), ..Reply::no_content() },
            None => Reply::error(404, "Unknown file", 0),
        },
        ("GET", ["gateway", "bot"]) => Reply::json(json!({
            "url": shared.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })),
        ("GET", ["applications", "@me"] | ["oauth2", "applications", "@me"]) => Reply::json(application_info(opts)),
        ("GET", ["users", "@me"]) => Reply::json(bot_user(opts)),
        ("PUT", ["applications", a, "commands"]) if *a == app => register_commands(shared, None, body),
        ("PUT", ["applications", a, "guilds", g, "commands"]) if *a == app => {
            register_commands(shared, Some(g.parse().unwrap_or(0)), body)
        }
        ("GET", ["applications", a, "commands"]) if *a == app => registered_commands(shared, None),
        ("GET", ["applications", a, "guilds", g, "commands"]) if *a == app => {
            registered_commands(shared, Some(g.parse().unwrap_or(0)))
        }
        ("POST", ["interactions", _, token, "callback"]) => {
            // 4 = message, 5 = deferred, 7 = update message: each makes an "original" response.
            if matches!(body["type"].as_u64(), Some(4 | 5 | 7)) {
                let message = new_message(opts, channel_of_token(token), true, &body["data"]);
                shared.lock().originals.insert(token.to_string(), message);
            }
            Reply::no_content()
        }
        ("GET", ["webhooks", a, token, "messages", "@original"]) if *a == app => {
            match shared.lock().originals.get(*token) {
                Some(message) => Reply::json(message.clone()),
                None => Reply::error(404, "Unknown Message", 10008),
            }
        }
        ("PATCH", ["webhooks", a, token, "messages", "@original"]) if *a == app => {
            let mut st = shared.lock();
            let original = st
                .originals
                .entry(token.to_string())
                .or_insert_with(|| new_message(opts, channel_of_token(token), true, &Value::Null));
            apply_edit(original, body);
            original["edited_timestamp"] = json!(now());
            Reply::json(valid_message(original.clone()))
        }
        ("POST", ["webhooks", a, token]) if *a == app => {
            Reply::json(new_message(opts, channel_of_token(token), true, body))
        }
        ("GET" | "PATCH", ["webhooks", a, token, "messages", id]) if *a == app => {
            let mut message = new_message(opts, channel_of_token(token), true, body);
            message["id"] = json!(id);
            Reply::json(valid_message(message))
        }
        ("DELETE", ["webhooks", a, _, "messages", _]) if *a == app => Reply::no_content(),
        ("POST", ["channels", channel, "messages"]) => {
            Reply::json(new_message(opts, channel.parse().unwrap_or(0), false, body))
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            let mut message = new_message(opts, channel.parse().unwrap_or(0), false, body);
            message["id"] = json!(id);
            message["edited_timestamp"] = json!(now());
            Reply::json(valid_message(message))
        }
        ("DELETE", ["channels", _, "messages", _]) => Reply::no_content(),
        ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", ..]) => Reply::no_content(),
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body["recipient_id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
            Reply::json(json!({
                "id": dm_channel_id(recipient).to_string(),
                "type": 1,
                "last_message_id": null,
                "recipients": [user_json(recipient, &format!("user{recipient}"), false)],
            }))
        }
        _ => Reply::error(404, "Unknown route", 0),
    }
}

/// Echoes a bulk command overwrite back with the fields Discord adds, so it parses as `Vec<Command>`.
fn register_commands(shared: &Shared, guild_id: Option<u64>, body: &Value) -> Reply {
    let opts = &shared.opts;
    let commands: Vec<Value> = body
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut command| {
            command["id"] = json!(next_id().to_string());
            command["application_id"] = json!(opts.application_id.to_string());
            command["version"] = json!(next_id().to_string());
            if let Some(guild_id) = guild_id {
                command["guild_id"] = json!(guild_id.to_string());
            }
            if command["type"].is_null() {
                command["type"] = json!(1);
            }
            if command["description"].is_null() {
                command["description"] = json!("");
            }
            command
        })
        .collect();
    let commands = Value::Array(commands);
    if let Err(e) = serde_json::from_value::<Vec<serenity::model::application::Command>>(commands.clone()) {
        eprintln!("fake Discord: registered commands do not parse as serenity Commands: {e}\n{commands}");
    }
    shared.lock().commands.insert(guild_id, commands.clone());
    Reply::json(commands)
}

fn registered_commands(shared: &Shared, guild_id: Option<u64>) -> Reply {
    Reply::json(shared.lock().commands.get(&guild_id).cloned().unwrap_or_else(|| json!([])))
}

/// The channel encoded in an interaction token made by the fixtures ([`CHANNEL_ID`] otherwise).
fn channel_of_token(token: &str) -> u64 {
    token.split('.').nth(2).and_then(|c| c.parse().ok()).unwrap_or(CHANNEL_ID)
}

/// A message the bot sent, built from the request body (content, embeds, components, flags, ...).
fn new_message(opts: &FakeOptions, channel_id: u64, via_webhook: bool, body: &Value) -> Value {
    let mut message = message_json(next_id(), channel_id, None, bot_user(opts), "");
    if via_webhook {
        message["webhook_id"] = json!(opts.application_id.to_string());
        message["application_id"] = json!(opts.application_id.to_string());
    }
    apply_edit(&mut message, body);
    valid_message(message)
}

/// Copies the fields a create/edit body sets onto `message`.
fn apply_edit(message: &mut Value, body: &Value) {
    for key in ["content", "embeds", "components", "flags", "tts", "message_reference"] {
        if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
            message[key] = value.clone();
        }
    }
    if let Some(attachments) = body.get("attachments").and_then(Value::as_array) {
        let channel = message["channel_id"].as_str().unwrap_or_default().to_string();
        let attachments: Vec<Value> = attachments
            .iter()
            .filter_map(|a| a["filename"].as_str())
            .map(|filename| attachment_json(next_id(), &channel, filename))
            .collect();
        message["attachments"] = Value::Array(attachments);
    }
}

/// Returns `message` if serenity can parse it; otherwise strips what the bot sent (embeds,
/// components, reference) and complains loudly, so a bad echo cannot break the bot under test.
fn valid_message(mut message: Value) -> Value {
    if let Err(e) = serde_json::from_value::<serenity::model::channel::Message>(message.clone()) {
        eprintln!("fake Discord: reply message does not parse as a serenity Message ({e}); stripping\n{message}");
        message["embeds"] = json!([]);
        message["components"] = json!([]);
        message["message_reference"] = Value::Null;
    }
    message
}

// ---------------------------------------------------------------------------------------------
// Gateway
// ---------------------------------------------------------------------------------------------

async fn serve_gateway(shared: Arc<Shared>, listener: TcpListener) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(run_session(Arc::clone(&shared), stream));
    }
}

/// One gateway connection: HELLO, then IDENTIFY → READY + GUILD_CREATEs, RESUME → RESUMED,
/// heartbeat → ACK, and the test's commands (dispatch, close, drop).
async fn run_session(shared: Arc<Shared>, stream: TcpStream) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else { return };
    let (mut sink, mut source) = ws.split();
    let (tx, mut commands) = mpsc::unbounded_channel();
    let id = {
        let mut st = shared.lock();
        st.next_session += 1;
        let id = st.next_session;
        st.sessions.push(SessionHandle { id, tx, ready: false });
        id
    };
    shared.bump();

    let mut seq: u64 = 0;
    let mut finished: Option<oneshot::Sender<()>> = None;
    let hello = json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}});
    if sink.send(WsMessage::Text(hello.to_string())).await.is_ok() {
        loop {
            tokio::select! {
                frame = source.next() => {
                    let text = match frame {
                        Some(Ok(WsMessage::Text(text))) => text,
                        Some(Ok(WsMessage::Close(_)) | Err(_)) | None => break,
                        Some(Ok(_)) => continue,
                    };
                    let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                    let mut frames = Vec::new();
                    match payload["op"].as_u64() {
                        Some(1) => frames.push(json!({"op": 11, "s": null, "t": null, "d": null})),
                        Some(2) => {
                            let d = payload["d"].clone();
                            seq = 0;
                            let session_id = format!("fake-session-{id}");
                            seq += 1;
                            frames.push(dispatch_frame("READY", seq, ready_payload(&shared.opts, &session_id, &shared.gateway_url, d["shard"].clone())));
                            for guild in &shared.opts.guilds {
                                seq += 1;
                                frames.push(dispatch_frame("GUILD_CREATE", seq, guild_create_payload(&shared.opts, guild)));
                            }
                            shared.lock().identifies.push(d);
                        }
                        Some(6) => {
                            // Replay nothing: continue from the client's seq.
                            seq = payload["d"]["seq"].as_u64().unwrap_or(0) + 1;
                            frames.push(dispatch_frame("RESUMED", seq, json!({})));
                            shared.lock().resumes += 1;
                        }
                        // Presence updates, member chunk requests, ...: ignored.
                        _ => continue,
                    }
                    let mut ok = true;
                    for frame in frames {
                        ok &= sink.feed(WsMessage::Text(frame.to_string())).await.is_ok();
                    }
                    if !ok || sink.flush().await.is_err() {
                        break;
                    }
                    if matches!(payload["op"].as_u64(), Some(2 | 6)) {
                        if let Some(session) = shared.lock().sessions.iter_mut().find(|s| s.id == id) {
                            session.ready = true;
                        }
                        shared.bump();
                    }
                }
                command = commands.recv() => match command {
                    Some(SessionCmd::Dispatch { name, d, done }) => {
                        seq += 1;
                        let written = sink.send(WsMessage::Text(dispatch_frame(&name, seq, d).to_string())).await;
                        let _ = done.send(());
                        if written.is_err() {
                            break;
                        }
                    }
                    Some(SessionCmd::Close { code, done }) => {
                        let frame = CloseFrame { code: CloseCode::from(code), reason: "closed by the fake".into() };
                        let _ = sink.send(WsMessage::Close(Some(frame))).await;
                        let _ = done.send(());
                        // Let the client answer the close handshake, then hang up.
                        let _ = tokio::time::timeout(Duration::from_secs(2), async {
                            while let Some(Ok(_)) = source.next().await {}
                        })
                        .await;
                        break;
                    }
                    Some(SessionCmd::Drop { done }) => {
                        finished = Some(done);
                        break;
                    }
                    None => break,
                },
            }
        }
    }
    drop(sink);
    drop(source);
    shared.lock().sessions.retain(|s| s.id != id);
    shared.bump();
    if let Some(done) = finished {
        let _ = done.send(());
    }
}

// ---------------------------------------------------------------------------------------------
// Payloads and fixtures
// ---------------------------------------------------------------------------------------------

static NEXT_ID: AtomicU64 = AtomicU64::new(1_300_000_000_000_000_000);

/// A fresh snowflake, unique within the test binary.
pub fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// The current time as Discord formats it.
fn now() -> String {
    serenity::model::Timestamp::now().to_string()
}

/// The channel id the fake gives the bot's DM with `user_id` (`POST /users/@me/channels`).
pub fn dm_channel_id(user_id: u64) -> u64 {
    9_000_000_000 + user_id
}

/// The id of the bot's role in `guild_id`.
pub fn bot_role_id(guild_id: u64) -> u64 {
    guild_id * 10 + 1
}

/// A gateway dispatch frame, exactly as the fake sends it.
pub fn dispatch_frame(name: &str, seq: u64, d: Value) -> Value {
    json!({"op": 0, "t": name, "s": seq, "d": d})
}

/// A user object as Discord sends it.
pub fn user_json(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": if bot { Value::Null } else { json!(name) },
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
        "avatar_decoration_data": null,
    })
}

/// The bot's user (`GET /users/@me`, READY, author of its messages).
pub fn bot_user(opts: &FakeOptions) -> Value {
    let mut user = user_json(opts.bot_user_id, BOT_NAME, true);
    user["verified"] = json!(true);
    user["mfa_enabled"] = json!(false);
    user["flags"] = json!(0);
    user["email"] = Value::Null;
    user
}

/// `GET /applications/@me` and `GET /oauth2/applications/@me`.
pub fn application_info(opts: &FakeOptions) -> Value {
    json!({
        "id": opts.application_id.to_string(),
        "name": BOT_NAME,
        "icon": null,
        "description": "",
        "summary": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "owner": user_json(OWNER_ID, "owner", false),
        "verify_key": "0".repeat(64),
        "team": null,
        "flags": opts.application_flags,
        "tags": [],
        "bot": bot_user(opts),
        "approximate_guild_count": opts.guilds.len(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
    })
}

/// The READY `d`: unavailable guild stubs, then one GUILD_CREATE per guild follows.
pub fn ready_payload(opts: &FakeOptions, session_id: &str, resume_gateway_url: &str, shard: Value) -> Value {
    let guilds: Vec<Value> = opts.guilds.iter().map(|g| json!({"id": g.id.to_string(), "unavailable": true})).collect();
    json!({
        "v": 10,
        "user": bot_user(opts),
        "guilds": guilds,
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "shard": shard,
        "application": {"id": opts.application_id.to_string(), "flags": opts.application_flags},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["fake-discord"],
    })
}

fn role_json(id: u64, name: &str, permissions: u64, position: u64, bot_id: Option<u64>) -> Value {
    let mut role = json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": bot_id.is_some(),
        "mentionable": false,
        "flags": 0,
    });
    if let Some(bot_id) = bot_id {
        role["tags"] = json!({"bot_id": bot_id.to_string()});
    }
    role
}

/// A guild text channel.
fn text_channel_json(guild_id: u64, channel_id: u64, position: usize) -> Value {
    json!({
        "id": channel_id.to_string(),
        "type": 0,
        "guild_id": guild_id.to_string(),
        "name": format!("channel-{channel_id}"),
        "position": position,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

/// A full GUILD_CREATE `d`: the guild, its text channels, `@everyone` (no permissions), the bot's
/// role ([`FakeOptions::bot_permissions`]) and the bot as the only member.
pub fn guild_create_payload(opts: &FakeOptions, guild: &Guild) -> Value {
    let channels: Vec<Value> =
        guild.channels.iter().enumerate().map(|(i, &c)| text_channel_json(guild.id, c, i)).collect();
    let bot_member = json!({
        "user": bot_user(opts),
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": [bot_role_id(guild.id).to_string()],
        "joined_at": JOINED_AT,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
    });
    // Built in two parts: one `json!` this large exceeds the macro recursion limit.
    let mut guild_json = json!({
        "id": guild.id.to_string(),
        "name": guild.name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": OWNER_ID.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [
            role_json(guild.id, "@everyone", 0, 0, None),
            role_json(bot_role_id(guild.id), BOT_NAME, opts.bot_permissions, 1, Some(opts.bot_user_id)),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
    });
    // The fields only GUILD_CREATE carries.
    let create_fields = json!({
        "joined_at": JOINED_AT,
        "large": false,
        "unavailable": false,
        "member_count": 1,
        "voice_states": [],
        "members": [bot_member],
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    });
    if let (Some(target), Value::Object(extra)) = (guild_json.as_object_mut(), create_fields) {
        target.extend(extra);
    }
    guild_json
}

/// A message object with every field serenity's `Message` requires; no guild fields.
fn message_json(id: u64, channel_id: u64, guild_id: Option<u64>, author: Value, content: &str) -> Value {
    let mut message = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": content,
        "timestamp": now(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [],
        "reactions": [],
        "pinned": false,
        "webhook_id": null,
        "type": 0,
        "flags": 0,
        "components": [],
        "sticker_items": [],
        "referenced_message": null,
        "message_reference": null,
    });
    if let Some(guild_id) = guild_id {
        message["guild_id"] = json!(guild_id.to_string());
    }
    message
}

fn attachment_json(id: u64, channel_id: &str, filename: &str) -> Value {
    let url = format!("https://cdn.discordapp.com/attachments/{channel_id}/{id}/{filename}");
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": 0,
        "url": url,
        "proxy_url": url,
        "content_type": null,
    })
}

/// The partial member Discord attaches to a guild MESSAGE_CREATE (no `user`).
fn partial_member_json(permissions: Option<u64>) -> Value {
    let mut member = json!({
        "roles": [],
        "joined_at": JOINED_AT,
        "premium_since": null,
        "nick": null,
        "avatar": null,
        "banner": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
    });
    if let Some(permissions) = permissions {
        member["permissions"] = json!(permissions.to_string());
    }
    member
}

/// A MESSAGE_CREATE `d` from user `author_id` (named `user{author_id}`) in a guild channel.
pub fn message_create(guild_id: u64, channel_id: u64, author_id: u64, content: &str) -> Value {
    let author = user_json(author_id, &format!("user{author_id}"), false);
    let mut message = message_json(next_id(), channel_id, Some(guild_id), author, content);
    message["member"] = partial_member_json(None);
    message["nonce"] = json!(next_id().to_string());
    message
}

/// A MESSAGE_CREATE `d` in a DM with the bot (no guild, no member).
pub fn dm_message_create(channel_id: u64, author_id: u64, content: &str) -> Value {
    let author = user_json(author_id, &format!("user{author_id}"), false);
    message_json(next_id(), channel_id, None, author, content)
}

/// A message the bot sent earlier in a guild channel, with one button per custom id (for
/// component interactions, whose `message` is required).
pub fn bot_message(guild_id: u64, channel_id: u64, message_id: u64, content: &str, button_ids: &[&str]) -> Value {
    let mut message = message_json(message_id, channel_id, Some(guild_id), bot_user(&FakeOptions::default()), content);
    if !button_ids.is_empty() {
        let buttons: Vec<Value> =
            button_ids.iter().map(|id| json!({"type": 2, "style": 1, "custom_id": id, "label": id})).collect();
        message["components"] = json!([{"type": 1, "components": buttons}]);
    }
    message
}

/// Who invoked an interaction.
enum Invoker<'a> {
    Guild { guild_id: u64, member: &'a Member },
    Dm { user_id: u64 },
}

/// The interaction token the fixtures use: it encodes interaction, channel and guild ids.
fn interaction_token(id: u64, channel_id: u64, guild_id: Option<u64>) -> String {
    format!("fake-token.{id}.{channel_id}.{}", guild_id.unwrap_or(0))
}

/// An INTERACTION_CREATE `d` with every field serenity requires for commands, components and
/// modals alike (the extra fields are ignored where a type does not use them).
fn interaction(kind: u8, channel_id: u64, invoker: Invoker<'_>, data: Value) -> Value {
    let id = next_id();
    let mut v = json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "channel_id": channel_id.to_string(),
        "version": 1,
        "app_permissions": DEFAULT_BOT_PERMISSIONS.to_string(),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    });
    match invoker {
        Invoker::Guild { guild_id, member } => {
            let mut member_json = partial_member_json(Some(member.permissions));
            member_json["user"] = user_json(member.user_id, &member.name, false);
            v["guild_id"] = json!(guild_id.to_string());
            v["guild"] = json!({"id": guild_id.to_string(), "locale": "en-US", "features": []});
            v["guild_locale"] = json!("en-US");
            v["member"] = member_json;
            v["channel"] = text_channel_json(guild_id, channel_id, 0);
            v["authorizing_integration_owners"] = json!({"0": guild_id.to_string()});
            v["context"] = json!(0);
            v["token"] = json!(interaction_token(id, channel_id, Some(guild_id)));
        }
        Invoker::Dm { user_id } => {
            v["user"] = user_json(user_id, &format!("user{user_id}"), false);
            v["channel"] = json!({
                "id": channel_id.to_string(),
                "type": 1,
                "last_message_id": null,
                "flags": 0,
                "recipients": [user_json(user_id, &format!("user{user_id}"), false)],
            });
            v["authorizing_integration_owners"] = json!({"0": "0"});
            v["context"] = json!(1);
            v["token"] = json!(interaction_token(id, channel_id, None));
        }
    }
    v
}

/// `data` of a chat-input command; adds `resolved` entries for user, channel, role, mentionable
/// and attachment options, as Discord does (poise looks them up there).
fn command_data(name: &str, options: Value, guild_id: Option<u64>) -> Value {
    let mut resolved = serde_json::Map::new();
    collect_resolved(&options, &mut resolved);
    let mut data = json!({
        "id": next_id().to_string(),
        "name": name,
        "type": 1,
        "options": if options.is_null() { json!([]) } else { options },
    });
    if let Some(guild_id) = guild_id {
        data["guild_id"] = json!(guild_id.to_string());
    }
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    data
}

fn collect_resolved(options: &Value, resolved: &mut serde_json::Map<String, Value>) {
    for option in options.as_array().into_iter().flatten() {
        if let Some(nested) = option.get("options") {
            collect_resolved(nested, resolved);
        }
        if option["focused"].as_bool() == Some(true) {
            continue;
        }
        let Some(id) =
            option["value"].as_str().map(str::to_string).or_else(|| option["value"].as_u64().map(|n| n.to_string()))
        else {
            continue;
        };
        let numeric: u64 = id.parse().unwrap_or(0);
        let mut insert = |kind: &str, value: Value| {
            let entry = resolved.entry(kind.to_string()).or_insert_with(|| json!({}));
            entry[id.as_str()] = value;
        };
        match option["type"].as_u64() {
            // USER, MENTIONABLE (treated as a user)
            Some(6 | 9) => {
                insert("users", user_json(numeric, &format!("user{numeric}"), false));
                insert("members", partial_member_json(Some(MEMBER_PERMISSIONS)));
            }
            // CHANNEL
            Some(7) => insert(
                "channels",
                json!({"id": id, "name": format!("channel-{id}"), "type": 0, "permissions": DEFAULT_BOT_PERMISSIONS.to_string()}),
            ),
            // ROLE
            Some(8) => insert("roles", role_json(numeric, &format!("role-{id}"), 0, 1, None)),
            // ATTACHMENT
            Some(11) => insert("attachments", attachment_json(numeric, "0", "attachment.txt")),
            _ => {}
        }
    }
}

/// An INTERACTION_CREATE `d` for slash command `name` run by `member` in a guild channel.
/// `options` is the `data.options` array as Discord sends it (subcommands nest their options).
/// Read `v["id"]` and `v["token"]` to match the bot's callback.
pub fn slash_command(guild_id: u64, channel_id: u64, member: &Member, name: &str, options: Value) -> Value {
    let data = command_data(name, options, Some(guild_id));
    interaction(2, channel_id, Invoker::Guild { guild_id, member }, data)
}

/// A slash command in the bot's DM channel `channel_id` with user `user_id` (`user`, no member,
/// context 1).
pub fn dm_slash_command(channel_id: u64, user_id: u64, name: &str, options: Value) -> Value {
    interaction(2, channel_id, Invoker::Dm { user_id }, command_data(name, options, None))
}

/// An autocomplete request (type 4). Mark the option being typed with `"focused": true`; its
/// `value` must be a string (serenity requires one for focused options, whatever their type).
pub fn autocomplete(guild_id: u64, channel_id: u64, member: &Member, name: &str, options: Value) -> Value {
    let data = command_data(name, options, Some(guild_id));
    interaction(4, channel_id, Invoker::Guild { guild_id, member }, data)
}

/// A button click (type 3) on bot message `message_id`, which carries that one button.
pub fn button(guild_id: u64, channel_id: u64, member: &Member, custom_id: &str, message_id: u64) -> Value {
    let message = bot_message(guild_id, channel_id, message_id, "(a message from the bot)", &[custom_id]);
    button_on(guild_id, channel_id, member, custom_id, message)
}

/// A button click on a given message object (e.g. one the bot really sent, taken from the fake's
/// answer), for handlers that read the message.
pub fn button_on(guild_id: u64, channel_id: u64, member: &Member, custom_id: &str, message: Value) -> Value {
    let mut v = interaction(
        3,
        channel_id,
        Invoker::Guild { guild_id, member },
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    v["message"] = message;
    v
}

/// A modal submission (type 5): one action row with a text input per `(custom_id, value)`.
pub fn modal_submit(
    guild_id: u64,
    channel_id: u64,
    member: &Member,
    custom_id: &str,
    fields: &[(&str, &str)],
) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(id, value)| json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]}))
        .collect();
    let data = json!({"custom_id": custom_id, "components": rows});
    interaction(5, channel_id, Invoker::Guild { guild_id, member }, data)
}

/// An attachment option (type 11) and the `resolved` entry Discord sends with it: set
/// `data.resolved.attachments` of the interaction to the second value.
pub fn attachment_option(name: &str, filename: &str, url: &str, size: usize) -> (Value, Value) {
    let id = next_id().to_string();
    let option = json!({ "name": name, "type": 11, "value": id });
    let resolved = json!({ id.clone(): {
        "id": id, "filename": filename, "size": size, "url": url, "proxy_url": url,
        "content_type": "application/toml", "ephemeral": true
    }});
    (option, resolved)
}
