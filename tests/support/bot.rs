//! The real bot (serenity + poise) running in the test process against a [`FakeDiscord`], and
//! the checks every end-to-end test ends with. (`tests/discord.rs` has an older copy of these.)

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::fake_discord::{
    CHANNEL_ID, FakeDiscord, FakeOptions, GUILD_ID, Member, Request, message_create, slash_command,
};
use harbor::content::Content;
use harbor::engine::Engine;
use harbor::store::{SledStore, Store};

/// How long a test waits for something that should happen.
pub const WAIT: Duration = Duration::from_secs(20);
/// How long a test waits to be sure the bot stays silent: ages on loopback.
pub const QUIET: Duration = Duration::from_millis(500);

/// A running bot and the fake it talks to.
pub struct Bot {
    pub fake: FakeDiscord,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
    data: tempfile::TempDir,
}

impl Bot {
    /// Starts the bot with its commands registered in [`GUILD_ID`] and a fresh data directory;
    /// returns once it is ready to answer.
    pub async fn start(options: FakeOptions) -> Bot {
        Bot::start_with(options, tempfile::tempdir().unwrap(), Some(GUILD_ID)).await
    }

    /// Starts the bot on an existing data directory, registering commands in `guild` (or
    /// globally).
    pub async fn start_with(options: FakeOptions, data: tempfile::TempDir, guild: Option<u64>) -> Bot {
        let fake = FakeDiscord::start(options).await;
        let store: Arc<dyn Store> = Arc::new(open_store(data.path()).await);
        let engine = Arc::new(Engine::new(Arc::new(Content::embedded()), store));
        let (stop, stopped) = oneshot::channel::<()>();
        let options = harbor::discord::Options { token: "fake-token".into(), guild, proxy: Some(fake.api_url()) };
        let task = tokio::spawn(harbor::discord::run(engine, options, async {
            let _ = stopped.await;
        }));
        fake.identified(WAIT).await;
        // Commands are registered once the bot is ready; after that it answers.
        fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT).await;
        Bot { fake, stop: Some(stop), task, data }
    }

    /// Checks that nothing sent could ping anyone, then stops the bot as Ctrl-C would; hands
    /// back its data directory.
    pub async fn stop(mut self) -> tempfile::TempDir {
        assert_no_pings(&self.fake.requests());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(WAIT, &mut self.task).await.expect("the bot stops").expect("no panic");
        result.expect("the bot stops cleanly");
        self.data
    }

    /// Runs a slash command in [`CHANNEL_ID`] and returns the callback body Harbor answered with.
    pub async fn command(&self, member: &Member, name: &str, options: Value) -> Value {
        self.answer_to(slash_command(GUILD_ID, CHANNEL_ID, member, name, options)).await
    }

    /// Sends an interaction and returns the body of Harbor's callback to it.
    pub async fn answer_to(&self, event: Value) -> Value {
        answer_to(&self.fake, event).await.body
    }

    /// Harbor's posts in a channel so far.
    pub fn posts(&self, channel: u64) -> Vec<Request> {
        self.fake.requests().into_iter().filter(|r| is_post_in(r, channel)).collect()
    }

    /// Waits for Harbor's `n`-th post in a channel (from 1) and returns its body.
    pub async fn post(&self, channel: u64, n: usize) -> Value {
        let posts = self.fake.wait_requests(|r| is_post_in(r, channel), n, WAIT).await;
        posts[n - 1].body.clone()
    }

    /// A chat message Harbor answers in its channel: the answer.
    pub async fn chat_answered(&self, channel: u64, author: &Member, text: &str) -> Value {
        let before = self.posts(channel).len();
        self.fake.send_event("MESSAGE_CREATE", message_create(GUILD_ID, channel, author.user_id, text)).await;
        self.post(channel, before + 1).await
    }

    /// A chat message Harbor leaves alone: no post in its channel within [`QUIET`], ages on
    /// loopback.
    pub async fn chat_unanswered(&self, channel: u64, author: &Member, text: &str) {
        let before = self.posts(channel).len();
        self.fake.send_event("MESSAGE_CREATE", message_create(GUILD_ID, channel, author.user_id, text)).await;
        tokio::time::sleep(QUIET).await;
        assert_eq!(self.posts(channel).len(), before, "no answer to {text:?} in {channel}");
    }
}

/// The store in `dir`, once a bot stopped a moment ago has let go of it (its gateway tasks end
/// just after it returns).
pub async fn open_store(dir: &std::path::Path) -> SledStore {
    for _ in 0..50 {
        if let Ok(store) = SledStore::open(dir) {
            return store;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    SledStore::open(dir).expect("the store opens")
}

/// Sends an interaction and waits for Harbor's callback to it (whatever the fake answered).
pub async fn answer_to(fake: &FakeDiscord, event: Value) -> Request {
    let id = event["id"].as_str().expect("interaction id").to_string();
    fake.send_event("INTERACTION_CREATE", event).await;
    let callback = format!("/interactions/{id}/");
    fake.wait_request(|r| r.method == "POST" && r.path.contains(&callback), WAIT).await
}

/// A message Harbor posted in `channel` (not an interaction answer).
pub fn is_post_in(request: &Request, channel: u64) -> bool {
    request.method == "POST" && request.path.ends_with(&format!("/channels/{channel}/messages"))
}

/// Every body the bot sent: allowed mentions present, parsing nothing, naming nobody.
pub fn assert_no_pings(requests: &[Request]) {
    for r in requests.iter().filter(|r| matches!(r.method.as_str(), "POST" | "PATCH")) {
        let body = &r.body;
        let Some(data) =
            body.get("data").or(Some(body)).filter(|d| d.get("embeds").is_some() || d.get("content").is_some())
        else {
            continue;
        };
        let mentions = &data["allowed_mentions"];
        assert!(mentions.is_object(), "{} {} has no allowed_mentions: {body}", r.method, r.path);
        assert_eq!(mentions["parse"], json!([]), "{} {}: {body}", r.method, r.path);
        for list in ["users", "roles"] {
            assert!(mentions[list].as_array().is_none_or(Vec::is_empty), "{} {}: {body}", r.method, r.path);
        }
        assert_ne!(mentions["replied_user"], json!(true), "{} {}: {body}", r.method, r.path);
    }
}

/// The text of the first embed of an interaction answer (type 4) or a posted message.
pub fn description(body: &Value) -> &str {
    body.get("data").unwrap_or(body)["embeds"][0]["description"].as_str().unwrap_or_default()
}

/// Whether an interaction answer is shown only to the person who asked.
pub fn ephemeral(answer: &Value) -> bool {
    answer["data"]["flags"].as_u64().is_some_and(|f| f & 64 != 0)
}

/// `data.options` for a subcommand.
pub fn sub(name: &str, options: Value) -> Value {
    json!([{ "name": name, "type": 1, "options": options }])
}

/// `data.options` for a subcommand in a group (`/config listen add`).
pub fn group(name: &str, sub_name: &str, options: Value) -> Value {
    json!([{ "name": name, "type": 2, "options": sub(sub_name, options) }])
}

/// A string option.
pub fn string(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": 3, "value": value })
}

/// An integer option; also how poise receives a fixed choice (its index in the list).
pub fn integer(name: &str, value: u64) -> Value {
    json!({ "name": name, "type": 4, "value": value })
}

/// A channel option (the fixtures add the `resolved` entry Discord sends with it).
pub fn channel(id: u64) -> Value {
    json!({ "name": "channel", "type": 7, "value": id.to_string() })
}
