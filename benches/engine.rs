//! How long the engine takes to answer: a command, and a chat message through the detector.
//! Run with `cargo bench --bench engine`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use harbor::content::Content;
use harbor::detect::Detector;
use harbor::engine::{Context, Engine};
use harbor::store::MemoryStore;

/// A mix like a busy channel: mostly ordinary chat, some questions, a few crises.
const MESSAGES: &[&str] = &[
    "hey everyone, how's it going tonight",
    "anyone know when the needle exchange opens on sunday?",
    "lmao this beat is killing me",
    "my friend is not breathing please help",
    "what are the signs of an overdose?",
    "i think i took too much, feeling weird after mixing",
    "she's turning blue",
    "got my naloxone kit from the pharmacy today, it was free",
    "last year my cousin overdosed, still think about it",
    "ok going to bed, night all",
];

fn engine_benches(c: &mut Criterion) {
    let engine = Engine::new(Arc::new(Content::embedded()), Arc::new(MemoryStore::default()));
    let ctx = Context {
        community: "bench",
        moderator: false,
    };
    c.bench_function("command /overdose", |b| {
        b.iter(|| engine.line(ctx, black_box("/overdose")))
    });
    c.bench_function("command /combo (3 substances)", |b| {
        b.iter(|| engine.line(ctx, black_box("/combo alcohol fent xanax")))
    });
    c.bench_function("command /saferuse unknown", |b| {
        b.iter(|| engine.line(ctx, black_box("/saferuse fentanil")))
    });

    let detector = Detector::builtin();
    let mut group = c.benchmark_group("detector");
    group.throughput(Throughput::Elements(MESSAGES.len() as u64));
    group.bench_function("scan message mix", |b| {
        b.iter(|| MESSAGES.iter().map(|m| detector.scan(black_box(m)).level).max())
    });
    group.finish();
}

criterion_group!(benches, engine_benches);
criterion_main!(benches);
