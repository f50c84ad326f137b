//! `harbor discord` when things go wrong: the gateway closing or dropping, Discord's REST API
//! answering 429 or 500, a member sending too many commands, and a channel full of crisis
//! messages. The real bot (serenity + poise) against the fake Discord on 127.0.0.1; every test
//! ends by checking that nothing the bot sent could ping anyone.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::bot::{
    Bot, QUIET, WAIT, answer_to, assert_no_pings, channel, description, ephemeral, group, integer, is_post_in, sub,
};
use support::fake_discord::{
    CHANNEL_ID, FakeDiscord, FakeOptions, GUILD_ID, MEMBER_PERMISSIONS, Member, OTHER_CHANNEL_ID, autocomplete, button,
    message_create, slash_command,
};

use harbor::content::{Content, Msg};
use harbor::engine::rate::LIMIT;

fn naloxone_title() -> String {
    Content::embedded().topic("naloxone").expect("a naloxone topic").title.clone()
}

/// How a message from `messages.toml` begins, up to its first placeholder.
fn opening(msg: Msg) -> String {
    let template = Content::embedded().messages.template(msg).trim().to_string();
    template.split('{').next().unwrap_or_default().to_string()
}

/// How the fake breaks the gateway connection.
enum Break {
    Close(u16),
    Drop,
}

/// Breaks the gateway once the bot is ready, waits until serenity has come back with the
/// expected number of IDENTIFYs and RESUMEs in all, and checks that a command is answered.
async fn reconnects_and_answers(fault: Break, identifies: usize, resumes: usize) {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    assert!(description(&bot.command(&member, "overdose", json!([])).await).contains("Call"));
    match fault {
        Break::Close(code) => bot.fake.close_gateway(code).await,
        Break::Drop => bot.fake.drop_gateway().await,
    }
    let expected = format!("{identifies} IDENTIFY(s) and {resumes} RESUME(s)");
    bot.fake.wait_until(&expected, WAIT, |f| (f.identify_count(), f.resume_count()) == (identifies, resumes)).await;

    let answer = bot.command(&member, "naloxone", json!([])).await;
    assert_eq!(answer["data"]["embeds"][0]["title"], naloxone_title(), "answered after reconnecting: {answer}");
    assert_eq!((bot.fake.identify_count(), bot.fake.resume_count()), (identifies, resumes), "and nothing more");
    let registrations = bot.fake.requests().iter().filter(|r| r.method == "PUT").count();
    assert_eq!(registrations, 1, "commands are registered once, not again on reconnecting");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_close_1000_resumes_and_the_next_command_is_answered() {
    reconnects_and_answers(Break::Close(1000), 1, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_close_4000_resumes_and_the_next_command_is_answered() {
    reconnects_and_answers(Break::Close(4000), 1, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_close_4009_identifies_again_and_the_next_command_is_answered() {
    // The session timed out: serenity starts a new one (5 s after the first, its IDENTIFY pace).
    reconnects_and_answers(Break::Close(4009), 2, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_gateway_connection_resumes_and_the_next_command_is_answered() {
    reconnects_and_answers(Break::Drop, 1, 1).await;
}

/// `/config listen add` for [`CHANNEL_ID`], by a moderator.
async fn listen_here(bot: &Bot) {
    let added = bot.command(&Member::moderator(), "config", group("listen", "add", json!([channel(CHANNEL_ID)]))).await;
    assert!(description(&added).contains(&format!("<#{CHANNEL_ID}>")), "{added}");
}

fn crisis_message(author: u64, text: &str) -> Value {
    message_create(GUILD_ID, CHANNEL_ID, author, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crisis_reply_refused_with_429_or_500_is_posted_on_the_next_try() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    listen_here(&bot).await;
    let no_cooldown = sub("cooldown", json!([integer("minutes", 0)]));
    bot.command(&Member::moderator(), "config", no_cooldown).await;

    let path = format!("/channels/{CHANNEL_ID}/messages");
    for (round, (status, retry_after)) in [(429, Some(0.5)), (500, None)].into_iter().enumerate() {
        bot.fake.fail_next(&path, status, retry_after);
        bot.fake.send_event("MESSAGE_CREATE", crisis_message(member.user_id, "my friend won't wake up")).await;
        let posts = bot.fake.wait_requests(|r| is_post_in(r, CHANNEL_ID), 2 * round + 2, WAIT).await;
        let (refused, posted) = (&posts[2 * round], &posts[2 * round + 1]);
        assert_eq!((refused.status, posted.status), (status, 200), "refused, then posted");
        assert_eq!(refused.body, posted.body, "the same reply, tried again");
        let waited = posted.at.saturating_duration_since(refused.at);
        assert!(waited >= Duration::from_secs_f64(retry_after.unwrap_or(0.0)), "waited {waited:?} after a {status}");
        let answer = bot.command(&member, "overdose", json!([])).await;
        assert!(description(&answer).contains("Call"), "the next command is answered: {answer}");
    }
    bot.fake.expect_no_request(|r| is_post_in(r, CHANNEL_ID), QUIET).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_interaction_answer_is_not_retried_and_the_next_command_is_answered() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    for (status, retry_after) in [(429, Some(0.2)), (500, None)] {
        bot.fake.fail_next("/callback", status, retry_after);
        let event = slash_command(GUILD_ID, CHANNEL_ID, &member, "overdose", json!([]));
        let id = event["id"].as_str().unwrap().to_string();
        assert_eq!(answer_to(&bot.fake, event).await.status, status);
        // The token in callback and follow-up paths holds the interaction id too.
        bot.fake.expect_no_request(|r| r.path.contains(&id), QUIET).await;
        let answer = bot.command(&member, "naloxone", json!([])).await;
        assert_eq!(answer["data"]["embeds"][0]["title"], naloxone_title(), "the next command is answered: {answer}");
    }
    bot.stop().await;
}

/// A token that must never appear in the log.
const TOKEN: &str = "fake-token-faults-7d2a-never-printed";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crisis_reply_failing_every_try_is_logged_the_alert_still_goes_and_harbor_keeps_answering() {
    let data = tempfile::tempdir().unwrap();
    let log_path = data.path().join("log");
    let log = std::fs::File::create(&log_path).unwrap();
    let fake = FakeDiscord::start(FakeOptions::default()).await;
    let mut child = support::Running::start(
        std::process::Command::new(env!("CARGO_BIN_EXE_harbor"))
            .args(["discord", "--guild", &GUILD_ID.to_string()])
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_PROXY", fake.api_url())
            .env("HARBOR_DATA", data.path().join("store"))
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log),
    );
    fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT).await;
    let moderator = Member::moderator();
    let member = Member::member();
    let config = |options: Value| slash_command(GUILD_ID, CHANNEL_ID, &moderator, "config", options);
    answer_to(&fake, config(group("listen", "add", json!([channel(CHANNEL_ID)])))).await;
    answer_to(&fake, config(sub("alert", json!([channel(OTHER_CHANNEL_ID)])))).await;
    answer_to(&fake, config(sub("crisis", json!([integer("mode", 2)])))).await; // both

    fake.fail_next("/callback", 500, None);
    let overdose = || slash_command(GUILD_ID, CHANNEL_ID, &member, "overdose", json!([]));
    assert_eq!(answer_to(&fake, overdose()).await.status, 500);

    // Discord fails the reply on every try: 4 tries over 7 s, then it is given up.
    for _ in 0..4 {
        fake.fail_next(&format!("/channels/{CHANNEL_ID}/messages"), 500, None);
    }
    let secret = "pelican-marimba-0193";
    let text = format!("{secret} my friend is turning blue");
    fake.send_event("MESSAGE_CREATE", crisis_message(member.user_id, &text)).await;
    // Four tries with 7 s of delays between them come first: on a loaded machine, more than WAIT.
    let alert = fake.wait_request(|r| is_post_in(r, OTHER_CHANNEL_ID), WAIT * 2).await;
    assert_eq!(alert.status, 200, "the moderators' alert is posted after the reply failed");
    let tries: Vec<u16> = fake.requests().iter().filter(|r| is_post_in(r, CHANNEL_ID)).map(|r| r.status).collect();
    assert_eq!(tries, [500; 4]);

    let answer = answer_to(&fake, overdose()).await;
    assert!(answer.status == 204 && description(&answer.body).contains("Call"), "still answering: {answer}");

    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status =
        tokio::time::timeout(WAIT, tokio::task::spawn_blocking(move || child.0.take().expect("running").wait()))
            .await
            .expect("harbor exits")
            .unwrap()
            .unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(status.success(), "a clean exit, no crash: {status}\n{log}");
    assert_eq!(log.matches("posting failed; trying again").count(), 3, "{log}");
    for line in ["the crisis reply could not be posted", "a command failed"] {
        assert!(log.contains(line), "{line:?} is logged:\n{log}");
    }
    assert!(!log.contains(secret) && !log.contains(TOKEN), "no chat text or token in the log:\n{log}");
    assert_no_pings(&fake.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_over_the_command_limit_gets_a_private_notice_and_nothing_else_happens() {
    let bot = Bot::start(FakeOptions::default()).await;
    let member = Member::member();
    let notice = opening(Msg::RateLimited);
    let limited = |answer: &Value| description(answer).starts_with(&notice);
    let typing = || {
        let focused = json!([{ "name": "substance", "type": 3, "value": "fen", "focused": true }]);
        autocomplete(GUILD_ID, CHANNEL_ID, &member, "saferuse", focused)
    };
    // Commands count once each, `/config phrase list` too (poise checks each of its three
    // levels), and so do "More" presses; autocomplete does not count.
    for i in 0..LIMIT {
        let event = match i % 3 {
            0 => slash_command(GUILD_ID, CHANNEL_ID, &member, "overdose", json!([])),
            1 => slash_command(GUILD_ID, CHANNEL_ID, &member, "config", group("phrase", "list", json!([]))),
            _ => button(GUILD_ID, CHANNEL_ID, &member, "more:/naloxone", 4242),
        };
        let answer = bot.answer_to(event).await;
        assert!(answer["type"] == 4 && !limited(&answer), "{} of {LIMIT} is answered: {answer}", i + 1);
        assert_eq!(bot.answer_to(typing()).await["type"], 8, "autocomplete answers");
    }

    let refused = bot.command(&member, "overdose", json!([])).await;
    assert!(limited(&refused) && ephemeral(&refused), "one over the limit: {refused}");
    assert!(description(&refused).contains("call"), "it still says whom to call: {refused}");
    assert!(refused["data"]["components"].as_array().is_none_or(Vec::is_empty), "no button: {refused}");
    bot.fake.expect_no_request(|r| r.method != "GET", QUIET).await;
    let pressed = bot.answer_to(button(GUILD_ID, CHANNEL_ID, &member, "more:/naloxone", 4242)).await;
    assert!(limited(&pressed) && ephemeral(&pressed), "a press counts too: {pressed}");
    assert_eq!(bot.answer_to(typing()).await["type"], 8, "autocomplete is never refused");

    let other = Member::new(7777, "other", MEMBER_PERMISSIONS);
    let answer = bot.command(&other, "overdose", json!([])).await;
    assert!(!limited(&answer) && description(&answer).contains("Call"), "others are answered: {answer}");
    bot.fake.expect_no_request(|r| is_post_in(r, CHANNEL_ID), QUIET).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_crisis_messages_get_one_reply_and_a_more_urgent_one_breaks_through_once() {
    let bot = Bot::start(FakeOptions::default()).await;
    listen_here(&bot).await;
    let worries = ["I think I took too much", "my friend feels really wrong after mixing", "took too much, feel off"];
    for i in 0..20 {
        bot.fake.send_event("MESSAGE_CREATE", crisis_message(6000 + i, worries[i as usize % worries.len()])).await;
    }
    let first = bot.fake.wait_request(|r| is_post_in(r, CHANNEL_ID), WAIT).await;
    assert!(description(&first.body).starts_with(&opening(Msg::CrisisConcern)), "a concern reply: {}", first.body);
    bot.fake.expect_no_request(|r| is_post_in(r, CHANNEL_ID), QUIET).await;

    // An emergency is more urgent than the last reply: answered once, despite the cooldown.
    for i in 0..5 {
        bot.fake.send_event("MESSAGE_CREATE", crisis_message(7000 + i, "she's turning blue")).await;
    }
    let posts = bot.fake.wait_requests(|r| is_post_in(r, CHANNEL_ID), 2, WAIT).await;
    let emergency = opening(Msg::CrisisEmergency);
    assert!(description(&posts[1].body).starts_with(&emergency), "an emergency reply: {}", posts[1].body);
    bot.fake.expect_no_request(|r| is_post_in(r, CHANNEL_ID), QUIET).await;
    assert_eq!(bot.posts(CHANNEL_ID).len(), 2);
    for post in bot.posts(CHANNEL_ID) {
        assert_eq!(post.body["flags"].as_u64().unwrap() & 4096, 4096, "silent: {}", post.body);
    }
    bot.stop().await;
}
