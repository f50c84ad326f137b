//! `harbor matrix` end to end: the real bot against a real Synapse homeserver on 127.0.0.1
//! (`support/synapse.rs` installs and starts it, once for this whole file). People are test
//! accounts that create rooms, invite Harbor and write in them.
//!
//! Harbor handles a room's events in order, so "no answer" is checked without sleeping: a
//! command sent after the message is answered, and then the message must still have none.

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use harbor::content::{Content, Msg};
use harbor::engine::{Context, Engine, Place};
use harbor::matrix::{Auth, DEFAULT_MODERATOR_LEVEL, DEFAULT_PREFIX, Options};
use harbor::reply::Reply;
use harbor::store::{MemoryStore, SledStore, Store};
use support::synapse::{PASSWORD, SYNAPSE, User, WAIT};

/// Harbor running in this process as `id`, with its data in `data`.
struct Bot {
    id: String,
    store: Arc<SledStore>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
    data: tempfile::TempDir,
}

impl Bot {
    fn start(id: &str, data: tempfile::TempDir) -> Bot {
        let store = Arc::new(SledStore::open(data.path()).expect("the store opens"));
        let engine = Arc::new(Engine::new(Arc::new(Content::embedded()), store.clone() as Arc<dyn Store>));
        let options = Options {
            homeserver: SYNAPSE.url.clone(),
            user: id.to_string(),
            auth: Auth::Password(PASSWORD.to_string()),
            prefix: DEFAULT_PREFIX.to_string(),
            moderator_level: DEFAULT_MODERATOR_LEVEL,
            store: store.clone(),
        };
        let (stop, task) = spawn(engine, options);
        Bot { id: id.to_string(), store, stop: Some(stop), task, data }
    }

    /// Stops Harbor as Ctrl-C would, checks it stopped cleanly, and hands back its data.
    async fn stop(mut self) -> tempfile::TempDir {
        let _ = self.stop.take().expect("running").send(());
        let result = tokio::time::timeout(WAIT, &mut self.task).await.expect("Harbor stops").expect("no panic");
        result.expect("Harbor stops cleanly");
        drop(self.store);
        self.data
    }
}

fn spawn(engine: Arc<Engine>, options: Options) -> (oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(harbor::matrix::run(engine, options, async {
        let _ = stopped.await;
    }));
    (stop, task)
}

/// A room made by a moderator (its creator), with a member in it and Harbor invited.
struct Scene {
    bot: Bot,
    moderator: User,
    member: User,
    room: String,
}

impl Scene {
    /// Accounts named after the test, Harbor started, and the room with Harbor in it.
    async fn new(test: &str) -> Scene {
        let (bot_account, moderator, member) = accounts(test).await;
        let bot = Bot::start(&bot_account.id, tempfile::tempdir().unwrap());
        let room = moderator.create_room(json!({ "invite": [member.id, bot.id] })).await;
        member.join(&room).await;
        wait_joined(&moderator, &room, &bot.id).await;
        Scene { bot, moderator, member, room }
    }

    /// Writes `text` as `user` and returns Harbor's reply to it.
    async fn ask(&self, user: &User, text: &str) -> Value {
        ask_in(&self.bot.id, user, &self.room, text).await
    }

    /// Writes `text` as `user` and checks that Harbor leaves it alone.
    async fn unanswered(&self, user: &User, text: &str) {
        unanswered_in(&self.bot.id, user, &self.room, text).await;
    }

    /// The details Harbor put in a thread under its reply.
    async fn details(&self, reply: &Value) -> Value {
        let root = reply["event_id"].as_str().unwrap().to_string();
        self.member.wait_for(&self.room, "details in a thread", |events| thread(events, &root).first().cloned()).await
    }
}

async fn accounts(test: &str) -> (User, User, User) {
    let names = [format!("{test}-harbor"), format!("{test}-moderator"), format!("{test}-member")];
    tokio::join!(SYNAPSE.register(&names[0]), SYNAPSE.register(&names[1]), SYNAPSE.register(&names[2]))
}

async fn wait_joined(viewer: &User, room: &str, who: &str) {
    viewer
        .wait_for(room, &format!("{who} to join"), |events| {
            events
                .iter()
                .any(|e| e["type"] == "m.room.member" && e["state_key"] == who && e["content"]["membership"] == "join")
                .then_some(())
        })
        .await;
}

async fn ask_in(bot: &str, user: &User, room: &str, text: &str) -> Value {
    let id = user.say(room, text).await;
    user.wait_for(room, &format!("an answer to {text:?}"), |events| replies(events, bot, &id).first().cloned()).await
}

async fn unanswered_in(bot: &str, user: &User, room: &str, text: &str) {
    let id = user.say(room, text).await;
    ask_in(bot, user, room, "!harbor ping").await;
    let events = user.events(room).await;
    assert!(replies(&events, bot, &id).is_empty(), "no answer to {text:?}: {events:#?}");
}

/// Harbor's replies to the event `to`.
fn replies(events: &[Value], bot: &str, to: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["sender"] == bot && e["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == to)
        .cloned()
        .collect()
}

/// The events of the thread under `root`.
fn thread(events: &[Value], root: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| {
            e["content"]["m.relates_to"]["rel_type"] == "m.thread" && e["content"]["m.relates_to"]["event_id"] == root
        })
        .cloned()
        .collect()
}

/// Harbor's events in a room.
fn from_bot(events: &[Value], bot: &str) -> Vec<Value> {
    events.iter().filter(|e| e["sender"] == bot && e["type"] == "m.room.message").cloned().collect()
}

/// An `m.notice` with plain and HTML text that can notify nobody.
fn assert_quiet_notice(event: &Value) {
    let content = &event["content"];
    assert_eq!(content["msgtype"], "m.notice", "{event:#}");
    assert_eq!(content["m.mentions"], json!({}), "mentions no one: {event:#}");
    assert_eq!(content["format"], "org.matrix.custom.html", "{event:#}");
    assert!(content["formatted_body"].is_string() && content["body"].is_string(), "{event:#}");
}

fn body(event: &Value) -> &str {
    event["content"]["body"].as_str().unwrap_or("")
}

/// What the engine answers to a command line in `room`, to compare with what Harbor sent.
fn expected(room: &str, line: &str) -> Reply {
    engine().command(context(room), &harbor::command::parse(line).expect("a command"))
}

fn engine() -> Engine {
    Engine::new(Arc::new(Content::embedded()), Arc::new(MemoryStore::default()))
}

fn context(room: &str) -> Context<'_> {
    Context { community: room, moderator: false, actor: "test", user: "test" }
}

/// An engine text as it reads on Matrix, where a command is typed after the prefix (these
/// texts have no other slash at the start of a word).
fn on_matrix(text: &str) -> String {
    let slash = regex::Regex::new(r"(^|[\s`(])/([a-z])").unwrap();
    slash.replace_all(text, "${1}!harbor ${2}").into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_get_the_engines_texts_with_the_details_in_a_thread() {
    let scene = Scene::new("commands").await;
    let asked = [
        ("!harbor overdose", "/overdose"),
        ("!harbor saferuse fent", "/saferuse fent"),
        ("!harbor combo alcohol heroin", "/combo alcohol heroin"),
        ("!harbor combo alcohol heroin cocaine", "/combo alcohol heroin cocaine"),
        ("!harbor naloxone", "/naloxone"),
        ("  !HARBOR   testing", "/testing"),
        ("!harbor resources", "/resources"),
    ];
    for (typed, line) in asked {
        let expected = expected(&scene.room, line);
        let reply = scene.ask(&scene.member, typed).await;
        assert_quiet_notice(&reply);
        let text = body(&reply);
        let title = if expected.title.is_empty() { String::new() } else { format!("{}\n", expected.title) };
        assert!(text.starts_with(&title), "{typed}: the title first: {text}");
        assert!(text.contains(&on_matrix(&expected.body)), "{typed}: the engine's text: {text}");
        let html = reply["content"]["formatted_body"].as_str().unwrap();
        assert_eq!(html.starts_with("<strong>"), !title.is_empty(), "{typed}: the title in bold: {html}");
        assert!(!html.contains('\n'), "{typed}: line breaks as <br>: {html}");
        if let Some(footer) = &expected.footer {
            assert!(text.ends_with(&format!("({})", on_matrix(footer))), "{typed}: the footer last: {text}");
        }
        let sections = expected.more.map(|more| more.sections).unwrap_or_default();
        if let Some(first) = sections.first() {
            let details = scene.details(&reply).await;
            assert_quiet_notice(&details);
            assert!(body(&details).starts_with(&first.title), "{typed}: details in the thread: {details:#}");
            assert!(body(&details).contains(&sections.last().unwrap().title), "{typed}: every section: {details:#}");
        }
    }

    let help = scene.ask(&scene.member, "!harbor").await;
    let help_text = body(&help);
    assert!(help_text.starts_with(engine().content().messages.template(Msg::HelpTitle)), "{help_text}");
    assert!(help_text.contains("`!harbor overdose [opioid|stimulant|mixed]`"), "commands as typed here: {help_text}");
    assert!(!help_text.contains("`/"), "no slash commands, which Matrix clients keep for themselves: {help_text}");

    let unknown = scene.ask(&scene.member, "!harbor dance @everyone <b>").await;
    assert_quiet_notice(&unknown);
    assert!(body(&unknown).contains("`dance`") && body(&unknown).contains("`!harbor help`"), "{unknown:#}");
    let events = scene.member.events(&scene.room).await;
    assert!(from_bot(&events, &scene.bot.id).iter().all(|e| e["content"]["msgtype"] == "m.notice"), "{events:#?}");
    scene.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crisis_messages_get_a_quiet_reply_only_where_moderators_enabled_it() {
    let scene = Scene::new("crisis").await;
    let (member, moderator) = (&scene.member, &scene.moderator);
    scene.unanswered(member, "my friend is not breathing").await;

    let enabled = scene.ask(moderator, "!harbor config listen add here").await;
    assert!(body(&enabled).contains(&scene.room), "the room is named by its id: {enabled:#}");
    let listening = scene.bot.store.settings(&scene.room).unwrap().listen;
    assert!(listening.len() == 1 && listening.contains(&scene.room), "{listening:?}");

    let message = member.say(&scene.room, "my friend is not breathing").await;
    let reply = member
        .wait_for(&scene.room, "the crisis reply", |events| replies(events, &scene.bot.id, &message).first().cloned())
        .await;
    assert_quiet_notice(&reply);
    assert_eq!(reply["content"]["m.relates_to"], json!({ "m.in_reply_to": { "event_id": message } }), "a plain reply");
    let crisis =
        engine().message(context(&scene.room), Place::Direct, "my friend is not breathing", std::time::Instant::now());
    let crisis = crisis.and_then(|c| c.reply).expect("an emergency");
    assert_eq!(body(&reply), crisis.body, "the engine's words");
    let steps = scene.details(&reply).await;
    assert!(body(&steps).starts_with(&crisis.more.unwrap().sections[0].title), "the steps under it: {steps:#}");

    scene.unanswered(member, "he's turning blue").await; // the room is on cooldown
    scene.ask(moderator, "!harbor config cooldown 0").await;
    scene.ask(member, "!harbor optout").await;
    scene.unanswered(member, "he's turning blue").await;
    scene.ask(member, "!harbor optin").await;
    scene.ask(member, "he's turning blue").await;
    scene.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_go_to_the_moderators_room_named_by_its_alias_without_the_message() {
    let scene = Scene::new("alerts").await;
    let moderator = &scene.moderator;
    let mods = moderator.create_room(json!({ "room_alias_name": "alerts-mods", "invite": [scene.bot.id] })).await;
    wait_joined(moderator, &mods, &scene.bot.id).await;
    scene.ask(moderator, "!harbor config listen add here").await;
    scene.ask(moderator, "!harbor config crisis both").await;
    let set = scene.ask(moderator, "!harbor config alert #alerts-mods:localhost").await;
    assert!(body(&set).contains(&mods), "the alias is read as its room: {set:#}");
    let missing = scene.ask(moderator, "!harbor config alert #nowhere:localhost").await;
    assert!(body(&missing).contains("isn't a channel I can use"), "{missing:#}");

    let message = scene.member.say(&scene.room, "Quillfeather won't wake up and her lips are blue").await;
    let link = format!("https://matrix.to/#/{}/{message}", scene.room);
    let alert = moderator
        .wait_for(&mods, "the alert", |events| {
            from_bot(events, &scene.bot.id).into_iter().find(|e| body(e).contains(&link))
        })
        .await;
    assert_quiet_notice(&alert);
    assert!(!body(&alert).contains("Quillfeather"), "never the message itself: {alert:#}");
    scene
        .member
        .wait_for(&scene.room, "the crisis reply", |events| replies(events, &scene.bot.id, &message).first().cloned())
        .await;
    scene.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_members_with_power_level_50_change_settings() {
    let scene = Scene::new("moderators").await;
    let helper = SYNAPSE.register("moderators-helper").await;
    scene.moderator.invite(&scene.room, &helper.id).await;
    helper.join(&scene.room).await;
    let settings = || scene.bot.store.settings(&scene.room).unwrap();

    let refused = scene.ask(&scene.member, "!harbor config region ca").await;
    let not_moderator = engine().content().messages.template(Msg::NotModerator).to_string();
    assert_eq!(body(&refused), not_moderator);
    assert_eq!(settings().region, None, "nothing changed");
    assert_eq!(body(&scene.ask(&helper, "!harbor config emergency 112").await), not_moderator, "level 0");

    let mut levels = scene.moderator.state(&scene.room, "m.room.power_levels").await;
    levels["users"][&helper.id] = json!(50);
    scene.moderator.set_state(&scene.room, "m.room.power_levels", levels).await;
    let done = scene.ask(&helper, "!harbor config emergency 112").await;
    assert!(body(&done).contains("112"), "a moderator by power level, read at the time: {done:#}");
    assert_eq!(settings().emergency.as_deref(), Some("112"));

    let done = scene.ask(&scene.moderator, "!harbor config region ca").await;
    assert!(body(&done).starts_with("Region set to Canada"), "the room's creator: {done:#}");
    assert_eq!(settings().region.as_deref(), Some("ca"));
    assert_eq!(settings().history.last().unwrap().actor, scene.moderator.id, "the history names them");
    scene.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_export_settings_as_a_code_block_and_import_them_pasted() {
    let scene = Scene::new("transfer").await;
    scene.ask(&scene.moderator, "!harbor config region ca").await;
    let exported = scene.ask(&scene.moderator, "!harbor config export").await;
    let file = scene.details(&exported).await;
    assert_quiet_notice(&file);
    let text = body(&file);
    assert!(text.contains("```toml\n") && text.contains("region = \"ca\""), "{text}");
    assert!(file["content"]["formatted_body"].as_str().unwrap().contains("<pre><code class=\"language-toml\">"));

    let toml = text.split_once("```toml\n").unwrap().1.trim_end_matches("```").replace("\"ca\"", "\"nz\"");
    let preview = scene.ask(&scene.moderator, &format!("!harbor config import\n```toml\n{toml}```")).await;
    assert!(body(&preview).contains("Dry run"), "{preview:#}");
    assert_eq!(scene.bot.store.settings(&scene.room).unwrap().region.as_deref(), Some("ca"));
    let refused = scene.ask(&scene.member, &format!("!harbor config import apply\n{toml}")).await;
    assert!(body(&refused).contains("Only moderators"), "{refused:#}");
    let applied = scene.ask(&scene.moderator, &format!("!harbor config import apply\n```toml\n{toml}```")).await;
    assert!(body(&applied).starts_with("Imported"), "{applied:#}");
    assert_eq!(scene.bot.store.settings(&scene.room).unwrap().region.as_deref(), Some("nz"));

    // Settings too large for one event (64 KiB) are uploaded as a file instead.
    scene
        .bot
        .store
        .update(&scene.room, &mut |s| {
            for (i, topic) in harbor::command::TOPIC_COMMANDS.iter().enumerate() {
                s.overrides.insert((*topic).to_string(), format!("{i} {}", "Long text. ".repeat(300)));
            }
        })
        .unwrap();
    let exported = scene.ask(&scene.moderator, "!harbor config export").await;
    let file = scene.details(&exported).await;
    assert_eq!(file["content"]["msgtype"], "m.file", "{file:#}");
    assert!(file["content"]["url"].as_str().unwrap().starts_with("mxc://"), "{file:#}");
    assert_eq!(file["content"]["m.mentions"], json!({}));
    scene.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_answers_what_came_while_it_was_down_once_and_nothing_twice() {
    let (bot_account, moderator, member) = accounts("restart").await;
    let room = moderator.create_room(json!({ "invite": [member.id, bot_account.id] })).await;
    member.join(&room).await;
    let backlog = member.say(&room, "!harbor overdose").await;

    // First start ever: the invitation waiting for it is accepted, the backlog left alone.
    let bot = Bot::start(&bot_account.id, tempfile::tempdir().unwrap());
    wait_joined(&moderator, &room, &bot.id).await;
    let answered = ask_in(&bot.id, &member, &room, "!harbor naloxone").await;
    let data = bot.stop().await;

    let missed = member.say(&room, "!harbor testing").await;
    let bot = Bot::start(&bot_account.id, data);
    let reply = member
        .wait_for(&room, "an answer to what was sent while Harbor was down", |events| {
            replies(events, &bot.id, &missed).first().cloned()
        })
        .await;
    assert!(body(&reply).contains("test"), "{reply:#}");
    unanswered_in(&bot.id, &member, &room, "just chatting").await;
    let events = member.events(&room).await;
    assert!(replies(&events, &bot.id, &backlog).is_empty(), "the backlog from before Harbor started");
    let answered_to = answered["content"]["m.relates_to"]["m.in_reply_to"]["event_id"].as_str().unwrap();
    assert_eq!(replies(&events, &bot.id, answered_to).len(), 1, "not answered again after the restart");
    assert_eq!(replies(&events, &bot.id, &missed).len(), 1, "answered once");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn says_once_that_it_cannot_read_an_encrypted_room() {
    let scene = Scene::new("encrypted").await;
    let note = engine().notice(context(&scene.room), Msg::EncryptedRoom, &[]).body;
    let notes = |events: &[Value]| from_bot(events, &scene.bot.id).into_iter().filter(|e| body(e) == note).count();
    let encryption = json!({ "algorithm": "m.megolm.v1.aes-sha2" });

    let secret = scene
        .moderator
        .create_room(json!({
            "invite": [scene.bot.id],
            "initial_state": [{ "type": "m.room.encryption", "state_key": "", "content": encryption }],
        }))
        .await;
    scene.moderator.wait_for(&secret, "the note", |events| (notes(events) > 0).then_some(())).await;
    // Test accounts write in the clear, so Harbor still sees this command and answers it.
    unanswered_in(&scene.bot.id, &scene.moderator, &secret, "hello").await;
    assert_eq!(notes(&scene.moderator.events(&secret).await), 1, "said once, on joining");

    scene.moderator.set_state(&scene.room, "m.room.encryption", encryption).await;
    scene.moderator.wait_for(&scene.room, "the note", |events| (notes(events) > 0).then_some(())).await;
    scene.unanswered(&scene.member, "hello").await;
    let events = scene.member.events(&scene.room).await;
    assert_eq!(notes(&events), 1, "said once, when encryption was turned on");
    assert_quiet_notice(from_bot(&events, &scene.bot.id).iter().find(|e| body(e) == note).unwrap());
    scene.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeps_trying_while_the_homeserver_cannot_be_reached_and_stops_when_asked() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let content = Arc::new(Content::embedded());
    let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
    let options = Options {
        homeserver: format!("http://127.0.0.1:{closed}"),
        user: "@harbor:localhost".into(),
        auth: Auth::AccessToken("unused".into()),
        prefix: DEFAULT_PREFIX.into(),
        moderator_level: DEFAULT_MODERATOR_LEVEL,
        store: store.clone(),
    };
    let (stop, mut task) = spawn(Arc::new(Engine::new(content, store)), options);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!task.is_finished(), "a homeserver that cannot be reached is waited for");
    let _ = stop.send(());
    let result = tokio::time::timeout(WAIT, &mut task).await.expect("stops at once").expect("no panic");
    result.expect("stops cleanly");
}

#[test]
fn the_binary_takes_credentials_only_from_the_environment_or_a_file() {
    let out = assert_cmd::Command::cargo_bin("harbor")
        .unwrap()
        .args(["matrix", "--homeserver", "http://127.0.0.1:9", "--user", "@harbor:localhost"])
        .env_remove("MATRIX_PASSWORD")
        .env_remove("MATRIX_ACCESS_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("MATRIX_PASSWORD") && stderr.contains("--password-file"), "{stderr}");
    let help = assert_cmd::Command::cargo_bin("harbor").unwrap().args(["matrix", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(!help.contains("--password ") && !help.contains("--token "), "no secret on the command line: {help}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_logs_neither_chat_text_nor_the_token() {
    let (bot_account, moderator, member) = accounts("binary").await;
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("harbor.log");
    let harbor = std::process::Command::new(assert_cmd::cargo::cargo_bin("harbor"))
        .args(["matrix", "--homeserver", &SYNAPSE.url, "--user", &bot_account.id])
        .env("HARBOR_DATA", data.path().join("store"))
        .env("MATRIX_ACCESS_TOKEN", &bot_account.token)
        .env("RUST_LOG", "trace")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut harbor = Process(harbor);
    let room = moderator.create_room(json!({ "invite": [member.id, bot_account.id] })).await;
    member.join(&room).await;
    wait_joined(&moderator, &room, &bot_account.id).await;
    ask_in(&bot_account.id, &moderator, &room, "!harbor config listen add here").await;
    ask_in(&bot_account.id, &member, &room, "Quillfeather is not breathing near Marrowgate").await;

    let killed = std::process::Command::new("kill").args(["-TERM", &harbor.0.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert!(harbor.0.wait().unwrap().success(), "SIGTERM stops it cleanly");
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(logs.contains("crisis reply"), "trace logging was on: {logs}");
    for secret in ["Quillfeather", "Marrowgate", bot_account.token.as_str()] {
        assert!(!logs.contains(secret), "{secret:?} in the logs: {logs}");
    }
    for entry in support::files_under(&data.path().join("store")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Marrowgate"), "chat text stored in {}", entry.display());
    }
}

/// A process this test started, killed if the test ends early.
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
