//! Checks the fake Discord used by end-to-end tests.
//!
//! Serenity silently drops a gateway event it cannot deserialize, so a wrong fixture makes an
//! end-to-end test hang instead of fail. These tests parse every fixture with serenity's own model
//! types and fail loudly, then drive the fake with serenity's `Http` and a minimal `Client`.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use serenity::all::{
    ApplicationId, ChannelId, ClientBuilder, CommandOptionType, ComponentInteractionDataKind, Context, CreateActionRow,
    CreateAllowedMentions, CreateAttachment, CreateButton, CreateCommand, CreateCommandOption, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, EditInteractionResponse, EventHandler, GatewayIntents, GuildId, HttpBuilder, InteractionContext,
    Permissions, ResolvedValue,
};
use serenity::http::{Http, HttpError};
use serenity::model::application::{ActionRowComponent, CommandInteraction, CurrentApplicationInfo, Interaction};
use serenity::model::channel::Message;
use serenity::model::event::{Event, GatewayEvent};
use serenity::model::gateway::Ready;
use support::fake_discord::*;
use tokio::sync::mpsc;

fn parse_interaction(v: &Value) -> Interaction {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("fixture is not a serenity Interaction: {e}\n{v:#}"))
}

fn parse_dispatch(name: &str, d: &Value) -> Event {
    let frame = dispatch_frame(name, 7, d.clone());
    match serde_json::from_value::<GatewayEvent>(frame).expect("frame is a GatewayEvent") {
        GatewayEvent::Dispatch(7, event) => {
            assert!(!matches!(event, Event::Unknown(_)), "serenity would drop this {name} as an unknown event");
            event
        }
        other => panic!("{name} frame parsed as {other:?}"),
    }
}

fn http_for(fake: &FakeDiscord) -> Http {
    HttpBuilder::new("Bot fake-token")
        .proxy(fake.api_url())
        .ratelimiter_disabled(true)
        .application_id(ApplicationId::new(fake.options().application_id))
        .build()
}

/// The HTTP status of a failed serenity request.
fn status_of(error: &serenity::Error) -> u16 {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => response.status_code.as_u16(),
        other => panic!("expected an unsuccessful HTTP request, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures parse as serenity models
// ---------------------------------------------------------------------------------------------

#[test]
fn slash_command_fixture_is_a_command_interaction() {
    let options = json!([{
        "name": "set",
        "type": 1,
        "options": [
            {"name": "text", "type": 3, "value": "hello"},
            {"name": "who", "type": 6, "value": MEMBER_ID.to_string()},
            {"name": "count", "type": 4, "value": 3},
        ],
    }]);
    let v = slash_command(GUILD_ID, CHANNEL_ID, &Member::moderator(), "topic", options);
    let Interaction::Command(command) = parse_interaction(&v) else { panic!("not a Command: {v:#}") };

    assert_eq!(command.data.name, "topic");
    assert_eq!(command.id.get().to_string(), v["id"].as_str().unwrap());
    assert_eq!(command.token, v["token"].as_str().unwrap());
    assert_eq!(command.guild_id, Some(GuildId::new(GUILD_ID)));
    assert_eq!(command.channel_id, ChannelId::new(CHANNEL_ID));
    assert_eq!(command.user.id.get(), MODERATOR_ID, "serenity copies member.user into user");
    let member = command.member.as_ref().expect("member");
    assert!(member.permissions.unwrap().contains(Permissions::MANAGE_GUILD));
    assert_eq!(command.app_permissions, Some(Permissions::from_bits_truncate(DEFAULT_BOT_PERMISSIONS)));
    assert_eq!(command.context, Some(InteractionContext::Guild));

    let [sub] = command.data.options().try_into().expect("one subcommand");
    assert_eq!(sub.name, "set");
    let ResolvedValue::SubCommand(inner) = sub.value else { panic!("not a subcommand") };
    assert!(matches!(inner[0].value, ResolvedValue::String("hello")));
    assert!(
        matches!(inner[1].value, ResolvedValue::User(user, Some(_)) if user.id.get() == MEMBER_ID),
        "user options are resolved"
    );
    assert!(matches!(inner[2].value, ResolvedValue::Integer(3)));

    let again = slash_command(GUILD_ID, CHANNEL_ID, &Member::member(), "topic", json!([]));
    assert_ne!(again["id"], v["id"]);
    assert_ne!(again["token"], v["token"]);
    let Interaction::Command(plain) = parse_interaction(&again) else { panic!("not a Command") };
    assert!(!plain.member.unwrap().permissions.unwrap().contains(Permissions::MANAGE_GUILD));
}

#[test]
fn dm_slash_command_fixture_is_a_command_interaction_without_guild() {
    let v = dm_slash_command(dm_channel_id(MEMBER_ID), MEMBER_ID, "help", json!([]));
    let Interaction::Command(command) = parse_interaction(&v) else { panic!("not a Command: {v:#}") };
    assert_eq!(command.data.name, "help");
    assert_eq!(command.guild_id, None);
    assert!(command.member.is_none());
    assert_eq!(command.user.id.get(), MEMBER_ID);
    assert_eq!(command.context, Some(InteractionContext::BotDm));
}

#[test]
fn autocomplete_fixture_is_an_autocomplete_interaction() {
    let options = json!([{
        "name": "show",
        "type": 1,
        "options": [{"name": "topic", "type": 3, "value": "cris", "focused": true}],
    }]);
    let v = autocomplete(GUILD_ID, CHANNEL_ID, &Member::member(), "topic", options);
    let Interaction::Autocomplete(command) = parse_interaction(&v) else { panic!("not Autocomplete: {v:#}") };
    let focused = command.data.autocomplete().expect("a focused option");
    assert_eq!((focused.name, focused.value), ("topic", "cris"));
}

#[test]
fn button_fixture_is_a_component_interaction() {
    let message_id = next_id();
    let v = button(GUILD_ID, CHANNEL_ID, &Member::moderator(), "confirm:42", message_id);
    let Interaction::Component(component) = parse_interaction(&v) else { panic!("not a Component: {v:#}") };
    assert_eq!(component.data.custom_id, "confirm:42");
    assert!(matches!(component.data.kind, ComponentInteractionDataKind::Button));
    assert_eq!(component.message.id.get(), message_id);
    assert_eq!(component.message.author.id.get(), BOT_USER_ID);
    assert_eq!(component.message.components.len(), 1, "the message carries the button");
    assert_eq!(component.user.id.get(), MODERATOR_ID);
}

#[test]
fn modal_fixture_is_a_modal_interaction() {
    let v = modal_submit(GUILD_ID, CHANNEL_ID, &Member::moderator(), "edit:topic", &[("title", "T"), ("body", "B")]);
    let Interaction::Modal(modal) = parse_interaction(&v) else { panic!("not a Modal: {v:#}") };
    assert_eq!(modal.data.custom_id, "edit:topic");
    let fields: Vec<(String, Option<String>)> = modal
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .map(|c| match c {
            ActionRowComponent::InputText(input) => (input.custom_id.clone(), input.value.clone()),
            other => panic!("unexpected component {other:?}"),
        })
        .collect();
    assert_eq!(fields, [("title".into(), Some("T".into())), ("body".into(), Some("B".into()))]);
}

#[test]
fn message_create_fixtures_are_messages() {
    let v = message_create(GUILD_ID, CHANNEL_ID, 7777, "I need help");
    let message: Message = serde_json::from_value(v.clone()).expect("message_create is a serenity Message");
    assert_eq!(message.content, "I need help");
    assert_eq!(message.guild_id, Some(GuildId::new(GUILD_ID)));
    assert_eq!(message.author.id.get(), 7777);
    assert!(!message.author.bot);
    assert!(message.member.is_some());

    let dm: Message = serde_json::from_value(dm_message_create(dm_channel_id(7777), 7777, "hi")).expect("DM message");
    assert_eq!(dm.guild_id, None);
    assert_ne!(dm.id, message.id);
}

#[test]
fn guild_create_payloads_are_guilds() {
    let opts = FakeOptions::default();
    let v = guild_create_payload(&opts, &opts.guilds[0]);
    let guild: serenity::model::guild::Guild = serde_json::from_value(v).expect("GUILD_CREATE is a serenity Guild");
    assert_eq!(guild.id.get(), GUILD_ID);
    let mut channels: Vec<u64> = guild.channels.keys().map(|c| c.get()).collect();
    channels.sort();
    assert_eq!(channels, [CHANNEL_ID, OTHER_CHANNEL_ID]);
    let bot = guild.members.get(&BOT_USER_ID.into()).expect("the bot is a member");
    assert!(bot.user.bot);
    let bot_role = &guild.roles[&bot_role_id(GUILD_ID).into()];
    assert_eq!(bot_role.permissions.bits(), DEFAULT_BOT_PERMISSIONS);
    assert!(guild.roles.contains_key(&GUILD_ID.into()), "@everyone has the guild's id");

    let many = Guild::many(1000);
    assert_eq!(many.len(), 1000);
    for g in [&many[0], &many[999]] {
        let parsed: serenity::model::guild::Guild =
            serde_json::from_value(guild_create_payload(&opts, g)).expect("Guild::many guild parses");
        assert_eq!(parsed.channels.len(), 1);
    }
}

#[test]
fn ready_and_application_payloads_parse() {
    let opts = FakeOptions { guilds: Guild::many(3), ..FakeOptions::default() };
    let ready: Ready =
        serde_json::from_value(ready_payload(&opts, "s1", "ws://127.0.0.1:1", json!([0, 1]))).expect("READY is Ready");
    assert_eq!(ready.user.id.get(), BOT_USER_ID);
    assert_eq!(ready.application.id.get(), APPLICATION_ID);
    assert_eq!(ready.application.flags.bits(), GATEWAY_MESSAGE_CONTENT_LIMITED);
    assert_eq!(ready.guilds.len(), 3);
    assert!(ready.guilds.iter().all(|g| g.unavailable));
    assert_eq!(ready.shard.map(|s| (s.id.0, s.total)), Some((0, 1)));

    let app: CurrentApplicationInfo =
        serde_json::from_value(application_info(&opts)).expect("application info is CurrentApplicationInfo");
    assert_eq!(app.id.get(), APPLICATION_ID);
    assert_eq!(app.flags.map(|f| f.bits()), Some(GATEWAY_MESSAGE_CONTENT_LIMITED));
    assert_eq!(app.owner.map(|o| o.id.get()), Some(OWNER_ID));
}

#[test]
fn every_fixture_survives_as_a_gateway_frame() {
    let opts = FakeOptions::default();
    let moderator = Member::moderator();
    assert!(matches!(parse_dispatch("READY", &ready_payload(&opts, "s", "ws://x", Value::Null)), Event::Ready(_)));
    assert!(matches!(
        parse_dispatch("GUILD_CREATE", &guild_create_payload(&opts, &opts.guilds[0])),
        Event::GuildCreate(_)
    ));
    assert!(matches!(parse_dispatch("RESUMED", &json!({})), Event::Resumed(_)));
    assert!(matches!(
        parse_dispatch("MESSAGE_CREATE", &message_create(GUILD_ID, CHANNEL_ID, 7, "x")),
        Event::MessageCreate(_)
    ));
    let interactions = [
        slash_command(GUILD_ID, CHANNEL_ID, &moderator, "a", json!([])),
        dm_slash_command(dm_channel_id(7), 7, "a", json!([])),
        autocomplete(
            GUILD_ID,
            CHANNEL_ID,
            &moderator,
            "a",
            json!([{"name": "q", "type": 3, "value": "", "focused": true}]),
        ),
        button(GUILD_ID, CHANNEL_ID, &moderator, "b", 1),
        modal_submit(GUILD_ID, CHANNEL_ID, &moderator, "m", &[("f", "v")]),
    ];
    for d in &interactions {
        assert!(matches!(parse_dispatch("INTERACTION_CREATE", d), Event::InteractionCreate(_)), "{d:#}");
    }
}

// ---------------------------------------------------------------------------------------------
// The REST side, through serenity's Http
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn rest_answers_parse_in_serenity() {
    let fake = FakeDiscord::start(FakeOptions::default()).await;
    let http = http_for(&fake);

    let app = http.get_current_application_info().await.expect("application info");
    assert_eq!(app.id.get(), APPLICATION_ID);
    assert_eq!(app.flags.unwrap().bits(), GATEWAY_MESSAGE_CONTENT_LIMITED);
    assert_eq!(http.get_current_user().await.expect("users/@me").id.get(), BOT_USER_ID);
    assert_eq!(http.get_gateway().await.expect("gateway").url, fake.gateway_url());
    assert_eq!(http.get_bot_gateway().await.expect("gateway/bot").shards, 1);

    let commands = vec![
        CreateCommand::new("topic").description("Topics").add_option(
            CreateCommandOption::new(CommandOptionType::SubCommand, "show", "Show one")
                .add_sub_option(CreateCommandOption::new(CommandOptionType::String, "name", "Topic").required(true)),
        ),
    ];
    let global = http.create_global_commands(&commands).await.expect("global commands echo as Vec<Command>");
    assert_eq!(global[0].name, "topic");
    assert_eq!(global[0].application_id.get(), APPLICATION_ID);
    let guild = http.create_guild_commands(GuildId::new(GUILD_ID), &commands).await.expect("guild commands");
    assert_eq!(guild[0].guild_id, Some(GuildId::new(GUILD_ID)));

    let builder = CreateMessage::new()
        .content("hello")
        .embed(
            CreateEmbed::new()
                .title("T")
                .description("D")
                .field("a", "b", false)
                .footer(CreateEmbedFooter::new("f"))
                .colour(0x00ff00),
        )
        .components(vec![CreateActionRow::Buttons(vec![CreateButton::new("btn:1").label("Go")])])
        .allowed_mentions(CreateAllowedMentions::new());
    let sent = ChannelId::new(CHANNEL_ID).send_message(&http, builder).await.expect("channel message");
    assert_eq!(sent.content, "hello");
    assert_eq!(sent.author.id.get(), BOT_USER_ID);
    assert_eq!(sent.channel_id.get(), CHANNEL_ID);
    assert_eq!(sent.embeds[0].title.as_deref(), Some("T"));
    assert_eq!(sent.components.len(), 1);
    let post = fake.wait_request(|r| r.method == "POST" && r.path.ends_with("/messages"), Duration::from_secs(5)).await;
    assert_eq!(post.path, format!("/api/v10/channels/{CHANNEL_ID}/messages"));
    assert_eq!(post.body["allowed_mentions"]["parse"], json!([]), "allowed_mentions is recorded");

    // Attachments go as multipart; the fake records the payload_json part.
    let with_file = CreateMessage::new().content("file").add_file(CreateAttachment::bytes(b"abc".to_vec(), "a.txt"));
    let sent = ChannelId::new(CHANNEL_ID).send_message(&http, with_file).await.expect("multipart message");
    assert_eq!(sent.attachments[0].filename, "a.txt");
    let posts = fake.wait_requests(|r| r.path.ends_with("/messages"), 2, Duration::from_secs(5)).await;
    assert_eq!(posts[1].body["content"], "file");
    let first = fake.wait_request(|r| r.path.ends_with("/messages"), Duration::from_secs(5)).await;
    assert_eq!(first.body["content"], "hello", "wait_request returns the first match, again");
    fake.expect_no_request(|r| r.path.ends_with("/messages"), Duration::from_millis(50)).await;

    // Interaction replies, the way the bot makes them.
    let v = slash_command(GUILD_ID, OTHER_CHANNEL_ID, &Member::member(), "topic", json!([]));
    let command: CommandInteraction = serde_json::from_value(v.clone()).expect("command");
    let reply = CreateInteractionResponseMessage::new().content("first").ephemeral(true);
    command.create_response(&http, CreateInteractionResponse::Message(reply)).await.expect("callback 204");
    let callback = fake.wait_request(|r| r.path.ends_with("/callback"), Duration::from_secs(5)).await;
    assert_eq!(callback.status, 204);
    assert_eq!(
        callback.path,
        format!("/api/v10/interactions/{}/{}/callback", v["id"].as_str().unwrap(), command.token)
    );
    assert_eq!(callback.body["type"], 4);
    assert_eq!(callback.body["data"]["flags"], 64);

    let original = command.get_response(&http).await.expect("GET @original");
    assert_eq!(original.content, "first");
    assert_eq!(original.channel_id.get(), OTHER_CHANNEL_ID, "the token carries the channel");
    let edited = command.edit_response(&http, EditInteractionResponse::new().content("edited")).await.expect("PATCH");
    assert_eq!(edited.content, "edited");
    assert_eq!(edited.id, original.id);
    let followup = CreateInteractionResponseFollowup::new().content("more");
    let followup = command.create_followup(&http, followup).await.expect("follow-up");
    assert_eq!(followup.content, "more");
    assert_ne!(followup.id, original.id);

    let dm = http.create_private_channel(&json!({"recipient_id": MEMBER_ID.to_string()})).await.expect("DM channel");
    assert_eq!(dm.id.get(), dm_channel_id(MEMBER_ID));
    assert_eq!(dm.recipient.id.get(), MEMBER_ID);

    let unknown = http.get_channel(ChannelId::new(CHANNEL_ID)).await.expect_err("unknown route");
    assert_eq!(status_of(&unknown), 404);
    let last = fake.requests().pop().unwrap();
    assert_eq!((last.method.as_str(), last.status), ("GET", 404), "unknown routes are recorded too");
}

#[tokio::test(flavor = "multi_thread")]
async fn injected_faults_and_rejected_tokens() {
    let fail_next = vec![("/messages".to_string(), 429, Some(0.1)), ("/messages".to_string(), 500, None)];
    let fake = FakeDiscord::start(FakeOptions { fail_next, ..FakeOptions::default() }).await;
    let http = http_for(&fake);
    let body = json!({"content": "x"});
    let send = || http.send_message(ChannelId::new(CHANNEL_ID), vec![], &body);

    assert_eq!(status_of(&send().await.expect_err("429")), 429);
    assert_eq!(status_of(&send().await.expect_err("500")), 500);
    send().await.expect("faults are used up");
    let statuses: Vec<u16> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 500, 200]);

    // The 429 carries Discord's header and body (checked on the wire: serenity hides headers).
    fake.fail_next("/gateway", 429, Some(0.25));
    let raw = raw_get(&fake, "/api/v10/gateway").await;
    assert!(raw.starts_with("HTTP/1.1 429"), "{raw}");
    assert!(raw.to_ascii_lowercase().contains("retry-after: 0.25"), "{raw}");
    assert!(raw.contains(r#""retry_after":0.25"#) && raw.contains(r#""global":false"#), "{raw}");

    let rejecting = FakeDiscord::start(FakeOptions { reject_token: true, ..FakeOptions::default() }).await;
    let error = http_for(&rejecting).get_current_application_info().await.expect_err("401");
    assert_eq!(status_of(&error), 401);
    assert_eq!(rejecting.requests()[0].status, 401);
}

/// A bare HTTP/1.1 GET, to see the headers serenity does not expose.
async fn raw_get(fake: &FakeDiscord, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = fake.api_url().trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: fake\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
}

// ---------------------------------------------------------------------------------------------
// The gateway, through a minimal serenity Client
// ---------------------------------------------------------------------------------------------

/// What the client's event handler saw.
#[derive(Debug)]
enum Seen {
    Ready(Box<Ready>),
    GuildCreate(u64),
    Message(Box<Message>),
    Interaction(Box<Interaction>),
}

struct Forward(mpsc::UnboundedSender<Seen>);

#[serenity::async_trait]
impl EventHandler for Forward {
    async fn ready(&self, _: Context, ready: Ready) {
        let _ = self.0.send(Seen::Ready(Box::new(ready)));
    }

    async fn guild_create(&self, _: Context, guild: serenity::model::guild::Guild, _: Option<bool>) {
        let _ = self.0.send(Seen::GuildCreate(guild.id.get()));
    }

    async fn message(&self, _: Context, message: Message) {
        let _ = self.0.send(Seen::Message(Box::new(message)));
    }

    async fn interaction_create(&self, _: Context, interaction: Interaction) {
        let _ = self.0.send(Seen::Interaction(Box::new(interaction)));
    }
}

/// Receives events until `pick` accepts one; panics after `timeout`.
async fn next_seen<T>(rx: &mut mpsc::UnboundedReceiver<Seen>, what: &str, pick: impl Fn(Seen) -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(seen)) => {
                if let Some(value) = pick(seen) {
                    return value;
                }
            }
            Ok(None) => panic!("event handler gone while waiting for {what}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}

/// A serenity client on the fake, forwarding events to the returned receiver.
async fn start_client(
    fake: &FakeDiscord,
    intents: GatewayIntents,
) -> (serenity::Client, mpsc::UnboundedReceiver<Seen>) {
    let http = HttpBuilder::new("Bot fake-token").proxy(fake.api_url()).ratelimiter_disabled(true).build();
    let (tx, rx) = mpsc::unbounded_channel();
    let client = ClientBuilder::new_with_http(http, intents).event_handler(Forward(tx)).await.expect("client");
    (client, rx)
}

#[tokio::test(flavor = "multi_thread")]
async fn serenity_client_runs_against_the_fake() {
    let fake = FakeDiscord::start(FakeOptions::default()).await;
    let intents = GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::MESSAGE_CONTENT;
    let (mut client, mut rx) = start_client(&fake, intents).await;
    let shard_manager = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start_autosharded().await });

    let identify = fake.identified(Duration::from_secs(20)).await;
    let asked = GatewayIntents::from_bits_truncate(identify["intents"].as_u64().expect("intents"));
    assert!(asked.contains(intents), "IDENTIFY intents {asked:?}");
    assert_eq!(identify["token"], "Bot fake-token");
    assert_eq!(fake.identify_count(), 1);

    let ready = next_seen(&mut rx, "ready", |s| if let Seen::Ready(r) = s { Some(r) } else { None }).await;
    assert_eq!(ready.user.id.get(), BOT_USER_ID);
    let guild = next_seen(&mut rx, "guild_create", |s| if let Seen::GuildCreate(g) = s { Some(g) } else { None }).await;
    assert_eq!(guild, GUILD_ID);

    fake.send_event("MESSAGE_CREATE", message_create(GUILD_ID, CHANNEL_ID, 7777, "is anyone there")).await;
    let message = next_seen(&mut rx, "message", |s| if let Seen::Message(m) = s { Some(m) } else { None }).await;
    assert_eq!(message.content, "is anyone there");
    assert_eq!(message.guild_id, Some(GuildId::new(GUILD_ID)));

    fake.send_event("INTERACTION_CREATE", slash_command(GUILD_ID, CHANNEL_ID, &Member::member(), "help", json!([])))
        .await;
    let interaction =
        next_seen(&mut rx, "interaction", |s| if let Seen::Interaction(i) = s { Some(i) } else { None }).await;
    let Interaction::Command(command) = *interaction else { panic!("not a command: {interaction:?}") };
    assert_eq!(command.data.name, "help");

    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(paths.contains(&"/api/v10/gateway".to_string()), "{paths:?}");
    assert!(paths.contains(&"/api/v10/gateway/bot".to_string()), "{paths:?}");

    shard_manager.shutdown_all().await;
    let _ = tokio::time::timeout(Duration::from_secs(10), running).await.expect("client stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn gateway_close_and_drop_make_serenity_resume_or_reidentify() {
    let fake = FakeDiscord::start(FakeOptions::default()).await;
    let (mut client, mut rx) = start_client(&fake, GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES).await;
    let shard_manager = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start_autosharded().await });
    fake.identified(Duration::from_secs(20)).await;

    let content_of = |s: Seen| if let Seen::Message(m) = s { Some(m.content) } else { None };

    // 4000 (unknown error) keeps the session: serenity resumes, and events flow again.
    fake.close_gateway(4000).await;
    fake.send_event("MESSAGE_CREATE", message_create(GUILD_ID, CHANNEL_ID, 7, "after close")).await;
    assert_eq!(next_seen(&mut rx, "message after close", content_of).await, "after close");
    assert_eq!((fake.identify_count(), fake.resume_count()), (1, 1));

    // A dropped connection without a close frame: resume again.
    fake.drop_gateway().await;
    fake.send_event("MESSAGE_CREATE", message_create(GUILD_ID, CHANNEL_ID, 7, "after drop")).await;
    assert_eq!(next_seen(&mut rx, "message after drop", content_of).await, "after drop");
    assert_eq!((fake.identify_count(), fake.resume_count()), (1, 2));

    // 4009 (session timed out) drops the session: serenity identifies anew (after its 5 s
    // spacing between identifies).
    fake.close_gateway(4009).await;
    fake.wait_until("a second IDENTIFY", Duration::from_secs(20), |f| f.identify_count() == 2).await;
    fake.send_event("MESSAGE_CREATE", message_create(GUILD_ID, CHANNEL_ID, 7, "after re-identify")).await;
    assert_eq!(next_seen(&mut rx, "message after re-identify", content_of).await, "after re-identify");
    assert_eq!(fake.resume_count(), 2);

    shard_manager.shutdown_all().await;
    let _ = tokio::time::timeout(Duration::from_secs(10), running).await.expect("client stops");
}
