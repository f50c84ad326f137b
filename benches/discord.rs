//! A slash command end to end through serenity and poise: a fake gateway event in, the
//! interaction callback POST out, at a steady 200 interactions per second. Reports the
//! latency percentiles, then the bot's resident memory after startup with 1 and with 1,000
//! guilds in GUILD_CREATE (the release binary, side by side in one run).
//!
//! `cargo bench --bench discord`

#[path = "../tests/support/fake_discord.rs"]
#[allow(dead_code)] // the tests use the rest of the fake
mod fake_discord;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use fake_discord::{CHANNEL_ID, FakeDiscord, FakeOptions, GUILD_ID, Guild, Member, slash_command};
use serde_json::json;
use tokio::time::{Instant, MissedTickBehavior};

use harbor::content::Content;
use harbor::engine::Engine;
use harbor::store::{MemoryStore, Store};

const RATE: u64 = 200;
const WARMUP: usize = 200;
const MEASURED: usize = 2_000;
const WAIT: Duration = Duration::from_secs(60);

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        latency().await;
        for guilds in [1, 1_000] {
            let kib = resident_memory(guilds).await;
            println!("rss after startup with {guilds:>5} guild(s): {:.1} MiB", kib as f64 / 1024.0);
        }
    });
}

/// Sends `/overdose` at a steady rate and measures, per interaction, the time from writing the
/// event on the gateway to the callback arriving at the fake's REST server.
async fn latency() {
    let fake = FakeDiscord::start(FakeOptions::default()).await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
    let engine = Arc::new(Engine::new(Arc::new(Content::embedded()), store));
    let options =
        harbor::discord::Options { token: "bench".into(), guild: Some(GUILD_ID), proxy: Some(fake.api_url()) };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(harbor::discord::run(engine, options, async {
        let _ = stopped.await;
    }));
    fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT).await;

    // A different member each time: the per-member command limit is not what is measured.
    let events: Vec<_> = (0..WARMUP + MEASURED)
        .map(|i| {
            let member = Member::new(6_000_000 + i as u64, "bench", fake_discord::MEMBER_PERMISSIONS);
            slash_command(GUILD_ID, CHANNEL_ID, &member, "overdose", json!([]))
        })
        .collect();
    let mut sent = HashMap::new();
    let mut ticks = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
    for (i, event) in events.into_iter().enumerate() {
        ticks.tick().await;
        let id = event["id"].as_str().unwrap().to_string();
        let at = Instant::now();
        fake.send_event("INTERACTION_CREATE", event).await;
        if i >= WARMUP {
            sent.insert(id, at);
        }
    }
    let is_callback = |r: &fake_discord::Request| r.method == "POST" && r.path.ends_with("/callback");
    let callbacks = fake.wait_requests(is_callback, WARMUP + MEASURED, WAIT).await;
    let answered = callbacks.iter().filter(|r| r.body["data"]["components"][0]["components"][0]["label"] == "More");
    assert_eq!(answered.count(), WARMUP + MEASURED, "every answer is the /overdose text with its button");
    let mut micros: Vec<u128> = callbacks
        .iter()
        .filter_map(|r| {
            let id = r.path.split('/').nth(4)?;
            sent.get(id).map(|at| r.at.saturating_duration_since(*at).as_micros())
        })
        .collect();
    assert_eq!(micros.len(), MEASURED, "every measured interaction was answered");
    micros.sort_unstable();
    let at = |q: f64| micros[((micros.len() as f64 * q) as usize).min(micros.len() - 1)] as f64 / 1000.0;
    println!(
        "/overdose end to end at {RATE}/s, {MEASURED} interactions: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.50),
        at(0.90),
        at(0.99),
        at(1.0)
    );
    let _ = stop.send(());
    let _ = tokio::time::timeout(WAIT, bot).await;
}

/// Starts the release binary against a fake with `guilds` guilds, waits until every
/// GUILD_CREATE is written and the commands are registered, lets it settle, and reads VmRSS.
async fn resident_memory(guilds: usize) -> u64 {
    let fake = FakeDiscord::start(FakeOptions { guilds: Guild::many(guilds), ..FakeOptions::default() }).await;
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_harbor"))
        .args(["discord", "--guild", &GUILD_ID.to_string()])
        .env("DISCORD_TOKEN", "bench")
        .env("DISCORD_PROXY", fake.api_url())
        .env("HARBOR_DATA", data.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    fake.identified(WAIT).await;
    fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    kib
}
