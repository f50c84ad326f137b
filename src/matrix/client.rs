//! The few client-server API calls Harbor makes, on reqwest and serde_json: log in, sync, join,
//! send, read two state events, resolve an alias, upload a file. matrix-sdk would do much more
//! and needs a newer compiler; a bot needs only this.
//!
//! Request and response bodies are never logged: they hold people's messages.

use std::time::Duration;

use reqwest::{Method, Url};
use serde_json::{Value, json};

/// Longest wait for any call but a sync, which adds its own long-poll time to it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot reach the homeserver: {0}")]
    Network(#[source] reqwest::Error),
    #[error("the homeserver answered {status} {errcode}: {message}")]
    Refused { status: u16, errcode: String, message: String, retry_after: Option<Duration> },
    #[error("the homeserver's answer is not what Harbor expected: {0}")]
    Invalid(String),
}

impl Error {
    /// Worth trying again later: the network, a server error, or a rate limit.
    pub fn transient(&self) -> bool {
        match self {
            Error::Network(_) => true,
            Error::Refused { status, .. } => *status == 429 || *status >= 500,
            Error::Invalid(_) => false,
        }
    }

    /// How long the homeserver asked Harbor to wait (a rate limit).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Refused { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The access token is no longer valid: nothing but new credentials helps.
    pub fn unauthorized(&self) -> bool {
        matches!(self, Error::Refused { status: 401, .. })
    }
}

/// Who Harbor is logged in as.
pub struct Session {
    pub user_id: String,
    pub device_id: Option<String>,
    pub access_token: String,
}

/// A homeserver reached with one access token.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: String,
}

impl Client {
    /// A client for `homeserver` (its client-server API URL, such as `https://matrix.example.org`)
    /// before logging in.
    pub fn new(homeserver: &str) -> anyhow::Result<Client> {
        let base = Url::parse(homeserver)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && !url.cannot_be_a_base())
            .ok_or_else(|| {
                anyhow::anyhow!("--homeserver must be an http or https URL, such as https://matrix.example.org")
            })?;
        let http = reqwest::Client::builder().connect_timeout(CONNECT_TIMEOUT).build()?;
        Ok(Client { http, base, token: String::new() })
    }

    /// The same homeserver with this session's token.
    pub fn with_token(&self, token: String) -> Client {
        Client { token, ..self.clone() }
    }

    /// Logs in with a password. Reusing `device_id` keeps one device across restarts instead
    /// of adding one to the account's session list each time.
    pub async fn login(&self, user: &str, password: &str, device_id: Option<&str>) -> Result<Session, Error> {
        let mut body = json!({
            "type": "m.login.password",
            "identifier": { "type": "m.id.user", "user": user },
            "password": password,
            "initial_device_display_name": "Harbor",
        });
        if let Some(device) = device_id {
            body["device_id"] = json!(device);
        }
        let answer = self.call(Method::POST, &["login"], &[], Some(&body), REQUEST_TIMEOUT).await?;
        Ok(Session {
            user_id: string(&answer, "user_id")?,
            device_id: answer["device_id"].as_str().map(str::to_string),
            access_token: string(&answer, "access_token")?,
        })
    }

    /// Who this client's token belongs to.
    pub async fn whoami(&self) -> Result<Session, Error> {
        let answer = self.call(Method::GET, &["account", "whoami"], &[], None, REQUEST_TIMEOUT).await?;
        Ok(Session {
            user_id: string(&answer, "user_id")?,
            device_id: answer["device_id"].as_str().map(str::to_string),
            access_token: self.token.clone(),
        })
    }

    /// Waits up to `wait` for events after `since` (all of them, as the filter allows, if `None`).
    pub async fn sync(&self, since: Option<&str>, filter: &str, wait: Duration) -> Result<Value, Error> {
        let millis = wait.as_millis().to_string();
        let mut query = vec![("filter", filter), ("timeout", millis.as_str())];
        if let Some(since) = since {
            query.push(("since", since));
        }
        self.call(Method::GET, &["sync"], &query, None, REQUEST_TIMEOUT + wait).await
    }

    pub async fn join(&self, room: &str) -> Result<(), Error> {
        self.call(Method::POST, &["rooms", room, "join"], &[], Some(&json!({})), REQUEST_TIMEOUT).await.map(drop)
    }

    /// Sends a message event; `txn` makes a retry of the same send harmless (the homeserver
    /// keeps one event per transaction id). Returns the new event's id.
    pub async fn send(&self, room: &str, txn: &str, content: &Value) -> Result<String, Error> {
        let path = ["rooms", room, "send", "m.room.message", txn];
        let answer = self.call(Method::PUT, &path, &[], Some(content), REQUEST_TIMEOUT).await?;
        string(&answer, "event_id")
    }

    /// A room's state event of `kind` (state key ""), whole (with its sender); `None` if the room
    /// has none.
    pub async fn state_event(&self, room: &str, kind: &str) -> Result<Option<Value>, Error> {
        let path = ["rooms", room, "state", kind, ""];
        match self.call(Method::GET, &path, &[("format", "event")], None, REQUEST_TIMEOUT).await {
            Ok(event) => Ok(Some(event)),
            Err(Error::Refused { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The room an alias (`#name:server`) points to.
    pub async fn resolve_alias(&self, alias: &str) -> Result<String, Error> {
        let answer = self.call(Method::GET, &["directory", "room", alias], &[], None, REQUEST_TIMEOUT).await?;
        string(&answer, "room_id")
    }

    /// Uploads a text file and returns its `mxc://` URI.
    pub async fn upload(&self, name: &str, text: &str) -> Result<String, Error> {
        let request = self
            .http
            .post(self.url(&["media", "v3", "upload"]))
            .query(&[("filename", name)])
            .timeout(REQUEST_TIMEOUT)
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(text.to_string());
        let answer = answer(request.send().await).await?;
        string(&answer, "content_uri")
    }

    /// `<homeserver>/_matrix/<path>`, each part percent-encoded on its own, so room and event
    /// ids (`!a:b`, `$c`) are safe in it.
    fn url(&self, path: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut().expect("checked in new").pop_if_empty().push("_matrix").extend(path);
        url
    }

    /// One call to the client API, `/_matrix/client/v3/<path>`.
    async fn call(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<&Value>,
        timeout: Duration,
    ) -> Result<Value, Error> {
        let path: Vec<&str> = ["client", "v3"].iter().chain(path).copied().collect();
        let mut request = self.http.request(method, self.url(&path)).query(query).timeout(timeout);
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        if let Some(body) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_string());
        }
        answer(request.send().await).await
    }
}

/// A response as JSON, or the homeserver's error (`errcode`, `error`, `retry_after_ms`).
async fn answer(sent: Result<reqwest::Response, reqwest::Error>) -> Result<Value, Error> {
    let response = sent.map_err(Error::Network)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(Error::Network)?;
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status.is_success() {
        return if value.is_object() {
            Ok(value)
        } else {
            Err(Error::Invalid(format!("{status} with no JSON object")))
        };
    }
    Err(Error::Refused {
        status: status.as_u16(),
        errcode: value["errcode"].as_str().unwrap_or("").to_string(),
        message: value["error"].as_str().unwrap_or("").to_string(),
        retry_after: value["retry_after_ms"].as_u64().map(Duration::from_millis),
    })
}

fn string(value: &Value, key: &str) -> Result<String, Error> {
    value[key].as_str().map(str::to_string).ok_or_else(|| Error::Invalid(format!("no {key}")))
}
