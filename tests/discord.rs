//! `harbor discord` end to end: the real bot (serenity + poise) against a fake Discord on
//! 127.0.0.1. Every test ends by checking that nothing the bot sent could ping anyone.

mod support;

use serde_json::{Value, json};
use support::bot::{Bot, WAIT, assert_no_pings, channel, ephemeral, group, integer, is_post_in, string, sub};
use support::fake_discord::{
    CHANNEL_ID, FakeDiscord, FakeOptions, GUILD_ID, Member, OTHER_CHANNEL_ID, Request, attachment_option, autocomplete,
    button, dm_channel_id, dm_message_create, dm_slash_command, message_create, modal_submit, slash_command,
};

use harbor::content::Content;
use harbor::store::{SledStore, Store};

/// The second text channel of the default guild: Harbor is never told to listen there.
const OTHER_CHANNEL: u64 = OTHER_CHANNEL_ID;

/// The bot's command registration (a PUT of the whole list).
fn registration(bot: &Bot) -> Request {
    bot.fake.requests().into_iter().find(|r| r.method == "PUT" && r.path.ends_with("/commands")).expect("registered")
}

/// The first embed of an interaction answer (type 4).
fn embed(answer: &Value) -> &Value {
    assert_eq!(answer["type"], 4, "a message answer: {answer}");
    &answer["data"]["embeds"][0]
}

fn button_id(data: &Value) -> Option<&str> {
    data["components"][0]["components"][0]["custom_id"].as_str()
}

/// `/config listen add` for a channel, from a moderator.
fn listen_add(id: u64) -> Value {
    slash_command(GUILD_ID, CHANNEL_ID, &Member::moderator(), "config", group("listen", "add", json!([channel(id)])))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_every_command_with_its_options_and_moderator_permissions() {
    let bot = Bot::start(FakeOptions::default()).await;
    let identify = bot.fake.identified(WAIT).await;
    let intents = identify["intents"].as_u64().unwrap();
    for (name, bit) in [("GUILDS", 1 << 0), ("GUILD_MESSAGES", 1 << 9), ("MESSAGE_CONTENT", 1 << 15)] {
        assert!(intents & bit != 0, "IDENTIFY asks for {name}: {intents:#b}");
    }
    let put = registration(&bot);
    assert!(
        put.path.contains(&format!("/guilds/{GUILD_ID}/commands")),
        "--guild registers in that guild: {}",
        put.path
    );
    let commands = put.body.as_array().unwrap();
    let find = |name: &str| commands.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no /{name}"));
    for name in ["help", "overdose", "saferuse", "combo", "resources", "optout", "optin", "naloxone", "testing", "moud"]
    {
        let command = find(name);
        assert!(!command["description"].as_str().unwrap().is_empty(), "/{name} has a description");
        assert!(command["default_member_permissions"].is_null(), "/{name} is for everyone");
    }
    let title = Content::embedded().topic("naloxone").unwrap().title.clone();
    assert_eq!(find("naloxone")["description"], title.as_str(), "topic commands are described by their titles");
    let saferuse = &find("saferuse")["options"][0];
    assert_eq!((saferuse["name"].as_str(), saferuse["autocomplete"].as_bool()), (Some("substance"), Some(true)));
    let config = find("config");
    assert_eq!(config["default_member_permissions"], "32", "Manage Server by default");
    let subcommands: Vec<&str> =
        config["options"].as_array().unwrap().iter().filter_map(|o| o["name"].as_str()).collect();
    for name in
        ["region", "emergency", "response", "listen", "crisis", "alert", "cooldown", "phrase", "resource", "history"]
    {
        assert!(subcommands.contains(&name), "/config {name}: {subcommands:?}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_message_content_intent_commands_still_work() {
    let bot = Bot::start(FakeOptions { application_flags: 0, ..FakeOptions::default() }).await;
    let intents = bot.fake.identified(WAIT).await["intents"].as_u64().unwrap();
    assert_eq!(intents & (1 << 15), 0, "MESSAGE_CONTENT is not asked for when the portal has it off");
    let answer = bot.command(&Member::member(), "overdose", json!([])).await;
    assert!(embed(&answer)["description"].as_str().unwrap().contains("Call"), "{answer}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_information_command_answers_with_an_embed_and_a_details_button() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    let content = Content::embedded();
    let mut asked: Vec<(&str, Value, String)> = vec![
        ("overdose", json!([]), "/overdose".into()),
        ("overdose", json!([integer("kind", 1)]), "/overdose stimulant".into()),
        ("saferuse", json!([string("substance", "fentanyl")]), "/saferuse fentanyl".into()),
        ("combo", json!([string("first", "alcohol"), string("second", "heroin")]), "/combo alcohol heroin".into()),
    ];
    for id in harbor::command::TOPIC_COMMANDS {
        asked.push((id, json!([]), format!("/{id}")));
    }
    for (name, options, line) in asked {
        let answer = bot.command(&member, name, options).await;
        let embed = embed(&answer);
        assert!(!embed["title"].as_str().unwrap_or("").is_empty(), "/{name} has a title: {answer}");
        assert!(!embed["description"].as_str().unwrap_or("").is_empty(), "/{name} has a text: {answer}");
        assert!(!ephemeral(&answer), "/{name} is for everyone in the channel");
        assert_eq!(button_id(&answer["data"]), Some(format!("more:{line}").as_str()), "/{name}: {answer}");
    }
    let help = bot.command(&member, "help", json!([])).await;
    assert_eq!(embed(&help)["title"], content.messages.template(harbor::content::Msg::HelpTitle));

    let unknown = bot.command(&member, "saferuse", json!([string("substance", "zzzzz")])).await;
    assert!(ephemeral(&unknown), "a miss is shown only to the person asking");
    assert!(embed(&unknown)["description"].as_str().unwrap().contains("\"zzzzz\""), "{unknown}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_substances_by_street_name_and_categories() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    let focused = |name: &str, value: &str| json!([{ "name": name, "type": 3, "value": value, "focused": true }]);
    let choices = |answer: &Value| -> Vec<(String, String)> {
        assert_eq!(answer["type"], 8, "an autocomplete answer: {answer}");
        answer["data"]["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["name"].as_str().unwrap().to_string(), c["value"].as_str().unwrap().to_string()))
            .collect()
    };
    let fent = choices(
        &bot.answer_to(autocomplete(GUILD_ID, CHANNEL_ID, &member, "saferuse", focused("substance", "fent"))).await,
    );
    assert!(fent.iter().any(|(_, value)| value == "fentanyl"), "{fent:?}");
    let molly =
        choices(&bot.answer_to(autocomplete(GUILD_ID, CHANNEL_ID, &member, "combo", focused("first", "molly"))).await);
    assert!(molly.iter().any(|(name, _)| name.to_lowercase().contains("molly")), "street names show: {molly:?}");
    let all = choices(
        &bot.answer_to(autocomplete(GUILD_ID, CHANNEL_ID, &member, "saferuse", focused("substance", ""))).await,
    );
    assert!(all.len() > 10 && all.len() <= 25, "{}", all.len());
    let categories = choices(
        &bot.answer_to(autocomplete(GUILD_ID, CHANNEL_ID, &member, "resources", focused("category", "nal"))).await,
    );
    assert_eq!(categories, vec![("Naloxone".to_string(), "naloxone".to_string())]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_open_the_details_only_for_the_person_who_pressed() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    for (custom_id, expected) in
        [("more:/naloxone", "Sources"), ("more:/overdose", "naloxone"), ("more:/combo alcohol heroin cocaine", "Why")]
    {
        let press = button(GUILD_ID, CHANNEL_ID, &member, custom_id, 4242);
        let answer = bot.answer_to(press).await;
        assert!(ephemeral(&answer), "{custom_id}: {answer}");
        let fields = answer["data"]["embeds"][0]["fields"].as_array().expect("details as fields");
        assert!(fields.len() >= 2, "{custom_id}: {answer}");
        assert!(answer.to_string().contains(expected), "{custom_id} shows {expected}: {answer}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crisis_messages_get_a_quiet_reply_only_in_listening_channels_once_per_cooldown() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    bot.chat_unanswered(CHANNEL_ID, &member, "he's not breathing").await; // no channel chosen yet

    let added = bot.answer_to(listen_add(CHANNEL_ID)).await;
    assert!(embed(&added)["description"].as_str().unwrap().contains(&format!("<#{CHANNEL_ID}>")), "{added}");

    bot.chat_unanswered(OTHER_CHANNEL, &member, "he's not breathing").await; // not listening there

    let reply = bot.chat_answered(CHANNEL_ID, &member, "she's turning blue").await;
    assert!(reply["embeds"][0]["description"].as_str().unwrap().contains("Call"), "{reply}");
    assert!(reply["message_reference"].is_object(), "a reply to the message: {reply}");
    assert_eq!(reply["flags"].as_u64().unwrap() & 4096, 4096, "sent silently: {reply}");
    assert_eq!(button_id(&reply), Some("more:/overdose"));
    let label = reply["components"][0]["components"][0]["label"].as_str().unwrap();
    assert_eq!(label, "Show overdose steps");

    // The cooldown keeps Harbor from repeating itself during one crisis.
    bot.chat_unanswered(CHANNEL_ID, &member, "she's still blue, not breathing").await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_who_opt_out_get_no_automatic_replies_and_alerts_never_quote_them() {
    let bot = Bot::start(FakeOptions::default()).await;
    let moderator = Member::moderator();
    let member = Member::member();
    bot.answer_to(listen_add(CHANNEL_ID)).await;
    let cooldown = sub("cooldown", json!([integer("minutes", 0)]));
    bot.command(&moderator, "config", cooldown).await;

    let answer = bot.command(&member, "optout", json!([])).await;
    assert!(ephemeral(&answer), "{answer}");
    bot.chat_unanswered(CHANNEL_ID, &member, "my friend won't wake up").await; // opted out
    bot.command(&member, "optin", json!([])).await;

    bot.command(&moderator, "config", sub("alert", json!([channel(OTHER_CHANNEL)]))).await;
    let both = bot.command(&moderator, "config", sub("crisis", json!([integer("mode", 2)]))).await;
    assert!(both.to_string().contains("`both`"), "{both}");
    bot.chat_answered(CHANNEL_ID, &member, "my friend xyzzy won't wake up").await; // opted back in
    let alert = bot.post(OTHER_CHANNEL, 1).await;
    let text = alert["content"].as_str().unwrap();
    assert!(text.contains("emergency") && text.contains(&format!("/channels/{GUILD_ID}/{CHANNEL_ID}/")), "{text}");
    assert!(!text.contains("xyzzy") && !text.contains("wake"), "never the message: {text}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_without_manage_server_cannot_change_settings() {
    let bot = Bot::start(FakeOptions::default()).await;
    let region = sub("region", json!([string("code", "ca")]));
    let before = bot.command(&Member::member(), "overdose", json!([])).await;
    let refused = bot.command(&Member::member(), "config", region.clone()).await;
    assert!(ephemeral(&refused));
    assert!(embed(&refused)["description"].as_str().unwrap().contains("Only moderators"), "{refused}");
    let after = bot.command(&Member::member(), "overdose", json!([])).await;
    assert_eq!(embed(&after), embed(&before), "nothing changed");

    let done = bot.command(&Member::moderator(), "config", region).await;
    assert!(embed(&done)["description"].as_str().unwrap().contains("Canada"), "{done}");
    let overdose = bot.command(&Member::member(), "overdose", json!([])).await;
    assert!(embed(&overdose)["description"].as_str().unwrap().contains("911"), "{overdose}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_in_what_people_type_never_ping() {
    let bot = Bot::start(FakeOptions::default()).await;
    let pings = "@everyone @here <@&5555> <@7777>";
    bot.command(&Member::member(), "saferuse", json!([string("substance", pings)])).await;
    bot.command(&Member::moderator(), "config", sub("region", json!([string("code", "us")]))).await;
    let add = group("resource", "add", json!([string("category", "naloxone"), string("name", pings)]));
    let refused = bot.command(&Member::moderator(), "config", add).await;
    assert!(refused.to_string().contains("wasn't saved"), "services refuse mentions: {refused}");
    let set = group("response", "set", json!([string("topic", "naloxone"), string("text", pings)]));
    bot.command(&Member::moderator(), "config", set).await;
    let shown = bot.command(&Member::member(), "naloxone", json!([])).await;
    assert!(shown.to_string().contains("<@&5555>"), "a moderator's text is shown as written: {shown}");
    let test = group("phrase", "test", json!([string("text", pings)]));
    bot.command(&Member::moderator(), "config", test).await;
    // Bot::stop checks every body sent in this test.
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_survive_a_restart() {
    let bot = Bot::start(FakeOptions::default()).await;
    bot.command(&Member::moderator(), "config", sub("emergency", json!([string("number", "112 or 999")]))).await;
    let data = bot.stop().await;

    let bot = Bot::start_with(FakeOptions::default(), data, None).await;
    let put = registration(&bot);
    assert!(!put.path.contains("/guilds/"), "without --guild commands are registered globally: {}", put.path);
    let answer = bot.command(&Member::member(), "overdose", json!([])).await;
    assert!(embed(&answer)["description"].as_str().unwrap().contains("112 or 999"), "{answer}");
    bot.stop().await;
}

/// A token that must never appear in any output.
const TOKEN: &str = "fake-token-3c1e9b-never-printed";

/// `harbor discord` as a process against the fake, logging everything it would log to
/// `data/log` (a file, not a pipe nobody reads while it runs).
fn harbor_discord(fake: &FakeDiscord, data: &std::path::Path) -> std::process::Command {
    let log = std::fs::File::create(data.join("log")).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_harbor"));
    command
        .args(["discord", "--guild", &GUILD_ID.to_string()])
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_PROXY", fake.api_url())
        .env("HARBOR_DATA", data.join("store"))
        .env("RUST_LOG", "trace")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    command
}

/// Waits for a child without blocking the fake, which runs on this runtime; returns its exit
/// status and everything it printed.
async fn finish(mut child: support::Running, data: &std::path::Path) -> (std::process::ExitStatus, String) {
    let mut process = child.0.take().expect("running");
    let status =
        tokio::time::timeout(WAIT, tokio::task::spawn_blocking(move || process.wait())).await.expect("harbor exits");
    let text = std::fs::read_to_string(data.join("log")).unwrap();
    assert!(!text.contains(TOKEN), "the token was printed:\n{text}");
    (status.unwrap().unwrap(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_rejected_token_is_a_clear_error_that_never_prints_it() {
    let data = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeOptions { reject_token: true, ..FakeOptions::default() }).await;
    let missing = support::Running::start(harbor_discord(&fake, data.path()).env_remove("DISCORD_TOKEN"));
    let (status, text) = finish(missing, data.path()).await;
    assert!(!status.success() && text.contains("no bot token: set DISCORD_TOKEN or pass --token-file"), "{text}");

    let (status, text) = finish(support::Running::start(&mut harbor_discord(&fake, data.path())), data.path()).await;
    assert!(!status.success() && text.contains("Discord refused the token (401 Unauthorized)"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_the_gateway_refuses_ends_with_a_clear_error() {
    let data = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeOptions::default()).await;
    let child = support::Running::start(&mut harbor_discord(&fake, data.path()));
    fake.identified(WAIT).await;
    fake.close_gateway(4004).await;
    let (status, text) = finish(child, data.path()).await;
    assert!(!status.success() && text.contains("the token is invalid (4004)"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_the_gateway_keeps_the_settings_and_no_chat_text_is_logged_or_stored() {
    let data = tempfile::tempdir().unwrap();
    let token_file = data.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let fake = FakeDiscord::start(FakeOptions::default()).await;
    let mut command = harbor_discord(&fake, data.path());
    command.env_remove("DISCORD_TOKEN").arg("--token-file").arg(&token_file);
    let child = support::Running::start(&mut command);
    fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT).await;
    let event = slash_command(
        GUILD_ID,
        CHANNEL_ID,
        &Member::moderator(),
        "config",
        sub("region", json!([string("code", "nz")])),
    );
    let id = event["id"].as_str().unwrap().to_string();
    fake.send_event("INTERACTION_CREATE", event).await;
    fake.wait_request(|r| r.path.contains(&format!("/interactions/{id}/")), WAIT).await;
    let listen = listen_add(CHANNEL_ID);
    let id = listen["id"].as_str().unwrap().to_string();
    fake.send_event("INTERACTION_CREATE", listen).await;
    fake.wait_request(|r| r.path.contains(&format!("/interactions/{id}/")), WAIT).await;
    // Distinctive words in a message that is read, answered, and must leave no trace.
    let secret = "quetzal-harmonica-5527";
    let text = format!("my friend {secret} is not breathing");
    fake.send_event("MESSAGE_CREATE", message_create(GUILD_ID, CHANNEL_ID, Member::member().user_id, &text)).await;
    fake.wait_request(|r| is_post_in(r, CHANNEL_ID), WAIT).await;

    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let (status, text) = finish(child, data.path()).await;
    assert!(status.success(), "a clean exit on SIGTERM: {status}\n{text}");
    assert!(text.contains("stopping: closing the gateway"), "{text}");
    assert_no_pings(&fake.requests());
    let settings = SledStore::open(&data.path().join("store")).unwrap().settings(&GUILD_ID.to_string()).unwrap();
    assert_eq!(settings.region.as_deref(), Some("nz"), "the change made before SIGTERM is on disk");
    assert!(text.contains("crisis reply"), "the reply is logged (its level, not the words): {text}");
    assert!(!text.contains(secret), "chat text in the trace log");
    for entry in support::files_under(&data.path().join("store")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "chat text in {}", entry.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_messages_get_answers_but_no_settings() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    let channel = dm_channel_id(member.user_id);
    let answer =
        bot.answer_to(dm_slash_command(channel, member.user_id, "saferuse", json!([string("substance", "K")]))).await;
    assert_eq!(embed(&answer)["title"], "Ketamine", "{answer}");
    let config = bot.answer_to(dm_slash_command(channel, member.user_id, "config", sub("show", json!([])))).await;
    assert!(config.to_string().contains("Settings belong to a server"), "no settings in a DM: {config}");

    // Someone writing to Harbor directly about an emergency gets the steps, always.
    bot.fake
        .send_event("MESSAGE_CREATE", dm_message_create(channel, member.user_id, "my friend is turning blue"))
        .await;
    let reply = bot.post(channel, 1).await;
    assert!(reply["embeds"][0]["description"].as_str().unwrap().contains("Call"), "{reply}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_edit_a_text_in_a_modal_on_several_lines() {
    let bot = Bot::start(FakeOptions::default()).await;
    let moderator = Member::moderator();
    let open = bot.command(&moderator, "config", group("response", "set", json!([string("topic", "naloxone")]))).await;
    assert_eq!(open["type"], 9, "a modal opens: {open}");
    let modal = &open["data"];
    assert_eq!(modal["title"], "Your text for naloxone");
    let input = &modal["components"][0]["components"][0];
    let current = Content::embedded().topic("naloxone").unwrap().summary.clone();
    assert_eq!(input["value"], current.as_str(), "the current text to edit");
    assert_eq!(input["style"], 2, "several lines");

    let text = "Kits at the front desk.\nAsk for {emergency} help any time.";
    let submit = modal_submit(GUILD_ID, CHANNEL_ID, &moderator, modal["custom_id"].as_str().unwrap(), &[("0", text)]);
    let saved = bot.answer_to(submit).await;
    assert!(ephemeral(&saved) && saved.to_string().contains("Saved your text for `naloxone`"), "{saved}");
    let shown = bot.command(&Member::member(), "naloxone", json!([])).await;
    assert!(embed(&shown)["description"].as_str().unwrap().starts_with("Kits at the front desk.\nAsk for"), "{shown}");

    let refused =
        bot.command(&Member::member(), "config", group("response", "set", json!([string("topic", "naloxone")]))).await;
    assert_eq!(refused["type"], 4, "no modal for members: {refused}");
    assert!(refused.to_string().contains("Only moderators"), "{refused}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_export_as_a_file_and_import_from_an_attachment_after_a_dry_run() {
    let bot = Bot::start(FakeOptions::default()).await;
    let moderator = Member::moderator();
    bot.command(&moderator, "config", sub("region", json!([string("code", "au")]))).await;
    let add =
        group("resource", "add", json!([string("category", "drug-checking"), string("name", "CanTest Canberra")]));
    bot.command(&moderator, "config", add).await;

    let export_event = slash_command(GUILD_ID, CHANNEL_ID, &moderator, "config", sub("export", json!([])));
    let id = export_event["id"].as_str().unwrap().to_string();
    bot.fake.send_event("INTERACTION_CREATE", export_event).await;
    let export = bot.fake.wait_request(|r| r.path.contains(&format!("/interactions/{id}/")), WAIT).await;
    assert!(ephemeral(&export.body), "{}", export.body);
    let (name, file) = export.files.first().cloned().expect("the settings as an attachment");
    assert_eq!(name, format!("harbor-{GUILD_ID}.toml"));
    assert!(file.contains("region = \"au\"") && file.contains("CanTest Canberra"), "{file}");

    // Edited elsewhere and brought back: first a dry run, then applied.
    let edited = file.replace("region = \"au\"", "region = \"nz\"");
    let url = bot.fake.host_file("edited.toml", &edited);
    let import = |apply: bool| {
        let (option, resolved) = attachment_option("file", "edited.toml", &url, edited.len());
        let mut options = vec![option];
        options.push(json!({ "name": "apply", "type": 5, "value": apply }));
        let mut event = slash_command(GUILD_ID, CHANNEL_ID, &moderator, "config", sub("import", json!(options)));
        event["data"]["resolved"] = json!({ "attachments": resolved });
        event
    };
    let dry = bot.answer_to(import(false)).await;
    assert!(dry.to_string().contains("Dry run") && dry.to_string().contains("region: `au` → `nz`"), "{dry}");
    let unchanged = bot.command(&Member::member(), "overdose", json!([])).await;
    assert!(embed(&unchanged)["description"].as_str().unwrap().contains("000"), "still Australia's number");
    let applied = bot.answer_to(import(true)).await;
    assert!(applied.to_string().contains("Imported."), "{applied}");
    let overdose = bot.command(&Member::member(), "overdose", json!([])).await;
    assert!(embed(&overdose)["description"].as_str().unwrap().contains("111"), "New Zealand's number: {overdose}");

    let broken = bot.fake.host_file("broken.toml", "format = 1\nregion = [");
    let (option, resolved) = attachment_option("file", "broken.toml", &broken, 20);
    let mut event = slash_command(
        GUILD_ID,
        CHANNEL_ID,
        &moderator,
        "config",
        sub("import", json!([option, { "name": "apply", "type": 5, "value": true }])),
    );
    event["data"]["resolved"] = json!({ "attachments": resolved });
    let refused = bot.answer_to(event).await;
    assert!(refused.to_string().contains("wasn't imported") && refused.to_string().contains("line 2"), "{refused}");
    bot.stop().await;
}
