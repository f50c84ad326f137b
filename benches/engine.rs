//! How long the engine takes to answer: commands, and chat messages through the engine (the
//! store read, the detector and, for a crisis, the reply). Run with `cargo bench --bench engine`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use harbor::content::Content;
use harbor::engine::{Context, Engine};
use harbor::store::MemoryStore;

fn engine_benches(c: &mut Criterion) {
    let engine = Engine::new(Arc::new(Content::embedded()), Arc::new(MemoryStore::default()));
    let ctx = Context { community: "bench", moderator: false, actor: "bench", user: "bench" };
    for line in [
        "/overdose",
        "/combo alcohol fent xanax",
        "/saferuse fentanil",
        "anyone around tonight?",
        "my friend is not breathing",
    ] {
        c.bench_function(&format!("engine {line:?}"), |b| b.iter(|| engine.line(ctx, black_box(line))));
    }
}

criterion_group!(benches, engine_benches);
criterion_main!(benches);
