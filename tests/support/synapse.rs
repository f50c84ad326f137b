//! A real Synapse homeserver on 127.0.0.1 for the Matrix tests, and the people who use it.
//!
//! Synapse is installed once from PyPI into `.synapse-venv/` at the repository root (ignored by
//! git; a lock file makes parallel test processes wait for one install), then started from a
//! config written into a temporary directory, on a free loopback port, with SQLite, no
//! federation and no rate limits. One homeserver serves a whole test binary ([`SYNAPSE`]); each
//! test registers its own users and rooms on it.
//!
//! Synapse runs with a watchdog thread that ends it when its stdin closes, which happens when
//! the test process exits however it exits: a shared static is never dropped.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The Synapse the tests were written against; a different one here reinstalls.
const SYNAPSE_PACKAGE: &str = "matrix-synapse==1.163.2";
/// Longest wait for the homeserver to answer after it starts.
const STARTUP: Duration = Duration::from_secs(90);
/// Longest wait for something the bot should do.
pub const WAIT: Duration = Duration::from_secs(30);
/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// Runs Synapse in this Python process, with a thread that ends it once stdin closes.
const WATCHDOG: &str = r#"
import os, runpy, sys, threading
def watch():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.argv = ["homeserver", "--config-path", sys.argv[1]]
runpy.run_module("synapse.app.homeserver", run_name="__main__")
"#;

/// The homeserver of this test binary, started on first use.
pub static SYNAPSE: LazyLock<Synapse> = LazyLock::new(Synapse::start);

pub struct Synapse {
    /// Its client-server API, `http://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Synapse {
    /// Installs Synapse if needed and starts it; a port taken in the meantime gets another try.
    fn start() -> Synapse {
        let python = venv().join("bin").join("python");
        let mut failures = Vec::new();
        for _ in 0..3 {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let port = free_port();
            let config = dir.path().join("homeserver.yaml");
            fs::write(&config, homeserver_yaml(dir.path(), port)).expect("config written");
            let log = File::create(dir.path().join("homeserver.log")).expect("log file");
            let started = Instant::now();
            let mut child = Command::new(&python)
                .args(["-c", WATCHDOG])
                .arg(&config)
                .stdin(Stdio::piped())
                .stdout(log.try_clone().expect("log file"))
                .stderr(log)
                .spawn()
                .expect("Synapse starts");
            if answers(&mut child, port) {
                eprintln!("Synapse answered on port {port} after {:.1} s", started.elapsed().as_secs_f64());
                return Synapse { url: format!("http://127.0.0.1:{port}"), child, _dir: dir };
            }
            let _ = child.kill();
            let _ = child.wait();
            failures.push(fs::read_to_string(dir.path().join("homeserver.log")).unwrap_or_default());
        }
        panic!("Synapse did not start; its logs:\n{}", failures.join("\n-----\n"));
    }

    /// A new account, logged in.
    pub async fn register(&self, name: &str) -> User {
        let http = reqwest::Client::new();
        let body = json!({ "username": name, "password": PASSWORD, "auth": { "type": "m.login.dummy" } });
        let answer =
            call(&http, reqwest::Method::POST, &format!("{}/_matrix/client/v3/register", self.url), "", &body).await;
        User {
            id: answer["user_id"].as_str().expect("registered").to_string(),
            token: answer["access_token"].as_str().expect("logged in").to_string(),
            http,
            url: self.url.clone(),
            seen: tokio::sync::Mutex::default(),
        }
    }
}

impl Drop for Synapse {
    /// Stops the homeserver by its pid (a Synapse that is not the shared static).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `.synapse-venv/` with Synapse installed: created with `python3 -m venv` and pip on first use.
fn venv() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".synapse-venv");
    let marker = venv.join("harbor-installed");
    let installed = || fs::read_to_string(&marker).is_ok_and(|m| m.trim() == SYNAPSE_PACKAGE);
    if installed() {
        return venv;
    }
    fs::create_dir_all(&venv).expect(".synapse-venv created");
    let lock = File::create(venv.join("install.lock")).expect("install lock");
    lock.lock().expect("install lock taken");
    if !installed() {
        let started = Instant::now();
        eprintln!("installing {SYNAPSE_PACKAGE} into {} (once)", venv.display());
        let log = venv.join("install.log");
        let pip = venv.join("bin").join("pip");
        run_logged(Command::new("python3").args(["-m", "venv"]).arg(&venv), &log);
        run_logged(Command::new(pip).args(["install", "--quiet", SYNAPSE_PACKAGE]), &log);
        fs::write(&marker, SYNAPSE_PACKAGE).expect("install marker");
        eprintln!("installed Synapse in {:.0} s", started.elapsed().as_secs_f64());
    }
    venv
}

fn run_logged(command: &mut Command, log: &Path) {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e} (is python3 installed?)"));
    let mut file = File::options().create(true).append(true).open(log).expect("install log");
    file.write_all(&output.stdout).and_then(|()| file.write_all(&output.stderr)).expect("install log written");
    assert!(
        output.status.success(),
        "{command:?} failed; installing Synapse needs python3 and PyPI:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Waits until `/_matrix/client/versions` answers 200; false if Synapse exits or takes too long.
fn answers(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + STARTUP;
    while Instant::now() < deadline {
        if child.try_wait().expect("Synapse's status").is_some() {
            return false;
        }
        let ok = TcpStream::connect(("127.0.0.1", port)).and_then(|mut stream| {
            stream.write_all(b"GET /_matrix/client/versions HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
            let mut head = [0; 12];
            stream.read_exact(&mut head)?;
            Ok(head.ends_with(b"200"))
        });
        if ok.unwrap_or(false) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A homeserver for tests only: loopback, SQLite, open registration, no federation, no limits.
fn homeserver_yaml(dir: &Path, port: u16) -> String {
    let dir = dir.display();
    let unlimited = "{per_second: 10000, burst_count: 10000}";
    format!(
        r#"server_name: localhost
pid_file: {dir}/homeserver.pid
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    resources: [{{names: [client], compress: false}}]
database:
  name: sqlite3
  args: {{database: {dir}/homeserver.db}}
media_store_path: {dir}/media
signing_key_path: {dir}/signing.key
registration_shared_secret: test-only
macaroon_secret_key: test-only
form_secret: test-only
report_stats: false
enable_metrics: false
url_preview_enabled: false
trusted_key_servers: []
federation_domain_whitelist: []
suppress_key_server_warning: true
enable_registration: true
enable_registration_without_verification: true
rc_message: {unlimited}
rc_registration: {unlimited}
rc_login: {{address: {unlimited}, account: {unlimited}, failed_attempts: {unlimited}}}
rc_joins: {{local: {unlimited}, remote: {unlimited}}}
rc_invites: {{per_room: {unlimited}, per_user: {unlimited}, per_issuer: {unlimited}}}
"#
    )
}

/// Someone with an account on the test homeserver.
pub struct User {
    pub id: String,
    pub token: String,
    http: reqwest::Client,
    url: String,
    seen: tokio::sync::Mutex<Seen>,
}

impl User {
    async fn api(&self, method: reqwest::Method, path: &str, body: &Value) -> Value {
        call(&self.http, method, &format!("{}/_matrix/client/v3/{path}", self.url), &self.token, body).await
    }

    /// A new room, with `options` as `createRoom` takes them.
    pub async fn create_room(&self, options: Value) -> String {
        let answer = self.api(reqwest::Method::POST, "createRoom", &options).await;
        answer["room_id"].as_str().expect("room created").to_string()
    }

    pub async fn invite(&self, room: &str, user: &str) {
        self.api(reqwest::Method::POST, &format!("rooms/{}/invite", encode(room)), &json!({ "user_id": user })).await;
    }

    pub async fn join(&self, room: &str) {
        self.api(reqwest::Method::POST, &format!("join/{}", encode(room)), &json!({})).await;
    }

    /// Sends a message event with this content; returns its id.
    pub async fn send(&self, room: &str, content: Value) -> String {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let txn = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let path = format!("rooms/{}/send/m.room.message/{txn}", encode(room));
        let answer = self.api(reqwest::Method::PUT, &path, &content).await;
        answer["event_id"].as_str().expect("sent").to_string()
    }

    /// Writes a line of text, as a person types it.
    pub async fn say(&self, room: &str, text: &str) -> String {
        self.send(room, json!({ "msgtype": "m.text", "body": text })).await
    }

    pub async fn set_state(&self, room: &str, kind: &str, content: Value) {
        self.api(reqwest::Method::PUT, &format!("rooms/{}/state/{kind}/", encode(room)), &content).await;
    }

    pub async fn state(&self, room: &str, kind: &str) -> Value {
        self.api(reqwest::Method::GET, &format!("rooms/{}/state/{kind}/", encode(room)), &Value::Null).await
    }

    /// Every event of the room this account has seen so far, oldest first, after one more look.
    pub async fn events(&self, room: &str) -> Vec<Value> {
        let mut seen = self.seen.lock().await;
        self.sync(&mut seen, Duration::ZERO).await;
        seen.rooms.get(room).cloned().unwrap_or_default()
    }

    /// Reads the room until `found` picks something out of its events. This account's sync
    /// wakes up as soon as anything happens, so there is no polling interval to wait out.
    pub async fn wait_for<T>(&self, room: &str, what: &str, found: impl Fn(&[Value]) -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        let mut seen = self.seen.lock().await;
        loop {
            let events = seen.rooms.get(room).map_or(&[][..], Vec::as_slice);
            if let Some(thing) = found(events) {
                return thing;
            }
            assert!(Instant::now() < deadline, "waited {WAIT:?} for {what}; the room has: {events:#?}");
            self.sync(&mut seen, Duration::from_secs(1)).await;
        }
    }

    /// Adds what happened since the last sync to `seen`, waiting up to `wait` for something.
    async fn sync(&self, seen: &mut Seen, wait: Duration) {
        let filter = json!({
            "room": { "timeline": { "limit": 100 }, "state": { "types": [] }, "ephemeral": { "types": [] } },
            "presence": { "types": [] },
            "account_data": { "types": [] },
        });
        let mut url = reqwest::Url::parse(&format!("{}/_matrix/client/v3/sync", self.url)).unwrap();
        url.query_pairs_mut()
            .append_pair("filter", &filter.to_string())
            .append_pair("timeout", &wait.as_millis().to_string());
        if let Some(since) = &seen.since {
            url.query_pairs_mut().append_pair("since", since);
        }
        let answer = call(&self.http, reqwest::Method::GET, url.as_str(), &self.token, &Value::Null).await;
        for (room, joined) in answer["rooms"]["join"].as_object().into_iter().flatten() {
            let events = joined["timeline"]["events"].as_array().into_iter().flatten().cloned();
            seen.rooms.entry(room.clone()).or_default().extend(events);
        }
        seen.since = answer["next_batch"].as_str().map(str::to_string);
    }
}

/// A room's events as one account has seen them through its sync.
#[derive(Default)]
struct Seen {
    since: Option<String>,
    rooms: HashMap<String, Vec<Value>>,
}

async fn call(http: &reqwest::Client, method: reqwest::Method, url: &str, token: &str, body: &Value) -> Value {
    let mut request = http.request(method.clone(), url);
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    if !body.is_null() {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status();
    let text = response.text().await.expect("an answer");
    assert!(status.is_success(), "{method} {url}: {status} {text}");
    serde_json::from_str(&text).expect("JSON")
}

/// A room id or alias as one part of a path.
fn encode(id: &str) -> String {
    id.replace('!', "%21").replace('#', "%23").replace(':', "%3A")
}
